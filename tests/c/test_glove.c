/*
 * test_glove.c - the GloVe model against references (TAP output):
 *
 *   - glove_gradient against central differences of glove_objective
 *     (double precision; J is quadratic in each single parameter, so the
 *     difference is exact up to rounding: tolerance 1e-7, relative);
 *   - one AdaGrad step from fresh accumulators is -eta times that
 *     gradient, for the fast and the reference update (tolerance 1e-5);
 *   - glove_update (float, SIMD) == glove_update_ref (double) from the
 *     same state, record after record, clipped and unclipped (relative
 *     1e-4 on every parameter and accumulator: the float kernel computes
 *     diff = w.c + b - log x with float rounding, and diff cancels to
 *     near 0 for a fitted pair, so ~1e-5 is what float really gives);
 *   - on shuffled records from a planted low-rank model the cost falls
 *     every iteration;
 *   - checkpoints round-trip bit for bit, and damaged ones are refused.
 */
#include <math.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "glove.h"
#include "rng.h"

static int ntest, nfail;
static jmp_buf die_jmp;

static void
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!cond)
		nfail++;
	printf("%sok %d - ", cond ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
die_hook(void)
{
	longjmp(die_jmp, 1);
}

/* n records over V words, counts log-uniform in [0.1, 1000). */
static struct cooc_rec *
random_records(uint32_t V, size_t n, uint64_t *rng)
{
	struct cooc_rec *r = xcalloc(n, sizeof(*r));

	for (size_t k = 0; k < n; k++) {
		r[k].w1 = rng_splitmix64(rng) % V;
		r[k].w2 = rng_splitmix64(rng) % V;
		r[k].x = expf(logf(0.1f) + (rng_splitmix64(rng) >> 40) *
		    (1.0f / 16777216.0f) * logf(10000.0f));
	}
	return r;
}

/*
 * Is parameter index k a real one: a weight (lanes 0..D-1 of a row) or
 * a bias (lane D), not padding?  Also right for the AdaGrad half.
 */
static int
is_real(const struct glove *g, size_t k)
{
	return k % g->stride <= g->dim;
}

static void
test_gradient(void)
{
	struct glove_hyper h = { 3, 10.0, 0.75, 0.05, 100.0 };
	uint64_t rng = 7;
	struct glove *g = glove_new(5, &h);
	struct cooc_rec *r = random_records(5, 30, &rng);
	double *grad, worst = 0, padmax = 0;
	const float step = 1.0f / 1024;	/* exact in float here */
	int exact = 1;

	glove_init(g, &rng);
	/* Larger parameters than the init gives, so every term matters. */
	for (size_t k = 0; k < g->nparam; k++)
		g->mem[k] *= 20;
	grad = xcalloc(g->nparam, sizeof(double));
	glove_gradient(g, r, 30, grad);
	for (size_t k = 0; k < g->nparam; k++) {
		float p = g->mem[k];
		double jp, jm, num, err;

		if (!is_real(g, k)) {
			padmax = fmax(padmax, fabs(grad[k]));
			continue;
		}
		g->mem[k] = p + step;
		exact &= (double)g->mem[k] - p == step;
		jp = glove_objective(g, r, 30);
		g->mem[k] = p - step;
		exact &= (double)p - g->mem[k] == step;
		jm = glove_objective(g, r, 30);
		g->mem[k] = p;
		num = (jp - jm) / (2.0 * step);
		err = fabs(num - grad[k]) / fmax(1.0, fabs(grad[k]));
		worst = fmax(worst, err);
	}
	ok(exact, "gradient check: the perturbations are exact in float");
	ok(worst < 1e-7, "gradient check: analytic vs central differences, "
	    "worst relative error %.2e < 1e-7", worst);
	ok(padmax == 0, "gradient check: padding lanes get gradient 0");

	/* One step from accumulators 1 moves each parameter by -eta grad. */
	for (int fast = 0; fast < 2; fast++) {
		struct glove *g1 = glove_new(5, &h);
		double cost = 0, err = 0, j0;
		glove_init(g1, &(uint64_t){ 11 });
		for (size_t k = 0; k < g1->nparam; k++)
			g1->mem[k] *= 20;
		glove_gradient(g1, r, 1, grad);
		j0 = glove_objective(g1, r, 1);
		float *before = xmalloc(g1->nparam * sizeof(float));
		memcpy(before, g1->mem, g1->nparam * sizeof(float));
		if (fast)
			glove_update(g1, r[0].w1, r[0].w2, r[0].x, &cost);
		else
			glove_update_ref(g1, r[0].w1, r[0].w2, r[0].x, &cost);
		for (size_t k = 0; k < g1->nparam; k++) {
			double moved = ((double)before[k] - g1->mem[k]) / h.eta;
			err = fmax(err, fabs(moved - grad[k]) /
			    fmax(1.0, fabs(grad[k])));
		}
		ok(err < 1e-5, "%s update: first step is -eta * gradient "
		    "(worst error %.2e < 1e-5)", fast ? "fast" : "reference",
		    err);
		ok(fabs(cost - j0) <= 1e-5 * fabs(j0), "%s update: its cost "
		    "is the record's objective (%.6g vs %.6g)",
		    fast ? "fast" : "reference", cost, j0);
		free(before);
		glove_free(g1);
	}
	free(grad);
	free(r);
	glove_free(g);
}

/*
 * Fast vs reference, record by record from the same state; D = 50 puts
 * the bias in lane 2 of the last vector, D = 16 in lane 0 of a vector
 * of its own.
 */
static void
test_fast_vs_ref(uint32_t dim, double clip)
{
	struct glove_hyper h = { dim, 10.0, 0.75, 0.05, clip };
	uint64_t rng = 3;
	const size_t n = 4000;
	struct glove *a = glove_new(60, &h), *b = glove_new(60, &h);
	struct cooc_rec *r = random_records(60, n, &rng);
	size_t bytes = 2 * a->nparam * sizeof(float);
	double worst = 0, cworst = 0;
	int padzero = 1;

	glove_init(a, &rng);
	/* Some history in the accumulators, and parameters of size ~1. */
	for (size_t k = 0; k < a->nparam; k++) {
		if (is_real(a, k)) {
			a->mem[k] *= 50;
			a->mem[a->nparam + k] += k % 7;
		}
	}
	memcpy(b->mem, a->mem, bytes);
	for (size_t k = 0; k < n; k++) {
		double ca = 0, cb = 0;
		glove_update(a, r[k].w1, r[k].w2, r[k].x, &ca);
		glove_update_ref(b, r[k].w1, r[k].w2, r[k].x, &cb);
		cworst = fmax(cworst, fabs(ca - cb) / fmax(1e-3, fabs(cb)));
		for (size_t p = 0; p < 2 * a->nparam; p++) {
			double d = fabs((double)a->mem[p] - b->mem[p]);
			worst = fmax(worst, d / fmax(1e-3, fabs(b->mem[p])));
		}
		for (size_t p = 0; p < a->nparam; p++)
			if (!is_real(a, p) && a->mem[p] != 0)
				padzero = 0;
		memcpy(a->mem, b->mem, bytes);
	}
	ok(worst < 1e-4, "fast update == reference update (D %u, grad-clip "
	    "%g), %zu records, worst relative difference %.2e < 1e-4", dim,
	    clip, n, worst);
	ok(cworst < 1e-4, "fast and reference record costs agree (D %u, "
	    "grad-clip %g), worst %.2e < 1e-4", dim, clip, cworst);
	ok(padzero, "fast update leaves the padding lanes 0 (D %u, stride "
	    "%u)", dim, a->stride);
	free(r);
	glove_free(a);
	glove_free(b);
}

/*
 * Counts from a planted model, log X_ij = p_i . q_j + 3 with 4-dim p and
 * q, every pair, shuffled; training must lower the cost every pass.
 */
static void
test_cost_falls(void)
{
	enum { V = 40, P = 4, ITER = 25 };
	struct glove_hyper h = { 10, 50.0, 0.75, 0.05, 100.0 };
	float p[V][P], q[V][P];
	struct cooc_rec *r = xcalloc(V * V, sizeof(*r));
	uint64_t rng = 5;
	struct glove *g = glove_new(V, &h);
	double prev = INFINITY, first = 0, cost = 0;
	int falls = 1, bad = -1;
	size_t n = 0;

	for (int i = 0; i < V; i++)
		for (int d = 0; d < P; d++) {
			p[i][d] = ((rng_splitmix64(&rng) >> 40) / 16777216.0 -
			    0.5) * 2;
			q[i][d] = ((rng_splitmix64(&rng) >> 40) / 16777216.0 -
			    0.5) * 2;
		}
	for (int i = 0; i < V; i++)
		for (int j = 0; j < V; j++) {
			float s = 3;
			for (int d = 0; d < P; d++)
				s += p[i][d] * q[j][d];
			r[n++] = (struct cooc_rec){ i, j, expf(s) };
		}
	for (size_t k = n - 1; k > 0; k--) {
		size_t m = rng_splitmix64(&rng) % (k + 1);
		struct cooc_rec t = r[k];
		r[k] = r[m];
		r[m] = t;
	}
	glove_init(g, &rng);
	for (int it = 0; it < ITER; it++) {
		size_t done = glove_train(g, r, n, &cost);
		if (done != n || !(cost < prev)) {
			falls = 0;
			if (bad < 0)
				bad = it + 1;
		}
		if (it == 0)
			first = cost;
		prev = cost;
	}
	ok(falls, "on a planted model the cost falls every iteration "
	    "(%d iterations; first rise at %d)", ITER, bad);
	ok(prev < first / 10, "and ends below a tenth of the first pass's "
	    "(%.4f -> %.4f)", first / n, prev / n);
	free(r);
	glove_free(g);
}

static void
test_checkpoint(void)
{
	struct glove_hyper h = { 13, 10.0, 0.75, 0.05, 100.0 };
	struct glove_state st = { 0x1234567890abcdefULL, 42, 0, 999, 7 };
	struct glove_state st2;
	struct glove *g = glove_new(17, &h), *g2;
	char wbuf[17][8], *words[17];
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd, same;
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/test_glove.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	st.rng = 42;
	glove_init(g, &st.rng);
	for (size_t k = 0; k < g->nparam; k++)
		if (is_real(g, k))
			g->gw[k] += k * 0.001f;
	close(fd);
	for (uint32_t i = 0; i < 17; i++) {
		snprintf(wbuf[i], sizeof(wbuf[i]), "w%u", i);
		words[i] = wbuf[i];
	}
	st.fingerprint = stream_fingerprint(words, 17);
	glove_save(g, &st, words, path);
	g2 = glove_load(path, &st2);
	same = g2->nwords == g->nwords && g2->dim == g->dim &&
	    g2->h.dim == g->h.dim && g2->h.x_max == g->h.x_max &&
	    g2->h.alpha == g->h.alpha && g2->h.eta == g->h.eta &&
	    g2->h.grad_clip == g->h.grad_clip &&
	    st.fingerprint == st2.fingerprint && st.seed == st2.seed &&
	    st.rng == st2.rng && st.records == st2.records &&
	    st.iter == st2.iter &&
	    memcmp(g->mem, g2->mem, 2 * g->nparam * sizeof(float)) == 0;
	ok(same, "checkpoint round trip: sizes, hyperparameters, state and "
	    "every parameter and accumulator bit for bit");
	glove_free(g2);

	/* Flip one byte in the middle: the CRC must catch it. */
	f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size / 2, SEEK_SET);
	int c = fgetc(f);
	fseek(f, size / 2, SEEK_SET);
	fputc(c ^ 0x10, f);
	fclose(f);
	cli_die_hook = die_hook;
	int died = 0;
	if (setjmp(die_jmp) == 0)
		glove_load(path, &st2);
	else
		died = 1;
	ok(died, "a checkpoint with one flipped byte is refused");

	/* Truncated. */
	if (truncate(path, size - 100) != 0)
		perror("truncate");
	died = 0;
	if (setjmp(die_jmp) == 0)
		glove_load(path, &st2);
	else
		died = 1;
	ok(died, "a truncated checkpoint is refused");
	cli_die_hook = NULL;
	unlink(path);

	g->mem[5] = NAN;
	ok(glove_check_finite(g) == 5, "glove_check_finite finds a NaN");
	glove_free(g);
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_gradient();
	test_fast_vs_ref(50, 100.0);
	test_fast_vs_ref(50, 0.002);
	test_fast_vs_ref(16, 100.0);
	test_fast_vs_ref(16, 0.002);
	test_cost_falls();
	test_checkpoint();
	printf("1..%d\n", ntest);
	return nfail != 0;
}
