/*
 * shard.c - co-occurrence shard blobs: encode, decode, merge, temporary
 * runs.
 *
 * A shard is one blob in the shards table of a corpus database (or in a
 * temporary run file): a 40-byte header, then the payload, raw or deflated.
 * Every integer in the header is little-endian.
 *
 *   off  size  field
 *     0     4  magic "FSHD" (46 53 48 44)
 *     4     1  version (1)
 *     5     1  sums per record (3: n, dsum, h)
 *     6     1  method: 0 stored, 1 raw deflate
 *     7     1  flags: 1 canonical (symmetric, w1 <= w2), 2 word-document
 *     8     4  unit: h of one occurrence at distance 1
 *    12     4  window: the largest distance counted
 *    16     4  records N, 1 .. 65536
 *    20     4  raw payload length R, at most 40 N
 *    24     4  stored payload length Z (the blob is 40 + Z bytes)
 *    28     4  CRC-32 of the raw payload
 *    32     4  w1 of the first record
 *    36     4  CRC-32 of header bytes 0..35
 *
 * The raw payload is N records in increasing (w1, w2) order, each five
 * unsigned LEB128 varints:
 *
 *   dw1     w1 minus the previous record's w1 (the first: w1 itself)
 *   w2      if dw1 > 0 or first record: w2; else w2 - previous w2 - 1
 *   n - 1   occurrences, at least 1
 *   dsum-n  sum of distances minus n (every distance is at least 1)
 *   h       sum of inc(d); when n is 1, zigzag(h - inc(dsum)) instead,
 *           which is 0 (one byte) for every honest record
 *
 * Example: the pair (3, 7) seen once at distance 2 with window 2
 * (unit 2) is, stored:
 *
 *   46 53 48 44 01 03 00 01  02 00 00 00 02 00 00 00   magic v1 3 sums
 *   01 00 00 00 05 00 00 00  05 00 00 00 <crc raw  >   N=1 R=5 Z=5
 *   03 00 00 00 <crc head >  03 07 00 01 00            w1=3; 3 7 0 1 0
 *
 * A decoder trusts none of it: lengths are bounded before use, varints
 * may not run past the payload or past 64 bits, both CRCs must match, ids
 * stay below 2^28, keys strictly increase, and n <= dsum <= window n,
 * h <= unit n.  The database's checksum column (CRC-32 of the whole blob)
 * is checked by the caller.
 */
#include "shard.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "le.h"
#include "varint.h"

static const unsigned char shard_magic[4] = { 'F', 'S', 'H', 'D' };

static uint64_t
gcd64(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

uint32_t
shard_unit(uint32_t window)
{
	uint64_t l = 1;

	for (uint32_t d = 2; d <= window; d++) {
		l = l / gcd64(l, d) * d;
		if (l > (1u << 28))
			return 1u << 28;
	}
	return (uint32_t)l;
}

uint32_t
shard_inc(uint32_t unit, uint32_t d)
{
	return (uint32_t)(((uint64_t)unit + d / 2) / d);
}

size_t
shard_encode(const struct shard_rec *recs, uint32_t n,
    const struct shard_meta *m, int level, unsigned char **bufp, size_t *capp)
{
	size_t need = SHARD_HEAD + (size_t)n * 40 + 64, rawlen, zlen;
	unsigned char *raw, *p, *out;
	uint32_t pw1 = 0, pw2 = 0, method = 0;

	if (n == 0 || n > SHARD_MAX_RECS)
		cli_die("internal error: shard of %u records", n);
	/* Room for the header, the raw payload, and its deflated copy. */
	need += compressBound(n * 40);
	if (*capp < need) {
		*bufp = xrealloc(*bufp, need);
		*capp = need;
	}
	out = *bufp;
	raw = out + SHARD_HEAD + compressBound(n * 40);
	p = raw;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w1 = SHARD_W1(recs[i].key), w2 = SHARD_W2(recs[i].key);
		const struct shard_rec *r = &recs[i];

		if (r->n == 0 || r->dsum < r->n)
			cli_die("internal error: shard record with n %llu, "
			    "dsum %llu", (unsigned long long)r->n,
			    (unsigned long long)r->dsum);
		p += varint_put64(p, w1 - pw1);
		if (i == 0 || w1 != pw1)
			p += varint_put64(p, w2);
		else
			p += varint_put64(p, w2 - pw2 - 1);
		p += varint_put64(p, r->n - 1);
		p += varint_put64(p, r->dsum - r->n);
		if (r->n == 1 && r->dsum <= m->window) {
			/* One occurrence: h is inc(d), so store the difference. */
			int64_t dh = (int64_t)r->h -
			    (int64_t)shard_inc(m->unit, (uint32_t)r->dsum);
			p += varint_put64(p,
			    (uint64_t)dh << 1 ^ (uint64_t)(dh >> 63));
		} else
			p += varint_put64(p, r->h);
		pw1 = w1;
		pw2 = w2;
	}
	rawlen = p - raw;
	zlen = rawlen;
	if (level > 0) {
		uLongf dl = compressBound(rawlen);
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, level, Z_DEFLATED, -15, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			cli_die("zlib: deflateInit2 failed");
		z.next_in = raw;
		z.avail_in = rawlen;
		z.next_out = out + SHARD_HEAD;
		z.avail_out = dl;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			cli_die("zlib: deflate did not finish a shard");
		if (z.total_out < rawlen) {
			zlen = z.total_out;
			method = 1;
		}
		deflateEnd(&z);
	}
	if (method == 0)
		memmove(out + SHARD_HEAD, raw, rawlen);
	memcpy(out, shard_magic, 4);
	out[4] = SHARD_VERSION;
	out[5] = SHARD_NSUMS;
	out[6] = method;
	out[7] = m->flags;
	put32(out + 8, m->unit);
	put32(out + 12, m->window);
	put32(out + 16, n);
	put32(out + 20, rawlen);
	put32(out + 24, zlen);
	put32(out + 28, crc32(0, raw, rawlen));
	put32(out + 32, SHARD_W1(recs[0].key));
	put32(out + 36, crc32(0, out, 36));
	return SHARD_HEAD + zlen;
}

const char *
shard_decode(const void *blob, size_t len, struct shard_meta *m,
    struct shard_rec *recs, uint32_t *np, unsigned char *scratch)
{
	const unsigned char *b = blob, *raw, *p, *end;
	uint32_t n, rawlen, zlen, w1 = 0, w2 = 0, method, maxid;
	uint64_t v[5];

	if (len < SHARD_HEAD)
		return "blob shorter than a shard header";
	if (memcmp(b, shard_magic, 4) != 0)
		return "not a shard (bad magic)";
	if (get32(b + 36) != crc32(0, b, 36))
		return "header CRC mismatch";
	if (b[4] != SHARD_VERSION)
		return "shard format version is not 1 (a newer firth wrote it?)";
	if (b[5] != SHARD_NSUMS)
		return "unexpected number of sums per record";
	method = b[6];
	m->flags = b[7];
	m->unit = get32(b + 8);
	m->window = get32(b + 12);
	n = get32(b + 16);
	rawlen = get32(b + 20);
	zlen = get32(b + 24);
	if (method > 1 || (m->flags & ~(SHARD_CANONICAL | SHARD_WORDDOC)) ||
	    m->unit == 0 || m->unit > (1u << 28) || m->window == 0 ||
	    m->window > SHARD_MAX_WINDOW)
		return "impossible header fields";
	if (n == 0 || n > SHARD_MAX_RECS || rawlen < 5 * n ||
	    rawlen > 40 * n || (method == 0 && zlen != rawlen) ||
	    (size_t)zlen != len - SHARD_HEAD)
		return "impossible lengths";
	if (method == 0)
		raw = b + SHARD_HEAD;
	else {
		z_stream z;
		int rc;

		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, -15) != Z_OK)
			cli_die("zlib: inflateInit2 failed");
		z.next_in = (unsigned char *)b + SHARD_HEAD;
		z.avail_in = zlen;
		z.next_out = scratch;
		z.avail_out = rawlen;
		rc = inflate(&z, Z_FINISH);
		inflateEnd(&z);
		if (rc != Z_STREAM_END || z.total_out != rawlen ||
		    z.avail_in != 0)
			return "deflate data does not decode";
		raw = scratch;
	}
	if (crc32(0, raw, rawlen) != get32(b + 28))
		return "payload CRC mismatch";
	maxid = SHARD_MAX_ID;
	p = raw;
	end = raw + rawlen;
	for (uint32_t i = 0; i < n; i++) {
		for (int k = 0; k < 5; k++)
			if (!varint_get64(&p, end, &v[k]))
				return "record runs past the payload";
		if (v[0] > maxid || (uint64_t)w1 + v[0] > maxid)
			return "w1 out of range";
		if (i == 0 || v[0] > 0) {
			w1 += (uint32_t)v[0];
			if (v[1] > maxid)
				return "w2 out of range";
			w2 = (uint32_t)v[1];
		} else {
			if (v[1] >= maxid || (uint64_t)w2 + v[1] + 1 > maxid)
				return "w2 out of range (keys not increasing)";
			w2 += (uint32_t)v[1] + 1;
		}
		if (i == 0 && w1 != get32(b + 32))
			return "first w1 does not match the header";
		if ((m->flags & SHARD_CANONICAL) && w1 > w2)
			return "symmetric record with w1 > w2";
		recs[i].key = SHARD_KEY(w1, w2);
		recs[i].n = v[2] + 1;
		if (recs[i].n == 0)
			return "count overflows";
		recs[i].dsum = v[3] + recs[i].n;
		if (recs[i].dsum < recs[i].n ||
		    recs[i].dsum / m->window > recs[i].n ||
		    (recs[i].dsum / m->window == recs[i].n &&
		    recs[i].dsum % m->window != 0))
			return "distance sum outside 1..window per occurrence";
		if (recs[i].n == 1) {
			/* zigzag difference from inc(d), d = dsum (checked) */
			int64_t dh = (int64_t)(v[4] >> 1) ^ -(int64_t)(v[4] & 1);
			int64_t h = (int64_t)shard_inc(m->unit,
			    (uint32_t)recs[i].dsum) + dh;
			if (h < 0)
				return "negative weight sum";
			recs[i].h = (uint64_t)h;
		} else
			recs[i].h = v[4];
		if (recs[i].h / m->unit > recs[i].n)
			return "weight sum larger than the counts allow";
	}
	if (p != end)
		return "bytes left after the last record";
	*np = n;
	return NULL;
}

int
shard_rec_add(struct shard_rec *a, const struct shard_rec *b)
{
	if (__builtin_add_overflow(a->n, b->n, &a->n) ||
	    __builtin_add_overflow(a->dsum, b->dsum, &a->dsum) ||
	    __builtin_add_overflow(a->h, b->h, &a->h))
		return -1;
	return 0;
}

void
shard_cur_init(struct shard_cur *c, uint32_t (*fill)(void *,
    struct shard_rec *), void *ctx, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->fill = fill;
	c->ctx = ctx;
	c->name = name;
	c->buf = xreallocarray(NULL, SHARD_MAX_RECS, sizeof(struct shard_rec));
}

struct cur_ahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct shard_rec *next;	/* [SHARD_MAX_RECS] being filled or ready */
	uint32_t nnext;
	int ready, quit;
};

static void *
ahead_main(void *arg)
{
	struct shard_cur *c = arg;
	struct cur_ahead *a = c->ahead;
	uint32_t n;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->ready && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit)
			break;
		pthread_mutex_unlock(&a->mu);
		n = c->fill(c->ctx, a->next);
		pthread_mutex_lock(&a->mu);
		a->nnext = n;
		a->ready = 1;
		pthread_cond_broadcast(&a->cv);
		if (n == 0)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

void
shard_cur_ahead(struct shard_cur *c)
{
	struct cur_ahead *a = xcalloc(1, sizeof(*a));

	a->next = xreallocarray(NULL, SHARD_MAX_RECS, sizeof(struct shard_rec));
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	c->ahead = a;
	if (pthread_create(&a->th, NULL, ahead_main, c) != 0)
		cli_die("cannot start a reader thread: %s", strerror(errno));
}

/* The thread's next buffer, swapped with ours; how many it holds. */
static uint32_t
ahead_take(struct shard_cur *c)
{
	struct cur_ahead *a = c->ahead;
	struct shard_rec *t;
	uint32_t n;

	pthread_mutex_lock(&a->mu);
	while (!a->ready)
		pthread_cond_wait(&a->cv, &a->mu);
	t = c->buf;
	c->buf = a->next;
	a->next = t;
	n = a->nnext;
	a->ready = 0;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return n;
}

void
shard_cur_free(struct shard_cur *c)
{
	struct cur_ahead *a = c->ahead;

	if (a != NULL) {
		pthread_mutex_lock(&a->mu);
		a->quit = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a->next);
		free(a);
		c->ahead = NULL;
	}
	free(c->buf);
	c->buf = NULL;
}

const struct shard_rec *
shard_cur_peek(struct shard_cur *c)
{
	if (c->pos == c->n) {
		if (c->fill == NULL)
			return NULL;
		c->n = c->ahead != NULL ? ahead_take(c) :
		    c->fill(c->ctx, c->buf);
		c->pos = 0;
		if (c->n == 0) {
			c->fill = NULL;
			return NULL;
		}
		/* Blobs of one run must follow each other in key order. */
		if (c->started && c->buf[0].key <= c->last)
			cli_die("%s: shards out of order or overlapping "
			    "(damaged database?)", c->name);
		c->started = 1;
		c->last = c->buf[c->n - 1].key;
	}
	return &c->buf[c->pos];
}

void
shard_cur_advance(struct shard_cur *c)
{
	c->pos++;
}

/*
 * Binary min-heap of cursors keyed by their current key; the key is kept
 * in the entry so that sifting does not chase cursor pointers.
 */
struct hent {
	uint64_t key;
	struct shard_cur *c;
};

static void
heap_down(struct hent *heap, int n, int i)
{
	struct hent e = heap[i];

	for (;;) {
		int l = 2 * i + 1, m;
		if (l >= n)
			break;
		m = l + 1 < n && heap[l + 1].key < heap[l].key ? l + 1 : l;
		if (heap[m].key >= e.key)
			break;
		heap[i] = heap[m];
		i = m;
	}
	heap[i] = e;
}

void
shard_merge(struct shard_cur **cur, int k, shard_emit_fn emit, void *ctx)
{
	struct hent heap[SHARD_FANIN];
	struct shard_rec acc = { 0, 0, 0, 0 };
	const struct shard_rec *r;
	int n = 0, have = 0;

	if (k > SHARD_FANIN)
		cli_die("internal error: merge of %d runs (fan-in %d)", k,
		    SHARD_FANIN);
	for (int i = 0; i < k; i++)
		if ((r = shard_cur_peek(cur[i])) != NULL) {
			heap[n].key = r->key;
			heap[n++].c = cur[i];
		}
	for (int i = n / 2 - 1; i >= 0; i--)
		heap_down(heap, n, i);
	while (n > 0) {
		struct shard_cur *c = heap[0].c;

		r = &c->buf[c->pos];
		if (have && r->key == acc.key) {
			if (shard_rec_add(&acc, r) != 0)
				cli_die("co-occurrence sums overflow 64 bits "
				    "for pair (%u, %u)", SHARD_W1(r->key),
				    SHARD_W2(r->key));
		} else {
			if (have)
				emit(ctx, &acc);
			acc = *r;
			have = 1;
		}
		shard_cur_advance(c);
		if ((r = shard_cur_peek(c)) == NULL)
			heap[0] = heap[--n];
		else
			heap[0].key = r->key;
		heap_down(heap, n, 0);
	}
	if (have)
		emit(ctx, &acc);
}

struct shard_writer *
shard_writer_new(const struct shard_meta *m, int level, shard_sink_fn sink,
    void *ctx)
{
	struct shard_writer *w = xcalloc(1, sizeof(*w));

	w->meta = *m;
	w->level = level;
	w->sink = sink;
	w->ctx = ctx;
	w->buf = xreallocarray(NULL, SHARD_MAX_RECS, sizeof(struct shard_rec));
	return w;
}

struct writer_thread {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct shard_rec *job;	/* a full buffer being written, or NULL */
	uint32_t njob;
	struct shard_rec *spare;	/* the buffer the thread gave back */
	int quit;
};

static void
writer_emit(struct shard_writer *w, const struct shard_rec *recs, uint32_t n)
{
	size_t len = shard_encode(recs, n, &w->meta, w->level, &w->blob,
	    &w->blobcap);

	w->sink(w->ctx, w->blob, len, n, SHARD_W1(recs[0].key),
	    SHARD_W1(recs[n - 1].key));
	w->bytes += len;
}

static void *
writer_main(void *arg)
{
	struct shard_writer *w = arg;
	struct writer_thread *t = w->thr;

	pthread_mutex_lock(&t->mu);
	for (;;) {
		while (t->job == NULL && !t->quit)
			pthread_cond_wait(&t->cv, &t->mu);
		if (t->job == NULL)
			break;
		pthread_mutex_unlock(&t->mu);
		writer_emit(w, t->job, t->njob);
		pthread_mutex_lock(&t->mu);
		t->spare = t->job;
		t->job = NULL;
		pthread_cond_broadcast(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

void
shard_writer_async(struct shard_writer *w)
{
	struct writer_thread *t = xcalloc(1, sizeof(*t));

	t->spare = xreallocarray(NULL, SHARD_MAX_RECS,
	    sizeof(struct shard_rec));
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	w->thr = t;
	if (pthread_create(&t->th, NULL, writer_main, w) != 0)
		cli_die("cannot start a writer thread: %s", strerror(errno));
	w->async = 1;
}

/* Wait until the thread has written everything handed to it. */
static void
writer_drain(struct shard_writer *w)
{
	struct writer_thread *t = w->thr;

	pthread_mutex_lock(&t->mu);
	while (t->job != NULL)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
}

static void
writer_handoff(struct shard_writer *w)
{
	struct writer_thread *t = w->thr;
	struct shard_rec *full;

	if (w->n == 0)
		return;
	w->records += w->n;
	if (!w->async) {
		writer_emit(w, w->buf, w->n);
		w->n = 0;
		return;
	}
	full = w->buf;
	pthread_mutex_lock(&t->mu);
	while (t->job != NULL)
		pthread_cond_wait(&t->cv, &t->mu);
	t->job = full;
	t->njob = w->n;
	w->buf = t->spare;
	t->spare = NULL;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	w->n = 0;
}

void
shard_writer_flush(struct shard_writer *w)
{
	writer_handoff(w);
	if (w->async)
		writer_drain(w);
}

void
shard_writer_add(struct shard_writer *w, const struct shard_rec *r)
{
	if (w->started && r->key <= w->last)
		cli_die("internal error: shard records out of order");
	w->started = 1;
	w->last = r->key;
	w->buf[w->n++] = *r;
	if (w->n == SHARD_MAX_RECS)
		writer_handoff(w);
}

void
shard_writer_close(struct shard_writer *w)
{
	struct writer_thread *t = w->thr;

	shard_writer_flush(w);
	if (w->async) {
		writer_drain(w);
		pthread_mutex_lock(&t->mu);
		t->quit = 1;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		pthread_join(t->th, NULL);
		free(t->spare);
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->cv);
		free(t);
	}
	free(w->buf);
	free(w->blob);
	free(w);
}

struct shard_tmprun *
shard_tmprun_new(void)
{
	struct shard_tmprun *t = xcalloc(1, sizeof(*t));

	t->f = cli_tmpfile("cooc", &t->path);
	return t;
}

void
shard_tmprun_sink(void *ctx, const unsigned char *blob, size_t len,
    uint32_t nrecs, uint32_t first_w1, uint32_t last_w1)
{
	struct shard_tmprun *t = ctx;
	unsigned char l[4];

	put32(l, (uint32_t)len);
	if (t->blobs == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 64;
		t->rows = xreallocarray(t->rows, t->caprows, 3 * sizeof(uint32_t));
	}
	t->rows[3 * t->blobs] = nrecs;
	t->rows[3 * t->blobs + 1] = first_w1;
	t->rows[3 * t->blobs + 2] = last_w1;
	if (fwrite(l, 1, 4, t->f) != 4 || fwrite(blob, 1, len, t->f) != len)
		cli_die("write error on %s: %s (is $TMPDIR full?)", t->path,
		    strerror(errno));
	t->records += nrecs;
	t->blobs++;
}

void
shard_tmprun_rewind(struct shard_tmprun *t)
{
	if (fflush(t->f) != 0 || fseek(t->f, 0, SEEK_SET) != 0)
		cli_die("write error on %s: %s (is $TMPDIR full?)", t->path,
		    strerror(errno));
	if (t->blob == NULL) {
		t->blob = xmalloc(SHARD_MAX_BLOB);
		t->scratch = xmalloc(SHARD_MAX_RAW);
	}
}

uint32_t
shard_tmprun_fill(void *ctx, struct shard_rec *buf)
{
	struct shard_tmprun *t = ctx;
	unsigned char l[4];
	const char *err;
	uint32_t len, n;
	size_t got = fread(l, 1, 4, t->f);

	if (got == 0 && feof(t->f))
		return 0;
	if (got != 4 || (len = get32(l)) > SHARD_MAX_BLOB ||
	    fread(t->blob, 1, len, t->f) != len)
		cli_die("%s: temporary run truncated or unreadable", t->path);
	if ((err = shard_decode(t->blob, len, &t->meta, buf, &n,
	    t->scratch)) != NULL)
		cli_die("%s: damaged temporary run: %s", t->path, err);
	return n;
}

void
shard_tmprun_copy(struct shard_tmprun *t, shard_sink_fn sink, void *ctx)
{
	unsigned char l[4];
	uint32_t len;

	shard_tmprun_rewind(t);
	for (uint64_t i = 0; i < t->blobs; i++) {
		if (fread(l, 1, 4, t->f) != 4 ||
		    (len = get32(l)) > SHARD_MAX_BLOB ||
		    fread(t->blob, 1, len, t->f) != len)
			cli_die("%s: temporary run truncated or unreadable",
			    t->path);
		sink(ctx, t->blob, len, t->rows[3 * i], t->rows[3 * i + 1],
		    t->rows[3 * i + 2]);
	}
}

void
shard_tmprun_free(struct shard_tmprun *t)
{
	if (t == NULL)
		return;
	fclose(t->f);
	cli_tmp_remove(t->path);
	free(t->path);
	free(t->blob);
	free(t->scratch);
	free(t->rows);
	free(t);
}
