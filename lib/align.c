/*
 * align.c - orthogonal Procrustes (Schoenemann 1966): the rotation R
 * that best carries new vectors X onto previous ones Y, so that two
 * nights' vectors can be compared coordinate by coordinate.  Since R is
 * orthogonal, x R . y R = x . y: no cosine between new vectors changes.
 *
 * Legend: m shared words, d dimensions.  The only large work is the
 * d x d cross product X^T Y, accumulated in double over the m rows; the
 * SVD is of a d x d matrix (d <= a few thousand).
 */
#include "align.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "cli.h"

/* Unit row i of a[.][d] in double into out[d]; 0 if the row is zero. */
static int
unit_row(const float *a, size_t i, uint32_t d, double *out)
{
	double s = 0;

	for (uint32_t k = 0; k < d; k++) {
		out[k] = a[i * d + k];
		s += out[k] * out[k];
	}
	if (!(s > 0))
		return 0;
	s = sqrt(s);
	for (uint32_t k = 0; k < d; k++)
		out[k] /= s;
	return 1;
}

int
align_procrustes(const float *x, const float *y, size_t m, uint32_t d,
    double *r)
{
	double *c = xcalloc((size_t)d * d, sizeof(double));	/* X^T Y */
	double *xi = xcalloc(d, sizeof(double)), *yi = xcalloc(d,
	    sizeof(double));
	double *u = xcalloc((size_t)d * d, sizeof(double));
	double *vt = xcalloc((size_t)d * d, sizeof(double));
	double *s = xcalloc(d, sizeof(double));
	double *superb = xcalloc(d > 1 ? d : 2, sizeof(double));
	lapack_int info;

	for (size_t i = 0; i < m; i++) {
		if (!unit_row(x, i, d, xi) || !unit_row(y, i, d, yi))
			continue;
		for (uint32_t a = 0; a < d; a++) {
			double *row = c + (size_t)a * d;
			for (uint32_t b = 0; b < d; b++)
				row[b] += xi[a] * yi[b];
		}
	}
	/* C = U S V^T; R = U V^T. */
	info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'A', 'A', (lapack_int)d,
	    (lapack_int)d, c, (lapack_int)d, s, u, (lapack_int)d, vt,
	    (lapack_int)d, superb);
	if (info == 0)
		for (uint32_t a = 0; a < d; a++)
			for (uint32_t b = 0; b < d; b++) {
				double t = 0;
				for (uint32_t k = 0; k < d; k++)
					t += u[(size_t)a * d + k] *
					    vt[(size_t)k * d + b];
				r[(size_t)a * d + b] = t;
			}
	free(c);
	free(xi);
	free(yi);
	free(u);
	free(vt);
	free(s);
	free(superb);
	return (int)info;
}

void
align_apply(float *v, size_t n, uint32_t d, const double *r)
{
	/* Blocks of rows in double through dgemm: T[bn][d] = V[bn][d] R. */
	const size_t bn = 1024;
	double *a = xcalloc(bn * d, sizeof(double));
	double *t = xcalloc(bn * d, sizeof(double));

	for (size_t i0 = 0; i0 < n; i0 += bn) {
		size_t m = n - i0 < bn ? n - i0 : bn;
		float *blk = v + i0 * d;
		for (size_t k = 0; k < m * d; k++)
			a[k] = blk[k];
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m,
		    (int)d, (int)d, 1.0, a, (int)d, r, (int)d, 0.0, t, (int)d);
		for (size_t k = 0; k < m * d; k++)
			blk[k] = (float)t[k];
	}
	free(a);
	free(t);
}
