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

#include "align.h"
#include "analogy.h"
#include "bats.h"
#include "cli.h"
#include "drift.h"
#include "escape.h"
#include "linein.h"
#include "stream.h"
#include "plot.h"
#include "simil.h"
#include "similar.h"
#include "subword.h"
#include "uwidth.h"
#include "vecio.h"

enum { OUT_TABLE, OUT_TSV, OUT_JSON };
enum { PRESET_NONE, PRESET_GLOVE, PRESET_W2V, PRESET_GENSIM };

static const char *opt_vectors;
static int opt_informat = VEC_AUTO, opt_outformat, opt_level = STREAM_LEVEL_AUTO;
static int opt_out = OUT_TABLE, opt_preset = PRESET_NONE, opt_pairs;
static int opt_fold = -1, opt_zero, opt_method = ANALOGY_ADD;
static int64_t opt_restrict = -1;
static double opt_eps = 0.001;
static uint32_t opt_k = 10, opt_queries = 10000;

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
	    "       firth-eval [options] similar [WORD... [-WORD...]]\n"
	    "       firth-eval [options] align PREVIOUS\n"
	    "       firth-eval [options] drift A B\n"
	    "       firth-eval --model MODEL vectors [FILE...]\n"
	    "Evaluate word vectors (read from -v FILE or stdin, any format).\n"
	    "  -v, --vectors FILE      the vectors (default stdin)\n"
	    "  -F, --input-format FMT  auto (default), firth, glove, word2vec,"
	    " word2vec-binary\n"
	    "  -p, --preset NAME       glove, word2vec or gensim conventions\n"
	    "  -r, --restrict N        search only the first N words (0: all)\n"
	    "  -i, --ignore-case       fold ASCII case of questions and words\n"
	    "  -c, --case              match case exactly (the default)\n"
	    "  -m, --method M          add (3CosAdd, default), mul (3CosMul),\n"
	    "                          avg (3CosAvg) or lrcos (LRCos; BATS)\n"
	    "  -e, --epsilon E         3CosMul's epsilon (default 0.001)\n"
	    "  -z, --zero-unknown      count unknown questions wrong, score "
	    "unknown pairs 0\n"
	    "  -k, --count N           neighbours per query (default 10)\n"
	    "  -P, --pairs             plot: words on the command line are "
	    "pairs\n"
	    "  -N, --queries N         drift: compare the neighbours of the N "
	    "most\n"
	    "                          frequent shared words (default 10000, "
	    "0: all)\n"
	    "  -f, --format FMT        convert, align: output format\n"
	    "  -l, --level N           convert: zlib level for firth output\n"
	    "  -t, --tsv               tab-separated output\n"
	    "  -j, --json              JSON output\n"
	    "      --model FILE        vectors from a firth-sgns subword model\n"
	    "      --oov skip|subword  with --model: score unknown test words "
	    "by n-grams\n"
	    "  -q, --quiet, --verbose, -h, --help, --version\n");
}

/* ---- output helpers ---- */

/* JSON strings and numbers: lib/escape.c (controls, invalid UTF-8). */
#define json_str(s) escape_json_string(stdout, (s))
#define json_num(x) escape_json_number(stdout, (x))

/* A number in a column: " %w.pf" or " -" in a table, "\t%.6f" or
 * "\tNA" in TSV. */
static void
cell(double x, int w, int prec)
{
	if (opt_out == OUT_TSV)
		printf(isfinite(x) ? "\t%.6f" : "\tNA", x);
	else if (isfinite(x))
		printf(" %*.*f", w, prec, x);
	else
		printf(" %*s", w, "-");
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

/* Vectors from path ("-" or NULL: stdin), in -F's format. */
static struct vecset *
vectors_load_from(const char *path)
{
	struct vecset *vs;
	const char *name = "stdin";
	FILE *f = stdin;
	double t0 = cli_now();

	/* --model stands for -v, not for align's and drift's other files. */
	if (opt_model != NULL && path == opt_vectors) {
		struct subword_model *m = subword_model_load(opt_model);
		vs = subword_vecset(m, eval_files, opt_oov ? eval_nfiles : 0,
		    opt_fold > 0);
		subword_model_free(m);
		return vs;
	}
	if (path != NULL && strcmp(path, "-") != 0) {
		if ((f = fopen(path, "rb")) == NULL)
			cli_die("cannot open %s: %s", path, strerror(errno));
		name = path;
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

static struct vecset *
vectors_load(void)
{
	return vectors_load_from(opt_vectors);
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
		uwidth_pad(stdout, name, 28);
		printf(" %8llu %8llu %8llu ",
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
		printf("%s\t%s\t%llu\t%llu\t%llu", name, kind,
		    (unsigned long long)t->correct,
		    (unsigned long long)t->seen,
		    (unsigned long long)t->total);
		cell(acc, 0, 0);
		cell(cov, 0, 0);
		putchar('\n');
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

static const char *preset_names[] = { "none", "glove", "word2vec",
    "gensim" };

static const char *
preset_name(void)
{
	return preset_names[opt_preset];
}

static const char *
method_name(int method)
{
	static const char *names[] = { "3CosAdd", "3CosMul", "3CosAvg",
	    "LRCos" };

	return names[method];
}

static void
tally_add(struct tally *to, uint64_t correct, uint64_t seen, uint64_t total)
{
	to->correct += correct;
	to->seen += seen;
	to->total += total;
}

/* The report's first lines: what was measured and the column heads. */
static void
report_head(const struct emb *e, int method, const char *first,
    const struct analogy_opts *o)
{
	switch (opt_out) {
	case OUT_TABLE:
		printf("%s over %u words of %u dimensions, case %s, preset "
		    "%s%s\n", method_name(method), e->n, e->dim, e->fold ?
		    "folded" : "as is", preset_name(), o->unknown_wrong ?
		    ", unknown questions counted wrong" : "");
		uwidth_pad(stdout, first, 28);
		printf(" %8s %8s %8s %9s %9s\n", "correct", "seen", "total",
		    "accuracy", "coverage");
		break;
	case OUT_TSV:
		printf("%s\tkind\tcorrect\tseen\ttotal\taccuracy\t"
		    "coverage\n", first);
		break;
	case OUT_JSON:
		printf("{\"method\": \"%s\", \"words\": %u, \"dim\": %u, "
		    "\"case\": \"%s\", \"preset\": \"%s\", \"%ss\": [",
		    method_name(method), e->n, e->dim, e->fold ? "folded" :
		    "as is", preset_name(), first);
		break;
	}
}

/* The summary rows after the report's rows: JSON keys, or lines. */
static void
report_sums(const char *const *names, const struct tally *sums, int n)
{
	if (opt_out == OUT_JSON)
		putchar(']');
	for (int i = 0; i < n; i++) {
		if (opt_out == OUT_JSON)
			printf(", \"%s\": ", names[i]);
		tally_print(names[i], "summary", &sums[i], 1);
	}
	if (opt_out == OUT_JSON)
		printf("}\n");
}

/* BATS: a line per relation, then per family read, then the total. */
static void
bats_report(const struct emb *e, const struct bats *b,
    const struct analogy_opts *o, int method)
{
	struct tally fam[BATS_NFAMILY + 1] = { { 0 } }, sums[BATS_NFAMILY + 1];
	const char *names[BATS_NFAMILY + 1];
	int ns = 0;

	report_head(e, method, "relation", o);
	for (uint32_t r = 0; r < b->n; r++) {
		const struct bats_rel *rel = &b->rel[r];
		struct tally t = { rel->correct, rel->seen, rel->total };
		tally_add(&fam[rel->family], t.correct, t.seen, t.total);
		tally_add(&fam[BATS_NFAMILY], t.correct, t.seen, t.total);
		tally_print(rel->name, bats_family_name(rel->family), &t,
		    r == 0);
	}
	for (int f = 0; f <= BATS_NFAMILY; f++)
		if (fam[f].total > 0 || f == BATS_NFAMILY) {
			names[ns] = f < BATS_NFAMILY ? bats_family_name(f) :
			    "total";
			sums[ns++] = fam[f];
		}
	report_sums(names, sums, ns);
}

static void
analogy_report(const struct emb *e, const struct qset *qs,
    const struct analogy_opts *o)
{
	struct tally *sec = xcalloc(qs->nsec, sizeof(*sec));
	struct tally sum[3] = { { 0 } };	/* semantic, syntactic, total */
	static const char *names[] = { "semantic", "syntactic", "total" };

	for (uint32_t i = 0; i < qs->n; i++) {
		const struct question *q = &qs->q[i];
		tally_add(&sec[q->section], q->correct, q->seen ||
		    o->unknown_wrong, 1);
	}
	report_head(e, o->method, "section", o);
	for (uint32_t s = 0; s < qs->nsec; s++) {
		int syn = analogy_syntactic(qs->secname[s]);
		tally_add(&sum[syn], sec[s].correct, sec[s].seen, sec[s].total);
		tally_add(&sum[2], sec[s].correct, sec[s].seen, sec[s].total);
		tally_print(qs->secname[s], names[syn], &sec[s], s == 0);
	}
	report_sums(names, sum, 3);
	free(sec);
}

/* Analogy options from the command line and the preset. */
static void
analogy_opts_fill(struct analogy_opts *o)
{
	o->method = opt_method;
	o->eps = opt_eps;
	o->unknown_wrong = opt_zero;
	o->exclude_variants = opt_preset != PRESET_W2V;
	o->positive_only = opt_preset == PRESET_W2V;
	/* gensim's evaluate_word_analogies: most_similar(..., topn=5). */
	o->window = opt_preset == PRESET_GENSIM ? 5 : 0;
}

static int
cmd_bats(char **paths, int npaths)
{
	struct analogy_opts o = { 0 };
	struct bats *b = bats_new();
	struct vecset *vs;
	struct emb *e;
	double t0;

	for (int i = 0; i < npaths; i++)
		bats_read(b, paths[i]);
	vs = vectors_load();
	analogy_opts_fill(&o);
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	t0 = cli_now();
	bats_answer(e, b, opt_method, &o);
	if (cli_verbose > 0)
		cli_info("%u relations answered in %.2f s", b->n,
		    cli_now() - t0);
	bats_report(e, b, &o, opt_method);
	emb_free(e);
	vec_free(vs);
	bats_free(b);
	return EXIT_OK;
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
		    "questions-words.txt format) or BATS relations");
	int nbats = 0;
	for (int i = 0; i < nfiles; i++)
		nbats += bats_looks_like(files[i]);
	if (nbats > 0 && nbats < nfiles)
		cli_usage_die("give either BATS relations (word<TAB>answers) or "
		    "four-word questions, not both in one run");
	if (nbats > 0) {
		qset_free(qs);
		return cmd_bats(files, nfiles);
	}
	if (opt_method == BATS_AVG || opt_method == BATS_LRCOS)
		cli_usage_die("%s learns from the other pairs of a relation: "
		    "give BATS relation files or directories, not four-word "
		    "questions", method_name(opt_method));
	for (int i = 0; i < nfiles; i++) {
		const char *name;
		FILE *f = open_input(files[i], &name);
		qset_read(qs, f, name);
		close_input(f, name);
	}
	vs = vectors_load();
	analogy_opts_fill(&o);
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	t0 = cli_now();
	analogy_answer(e, qs, &o);
	if (cli_verbose > 0) {
		cli_info("%u questions answered in %.2f s", qs->n,
		    cli_now() - t0);
		qset_print_answers(stderr, e, qs);
	}
	analogy_report(e, qs, &o);
	emb_free(e);
	vec_free(vs);
	qset_free(qs);
	return EXIT_OK;
}

/* ---- similarity ---- */

static int
cmd_similarity(char **files, int nfiles)
{
	struct simil_pairs *ps = xcalloc(nfiles > 0 ? nfiles : 1, sizeof(*ps));
	const char **names = xcalloc(nfiles > 0 ? nfiles : 1, sizeof(char *));
	struct vecset *vs;
	struct emb *e;

	if (nfiles == 0)
		cli_usage_die("similarity needs files of 'word word score' "
		    "lines");
	for (int i = 0; i < nfiles; i++) {
		FILE *f = open_input(files[i], &names[i]);
		simil_pairs_read(&ps[i], f, names[i]);
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
		struct simil_pairs *p = &ps[i];
		double rho, r;
		size_t seen = simil_pairs_score(p, e, opt_zero, &rho, &r);
		const char *bn = base_name(names[i]);
		if (opt_out != OUT_JSON) {
			if (opt_out == OUT_TABLE) {
				uwidth_pad(stdout, bn, 24);
				printf(" %7zu %7zu", p->n, seen);
			} else
				printf("%s\t%zu\t%zu", bn, p->n, seen);
			cell(rho, 9, 4);
			cell(r, 9, 4);
			putchar('\n');
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
		simil_pairs_free(p);
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

/* Print the answers idx[got], score[got] to the query words w[nw]. */
static void
query_print(const struct emb *e, char **w, int nw, const char *key,
    const uint32_t *idx, const double *score, uint32_t got)
{
	if (opt_out == OUT_JSON) {
		printf("{\"query\": [");
		for (int i = 0; i < nw; i++) {
			printf(i ? ", " : "");
			json_str(w[i]);
		}
		printf("], \"%s\": [", key);
	}
	for (uint32_t i = 0; i < got; i++) {
		const char *word = e->words[idx[i]];
		if (opt_out == OUT_TABLE) {
			printf("%4u  ", i + 1);
			uwidth_pad(stdout, word, 24);
			printf(" %8.4f\n", score[i]);
		} else if (opt_out == OUT_TSV) {
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
}

/* Answer one query of 1 or 3 words; returns 0 if it could not be. */
static int
neighbours_one(const struct emb *e, char **w, int nw, uint32_t *idx,
    double *score, unsigned long lineno)
{
	int64_t id[3] = { -1, -1, -1 };
	uint32_t got;

	if (nw != 1 && nw != 3) {
		cli_warn("stdin:%lu: give one word, or three (a b c: a is to b "
		    "as c is to ?)", lineno);
		return 0;
	}
	for (int i = 0; i < nw; i++)
		if ((id[i] = emb_lookup(e, w[i])) < 0) {
			cli_warn("'%s' is not in the vectors", w[i]);
			return 0;
		}
	if (nw == 1)
		got = emb_nearest(e, -1, id[0], -1, opt_k, idx, score);
	else
		got = emb_nearest(e, id[0], id[1], id[2], opt_k, idx, score);
	if (opt_out == OUT_TABLE && nw == 1)
		printf("%s:\n", w[0]);
	else if (opt_out == OUT_TABLE)
		printf("%s is to %s as %s is to:\n", w[0], w[1], w[2]);
	query_print(e, w, nw, "neighbours", idx, score, got);
	return 1;
}

#define QUERY_MAX 64	/* words in one query line */

/* Answer a query (lineno: of stdin, 0 for the command line). */
typedef int (*query_fn)(const struct emb *, char **, int, uint32_t *,
    double *, unsigned long);

/* Answer each line of stdin by fn; 0 if any could not be answered. */
static int
queries_stdin(const struct emb *e, query_fn fn)
{
	char *line = NULL, *tok[QUERY_MAX + 1];
	size_t cap = 0;
	unsigned long lineno = 0;
	uint32_t *idx = xreallocarray(NULL, opt_k, sizeof(uint32_t));
	double *score = xreallocarray(NULL, opt_k, sizeof(double));
	int ok = 1;

	while (linein_get(&line, &cap, stdin, "stdin", lineno + 1,
	    LINEIN_MAX) != -1) {
		int nt = line_fields(line, tok, QUERY_MAX + 1);
		lineno++;
		if (nt == 0)
			continue;
		if (nt > QUERY_MAX) {
			cli_warn("stdin:%lu: more than %d words", lineno,
			    QUERY_MAX);
			ok = 0;
		} else
			ok &= fn(e, tok, nt, idx, score, lineno);
	}
	if (ferror(stdin))
		cli_die("read error on stdin");
	free(line);
	free(idx);
	free(score);
	return ok;
}

/* ---- plot ---- */

static void
xml_text(const char *s)
{
	escape_xml(stdout, s);	/* lib/escape.c: controls, invalid UTF-8 */
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
	if (nwords == 0)
		plot_read(&p, e, stdin, "stdin");
	if (p.n < 2)
		cli_die("plot needs at least two known words, got %u", p.n);
	double *xy = plot_project(&p, e);
	plot_svg(&p, e, xy, opt_vectors != NULL && strcmp(opt_vectors, "-") !=
	    0 ? base_name(opt_vectors) : "stdin", xml_text);
	free(xy);
	plot_free(&p);
	emb_free(e);
	vec_free(vs);
	return EXIT_OK;
}

/* ---- similar: "king woman -man", "a ~ b" ---- */

/* Answer one query line of words; returns 0 if it could not be. */
static int
similar_one(const struct emb *e, char **w, int nw, uint32_t *idx,
    double *score, unsigned long lineno)
{
	int64_t pos[QUERY_MAX], neg[QUERY_MAX];
	uint32_t np = 0, nn = 0, got;

	if (nw == 3 && strcmp(w[1], "~") == 0) {
		int64_t a = emb_lookup(e, w[0]), b = emb_lookup(e, w[2]);
		if (a < 0 || b < 0) {
			cli_warn("'%s' is not in the vectors", w[a < 0 ? 0 : 2]);
			return 0;
		}
		double c = emb_cos(e, (uint32_t)a, (uint32_t)b);
		if (opt_out == OUT_JSON) {
			printf("{\"pair\": [");
			json_str(w[0]);
			printf(", ");
			json_str(w[2]);
			printf("], \"cosine\": %.6f}\n", c);
			return 1;
		}
		uwidth_pad(stdout, w[0], opt_out == OUT_TABLE ? 20 : 0);
		printf(opt_out == OUT_TABLE ? " ~ " : "\t~\t");
		uwidth_pad(stdout, w[2], opt_out == OUT_TABLE ? 20 : 0);
		cell(c, 8, 4);
		putchar('\n');
		return 1;
	}
	for (int i = 0; i < nw; i++) {
		const char *word = w[i];
		int minus = word[0] == '-' && word[1] != '\0';
		if ((word[0] == '-' || word[0] == '+') && word[1] != '\0')
			word++;
		int64_t id = emb_lookup(e, word);
		if (id < 0) {
			cli_warn("'%s' is not in the vectors", word);
			return 0;
		}
		if (minus)
			neg[nn++] = id;
		else
			pos[np++] = id;
	}
	if (np == 0) {
		cli_warn("%s%.0lu%sa query needs at least one word without '-'",
		    lineno ? "stdin:" : "", lineno, lineno ? ": " : "");
		return 0;
	}
	got = similar_query(e, pos, np, neg, nn, opt_k, idx, score);
	if (opt_out == OUT_TABLE) {
		for (int i = 0; i < nw; i++)
			printf("%s%s", i ? " " : "", w[i]);
		printf(":\n");
	}
	query_print(e, w, nw, "similar", idx, score, got);
	return 1;
}


/*
 * neighbours (similar == 0): each word on the command line, or each
 * line of stdin, "w" or "a b c"; similar: the command line's words are
 * one query, or each line of stdin is.
 */
static int
cmd_query(char **words, int nwords, int similar)
{
	struct vecset *vs;
	struct emb *e;
	uint32_t *idx = xreallocarray(NULL, opt_k, sizeof(uint32_t));
	double *score = xreallocarray(NULL, opt_k, sizeof(double));
	int ok = 1;

	if (nwords == 0 && opt_vectors == NULL)
		cli_usage_die("%s reads queries from stdin, so give the "
		    "vectors with -v FILE", similar ? "similar" : "neighbours");
	if (similar && nwords > QUERY_MAX)
		cli_usage_die("at most %d words in a query", QUERY_MAX);
	vs = vectors_load();
	e = emb_new(vs, (uint32_t)opt_restrict, opt_fold,
	    opt_preset == PRESET_GLOVE);
	if (nwords == 0)
		ok = queries_stdin(e, similar ? similar_one : neighbours_one);
	else if (similar)
		ok = similar_one(e, words, nwords, idx, score, 0);
	for (int i = 0; i < nwords && !similar; i++)
		ok &= neighbours_one(e, &words[i], 1, idx, score, 0);
	free(idx);
	free(score);
	emb_free(e);
	vec_free(vs);
	return ok ? EXIT_OK : EXIT_FAIL;
}

/* ---- align, drift ---- */

static int
cmd_align(char **args, int nargs)
{
	struct vecset *vs, *prev;

	if (nargs != 1)
		cli_usage_die("align takes one argument, the previous vectors "
		    "(the new ones come from -v FILE or stdin)");
	if (opt_vectors == NULL && strcmp(args[0], "-") == 0)
		cli_usage_die("the new vectors are on stdin; give the previous "
		    "ones as a file");
	vs = vectors_load();
	prev = vectors_load_from(args[0]);
	drift_align_onto(prev, vs, args[0]);
	vec_write(stdout, "stdout", opt_outformat ? opt_outformat : VEC_FIRTH,
	    vs->words, vs->n, vs->dim, vs->v, vs->dim, opt_level);
	vec_free(vs);
	vec_free(prev);
	return EXIT_OK;
}

static int
cmd_drift(char **args, int nargs)
{
	struct vecset *a, *b;
	struct drift *dr;
	double t0;

	if (nargs != 2)
		cli_usage_die("drift takes two vectors files, the earlier "
		    "first: drift A B");
	if (opt_out == OUT_JSON)
		cli_usage_die("drift writes a table, or TSV with -t; not JSON");
	a = vectors_load_from(args[0]);
	b = vectors_load_from(args[1]);
	/* -r: compare only the most frequent words of each set. */
	if (opt_restrict > 0) {
		a->n = a->n < opt_restrict ? a->n : (uint32_t)opt_restrict;
		b->n = b->n < opt_restrict ? b->n : (uint32_t)opt_restrict;
	}
	t0 = cli_now();
	dr = drift_compute(a, b, opt_k, opt_queries);
	if (cli_verbose > 0)
		cli_info("%u words' neighbours compared in %.2f s", dr->nq,
		    cli_now() - t0);
	drift_print(stdout, dr, a, b, args[0], args[1], opt_out == OUT_TSV,
	    10);
	drift_free(dr);
	vec_free(a);
	vec_free(b);
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
		{ "queries", required_argument, NULL, 'N' },
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
	while ((c = getopt_long(argc, argv, "v:F:p:r:icm:e:zk:PN:f:l:tjqh",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'v': opt_vectors = optarg; break;
		case 'F': opt_informat = vec_format_parse(optarg); break;
		case 'p':
			for (c = PRESET_GLOVE; c <= PRESET_GENSIM; c++)
				if (strcmp(optarg, preset_names[c]) == 0)
					opt_preset = c;
			if (strcmp(optarg, preset_names[opt_preset]) != 0)
				cli_usage_die("--preset: '%s' is not one of "
				    "glove, word2vec, gensim", optarg);
			break;
		case 'r': opt_restrict = cli_parse_int(optarg, 0, UINT32_MAX,
		    "--restrict"); break;
		case 'i': opt_fold = 1; break;
		case 'c': opt_fold = 0; break;
		case 'm': opt_method = bats_method_parse(optarg); break;
		case 'e': opt_eps = cli_parse_double(optarg, 1e-12, 1,
		    "--epsilon"); break;
		case 'z': opt_zero = 1; break;
		case 'k': opt_k = cli_parse_int(optarg, 1, 100000, "--count");
			break;
		case 'P': opt_pairs = 1; break;
		case 'N': opt_queries = cli_parse_int(optarg, 0, UINT32_MAX,
		    "--queries"); break;
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
		c = cmd_query(argv, argc, 0);
	else if (strcmp(cmd, "plot") == 0)
		c = cmd_plot(argv, argc);
	else if (strcmp(cmd, "convert") == 0)
		c = cmd_convert(argc);
	else if (strcmp(cmd, "similar") == 0)
		c = cmd_query(argv, argc, 1);
	else if (strcmp(cmd, "align") == 0)
		c = cmd_align(argv, argc);
	else if (strcmp(cmd, "drift") == 0)
		c = cmd_drift(argv, argc);
	else
		cli_usage_die("'%s' is not a command: analogy, similarity, "
		    "neighbours, similar, plot, convert, align or drift", cmd);
	cli_fclose(stdout, "stdout");
	return c;
}
