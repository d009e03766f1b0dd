/*
 * huffman.h - the binary Huffman tree over a vocabulary that word2vec's
 * hierarchical softmax walks: frequent words get short paths.
 *
 * Nodes: leaves are words 0..n-1; the n-1 inner nodes are numbered
 * 0..n-2 in the order they were made, so the root is inner node n-2.
 * Word w's path is point[off[w] .. off[w+1]-1], inner nodes from the
 * root down, and code[] beside it: at each node 0 goes to the child made
 * from the lighter pick, 1 to the heavier (word2vec's convention), and
 * p(w | h) = prod_j sig((1 - 2 code_j) u_{point_j} . h).
 */
#ifndef FIRTH_HUFFMAN_H
#define FIRTH_HUFFMAN_H

#include <stdint.h>

struct huffman {
	uint32_t n;		/* words (leaves) */
	uint32_t *off;		/* [n + 1] start of each word's path */
	uint32_t *point;	/* [off[n]] inner node ids, root first */
	uint8_t *code;		/* [off[n]] branch taken at each node */
	int maxlen;		/* longest path */
};

/*
 * Build the tree for counts[0..n-1] (n >= 1; counts below 1 weigh as 1,
 * so paths stay O(log total)).  Weights are summed in 128 bits: counts
 * up to INT64_MAX do not overflow.  Ties go to the lower word id first,
 * so the tree depends only on the counts.
 */
struct huffman *huffman_new(const int64_t *counts, uint32_t n);
void huffman_free(struct huffman *h);

/* Path length of word w. */
static inline int
huffman_len(const struct huffman *h, uint32_t w)
{
	return (int)(h->off[w + 1] - h->off[w]);
}

#endif
