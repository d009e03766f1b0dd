/*
 * rsvd.h - a weighted sparse co-occurrence matrix and its truncated SVD by
 * randomized subspace iteration (Halko, Martinsson and Tropp 2011,
 * algorithms 4.4 and 5.1).
 *
 * Legend for the shapes below:
 *   R  rows (words), C  columns (context words); R == C for cooc streams
 *   k  singular triplets wanted, p  oversampling, l = k + p
 *   A  the weighted R x C matrix; its cells are counts x_rc weighted on the
 *      fly (weight_apply), never stored twice.
 * Dense blocks are row-major float: an R x l block holds row r at r * l.
 */
#ifndef FIRTH_RSVD_H
#define FIRTH_RSVD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stream.h"

/*
 * Matrix weighting.  Every count is first capped (x = min(x, cap) when cap
 * > 0); the marginals are sums of capped counts.  Then
 *   raw:   x
 *   log:   log(1 + x)
 *   ppmi:  max(0, log(x * S / (rowsum_r * colsum_c^a)) - log(shift))
 *          where S = sum over all columns c' of colsum_c'^a, a = cds
 *          (the hyperwords formula; a = 1 is plain PPMI).
 * A weight of 0 drops the cell.
 */
enum weight_kind { WEIGHT_RAW, WEIGHT_LOG, WEIGHT_PPMI };

struct weighting {
	int kind;		/* enum weight_kind */
	double cap;		/* count cap, 0 for none */
	double cds;		/* context distribution smoothing exponent a */
	double shift;		/* k of shifted PPMI, >= 1 */
	uint32_t nrows, ncols;
	double *rowsum;		/* [nrows] sum of capped counts per row */
	double *colsum;		/* [ncols] per column */
	/* weight_finish: ppmi = log(x) + lrow[r] + lcol[c], clipped at 0 */
	double *lrow;		/* [nrows] -log(rowsum_r) */
	double *lcol;		/* [ncols] log S - a log colsum_c - log shift */
};

/* "raw", "log", "ppmi"; -1 for anything else. */
int weight_parse(const char *s);
const char *weight_name(int kind);
void weight_init(struct weighting *w, int kind, double cap, double cds,
    double shift, uint32_t nrows, uint32_t ncols);
void weight_free(struct weighting *w);
/* Capped count of a raw one. */
static inline double
weight_cap(const struct weighting *w, double x)
{
	return w->cap > 0 && x > w->cap ? w->cap : x;
}
/* Account one capped cell in the marginals. */
static inline void
weight_count(struct weighting *w, uint32_t r, uint32_t c, double x)
{
	w->rowsum[r] += x;
	w->colsum[c] += x;
}
/* After all cells are counted: the per-row and per-column PPMI terms. */
void weight_finish(struct weighting *w);
/* Weighted value of a capped cell; 0 means the cell is dropped. */
float weight_apply(const struct weighting *w, uint32_t r, uint32_t c,
    double x);

/*
 * The sparse matrix.  smat_add takes raw cells (capping them, counting the
 * marginals); they stay in memory while they fit under the memory budget
 * and otherwise go to a spool file in $TMPDIR.  smat_finish fixes the
 * weighting and, when the weighted nonzeros fit, builds CSR and CSC copies
 * (fast products, threads over row blocks); a spooled matrix is read again
 * on every product, weighted as the cells stream by.
 */
struct smat;

struct smat *smat_new(struct weighting *w, uint64_t budget);
void smat_add(struct smat *m, const struct cooc_rec *cells, size_t n);
void smat_finish(struct smat *m);
void smat_free(struct smat *m);
int smat_spooled(const struct smat *m);
uint64_t smat_cells(const struct smat *m);	/* raw cells added */
uint64_t smat_nnz(const struct smat *m);	/* weighted nonzeros (finish) */
uint64_t smat_bytes(const struct smat *m);	/* memory held after finish */

/*
 * Y = A X (trans 0: X is C x l, Y is R x l) or Y = A^T X (trans 1: X is
 * R x l, Y is C x l), Y overwritten, with nthreads threads over blocks of
 * output rows.  The sums for one output row run in the order the cells
 * were added whatever the thread count and storage, so the result is the
 * same bytes for every thread count and for memory and spool.
 */
void smat_mul(const struct smat *m, int trans, const float *X, float *Y,
    uint32_t l, int nthreads);
/*
 * The plain reference: one loop over cells[0..n) (raw, uncapped) weighted
 * by w, double accumulators.  Same shapes as smat_mul.
 */
void smat_mul_ref(const struct cooc_rec *cells, size_t n,
    const struct weighting *w, int trans, const float *X, double *Y,
    uint32_t l);

struct rsvd_opts {
	uint32_t k;		/* singular triplets wanted */
	uint32_t p;		/* oversampling */
	int q;			/* power iterations */
	uint64_t seed;
	int nthreads;
};

struct rsvd_result {
	uint32_t k;
	double *s;		/* [k] singular values, descending */
	float *U;		/* [R][k] left singular vectors */
	float *V;		/* [C][k] right singular vectors */
};

/* Bytes of dense memory rsvd_run needs for m with these options. */
uint64_t rsvd_dense_bytes(uint32_t nrows, uint32_t ncols, uint32_t l);
/*
 * Truncated SVD A ~ U diag(s) V^T.  l = k + p is cut to min(R, C).  Signs:
 * each left vector's entry of largest magnitude is positive.  Progress
 * goes through cli_progress, and with -v one line per pass.
 */
void rsvd_run(const struct smat *m, const struct rsvd_opts *o,
    struct rsvd_result *res);
void rsvd_result_free(struct rsvd_result *res);

/* Tests: 1 forces Householder QR where CholeskyQR2 would do. */
extern int rsvd_householder_only;

/* Private PRNG, exposed for the tests: standard normal floats. */
void rsvd_gaussian(uint64_t seed, float *x, size_t n);

#endif
