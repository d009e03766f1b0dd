/*
 * rsvd.c - matrix weighting (raw, log, PPMI with shift and context
 * distribution smoothing), a sparse matrix held as CSR + CSC in memory or
 * spooled to disk, and its truncated SVD by randomized subspace iteration.
 *
 * The recipe (Halko, Martinsson and Tropp 2011, algorithms 4.4 and 5.1),
 * shapes as in rsvd.h:
 *
 *   Omega  C x l   standard normal
 *   Qr = orth(A Omega)                            R x l
 *   q times: Qr = orth((A A^T - alpha I) Qr)      shifted power iterations
 *            through Qc = orth(A^T Qr)            (power_step)
 *   Bt = A^T Qr = Q' R,  L = R^T                  C x l, B = L Q'^T
 *   L = Ut S Vt^T                                 l x l, dgesdd
 *   U = Qr Ut[:, :k],  V = Q' Vt[:, :k],  s = S[:k]
 *
 * so 2q + 2 products with the sparse matrix, each one pass over its cells.
 * orth() is CholeskyQR2 (Fukaya et al. 2014) with a Householder fallback:
 * BLAS-3 only and in place on the row-major blocks the sparse products
 * want.  With a = Q R, B = Qr^T A = L Q'^T with L = R^T.
 */
#include "rsvd.h"

#include <cblas.h>
#include <errno.h>
#include <lapacke.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "rng.h"

#define CHUNK_CELLS ((size_t)1 << 20)	/* cells per memory chunk / read */
#define MAX_THREADS 64
#define PREFETCH 4		/* cells ahead whose row of X is fetched */

/* Processor seconds of this process, all threads: honest on a busy box. */
static double
cpu_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- weighting ---- */

static const char *weight_names[] = { "raw", "log", "ppmi" };

int
weight_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, weight_names[i]) == 0)
			return i;
	return -1;
}

const char *
weight_name(int kind)
{
	return kind >= 0 && kind < 3 ? weight_names[kind] : "?";
}

void
weight_init(struct weighting *w, int kind, double cap, double cds,
    double shift, uint32_t nrows, uint32_t ncols)
{
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->cap = cap;
	w->cds = cds;
	w->shift = shift;
	w->nrows = nrows;
	w->ncols = ncols;
	w->rowsum = xcalloc(nrows ? nrows : 1, sizeof(double));
	w->colsum = xcalloc(ncols ? ncols : 1, sizeof(double));
	w->lrow = xcalloc(nrows ? nrows : 1, sizeof(double));
	w->lcol = xcalloc(ncols ? ncols : 1, sizeof(double));
}

void
weight_free(struct weighting *w)
{
	free(w->rowsum);
	free(w->colsum);
	free(w->lrow);
	free(w->lcol);
	memset(w, 0, sizeof(*w));
}

/*
 * pmi(r, c) = log(x_rc * S / (rowsum_r * colsum_c^a)) - log(shift) splits
 * into log(x_rc) + lrow[r] + lcol[c].  Empty rows and columns have no
 * cells, so their terms are never used; they stay 0 rather than inf.
 */
void
weight_finish(struct weighting *w)
{
	double S = 0;

	for (uint32_t c = 0; c < w->ncols; c++)
		if (w->colsum[c] > 0)
			S += pow(w->colsum[c], w->cds);
	for (uint32_t r = 0; r < w->nrows; r++)
		w->lrow[r] = w->rowsum[r] > 0 ? -log(w->rowsum[r]) : 0;
	for (uint32_t c = 0; c < w->ncols; c++)
		w->lcol[c] = w->colsum[c] > 0 ? log(S) - w->cds *
		    log(w->colsum[c]) - log(w->shift) : 0;
}

float
weight_apply(const struct weighting *w, uint32_t r, uint32_t c, double x)
{
	double v;

	switch (w->kind) {
	case WEIGHT_RAW:
		return (float)x;
	case WEIGHT_LOG:
		return x > 0 ? (float)log1p(x) : 0;
	default:
		if (!(x > 0))
			return 0;
		v = log(x) + w->lrow[r] + w->lcol[c];
		return v > 0 ? (float)v : 0;
	}
}

/* ---- the sparse matrix ---- */

struct smat {
	struct weighting *w;
	uint64_t budget;	/* bytes the cells may take */
	uint64_t ncells;	/* capped raw cells added */
	uint32_t *rowcells;	/* [R] raw cells per row (spool thread split) */
	uint32_t *colcells;	/* [C] raw cells per column */
	/* In memory until the budget is reached: chunks of CHUNK_CELLS. */
	struct cooc_rec **chunks;
	size_t nchunks, fill;	/* fill: cells in the last chunk */
	/* Then a spool of capped raw cells, 12 bytes each. */
	FILE *spool;
	char *spoolpath;
	/* smat_finish in memory: weighted nonzeros by row and by column. */
	uint64_t nnz;
	uint64_t *rptr;		/* [R+1] CSR row starts */
	uint32_t *rcol;		/* [nnz] column of each CSR cell */
	float *rval;		/* [nnz] */
	uint64_t *cptr;		/* [C+1] CSC column starts */
	uint32_t *crow;		/* [nnz] */
	float *cval;		/* [nnz] */
	int finished;
};

struct smat *
smat_new(struct weighting *w, uint64_t budget)
{
	struct smat *m = xcalloc(1, sizeof(*m));

	m->w = w;
	m->budget = budget;
	m->rowcells = xcalloc(w->nrows ? w->nrows : 1, sizeof(uint32_t));
	m->colcells = xcalloc(w->ncols ? w->ncols : 1, sizeof(uint32_t));
	return m;
}

static void
spool_write(struct smat *m, const struct cooc_rec *c, size_t n)
{
	if (n > 0 && fwrite(c, sizeof(*c), n, m->spool) != n)
		cli_die("write error on the spool file %s: %s (set TMPDIR to "
		    "a disk with more room, or raise -M)", m->spoolpath,
		    strerror(errno));
}

/* Move every cell held in memory to a new spool file. */
static void
smat_spill(struct smat *m)
{
	m->spool = cli_tmpfile("svd", &m->spoolpath);
	for (size_t i = 0; i < m->nchunks; i++) {
		spool_write(m, m->chunks[i], i + 1 < m->nchunks ? CHUNK_CELLS :
		    m->fill);
		free(m->chunks[i]);
	}
	free(m->chunks);
	m->chunks = NULL;
	m->nchunks = m->fill = 0;
}

void
smat_add(struct smat *m, const struct cooc_rec *cells, size_t n)
{
	struct weighting *w = m->w;

	for (size_t i = 0; i < n; i++) {
		struct cooc_rec c = cells[i];

		if (c.w1 >= w->nrows || c.w2 >= w->ncols)
			cli_die("cell (%u, %u) is outside the %u x %u matrix "
			    "of the vocabulary", c.w1, c.w2, w->nrows,
			    w->ncols);
		if (!isfinite(c.x) || c.x < 0)
			cli_die("cell (%u, %u) has count %g; counts must be "
			    "finite and not negative", c.w1, c.w2, c.x);
		c.x = (float)weight_cap(w, c.x);
		weight_count(w, c.w1, c.w2, c.x);
		m->rowcells[c.w1]++;
		m->colcells[c.w2]++;
		m->ncells++;
		if (m->spool != NULL) {
			spool_write(m, &c, 1);
			continue;
		}
		if (m->nchunks == 0 || m->fill == CHUNK_CELLS) {
			if ((m->nchunks + 1) * CHUNK_CELLS *
			    sizeof(struct cooc_rec) > m->budget) {
				smat_spill(m);
				spool_write(m, &c, 1);
				continue;
			}
			m->chunks = xreallocarray(m->chunks, m->nchunks + 1,
			    sizeof(*m->chunks));
			m->chunks[m->nchunks++] = xmalloc(CHUNK_CELLS *
			    sizeof(struct cooc_rec));
			m->fill = 0;
		}
		m->chunks[m->nchunks - 1][m->fill++] = c;
	}
}

/* Cells of memory chunk i. */
static size_t
chunk_len(const struct smat *m, size_t i)
{
	return i + 1 < m->nchunks ? CHUNK_CELLS : m->fill;
}

/*
 * CSR and CSC by counting sort: one pass counts the weighted nonzeros of
 * each row and column, a second fills them in the order cells were added
 * (stable, which keeps the sums in smat_mul in that order).
 */
static void
smat_build(struct smat *m)
{
	const struct weighting *w = m->w;
	uint32_t R = w->nrows, C = w->ncols;
	uint64_t *rnext, *cnext;

	m->rptr = xcalloc((size_t)R + 1, sizeof(uint64_t));
	m->cptr = xcalloc((size_t)C + 1, sizeof(uint64_t));
	for (size_t i = 0; i < m->nchunks; i++) {
		const struct cooc_rec *ch = m->chunks[i];
		for (size_t j = 0, n = chunk_len(m, i); j < n; j++)
			if (weight_apply(w, ch[j].w1, ch[j].w2, ch[j].x) != 0) {
				m->rptr[ch[j].w1 + 1]++;
				m->cptr[ch[j].w2 + 1]++;
			}
	}
	for (uint32_t r = 0; r < R; r++)
		m->rptr[r + 1] += m->rptr[r];
	for (uint32_t c = 0; c < C; c++)
		m->cptr[c + 1] += m->cptr[c];
	m->nnz = m->rptr[R];
	if ((m->ncells * sizeof(struct cooc_rec) + m->nnz * 16 +
	    ((uint64_t)R + C) * 16) > m->budget) {
		/* The weighted copies do not fit next to the cells. */
		free(m->rptr);
		free(m->cptr);
		m->rptr = m->cptr = NULL;
		smat_spill(m);
		return;
	}
	m->rcol = xmalloc((m->nnz ? m->nnz : 1) * sizeof(uint32_t));
	m->rval = xmalloc((m->nnz ? m->nnz : 1) * sizeof(float));
	m->crow = xmalloc((m->nnz ? m->nnz : 1) * sizeof(uint32_t));
	m->cval = xmalloc((m->nnz ? m->nnz : 1) * sizeof(float));
	rnext = xmalloc(((size_t)R + 1) * sizeof(uint64_t));
	cnext = xmalloc(((size_t)C + 1) * sizeof(uint64_t));
	memcpy(rnext, m->rptr, ((size_t)R + 1) * sizeof(uint64_t));
	memcpy(cnext, m->cptr, ((size_t)C + 1) * sizeof(uint64_t));
	for (size_t i = 0; i < m->nchunks; i++) {
		const struct cooc_rec *ch = m->chunks[i];
		for (size_t j = 0, n = chunk_len(m, i); j < n; j++) {
			uint32_t r = ch[j].w1, c = ch[j].w2;
			float v = weight_apply(w, r, c, ch[j].x);
			if (v == 0)
				continue;
			m->rcol[rnext[r]] = c;
			m->rval[rnext[r]++] = v;
			m->crow[cnext[c]] = r;
			m->cval[cnext[c]++] = v;
		}
		free(m->chunks[i]);
	}
	free(m->chunks);
	m->chunks = NULL;
	m->nchunks = m->fill = 0;
	free(rnext);
	free(cnext);
}

void
smat_finish(struct smat *m)
{
	weight_finish(m->w);
	if (m->spool == NULL)
		smat_build(m);
	if (m->spool != NULL) {
		/* The passes count the weighted nonzeros as they go. */
		if (fflush(m->spool) != 0)
			cli_die("write error on the spool file %s: %s",
			    m->spoolpath, strerror(errno));
		m->nnz = 0;
	}
	m->finished = 1;
}

void
smat_free(struct smat *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nchunks; i++)
		free(m->chunks[i]);
	free(m->chunks);
	if (m->spool != NULL) {
		fclose(m->spool);
		cli_tmp_remove(m->spoolpath);
	}
	free(m->rowcells);
	free(m->colcells);
	free(m->rptr);
	free(m->rcol);
	free(m->rval);
	free(m->cptr);
	free(m->crow);
	free(m->cval);
	free(m);
}

int smat_spooled(const struct smat *m) { return m->spool != NULL; }
uint64_t smat_cells(const struct smat *m) { return m->ncells; }
uint64_t smat_nnz(const struct smat *m) { return m->nnz; }

uint64_t
smat_bytes(const struct smat *m)
{
	if (m->spool != NULL)
		return 0;
	return m->nnz * 16 + ((uint64_t)m->w->nrows + m->w->ncols) * 16;
}

/* y[0..l) += a * x[0..l): the inner loop of every sparse product. */
static inline void
axpy(float a, const float *restrict x, float *restrict y, uint32_t l)
{
	for (uint32_t i = 0; i < l; i++)
		y[i] += a * x[i];
}

struct mul_job {
	const struct smat *m;
	int trans;
	const float *X;
	float *Y;
	uint32_t l;
	uint32_t lo, hi;		/* output rows [lo, hi) */
	const struct cooc_rec *cells;	/* spool block */
	size_t ncells;
	uint64_t nnz;			/* spool: nonzeros seen */
};

/* CSR (or CSC for A^T): output rows lo..hi, each a sum over its cells. */
static void *
mul_compressed(void *arg)
{
	struct mul_job *j = arg;
	const uint64_t *ptr = j->trans ? j->m->cptr : j->m->rptr;
	const uint32_t *idx = j->trans ? j->m->crow : j->m->rcol;
	const float *val = j->trans ? j->m->cval : j->m->rval;
	uint32_t l = j->l;

	uint64_t end = ptr[j->hi];

	for (uint32_t r = j->lo; r < j->hi; r++) {
		float *y = j->Y + (size_t)r * l;
		memset(y, 0, l * sizeof(float));
		for (uint64_t e = ptr[r]; e < ptr[r + 1]; e++) {
			/*
			 * The rows of X are picked at random: ask for the one
			 * PREFETCH cells ahead now, all its cache lines.
			 */
			if (e + PREFETCH < end) {
				const float *px = j->X + (size_t)idx[e +
				    PREFETCH] * l;
				for (uint32_t i = 0; i < l; i += 16)
					__builtin_prefetch(px + i);
			}
			axpy(val[e], j->X + (size_t)idx[e] * l, y, l);
		}
	}
	return NULL;
}

/* One spool block: the cells whose output row is in lo..hi. */
static void *
mul_cells(void *arg)
{
	struct mul_job *j = arg;
	const struct weighting *w = j->m->w;
	uint32_t l = j->l;

	for (size_t i = 0; i < j->ncells; i++) {
		const struct cooc_rec *c = &j->cells[i];
		uint32_t out = j->trans ? c->w2 : c->w1;
		uint32_t in = j->trans ? c->w1 : c->w2;
		float v;

		if (out < j->lo || out >= j->hi)
			continue;
		if ((v = weight_apply(w, c->w1, c->w2, c->x)) == 0)
			continue;
		j->nnz++;
		axpy(v, j->X + (size_t)in * l, j->Y + (size_t)out * l, l);
	}
	return NULL;
}

/*
 * Split n output rows into nt ranges of about equal work, where row r
 * costs cost(r) cells; bounds[0..nt].
 */
static void
split_rows(uint32_t n, int nt, const uint64_t *ptr, const uint32_t *counts,
    uint32_t *bounds)
{
	uint64_t total = 0, acc = 0;
	uint32_t r = 0;

	if (ptr != NULL)
		total = ptr[n];
	else
		for (uint32_t i = 0; i < n; i++)
			total += counts[i];
	bounds[0] = 0;
	for (int t = 1; t < nt; t++) {
		uint64_t want = total * t / nt;
		while (r < n && acc + (ptr ? ptr[r + 1] - ptr[r] : counts[r]) <=
		    want) {
			acc += ptr ? ptr[r + 1] - ptr[r] : counts[r];
			r++;
		}
		bounds[t] = r;
	}
	bounds[nt] = n;
}

static void
run_jobs(struct mul_job *jobs, int nt, void *(*fn)(void *))
{
	pthread_t tid[MAX_THREADS];
	int e;

	if (nt == 1) {
		fn(&jobs[0]);
		return;
	}
	for (int t = 0; t < nt; t++)
		if ((e = pthread_create(&tid[t], NULL, fn, &jobs[t])) != 0)
			cli_die("cannot start a thread: %s", strerror(e));
	for (int t = 0; t < nt; t++)
		pthread_join(tid[t], NULL);
}

/*
 * A spooled product: zero Y, then read the spool a block at a time, every
 * thread adding the block's cells of its own output rows.  Counts the
 * weighted nonzeros into m->nnz as it goes.
 */
static void
mul_spool(struct smat *m, struct mul_job *jobs, int nt, uint32_t nout,
    uint32_t l, float *Y)
{
	struct cooc_rec *buf = xmalloc(CHUNK_CELLS * sizeof(*buf));
	size_t n;
	uint64_t seen = 0, nnz = 0;

	memset(Y, 0, (size_t)nout * l * sizeof(float));
	if (fseeko(m->spool, 0, SEEK_SET) != 0)
		cli_die("cannot rewind the spool file %s: %s", m->spoolpath,
		    strerror(errno));
	while ((n = fread(buf, sizeof(*buf), CHUNK_CELLS, m->spool)) > 0) {
		for (int t = 0; t < nt; t++) {
			jobs[t].cells = buf;
			jobs[t].ncells = n;
		}
		run_jobs(jobs, nt, mul_cells);
		seen += n;
	}
	if (ferror(m->spool) || seen != m->ncells)
		cli_die("read error on the spool file %s: %llu of %llu cells "
		    "read back", m->spoolpath, (unsigned long long)seen,
		    (unsigned long long)m->ncells);
	for (int t = 0; t < nt; t++)
		nnz += jobs[t].nnz;
	m->nnz = nnz;
	free(buf);
}

void
smat_mul(const struct smat *m, int trans, const float *X, float *Y,
    uint32_t l, int nthreads)
{
	uint32_t nout = trans ? m->w->ncols : m->w->nrows;
	uint32_t bounds[MAX_THREADS + 1];
	struct mul_job jobs[MAX_THREADS];
	int nt = nthreads < 1 ? 1 : nthreads > MAX_THREADS ? MAX_THREADS :
	    nthreads;

	if (nt > (int)nout)
		nt = nout > 0 ? nout : 1;
	if (m->spool == NULL)
		split_rows(nout, nt, trans ? m->cptr : m->rptr, NULL, bounds);
	else
		split_rows(nout, nt, NULL, trans ? m->colcells : m->rowcells,
		    bounds);
	for (int t = 0; t < nt; t++)
		jobs[t] = (struct mul_job){ .m = m, .trans = trans, .X = X,
		    .Y = Y, .l = l, .lo = bounds[t], .hi = bounds[t + 1] };
	if (m->spool == NULL)
		run_jobs(jobs, nt, mul_compressed);
	else
		mul_spool((struct smat *)m, jobs, nt, nout, l, Y);
}

void
smat_mul_ref(const struct cooc_rec *cells, size_t n,
    const struct weighting *w, int trans, const float *X, double *Y,
    uint32_t l)
{
	size_t nout = trans ? w->ncols : w->nrows;

	memset(Y, 0, nout * l * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		uint32_t r = cells[i].w1, c = cells[i].w2;
		double v = weight_apply(w, r, c, weight_cap(w, cells[i].x));
		uint32_t out = trans ? c : r, in = trans ? r : c;

		for (uint32_t j = 0; j < l; j++)
			Y[(size_t)out * l + j] += v * X[(size_t)in * l + j];
	}
}

/* ---- Gaussian draws, from rng.h's xoshiro256** ---- */

/* Uniform in (0, 1]: never 0, so log() below is finite. */
static double
unit_open0(struct rng *g)
{
	return ((rng_next(g) >> 11) + 1) * 0x1.0p-53;
}

/* Box-Muller: two normals from two uniforms. */
void
rsvd_gaussian(uint64_t seed, float *x, size_t n)
{
	struct rng g;

	rng_seed(&g, seed);
	for (size_t i = 0; i < n; i += 2) {
		double r = sqrt(-2 * log(unit_open0(&g)));
		double a = 2 * M_PI * unit_open0(&g);
		x[i] = (float)(r * cos(a));
		if (i + 1 < n)
			x[i + 1] = (float)(r * sin(a));
	}
}

/* ---- the randomized SVD ---- */

/*
 * R <- S R for l x l column-major doubles, S upper triangular: the factor
 * of one orthonormalisation step is folded into the running one.
 */
static void
fold_factor(double *R, const double *S, uint32_t l)
{
	cblas_dtrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans,
	    CblasNonUnit, l, l, 1.0, S, l, R, l);
}

/*
 * Householder: the LQ factorisation of the row-major n x l block a seen as
 * a column-major l x n matrix M = L Qh, so a = Qh^T L^T in place.  S gets
 * L^T, upper triangular, column-major.  Slow in LAPACK (3x a QR) but
 * exact for any input, rank deficient included.
 */
static void
orth_householder(float *a, uint32_t n, uint32_t l, double *S)
{
	float *tau = xmalloc((size_t)l * sizeof(float));
	lapack_int info;

	info = LAPACKE_sgelqf(LAPACK_COL_MAJOR, l, n, a, l, tau);
	if (info != 0)
		cli_die("LAPACKE_sgelqf failed (info %d) on a %u x %u block",
		    (int)info, l, n);
	for (uint32_t j = 0; j < l; j++)
		for (uint32_t i = 0; i < l; i++)
			S[i + (size_t)j * l] = i <= j ? a[j + (size_t)i * l] :
			    0;
	info = LAPACKE_sorglq(LAPACK_COL_MAJOR, l, n, l, a, l, tau);
	if (info != 0)
		cli_die("LAPACKE_sorglq failed (info %d) on a %u x %u block",
		    (int)info, l, n);
	free(tau);
}

/*
 * One Cholesky QR step: G = a^T a (ssyrk), G = U^T U (spotrf), a = a U^-1
 * (strsm); S gets U.  Three BLAS-3 calls, several times faster than
 * Householder, but it squares the condition number, so it refuses (returns
 * -1, a untouched) when the Cholesky pivots spread by more than
 * 1/min_ratio, that is cond(a) > 1/min_ratio.
 */
static int
orth_cholesky(float *a, uint32_t n, uint32_t l, double *S, double min_ratio)
{
	float *G = xcalloc((size_t)l * l, sizeof(float));
	double lo = INFINITY, hi = 0;
	lapack_int info;

	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, l, n, 1.0f, a, l,
	    0.0f, G, l);
	info = LAPACKE_spotrf(LAPACK_ROW_MAJOR, 'U', l, G, l);
	if (info < 0)
		cli_die("LAPACKE_spotrf failed (info %d)", (int)info);
	for (uint32_t i = 0; info == 0 && i < l; i++) {
		double d = fabs(G[(size_t)i * l + i]);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	if (info > 0 || !(lo > min_ratio * hi)) {
		free(G);
		return -1;
	}
	cblas_strsm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans,
	    CblasNonUnit, n, l, 1.0f, G, l, a, l);
	for (uint32_t j = 0; j < l; j++)
		for (uint32_t i = 0; i < l; i++)
			S[i + (size_t)j * l] = i <= j ? G[(size_t)i * l + j] : 0;
	free(G);
	return 0;
}

int rsvd_householder_only;	/* tests: force the Householder path */

/*
 * Orthonormalise the columns of the row-major n x l block a in place:
 * a_in = a_out R.  CholeskyQR2 (two Cholesky steps; the second repairs
 * the orthogonality the first lost) when a is well enough conditioned for
 * float, else Householder.  Inside the power iterations only the span
 * matters, so one step (twice 0) is enough there: it leaves cond(a) near
 * 1, which is what keeps the next product from losing directions.  When R is not NULL it receives the l x l
 * upper-triangular factor, column-major, in double.
 */
static double orth_secs, orth_cpu;	/* in orth() this run, for -v */
static int orth_slow;		/* orth() calls that needed Householder */

static void
orth(float *a, uint32_t n, uint32_t l, double *R, int twice)
{
	double t0 = cli_now(), c0 = cpu_now();
	double *S = xmalloc((size_t)l * l * sizeof(double));
	double *Rt = R != NULL ? R : xmalloc((size_t)l * l * sizeof(double));

	memset(Rt, 0, (size_t)l * l * sizeof(double));
	for (uint32_t i = 0; i < l; i++)
		Rt[i + (size_t)i * l] = 1;
	/* float: cond up to 1e3 leaves 1e3^2 * 6e-8, small, after step 1. */
	if (rsvd_householder_only || orth_cholesky(a, n, l, S, 1e-3) != 0) {
		orth_householder(a, n, l, S);
		fold_factor(Rt, S, l);
		orth_slow++;
	} else if (twice) {
		fold_factor(Rt, S, l);
		if (orth_cholesky(a, n, l, S, 0.5) != 0) {
			orth_householder(a, n, l, S);
			orth_slow++;
		}
		fold_factor(Rt, S, l);
	} else
		fold_factor(Rt, S, l);
	free(S);
	orth_secs += cli_now() - t0;
	orth_cpu += cpu_now() - c0;
	if (R == NULL)
		free(Rt);
}

uint64_t
rsvd_dense_bytes(uint32_t nrows, uint32_t ncols, uint32_t l)
{
	uint64_t big = nrows > ncols ? nrows : ncols;

	l = (l + 15) / 16 * 16;

	return 4 * ((uint64_t)nrows * l + (uint64_t)ncols * l + big * l) +
	    64 * (uint64_t)l * l;
}

/* A dense block of n floats on a 64-byte boundary (cache lines). */
static float *
block_alloc(size_t n)
{
	size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
	float *p = aligned_alloc(64, bytes ? bytes : 64);

	if (p == NULL)
		cli_die("out of memory for a dense block of %zu bytes (lower "
		    "--dim)", bytes);
	return p;
}

static int pass_no, pass_total;


/* One sparse product with its progress line. */
static void
pass(const struct smat *m, int trans, const float *X, float *Y, uint32_t l,
    int nthreads)
{
	double t0 = cli_now(), c0 = cpu_now();

	pass_no++;
	cli_progress("pass %d/%d: %s", pass_no, pass_total,
	    trans ? "A^T X" : "A X");
	smat_mul(m, trans, X, Y, l, nthreads);
	if (cli_verbose > 0)
		cli_info("pass %d/%d: %s, %llu nonzeros, %.2f s (cpu %.2f s)",
		    pass_no, pass_total, trans ? "A^T X" : "A X",
		    (unsigned long long)smat_nnz(m), cli_now() - t0,
		    cpu_now() - c0);
}

/*
 * One shifted power iteration (dashSVD: Feng, Yu, Xie and Tang, "Algorithm
 * 1043: Faster randomized SVD with dynamic shifts", ACM TOMS 2024):
 * Qr <- orth((A A^T - alpha I) Qr), done so that every block stays well
 * conditioned in float:
 *   Qc Rc = A^T Qr                       (orth, Rc kept)
 *   Y = A Qc - alpha Qr Rc^-1            ((A A^T - alpha I) Qr Rc^-1)
 *   Qr Ry = Y
 * The singular values of Ry Rc are those of (A A^T - alpha I) Qr; the
 * smallest, s, estimates lambda_l - alpha (lambda = sigma^2), and alpha
 * moves half way to it while it is below.  A shift that stays under
 * lambda_l shrinks the unwanted lambda_{l+1}... relative to lambda_k, so
 * the same passes converge further; alpha = 0 is plain subspace
 * iteration.  *Qr and *Y are swapped; last makes Qr orthonormal to float
 * precision (B = Qr^T A needs it).
 */
static void
power_step(const struct smat *m, int nthreads, uint32_t l, float **Qr,
    float *Qc, float **Y, double *alpha, int last)
{
	uint32_t R = m->w->nrows, C = m->w->ncols;
	double *Rc = xmalloc((size_t)l * l * sizeof(double));
	double *Ry = xmalloc((size_t)l * l * sizeof(double));
	float *t;

	pass(m, 1, *Qr, Qc, l, nthreads);
	orth(Qc, C, l, Rc, 0);
	pass(m, 0, Qc, *Y, l, nthreads);
	if (*alpha > 0) {
		float *Rcf = xmalloc((size_t)l * l * sizeof(float));
		float a = (float)*alpha;
		for (uint32_t i = 0; i < l; i++)
			for (uint32_t j = 0; j < l; j++)
				Rcf[(size_t)i * l + j] = (float)Rc[i +
				    (size_t)j * l];
		cblas_strsm(CblasRowMajor, CblasRight, CblasUpper,
		    CblasNoTrans, CblasNonUnit, R, l, 1.0f, Rcf, l, *Qr, l);
		for (size_t i = 0; i < (size_t)R * l; i++)
			(*Y)[i] -= a * (*Qr)[i];
		free(Rcf);
	}
	orth(*Y, R, l, Ry, last);
	t = *Qr;
	*Qr = *Y;
	*Y = t;
	if (!last) {
		/* s_l of Ry Rc, both upper triangular, column-major. */
		double *sv = xmalloc((size_t)l * sizeof(double));
		lapack_int info;
		cblas_dtrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans,
		    CblasNonUnit, l, l, 1.0, Ry, l, Rc, l);
		info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', l, l, Rc, l, sv,
		    NULL, 1, NULL, 1);
		if (info != 0)
			cli_die("LAPACKE_dgesdd failed (info %d) on the %u x %u "
			    "shift estimate", (int)info, l, l);
		if (sv[l - 1] > *alpha)
			*alpha = (*alpha + sv[l - 1]) / 2;
		if (cli_verbose > 0)
			cli_info("shift: alpha %.6g (sigma_l^2 - alpha about "
			    "%.6g)", *alpha, sv[l - 1]);
		free(sv);
	}
	free(Rc);
	free(Ry);
}

void
rsvd_run(const struct smat *m, const struct rsvd_opts *o,
    struct rsvd_result *res)
{
	uint32_t R = m->w->nrows, C = m->w->ncols;
	uint32_t l = o->k + o->p, k = o->k;
	float *Qr, *Qc, *uk, *vk;
	double *Rf, *L, *s, *u, *vt, *sup;
	lapack_int info;

	/* Rows of 16 floats make whole 64-byte lines for the products. */
	l = (l + 15) / 16 * 16;
	if (l > R)
		l = R;
	if (l > C)
		l = C;
	if (k > l)
		k = l;
	if (k == 0)
		cli_die("the matrix is empty: no singular vectors to find");
	openblas_set_num_threads(o->nthreads);
	pass_no = 0;
	orth_secs = orth_cpu = 0;
	orth_slow = 0;
	pass_total = 2 * o->q + 2;
	Qr = block_alloc((size_t)R * l);
	Qc = block_alloc((size_t)C * l);
	rsvd_gaussian(o->seed, Qc, (size_t)C * l);
	pass(m, 0, Qc, Qr, l, o->nthreads);
	orth(Qr, R, l, NULL, o->q == 0);
	if (o->q > 0) {
		double alpha = 0;
		float *Y = block_alloc((size_t)R * l);
		for (int i = 0; i < o->q; i++)
			power_step(m, o->nthreads, l, &Qr, Qc, &Y, &alpha,
			    i == o->q - 1);
		free(Y);
	}
	/* Bt = A^T Qr, C x l; its LQ gives B = L Q'^T with Q' in Qc. */
	pass(m, 1, Qr, Qc, l, o->nthreads);
	Rf = xmalloc((size_t)l * l * sizeof(double));
	L = xmalloc((size_t)l * l * sizeof(double));
	orth(Qc, C, l, Rf, 1);
	for (uint32_t j = 0; j < l; j++)
		for (uint32_t i = 0; i < l; i++)
			L[i + (size_t)j * l] = Rf[j + (size_t)i * l];
	free(Rf);
	s = xmalloc((size_t)l * sizeof(double));
	u = xmalloc((size_t)l * l * sizeof(double));
	vt = xmalloc((size_t)l * l * sizeof(double));
	info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'S', l, l, L, l, s, u, l, vt,
	    l);
	if (info != 0)
		cli_die("LAPACKE_dgesdd failed (info %d) on the %u x %u "
		    "factor", (int)info, l, l);
	/* uk[i][j] = Ut[i][j], vk[i][j] = Vt[i][j] = vt^T, row-major l x k. */
	uk = xmalloc((size_t)l * k * sizeof(float));
	vk = xmalloc((size_t)l * k * sizeof(float));
	for (uint32_t i = 0; i < l; i++)
		for (uint32_t j = 0; j < k; j++) {
			uk[(size_t)i * k + j] = (float)u[i + (size_t)j * l];
			vk[(size_t)i * k + j] = (float)vt[j + (size_t)i * l];
		}
	res->k = k;
	res->U = xmalloc((size_t)R * k * sizeof(float));
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, R, k, l, 1.0f,
	    Qr, l, uk, k, 0.0f, res->U, k);
	free(Qr);
	/* Signs: the largest entry of each left vector is positive. */
	sup = xcalloc(k, sizeof(double));
	for (uint32_t r = 0; r < R; r++)
		for (uint32_t j = 0; j < k; j++) {
			double x = res->U[(size_t)r * k + j];
			if (fabs(x) > fabs(sup[j]))
				sup[j] = x;
		}
	for (uint32_t j = 0; j < k; j++) {
		if (sup[j] >= 0)
			continue;
		for (uint32_t r = 0; r < R; r++)
			res->U[(size_t)r * k + j] = -res->U[(size_t)r * k + j];
		for (uint32_t i = 0; i < l; i++)
			vk[(size_t)i * k + j] = -vk[(size_t)i * k + j];
	}
	res->V = xmalloc((size_t)C * k * sizeof(float));
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, C, k, l, 1.0f,
	    Qc, l, vk, k, 0.0f, res->V, k);
	res->s = xmalloc((size_t)k * sizeof(double));
	memcpy(res->s, s, (size_t)k * sizeof(double));
	if (cli_verbose > 0)
		cli_info("orthonormalisation: %d blocks of %u columns, %d by "
		    "Householder, %.2f s (cpu %.2f s)", 2 * o->q + 2, l,
		    orth_slow, orth_secs, orth_cpu);
	free(Qc);
	free(L);
	free(s);
	free(u);
	free(vt);
	free(uk);
	free(vk);
	free(sup);
}

void
rsvd_result_free(struct rsvd_result *res)
{
	free(res->s);
	free(res->U);
	free(res->V);
	memset(res, 0, sizeof(*res));
}
