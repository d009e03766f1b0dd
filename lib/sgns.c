/*
 * sgns.c - the word2vec model: objectives, gradients and SGD steps for
 * skip-gram and CBOW with negative sampling, hierarchical softmax or
 * the full softmax, the alias table of negatives, subsampling, and a
 * private random number generator.  See sgns.h for the legend of names and shapes.
 *
 * Every fast kernel has a plain twin (*_ref) computing the same step with
 * straightforward loops; tests/c/test_sgns.c checks that they agree.  The
 * fast kernels rely on the row stride being a multiple of SGNS_ALIGN
 * floats and on in and out being distinct arrays (restrict): their inner
 * loops are fixed-width blocks that the compiler turns into vector code
 * (AVX2/AVX-512 under -march=native) without intrinsics.
 */
#include "sgns.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "huffman.h"
#include "rng.h"
#include "subword.h"

size_t
sgns_stride(uint32_t d)
{
	return ((size_t)d + SGNS_ALIGN - 1) / SGNS_ALIGN * SGNS_ALIGN;
}

/* ---- random numbers ---- */

/* splitmix64, from rng.h: one add, two multiplies, one word of state. */
void
sgns_rng_seed(struct sgns_rng *r, uint64_t seed, uint64_t stream)
{
	/* Streams (thread, epoch) get unrelated starting points. */
	r->s = rng_mix64(seed + 0x9e3779b97f4a7c15ULL) ^
	    rng_mix64(~stream * 0xd1b54a32d192ed03ULL);
}

uint64_t
sgns_rng_next(struct sgns_rng *r)
{
	return rng_splitmix64(&r->s);
}

uint32_t
sgns_rng_below(struct sgns_rng *r, uint32_t n)
{
	return (uint32_t)(((sgns_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double
sgns_rng_unit(struct sgns_rng *r)
{
	return (sgns_rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- alias table ---- */

struct sgns_alias *
sgns_alias_new(const int64_t *counts, uint32_t n, double power)
{
	struct sgns_alias *a = xcalloc(1, sizeof(*a));
	double *q = xreallocarray(NULL, n ? n : 1, sizeof(double)), sum = 0;
	uint32_t *small = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	uint32_t *large = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	uint32_t ns = 0, nl = 0;

	a->n = n;
	a->col = xreallocarray(NULL, n ? n : 1, sizeof(*a->col));
	for (uint32_t i = 0; i < n; i++)
		sum += q[i] = pow((double)(counts[i] > 0 ? counts[i] : 0),
		    power);
	if (sum <= 0)
		cli_die("negative sampling needs words with positive counts");
	/* Vose's method: q scaled so the mean column height is 1. */
	for (uint32_t i = 0; i < n; i++) {
		q[i] *= n / sum;
		a->col[i].alias = i;
		if (q[i] < 1)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns > 0 && nl > 0) {
		uint32_t lo = small[--ns], hi = large[nl - 1];
		a->col[lo].thresh = (uint32_t)ldexp(q[lo], 32);
		a->col[lo].alias = hi;
		q[hi] -= 1 - q[lo];
		if (q[hi] < 1) {
			nl--;
			small[ns++] = hi;
		}
	}
	/* Left over: columns of height 1 (up to rounding). */
	while (nl > 0)
		a->col[large[--nl]].thresh = UINT32_MAX;
	while (ns > 0)
		a->col[small[--ns]].thresh = UINT32_MAX;
	free(q);
	free(small);
	free(large);
	return a;
}

void
sgns_alias_free(struct sgns_alias *a)
{
	if (a == NULL)
		return;
	free(a->col);
	free(a);
}

double
sgns_alias_prob(const struct sgns_alias *a, uint32_t w)
{
	double p = 0;

	for (uint32_t i = 0; i < a->n; i++) {
		double keep = ldexp(a->col[i].thresh, -32);
		if (i == w)
			p += keep;
		if (a->col[i].alias == w)
			p += 1 - keep;
	}
	return p / a->n;
}

/* ---- subsampling ---- */

double
sgns_keep_prob(int formula, double t, int64_t count, int64_t total)
{
	double p;

	if (t <= 0 || count <= 0 || total <= 0)
		return 1;
	if (formula == SGNS_SAMPLE_PAPER)
		p = sqrt(t / ((double)count / total));
	else
		p = (sqrt(count / (t * total)) + 1) * (t * total) / count;
	return p < 1 ? p : 1;
}

/* ---- sigmoid ---- */

/* sig(x) at SGNS_SIGTAB + 1 evenly spaced points of [-MAX, MAX]. */
static float sigtab[SGNS_SIGTAB + 1];

__attribute__((constructor)) static void
sigtab_init(void)
{
	for (int i = 0; i <= SGNS_SIGTAB; i++) {
		double x = -SGNS_SIGMAX + 2.0 * SGNS_SIGMAX * i / SGNS_SIGTAB;
		sigtab[i] = (float)(1 / (1 + exp(-x)));
	}
}

float
sgns_sigmoid(float x)
{
	float u;
	int i;

	if (!(x > -SGNS_SIGMAX))
		return 0;
	if (x >= SGNS_SIGMAX)
		return 1;
	/* Linear interpolation: error below 1e-6, and continuous in x. */
	u = (x + SGNS_SIGMAX) * (SGNS_SIGTAB / (2 * SGNS_SIGMAX));
	i = (int)u;
	if (i >= SGNS_SIGTAB)
		i = SGNS_SIGTAB - 1;
	u -= i;
	return sigtab[i] + u * (sigtab[i + 1] - sigtab[i]);
}

/* ---- objectives in double, for gradient checks ---- */

static double
dotd(const float *a, const float *b, uint32_t d)
{
	double z = 0;

	for (uint32_t k = 0; k < d; k++)
		z += (double)a[k] * b[k];
	return z;
}

/* -log sig(z), stable for large |z|. */
static double
nlogsig(double z)
{
	return z > 0 ? log1p(exp(-z)) : -z + log1p(exp(z));
}

double
sgns_ns_loss(const float *h, const float *out, size_t s, uint32_t d,
    const uint32_t *t, int K, double *gh, double *gout)
{
	double L = 0;

	for (int j = 0; j <= K; j++) {
		const float *u = out + (size_t)t[j] * s;
		double z = dotd(h, u, d), y = j == 0, dz;

		L += nlogsig(j == 0 ? z : -z);
		dz = 1 / (1 + exp(-z)) - y;	/* dL/dz */
		for (uint32_t k = 0; k < d; k++) {
			if (gh != NULL)
				gh[k] += dz * u[k];
			if (gout != NULL)
				gout[(size_t)t[j] * s + k] += dz * h[k];
		}
	}
	return L;
}

double
sgns_softmax_loss(const float *h, const float *out, size_t s, uint32_t d,
    uint32_t n, uint32_t o, double *gh, double *gout)
{
	double *z = xreallocarray(NULL, n, sizeof(double)), zmax = -HUGE_VAL;
	double sum = 0, L;

	for (uint32_t w = 0; w < n; w++) {
		z[w] = dotd(h, out + (size_t)w * s, d);
		if (z[w] > zmax)
			zmax = z[w];
	}
	for (uint32_t w = 0; w < n; w++)
		sum += exp(z[w] - zmax);
	L = zmax + log(sum) - z[o];
	for (uint32_t w = 0; w < n; w++) {
		double dz = exp(z[w] - zmax) / sum - (w == o);
		const float *u = out + (size_t)w * s;
		for (uint32_t k = 0; k < d; k++) {
			if (gh != NULL)
				gh[k] += dz * u[k];
			if (gout != NULL)
				gout[(size_t)w * s + k] += dz * h[k];
		}
	}
	free(z);
	return L;
}

double
sgns_hs_loss(const float *h, const float *node, size_t s, uint32_t d,
    const uint32_t *point, const uint8_t *code, int L, double *gh,
    double *gnode)
{
	double loss = 0;

	for (int j = 0; j < L; j++) {
		const float *x = node + (size_t)point[j] * s;
		double z = dotd(h, x, d), dz;

		/* Code 0 is the branch of label 1: p = sig(z); code 1, sig(-z). */
		loss += nlogsig(code[j] ? -z : z);
		dz = 1 / (1 + exp(-z)) - (1 - code[j]);	/* dL/dz */
		for (uint32_t k = 0; k < d; k++) {
			if (gh != NULL)
				gh[k] += dz * x[k];
			if (gnode != NULL)
				gnode[(size_t)point[j] * s + k] += dz * h[k];
		}
	}
	return loss;
}

/* ---- fast kernels ---- */

/*
 * The fast kernels work on whole blocks of SGNS_ALIGN floats with GCC's
 * vector extension: one AVX-512 register, two AVX2 or four SSE ones,
 * whatever -march allows.  Loads and stores go through memcpy, so rows
 * need no particular alignment.  -std=c11 turns off contracting a * b + c
 * into one fused multiply-add, which would halve the arithmetic rate, so
 * it is turned back on for these functions only; the reference twins
 * below keep separate roundings.
 */
typedef float vblock __attribute__((vector_size(SGNS_ALIGN * sizeof(float))));

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#endif

static inline vblock
vload(const float *p)
{
	vblock v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void
vstore(float *p, vblock v)
{
	memcpy(p, &v, sizeof(v));
}

/* Sum of the lanes, as a tree of halves (SGNS_ALIGN is 16). */
static inline float
vsum(vblock v)
{
	v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15,
	    0, 1, 2, 3, 4, 5, 6, 7);
	v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3,
	    12, 13, 14, 15, 8, 9, 10, 11);
	v += __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5,
	    10, 11, 8, 9, 14, 15, 12, 13);
	return v[0] + v[1];
}

/* a.b over s floats, s a multiple of SGNS_ALIGN. */
static inline float
dot_fast(const float *a, const float *b, size_t s)
{
	vblock acc = { 0 };

	for (size_t i = 0; i < s; i += SGNS_ALIGN)
		acc += vload(a + i) * vload(b + i);
	return vsum(acc);
}

/*
 * a.b0 .. a.b3 at once: four independent accumulator chains keep the
 * multiply-add units busy and a is loaded once for four rows.
 */
static inline void
dot4_fast(const float *a, const float *b0, const float *b1, const float *b2,
    const float *b3, size_t s, float *z)
{
	vblock c0 = { 0 }, c1 = { 0 }, c2 = { 0 }, c3 = { 0 };

	for (size_t i = 0; i < s; i += SGNS_ALIGN) {
		vblock x = vload(a + i);
		c0 += x * vload(b0 + i);
		c1 += x * vload(b1 + i);
		c2 += x * vload(b2 + i);
		c3 += x * vload(b3 + i);
	}
	z[0] = vsum(c0);
	z[1] = vsum(c1);
	z[2] = vsum(c2);
	z[3] = vsum(c3);
}

/* a.b0, a.b1. */
static inline void
dot2_fast(const float *a, const float *b0, const float *b1, size_t s,
    float *z)
{
	vblock c0 = { 0 }, c1 = { 0 };

	for (size_t i = 0; i < s; i += SGNS_ALIGN) {
		vblock x = vload(a + i);
		c0 += x * vload(b0 + i);
		c1 += x * vload(b1 + i);
	}
	z[0] = vsum(c0);
	z[1] = vsum(c1);
}

/* y += a x over s floats. */
static inline void
axpy_fast(float *y, float a, const float *x, size_t s)
{
	for (size_t i = 0; i < s; i += SGNS_ALIGN)
		vstore(y + i, vload(y + i) + a * vload(x + i));
}

/*
 * y (+)= sum_r a[r] x[r] over s floats: y stays in a register one block
 * at a time instead of being loaded and stored m times.
 */
static inline void
lincomb(float *y, int add, const float *a, const float *const *x, int m,
    size_t s)
{
	for (size_t i = 0; i < s; i += SGNS_ALIGN) {
		vblock acc = { 0 };
		if (add)
			acc = vload(y + i);
		for (int r = 0; r < m; r++)
			acc += a[r] * vload(x[r] + i);
		vstore(y + i, acc);
	}
}

void
sgns_sg_step(float *restrict in, float *restrict out, size_t s,
    const uint32_t *c, int B, const uint32_t *t, int K, float alpha,
    float *restrict work)
{
	float g[2 * SGNS_MAXWIN][SGNS_MAXNEG + 1];	/* [B][K+1] */
	float *trow[SGNS_MAXNEG + 1];
	float *crow[2 * SGNS_MAXWIN];
	int J = K + 1;

	/* S = C T', G = alpha (label - sig(S)). */
	for (int i = 0; i < B; i++) {
		const float *ci = in + (size_t)c[i] * s;
		float z[SGNS_MAXNEG + 4];
		int j = 0;
		for (; j + 4 <= J; j += 4)
			dot4_fast(ci, out + (size_t)t[j] * s,
			    out + (size_t)t[j + 1] * s,
			    out + (size_t)t[j + 2] * s,
			    out + (size_t)t[j + 3] * s, s, z + j);
		for (; j + 2 <= J; j += 2)
			dot2_fast(ci, out + (size_t)t[j] * s,
			    out + (size_t)t[j + 1] * s, s, z + j);
		for (; j < J; j++)
			z[j] = dot_fast(ci, out + (size_t)t[j] * s, s);
		for (j = 0; j < J; j++)
			g[i][j] = alpha * ((j == 0) - sgns_sigmoid(z[j]));
	}
	/* work = G T, from the old T. */
	for (int j = 0; j < J; j++)
		trow[j] = out + (size_t)t[j] * s;
	for (int i = 0; i < B; i++)
		crow[i] = in + (size_t)c[i] * s;
	for (int i = 0; i < B; i++)
		lincomb(work + (size_t)i * s, 0, g[i], (const float *const *)trow, J,
		    s);
	/* T += G' C, from the old C. */
	for (int j = 0; j < J; j++) {
		float gj[2 * SGNS_MAXWIN];
		for (int i = 0; i < B; i++)
			gj[i] = g[i][j];
		lincomb(trow[j], 1, gj, (const float *const *)crow, B, s);
	}
	/* C += work. */
	for (int i = 0; i < B; i++)
		axpy_fast(crow[i], 1, work + (size_t)i * s, s);
}

void
sgns_cbow_step(float *restrict in, float *restrict out, size_t s,
    const uint32_t *c, int B, const uint32_t *t, int K, float alpha,
    float *restrict work)
{
	float *restrict h = work, *restrict e = work + s;

	memset(h, 0, s * sizeof(float));
	for (int i = 0; i < B; i++)
		axpy_fast(h, 1, in + (size_t)c[i] * s, s);
	for (size_t k = 0; k < s; k++)
		h[k] /= B;	/* the mean, as the reference: not * (1/B) */
	memset(e, 0, s * sizeof(float));
	for (int j = 0; j <= K; j++) {
		float *tj = out + (size_t)t[j] * s;
		float g = alpha * ((j == 0) - sgns_sigmoid(dot_fast(h, tj, s)));
		axpy_fast(e, g, tj, s);
		axpy_fast(tj, g, h, s);
	}
	for (int i = 0; i < B; i++)
		axpy_fast(in + (size_t)c[i] * s, 1, e, s);
}

void
sgns_hs_step(float *restrict in, float *restrict node, size_t s,
    const uint32_t *c, int B, const uint32_t *point, const uint8_t *code,
    int L, float alpha, float *restrict work)
{
	float *restrict h = work, *restrict e = work + s;

	if (B == 1)
		memcpy(h, in + (size_t)c[0] * s, s * sizeof(float));
	else {
		memset(h, 0, s * sizeof(float));
		for (int i = 0; i < B; i++)
			axpy_fast(h, 1, in + (size_t)c[i] * s, s);
		for (size_t k = 0; k < s; k++)
			h[k] /= B;
	}
	memset(e, 0, s * sizeof(float));
	for (int j = 0; j < L; j++) {
		float *x = node + (size_t)point[j] * s;
		float g = alpha * ((1 - code[j]) - sgns_sigmoid(dot_fast(h, x,
		    s)));
		axpy_fast(e, g, x, s);
		axpy_fast(x, g, h, s);
	}
	for (int i = 0; i < B; i++)
		axpy_fast(in + (size_t)c[i] * s, 1, e, s);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/* ---- plain reference twins ---- */

void
sgns_sg_step_ref(float *in, float *out, size_t s, const uint32_t *c, int B,
    const uint32_t *t, int K, float alpha, float *work)
{
	float g[2 * SGNS_MAXWIN][SGNS_MAXNEG + 1];

	for (int i = 0; i < B; i++)
		for (int j = 0; j <= K; j++) {
			float z = 0;
			for (size_t k = 0; k < s; k++)
				z += in[c[i] * s + k] * out[t[j] * s + k];
			g[i][j] = alpha * ((j == 0) - sgns_sigmoid(z));
		}
	for (int i = 0; i < B; i++)
		for (size_t k = 0; k < s; k++) {
			work[i * s + k] = 0;
			for (int j = 0; j <= K; j++)
				work[i * s + k] += g[i][j] * out[t[j] * s + k];
		}
	for (int j = 0; j <= K; j++)
		for (int i = 0; i < B; i++)
			for (size_t k = 0; k < s; k++)
				out[t[j] * s + k] += g[i][j] * in[c[i] * s + k];
	for (int i = 0; i < B; i++)
		for (size_t k = 0; k < s; k++)
			in[c[i] * s + k] += work[i * s + k];
}

void
sgns_cbow_step_ref(float *in, float *out, size_t s, const uint32_t *c,
    int B, const uint32_t *t, int K, float alpha, float *work)
{
	float *h = work, *e = work + s;

	for (size_t k = 0; k < s; k++) {
		h[k] = 0;
		for (int i = 0; i < B; i++)
			h[k] += in[c[i] * s + k];
		h[k] /= B;
		e[k] = 0;
	}
	for (int j = 0; j <= K; j++) {
		float z = 0, g;
		for (size_t k = 0; k < s; k++)
			z += h[k] * out[t[j] * s + k];
		g = alpha * ((j == 0) - sgns_sigmoid(z));
		for (size_t k = 0; k < s; k++) {
			e[k] += g * out[t[j] * s + k];
			out[t[j] * s + k] += g * h[k];
		}
	}
	for (int i = 0; i < B; i++)
		for (size_t k = 0; k < s; k++)
			in[c[i] * s + k] += e[k];
}

void
sgns_hs_step_ref(float *in, float *node, size_t s, const uint32_t *c, int B,
    const uint32_t *point, const uint8_t *code, int L, float alpha,
    float *work)
{
	float *h = work, *e = work + s;

	for (size_t k = 0; k < s; k++) {
		h[k] = 0;
		for (int i = 0; i < B; i++)
			h[k] += in[c[i] * s + k];
		h[k] /= B;
		e[k] = 0;
	}
	for (int j = 0; j < L; j++) {
		float z = 0, g;
		for (size_t k = 0; k < s; k++)
			z += h[k] * node[point[j] * s + k];
		g = alpha * ((1 - code[j]) - sgns_sigmoid(z));
		for (size_t k = 0; k < s; k++) {
			e[k] += g * node[point[j] * s + k];
			node[point[j] * s + k] += g * h[k];
		}
	}
	for (int i = 0; i < B; i++)
		for (size_t k = 0; k < s; k++)
			in[c[i] * s + k] += e[k];
}

void
sgns_softmax_step(float *in, float *out, size_t s, uint32_t d, uint32_t n,
    const uint32_t *c, int B, uint32_t o, float alpha, float *work)
{
	float *p = work, *h = work + n, *e = work + n + s, zmax = -HUGE_VALF;
	double sum = 0;

	for (uint32_t k = 0; k < d; k++) {
		h[k] = 0;
		for (int i = 0; i < B; i++)
			h[k] += in[(size_t)c[i] * s + k];
		h[k] /= B;
		e[k] = 0;
	}
	for (uint32_t w = 0; w < n; w++) {
		float z = 0;
		for (uint32_t k = 0; k < d; k++)
			z += h[k] * out[(size_t)w * s + k];
		p[w] = z;
		if (z > zmax)
			zmax = z;
	}
	for (uint32_t w = 0; w < n; w++)
		sum += p[w] = expf(p[w] - zmax);
	/* g_w = alpha (y_w - p_w): the step against dL/dz_w. */
	for (uint32_t w = 0; w < n; w++) {
		float g = alpha * ((w == o) - (float)(p[w] / sum));
		for (uint32_t k = 0; k < d; k++) {
			e[k] += g * out[(size_t)w * s + k];
			out[(size_t)w * s + k] += g * h[k];
		}
	}
	for (int i = 0; i < B; i++)
		for (uint32_t k = 0; k < d; k++)
			in[(size_t)c[i] * s + k] += e[k];
}

/* ---- one sentence ---- */

void
sgns_work_init(struct sgns_work *w, const struct sgns_conf *cf)
{
	size_t rows = 2 * (size_t)cf->window > 2 ? 2 * (size_t)cf->window : 2;

	w->ctx = xreallocarray(NULL, 2 * (size_t)cf->window + 1,
	    sizeof(uint32_t));
	w->cur = w->primed = 0;
	w->buf = xcalloc(rows * cf->s + (cf->softmax ? cf->n + 2 * cf->s : 0),
	    sizeof(float));
	w->rows = NULL;
	if (cf->sub != NULL)
		w->rows = xreallocarray(NULL, 2 * (size_t)cf->window *
		    cf->sub->maxrows, sizeof(uint32_t));
}

void
sgns_work_free(struct sgns_work *w)
{
	free(w->ctx);
	free(w->buf);
	free(w->rows);
}

/* Ask for the rows of targets t[0..K] to be in cache soon. */
static inline void
prefetch_rows(const float *out, size_t s, const uint32_t *t, int K)
{
	for (int j = 0; j <= K; j++)
		for (size_t k = 0; k < s; k += SGNS_ALIGN)
			__builtin_prefetch(out + (size_t)t[j] * s + k, 1, 3);
}

/* Draw the next update's negatives into tgt[cur ^ 1] and prefetch them. */
static void
draw_ahead(const struct sgns_conf *cf, const float *out, struct sgns_work *w,
    struct sgns_rng *r, int K)
{
	uint32_t *t = w->tgt[w->cur ^ 1];

	for (int k = 1; k <= K; k++)
		t[k] = sgns_alias_draw(cf->neg, sgns_rng_next(r));
	prefetch_rows(out, cf->s, t + 1, K - 1);
	w->primed = 1;
}

/*
 * Redraws of a negative equal to the centre before giving up on the
 * table: a word holding nearly all the weight (a count near INT64_MAX)
 * would otherwise make the loop spin for ever.
 */
#define REDRAWS 16

/*
 * Targets of one update: t[0] = centre, t[1..K] the negatives drawn
 * ahead, any equal to the centre drawn again, at most REDRAWS times, then
 * uniformly among the other n - 1 words (K > 0 only when n > 1).
 * Negatives are drawn one update ahead and their rows prefetched, so the
 * random rows arrive while this update runs.
 */
static uint32_t *
take_targets(const struct sgns_conf *cf, const float *out,
    struct sgns_work *w, struct sgns_rng *r, uint32_t centre, int K)
{
	uint32_t *t;

	if (!w->primed)
		draw_ahead(cf, out, w, r, K);
	w->cur ^= 1;
	t = w->tgt[w->cur];
	t[0] = centre;
	for (int k = 1; k <= K; k++) {
		for (int tries = 0; t[k] == centre && tries < REDRAWS; tries++)
			t[k] = sgns_alias_draw(cf->neg, sgns_rng_next(r));
		if (t[k] == centre) {
			t[k] = sgns_rng_below(r, cf->n - 1);
			t[k] += t[k] >= centre;
		}
	}
	draw_ahead(cf, out, w, r, K);
	return t;
}

/* The hierarchical-softmax step of contexts c[0..B-1] for the centre. */
static inline void
hs_update(const struct sgns_conf *cf, float *in, struct sgns_work *w,
    const uint32_t *c, int B, uint32_t centre, float alpha)
{
	const struct huffman *tr = cf->tree;
	uint32_t o = tr->off[centre];

	sgns_hs_step(in, cf->node, cf->s, c, B, tr->point + o, tr->code + o,
	    huffman_len(tr, centre), alpha, w->buf);
}

/* The input rows of word c: itself, or itself and its n-grams. */
static inline const uint32_t *
input_rows(const struct sgns_conf *cf, const uint32_t *c, int *R)
{
	if (cf->sub == NULL) {
		*R = 1;
		return c;
	}
	*R = (int)(cf->sub->off[*c + 1] - cf->sub->off[*c]);
	return cf->sub->rows + cf->sub->off[*c];
}

void
sgns_sentence(const struct sgns_conf *cf, float *in, float *out,
    struct sgns_work *w, struct sgns_rng *r, const uint32_t *sent, int len,
    float alpha)
{
	/*
	 * Negatives need a word other than the centre to exist; with one
	 * word the step keeps only its positive target, as before.
	 */
	int ns = cf->negative > 0, K = cf->n > 1 ? cf->negative : 0;

	for (int pos = 0; pos < len; pos++) {
		/* Dynamic window: b uniform in 1..window. */
		int b = cf->window - (int)sgns_rng_below(r, cf->window), B = 0;
		int lo = pos - b < 0 ? 0 : pos - b;
		int hi = pos + b >= len ? len - 1 : pos + b;
		uint32_t centre = sent[pos], *t;

		for (int q = lo; q <= hi; q++)
			if (q != pos)
				w->ctx[B++] = sent[q];
		if (B == 0)
			continue;
		if (cf->softmax) {
			if (cf->cbow)
				sgns_softmax_step(in, out, cf->s, cf->d, cf->n,
				    w->ctx, B, centre, alpha, w->buf);
			else
				for (int i = 0; i < B; i++)
					sgns_softmax_step(in, out, cf->s, cf->d,
					    cf->n, w->ctx + i, 1, centre, alpha,
					    w->buf);
		} else if (cf->cbow) {
			const uint32_t *c = w->ctx;
			int R;
			/* Subwords: h is the mean of all the window's rows. */
			if (cf->sub != NULL) {
				int nr = 0;
				for (int i = 0; i < B; i++) {
					const uint32_t *ri = input_rows(cf,
					    w->ctx + i, &R);
					memcpy(w->rows + nr, ri, R *
					    sizeof(uint32_t));
					nr += R;
				}
				c = w->rows;
				B = nr;
			}
			/* As word2vec: both objectives from one window. */
			if (cf->hs)
				hs_update(cf, in, w, c, B, centre, alpha);
			if (ns) {
				t = take_targets(cf, out, w, r, centre, K);
				sgns_cbow_step(in, out, cf->s, c, B, t, K,
				    alpha, w->buf);
			}
		} else if (cf->share && cf->sub == NULL) {
			if (cf->hs)
				for (int i = 0; i < B; i++)
					hs_update(cf, in, w, w->ctx + i, 1,
					    centre, alpha);
			if (ns) {
				t = take_targets(cf, out, w, r, centre, K);
				sgns_sg_step(in, out, cf->s, w->ctx, B, t, K,
				    alpha, w->buf);
			}
		} else
			for (int i = 0; i < B; i++) {
				int R;
				const uint32_t *c = input_rows(cf, w->ctx + i,
				    &R);
				if (cf->hs)
					hs_update(cf, in, w, c, R, centre,
					    alpha);
				if (!ns)
					continue;
				t = take_targets(cf, out, w, r, centre, K);
				/*
				 * A subword input is the mean of R rows: the
				 * CBOW step with the word's rows as context.
				 */
				if (R == 1)
					sgns_sg_step(in, out, cf->s, c, 1, t, K,
					    alpha, w->buf);
				else
					sgns_cbow_step(in, out, cf->s, c, R, t,
					    K, alpha, w->buf);
			}
	}
}
