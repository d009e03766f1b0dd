/*
 * huffman.c - the Huffman tree of hierarchical softmax (see huffman.h).
 *
 * The classic two-queue construction: leaves sorted by weight in one
 * queue, inner nodes in a second that fills in non-decreasing weight
 * order by itself, so each merge takes the lighter of the two fronts,
 * twice.  O(n log n) for the sort, O(n) after it.
 */
#include "huffman.h"

#include <stdlib.h>

#include "cli.h"

typedef unsigned __int128 weight_t;

static const int64_t *sort_counts;

/* Ascending count, then descending id, so the queue pops ids in order. */
static int
by_count(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t cx = sort_counts[x] < 1 ? 1 : sort_counts[x];
	int64_t cy = sort_counts[y] < 1 ? 1 : sort_counts[y];

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return x < y ? 1 : x > y ? -1 : 0;
}

struct huffman *
huffman_new(const int64_t *counts, uint32_t n)
{
	struct huffman *h = xcalloc(1, sizeof(*h));
	size_t nodes = 2 * (size_t)n - 1;	/* leaves 0..n-1, inner n.. */
	weight_t *wt = xreallocarray(NULL, nodes, sizeof(weight_t));
	uint32_t *parent = xreallocarray(NULL, nodes, sizeof(uint32_t));
	uint8_t *bit = xcalloc(nodes, 1);
	uint32_t *leaf = xreallocarray(NULL, n, sizeof(uint32_t));
	uint32_t *depth = xcalloc(nodes, sizeof(uint32_t));
	size_t li = 0, ii = n, total = 0;

	if (n == 0)
		cli_die("huffman: an empty vocabulary has no tree");
	h->n = n;
	for (uint32_t w = 0; w < n; w++) {
		leaf[w] = w;
		wt[w] = (weight_t)(counts[w] < 1 ? 1 : counts[w]);
	}
	sort_counts = counts;
	qsort(leaf, n, sizeof(uint32_t), by_count);
	/* Inner node m (m >= n) from the two lightest fronts. */
	for (size_t m = n; m < nodes; m++) {
		size_t pick[2];
		for (int k = 0; k < 2; k++) {
			/* A leaf wins ties: shallower trees for equal weights. */
			if (li < n && (ii >= m || wt[leaf[li]] <= wt[ii]))
				pick[k] = leaf[li++];
			else
				pick[k] = ii++;
		}
		wt[m] = wt[pick[0]] + wt[pick[1]];
		parent[pick[0]] = parent[pick[1]] = (uint32_t)m;
		bit[pick[0]] = 0;
		bit[pick[1]] = 1;
	}
	/* Parents have larger ids than children: depths from the root down. */
	for (size_t m = nodes - 1; m-- > 0;)
		depth[m] = depth[parent[m]] + 1;
	h->off = xreallocarray(NULL, (size_t)n + 1, sizeof(uint32_t));
	for (uint32_t w = 0; w < n; w++) {
		h->off[w] = (uint32_t)total;
		total += depth[w];
		if (depth[w] > (uint32_t)h->maxlen)
			h->maxlen = (int)depth[w];
	}
	if (total > UINT32_MAX)
		cli_die("huffman: %zu path steps do not fit in 32 bits", total);
	h->off[n] = (uint32_t)total;
	h->point = xreallocarray(NULL, total ? total : 1, sizeof(uint32_t));
	h->code = xreallocarray(NULL, total ? total : 1, 1);
	/* Walk up from each leaf, filling its path from the end. */
	for (uint32_t w = 0; w < n; w++) {
		size_t node = w, j = h->off[w + 1];
		while (j > h->off[w]) {
			j--;
			h->code[j] = bit[node];
			node = parent[node];
			h->point[j] = (uint32_t)(node - n);
		}
	}
	free(wt);
	free(parent);
	free(bit);
	free(leaf);
	free(depth);
	return h;
}

void
huffman_free(struct huffman *h)
{
	if (h == NULL)
		return;
	free(h->off);
	free(h->point);
	free(h->code);
	free(h);
}
