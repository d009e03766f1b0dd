/*
 * test_sgns.c - checks of the word2vec model in lib/sgns.c (TAP output).
 *
 *  - hand-computed subsampling keep probabilities (both formulas);
 *  - the tabulated sigmoid against the exact one;
 *  - numerical gradient checks (central differences) of the negative
 *    sampling and full-softmax objectives, skip-gram and CBOW;
 *  - each SGD step equals -alpha times those gradients;
 *  - fast kernels equal their plain reference twins;
 *  - the same for hierarchical softmax on a 12-word Huffman tree;
 *  - a word holding nearly all the negatives' weight (count INT64_MAX)
 *    ends training instead of spinning (SIGALRM fails the test);
 *  - chi-square tests, at significance 0.001 and fixed seeds, of the
 *    alias table's negatives against count^0.75 and of subsampling
 *    decisions against the keep probabilities; and a check that the
 *    negative-table test rejects a wrong distribution.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "huffman.h"
#include "sgns.h"
#include "tap.h"

/* Upper 0.001 quantile of chi-square with k degrees of freedom
 * (Wilson-Hilferty; within 1% of the tables for k >= 5). */
static double
chi2_crit(int k)
{
	double z = 3.0902, a = 2.0 / (9.0 * k), b = 1 - a + z * sqrt(a);

	return k * b * b * b;
}

/* A model of n rows, stride s, d used dimensions, uniform in +-scale. */
static float *
randmat(uint32_t n, size_t s, uint32_t d, double scale, struct sgns_rng *r)
{
	float *m = calloc(n * s, sizeof(float));

	for (uint32_t w = 0; w < n; w++)
		for (uint32_t k = 0; k < d; k++)
			m[w * s + k] = (float)((2 * sgns_rng_unit(r) - 1) *
			    scale);
	return m;
}

static double
maxdiff(const float *a, const float *b, size_t len)
{
	double m = 0;

	for (size_t i = 0; i < len; i++)
		if (fabs((double)a[i] - b[i]) > m)
			m = fabs((double)a[i] - b[i]);
	return m;
}

static void
test_keep(void)
{
	double p;

	/* t total = 1000, f = 1e4: (sqrt(10) + 1) / 10 = 0.41622777. */
	p = sgns_keep_prob(SGNS_SAMPLE_W2V, 1e-3, 10000, 1000000);
	ok(fabs(p - 0.416227766) < 1e-8, "word2vec keep probability %.9f",
	    p);
	/* sqrt(1e-3 / 1e-2) = 0.31622777. */
	p = sgns_keep_prob(SGNS_SAMPLE_PAPER, 1e-3, 10000, 1000000);
	ok(fabs(p - 0.316227766) < 1e-8, "paper keep probability %.9f", p);
	ok(sgns_keep_prob(SGNS_SAMPLE_W2V, 1e-3, 100, 1000000) == 1 &&
	    sgns_keep_prob(SGNS_SAMPLE_W2V, 0, 10000, 1000000) == 1,
	    "rare words and --sample 0 are always kept");
}

static void
test_sigmoid(void)
{
	double m = 0, mo = 0;

	for (double x = -10; x <= 10; x += 0.001) {
		float xf = (float)x;
		double e = fabs(sgns_sigmoid(xf) - 1 / (1 + exp(-(double)xf)));
		if (fabs(xf) < SGNS_SIGMAX)
			m = fmax(m, e);
		else
			mo = fmax(mo, e);
	}
	ok(m < 2e-6 && mo < 4e-4, "tabulated sigmoid within 2e-6 inside "
	    "the table, 4e-4 beyond (max errors %.2g, %.2g)", m, mo);
}

enum { N = 12, D = 7, K = 4, B = 3 };

/* Loss of the objective for the current in/out (CBOW: mean of ctx). */
static double
loss(int softmax, const float *in, const float *out, size_t s,
    const uint32_t *ctx, int nb, const uint32_t *t, double *gh, double *gout)
{
	float h[16] = { 0 };

	for (int i = 0; i < nb; i++)
		for (int k = 0; k < D; k++)
			h[k] += in[ctx[i] * s + k] / nb;
	if (softmax)
		return sgns_softmax_loss(h, out, s, D, N, t[0], gh, gout);
	return sgns_ns_loss(h, out, s, D, t, K, gh, gout);
}

/*
 * Central differences on every used coordinate of the context rows and
 * of out; dL/d in[c_i] = dL/dh / nb (h is the mean).  Worst error
 * relative to max(1e-2, |gradient|).
 */
static double
gradcheck(int softmax, int nb)
{
	struct sgns_rng r;
	size_t s = sgns_stride(D);
	float *in, *out;
	uint32_t ctx[B] = { 2, 5, 9 }, t[K + 1] = { 7, 0, 3, 10, 11 };
	double gh[D] = { 0 }, *gout = calloc(N * s, sizeof(double)), worst = 0;

	sgns_rng_seed(&r, 42, softmax * 2 + nb);
	in = randmat(N, s, D, 0.8, &r);
	out = randmat(N, s, D, 0.8, &r);
	loss(softmax, in, out, s, ctx, nb, t, gh, gout);
	for (int m = 0; m < 2; m++)
		for (uint32_t w = 0; w < N; w++)
			for (int k = 0; k < D; k++) {
				float *x = (m ? out : in) + w * s + k, x0 = *x;
				double lp, lm, num, ana;
				int used = 0;
				for (int i = 0; i < nb; i++)
					used |= ctx[i] == w;
				if (m == 0 && !used)
					continue;
				*x = x0 + 1e-2f;
				lp = loss(softmax, in, out, s, ctx, nb, t, NULL,
				    NULL);
				float xp = *x;
				*x = x0 - 1e-2f;
				lm = loss(softmax, in, out, s, ctx, nb, t, NULL,
				    NULL);
				num = (lp - lm) / ((double)xp - *x);
				*x = x0;
				ana = m ? gout[w * s + k] : gh[k] / nb;
				num = fabs(num - ana) / fmax(1e-2, fabs(ana));
				if (num > worst)
					worst = num;
			}
	free(in);
	free(out);
	free(gout);
	return worst;
}

/*
 * One SGD step against -alpha times the exact gradient.  Skip-gram sums
 * the losses of the nb contexts (each h = one input row); CBOW moves each
 * context row by -alpha dL/dh.  Returns the worst absolute difference
 * divided by alpha.
 */
static double
stepcheck(int softmax, int cbow, int nb)
{
	struct sgns_rng r;
	size_t s = sgns_stride(D);
	float *in, *out, *in0, *out0, *work = calloc(4 * s + N, sizeof(float));
	float alpha = 1e-3f;
	uint32_t ctx[B] = { 2, 5, 9 }, t[K + 1] = { 7, 0, 3, 10, 11 };
	double gh[B][D], *gout = calloc(N * s, sizeof(double)), worst = 0;

	sgns_rng_seed(&r, 7, softmax * 4 + cbow * 2 + nb);
	in = randmat(N, s, D, 0.8, &r);
	out = randmat(N, s, D, 0.8, &r);
	in0 = malloc(N * s * sizeof(float));
	out0 = malloc(N * s * sizeof(float));
	memcpy(in0, in, N * s * sizeof(float));
	memcpy(out0, out, N * s * sizeof(float));
	memset(gh, 0, sizeof(gh));
	if (cbow)
		loss(softmax, in, out, s, ctx, nb, t, gh[0], gout);
	else
		for (int i = 0; i < nb; i++)
			loss(softmax, in, out, s, ctx + i, 1, t, gh[i], gout);
	if (softmax && cbow)
		sgns_softmax_step(in, out, s, D, N, ctx, nb, t[0], alpha, work);
	else if (softmax)
		for (int i = 0; i < nb; i++)
			sgns_softmax_step(in, out, s, D, N, ctx + i, 1, t[0],
			    alpha, work);
	else if (cbow)
		sgns_cbow_step_ref(in, out, s, ctx, nb, t, K, alpha, work);
	else
		sgns_sg_step_ref(in, out, s, ctx, nb, t, K, alpha, work);
	for (int i = 0; i < nb; i++)
		for (int k = 0; k < D; k++) {
			double want = -alpha * gh[cbow ? 0 : i][k];
			double got = (double)in[ctx[i] * s + k] - in0[ctx[i] * s + k];
			worst = fmax(worst, fabs(got - want) / alpha);
		}
	for (size_t i = 0; i < N * s; i++) {
		double got = (double)out[i] - out0[i];
		worst = fmax(worst, fabs(got + alpha * gout[i]) / alpha);
	}
	free(in);
	free(out);
	free(in0);
	free(out0);
	free(work);
	free(gout);
	return worst;
}

static void
test_gradients(void)
{
	double e;

	e = gradcheck(0, 1);
	ok(e < 1e-3, "negative sampling, skip-gram: numerical gradient "
	    "within 1e-3 (relative error %.2g)", e);
	e = gradcheck(0, B);
	ok(e < 1e-3, "negative sampling, CBOW: numerical gradient within "
	    "1e-3 (relative error %.2g)", e);
	e = gradcheck(1, 1);
	ok(e < 1e-3, "full softmax, skip-gram: numerical gradient within "
	    "1e-3 (relative error %.2g)", e);
	e = gradcheck(1, B);
	ok(e < 1e-3, "full softmax, CBOW: numerical gradient within 1e-3 "
	    "(relative error %.2g)", e);
	/* Float rounding of the step and the 2e-6 sigmoid table. */
	e = stepcheck(0, 0, B);
	ok(e < 1e-4, "skip-gram step is -alpha times the summed gradient "
	    "of its contexts (error %.2g alpha)", e);
	e = stepcheck(0, 1, B);
	ok(e < 1e-4, "CBOW step is -alpha times the gradient (error %.2g "
	    "alpha)", e);
	/* One pair: steps on several pairs run one after another. */
	e = stepcheck(1, 0, 1);
	ok(e < 1e-4, "softmax skip-gram step is -alpha times the gradient "
	    "(error %.2g alpha)", e);
	e = stepcheck(1, 1, B);
	ok(e < 1e-4, "softmax CBOW step is -alpha times the gradient "
	    "(error %.2g alpha)", e);
}

/* ---- hierarchical softmax ---- */

/* A 12-word Zipf vocabulary's tree; paths of 3 to 5 nodes. */
static struct huffman *
hs_tree(void)
{
	int64_t counts[N];

	for (int w = 0; w < N; w++)
		counts[w] = 1000 / (w + 1);
	return huffman_new(counts, N);
}

static double
hs_loss(const struct huffman *tr, const float *in, const float *node,
    size_t s, const uint32_t *ctx, int nb, uint32_t o, double *gh,
    double *gnode)
{
	float h[16] = { 0 };

	for (int i = 0; i < nb; i++)
		for (int k = 0; k < D; k++)
			h[k] += in[ctx[i] * s + k] / nb;
	return sgns_hs_loss(h, node, s, D, tr->point + tr->off[o],
	    tr->code + tr->off[o], huffman_len(tr, o), gh, gnode);
}

/*
 * Central differences of the HS loss of word o on every used coordinate
 * of the context rows and of all N-1 node rows; the same relative error
 * as gradcheck.
 */
static double
hs_gradcheck(int nb, uint32_t o)
{
	struct huffman *tr = hs_tree();
	struct sgns_rng r;
	size_t s = sgns_stride(D);
	uint32_t ctx[B] = { 2, 5, 9 };
	float *in, *node;
	double gh[D] = { 0 }, *gn = calloc(N * s, sizeof(double)), worst = 0;

	sgns_rng_seed(&r, 43, nb);
	in = randmat(N, s, D, 0.8, &r);
	node = randmat(N - 1, s, D, 0.8, &r);
	hs_loss(tr, in, node, s, ctx, nb, o, gh, gn);
	for (int m = 0; m < 2; m++)
		for (uint32_t w = 0; w < (m ? N - 1 : N); w++)
			for (int k = 0; k < D; k++) {
				float *x = (m ? node : in) + w * s + k, x0 = *x;
				double lp, lm, num, ana;
				int used = 0;
				for (int i = 0; i < nb; i++)
					used |= ctx[i] == w;
				if (m == 0 && !used)
					continue;
				*x = x0 + 1e-2f;
				lp = hs_loss(tr, in, node, s, ctx, nb, o, NULL,
				    NULL);
				float xp = *x;
				*x = x0 - 1e-2f;
				lm = hs_loss(tr, in, node, s, ctx, nb, o, NULL,
				    NULL);
				num = (lp - lm) / ((double)xp - *x);
				*x = x0;
				ana = m ? gn[w * s + k] : gh[k] / nb;
				worst = fmax(worst, fabs(num - ana) /
				    fmax(1e-2, fabs(ana)));
			}
	free(in);
	free(node);
	free(gn);
	huffman_free(tr);
	return worst;
}

/* One HS step (reference or fast) against -alpha times the gradient. */
static double
hs_stepcheck(int nb, uint32_t o, int fast)
{
	struct huffman *tr = hs_tree();
	struct sgns_rng r;
	size_t s = sgns_stride(D);
	uint32_t ctx[B] = { 2, 5, 9 };
	float *in, *node, *in0, *node0, *work = calloc(2 * s, sizeof(float));
	float alpha = 1e-3f;
	double gh[D] = { 0 }, *gn = calloc(N * s, sizeof(double)), worst = 0;
	uint32_t off = tr->off[o];

	sgns_rng_seed(&r, 8, nb);
	in = randmat(N, s, D, 0.8, &r);
	node = randmat(N - 1, s, D, 0.8, &r);
	in0 = malloc(N * s * sizeof(float));
	node0 = malloc(N * s * sizeof(float));
	memcpy(in0, in, N * s * sizeof(float));
	memcpy(node0, node, (N - 1) * s * sizeof(float));
	hs_loss(tr, in, node, s, ctx, nb, o, gh, gn);
	(fast ? sgns_hs_step : sgns_hs_step_ref)(in, node, s, ctx, nb,
	    tr->point + off, tr->code + off, huffman_len(tr, o), alpha, work);
	for (int i = 0; i < nb; i++)
		for (int k = 0; k < D; k++) {
			double got = (double)in[ctx[i] * s + k] -
			    in0[ctx[i] * s + k];
			worst = fmax(worst, fabs(got + alpha * gh[k]) / alpha);
		}
	for (size_t i = 0; i < (N - 1) * s; i++)
		worst = fmax(worst, fabs((double)node[i] - node0[i] + alpha *
		    gn[i]) / alpha);
	free(in);
	free(node);
	free(in0);
	free(node0);
	free(work);
	free(gn);
	huffman_free(tr);
	return worst;
}

static void
test_hs(void)
{
	double e;

	/* Word 0 has the shortest path, word N-1 the longest. */
	e = fmax(hs_gradcheck(1, 0), hs_gradcheck(1, N - 1));
	ok(e < 1e-3, "hierarchical softmax, skip-gram: numerical gradient "
	    "within 1e-3 (relative error %.2g)", e);
	e = fmax(hs_gradcheck(B, 3), hs_gradcheck(B, N - 1));
	ok(e < 1e-3, "hierarchical softmax, CBOW: numerical gradient within "
	    "1e-3 (relative error %.2g)", e);
	e = fmax(hs_stepcheck(1, N - 1, 0), hs_stepcheck(B, N - 1, 0));
	ok(e < 1e-4, "hierarchical softmax step is -alpha times the gradient "
	    "(error %.2g alpha)", e);
	e = fmax(hs_stepcheck(1, 6, 1), hs_stepcheck(B, N - 1, 1));
	ok(e < 1e-4, "fast hierarchical softmax step is -alpha times the "
	    "gradient (error %.2g alpha)", e);
}

static void
on_alarm(int sig)
{
	static const char msg[] = "not ok - training with an INT64_MAX count "
	    "did not end within 20 s (a sampler loop spins)\n";

	(void)sig;
	(void)!write(1, msg, sizeof(msg) - 1);
	_exit(1);
}

/*
 * Counts {INT64_MAX, 1, 1, 1}: the alias table gives word 0 all but
 * about 1e-14 of the weight, so redrawing a negative equal to the centre
 * until it differs never ends.  A sentence of word 0 must still train.
 */
static void
test_hostile_counts(void)
{
	static const int64_t counts[] = { INT64_MAX, 1, 1, 1 };
	struct sgns_alias *a = sgns_alias_new(counts, 4, 0.75);
	struct sgns_conf cf = { .n = 4, .d = D, .s = sgns_stride(D),
	    .window = 2, .negative = 5, .neg = a };
	struct sgns_work w;
	struct sgns_rng r;
	uint32_t sent[50] = { 0 };
	float *in, *out;
	int finite = 1;

	sgns_rng_seed(&r, 5, 0);
	in = randmat(4, cf.s, D, 0.5, &r);
	out = calloc(4 * cf.s, sizeof(float));
	sgns_work_init(&w, &cf);
	signal(SIGALRM, on_alarm);
	alarm(20);
	for (int rep = 0; rep < 100; rep++)
		sgns_sentence(&cf, in, out, &w, &r, sent, 50, 0.025f);
	alarm(0);
	for (size_t i = 0; i < 4 * cf.s; i++)
		finite &= isfinite(in[i]) && isfinite(out[i]);
	ok(finite, "a word of count INT64_MAX trains in bounded time; "
	    "vectors stay finite");
	sgns_work_free(&w);
	sgns_alias_free(a);
	free(in);
	free(out);
}

/* Fast kernels against their twins on d = 100 (s = 112), with a repeated
 * context word and a repeated negative. */
static void
test_fast_ref(void)
{
	enum { NN = 50, DD = 100 };
	size_t s = sgns_stride(DD), len = NN * s;
	struct sgns_rng r;
	float *in, *out, *in2, *out2, *work = calloc(20 * s, sizeof(float));
	uint32_t ctx[6] = { 4, 17, 4, 30, 2, 49 }, t[6] = { 8, 1, 33, 1, 0,
	    12 };
	double e1, e2;

	sgns_rng_seed(&r, 99, 0);
	in = randmat(NN, s, DD, 0.3, &r);
	out = randmat(NN, s, DD, 0.3, &r);
	in2 = malloc(len * sizeof(float));
	out2 = malloc(len * sizeof(float));
	memcpy(in2, in, len * sizeof(float));
	memcpy(out2, out, len * sizeof(float));
	for (int rep = 0; rep < 20; rep++) {
		sgns_sg_step(in, out, s, ctx, 6, t, 5, 0.05f, work);
		sgns_sg_step_ref(in2, out2, s, ctx, 6, t, 5, 0.05f, work);
	}
	e1 = fmax(maxdiff(in, in2, len), maxdiff(out, out2, len));
	ok(e1 < 1e-5, "fast skip-gram step equals the reference within 1e-5 "
	    "after 20 steps (max difference %.2g)", e1);
	for (int rep = 0; rep < 20; rep++) {
		sgns_cbow_step(in, out, s, ctx, 6, t, 5, 0.05f, work);
		sgns_cbow_step_ref(in2, out2, s, ctx, 6, t, 5, 0.05f, work);
	}
	e2 = fmax(maxdiff(in, in2, len), maxdiff(out, out2, len));
	ok(e2 < 1e-5, "fast CBOW step equals the reference within 1e-5 "
	    "after 20 steps (max difference %.2g)", e2);
	e2 = 0;
	for (size_t w = 0; w < NN; w++)
		for (size_t k = DD; k < s; k++)
			e2 = fmax(e2, fabs(in[w * s + k]) + fabs(out[w * s + k]));
	ok(e2 == 0, "padding beyond d stays zero");
	free(in);
	free(out);
	free(in2);
	free(out2);
	free(work);
}

/* Chi-square of draws from table a against p(w) ~ counts^power. */
static double
alias_chi2(const struct sgns_alias *a, const int64_t *counts, int n,
    double power, long draws, uint64_t seed)
{
	struct sgns_rng r;
	long *obs = calloc(n, sizeof(long));
	double sum = 0, chi = 0;

	sgns_rng_seed(&r, seed, 0);
	for (long i = 0; i < draws; i++)
		obs[sgns_alias_draw(a, sgns_rng_next(&r))]++;
	for (int w = 0; w < n; w++)
		sum += pow(counts[w], power);
	for (int w = 0; w < n; w++) {
		double e = draws * pow(counts[w], power) / sum;
		chi += (obs[w] - e) * (obs[w] - e) / e;
	}
	free(obs);
	return chi;
}

static void
test_negatives(void)
{
	enum { NW = 60 };
	int64_t counts[NW];
	struct sgns_alias *a, *wrong;
	double sum = 0, worst = 0, chi, crit = chi2_crit(NW - 1);

	/* Zipf-like counts, as words are. */
	for (int w = 0; w < NW; w++)
		sum += pow(counts[w] = 100000 / (w + 1) + 1, 0.75);
	a = sgns_alias_new(counts, NW, 0.75);
	for (int w = 0; w < NW; w++)
		worst = fmax(worst, fabs(sgns_alias_prob(a, w) -
		    pow(counts[w], 0.75) / sum));
	ok(worst < 1e-8, "alias table gives count^0.75 exactly (max error "
	    "%.2g)", worst);
	chi = alias_chi2(a, counts, NW, 0.75, 1000000, 1);
	ok(chi < crit, "1e6 negatives fit count^0.75: chi-square %.1f < "
	    "%.1f (df %d, significance 0.001, seed 1)", chi, crit, NW - 1);
	wrong = sgns_alias_new(counts, NW, 1.0);
	chi = alias_chi2(wrong, counts, NW, 0.75, 1000000, 1);
	ok(chi > crit, "the same test rejects a count^1 table: chi-square "
	    "%.0f > %.1f", chi, crit);
	sgns_alias_free(a);
	sgns_alias_free(wrong);
}

static void
test_subsampling(void)
{
	/* Counts out of 1e6 words, threshold 1e-3: p from 0.11 to 1. */
	static const int64_t counts[] = { 100000, 50000, 20000, 10000, 5000,
	    3000, 2000, 1000 };
	enum { M = sizeof(counts) / sizeof(counts[0]), TRIALS = 200000 };
	struct sgns_rng r;
	double chi = 0, crit;
	int df = 0;

	sgns_rng_seed(&r, 3, 0);
	for (int f = 0; f < 2; f++)
		for (int i = 0; i < M; i++) {
			double p = sgns_keep_prob(f, 1e-3, counts[i], 1000000);
			long kept = 0;
			for (long j = 0; j < TRIALS; j++)
				kept += sgns_keep(p, &r);
			if (p >= 1) {
				ok(kept == TRIALS, "keep probability 1 keeps "
				    "every word (formula %d, count %lld)", f,
				    (long long)counts[i]);
				continue;
			}
			chi += (kept - TRIALS * p) * (kept - TRIALS * p) /
			    (TRIALS * p * (1 - p));
			df++;
		}
	crit = chi2_crit(df);
	ok(chi < crit, "subsampling keeps words at their keep probability: "
	    "chi-square %.1f < %.1f (df %d, significance 0.001, seed 3)", chi,
	    crit, df);
}

int
main(void)
{
	test_keep();
	test_sigmoid();
	test_gradients();
	test_hs();
	test_fast_ref();
	test_hostile_counts();
	test_negatives();
	test_subsampling();
	return tap_done();
}
