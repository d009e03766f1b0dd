/*
 * cooc_export.c - firth-cooc --export (cooc_export.h).  Pass 1 merges
 * every run and counts the records of each output row (and keeps the
 * selected pairs in memory when they fit in a third of -M).  Rows are
 * then cut into ranges whose records fit in half of -M; each range is
 * filled by a counting sort on the row (from memory, or by merging
 * again), rows a refresh left unsorted are sorted, and written.
 *
 * Every pass must see the same records, or the counts of pass 1 would
 * not size the buffers of the others: the export reads the database in
 * one read transaction (one WAL snapshot) from its first read to its
 * last, however many batches writers commit meanwhile, and the filling
 * checks every row against the count it was sized for all the same.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cooc_export.h"
#include "cooc_runs.h"
#include "db.h"
#include "shard.h"
#include "stream.h"
#include "vocab.h"

struct exporter {
	const struct shard_meta *m;
	const int64_t *rank;	/* [ndb] database id -> rank, or -1 */
	const char *path;	/* the database, for messages */
	struct cooc_runs runs;	/* every run, ready to merge in -M */
	int weighting, canonical, worddoc;
	double cap;
	uint64_t *rowcount;	/* [V] records in each output row */
	struct cooc_rec *keep;	/* pass 1: selected pairs, or NULL */
	size_t nkeep, capkeep, maxkeep;
	/* range being filled */
	uint32_t lo, hi;
	uint64_t *pos;		/* [V] next slot of each row in range */
	struct cooc_rec *out;	/* [nout] the range's records */
	uint64_t nout;
	uint64_t npairs;	/* canonical pairs merged */
};

static float
export_value(const struct exporter *e, const struct shard_rec *r)
{
	double x;

	switch (e->weighting) {
	case COOC_HARMONIC:
		x = (double)r->h / e->m->unit;
		break;
	case COOC_LINEAR:
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

static void __attribute__((noreturn))
export_changed(const struct exporter *e, uint32_t row)
{
	cli_die("%s: row %u does not hold the pairs the first pass counted "
	    "(did the database change under the export?); the output is "
	    "incomplete: run the export again", e->path, row);
}

/*
 * One record into its row's next slot.  A row that gets more records
 * than pass 1 counted runs into the next row's slots, and is caught when
 * the range is checked row by row (export_range); here only the end of
 * the buffer is checked, which costs no load of another array.
 */
static inline void
export_put(struct exporter *e, uint32_t r1, uint32_t r2, float x)
{
	struct cooc_rec *o;

	if (e->pos[r1] >= e->nout)
		export_changed(e, r1);
	o = &e->out[e->pos[r1]++];
	o->w1 = r1;
	o->w2 = r2;
	o->x = x;
}

static void
export_place(struct exporter *e, uint32_t r1, uint32_t r2, float x)
{
	if (r1 >= e->lo && r1 < e->hi)
		export_put(e, r1, r2, x);
	if (e->canonical && r1 != r2 && r2 >= e->lo && r2 < e->hi)
		export_put(e, r2, r1, x);
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

/*
 * Test hook, for tests/cooc.bats and tests/hard/snapshot.bats only: with
 * FIRTH_TEST_EXPORT_PAUSE=FILE in the environment, the export creates
 * FILE after its first pass and waits (at most 60 s) until FILE is
 * removed, so that a test can commit a batch exactly between two passes.
 */
static void
export_test_pause(void)
{
	const char *path = getenv("FIRTH_TEST_EXPORT_PAUSE");
	FILE *f;

	if (path == NULL || *path == '\0')
		return;
	if ((f = fopen(path, "w")) == NULL || fclose(f) != 0)
		cli_die("FIRTH_TEST_EXPORT_PAUSE: cannot create %s", path);
	for (int i = 0; i < 6000 && access(path, F_OK) == 0; i++)
		usleep(10000);
}

/* Fill rows [lo, hi) of n records, sort what is unsorted, write them. */
static void
export_range(struct exporter *e, uint64_t *start, uint64_t n,
    struct stream_writer *w, int *passes)
{
	e->out = xreallocarray(NULL, n ? n : 1, sizeof(struct cooc_rec));
	e->nout = n;
	for (uint64_t r = e->lo, p = 0; r < e->hi; r++) {
		start[r] = e->pos[r] = p;
		p += e->rowcount[r];
	}
	if (e->keep != NULL) {
		for (size_t i = 0; i < e->nkeep; i++)
			export_place(e, e->keep[i].w1, e->keep[i].w2,
			    e->keep[i].x);
	} else {
		cooc_runs_merge(&e->runs, export_fill, e);
		(*passes)++;
	}
	for (uint32_t r = e->lo; r < e->hi; r++)
		if (e->pos[r] != start[r] + e->rowcount[r])
			export_changed(e, r);
	/* Rows come out sorted unless a refresh reordered ranks. */
	for (uint32_t r = e->lo; r < e->hi; r++) {
		struct cooc_rec *row = e->out + start[r];
		for (uint64_t i = 1; i < e->rowcount[r]; i++)
			if (row[i].w2 <= row[i - 1].w2) {
				qsort(row, e->rowcount[r], sizeof(*row),
				    cmp_w2);
				break;
			}
	}
	stream_write(w, e->out, n);
	free(e->out);
	e->out = NULL;
}

/* Pass 1 over the runs: e->rowcount, and the pairs if they fit. */
static uint64_t
export_pass1(struct exporter *e, const struct vsel *sel, uint64_t mem)
{
	uint64_t total = 0;

	e->rank = sel->rank;
	e->rowcount = xcalloc((size_t)sel->n + 1, sizeof(uint64_t));
	e->maxkeep = mem / 3 / sizeof(struct cooc_rec);
	e->keep = xmalloc(sizeof(struct cooc_rec));
	cooc_runs_merge(&e->runs, export_count, e);
	for (uint32_t r = 0; r < sel->n; r++)
		total += e->rowcount[r];
	return total;
}

void
cooc_export(struct db *db, const struct cooc_export_opts *o)
{
	struct cooc_settings s;
	struct shard_meta m;
	struct vsel *sel;
	struct exporter e = { 0 };
	struct stream_header h = { .kind = STREAM_COOC };
	struct stream_writer *w;
	uint64_t total, budget, *start;
	uint32_t V;
	int passes = 1;
	double t0 = cli_now();
	char buf[32];

	db_exec(db, "BEGIN");	/* one snapshot for every pass */
	cooc_settings_parse(db, &s);
	m = cooc_settings_meta(&s);
	e.weighting = o->weighting >= 0 ? o->weighting : s.weighting;
	if (s.context != COOC_WINDOW && e.weighting != COOC_FLAT)
		cli_usage_die("%s holds %s counts, which are flat; --weighting "
		    "%s applies to window contexts", db->path,
		    cooc_ctx_names[s.context], cooc_weight_names[e.weighting]);
	e.m = &m;
	e.path = db->path;
	e.canonical = (m.flags & SHARD_CANONICAL) != 0;
	e.worddoc = (m.flags & SHARD_WORDDOC) != 0;
	e.cap = o->cap;
	sel = vsel_from_db(db, o->min_count, o->max_vocab);
	V = sel->n;
	cooc_runs_open(&e.runs, db, &m, sel->ndb, INT64_MAX,
	    cooc_fanin(o->mem));
	total = export_pass1(&e, sel, o->mem);
	export_test_pause();

	h.nwords = V;
	h.count = total;
	if (e.worddoc)
		strcpy(h.layout, "w1:u32 doc:u32 x:f32");
	w = stream_wopen(stdout, "stdout", &h, sel->words, o->level);
	budget = o->mem / 2 / sizeof(struct cooc_rec);
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
		export_range(&e, start, n, w, &passes);
		lo = hi;
	}
	cooc_runs_close(&e.runs);
	db_exec(db, "COMMIT");	/* the end of the read transaction */
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
}
