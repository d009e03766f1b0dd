/*
 * simil.h - correlation of two score lists: Pearson's r and Spearman's
 * rho (Pearson's r of the ranks, tied values sharing their average
 * rank, which is the tie-corrected rho of scipy.stats.spearmanr).
 */
#ifndef FIRTH_SIMIL_H
#define FIRTH_SIMIL_H

#include <stddef.h>

/* Pearson's r of x[n] and y[n]; NaN if n < 2 or either is constant. */
double simil_pearson(const double *x, const double *y, size_t n);
/* Ranks 1..n of x[n] into r[n]; ties get the mean of their ranks. */
void simil_rank(const double *x, size_t n, double *r);
/* Spearman's rho of x[n] and y[n] (average ranks for ties). */
double simil_spearman(const double *x, const double *y, size_t n);

#endif
