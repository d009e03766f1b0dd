/*
 * test_huffman.c - checks of lib/huffman.c, the tree of hierarchical
 * softmax (TAP output).
 *
 *  - code lengths of the textbook example (Cormen et al., 16.3: counts
 *    45 13 12 16 9 5, a Huffman code of 224 bits per 100 symbols) built
 *    by hand below;
 *  - on a Zipf vocabulary: every path starts at the root, the codes form
 *    a prefix-free set (Kraft sum exactly 1), and the weighted path
 *    length equals the sum of the inner nodes' weights recomputed from
 *    the paths (the property that makes a Huffman tree optimal);
 *  - counts of INT64_MAX do not overflow, and one word has an empty path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "huffman.h"
#include "tap.h"

static void
test_textbook(void)
{
	/* Words by rank: f 45, d 13... as a vocabulary would hold them. */
	static const int64_t counts[] = { 45, 16, 13, 12, 9, 5 };
	/*
	 * By hand: 5+9 = 14; 12+13 = 25; 14+16 = 30; 25+30 = 55; 45+55.
	 * So f has depth 1; e (16), d (13), c (12) depth 3; b (9), a (5)
	 * depth 4.
	 */
	static const int want[] = { 1, 3, 3, 3, 4, 4 };
	struct huffman *h = huffman_new(counts, 6);
	int same = 1;
	long bits = 0;

	for (int w = 0; w < 6; w++) {
		same &= huffman_len(h, w) == want[w];
		bits += counts[w] * huffman_len(h, w);
	}
	ok(same, "code lengths of the textbook tree: 1 3 3 3 4 4");
	ok(bits == 224, "weighted length 224 bits (got %ld)", bits);
	ok(h->point[h->off[0]] == 4 && h->maxlen == 4,
	    "paths start at the root, inner node n-2; longest path 4");
	huffman_free(h);
}

static void
test_zipf(void)
{
	enum { NW = 1000 };
	int64_t counts[NW];
	struct huffman *h;
	double kraft = 0;
	long double wpl = 0, inner = 0;
	long double *node = calloc(NW, sizeof(long double));
	int root = 1, prefix = 1;

	for (int w = 0; w < NW; w++)
		counts[w] = 1000000 / (w + 1) + 3;
	h = huffman_new(counts, NW);
	for (int w = 0; w < NW; w++) {
		int L = huffman_len(h, w);
		root &= L > 0 && h->point[h->off[w]] == NW - 2;
		kraft += ldexp(1, -L);
		wpl += (long double)counts[w] * L;
		/* Every inner node on the path carries the word's weight. */
		for (int j = 0; j < L; j++)
			node[h->point[h->off[w] + j]] += counts[w];
	}
	/* Prefix-free: no two words share their whole (node, code) path. */
	for (int a = 0; a < NW && prefix; a++)
		for (int b = a + 1; b < NW && prefix; b++) {
			int La = huffman_len(h, a), Lb = huffman_len(h, b);
			int m = La < Lb ? La : Lb, j = 0;
			while (j < m && h->code[h->off[a] + j] ==
			    h->code[h->off[b] + j])
				j++;
			prefix = j < m;
		}
	for (int m = 0; m < NW - 1; m++)
		inner += node[m];
	ok(root, "every path of a 1000-word vocabulary starts at the root");
	ok(fabs(kraft - 1) < 1e-12 && prefix, "the codes are prefix-free "
	    "and complete (Kraft sum %.15f)", kraft);
	ok(wpl == inner, "weighted path length equals the sum of the inner "
	    "nodes' weights");
	ok(huffman_len(h, 0) < huffman_len(h, NW - 1), "the most frequent "
	    "word has a shorter path (%d) than the rarest (%d)",
	    huffman_len(h, 0), huffman_len(h, NW - 1));
	huffman_free(h);
	free(node);
}

static void
test_extremes(void)
{
	static const int64_t big[] = { INT64_MAX, INT64_MAX, INT64_MAX, 1 };
	static const int64_t one[] = { 7 };
	struct huffman *h = huffman_new(big, 4);

	/*
	 * By hand, M = INT64_MAX: 1 + M = A; M + M = B (A is heavier than
	 * a leaf M); A + B at the root is 3M + 1, beyond 64 bits.  Every
	 * word at depth 2.
	 */
	ok(huffman_len(h, 0) == 2 && huffman_len(h, 1) == 2 &&
	    huffman_len(h, 2) == 2 && huffman_len(h, 3) == 2 &&
	    h->point[h->off[3]] == 2,
	    "INT64_MAX counts build the right tree (lengths %d %d %d %d)",
	    huffman_len(h, 0), huffman_len(h, 1), huffman_len(h, 2),
	    huffman_len(h, 3));
	huffman_free(h);
	h = huffman_new(one, 1);
	ok(huffman_len(h, 0) == 0, "a one-word vocabulary has an empty path");
	huffman_free(h);
}

int
main(void)
{
	test_textbook();
	test_zipf();
	test_extremes();
	return tap_done();
}
