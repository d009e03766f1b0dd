/*
 * knn.h - the k nearest rows of many queries at once, by dot product
 * (cosine for unit rows), one sgemm per block of queries and rows
 * (firth-eval drift, similar).
 *
 * Legend: nq queries, n rows searched, d dimensions, k kept per query.
 */
#ifndef FIRTH_KNN_H
#define FIRTH_KNN_H

#include <stdint.h>

/*
 * For each query row q[nq][d], the k rows of u[n][d] with the largest
 * dot products, best first, into idx[nq][k] and score[nq][k]; row
 * skip[i] (if skip and skip[i] >= 0) is never an answer to query i.
 * Ties go to the lower row.  Returns the most found for any query
 * (min(k, rows that may answer)); a query's slots past its own count
 * are left as UINT32_MAX / -inf.
 */
uint32_t knn_topk(const float *q, uint32_t nq, const float *u, uint32_t n,
    uint32_t d, const int64_t *skip, uint32_t k, uint32_t *idx,
    float *score);
/* The same by plain loops, for the tests. */
uint32_t knn_topk_ref(const float *q, uint32_t nq, const float *u,
    uint32_t n, uint32_t d, const int64_t *skip, uint32_t k, uint32_t *idx,
    float *score);

#endif
