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
#include "uwidth.h"
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
drift_new(const struct vecset *a, const struct vecset *b)
{
	struct drift *dr = xcalloc(1, sizeof(*dr));

	if (a->dim != b->dim)
		cli_die("the vectors have %u and %u dimensions; they can be "
		    "compared or aligned only in the same dimension", a->dim,
		    b->dim);
	drift_match(dr, a, b);
	if (dr->m < 2)
		cli_die("the two sets share %u word%s; at least 2 are needed",
		    dr->m, dr->m == 1 ? "" : "s");
	return dr;
}

struct drift *
drift_compute(const struct vecset *a, const struct vecset *b, uint32_t k,
    uint32_t nq)
{
	struct drift *dr = drift_new(a, b);
	const uint32_t d = a->dim;

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

double
drift_align(const struct drift *dr, const struct vecset *a, struct vecset *b)
{
	const uint32_t d = b->dim, m = dr->m;
	/* x[m][d] B's rows of the shared words, y[m][d] A's. */
	float *x = xreallocarray(NULL, (size_t)m * d, sizeof(float));
	float *y = xreallocarray(NULL, (size_t)m * d, sizeof(float));
	double *r = xreallocarray(NULL, (size_t)d * d, sizeof(double));
	double mc = 0;

	for (uint32_t i = 0; i < m; i++) {
		memcpy(x + (size_t)i * d, b->v + (size_t)dr->w[i].b * d,
		    d * sizeof(float));
		memcpy(y + (size_t)i * d, a->v + (size_t)dr->w[i].a * d,
		    d * sizeof(float));
	}
	int info = align_procrustes(x, y, m, d, r);
	if (info != 0)
		cli_die("LAPACKE_dgesvd failed (info %d) on %u shared words",
		    info, m);
	align_apply(b->v, b->n, d, r);
	for (uint32_t i = 0; i < m; i++) {
		const float *bx = b->v + (size_t)dr->w[i].b * d;
		const float *ay = y + (size_t)i * d;
		double sxy = 0, sxx = 0, syy = 0;
		for (uint32_t j = 0; j < d; j++) {
			sxy += (double)bx[j] * ay[j];
			sxx += (double)bx[j] * bx[j];
			syy += (double)ay[j] * ay[j];
		}
		mc += sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
	}
	free(x);
	free(y);
	free(r);
	return mc / m;
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

/* ---- the report ---- */

/* Frequency buckets by rank in A: 1-1000, 1001-10000, ... */
#define DRIFT_NBUCKET 4
static const uint32_t bucket_hi[DRIFT_NBUCKET] = { 1000, 10000, 100000,
    UINT32_MAX };

static int
bucket_of(uint32_t rank)
{
	int k = 0;

	while (rank > bucket_hi[k])
		k++;
	return k;
}

/* "1-1000", ..., "100001-", "all" (k == DRIFT_NBUCKET). */
static void
bucket_label(int k, char *buf, size_t len)
{
	if (k == DRIFT_NBUCKET)
		snprintf(buf, len, "all");
	else if (k == DRIFT_NBUCKET - 1)
		snprintf(buf, len, "%u-", bucket_hi[k - 1] + 1);
	else
		snprintf(buf, len, "%u-%u", k == 0 ? 1 : bucket_hi[k - 1] + 1,
		    bucket_hi[k]);
}

/* Order of words by cosine with themselves, lowest first, then rank. */
static const struct drift *sort_dr;

static int
moved_cmp(const void *x, const void *y)
{
	const struct drift_word *a = &sort_dr->w[*(const uint32_t *)x];
	const struct drift_word *b = &sort_dr->w[*(const uint32_t *)y];

	if (a->cos != b->cos)
		return a->cos < b->cos ? -1 : 1;
	return a->a < b->a ? -1 : a->a > b->a;
}

/* Up to 3 of word i's neighbours in one side, comma-separated. */
static void
nbr_list(FILE *f, const struct drift *dr, const struct vecset *a,
    const uint32_t *nbr, uint32_t i)
{
	for (uint32_t j = 0; j < dr->k && j < 3; j++) {
		uint32_t w = nbr[(size_t)i * dr->k + j];
		if (w != UINT32_MAX)
			fprintf(f, "%s%s", j ? "," : "", a->words[dr->w[w].a]);
	}
}

static void
word_list(FILE *f, const char *what, const uint32_t *rows, uint32_t n,
    const struct vecset *vs)
{
	fprintf(f, "%s %u", what, n);
	for (uint32_t i = 0; i < n && i < 10; i++)
		fprintf(f, "%s%s", i ? " " : ": ", vs->words[rows[i]]);
	if (n > 10)
		fprintf(f, " ...");
	fputc('\n', f);
}

void
drift_print(FILE *f, const struct drift *dr, const struct vecset *a,
    const struct vecset *b, const char *na, const char *nb, int tsv,
    uint32_t nmoved)
{
	double ov[DRIFT_NBUCKET + 1] = { 0 }, cs[DRIFT_NBUCKET + 1] = { 0 };
	uint32_t cnt[DRIFT_NBUCKET + 1] = { 0 };
	uint32_t *order = xreallocarray(NULL, dr->nq, sizeof(uint32_t));
	char label[40];

	for (uint32_t i = 0; i < dr->nq; i++) {
		int k = bucket_of(dr->w[i].a + 1);
		for (int t = 0; t < 2; t++, k = DRIFT_NBUCKET) {
			ov[k] += dr->w[i].overlap;
			cs[k] += dr->w[i].cos;
			cnt[k]++;
		}
		order[i] = i;
	}
	sort_dr = dr;
	qsort(order, dr->nq, sizeof(uint32_t), moved_cmp);
	if (nmoved > dr->nq)
		nmoved = dr->nq;
	if (tsv) {
		fprintf(f, "kind\tword\trank_a\trank_b\twords\tcosine\t"
		    "overlap\n");
		for (int k = 0; k <= DRIFT_NBUCKET; k++) {
			if (cnt[k] == 0)
				continue;
			bucket_label(k, label, sizeof(label));
			fprintf(f, "bucket\t%s\tNA\tNA\t%u\t%.6f\t%.6f\n",
			    label, cnt[k], cs[k] / cnt[k], ov[k] / cnt[k]);
		}
		for (uint32_t i = 0; i < dr->m; i++) {
			fprintf(f, "word\t%s\t%u\t%u\t1\t%.6f\t",
			    a->words[dr->w[i].a], dr->w[i].a + 1,
			    dr->w[i].b + 1, dr->w[i].cos);
			if (i < dr->nq)
				fprintf(f, "%.6f\n", dr->w[i].overlap);
			else
				fprintf(f, "NA\n");
		}
		for (uint32_t i = 0; i < dr->nnew; i++)
			fprintf(f, "new\t%s\tNA\t%u\t1\tNA\tNA\n",
			    b->words[dr->fresh[i]], dr->fresh[i] + 1);
		for (uint32_t i = 0; i < dr->ndropped; i++)
			fprintf(f, "dropped\t%s\t%u\tNA\t1\tNA\tNA\n",
			    a->words[dr->dropped[i]], dr->dropped[i] + 1);
		free(order);
		return;
	}
	fprintf(f, "drift from %s (%u words) to %s (%u words), %u "
	    "dimensions\n", na, a->n, nb, b->n, a->dim);
	fprintf(f, "%u shared words; top-%u neighbours among them compared "
	    "for the %u most frequent\n(frequency: row order in %s)\n\n",
	    dr->m, dr->k, dr->nq, na);
	fprintf(f, "%-18s %7s %9s %9s\n", "frequency rank", "words",
	    "overlap", "cosine");
	for (int k = 0; k <= DRIFT_NBUCKET; k++) {
		if (cnt[k] == 0)
			continue;
		bucket_label(k, label, sizeof(label));
		fprintf(f, "%-18s %7u %9.3f %9.3f\n", label, cnt[k],
		    ov[k] / cnt[k], cs[k] / cnt[k]);
	}
	fprintf(f, "\nmost moved (lowest cosine with itself after "
	    "alignment):\n");
	fprintf(f, "%-20s %7s %7s %7s  %s\n", "word", "rank", "cosine",
	    "overlap", "neighbours before -> after");
	for (uint32_t j = 0; j < nmoved; j++) {
		uint32_t i = order[j];
		uwidth_pad(f, a->words[dr->w[i].a], 20);
		fprintf(f, " %7u %7.3f %7.3f  ", dr->w[i].a + 1, dr->w[i].cos,
		    dr->w[i].overlap);
		nbr_list(f, dr, a, dr->nbr_a, i);
		fprintf(f, " -> ");
		nbr_list(f, dr, a, dr->nbr_b, i);
		fputc('\n', f);
	}
	fputc('\n', f);
	word_list(f, "new", dr->fresh, dr->nnew, b);
	word_list(f, "dropped", dr->dropped, dr->ndropped, a);
	free(order);
}

void
drift_align_onto(const struct vecset *prev, struct vecset *vs,
    const char *prevname)
{
	struct drift *dr = drift_new(prev, vs);
	double mc;

	if (dr->m < vs->dim)
		cli_warn("only %u shared words for %u dimensions: the rotation "
		    "is not determined by them", dr->m, vs->dim);
	mc = drift_align(dr, prev, vs);
	cli_info("rotated %u vectors onto %s over %u shared words; mean "
	    "cosine of a shared word with its previous vector %.4f", vs->n,
	    prevname, dr->m, mc);
	drift_free(dr);
}
