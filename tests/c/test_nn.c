/*
 * test_nn.c - checks of lib/nn.c (TAP on stdout).
 *
 *   1. Gradient checks: for every activation (tanh, sigmoid, ReLU), both
 *      losses (cross-entropy, max-margin) and 0, 1 and 2 hidden layers,
 *      nn_backward's gradient of every parameter and of every input
 *      (w->g[0], what fine-tuning feeds to the word vectors) against
 *      central differences (J(x+h) - J(x-h)) / 2h with h = 1e-3.  The loss
 *      is summed in double by nn_loss and the forward pass used is the
 *      double-accumulating nn_forward_ref, so the float rounding left is
 *      about 1e-7 relative to J, i.e. ~1e-4 in a difference quotient.
 *      Tolerance: |num - ana| <= 1e-3 + 1e-2 * max(|num|, |ana|).
 *      Kinks are avoided, not hidden: a coordinate whose +-h changes a
 *      ReLU's on/off pattern, the margin's runner-up class or whether the
 *      margin is active is skipped, and at most 2% may be skipped.
 *   2. The same with dropout 0.3 (tanh, sigmoid, ReLU): the rng is
 *      restarted from one seed for every evaluation, so each sees the
 *      same mask.  (This caught f' taken of the mask-scaled output.)
 *   3. nn_forward == nn_forward_ref and nn_backward == nn_backward_ref
 *      (BLAS against plain loops): |x - y| <= 1e-5 + 1e-4 |y|.
 *   4. Dropout: every mask entry is 0 or 1/(1-p), the kept activations
 *      are the undropped ones times 1/(1-p), the dropped fraction is p
 *      within 4 standard deviations.
 *   5. AdaGrad and SGD against hand-computed steps.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"
#include "tap.h"

static double
rand01(void *state)
{
	uint64_t z = (*(uint64_t *)state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (z >> 11) * 0x1.0p-53;
}

/* A test case: network, work space, a batch of inputs and labels. */
struct tcase {
	struct nn net;
	struct nn_work w;
	int B, loss;
	float drop;
	float *x;		/* [B][d0] the inputs */
	int *y;			/* [B] */
};

/*
 * Loss at the current parameters and inputs.  Without dropout the plain
 * forward pass; with dropout nn_forward with an rng restarted from one
 * seed, so that the mask is the same in every call.
 */
static double
tc_loss(struct tcase *tc)
{
	memcpy(tc->w.a[0], tc->x, (size_t)tc->B * tc->net.d[0] * sizeof(float));
	if (tc->drop > 0) {
		uint64_t seed = 77;
		nn_forward(&tc->net, &tc->w, tc->B, tc->drop, rand01, &seed);
	} else
		nn_forward_ref(&tc->net, &tc->w, tc->B);
	return nn_loss(&tc->net, &tc->w, tc->B, tc->y, tc->loss);
}

/*
 * What decides which piece of a piecewise-smooth loss we are on: the
 * ReLU on/off pattern of every hidden unit, and for the margin loss the
 * runner-up class and whether the margin is active.  Hashed to a number.
 */
static uint64_t
tc_piece(struct tcase *tc)
{
	uint64_t h = 1469598103934665603ULL;
	int L = tc->net.L, K = tc->net.d[L];

	tc_loss(tc);
	if (tc->net.act == NN_RELU)
		for (int l = 1; l < L; l++)
			for (size_t i = 0; i < (size_t)tc->B * tc->net.d[l];
			    i++)
				h = (h ^ (tc->w.a[l][i] > 0)) * 1099511628211ULL;
	if (tc->loss == NN_HINGE)
		for (int b = 0; b < tc->B; b++) {
			const float *s = tc->w.a[L] + (size_t)b * K;
			int best = -1;
			for (int k = 0; k < K; k++)
				if (k != tc->y[b] && (best < 0 ||
				    s[k] > s[best]))
					best = k;
			int act = 1 + s[best] - s[tc->y[b]] > 0;
			h = (h ^ (uint64_t)(best * 2 + act)) *
			    1099511628211ULL;
		}
	return h;
}

static void
tc_init(struct tcase *tc, int L, const int *d, int act, int loss, float drop,
    uint64_t seed)
{
	uint64_t rng = seed;

	memset(tc, 0, sizeof(*tc));
	tc->B = 4;
	tc->loss = loss;
	tc->drop = drop;
	nn_init(&tc->net, L, d, act);
	nn_randomize(&tc->net, rand01, &rng);
	/* non-zero biases, so their gradient paths are exercised */
	for (int l = 0; l < L; l++)
		for (int o = 0; o < d[l + 1]; o++)
			tc->net.b[l][o] = (float)(0.4 * rand01(&rng) - 0.2);
	nn_work_init(&tc->w, &tc->net, tc->B);
	tc->x = malloc((size_t)tc->B * d[0] * sizeof(float));
	tc->y = malloc(tc->B * sizeof(int));
	for (int i = 0; i < tc->B * d[0]; i++)
		tc->x[i] = (float)(2 * rand01(&rng) - 1);
	for (int b = 0; b < tc->B; b++)
		tc->y[b] = (int)(rand01(&rng) * d[L]);
}

static void
tc_free(struct tcase *tc)
{
	nn_work_free(&tc->w, &tc->net);
	nn_free(&tc->net);
	free(tc->x);
	free(tc->y);
}

/* Compare one coordinate *p's numerical derivative with ana. */
static int
check_coord(struct tcase *tc, float *p, double ana, uint64_t piece,
    double *maxerr, int *skipped)
{
	const float h = 1e-3f;
	float save = *p;
	double jp, jm, num, err;
	uint64_t pp, pm;

	*p = save + h;
	pp = tc_piece(tc);
	jp = tc_loss(tc);
	*p = save - h;
	pm = tc_piece(tc);
	jm = tc_loss(tc);
	*p = save;
	if (pp != piece || pm != piece) {
		(*skipped)++;
		return 1;
	}
	/* the step actually taken, after float rounding of save +- h */
	num = (jp - jm) / ((double)(save + h) - (double)(save - h));
	err = fabs(num - ana);
	if (err > *maxerr)
		*maxerr = err;
	return err <= 1e-3 + 1e-2 * fmax(fabs(num), fabs(ana));
}

static void
gradcheck(int L, const int *d, int act, int loss, float drop)
{
	struct tcase tc;
	float *grad, *gin;
	double maxp = 0, maxi = 0;
	int badp = 0, badi = 0, skip = 0, n = 0;
	uint64_t piece;

	tc_init(&tc, L, d, act, loss, drop, 1000 + 10 * L + act + 3 * loss);
	grad = calloc(tc.net.nparams, sizeof(float));
	gin = malloc((size_t)tc.B * d[0] * sizeof(float));
	piece = tc_piece(&tc);
	tc_loss(&tc);
	nn_backward(&tc.net, &tc.w, tc.B, grad);
	memcpy(gin, tc.w.g[0], (size_t)tc.B * d[0] * sizeof(float));
	for (size_t i = 0; i < tc.net.nparams; i++, n++)
		badp += !check_coord(&tc, &tc.net.params[i], grad[i], piece,
		    &maxp, &skip);
	for (int i = 0; i < tc.B * d[0]; i++, n++)
		badi += !check_coord(&tc, &tc.x[i], gin[i], piece, &maxi,
		    &skip);
	const char *what = loss == NN_XENT ? "xent" : "margin";
	ok(badp == 0, "gradient check %s, %s, %d hidden%s: %zu parameters, "
	    "max error %.2e, %d off", nn_act_name(act), what, L - 1,
	    drop > 0 ? ", dropout 0.3" : "", tc.net.nparams, maxp, badp);
	ok(badi == 0, "gradient check %s, %s, %d hidden%s: %d inputs "
	    "(w->g[0]), max error %.2e, %d off", nn_act_name(act), what,
	    L - 1, drop > 0 ? ", dropout 0.3" : "", tc.B * d[0], maxi, badi);
	ok(skip * 50 <= n, "gradient check %s, %s, %d hidden%s: %d of %d "
	    "coordinates skipped at a kink (at most 2%%)", nn_act_name(act),
	    what, L - 1, drop > 0 ? ", dropout 0.3" : "", skip, n);
	free(grad);
	free(gin);
	tc_free(&tc);
}

static int
close_arrays(const float *x, const float *y, size_t n, double *maxerr)
{
	int good = 1;

	*maxerr = 0;
	for (size_t i = 0; i < n; i++) {
		double e = fabs((double)x[i] - y[i]);
		if (e > *maxerr)
			*maxerr = e;
		if (!(e <= 1e-5 + 1e-4 * fabs(y[i])))
			good = 0;
	}
	return good;
}

/* BLAS passes against the plain loops on a wider net and batch. */
static void
check_twins(int act)
{
	int d[4] = { 37, 23, 11, 5 }, B = 19;
	struct nn net;
	struct nn_work w1, w2;
	uint64_t rng = 5 + act;
	int y[19];
	double e1, e2, e3;

	nn_init(&net, 3, d, act);
	nn_randomize(&net, rand01, &rng);
	nn_work_init(&w1, &net, B);
	nn_work_init(&w2, &net, B);
	for (int i = 0; i < B * d[0]; i++)
		w1.a[0][i] = w2.a[0][i] = (float)(2 * rand01(&rng) - 1);
	for (int b = 0; b < B; b++)
		y[b] = (int)(rand01(&rng) * d[3]);
	nn_forward(&net, &w1, B, 0, NULL, NULL);
	nn_forward_ref(&net, &w2, B);
	int good = 1;
	double maxf = 0;
	for (int l = 1; l <= 3; l++) {
		good &= close_arrays(w1.a[l], w2.a[l], (size_t)B * d[l], &e1);
		maxf = fmax(maxf, e1);
	}
	ok(good, "nn_forward == nn_forward_ref (%s, 2 hidden, B = %d): max "
	    "difference %.2e", nn_act_name(act), B, maxf);
	nn_loss(&net, &w1, B, y, NN_XENT);
	nn_loss(&net, &w2, B, y, NN_XENT);
	float *g1 = calloc(net.nparams, sizeof(float));
	float *g2 = calloc(net.nparams, sizeof(float));
	/* both add into the gradient: start from the same non-zero one */
	for (size_t i = 0; i < net.nparams; i++)
		g1[i] = g2[i] = (float)(0.01 * rand01(&rng));
	nn_backward(&net, &w1, B, g1);
	nn_backward_ref(&net, &w2, B, g2);
	good = close_arrays(g1, g2, net.nparams, &e2);
	good &= close_arrays(w1.g[0], w2.g[0], (size_t)B * d[0], &e3);
	ok(good, "nn_backward == nn_backward_ref (%s): max difference %.2e "
	    "(parameters), %.2e (inputs)", nn_act_name(act), e2, e3);
	free(g1);
	free(g2);
	nn_work_free(&w1, &net);
	nn_work_free(&w2, &net);
	nn_free(&net);
}

static void
check_dropout(void)
{
	int d[3] = { 20, 400, 3 }, B = 10;
	float p = 0.3f, keep = 1 / (1 - p);
	struct nn net;
	struct nn_work w1, w2;
	uint64_t rng = 9, drng = 10;
	size_t n = (size_t)B * d[1], dropped = 0;
	int masks = 1, scaled = 1;

	nn_init(&net, 2, d, NN_SIGMOID);
	nn_randomize(&net, rand01, &rng);
	nn_work_init(&w1, &net, B);
	nn_work_init(&w2, &net, B);
	for (int i = 0; i < B * d[0]; i++)
		w1.a[0][i] = w2.a[0][i] = (float)(2 * rand01(&rng) - 1);
	nn_forward(&net, &w1, B, p, rand01, &drng);
	nn_forward_ref(&net, &w2, B);
	for (size_t i = 0; i < n; i++) {
		float m = w1.mask[1][i];
		if (m == 0)
			dropped++;
		else if (m != keep)
			masks = 0;
		/* sigmoid outputs are never 0: a dropped unit reads 0 */
		if (fabsf(w1.a[1][i] - m * w2.a[1][i]) > 1e-6f)
			scaled = 0;
	}
	ok(masks, "dropout masks are 0 or 1/(1-p) = %.4f", keep);
	ok(scaled, "dropout: hidden activations are the undropped ones times "
	    "their mask");
	double sd = sqrt(n * p * (1 - p));
	ok(fabs(dropped - n * p) <= 4 * sd, "dropout drops %zu of %zu units "
	    "(expected %.0f +- %.0f)", dropped, n, n * p, 4 * sd);
	nn_forward(&net, &w1, B, 0, NULL, NULL);
	masks = 1;
	for (size_t i = 0; i < n; i++)
		masks &= w1.mask[1][i] == 1.0f;
	ok(masks, "without dropout every mask entry is 1");
	nn_work_free(&w1, &net);
	nn_work_free(&w2, &net);
	nn_free(&net);
}

static void
check_updates(void)
{
	float p[2] = { 1.0f, -2.0f }, h[2] = { 0.0f, 4.0f };
	float g[2] = { 0.5f, 3.0f };

	/* AdaGrad with lambda 0.1: g' = g + 0.1 p = (0.6, 2.8); h = (0.36,
	 * 11.84); p -= 0.5 g' / sqrt(h) = (1 - 0.5, -2 - 0.5*2.8/3.44093) */
	nn_adagrad(p, h, g, 2, 0.5f, 0.1f);
	ok(fabsf(h[0] - 0.36f) < 1e-6f && fabsf(h[1] - 11.84f) < 1e-5f &&
	    fabsf(p[0] - 0.5f) < 1e-6f && fabsf(p[1] - (-2.406872f)) < 1e-5f,
	    "nn_adagrad matches a hand-computed step (%.6f %.6f)", p[0],
	    p[1]);
	p[0] = 1.0f;
	p[1] = -2.0f;
	/* SGD: p -= 0.5 (g + 0.1 p) = (1 - 0.3, -2 - 1.4) */
	nn_sgd(p, g, 2, 0.5f, 0.1f);
	ok(fabsf(p[0] - 0.7f) < 1e-6f && fabsf(p[1] - (-3.4f)) < 1e-6f,
	    "nn_sgd matches a hand-computed step (%.6f %.6f)", p[0], p[1]);
}

static void
check_loss_values(void)
{
	int d[2] = { 1, 3 }, y[1] = { 0 };
	struct nn net;
	struct nn_work w;

	nn_init(&net, 1, d, NN_TANH);
	nn_work_init(&w, &net, 1);
	/* zero weights; biases set the scores (1, 2, 0.5) */
	net.b[0][0] = 1;
	net.b[0][1] = 2;
	net.b[0][2] = 0.5f;
	w.a[0][0] = 0.25f;
	nn_forward_ref(&net, &w, 1);
	double j = nn_loss(&net, &w, 1, y, NN_XENT);
	double want = -log(exp(1) / (exp(1) + exp(2) + exp(0.5)));
	ok(fabs(j - want) < 1e-6, "cross-entropy of scores (1, 2, 0.5), "
	    "class 0: %.6f (by hand %.6f)", j, want);
	j = nn_loss(&net, &w, 1, y, NN_HINGE);
	ok(fabs(j - 2.0) < 1e-6 && w.g[1][0] == -1 && w.g[1][1] == 1 &&
	    w.g[1][2] == 0, "max-margin of scores (1, 2, 0.5), class 0: "
	    "1 + 2 - 1 = %.6f, gradient (-1, 1, 0)", j);
	y[0] = 1;
	j = nn_loss(&net, &w, 1, y, NN_HINGE);
	ok(j == 0 && w.g[1][0] == 0 && w.g[1][1] == 0 && w.g[1][2] == 0,
	    "max-margin is 0 with zero gradient when the margin is met");
	nn_work_free(&w, &net);
	nn_free(&net);
}

int
main(void)
{
	static const int shapes[3][4] = {
		{ 6, 4 }, { 6, 5, 4 }, { 6, 5, 3, 4 },
	};

	for (int L = 1; L <= 3; L++)
		for (int act = NN_TANH; act <= NN_RELU; act++) {
			if (L == 1 && act != NN_TANH)
				continue;	/* no hidden layer: no f */
			for (int loss = NN_XENT; loss <= NN_HINGE; loss++)
				gradcheck(L, shapes[L - 1], act, loss, 0);
		}
	gradcheck(2, shapes[1], NN_TANH, NN_XENT, 0.3f);
	gradcheck(3, shapes[2], NN_SIGMOID, NN_XENT, 0.3f);
	gradcheck(3, shapes[2], NN_RELU, NN_HINGE, 0.3f);
	for (int act = NN_TANH; act <= NN_RELU; act++)
		check_twins(act);
	check_dropout();
	check_updates();
	check_loss_values();
	return tap_done();
}
