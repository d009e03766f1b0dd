/*
 * glove.c - the GloVe model (see glove.h for the objective and the
 * legend V, D, Dp): initialisation, the AdaGrad update in a fast and
 * a reference version, the objective and its gradient for the tests, and
 * checkpoints.
 *
 * Checkpoints are state files (lib/state.c) of kind "glove", with
 * these sections (all integers and floats little-endian):
 *
 *   "model"    72 bytes:
 *                off size field
 *                  0   4  V             4  4  D
 *                  8   4  Dp           12  4  iterations completed
 *                 16   8  vocabulary fingerprint (stream_fingerprint)
 *                 24   8  seed         32  8  records per iteration
 *                 40   8  x_max (f64)  48  8  alpha (f64)
 *                 56   8  eta (f64)    64  8  grad_clip (f64)
 *   "rng"       8 bytes: the splitmix64 state after initialisation
 *   "words"    the V words in id order (state_put_words), matched by
 *              their bytes when a run starts from another's state
 *   "params"   W then C: 2 V rows of Dp f32, word i's bias in lane D,
 *              lanes past D zero (4 * 2 V Dp bytes)
 *   "adagrad"  their AdaGrad sums of squared steps, the same layout
 *
 * Checkpoints of firth 0.1.0 (version 2 of the format before the state
 * container) still load, through glove_load_v2:
 *
 *   off  size  field
 *     0     8  magic 89 47 4c 56 0d 0a 1a 0a   ("\x89GLV\r\n\x1a\n")
 *     8     4  version (2)
 *    12     4  header bytes (112)
 *    16     4  V           20  4  D
 *    24     4  Dp          28  4  reserved (0)
 *    32     4  iterations completed
 *    36     4  reserved (0)
 *    40     8  vocabulary fingerprint
 *    48     8  seed        56  8  generator state
 *    64     8  records per iteration
 *    72     8  x_max (f64) 80  8  alpha (f64)
 *    88     8  eta (f64)   96  8  grad_clip (f64)
 *   104     8  N, floats that follow (2 nparam)
 *   112   4 N  params then adagrad, as above
 * 112+4N    4  CRC-32 of every byte before it
 *
 * For V = 85,072 and D = 50 (Dp = 56) that is 77 MB.
 */
#include "glove.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __AVX__
#include <immintrin.h>
#else
/* The v8f helpers are static inline: no ABI crosses a call. */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#include "cli.h"
#include "le.h"
#include "rng.h"
#include "state.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "glove checkpoints are little-endian; this host is not"
#endif

/* GLOVE_LANES floats; element-wise + - * / come from GCC's vector
 * extension, sqrt/min/max from the helpers below. */
typedef float v8f __attribute__((vector_size(32)));

static const unsigned char ckpt_magic[8] =
    { 0x89, 'G', 'L', 'V', '\r', '\n', 0x1a, '\n' };
#define CKPT_HEAD 112
#define HUGE_PAGE (2u << 20)

static size_t
round_up(size_t n, size_t k)
{
	return (n + k - 1) / k * k;
}

struct glove *
glove_new(uint32_t nwords, const struct glove_hyper *h)
{
	struct glove *g = xcalloc(1, sizeof(*g));
	size_t vd, bytes;

	g->nwords = nwords;
	g->dim = h->dim;
	/* + 1 for the bias lane: a whole extra vector when D is a multiple
	 * of GLOVE_LANES. */
	g->stride = round_up((size_t)h->dim + 1, GLOVE_LANES);
	g->h = *h;
	vd = (size_t)nwords * g->stride;
	g->nparam = 2 * vd;
	/*
	 * 2 MiB alignment and MADV_HUGEPAGE: shuffled records touch rows
	 * at random, and with 4 KiB pages nearly every row costs a TLB miss
	 * on top of its cache misses.  Only a hint: without transparent huge
	 * pages it changes nothing.
	 */
	bytes = round_up(2 * g->nparam * sizeof(float), HUGE_PAGE);
	g->mem = aligned_alloc(HUGE_PAGE, bytes);
	if (g->mem == NULL)
		cli_die("out of memory for the model (%zu MB for %u words of "
		    "%u dimensions): try a smaller --max-vocab or "
		    "--vector-size", bytes >> 20, nwords, h->dim);
#ifdef MADV_HUGEPAGE
	(void)madvise(g->mem, bytes, MADV_HUGEPAGE);
#endif
	memset(g->mem, 0, bytes);
	g->w = g->mem;
	g->c = g->w + vd;
	g->gw = g->mem + g->nparam;
	g->gc = g->gw + vd;
	return g;
}

void
glove_free(struct glove *g)
{
	if (g == NULL)
		return;
	free(g->mem);
	free(g);
}

/* Uniform in [0, 1) with 24 random bits: exact in float. */
static float
rng_unit(uint64_t *state)
{
	return (rng_splitmix64(state) >> 40) * (1.0f / 16777216.0f);
}

void
glove_init(struct glove *g, uint64_t *rng)
{
	float scale = 1.0f / g->dim;
	size_t k;

	/*
	 * Row by row so the padding lanes stay exactly 0; W, C, then the
	 * biases of W and of C, the order version 1 drew them in, so a seed
	 * gives the same model as before the biases moved into the rows.
	 */
	for (uint32_t i = 0; i < g->nwords; i++)
		for (uint32_t d = 0; d < g->dim; d++)
			g->w[(size_t)i * g->stride + d] =
			    (rng_unit(rng) - 0.5f) * scale;
	for (uint32_t i = 0; i < g->nwords; i++)
		for (uint32_t d = 0; d < g->dim; d++)
			g->c[(size_t)i * g->stride + d] =
			    (rng_unit(rng) - 0.5f) * scale;
	for (uint32_t i = 0; i < g->nwords; i++)
		glove_bw(g, i) = (rng_unit(rng) - 0.5f) * scale;
	for (uint32_t i = 0; i < g->nwords; i++)
		glove_bc(g, i) = (rng_unit(rng) - 0.5f) * scale;
	for (k = 0; k < g->nparam; k++)
		g->gw[k] = 1.0f;
}

double
glove_weight(const struct glove_hyper *h, double x)
{
	return x < h->x_max ? pow(x / h->x_max, h->alpha) : 1.0;
}

static inline v8f
v8_splat(float x)
{
	return (v8f){ x, x, x, x, x, x, x, x };
}

#ifdef __AVX__
static inline v8f
v8_sqrt(v8f x)
{
	return (v8f)_mm256_sqrt_ps((__m256)x);
}

static inline v8f
v8_clip(v8f x, v8f lo, v8f hi)
{
	return (v8f)_mm256_min_ps(_mm256_max_ps((__m256)x, (__m256)lo),
	    (__m256)hi);
}
#else
static inline v8f
v8_sqrt(v8f x)
{
	for (int l = 0; l < GLOVE_LANES; l++)
		x[l] = sqrtf(x[l]);
	return x;
}

static inline v8f
v8_clip(v8f x, v8f lo, v8f hi)
{
	for (int l = 0; l < GLOVE_LANES; l++)
		x[l] = x[l] < lo[l] ? lo[l] : x[l] > hi[l] ? hi[l] : x[l];
	return x;
}
#endif

/*
 * The fast kernel.  Rows are Dp floats, 32-byte aligned (Dp is a
 * multiple of 8 and mem is 64-byte aligned), so they are walked as v8f
 * with no tail.  The last vector of a row holds lane D, the bias: there
 * the weights are masked out of the dot product and of the clipped
 * gradient, and the bias step (eta f diff, not clipped) is added in its
 * lane alone; lanes past D hold 0, get step 0 and stay 0.  W and C are
 * different blocks, so the restrict pointers hold even for i == j.
 */
struct lanes {
	v8f w;			/* 1 on the weight lanes of a row's last vector */
	v8f b;			/* 1 on its bias lane */
};

static void
lanes_init(const struct glove *g, struct lanes *m)
{
	uint32_t b = g->dim % GLOVE_LANES;

	for (uint32_t l = 0; l < GLOVE_LANES; l++) {
		m->w[l] = l < b;
		m->b[l] = l == b;
	}
}

static inline __attribute__((always_inline)) int
update(struct glove *g, uint32_t i, uint32_t j, float x, double *cost,
    const struct lanes *m)
{
	v8f *restrict wi = (v8f *)(g->w + (size_t)i * g->stride);
	v8f *restrict cj = (v8f *)(g->c + (size_t)j * g->stride);
	v8f *restrict gwi = (v8f *)(g->gw + (size_t)i * g->stride);
	v8f *restrict gcj = (v8f *)(g->gc + (size_t)j * g->stride);
	const uint32_t last = g->stride / GLOVE_LANES - 1;
	const uint32_t b = g->dim % GLOVE_LANES;
	const float eta = g->h.eta, clip = g->h.grad_clip;
	v8f acc = v8_splat(0), vfd, veta = v8_splat(eta);
	v8f lo = v8_splat(-clip), hi = v8_splat(clip);
	v8f ul, vl, s1, s2;
	float dot, lx, diff, f, fd, s;

	/* Multiplying by the masks is exact. */
	for (uint32_t k = 0; k < last; k++)
		acc += wi[k] * cj[k];
	ul = wi[last] * m->w;
	vl = cj[last] * m->w;
	acc += ul * vl;
	dot = ((acc[0] + acc[4]) + (acc[1] + acc[5])) +
	    ((acc[2] + acc[6]) + (acc[3] + acc[7]));
	lx = logf(x);
	diff = dot + wi[last][b] + cj[last][b] - lx;
	if (!isfinite(diff))
		return 0;
	f = x < g->h.x_max ? powf(x / (float)g->h.x_max, (float)g->h.alpha) :
	    1.0f;
	fd = f * diff;
	*cost += 0.5 * fd * diff;
	vfd = v8_splat(fd);
	for (uint32_t k = 0; k < last; k++) {
		v8f u = wi[k], v = cj[k];
		s1 = v8_clip(vfd * v, lo, hi) * veta;
		s2 = v8_clip(vfd * u, lo, hi) * veta;
		wi[k] = u - s1 / v8_sqrt(gwi[k]);
		cj[k] = v - s2 / v8_sqrt(gcj[k]);
		gwi[k] += s1 * s1;
		gcj[k] += s2 * s2;
	}
	/* ul, vl: the last vectors with the biases masked out. */
	s = eta * fd;
	s1 = v8_clip(vfd * vl, lo, hi) * veta + v8_splat(s) * m->b;
	s2 = v8_clip(vfd * ul, lo, hi) * veta + v8_splat(s) * m->b;
	wi[last] = wi[last] - s1 / v8_sqrt(gwi[last]);
	cj[last] = cj[last] - s2 / v8_sqrt(gcj[last]);
	gwi[last] += s1 * s1;
	gcj[last] += s2 * s2;
	return 1;
}

int
glove_update(struct glove *g, uint32_t i, uint32_t j, float x, double *cost)
{
	struct lanes m;

	lanes_init(g, &m);
	return update(g, i, j, x, cost, &m);
}

/* The same step written plainly, every intermediate in double. */
int
glove_update_ref(struct glove *g, uint32_t i, uint32_t j, float x,
    double *cost)
{
	float *wi = g->w + (size_t)i * g->stride;
	float *cj = g->c + (size_t)j * g->stride;
	float *gwi = g->gw + (size_t)i * g->stride;
	float *gcj = g->gc + (size_t)j * g->stride;
	double dot = 0, diff, fd, s;

	for (uint32_t d = 0; d < g->dim; d++)
		dot += (double)wi[d] * cj[d];
	diff = dot + wi[g->dim] + cj[g->dim] - log(x);
	if (!isfinite(diff))
		return 0;
	fd = glove_weight(&g->h, x) * diff;
	*cost += 0.5 * fd * diff;
	for (uint32_t d = 0; d < g->dim; d++) {
		double u = wi[d], v = cj[d];
		double s1 = fmin(fmax(fd * v, -g->h.grad_clip),
		    g->h.grad_clip) * g->h.eta;
		double s2 = fmin(fmax(fd * u, -g->h.grad_clip),
		    g->h.grad_clip) * g->h.eta;
		wi[d] = u - s1 / sqrt(gwi[d]);
		cj[d] = v - s2 / sqrt(gcj[d]);
		gwi[d] += s1 * s1;
		gcj[d] += s2 * s2;
	}
	/* The biases, lane D: the same step without the clip. */
	s = g->h.eta * fd;
	wi[g->dim] -= s / sqrt(gwi[g->dim]);
	cj[g->dim] -= s / sqrt(gcj[g->dim]);
	gwi[g->dim] += s * s;
	gcj[g->dim] += s * s;
	return 1;
}

/*
 * Records ahead whose rows are prefetched.  Shuffled records touch rows
 * at random, and with a vocabulary of tens of thousands the model (tens
 * of MB) is far out of cache: without prefetching each record waits on
 * its cache misses one after another.
 */
#ifndef GLOVE_AHEAD
#define GLOVE_AHEAD 8
#endif

static inline void
prefetch_row(const float *row, size_t bytes)
{
	const char *p = (const char *)row;

	for (size_t b = 0; b < bytes; b += 64)
		__builtin_prefetch(p + b, 1, 3);
	__builtin_prefetch(p + bytes - 1, 1, 3);
}

static inline void
prefetch_record(const struct glove *g, const struct cooc_rec *r)
{
	size_t bytes = g->stride * sizeof(float);
	size_t oi = (size_t)r->w1 * g->stride, oj = (size_t)r->w2 * g->stride;

	prefetch_row(g->w + oi, bytes);
	prefetch_row(g->gw + oi, bytes);
	prefetch_row(g->c + oj, bytes);
	prefetch_row(g->gc + oj, bytes);
}

size_t
glove_train(struct glove *g, const struct cooc_rec *r, size_t n,
    double *cost)
{
	struct lanes m;
	double sum = 0;
	size_t k;

	lanes_init(g, &m);
	for (k = 0; k < n && k < GLOVE_AHEAD; k++)
		prefetch_record(g, &r[k]);
	for (k = 0; k < n; k++) {
		if (k + GLOVE_AHEAD < n)
			prefetch_record(g, &r[k + GLOVE_AHEAD]);
		if (!update(g, r[k].w1, r[k].w2, r[k].x, &sum, &m))
			break;
	}
	*cost = sum;
	return k;
}

size_t
glove_train_ref(struct glove *g, const struct cooc_rec *r, size_t n,
    double *cost)
{
	double sum = 0;
	size_t k;

	for (k = 0; k < n; k++)
		if (!glove_update_ref(g, r[k].w1, r[k].w2, r[k].x, &sum))
			break;
	*cost = sum;
	return k;
}

double
glove_objective(const struct glove *g, const struct cooc_rec *r, size_t n)
{
	double sum = 0;

	for (size_t k = 0; k < n; k++) {
		const float *wi = g->w + (size_t)r[k].w1 * g->stride;
		const float *cj = g->c + (size_t)r[k].w2 * g->stride;
		double diff = (double)wi[g->dim] + cj[g->dim] - log(r[k].x);

		for (uint32_t d = 0; d < g->dim; d++)
			diff += (double)wi[d] * cj[d];
		sum += 0.5 * glove_weight(&g->h, r[k].x) * diff * diff;
	}
	return sum;
}

void
glove_gradient(const struct glove *g, const struct cooc_rec *r, size_t n,
    double *grad)
{
	size_t vd = (size_t)g->nwords * g->stride;
	double *gw = grad, *gc = grad + vd;

	memset(grad, 0, g->nparam * sizeof(double));
	for (size_t k = 0; k < n; k++) {
		size_t oi = (size_t)r[k].w1 * g->stride;
		size_t oj = (size_t)r[k].w2 * g->stride;
		double diff = (double)g->w[oi + g->dim] + g->c[oj + g->dim] -
		    log(r[k].x);
		double fd;

		for (uint32_t d = 0; d < g->dim; d++)
			diff += (double)g->w[oi + d] * g->c[oj + d];
		fd = glove_weight(&g->h, r[k].x) * diff;
		/* dJ/dw_i = f diff c_j, dJ/dc_j = f diff w_i, biases f diff */
		for (uint32_t d = 0; d < g->dim; d++) {
			gw[oi + d] += fd * g->c[oj + d];
			gc[oj + d] += fd * g->w[oi + d];
		}
		gw[oi + g->dim] += fd;
		gc[oj + g->dim] += fd;
	}
}

size_t
glove_check_finite(const struct glove *g)
{
	for (size_t k = 0; k < 2 * g->nparam; k++)
		if (!isfinite(g->mem[k]))
			return k;
	return SIZE_MAX;
}

static void
putf64(unsigned char *p, double v)
{
	memcpy(p, &v, 8);
}

static double
getf64(const unsigned char *p)
{
	double v;

	memcpy(&v, p, 8);
	return v;
}

#define MODEL_BYTES 72

void
glove_save(const struct glove *g, const struct glove_state *st,
    char *const *words, const char *path)
{
	unsigned char m[MODEL_BYTES], rng[8];
	struct state_w *w;

	put32(m, g->nwords);
	put32(m + 4, g->dim);
	put32(m + 8, g->stride);
	put32(m + 12, st->iter);
	put64(m + 16, st->fingerprint);
	put64(m + 24, st->seed);
	put64(m + 32, st->records);
	putf64(m + 40, g->h.x_max);
	putf64(m + 48, g->h.alpha);
	putf64(m + 56, g->h.eta);
	putf64(m + 64, g->h.grad_clip);
	put64(rng, st->rng);
	w = state_create(path, "glove");
	state_put(w, "model", m, sizeof(m));
	state_put(w, "rng", rng, sizeof(rng));
	state_put_words(w, "words", words, g->nwords);
	state_put(w, "params", g->mem, g->nparam * sizeof(float));
	state_put(w, "adagrad", g->mem + g->nparam, g->nparam * sizeof(float));
	state_commit(w);
}

/* The hyperparameters and sizes a file gives, bounded; dies if not. */
static struct glove *
model_check(const char *path, uint32_t nwords, const struct glove_hyper *h,
    uint32_t stride)
{
	struct glove *g;

	if (nwords == 0 || nwords > STREAM_MAX_VOCAB || h->dim == 0 ||
	    h->dim > STREAM_MAX_DIM || !(h->x_max > 0) || !(h->eta > 0) ||
	    !isfinite(h->alpha) || !(h->grad_clip > 0))
		cli_die("%s: damaged checkpoint header", path);
	g = glove_new(nwords, h);
	if (stride != g->stride)
		cli_die("%s: damaged checkpoint header (sizes disagree)", path);
	return g;
}

static struct glove *glove_load_v2(const char *path, struct glove_state *st);

struct glove *
glove_load(const char *path, struct glove_state *st)
{
	unsigned char m[MODEL_BYTES], rng[8];
	struct glove_hyper h;
	struct state_r *r;
	struct glove *g;
	uint32_t nwords, n;
	char **words;

	/* Anything else is firth 0.1.0's format, or no checkpoint. */
	if (!state_file_is(path))
		return glove_load_v2(path, st);

	r = state_open(path, "glove");
	state_get(r, "model", m, sizeof(m));
	nwords = get32(m);
	h.dim = get32(m + 4);
	h.x_max = getf64(m + 40);
	h.alpha = getf64(m + 48);
	h.eta = getf64(m + 56);
	h.grad_clip = getf64(m + 64);
	g = model_check(path, nwords, &h, get32(m + 8));
	st->iter = get32(m + 12);
	st->fingerprint = get64(m + 16);
	st->seed = get64(m + 24);
	st->records = get64(m + 32);
	state_get(r, "rng", rng, sizeof(rng));
	st->rng = get64(rng);
	/* The words must be the ones the fingerprint stands for. */
	words = state_get_words(r, "words", &n);
	if (n != nwords || stream_fingerprint(words, n) !=
	    st->fingerprint)
		cli_die("%s: its words disagree with its vocabulary "
		    "fingerprint (damaged file)", path);
	for (uint32_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	state_get(r, "params", g->mem, g->nparam * sizeof(float));
	state_get(r, "adagrad", g->mem + g->nparam, g->nparam * sizeof(float));
	state_close(r);
	return g;
}

static void
ckpt_read(FILE *f, void *p, size_t n, const char *path)
{
	if (fread(p, 1, n, f) != n)
		cli_die("%s: %s", path, ferror(f) ? strerror(errno) :
		    "checkpoint truncated (was the run killed while "
		    "copying it?)");
}

/* A checkpoint of firth 0.1.0 (the second layout at the top). */
static struct glove *
glove_load_v2(const char *path, struct glove_state *st)
{
	unsigned char head[CKPT_HEAD], tail[4];
	struct glove_hyper h;
	struct glove *g;
	uint32_t nwords, ver;
	uint32_t crc;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		cli_die("cannot open checkpoint %s: %s", path, strerror(errno));
	if (fread(head, 1, sizeof(head), f) != sizeof(head) ||
	    memcmp(head, ckpt_magic, 8) != 0)
		cli_die("%s: not a firth-glove checkpoint", path);
	ver = get32(head + 8);
	if (ver != GLOVE_CKPT_VERSION || get32(head + 12) != CKPT_HEAD)
		cli_die("%s: checkpoint version %u, this firth-glove reads "
		    "version %d", path, ver, GLOVE_CKPT_VERSION);
	nwords = get32(head + 16);
	h.dim = get32(head + 20);
	h.x_max = getf64(head + 72);
	h.alpha = getf64(head + 80);
	h.eta = getf64(head + 88);
	h.grad_clip = getf64(head + 96);
	g = model_check(path, nwords, &h, get32(head + 24));
	if (get32(head + 28) != 0 || get64(head + 104) != 2 * g->nparam)
		cli_die("%s: damaged checkpoint header (sizes disagree)", path);
	st->iter = get32(head + 32);
	st->fingerprint = get64(head + 40);
	st->seed = get64(head + 48);
	st->rng = get64(head + 56);
	st->records = get64(head + 64);
	ckpt_read(f, g->mem, 2 * g->nparam * sizeof(float), path);
	ckpt_read(f, tail, 4, path);
	crc = state_crc32(0, head, sizeof(head));
	crc = state_crc32(crc, g->mem, 2 * g->nparam * sizeof(float));
	if ((uint32_t)crc != get32(tail))
		cli_die("%s: checkpoint CRC mismatch (damaged file)", path);
	if (fgetc(f) != EOF)
		cli_die("%s: trailing bytes after the checkpoint", path);
	fclose(f);
	return g;
}
