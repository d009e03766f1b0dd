/*
 * test_eval.c - unit tests for firth-eval's library parts: correlation
 * (lib/simil.c), PCA (lib/pca.c), analogies and neighbours on a
 * hand-made set (lib/analogy.c), and vector I/O in every format
 * (lib/vecio.c), including the exact word2vec binary layout gensim
 * reads.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analogy.h"
#include "cli.h"
#include "pca.h"
#include "simil.h"
#include "tap.h"
#include "vecio.h"

/* Does reading text s (as format) die?  The message is in tap_errmsg. */
static int
read_dies(const char *s, int format)
{
	FILE *f = fmemopen((void *)s, strlen(s), "rb");
	int died;

	TRY
		vec_free(vec_read(f, "test", format));
	died = CATCH_END();
	fclose(f);
	return died;
}

static struct vecset *
read_str(const char *s, size_t len)
{
	FILE *f = fmemopen((void *)s, len, "rb");
	struct vecset *vs = vec_read(f, "test", VEC_AUTO);

	fclose(f);
	return vs;
}

static void
test_simil(void)
{
	double g[] = { 3, 8, 10, 6, 7, 3 }, r[6];
	double want[] = { 1.5, 5, 6, 3, 4, 1.5 };
	double m[] = { 0, .5, 1, .2, 2 / sqrt(5), 2 / sqrt(5) };
	double x[] = { 1, 2, 3 }, y[] = { 2, 4, 7 }, c[] = { 1, 1, 1 };
	int same = 1;

	simil_rank(g, 6, r);
	for (int i = 0; i < 6; i++)
		same &= r[i] == want[i];
	ok(same, "simil_rank gives tied values their average rank");
	/* Ranks g: 1.5 5 6 3 4 1.5, m: 1 3 6 2 4.5 4.5: 9.75 / 17 by hand. */
	ok(fabs(simil_spearman(g, m, 6) - 9.75 / 17) < 1e-12,
	    "simil_spearman is the tie-corrected rho (9.75/17 by hand)");
	ok(fabs(simil_pearson(x, y, 3) - 5 / sqrt(228.0 / 9)) < 1e-12,
	    "simil_pearson matches r computed by hand");
	ok(isnan(simil_pearson(x, c, 3)) && isnan(simil_pearson(x, y, 1)),
	    "simil_pearson is NaN for a constant list or one pair");
	ok(fabs(simil_spearman(x, y, 3) - 1) < 1e-12,
	    "simil_spearman of a monotone pair is 1");
}

static void
test_pca(void)
{
	/* Points t * (1, 2, 2) / 3 + (5, 5, 5): all variance on one axis. */
	float x[4 * 3];
	double t[] = { -3, -1, 0, 4 }, xy[8], mean = 0;
	int good = 1;

	for (int i = 0; i < 4; i++) {
		x[i * 3] = (float)(t[i] / 3 + 5);
		x[i * 3 + 1] = (float)(t[i] * 2 / 3 + 5);
		x[i * 3 + 2] = (float)(t[i] * 2 / 3 + 5);
		mean += t[i] / 4;
	}
	ok(pca_project2(x, 4, 3, xy) == 0, "pca_project2 succeeds");
	for (int i = 0; i < 4; i++)
		good &= fabs(xy[2 * i] - (t[i] - mean)) < 1e-5 &&
		    fabs(xy[2 * i + 1]) < 1e-5;
	ok(good, "pca_project2 puts collinear points on the first axis, "
	    "signed so the largest coordinate is positive");

	/* A 4 x 2 rectangle: first axis +-2, second +-1. */
	float rect[] = { 2, 1, -2, 1, -2, -1, 2, -1 };
	ok(pca_project2(rect, 4, 2, xy) == 0, "pca_project2 on a rectangle");
	good = 1;
	for (int i = 0; i < 4; i++)
		good &= fabs(fabs(xy[2 * i]) - 2) < 1e-9 &&
		    fabs(fabs(xy[2 * i + 1]) - 1) < 1e-9;
	ok(good, "pca_project2 finds the rectangle's long and short axes");
}

static const char tiny[] =
    "the 0 0 0 1\nman 1 0 0 0\nwoman 0 1 0 0\nking 1 0 1 0\n"
    "queen 0 1 1 0\nmonarch 1 0 1 0\nboy 1 0 0 0.5\ngirl 0 1 0 0.5\n";

static void
test_analogy(void)
{
	struct vecset *vs = read_str(tiny, sizeof(tiny) - 1);
	struct emb *e = emb_new(vs, 0, 0, 0);
	struct qset *qs = qset_new();
	static const char qtext[] =
	    ": family\nman woman king queen\nwoman man queen king\n"
	    "woman man queen monarch\nman woman xyzzy queen\n"
	    ": gram1\r\nboy girl man woman\r\n";
	FILE *f = fmemopen((void *)qtext, sizeof(qtext) - 1, "r");
	struct analogy_opts o = { .method = ANALOGY_ADD, .eps = 0.001 };
	uint32_t idx[3];
	double sc[3];

	qset_read(qs, f, "q.txt");
	fclose(f);
	ok(qs->n == 5 && qs->nsec == 2 && strcmp(qs->secname[1], "gram1") ==
	    0 && analogy_syntactic(qs->secname[1]) &&
	    !analogy_syntactic(qs->secname[0]),
	    "qset_read reads sections (CRLF too) and questions");
	analogy_answer(e, qs, &o);
	ok(qs->q[0].pred == 4 && qs->q[0].correct,
	    "3CosAdd: man : woman :: king : queen");
	ok(qs->q[1].pred == 3 && qs->q[1].correct,
	    "3CosAdd: a tie (king = monarch) goes to the lower index");
	ok(qs->q[2].pred == 3 && !qs->q[2].correct,
	    "3CosAdd: the tie's loser is not the answer");
	ok(!qs->q[3].seen && qs->q[3].pred == -1,
	    "a question with an unknown word is not seen");
	ok(qs->q[4].pred == 2 && qs->q[4].correct,
	    "3CosAdd: boy : girl :: man : woman");
	/* cos(queen, woman) - cos(queen, man) + cos(queen, king) */
	ok(fabs(qs->q[0].score - (sqrt(.5) - 0 + .5)) < 1e-12,
	    "3CosAdd score is cos(w,b) - cos(w,a) + cos(w,c) in double");
	o.method = ANALOGY_MUL;
	analogy_answer(e, qs, &o);
	/* queen: (1 + .7071)/2 * (1 + .5)/2 / ((1 + 0)/2 + .001) */
	ok(qs->q[0].pred == 4 && fabs(qs->q[0].score - (1 + sqrt(.5)) / 2 *
	    .75 / .501) < 1e-12, "3CosMul: queen, with the score by hand");

	ok(emb_nearest(e, -1, 3, -1, 3, idx, sc) == 3 && idx[0] == 5 &&
	    fabs(sc[0] - 1) < 1e-6 && idx[1] == 1 &&
	    fabs(sc[1] - sqrt(.5)) < 1e-6,
	    "emb_nearest: king's neighbours are monarch (1) then man (.707)");
	ok(emb_nearest(e, 1, 2, 3, 1, idx, sc) == 1 && idx[0] == 4,
	    "emb_nearest answers an analogy query");
	emb_free(e);

	/* Case folding: the lowest index of a folded form stands for it. */
	static const char cs[] = "Paris 1 0\nparis 0 1\nFRANCE 1 1\n";
	struct vecset *v2 = read_str(cs, sizeof(cs) - 1);
	e = emb_new(v2, 0, 1, 0);
	ok(emb_lookup(e, "PARIS") == 0 && emb_lookup(e, "paris") == 0 &&
	    emb_lookup(e, "france") == 2 && e->canon[1] == 0,
	    "emb_lookup folds case, the first variant standing for all");
	emb_free(e);
	e = emb_new(v2, 2, 0, 0);
	ok(emb_lookup(e, "paris") == 1 && emb_lookup(e, "FRANCE") == -1,
	    "emb_new restricts lookups to the first N words");
	emb_free(e);
	vec_free(v2);
	qset_free(qs);
	vec_free(vs);
}

static void
test_vecio(void)
{
	char *words[] = { "alpha", "b\xc3\xa9ta" };
	float m[] = { 1.5f, -0.1f, 3.0e-8f, 1e10f, -2.75f, 0.33333334f };
	static const char *fmts[] = { "firth", "glove", "word2vec",
	    "word2vec-binary" };

	for (int i = 0; i < 4; i++) {
		char *buf = NULL, what[80];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		vec_write(f, "mem", vec_format_parse(fmts[i]), words, 2, 3, m,
		    3, 1);
		fclose(f);
		struct vecset *vs = read_str(buf, len);
		int same = vs->n == 2 && vs->dim == 3 &&
		    strcmp(vs->words[0], words[0]) == 0 &&
		    strcmp(vs->words[1], words[1]) == 0 &&
		    memcmp(vs->v, m, sizeof(m)) == 0;
		snprintf(what, sizeof(what), "vecio: %s round trip is exact "
		    "and detected", fmts[i]);
		ok(same, "%s", what);
		vec_free(vs);
		free(buf);
	}

	/* word2vec binary: "N D\n", then "word " + D float32 LE + "\n". */
	char *buf = NULL;
	size_t len = 0;
	char *w1[] = { "ab" };
	float one[] = { 1.0f, -2.0f };
	FILE *f = open_memstream(&buf, &len);
	vec_write(f, "mem", VEC_W2V_BIN, w1, 1, 2, one, 2, 1);
	fclose(f);
	static const unsigned char want[] = { '1', ' ', '2', '\n', 'a', 'b',
	    ' ', 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, '\n' };
	ok(len == sizeof(want) && memcmp(buf, want, len) == 0,
	    "vecio: word2vec binary bytes are exactly gensim's layout");
	free(buf);

	/* Binary without the newline after each vector (some writers). */
	static const unsigned char nonl[] = { '2', ' ', '1', '\n', 'a', ' ',
	    0x00, 0x00, 0x80, 0x3f, 'b', ' ', 0x00, 0x00, 0x00, 0x40 };
	struct vecset *vs = read_str((const char *)nonl, sizeof(nonl));
	ok(vs->n == 2 && strcmp(vs->words[1], "b") == 0 && vs->v[1] == 2.0f,
	    "vecio: word2vec binary without newlines reads");
	vec_free(vs);

	ok(read_dies("a 1 2\nb 1\n", VEC_AUTO), "vecio: ragged rows die");
	ok(read_dies("a 1 2\nb 1 x\n", VEC_AUTO), "vecio: a non-number dies");
	ok(read_dies("", VEC_AUTO), "vecio: an empty file dies");
	ok(read_dies("2 3\na 1 2 3\n", VEC_AUTO),
	    "vecio: fewer vectors than the word2vec header says dies");
	ok(read_dies("1 3\na 1 2\n", VEC_AUTO),
	    "vecio: a row shorter than the header's dimension dies");
	ok(read_dies("a nan 1\n", VEC_AUTO), "vecio: NaN dies");
	ok(read_dies("a 1 2\n", VEC_W2V), "vecio: -F word2vec without a "
	    "header dies");
	char *bad[] = { "two words" };
	f = open_memstream(&buf, &len);
	int died;
	TRY
		vec_write(f, "mem", VEC_GLOVE, bad, 1, 2, one, 2, 1);
	died = CATCH_END();
	fclose(f);
	free(buf);
	ok(died, "vecio: a word with a space cannot be written as text");
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_simil();
	test_pca();
	test_analogy();
	test_vecio();
	return tap_done();
}
