/*
 * align.h - rotate one set of word vectors onto another by orthogonal
 * Procrustes over the words they share (firth-eval align and drift).
 *
 * Legend: m shared words, d dimensions (the same in both sets).
 */
#ifndef FIRTH_ALIGN_H
#define FIRTH_ALIGN_H

#include <stddef.h>
#include <stdint.h>

/*
 * The orthogonal R[d][d] (row-major, double) that minimises
 * ||X R - Y||_F over the m rows of x[m][d] (the new vectors) and
 * y[m][d] (the previous ones, same words in the same order).  Each row
 * is scaled to unit length before the fit, so every shared word counts
 * the same whatever its vector's length (zero rows are left out); the
 * rows are not centred, because subtracting a mean would change the
 * cosines that the rotation must keep.  R = U V^T from the SVD
 * X^T Y = U S V^T (LAPACKE_dgesvd).  Returns 0, or LAPACKE's info.
 */
int align_procrustes(const float *x, const float *y, size_t m, uint32_t d,
    double *r);
/* v[n][d] := v R in place (each row rotated; lengths and cosines kept). */
void align_apply(float *v, size_t n, uint32_t d, const double *r);

#endif
