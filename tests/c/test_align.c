/*
 * test_align.c - unit tests for aligning and comparing vector sets:
 * orthogonal Procrustes (lib/align.c) recovers a known rotation and
 * keeps every cosine; the blocked top-k search (lib/knn.c) agrees with
 * its plain twin; drift (lib/drift.c) on hand-made sets.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cli.h"
#include "drift.h"
#include "knn.h"
#include "tap.h"
#include "vecio.h"

static uint64_t seed = 12345;

/* Uniform in [-1, 1): a small LCG is enough for test data. */
static double
unif(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(seed >> 11) / 9007199254740992.0 * 2 - 1;
}

/* A random orthogonal q[d][d]: Gram-Schmidt on random rows. */
static void
random_rotation(double *q, uint32_t d)
{
	for (uint32_t i = 0; i < d; i++) {
		double *r = q + (size_t)i * d, s = 0;
		for (uint32_t j = 0; j < d; j++)
			r[j] = unif();
		for (uint32_t p = 0; p < i; p++) {
			const double *o = q + (size_t)p * d;
			double t = 0;
			for (uint32_t j = 0; j < d; j++)
				t += r[j] * o[j];
			for (uint32_t j = 0; j < d; j++)
				r[j] -= t * o[j];
		}
		for (uint32_t j = 0; j < d; j++)
			s += r[j] * r[j];
		for (uint32_t j = 0; j < d; j++)
			r[j] /= sqrt(s);
	}
}

static double
cosf_rows(const float *x, const float *y, uint32_t d)
{
	double s = 0, a = 0, b = 0;

	for (uint32_t j = 0; j < d; j++) {
		s += (double)x[j] * y[j];
		a += (double)x[j] * x[j];
		b += (double)y[j] * y[j];
	}
	return s / sqrt(a * b);
}

static void
test_procrustes(void)
{
	const uint32_t n = 200, d = 16;
	float *x = malloc(sizeof(float) * n * d), *y = malloc(sizeof(float) *
	    n * d);
	double *q = malloc(sizeof(double) * d * d), *r = malloc(sizeof(double) *
	    d * d);
	double worst = 0, rworst = 0, cworst = 0;

	for (size_t i = 0; i < (size_t)n * d; i++)
		x[i] = (float)(unif() * (1 + i % 3));
	random_rotation(q, d);
	/* y = x Q: a rotated copy; aligning y onto x must give back x. */
	memcpy(y, x, sizeof(float) * n * d);
	align_apply(y, n, d, q);
	double c01 = cosf_rows(y, y + d, d), c57 = cosf_rows(y + 5 * d,
	    y + 7 * d, d);
	ok(align_procrustes(y, x, n, d, r) == 0, "procrustes: dgesvd succeeds");
	/* R must be Q^T. */
	for (uint32_t i = 0; i < d; i++)
		for (uint32_t j = 0; j < d; j++)
			rworst = fmax(rworst, fabs(r[(size_t)i * d + j] -
			    q[(size_t)j * d + i]));
	ok(rworst < 1e-7, "procrustes recovers the inverse rotation (max "
	    "error %.2g)", rworst);
	align_apply(y, n, d, r);
	for (size_t i = 0; i < (size_t)n * d; i++)
		worst = fmax(worst, fabs(y[i] - x[i]) / (1 + fabs(x[i])));
	ok(worst < 1e-5, "a rotated copy aligns back onto the original "
	    "(max error %.2g)", worst);
	cworst = fmax(fabs(cosf_rows(y, y + d, d) - c01),
	    fabs(cosf_rows(y + 5 * d, y + 7 * d, d) - c57));
	for (uint32_t i = 0; i + 1 < n; i++)
		cworst = fmax(cworst, fabs(cosf_rows(y + (size_t)i * d,
		    y + (size_t)(i + 1) * d, d) - cosf_rows(x + (size_t)i * d,
		    x + (size_t)(i + 1) * d, d)));
	ok(cworst < 1e-5, "alignment changes no cosine (max change %.2g)",
	    cworst);
	free(x);
	free(y);
	free(q);
	free(r);
}

static void
test_knn(void)
{
	const uint32_t n = 5000, nq = 300, d = 24, k = 7;
	float *u = malloc(sizeof(float) * n * d);
	uint32_t *i1 = malloc(sizeof(uint32_t) * nq * k), *i2 = malloc(
	    sizeof(uint32_t) * nq * k);
	float *s1 = malloc(sizeof(float) * nq * k), *s2 = malloc(
	    sizeof(float) * nq * k);
	int64_t skip[300];
	int same = 1;
	double worst = 0;

	for (size_t i = 0; i < (size_t)n * d; i++)
		u[i] = (float)unif();
	for (uint32_t i = 0; i < nq; i++)
		skip[i] = i * 7;	/* query i is row 7i, and skips itself */
	float *q = malloc(sizeof(float) * nq * d);
	for (uint32_t i = 0; i < nq; i++)
		memcpy(q + (size_t)i * d, u + (size_t)skip[i] * d,
		    sizeof(float) * d);
	ok(knn_topk(q, nq, u, n, d, skip, k, i1, s1) == k,
	    "knn: k found");
	knn_topk_ref(q, nq, u, n, d, skip, k, i2, s2);
	for (size_t i = 0; i < (size_t)nq * k; i++) {
		worst = fmax(worst, fabs(s1[i] - s2[i]));
		/* Rows may swap only where scores tie within rounding. */
		if (i1[i] != i2[i] && fabs(s1[i] - s2[i]) > 1e-4)
			same = 0;
	}
	ok(same && worst < 1e-4, "knn: blocked sgemm search agrees with the "
	    "plain loops (max score difference %.2g)", worst);
	int self = 0;
	for (uint32_t i = 0; i < nq; i++)
		for (uint32_t j = 0; j < k; j++)
			self |= i1[(size_t)i * k + j] == skip[i];
	ok(!self, "knn: a skipped row is never an answer");
	free(u);
	free(q);
	free(i1);
	free(i2);
	free(s1);
	free(s2);
}

/* A vecset by hand (words point into a static list). */
static struct vecset *
vs_make(char **words, uint32_t n, uint32_t d, const float *v)
{
	struct vecset *vs = calloc(1, sizeof(*vs));

	vs->n = n;
	vs->dim = d;
	vs->words = words;
	vs->v = malloc(sizeof(float) * n * d);
	memcpy(vs->v, v, sizeof(float) * n * d);
	return vs;
}

static void
test_drift(void)
{
	/*
	 * B is A turned by +90 degrees, (x, y) -> (-y, x), except "moved",
	 * which is turned by 270 (it points away from where it was);
	 * "gone" is only in A, "fresh" only in B.  By hand: the best
	 * rotation back is -90 degrees (fit 3 - 1 = 2; the best reflection
	 * fits only sqrt 2), so east, north and west have cosine 1 with
	 * themselves and moved -1.  Top-2 neighbours among the 4 shared
	 * words, ties to the lower row:
	 *   east  A {moved, north}  B {north, moved}  overlap 1
	 *   north A {moved, east}   B {east, west}    overlap 1/2
	 *   moved A {east, north}   B {west, east}    overlap 1/2
	 *   west  A {north, moved}  B {moved, north}  overlap 1
	 */
	static char *wa[] = { "east", "north", "moved", "west", "gone" };
	static char *wb[] = { "fresh", "north", "east", "moved", "west" };
	const float va[] = { 1, 0,  0, 1,  1, 1,  -1, 0,  -1, -1 };
	const float vb[] = { 5, 5,  -1, 0,  0, 2,  3, -3,  0, -1 };
	const double cos[] = { 1, 1, -1, 1 }, ov[] = { 1, .5, .5, 1 };
	struct vecset *a = vs_make(wa, 5, 2, va), *b = vs_make(wb, 5, 2, vb);
	struct drift *dr = drift_compute(a, b, 2, 0);
	int good = 1;

	ok(dr->m == 4 && dr->nq == 4 && dr->k == 2 && dr->nnew == 1 &&
	    dr->ndropped == 1 && dr->fresh[0] == 0 && dr->dropped[0] == 4,
	    "drift: 4 shared, 'fresh' new, 'gone' dropped");
	ok(dr->w[0].a == 0 && dr->w[0].b == 2 && dr->w[2].a == 2 &&
	    dr->w[2].b == 3, "drift: shared words in A's order with B's rows");
	for (int i = 0; i < 4; i++)
		good &= fabs(dr->w[i].cos - cos[i]) < 1e-6;
	ok(good, "drift: cosines with themselves after alignment are 1 1 "
	    "-1 1 (got %g %g %g %g)", dr->w[0].cos, dr->w[1].cos,
	    dr->w[2].cos, dr->w[3].cos);
	good = 1;
	for (int i = 0; i < 4; i++)
		good &= dr->w[i].overlap == ov[i];
	ok(good, "drift: top-2 overlaps are 1 .5 .5 1 (got %g %g %g %g)",
	    dr->w[0].overlap, dr->w[1].overlap, dr->w[2].overlap,
	    dr->w[3].overlap);
	drift_free(dr);
	dr = drift_compute(a, b, 2, 2);
	ok(dr->nq == 2 && isnan(dr->w[2].overlap) && dr->w[1].overlap == .5,
	    "drift: only the nq most frequent shared words are queried");
	drift_free(dr);
	free(a->v);
	free(b->v);
	free(a);
	free(b);
}

int
main(void)
{
	test_procrustes();
	test_knn();
	test_drift();
	return tap_done();
}
