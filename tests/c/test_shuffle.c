/*
 * test_shuffle.c - TAP tests for lib/rng and lib/shuffle: reference values
 * of the generator, the in-memory path against a plain Fisher-Yates twin,
 * and chi-square tests that the out-of-core path (tiny memory limits, so
 * several chunks are spilled and merged) gives uniform permutations.
 *
 * Every test uses fixed seeds, so it is deterministic: a correct shuffle
 * passes, and a shuffle with the bias tested for fails, every run.  The
 * significance level is 0.001 for every chi-square test; the critical
 * values come from the Wilson-Hilferty approximation (within 0.5% of the
 * exact quantile for the 49..119 degrees of freedom used here).  A control
 * test shows the statistic rejects an unweighted merge (the chunk of the
 * next record chosen with equal probability, not by records left).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rng.h"
#include "shuffle.h"
#include "tap.h"

#define Z_001 3.090232	/* standard normal quantile at 1 - 0.001 */

/* Upper alpha quantile of chi-square with df degrees (Wilson-Hilferty). */
static double
chi2_crit(double df, double z)
{
	double a = 2.0 / (9.0 * df);
	double c = 1.0 - a + z * sqrt(a);

	return df * c * c * c;
}

static double
chi2_stat(const long *obs, size_t cells, double expect)
{
	double x = 0;

	for (size_t i = 0; i < cells; i++)
		x += (obs[i] - expect) * (obs[i] - expect) / expect;
	return x;
}

/* Collects emitted records: fixed 12-byte records or any records. */
struct sink {
	unsigned char *buf;
	size_t len, cap, nrecs;
};

static void
sink_emit(void *arg, const unsigned char *recs, size_t nbytes, size_t nrecs)
{
	struct sink *k = arg;

	if (k->len + nbytes > k->cap) {
		k->cap = (k->len + nbytes) * 2;
		k->buf = xrealloc(k->buf, k->cap);
	}
	memcpy(k->buf + k->len, recs, nbytes);
	k->len += nbytes;
	k->nrecs += nrecs;
}

/* 12-byte records whose first u32 is their input position. */
static void
make_recs(uint32_t *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		recs[3 * i] = i;
		recs[3 * i + 1] = 1000 + i;
		recs[3 * i + 2] = 7;
	}
}

/* Shuffle n numbered records under mem bytes; out[j] = input at j. */
static int
shuffle_positions(size_t n, uint64_t mem, uint64_t seed, uint32_t *out,
    uint32_t *chunks)
{
	uint32_t *recs = xmalloc(n * 12);
	struct shuffle_opts o = { .mem = mem, .recsize = 12, .seed = seed };
	struct shuffle *s = shuffle_new(&o);
	struct sink k = { 0 };
	int good;

	make_recs(recs, n);
	/* Add in two pieces, as a reader hands over frames. */
	shuffle_add(s, recs, n / 2 * 12);
	shuffle_add(s, recs + 3 * (n / 2), (n - n / 2) * 12);
	shuffle_finish(s, sink_emit, &k);
	if (chunks != NULL)
		*chunks = shuffle_stats(s)->chunks;
	good = k.nrecs == n && k.len == n * 12;
	for (size_t j = 0; good && j < n; j++) {
		uint32_t r[3];
		memcpy(r, k.buf + 12 * j, 12);
		good = r[0] < n && r[1] == 1000 + r[0] && r[2] == 7;
		out[j] = r[0];
	}
	shuffle_free(s);
	free(k.buf);
	free(recs);
	return good;
}

/* Rank of a permutation of 0..n-1 in 0..n!-1 (Lehmer code). */
static size_t
perm_rank(const uint32_t *p, size_t n)
{
	size_t r = 0;

	for (size_t i = 0; i < n; i++) {
		size_t smaller = 0;
		for (size_t j = i + 1; j < n; j++)
			smaller += p[j] < p[i];
		r = r * (n - i) + smaller;
	}
	return r;
}

static void
test_rng(void)
{
	uint64_t st = 0, a, b, c;
	struct rng r = { { 1, 2, 3, 4 } }, r2;
	long counts[7] = { 0 };
	int inrange = 1;

	/* splitmix64 from 0, and xoshiro256** from {1,2,3,4}: the
	 * published reference outputs (checked against an independent
	 * Python implementation). */
	a = rng_splitmix64(&st);
	b = rng_splitmix64(&st);
	c = rng_splitmix64(&st);
	ok(a == 0xe220a8397b1dcdafULL && b == 0x6e789e6aa1b965f4ULL &&
	    c == 0x06c45d188009454fULL, "splitmix64 matches its reference");
	a = rng_next(&r);
	b = rng_next(&r);
	c = rng_next(&r);
	ok(a == 11520 && b == 0 && c == 1509978240 &&
	    rng_next(&r) == 1215971899390074240ULL,
	    "xoshiro256** matches its reference");
	rng_seed(&r, 42);
	ok(rng_next(&r) == 0x15780b2e0c2ec716ULL,
	    "rng_seed(42) gives the reference first draw");
	rng_seed(&r, 42);
	r2 = r;
	rng_jump(&r2);
	ok(memcmp(&r, &r2, sizeof(r)) != 0 && rng_next(&r) != rng_next(&r2),
	    "rng_jump moves to another sequence");
	rng_seed(&r, 9);
	for (int i = 0; i < 70000; i++) {
		uint64_t v = rng_below(&r, 7);
		double u = rng_uniform(&r);
		inrange &= v < 7 && u >= 0 && u < 1;
		counts[v < 7 ? v : 0]++;
	}
	ok(inrange && rng_below(&r, 1) == 0,
	    "rng_below and rng_uniform stay in range");
	/* df 6: critical value 22.458 at 0.001 (table). */
	ok(chi2_stat(counts, 7, 10000) < 22.458,
	    "rng_below(7) is uniform (chi-square %.2f < 22.46, df 6)",
	    chi2_stat(counts, 7, 10000));
}

static void
test_memory_twin(void)
{
	size_t n = 100003;
	uint32_t *got = xmalloc(n * 4), *want = xmalloc(n * 4), chunks = 9;
	struct rng r;
	int good;

	good = shuffle_positions(n, 1 << 24, 77, got, &chunks);
	/* The plain reference: Fisher-Yates on positions, same generator. */
	for (size_t i = 0; i < n; i++)
		want[i] = i;
	rng_seed(&r, 77);
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(&r, i);
		uint32_t t = want[i - 1];
		want[i - 1] = want[j];
		want[j] = t;
	}
	ok(good && chunks == 0 && memcmp(got, want, n * 4) == 0,
	    "in memory, the shuffle equals a plain Fisher-Yates twin");
	free(got);
	free(want);
}

static void
test_multiset(void)
{
	size_t n = 10000;
	uint32_t *got = xmalloc(n * 4), chunks = 0;
	char *seen = xcalloc(n, 1);
	int good, perm = 1, moved = 0;

	good = shuffle_positions(n, 12 * 700, 5, got, &chunks);
	for (size_t j = 0; good && j < n; j++) {
		perm &= !seen[got[j]];
		seen[got[j]] = 1;
		moved += got[j] != j;
	}
	ok(good && perm && chunks == 14 && moved > n / 2,
	    "spilled in %u chunks, the output is the input reordered", chunks);
	free(got);
	free(seen);
}

/* Permutation frequencies of n=5 records in chunks of 2, 2 and 1. */
static void
test_permutations(void)
{
	enum { N = 5, CELLS = 120, TRIALS = 12000 };
	long obs[CELLS] = { 0 };
	uint32_t out[N], chunks = 0;
	int good = 1;
	double x, crit = chi2_crit(CELLS - 1, Z_001);

	for (int t = 0; t < TRIALS; t++) {
		good &= shuffle_positions(N, 24, 1000 + t, out, &chunks);
		obs[perm_rank(out, N)]++;
	}
	x = chi2_stat(obs, CELLS, (double)TRIALS / CELLS);
	ok(good && chunks == 2, "5 records spill in 2 chunks and merge with "
	    "the third (%u spilled)", chunks);
	ok(x < crit, "all 120 permutations equally likely over %d seeds "
	    "(chi-square %.1f < %.1f, df 119, alpha 0.001)", TRIALS, x, crit);
}

/* Position x record counts of n=8 records in chunks of 3, 3 and 2. */
static void
test_positions(void)
{
	enum { N = 8, TRIALS = 8000 };
	long obs[N * N] = { 0 };
	uint32_t out[N], chunks = 0;
	int good = 1;
	double x, crit = chi2_crit((N - 1) * (N - 1), Z_001);

	for (int t = 0; t < TRIALS; t++) {
		good &= shuffle_positions(N, 36, 50000 + t, out, &chunks);
		for (int j = 0; j < N; j++)
			obs[j * N + out[j]]++;
	}
	x = chi2_stat(obs, N * N, (double)TRIALS / N);
	ok(good && chunks == 2 && x < crit, "every record equally likely at "
	    "every position (chi-square %.1f < %.1f, df 49, alpha 0.001)",
	    x, crit);
}

/*
 * Variable records (u16 length, bytes, 4-byte tail): 5 of 7..11 bytes
 * under 50 bytes (an 8-byte index entry each counts) make a spilled
 * chunk of 3 and an in-memory chunk of 2.
 */
static void
test_variable(void)
{
	enum { N = 5, CELLS = 120, TRIALS = 6000 };
	static const char *words[N] = { "a", "bb", "ccc", "dddd", "eeeee" };
	unsigned char in[64];
	size_t len = 0;
	long obs[CELLS] = { 0 };
	int good = 1;
	double x, crit = chi2_crit(CELLS - 1, Z_001);

	for (int i = 0; i < N; i++) {
		size_t wl = strlen(words[i]);
		in[len] = wl;
		in[len + 1] = 0;
		memcpy(in + len + 2, words[i], wl);
		memset(in + len + 2 + wl, 'A' + i, 4);
		len += 2 + wl + 4;
	}
	for (int t = 0; t < TRIALS; t++) {
		struct shuffle_opts o = { .mem = 50, .tail = 4, .seed = t };
		struct shuffle *s = shuffle_new(&o);
		struct sink k = { 0 };
		uint32_t out[N];
		size_t pos = 0;

		shuffle_add(s, in, len);
		shuffle_finish(s, sink_emit, &k);
		good &= shuffle_stats(s)->chunks == 1 && k.nrecs == N &&
		    k.len == len;
		for (int j = 0; j < N && good; j++) {
			size_t wl = k.buf[pos];
			out[j] = wl - 1;
			good &= wl >= 1 && wl <= N && k.buf[pos + 2 + wl] ==
			    'A' + wl - 1 && memcmp(k.buf + pos + 2,
			    words[wl - 1], wl) == 0;
			pos += 2 + wl + 4;
		}
		if (good)
			obs[perm_rank(out, N)]++;
		shuffle_free(s);
		free(k.buf);
	}
	x = chi2_stat(obs, CELLS, (double)TRIALS / CELLS);
	ok(good && x < crit, "variable records: intact, all permutations "
	    "equally likely (chi-square %.1f < %.1f)", x, crit);
}

/*
 * Control: the same statistic on a merge that picks a non-empty chunk with
 * equal probability (chunks of 2, 2, 1, each uniformly shuffled) must
 * reject it, or the tests above could not tell a biased merge from a
 * uniform one.
 */
static void
test_control(void)
{
	enum { N = 5, CELLS = 120, TRIALS = 12000 };
	long obs[CELLS] = { 0 };
	struct rng r;
	double x, crit = chi2_crit(CELLS - 1, Z_001);

	rng_seed(&r, 3);
	for (int t = 0; t < TRIALS; t++) {
		uint32_t ch[3][2] = { { 0, 1 }, { 2, 3 }, { 4, 0 } };
		size_t size[3] = { 2, 2, 1 }, at[3] = { 0, 0, 0 }, out[N];
		uint32_t perm[N];
		for (int c = 0; c < 2; c++)
			if (rng_below(&r, 2)) {
				uint32_t tmp = ch[c][0];
				ch[c][0] = ch[c][1];
				ch[c][1] = tmp;
			}
		for (int j = 0; j < N; j++) {
			size_t live[3], nl = 0, c;
			for (c = 0; c < 3; c++)
				if (at[c] < size[c])
					live[nl++] = c;
			c = live[rng_below(&r, nl)];
			out[j] = ch[c][at[c]++];
		}
		for (int j = 0; j < N; j++)
			perm[j] = out[j];
		obs[perm_rank(perm, N)]++;
	}
	x = chi2_stat(obs, CELLS, (double)TRIALS / CELLS);
	ok(x > crit, "control: an unweighted merge is rejected (chi-square "
	    "%.1f > %.1f)", x, crit);
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_rng();
	test_memory_twin();
	test_multiset();
	test_permutations();
	test_positions();
	test_variable();
	test_control();
	return tap_done();
}
