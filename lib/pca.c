/*
 * pca.c - two-component PCA through the m x m Gram matrix of the centred
 * rows: for a plot m (words) is small and d (dimensions) may be larger,
 * so G = X X^T (m x m) is the cheap side.  Its eigenvectors g_i with
 * eigenvalues l_i give the projections sqrt(l_i) g_i directly (the left
 * singular vectors of X scaled by the singular values).
 */
#include "pca.h"

#include <math.h>
#include <stdlib.h>

#include <lapacke.h>

#include "cli.h"

int
pca_project2(const float *x, uint32_t m, uint32_t d, double *xy)
{
	double *c = xcalloc(d, sizeof(double));
	double *g = xcalloc((size_t)m * m, sizeof(double));
	double *lam = xcalloc(m, sizeof(double));
	lapack_int info;

	/* Column means c[d]. */
	for (uint32_t i = 0; i < m; i++)
		for (uint32_t k = 0; k < d; k++)
			c[k] += x[(size_t)i * d + k];
	for (uint32_t k = 0; k < d; k++)
		c[k] /= m;
	/* G[m][m] = (X - 1c)(X - 1c)^T, lower triangle is enough. */
	for (uint32_t i = 0; i < m; i++)
		for (uint32_t j = 0; j <= i; j++) {
			double s = 0;
			for (uint32_t k = 0; k < d; k++)
				s += (x[(size_t)i * d + k] - c[k]) *
				    (x[(size_t)j * d + k] - c[k]);
			g[(size_t)i * m + j] = g[(size_t)j * m + i] = s;
		}
	/* Eigenvalues ascending; eigenvectors in the columns of g. */
	info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)m, g,
	    (lapack_int)m, lam);
	if (info != 0) {
		free(c);
		free(g);
		free(lam);
		return (int)info;
	}
	for (int axis = 0; axis < 2; axis++) {
		/* Column m-1 is the largest component, m-2 the next. */
		int64_t col = (int64_t)m - 1 - axis;
		double scale = 0, big = 0;
		if (col >= 0 && lam[col] > 0)
			scale = sqrt(lam[col]);
		for (uint32_t i = 0; i < m; i++) {
			double v = col >= 0 ? g[(size_t)i * m + col] * scale : 0;
			if (fabs(v) > fabs(big) + 1e-12)
				big = v;
			xy[(size_t)i * 2 + axis] = v;
		}
		if (big < 0)
			for (uint32_t i = 0; i < m; i++)
				xy[(size_t)i * 2 + axis] = -xy[(size_t)i * 2 +
				    axis];
	}
	free(c);
	free(g);
	free(lam);
	return 0;
}
