/*
 * test_cmerge.c - unit tests for lib/cmerge.c (TAP): the radix sort of
 * records against its qsort twin, and the sorter, whose runs must hold
 * every key once with the exact sums of all its copies.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmerge.h"
#include "shard.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n records, ids below maxid, keys repeating; sums tell them apart. */
static void
make_recs(struct shard_rec *r, size_t n, uint32_t maxid)
{
	rng = 88172645463325252ULL + n + maxid;
	for (size_t i = 0; i < n; i++) {
		r[i].key = SHARD_KEY(rnd() % maxid, rnd() % maxid);
		r[i].n = 1 + i;
		r[i].dsum = 2 * (1 + i);
		r[i].h = rnd() % 1000;
	}
}

static void
test_sort(size_t n, uint32_t maxid)
{
	struct shard_rec *a = calloc(n + 1, sizeof(*a));
	struct shard_rec *b = calloc(n + 1, sizeof(*b));
	struct shard_rec *t = calloc(n + 1, sizeof(*t)), *got;
	int fields[2][2] = { { 0, 0 }, { 32, 32 } }, bits = 1;

	while ((1u << bits) <= maxid)
		bits++;
	fields[0][1] = bits;
	fields[1][1] = 32 + bits;
	make_recs(a, n, maxid);
	memcpy(b, a, n * sizeof(*a));
	got = cmerge_sort(a, t, n, (const int (*)[2])fields, 2);
	/* Stable: equal keys keep their input order, as qsort by (key, n). */
	cmerge_sort_ref(b, n);
	for (size_t i = 1; i < n; i++)
		if (b[i].key == b[i - 1].key && b[i].n < b[i - 1].n) {
			/* qsort is not stable: order equal keys by n */
			size_t j = i;
			while (j > 0 && b[j].key == b[j - 1].key &&
			    b[j].n < b[j - 1].n) {
				struct shard_rec x = b[j];
				b[j] = b[j - 1];
				b[j - 1] = x;
				j--;
			}
		}
	ok(memcmp(got, b, n * sizeof(*b)) == 0,
	    "cmerge_sort of %zu records, ids below %u, agrees with qsort and "
	    "is stable", n, maxid);
	if (bits <= 24) {
		make_recs(a, n, maxid);		/* the same records again */
		got = cmerge_sort_rows(a, t, n, bits, bits);
		ok(memcmp(got, b, n * sizeof(*b)) == 0,
		    "cmerge_sort_rows of %zu records, ids below %u, agrees "
		    "with qsort and is stable", n, maxid);
	}
	free(a);
	free(b);
	free(t);
}

static uint32_t
fill_all(struct shard_tmprun *t, struct shard_rec *out, size_t cap)
{
	struct shard_rec *buf = calloc(SHARD_MAX_RECS, sizeof(*buf));
	uint32_t k, n = 0;

	shard_tmprun_rewind(t);
	while ((k = shard_tmprun_fill(t, buf)) > 0 && n + k <= cap) {
		memcpy(out + n, buf, k * sizeof(*buf));
		n += k;
	}
	free(buf);
	return n;
}

/*
 * The sorter with the smallest buffer (SHARD_MAX_RECS records) over
 * three buffers' worth of records drawn from few keys: each run is
 * sorted with unique keys, and the runs' sums per key are the input's.
 */
static void
test_sorter(void)
{
	struct shard_meta m = { SHARD_CANONICAL, 1, 1 };
	size_t n = 3 * SHARD_MAX_RECS + 123, total = 0;
	uint32_t maxid = 300;
	struct shard_rec *in = calloc(n, sizeof(*in));
	struct shard_rec *out = calloc(n, sizeof(*out));
	uint64_t *want = calloc((size_t)maxid * maxid, sizeof(uint64_t));
	uint64_t *got = calloc((size_t)maxid * maxid, sizeof(uint64_t));
	struct cmerge_sorter *s = cmerge_sorter_new(&m, 1, maxid, maxid, 0);
	int sorted = 1;

	for (size_t i = 0; i < n; i++) {
		uint32_t a = rnd() % maxid, b = rnd() % maxid;
		in[i].key = SHARD_KEY(a < b ? a : b, a < b ? b : a);
		in[i].n = in[i].dsum = in[i].h = 1 + rnd() % 5;
		want[SHARD_W1(in[i].key) * maxid + SHARD_W2(in[i].key)] +=
		    in[i].n;
		cmerge_sorter_add(s, &in[i]);
	}
	cmerge_sorter_flush(s);
	ok(s->nruns == 4, "the sorter wrote 4 runs for 3.x buffers (%d)",
	    s->nruns);
	for (int r = 0; r < s->nruns; r++) {
		uint32_t k = fill_all(s->runs[r], out, n);
		for (uint32_t i = 0; i < k; i++) {
			if (i > 0 && out[i].key <= out[i - 1].key)
				sorted = 0;
			got[SHARD_W1(out[i].key) * maxid +
			    SHARD_W2(out[i].key)] += out[i].n;
		}
		total += k;
	}
	ok(sorted, "each run has strictly increasing keys");
	ok(memcmp(want, got, (size_t)maxid * maxid * sizeof(uint64_t)) == 0,
	    "the runs' sums per key are those of the input");
	ok(s->in == n && s->out == total, "counts in (%llu) and out (%llu)",
	    (unsigned long long)s->in, (unsigned long long)s->out);
	cmerge_sorter_free(s);
	free(in);
	free(out);
	free(want);
	free(got);
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_sort(0, 10);
	test_sort(1, 10);
	test_sort(1000, 3);
	test_sort(100000, 5000);
	test_sort(50000, (1u << 28) - 1);
	test_sort(300000, 1u << 17);
	test_sort(400000, 4000);	/* rows of 100: two passes */
	test_sort(100000, 1500);	/* one pass, copied back */
	test_sorter();
	return tap_done();
}
