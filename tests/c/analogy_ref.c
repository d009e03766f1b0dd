/*
 * analogy_ref.c - brute-force analogy scorer, the reference twin of
 * firth-eval's fast path (lib/analogy.c).  Plain loops in double
 * precision, no BLAS, no error bounds, no blocking: for every question
 * and every word w it computes the score and keeps the strictly best,
 * so ties go to the lowest index.
 *
 *   analogy_ref [-ipux] [-m add|mul] [-e EPS] [-r N] VECTORS QUESTIONS...
 *
 *   -i  fold ASCII case; never answer a case variant of a, b or c
 *   -x  with -i: exclude only the rows of a, b and c (word2vec)
 *   -p  a best score <= 0 answers nothing (word2vec)
 *   -u  the word "<unk>" does not exist (GloVe)
 *   -a  also print each question's answer on stderr, as firth-eval
 *       --verbose does: "a b c d -> answer[ ok]"
 *
 * Prints "correct seen total".  Cosines of each question word with every
 * word are computed once (the same double formula for every pair) and
 * kept in a table, which makes 20,000 questions over 5,000 words quick.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vecio.h"

static int fold, rows_only, positive_only, hide_unk, mul, answers;
static double eps = 0.001;
static long nsearch;

struct entry {
	char *key;
	long idx;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static char *
key_of(const char *w)
{
	char *k = xstrdup(w);

	if (fold)
		for (char *p = k; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
	return k;
}

static struct entry *table;
static long ntable;

static long
lookup(const char *w)
{
	struct entry key = { key_of(w), -1 };
	long lo = 0, hi = ntable;

	/* The first entry not below (key, -1): the lowest index of key. */
	while (lo < hi) {
		long mid = (lo + hi) / 2;
		if (entry_cmp(&table[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	long r = lo < ntable && strcmp(table[lo].key, key.key) == 0 ?
	    table[lo].idx : -1;
	free(key.key);
	return r;
}

int
main(int argc, char **argv)
{
	struct vecset *vs;
	double *norm, **cosrow;
	char **canon;
	long correct = 0, seen = 0, total = 0;
	int c;

	cli_init(argc, argv);
	while ((c = getopt(argc, argv, "aixpum:e:r:")) != -1) {
		switch (c) {
		case 'a': answers = 1; break;
		case 'i': fold = 1; break;
		case 'x': rows_only = 1; break;
		case 'p': positive_only = 1; break;
		case 'u': hide_unk = 1; break;
		case 'm': mul = strcmp(optarg, "mul") == 0; break;
		case 'e': eps = atof(optarg); break;
		case 'r': nsearch = atol(optarg); break;
		default:
			fprintf(stderr, "usage: analogy_ref [-aipux] [-m add|mul] "
			    "[-e EPS] [-r N] VECTORS QUESTIONS...\n");
			return 2;
		}
	}
	if (argc - optind < 2)
		cli_usage_die("need a vectors file and question files");
	FILE *f = fopen(argv[optind], "rb");
	if (f == NULL)
		cli_die("cannot open %s: %s", argv[optind], strerror(errno));
	vs = vec_read(f, argv[optind], VEC_AUTO);
	fclose(f);
	long n = nsearch > 0 && nsearch < (long)vs->n ? nsearch : (long)vs->n;
	const long d = vs->dim;

	norm = xcalloc(n, sizeof(double));
	cosrow = xcalloc(n, sizeof(double *));
	canon = xcalloc(n, sizeof(char *));
	table = xcalloc(n, sizeof(struct entry));
	for (long i = 0; i < n; i++) {
		double s = 0;
		for (long k = 0; k < d; k++)
			s += (double)vs->v[i * d + k] * vs->v[i * d + k];
		norm[i] = s > 0 ? sqrt(s) : 1;
		canon[i] = key_of(vs->words[i]);
		if (hide_unk && strcmp(vs->words[i], "<unk>") == 0)
			continue;
		table[ntable].key = canon[i];
		table[ntable++].idx = i;
	}
	qsort(table, ntable, sizeof(struct entry), entry_cmp);

	for (int fi = optind + 1; fi < argc; fi++) {
		FILE *q = fopen(argv[fi], "r");
		char line[4096], w[4][1024];
		if (q == NULL)
			cli_die("cannot open %s: %s", argv[fi], strerror(errno));
		while (fgets(line, sizeof(line), q) != NULL) {
			long id[4];
			int ok = 1;
			if (sscanf(line, " %c", &w[0][0]) != 1 || w[0][0] == ':')
				continue;
			if (sscanf(line, "%1023s %1023s %1023s %1023s", w[0], w[1],
			    w[2], w[3]) != 4)
				cli_die("%s: bad line: %s", argv[fi], line);
			total++;
			for (int k = 0; k < 4; k++)
				if ((id[k] = lookup(w[k])) < 0)
					ok = 0;
			if (!ok) {
				if (answers)
					fprintf(stderr, "%s %s %s %s -> (unknown "
					    "words)\n", w[0], w[1], w[2], w[3]);
				continue;
			}
			seen++;
			/* The cosine table rows of a, b and c. */
			for (int k = 0; k < 3; k++) {
				long a = id[k];
				if (cosrow[a] != NULL)
					continue;
				cosrow[a] = xcalloc(n, sizeof(double));
				for (long x = 0; x < n; x++) {
					double s = 0;
					for (long j = 0; j < d; j++)
						s += (double)vs->v[a * d + j] *
						    vs->v[x * d + j];
					cosrow[a][x] = s / (norm[a] * norm[x]);
				}
			}
			double best = -INFINITY;
			long arg = -1;
			for (long x = 0; x < n; x++) {
				int skip = 0;
				for (int k = 0; k < 3; k++) {
					if (x == id[k])
						skip = 1;
					if (fold && !rows_only &&
					    strcmp(canon[x], canon[id[k]]) == 0)
						skip = 1;
				}
				if (hide_unk && strcmp(vs->words[x], "<unk>") == 0)
					skip = 1;
				if (skip)
					continue;
				double ca = cosrow[id[0]][x], cb = cosrow[id[1]][x],
				    cc = cosrow[id[2]][x], s;
				if (mul)
					s = ((1 + cb) / 2) * ((1 + cc) / 2) /
					    ((1 + ca) / 2 + eps);
				else
					s = cb - ca + cc;
				if (s > best) {
					best = s;
					arg = x;
				}
			}
			if (positive_only && !(best > 0))
				arg = -1;
			int right = arg >= 0 && strcmp(canon[arg],
			    canon[id[3]]) == 0;
			correct += right;
			if (answers)
				fprintf(stderr, "%s %s %s %s -> %s%s\n", w[0], w[1],
				    w[2], w[3], arg < 0 ? "(none)" :
				    vs->words[arg], right ? " ok" : "");
		}
		fclose(q);
	}
	printf("%ld %ld %ld\n", correct, seen, total);
	return 0;
}
