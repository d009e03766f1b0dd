/*
 * cooc_sort.c - radix sort for firth-cooc's sparse occurrences.
 *
 * An occurrence is one 64-bit word: w1 << 36 | w2 << 8 | d.  A spill sorts
 * tens of millions of them by (w1, w2); comparison sorts spend most of the
 * time there, an LSD radix sort with 11-bit digits does it in a few
 * streaming passes and skips the bits every id leaves zero.
 */
#include "cooc_sort.h"

#include <stdlib.h>
#include <string.h>

#define DIGIT 11

uint64_t *
cooc_sort(uint64_t *a, uint64_t *tmp, size_t n, const int (*fields)[2],
    int nfields)
{
	size_t count[1u << DIGIT];
	uint64_t *src = a, *dst = tmp, *t;

	for (int f = 0; f < nfields; f++) {
		for (int lo = fields[f][0]; lo < fields[f][1]; lo += DIGIT) {
			int bits = fields[f][1] - lo < DIGIT ?
			    fields[f][1] - lo : DIGIT;
			uint64_t mask = (1ULL << bits) - 1;
			size_t sum = 0, c;

			memset(count, 0, sizeof(size_t) << bits);
			for (size_t i = 0; i < n; i++)
				count[(src[i] >> lo) & mask]++;
			/* One bucket holding everything: nothing moves. */
			if (n > 0 && count[(src[0] >> lo) & mask] == n)
				continue;
			for (size_t b = 0; b <= mask; b++) {
				c = count[b];
				count[b] = sum;
				sum += c;
			}
			for (size_t i = 0; i < n; i++)
				dst[count[(src[i] >> lo) & mask]++] = src[i];
			t = src;
			src = dst;
			dst = t;
		}
	}
	return src;
}

static const int (*ref_fields)[2];
static int ref_nfields;

static uint64_t
ref_key(uint64_t v)
{
	uint64_t k = 0;

	/* Most significant field first. */
	for (int f = ref_nfields - 1; f >= 0; f--) {
		int w = ref_fields[f][1] - ref_fields[f][0];
		k = k << w | ((v >> ref_fields[f][0]) & ((1ULL << w) - 1));
	}
	return k;
}

static int
ref_cmp(const void *a, const void *b)
{
	uint64_t x = ref_key(*(const uint64_t *)a);
	uint64_t y = ref_key(*(const uint64_t *)b);

	if (x != y)
		return x < y ? -1 : 1;
	/* qsort is not stable: tests compare keys only. */
	x = *(const uint64_t *)a;
	y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void
cooc_sort_ref(uint64_t *a, size_t n, const int (*fields)[2], int nfields)
{
	ref_fields = fields;
	ref_nfields = nfields;
	qsort(a, n, sizeof(*a), ref_cmp);
}
