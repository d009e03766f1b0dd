/*
 * test_embed.c - checks of lib/embed.c, the backward half of the lookup
 * tables firth-wclass feeds its network from (word vectors, affix
 * embeddings).  TAP on stdout.
 *
 *   1. Gradient check of a lookup layer under a network: a table T
 *      [R][E] whose rows are copied into B windows of W positions (rows
 *      repeated within and across windows, so the sums are exercised),
 *      each position's row followed by two fixed inputs as the shape
 *      features are, through one tanh hidden layer to a cross-entropy or
 *      max-margin loss.  embed_grad_add over the input gradient slices
 *      must equal central differences (J(T+h) - J(T-h)) / 2h, h = 1e-3,
 *      for every entry of T; the forward pass is the double-accumulating
 *      nn_forward_ref.  Tolerance |num - ana| <= 1e-3 + 1e-2 max(|num|,
 *      |ana|), as in test_nn.  Rows no position uses must get exactly 0.
 *   2. embed_grad_apply against hand-computed AdaGrad and SGD steps, and
 *      it leaves the gradient cleared for the next batch.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "nn.h"
#include "tap.h"

enum { R = 6, E = 3, X = 2, W = 3, B = 4, P = E + X, H = 5, K = 4 };

static double
rand01(void *state)
{
	uint64_t z = (*(uint64_t *)state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (z >> 11) * 0x1.0p-53;
}

struct lcase {
	struct nn net;
	struct nn_work w;
	float T[R][E];		/* the table */
	float fixed[B][W][X];	/* the inputs that are not looked up */
	uint32_t id[B][W];	/* row of each position; row R-1 unused */
	int y[B];
	int loss;
};

/* The lookup layer's forward pass: a[0] = [T[id] ; fixed] per position. */
static double
lc_loss(struct lcase *lc)
{
	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++) {
			float *x = lc->w.a[0] + (size_t)b * W * P + k * P;
			memcpy(x, lc->T[lc->id[b][k]], E * sizeof(float));
			memcpy(x + E, lc->fixed[b][k], X * sizeof(float));
		}
	nn_forward_ref(&lc->net, &lc->w, B);
	return nn_loss(&lc->net, &lc->w, B, lc->y, lc->loss);
}

static void
check_lookup_gradient(int loss)
{
	static const uint32_t ids[B][W] = {
		{ 0, 1, 2 }, { 1, 1, 3 }, { 4, 0, 1 }, { 2, 3, 2 },
	};
	int d[3] = { W * P, H, K };
	struct lcase lc;
	struct embed_grad eg;
	uint64_t rng = 11 + loss;
	float *grad;
	double maxerr = 0;
	int bad = 0;

	memset(&lc, 0, sizeof(lc));
	lc.loss = loss;
	nn_init(&lc.net, 2, d, NN_TANH);
	nn_randomize(&lc.net, rand01, &rng);
	nn_work_init(&lc.w, &lc.net, B);
	for (int r = 0; r < R; r++)
		for (int e = 0; e < E; e++)
			lc.T[r][e] = (float)(2 * rand01(&rng) - 1);
	for (int b = 0; b < B; b++) {
		for (int k = 0; k < W; k++) {
			lc.id[b][k] = ids[b][k];
			for (int x = 0; x < X; x++)
				lc.fixed[b][k][x] = (float)(rand01(&rng) < 0.5);
		}
		lc.y[b] = b % K;
	}
	/* the analytic gradient: backward, then the slices into rows */
	lc_loss(&lc);
	grad = calloc(lc.net.nparams, sizeof(float));
	nn_backward(&lc.net, &lc.w, B, grad);
	embed_grad_init(&eg, R, E, B * W);
	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++)
			embed_grad_add(&eg, lc.id[b][k],
			    lc.w.g[0] + (size_t)b * W * P + k * P);
	for (int r = 0; r < R; r++)
		for (int e = 0; e < E; e++) {
			const float h = 1e-3f;
			float save = lc.T[r][e];
			lc.T[r][e] = save + h;
			double jp = lc_loss(&lc);
			lc.T[r][e] = save - h;
			double jm = lc_loss(&lc);
			lc.T[r][e] = save;
			double num = (jp - jm) /
			    ((double)(save + h) - (double)(save - h));
			double ana = eg.g[r * E + e];
			double err = fabs(num - ana);
			maxerr = fmax(maxerr, err);
			if (err > 1e-3 + 1e-2 * fmax(fabs(num), fabs(ana)))
				bad++;
		}
	const char *what = loss == NN_XENT ? "xent" : "margin";
	ok(bad == 0, "lookup-table gradient check (%s, tanh, rows repeated "
	    "in and across windows): %d entries, max error %.2e, %d off",
	    what, R * E, maxerr, bad);
	int zero = 1;
	for (int e = 0; e < E; e++)
		zero &= eg.g[(R - 1) * E + e] == 0;
	ok(zero && eg.n == R - 1 && !eg.used[R - 1], "lookup-table "
	    "gradient (%s): %zu rows in the batch's list (want %d), the "
	    "unused row's gradient exactly 0", what, eg.n, R - 1);
	embed_grad_free(&eg);
	free(grad);
	nn_work_free(&lc.w, &lc.net);
	nn_free(&lc.net);
}

static void
check_apply(void)
{
	struct embed_grad eg;
	float t[3][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
	float g1[2] = { 0.5f, -1.0f }, g2[2] = { 0.25f, 1.0f };

	embed_grad_init(&eg, 3, 2, 4);
	/* row 2 twice: its gradient is the sum (0.75, 0) */
	embed_grad_add(&eg, 2, g1);
	embed_grad_add(&eg, 0, g2);
	embed_grad_add(&eg, 2, g2);
	/* AdaGrad, first step, lr 0.5: hist = g^2, p -= 0.5 g / |g|;
	 * a zero gradient leaves its entry alone */
	embed_grad_apply(&eg, &t[0][0], 0.5f, EMBED_ADAGRAD);
	ok(fabsf(t[0][0] - 0.5f) < 1e-6f && fabsf(t[0][1] - 1.5f) < 1e-6f &&
	    t[1][0] == 3 && t[1][1] == 4 && fabsf(t[2][0] - 4.5f) < 1e-6f &&
	    t[2][1] == 6 && fabsf(eg.hist[4] - 0.5625f) < 1e-7f,
	    "embed_grad_apply: AdaGrad steps the rows used, by the summed "
	    "gradient (%.4f %.4f / %.4f %.4f / %.4f %.4f)", t[0][0], t[0][1],
	    t[1][0], t[1][1], t[2][0], t[2][1]);
	int clear = eg.n == 0;
	for (int i = 0; i < 6; i++)
		clear &= eg.g[i] == 0;
	for (int i = 0; i < 3; i++)
		clear &= eg.used[i] == 0;
	ok(clear, "embed_grad_apply leaves no gradient and no row listed");
	/* SGD, lr 0.5: p -= 0.5 g */
	embed_grad_add(&eg, 1, g1);
	embed_grad_apply(&eg, &t[0][0], 0.5f, EMBED_SGD);
	ok(fabsf(t[1][0] - 2.75f) < 1e-6f && fabsf(t[1][1] - 4.5f) < 1e-6f &&
	    fabsf(t[0][0] - 0.5f) < 1e-6f, "embed_grad_apply: SGD step "
	    "(%.4f %.4f)", t[1][0], t[1][1]);
	embed_grad_free(&eg);
}

int
main(void)
{
	check_lookup_gradient(NN_XENT);
	check_lookup_gradient(NN_HINGE);
	check_apply();
	return tap_done();
}
