/*
 * sgns.h - the word2vec model: skip-gram and CBOW trained by SGD, with
 * negative sampling (k negatives from the unigram^0.75 distribution) or
 * the full softmax over the vocabulary.
 *
 * Legend (names used in every comment below):
 *   n       words in the vocabulary, ids 0..n-1 by rank
 *   d       dimensions of a vector
 *   s       row stride in floats: d rounded up to SGNS_ALIGN, the padding
 *           is zero and stays zero (updates add multiples of zero-padded
 *           rows), so the fast kernels never need a tail loop
 *   in      [n][s] input vectors  v (word2vec's syn0)
 *   out     [n][s] output vectors u (word2vec's syn1neg)
 *   node    [n-1][s] inner-node vectors of the Huffman tree (word2vec's
 *           syn1), hierarchical softmax only
 *   L       length of a word's path in the tree (huffman.h)
 *   B       context words of one centre word (at most 2 * window)
 *   K       negatives per update
 *
 * Objectives, for an input h (one input vector in skip-gram, the mean of
 * the context's input vectors in CBOW) and a word o to predict:
 *   negative sampling  L = -log sig(u_o.h) - sum_k log sig(-u_k.h)
 *   full softmax       L = -u_o.h + log sum_w exp(u_w.h)
 *   hierarchical softmax  L = sum_j -log sig((1 - 2 c_j) x_j.h), x_j the
 *                      node rows on o's path, c_j its branch codes
 *
 * Skip-gram follows word2vec: each context word's input vector predicts
 * the centre word, with its own K negatives (B = 1 per update).  As an
 * option one draw of K negatives serves all B contexts of a centre word
 * (Ji et al. 2016), and the update is a pair of small matrix products:
 * S = C T' (B x (K+1) scores), then C += G T and T += G' C with
 * G = alpha (label - sig(S)).
 */
#ifndef FIRTH_SGNS_H
#define FIRTH_SGNS_H

#include <stddef.h>
#include <stdint.h>

#define SGNS_ALIGN 16		/* floats: one 64-byte cache line */
#define SGNS_MAXWIN 64		/* --window bound: B <= 2 * SGNS_MAXWIN */
#define SGNS_MAXNEG 64		/* --negative bound */

/* Stride for d dimensions: d rounded up to SGNS_ALIGN. */
size_t sgns_stride(uint32_t d);

/* ---- random numbers (private to this model: splitmix64) ---- */
struct sgns_rng { uint64_t s; };
void sgns_rng_seed(struct sgns_rng *r, uint64_t seed, uint64_t stream);
uint64_t sgns_rng_next(struct sgns_rng *r);
/* Uniform in [0, n). */
uint32_t sgns_rng_below(struct sgns_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double sgns_rng_unit(struct sgns_rng *r);

/* ---- negatives: Walker's alias method over count^power ---- */
struct sgns_alias_col {
	uint32_t thresh;	/* keep column i if the high 32 bits < thresh */
	uint32_t alias;		/* else take this word */
};
struct sgns_alias {
	uint32_t n;
	struct sgns_alias_col *col;	/* [n]: one cache line per draw */
};
/* Build the table for p(w) proportional to counts[w]^power. */
struct sgns_alias *sgns_alias_new(const int64_t *counts, uint32_t n,
    double power);
void sgns_alias_free(struct sgns_alias *a);
/* The probability the table gives word w (for tests). */
double sgns_alias_prob(const struct sgns_alias *a, uint32_t w);
static inline uint32_t
sgns_alias_draw(const struct sgns_alias *a, uint64_t r)
{
	/* Low half picks a column (multiply-shift), high half the coin. */
	uint32_t i = (uint32_t)(((r & 0xffffffffu) * (uint64_t)a->n) >> 32);
	return (uint32_t)(r >> 32) < a->col[i].thresh ? i : a->col[i].alias;
}

/* ---- frequent-word subsampling ---- */
enum { SGNS_SAMPLE_W2V = 0, SGNS_SAMPLE_PAPER = 1 };
/*
 * Probability of keeping a word seen count times among total words, for
 * threshold t (0: keep everything):
 *   word2vec: (sqrt(f / (t total)) + 1) (t total) / f, f = count
 *   paper:    sqrt(t / (f / total))  (one minus the paper's discard
 *             probability 1 - sqrt(t / freq))
 * both capped at 1.
 */
double sgns_keep_prob(int formula, double t, int64_t count, int64_t total);
/* Keep a word of keep probability p?  Draws only when p < 1. */
static inline int
sgns_keep(double p, struct sgns_rng *r)
{
	return p >= 1 || sgns_rng_unit(r) < p;
}

/* ---- the sigmoid used by the updates ---- */
/* Tabulated on [-SGNS_SIGMAX, SGNS_SIGMAX]; 0 or 1 beyond. */
#define SGNS_SIGMAX 8.0f
#define SGNS_SIGTAB 4096
float sgns_sigmoid(float x);

/* ---- objectives and their gradients (exact, double; for tests) ---- */
/*
 * Negative sampling for input h [d]: targets t[0..K], t[0] the word to
 * predict and t[1..K] negatives, rows of out with stride s.  Returns L;
 * if gh != NULL, adds dL/dh into gh [d]; if gout != NULL (an [n][s]
 * array), adds dL/du into its target rows.
 */
double sgns_ns_loss(const float *h, const float *out, size_t s, uint32_t d,
    const uint32_t *t, int K, double *gh, double *gout);
/* Full softmax over all n output rows: the same contract, word o. */
double sgns_softmax_loss(const float *h, const float *out, size_t s,
    uint32_t d, uint32_t n, uint32_t o, double *gh, double *gout);
/*
 * Hierarchical softmax along a path point[0..L-1] with codes code[]: the
 * same contract; gnode (an [n-1][s] array) gets dL/dx for the path rows.
 */
double sgns_hs_loss(const float *h, const float *node, size_t s,
    uint32_t d, const uint32_t *point, const uint8_t *code, int L,
    double *gh, double *gnode);

/* ---- SGD steps: fast kernels with plain reference twins ---- */
/*
 * Skip-gram with shared negatives: contexts c[0..B-1] (rows of in),
 * targets t[0..K] (rows of out; t[0] the centre word, label 1; the rest
 * label 0).  One SGD step of the summed negative-sampling loss of the B
 * (context, centre) pairs at rate alpha.  work is [B][s] scratch.
 */
void sgns_sg_step(float *in, float *out, size_t s, const uint32_t *c,
    int B, const uint32_t *t, int K, float alpha, float *work);
void sgns_sg_step_ref(float *in, float *out, size_t s, const uint32_t *c,
    int B, const uint32_t *t, int K, float alpha, float *work);
/*
 * CBOW: h = mean of the B context rows predicts t[0] against t[1..K].
 * As in word2vec, each context row moves by the whole step of h (not
 * 1/B of it).  work is [2][s] scratch.
 */
void sgns_cbow_step(float *in, float *out, size_t s, const uint32_t *c,
    int B, const uint32_t *t, int K, float alpha, float *work);
void sgns_cbow_step_ref(float *in, float *out, size_t s, const uint32_t *c,
    int B, const uint32_t *t, int K, float alpha, float *work);
/*
 * Full softmax: h = mean of the B context rows (B = 1: skip-gram) predicts
 * word o among all n.  work is [n + 2 s] scratch.  Plain loops: meant for
 * small vocabularies.
 */
void sgns_softmax_step(float *in, float *out, size_t s, uint32_t d,
    uint32_t n, const uint32_t *c, int B, uint32_t o, float alpha,
    float *work);

/*
 * Hierarchical softmax: h = mean of the B context rows (B = 1: one
 * skip-gram pair) predicts the word whose path is point[0..L-1], code[].
 * As CBOW, each context row moves by the whole step of h.  work is
 * [2][s] scratch.
 */
void sgns_hs_step(float *in, float *node, size_t s, const uint32_t *c,
    int B, const uint32_t *point, const uint8_t *code, int L, float alpha,
    float *work);
void sgns_hs_step_ref(float *in, float *node, size_t s, const uint32_t *c,
    int B, const uint32_t *point, const uint8_t *code, int L, float alpha,
    float *work);

/* ---- training on one sentence ---- */
struct huffman;
struct subword_table;
struct sgns_conf {
	uint32_t n, d;
	size_t s;
	int window, negative, cbow, softmax, share;
	const struct sgns_alias *neg;	/* NULL when negative is 0 */
	/* Hierarchical softmax (as well as negatives, or alone). */
	int hs;
	const struct huffman *tree;
	float *node;		/* [n-1][s] */
	/*
	 * Subword vectors (subword.h): an input word is the mean of its
	 * table rows, in [n + buckets][s]; NULL: one row per word.
	 */
	const struct subword_table *sub;
};
/* Scratch for one thread. */
struct sgns_work {
	uint32_t *ctx;		/* [2 * window] */
	uint32_t tgt[2][SGNS_MAXNEG + 1];	/* this update's, the next's */
	int cur;		/* tgt[cur] is this update's */
	int primed;		/* tgt[cur ^ 1] holds negatives drawn ahead */
	float *buf;		/* [max(2 window, 2) s + n (softmax)] */
	uint32_t *rows;		/* subwords: [2 window maxrows] CBOW rows */
};
void sgns_work_init(struct sgns_work *w, const struct sgns_conf *cf);
void sgns_work_free(struct sgns_work *w);
/*
 * Train on the words sent[0..len-1] (ids, already subsampled) at rate
 * alpha: a dynamic window b uniform in 1..window per centre word.
 */
void sgns_sentence(const struct sgns_conf *cf, float *in, float *out,
    struct sgns_work *w, struct sgns_rng *r, const uint32_t *sent, int len,
    float alpha);

#endif
