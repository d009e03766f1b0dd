/*
 * test_crf.c - checks of lib/crf.c, the sentence-level tag scores (TAP on
 * stdout).
 *
 *   1. Brute force: on sentences of 1 to 5 tokens with K = 3 tags and
 *      random scores, crf_logz against the logadd of crf_score over all
 *      K^n paths (|diff| <= 1e-9 + 1e-9 |z|, both in double), and
 *      crf_viterbi's path against the best of all paths (same score
 *      within 1e-9; the scores are random, so ties do not occur).
 *   2. Gradient check of the loss: every d loss / d f[i][k] and
 *      d loss / d T[j][k] against central differences with h = 1e-2 on
 *      sentences of 1 to 4 tokens.  The loss is computed in double from
 *      float inputs, so float rounding of the inputs is all that is left:
 *      tolerance |num - ana| <= 1e-3 + 1e-2 max(|num|, |ana|).
 *   3. The same through a network (lib/nn.h, one tanh hidden layer): the
 *      scores f are the network's outputs for n windows; crf_loss's d / d
 *      f fed to nn_backward must give d loss / d params and / d inputs
 *      that match central differences of the whole chain (h = 1e-3, the
 *      tolerance of test_nn.c).
 *   4. scale: the gradients scale with it, and gT accumulates (+=).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crf.h"
#include "nn.h"
#include "tap.h"

#define K 3
#define NMAX 5

static uint64_t seed = 42;

static double
rand01(void *state)
{
	uint64_t z = (*(uint64_t *)state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (z >> 11) * 0x1.0p-53;
}

static void
fill(float *x, int n, double scale)
{
	for (int i = 0; i < n; i++)
		x[i] = (float)(scale * (2 * rand01(&seed) - 1));
}

/* Path number p (base K digits) into y[n]. */
static void
path_of(long p, int n, int *y)
{
	for (int i = 0; i < n; i++, p /= K)
		y[i] = (int)(p % K);
}

static void
check_brute(void)
{
	float T[(K + 1) * K], f[NMAX * K];
	int y[NMAX], v[NMAX];

	for (int n = 1; n <= NMAX; n++)
		for (int rep = 0; rep < 4; rep++) {
			long np = 1;
			double m = -INFINITY, s = 0, best = -INFINITY;
			fill(T, (K + 1) * K, 2);
			fill(f, n * K, 2);
			for (int i = 0; i < n; i++)
				np *= K;
			for (long p = 0; p < np; p++) {
				path_of(p, n, y);
				double sc = crf_score(T, f, n, K, y);
				m = sc > m ? sc : m;
			}
			for (long p = 0; p < np; p++) {
				path_of(p, n, y);
				double sc = crf_score(T, f, n, K, y);
				s += exp(sc - m);
				best = sc > best ? sc : best;
			}
			double z = m + log(s), got = crf_logz(T, f, n, K);
			ok(fabs(got - z) <= 1e-9 + 1e-9 * fabs(z), "n %d rep %d: "
			    "logz %.12f, brute force %.12f", n, rep, got, z);
			crf_viterbi(T, f, n, K, v);
			double vs = crf_score(T, f, n, K, v);
			ok(fabs(vs - best) <= 1e-9, "n %d rep %d: Viterbi path "
			    "scores %.9f, the best of %ld paths %.9f", n, rep, vs,
			    np, best);
		}
}

/* Worst |num - ana| over tolerance of a gradient check, 1 = at tolerance. */
static double
worst(double num, double ana, double w)
{
	double tol = 1e-3 + 1e-2 * fmax(fabs(num), fabs(ana));
	double r = fabs(num - ana) / tol;

	return r > w ? r : w;
}

static void
check_grad(void)
{
	float T[(K + 1) * K], f[NMAX * K], gf[NMAX * K], gT[(K + 1) * K];
	int y[NMAX];
	const float h = 1e-2f;

	for (int n = 1; n <= 4; n++) {
		double w = 0;
		fill(T, (K + 1) * K, 1);
		fill(f, n * K, 1);
		for (int i = 0; i < n; i++)
			y[i] = (int)(rand01(&seed) * K);
		memset(gT, 0, sizeof(gT));
		double l = crf_loss(T, f, n, K, y, 1, gf, gT);
		ok(l >= 0 && fabs(l - (crf_logz(T, f, n, K) - crf_score(T, f,
		    n, K, y))) < 1e-9, "n %d: loss %.6f = logz - s(y) >= 0", n,
		    l);
		for (int i = 0; i < n * K; i++) {
			float keep = f[i];
			f[i] = keep + h;
			double lp = crf_loss(T, f, n, K, y, 1, NULL, NULL);
			f[i] = keep - h;
			double lm = crf_loss(T, f, n, K, y, 1, NULL, NULL);
			f[i] = keep;
			w = worst((lp - lm) / (2 * h), gf[i], w);
		}
		for (int i = 0; i < (K + 1) * K; i++) {
			float keep = T[i];
			T[i] = keep + h;
			double lp = crf_loss(T, f, n, K, y, 1, NULL, NULL);
			T[i] = keep - h;
			double lm = crf_loss(T, f, n, K, y, 1, NULL, NULL);
			T[i] = keep;
			w = worst((lp - lm) / (2 * h), gT[i], w);
		}
		ok(w <= 1, "n %d: d loss / d f and d T match central "
		    "differences (worst at %.3f of the tolerance)", n, w);
	}

	/* scale multiplies; gT accumulates */
	float gf2[NMAX * K], gT2[(K + 1) * K];
	int n = 3;
	memset(gT, 0, sizeof(gT));
	crf_loss(T, f, n, K, y, 1, gf, gT);
	for (int i = 0; i < (K + 1) * K; i++)
		gT2[i] = 1;
	crf_loss(T, f, n, K, y, 0.25f, gf2, gT2);
	int good = 1;
	for (int i = 0; i < n * K; i++)
		good &= fabsf(gf2[i] - 0.25f * gf[i]) < 1e-6f;
	for (int i = 0; i < (K + 1) * K; i++)
		good &= fabsf(gT2[i] - (1 + 0.25f * gT[i])) < 1e-6f;
	ok(good, "scale multiplies the gradients and gT is added to");
}

/* The chain: network scores of n windows, then the sentence loss. */
static double
chain_loss(struct nn *net, struct nn_work *w, const float *x, int n,
    const float *T, const int *y)
{
	memcpy(w->a[0], x, (size_t)n * net->d[0] * sizeof(float));
	nn_forward_ref(net, w, n);
	return crf_loss(T, w->a[net->L], n, K, y, 1, NULL, NULL);
}

static void
check_chain(void)
{
	int d[3] = { 4, 5, K }, n = 4, y[4] = { 0, 2, 2, 1 };
	struct nn net;
	struct nn_work w;
	float x[4 * 4], gx[4 * 4], T[(K + 1) * K], gT[(K + 1) * K];
	const float h = 1e-3f;
	double wp = 0, wx = 0;

	nn_init(&net, 2, d, NN_TANH);
	nn_randomize(&net, rand01, &seed);
	nn_work_init(&w, &net, n);
	fill(x, n * 4, 1);
	fill(T, (K + 1) * K, 1);
	float *grad = calloc(net.nparams, sizeof(float));
	memcpy(w.a[0], x, sizeof(x));
	nn_forward(&net, &w, n, 0, NULL, NULL);
	memset(gT, 0, sizeof(gT));
	crf_loss(T, w.a[net.L], n, K, y, 1, w.g[net.L], gT);
	nn_backward(&net, &w, n, grad);
	memcpy(gx, w.g[0], sizeof(gx));
	for (size_t i = 0; i < net.nparams; i++) {
		float keep = net.params[i];
		net.params[i] = keep + h;
		double lp = chain_loss(&net, &w, x, n, T, y);
		net.params[i] = keep - h;
		double lm = chain_loss(&net, &w, x, n, T, y);
		net.params[i] = keep;
		wp = worst((lp - lm) / (2 * h), grad[i], wp);
	}
	for (int i = 0; i < n * 4; i++) {
		float keep = x[i];
		x[i] = keep + h;
		double lp = chain_loss(&net, &w, x, n, T, y);
		x[i] = keep - h;
		double lm = chain_loss(&net, &w, x, n, T, y);
		x[i] = keep;
		wx = worst((lp - lm) / (2 * h), gx[i], wx);
	}
	ok(wp <= 1, "through a tanh network: d loss / d params match "
	    "central differences (worst at %.3f of the tolerance)", wp);
	ok(wx <= 1, "through a tanh network: d loss / d inputs match "
	    "central differences (worst at %.3f of the tolerance)", wx);
	free(grad);
	nn_work_free(&w, &net);
	nn_free(&net);
}

int
main(void)
{
	cli_init(1, (char *[]){ "test_crf", NULL });
	check_brute();
	check_grad();
	check_chain();
	return tap_done();
}
