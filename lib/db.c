/*
 * db.c - open, check and update a firth corpus database (firth-db(5)).
 *
 * The schema is created in one transaction; every later write happens in a
 * transaction begun by the tool, so a killed process leaves either all of a
 * batch or none of it.  A database from elsewhere is input like any other:
 * it is opened with the defensive flags and its schema is checked before
 * anything is read.
 */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli.h"
#include "digest.h"

static const char schema_sql[] =
    "CREATE TABLE meta("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);"
    "CREATE TABLE words("
    " id INTEGER PRIMARY KEY,"
    " word TEXT NOT NULL UNIQUE,"
    " count INTEGER NOT NULL CHECK (count >= 0));"
    "CREATE TABLE batches("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " digest TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " docs INTEGER NOT NULL,"
    " tokens INTEGER NOT NULL,"
    " added TEXT NOT NULL,"
    " UNIQUE (kind, digest));"
    "CREATE TABLE shards("
    " id INTEGER PRIMARY KEY,"
    " batch INTEGER REFERENCES batches(id),"
    " level INTEGER NOT NULL,"
    " first_w1 INTEGER NOT NULL,"
    " last_w1 INTEGER NOT NULL,"
    " records INTEGER NOT NULL,"
    " data BLOB NOT NULL,"
    " checksum INTEGER NOT NULL);"
    "CREATE INDEX shards_level ON shards(level);";

/* Tables and the columns each must have, for the schema check. */
static const char *const expect_cols[][9] = {
	{ "meta", "key", "value", NULL },
	{ "words", "id", "word", "count", NULL },
	{ "batches", "id", "kind", "digest", "source", "docs", "tokens",
	  "added", NULL },
	{ "shards", "id", "batch", "level", "first_w1", "last_w1", "records",
	  "data", "checksum" },
};

void
db_die(struct db *db, const char *what)
{
	int code = sqlite3_extended_errcode(db->h);
	int sys = sqlite3_system_errno(db->h);
	const char *msg = sqlite3_errmsg(db->h);

	/*
	 * SQLite says SQLITE_FULL only for ENOSPC; a write past ulimit -f
	 * (EFBIG) or a quota (EDQUOT) is a bare "disk I/O error".  Name
	 * the cause, and what it did not do: the transaction never
	 * committed, so the database is as it was.
	 */
	if ((code & 0xff) == SQLITE_FULL || ((code & 0xff) == SQLITE_IOERR &&
	    (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)))
		cli_die("%s: %s: %s; the database is unchanged (nothing of "
		    "this run was kept): free space and run again", db->path,
		    what, sys != 0 ? strerror(sys) : "disk full");
	/*
	 * A failed write whose errno SQLite did not keep (it often does
	 * not): under a file size limit that is the likely cause.
	 */
	if (code == SQLITE_IOERR_WRITE && sys == 0) {
		struct rlimit rl;
		int limited = getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY;
		cli_die("%s: %s: a write failed (%s); the database is "
		    "unchanged (nothing of this run was kept): free space and "
		    "run again", db->path, what, limited ? "File too large? "
		    "ulimit -f limits file sizes" : "disk full or failing?");
	}
	if ((code & 0xff) == SQLITE_BUSY)
		cli_die("%s: %s: the database is locked by another firth "
		    "process; try again when it has finished", db->path, what);
	if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT)
		cli_die("%s: %s: %s (not a firth corpus database, or a "
		    "damaged one)", db->path, what, msg);
	if ((code & 0xff) == SQLITE_IOERR && sys != 0)
		cli_die("%s: %s: %s (%s)", db->path, what, msg, strerror(sys));
	cli_die("%s: %s: %s", db->path, what, msg);
}

sqlite3_stmt *
db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		db_die(db, "prepare");
	return st;
}

int
db_step(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_die(db, "step");
	return rc;
}

void
db_exec(struct db *db, const char *sql)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		db_die(db, sql);
}

void
db_begin(struct db *db)
{
	db_exec(db, "BEGIN IMMEDIATE");
	db->intx = 1;
}

/*
 * The seal.  Shard blobs carry their own checksums; everything else a
 * reader trusts (the settings in meta, the words and their counts, the
 * batches, each shard's row) is covered by one 64-bit FNV-1a digest kept
 * in meta under "seal", rewritten by every commit and checked by every
 * open.  SQLite notices damage to its own structures but not a flipped
 * byte inside a word: without the seal such a word would be exported,
 * changed, as if it were counted.  A shard's data and checksum columns are
 * left out: reading past a blob walks all its overflow pages, and the
 * decoder checks both anyway.
 */
static void
seal_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

static void
seal_rows(struct db *db, uint64_t *h, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);

	while (db_step(db, st) == SQLITE_ROW) {
		int nc = sqlite3_column_count(st);

		for (int c = 0; c < nc; c++) {
			int type = sqlite3_column_type(st, c);
			unsigned char tag = (unsigned char)type;
			int64_t v;
			uint32_t len;

			/* Type, then value: "12" the text and 12 the integer
			 * differ, and lengths keep "ab"+"c" from "a"+"bc". */
			seal_bytes(h, &tag, 1);
			if (type == SQLITE_INTEGER) {
				v = sqlite3_column_int64(st, c);
				seal_bytes(h, &v, sizeof(v));
			} else if (type != SQLITE_NULL) {
				const void *p = type == SQLITE_BLOB ?
				    sqlite3_column_blob(st, c) :
				    (const void *)sqlite3_column_text(st, c);
				len = (uint32_t)sqlite3_column_bytes(st, c);
				seal_bytes(h, &len, sizeof(len));
				if (p != NULL)
					seal_bytes(h, p, len);
			}
		}
	}
	sqlite3_finalize(st);
}

/*
 * firth-phrase's counts (firth-phrase(1), firth-db(5)): made by its first
 * --count, not with the schema above, so that a database made before them
 * takes them too; sealed when present.  Bigram blobs, like shard blobs,
 * carry their own checksums and stay out of the seal.
 */
const char db_phrase_sql[] =
    "CREATE TABLE IF NOT EXISTS phrase_words("
    " pass INTEGER NOT NULL,"
    " id INTEGER NOT NULL,"
    " word TEXT NOT NULL,"
    " count INTEGER NOT NULL CHECK (count >= 0),"
    " PRIMARY KEY (pass, id),"
    " UNIQUE (pass, word));"
    "CREATE TABLE IF NOT EXISTS phrase_bigrams("
    " id INTEGER PRIMARY KEY,"
    " batch INTEGER NOT NULL REFERENCES batches(id),"
    " pass INTEGER NOT NULL,"
    " first_w1 INTEGER NOT NULL,"
    " last_w1 INTEGER NOT NULL,"
    " records INTEGER NOT NULL,"
    " data BLOB NOT NULL,"
    " checksum INTEGER NOT NULL);";

static void
seal_phrase(struct db *db, uint64_t *h)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'phrase_words'");
	int has = db_step(db, st) == SQLITE_ROW;

	sqlite3_finalize(st);
	if (!has)
		return;
	seal_rows(db, h, "SELECT pass, id, word, count FROM phrase_words "
	    "ORDER BY pass, id");
	seal_rows(db, h, "SELECT id, batch, pass, first_w1, last_w1, records "
	    "FROM phrase_bigrams ORDER BY id");
}

static void
seal_compute(struct db *db, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	seal_rows(db, &h, "SELECT key, value FROM meta WHERE key != 'seal' "
	    "ORDER BY key");
	seal_rows(db, &h, "SELECT id, word, count FROM words ORDER BY id");
	seal_rows(db, &h, "SELECT id, kind, digest, source, docs, tokens, "
	    "added FROM batches ORDER BY id");
	seal_rows(db, &h, "SELECT id, batch, level, first_w1, last_w1, "
	    "records FROM shards ORDER BY id");
	seal_phrase(db, &h);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Databases written before the seal existed have none: accepted, and
 * sealed by their next commit. */
static void
seal_check(struct db *db)
{
	char want[17], *have;

	db_exec(db, "BEGIN");
	have = db_meta_get(db, "seal");
	if (have != NULL)
		seal_compute(db, want);
	db_exec(db, "COMMIT");
	if (have != NULL && strcmp(have, want) != 0)
		cli_die("%s: the database is damaged: its words, batches or "
		    "settings no longer match the seal written with them "
		    "(restore it from a backup, or count the corpus again)",
		    db->path);
	free(have);
}

/*
 * Refuse to commit counts that a reader would refuse (db_words_load):
 * SQLite stores an integer sum that overflows as a REAL (9.2e18) and
 * the CHECK (count >= 0) lets it through, so every writer's words are
 * checked here, whichever code added them.  Nothing of the transaction
 * is kept.
 */
static void
words_check(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, word, count FROM words "
	    "WHERE typeof(count) != 'integer' OR count < 0 LIMIT 1");
	char *what = NULL;
	int rc;

	if (db_step(db, st) == SQLITE_ROW) {
		const char *w = (const char *)sqlite3_column_text(st, 1);
		const char *c = (const char *)sqlite3_column_text(st, 2);
		size_t n = 256 + (w != NULL ? strlen(w) : 0);

		what = xmalloc(n);
		snprintf(what, n, "the count of word %lld ('%.100s') would be "
		    "%s, not an integer from 0 to %lld", (long long)
		    sqlite3_column_int64(st, 0), w != NULL ? w : "",
		    c != NULL ? c : "NULL", (long long)INT64_MAX);
	}
	sqlite3_finalize(st);
	if (what == NULL) {
		/* sum() fails on integer overflow where total() would not. */
		st = db_prepare(db, "SELECT sum(count) FROM words");
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW && (sqlite3_extended_errcode(db->h) &
		    0xff) != SQLITE_ERROR)
			db_die(db, "checking the counts");
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW) {
			what = xmalloc(128);
			snprintf(what, 128, "the counts would add up to more "
			    "than %lld", (long long)INT64_MAX);
		}
	}
	if (what != NULL) {
		db_rollback(db);
		cli_die("%s: %s; nothing of this run was kept (counts past "
		    "2^63-1 cannot be stored: start a new database)", db->path,
		    what);
	}
}

void
db_commit(struct db *db)
{
	char seal[17];

	words_check(db);
	seal_compute(db, seal);
	db_meta_set(db, "seal", seal);
	db_exec(db, "COMMIT");
	db->intx = 0;
}

void
db_rollback(struct db *db)
{
	if (db->intx)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->intx = 0;
}

char *
db_meta_get(struct db *db, const char *key)
{
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT value FROM meta WHERE key = ?1");
	char *v = NULL;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (db_step(db, st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

void
db_meta_set(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st = db_prepare(db,
	    "INSERT INTO meta(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value");

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	db_step(db, st);
	sqlite3_finalize(st);
}

void
db_settings_check(struct db *db, const char *key, const char *settings,
    int force)
{
	char *old = db_meta_get(db, key);

	if (old == NULL) {
		db_meta_set(db, key, settings);
		return;
	}
	if (strcmp(old, settings) != 0 && !force) {
		db_rollback(db);
		cli_die("%s: earlier batches were counted with '%s'; this one "
		    "with '%s'. Counts with other settings do not add up: use "
		    "the same options, or a new database", db->path, old,
		    settings);
	}
	free(old);
}

/* A batch key's parts (digest_key_split), or die naming the key. */
static void
batch_key(struct db *db, const char *key, char *primary, char *legacy)
{
	if (!digest_key_split(key, primary, DB_DIGEST_MAX, legacy,
	    DB_DIGEST_MAX))
		cli_die("%s: internal error: batch key '%.80s' is too long",
		    db->path, key);
}

int64_t
db_batch_find(struct db *db, const char *kind, const char *key)
{
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT id FROM batches WHERE kind = ?1 AND digest = ?2");
	char primary[DB_DIGEST_MAX], legacy[DB_DIGEST_MAX];
	int64_t id = -1;

	batch_key(db, key, primary, legacy);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, primary, -1, SQLITE_STATIC);
	if (db_step(db, st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	/* Counted by a firth that recorded the CRC-32/Adler-32 checksum? */
	if (id < 0 && legacy[0] != '\0') {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 2, legacy, -1, SQLITE_STATIC);
		if (db_step(db, st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return id;
}

int64_t
db_batch_add(struct db *db, const char *kind, const char *key,
    const char *source, int64_t docs, int64_t tokens)
{
	char digest[DB_DIGEST_MAX], legacy[DB_DIGEST_MAX];
	sqlite3_stmt *st = db_prepare(db,
	    "INSERT INTO batches(kind, digest, source, docs, tokens, added) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");

	batch_key(db, key, digest, legacy);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, docs);
	sqlite3_bind_int64(st, 5, tokens);
	db_step(db, st);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(db->h);
}

uint32_t
db_nwords(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM words");
	int64_t n = 0;

	if (db_step(db, st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (uint32_t)n;
}

void
db_words_load(struct db *db, char ***wordsp, int64_t **countsp, uint32_t *np)
{
	sqlite3_stmt *st;
	uint32_t n = db_nwords(db), i = 0;
	char **words;
	int64_t *counts;
	char *buf = NULL;
	size_t len = 0, cap = 0, k;
	size_t *off;
	int64_t total = 0;	/* the counts so far, checked for overflow */

	words = xcalloc((size_t)n + 1, sizeof(char *));
	counts = xcalloc((size_t)n + 1, sizeof(int64_t));
	off = xcalloc((size_t)n + 1, sizeof(size_t));
	st = db_prepare(db, "SELECT id, word, count FROM words ORDER BY id");
	while (db_step(db, st) == SQLITE_ROW) {
		const unsigned char *w = sqlite3_column_text(st, 1);
		int64_t id = sqlite3_column_int64(st, 0);

		/* Ids are 0..n-1 by construction; anything else is damage. */
		if (id != (int64_t)i || i >= n || w == NULL)
			cli_die("%s: damaged words table (id %lld at row %u); "
			    "run PRAGMA integrity_check", db->path,
			    (long long)id, i);
		/*
		 * A count is a non-negative integer and all of them add up
		 * within int64: samplers and ranks downstream sum them.  A
		 * REAL (what SQLite makes of an overflowing sum) or a
		 * negative count is someone else's edit.
		 */
		if (sqlite3_column_type(st, 2) != SQLITE_INTEGER ||
		    sqlite3_column_int64(st, 2) < 0)
			cli_die("%s: damaged words table: the count of word "
			    "%lld ('%.100s') is %s, not a non-negative integer",
			    db->path, (long long)id, (const char *)w,
			    sqlite3_column_text(st, 2) != NULL ? (const char *)
			    sqlite3_column_text(st, 2) : "NULL");
		if (__builtin_add_overflow(total, sqlite3_column_int64(st, 2),
		    &total))
			cli_die("%s: damaged words table: the counts add up to "
			    "more than %lld", db->path, (long long)INT64_MAX);
		k = (size_t)sqlite3_column_bytes(st, 1);
		if (len + k + 1 > cap) {
			cap = (len + k + 1) * 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, w, k + 1);
		off[i] = len;
		counts[i] = sqlite3_column_int64(st, 2);
		len += k + 1;
		i++;
	}
	sqlite3_finalize(st);
	if (i != n)
		cli_die("%s: words table changed while being read", db->path);
	if (buf == NULL)
		buf = xmalloc(1);
	for (i = 0; i < n; i++)
		words[i] = buf + off[i];
	/* words[n] keeps the block so db_words_free can find it with n = 0. */
	words[n] = buf;
	free(off);
	*wordsp = words;
	*countsp = counts;
	*np = n;
}

void
db_words_free(char **words, int64_t *counts, uint32_t n)
{
	if (words != NULL)
		free(words[n]);	/* the block of all words (db_words_load) */
	free(words);
	free(counts);
}

/*
 * The schema firth makes, as SQLite stores it: one row per table and
 * index (type, name, tbl_name, sql), read from a private in-memory
 * database built from schema_sql, so the comparison below needs no
 * second copy of the schema to keep in step.
 */
struct schema_row {
	char *type, *name, *tbl, *sql;	/* sql NULL for automatic indexes */
};

struct schema_ref {
	struct schema_row *rows;
	size_t n;
	int built;
};

static struct schema_row *
schema_reference(const char *sql, struct schema_ref *ref, size_t *np)
{
	sqlite3 *m;
	sqlite3_stmt *st;

	if (ref->built) {
		*np = ref->n;
		return ref->rows;
	}
	if (sqlite3_open_v2(":memory:", &m, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_exec(m, sql, NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(m, "SELECT type, name, tbl_name, "
	    "sql FROM sqlite_schema ORDER BY type DESC, name", -1, &st, NULL) != SQLITE_OK)
		cli_die("internal error: cannot build the reference schema: %s",
		    sqlite3_errmsg(m));
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct schema_row *r;

		ref->rows = xreallocarray(ref->rows, ref->n + 1,
		    sizeof(*ref->rows));
		r = &ref->rows[ref->n++];
		r->type = xstrdup((const char *)sqlite3_column_text(st, 0));
		r->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		r->tbl = xstrdup((const char *)sqlite3_column_text(st, 2));
		r->sql = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL :
		    xstrdup((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	sqlite3_close(m);
	ref->built = 1;
	*np = ref->n;
	return ref->rows;
}

static int
same_text(const unsigned char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return strcmp((const char *)a, b) == 0;
}

static void
schema_check(struct db *db)
{
	static struct schema_ref required, optional;
	struct schema_row *ref, *opt;
	size_t nref, nopt, nhave = 0;
	sqlite3_stmt *st;
	char *v;

	/*
	 * firth makes no triggers, views or virtual tables.  Triggers and
	 * views are off on our connections, but one in the file means
	 * someone else's schema: a view or a virtual table (fts4, say) can
	 * stand in for a table without its constraints (the column check
	 * below would pass), and a trigger would run in a less careful
	 * client.  Refuse all three first, before any of them is queried.
	 */
	st = db_prepare(db, "SELECT CASE WHEN type = 'table' THEN "
	    "'virtual table' ELSE type END, name FROM sqlite_schema "
	    "WHERE type IN ('trigger', 'view') OR (type = 'table' AND "
	    "sql LIKE 'CREATE VIRTUAL TABLE%') ORDER BY type, name LIMIT 1");
	if (db_step(db, st) == SQLITE_ROW)
		cli_die("%s: not a firth corpus database (it holds %s '%s', "
		    "which firth never makes)", db->path,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);

	/* The columns first: the most telling message for a foreign file. */
	for (size_t t = 0; t < sizeof(expect_cols) / sizeof(expect_cols[0]);
	    t++) {
		for (size_t c = 1; c < 9 && expect_cols[t][c] != NULL; c++) {
			int found = 0;
			st = db_prepare(db, "SELECT 1 FROM pragma_table_info(?1) "
			    "WHERE name = ?2");
			sqlite3_bind_text(st, 1, expect_cols[t][0], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 2, expect_cols[t][c], -1,
			    SQLITE_STATIC);
			found = db_step(db, st) == SQLITE_ROW;
			sqlite3_finalize(st);
			if (!found)
				cli_die("%s: not a firth corpus database "
				    "(table %s has no column %s)", db->path,
				    expect_cols[t][0], expect_cols[t][c]);
		}
	}

	/* A newer firth's file is told apart before its schema is judged. */
	v = db_meta_get(db, "schema");
	if (v == NULL)
		cli_die("%s: not a firth corpus database (no schema version "
		    "in meta)", db->path);
	if (strcmp(v, "1") != 0)
		cli_die("%s: schema version %s; this firth reads version %d "
		    "(use the firth that wrote it, or upgrade)", db->path, v,
		    DB_SCHEMA_VERSION);
	free(v);

	/*
	 * Then the whole schema, object by object, as SQLite keeps the
	 * statements that made it: a table with the right columns but
	 * without a constraint (words.word UNIQUE, say, which keeps one row
	 * per word), another type, or an index of someone else's is not
	 * firth's.  sqlite_stat1 and sqlite_stat4 (ANALYZE, PRAGMA
	 * optimize) only steer the query planner and are allowed.
	 */
	ref = schema_reference(schema_sql, &required, &nref);
	opt = schema_reference(db_phrase_sql, &optional, &nopt);
	st = db_prepare(db, "SELECT type, tbl_name, sql FROM sqlite_schema "
	    "WHERE name = ?1");
	for (size_t i = 0; i < nref + nopt; i++) {
		struct schema_row *r = i < nref ? &ref[i] : &opt[i - nref];

		sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
		if (db_step(db, st) != SQLITE_ROW) {
			if (i < nref)
				cli_die("%s: not a firth corpus database (it "
				    "has no %s '%s')", db->path, r->type,
				    r->name);
			sqlite3_reset(st);
			continue;
		}
		if (!same_text(sqlite3_column_text(st, 0), r->type) ||
		    !same_text(sqlite3_column_text(st, 1), r->tbl) ||
		    !same_text(sqlite3_column_text(st, 2), r->sql))
			cli_die("%s: not a firth corpus database (%s '%s' is "
			    "not defined as firth defines it: a column, type or "
			    "constraint differs)", db->path, r->type,
			    r->name);
		if (i >= nref)
			nhave++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* firth-phrase's tables come together, made by one statement. */
	if (nhave != 0 && nhave != nopt)
		cli_die("%s: not a firth corpus database (it has %zu of "
		    "firth-phrase's %zu tables and indexes)", db->path, nhave,
		    nopt);
	st = db_prepare(db, "SELECT type, name FROM sqlite_schema WHERE name "
	    "NOT IN ('sqlite_stat1', 'sqlite_stat4') ORDER BY type, name");
	while (db_step(db, st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		size_t i;

		for (i = 0; i < nref + nopt && (name == NULL ||
		    strcmp(i < nref ? ref[i].name : opt[i - nref].name,
		    name) != 0); i++)
			;
		if (i == nref + nopt)
			cli_die("%s: not a firth corpus database (it holds %s "
			    "'%s', which firth never makes)", db->path,
			    (const char *)sqlite3_column_text(st, 0),
			    name != NULL ? name : "");
	}
	sqlite3_finalize(st);
}

/* One sqlite3_db_config switch, read back to be sure it took. */
static void
db_config(struct db *db, int op, int on, const char *what)
{
	int got = -1;

	if (sqlite3_db_config(db->h, op, on, &got) != SQLITE_OK || got != on)
		cli_die("%s: cannot set SQLite's %s (SQLite %s is too old; "
		    "firth needs 3.31)", db->path, what, sqlite3_libversion());
}

static int
db_is_empty(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT count(*) FROM sqlite_schema");
	int64_t n = 0;

	if (db_step(db, st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n == 0;
}

/*
 * The name SQLite is given for path.  SQLite builds that take URIs
 * (Debian's does, SQLITE_USE_URI) read a name beginning with "file:" as
 * one, so "file:x.db?mode=memory" would not be the file it names:
 * "./" in front makes it a plain relative path again.
 */
static char *
sqlite_name(const char *path)
{
	char *s;

	if (strncmp(path, "file:", 5) != 0)
		return xstrdup(path);
	s = xmalloc(strlen(path) + 3);
	memcpy(s, "./", 2);
	strcpy(s + 2, path);
	return s;
}

/* "file:PATH?immutable=1" with PATH percent-encoded, for sqlite3_open_v2. */
static char *
immutable_uri(const char *path)
{
	static const char hex[] = "0123456789abcdef";
	char *u = xmalloc(strlen(path) * 3 + 32), *o = u;

	o += sprintf(o, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0';
	    p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-", *p) != NULL)
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, "?immutable=1");
	return u;
}

/*
 * How a reader may open a WAL database it shares with other users
 * (firth-db(5), "Shared databases").  SQLite reads a WAL database
 * through DB-wal and DB-shm, and creates them when they are missing,
 * owned by whoever reads: a reader of another user would then leave
 * files the owner cannot write, and its next batch would fail.  Writers
 * keep both files in place (SQLITE_FCNTL_PERSIST_WAL), so a reader
 * normally finds them.  Returns 0 to open as usual, 1 to open the file
 * immutable (a read-only file system: no writer can exist); dies when
 * reading would create files for another user.
 */
static int
reader_plan(const char *path)
{
	size_t n = strlen(path) + 5;
	char *wal = xmalloc(n), *shm = xmalloc(n), *dir, *slash;
	struct stat st;
	struct statvfs vfs;
	int have, ro;

	snprintf(wal, n, "%s-wal", path);
	snprintf(shm, n, "%s-shm", path);
	have = access(wal, F_OK) == 0 && access(shm, F_OK) == 0;
	free(wal);
	free(shm);
	/* The owner's files are the owner's; root's SQLite gives them to
	 * the database's owner (it chowns what it creates). */
	if (have || stat(path, &st) != 0 || st.st_uid == geteuid() ||
	    geteuid() == 0)
		return 0;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';
	ro = statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
	free(dir);
	if (ro)
		return 1;
	cli_die("%s: reading it would create %s-wal and %s-shm as this user, "
	    "and its owner could then not write it: have the owner open it "
	    "once with a firth tool of this version (firth-vocab -d %s "
	    "--list), which leaves both files in place for every reader",
	    path, path, path, path);
}

struct db *
db_open(const char *path, int mode)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int flags, exists = access(path, F_OK) == 0, fd;
	char *name;

	db->path = xstrdup(path);
	if (!exists && mode != DB_CREATE)
		cli_die("%s: no such corpus database; firth-vocab -d %s "
		    "creates it", path, path);
	/*
	 * A new file is created here, not by SQLite (which makes it 0644
	 * whatever the umask): 0666 less the umask, like every other
	 * output, and SQLite gives DB-wal and DB-shm the same mode.
	 */
	if (!exists && (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC,
	    0666)) >= 0)
		close(fd);
	flags = mode == DB_READ ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | (mode == DB_CREATE ? SQLITE_OPEN_CREATE : 0);
	if (mode == DB_READ && reader_plan(path) == 1) {
		name = immutable_uri(path);
		flags |= SQLITE_OPEN_URI;
	} else
		name = sqlite_name(path);
	if (sqlite3_open_v2(name, &db->h, flags, NULL) != SQLITE_OK)
		db_die(db, "open");
	free(name);
	sqlite3_extended_result_codes(db->h, 1);
	db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive mode");
	db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema off");
	db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "triggers off");
	db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, "views off");
	/*
	 * A hostile file may claim a string or blob of a gigabyte: no value
	 * firth stores comes near 64 MiB (a shard is at most SHARD_MAX_BLOB,
	 * about 3 MiB), so SQLite refuses larger ones (SQLITE_TOOBIG) before
	 * allocating them.
	 */
	sqlite3_limit(db->h, SQLITE_LIMIT_LENGTH, 64 << 20);
	sqlite3_busy_timeout(db->h, 600 * 1000);
	if (mode != DB_READ) {
		/*
		 * WAL is a property of the file, set once.  Setting it needs
		 * the file to itself, and SQLite does not always wait for
		 * that through the busy handler (two first writers at once),
		 * so a busy answer is retried here for as long as the busy
		 * timeout would have waited.
		 */
		int rc, tries = 0;
		while ((rc = sqlite3_exec(db->h, "PRAGMA journal_mode = WAL",
		    NULL, NULL, NULL)) == SQLITE_BUSY && tries++ < 60000)
			usleep(10000);
		if (rc != SQLITE_OK)
			db_die(db, "setting WAL mode");
		db_exec(db, "PRAGMA synchronous = NORMAL");
		/*
		 * Keep DB-wal and DB-shm when the last connection closes, so
		 * readers of other users find them and never create their
		 * own; the log is truncated to 0 bytes then, not left large.
		 */
		int one = 1;
		if (sqlite3_file_control(db->h, "main", SQLITE_FCNTL_PERSIST_WAL,
		    &one) != SQLITE_OK)
			db_die(db, "keeping the write-ahead log");
		db_exec(db, "PRAGMA journal_size_limit = 0");
	}
	db_exec(db, "PRAGMA foreign_keys = ON");
	/* Check each b-tree cell's size as it is read: damage found early
	 * (SQLite's advice for files from elsewhere). */
	db_exec(db, "PRAGMA cell_size_check = ON");
	if (mode == DB_CREATE && db_is_empty(db)) {
		db_begin(db);
		/* Another process may have created it since we looked. */
		if (db_is_empty(db)) {
			db_exec(db, schema_sql);
			db_meta_set(db, "schema", "1");
			db_meta_set(db, "created-by", "firth " FIRTH_VERSION);
		}
		db_commit(db);
	}
	schema_check(db);
	seal_check(db);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_rollback(db);
	if (sqlite3_close(db->h) != SQLITE_OK)
		db_die(db, "close");
	free(db->path);
	free(db);
}
