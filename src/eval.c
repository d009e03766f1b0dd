/*
 * eval.c - firth-eval: intrinsic evaluation of word vectors.
 *
 *   analogy FILE...      accuracy on "a b c d" questions (3CosAdd, 3CosMul)
 *   similarity FILE...   Spearman and Pearson against "w1 w2 score" files
 *   neighbours WORD...   nearest words by cosine; "a b c" lines: analogies
 *   plot WORD...         an SVG of the words' 2-D PCA projection
 *   convert              vectors in another format
 *
 * Reads vectors in any format vecio knows (firth stream, GloVe text,
 * word2vec text or binary) from -v FILE or stdin; writes a table, TSV or
 * JSON to stdout.  The presets reproduce the conventions of GloVe's
 * evaluate.py, word2vec's compute-accuracy and gensim's
 * evaluate_word_analogies (firth-eval(1) says exactly how).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analogy.h"
#include "cli.h"
#include "linein.h"
#include "stream.h"
#include "pca.h"
#include "simil.h"
#include "subword.h"
#include "vecio.h"

enum { OUT_TABLE, OUT_TSV, OUT_JSON };
enum { PRESET_NONE, PRESET_GLOVE, PRESET_W2V, PRESET_GENSIM };

static const char *opt_vectors;
static int opt_informat = VEC_AUTO, opt_outformat, opt_level = STREAM_LEVEL_AUTO;
static int opt_out = OUT_TABLE, opt_preset = PRESET_NONE, opt_pairs;
static int opt_fold = -1, opt_zero, opt_method = ANALOGY_ADD;
static int64_t opt_restrict = -1;
static double opt_eps = 0.001;
static uint32_t opt_k = 10;

/*
 * Subword models (firth-sgns --save-model): --model M gives the vectors;
 * with --oov subword the words of the test files that M lacks get n-gram
 * vectors too.  The code lives in lib/subword.c.
 */
static const char *opt_model;
static int opt_oov;
static char **eval_files;
static int eval_nfiles;

static int
cmd_vectors(char **files, int nfiles)
{
	if (opt_model == NULL)
		cli_usage_die("vectors needs --model FILE (firth-sgns "
		    "--subword --save-model FILE)");
	subword_vectors_files(opt_model, files, nfiles, stdout);
	return EXIT_OK;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-eval [options] analogy FILE...\n"
	    "       firth-eval [options] similarity FILE...\n"
	    "       firth-eval [options] neighbours [WORD...]\n"
	    "       firth-eval [options] plot [WORD...]\n"
	    "       firth-eval [options] convert -f FORMAT\n"
	    "       firth-eval --model MODEL vectors [FILE...]\n"
	    "Evaluate word vectors (read from -v FILE or stdin, any format).\n"
	    "  -v, --vectors FILE      the vectors (default stdin)\n"
	    "  -F, --input-format FMT  auto (default), firth, glove, word2vec,"
	    " word2vec-binary\n"
	    "  -p, --preset NAME       glove, word2vec or gensim conventions\n"
	    "  -r, --restrict N        search only the first N words (0: all)\n"
	    "  -i, --ignore-case       fold ASCII case of questions and words\n"
	    "  -c, --case              match case exactly (the default)\n"
	    "  -m, --method M          add (3CosAdd, default) or mul (3CosMul)\n"
	    "  -e, --epsilon E         3CosMul's epsilon (default 0.001)\n"
	    "  -z, --zero-unknown      count unknown questions wrong, score "
	    "unknown pairs 0\n"
	    "  -k, --count N           neighbours per query (default 10)\n"
	    "  -P, --pairs             plot: words on the command line are "
	    "pairs\n"
	    "  -f, --format FMT        convert: output format\n"
	    "  -l, --level N           convert: zlib level for firth output\n"
	    "  -t, --tsv               tab-separated output\n"
	    "  -j, --json              JSON output\n"
	    "      --model FILE        vectors from a firth-sgns subword model\n"
	    "      --oov skip|subword  with --model: score unknown test words "
	    "by n-grams\n"
	    "  -q, --quiet, --verbose, -h, --help, --version\n");
}

/* ---- output helpers ---- */

static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
json_num(double x)
{
	if (isfinite(x))
		printf("%.6f", x);
	else
		fputs("null", stdout);
}

static const char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b != NULL ? b + 1 : path;
}

static FILE *
open_input(const char *path, const char **name)
{
	FILE *f;

	if (strcmp(path, "-") == 0) {
		if (opt_vectors == NULL)
			cli_usage_die("stdin holds the vectors; give them with "
			    "-v FILE to read '-' from stdin");
		*name = "stdin";
		return stdin;
	}
	if ((f = fopen(path, "rb")) == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	*name = path;
	return f;
}

static void
close_input(FILE *f, const char *name)
{
	if (f != stdin && fclose(f) != 0)
		cli_die("error closing %s: %s", name, strerror(errno));
}

static struct vecset *
vectors_load(void)
{
	struct vecset *vs;
	const char *name = "stdin";
	FILE *f = stdin;
	double t0 = cli_now();

	if (opt_model != NULL) {
		struct subword_model *m = subword_model_load(opt_model);
		vs = subword_vecset(m, eval_files, opt_oov ? eval_nfiles : 0,
		    opt_fold > 0);
		subword_model_free(m);
		return vs;
	}
	if (opt_vectors != NULL && strcmp(opt_vectors, "-") != 0) {
		if ((f = fopen(opt_vectors, "rb")) == NULL)
			cli_die("cannot open %s: %s", opt_vectors,
			    strerror(errno));
		name = opt_vectors;
	}
	vs = vec_read(f, name, opt_informat);
	close_input(f, name);
	if (vs->n == 0)
		cli_die("%s: no vectors", name);
	if (cli_verbose > 0)
		cli_info("%s: %u vectors of %u dimensions read in %.2f s", name,
		    vs->n, vs->dim, cli_now() - t0);
	return vs;
}

/* ---- analogy ---- */

struct tally {
	uint64_t correct, seen, total;
};

static void
tally_print(const char *name, const char *kind, const struct tally *t,
    int first)
{
	double acc = t->seen > 0 ? (double)t->correct / t->seen : NAN;
	double cov = t->total > 0 ? (double)t->seen / t->total : NAN;

	switch (opt_out) {
	case OUT_TABLE:
		printf("%-28s %8llu %8llu %8llu ", name,
		    (unsigned long long)t->correct,
		    (unsigned long long)t->seen,
		    (unsigned long long)t->total);
		if (isfinite(acc))
			printf("%8.2f%%", 100 * acc);
		else
			printf("%9s", "-");
		if (isfinite(cov))
			printf(" %8.2f%%\n", 100 * cov);
		else
			printf(" %9s\n", "-");
		break;
	case OUT_TSV:
		printf("%s\t%s\t%llu\t%llu\t%llu\t", name, kind,
		    (unsigned long long)t->correct,
		    (unsigned long long)t->seen,
		    (unsigned long long)t->total);
		if (isfinite(acc))
			printf("%.6f\t", acc);
		else
			printf("NA\t");
		if (isfinite(cov))
			printf("%.6f\n", cov);
		else
			printf("NA\n");
		break;
	case OUT_JSON:
		printf("%s{\"name\": ", first ? "" : ", ");
		json_str(name);
		printf(", \"kind\": \"%s\", \"correct\": %llu, \"seen\": %llu, "
		    "\"total\": %llu, \"accuracy\": ", kind,
		    (unsigned long long)t->correct,
		    (unsigned long long)t->seen,
		    (unsigned long long)t->total);
		json_num(acc);
		printf(", \"coverage\": ");
		json_num(cov);
		putchar('}');
		break;
	}
}

static const char *
preset_name(void)
{
	static const char *names[] = { "none", "glove", "word2vec", "gensim" };

	return names[opt_preset];
}

static void
analogy_report(const struct emb *e, const struct qset *qs,
    const struct analogy_opts *o)
{
	struct tally *sec = xcalloc(qs->nsec, sizeof(*sec));
	struct tally sem = { 0 }, syn = { 0 }, tot = { 0 };
	const char *method = o->method == ANALOGY_ADD ? "3CosAdd" : "3CosMul";

	for (uint32_t i = 0; i < qs->n; i++) {
		const struct question *q = &qs->q[i];
		struct tally *t = &sec[q->section];
		int counted = q->seen || o->unknown_wrong;
		t->total++;
		t->seen += counted;
		t->correct += q->correct;
	}
	for (uint32_t s = 0; s < qs->nsec; s++) {
		struct tally *g = analogy_syntactic(qs->secname[s]) ? &syn :
		    &sem;
		g->correct += sec[s].correct;
		g->seen += sec[s].seen;
		g->total += sec[s].total;
		tot.correct += sec[s].correct;
		tot.seen += sec[s].seen;
		tot.total += sec[s].total;
	}
	switch (opt_out) {
	case OUT_TABLE:
		printf("%s over %u words of %u dimensions, case %s, preset "
		    "%s%s\n", method, e->n, e->dim, e->fold ? "folded" :
		    "as is", preset_name(), o->unknown_wrong ?
		    ", unknown questions counted wrong" : "");
		printf("%-28s %8s %8s %8s %9s %9s\n", "section", "correct",
		    "seen", "total", "accuracy", "coverage");
		break;
	case OUT_TSV:
		printf("section\tkind\tcorrect\tseen\ttotal\taccuracy\t"
		    "coverage\n");
		break;
	case OUT_JSON:
		printf("{\"method\": \"%s\", \"words\": %u, \"dim\": %u, "
		    "\"case\": \"%s\", \"preset\": \"%s\", \"sections\": [",
		    method, e->n, e->dim, e->fold ? "folded" : "as is",
		    preset_name());
		break;
	}
	for (uint32_t s = 0; s < qs->nsec; s++)
		tally_print(qs->secname[s], analogy_syntactic(qs->secname[s]) ?
		    "syntactic" : "semantic", &sec[s], s == 0);
	if (opt_out == OUT_JSON) {
		printf("], \"semantic\": ");
		tally_print("semantic", "summary", &sem, 1);
		printf(", \"syntactic\": ");
		tally_print("syntactic", "summary", &syn, 1);
		printf(", \"total\": ");
		tally_print("total", "summary", &tot, 1);
		printf("}\n");
	} else {
		tally_print("semantic", "summary", &sem, 1);
		tally_print("syntactic", "summary", &syn, 1);
		tally_print("total", "summary", &tot, 1);
	}
	free(sec);
}

/* Print each question's answer (--verbose), on stderr. */
static void
analogy_answers(const struct emb *e, const struct qset *qs)
{
	for (uint32_t i = 0; i < qs->n; i++) {
		const struct question *q = &qs->q[i];
		fprintf(stderr, "%s %s %s %s -> %s%s\n", q->w[0], q->w[1],
		    q->w[2], q->w[3], !q->seen ? "(unknown words)" :
		    q->pred < 0 ? "(none)" : e->words[q->pred], q->correct ?
		    " ok" : "");
	}
}

static int
cmd_analogy(char **files, int nfiles)
{
	struct analogy_opts o = { 0 };
	struct vecset *vs;
	struct qset *qs = qset_new();
	struct emb *e;
	double t0;

	if (nfiles == 0)
		cli_usage_die("analogy needs question files (Google's "
		    "questions-words.txt format)");
	for (int i = 0; i < nfiles; i++) {
		const char *name;
		FILE *f = open_input(files[i], &name);
		qset_read(qs, f, name);
		close_input(f, name);
	}
	vs = vectors_load();
	o.method = opt_method;
	o.eps = opt_eps;
	o.unknown_wrong = opt_zero;
	o.exclude_variants = opt_preset != PRESET_W2V;
	o.positive_only = opt_preset == PRESET_W2V;
	/* gensim's evaluate_word_analogies: most_similar(..., topn=5). */
	o.window = opt_preset == PRESET_GENSIM ? 5 : 0;
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	t0 = cli_now();
	analogy_answer(e, qs, &o);
	if (cli_verbose > 0) {
		cli_info("%u questions answered in %.2f s", qs->n,
		    cli_now() - t0);
		analogy_answers(e, qs);
	}
	analogy_report(e, qs, &o);
	emb_free(e);
	vec_free(vs);
	qset_free(qs);
	return EXIT_OK;
}

/* ---- similarity ---- */

struct pairs {
	size_t n, cap;
	char **w1, **w2;
	double *gold;
};

static void
pairs_read(struct pairs *p, FILE *f, const char *name)
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

static void
pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->w1[i]);
		free(p->w2[i]);
	}
	free(p->w1);
	free(p->w2);
	free(p->gold);
}

static int
cmd_similarity(char **files, int nfiles)
{
	struct pairs *ps = xcalloc(nfiles > 0 ? nfiles : 1, sizeof(*ps));
	const char **names = xcalloc(nfiles > 0 ? nfiles : 1, sizeof(char *));
	struct vecset *vs;
	struct emb *e;

	if (nfiles == 0)
		cli_usage_die("similarity needs files of 'word word score' "
		    "lines");
	for (int i = 0; i < nfiles; i++) {
		FILE *f = open_input(files[i], &names[i]);
		pairs_read(&ps[i], f, names[i]);
		close_input(f, names[i]);
	}
	vs = vectors_load();
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	if (opt_out == OUT_TABLE)
		printf("%-24s %7s %7s %9s %9s\n", "file", "pairs", "seen",
		    "spearman", "pearson");
	else if (opt_out == OUT_TSV)
		printf("file\tpairs\tseen\tspearman\tpearson\n");
	else
		printf("{\"words\": %u, \"dim\": %u, \"case\": \"%s\", "
		    "\"unknown\": \"%s\", \"files\": [", e->n, e->dim,
		    e->fold ? "folded" : "as is", opt_zero ? "zero" : "skipped");
	for (int i = 0; i < nfiles; i++) {
		struct pairs *p = &ps[i];
		double *gold = xreallocarray(NULL, p->n, sizeof(double));
		double *model = xreallocarray(NULL, p->n, sizeof(double));
		size_t m = 0, seen = 0;
		for (size_t j = 0; j < p->n; j++) {
			int64_t a = emb_lookup(e, p->w1[j]),
			    b = emb_lookup(e, p->w2[j]);
			if (a >= 0 && b >= 0) {
				seen++;
				model[m] = emb_cos(e, (uint32_t)a, (uint32_t)b);
			} else if (opt_zero)
				model[m] = 0;
			else
				continue;
			gold[m++] = p->gold[j];
		}
		double rho = simil_spearman(gold, model, m);
		double r = simil_pearson(gold, model, m);
		const char *bn = base_name(names[i]);
		if (opt_out == OUT_TABLE) {
			printf("%-24s %7zu %7zu", bn, p->n, seen);
			if (isfinite(rho))
				printf(" %9.4f", rho);
			else
				printf(" %9s", "-");
			if (isfinite(r))
				printf(" %9.4f\n", r);
			else
				printf(" %9s\n", "-");
		} else if (opt_out == OUT_TSV) {
			printf("%s\t%zu\t%zu\t", bn, p->n, seen);
			if (isfinite(rho))
				printf("%.6f\t", rho);
			else
				printf("NA\t");
			if (isfinite(r))
				printf("%.6f\n", r);
			else
				printf("NA\n");
		} else {
			printf("%s{\"file\": ", i ? ", " : "");
			json_str(bn);
			printf(", \"pairs\": %zu, \"seen\": %zu, \"spearman\": ",
			    p->n, seen);
			json_num(rho);
			printf(", \"pearson\": ");
			json_num(r);
			putchar('}');
		}
		free(gold);
		free(model);
		pairs_free(p);
	}
	if (opt_out == OUT_JSON)
		printf("]}\n");
	free(ps);
	free(names);
	emb_free(e);
	vec_free(vs);
	return EXIT_OK;
}

/* ---- neighbours ---- */

/* Answer one query of 1 or 3 words; returns 0 if a word is unknown. */
/* Split line at blanks into at most max fields; their count. */
static int
line_fields(char *line, char **tok, int max)
{
	int n = 0;

	for (char *s = strtok(line, " \t\r\n"); s != NULL && n < max;
	    s = strtok(NULL, " \t\r\n"))
		tok[n++] = s;
	return n;
}

static int
neighbours_one(const struct emb *e, char **w, int nw, uint32_t *idx,
    double *score)
{
	int64_t id[3] = { -1, -1, -1 };
	uint32_t got;

	for (int i = 0; i < nw; i++)
		if ((id[i] = emb_lookup(e, w[i])) < 0) {
			cli_warn("'%s' is not in the vectors", w[i]);
			return 0;
		}
	if (nw == 1)
		got = emb_nearest(e, -1, id[0], -1, opt_k, idx, score);
	else
		got = emb_nearest(e, id[0], id[1], id[2], opt_k, idx, score);
	if (opt_out == OUT_JSON) {
		printf("{\"query\": [");
		for (int i = 0; i < nw; i++) {
			printf(i ? ", " : "");
			json_str(w[i]);
		}
		printf("], \"neighbours\": [");
	} else if (opt_out == OUT_TABLE) {
		if (nw == 1)
			printf("%s:\n", w[0]);
		else
			printf("%s is to %s as %s is to:\n", w[0], w[1], w[2]);
	}
	for (uint32_t i = 0; i < got; i++) {
		const char *word = e->words[idx[i]];
		if (opt_out == OUT_TABLE)
			printf("%4u  %-24s %8.4f\n", i + 1, word, score[i]);
		else if (opt_out == OUT_TSV) {
			for (int j = 0; j < nw; j++)
				printf("%s%s", j ? " " : "", w[j]);
			printf("\t%u\t%s\t%.6f\n", i + 1, word, score[i]);
		} else {
			printf("%s{\"word\": ", i ? ", " : "");
			json_str(word);
			printf(", \"score\": %.6f}", score[i]);
		}
	}
	if (opt_out == OUT_JSON)
		printf("]}\n");
	/* Someone may be waiting at a terminal or on the other end. */
	if (fflush(stdout) != 0)
		cli_die("write error on stdout: %s", strerror(errno));
	return 1;
}

static int
cmd_neighbours(char **words, int nwords)
{
	struct vecset *vs;
	struct emb *e;
	uint32_t *idx = xreallocarray(NULL, opt_k, sizeof(uint32_t));
	double *score = xreallocarray(NULL, opt_k, sizeof(double));
	int ok = 1;

	if (nwords == 0 && opt_vectors == NULL)
		cli_usage_die("neighbours reads queries from stdin, so give "
		    "the vectors with -v FILE");
	vs = vectors_load();
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	for (int i = 0; i < nwords; i++)
		ok &= neighbours_one(e, &words[i], 1, idx, score);
	if (nwords == 0) {
		char *line = NULL, *tok[4];
		size_t cap = 0;
		unsigned long lineno = 0;
		while (linein_get(&line, &cap, stdin, "stdin", lineno + 1,
		    LINEIN_MAX) != -1) {
			int nt = line_fields(line, tok, 4);
			lineno++;
			if (nt == 0)
				continue;
			if (nt != 1 && nt != 3) {
				cli_warn("stdin:%lu: give one word, or three "
				    "(a b c: a is to b as c is to ?)", lineno);
				ok = 0;
				continue;
			}
			ok &= neighbours_one(e, tok, nt, idx, score);
		}
		if (ferror(stdin))
			cli_die("read error on stdin");
		free(line);
	}
	free(idx);
	free(score);
	emb_free(e);
	vec_free(vs);
	return ok ? EXIT_OK : EXIT_FAIL;
}

/* ---- plot ---- */

struct plot {
	uint32_t n, cap;	/* points */
	uint32_t *row;		/* [n] vector index */
	uint32_t np, pcap;	/* arrows */
	uint32_t *from, *to;	/* [np] point numbers */
};

/* Point number of word w, added if new; -1 if unknown. */
static int64_t
plot_point(struct plot *p, const struct emb *e, const char *w)
{
	int64_t id = emb_lookup(e, w);

	if (id < 0) {
		cli_warn("'%s' is not in the vectors; left out of the plot", w);
		return -1;
	}
	for (uint32_t i = 0; i < p->n; i++)
		if (p->row[i] == id)
			return i;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->row = xreallocarray(p->row, p->cap, sizeof(uint32_t));
	}
	p->row[p->n] = (uint32_t)id;
	return p->n++;
}

static void
plot_pair(struct plot *p, const struct emb *e, const char *a, const char *b)
{
	int64_t i = plot_point(p, e, a), j = plot_point(p, e, b);

	if (i < 0 || j < 0 || i == j)
		return;
	if (p->np == p->pcap) {
		p->pcap = p->pcap ? p->pcap * 2 : 32;
		p->from = xreallocarray(p->from, p->pcap, sizeof(uint32_t));
		p->to = xreallocarray(p->to, p->pcap, sizeof(uint32_t));
	}
	p->from[p->np] = (uint32_t)i;
	p->to[p->np++] = (uint32_t)j;
}

static void
xml_text(const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
}

/* Write the SVG: 800 x 600 user units, points scaled into a margin. */
static void
plot_svg(const struct plot *p, const struct emb *e, const double *xy)
{
	const double W = 800, H = 600, M = 60;
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;

	for (uint32_t i = 0; i < p->n; i++) {
		x0 = fmin(x0, xy[2 * i]);
		x1 = fmax(x1, xy[2 * i]);
		y0 = fmin(y0, xy[2 * i + 1]);
		y1 = fmax(y1, xy[2 * i + 1]);
	}
	/*
	 * One scale for both axes, so that angles and lengths are as PCA
	 * found them; room on the right for the last labels.
	 */
	double sx = x1 > x0 ? (W - 3 * M) / (x1 - x0) : INFINITY;
	double sy = y1 > y0 ? (H - 2 * M) / (y1 - y0) : INFINITY;
	double sc = fmin(sx, sy);
	if (!isfinite(sc))
		sc = 1;
	double ox = M + ((W - 3 * M) - (x1 - x0) * sc) / 2;
	double oy = M + ((H - 2 * M) - (y1 - y0) * sc) / 2;
#define PX(i) (ox + (xy[2 * (i)] - x0) * sc)
#define PY(i) (H - oy - (xy[2 * (i) + 1] - y0) * sc)
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n", W, H, W, H);
	printf("<title>firth-eval plot: PCA of %u words</title>\n", p->n);
	printf("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" "
	    "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
	    "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
	    "fill=\"#c0392b\"/></marker></defs>\n");
	printf("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	printf("<text x=\"%.0f\" y=\"24\" font-family=\"sans-serif\" "
	    "font-size=\"14\" fill=\"#555\">first two principal components"
	    " of %u word vectors</text>\n", M, p->n);
	for (uint32_t k = 0; k < p->np; k++) {
		double ax = PX(p->from[k]), ay = PY(p->from[k]);
		double bx = PX(p->to[k]), by = PY(p->to[k]);
		double dx = bx - ax, dy = by - ay, len = hypot(dx, dy);
		/* Stop short of the target point so the head stays visible. */
		double cut = len > 12 ? 6 / len : 0;
		printf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#c0392b\" stroke-width=\"1.5\" "
		    "marker-end=\"url(#head)\"/>\n", ax, ay, bx - dx * cut,
		    by - dy * cut);
	}
	for (uint32_t i = 0; i < p->n; i++) {
		printf("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
		    "fill=\"#2c3e50\"/>\n", PX(i), PY(i));
		printf("<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\" "
		    "font-size=\"16\" fill=\"#2c3e50\">", PX(i) + 7, PY(i) - 7);
		xml_text(e->words[p->row[i]]);
		printf("</text>\n");
	}
	printf("</svg>\n");
#undef PX
#undef PY
}

static int
cmd_plot(char **words, int nwords)
{
	struct plot p = { 0 };
	struct vecset *vs;
	struct emb *e;

	if (nwords == 0 && opt_vectors == NULL)
		cli_usage_die("plot reads words from stdin, so give the "
		    "vectors with -v FILE");
	if (opt_pairs && nwords % 2 != 0)
		cli_usage_die("--pairs needs an even number of words");
	vs = vectors_load();
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	for (int i = 0; i < nwords; i += opt_pairs ? 2 : 1)
		if (opt_pairs)
			plot_pair(&p, e, words[i], words[i + 1]);
		else
			plot_point(&p, e, words[i]);
	if (nwords == 0) {
		char *line = NULL, *tok[3];
		size_t cap = 0;
		unsigned long lineno = 0;
		while (linein_get(&line, &cap, stdin, "stdin", lineno + 1,
		    LINEIN_MAX) != -1) {
			int nt = line_fields(line, tok, 3);
			lineno++;
			if (nt == 1)
				plot_point(&p, e, tok[0]);
			else if (nt == 2)
				plot_pair(&p, e, tok[0], tok[1]);
			else if (nt == 3)
				cli_die("stdin:%lu: one word or a pair per line",
				    lineno);
		}
		if (ferror(stdin))
			cli_die("read error on stdin");
		free(line);
	}
	if (p.n < 2)
		cli_die("plot needs at least two known words, got %u", p.n);
	float *x = xreallocarray(NULL, (size_t)p.n * e->dim, sizeof(float));
	double *xy = xreallocarray(NULL, (size_t)p.n * 2, sizeof(double));
	for (uint32_t i = 0; i < p.n; i++)
		memcpy(x + (size_t)i * e->dim, e->u + (size_t)p.row[i] * e->dim,
		    e->dim * sizeof(float));
	int info = pca_project2(x, p.n, e->dim, xy);
	if (info != 0)
		cli_die("LAPACKE_dsyev failed (info %d) on %u words", info,
		    p.n);
	plot_svg(&p, e, xy);
	free(x);
	free(xy);
	free(p.row);
	free(p.from);
	free(p.to);
	emb_free(e);
	vec_free(vs);
	return EXIT_OK;
}

/* ---- convert ---- */

static int
cmd_convert(int nargs)
{
	struct vecset *vs;

	if (nargs > 0)
		cli_usage_die("convert reads the vectors from -v FILE or stdin "
		    "and takes no other arguments");
	if (opt_outformat == 0)
		cli_usage_die("convert needs -f FORMAT (firth, glove, word2vec, "
		    "word2vec-binary)");
	vs = vectors_load();
	vec_write(stdout, "stdout", opt_outformat, vs->words, vs->n, vs->dim,
	    vs->v, vs->dim, opt_level);
	vec_free(vs);
	return EXIT_OK;
}

/* Preset conventions fill in whatever the options did not set. */
static void
preset_apply(void)
{
	static const struct {
		int64_t restrict_n;
		int fold;
	} p[] = {
		[PRESET_NONE] = { 0, 0 },
		[PRESET_GLOVE] = { 0, 0 },
		[PRESET_W2V] = { 30000, 1 },
		[PRESET_GENSIM] = { 300000, 1 },
	};

	if (opt_restrict < 0)
		opt_restrict = p[opt_preset].restrict_n;
	if (opt_fold < 0)
		opt_fold = p[opt_preset].fold;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vectors", required_argument, NULL, 'v' },
		{ "input-format", required_argument, NULL, 'F' },
		{ "preset", required_argument, NULL, 'p' },
		{ "restrict", required_argument, NULL, 'r' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "case", no_argument, NULL, 'c' },
		{ "method", required_argument, NULL, 'm' },
		{ "epsilon", required_argument, NULL, 'e' },
		{ "zero-unknown", no_argument, NULL, 'z' },
		{ "count", required_argument, NULL, 'k' },
		{ "pairs", no_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "level", required_argument, NULL, 'l' },
		{ "tsv", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "model", required_argument, NULL, 'M' },
		{ "oov", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	int c;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "v:F:p:r:icm:e:zk:Pf:l:tjqh",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'v': opt_vectors = optarg; break;
		case 'F': opt_informat = vec_format_parse(optarg); break;
		case 'p':
			if (strcmp(optarg, "glove") == 0)
				opt_preset = PRESET_GLOVE;
			else if (strcmp(optarg, "word2vec") == 0)
				opt_preset = PRESET_W2V;
			else if (strcmp(optarg, "gensim") == 0)
				opt_preset = PRESET_GENSIM;
			else
				cli_usage_die("--preset: '%s' is not one of "
				    "glove, word2vec, gensim", optarg);
			break;
		case 'r': opt_restrict = cli_parse_int(optarg, 0, UINT32_MAX,
		    "--restrict"); break;
		case 'i': opt_fold = 1; break;
		case 'c': opt_fold = 0; break;
		case 'm':
			if (strcmp(optarg, "add") == 0 ||
			    strcmp(optarg, "3cosadd") == 0)
				opt_method = ANALOGY_ADD;
			else if (strcmp(optarg, "mul") == 0 ||
			    strcmp(optarg, "3cosmul") == 0)
				opt_method = ANALOGY_MUL;
			else
				cli_usage_die("--method: '%s' is not add or "
				    "mul", optarg);
			break;
		case 'e': opt_eps = cli_parse_double(optarg, 1e-12, 1,
		    "--epsilon"); break;
		case 'z': opt_zero = 1; break;
		case 'k': opt_k = cli_parse_int(optarg, 1, 100000, "--count");
			break;
		case 'P': opt_pairs = 1; break;
		case 'f': opt_outformat = vec_format_parse(optarg); break;
		case 'l': opt_level = stream_parse_level(optarg);
			break;
		case 't': opt_out = OUT_TSV; break;
		case 'j': opt_out = OUT_JSON; break;
		case 'q': cli_verbose = -1; break;
		case 'W': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		case 'M': opt_model = optarg; break;
		case 'O':
			if (strcmp(optarg, "skip") != 0 &&
			    strcmp(optarg, "subword") != 0)
				cli_usage_die("--oov: '%s' is not skip or "
				    "subword", optarg);
			opt_oov = strcmp(optarg, "subword") == 0;
			break;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	preset_apply();
	cmd = argv[optind++];
	argv += optind;
	argc -= optind;
	if (opt_oov && opt_model == NULL)
		cli_usage_die("--oov subword needs --model FILE");
	eval_files = argv;
	eval_nfiles = argc;
	if (strcmp(cmd, "vectors") == 0)
		c = cmd_vectors(argv, argc);
	else if (strcmp(cmd, "analogy") == 0)
		c = cmd_analogy(argv, argc);
	else if (strcmp(cmd, "similarity") == 0)
		c = cmd_similarity(argv, argc);
	else if (strcmp(cmd, "neighbours") == 0 ||
	    strcmp(cmd, "neighbors") == 0)
		c = cmd_neighbours(argv, argc);
	else if (strcmp(cmd, "plot") == 0)
		c = cmd_plot(argv, argc);
	else if (strcmp(cmd, "convert") == 0)
		c = cmd_convert(argc);
	else
		cli_usage_die("'%s' is not a command: analogy, similarity, "
		    "neighbours, plot or convert", cmd);
	cli_fclose(stdout, "stdout");
	return c;
}
