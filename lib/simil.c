/*
 * simil.c - Pearson and tie-corrected Spearman correlation, in double
 * precision with a two-pass (mean first) formula, so that scores of
 * similar size do not cancel.
 */
#include "simil.h"

#include <math.h>
#include <stdlib.h>

#include "cli.h"

double
simil_pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx == 0 || syy == 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

static const double *rank_keys;

static int
rank_cmp(const void *a, const void *b)
{
	double x = rank_keys[*(const size_t *)a], y = rank_keys[*(const size_t *)b];

	if (x != y)
		return x < y ? -1 : 1;
	/* Stable on equal keys, so the result does not depend on qsort. */
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

void
simil_rank(const double *x, size_t n, double *r)
{
	size_t *ord = xreallocarray(NULL, n > 0 ? n : 1, sizeof(size_t));

	for (size_t i = 0; i < n; i++)
		ord[i] = i;
	rank_keys = x;
	qsort(ord, n, sizeof(size_t), rank_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && x[ord[j + 1]] == x[ord[i]])
			j++;
		/* Positions i..j (0-based) share rank (i+1 + j+1) / 2. */
		double avg = (double)(i + j + 2) / 2;
		for (size_t k = i; k <= j; k++)
			r[ord[k]] = avg;
		i = j + 1;
	}
	free(ord);
}

double
simil_spearman(const double *x, const double *y, size_t n)
{
	double *rx = xreallocarray(NULL, n > 0 ? n : 1, sizeof(double));
	double *ry = xreallocarray(NULL, n > 0 ? n : 1, sizeof(double));
	double rho;

	simil_rank(x, n, rx);
	simil_rank(y, n, ry);
	rho = simil_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return rho;
}
