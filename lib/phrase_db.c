/*
 * phrase_db.c - where firth-phrase keeps its counts in a corpus database
 * (firth-db(5), "Phrase counts"), and the merge that sums them.
 *
 *   phrase_words(pass, id, word, count)   unigram counts of each pass,
 *       ids 0..n-1 per pass in order of first appearance
 *   phrase_bigrams(id, batch, pass, first_w1, last_w1, records, data,
 *       checksum)   bigram counts: each batch's one sorted run of shard
 *       blobs (shard.c's format, window 1: n = dsum = h = the count),
 *       keyed (id of a, id of b) for the pair "a b"
 *
 * A run's blobs are read in id order and each is checked three ways: the
 * checksum column (CRC-32 of the blob), the blob's own CRCs and bounds
 * (shard_decode), and its row (records, first_w1, last_w1); ids must stay
 * below the pass's word count.
 */
#include "phrase.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "db.h"
#include "vocab.h"

extern const char db_phrase_sql[];	/* db.c: the tables' DDL */

struct shard_meta
phrase_meta(void)
{
	struct shard_meta m = { 0, shard_unit(1), 1 };

	return m;
}

int
phrase_db_has_tables(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'phrase_bigrams'");
	int has = db_step(db, st) == SQLITE_ROW;

	sqlite3_finalize(st);
	return has;
}

void
phrase_db_create(struct db *db)
{
	db_exec(db, db_phrase_sql);
}

struct vocab *
phrase_db_words(struct db *db, int pass)
{
	struct vocab *v = vocab_new();
	sqlite3_stmt *st;

	if (!phrase_db_has_tables(db))
		return v;
	st = db_prepare(db, "SELECT id, word, count FROM phrase_words "
	    "WHERE pass = ?1 ORDER BY id");
	sqlite3_bind_int(st, 1, pass);
	while (db_step(db, st) == SQLITE_ROW) {
		const char *w = (const char *)sqlite3_column_text(st, 1);
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t n = sqlite3_column_int64(st, 2);

		/* Ids are 0..n-1 and words distinct by construction. */
		if (w == NULL || n < 0 || id != v->n ||
		    vocab_add(v, w, sqlite3_column_bytes(st, 1), n) != id)
			cli_die("%s: damaged phrase_words table (pass %d, id "
			    "%lld); restore the database or count again",
			    db->path, pass, (long long)id);
	}
	sqlite3_finalize(st);
	return v;
}

int64_t
phrase_db_records(struct db *db, int pass)
{
	sqlite3_stmt *st;
	int64_t n = 0;

	if (!phrase_db_has_tables(db))
		return 0;
	st = db_prepare(db, "SELECT coalesce(sum(records), 0) FROM "
	    "phrase_bigrams WHERE pass = ?1");
	sqlite3_bind_int(st, 1, pass);
	if (db_step(db, st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* One stored run: the blobs of one batch and pass, in id order. */
struct dbrun {
	struct db *db;
	sqlite3_stmt *st;
	unsigned char *scratch;	/* [SHARD_MAX_RAW] */
	uint32_t ndb;
	char name[64];
};

static uint32_t
dbrun_fill(void *ctx, struct shard_rec *buf)
{
	struct dbrun *r = ctx;
	struct shard_meta m, want = phrase_meta();
	const void *blob;
	const char *err;
	uint32_t n;
	int64_t id;
	size_t len;

	if (r->st == NULL || db_step(r->db, r->st) != SQLITE_ROW)
		return 0;
	id = sqlite3_column_int64(r->st, 0);
	blob = sqlite3_column_blob(r->st, 1);
	len = (size_t)sqlite3_column_bytes(r->st, 1);
	if (blob == NULL || len > SHARD_MAX_BLOB)
		cli_die("%s: bigram blob %lld is empty or too large; the "
		    "database is damaged", r->db->path, (long long)id);
	if ((uint32_t)sqlite3_column_int64(r->st, 2) != crc32(0, blob, len))
		cli_die("%s: bigram blob %lld fails its checksum; the database "
		    "is damaged (restore it, or count the corpus again)",
		    r->db->path, (long long)id);
	if ((err = shard_decode(blob, len, &m, buf, &n, r->scratch)) != NULL)
		cli_die("%s: bigram blob %lld is damaged: %s", r->db->path,
		    (long long)id, err);
	if (m.flags != want.flags || m.unit != want.unit ||
	    m.window != want.window)
		cli_die("%s: bigram blob %lld is not a bigram run (window %u); "
		    "the database is damaged", r->db->path, (long long)id,
		    m.window);
	if (sqlite3_column_int64(r->st, 3) != n ||
	    sqlite3_column_int64(r->st, 4) != SHARD_W1(buf[0].key) ||
	    sqlite3_column_int64(r->st, 5) != SHARD_W1(buf[n - 1].key))
		cli_die("%s: bigram blob %lld does not match its row (records, "
		    "first_w1, last_w1); the database is damaged", r->db->path,
		    (long long)id);
	for (uint32_t i = 0; i < n; i++)
		if (SHARD_W1(buf[i].key) >= r->ndb ||
		    SHARD_W2(buf[i].key) >= r->ndb)
			cli_die("%s: bigram blob %lld names word id %u; the "
			    "pass has %u words; the database is damaged",
			    r->db->path, (long long)id,
			    SHARD_W1(buf[i].key) >= r->ndb ?
			    SHARD_W1(buf[i].key) : SHARD_W2(buf[i].key),
			    r->ndb);
	return n;
}

/* Cursors over stored runs and temporary runs, merged in rounds. */
struct runs {
	struct shard_cur **cur;
	struct dbrun **dbr;		/* [i] or NULL */
	struct shard_tmprun **tmp;	/* [i] or NULL */
	int n, cap;
};

static void
runs_add(struct runs *rs, struct dbrun *r, struct shard_tmprun *t)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->cur = xreallocarray(rs->cur, rs->cap, sizeof(*rs->cur));
		rs->dbr = xreallocarray(rs->dbr, rs->cap, sizeof(*rs->dbr));
		rs->tmp = xreallocarray(rs->tmp, rs->cap, sizeof(*rs->tmp));
	}
	rs->cur[rs->n] = xmalloc(sizeof(struct shard_cur));
	if (r != NULL)
		shard_cur_init(rs->cur[rs->n], dbrun_fill, r, r->name);
	else {
		shard_tmprun_rewind(t);
		shard_cur_init(rs->cur[rs->n], shard_tmprun_fill, t, t->path);
	}
	rs->dbr[rs->n] = r;
	rs->tmp[rs->n] = t;
	rs->n++;
}

static void
runs_drop(struct runs *rs, int i)
{
	shard_cur_free(rs->cur[i]);
	free(rs->cur[i]);
	if (rs->dbr[i] != NULL) {
		sqlite3_finalize(rs->dbr[i]->st);
		free(rs->dbr[i]->scratch);
		free(rs->dbr[i]);
	}
	shard_tmprun_free(rs->tmp[i]);
}

static void
emit_to_writer(void *ctx, const struct shard_rec *r)
{
	shard_writer_add(ctx, r);
}

void
phrase_db_merge(struct db *db, int pass, uint32_t ndb, shard_emit_fn emit,
    void *ctx)
{
	struct shard_meta m = phrase_meta();
	struct runs rs = { 0 };
	sqlite3_stmt *st;

	if (!phrase_db_has_tables(db))
		return;
	st = db_prepare(db, "SELECT DISTINCT batch FROM phrase_bigrams "
	    "WHERE pass = ?1 ORDER BY batch");
	sqlite3_bind_int(st, 1, pass);
	while (db_step(db, st) == SQLITE_ROW) {
		struct dbrun *r = xcalloc(1, sizeof(*r));

		r->db = db;
		r->ndb = ndb;
		r->scratch = xmalloc(SHARD_MAX_RAW);
		snprintf(r->name, sizeof(r->name), "%s: bigrams of batch %lld",
		    db->path, (long long)sqlite3_column_int64(st, 0));
		r->st = db_prepare(db, "SELECT id, data, checksum, records, "
		    "first_w1, last_w1 FROM phrase_bigrams WHERE pass = ?1 "
		    "AND batch = ?2 ORDER BY id");
		sqlite3_bind_int(r->st, 1, pass);
		sqlite3_bind_int64(r->st, 2, sqlite3_column_int64(st, 0));
		runs_add(&rs, r, NULL);
	}
	sqlite3_finalize(st);
	/* Bounded fan-in: merge the first runs into temporary ones. */
	while (rs.n > SHARD_FANIN) {
		struct shard_tmprun *t = shard_tmprun_new();
		struct shard_writer *w = shard_writer_new(&m, 0,
		    shard_tmprun_sink, t);

		shard_merge(rs.cur, SHARD_FANIN, emit_to_writer, w);
		shard_writer_close(w);
		for (int i = 0; i < SHARD_FANIN; i++)
			runs_drop(&rs, i);
		rs.n -= SHARD_FANIN;
		memmove(rs.cur, rs.cur + SHARD_FANIN, rs.n * sizeof(*rs.cur));
		memmove(rs.dbr, rs.dbr + SHARD_FANIN, rs.n * sizeof(*rs.dbr));
		memmove(rs.tmp, rs.tmp + SHARD_FANIN, rs.n * sizeof(*rs.tmp));
		runs_add(&rs, NULL, t);
	}
	if (rs.n > 0)
		shard_merge(rs.cur, rs.n, emit, ctx);
	for (int i = 0; i < rs.n; i++)
		runs_drop(&rs, i);
	free(rs.cur);
	free(rs.dbr);
	free(rs.tmp);
}
