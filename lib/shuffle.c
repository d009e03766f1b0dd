/*
 * shuffle.c - out-of-core uniform shuffle (see shuffle.h for the idea).
 *
 * Why the merge is uniform: each spilled chunk of n_i records is already
 * a uniform permutation of its records.  Drawing the next output record
 * from chunk i with probability r_i / R (r_i records left in chunk i, R in
 * all) gives a particular interleaving of the chunks probability
 * n_1! n_2! ... n_k! / N!, the same for every interleaving.  A uniform
 * interleaving of uniform permutations is a uniform permutation of all N.
 * (Picking chunks with equal probability, or round robin, is not.)
 *
 * The temporary file holds every spilled chunk, one after the other, so
 * the merge needs one open file however many chunks there are.  A chunk is
 * a run of blocks, each a small head and whole records:
 *
 *   off  size  field
 *     0     4  L, bytes of records that follow (u32, little-endian)
 *     4     4  CRC-32 of those L bytes
 *     8     L  records, in the chunk's shuffled order
 *
 * Blocks carry about SPILL_BLOCK bytes; a variable record larger than that
 * gets a block of its own.  The CRC catches a temporary file damaged
 * under us (a full disk silently truncated, a cleaner in $TMPDIR).
 */
#include "shuffle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "le.h"
#include "rng.h"

#define SPILL_BLOCK (64u << 10)	/* record bytes per spill block */
#define OUT_BLOCK (1u << 20)	/* record bytes handed to emit at once */
#define READ_MAX (1u << 20)	/* largest read buffer of one chunk */
#define BLOCK_HEAD 8

/* A spilled chunk: bytes [off, end) of the temporary file. */
struct span {
	uint64_t off, end;
	uint64_t nrecs;
};

/* One chunk being merged: spilled (buf) or the last one, in memory. */
struct source {
	uint64_t left;		/* records not yet taken */
	int inmem;
	size_t next;		/* inmem: index of the next record */
	uint64_t pos, end;	/* spilled: file bytes not yet read */
	unsigned char *buf;
	size_t cap;		/* bytes allocated */
	size_t have;		/* bytes in buf */
	size_t at;		/* next unread byte in buf */
	size_t blkend;		/* end of the verified block in buf */
};

struct shuffle {
	struct shuffle_opts o;
	struct rng rng;
	struct shuffle_stats st;

	/* The chunk being filled: n records in arena[0..len). */
	unsigned char *arena;
	size_t len, cap, capmax;
	size_t n;
	uint64_t *index;	/* [n] variable records: offsets in arena */
	size_t icap;

	FILE *tmp;
	char *tmppath;
	uint64_t tmpend;	/* bytes written to tmp */
	size_t maxblock;	/* largest block written, head excluded */
	struct span *spans;
	size_t nspans, spancap;
	unsigned char *blk;	/* variable records: a block being packed */
	size_t blkcap;

	unsigned char *out;	/* records on their way to emit */
	size_t outlen, outcap;
};

/* Bytes of the record at p, of which avail are there; 0 if it overruns. */
static size_t
rec_size(const struct shuffle *s, const unsigned char *p, size_t avail)
{
	size_t sz;

	if (s->o.recsize > 0)
		sz = s->o.recsize;
	else if (avail < 2)
		return 0;
	else
		sz = 2 + ((size_t)p[0] | (size_t)p[1] << 8) + s->o.tail;
	return sz <= avail ? sz : 0;
}

struct shuffle *
shuffle_new(const struct shuffle_opts *o)
{
	struct shuffle *s = xcalloc(1, sizeof(*s));
	size_t first;

	s->o = *o;
	rng_seed(&s->rng, o->seed);
	/* A chunk holds at least one record whatever the limit. */
	if (o->mem > SIZE_MAX / 2)
		s->capmax = SIZE_MAX / 2;
	else
		s->capmax = o->mem;
	if (o->recsize > 0) {
		s->capmax -= s->capmax % o->recsize;
		if (s->capmax < o->recsize)
			s->capmax = o->recsize;
	}
	/* Start small, or at the expected size when the input says it. */
	first = o->hint > 0 ? (o->hint < s->capmax ? o->hint : s->capmax) :
	    (s->capmax < OUT_BLOCK ? s->capmax : OUT_BLOCK);
	s->cap = first > 0 ? first : 1;
	s->arena = xmalloc(s->cap);
	return s;
}

/* Room for need more arena bytes (and an index slot), growing by doubling. */
static void
arena_reserve(struct shuffle *s, size_t need)
{
	size_t cap = s->cap;

	if (s->len + need > cap) {
		while (s->len + need > cap)
			cap = cap > SIZE_MAX / 2 ? s->len + need : cap * 2;
		if (s->o.recsize > 0 && cap > s->capmax && s->len + need <=
		    s->capmax)
			cap = s->capmax;
		s->arena = xrealloc(s->arena, cap);
		s->cap = cap;
	}
	if (s->o.recsize == 0 && s->n == s->icap) {
		s->icap = s->icap ? s->icap * 2 : 1024;
		s->index = xreallocarray(s->index, s->icap, sizeof(uint64_t));
	}
}

/*
 * Fisher-Yates: for i = n down to 2, swap element i-1 with element
 * rng_below(i).  On a chunk larger than the caches every swap is a cache
 * miss, so the draws are made FY_AHEAD steps early (in the same order, so
 * the permutation is the same) and the far element is prefetched; the
 * misses then overlap instead of queueing.  fy_plain is the reference.
 */
#define FY_AHEAD 16		/* power of two */

static void
fy_plain(struct rng *r, unsigned char *a, size_t n, size_t rs,
    unsigned char *tmp)
{
	for (size_t i = n; i > 1; i--) {
		unsigned char *p = a + (i - 1) * rs;
		unsigned char *q = a + rng_below(r, i) * rs;
		memcpy(tmp, p, rs);
		memcpy(p, q, rs);
		memcpy(q, tmp, rs);
	}
}

/* Records of a constant size rs; 12 (cooc) gets its own loop. */
static void
fy_fixed(struct rng *r, unsigned char *a, size_t n, size_t rs)
{
	unsigned char tmp[64], *t = rs <= sizeof(tmp) ? tmp : xmalloc(rs);
	size_t ahead[FY_AHEAD], i;

	if (n <= FY_AHEAD * 4 || rs != 12) {
		fy_plain(r, a, n, rs, t);
		if (t != tmp)
			free(t);
		return;
	}
	/* ahead[i % FY_AHEAD] holds the draw for step i. */
	for (i = n; i > n - FY_AHEAD; i--) {
		ahead[i % FY_AHEAD] = rng_below(r, i);
		__builtin_prefetch(a + ahead[i % FY_AHEAD] * 12, 1);
	}
	for (i = n; i > 1; i--) {
		unsigned char *p = a + (i - 1) * 12;
		unsigned char *q = a + ahead[i % FY_AHEAD] * 12;
		if (i > FY_AHEAD + 1) {
			size_t k = i - FY_AHEAD, j = rng_below(r, k);
			ahead[k % FY_AHEAD] = j;
			__builtin_prefetch(a + j * 12, 1);
		}
		memcpy(tmp, p, 12);
		memcpy(p, q, 12);
		memcpy(q, tmp, 12);
	}
}

/* The offsets of variable records (small arrays, no prefetching). */
static void
fy_index(struct rng *r, uint64_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(r, i);
		uint64_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

static void
chunk_shuffle(struct shuffle *s)
{
	if (s->o.recsize > 0)
		fy_fixed(&s->rng, s->arena, s->n, s->o.recsize);
	else
		fy_index(&s->rng, s->index, s->n);
}

/* Record i of the in-memory chunk, in its current order; size in *sz. */
static const unsigned char *
chunk_rec(const struct shuffle *s, size_t i, size_t *sz)
{
	const unsigned char *p;

	if (s->o.recsize > 0) {
		*sz = s->o.recsize;
		return s->arena + i * s->o.recsize;
	}
	p = s->arena + s->index[i];
	*sz = rec_size(s, p, s->len - s->index[i]);
	return p;
}

static void
block_write(struct shuffle *s, const unsigned char *p, size_t len)
{
	unsigned char head[BLOCK_HEAD];

	if (len > UINT32_MAX)
		cli_die("internal error: a %zu-byte spill block", len);
	put32(head, len);
	put32(head + 4, crc32(0, p, len));
	if (fwrite(head, 1, BLOCK_HEAD, s->tmp) != BLOCK_HEAD ||
	    fwrite(p, 1, len, s->tmp) != len)
		cli_die("write error on temporary file %s: %s (set TMPDIR to "
		    "a file system with more room, or raise -M)", s->tmppath,
		    strerror(errno));
	s->tmpend += BLOCK_HEAD + len;
	s->st.spilled += BLOCK_HEAD + len;
	if (len > s->maxblock)
		s->maxblock = len;
}

/* Shuffle the full chunk, append it to the temporary file, empty it. */
static void
chunk_spill(struct shuffle *s)
{
	struct span sp;
	size_t rs = s->o.recsize, sz, packed = 0;

	if (s->tmp == NULL)
		s->tmp = cli_tmpfile("shuffle", &s->tmppath);
	chunk_shuffle(s);
	sp.off = s->tmpend;
	sp.nrecs = s->n;
	if (rs > 0) {
		/* Records already lie in shuffled order: write slices. */
		size_t per = SPILL_BLOCK / rs > 0 ? SPILL_BLOCK / rs : 1;
		for (size_t i = 0; i < s->n; i += per) {
			size_t k = s->n - i < per ? s->n - i : per;
			block_write(s, s->arena + i * rs, k * rs);
		}
	} else {
		for (size_t i = 0; i < s->n; i++) {
			const unsigned char *p = chunk_rec(s, i, &sz);
			if (packed > 0 && packed + sz > SPILL_BLOCK) {
				block_write(s, s->blk, packed);
				packed = 0;
			}
			if (packed + sz > s->blkcap) {
				s->blkcap = packed + sz > SPILL_BLOCK ?
				    packed + sz : SPILL_BLOCK;
				s->blk = xrealloc(s->blk, s->blkcap);
			}
			memcpy(s->blk + packed, p, sz);
			packed += sz;
		}
		if (packed > 0)
			block_write(s, s->blk, packed);
	}
	sp.end = s->tmpend;
	if (s->nspans == s->spancap) {
		s->spancap = s->spancap ? s->spancap * 2 : 16;
		s->spans = xreallocarray(s->spans, s->spancap, sizeof(*s->spans));
	}
	s->spans[s->nspans++] = sp;
	s->st.chunks = s->nspans;
	s->len = 0;
	s->n = 0;
}

void
shuffle_add(struct shuffle *s, const void *recs, size_t nbytes)
{
	const unsigned char *p = recs;
	size_t rs = s->o.recsize, sz, k;

	if (rs > 0) {
		if (nbytes % rs != 0)
			cli_die("internal error: %zu bytes are not whole "
			    "%zu-byte records", nbytes, rs);
		while (nbytes > 0) {
			if (s->len == s->capmax)
				chunk_spill(s);
			k = (s->capmax - s->len) / rs;
			if (k > nbytes / rs)
				k = nbytes / rs;
			arena_reserve(s, k * rs);
			memcpy(s->arena + s->len, p, k * rs);
			s->len += k * rs;
			s->n += k;
			s->st.records += k;
			s->st.bytes += k * rs;
			p += k * rs;
			nbytes -= k * rs;
		}
		return;
	}
	while (nbytes > 0) {
		if ((sz = rec_size(s, p, nbytes)) == 0)
			cli_die("internal error: a record runs past the %zu "
			    "bytes added", nbytes);
		/* The index costs 8 bytes a record and counts against mem. */
		if (s->n > 0 && s->len + sz + 8 * (s->n + 1) > s->capmax)
			chunk_spill(s);
		arena_reserve(s, sz);
		memcpy(s->arena + s->len, p, sz);
		s->index[s->n++] = s->len;
		s->len += sz;
		s->st.records++;
		s->st.bytes += sz;
		p += sz;
		nbytes -= sz;
	}
}

static void
out_flush(struct shuffle *s, shuffle_emit_fn *emit, void *arg, size_t nrecs)
{
	if (s->outlen > 0)
		emit(arg, s->out, s->outlen, nrecs);
	s->outlen = 0;
}

/* Append one record to the output buffer; *pending counts its records. */
static void
out_put(struct shuffle *s, const unsigned char *p, size_t sz,
    shuffle_emit_fn *emit, void *arg, size_t *pending)
{
	if (s->outlen + sz > s->outcap) {
		out_flush(s, emit, arg, *pending);
		*pending = 0;
		if (sz > s->outcap) {
			s->outcap = sz > OUT_BLOCK ? sz : OUT_BLOCK;
			s->out = xrealloc(s->out, s->outcap);
		}
	}
	memcpy(s->out + s->outlen, p, sz);
	s->outlen += sz;
	(*pending)++;
}

/* Everything fit in one chunk: shuffle it and hand it out. */
static void
finish_memory(struct shuffle *s, shuffle_emit_fn *emit, void *arg)
{
	size_t rs = s->o.recsize, sz, pending = 0;

	chunk_shuffle(s);
	if (rs > 0) {
		size_t per = OUT_BLOCK / rs > 0 ? OUT_BLOCK / rs : 1;
		for (size_t i = 0; i < s->n; i += per) {
			size_t k = s->n - i < per ? s->n - i : per;
			emit(arg, s->arena + i * rs, k * rs, k);
		}
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const unsigned char *p = chunk_rec(s, i, &sz);
		out_put(s, p, sz, emit, arg, &pending);
	}
	out_flush(s, emit, arg, pending);
}

static void __attribute__((noreturn))
spill_corrupt(const struct shuffle *s, const char *why)
{
	cli_die("temporary file %s is damaged (%s): was it changed or "
	    "truncated while firth-shuffle ran?", s->tmppath, why);
}

/* Make at least need bytes from c->at available in c->buf. */
static void
source_fill(const struct shuffle *s, struct source *c, size_t need)
{
	int fd = fileno(s->tmp);
	size_t want;
	ssize_t got;

	if (c->have - c->at >= need)
		return;
	memmove(c->buf, c->buf + c->at, c->have - c->at);
	c->have -= c->at;
	c->at = c->blkend = 0;
	if (need > c->cap) {
		c->cap = need;
		c->buf = xrealloc(c->buf, c->cap);
	}
	while (c->have < need) {
		want = c->cap - c->have;
		if (want > c->end - c->pos)
			want = c->end - c->pos;
		if (want == 0)
			spill_corrupt(s, "a block runs past its chunk");
		got = pread(fd, c->buf + c->have, want, c->pos);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			cli_die("read error on temporary file %s: %s",
			    s->tmppath, strerror(errno));
		if (got == 0)
			spill_corrupt(s, "shorter than written");
		c->have += got;
		c->pos += got;
	}
}

/* The next record of chunk c, its size in *sz. */
static const unsigned char *
source_next(const struct shuffle *s, struct source *c, size_t *sz)
{
	const unsigned char *p;
	uint32_t len;

	c->left--;
	if (c->inmem)
		return chunk_rec(s, c->next++, sz);
	if (c->at == c->blkend) {
		source_fill(s, c, BLOCK_HEAD);
		len = get32(c->buf + c->at);
		if (len == 0 || len > s->maxblock)
			spill_corrupt(s, "impossible block length");
		source_fill(s, c, BLOCK_HEAD + len);
		if (crc32(0, c->buf + c->at + BLOCK_HEAD, len) !=
		    get32(c->buf + c->at + 4))
			spill_corrupt(s, "CRC mismatch");
		c->at += BLOCK_HEAD;
		c->blkend = c->at + len;
	}
	p = c->buf + c->at;
	if ((*sz = rec_size(s, p, c->blkend - c->at)) == 0)
		spill_corrupt(s, "a record runs past its block");
	c->at += *sz;
	return p;
}

/*
 * Fenwick tree over the k chunks' remaining record counts, so drawing the
 * chunk of the next record costs O(log k).  t is 1-based, t[0] unused.
 */
static void
fenwick_add(uint64_t *t, size_t k, size_t i, int64_t d)
{
	for (i++; i <= k; i += i & -i)
		t[i] += d;
}

/* The chunk i whose records cover draw u: prefix(i) <= u < prefix(i+1). */
static size_t
fenwick_find(const uint64_t *t, size_t k, uint64_t u)
{
	size_t pos = 0, step = 1;

	while (step * 2 <= k)
		step *= 2;
	for (; step > 0; step /= 2)
		if (pos + step <= k && t[pos + step] <= u) {
			pos += step;
			u -= t[pos];
		}
	return pos;
}

static void
finish_merge(struct shuffle *s, shuffle_emit_fn *emit, void *arg)
{
	size_t k = s->nspans + (s->n > 0), rbuf, sz, pending = 0;
	struct source *src = xcalloc(k, sizeof(*src));
	uint64_t *tree = xcalloc(k + 1, sizeof(uint64_t)), total = 0;

	if (fflush(s->tmp) != 0)
		cli_die("write error on temporary file %s: %s", s->tmppath,
		    strerror(errno));
	/* Read buffers share a quarter of the limit, within sane bounds. */
	rbuf = s->o.mem / 4 / k;
	if (rbuf > READ_MAX)
		rbuf = READ_MAX;
	if (rbuf < BLOCK_HEAD + s->maxblock)
		rbuf = BLOCK_HEAD + s->maxblock;
	for (size_t i = 0; i < s->nspans; i++) {
		src[i].left = s->spans[i].nrecs;
		src[i].pos = s->spans[i].off;
		src[i].end = s->spans[i].end;
		src[i].cap = rbuf;
		src[i].buf = xmalloc(rbuf);
	}
	if (s->n > 0) {
		/* The last chunk stays where it is, shuffled in place. */
		chunk_shuffle(s);
		src[k - 1].inmem = 1;
		src[k - 1].left = s->n;
	}
	for (size_t i = 0; i < k; i++) {
		fenwick_add(tree, k, i, src[i].left);
		total += src[i].left;
	}
	s->outcap = OUT_BLOCK;
	s->out = xmalloc(s->outcap);
	for (; total > 0; total--) {
		size_t i = fenwick_find(tree, k, rng_below(&s->rng, total));
		const unsigned char *p;

		fenwick_add(tree, k, i, -1);
		p = source_next(s, &src[i], &sz);
		out_put(s, p, sz, emit, arg, &pending);
	}
	out_flush(s, emit, arg, pending);
	for (size_t i = 0; i < k; i++) {
		if (src[i].left != 0 || (!src[i].inmem && (src[i].pos !=
		    src[i].end || src[i].at != src[i].have)))
			spill_corrupt(s, "records left over after the merge");
		free(src[i].buf);
	}
	free(src);
	free(tree);
}

void
shuffle_finish(struct shuffle *s, shuffle_emit_fn *emit, void *arg)
{
	if (s->nspans == 0)
		finish_memory(s, emit, arg);
	else
		finish_merge(s, emit, arg);
}

const struct shuffle_stats *
shuffle_stats(const struct shuffle *s)
{
	return &s->st;
}

void
shuffle_free(struct shuffle *s)
{
	if (s == NULL)
		return;
	if (s->tmp != NULL) {
		fclose(s->tmp);
		cli_tmp_remove(s->tmppath);
		free(s->tmppath);
	}
	free(s->arena);
	free(s->index);
	free(s->spans);
	free(s->blk);
	free(s->out);
	free(s);
}
