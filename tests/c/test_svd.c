/*
 * test_svd.c - TAP tests for lib/rsvd.c: every weighting against values
 * worked out by hand, the fast sparse products against the plain
 * reference, and the randomized SVD against a full dense SVD
 * (LAPACKE_dgesdd) on small random and structured matrices.
 *
 * Tolerances (stated once, used below):
 *   weights            1e-6 absolute (they are floats of about 1)
 *   sparse products    1e-5 of the largest |entry| (float sums vs double)
 *   exact cases        1e-4 relative on singular values, principal-angle
 *                      cosines >= 1 - 1e-4 (l covers the whole rank)
 *   decaying spectrum  1e-3 relative on the top 10 singular values with
 *                      p = 10, q = 2; cosines >= 1 - 1e-3
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rsvd.h"
#include "tap.h"

/* A tiny deterministic generator for the test matrices (not rsvd's). */
static uint64_t tstate = 88172645463325252ULL;

static double
urand(void)
{
	tstate ^= tstate << 13;
	tstate ^= tstate >> 7;
	tstate ^= tstate << 17;
	return (tstate >> 11) * 0x1.0p-53;
}

/* ---- weighting by hand ---- */

/*
 * The 2 x 3 counts
 *      c0 c1 c2
 *  r0   2  1  4     rowsum 7
 *  r1   3  .  1     rowsum 4
 *  colsum 5 1 5
 */
static const struct cooc_rec tiny[] = {
	{ 0, 0, 2 }, { 0, 1, 1 }, { 0, 2, 4 }, { 1, 0, 3 }, { 1, 2, 1 },
};

static void
check_weights(const char *what, int kind, double cap, double cds,
    double shift, const double *want)
{
	struct weighting w;
	double err = 0;

	weight_init(&w, kind, cap, cds, shift, 2, 3);
	for (int i = 0; i < 5; i++)
		weight_count(&w, tiny[i].w1, tiny[i].w2,
		    weight_cap(&w, tiny[i].x));
	weight_finish(&w);
	for (int i = 0; i < 5; i++) {
		double v = weight_apply(&w, tiny[i].w1, tiny[i].w2,
		    weight_cap(&w, tiny[i].x));
		if (fabs(v - want[i]) > err)
			err = fabs(v - want[i]);
	}
	ok(err <= 1e-6, "weighting %s matches the hand-computed values "
	    "(max error %.2g)", what, err);
	weight_free(&w);
}

static void
test_weights(void)
{
	/* x itself. */
	static const double raw[] = { 2, 1, 4, 3, 1 };
	/* log(1 + x): log 3, log 2, log 5, log 4, log 2. */
	static const double lg[] = { 1.0986122886681098, 0.6931471805599453,
	    1.6094379124341003, 1.3862943611198906, 0.6931471805599453 };
	/*
	 * PPMI, a = 1: S = 11; pmi = log(x * 11 / (rowsum * colsum)):
	 * log(22/35) < 0, log(11/7), log(44/35), log(33/20), log(11/20) < 0.
	 */
	static const double ppmi[] = { 0, 0.45198512374305722,
	    0.22884157242884745, 0.50077528791248915, 0 };
	/*
	 * cds a = 0.75: S = 2 * 5^0.75 + 1 = 7.687403; pmi = log(x S /
	 * (rowsum colsum^0.75)): log(2S/(7*5^.75)) < 0, log(S/7),
	 * log(4S/(7*5^.75)), log(3S/(4*5^.75)), log(S/(4*5^.75)) < 0.
	 */
	static const double cds[] = { 0, 0.09367287258501415,
	    0.27288879937932947, 0.5448225148629713, 0 };
	/* Shifted by log 1.2 = 0.18232: (0,1) falls below 0. */
	static const double shifted[] = { 0, 0, 0.09056724258537488,
	    0.3625009580690166, 0 };
	/*
	 * Cap 3: (0,2) counts 3, so rowsum 6 4, colsum 5 1 4, S = 5^.75 + 1
	 * + 4^.75 = 6.171744; log(S/6), log(3S/(6*4^.75)), log(3S/(4*5^.75)).
	 */
	static const double capped[] = { 0, 0.17844302411584517,
	    0.23733454194403694, 0.47544198656654413, 0 };

	check_weights("raw", WEIGHT_RAW, 0, 0.75, 1, raw);
	check_weights("log(1+x)", WEIGHT_LOG, 0, 0.75, 1, lg);
	check_weights("ppmi (cds 1)", WEIGHT_PPMI, 0, 1, 1, ppmi);
	check_weights("ppmi cds 0.75", WEIGHT_PPMI, 0, 0.75, 1, cds);
	check_weights("shifted ppmi (k 1.2, cds 0.75)", WEIGHT_PPMI, 0, 0.75,
	    1.2, shifted);
	check_weights("ppmi with cap 3", WEIGHT_PPMI, 3, 0.75, 1, capped);
	ok(weight_parse("ppmi") == WEIGHT_PPMI && weight_parse("log") ==
	    WEIGHT_LOG && weight_parse("raw") == WEIGHT_RAW &&
	    weight_parse("pmi") == -1, "weight_parse knows raw, log, ppmi "
	    "and refuses others");
}

/* ---- matrices for the products and the SVD ---- */

struct mat {
	struct weighting w;
	struct smat *m;
	struct cooc_rec *cells;
	size_t n;
	uint32_t R, C;
};

/* Random sparse counts: each cell present with probability dens. */
static void
mat_random(struct mat *a, uint32_t R, uint32_t C, double dens)
{
	a->R = R;
	a->C = C;
	a->cells = xmalloc((size_t)R * C * sizeof(*a->cells));
	a->n = 0;
	for (uint32_t r = 0; r < R; r++)
		for (uint32_t c = 0; c < C; c++)
			if (urand() < dens)
				a->cells[a->n++] = (struct cooc_rec){ r, c,
				    (float)floor(1 + 40 * urand() * urand()) };
}

/* Load a's cells (shuffled order kept) with this weighting and budget. */
static void
mat_load(struct mat *a, int kind, double cap, double cds, uint64_t budget)
{
	weight_init(&a->w, kind, cap, cds, 1, a->R, a->C);
	a->m = smat_new(&a->w, budget);
	/* In two calls, as a stream gives blocks. */
	smat_add(a->m, a->cells, a->n / 2);
	smat_add(a->m, a->cells + a->n / 2, a->n - a->n / 2);
	smat_finish(a->m);
}

static void
mat_unload(struct mat *a)
{
	smat_free(a->m);
	weight_free(&a->w);
}

/* The weighted matrix as a column-major R x C dense array. */
static double *
mat_dense(const struct mat *a)
{
	double *d = xcalloc((size_t)a->R * a->C, sizeof(double));

	for (size_t i = 0; i < a->n; i++) {
		const struct cooc_rec *c = &a->cells[i];
		d[c->w1 + (size_t)c->w2 * a->R] += weight_apply(&a->w, c->w1,
		    c->w2, weight_cap(&a->w, c->x));
	}
	return d;
}

static void
test_products(void)
{
	struct mat a, b;
	uint32_t l = 7;
	float *X, *XT, *Y1, *Y2, *Ys;
	double *ref;
	int same = 1;

	mat_random(&a, 300, 200, 0.05);
	b = a;
	mat_load(&a, WEIGHT_PPMI, 30, 0.75, 1 << 30);
	mat_load(&b, WEIGHT_PPMI, 30, 0.75, 0);
	ok(!smat_spooled(a.m) && smat_spooled(b.m), "a matrix stays in "
	    "memory under a large budget and is spooled under none");
	X = xmalloc(300 * l * sizeof(float));
	XT = xmalloc(300 * l * sizeof(float));
	Y1 = xmalloc(300 * l * sizeof(float));
	Y2 = xmalloc(300 * l * sizeof(float));
	Ys = xmalloc(300 * l * sizeof(float));
	ref = xmalloc(300 * l * sizeof(double));
	for (int i = 0; i < 300 * (int)l; i++) {
		X[i] = (float)(urand() - 0.5);
		XT[i] = (float)(urand() - 0.5);
	}
	for (int trans = 0; trans <= 1; trans++) {
		uint32_t nout = trans ? 200 : 300;
		const float *in = trans ? XT : X;
		double err = 0, big = 0;

		smat_mul_ref(a.cells, a.n, &a.w, trans, in, ref, l);
		for (int nt = 1; nt <= 3; nt++) {
			smat_mul(a.m, trans, in, Y1, l, nt);
			smat_mul(b.m, trans, in, Ys, l, nt);
			if (nt == 1)
				memcpy(Y2, Y1, nout * l * sizeof(float));
			if (memcmp(Y1, Y2, nout * l * sizeof(float)) != 0 ||
			    memcmp(Y1, Ys, nout * l * sizeof(float)) != 0)
				same = 0;
		}
		for (size_t i = 0; i < (size_t)nout * l; i++) {
			if (fabs(ref[i]) > big)
				big = fabs(ref[i]);
			if (fabs(Y1[i] - ref[i]) > err)
				err = fabs(Y1[i] - ref[i]);
		}
		ok(big > 0 && err <= 1e-5 * big, "CSR/CSC product %s agrees "
		    "with the plain reference (error %.2g of %.3g)",
		    trans ? "A^T X" : "A X", err, big);
	}
	ok(same, "products are the same bytes for 1, 2, 3 threads and for "
	    "memory and spool");
	ok(smat_nnz(a.m) == smat_nnz(b.m) && smat_nnz(a.m) > 0 &&
	    smat_nnz(a.m) < a.n, "memory and spool count the same PPMI "
	    "nonzeros (%llu of %zu cells)", (unsigned long long)smat_nnz(a.m),
	    a.n);
	mat_unload(&a);
	mat_unload(&b);
	free(a.cells);
	free(X);
	free(XT);
	free(Y1);
	free(Y2);
	free(Ys);
	free(ref);
}

/*
 * Compare rsvd's k triplets with dgesdd's on the dense matrix: relative
 * error of the singular values, the smallest cosine of the principal
 * angles between the left subspaces and between the right ones, and the
 * largest residual |A^T u_j - s_j v_j| / s_1.
 */
static void
compare(const char *what, struct mat *a, const struct rsvd_opts *o,
    double tol, struct rsvd_result *out)
{
	uint32_t R = a->R, C = a->C, mn = R < C ? R : C, k;
	double *d = mat_dense(a), *s = xmalloc(mn * sizeof(double));
	double *u = xmalloc((size_t)R * mn * sizeof(double));
	double *vt = xmalloc((size_t)mn * C * sizeof(double));
	double serr = 0, cu = 1, cv = 1, res = 0, *d2 = mat_dense(a);
	struct rsvd_result r;
	lapack_int info;
	int signs = 1;

	info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'S', R, C, d, R, s, u, R, vt,
	    mn);
	if (info != 0) {
		ok(0, "%s: LAPACKE_dgesdd failed (info %d)", what, (int)info);
		return;
	}
	rsvd_run(a->m, o, &r);
	k = r.k;
	for (uint32_t j = 0; j < k; j++)
		if (fabs(r.s[j] - s[j]) / s[j] > serr)
			serr = fabs(r.s[j] - s[j]) / s[j];
	/* Cosines: singular values of U_k^T Uref_k (k x k). */
	for (int side = 0; side < 2; side++) {
		uint32_t n = side ? C : R;
		double *m = xcalloc((size_t)k * k, sizeof(double));
		double *sv = xmalloc(k * sizeof(double));
		for (uint32_t i = 0; i < k; i++)
			for (uint32_t j = 0; j < k; j++)
				for (uint32_t t = 0; t < n; t++) {
					double x = side ? r.V[(size_t)t * k + i]
					    : r.U[(size_t)t * k + i];
					double y = side ? vt[j + (size_t)t * mn]
					    : u[t + (size_t)j * R];
					m[i + (size_t)j * k] += x * y;
				}
		info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', k, k, m, k, sv,
		    NULL, 1, NULL, 1);
		if (info != 0)
			sv[k - 1] = 0;
		if (side)
			cv = sv[k - 1];
		else
			cu = sv[k - 1];
		free(m);
		free(sv);
	}
	for (uint32_t j = 0; j < k; j++) {
		double big = 0;
		for (uint32_t c = 0; c < C; c++) {
			double x = 0;
			for (uint32_t t = 0; t < R; t++)
				x += d2[t + (size_t)c * R] * r.U[(size_t)t * k +
				    j];
			x -= r.s[j] * r.V[(size_t)c * k + j];
			if (fabs(x) / r.s[0] > res)
				res = fabs(x) / r.s[0];
		}
		for (uint32_t t = 0; t < R; t++)
			if (fabs(r.U[(size_t)t * k + j]) > fabs(big))
				big = r.U[(size_t)t * k + j];
		if (big <= 0)
			signs = 0;
	}
	ok(serr <= tol, "%s: %u singular values agree with dgesdd (largest "
	    "relative error %.2g, tolerance %.0g)", what, k, serr, tol);
	ok(cu >= 1 - tol && cv >= 1 - tol, "%s: left and right subspaces "
	    "agree with dgesdd (smallest cosines %.8f, %.8f)", what, cu, cv);
	ok(res <= 10 * tol, "%s: A^T u = s v holds (residual %.2g of s_1)",
	    what, res);
	ok(signs, "%s: each left vector's largest entry is positive", what);
	if (out != NULL)
		*out = r;
	else
		rsvd_result_free(&r);
	free(d);
	free(d2);
	free(s);
	free(u);
	free(vt);
}

/*
 * Block diagonal: a block of a x b cells all equal to c has the single
 * singular value c sqrt(ab), so the spectrum is known by hand.
 */
static void
test_blocks(void)
{
	static const struct { uint32_t a, b; float c; double s; } blk[] = {
		{ 10, 8, 3, 26.832815729997478 },	/* 3 sqrt(80) */
		{ 6, 12, 2, 16.970562748477143 },	/* 2 sqrt(72) */
		{ 5, 5, 2.5, 12.5 },			/* 2.5 * 5 */
		{ 4, 3, 1, 3.4641016151377544 },	/* sqrt(12) */
	};
	struct mat a = { .R = 25, .C = 28 };
	struct rsvd_opts o = { .k = 4, .p = 3, .q = 2, .seed = 7,
	    .nthreads = 2 };
	struct rsvd_result r;
	uint32_t r0 = 0, c0 = 0;
	double err = 0;

	a.cells = xmalloc(25 * 28 * sizeof(*a.cells));
	for (int i = 0; i < 4; i++) {
		for (uint32_t x = 0; x < blk[i].a; x++)
			for (uint32_t y = 0; y < blk[i].b; y++)
				a.cells[a.n++] = (struct cooc_rec){ r0 + x,
				    c0 + y, blk[i].c };
		r0 += blk[i].a;
		c0 += blk[i].b;
	}
	mat_load(&a, WEIGHT_RAW, 0, 1, 1 << 30);
	compare("block diagonal 25 x 28, rank 4", &a, &o, 1e-4, &r);
	for (int i = 0; i < 4; i++)
		if (fabs(r.s[i] - blk[i].s) / blk[i].s > err)
			err = fabs(r.s[i] - blk[i].s) / blk[i].s;
	ok(err <= 1e-5, "block diagonal: singular values are c sqrt(ab) "
	    "(relative error %.2g)", err);
	rsvd_result_free(&r);
	mat_unload(&a);
	free(a.cells);
}

static void
test_random(void)
{
	struct mat a;
	struct rsvd_opts o = { .k = 40, .p = 0, .q = 0, .seed = 3,
	    .nthreads = 2 };

	/* l = min(R, C): the range is caught whole, any spectrum. */
	mat_random(&a, 60, 40, 0.3);
	mat_load(&a, WEIGHT_LOG, 0, 1, 1 << 30);
	compare("random 60 x 40 log counts, k = min(R, C)", &a, &o, 1e-4,
	    NULL);
	rsvd_householder_only = 1;
	compare("the same through Householder QR", &a, &o, 1e-4, NULL);
	rsvd_householder_only = 0;
	mat_unload(&a);
	free(a.cells);
}

/*
 * Nonnegative low rank with decaying weights plus sparse noise: a
 * spectrum like a co-occurrence matrix's, PPMI-weighted.
 */
static void
test_decaying(void)
{
	uint32_t R = 300, C = 250, rank = 40;
	struct mat a = { .R = R, .C = C }, b;
	struct rsvd_opts o = { .k = 10, .p = 10, .q = 2, .seed = 11,
	    .nthreads = 2 };
	double *W = xmalloc((size_t)R * rank * sizeof(double));
	double *H = xmalloc((size_t)rank * C * sizeof(double));
	struct rsvd_result r1, r2, r3;

	for (uint32_t i = 0; i < R * rank; i++)
		W[i] = urand() < 0.2 ? urand() : 0;
	for (uint32_t i = 0; i < rank * C; i++)
		H[i] = urand() < 0.2 ? urand() * 30 * pow(0.8, i / C) : 0;
	a.cells = xmalloc((size_t)R * C * sizeof(*a.cells));
	for (uint32_t r = 0; r < R; r++)
		for (uint32_t c = 0; c < C; c++) {
			double x = urand() < 0.02 ? urand() : 0;
			for (uint32_t t = 0; t < rank; t++)
				x += W[r * rank + t] * H[t * C + c];
			if (x > 0)
				a.cells[a.n++] = (struct cooc_rec){ r, c,
				    (float)x };
		}
	mat_load(&a, WEIGHT_PPMI, 0, 0.75, 1 << 30);
	compare("low rank + noise 300 x 250, ppmi, k 10 p 10 q 2", &a, &o,
	    1e-3, &r1);
	/*
	 * Determinism: the spool gives the same bytes as memory.  Another
	 * thread count may change OpenBLAS's summation order, so there only
	 * closeness is promised.
	 */
	b = a;
	mat_load(&b, WEIGHT_PPMI, 0, 0.75, 0);
	rsvd_run(b.m, &o, &r2);
	ok(memcmp(r1.U, r2.U, (size_t)R * r1.k * sizeof(float)) == 0 &&
	    memcmp(r1.V, r2.V, (size_t)C * r1.k * sizeof(float)) == 0 &&
	    memcmp(r1.s, r2.s, r1.k * sizeof(double)) == 0,
	    "same seed and threads: the same bytes from the spool as from "
	    "memory");
	rsvd_result_free(&r2);
	o.nthreads = 1;
	rsvd_run(b.m, &o, &r2);
	o.nthreads = 2;
	{
		double e = 0;
		for (size_t i = 0; i < (size_t)R * r1.k; i++)
			if (fabs(r1.U[i] - r2.U[i]) > e)
				e = fabs(r1.U[i] - r2.U[i]);
		ok(e <= 1e-4, "1 thread and 2 threads agree (largest "
		    "difference in U %.2g)", e);
	}
	o.seed = 12;
	rsvd_run(a.m, &o, &r3);
	ok(memcmp(r1.U, r3.U, (size_t)R * r1.k * sizeof(float)) != 0,
	    "another seed gives other bytes");
	rsvd_result_free(&r1);
	rsvd_result_free(&r2);
	rsvd_result_free(&r3);
	mat_unload(&a);
	mat_unload(&b);
	free(a.cells);
	free(W);
	free(H);
}

static void
test_gaussian(void)
{
	size_t n = 200001;
	float *x = xmalloc(n * sizeof(float)), *y = xmalloc(n * sizeof(float));
	double m = 0, v = 0;

	rsvd_gaussian(5, x, n);
	rsvd_gaussian(5, y, n);
	for (size_t i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (size_t i = 0; i < n; i++)
		v += (x[i] - m) * (x[i] - m);
	v /= n - 1;
	/* Standard errors: 1/sqrt(n) = 0.0022 for the mean, 0.0032 var. */
	ok(fabs(m) < 0.01 && fabs(v - 1) < 0.015 && memcmp(x, y, n *
	    sizeof(float)) == 0, "rsvd_gaussian: mean %.4f, variance %.4f, "
	    "repeatable", m, v);
	free(x);
	free(y);
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	cli_verbose = -1;
	test_weights();
	test_products();
	test_blocks();
	test_random();
	test_decaying();
	test_gaussian();
	return tap_done();
}
