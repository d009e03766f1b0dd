/*
 * test_shard.c - unit tests for lib/shard.c and lib/cooc_sort.c (TAP).
 *
 * Round trips of the blob format, a decoder that rejects every damaged
 * byte and every truncation, the k-way merge against a brute-force sum,
 * and the radix sort against qsort.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "cooc_sort.h"
#include "shard.h"

static int ntest, nfail;

static void
ok(int cond, const char *what)
{
	ntest++;
	if (!cond)
		nfail++;
	printf("%sok %d - %s\n", cond ? "" : "not ", ntest, what);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n records with increasing keys and consistent sums for window w. */
static void
make_recs(struct shard_rec *r, uint32_t n, uint32_t window, uint32_t unit)
{
	uint32_t w1 = rnd() % 5, w2 = rnd() % 7;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t cnt = 1 + rnd() % (i % 10 == 0 ? 100000 : 3);
		if (rnd() % 4 == 0) {
			w1 += 1 + rnd() % 3;
			w2 = rnd() % 50;
		} else
			w2 += 1 + rnd() % 1000;
		r[i].key = SHARD_KEY(w1, w2);
		r[i].n = cnt;
		r[i].dsum = cnt + rnd() % (cnt * (window - 1) + 1);
		r[i].h = rnd() % (cnt * unit + 1);
	}
}

static int
same_recs(const struct shard_rec *a, const struct shard_rec *b, uint32_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

static void
test_roundtrip(void)
{
	struct shard_meta m = { 0, shard_unit(15), 15 }, m2;
	struct shard_rec *r = xcalloc(SHARD_MAX_RECS, sizeof(*r));
	struct shard_rec *d = xcalloc(SHARD_MAX_RECS, sizeof(*d));
	unsigned char *buf = NULL, *scratch = xmalloc(SHARD_MAX_RAW);
	size_t cap = 0, len;
	uint32_t n = 0;
	const char *err;
	int good = 1;

	for (int level = 0; level <= 1; level++) {
		uint32_t sizes[] = { 1, 2, 1000, SHARD_MAX_RECS };
		for (int k = 0; k < 4; k++) {
			make_recs(r, sizes[k], 15, m.unit);
			len = shard_encode(r, sizes[k], &m, level, &buf, &cap);
			err = shard_decode(buf, len, &m2, d, &n, scratch);
			if (err != NULL || n != sizes[k] ||
			    !same_recs(r, d, n) || m2.unit != m.unit ||
			    m2.window != 15 || m2.flags != 0)
				good = 0;
		}
		ok(good, level ? "deflated shards decode to what was encoded" :
		    "stored shards decode to what was encoded");
	}
	free(r);
	free(d);
	free(buf);
	free(scratch);
}

/* The worked example at the top of shard.c, byte for byte. */
static void
test_example(void)
{
	struct shard_meta m = { SHARD_CANONICAL, 2, 2 };
	struct shard_rec r = { SHARD_KEY(3, 7), 1, 2, 1 };
	unsigned char *buf = NULL;
	size_t cap = 0, len = shard_encode(&r, 1, &m, 0, &buf, &cap);
	static const unsigned char want[] = {
		'F', 'S', 'H', 'D', 1, 3, 0, 1, 2, 0, 0, 0, 2, 0, 0, 0,
		1, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0,
	};

	ok(len == SHARD_HEAD + 5 && memcmp(buf, want, sizeof(want)) == 0 &&
	    memcmp(buf + 32, "\3\0\0\0", 4) == 0 &&
	    memcmp(buf + SHARD_HEAD, "\x03\x07\x00\x01\x00", 5) == 0,
	    "the documented example encodes as documented");
	free(buf);
}

static void
test_damage(void)
{
	struct shard_meta m = { SHARD_CANONICAL, shard_unit(5), 5 }, m2;
	struct shard_rec r[200], d[SHARD_MAX_RECS];
	unsigned char *buf = NULL, *copy, *scratch = xmalloc(SHARD_MAX_RAW);
	size_t cap = 0, len;
	uint32_t n;
	int caught;

	for (int level = 0; level <= 1; level++) {
		make_recs(r, 200, 5, m.unit);
		for (int i = 0; i < 200; i++)	/* canonical: w1 <= w2 */
			r[i].key = SHARD_KEY(SHARD_W1(r[i].key),
			    SHARD_W1(r[i].key) + SHARD_W2(r[i].key));
		len = shard_encode(r, 200, &m, level, &buf, &cap);
		copy = xmalloc(len);
		caught = 1;
		/* Every bit of every byte flipped, one at a time. */
		for (size_t i = 0; i < len; i++)
			for (int bit = 0; bit < 8; bit++) {
				memcpy(copy, buf, len);
				copy[i] ^= 1u << bit;
				/*
				 * Only the unused padding bits at the end of
				 * a deflate stream may change nothing, and
				 * then the records must be the same.
				 */
				if (shard_decode(copy, len, &m2, d, &n,
				    scratch) == NULL && !(level == 1 &&
				    i == len - 1 && n == 200 &&
				    same_recs(r, d, 200)))
					caught = 0;
			}
		ok(caught, level ? "every flipped bit of a deflated shard is "
		    "an error" : "every flipped bit of a stored shard is an "
		    "error");
		caught = 1;
		for (size_t l = 0; l < len; l++)
			if (shard_decode(buf, l, &m2, d, &n, scratch) == NULL)
				caught = 0;
		ok(caught, level ? "every truncation of a deflated shard is "
		    "an error" : "every truncation of a stored shard is an "
		    "error");
		free(copy);
	}
	/* A header whose CRC is right but whose lengths are absurd. */
	len = shard_encode(r, 200, &m, 0, &buf, &cap);
	buf[16] = 0xff;
	buf[17] = 0xff;
	buf[18] = 0xff;
	buf[19] = 0x7f;
	{
		uint32_t c = crc32(0, buf, 36);
		for (int i = 0; i < 4; i++)
			buf[36 + i] = (c >> (8 * i)) & 0xff;
	}
	ok(shard_decode(buf, len, &m2, d, &n, scratch) != NULL,
	    "a re-checksummed header with 2^31 records is refused");
	free(buf);
	free(scratch);
}

/* An in-memory run for the merge test. */
struct arr {
	struct shard_rec *r;
	uint32_t n, pos;
};

static uint32_t
arr_fill(void *ctx, struct shard_rec *buf)
{
	struct arr *a = ctx;
	uint32_t k = 0;

	/* Small fills, so the cursors cross many refills. */
	while (a->pos < a->n && k < 7)
		buf[k++] = a->r[a->pos++];
	return k;
}

struct sum {
	struct shard_rec *r;
	uint32_t n;
	int ordered;
};

static void
collect(void *ctx, const struct shard_rec *r)
{
	struct sum *s = ctx;

	if (s->n > 0 && r->key <= s->r[s->n - 1].key)
		s->ordered = 0;
	s->r[s->n++] = *r;
}

static void
test_merge(void)
{
	enum { K = SHARD_FANIN, N = 300, KEYS = 500 };
	static struct shard_rec runs[K][N], out[K * N];
	static uint64_t want_n[KEYS], want_h[KEYS];
	struct arr a[K];
	struct shard_cur cur[K], *cp[K];
	struct sum s = { out, 0, 1 };
	int good = 1;
	uint32_t expect = 0;

	for (int k = 0; k < K; k++) {
		uint32_t key = 0;
		a[k].r = runs[k];
		a[k].pos = 0;
		a[k].n = 0;
		for (int i = 0; i < N; i++) {
			key += 1 + rnd() % 3;
			if (key >= KEYS)
				break;
			runs[k][i].key = SHARD_KEY(key / 50, key % 50);
			runs[k][i].n = 1 + rnd() % 9;
			runs[k][i].dsum = runs[k][i].n * 2;
			runs[k][i].h = rnd() % 1000;
			want_n[key] += runs[k][i].n;
			want_h[key] += runs[k][i].h;
			a[k].n++;
		}
		shard_cur_init(&cur[k], arr_fill, &a[k], "test run");
		cp[k] = &cur[k];
	}
	shard_merge(cp, K, collect, &s);
	for (int key = 0; key < KEYS; key++) {
		if (want_n[key] == 0)
			continue;
		if (expect >= s.n ||
		    out[expect].key != SHARD_KEY(key / 50, key % 50) ||
		    out[expect].n != want_n[key] ||
		    out[expect].dsum != 2 * want_n[key] ||
		    out[expect].h != want_h[key])
			good = 0;
		expect++;
	}
	ok(good && expect == s.n && s.ordered,
	    "a 16-way merge sums every key once, in order");
	for (int k = 0; k < K; k++)
		shard_cur_free(&cur[k]);
}

static void
test_sort(void)
{
	size_t n = 200000;
	uint64_t *a = xmalloc(n * 8), *b = xmalloc(n * 8), *t = xmalloc(n * 8);
	const int fields[2][2] = { { 8, 8 + 17 }, { 36, 36 + 17 } };
	uint64_t *s;
	int good = 1;

	for (size_t i = 0; i < n; i++) {
		uint64_t w1 = rnd() % 100000, w2 = rnd() % (i % 3 ? 50 : 100000);
		a[i] = b[i] = w1 << 36 | w2 << 8 | (rnd() % 15 + 1);
	}
	s = cooc_sort(a, t, n, fields, 2);
	cooc_sort_ref(b, n, fields, 2);
	for (size_t i = 0; i < n; i++)
		if (s[i] >> 8 != b[i] >> 8)
			good = 0;
	ok(good, "radix sort orders occurrences as qsort does");
	free(a);
	free(b);
	free(t);
}

static void
test_unit(void)
{
	ok(shard_unit(1) == 1 && shard_unit(15) == 360360 &&
	    shard_unit(22) == 232792560 && shard_unit(23) == (1u << 28),
	    "units are lcm(1..W) while they fit in 28 bits");
	ok(shard_inc(360360, 7) * 7 == 360360 &&
	    shard_inc(1u << 28, 23) == 11671107,
	    "inc(d) is exact for lcm units and rounded otherwise");
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_unit();
	test_example();
	test_roundtrip();
	test_damage();
	test_merge();
	test_sort();
	printf("1..%d\n", ntest);
	return nfail != 0;
}
