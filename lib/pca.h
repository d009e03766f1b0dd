/*
 * pca.h - project a few vectors onto their first two principal
 * components (for firth-eval plot).
 */
#ifndef FIRTH_PCA_H
#define FIRTH_PCA_H

#include <stdint.h>

/*
 * x[m][d] row-major (m >= 1).  Writes xy[m][2], the coordinates of each
 * row, centred, on the two leading principal axes.  The sign of each
 * axis is fixed so that its largest coordinate (by magnitude) is
 * positive, making the picture deterministic.  Returns 0, or the LAPACKE
 * info code if the eigensolver failed.
 */
int pca_project2(const float *x, uint32_t m, uint32_t d, double *xy);

#endif
