/*
 * analogy.c - answer word analogy questions over unit-length vectors.
 *
 * Legend: n words searched, d floats per word, nu distinct words among
 * the questions' a, b and c, bw words per vocabulary block.
 *
 * 3CosAdd answers argmax_w cos(w, b) - cos(w, a) + cos(w, c), which for
 * unit rows is argmax_w cos(w, b - a + c).  3CosMul (Levy & Goldberg
 * 2014) answers argmax_w  C(w,b) C(w,c) / (C(w,a) + eps) with cosines
 * shifted to [0, 1], C = (1 + cos) / 2.  Both need only the cosines of
 * the nu question words with every word, so one sgemm per block of bw
 * words, S[nu][bw] = Uq[nu][d] . U[bw][d]^T, feeds every question, and a
 * block of S stays in cache while the questions are combined from it.
 *
 * Float scores carry rounding error.  Every word whose float score could
 * be the true best (within a bound derived from d) is kept as a
 * candidate and re-scored in double precision from the raw vectors, so
 * the answer is exactly the brute-force double answer (tests/c/
 * analogy_ref.c) unless two double scores tie to the last bit; exact
 * ties go to the lowest index.
 */
#include "analogy.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef __AVX__
#include <immintrin.h>
#endif

#include "cli.h"
#include "linein.h"
#include "vocab.h"

#define FOLD_MAX 4096	/* longest word folded for lookup, in bytes */

/* ASCII upper case of w into buf (word2vec's toupper, gensim's upper()). */
static const char *
fold_word(const char *w, char *buf, size_t *len)
{
	size_t i;

	for (i = 0; w[i] != '\0' && i < FOLD_MAX - 1; i++)
		buf[i] = (char)toupper((unsigned char)w[i]);
	buf[i] = '\0';
	*len = i;
	return buf;
}

struct emb *
emb_new(const struct vecset *vs, uint32_t restrict_n, int fold, int hide_unk)
{
	struct emb *e = xcalloc(1, sizeof(*e));
	char buf[FOLD_MAX];
	size_t len;

	e->n = restrict_n > 0 && restrict_n < vs->n ? restrict_n : vs->n;
	e->dim = vs->dim;
	e->words = vs->words;
	e->v = vs->v;
	e->fold = fold;
	e->unk = -1;
	e->u = xreallocarray(NULL, (size_t)e->n * e->dim, sizeof(float));
	e->norm = xreallocarray(NULL, e->n > 0 ? e->n : 1, sizeof(double));
	e->canon = xreallocarray(NULL, e->n > 0 ? e->n : 1, sizeof(uint32_t));
	e->first = xreallocarray(NULL, e->n > 0 ? e->n : 1, sizeof(uint32_t));
	e->tab = vocab_new();
	for (uint32_t i = 0; i < e->n; i++) {
		const float *x = e->v + (size_t)i * e->dim;
		float *y = e->u + (size_t)i * e->dim;
		double s = 0;
		const char *w;
		uint32_t id;

		for (uint32_t k = 0; k < e->dim; k++)
			s += (double)x[k] * x[k];
		/* A zero row has cosine 0 with everything, not NaN. */
		e->norm[i] = s > 0 ? sqrt(s) : 1;
		for (uint32_t k = 0; k < e->dim; k++)
			y[k] = (float)(x[k] / e->norm[i]);
		if (hide_unk && strcmp(vs->words[i], "<unk>") == 0) {
			e->unk = i;
			e->canon[i] = i;
			continue;
		}
		w = fold ? fold_word(vs->words[i], buf, &len) : vs->words[i];
		if (!fold)
			len = strlen(w);
		id = vocab_add(e->tab, w, len, 1);
		if (id == e->tab->n - 1 && e->tab->counts[id] == 1)
			e->first[id] = i;
		e->canon[i] = e->first[id];
	}
	return e;
}

void
emb_free(struct emb *e)
{
	if (e == NULL)
		return;
	free(e->u);
	free(e->norm);
	free(e->canon);
	free(e->first);
	vocab_free(e->tab);
	free(e);
}

int64_t
emb_lookup(const struct emb *e, const char *w)
{
	char buf[FOLD_MAX];
	size_t len;
	int64_t id;

	if (e->fold)
		w = fold_word(w, buf, &len);
	else
		len = strlen(w);
	id = vocab_find(e->tab, w, len);
	return id < 0 ? -1 : (int64_t)e->first[id];
}

double
emb_cos(const struct emb *e, uint32_t i, uint32_t j)
{
	const float *x = e->v + (size_t)i * e->dim, *y = e->v + (size_t)j *
	    e->dim;
	double s = 0;

	for (uint32_t k = 0; k < e->dim; k++)
		s += (double)x[k] * y[k];
	return s / (e->norm[i] * e->norm[j]);
}

/* ---- questions ---- */

struct qset *
qset_new(void)
{
	return xcalloc(1, sizeof(struct qset));
}

static uint32_t
qset_section(struct qset *qs, const char *name)
{
	if (qs->nsec == qs->seccap) {
		qs->seccap = qs->seccap ? qs->seccap * 2 : 16;
		qs->secname = xreallocarray(qs->secname, qs->seccap,
		    sizeof(char *));
	}
	qs->secname[qs->nsec] = xstrdup(name);
	return qs->nsec++;
}

/* "dir/gram1-adjective-to-adverb.txt" -> "gram1-adjective-to-adverb" */
static char *
file_section_name(const char *name)
{
	const char *b = strrchr(name, '/');
	char *s = xstrdup(b != NULL ? b + 1 : name);
	size_t n = strlen(s);

	if (n > 4 && strcmp(s + n - 4, ".txt") == 0)
		s[n - 4] = '\0';
	return s;
}

void
qset_read(struct qset *qs, FILE *f, const char *name)
{
	char *line = NULL, *p, *tok[5];
	size_t cap = 0;
	ssize_t len;
	uint32_t lineno = 0, before = qs->n;
	int64_t sec = -1;

	/* linein_get, not getline: a line of 1 GB, or memory running out,
	 * is an error, never the quiet end of the questions. */
	while ((len = linein_get(&line, &cap, f, name, lineno + 1,
	    LINEIN_MAX)) != -1) {
		int nt = 0;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (memchr(line, '\0', (size_t)len) != NULL)
			cli_die("%s:%u: a NUL byte: not a text file of "
			    "questions", name, lineno);
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			continue;
		if (*p == ':') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			for (char *q = p + strlen(p); q > p && (q[-1] == ' ' ||
			    q[-1] == '\t'); q--)
				q[-1] = '\0';
			if (*p == '\0')
				cli_die("%s:%u: a section header without a "
				    "name", name, lineno);
			sec = qset_section(qs, p);
			continue;
		}
		for (char *s = strtok(p, " \t"); s != NULL; s = strtok(NULL,
		    " \t")) {
			if (nt == 5)
				break;
			tok[nt++] = s;
		}
		if (nt != 4)
			cli_die("%s:%u: %s words where 4 were expected (a b c d, "
			    "or ': section')", name, lineno, nt == 5 ?
			    "more than 4" : nt == 3 ? "3" : nt == 2 ? "2" : "1");
		if (sec < 0) {
			char *s = file_section_name(name);
			sec = qset_section(qs, s);
			free(s);
		}
		if (qs->n == qs->cap) {
			qs->cap = qs->cap ? qs->cap * 2 : 1024;
			qs->q = xreallocarray(qs->q, qs->cap,
			    sizeof(struct question));
		}
		struct question *q = &qs->q[qs->n++];
		memset(q, 0, sizeof(*q));
		q->section = (uint32_t)sec;
		q->line = lineno;
		for (int k = 0; k < 4; k++)
			q->w[k] = xstrdup(tok[k]);
	}
	if (ferror(f))
		cli_die("read error on %s", name);
	free(line);
	if (qs->n == before)
		cli_die("%s: no questions (lines 'a b c d', sections "
		    "': name')", name);
}

void
qset_free(struct qset *qs)
{
	if (qs == NULL)
		return;
	for (uint32_t i = 0; i < qs->n; i++)
		for (int k = 0; k < 4; k++)
			free(qs->q[i].w[k]);
	for (uint32_t i = 0; i < qs->nsec; i++)
		free(qs->secname[i]);
	free(qs->q);
	free(qs->secname);
	free(qs);
}

int
analogy_syntactic(const char *section)
{
	return strncmp(section, "gram", 4) == 0;
}

/* ---- answering ---- */

/* Per-question search state across vocabulary blocks. */
struct qstate {
	uint32_t ra, rb, rc;	/* rows of a, b, c in Uq */
	uint32_t *ex;		/* indices never to answer, ascending */
	uint32_t nex;
	float lo;		/* a lower bound on the best true score */
	uint32_t *cand;		/* candidate indices, ascending */
	float *cf;		/* their float scores + error bounds */
	uint32_t ncand, capcand;
};

static void
cand_add(struct qstate *s, uint32_t w, float upper)
{
	if (s->ncand == s->capcand) {
		s->capcand = s->capcand ? s->capcand * 2 : 16;
		s->cand = xreallocarray(s->cand, s->capcand, sizeof(uint32_t));
		s->cf = xreallocarray(s->cf, s->capcand, sizeof(float));
	}
	s->cand[s->ncand] = w;
	s->cf[s->ncand++] = upper;
}

/*
 * Double-precision score of word w for the question: the very formula of
 * tests/c/analogy_ref.c, operation for operation, so that exact ties
 * (duplicate or integer vectors) break the same way in both.
 */
static double
score_double(const struct emb *e, const struct analogy_opts *o,
    const int64_t *id, uint32_t w)
{
	double ca = emb_cos(e, (uint32_t)id[0], w);
	double cb = emb_cos(e, (uint32_t)id[1], w);
	double cc = emb_cos(e, (uint32_t)id[2], w);

	if (o->method == ANALOGY_ADD)
		return cb - ca + cc;
	return ((1 + cb) / 2) * ((1 + cc) / 2) / ((1 + ca) / 2 + o->eps);
}

/* Indices a question must not answer: a, b, c (and variants), <unk>. */
static void
exclusions(const struct emb *e, const struct analogy_opts *o,
    const struct question *q, struct qstate *s, const uint32_t *variants,
    const uint32_t *voff)
{
	uint32_t cap = 4;

	s->ex = xreallocarray(NULL, cap, sizeof(uint32_t));
	s->nex = 0;
	for (int k = 0; k < 3; k++) {
		uint32_t c = (uint32_t)q->id[k];
		if (o->exclude_variants && e->fold) {
			for (uint32_t j = voff[c]; j < voff[c + 1]; j++) {
				if (s->nex == cap) {
					cap *= 2;
					s->ex = xreallocarray(s->ex, cap,
					    sizeof(uint32_t));
				}
				s->ex[s->nex++] = variants[j];
			}
		} else
			s->ex[s->nex++] = c;
	}
	if (e->unk >= 0) {
		if (s->nex == cap)
			s->ex = xreallocarray(s->ex, ++cap, sizeof(uint32_t));
		s->ex[s->nex++] = (uint32_t)e->unk;
	}
	/* Sort (tiny lists) and drop duplicates. */
	for (uint32_t i = 1; i < s->nex; i++)
		for (uint32_t j = i; j > 0 && s->ex[j - 1] > s->ex[j]; j--) {
			uint32_t t = s->ex[j];
			s->ex[j] = s->ex[j - 1];
			s->ex[j - 1] = t;
		}
	uint32_t m = 0;
	for (uint32_t i = 0; i < s->nex; i++)
		if (m == 0 || s->ex[m - 1] != s->ex[i])
			s->ex[m++] = s->ex[i];
	s->nex = m;
}

/*
 * Scores of one question over one block [w0, w0+m) into f[m], and their
 * error bounds into err[m] (3CosMul) or *erradd (3CosAdd).  Excluded
 * words get -INFINITY.
 */
static void
block_scores(const struct analogy_opts *o, const struct qstate *s,
    const float *S, uint32_t m, uint32_t w0, float delta, float *f,
    float *err)
{
	const float *sa = S + (size_t)s->ra * m, *sb = S + (size_t)s->rb * m,
	    *sc = S + (size_t)s->rc * m;

	if (o->method == ANALOGY_ADD) {
		for (uint32_t j = 0; j < m; j++)
			f[j] = sb[j] - sa[j] + sc[j];
	} else {
		float eps = (float)o->eps;
		for (uint32_t j = 0; j < m; j++) {
			float x = (1 + sb[j]) * 0.5f, y = (1 + sc[j]) * 0.5f,
			    z = (1 + sa[j]) * 0.5f;
			float den = z + eps;
			f[j] = x * y / den;
			/*
			 * |dC| <= delta/2 for each shifted cosine, so
			 * |df| <= delta/2 (x + y + f) / (den - delta/2);
			 * doubled for safety, plus float rounding of f.
			 */
			err[j] = den > delta ? delta * (fabsf(x) + fabsf(y) +
			    fabsf(f[j])) / (den - delta) + 1e-6f * fabsf(f[j]) :
			    INFINITY;
		}
	}
	for (uint32_t i = 0; i < s->nex; i++)
		if (s->ex[i] >= w0 && s->ex[i] < w0 + m)
			f[s->ex[i] - w0] = -INFINITY;
}

/* Fold one block's scores into the question's candidates. */
static void
block_merge(const struct analogy_opts *o, struct qstate *s, const float *f,
    const float *err, float erradd, uint32_t m, uint32_t w0)
{
	float best = -INFINITY;

	if (o->method == ANALOGY_ADD) {
		for (uint32_t j = 0; j < m; j++)
			best = f[j] > best ? f[j] : best;
		if (best == -INFINITY || best + erradd < s->lo)
			return;
		if (best - erradd > s->lo)
			s->lo = best - erradd;
		for (uint32_t j = 0; j < m; j++)
			if (f[j] > -INFINITY && f[j] + erradd >= s->lo)
				cand_add(s, w0 + j, f[j] + erradd);
		return;
	}
	for (uint32_t j = 0; j < m; j++)
		if (f[j] > -INFINITY && f[j] - err[j] > best)
			best = f[j] - err[j];
	if (best > s->lo)
		s->lo = best;
	for (uint32_t j = 0; j < m; j++)
		if (f[j] > -INFINITY && !(f[j] + err[j] < s->lo))
			cand_add(s, w0 + j, f[j] + err[j]);
}

static const struct analogy_opts add_opts = { .method = ANALOGY_ADD };

/*
 * Largest sb[j] - sa[j] + sc[j] over j in [lo, hi): where 3CosAdd spends
 * its time (n x questions elements), so AVX when the compiler targets it
 * (the compiler does not vectorise a float max by itself); the plain
 * loop is the twin and the tail.
 */
static float
seg_max_add(const float *sa, const float *sb, const float *sc, uint32_t lo,
    uint32_t hi)
{
	float best = -INFINITY;
	uint32_t j = lo;

#ifdef __AVX__
	if (hi - lo >= 16) {
		__m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
		float t[8];
		for (; j + 16 <= hi; j += 16) {
			__m256 f0 = _mm256_add_ps(_mm256_sub_ps(
			    _mm256_loadu_ps(sb + j), _mm256_loadu_ps(sa + j)),
			    _mm256_loadu_ps(sc + j));
			__m256 f1 = _mm256_add_ps(_mm256_sub_ps(
			    _mm256_loadu_ps(sb + j + 8),
			    _mm256_loadu_ps(sa + j + 8)),
			    _mm256_loadu_ps(sc + j + 8));
			m0 = _mm256_max_ps(f0, m0);
			m1 = _mm256_max_ps(f1, m1);
		}
		_mm256_storeu_ps(t, _mm256_max_ps(m0, m1));
		for (int k = 0; k < 8; k++)
			best = t[k] > best ? t[k] : best;
	}
#endif
	for (; j < hi; j++) {
		float f = sb[j] - sa[j] + sc[j];
		best = f > best ? f : best;
	}
	return best;
}

/*
 * 3CosAdd for one question over one block [w0, w0+m) of S: the maximum
 * over the runs of words between its exclusions, and only if that could
 * be the answer, a second pass that collects candidates.
 */
static void
block_add(struct qstate *s, const float *S, uint32_t m, uint32_t w0,
    float erradd, float *f)
{
	const float *sa = S + (size_t)s->ra * m, *sb = S + (size_t)s->rb * m,
	    *sc = S + (size_t)s->rc * m;
	float best = -INFINITY, x;
	uint32_t lo = 0;

	for (uint32_t i = 0; i <= s->nex; i++) {
		uint32_t hi = m;
		if (i < s->nex) {
			if (s->ex[i] < w0 || s->ex[i] >= w0 + m)
				continue;
			hi = s->ex[i] - w0;
		}
		if (hi > lo && (x = seg_max_add(sa, sb, sc, lo, hi)) > best)
			best = x;
		lo = hi + 1;
	}
	if (best == -INFINITY || best + erradd < s->lo)
		return;
	for (uint32_t j = 0; j < m; j++)
		f[j] = sb[j] - sa[j] + sc[j];
	for (uint32_t i = 0; i < s->nex; i++)
		if (s->ex[i] >= w0 && s->ex[i] < w0 + m)
			f[s->ex[i] - w0] = -INFINITY;
	block_merge(&add_opts, s, f, NULL, erradd, m, w0);
}

/*
 * 3CosMul scores of [lo, hi) with their error bounds (as block_scores):
 * the largest lower bound f - err goes to *lower, the largest upper
 * bound f + err to *upper.  AVX when available, as for 3CosAdd.
 */
static void
seg_bounds_mul(const float *sa, const float *sb, const float *sc,
    uint32_t lo, uint32_t hi, float eps, float delta, float *lower,
    float *upper)
{
	float bl = -INFINITY, bu = -INFINITY;
	uint32_t j = lo;

#ifdef __AVX__
	if (hi - lo >= 8) {
		const __m256 one = _mm256_set1_ps(1), half = _mm256_set1_ps(.5f),
		    ve = _mm256_set1_ps(eps), vd = _mm256_set1_ps(delta),
		    rel = _mm256_set1_ps(1e-6f), inf = _mm256_set1_ps(INFINITY),
		    sign = _mm256_set1_ps(-0.0f);
		__m256 ml = _mm256_set1_ps(-INFINITY), mu = ml;
		float t[8];
		for (; j + 8 <= hi; j += 8) {
			__m256 x = _mm256_mul_ps(_mm256_add_ps(one,
			    _mm256_loadu_ps(sb + j)), half);
			__m256 y = _mm256_mul_ps(_mm256_add_ps(one,
			    _mm256_loadu_ps(sc + j)), half);
			__m256 z = _mm256_mul_ps(_mm256_add_ps(one,
			    _mm256_loadu_ps(sa + j)), half);
			__m256 den = _mm256_add_ps(z, ve);
			__m256 f = _mm256_div_ps(_mm256_mul_ps(x, y), den);
			__m256 af = _mm256_andnot_ps(sign, f);
			__m256 sum = _mm256_add_ps(_mm256_add_ps(
			    _mm256_andnot_ps(sign, x), _mm256_andnot_ps(sign,
			    y)), af);
			__m256 err = _mm256_add_ps(_mm256_div_ps(
			    _mm256_mul_ps(vd, sum), _mm256_sub_ps(den, vd)),
			    _mm256_mul_ps(rel, af));
			err = _mm256_blendv_ps(inf, err, _mm256_cmp_ps(den, vd,
			    _CMP_GT_OQ));
			ml = _mm256_max_ps(_mm256_sub_ps(f, err), ml);
			mu = _mm256_max_ps(_mm256_add_ps(f, err), mu);
		}
		_mm256_storeu_ps(t, ml);
		for (int k = 0; k < 8; k++)
			bl = t[k] > bl ? t[k] : bl;
		_mm256_storeu_ps(t, mu);
		for (int k = 0; k < 8; k++)
			bu = t[k] > bu ? t[k] : bu;
	}
#endif
	for (; j < hi; j++) {
		float x = (1 + sb[j]) * 0.5f, y = (1 + sc[j]) * 0.5f,
		    z = (1 + sa[j]) * 0.5f, den = z + eps;
		float f = x * y / den;
		float err = den > delta ? delta * (fabsf(x) + fabsf(y) +
		    fabsf(f)) / (den - delta) + 1e-6f * fabsf(f) : INFINITY;
		bl = f - err > bl ? f - err : bl;
		bu = f + err > bu ? f + err : bu;
	}
	*lower = bl;
	*upper = bu;
}

/*
 * 3CosMul for one question over one block: bounds over the runs between
 * exclusions first; the full scores and candidates only where a word of
 * the block could still be the answer.
 */
static void
block_mul(const struct analogy_opts *o, struct qstate *s, const float *S,
    uint32_t m, uint32_t w0, float delta, float *f, float *err)
{
	const float *sa = S + (size_t)s->ra * m, *sb = S + (size_t)s->rb * m,
	    *sc = S + (size_t)s->rc * m;
	float up = -INFINITY, l, u;
	uint32_t lo = 0;

	for (uint32_t i = 0; i <= s->nex; i++) {
		uint32_t hi = m;
		if (i < s->nex) {
			if (s->ex[i] < w0 || s->ex[i] >= w0 + m)
				continue;
			hi = s->ex[i] - w0;
		}
		if (hi > lo) {
			seg_bounds_mul(sa, sb, sc, lo, hi, (float)o->eps, delta,
			    &l, &u);
			up = u > up ? u : up;
		}
		lo = hi + 1;
	}
	if (up < s->lo)
		return;
	block_scores(o, s, S, m, w0, delta, f, err);
	block_merge(o, s, f, err, 0, m, w0);
}

/*
 * The answer gensim gives where firth's is arg, of score *best (both
 * replaced when they differ): its evaluate_word_analogies asks most_similar for the 5 best words other
 * than the rows of a, b and c, and takes the first of them that is not a
 * case variant of a, b or c.  When variants fill all 5 places, it takes
 * the 5th variant (a wrong answer); firth's arg is right only if fewer
 * than o->window variants rank above it.  The variants are the excluded
 * indices other than a, b, c's own rows.  Ties rank the lower index
 * first (gensim's order for exact ties is numpy's unstable sort's).
 */
static int64_t
window_answer(const struct emb *e, const struct analogy_opts *o,
    const struct question *q, const struct qstate *s, int64_t arg,
    double *best)
{
	uint32_t top[ANALOGY_WINDOW_MAX];	/* variants ranked above arg */
	double ts[ANALOGY_WINDOW_MAX];
	uint32_t nt = 0, w = o->window < ANALOGY_WINDOW_MAX ? o->window :
	    ANALOGY_WINDOW_MAX;

	for (uint32_t i = 0; i < s->nex; i++) {
		uint32_t v = s->ex[i];
		if (v == q->id[0] || v == q->id[1] || v == q->id[2] ||
		    (int64_t)v == e->unk)
			continue;
		double sc = score_double(e, o, q->id, v);
		if (arg >= 0 && !(sc > *best || (sc == *best && v < arg)))
			continue;
		/* Insert into top[] best first; ex[] ascends, so ties stay. */
		uint32_t p = nt < w ? nt++ : w;
		if (p == w && !(sc > ts[w - 1]))
			continue;
		if (p == w)
			p = w - 1;
		while (p > 0 && sc > ts[p - 1]) {
			top[p] = top[p - 1];
			ts[p] = ts[p - 1];
			p--;
		}
		top[p] = v;
		ts[p] = sc;
	}
	if (nt == 0 || (arg >= 0 && nt < w))
		return arg;
	*best = ts[nt - 1];
	return top[nt - 1];
}

/* Re-score the surviving candidates in double; set the answer. */
static void
question_finish(const struct emb *e, const struct analogy_opts *o,
    struct question *q, struct qstate *s)
{
	double best = -INFINITY;
	int64_t arg = -1;

	for (uint32_t i = 0; i < s->ncand; i++) {
		if (s->cf[i] < s->lo)
			continue;
		double sc = score_double(e, o, q->id, s->cand[i]);
		if (sc > best) {	/* ascending indices: ties keep the lowest */
			best = sc;
			arg = s->cand[i];
		}
	}
	if (o->window > 0 && o->exclude_variants && e->fold)
		arg = window_answer(e, o, q, s, arg, &best);
	if (o->positive_only && !(best > 0))
		arg = -1;
	q->pred = arg;
	q->score = arg >= 0 ? best : 0;
	q->correct = arg >= 0 && e->canon[arg] == e->canon[q->id[3]];
	free(s->cand);
	free(s->cf);
	free(s->ex);
}

/* Case variants: for each canonical index c, the indices with canon c. */
static void
variants_build(const struct emb *e, uint32_t **variants, uint32_t **voff)
{
	uint32_t *off = xcalloc((size_t)e->n + 1, sizeof(uint32_t));
	uint32_t *v = xreallocarray(NULL, e->n > 0 ? e->n : 1,
	    sizeof(uint32_t));

	for (uint32_t i = 0; i < e->n; i++)
		off[e->canon[i] + 1]++;
	for (uint32_t i = 0; i < e->n; i++)
		off[i + 1] += off[i];
	uint32_t *fill = xreallocarray(NULL, e->n > 0 ? e->n : 1,
	    sizeof(uint32_t));
	memcpy(fill, off, (size_t)e->n * sizeof(uint32_t));
	for (uint32_t i = 0; i < e->n; i++)
		v[fill[e->canon[i]]++] = i;
	free(fill);
	*variants = v;
	*voff = off;
}

void
analogy_answer(const struct emb *e, struct qset *qs,
    const struct analogy_opts *o)
{
	uint32_t *row = xreallocarray(NULL, e->n > 0 ? e->n : 1,
	    sizeof(uint32_t));
	uint32_t *qi = xreallocarray(NULL, qs->n > 0 ? qs->n : 1,
	    sizeof(uint32_t));
	struct qstate *st;
	uint32_t nu = 0, nq = 0, *variants = NULL, *voff = NULL;
	const uint32_t d = e->dim;
	/*
	 * Bound on |float cosine - double cosine| for unit rows: sgemm's
	 * accumulation (d roundings of at most 2^-24 each, any order) plus
	 * the rounding of the unit rows themselves, with a factor 2 spare.
	 */
	const float delta = (float)((d + 8) * 1.2e-7);
	const float erradd = 3 * delta + 1e-6f;

	memset(row, 0xff, (size_t)e->n * sizeof(uint32_t));
	for (uint32_t i = 0; i < qs->n; i++) {
		struct question *q = &qs->q[i];
		q->seen = 1;
		q->pred = -1;
		q->correct = 0;
		q->score = 0;
		for (int k = 0; k < 4; k++) {
			q->id[k] = emb_lookup(e, q->w[k]);
			if (q->id[k] < 0)
				q->seen = 0;
		}
		if (!q->seen)
			continue;
		qi[nq++] = i;
		for (int k = 0; k < 3; k++)
			if (row[q->id[k]] == UINT32_MAX)
				row[q->id[k]] = nu++;
	}
	if (nq == 0 || e->n == 0) {
		free(row);
		free(qi);
		return;
	}
	if (o->exclude_variants && e->fold)
		variants_build(e, &variants, &voff);

	/* Uq[nu][d]: the unit rows of the distinct question words. */
	float *Uq = xreallocarray(NULL, (size_t)nu * d, sizeof(float));
	for (uint32_t w = 0; w < e->n; w++)
		if (row[w] != UINT32_MAX)
			memcpy(Uq + (size_t)row[w] * d, e->u + (size_t)w * d,
			    d * sizeof(float));
	st = xcalloc(nq, sizeof(*st));
	for (uint32_t j = 0; j < nq; j++) {
		struct question *q = &qs->q[qi[j]];
		st[j].ra = row[q->id[0]];
		st[j].rb = row[q->id[1]];
		st[j].rc = row[q->id[2]];
		st[j].lo = -INFINITY;
		exclusions(e, o, q, &st[j], variants, voff);
	}

	/*
	 * bw: S[nu][bw] about 1 MB, so that it stays in the core's L2 cache
	 * while every question reads its three rows from it.
	 */
	uint32_t bw = (uint32_t)((1u << 20) / (4 * (size_t)nu));
	if (bw < 64)
		bw = 64;
	if (bw > e->n)
		bw = e->n;
	float *S = xreallocarray(NULL, (size_t)nu * bw, sizeof(float));
	float *f = xreallocarray(NULL, bw, sizeof(float));
	float *err = xreallocarray(NULL, bw, sizeof(float));
	for (uint32_t w0 = 0; w0 < e->n; w0 += bw) {
		uint32_t m = e->n - w0 < bw ? e->n - w0 : bw;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nu,
		    (int)m, (int)d, 1.0f, Uq, (int)d, e->u + (size_t)w0 * d,
		    (int)d, 0.0f, S, (int)m);
		for (uint32_t j = 0; j < nq; j++) {
			if (o->method == ANALOGY_ADD) {
				block_add(&st[j], S, m, w0, erradd, f);
				continue;
			}
			block_mul(o, &st[j], S, m, w0, delta, f, err);
		}
	}
	for (uint32_t j = 0; j < nq; j++)
		question_finish(e, o, &qs->q[qi[j]], &st[j]);
	free(S);
	free(f);
	free(err);
	free(st);
	free(Uq);
	free(row);
	free(qi);
	free(variants);
	free(voff);
}

/* ---- neighbours ---- */

uint32_t
emb_best(const float *s, uint32_t n, uint32_t k, uint32_t *idx,
    double *score)
{
	uint32_t got = 0;

	/* Insertion into a k-long best list; k is small. */
	for (uint32_t w = 0; w < n; w++) {
		if (s[w] == -INFINITY || (got == k && !(s[w] > score[k - 1])))
			continue;
		uint32_t p = got < k ? got++ : k - 1;
		while (p > 0 && s[w] > score[p - 1]) {
			score[p] = score[p - 1];
			idx[p] = idx[p - 1];
			p--;
		}
		score[p] = s[w];
		idx[p] = w;
	}
	return got;
}

uint32_t
emb_nearest(const struct emb *e, int64_t a, int64_t b, int64_t c, uint32_t k,
    uint32_t *idx, double *score)
{
	const uint32_t d = e->dim;
	float *q = xcalloc(d, sizeof(float));
	float *s = xreallocarray(NULL, e->n > 0 ? e->n : 1, sizeof(float));
	uint32_t got = 0;

	for (uint32_t j = 0; j < d; j++) {
		q[j] = e->u[(size_t)b * d + j];
		if (a >= 0)
			q[j] += e->u[(size_t)c * d + j] - e->u[(size_t)a * d + j];
	}
	/* s[n] = U[n][d] . q[d] */
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)e->n, (int)d, 1.0f, e->u,
	    (int)d, q, 1, 0.0f, s, 1);
	float qn = 0;
	for (uint32_t j = 0; j < d; j++)
		qn += q[j] * q[j];
	qn = qn > 0 ? sqrtf(qn) : 1;
	s[b] = -INFINITY;
	if (a >= 0) {
		s[a] = -INFINITY;
		s[c] = -INFINITY;
	}
	if (e->unk >= 0)
		s[e->unk] = -INFINITY;
	got = emb_best(s, e->n, k, idx, score);
	for (uint32_t i = 0; i < got; i++)
		score[i] /= qn;	/* cosine with the query vector */
	free(q);
	free(s);
	return got;
}

void
qset_print_answers(FILE *f, const struct emb *e, const struct qset *qs)
{
	for (uint32_t i = 0; i < qs->n; i++) {
		const struct question *q = &qs->q[i];
		fprintf(f, "%s %s %s %s -> %s%s\n", q->w[0], q->w[1], q->w[2],
		    q->w[3], !q->seen ? "(unknown words)" : q->pred < 0 ?
		    "(none)" : e->words[q->pred], q->correct ? " ok" : "");
	}
}
