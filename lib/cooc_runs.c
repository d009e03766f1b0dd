/*
 * cooc_runs.c - firth-cooc's side of the corpus database (firth-db(5)):
 * the counting settings (meta "cooc"), the shards table read as sorted
 * runs (one cursor per (batch, level), every blob checked) and written
 * through a sink, the bounded fan-in that keeps merges to SHARD_FANIN
 * runs, and the target database of --merge and --import.  Every bind
 * and step is checked: a failure dies naming the database.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "cmerge.h"
#include "cooc_runs.h"
#include "db.h"

const char *const cooc_ctx_names[3] = { "window", "doc", "worddoc" };
const char *const cooc_weight_names[3] = { "harmonic", "linear", "flat" };

/* sqlite3_bind_* returns: anything but SQLITE_OK dies. */
static void
bind_ok(struct db *db, int rc)
{
	if (rc != SQLITE_OK)
		db_die(db, "bind");
}

static void
bind_i64(struct db *db, sqlite3_stmt *st, int i, int64_t v)
{
	bind_ok(db, sqlite3_bind_int64(st, i, v));
}

int
cooc_name_index(const char *const *names, int n, const char *s,
    const char *what)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	cli_usage_die("%s: '%s' is not one of %s, %s, %s", what, s, names[0],
	    names[1], names[2]);
}

const char *
cooc_setting_get(const char *s, const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key), n;
	const char *p = s;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			p += kl + 1;
			n = strcspn(p, " ");
			if (n >= size)
				n = size - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	return NULL;
}

void
cooc_settings_format(const struct cooc_settings *s, char *buf, size_t size)
{
	if (s->context == COOC_WINDOW)
		snprintf(buf, size, "context=window window=%d weighting=%s "
		    "symmetric=%s min-count=%lld max-vocab=%u stopwords=%s "
		    "gaps=%s", s->window, cooc_weight_names[s->weighting],
		    s->left ? "no" : "yes", (long long)s->min_count,
		    s->max_vocab, s->stopwords, s->close_gaps ? "close" :
		    "keep");
	else
		snprintf(buf, size, "context=%s doc-cap=%d min-count=%lld "
		    "max-vocab=%u stopwords=%s", cooc_ctx_names[s->context],
		    s->context == COOC_DOC ? s->doc_cap : 0,
		    (long long)s->min_count, s->max_vocab, s->stopwords);
}

/* A window of the settings string: 1..SHARD_MAX_WINDOW, digits only. */
static int
window_parse(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > SHARD_MAX_WINDOW)
		return -1;
	return (int)v;
}

void
cooc_settings_parse(struct db *db, struct cooc_settings *s)
{
	char *v = db_meta_get(db, "cooc"), buf[64];

	if (v == NULL)
		cli_die("%s: no co-occurrence counts yet; count some with "
		    "firth-cooc -d %s FILE", db->path, db->path);
	memset(s, 0, sizeof(*s));
	s->window = 1;
	s->weighting = COOC_FLAT;
	if (cooc_setting_get(v, "context", buf, sizeof(buf)) == NULL)
		cli_die("%s: damaged cooc settings '%s'", db->path, v);
	s->context = cooc_name_index(cooc_ctx_names, 3, buf,
	    "settings: context");
	if (s->context == COOC_WINDOW) {
		if (cooc_setting_get(v, "window", buf, sizeof(buf)) == NULL ||
		    (s->window = window_parse(buf)) < 1 ||
		    cooc_setting_get(v, "weighting", buf, sizeof(buf)) == NULL)
			cli_die("%s: damaged cooc settings '%s'", db->path, v);
		s->weighting = cooc_name_index(cooc_weight_names, 3, buf,
		    "settings: weighting");
		s->left = cooc_setting_get(v, "symmetric", buf, sizeof(buf)) !=
		    NULL && strcmp(buf, "no") == 0;
	}
	free(v);
}

struct shard_meta
cooc_settings_meta(const struct cooc_settings *s)
{
	struct shard_meta m;

	m.window = s->context == COOC_WINDOW ? s->window : 1;
	m.unit = shard_unit(m.window);
	m.flags = s->context == COOC_WORDDOC ? SHARD_WORDDOC :
	    (s->context == COOC_WINDOW && s->left) ? 0 : SHARD_CANONICAL;
	return m;
}

/*
 * Which words a slice paired depended on its own counts when it was
 * counted with --min-count or --max-vocab: a word rare in one slice and
 * frequent in all would be missing, so such counts do not add up to a
 * count of the whole.
 */
void
cooc_settings_additive(const char *v, const char *what)
{
	char buf[64];

	if ((cooc_setting_get(v, "min-count", buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "1") != 0) ||
	    (cooc_setting_get(v, "max-vocab", buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "0") != 0))
		cli_die("%s was counted with --min-count or --max-vocab "
		    "('%s'): which words it paired depended on its own "
		    "counts, so slices do not add up; count slices without "
		    "them (firth-cooc --export selects words later)", what, v);
}

int64_t
cooc_docs_before(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(sum(docs), 0) "
	    "FROM batches WHERE kind = 'cooc'");
	int64_t n = 0;

	if (db_step(db, st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Check a decoded blob against its row and the database; dies. */
static void
dbrun_check(const struct cooc_dbrun *r, int64_t id, const struct shard_meta *m,
    const struct shard_rec *buf, uint32_t n)
{
	if (m->flags != r->want.flags || m->unit != r->want.unit ||
	    m->window != r->want.window)
		cli_die("%s: shard %lld was counted with other settings "
		    "than the database's; the database is damaged",
		    r->db->path, (long long)id);
	if (sqlite3_column_int64(r->st, 3) != n ||
	    sqlite3_column_int64(r->st, 4) != SHARD_W1(buf[0].key) ||
	    sqlite3_column_int64(r->st, 5) != SHARD_W1(buf[n - 1].key))
		cli_die("%s: shard %lld does not match its row (records, "
		    "first_w1, last_w1); the database is damaged", r->db->path,
		    (long long)id);
	if (SHARD_W1(buf[n - 1].key) >= r->ndb ||
	    (!(m->flags & SHARD_WORDDOC) && SHARD_W2(buf[n - 1].key) >= r->ndb))
		cli_die("%s: shard %lld names word ids the words table does "
		    "not have; the database is damaged", r->db->path,
		    (long long)id);
	if (!(m->flags & SHARD_WORDDOC))
		for (uint32_t i = 0; i < n; i++)
			if (SHARD_W2(buf[i].key) >= r->ndb)
				cli_die("%s: shard %lld names word id %u; the "
				    "database has %u words", r->db->path,
				    (long long)id, SHARD_W2(buf[i].key),
				    r->ndb);
}

/* Cursor fill: the next shard of the run, decoded and checked. */
static uint32_t
dbrun_fill(void *ctx, struct shard_rec *buf)
{
	struct cooc_dbrun *r = ctx;
	struct shard_meta m;
	const void *blob;
	const char *err;
	uint32_t n;
	int64_t id;
	size_t len;

	if (r->st == NULL || db_step(r->db, r->st) != SQLITE_ROW) {
		if (r->st != NULL)
			sqlite3_finalize(r->st);
		r->st = NULL;
		return 0;
	}
	id = sqlite3_column_int64(r->st, 0);
	blob = sqlite3_column_blob(r->st, 1);
	len = (size_t)sqlite3_column_bytes(r->st, 1);
	if (blob == NULL || len > SHARD_MAX_BLOB)
		cli_die("%s: shard %lld is empty or too large; the database "
		    "is damaged", r->db->path, (long long)id);
	if ((uint32_t)sqlite3_column_int64(r->st, 2) != crc32(0, blob, len))
		cli_die("%s: shard %lld fails its checksum; the database is "
		    "damaged (restore it, or count the corpus again)",
		    r->db->path, (long long)id);
	if ((err = shard_decode(blob, len, &m, buf, &n, r->scratch)) != NULL)
		cli_die("%s: shard %lld is damaged: %s", r->db->path,
		    (long long)id, err);
	dbrun_check(r, id, &m, buf, n);
	return n;
}

static struct shard_cur *
runset_add(struct cooc_runset *rs, uint32_t (*fill)(void *,
    struct shard_rec *), void *ctx, const char *name)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->cur = xreallocarray(rs->cur, rs->cap, sizeof(*rs->cur));
		rs->dbr = xreallocarray(rs->dbr, rs->cap, sizeof(*rs->dbr));
		rs->tmp = xreallocarray(rs->tmp, rs->cap, sizeof(*rs->tmp));
	}
	rs->cur[rs->n] = xmalloc(sizeof(struct shard_cur));
	shard_cur_init(rs->cur[rs->n], fill, ctx, name);
	rs->dbr[rs->n] = NULL;
	rs->tmp[rs->n] = NULL;
	return rs->cur[rs->n++];
}

void
cooc_runset_add_tmp(struct cooc_runset *rs, struct shard_tmprun *t)
{
	shard_tmprun_rewind(t);
	runset_add(rs, shard_tmprun_fill, t, t->path);
	rs->tmp[rs->n - 1] = t;
	shard_cur_ahead(rs->cur[rs->n - 1]);
}

static void
runset_drop(struct cooc_runset *rs, int i)
{
	shard_cur_free(rs->cur[i]);
	free(rs->cur[i]);
	if (rs->dbr[i] != NULL) {
		if (rs->dbr[i]->st != NULL)
			sqlite3_finalize(rs->dbr[i]->st);
		free(rs->dbr[i]->scratch);
		free(rs->dbr[i]);
	}
	shard_tmprun_free(rs->tmp[i]);
}

/* The cursor of run k (shards up to maxid), added to rs. */
static void
runset_add_db(struct cooc_runset *rs, struct db *db,
    const struct cooc_runkey *k, const struct shard_meta *m, uint32_t ndb,
    int64_t maxid)
{
	struct cooc_dbrun *r = xcalloc(1, sizeof(*r));

	r->db = db;
	r->want = *m;
	r->ndb = ndb;
	r->scratch = xmalloc(SHARD_MAX_RAW);
	r->compacted = k->batch < 0;
	if (r->compacted)
		snprintf(r->name, sizeof(r->name), "%s: compacted "
		    "shards (level %lld)", db->path, (long long)k->level);
	else
		snprintf(r->name, sizeof(r->name), "%s: shards of "
		    "batch %lld", db->path, (long long)k->batch);
	r->st = db_prepare(db, "SELECT id, data, checksum, records, "
	    "first_w1, last_w1 FROM shards WHERE batch IS ?1 AND "
	    "level = ?2 AND id <= ?3 ORDER BY id");
	if (r->compacted)
		bind_ok(db, sqlite3_bind_null(r->st, 1));
	else
		bind_i64(db, r->st, 1, k->batch);
	bind_i64(db, r->st, 2, k->level);
	bind_i64(db, r->st, 3, maxid);
	runset_add(rs, dbrun_fill, r, r->name);
	rs->dbr[rs->n - 1] = r;
	shard_cur_ahead(rs->cur[rs->n - 1]);
}

/* The (batch, level) of every run with shards up to maxid; their number. */
static int
runkeys_load(struct db *db, int64_t maxid, struct cooc_runkey **keys)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT DISTINCT batch, level FROM "
	    "shards WHERE id <= ?1 ORDER BY level DESC, batch");
	int n = 0, cap = 0;

	*keys = NULL;
	bind_i64(db, st, 1, maxid);
	while (db_step(db, st) == SQLITE_ROW) {
		int isnull = sqlite3_column_type(st, 0) == SQLITE_NULL;
		int64_t b = sqlite3_column_int64(st, 0);

		if (!isnull && b < 0)
			cli_die("%s: shards of batch %lld; the database is "
			    "damaged", db->path, (long long)b);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			*keys = xreallocarray(*keys, cap, sizeof(**keys));
		}
		(*keys)[n].batch = isnull ? -1 : b;
		(*keys)[n].level = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

void
cooc_emit_to_writer(void *ctx, const struct shard_rec *r)
{
	shard_writer_add(ctx, r);
}

void
cooc_runset_free(struct cooc_runset *rs)
{
	for (int i = 0; i < rs->n; i++)
		runset_drop(rs, i);
	free(rs->cur);
	free(rs->dbr);
	free(rs->tmp);
	memset(rs, 0, sizeof(*rs));
}

int
cooc_fanin(uint64_t mem)
{
	/* A sixth of -M: the export's buffers take the rest. */
	uint64_t k = mem / 6 / COOC_RUN_BYTES;

	return k < 2 ? 2 : k > SHARD_FANIN ? SHARD_FANIN : (int)k;
}

/* Merge the database runs key[0..k) into one more temporary run. */
static void
runs_round(struct cooc_runs *r, int k)
{
	struct cooc_runset rs = { 0 };
	struct shard_tmprun *t = shard_tmprun_new();
	struct shard_writer *w = shard_writer_new(&r->meta, 0,
	    shard_tmprun_sink, t);

	for (int i = 0; i < k; i++)
		runset_add_db(&rs, r->db, &r->key[i], &r->meta, r->ndb,
		    r->maxid);
	shard_merge(rs.cur, rs.n, cooc_emit_to_writer, w);
	shard_writer_close(w);
	cooc_runset_free(&rs);
	memmove(r->key, r->key + k, (r->nkey - k) * sizeof(*r->key));
	r->nkey -= k;
	r->tmp = xreallocarray(r->tmp, r->ntmp + 1, sizeof(*r->tmp));
	r->tmp[r->ntmp++] = t;
	cli_info("merged %d runs into one of %llu records", k,
	    (unsigned long long)t->records);
}

void
cooc_runs_open(struct cooc_runs *r, struct db *db,
    const struct shard_meta *m, uint32_t ndb, int64_t maxid, int fanin)
{
	memset(r, 0, sizeof(*r));
	r->db = db;
	r->meta = *m;
	r->ndb = ndb;
	r->maxid = maxid;
	r->fanin = fanin < 2 ? 2 : fanin > SHARD_FANIN ? SHARD_FANIN : fanin;
	r->nkey = runkeys_load(db, maxid, &r->key);
	/*
	 * Rounds of fanin database runs while all would not fit at once;
	 * a last database run left alone stays, the rounds are merged.
	 */
	while (r->nkey + r->ntmp > r->fanin)
		if (r->nkey >= 2)
			runs_round(r, r->nkey < r->fanin ? r->nkey : r->fanin);
		else
			cooc_tmpruns_shrink(r->tmp, &r->ntmp,
			    r->fanin - r->nkey, r->fanin, m, 0, "runs");
}

void
cooc_runs_merge(struct cooc_runs *r, shard_emit_fn emit, void *ctx)
{
	struct cooc_runset rs = { 0 };

	for (int i = 0; i < r->nkey; i++)
		runset_add_db(&rs, r->db, &r->key[i], &r->meta, r->ndb,
		    r->maxid);
	for (int i = 0; i < r->ntmp; i++)
		cooc_runset_add_tmp(&rs, r->tmp[i]);
	shard_merge(rs.cur, rs.n, emit, ctx);
	for (int i = 0; i < rs.n; i++)
		rs.tmp[i] = NULL;	/* the rounds stay for the next merge */
	cooc_runset_free(&rs);
}

void
cooc_runs_close(struct cooc_runs *r)
{
	for (int i = 0; i < r->ntmp; i++)
		shard_tmprun_free(r->tmp[i]);
	free(r->tmp);
	free(r->key);
	memset(r, 0, sizeof(*r));
}

void
cooc_sink_put(void *ctx, const unsigned char *blob, size_t len,
    uint32_t nrecs, uint32_t first_w1, uint32_t last_w1)
{
	struct cooc_sink *s = ctx;
	struct db *db = s->db;

	if (s->ins == NULL)
		s->ins = db_prepare(db, "INSERT INTO shards(batch, level, "
		    "first_w1, last_w1, records, data, checksum) VALUES "
		    "(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (s->batch < 0)
		bind_ok(db, sqlite3_bind_null(s->ins, 1));
	else
		bind_i64(db, s->ins, 1, s->batch);
	bind_i64(db, s->ins, 2, s->level);
	bind_i64(db, s->ins, 3, first_w1);
	bind_i64(db, s->ins, 4, last_w1);
	bind_i64(db, s->ins, 5, nrecs);
	bind_ok(db, sqlite3_bind_blob(s->ins, 6, blob, (int)len,
	    SQLITE_STATIC));
	bind_i64(db, s->ins, 7, crc32(0, blob, len));
	db_step(db, s->ins);
	if (sqlite3_reset(s->ins) != SQLITE_OK)
		db_die(db, "insert shard");
	s->shards++;
}

void
cooc_sink_end(struct cooc_sink *s)
{
	if (s->ins != NULL)
		sqlite3_finalize(s->ins);
	s->ins = NULL;
}

void
cooc_tmpruns_shrink(struct shard_tmprun **runs, int *nruns, int keep,
    int fanin, const struct shard_meta *m, int level, const char *what)
{
	while (*nruns > keep) {
		struct cooc_runset rs = { 0 };
		struct shard_tmprun *t = shard_tmprun_new();
		struct shard_writer *w = shard_writer_new(m, level,
		    shard_tmprun_sink, t);
		int k = *nruns - keep + 1 < fanin ? *nruns - keep + 1 : fanin;

		for (int i = 0; i < k; i++)
			cooc_runset_add_tmp(&rs, runs[i]);
		shard_merge(rs.cur, rs.n, cooc_emit_to_writer, w);
		shard_writer_close(w);
		cooc_runset_free(&rs);	/* frees the k runs */
		memmove(runs, runs + k, (*nruns - k) * sizeof(*runs));
		*nruns -= k;
		runs[(*nruns)++] = t;
		if (what != NULL)
			cli_info("merged %d %s into one of %llu records", k,
			    what, (unsigned long long)t->records);
	}
}

uint64_t
cooc_sorter_store(struct cmerge_sorter *sorter, const struct shard_meta *m,
    int level, struct db *db, struct cooc_sink *sink)
{
	uint64_t records = 0;

	cmerge_sorter_flush(sorter);
	if (cli_verbose > 0)
		cli_info("%llu records re-sorted into %d run%s",
		    (unsigned long long)sorter->in, sorter->nruns,
		    sorter->nruns == 1 ? "" : "s");
	cooc_tmpruns_shrink(sorter->runs, &sorter->nruns, COOC_BATCH_RUNS,
	    SHARD_FANIN, m, level, NULL);
	if (sorter->nruns > 0 && sink->batch < 0)
		cli_die("internal error: counts but no cooc batch to own them");
	sink->db = db;
	for (int i = 0; i < sorter->nruns; i++) {
		sink->level = i;
		shard_tmprun_copy(sorter->runs[i], cooc_sink_put, sink);
		records += sorter->runs[i]->records;
	}
	cmerge_sorter_free(sorter);
	cooc_sink_end(sink);
	return records;
}

void
cooc_shards_span(struct db *db, int64_t *maxid, int64_t *count)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(id), -1), "
	    "count(*) FROM shards");

	*maxid = -1;
	*count = 0;
	if (db_step(db, st) == SQLITE_ROW) {
		*maxid = sqlite3_column_int64(st, 0);
		*count = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
}

void
cooc_shards_delete(struct db *db, int64_t maxid)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM shards WHERE id <= ?1");

	bind_i64(db, st, 1, maxid);
	db_step(db, st);
	sqlite3_finalize(st);
}

struct db *
cooc_target_open(const char *path, int tnew, char *cleanup[3])
{
	struct db *db = db_open(path, DB_CREATE);
	size_t l = strlen(path) + 5;

	if (tnew) {
		cleanup[0] = xstrdup(path);
		cleanup[1] = xmalloc(l);
		cleanup[2] = xmalloc(l);
		snprintf(cleanup[1], l, "%s-wal", path);
		snprintf(cleanup[2], l, "%s-shm", path);
		for (int i = 0; i < 3; i++)
			cli_atexit_unlink(cleanup[i]);
	}
	return db;
}

void
cooc_target_keep(char *cleanup[3])
{
	for (int i = 0; i < 3; i++) {
		if (cleanup[i] != NULL)
			cli_atexit_forget(cleanup[i]);
		free(cleanup[i]);
		cleanup[i] = NULL;
	}
}
