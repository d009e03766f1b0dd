/*
 * knn.c - top-k rows by dot product for a batch of queries.
 *
 * S[bq][bn] = Q[bq][d] . U[bn][d]^T, one sgemm per block: bq = 256
 * queries against bn = 2048 rows is a 2 MB block of scores, which the
 * per-query insertion into a best-k list then reads once.  For 10,000
 * queries over 100,000 rows of 300 floats that is 6e11 flops, seconds
 * on a few cores, where one sgemv per query would be memory-bound.
 */
#include "knn.h"

#include <math.h>
#include <stdlib.h>

#include <cblas.h>

#include "cli.h"

#define KNN_BQ 256
#define KNN_BN 2048

/* Insert (s, w) into the best-k list idx/score of length *got. */
static void
best_insert(uint32_t *idx, float *score, uint32_t k, uint32_t *got, float s,
    uint32_t w)
{
	uint32_t p;

	if (*got == k && !(s > score[k - 1]))
		return;
	p = *got < k ? (*got)++ : k - 1;
	while (p > 0 && s > score[p - 1]) {
		score[p] = score[p - 1];
		idx[p] = idx[p - 1];
		p--;
	}
	score[p] = s;
	idx[p] = w;
}

static void
best_init(uint32_t *idx, float *score, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		idx[i] = UINT32_MAX;
		score[i] = -INFINITY;
	}
}

uint32_t
knn_topk(const float *q, uint32_t nq, const float *u, uint32_t n, uint32_t d,
    const int64_t *skip, uint32_t k, uint32_t *idx, float *score)
{
	float *s = xreallocarray(NULL, (size_t)KNN_BQ * KNN_BN, sizeof(float));
	uint32_t *got = xcalloc(nq > 0 ? nq : 1, sizeof(uint32_t));
	uint32_t most = 0;

	best_init(idx, score, (size_t)nq * k);
	for (uint32_t q0 = 0; q0 < nq; q0 += KNN_BQ) {
		uint32_t mq = nq - q0 < KNN_BQ ? nq - q0 : KNN_BQ;
		for (uint32_t w0 = 0; w0 < n; w0 += KNN_BN) {
			uint32_t mw = n - w0 < KNN_BN ? n - w0 : KNN_BN;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
			    (int)mq, (int)mw, (int)d, 1.0f, q + (size_t)q0 * d,
			    (int)d, u + (size_t)w0 * d, (int)d, 0.0f, s,
			    (int)mw);
			for (uint32_t i = 0; i < mq; i++) {
				uint32_t qi = q0 + i;
				const float *row = s + (size_t)i * mw;
				for (uint32_t j = 0; j < mw; j++) {
					if (skip != NULL && skip[qi] ==
					    (int64_t)w0 + j)
						continue;
					best_insert(idx + (size_t)qi * k,
					    score + (size_t)qi * k, k, &got[qi],
					    row[j], w0 + j);
				}
			}
		}
	}
	for (uint32_t i = 0; i < nq; i++)
		if (got[i] > most)
			most = got[i];
	free(s);
	free(got);
	return most;
}

uint32_t
knn_topk_ref(const float *q, uint32_t nq, const float *u, uint32_t n,
    uint32_t d, const int64_t *skip, uint32_t k, uint32_t *idx, float *score)
{
	uint32_t most = 0;

	best_init(idx, score, (size_t)nq * k);
	for (uint32_t i = 0; i < nq; i++) {
		uint32_t got = 0;
		for (uint32_t w = 0; w < n; w++) {
			double t = 0;
			if (skip != NULL && skip[i] == (int64_t)w)
				continue;
			for (uint32_t j = 0; j < d; j++)
				t += (double)q[(size_t)i * d + j] *
				    u[(size_t)w * d + j];
			best_insert(idx + (size_t)i * k, score + (size_t)i * k,
			    k, &got, (float)t, w);
		}
		if (got > most)
			most = got;
	}
	return most;
}
