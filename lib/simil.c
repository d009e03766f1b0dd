/*
 * simil.c - Pearson and tie-corrected Spearman correlation, in double
 * precision with a two-pass (mean first) formula, so that scores of
 * similar size do not cancel.
 */
#include "simil.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "analogy.h"
#include "linein.h"

#include <math.h>
#include <stdlib.h>

#include "cli.h"

double
simil_pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx == 0 || syy == 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

static const double *rank_keys;

static int
rank_cmp(const void *a, const void *b)
{
	double x = rank_keys[*(const size_t *)a], y = rank_keys[*(const size_t *)b];

	if (x != y)
		return x < y ? -1 : 1;
	/* Stable on equal keys, so the result does not depend on qsort. */
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

void
simil_rank(const double *x, size_t n, double *r)
{
	size_t *ord = xreallocarray(NULL, n > 0 ? n : 1, sizeof(size_t));

	for (size_t i = 0; i < n; i++)
		ord[i] = i;
	rank_keys = x;
	qsort(ord, n, sizeof(size_t), rank_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && x[ord[j + 1]] == x[ord[i]])
			j++;
		/* Positions i..j (0-based) share rank (i+1 + j+1) / 2. */
		double avg = (double)(i + j + 2) / 2;
		for (size_t k = i; k <= j; k++)
			r[ord[k]] = avg;
		i = j + 1;
	}
	free(ord);
}

double
simil_spearman(const double *x, const double *y, size_t n)
{
	double *rx = xreallocarray(NULL, n > 0 ? n : 1, sizeof(double));
	double *ry = xreallocarray(NULL, n > 0 ? n : 1, sizeof(double));
	double rho;

	simil_rank(x, n, rx);
	simil_rank(y, n, ry);
	rho = simil_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return rho;
}

/* ---- word-pair files ---- */

void
simil_pairs_read(struct simil_pairs *p, FILE *f, const char *name)
{
	char *line = NULL, *tok[4], *end;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;

	/* Bounded lines; running out of memory is an error, not the end. */
	while ((len = linein_get(&line, &cap, f, name, lineno + 1,
	    LINEIN_MAX)) != -1) {
		int nt = 0;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		for (char *s = strtok(line, " \t"); s != NULL && nt < 4;
		    s = strtok(NULL, " \t"))
			tok[nt++] = s;
		if (nt == 0 || tok[0][0] == '#')
			continue;
		if (nt != 3)
			cli_die("%s:%lu: %d fields where 3 were expected "
			    "(word word score)", name, lineno, nt);
		errno = 0;
		double g = strtod(tok[2], &end);
		if (end == tok[2] || *end != '\0' || errno != 0 || !isfinite(g))
			cli_die("%s:%lu: '%s' is not a number", name, lineno,
			    tok[2]);
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 256;
			p->w1 = xreallocarray(p->w1, p->cap, sizeof(char *));
			p->w2 = xreallocarray(p->w2, p->cap, sizeof(char *));
			p->gold = xreallocarray(p->gold, p->cap,
			    sizeof(double));
		}
		p->w1[p->n] = xstrdup(tok[0]);
		p->w2[p->n] = xstrdup(tok[1]);
		p->gold[p->n++] = g;
	}
	if (ferror(f))
		cli_die("read error on %s", name);
	free(line);
	if (p->n == 0)
		cli_die("%s: no word pairs (lines 'word word score')", name);
}

void
simil_pairs_free(struct simil_pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->w1[i]);
		free(p->w2[i]);
	}
	free(p->w1);
	free(p->w2);
	free(p->gold);
}

size_t
simil_pairs_score(const struct simil_pairs *p, const struct emb *e,
    int zero, double *rho, double *r)
{
	double *gold = xreallocarray(NULL, p->n, sizeof(double));
	double *model = xreallocarray(NULL, p->n, sizeof(double));
	size_t m = 0, seen = 0;

	for (size_t j = 0; j < p->n; j++) {
		int64_t a = emb_lookup(e, p->w1[j]), b = emb_lookup(e, p->w2[j]);
		if (a >= 0 && b >= 0) {
			seen++;
			model[m] = emb_cos(e, (uint32_t)a, (uint32_t)b);
		} else if (zero)
			model[m] = 0;
		else
			continue;
		gold[m++] = p->gold[j];
	}
	*rho = simil_spearman(gold, model, m);
	*r = simil_pearson(gold, model, m);
	free(gold);
	free(model);
	return seen;
}
