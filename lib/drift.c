/*
 * drift.c - word-by-word comparison of two vector sets A and B.
 *
 * Legend: m shared words, nq of them queried, k neighbours, d dims.
 *
 * Two measures, because they fail differently:
 *  - the cosine of a word with itself after B is rotated onto A by
 *    orthogonal Procrustes (align.c), which is 1 for a word whose vector
 *    moved with the whole space and low for one whose meaning moved;
 *  - the overlap of a word's k nearest neighbours in A and in B, which
 *    needs no alignment at all.  Neighbours are searched among the
 *    shared words only, so that a word that is new in B is not counted
 *    as a change in every old word's neighbours.
 */
#include "drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cli.h"
#include "knn.h"
#include "vocab.h"

/* Shared words in A's order; the rest of each side as new or dropped. */
static void
drift_match(struct drift *dr, const struct vecset *a, const struct vecset *b)
{
	struct vocab *tab = vocab_new();
	int64_t *ina = xreallocarray(NULL, b->n > 0 ? b->n : 1, sizeof(int64_t));
	unsigned char *inb = xcalloc(a->n > 0 ? a->n : 1, 1);
	unsigned char *isfirst = xcalloc(a->n > 0 ? a->n : 1, 1);
	uint32_t *first = xreallocarray(NULL, a->n > 0 ? a->n : 1, sizeof(uint32_t));

	/* A word listed twice counts at its first (most frequent) row. */
	for (uint32_t i = 0; i < a->n; i++) {
		size_t len = strlen(a->words[i]);
		if (vocab_find(tab, a->words[i], len) >= 0)
			continue;
		first[vocab_add(tab, a->words[i], len, 1)] = i;
		isfirst[i] = 1;
	}
	for (uint32_t j = 0; j < b->n; j++) {
		int64_t id = vocab_find(tab, b->words[j], strlen(b->words[j]));
		ina[j] = id >= 0 && !inb[first[id]] ? (int64_t)first[id] : -1;
		if (ina[j] >= 0)
			inb[ina[j]] = 1;
	}
	dr->w = xcalloc(a->n > 0 ? a->n : 1, sizeof(*dr->w));
	dr->fresh = xcalloc(b->n > 0 ? b->n : 1, sizeof(uint32_t));
	dr->dropped = xcalloc(a->n > 0 ? a->n : 1, sizeof(uint32_t));
	/* rowb[i]: B's row of A's row i. */
	uint32_t *rowb = xreallocarray(NULL, a->n > 0 ? a->n : 1,
	    sizeof(uint32_t));
	for (uint32_t j = 0; j < b->n; j++)
		if (ina[j] >= 0)
			rowb[ina[j]] = j;
		else
			dr->fresh[dr->nnew++] = j;
	for (uint32_t i = 0; i < a->n; i++)
		if (inb[i]) {
			dr->w[dr->m].a = i;
			dr->w[dr->m].b = rowb[i];
			dr->w[dr->m].overlap = NAN;
			dr->m++;
		} else if (isfirst[i])
			dr->dropped[dr->ndropped++] = i;
	vocab_free(tab);
	free(ina);
	free(inb);
	free(isfirst);
	free(first);
	free(rowb);
}

/* Unit rows of the shared words of one side: out[m][d]. */
static float *
shared_unit(const struct drift *dr, const float *v, uint32_t d, int side_b)
{
	float *out = xreallocarray(NULL, (size_t)dr->m * d, sizeof(float));

	for (uint32_t i = 0; i < dr->m; i++) {
		const float *x = v + (size_t)(side_b ? dr->w[i].b :
		    dr->w[i].a) * d;
		float *y = out + (size_t)i * d;
		double s = 0;
		for (uint32_t j = 0; j < d; j++)
			s += (double)x[j] * x[j];
		s = s > 0 ? sqrt(s) : 1;
		for (uint32_t j = 0; j < d; j++)
			y[j] = (float)(x[j] / s);
	}
	return out;
}

/* Neighbour lists of the nq queries in one side's unit rows u[m][d]. */
static uint32_t *
drift_neighbours(const struct drift *dr, const float *u, uint32_t d)
{
	uint32_t *idx = xreallocarray(NULL, (size_t)dr->nq * dr->k,
	    sizeof(uint32_t));
	float *score = xreallocarray(NULL, (size_t)dr->nq * dr->k,
	    sizeof(float));
	int64_t *skip = xreallocarray(NULL, dr->nq, sizeof(int64_t));

	for (uint32_t i = 0; i < dr->nq; i++)
		skip[i] = i;
	knn_topk(u, dr->nq, u, dr->m, d, skip, dr->k, idx, score);
	free(score);
	free(skip);
	return idx;
}

struct drift *
drift_compute(const struct vecset *a, const struct vecset *b, uint32_t k,
    uint32_t nq)
{
	struct drift *dr = xcalloc(1, sizeof(*dr));
	const uint32_t d = a->dim;

	if (a->dim != b->dim)
		cli_die("the vectors have %u and %u dimensions; drift compares "
		    "vectors of the same dimension", a->dim, b->dim);
	drift_match(dr, a, b);
	if (dr->m < 2)
		cli_die("the two sets share %u words; drift needs at least 2",
		    dr->m);
	dr->k = k < dr->m - 1 ? k : dr->m - 1;
	dr->nq = nq > 0 && nq < dr->m ? nq : dr->m;

	float *ua = shared_unit(dr, a->v, d, 0);
	float *ub = shared_unit(dr, b->v, d, 1);
	dr->nbr_a = drift_neighbours(dr, ua, d);
	dr->nbr_b = drift_neighbours(dr, ub, d);

	/* Overlap by stamping A's list in mark[m]: O(k) per word. */
	uint32_t *mark = xcalloc(dr->m, sizeof(uint32_t));
	for (uint32_t i = 0; i < dr->nq; i++) {
		const uint32_t *na = dr->nbr_a + (size_t)i * dr->k;
		const uint32_t *nb = dr->nbr_b + (size_t)i * dr->k;
		uint32_t same = 0;
		for (uint32_t j = 0; j < dr->k; j++)
			if (na[j] != UINT32_MAX)
				mark[na[j]] = i + 1;
		for (uint32_t j = 0; j < dr->k; j++)
			same += nb[j] != UINT32_MAX && mark[nb[j]] == i + 1;
		dr->w[i].overlap = (double)same / dr->k;
	}
	free(mark);

	/* Rotate B's shared unit rows onto A's; then each word's cosine. */
	double *r = xreallocarray(NULL, (size_t)d * d, sizeof(double));
	int info = align_procrustes(ub, ua, dr->m, d, r);
	if (info != 0)
		cli_die("LAPACKE_dgesvd failed (info %d) aligning %u words", info,
		    dr->m);
	align_apply(ub, dr->m, d, r);
	for (uint32_t i = 0; i < dr->m; i++) {
		const float *x = ua + (size_t)i * d, *y = ub + (size_t)i * d;
		double s = 0, nx = 0, ny = 0;
		for (uint32_t j = 0; j < d; j++) {
			s += (double)x[j] * y[j];
			nx += (double)x[j] * x[j];
			ny += (double)y[j] * y[j];
		}
		dr->w[i].cos = nx > 0 && ny > 0 ? s / sqrt(nx * ny) : 0;
	}
	free(r);
	free(ua);
	free(ub);
	return dr;
}

void
drift_free(struct drift *dr)
{
	if (dr == NULL)
		return;
	free(dr->w);
	free(dr->fresh);
	free(dr->dropped);
	free(dr->nbr_a);
	free(dr->nbr_b);
	free(dr);
}
