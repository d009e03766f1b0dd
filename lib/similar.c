/*
 * similar.c - nearest words to a combination of words (see similar.h).
 * One sgemv over the unit rows: s[n] = U[n][d] . q[d].
 */
#include "similar.h"

#include <math.h>
#include <stdlib.h>

#include <cblas.h>

#include "cli.h"

uint32_t
similar_query(const struct emb *e, const int64_t *pos, uint32_t np,
    const int64_t *neg, uint32_t nn, uint32_t k, uint32_t *idx,
    double *score)
{
	const uint32_t d = e->dim;
	double *acc = xcalloc(d, sizeof(double));
	float *q = xcalloc(d, sizeof(float));
	float *s = xreallocarray(NULL, e->n > 0 ? e->n : 1, sizeof(float));
	double qn = 0;
	uint32_t got = 0;

	for (uint32_t i = 0; i < np + nn; i++) {
		int64_t r = i < np ? pos[i] : neg[i - np];
		double sign = i < np ? 1 : -1;
		for (uint32_t j = 0; j < d; j++)
			acc[j] += sign * e->u[(size_t)r * d + j];
	}
	/* The mean's direction is the sum's: the 1 / (np + nn) cancels. */
	for (uint32_t j = 0; j < d; j++)
		qn += acc[j] * acc[j];
	qn = qn > 0 ? sqrt(qn) : 1;
	for (uint32_t j = 0; j < d; j++)
		q[j] = (float)(acc[j] / qn);
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)e->n, (int)d, 1.0f, e->u,
	    (int)d, q, 1, 0.0f, s, 1);
	for (uint32_t i = 0; i < np + nn; i++)
		s[i < np ? pos[i] : neg[i - np]] = -INFINITY;
	if (e->unk >= 0)
		s[e->unk] = -INFINITY;
	got = emb_best(s, e->n, k, idx, score);
	free(acc);
	free(q);
	free(s);
	return got;
}
