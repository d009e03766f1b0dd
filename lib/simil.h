/*
 * simil.h - correlation of two score lists: Pearson's r and Spearman's
 * rho (Pearson's r of the ranks, tied values sharing their average
 * rank, which is the tie-corrected rho of scipy.stats.spearmanr).
 */
#ifndef FIRTH_SIMIL_H
#define FIRTH_SIMIL_H

#include <stddef.h>
#include <stdio.h>

struct emb;

/* Pearson's r of x[n] and y[n]; NaN if n < 2 or either is constant. */
double simil_pearson(const double *x, const double *y, size_t n);
/* Ranks 1..n of x[n] into r[n]; ties get the mean of their ranks. */
void simil_rank(const double *x, size_t n, double *r);
/* Spearman's rho of x[n] and y[n] (average ranks for ties). */
double simil_spearman(const double *x, const double *y, size_t n);

/* Word pairs with a gold score ("word word score" lines). */
struct simil_pairs {
	size_t n, cap;
	char **w1, **w2;	/* [n] */
	double *gold;		/* [n] */
};

/* Append a file's pairs; '#' lines are comments; a bad line dies with
 * "name:line: what"; no pairs at all dies. */
void simil_pairs_read(struct simil_pairs *p, FILE *f, const char *name);
void simil_pairs_free(struct simil_pairs *p);
/*
 * Spearman's rho and Pearson's r of the gold scores against the
 * embedding's cosines, over the pairs whose words are both known (or,
 * with zero, all of them, unknown pairs scoring 0); returns how many
 * pairs were known.
 */
size_t simil_pairs_score(const struct simil_pairs *p, const struct emb *e,
    int zero, double *rho, double *r);

#endif
