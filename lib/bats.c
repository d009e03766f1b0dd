/*
 * bats.c - read BATS-layout analogy sets and answer them (see bats.h).
 *
 * Legend: n pairs in a relation, d dimensions, V words searched, bw
 * words per vocabulary block.
 *
 * 3CosAvg (Drozd et al. 2016) answers pair j by the average offset of
 * the relation's other pairs: argmax_w cos(w, src_j + mean_i (ans_i -
 * src_i)), unit rows throughout, ans_i the first of i's answers in the
 * vectors.  LRCos learns, from the other pairs, a logistic-regression
 * classifier of "is a target of this relation" (positives: all their
 * answers in the vectors; negatives: their source words) and answers
 * argmax_w P(target | w) cos(w, src_j).  Both exclude src_j itself.
 * Per relation one sgemm per vocabulary block scores every pair's query
 * (Q[n][d] . U[bw][d]^T); scores are floats, ties go to the lower row.
 */
#include "bats.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cblas.h>

#include "cli.h"
#include "linein.h"

static const char *family_names[BATS_NFAMILY] = {
	"inflectional", "derivational", "encyclopedic", "lexicographic",
	"other"
};

const char *
bats_family_name(int family)
{
	return family >= 0 && family < BATS_NFAMILY ? family_names[family] :
	    "other";
}

struct bats *
bats_new(void)
{
	return xcalloc(1, sizeof(struct bats));
}

void
bats_free(struct bats *b)
{
	if (b == NULL)
		return;
	for (uint32_t r = 0; r < b->n; r++) {
		struct bats_rel *rel = &b->rel[r];
		for (uint32_t i = 0; i < rel->n; i++) {
			free(rel->p[i].src);
			for (uint32_t k = 0; k < rel->p[i].nans; k++)
				free(rel->p[i].ans[k]);
			free(rel->p[i].ans);
		}
		free(rel->p);
		free(rel->name);
	}
	free(b->rel);
	free(b);
}

/* Family named by a directory (case-insensitive substring), or -1. */
static int
family_of_dir(const char *dir)
{
	for (int f = 0; f < BATS_OTHER; f++)
		if (strcasestr(dir, family_names[f]) != NULL)
			return f;
	return -1;
}

/* Family from a BATS 3.0 file name: "I01 ...", "D10 ...", "E03 ..." */
static int
family_of_file(const char *base)
{
	static const char letters[] = "IDEL";
	const char *p = strchr(letters, base[0]);

	if (base[0] == '\0' || p == NULL || !isdigit((unsigned char)base[1]))
		return BATS_OTHER;
	return (int)(p - letters);
}

/* Add one pair from line (modified), "src<TAB>a1/a2/...". */
static void
pair_parse(struct bats_rel *rel, char *line, const char *name,
    unsigned long lineno, uint32_t *cap)
{
	char *src = line, *rest, *tok, *save;
	struct bats_pair *p;

	rest = src + strcspn(src, "\t ");
	if (*rest != '\0')
		*rest++ = '\0';
	rest += strspn(rest, "\t ");
	if (*cap == rel->n) {
		*cap = *cap ? *cap * 2 : 64;
		rel->p = xreallocarray(rel->p, *cap, sizeof(*rel->p));
	}
	p = &rel->p[rel->n];
	memset(p, 0, sizeof(*p));
	p->line = (uint32_t)lineno;
	for (tok = strtok_r(rest, "/\t ", &save); tok != NULL;
	    tok = strtok_r(NULL, "/\t ", &save)) {
		p->ans = xreallocarray(p->ans, p->nans + 1, sizeof(char *));
		p->ans[p->nans++] = xstrdup(tok);
	}
	if (p->nans == 0) {
		free(p->ans);
		cli_die("%s:%lu: '%s' has no answers; BATS lines are "
		    "word<TAB>answer1/answer2/...", name, lineno, src);
	}
	p->src = xstrdup(src);
	rel->n++;
}

static void
rel_read(struct bats *b, const char *path, int family)
{
	FILE *f = fopen(path, "rb");
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *line = NULL;
	size_t cap = 0, blen = strlen(base);
	ssize_t len;
	unsigned long lineno = 0;
	uint32_t pcap = 0;
	struct bats_rel *rel;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->rel = xreallocarray(b->rel, b->cap, sizeof(*b->rel));
	}
	rel = &b->rel[b->n++];
	memset(rel, 0, sizeof(*rel));
	if (blen > 4 && strcmp(base + blen - 4, ".txt") == 0)
		blen -= 4;
	rel->name = xcalloc(blen + 1, 1);
	memcpy(rel->name, base, blen);
	rel->family = family >= 0 ? family : family_of_file(base);
	while ((len = linein_get(&line, &cap, f, path, lineno + 1,
	    LINEIN_MAX)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		pair_parse(rel, s, path, lineno, &pcap);
	}
	if (ferror(f))
		cli_die("read error on %s", path);
	fclose(f);
	free(line);
	if (rel->n < 2)
		cli_die("%s: %u pair%s; a relation needs at least 2 pairs to "
		    "ask a question", path, rel->n, rel->n == 1 ? "" : "s");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every relation file under dir, in name order; family from the path. */
static void
dir_read(struct bats *b, const char *dir, int family, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL)
		cli_die("cannot open directory %s: %s", dir, strerror(errno));
	if (family < 0)
		family = family_of_dir(strrchr(dir, '/') ? strrchr(dir, '/') +
		    1 : dir);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(char *));
		names[n++] = xstrdup(de->d_name);
	}
	if (errno != 0)
		cli_die("cannot read directory %s: %s", dir, strerror(errno));
	closedir(d);
	qsort(names, n, sizeof(char *), name_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		char *path = xcalloc(strlen(dir) + len + 2, 1);
		struct stat st;
		sprintf(path, "%s/%s", dir, names[i]);
		if (stat(path, &st) != 0)
			cli_die("cannot stat %s: %s", path, strerror(errno));
		if (S_ISDIR(st.st_mode) && depth < 4)
			dir_read(b, path, family, depth + 1);
		else if (S_ISREG(st.st_mode) && len > 4 &&
		    strcmp(names[i] + len - 4, ".txt") == 0)
			rel_read(b, path, family);
		free(path);
		free(names[i]);
	}
	free(names);
}

void
bats_read(struct bats *b, const char *path)
{
	struct stat st;
	uint32_t before = b->n;

	if (stat(path, &st) != 0)
		cli_die("cannot open %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		rel_read(b, path, -1);
		return;
	}
	dir_read(b, path, -1, 0);
	if (b->n == before)
		cli_die("%s: no relation files (*.txt) in the directory or its "
		    "subdirectories", path);
}

/* ---- answering ---- */

/* Row of the first of p's answers in the vectors, or -1. */
static int64_t
first_known(const struct emb *e, const struct bats_pair *p)
{
	for (uint32_t k = 0; k < p->nans; k++) {
		int64_t id = emb_lookup(e, p->ans[k]);
		if (id >= 0)
			return id;
	}
	return -1;
}

/* Is row pred (any case variant of) one of p's answers? */
static int
is_answer(const struct emb *e, const struct bats_pair *p, int64_t pred)
{
	if (pred < 0)
		return 0;
	for (uint32_t k = 0; k < p->nans; k++) {
		int64_t id = emb_lookup(e, p->ans[k]);
		if (id >= 0 && e->canon[pred] == e->canon[id])
			return 1;
	}
	return 0;
}

/* 3CosAdd, 3CosMul: every ordered pair of pairs, all relations at once. */
static void
answer_offsets(const struct emb *e, struct bats *b,
    const struct analogy_opts *o)
{
	struct qset qs = { 0 };
	uint64_t nq = 0;

	for (uint32_t r = 0; r < b->n; r++)
		nq += (uint64_t)b->rel[r].n * (b->rel[r].n - 1);
	if (nq > UINT32_MAX)
		cli_die("%llu questions are too many", (unsigned long long)nq);
	qs.q = xcalloc(nq > 0 ? nq : 1, sizeof(struct question));
	for (uint32_t r = 0; r < b->n; r++) {
		const struct bats_rel *rel = &b->rel[r];
		for (uint32_t i = 0; i < rel->n; i++) {
			int64_t ti = first_known(e, &rel->p[i]);
			for (uint32_t j = 0; j < rel->n; j++) {
				struct question *q = &qs.q[qs.n];
				int64_t tj;
				if (i == j)
					continue;
				tj = first_known(e, &rel->p[j]);
				q->section = r;
				q->line = j;	/* here: the pair asked about */
				q->w[0] = rel->p[i].src;
				q->w[1] = ti >= 0 ? e->words[ti] :
				    rel->p[i].ans[0];
				q->w[2] = rel->p[j].src;
				q->w[3] = tj >= 0 ? e->words[tj] :
				    rel->p[j].ans[0];
				qs.n++;
			}
		}
	}
	analogy_answer(e, &qs, o);
	for (uint32_t k = 0; k < qs.n; k++) {
		const struct question *q = &qs.q[k];
		struct bats_rel *rel = &b->rel[q->section];
		rel->total++;
		rel->seen += q->seen || o->unknown_wrong;
		rel->correct += q->seen && is_answer(e, &rel->p[q->line],
		    q->pred);
	}
	free(qs.q);
}

static double
sigmoid(double z)
{
	return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

/*
 * Gradient of LRCos's objective at v = (w[d], bias) into g[d + 1]:
 * z = X w + bias, r = sigmoid(z) - y, g = (X^T r + w, sum r).
 * x[n][d] in double; z and r are scratch [n].
 */
static void
logreg_grad(const double *x, const unsigned char *y, uint32_t n, uint32_t d,
    const double *v, double *g, double *z)
{
	double gb = 0;

	for (uint32_t i = 0; i < n; i++)
		z[i] = v[d];
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0, x,
	    (int)d, v, 1, 1.0, z, 1);
	for (uint32_t i = 0; i < n; i++) {
		z[i] = sigmoid(z[i]) - y[i];
		gb += z[i];
	}
	for (uint32_t k = 0; k < d; k++)
		g[k] = v[k];
	cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1.0, x, (int)d,
	    z, 1, 1.0, g, 1);
	g[d] = gb;
}

/*
 * Largest eigenvalue of A^T A, A = [X 1] (n x (d+1)), by power
 * iteration: the loss's curvature is at most a quarter of it.
 */
static double
logreg_lmax(const double *x, uint32_t n, uint32_t d, double *t, double *z)
{
	double lam = 0;

	for (uint32_t k = 0; k <= d; k++)
		t[k] = 1;
	for (int it = 0; it < 50; it++) {
		double s = 0;
		for (uint32_t i = 0; i < n; i++)
			z[i] = t[d];
		cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0,
		    x, (int)d, t, 1, 1.0, z, 1);
		cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1.0, x,
		    (int)d, z, 1, 0.0, t, 1);
		t[d] = 0;
		for (uint32_t i = 0; i < n; i++)
			t[d] += z[i];
		for (uint32_t k = 0; k <= d; k++)
			s += t[k] * t[k];
		lam = sqrt(s);
		if (!(lam > 0))
			return 0;
		for (uint32_t k = 0; k <= d; k++)
			t[k] /= lam;
	}
	return lam;
}

void
bats_logreg(const float *xf, const unsigned char *y, uint32_t n, uint32_t d,
    double *w, double *bias)
{
	double *x = xreallocarray(NULL, (size_t)n * d + 1, sizeof(double));
	double *v = xcalloc(d + 1, sizeof(double));	/* lookahead point */
	double *cur = xcalloc(d + 1, sizeof(double));	/* (w, bias) */
	double *g = xcalloc(d + 1, sizeof(double));
	double *z = xcalloc(n + 1, sizeof(double));

	for (size_t i = 0; i < (size_t)n * d; i++)
		x[i] = xf[i];
	/*
	 * Step 1/L with L = 1 + lmax / 4 (20 % spare for the power
	 * iteration's estimate from below); momentum for a strongly convex
	 * objective, mu = 1 (the penalty; the bias is not penalised, but the
	 * loss curves along it).
	 */
	double L = 1 + 1.2 * logreg_lmax(x, n, d, g, z) / 4;
	double q = sqrt(L), mom = (q - 1) / (q + 1);
	for (int it = 0; it < 20000; it++) {
		double gn = 0;
		logreg_grad(x, y, n, d, v, g, z);
		for (uint32_t k = 0; k <= d; k++)
			gn += g[k] * g[k];
		if (gn < 1e-18)
			break;
		if (!(gn < 1e30)) {	/* L was too small: start again */
			L *= 4;
			q = sqrt(L);
			mom = (q - 1) / (q + 1);
			memset(v, 0, (d + 1) * sizeof(double));
			memset(cur, 0, (d + 1) * sizeof(double));
			continue;
		}
		for (uint32_t k = 0; k <= d; k++) {
			double nw = v[k] - g[k] / L;
			v[k] = nw + mom * (nw - cur[k]);
			cur[k] = nw;
		}
	}
	memcpy(w, v, d * sizeof(double));
	*bias = v[d];
	free(x);
	free(v);
	free(cur);
	free(g);
	free(z);
}

/* Queries of one relation's pair j: unit offset query or classifier. */
struct learnt {
	uint32_t n;
	float *q;		/* [n][d] 3CosAvg query, or LRCos weights */
	float *qs;		/* [n][d] LRCos: unit source rows */
	double *bias;		/* [n] LRCos */
	int64_t *src;		/* [n] source rows, -1 unknown */
	int *asked;		/* [n] the question can be asked */
};

/* Fill pair j's query from the relation's other usable pairs. */
static void
learnt_pair(const struct emb *e, const struct bats_rel *rel, int method,
    const int64_t *tgt, struct learnt *l, uint32_t j)
{
	const uint32_t d = e->dim;
	float *q = l->q + (size_t)j * d;
	uint32_t used = 0, nx = 0;

	for (uint32_t i = 0; i < rel->n; i++)
		used += i != j && l->src[i] >= 0 && tgt[i] >= 0;
	l->asked[j] = l->src[j] >= 0 && tgt[j] >= 0 && used > 0;
	if (!l->asked[j])
		return;
	if (method == BATS_AVG) {
		double *acc = xcalloc(d, sizeof(double)), s = 0;
		for (uint32_t i = 0; i < rel->n; i++) {
			if (i == j || l->src[i] < 0 || tgt[i] < 0)
				continue;
			for (uint32_t k = 0; k < d; k++)
				acc[k] += (e->u[(size_t)tgt[i] * d + k] -
				    e->u[(size_t)l->src[i] * d + k]) / used;
		}
		for (uint32_t k = 0; k < d; k++) {
			acc[k] += e->u[(size_t)l->src[j] * d + k];
			s += acc[k] * acc[k];
		}
		s = s > 0 ? sqrt(s) : 1;
		for (uint32_t k = 0; k < d; k++)
			q[k] = (float)(acc[k] / s);
		free(acc);
		return;
	}
	/* LRCos: positives every known answer, negatives the sources. */
	uint32_t cap = 0;
	for (uint32_t i = 0; i < rel->n; i++)
		cap += i != j ? rel->p[i].nans + 1 : 0;
	float *x = xreallocarray(NULL, (size_t)cap * d, sizeof(float));
	unsigned char *y = xreallocarray(NULL, cap, 1);
	double *w = xreallocarray(NULL, d, sizeof(double));
	for (uint32_t i = 0; i < rel->n; i++) {
		if (i == j)
			continue;
		for (uint32_t k = 0; k <= rel->p[i].nans; k++) {
			int64_t id = k < rel->p[i].nans ? emb_lookup(e,
			    rel->p[i].ans[k]) : l->src[i];
			if (id < 0)
				continue;
			memcpy(x + (size_t)nx * d, e->u + (size_t)id * d,
			    d * sizeof(float));
			y[nx++] = k < rel->p[i].nans;
		}
	}
	bats_logreg(x, y, nx, d, w, &l->bias[j]);
	for (uint32_t k = 0; k < d; k++)
		q[k] = (float)w[k];
	memcpy(l->qs + (size_t)j * d, e->u + (size_t)l->src[j] * d,
	    d * sizeof(float));
	free(x);
	free(y);
	free(w);
}

/* May w not answer a question about src?  As analogy_answer decides. */
static int
excluded(const struct emb *e, const struct analogy_opts *o, uint32_t w,
    int64_t src)
{
	if ((int64_t)w == e->unk || (int64_t)w == src)
		return 1;
	return o->exclude_variants && e->fold && e->canon[w] == e->canon[src];
}

/* 3CosAvg, LRCos on one relation: one question per pair. */
static void
answer_learnt(const struct emb *e, struct bats_rel *rel, int method,
    const struct analogy_opts *o)
{
	const uint32_t d = e->dim, n = rel->n;
	struct learnt l = { n, NULL, NULL, NULL, NULL, NULL };
	int64_t *tgt = xcalloc(n, sizeof(int64_t)), *arg;
	float *best;

	l.q = xcalloc((size_t)n * d, sizeof(float));
	l.qs = xcalloc((size_t)n * d, sizeof(float));
	l.bias = xcalloc(n, sizeof(double));
	l.src = xcalloc(n, sizeof(int64_t));
	l.asked = xcalloc(n, sizeof(int));
	arg = xcalloc(n, sizeof(int64_t));
	best = xcalloc(n, sizeof(float));
	for (uint32_t i = 0; i < n; i++) {
		l.src[i] = emb_lookup(e, rel->p[i].src);
		tgt[i] = first_known(e, &rel->p[i]);
		arg[i] = -1;
		best[i] = -INFINITY;
	}
	for (uint32_t j = 0; j < n; j++)
		learnt_pair(e, rel, method, tgt, &l, j);

	uint32_t bw = e->n < 4096 ? e->n : 4096;
	float *s1 = xcalloc((size_t)n * bw, sizeof(float));
	float *s2 = xcalloc((size_t)n * bw, sizeof(float));
	for (uint32_t w0 = 0; w0 < e->n; w0 += bw) {
		uint32_t m = e->n - w0 < bw ? e->n - w0 : bw;
		const float *u = e->u + (size_t)w0 * d;
		/* s1[n][m] = Q U^T; LRCos also s2 = Qs U^T (cosines). */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n,
		    (int)m, (int)d, 1.0f, l.q, (int)d, u, (int)d, 0.0f, s1,
		    (int)m);
		if (method == BATS_LRCOS)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
			    (int)n, (int)m, (int)d, 1.0f, l.qs, (int)d, u,
			    (int)d, 0.0f, s2, (int)m);
		for (uint32_t j = 0; j < n; j++) {
			if (!l.asked[j])
				continue;
			for (uint32_t t = 0; t < m; t++) {
				uint32_t w = w0 + t;
				float sc = s1[(size_t)j * m + t];
				if (excluded(e, o, w, l.src[j]))
					continue;
				if (method == BATS_LRCOS)
					sc = (float)(sigmoid(sc + l.bias[j]) *
					    s2[(size_t)j * m + t]);
				if (sc > best[j]) {
					best[j] = sc;
					arg[j] = w;
				}
			}
		}
	}
	for (uint32_t j = 0; j < n; j++) {
		rel->total++;
		rel->seen += l.asked[j] || o->unknown_wrong;
		rel->correct += l.asked[j] && is_answer(e, &rel->p[j], arg[j]);
	}
	free(s1);
	free(s2);
	free(l.q);
	free(l.qs);
	free(l.bias);
	free(l.src);
	free(l.asked);
	free(tgt);
	free(arg);
	free(best);
}

void
bats_answer(const struct emb *e, struct bats *b, int method,
    const struct analogy_opts *o)
{
	struct analogy_opts oo = *o;

	for (uint32_t r = 0; r < b->n; r++)
		b->rel[r].correct = b->rel[r].seen = b->rel[r].total = 0;
	if (method == BATS_ADD || method == BATS_MUL) {
		oo.method = method;
		answer_offsets(e, b, &oo);
		return;
	}
	for (uint32_t r = 0; r < b->n; r++)
		answer_learnt(e, &b->rel[r], method, o);
}

int
bats_looks_like(const char *path)
{
	struct stat st;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int fields = -1;
	unsigned long lineno = 0;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return 1;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	/* Bounded lines: a file too long to peek at is not read later. */
	while (fields < 0 && linein_get(&line, &cap, f, path, ++lineno,
	    LINEIN_MAX) != -1) {
		char *s = line + strspn(line, " \t\r\n");
		if (*s == '\0' || *s == '#' || *s == ':') {
			if (*s == ':')
				fields = 4;	/* a Google section header */
			continue;
		}
		for (fields = 0; *s != '\0'; fields++) {
			s += strcspn(s, " \t\r\n");
			s += strspn(s, " \t\r\n");
		}
	}
	free(line);
	fclose(f);
	return fields == 2;
}

int
bats_method_parse(const char *s)
{
	static const struct {
		const char *name;
		int method;
	} m[] = {
		{ "add", BATS_ADD }, { "3cosadd", BATS_ADD },
		{ "mul", BATS_MUL }, { "3cosmul", BATS_MUL },
		{ "avg", BATS_AVG }, { "3cosavg", BATS_AVG },
		{ "lrcos", BATS_LRCOS },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(s, m[i].name) == 0)
			return m[i].method;
	cli_usage_die("--method: '%s' is not add, mul, avg or lrcos", s);
}
