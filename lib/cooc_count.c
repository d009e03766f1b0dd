/*
 * cooc_count.c - firth-cooc's counting engine (cooc_count.h): the reader
 * thread (token text to database ids), the dense table, the spill thread
 * and the window and document pairing loops, and the store of a counted
 * batch as sorted runs.
 *
 * The dense table holds, for rows a (database ids) with lim[a] > 0, the
 * cells of columns [a, lim[a]) when symmetric (pairs stored once, a <= b)
 * or [0, lim[a]) when not; lim[a] = P / (a + 1), so a pair is dense when
 * the product of its ids is small: both words frequent, or one very.
 * A cell is 16 bytes (struct cell); a cell whose dsum nears 2^31 moves to
 * the overflow list.  The rest go to the occurrence buffer as 64-bit
 * words w1 << 36 | w2 << 8 | d.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "cooc_count.h"
#include "cooc_sort.h"
#include "db.h"
#include "tokin.h"
#include "vocab.h"

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
	struct cooc_counter *c = arg;
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
spill_one(struct cooc_spiller *sp, uint64_t *occ, size_t n)
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
	struct cooc_spiller *sp = arg;
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
counter_handoff(struct cooc_counter *c)
{
	struct cooc_spiller *sp = &c->sp;

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
cell_overflow(struct cooc_counter *c, uint32_t a, uint32_t b, struct cell *x)
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
packed_overflow(struct cooc_counter *c, uint32_t a, uint32_t b, uint64_t *x)
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
count_pair(struct cooc_counter *c, uint32_t a, uint32_t b, uint32_t d)
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
uint64_t
cooc_input_pairs(char **files, int nfiles, int window)
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

/* Packed cells when the fields fit with PACK_ROOM bits to spare. */
static void
counter_pack(struct cooc_counter *c, const struct shard_meta *m)
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

/* The spill sort's key fields: w2 then w1, only the bits ids can use. */
static void
counter_fields(struct cooc_counter *c, uint32_t ndb, int worddoc)
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

void
cooc_counter_init(struct cooc_counter *c, uint32_t ndb, const struct shard_meta *m,
    int sym, int worddoc, uint64_t mem, uint64_t maxpairs, int shard_level)
{
	uint64_t lo = 0, hi = (uint64_t)ndb * ndb + 1, cells, off = 0;
	size_t occbytes;

	memset(c, 0, sizeof(*c));
	c->ndb = ndb;
	c->sym = sym;
	for (uint32_t d = 1; d <= m->window; d++)
		c->inc[d] = shard_inc(m->unit, d);
	counter_pack(c, m);
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
	c->sp.level = shard_level;
	c->sp.inc = c->inc;
	counter_fields(c, ndb, worddoc);
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
counter_finish_spills(struct cooc_counter *c)
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
	struct cooc_counter *c;
	uint32_t a, b;
};

static uint32_t
dense_fill(void *ctx, struct shard_rec *buf)
{
	struct densecur *dc = ctx;
	struct cooc_counter *c = dc->c;
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


void
cooc_wtab_load(struct cooc_wtab *t, struct db *db)
{
	uint64_t size = 1024;

	db_words_load(db, &t->words, &t->counts, &t->n);
	while (size < (uint64_t)t->n * 2)
		size *= 2;
	t->mask = size - 1;
	t->slot = xcalloc(size, sizeof(struct cooc_wslot));
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

int64_t
cooc_wtab_find(const struct cooc_wtab *t, const char *w, size_t len)
{
	uint64_t h = vocab_hash(w, len), j = h & t->mask;
	const struct cooc_wslot *s;

	for (; (s = &t->slot[j])->word != NULL; j = (j + 1) & t->mask)
		if (s->hash == h && s->len == len &&
		    memcmp(s->word, w, len) == 0)
			return s->id;
	return -1;
}

void
cooc_wtab_free(struct cooc_wtab *t)
{
	db_words_free(t->words, t->counts, t->n);
	free(t->slot);
}

/* The words of a stopword file, as a flag per database id. */
void
cooc_stopwords_load(const char *path, const struct cooc_wtab *dbv, unsigned char *stop,
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
			int64_t id = cooc_wtab_find(dbv, word, len);
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
struct cooc_idreader {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tokin *in;
	const struct cooc_wtab *dbv;
	const unsigned char *use;	/* [ndb] 1 counted, 0 OOV, 2 stop */
	int close_gaps;		/* drop OOV words instead of keeping places */
	uint32_t *chunk[2];
	size_t len[2];
	int ready[2], last[2];	/* last: the final chunk of the input */
	int cur;		/* chunk the counter reads next */
	int held;		/* the counter holds chunk cur */
	struct cooc_countstats st;
	double t0;
};

static void *
idreader_main(void *arg)
{
	struct cooc_idreader *r = arg;
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
			id = cooc_wtab_find(r->dbv, tok, len);
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
idreader_start(struct cooc_idreader *r, struct tokin *in, const struct cooc_wtab *dbv,
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
idreader_next(struct cooc_idreader *r, size_t *n)
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
idreader_finish(struct cooc_idreader *r, struct cooc_countstats *st)
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
prefetch_pairs(const struct cooc_counter *c, uint32_t a, uint32_t prev,
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
count_windows(struct cooc_counter *c, struct cooc_idreader *rd, int window)
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
count_docs(struct cooc_counter *c, struct cooc_idreader *rd, int cap, int worddoc,
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
 * most COOC_BATCH_RUNS runs, so that one batch's export merges them in
 * one round: when more spills were made, the oldest are merged first.
 */

void
cooc_counter_store(struct cooc_counter *c, const struct shard_meta *m, int level,
    struct cooc_sink *sink, uint64_t *records, uint64_t *bytes)
{
	struct densecur dc = { c, 0, 0 };
	struct memrun mr = { c->ovf, c->novf, 0 };
	struct shard_cur cur[2], *pc[2];
	struct shard_writer *w;
	int k = 0, keep = c->ncells > 0 || c->novf > 0 ? COOC_BATCH_RUNS - 1 :
	    COOC_BATCH_RUNS;

	*records = *bytes = 0;
	cooc_tmpruns_shrink(c->sp.runs, &c->sp.nruns, keep, SHARD_FANIN, m,
	    level, "spill runs");
	sink->level = 0;
	for (int i = 0; i < c->sp.nruns; i++, sink->level++) {
		struct shard_tmprun *t = c->sp.runs[i];
		shard_tmprun_copy(t, cooc_sink_put, sink);
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
	w = shard_writer_new(m, level, cooc_sink_put, sink);
	shard_writer_async(w);
	shard_merge(pc, k, cooc_emit_to_writer, w);
	shard_writer_flush(w);
	*records += w->records;
	*bytes += w->bytes;
	shard_writer_close(w);
	for (int i = 0; i < k; i++)
		shard_cur_free(&cur[i]);
}


void
cooc_count_input(struct cooc_counter *c, struct tokin *in,
    const struct cooc_wtab *dbv, const unsigned char *use,
    const struct cooc_countopts *o, struct cooc_countstats *st)
{
	struct cooc_idreader rd;

	idreader_start(&rd, in, dbv, use, o->close_gaps);
	if (o->context == COOC_WINDOW)
		count_windows(c, &rd, o->window);
	else
		count_docs(c, &rd, o->doc_cap, o->context == COOC_WORDDOC,
		    o->doc0);
	idreader_finish(&rd, st);
	counter_finish_spills(c);
}

void
cooc_counter_free(struct cooc_counter *c)
{
	for (int i = 0; i < c->sp.nruns; i++)
		shard_tmprun_free(c->sp.runs[i]);
	free(c->sp.runs);
	big_free(c->dense, c->ncells * c->cellsize);
	free(c->lim);
	free(c->base);
	free(c->ovf);
}
