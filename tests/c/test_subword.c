/*
 * test_subword.c - checks of lib/subword.c, character n-gram vectors
 * (TAP output).
 *
 *  - n-grams are counted in characters: "où" (3 bytes) with 3:4 has
 *    exactly "<où", "où>" and "<où>", whose rows are their FNV-1a
 *    hashes; FNV-1a against its published test value;
 *  - the table holds a word's own row first, then its n-gram rows;
 *  - a numerical gradient check of the subword skip-gram loss (h = mean
 *    of the word's rows, negative sampling) on every row it uses;
 *  - the SGD step moves each row by -alpha dL/dh, as fastText does;
 *  - a saved and loaded model gives an out-of-vocabulary word the MEAN
 *    of its n-gram rows, and a vocabulary word the mean of its own row
 *    and its n-gram rows (written here by hand, not through the table).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sgns.h"
#include "subword.h"
#include "tap.h"

static void
test_ngrams(void)
{
	struct subword sw = { 3, 4, 1000 };
	uint32_t r[16];
	size_t got = subword_ngrams(&sw, 10, "o\xc3\xb9", 3, r, 16);

	ok(subword_hash("a", 1) == 0xe40c292cu, "FNV-1a of \"a\" is "
	    "0xe40c292c (the published test vector)");
	/* By start, then length: "<où", "<où>", then "où>". */
	ok(got == 3 && r[0] == 10 + subword_hash("<o\xc3\xb9", 4) % 1000 &&
	    r[1] == 10 + subword_hash("<o\xc3\xb9>", 5) % 1000 &&
	    r[2] == 10 + subword_hash("o\xc3\xb9>", 4) % 1000,
	    "\"o\\xc3\\xb9\" with 3:4 gives <o\\xc3\\xb9, <o\\xc3\\xb9>, "
	    "o\\xc3\\xb9> (%zu n-grams)", got);
	sw.minn = sw.maxn = 3;
	got = subword_ngrams(&sw, 0, "\xc3\xa9", 2, r, 16);
	ok(got == 1 && r[0] == subword_hash("<\xc3\xa9>", 4) % 1000,
	    "a one-character word of two bytes has one 3-gram");
}

enum { N = 6, D = 7, K = 3, BK = 50 };

static const char *words[N] = { "the", "cat", "cats", "sat", "on", "mat" };

/* Loss of word w's mean row predicting t[0] against t[1..K]. */
static double
sub_loss(const struct subword_table *tb, const float *in, const float *out,
    size_t s, uint32_t w, const uint32_t *t, double *gh)
{
	float h[16];

	subword_mean(in, s, D, tb->rows + tb->off[w],
	    tb->off[w + 1] - tb->off[w], h);
	return sgns_ns_loss(h, out, s, D, t, K, gh, NULL);
}

static void
test_gradient(void)
{
	struct subword sw = { 3, 6, BK };
	struct subword_table *tb = subword_table_new(&sw, (char *const *)words,
	    N);
	size_t s = sgns_stride(D), rows = N + BK;
	struct sgns_rng r;
	float *in = calloc(rows * s, sizeof(float)), *out = calloc(N * s,
	    sizeof(float)), *in0 = malloc(rows * s * sizeof(float));
	float *work = calloc(2 * s, sizeof(float)), alpha = 1e-3f;
	uint32_t t[K + 1] = { 3, 0, 4, 5 }, w = 2;
	uint32_t R = tb->off[w + 1] - tb->off[w], *wr = tb->rows + tb->off[w];
	double gh[D] = { 0 }, worst = 0, step = 0;
	int mult[N + BK] = { 0 };

	sgns_rng_seed(&r, 11, 0);
	for (size_t i = 0; i < rows; i++)
		for (int k = 0; k < D; k++)
			in[i * s + k] = (float)(sgns_rng_unit(&r) - 0.5);
	for (size_t i = 0; i < N; i++)
		for (int k = 0; k < D; k++)
			out[i * s + k] = (float)(sgns_rng_unit(&r) - 0.5);
	ok(wr[0] == w && R == 1 + 4 + 3 + 2 + 1, "\"cats\" has its own row "
	    "and 10 n-grams of 3..6 characters (%u rows)", R);
	sub_loss(tb, in, out, s, w, t, gh);
	for (uint32_t i = 0; i < R; i++)
		mult[wr[i]]++;
	/* dL/d row = multiplicity * dL/dh / R. */
	for (size_t i = 0; i < rows; i++)
		for (int k = 0; k < D && mult[i]; k++) {
			float *x = in + i * s + k, x0 = *x, xp;
			double lp, lm, num, ana = mult[i] * gh[k] / R;
			*x = x0 + 1e-2f;
			xp = *x;
			lp = sub_loss(tb, in, out, s, w, t, NULL);
			*x = x0 - 1e-2f;
			lm = sub_loss(tb, in, out, s, w, t, NULL);
			num = (lp - lm) / ((double)xp - *x);
			*x = x0;
			worst = fmax(worst, fabs(num - ana) / fmax(1e-2,
			    fabs(ana)));
		}
	ok(worst < 1e-3, "subword skip-gram: numerical gradient on the word "
	    "and n-gram rows within 1e-3 (relative error %.2g)", worst);
	memcpy(in0, in, rows * s * sizeof(float));
	sgns_cbow_step(in, out, s, wr, (int)R, t, K, alpha, work);
	for (size_t i = 0; i < rows; i++)
		for (int k = 0; k < D; k++) {
			double want = -alpha * gh[k] * mult[i];
			step = fmax(step, fabs((double)in[i * s + k] -
			    in0[i * s + k] - want) / alpha);
		}
	ok(step < 1e-4, "the step moves each of the word's rows by -alpha "
	    "dL/dh (error %.2g alpha)", step);
	free(in);
	free(out);
	free(in0);
	free(work);
	subword_table_free(tb);
}

static void
test_model(void)
{
	struct subword sw = { 3, 4, BK };
	size_t s = sgns_stride(D), rows = N + BK;
	float *in = calloc(rows * s, sizeof(float)), v[D], want[D];
	const char *tmpdir = getenv("TMPDIR");
	char path[512];
	struct subword_model *m;
	/* "dogs": <do dog ogs gs> <dog dogs ogs> (3:4). */
	static const char *grams[] = { "<do", "dog", "ogs", "gs>", "<dog",
	    "dogs", "ogs>" };
	double e1 = 0, e2 = 0;
	int k1, k2;

	for (size_t i = 0; i < rows; i++)
		for (int k = 0; k < D; k++)
			in[i * s + k] = (float)(i * 0.01 + k * 0.1);
	snprintf(path, sizeof(path), "%s/test_subword.%ld.model",
	    tmpdir ? tmpdir : "/tmp", (long)getpid());
	subword_model_save(path, &sw, (char *const *)words, N, D, in, s);
	m = subword_model_load(path);
	remove(path);
	k1 = subword_model_vector(m, "dogs", 4, v);
	for (int k = 0; k < D; k++) {
		double sum = 0;
		for (int g = 0; g < 7; g++)
			sum += in[(N + subword_hash(grams[g],
			    strlen(grams[g])) % BK) * s + k];
		e1 = fmax(e1, fabs(v[k] - sum / 7));
	}
	ok(k1 == 0 && e1 < 1e-6, "an OOV word's vector is the mean of its 7 "
	    "n-gram rows (max error %.2g)", e1);
	/* "on": its row 4, then <on, on>, <on>. */
	k2 = subword_model_vector(m, "on", 2, v);
	for (int k = 0; k < D; k++) {
		want[k] = (in[4 * s + k] +
		    in[(N + subword_hash("<on", 3) % BK) * s + k] +
		    in[(N + subword_hash("on>", 3) % BK) * s + k] +
		    in[(N + subword_hash("<on>", 4) % BK) * s + k]) / 4;
		e2 = fmax(e2, fabs(v[k] - want[k]));
	}
	ok(k2 == 1 && e2 < 1e-6, "a vocabulary word's vector is the mean of "
	    "its own row and its n-gram rows (max error %.2g)", e2);
	ok(subword_model_vector(m, "x", 1, v) == 0, "a one-letter word "
	    "still has the 3-gram <x>");
	subword_model_free(m);
	free(in);
}

int
main(void)
{
	test_ngrams();
	test_gradient();
	test_model();
	return tap_done();
}
