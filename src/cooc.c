/*
 * cooc.c - firth-cooc: count word co-occurrences of token text into the
 * corpus database, and export them as a sorted co-occurrence stream.
 *
 *   firth-cooc -d DB [options] [FILE...]     count one batch into DB
 *   firth-cooc -d DB --export [options]      cooc stream on stdout
 *   firth-cooc -d DB --compact               merge all shards into one run
 *   firth-cooc -d DB --merge A.db B.db ...   sum slice databases into DB
 *
 * Counting works on database word ids.  A reader thread turns token text
 * into ids; the counting thread pairs them.  Pairs of words with small ids
 * (frequent when they were first added) are summed in a dense table; the
 * rest are appended as 64-bit occurrence words (w1 << 36 | w2 << 8 | d) to
 * a buffer that another thread radix-sorts, sums and spills as a sorted
 * temporary run while counting goes on.  At the end of the input the
 * dense table and the spills are merged (fan-in at most SHARD_FANIN) into
 * the batch's shards in one transaction.  Each record keeps three exact
 * integer sums (shard.h), so every weighting can be exported and batches
 * add up exactly.
 *
 * Export merges every run of shards, keeps the chosen vocabulary, maps
 * database ids to frequency ranks, mirrors symmetric pairs, orders rows
 * by a counting sort and writes firth-stream(5) cooc records.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "cmerge.h"
#include "cooc_sort.h"
#include "db.h"
#include "shard.h"
#include "stream.h"
#include "tokin.h"
#include "vocab.h"

enum { CTX_WINDOW, CTX_DOC, CTX_WORDDOC };
enum { W_HARMONIC, W_LINEAR, W_FLAT };
static const char *const ctx_names[] = { "window", "doc", "worddoc" };
static const char *const weight_names[] = { "harmonic", "linear", "flat" };

static const char *opt_db, *opt_stopfile;
static int opt_export, opt_compact, opt_merge, opt_dump, opt_import,
    opt_reduce, opt_force, opt_left, opt_close_gaps;
static int opt_context = CTX_WINDOW, opt_weighting = -1;
static int opt_window = 15, opt_doc_cap = 1000;
static int opt_level = 1, opt_shard_level = 0;
static int64_t opt_min_count = 1;
static uint32_t opt_max_vocab;
static uint64_t opt_mem;
static double opt_cap;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-cooc -d DB [-qv] [-M SIZE] [-w N] [--left] "
	    "[-x WEIGHTING]\n"
	    "                  [-c window|doc|worddoc] [--doc-cap N] "
	    "[-S STOPFILE]\n"
	    "                  [--min-count N] [--max-vocab N] [--force] "
	    "[FILE...]\n"
	    "       firth-cooc -d DB --export [-M SIZE] [--min-count N] "
	    "[--max-vocab N]\n"
	    "                  [-x WEIGHTING] [--cap X] [-l LEVEL]\n"
	    "       firth-cooc -d DB --compact [-M SIZE]\n"
	    "       firth-cooc -d DB --merge [-M SIZE] SLICE.db...\n"
	    "       firth-cooc -d DB --dump\n"
	    "       firth-cooc -d DB --import [-M SIZE] [RECORDS...]\n"
	    "       firth-cooc --reduce [RECORDS...]\n"
	    "Count co-occurrences of token text into a corpus database, or "
	    "export them.\n"
	    "  -d, --db DB          corpus database (firth-vocab -d DB "
	    "first)\n"
	    "  -w, --window N       context words on each side (default 15)\n"
	    "      --symmetric      count both sides (default)\n"
	    "      --left           count only the left context\n"
	    "  -x, --weighting W    harmonic (1/d, default), linear or flat\n"
	    "  -c, --context C      window (default), doc: all pairs in a "
	    "document,\n"
	    "                       worddoc: word-document counts (LSA)\n"
	    "      --doc-cap N      doc contexts: cut documents into pieces "
	    "of N words (1000)\n"
	    "  -S, --stopwords FILE skip the words in FILE\n"
	    "  -m, --min-count N    only words counted at least N times\n"
	    "  -s, --max-vocab N    only the N most frequent words\n"
	    "      --close-gaps     drop words not counted, as GloVe does "
	    "(default: keep places)\n"
	    "  -M, --memory SIZE    memory to use (default 25%%)\n"
	    "  -f, --force          count an input again / other settings\n"
	    "  -e, --export         write the co-occurrence stream to stdout\n"
	    "      --cap X          export: no count larger than X\n"
	    "  -l, --level N        export: zlib level 0..9 (default 1)\n"
	    "      --shard-level N  zlib level of stored shards (default 0)\n"
	    "      --compact        merge the database's shards into one run\n"
	    "      --merge          sum the slice databases SLICE.db... into DB\n"
	    "      --dump           the counts as text records keyed by words\n"
	    "      --reduce         sum sorted text records with equal keys\n"
	    "      --import         add text records to DB\n"
	    "  -q, --quiet, -v, --verbose, -h, --help, --version\n");
}

/* Value of "key=" in a settings string, into buf; NULL if absent. */
static const char *
setting_get(const char *s, const char *key, char *buf, size_t size)
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

static int
name_index(const char *const *names, int n, const char *s, const char *what)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	cli_usage_die("%s: '%s' is not one of %s, %s, %s", what, s, names[0],
	    names[1], names[2]);
}

/* The counting settings every batch of a database must share. */
struct settings {
	int context, weighting, left, window, doc_cap, close_gaps;
	int64_t min_count;
	uint32_t max_vocab;
	char stopwords[64];
};

static void
settings_format(const struct settings *s, char *buf, size_t size)
{
	if (s->context == CTX_WINDOW)
		snprintf(buf, size, "context=window window=%d weighting=%s "
		    "symmetric=%s min-count=%lld max-vocab=%u stopwords=%s "
		    "gaps=%s", s->window, weight_names[s->weighting],
		    s->left ? "no" : "yes", (long long)s->min_count,
		    s->max_vocab, s->stopwords, s->close_gaps ? "close" :
		    "keep");
	else
		snprintf(buf, size, "context=%s doc-cap=%d min-count=%lld "
		    "max-vocab=%u stopwords=%s", ctx_names[s->context],
		    s->context == CTX_DOC ? s->doc_cap : 0,
		    (long long)s->min_count, s->max_vocab, s->stopwords);
}

/* Read the settings the database's batches were counted with. */
static void
settings_parse(struct db *db, struct settings *s)
{
	char *v = db_meta_get(db, "cooc"), buf[64];

	if (v == NULL)
		cli_die("%s: no co-occurrence counts yet; count some with "
		    "firth-cooc -d %s FILE", db->path, db->path);
	memset(s, 0, sizeof(*s));
	s->window = 1;
	s->weighting = W_FLAT;
	if (setting_get(v, "context", buf, sizeof(buf)) == NULL)
		cli_die("%s: damaged cooc settings '%s'", db->path, v);
	s->context = name_index(ctx_names, 3, buf, "settings: context");
	if (s->context == CTX_WINDOW) {
		if (setting_get(v, "window", buf, sizeof(buf)) == NULL ||
		    (s->window = atoi(buf)) < 1 ||
		    s->window > SHARD_MAX_WINDOW ||
		    setting_get(v, "weighting", buf, sizeof(buf)) == NULL)
			cli_die("%s: damaged cooc settings '%s'", db->path, v);
		s->weighting = name_index(weight_names, 3, buf,
		    "settings: weighting");
		s->left = setting_get(v, "symmetric", buf, sizeof(buf)) !=
		    NULL && strcmp(buf, "no") == 0;
	}
	free(v);
}

static struct shard_meta
settings_meta(const struct settings *s)
{
	struct shard_meta m;

	m.window = s->context == CTX_WINDOW ? s->window : 1;
	m.unit = shard_unit(m.window);
	m.flags = s->context == CTX_WORDDOC ? SHARD_WORDDOC :
	    (s->context == CTX_WINDOW && s->left) ? 0 : SHARD_CANONICAL;
	return m;
}

/*
 * Reading shards from the database: one cursor per run, a run being all
 * shards of one (batch, level), in id order.  Every blob's checksum
 * column, header and records are checked against each other and against
 * the database's settings.
 */
struct dbrun {
	struct db *db;
	sqlite3_stmt *st;
	char name[64];
	unsigned char *scratch;
	struct shard_meta want;
	uint32_t ndb;		/* words in the database: ids stay below */
};

static uint32_t
dbrun_fill(void *ctx, struct shard_rec *buf)
{
	struct dbrun *r = ctx;
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
	if (m.flags != r->want.flags || m.unit != r->want.unit ||
	    m.window != r->want.window)
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
	    (!(m.flags & SHARD_WORDDOC) && SHARD_W2(buf[n - 1].key) >= r->ndb))
		cli_die("%s: shard %lld names word ids the words table does "
		    "not have; the database is damaged", r->db->path,
		    (long long)id);
	if (!(m.flags & SHARD_WORDDOC))
		for (uint32_t i = 0; i < n; i++)
			if (SHARD_W2(buf[i].key) >= r->ndb)
				cli_die("%s: shard %lld names word id %u; the "
				    "database has %u words", r->db->path,
				    (long long)id, SHARD_W2(buf[i].key),
				    r->ndb);
	return n;
}

/* A growing list of cursors with what they read from. */
struct runset {
	struct shard_cur **cur;
	struct dbrun **dbr;		/* [i] or NULL */
	struct shard_tmprun **tmp;	/* [i] or NULL */
	int n, cap;
};

static struct shard_cur *
runset_add(struct runset *rs, uint32_t (*fill)(void *, struct shard_rec *),
    void *ctx, const char *name)
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

static void
runset_add_tmp(struct runset *rs, struct shard_tmprun *t)
{
	shard_tmprun_rewind(t);
	runset_add(rs, shard_tmprun_fill, t, t->path);
	rs->tmp[rs->n - 1] = t;
	shard_cur_ahead(rs->cur[rs->n - 1]);
}

static void
runset_drop(struct runset *rs, int i)
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

/* All shard runs of the database, ids up to maxid, into rs. */
static void
runset_from_db(struct runset *rs, struct db *db, const struct shard_meta *m,
    uint32_t ndb, int64_t maxid)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT DISTINCT batch, level FROM "
	    "shards WHERE id <= ?1 ORDER BY level DESC, batch");

	sqlite3_bind_int64(st, 1, maxid);
	while (db_step(db, st) == SQLITE_ROW) {
		struct dbrun *r = xcalloc(1, sizeof(*r));

		r->db = db;
		r->want = *m;
		r->ndb = ndb;
		r->scratch = xmalloc(SHARD_MAX_RAW);
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			snprintf(r->name, sizeof(r->name), "%s: compacted "
			    "shards (level %lld)", db->path,
			    (long long)sqlite3_column_int64(st, 1));
		else
			snprintf(r->name, sizeof(r->name), "%s: shards of "
			    "batch %lld", db->path,
			    (long long)sqlite3_column_int64(st, 0));
		r->st = db_prepare(db, "SELECT id, data, checksum, records, "
		    "first_w1, last_w1 FROM shards WHERE batch IS ?1 AND "
		    "level = ?2 AND id <= ?3 ORDER BY id");
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			sqlite3_bind_null(r->st, 1);
		else
			sqlite3_bind_int64(r->st, 1,
			    sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(r->st, 2, sqlite3_column_int64(st, 1));
		sqlite3_bind_int64(r->st, 3, maxid);
		runset_add(rs, dbrun_fill, r, r->name);
		rs->dbr[rs->n - 1] = r;
		shard_cur_ahead(rs->cur[rs->n - 1]);
	}
	sqlite3_finalize(st);
}

static void
emit_to_writer(void *ctx, const struct shard_rec *r)
{
	shard_writer_add(ctx, r);
}

/*
 * Bounded fan-in: while there are more than `keep' runs, merge the first
 * SHARD_FANIN of them into one temporary run at the end of the list.
 */
static void
runset_reduce(struct runset *rs, int keep, const struct shard_meta *m)
{
	if (keep > SHARD_FANIN)
		keep = SHARD_FANIN;
	while (rs->n > keep) {
		int k = rs->n - keep + 1 < SHARD_FANIN ? rs->n - keep + 1 :
		    SHARD_FANIN;
		struct shard_tmprun *t = shard_tmprun_new();
		struct shard_writer *w = shard_writer_new(m, 0,
		    shard_tmprun_sink, t);

		shard_merge(rs->cur, k, emit_to_writer, w);
		shard_writer_close(w);
		for (int i = 0; i < k; i++)
			runset_drop(rs, i);
		memmove(rs->cur, rs->cur + k, (rs->n - k) * sizeof(*rs->cur));
		memmove(rs->dbr, rs->dbr + k, (rs->n - k) * sizeof(*rs->dbr));
		memmove(rs->tmp, rs->tmp + k, (rs->n - k) * sizeof(*rs->tmp));
		rs->n -= k;
		runset_add_tmp(rs, t);
		cli_info("merged %d runs into one of %llu records", k,
		    (unsigned long long)t->records);
	}
}

static void
runset_free(struct runset *rs)
{
	for (int i = 0; i < rs->n; i++)
		runset_drop(rs, i);
	free(rs->cur);
	free(rs->dbr);
	free(rs->tmp);
	memset(rs, 0, sizeof(*rs));
}

/* Shards go into the database as rows of (batch, level). */
struct dbsink {
	struct db *db;
	sqlite3_stmt *ins;
	int64_t batch;		/* -1: NULL (compacted) */
	int level;
	uint64_t shards;
};

static void
dbsink_put(void *ctx, const unsigned char *blob, size_t len, uint32_t nrecs,
    uint32_t first_w1, uint32_t last_w1)
{
	struct dbsink *s = ctx;

	if (s->ins == NULL)
		s->ins = db_prepare(s->db, "INSERT INTO shards(batch, level, "
		    "first_w1, last_w1, records, data, checksum) VALUES "
		    "(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (s->batch < 0)
		sqlite3_bind_null(s->ins, 1);
	else
		sqlite3_bind_int64(s->ins, 1, s->batch);
	sqlite3_bind_int64(s->ins, 2, s->level);
	sqlite3_bind_int64(s->ins, 3, first_w1);
	sqlite3_bind_int64(s->ins, 4, last_w1);
	sqlite3_bind_int64(s->ins, 5, nrecs);
	sqlite3_bind_blob(s->ins, 6, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 7, crc32(0, blob, len));
	db_step(s->db, s->ins);
	sqlite3_reset(s->ins);
	s->shards++;
}

/*
 * Counting.
 *
 * The dense table holds, for rows a (database ids) with lim[a] > 0, the
 * cells of columns [a, lim[a]) when symmetric (pairs stored once, a <= b)
 * or [0, lim[a]) when not; lim[a] = P / (a + 1), so a pair is dense when
 * the product of its ids is small: both words frequent, or one very.
 * A cell is 16 bytes: h, and n << 32 | dsum in one word so that one add
 * updates both; a cell whose dsum nears 2^31 moves to the overflow list.
 */
struct cell {
	uint64_t h;
	uint64_t nd;
};

/*
 * When the sums of one occurrence fit with room to spare (window
 * contexts up to W = 22, where unit = lcm(1..W) takes at most 28 bits,
 * and document contexts), a cell is one 64-bit word instead: h in the low
 * hbits, dsum in the next dbits, n in the rest, each with at least 10
 * bits of headroom.  One add of pinc[d] updates all three; when an add
 * sets the top bit of any field (ptrip) the cell moves to the overflow
 * list before the next add could carry into its neighbour.  Half the
 * bytes per cell: twice the pairs in the same share of -M, and half the
 * cache lines and pages to fault in per cell.
 */
#define PACK_ROOM 10

/*
 * Large zeroed tables: anonymous mappings with transparent huge pages, so
 * the random writes of counting fault in 2 MB at a time, not 4 kB.
 */
static void *
big_alloc(size_t n)
{
	void *p;

	n = n ? n : 1;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		cli_die("out of memory (wanted %zu bytes); lower -M", n);
	(void)madvise(p, n, MADV_HUGEPAGE);	/* a hint; fine if refused */
	return p;
}

static void
big_free(void *p, size_t n)
{
	if (p != NULL)
		munmap(p, n ? n : 1);
}

struct spiller {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t *job, *spare, *aux;
	size_t njob;
	int quit;
	int fields[2][2];
	struct shard_meta meta;
	int level;		/* zlib level of the spilled blobs */
	const uint32_t *inc;
	struct shard_tmprun **runs;
	int nruns;
	uint64_t occurrences, records;
	double busy;		/* seconds spent sorting and writing */
};

struct counter {
	uint32_t ndb;
	int sym;
	uint32_t *lim;		/* [ndb] dense row end (exclusive), or 0 */
	uint64_t *base;		/* [ndb] index of cell (a, 0), wrapping */
	void *dense;		/* [ncells] struct cell, or uint64_t packed */
	size_t ncells;
	size_t cellsize;	/* 16, or 8 when packed */
	int packed, hbits, dbits;
	uint64_t pinc[SHARD_MAX_WINDOW + 1], ptrip;
	uint64_t *occ;		/* [capocc] sparse occurrences being filled */
	size_t nocc, capocc;
	uint32_t inc[SHARD_MAX_WINDOW + 1];
	struct shard_rec *ovf;	/* cells moved out before overflowing */
	size_t novf, capovf;
	struct spiller sp;
	uint64_t pairs;		/* occurrences counted */
	pthread_t prefault;
	int prefaulting;
};

/*
 * Faulting in the dense table (the kernel zeroes every page) is a large
 * part of counting; a helper thread populates it ahead of the counting
 * thread.  MADV_POPULATE_WRITE maps pages without writing to them, so it
 * is safe while counting writes; where the kernel lacks it, nothing
 * happens and counting faults the pages in itself.
 */
static void *
prefault_main(void *arg)
{
	struct counter *c = arg;
#ifdef MADV_POPULATE_WRITE
	size_t total = c->ncells * c->cellsize, step = 32u << 20;
	char *p = (char *)c->dense;

	for (size_t off = 0; off < total; off += step)
		if (madvise(p + off, total - off < step ? total - off : step,
		    MADV_POPULATE_WRITE) != 0)
			break;
#else
	(void)c;
#endif
	return NULL;
}

static void
spill_one(struct spiller *sp, uint64_t *occ, size_t n)
{
	uint64_t *s = cooc_sort(occ, sp->aux, n,
	    (const int (*)[2])sp->fields, 2);
	struct shard_tmprun *t = shard_tmprun_new();
	struct shard_writer *w = shard_writer_new(&sp->meta, sp->level,
	    shard_tmprun_sink, t);
	struct shard_rec r;
	size_t i = 0;

	while (i < n) {
		uint64_t key = s[i] >> 8;
		r.key = SHARD_KEY(key >> 28, key & SHARD_MAX_ID);
		r.n = r.dsum = r.h = 0;
		for (; i < n && s[i] >> 8 == key; i++) {
			uint32_t d = s[i] & 0xff;
			r.n++;
			r.dsum += d;
			r.h += sp->inc[d];
		}
		shard_writer_add(w, &r);
	}
	shard_writer_flush(w);
	sp->records += w->records;
	shard_writer_close(w);
	sp->occurrences += n;
	sp->runs = xreallocarray(sp->runs, sp->nruns + 1, sizeof(*sp->runs));
	sp->runs[sp->nruns++] = t;
}

static void *
spiller_main(void *arg)
{
	struct spiller *sp = arg;
	uint64_t *job;
	size_t n;
	double t0;

	pthread_mutex_lock(&sp->mu);
	for (;;) {
		while (sp->job == NULL && !sp->quit)
			pthread_cond_wait(&sp->cv, &sp->mu);
		if (sp->job == NULL)
			break;
		job = sp->job;
		n = sp->njob;
		pthread_mutex_unlock(&sp->mu);
		t0 = cli_now();
		spill_one(sp, job, n);
		sp->busy += cli_now() - t0;
		pthread_mutex_lock(&sp->mu);
		sp->spare = job;
		sp->job = NULL;
		pthread_cond_broadcast(&sp->cv);
	}
	pthread_mutex_unlock(&sp->mu);
	return NULL;
}

/* Hand the full occurrence buffer to the spiller; take an empty one. */
static void
counter_handoff(struct counter *c)
{
	struct spiller *sp = &c->sp;

	if (c->nocc == 0)
		return;
	pthread_mutex_lock(&sp->mu);
	while (sp->job != NULL)
		pthread_cond_wait(&sp->cv, &sp->mu);
	sp->job = c->occ;
	sp->njob = c->nocc;
	c->occ = sp->spare;
	sp->spare = NULL;
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	c->nocc = 0;
}

static void
cell_overflow(struct counter *c, uint32_t a, uint32_t b, struct cell *x)
{
	if (c->novf == c->capovf) {
		c->capovf = c->capovf ? c->capovf * 2 : 64;
		c->ovf = xreallocarray(c->ovf, c->capovf, sizeof(*c->ovf));
	}
	c->ovf[c->novf].key = SHARD_KEY(a, b);
	c->ovf[c->novf].n = x->nd >> 32;
	c->ovf[c->novf].dsum = (uint32_t)x->nd;
	c->ovf[c->novf].h = x->h;
	c->novf++;
	x->h = x->nd = 0;
}

static void
packed_overflow(struct counter *c, uint32_t a, uint32_t b, uint64_t *x)
{
	struct cell t;

	t.h = *x & ((1ULL << c->hbits) - 1);
	t.nd = (*x >> (c->hbits + c->dbits)) << 32 |
	    (*x >> c->hbits & ((1ULL << c->dbits) - 1));
	cell_overflow(c, a, b, &t);
	*x = 0;
}

/* One occurrence of (a, b) at distance d; symmetric pairs go in once. */
static inline void
count_pair(struct counter *c, uint32_t a, uint32_t b, uint32_t d)
{
	if (c->sym && a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	if (b < c->lim[a]) {
		if (c->packed) {
			uint64_t *p = (uint64_t *)c->dense + c->base[a] + b;
			*p += c->pinc[d];
			if (__builtin_expect((*p & c->ptrip) != 0, 0))
				packed_overflow(c, a, b, p);
			return;
		}
		struct cell *x = (struct cell *)c->dense + c->base[a] + b;
		x->h += c->inc[d];
		x->nd += (1ULL << 32) | d;
		if (__builtin_expect((uint32_t)x->nd >= 0x80000000u, 0))
			cell_overflow(c, a, b, x);
		return;
	}
	if (c->nocc == c->capocc)
		counter_handoff(c);
	c->occ[c->nocc++] = (uint64_t)a << 36 | (uint64_t)b << 8 | d;
}

/* Cells of the dense table for product bound P. */
static uint64_t
dense_cells(uint32_t ndb, int sym, uint64_t P, uint32_t *lim)
{
	uint64_t total = 0;

	for (uint64_t a = 0; a < ndb; a++) {
		uint64_t l = P / (a + 1);
		if (l > ndb)
			l = ndb;
		if (sym && l <= a)
			l = 0;
		if (lim != NULL)
			lim[a] = (uint32_t)l;
		if (l == 0 && (sym || P / (a + 1) == 0))
			break;
		total += sym ? l - a : l;
	}
	return total;
}

/*
 * Pair occurrences the input can hold at most, from the sizes of its
 * files (a token and its separator take at least 2 bytes; gzip shrinks
 * text at most about 10 times), or 0 when it reads a pipe.
 */
static uint64_t
input_pairs(char **files, int nfiles, int window)
{
	uint64_t bytes = 0;
	struct stat sb;

	if (nfiles == 0)
		return 0;
	for (int i = 0; i < nfiles; i++) {
		size_t l = strlen(files[i]);
		if (strcmp(files[i], "-") == 0 || stat(files[i], &sb) != 0 ||
		    !S_ISREG(sb.st_mode))
			return 0;
		bytes += (uint64_t)sb.st_size * (l > 3 &&
		    strcmp(files[i] + l - 3, ".gz") == 0 ? 10 : 1);
	}
	return bytes / 2 * window;
}

static void
counter_init(struct counter *c, uint32_t ndb, const struct shard_meta *m,
    int sym, int worddoc, uint64_t mem, uint64_t maxpairs)
{
	uint64_t lo = 0, hi = (uint64_t)ndb * ndb + 1, cells, off = 0;
	size_t occbytes;

	memset(c, 0, sizeof(*c));
	c->ndb = ndb;
	c->sym = sym;
	for (uint32_t d = 1; d <= m->window; d++)
		c->inc[d] = shard_inc(m->unit, d);
	/* Packed cells when the fields fit with PACK_ROOM bits to spare. */
	{
		int hb = 1, db = 1, spare;
		while (hb < 32 && (1ULL << hb) <= c->inc[1])
			hb++;
		while (db < 32 && (1ULL << db) <= m->window)
			db++;
		spare = 64 - hb - db - 1;
		c->cellsize = sizeof(struct cell);
		if (spare / 3 >= PACK_ROOM) {
			c->packed = 1;
			c->cellsize = sizeof(uint64_t);
			c->hbits = hb + spare / 3;
			c->dbits = db + spare / 3;
			for (uint32_t d = 1; d <= m->window; d++)
				c->pinc[d] = (1ULL << (c->hbits + c->dbits)) |
				    (uint64_t)d << c->hbits | c->inc[d];
			c->ptrip = 1ULL << 63 |
			    1ULL << (c->hbits + c->dbits - 1) |
			    1ULL << (c->hbits - 1);
		}
	}
	c->lim = xcalloc(ndb + 1, sizeof(uint32_t));
	c->base = xcalloc(ndb + 1, sizeof(uint64_t));
	/*
	 * 35% dense table, 3 x 15% (at most) occurrence buffers.  Packed
	 * cells: as many cells in 18% (on the text8 tokens twice the cells
	 * faulted in and scanned cost about what they saved in spills).
	 */
	cells = worddoc ? 0 : mem * (c->packed ? 18 : 35) / 100 / c->cellsize;
	/* A small input fills few cells: no point zeroing a big table. */
	if (maxpairs > 0 && cells > maxpairs / 8)
		cells = maxpairs / 8;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (dense_cells(ndb, sym, mid, NULL) <= cells)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (lo > 0) {
		c->ncells = dense_cells(ndb, sym, lo, c->lim);
		c->dense = big_alloc(c->ncells * c->cellsize);
		for (uint32_t a = 0; a < ndb && c->lim[a] > 0; a++) {
			c->base[a] = off - (sym ? a : 0);
			off += sym ? c->lim[a] - a : c->lim[a];
		}
	}
	/*
	 * Spill buffers of at most 4M occurrences (32 MB): spills then
	 * happen, overlapped, while counting goes on, and the last one that
	 * counting must wait for is short.
	 */
	occbytes = mem * 15 / 100;
	if (occbytes > (4u << 20) * 8)
		occbytes = (4u << 20) * 8;
	if (maxpairs > 0 && occbytes / 8 > maxpairs)
		occbytes = maxpairs * 8;
	c->capocc = occbytes / 8 < 4096 ? 4096 : occbytes / 8;
	c->occ = big_alloc(c->capocc * 8);
	c->sp.spare = big_alloc(c->capocc * 8);
	c->sp.aux = big_alloc(c->capocc * 8);
	c->sp.meta = *m;
	c->sp.level = opt_shard_level;
	c->sp.inc = c->inc;
	/* Sort on w2 then w1, only the bits ids can use. */
	{
		int bits = 1;
		uint32_t maxid = worddoc ? SHARD_MAX_ID : ndb;
		while (bits < 28 && (1u << bits) < maxid)
			bits++;
		c->sp.fields[0][0] = 8;
		c->sp.fields[0][1] = 8 + bits;
		c->sp.fields[1][0] = 36;
		c->sp.fields[1][1] = 36 + (worddoc ? 28 : bits);
	}
	if (c->ncells > 0)
		c->prefaulting = pthread_create(&c->prefault, NULL,
		    prefault_main, c) == 0;
	pthread_mutex_init(&c->sp.mu, NULL);
	pthread_cond_init(&c->sp.cv, NULL);
	if (pthread_create(&c->sp.th, NULL, spiller_main, &c->sp) != 0)
		cli_die("cannot start the spill thread: %s", strerror(errno));
}

/* Wait for the spiller to finish everything and stop it. */
static void
counter_finish_spills(struct counter *c)
{
	counter_handoff(c);
	pthread_mutex_lock(&c->sp.mu);
	while (c->sp.job != NULL)
		pthread_cond_wait(&c->sp.cv, &c->sp.mu);
	c->sp.quit = 1;
	pthread_cond_broadcast(&c->sp.cv);
	pthread_mutex_unlock(&c->sp.mu);
	pthread_join(c->sp.th, NULL);
	if (c->prefaulting)
		pthread_join(c->prefault, NULL);
	c->prefaulting = 0;
	big_free(c->occ, c->capocc * 8);
	big_free(c->sp.spare, c->capocc * 8);
	big_free(c->sp.aux, c->capocc * 8);
	c->occ = c->sp.spare = c->sp.aux = NULL;
}

/* Cursor over the dense table's non-empty cells, in key order. */
struct densecur {
	struct counter *c;
	uint32_t a, b;
};

static uint32_t
dense_fill(void *ctx, struct shard_rec *buf)
{
	struct densecur *dc = ctx;
	struct counter *c = dc->c;
	uint32_t n = 0;

	while (dc->a < c->ndb && c->lim[dc->a] > 0) {
		uint32_t a = dc->a, end = c->lim[a];
		if (dc->b < (c->sym ? a : 0))
			dc->b = c->sym ? a : 0;
		for (; dc->b < end; dc->b++) {
			uint64_t i = c->base[a] + dc->b;
			if (c->packed) {
				uint64_t x = ((uint64_t *)c->dense)[i];
				if (x == 0)
					continue;
				if (n == SHARD_MAX_RECS)
					return n;
				buf[n].n = x >> (c->hbits + c->dbits);
				buf[n].dsum = x >> c->hbits &
				    ((1ULL << c->dbits) - 1);
				buf[n].h = x & ((1ULL << c->hbits) - 1);
			} else {
				struct cell *x = (struct cell *)c->dense + i;
				if (x->nd == 0)
					continue;
				if (n == SHARD_MAX_RECS)
					return n;
				buf[n].n = x->nd >> 32;
				buf[n].dsum = (uint32_t)x->nd;
				buf[n].h = x->h;
			}
			buf[n].key = SHARD_KEY(a, dc->b);
			n++;
		}
		dc->a++;
		dc->b = 0;
	}
	return n;
}

struct memrun {
	struct shard_rec *r;
	size_t n, pos;
};

static uint32_t
memrun_fill(void *ctx, struct shard_rec *buf)
{
	struct memrun *m = ctx;
	uint32_t n = 0;

	while (m->pos < m->n && n < SHARD_MAX_RECS) {
		/* The overflow list may hold a key more than once: sum. */
		buf[n] = m->r[m->pos++];
		while (m->pos < m->n && m->r[m->pos].key == buf[n].key)
			if (shard_rec_add(&buf[n], &m->r[m->pos++]) != 0)
				cli_die("co-occurrence sums overflow");
		n++;
	}
	return n;
}

static int
cmp_rec(const void *a, const void *b)
{
	uint64_t x = ((const struct shard_rec *)a)->key;
	uint64_t y = ((const struct shard_rec *)b)->key;

	return x < y ? -1 : x > y;
}

/*
 * The database's words for counting: open addressing over slots that hold
 * the full hash, the length and the word, so a lookup touches one slot and
 * the word's bytes (struct vocab takes four or five cache misses, and
 * counting looks up every token).
 */
struct wslot {
	uint64_t hash;
	const char *word;	/* NULL: empty */
	uint32_t id, len;
};

struct wtab {
	struct wslot *slot;
	uint64_t mask;
	char **words;		/* db_words_load's, kept for the bytes */
	int64_t *counts;
	uint32_t n;
};

static void
wtab_load(struct wtab *t, struct db *db)
{
	uint64_t size = 1024;

	db_words_load(db, &t->words, &t->counts, &t->n);
	while (size < (uint64_t)t->n * 2)
		size *= 2;
	t->mask = size - 1;
	t->slot = xcalloc(size, sizeof(struct wslot));
	for (uint32_t i = 0; i < t->n; i++) {
		size_t len = strlen(t->words[i]);
		uint64_t h = vocab_hash(t->words[i], len), j = h & t->mask;
		while (t->slot[j].word != NULL)
			j = (j + 1) & t->mask;
		t->slot[j].hash = h;
		t->slot[j].word = t->words[i];
		t->slot[j].id = i;
		t->slot[j].len = (uint32_t)len;
	}
}

static inline int64_t
wtab_find(const struct wtab *t, const char *w, size_t len)
{
	uint64_t h = vocab_hash(w, len), j = h & t->mask;
	const struct wslot *s;

	for (; (s = &t->slot[j])->word != NULL; j = (j + 1) & t->mask)
		if (s->hash == h && s->len == len &&
		    memcmp(s->word, w, len) == 0)
			return s->id;
	return -1;
}

static void
wtab_free(struct wtab *t)
{
	db_words_free(t->words, t->counts, t->n);
	free(t->slot);
}

/* The words of a stopword file, as a flag per database id. */
static void
stopwords_load(const char *path, const struct wtab *dbv, unsigned char *stop,
    char *tag, size_t tagsize)
{
	FILE *f = fopen(path, "rb");
	char word[TOKIN_MAXTOK + 1];
	uint32_t crc = crc32(0, NULL, 0), nw = 0, known = 0;
	int ch;
	size_t len = 0;

	if (f == NULL)
		cli_die("cannot open stopword file %s: %s", path,
		    strerror(errno));
	do {
		ch = getc(f);
		if (ch != EOF && ch != ' ' && ch != '\n' && ch != '\t' &&
		    ch != '\r') {
			if (len < TOKIN_MAXTOK)
				word[len++] = (char)ch;
			continue;
		}
		if (len > 0) {
			int64_t id = wtab_find(dbv, word, len);
			crc = crc32(crc, (unsigned char *)word, len);
			crc = crc32(crc, (const unsigned char *)" ", 1);
			nw++;
			if (id >= 0) {
				stop[id] = 1;
				known++;
			}
		}
		len = 0;
	} while (ch != EOF);
	if (ferror(f))
		cli_die("read error on %s: %s", path, strerror(errno));
	fclose(f);
	snprintf(tag, tagsize, "%u:%08x", nw, crc);
	cli_info("%s: %u stopwords, %u of them in the database", path, nw,
	    known);
}

/* Documents before this batch: word-document ids continue from there. */
static int64_t
docs_before(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(sum(docs), 0) "
	    "FROM batches WHERE kind = 'cooc'");
	int64_t n = 0;

	if (db_step(db, st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct countstats {
	int64_t docs, tokens, unknown, skipped;
};

#define OOV UINT32_MAX		/* a token that keeps its place, unpaired */
#define EOD (UINT32_MAX - 1)	/* end of a document */
#define IDCHUNK (1u << 18)	/* ids per chunk handed over */

/*
 * The reader thread turns token text into chunks of database ids (OOV for
 * words not counted, EOD at the end of each document; stopwords dropped),
 * so that the counting thread spends its time on pairs, not on bytes and
 * hash lookups.  Two chunks alternate: ready[k] is set by the reader and
 * cleared by the counter.
 */
struct idreader {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tokin *in;
	const struct wtab *dbv;
	const unsigned char *use;	/* [ndb] 1 counted, 0 OOV, 2 stop */
	int close_gaps;		/* drop OOV words instead of keeping places */
	uint32_t *chunk[2];
	size_t len[2];
	int ready[2], last[2];	/* last: the final chunk of the input */
	int cur;		/* chunk the counter reads next */
	int held;		/* the counter holds chunk cur */
	struct countstats st;
	double t0;
};

static void *
idreader_main(void *arg)
{
	struct idreader *r = arg;
	const char *tok;
	size_t len, n;
	int k = 0, t, done = 0;

	while (!done) {
		uint32_t *out;

		pthread_mutex_lock(&r->mu);
		while (r->ready[k])
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		out = r->chunk[k];
		for (n = 0; n < IDCHUNK;) {
			int64_t id;
			if ((t = tokin_next(r->in, &tok, &len)) == TOKIN_EOF) {
				done = 1;
				break;
			}
			if (t == TOKIN_EOD) {
				out[n++] = EOD;
				if ((++r->st.docs & 1023) == 0)
					cli_progress("%lld documents, %lld "
					    "tokens, %.1f MB/s",
					    (long long)r->st.docs,
					    (long long)r->st.tokens,
					    tokin_bytes(r->in) / 1e6 /
					    (cli_now() - r->t0 + 1e-9));
				continue;
			}
			r->st.tokens++;
			id = wtab_find(r->dbv, tok, len);
			if (id < 0) {
				r->st.unknown++;
				if (!r->close_gaps)
					out[n++] = OOV;
			} else if (r->use[id] == 2)
				r->st.skipped++;	/* as if not there */
			else if (r->use[id] == 1)
				out[n++] = (uint32_t)id;
			else if (!r->close_gaps)
				out[n++] = OOV;
		}
		pthread_mutex_lock(&r->mu);
		r->len[k] = n;
		r->last[k] = done;
		r->ready[k] = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		k ^= 1;
	}
	return NULL;
}

static void
idreader_start(struct idreader *r, struct tokin *in, const struct wtab *dbv,
    const unsigned char *use, int close_gaps)
{
	memset(r, 0, sizeof(*r));
	r->close_gaps = close_gaps;
	r->in = in;
	r->dbv = dbv;
	r->use = use;
	r->t0 = cli_now();
	r->chunk[0] = xreallocarray(NULL, IDCHUNK, sizeof(uint32_t));
	r->chunk[1] = xreallocarray(NULL, IDCHUNK, sizeof(uint32_t));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->th, NULL, idreader_main, r) != 0)
		cli_die("cannot start the reader thread: %s", strerror(errno));
}

/* The next chunk of ids (the previous one is given back), NULL at end. */
static const uint32_t *
idreader_next(struct idreader *r, size_t *n)
{
	const uint32_t *p;

	pthread_mutex_lock(&r->mu);
	if (r->held) {
		int was_last = r->last[r->cur];
		r->ready[r->cur] = 0;
		r->held = 0;
		r->cur ^= 1;
		pthread_cond_broadcast(&r->cv);
		if (was_last) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
	}
	while (!r->ready[r->cur])
		pthread_cond_wait(&r->cv, &r->mu);
	r->held = 1;
	p = r->chunk[r->cur];
	*n = r->len[r->cur];
	pthread_mutex_unlock(&r->mu);
	return p;
}

static void
idreader_finish(struct idreader *r, struct countstats *st)
{
	pthread_join(r->th, NULL);
	*st = r->st;
	free(r->chunk[0]);
	free(r->chunk[1]);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

/* Prefetch the dense cells word a at position pos + 1 will update. */
static inline void
prefetch_pairs(const struct counter *c, uint32_t a, uint32_t prev,
    const uint32_t *hist, uint64_t pos, int window)
{
	uint64_t lo = pos + 1 > (uint64_t)window ? pos + 1 - window : 0;

	for (uint64_t j = pos + 1; j > lo; j--) {
		uint32_t b = j == pos + 1 ? prev : hist[(j - 1) & 255], x = a;
		if (b >= EOD)
			continue;
		if (c->sym && x > b) {
			uint32_t t = x;
			x = b;
			b = t;
		}
		if (b < c->lim[x])
			__builtin_prefetch((char *)c->dense +
			    (c->base[x] + b) * c->cellsize, 1, 1);
	}
}

/* Window contexts: each word against the `window' words before it. */
static void
count_windows(struct counter *c, struct idreader *rd, int window)
{
	uint32_t hist[SHARD_MAX_WINDOW + 1];	/* ring of ids, OOV kept */
	uint64_t pos = 0, pairs = 0;
	const uint32_t *ids;
	size_t n;

	while ((ids = idreader_next(rd, &n)) != NULL) {
		for (size_t i = 0; i < n; i++) {
			uint32_t a = ids[i];
			if (a == EOD) {
				pos = 0;
				continue;
			}
			/*
			 * The dense cells of the next word are cache misses:
			 * ask for them now, so they load while this word's
			 * pairs are added.
			 */
			if (i + 1 < n && ids[i + 1] < EOD)
				prefetch_pairs(c, ids[i + 1], a, hist, pos,
				    window);
			if (a != OOV) {
				uint64_t lo = pos > (uint64_t)window ?
				    pos - window : 0;
				for (uint64_t j = pos; j > lo; j--) {
					uint32_t b = hist[(j - 1) & 255];
					if (b == OOV)
						continue;
					/* (word, left context), distance */
					count_pair(c, a, b,
					    (uint32_t)(pos - j + 1));
					pairs++;
				}
			}
			hist[pos & 255] = a;
			pos++;
		}
	}
	c->pairs += pairs;
}

/*
 * Document contexts: all pairs within pieces of `cap' counted words; or,
 * for word-document counts, (word, document number) for every word.
 */
static void
count_docs(struct counter *c, struct idreader *rd, int cap, int worddoc,
    int64_t doc0)
{
	uint32_t *piece = xreallocarray(NULL, cap, sizeof(uint32_t));
	uint32_t np = 0;
	int64_t doc = doc0;
	const uint32_t *ids;
	size_t n;

	while ((ids = idreader_next(rd, &n)) != NULL) {
		for (size_t k = 0; k < n; k++) {
			uint32_t a = ids[k];
			if (a == OOV)
				continue;
			if (worddoc) {
				if (a == EOD) {
					doc++;
					continue;
				}
				if (doc > SHARD_MAX_ID)
					cli_die("more than %u documents",
					    SHARD_MAX_ID);
				count_pair(c, a, (uint32_t)doc, 1);
				c->pairs++;
				continue;
			}
			if (a != EOD) {
				piece[np++] = a;
				if (np < (uint32_t)cap)
					continue;
			}
			for (uint32_t i = 1; i < np; i++)
				for (uint32_t j = 0; j < i; j++)
					count_pair(c, piece[i], piece[j], 1);
			c->pairs += (uint64_t)np * (np - 1) / 2;
			np = 0;
		}
	}
	/* The input's last document ends with an EOD too (tokin). */
	free(piece);
}

/*
 * Store the batch as sorted runs told apart by the level column: each
 * spill run as it is (its blobs copied, not decoded), then the dense
 * table merged with the overflow list.  Export and --compact merge them;
 * counting does not wait for a merge of everything.  A batch keeps at
 * most BATCH_RUNS runs, so that one batch's export merges them in one
 * round: when more spills were made, the oldest are merged first, at
 * most SHARD_FANIN at a time, through temporary runs.
 */
#define BATCH_RUNS (SHARD_FANIN / 2)

static void
counter_store(struct counter *c, const struct shard_meta *m, int level,
    struct dbsink *sink, uint64_t *records, uint64_t *bytes)
{
	struct densecur dc = { c, 0, 0 };
	struct memrun mr = { c->ovf, c->novf, 0 };
	struct shard_cur cur[2], *pc[2];
	struct shard_writer *w;
	int k = 0, keep = c->ncells > 0 || c->novf > 0 ? BATCH_RUNS - 1 :
	    BATCH_RUNS;

	*records = *bytes = 0;
	while (c->sp.nruns > keep) {
		struct runset rs = { 0 };
		struct shard_tmprun *t = shard_tmprun_new();
		int n = c->sp.nruns - keep + 1 < SHARD_FANIN ?
		    c->sp.nruns - keep + 1 : SHARD_FANIN;

		w = shard_writer_new(m, level, shard_tmprun_sink, t);
		for (int i = 0; i < n; i++)
			runset_add_tmp(&rs, c->sp.runs[i]);
		shard_merge(rs.cur, rs.n, emit_to_writer, w);
		shard_writer_close(w);
		runset_free(&rs);	/* frees the n runs */
		memmove(c->sp.runs, c->sp.runs + n,
		    (c->sp.nruns - n) * sizeof(*c->sp.runs));
		c->sp.nruns -= n;
		c->sp.runs[c->sp.nruns++] = t;
		cli_info("merged %d spill runs into one of %llu records", n,
		    (unsigned long long)t->records);
	}
	sink->level = 0;
	for (int i = 0; i < c->sp.nruns; i++, sink->level++) {
		struct shard_tmprun *t = c->sp.runs[i];
		shard_tmprun_copy(t, dbsink_put, sink);
		*records += t->records;
		if (fseek(t->f, 0, SEEK_END) == 0 && ftell(t->f) > 0)
			*bytes += (uint64_t)ftell(t->f) - 4 * t->blobs;
		shard_tmprun_free(t);
	}
	free(c->sp.runs);
	c->sp.runs = NULL;
	c->sp.nruns = 0;
	if (c->ncells > 0) {
		shard_cur_init(&cur[k], dense_fill, &dc, "dense table");
		pc[k] = &cur[k];
		k++;
	}
	if (c->novf > 0) {
		qsort(c->ovf, c->novf, sizeof(*c->ovf), cmp_rec);
		shard_cur_init(&cur[k], memrun_fill, &mr, "overflow list");
		pc[k] = &cur[k];
		k++;
	}
	if (k == 0)
		return;
	w = shard_writer_new(m, level, dbsink_put, sink);
	shard_writer_async(w);
	shard_merge(pc, k, emit_to_writer, w);
	shard_writer_flush(w);
	*records += w->records;
	*bytes += w->bytes;
	shard_writer_close(w);
	for (int i = 0; i < k; i++)
		shard_cur_free(&cur[i]);
}

static void
count_files(char **files, int nfiles)
{
	struct db *db = db_open(opt_db, DB_WRITE);
	struct settings s = { 0 };
	struct shard_meta m;
	struct wtab dbv;
	struct vsel *sel;
	struct counter c;
	struct countstats st = { 0 };
	struct idreader rd;
	struct tokin *in;
	struct dbsink sink = { 0 };
	unsigned char *use;
	char settings[512], digest[TOKIN_DIGEST_LEN], buf[32], *old;
	int64_t prev, doc0 = 0;
	uint32_t ndb;
	uint64_t records = 0, bytes = 0;
	double t0 = cli_now(), tcount;

	s.context = opt_context;
	s.weighting = opt_weighting >= 0 ? opt_weighting :
	    opt_context == CTX_WINDOW ? W_HARMONIC : W_FLAT;
	if (opt_context != CTX_WINDOW && s.weighting != W_FLAT)
		cli_usage_die("document contexts are counted flat; "
		    "--weighting %s applies to window contexts",
		    weight_names[s.weighting]);
	s.left = opt_left;
	s.window = opt_window;
	s.doc_cap = opt_doc_cap;
	s.min_count = opt_min_count;
	s.max_vocab = opt_max_vocab;
	s.close_gaps = opt_close_gaps;
	strcpy(s.stopwords, "none");

	wtab_load(&dbv, db);
	ndb = dbv.n;
	if (ndb == 0)
		cli_die("%s: the database has no words; run firth-vocab -d %s "
		    "on the same input first", opt_db, opt_db);
	if (ndb > SHARD_MAX_ID)
		cli_die("%s: %u words; firth-cooc counts at most %u", opt_db,
		    ndb, SHARD_MAX_ID);
	/* use[id]: 1 counted, 0 out of vocabulary (keeps its place), 2 stop */
	use = xcalloc(ndb + 1, 1);
	sel = vsel_from_db(db, opt_min_count, opt_max_vocab);
	for (uint32_t r = 0; r < sel->n; r++)
		use[sel->dbid[r]] = 1;
	vsel_free(sel);
	if (opt_stopfile != NULL) {
		unsigned char *stop = xcalloc(ndb + 1, 1);
		stopwords_load(opt_stopfile, &dbv, stop, s.stopwords,
		    sizeof(s.stopwords));
		for (uint32_t i = 0; i < ndb; i++)
			if (stop[i])
				use[i] = 2;
		free(stop);
	}
	settings_format(&s, settings, sizeof(settings));
	m = settings_meta(&s);
	/*
	 * --force may add a batch whose vocabulary or default weighting
	 * differ, but never one whose shards could not be merged with the
	 * others (another context, window or side).
	 */
	if (opt_force && (old = db_meta_get(db, "cooc")) != NULL) {
		struct settings os;
		struct shard_meta om;
		free(old);
		settings_parse(db, &os);
		om = settings_meta(&os);
		if (om.flags != m.flags || om.window != m.window)
			cli_die("%s: earlier batches were counted with another "
			    "context, window or side; their counts cannot be "
			    "merged with these, even with --force (use a new "
			    "database)", opt_db);
	}
	/* Other settings fail now, not after the whole input is counted. */
	db_begin(db);
	db_settings_check(db, "cooc", settings, opt_force);
	if (opt_context == CTX_WORDDOC)
		doc0 = docs_before(db);
	db_rollback(db);

	in = tokin_open(files, nfiles);
	counter_init(&c, ndb, &m, m.flags & SHARD_CANONICAL,
	    opt_context == CTX_WORDDOC, opt_mem, input_pairs(files, nfiles,
	    opt_context == CTX_WINDOW ? opt_window : opt_doc_cap));
	if (cli_verbose > 0)
		cli_info("dense table %s for %zu pairs; spill buffers %zu "
		    "occurrences", cli_fmt_size(c.ncells * c.cellsize,
		    buf, sizeof(buf)), c.ncells, c.capocc);
	idreader_start(&rd, in, &dbv, use, opt_close_gaps);
	if (opt_context == CTX_WINDOW)
		count_windows(&c, &rd, opt_window);
	else
		count_docs(&c, &rd, opt_doc_cap, opt_context == CTX_WORDDOC,
		    doc0);
	idreader_finish(&rd, &st);
	counter_finish_spills(&c);
	tcount = cli_now() - t0;
	if (cli_verbose > 0)
		cli_info("counted in %.2f s: %llu occurrences sparse in %d "
		    "spills (%llu records), %zu overflow cells", tcount,
		    (unsigned long long)c.sp.occurrences, c.sp.nruns,
		    (unsigned long long)c.sp.records, c.novf);
	if (tokin_truncated(in) > 0)
		cli_warn("%llu tokens longer than %d bytes were cut short",
		    (unsigned long long)tokin_truncated(in), TOKIN_MAXTOK);
	if (st.tokens == 0)
		cli_die("no tokens in the input (%s): did the upstream command "
		    "fail?", tokin_source(in));
	/*
	 * Words the vocabulary lacks mean firth-vocab has not taken this
	 * input yet (it was forgotten, or is running at the same time).
	 * Recorded now, the batch would stand as counted without those
	 * words' pairs, and the same input given again after firth-vocab
	 * would be refused as already counted: the pairs lost for good.
	 * So nothing is recorded, unless --force says to count the rest.
	 */
	if (st.unknown > 0 && !opt_force)
		cli_die("%lld of %lld tokens are not in the database's "
		    "vocabulary; nothing was counted: run firth-vocab -d %s on "
		    "this input first, then this again (--force counts the "
		    "other tokens without them)", (long long)st.unknown,
		    (long long)st.tokens, opt_db);
	if (st.unknown > 0)
		cli_warn("%lld of %lld tokens are not in the database's "
		    "vocabulary (not counted; run firth-vocab -d %s on this "
		    "input first)", (long long)st.unknown,
		    (long long)st.tokens, opt_db);
	tokin_digest(in, digest);

	db_begin(db);
	prev = db_batch_find(db, "cooc", digest);
	if (prev >= 0 && !opt_force) {
		db_rollback(db);
		cli_info("%s: this input was already counted as batch %lld; "
		    "nothing changed (--force counts it again)", opt_db,
		    (long long)prev);
		goto out;
	}
	db_settings_check(db, "cooc", settings, opt_force);
	if (opt_context == CTX_WORDDOC && docs_before(db) != doc0)
		cli_die("%s: another batch was counted meanwhile; run again",
		    opt_db);
	if (prev >= 0) {
		char forced[TOKIN_DIGEST_LEN + 32];
		int i = 2;
		do
			snprintf(forced, sizeof(forced), "%s+%d", digest, i++);
		while (db_batch_find(db, "cooc", forced) >= 0);
		sink.batch = db_batch_add(db, "cooc", forced,
		    tokin_source(in), st.docs, st.tokens);
	} else
		sink.batch = db_batch_add(db, "cooc", digest,
		    tokin_source(in), st.docs, st.tokens);
	sink.db = db;
	counter_store(&c, &m, opt_shard_level, &sink, &records, &bytes);
	if (sink.ins != NULL)
		sqlite3_finalize(sink.ins);
	db_commit(db);
	cli_progress_done("%lld tokens, %lld documents, %llu pair "
	    "occurrences -> %llu records in %llu shards (%s, %.2f B/record); "
	    "batch %lld in %.2f s (counting %.2f s, spill thread busy "
	    "%.2f s)", (long long)st.tokens, (long long)st.docs,
	    (unsigned long long)c.pairs, (unsigned long long)records,
	    (unsigned long long)sink.shards,
	    cli_fmt_size(bytes, buf, sizeof(buf)),
	    records ? (double)bytes / records : 0.0, (long long)sink.batch,
	    cli_now() - t0, tcount, c.sp.busy);
out:
	for (int i = 0; i < c.sp.nruns; i++)
		shard_tmprun_free(c.sp.runs[i]);
	free(c.sp.runs);
	big_free(c.dense, c.ncells * c.cellsize);
	free(c.lim);
	free(c.base);
	free(c.ovf);
	free(use);
	wtab_free(&dbv);
	tokin_close(in);
	db_close(db);
}

/*
 * Export.  Pass 1 merges every run and counts the records of each output
 * row (and keeps the selected pairs in memory when they fit in a third of
 * -M).  Rows are then cut into ranges whose records fit in half of -M;
 * each range is filled by a counting sort on the row (from memory, or by
 * merging again), rows a refresh left unsorted are sorted, and written.
 */
struct exporter {
	const struct settings *s;
	const struct shard_meta *m;
	const int64_t *rank;	/* [ndb] database id -> rank, or -1 */
	int weighting, canonical, worddoc;
	double cap;
	uint64_t *rowcount;	/* [V] records in each output row */
	struct cooc_rec *keep;	/* pass 1: selected pairs, or NULL */
	size_t nkeep, capkeep, maxkeep;
	/* range being filled */
	uint32_t lo, hi;
	uint64_t *pos;		/* [V] next slot of each row in range */
	struct cooc_rec *out;
	uint64_t npairs;	/* canonical pairs merged */
};

static float
export_value(const struct exporter *e, const struct shard_rec *r)
{
	double x;

	switch (e->weighting) {
	case W_HARMONIC:
		x = (double)r->h / e->m->unit;
		break;
	case W_LINEAR:
		x = ((double)(e->m->window + 1) * r->n - (double)r->dsum) /
		    e->m->window;
		break;
	default:
		x = (double)r->n;
		break;
	}
	/* A pair of one word with itself was counted once for both sides. */
	if (e->canonical && SHARD_W1(r->key) == SHARD_W2(r->key))
		x *= 2;
	if (e->cap > 0 && x > e->cap)
		x = e->cap;
	return (float)x;
}

static void
export_place(struct exporter *e, uint32_t r1, uint32_t r2, float x)
{
	if (r1 >= e->lo && r1 < e->hi) {
		struct cooc_rec *o = &e->out[e->pos[r1]++];
		o->w1 = r1;
		o->w2 = r2;
		o->x = x;
	}
	if (e->canonical && r1 != r2 && r2 >= e->lo && r2 < e->hi) {
		struct cooc_rec *o = &e->out[e->pos[r2]++];
		o->w1 = r2;
		o->w2 = r1;
		o->x = x;
	}
}

/* Pass 1: count rows, keep pairs while they fit. */
static void
export_count(void *ctx, const struct shard_rec *r)
{
	struct exporter *e = ctx;
	int64_t r1 = e->rank[SHARD_W1(r->key)], r2;
	float x;

	e->npairs++;
	if (r1 < 0)
		return;
	r2 = e->worddoc ? SHARD_W2(r->key) : e->rank[SHARD_W2(r->key)];
	if (r2 < 0)
		return;
	x = export_value(e, r);
	e->rowcount[r1]++;
	if (e->canonical && r1 != r2)
		e->rowcount[r2]++;
	if (e->keep == NULL)
		return;
	if (e->nkeep == e->capkeep) {
		if (e->capkeep >= e->maxkeep) {
			free(e->keep);	/* too many: merge again later */
			e->keep = NULL;
			return;
		}
		e->capkeep = e->capkeep ? e->capkeep * 2 : 1 << 16;
		if (e->capkeep > e->maxkeep)
			e->capkeep = e->maxkeep;
		e->keep = xreallocarray(e->keep, e->capkeep,
		    sizeof(*e->keep));
	}
	e->keep[e->nkeep].w1 = (uint32_t)r1;
	e->keep[e->nkeep].w2 = (uint32_t)r2;
	e->keep[e->nkeep].x = x;
	e->nkeep++;
}

/* Later passes: place the pairs of the current row range. */
static void
export_fill(void *ctx, const struct shard_rec *r)
{
	struct exporter *e = ctx;
	int64_t r1 = e->rank[SHARD_W1(r->key)], r2;

	if (r1 < 0)
		return;
	r2 = e->worddoc ? SHARD_W2(r->key) : e->rank[SHARD_W2(r->key)];
	if (r2 < 0)
		return;
	export_place(e, (uint32_t)r1, (uint32_t)r2, export_value(e, r));
}

static int
cmp_w2(const void *a, const void *b)
{
	uint32_t x = ((const struct cooc_rec *)a)->w2;
	uint32_t y = ((const struct cooc_rec *)b)->w2;

	return x < y ? -1 : x > y;
}

static void
export_merge(struct db *db, const struct shard_meta *m, uint32_t ndb,
    shard_emit_fn emit, void *ctx)
{
	struct runset rs = { 0 };

	runset_from_db(&rs, db, m, ndb, INT64_MAX);
	runset_reduce(&rs, SHARD_FANIN, m);
	shard_merge(rs.cur, rs.n, emit, ctx);
	runset_free(&rs);
}

static void
export_db(void)
{
	struct db *db = db_open(opt_db, DB_READ);
	struct settings s;
	struct shard_meta m;
	struct vsel *sel;
	struct exporter e = { 0 };
	struct stream_header h = { .kind = STREAM_COOC };
	struct stream_writer *w;
	uint64_t total = 0, budget, *start;
	uint32_t V;
	int passes = 0;
	double t0 = cli_now();
	char buf[32];

	settings_parse(db, &s);
	m = settings_meta(&s);
	e.weighting = opt_weighting >= 0 ? opt_weighting : s.weighting;
	if (s.context != CTX_WINDOW && e.weighting != W_FLAT)
		cli_usage_die("%s holds %s counts, which are flat; --weighting "
		    "%s applies to window contexts", opt_db,
		    ctx_names[s.context], weight_names[e.weighting]);
	e.s = &s;
	e.m = &m;
	e.canonical = (m.flags & SHARD_CANONICAL) != 0;
	e.worddoc = (m.flags & SHARD_WORDDOC) != 0;
	e.cap = opt_cap;
	sel = vsel_from_db(db, opt_min_count, opt_max_vocab);
	V = sel->n;
	e.rank = sel->rank;
	e.rowcount = xcalloc((size_t)V + 1, sizeof(uint64_t));
	e.maxkeep = opt_mem / 3 / sizeof(struct cooc_rec);
	e.keep = xmalloc(sizeof(struct cooc_rec));
	export_merge(db, &m, sel->ndb, export_count, &e);
	passes++;
	for (uint32_t r = 0; r < V; r++)
		total += e.rowcount[r];

	h.nwords = V;
	h.count = total;
	if (e.worddoc)
		strcpy(h.layout, "w1:u32 doc:u32 x:f32");
	w = stream_wopen(stdout, "stdout", &h, sel->words, opt_level);
	budget = opt_mem / 2 / sizeof(struct cooc_rec);
	if (budget < 1024)
		budget = 1024;
	start = xcalloc((size_t)V + 1, sizeof(uint64_t));
	e.pos = xcalloc((size_t)V + 1, sizeof(uint64_t));
	for (uint32_t lo = 0; lo < V;) {
		uint64_t n = 0;
		uint32_t hi = lo;

		/* Rows [lo, hi) whose records fit in the budget (one at least). */
		while (hi < V && (hi == lo || n + e.rowcount[hi] <= budget))
			n += e.rowcount[hi++];
		e.lo = lo;
		e.hi = hi;
		e.out = xreallocarray(NULL, n ? n : 1, sizeof(struct cooc_rec));
		for (uint64_t r = lo, p = 0; r < hi; r++) {
			start[r] = e.pos[r] = p;
			p += e.rowcount[r];
		}
		if (e.keep != NULL) {
			for (size_t i = 0; i < e.nkeep; i++)
				export_place(&e, e.keep[i].w1, e.keep[i].w2,
				    e.keep[i].x);
		} else {
			export_merge(db, &m, sel->ndb, export_fill, &e);
			passes++;
		}
		/* Rows come out sorted unless a refresh reordered ranks. */
		for (uint32_t r = lo; r < hi; r++) {
			struct cooc_rec *row = e.out + start[r];
			for (uint64_t i = 1; i < e.rowcount[r]; i++)
				if (row[i].w2 <= row[i - 1].w2) {
					qsort(row, e.rowcount[r], sizeof(*row),
					    cmp_w2);
					break;
				}
		}
		stream_write(w, e.out, n);
		free(e.out);
		e.out = NULL;
		lo = hi;
	}
	stream_wclose(w);
	cli_progress_done("%llu pairs merged; %llu records, %u words, %d "
	    "merge pass%s, %.2f s, peak %s", (unsigned long long)e.npairs,
	    (unsigned long long)total, V, passes, passes == 1 ? "" : "es",
	    cli_now() - t0, cli_fmt_size(cli_peak_rss(), buf, sizeof(buf)));
	free(start);
	free(e.pos);
	free(e.keep);
	free(e.rowcount);
	vsel_free(sel);
	db_close(db);
}

/* --compact: every run merged into one, in one transaction. */
static void
compact_db(void)
{
	struct db *db = db_open(opt_db, DB_WRITE);
	struct settings s;
	struct shard_meta m;
	struct runset rs = { 0 };
	struct dbsink sink = { 0 };
	struct shard_writer *w;
	sqlite3_stmt *st;
	int64_t maxid = -1, before = 0;
	uint32_t ndb;
	uint64_t records;
	double t0 = cli_now();

	settings_parse(db, &s);
	m = settings_meta(&s);
	db_begin(db);
	ndb = db_nwords(db);
	st = db_prepare(db, "SELECT coalesce(max(id), -1), count(*) FROM "
	    "shards");
	if (db_step(db, st) == SQLITE_ROW) {
		maxid = sqlite3_column_int64(st, 0);
		before = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	runset_from_db(&rs, db, &m, ndb, maxid);
	if (rs.n == 0 || (rs.n == 1 && rs.dbr[0] != NULL &&
	    strstr(rs.dbr[0]->name, "compacted") != NULL)) {
		int nruns = rs.n;
		runset_free(&rs);
		db_rollback(db);
		cli_info("%s: %lld shards in %d run%s; nothing to compact",
		    opt_db, (long long)before, nruns, nruns == 1 ? "" : "s");
		db_close(db);
		return;
	}
	runset_reduce(&rs, SHARD_FANIN, &m);
	sink.db = db;
	sink.batch = -1;
	sink.level = 1;
	w = shard_writer_new(&m, opt_shard_level, dbsink_put, &sink);
	shard_writer_async(w);
	shard_merge(rs.cur, rs.n, emit_to_writer, w);
	shard_writer_flush(w);
	records = w->records;
	shard_writer_close(w);
	runset_free(&rs);
	if (sink.ins != NULL)
		sqlite3_finalize(sink.ins);
	st = db_prepare(db, "DELETE FROM shards WHERE id <= ?1");
	sqlite3_bind_int64(st, 1, maxid);
	db_step(db, st);
	sqlite3_finalize(st);
	db_commit(db);
	cli_progress_done("%lld shards -> %llu shards, %llu pairs, %.2f s",
	    (long long)before, (unsigned long long)sink.shards,
	    (unsigned long long)records, cli_now() - t0);
	db_close(db);
}

/*
 * The sorter's runs become runs of the database as they are (their blobs
 * copied, not decoded), levels 0, 1, ... of sink->batch, as counting
 * stores a batch's spill runs: export and --compact merge them.  When
 * there are more than BATCH_RUNS, the oldest are merged first, at most
 * SHARD_FANIN at a time.  The sorter is freed.  Returns the records
 * stored (a pair in two runs counts twice).
 */
static uint64_t
sorter_store(struct cmerge_sorter *sorter, const struct shard_meta *m,
    struct db *db, struct dbsink *sink)
{
	uint64_t records = 0;

	cmerge_sorter_flush(sorter);
	if (cli_verbose > 0)
		cli_info("%llu records re-sorted into %d run%s",
		    (unsigned long long)sorter->in, sorter->nruns,
		    sorter->nruns == 1 ? "" : "s");
	while (sorter->nruns > BATCH_RUNS) {
		struct runset rs = { 0 };
		struct shard_tmprun *t = shard_tmprun_new();
		struct shard_writer *w = shard_writer_new(m, opt_shard_level,
		    shard_tmprun_sink, t);
		int k = sorter->nruns - BATCH_RUNS + 1 < SHARD_FANIN ?
		    sorter->nruns - BATCH_RUNS + 1 : SHARD_FANIN;

		for (int i = 0; i < k; i++)
			runset_add_tmp(&rs, sorter->runs[i]);
		shard_merge(rs.cur, rs.n, emit_to_writer, w);
		shard_writer_close(w);
		runset_free(&rs);	/* frees the k runs */
		memmove(sorter->runs, sorter->runs + k,
		    (sorter->nruns - k) * sizeof(*sorter->runs));
		sorter->nruns -= k;
		sorter->runs[sorter->nruns++] = t;
	}
	if (sorter->nruns > 0 && sink->batch < 0)
		cli_die("internal error: counts but no cooc batch to own them");
	sink->db = db;
	for (int i = 0; i < sorter->nruns; i++) {
		sink->level = i;
		shard_tmprun_copy(sorter->runs[i], dbsink_put, sink);
		records += sorter->runs[i]->records;
	}
	cmerge_sorter_free(sorter);
	if (sink->ins != NULL)
		sqlite3_finalize(sink->ins);
	sink->ins = NULL;
	return records;
}

/*
 * Which words a slice paired depended on its own counts when it was
 * counted with --min-count or --max-vocab: a word rare in one slice and
 * frequent in all would be missing, so such counts do not add up to a
 * count of the whole.
 */
static void
settings_additive(const char *v, const char *what)
{
	char buf[64];

	if ((setting_get(v, "min-count", buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "1") != 0) ||
	    (setting_get(v, "max-vocab", buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "0") != 0))
		cli_die("%s was counted with --min-count or --max-vocab "
		    "('%s'): which words it paired depended on its own "
		    "counts, so slices do not add up; count slices without "
		    "them (firth-cooc --export selects words later)", what, v);
}

/*
 * Open (or create) the target of --merge or --import.  A target made by
 * this run goes again if the run fails: it did not exist before, and
 * must not be left behind half made.  target_keep, after the commit,
 * keeps it.
 */
static struct db *
target_open(int tnew, char *cleanup[3])
{
	struct db *db = db_open(opt_db, DB_CREATE);
	size_t l = strlen(opt_db) + 5;

	if (tnew) {
		cleanup[0] = xstrdup(opt_db);
		cleanup[1] = xmalloc(l);
		cleanup[2] = xmalloc(l);
		snprintf(cleanup[1], l, "%s-wal", opt_db);
		snprintf(cleanup[2], l, "%s-shm", opt_db);
		for (int i = 0; i < 3; i++)
			cli_atexit_unlink(cleanup[i]);
	}
	return db;
}

static void
target_keep(char *cleanup[3])
{
	for (int i = 0; i < 3; i++) {
		if (cleanup[i] != NULL)
			cli_atexit_forget(cleanup[i]);
		free(cleanup[i]);
		cleanup[i] = NULL;
	}
}

/*
 * --merge: sum standalone slice databases into the target, in one
 * transaction.  Slices are checked before the target is touched: each a
 * firth database with co-occurrence counts, all counted with the same
 * settings, none sharing a batch with another.  Their batch rows are
 * copied (so a slice merged twice, or counted into the target directly,
 * is recognised by its digests), their words reconciled by bytes
 * (cmerge.h), and each slice's runs merged, renumbered into the target's
 * ids, re-sorted in bounded memory and merged again into one new run of
 * the target, whose shards belong to the first copied cooc batch.
 */
struct slice {
	const char *path;
	struct db *db;
	char **words;
	int64_t *counts;
	uint32_t nw;
	uint32_t *map;		/* [nw] slice id -> target id */
	int64_t docs;		/* documents of its cooc batches */
	int64_t nbatches;
	dev_t dev;
	ino_t ino;
};

/* What a renumbered record needs: the slice's map, the document offset. */
struct remap {
	const uint32_t *map;
	int64_t docoff;
	int canonical, worddoc;
	struct cmerge_sorter *sorter;
};

static void
emit_remap(void *ctx, const struct shard_rec *r)
{
	struct remap *m = ctx;
	struct shard_rec x = *r;
	uint32_t a = m->map[SHARD_W1(r->key)], b;

	if (m->worddoc)
		b = (uint32_t)(SHARD_W2(r->key) + m->docoff);
	else
		b = m->map[SHARD_W2(r->key)];
	if (m->canonical && a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	x.key = SHARD_KEY(a, b);
	cmerge_sorter_add(m->sorter, &x);
}

/* A slice: opened read-only in one read transaction (one snapshot). */
static void
slice_open(struct slice *sl, const char *path, const char *want,
    const char *first)
{
	struct settings s;
	char *v;
	sqlite3_stmt *st;

	sl->path = path;
	sl->db = db_open(path, DB_READ);
	db_exec(sl->db, "BEGIN");
	v = db_meta_get(sl->db, "cooc");
	if (v == NULL)
		cli_die("%s: no co-occurrence counts to merge; count them "
		    "with firth-cooc -d %s FILE first", path, path);
	if (want != NULL && strcmp(v, want) != 0)
		cli_die("%s was counted with '%s', %s with '%s'. Counts with "
		    "other settings do not add up: count every slice with "
		    "the same options", path, v, first, want);
	settings_parse(sl->db, &s);
	settings_additive(v, path);
	free(v);
	db_words_load(sl->db, &sl->words, &sl->counts, &sl->nw);
	if (sl->nw > SHARD_MAX_ID)
		cli_die("%s: %u words; firth-cooc counts at most %u", path,
		    sl->nw, SHARD_MAX_ID);
	sl->docs = docs_before(sl->db);
	st = db_prepare(sl->db, "SELECT count(*) FROM batches");
	if (db_step(sl->db, st) == SQLITE_ROW)
		sl->nbatches = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
}

/* The first batch of slice a that slice b (or the target) also has. */
static int
slice_shared(struct db *a, struct db *b, char *kind, char *digest,
    size_t size)
{
	sqlite3_stmt *st = db_prepare(a, "SELECT kind, digest FROM batches "
	    "ORDER BY id");
	int found = 0;

	while (!found && db_step(a, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		if (k == NULL || d == NULL)
			cli_die("%s: damaged batches table", a->path);
		if (db_batch_find(b, k, d) >= 0) {
			snprintf(kind, size, "%s", k);
			snprintf(digest, size, "%s", d);
			found = 1;
		}
	}
	sqlite3_finalize(st);
	return found;
}

/* Batches of the slice already in the target. */
static int64_t
slice_merged(struct slice *sl, struct db *db)
{
	sqlite3_stmt *st = db_prepare(sl->db, "SELECT kind, digest FROM "
	    "batches");
	int64_t n = 0;

	while (db_step(sl->db, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		if (k != NULL && d != NULL && db_batch_find(db, k, d) >= 0)
			n++;
	}
	sqlite3_finalize(st);
	return n;
}

/*
 * Copy the slice's batch rows; return the target id of its first cooc
 * batch, or -1.  The source says where the batch came through.
 */
static int64_t
slice_copy_batches(struct slice *sl, struct db *db)
{
	sqlite3_stmt *st = db_prepare(sl->db, "SELECT kind, digest, source, "
	    "docs, tokens FROM batches ORDER BY id");
	int64_t first = -1, id;
	char *src = NULL;
	size_t cap = 0, len;

	while (db_step(sl->db, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		const char *s = (const char *)sqlite3_column_text(st, 2);
		if (k == NULL || d == NULL || s == NULL)
			cli_die("%s: damaged batches table", sl->path);
		len = strlen(s) + strlen(sl->path) + 16;
		if (len > cap)
			src = xrealloc(src, cap = len);
		snprintf(src, cap, "%s (via %s)", s, sl->path);
		id = db_batch_add(db, k, d, src, sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 4));
		if (first < 0 && strcmp(k, "cooc") == 0)
			first = id;
	}
	sqlite3_finalize(st);
	free(src);
	return first;
}

static void
slice_close(struct slice *sl)
{
	db_words_free(sl->words, sl->counts, sl->nw);
	free(sl->map);
	sqlite3_exec(sl->db->h, "COMMIT", NULL, NULL, NULL);	/* reads */
	db_close(sl->db);
}

static void
merge_dbs(char **paths, int n)
{
	struct slice *sl = xcalloc(n, sizeof(*sl));
	struct settings s;
	struct shard_meta m;
	struct stat sb;
	struct db *db;
	struct cmerge_vocab *cv;
	struct cmerge_sorter *sorter;
	struct dbsink sink = { 0 };
	char *want, kind[64], digest[128], *cleanup[3] = { 0 };
	int tnew, nmerged = 0;
	int64_t docoff;
	uint32_t added, maxw2;
	uint64_t records = 0, expect = 0;
	double t0 = cli_now();

	/* Every slice a distinct file, none the target. */
	for (int i = 0; i < n; i++) {
		if (stat(paths[i], &sb) != 0)
			cli_die("%s: %s", paths[i], strerror(errno));
		sl[i].dev = sb.st_dev;
		sl[i].ino = sb.st_ino;
		for (int j = 0; j < i; j++)
			if (sl[j].dev == sb.st_dev && sl[j].ino == sb.st_ino)
				cli_die("%s and %s are the same database; "
				    "give each slice once", paths[j],
				    paths[i]);
	}
	tnew = stat(opt_db, &sb) != 0;
	for (int i = 0; !tnew && i < n; i++)
		if (sl[i].dev == sb.st_dev && sl[i].ino == sb.st_ino)
			cli_die("%s is the target; a database cannot be "
			    "merged into itself", paths[i]);
	for (int i = 0; i < n; i++) {
		char *first = i > 0 ? db_meta_get(sl[0].db, "cooc") : NULL;
		slice_open(&sl[i], paths[i], first, paths[0]);
		free(first);
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (slice_shared(sl[i].db, sl[j].db, kind, digest,
			    sizeof(kind) < sizeof(digest) ? sizeof(kind) :
			    sizeof(digest)))
				cli_die("%s and %s both hold the %s batch %s: "
				    "slices must not overlap (each would be "
				    "counted twice)", paths[j], paths[i], kind,
				    digest);
	want = db_meta_get(sl[0].db, "cooc");
	settings_parse(sl[0].db, &s);
	m = settings_meta(&s);

	db = target_open(tnew, cleanup);
	db_begin(db);
	db_settings_check(db, "cooc", want, 0);
	for (int i = 0; i < n; i++) {
		int64_t k = slice_merged(&sl[i], db);
		if (k == sl[i].nbatches && k > 0)
			nmerged++;
		else if (k > 0)
			cli_die("%s: some of its batches are in %s already "
			    "(merged or counted there before): nothing "
			    "changed; merge slices that do not overlap",
			    paths[i], opt_db);
	}
	if (nmerged == n) {
		db_rollback(db);
		cli_info("%s: every slice was merged already; nothing "
		    "changed", opt_db);
		goto out;
	}
	if (nmerged > 0)
		for (int i = 0; i < n; i++)
			if (slice_merged(&sl[i], db) > 0)
				cli_die("%s was merged into %s already: "
				    "nothing changed; leave it out", paths[i],
				    opt_db);

	/* Words: by bytes, new ones numbered by their summed counts. */
	cv = cmerge_vocab_new(db);
	for (int i = 0; i < n; i++) {
		sl[i].map = xreallocarray(NULL, (size_t)sl[i].nw + 1,
		    sizeof(uint32_t));
		for (uint32_t k = 0; k < sl[i].nw; k++)
			sl[i].map[k] = cmerge_vocab_add(cv, sl[i].words[k],
			    strlen(sl[i].words[k]), sl[i].counts[k]);
	}
	if (cmerge_vocab_size(cv) > SHARD_MAX_ID)
		cli_die("%s: the merge would hold %u words; firth-cooc counts "
		    "at most %u", opt_db, cmerge_vocab_size(cv), SHARD_MAX_ID);
	added = cmerge_vocab_finish(cv, db);
	for (int i = 0; i < n; i++)
		for (uint32_t k = 0; k < sl[i].nw; k++)
			sl[i].map[k] = cmerge_vocab_id(cv, sl[i].map[k]);

	/* Batches, and the document numbers of word-document counts. */
	docoff = docs_before(db);
	sink.batch = -1;
	for (int i = 0; i < n; i++) {
		int64_t b = slice_copy_batches(&sl[i], db);
		if (sink.batch < 0)
			sink.batch = b;
	}
	maxw2 = cmerge_vocab_size(cv);
	if (m.flags & SHARD_WORDDOC) {
		int64_t total = docoff;
		for (int i = 0; i < n; i++)
			total += sl[i].docs;
		if (total > SHARD_MAX_ID)
			cli_die("%s: more than %u documents", opt_db,
			    SHARD_MAX_ID);
		maxw2 = (uint32_t)total;
	}

	/* Counts: each slice renumbered into the sorter's runs. */
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = db_prepare(sl[i].db, "SELECT "
		    "coalesce(sum(records), 0) FROM shards");
		if (db_step(sl[i].db, st) == SQLITE_ROW)
			expect += (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sorter = cmerge_sorter_new(&m, opt_mem / 2, cmerge_vocab_size(cv),
	    maxw2, expect);
	sorter->level = opt_shard_level;
	for (int i = 0; i < n; i++) {
		struct runset srs = { 0 };
		struct remap rm = { sl[i].map, docoff,
		    (m.flags & SHARD_CANONICAL) != 0,
		    (m.flags & SHARD_WORDDOC) != 0, sorter };

		runset_from_db(&srs, sl[i].db, &m, sl[i].nw, INT64_MAX);
		runset_reduce(&srs, SHARD_FANIN, &m);
		shard_merge(srs.cur, srs.n, emit_remap, &rm);
		runset_free(&srs);
		docoff += sl[i].docs;
		if (cli_verbose > 0)
			cli_info("%s: %u words, %llu records so far",
			    paths[i], sl[i].nw,
			    (unsigned long long)sorter->in);
	}
	records = sorter_store(sorter, &m, db, &sink);
	cmerge_vocab_free(cv);
	db_commit(db);
	target_keep(cleanup);
	cli_progress_done("merged %d slices into %s: %u new words, %llu "
	    "records in %llu shards, %.2f s, peak %s", n, opt_db, added,
	    (unsigned long long)records, (unsigned long long)sink.shards,
	    cli_now() - t0, cli_fmt_size(cli_peak_rss(), kind, sizeof(kind)));
out:
	for (int i = 0; i < n; i++)
		slice_close(&sl[i]);
	free(sl);
	free(want);
	target_keep(cleanup);
	db_close(db);
}

/*
 * Text records: the counts of a database keyed by words, for a
 * map-reduce job (pipelines/hadoop) or any tool that sorts lines.  One
 * record a line: a key, a tab, a value of unsigned decimal integers
 * joined by spaces.  A sort, or the shuffle of Hadoop Streaming, brings
 * the records of one key together; --reduce sums their values; --import
 * sums whatever it is given (summed or not) into a database.
 *
 *   s SETTINGS<TAB>1            the counting settings (value: databases)
 *   t<TAB>DOCS TOKENS           documents and tokens counted
 *   w WORD<TAB>COUNT            a word and its count
 *   p WORD1 WORD2<TAB>N DSUM H  a pair's exact sums (shard.h); symmetric
 *                               counts once, WORD1 <= WORD2 bytewise
 *
 * Words hold no space, tab or newline: token text splits on them.
 */
#define REC_MAXLINE 4096	/* "p", two words of TOKIN_MAXTOK, sums */

struct dumper {
	char **words;
	int canonical;
};

static void
emit_text(void *ctx, const struct shard_rec *r)
{
	struct dumper *d = ctx;
	const char *a = d->words[SHARD_W1(r->key)];
	const char *b = d->words[SHARD_W2(r->key)];

	if (d->canonical && strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	if (printf("p %s %s\t%llu %llu %llu\n", a, b, (unsigned long long)r->n,
	    (unsigned long long)r->dsum, (unsigned long long)r->h) < 0)
		cli_die("write error on stdout: %s", strerror(errno));
}

/* --dump: the database's settings, totals, words and pairs as records. */
static void
dump_db(void)
{
	struct db *db = db_open(opt_db, DB_READ);
	struct settings s;
	struct shard_meta m;
	struct runset rs = { 0 };
	struct dumper d;
	sqlite3_stmt *st;
	int64_t *counts;
	uint32_t nw;
	char *v;

	db_exec(db, "BEGIN");	/* one snapshot of everything */
	settings_parse(db, &s);
	if (s.context == CTX_WORDDOC)
		cli_die("%s: word-document counts number documents per "
		    "database; text records cannot key them by word", opt_db);
	m = settings_meta(&s);
	v = db_meta_get(db, "cooc");
	printf("s %s\t1\n", v);
	free(v);
	st = db_prepare(db, "SELECT coalesce(sum(docs), 0), "
	    "coalesce(sum(tokens), 0) FROM batches WHERE kind = 'cooc'");
	if (db_step(db, st) == SQLITE_ROW)
		printf("t\t%lld %lld\n", (long long)sqlite3_column_int64(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	db_words_load(db, &d.words, &counts, &nw);
	for (uint32_t i = 0; i < nw; i++)
		if (counts[i] > 0 && printf("w %s\t%lld\n", d.words[i],
		    (long long)counts[i]) < 0)
			cli_die("write error on stdout: %s", strerror(errno));
	d.canonical = (m.flags & SHARD_CANONICAL) != 0;
	runset_from_db(&rs, db, &m, nw, INT64_MAX);
	runset_reduce(&rs, SHARD_FANIN, &m);
	shard_merge(rs.cur, rs.n, emit_text, &d);
	runset_free(&rs);
	db_words_free(d.words, counts, nw);
	db_exec(db, "COMMIT");
	db_close(db);
}

/*
 * Line reader for records: plain or gzip (zlib reads both), a line at
 * most REC_MAXLINE bytes, and a digest of everything read as tokin keeps
 * one (CRC-32, Adler-32, length), so that the same records imported
 * twice are recognised.
 */
struct recin {
	gzFile gz;
	const char *name;
	uint64_t line, bytes;
	uint32_t crc, adler;
	char buf[REC_MAXLINE + 2];
};

/*
 * Standard input spooled for --import's second pass.  cli_tmpfile's file
 * has no name (it is unlinked at once, so a killed run leaves nothing),
 * so the passes read it through its descriptor, rewound.
 */
static const char *import_spool;
static int import_spool_fd = -1;

static void
recin_open(struct recin *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->name = path;
	if (path == import_spool && lseek(import_spool_fd, 0, SEEK_SET) != 0)
		cli_die("%s: cannot rewind: %s", path, strerror(errno));
	r->gz = strcmp(path, "-") == 0 ? gzdopen(dup(0), "rb") :
	    path == import_spool ? gzdopen(dup(import_spool_fd), "rb") :
	    gzopen(path, "rb");
	if (r->gz == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	r->crc = crc32(0, NULL, 0);
	r->adler = adler32(0, NULL, 0);
}

/* The next line without its newline, or NULL at the end. */
static char *
recin_next(struct recin *r, size_t *len)
{
	int err;
	size_t n;

	if (gzgets(r->gz, r->buf, sizeof(r->buf)) == NULL) {
		const char *msg = gzerror(r->gz, &err);
		if (err != Z_OK && err != Z_BUF_ERROR)
			cli_die("%s: %s", r->name, msg);
		if (!gzeof(r->gz))
			cli_die("%s: read error", r->name);
		return NULL;
	}
	r->line++;
	n = strlen(r->buf);
	if (n == 0)
		cli_die("%s: line %llu holds a NUL byte: not text records",
		    r->name, (unsigned long long)r->line);
	if (r->buf[n - 1] != '\n') {
		if (n > REC_MAXLINE)
			cli_die("%s: line %llu is longer than %d bytes: not "
			    "firth text records", r->name,
			    (unsigned long long)r->line, REC_MAXLINE);
		r->buf[n++] = '\n';	/* a last line without its newline */
		r->buf[n] = '\0';
	}
	r->crc = crc32(r->crc, (unsigned char *)r->buf, (uInt)n);
	r->adler = adler32(r->adler, (unsigned char *)r->buf, (uInt)n);
	r->bytes += n;
	r->buf[--n] = '\0';
	*len = n;
	return r->buf;
}

static void
recin_close(struct recin *r)
{
	gzclose(r->gz);
}

/* Up to 3 unsigned decimals joined by single spaces; their count. */
static int
rec_values(const char *p, uint64_t *v, const struct recin *r)
{
	int k = 0;

	for (;;) {
		uint64_t x = 0;
		const char *q = p;
		if (k == 3 || *p < '0' || *p > '9')
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++)
			if (__builtin_mul_overflow(x, 10, &x) ||
			    __builtin_add_overflow(x, (uint64_t)(*p - '0'), &x))
				cli_die("%s: line %llu: %.*s does not fit in 64 "
				    "bits", r->name, (unsigned long long)r->line,
				    (int)(p - q + 1), q);
		v[k++] = x;
		if (*p == '\0')
			return k;
		if (*p++ != ' ')
			goto bad;
	}
bad:
	cli_die("%s: line %llu: not a firth text record (KEY<TAB>numbers)",
	    r->name, (unsigned long long)r->line);
}

/* Split a line at its tab: the key ends there, values follow. */
static char *
rec_split(char *line, const struct recin *r)
{
	char *tab = strchr(line, '\t');

	if (tab == NULL || tab == line)
		cli_die("%s: line %llu: not a firth text record (no "
		    "KEY<TAB>VALUE)", r->name, (unsigned long long)r->line);
	*tab = '\0';
	return tab + 1;
}

/* --reduce: sum the values of adjacent records with the same key. */
static void
reduce_records(char **files, int nfiles)
{
	static char prev[REC_MAXLINE + 2];
	uint64_t sum[3] = { 0 }, v[3];
	int nsum = 0, have = 0;
	uint64_t in = 0, out = 0;
	char *dash = "-";

	if (nfiles == 0) {
		files = &dash;
		nfiles = 1;
	}
	for (int f = 0; f < nfiles; f++) {
		struct recin r;
		char *line, *val;
		size_t len;

		recin_open(&r, files[f]);
		while ((line = recin_next(&r, &len)) != NULL) {
			int k;
			val = rec_split(line, &r);
			k = rec_values(val, v, &r);
			in++;
			if (have && strcmp(line, prev) == 0) {
				if (k != nsum)
					cli_die("%s: line %llu: %d values for "
					    "key '%s', which had %d", r.name,
					    (unsigned long long)r.line, k, line,
					    nsum);
				for (int i = 0; i < k; i++)
					if (__builtin_add_overflow(sum[i], v[i],
					    &sum[i]))
						cli_die("key '%s': the sum "
						    "overflows 64 bits", line);
				continue;
			}
			if (have) {
				printf("%s\t%llu", prev,
				    (unsigned long long)sum[0]);
				for (int i = 1; i < nsum; i++)
					printf(" %llu",
					    (unsigned long long)sum[i]);
				if (putchar('\n') == EOF)
					cli_die("write error on stdout: %s",
					    strerror(errno));
				out++;
			}
			memcpy(prev, line, strlen(line) + 1);
			memcpy(sum, v, sizeof(sum));
			nsum = k;
			have = 1;
		}
		recin_close(&r);
	}
	if (have) {
		printf("%s\t%llu", prev, (unsigned long long)sum[0]);
		for (int i = 1; i < nsum; i++)
			printf(" %llu", (unsigned long long)sum[i]);
		putchar('\n');
		out++;
	}
	cli_progress_done("%llu records in, %llu out", (unsigned long long)in,
	    (unsigned long long)out);
}

/* The word of "w WORD" or the two of "p WORD1 WORD2"; dies on others. */
static void
rec_words(char *key, char **w1, size_t *l1, char **w2, size_t *l2,
    const struct recin *r)
{
	char *sp;

	*w1 = key + 2;
	*w2 = NULL;
	if ((sp = strchr(*w1, ' ')) != NULL) {
		*sp = '\0';
		*w2 = sp + 1;
		if (key[0] != 'p' || **w2 == '\0' || strchr(*w2, ' ') != NULL)
			goto bad;
		*l2 = strlen(*w2);
	} else if (key[0] == 'p')
		goto bad;
	*l1 = strlen(*w1);
	if (*l1 == 0 || *l1 > TOKIN_MAXTOK || (*w2 != NULL &&
	    *l2 > TOKIN_MAXTOK))
		goto bad;
	return;
bad:
	cli_die("%s: line %llu: not a firth text record (a word record is "
	    "'w WORD', a pair 'p WORD1 WORD2')", r->name,
	    (unsigned long long)r->line);
}

/*
 * --import: records into the database, as one batch of each kind whose
 * digest is that of the records.  Pass 1 reads settings, totals and
 * words and numbers the words; pass 2 renumbers the pairs, re-sorts them
 * in bounded memory and stores them as one run.  Standard input is
 * spooled to a temporary file for the second pass.
 */
static void
import_records(char **files, int nfiles)
{
	struct settings s;
	struct shard_meta m;
	struct stat sb;
	struct db *db;
	struct cmerge_vocab *cv;
	struct cmerge_sorter *sorter;
	struct dbsink sink = { 0 };
	struct recin r;
	char *settings = NULL, *line, *val, *w1, *w2, *spool = NULL;
	char *cleanup[3] = { 0 }, digest[TOKIN_DIGEST_LEN], *source, buf[32];
	size_t len, l1, l2, srclen = 2;
	uint64_t v[3], docs = 0, tokens = 0, pairs = 0, bytes = 0, records;
	uint64_t npairs = 0;
	uint32_t crc = crc32(0, NULL, 0), adler = adler32(0, NULL, 0), added;
	int tnew = stat(opt_db, &sb) != 0, havet = 0, k;
	char *dash = "-";
	double t0 = cli_now();

	if (nfiles == 0) {
		files = &dash;
		nfiles = 1;
	}
	for (int f = 0; f < nfiles; f++)
		srclen += strlen(files[f]) + 1;
	source = xcalloc(1, srclen);
	for (int f = 0; f < nfiles; f++) {
		if (f > 0)
			strcat(source, " ");
		strcat(source, files[f]);
		if (strcmp(files[f], "-") == 0) {
			FILE *t;
			if (spool != NULL)
				cli_usage_die("--import reads standard input "
				    "once");
			recin_open(&r, "-");
			t = cli_tmpfile("import", &spool);
			while ((line = recin_next(&r, &len)) != NULL)
				if (fprintf(t, "%s\n", line) < 0)
					cli_die("write error on %s: %s", spool,
					    strerror(errno));
			recin_close(&r);
			if (fflush(t) != 0 || ferror(t))
				cli_die("write error on %s: %s (is $TMPDIR "
				    "full?)", spool, strerror(errno));
			import_spool = files[f] = spool;
			import_spool_fd = fileno(t);
		}
	}
	db = target_open(tnew, cleanup);
	db_begin(db);
	cv = cmerge_vocab_new(db);

	/* Pass 1: settings, totals, words; the digest of everything. */
	for (int f = 0; f < nfiles; f++) {
		recin_open(&r, files[f]);
		while ((line = recin_next(&r, &len)) != NULL) {
			val = rec_split(line, &r);
			if (line[0] == 'p' && line[1] == ' ') {
				npairs++;
				continue;
			}
			if (line[0] == 's' && line[1] == ' ') {
				if (settings == NULL)
					settings = xstrdup(line + 2);
				else if (strcmp(settings, line + 2) != 0)
					cli_die("%s: line %llu: counted with "
					    "'%s', earlier records with '%s'; "
					    "counts with other settings do not "
					    "add up", r.name,
					    (unsigned long long)r.line,
					    line + 2, settings);
				continue;
			}
			k = rec_values(val, v, &r);
			if (line[0] == 't' && line[1] == '\0' && k == 2) {
				if (__builtin_add_overflow(docs, v[0], &docs) ||
				    __builtin_add_overflow(tokens, v[1],
				    &tokens))
					cli_die("%s: line %llu: totals overflow",
					    r.name, (unsigned long long)r.line);
				havet = 1;
				continue;
			}
			if (line[0] != 'w' || line[1] != ' ' || k != 1 ||
			    v[0] == 0 || v[0] > INT64_MAX)
				cli_die("%s: line %llu: not a firth text record "
				    "(s, t, w or p)", r.name,
				    (unsigned long long)r.line);
			rec_words(line, &w1, &l1, &w2, &l2, &r);
			cmerge_vocab_add(cv, w1, l1, (int64_t)v[0]);
		}
		crc = crc32_combine(crc, r.crc, (z_off_t)r.bytes);
		adler = adler32_combine(adler, r.adler, (z_off_t)r.bytes);
		bytes += r.bytes;
		recin_close(&r);
	}
	if (settings == NULL || !havet)
		cli_die("%s: no %s record: not the records of firth-cooc "
		    "--dump (or of its reducer)", source, settings == NULL ?
		    "settings (s)" : "totals (t)");
	snprintf(digest, sizeof(digest), "%08x-%08x-%llx", crc, adler,
	    (unsigned long long)bytes);
	if (db_batch_find(db, "cooc", digest) >= 0) {
		db_rollback(db);
		cli_info("%s: these records were imported already; nothing "
		    "changed", opt_db);
		goto out;
	}
	settings_additive(settings, source);
	db_settings_check(db, "cooc", settings, 0);
	settings_parse(db, &s);
	if (s.context == CTX_WORDDOC)
		cli_die("%s: word-document counts cannot be imported (document "
		    "numbers are per database)", source);
	m = settings_meta(&s);
	if (cmerge_vocab_size(cv) > SHARD_MAX_ID)
		cli_die("%s: %u words; firth-cooc counts at most %u", opt_db,
		    cmerge_vocab_size(cv), SHARD_MAX_ID);
	added = cmerge_vocab_finish(cv, db);
	if (db_batch_find(db, "vocab", digest) < 0)
		db_batch_add(db, "vocab", digest, source, docs, tokens);
	sink.batch = db_batch_add(db, "cooc", digest, source, docs, tokens);

	/* Pass 2: the pairs, renumbered and re-sorted. */
	sorter = cmerge_sorter_new(&m, opt_mem / 2, cmerge_vocab_size(cv),
	    cmerge_vocab_size(cv), npairs);
	sorter->level = opt_shard_level;
	for (int f = 0; f < nfiles; f++) {
		recin_open(&r, files[f]);
		while ((line = recin_next(&r, &len)) != NULL) {
			struct shard_rec x;
			int64_t a, b;

			val = rec_split(line, &r);
			if (line[0] != 'p')
				continue;
			rec_words(line, &w1, &l1, &w2, &l2, &r);
			if (rec_values(val, v, &r) != 3)
				cli_die("%s: line %llu: a pair has 3 values "
				    "(N DSUM H)", r.name,
				    (unsigned long long)r.line);
			a = cmerge_vocab_find(cv, w1, l1);
			b = cmerge_vocab_find(cv, w2, l2);
			if (a < 0 || b < 0 || (a < cv->old->n &&
			    cv->add[a] == 0) || (b < cv->old->n &&
			    cv->add[b] == 0))
				cli_die("%s: line %llu: a pair of a word without "
				    "its w record", r.name,
				    (unsigned long long)r.line);
			/* The sums of n occurrences at distances 1..W. */
			if (v[0] == 0 || v[1] < v[0] || v[1] / m.window >
			    v[0] || (v[1] % m.window != 0 && v[1] / m.window ==
			    v[0]) || v[2] / m.unit > v[0] || (v[2] % m.unit !=
			    0 && v[2] / m.unit == v[0]))
				cli_die("%s: line %llu: sums that %llu "
				    "occurrences within a window of %u cannot "
				    "have", r.name, (unsigned long long)r.line,
				    (unsigned long long)v[0], m.window);
			if ((m.flags & SHARD_CANONICAL) && a > b) {
				int64_t t = a;
				a = b;
				b = t;
			}
			x.key = SHARD_KEY(a, b);
			x.n = v[0];
			x.dsum = v[1];
			x.h = v[2];
			cmerge_sorter_add(sorter, &x);
			pairs++;
		}
		recin_close(&r);
	}
	records = sorter_store(sorter, &m, db, &sink);
	db_commit(db);
	target_keep(cleanup);
	cli_progress_done("imported %llu pair records (%llu pairs), %u new "
	    "words into %s as batch %lld, %.2f s, peak %s",
	    (unsigned long long)pairs, (unsigned long long)records, added,
	    opt_db, (long long)sink.batch, cli_now() - t0,
	    cli_fmt_size(cli_peak_rss(), buf, sizeof(buf)));
out:
	target_keep(cleanup);
	cmerge_vocab_free(cv);
	free(settings);
	free(source);
	db_close(db);
}

int
main(int argc, char **argv)
{
	enum { O_LEFT = 256, O_SYM, O_DOCCAP, O_CAP, O_SHLEVEL, O_COMPACT,
		O_CLOSE, O_MERGE, O_DUMP, O_IMPORT, O_REDUCE };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "left", no_argument, NULL, O_LEFT },
		{ "symmetric", no_argument, NULL, O_SYM },
		{ "weighting", required_argument, NULL, 'x' },
		{ "context", required_argument, NULL, 'c' },
		{ "doc-cap", required_argument, NULL, O_DOCCAP },
		{ "stopwords", required_argument, NULL, 'S' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "max-vocab", required_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'M' },
		{ "force", no_argument, NULL, 'f' },
		{ "export", no_argument, NULL, 'e' },
		{ "cap", required_argument, NULL, O_CAP },
		{ "level", required_argument, NULL, 'l' },
		{ "shard-level", required_argument, NULL, O_SHLEVEL },
		{ "compact", no_argument, NULL, O_COMPACT },
		{ "merge", no_argument, NULL, O_MERGE },
		{ "dump", no_argument, NULL, O_DUMP },
		{ "import", no_argument, NULL, O_IMPORT },
		{ "reduce", no_argument, NULL, O_REDUCE },
		{ "close-gaps", no_argument, NULL, O_CLOSE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, counting_opts = 0;

	cli_init(argc, argv);
	opt_mem = cli_physmem() / 4;
	while ((c = getopt_long(argc, argv, "d:w:x:c:S:m:s:M:fel:qvh",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'w': opt_window = cli_parse_int(optarg, 1,
			    SHARD_MAX_WINDOW, "--window");
			counting_opts = 1; break;
		case O_LEFT: opt_left = 1; counting_opts = 1; break;
		case O_SYM: opt_left = 0; counting_opts = 1; break;
		case 'x': opt_weighting = name_index(weight_names, 3, optarg,
			    "--weighting"); break;
		case 'c': opt_context = name_index(ctx_names, 3, optarg,
			    "--context"); counting_opts = 1; break;
		case O_DOCCAP: opt_doc_cap = cli_parse_int(optarg, 2, 100000,
			    "--doc-cap"); counting_opts = 1; break;
		case 'S': opt_stopfile = optarg; counting_opts = 1; break;
		case 'm': opt_min_count = cli_parse_int(optarg, 1, INT64_MAX,
			    "--min-count"); break;
		case 's': opt_max_vocab = cli_parse_int(optarg, 1,
			    SHARD_MAX_ID, "--max-vocab"); break;
		case 'M': opt_mem = cli_parse_size(optarg, "--memory"); break;
		case 'f': opt_force = 1; break;
		case 'e': opt_export = 1; break;
		case O_CAP: opt_cap = cli_parse_double(optarg, 1e-30, 1e30,
			    "--cap"); break;
		case 'l': opt_level = cli_parse_int(optarg, 0, 9, "--level");
			break;
		case O_SHLEVEL: opt_shard_level = cli_parse_int(optarg, 0, 9,
			    "--shard-level"); break;
		case O_COMPACT: opt_compact = 1; break;
		case O_MERGE: opt_merge = 1; break;
		case O_DUMP: opt_dump = 1; break;
		case O_IMPORT: opt_import = 1; break;
		case O_REDUCE: opt_reduce = 1; break;
		case O_CLOSE: opt_close_gaps = 1; counting_opts = 1; break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (opt_export + opt_compact + opt_merge + opt_dump + opt_import +
	    opt_reduce > 1)
		cli_usage_die("--export, --compact, --merge, --dump, --import "
		    "and --reduce do not go together");
	if ((opt_merge || opt_dump || opt_import || opt_reduce) &&
	    (counting_opts || opt_force || opt_weighting >= 0 ||
	    opt_min_count != 1 || opt_max_vocab != 0))
		cli_usage_die("--%s takes the settings the counts were made "
		    "with; counting and export options do not apply", opt_merge ?
		    "merge" : opt_dump ? "dump" : opt_import ? "import" :
		    "reduce");
	if (opt_reduce) {
		reduce_records(argv + optind, argc - optind);
		cli_fclose(stdout, "stdout");
		return EXIT_OK;
	}
	if (opt_db == NULL)
		cli_usage_die("-d DB is required (the corpus database "
		    "firth-vocab -d DB made)");
	if (opt_mem < (1u << 20))
		cli_usage_die("--memory: at least 1M");
	if (opt_merge && optind == argc)
		cli_usage_die("--merge needs the slice databases to merge "
		    "(firth-cooc -d TARGET --merge A.db B.db ...)");
	if ((opt_export || opt_compact || opt_dump) && optind < argc)
		cli_usage_die("--%s reads no input files (it reads %s)",
		    opt_export ? "export" : opt_dump ? "dump" : "compact",
		    opt_db);
	if ((opt_export || opt_compact) && counting_opts)
		cli_usage_die("--window, --left, --context, --doc-cap, "
		    "--stopwords and --close-gaps are counting options; the "
		    "database's "
		    "settings apply to --%s", opt_export ? "export" :
		    "compact");
	if (!opt_export && opt_cap > 0)
		cli_usage_die("--cap applies to --export");
	if (opt_export)
		export_db();
	else if (opt_compact)
		compact_db();
	else if (opt_merge)
		merge_dbs(argv + optind, argc - optind);
	else if (opt_dump)
		dump_db();
	else if (opt_import)
		import_records(argv + optind, argc - optind);
	else
		count_files(argv + optind, argc - optind);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
