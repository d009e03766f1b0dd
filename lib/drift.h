/*
 * drift.h - how far two sets of word vectors (A, then B: say last
 * night's and tonight's) differ, word by word (firth-eval drift).
 *
 * Frequency is the row order: firth's writers (and GloVe's, word2vec's)
 * write the most frequent word first, so a word's rank in A is its
 * frequency rank.
 */
#ifndef FIRTH_DRIFT_H
#define FIRTH_DRIFT_H

#include <stdint.h>
#include <stdio.h>

#include "vecio.h"

struct drift_word {
	uint32_t a, b;		/* row in A and in B */
	double cos;		/* cosine of the word with itself, B rotated
				   onto A (align_procrustes) */
	double overlap;		/* |top-k in A & top-k in B| / k, neighbours
				   among the shared words; NaN: not queried */
};

struct drift {
	uint32_t k;		/* neighbours compared */
	uint32_t m;		/* shared words */
	uint32_t nq;		/* of them queried: the nq most frequent */
	struct drift_word *w;	/* [m] in A's order (by frequency) */
	uint32_t nnew, ndropped;
	uint32_t *fresh;	/* [nnew] rows of B not in A, in B's order */
	uint32_t *dropped;	/* [ndropped] rows of A not in B */
	uint32_t *nbr_a, *nbr_b; /* [nq][k] neighbours, as indices into w */
};

/*
 * Match the words of A and B by their bytes: w[m] (rows only), fresh,
 * dropped.  Dies when the dimensions differ or fewer than 2 words are
 * shared.
 */
struct drift *drift_new(const struct vecset *a, const struct vecset *b);
/*
 * Compare A and B (the same dimension; words matched by their bytes).
 * The neighbours of the first nq shared words (0: all) are searched
 * among all the shared words, in each set.  Dies on a dimension
 * mismatch or no shared words.
 */
struct drift *drift_compute(const struct vecset *a, const struct vecset *b,
    uint32_t k, uint32_t nq);
void drift_free(struct drift *d);
/*
 * Rotate every row of b (raw vectors, in place) by the orthogonal
 * Procrustes fit of b's shared words onto a's (dr from drift_new(a,
 * b)); returns the mean cosine of a shared word with its vector in a.
 */
double drift_align(const struct drift *dr, const struct vecset *a,
    struct vecset *b);
/*
 * The report: mean overlap and cosine by frequency bucket (rank in A
 * 1-1000, 1001-10000, 10001-100000, beyond) and overall; the nmoved
 * queried words least like themselves, with three neighbours before and
 * after; the new and dropped words, most frequent first.  A text table,
 * or with tsv one row per bucket, shared word, new and dropped word.
 */
void drift_print(FILE *f, const struct drift *dr, const struct vecset *a,
    const struct vecset *b, const char *na, const char *nb, int tsv,
    uint32_t nmoved);

/*
 * firth-eval align: rotate vs onto prev (named prevname in messages) in
 * place over their shared words; warns when too few words fix the
 * rotation and says how many were shared and how close they came.
 */
void drift_align_onto(const struct vecset *prev, struct vecset *vs,
    const char *prevname);

#endif
