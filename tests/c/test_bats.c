/*
 * test_bats.c - unit tests for BATS-layout analogy sets (lib/bats.c):
 * reading relations (several answers, families, bad input), LRCos's
 * logistic regression against its optimality condition, and 3CosAvg
 * and LRCos answers worked out by hand on a tiny set.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analogy.h"
#include "bats.h"
#include "cli.h"
#include "tap.h"
#include "vecio.h"

static char dir[] = "/tmp/test_bats.XXXXXX";

static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Does reading path die?  The message is in tap_errmsg. */
static int
read_dies(const char *name)
{
	char path[512];
	struct bats *b = bats_new();
	int died;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	TRY
		bats_read(b, path);
	died = CATCH_END();
	bats_free(b);
	return died;
}

static void
test_read(void)
{
	char path[512];
	struct bats *b = bats_new();
	int died;

	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/2_Derivational_morphology", dir);
	mkdir(path, 0777);
	put("2_Derivational_morphology/x01 [a - b].txt",
	    "kind\tkindness\ndark\tdarkness/dusk\r\n\n");
	put("E02 [x - y].txt", "rome\titaly\nparis\tfrance\n");
	put("notes.md", "not a relation\n");
	snprintf(path, sizeof(path), "%s", dir);
	bats_read(b, path);
	ok(b->n == 2, "bats: two relation files read from the tree (got %u)",
	    b->n);
	ok(b->n == 2 && strcmp(b->rel[0].name, "2_Derivational_morphology" +
	    0) != 0 && strcmp(b->rel[0].name, "x01 [a - b]") == 0 &&
	    b->rel[0].family == BATS_DERIVATIONAL,
	    "bats: the family comes from the directory name");
	ok(b->n == 2 && strcmp(b->rel[1].name, "E02 [x - y]") == 0 &&
	    b->rel[1].family == BATS_ENCYCLOPEDIC,
	    "bats: else from the file name's letter");
	ok(b->n == 2 && b->rel[0].n == 2 && b->rel[0].p[1].nans == 2 &&
	    strcmp(b->rel[0].p[1].ans[1], "dusk") == 0,
	    "bats: several answers split at '/', CR stripped");
	bats_free(b);

	put("empty.txt", "kind\tkindness\ndark\t\n");
	died = read_dies("empty.txt");
	ok(died && strstr(tap_errmsg,
	    "empty.txt:2: 'dark' has no answers") != NULL,
	    "bats: a line without answers is refused: %.*s", tap_msglen(),
	    tap_errmsg);
	put("one.txt", "kind\tkindness\n");
	died = read_dies("one.txt");
	ok(died && strstr(tap_errmsg, "one.txt: 1 pair; a "
	    "relation needs at least 2 pairs") != NULL,
	    "bats: a relation of one pair is refused: %.*s", tap_msglen(),
	    tap_errmsg);
}

static void
test_logreg(void)
{
	/* Random points, labels by a noisy plane: the gradient must vanish. */
	enum { N = 60, D = 5 };
	float x[N * D];
	unsigned char y[N];
	double w[D], b, g[D], gb = 0;
	uint64_t s = 99;

	for (int i = 0; i < N * D; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (float)((double)(s >> 11) / 9007199254740992.0 - 0.5);
	}
	for (int i = 0; i < N; i++)
		y[i] = x[i * D] + 0.3 * x[i * D + 1] + 0.1 * ((i * 7) % 5 - 2) >
		    0;
	bats_logreg(x, y, N, D, w, &b);
	/* g = sum (sigma(w.x + b) - y) x + w; gb = sum (sigma - y). */
	for (int k = 0; k < D; k++)
		g[k] = w[k];
	for (int i = 0; i < N; i++) {
		double z = b;
		for (int k = 0; k < D; k++)
			z += w[k] * x[i * D + k];
		double r = 1 / (1 + exp(-z)) - y[i];
		for (int k = 0; k < D; k++)
			g[k] += r * x[i * D + k];
		gb += r;
	}
	double gn = gb * gb;
	for (int k = 0; k < D; k++)
		gn += g[k] * g[k];
	ok(sqrt(gn) < 1e-6 && w[0] > 0, "logreg: the gradient vanishes at "
	    "the fit (|g| %.2g, w0 %.3f)", sqrt(gn), w[0]);
}

/*
 * Eleven pairs around a circle: s_i = (cos a_i, sin a_i, -1/2) and
 * t_i = (cos a_i, sin a_i, +1/2), a_i = 360 i / 11 degrees, and a
 * decoy d = (cos 20, sin 20, -1/2), a source-like word near s_0.
 * By hand (unit rows, h = 0.5 / sqrt 1.25 = 0.4472 the height):
 *  - 3CosAvg: every offset t_i - s_i is (0, 0, 2h), so the query for
 *    pair j is s_j + (0, 0, 2h), the direction of t_j: cosine 1.  All
 *    11 right.
 *  - LRCos: positives t_i and negatives s_i have the same (x, y), so by
 *    the reflection z -> -z the fit has w = (0, 0, w_z) and bias 0,
 *    with w_z = 20 h sigma(-w_z h) (20 examples), w_z = 2.33, so
 *    P(t) = sigma(w_z h) = 0.739 and P(s, d) = 0.261.  For pair 0:
 *    cos(t_0, s_0) = (1 - 1/4) / 1.25 = 0.6, cos(d, s_0) = (cos 20 +
 *    1/4) / 1.25 = 0.952: the cosine alone answers d, but LRCos scores
 *    t_0 0.739 x 0.6 = 0.443 against d's 0.261 x 0.952 = 0.249, and the
 *    nearest other source 0.261 x 0.873.  All 11 right.
 *  - 3CosAdd: s_j + t_i - s_i is t_j's direction too: 110 of 110.
 */
static void
test_answers(void)
{
	enum { P = 11, D = 3, W = 2 * P + 1 };
	static char names[W][8], *words[W];
	float v[W * D];
	char rel[1024] = "";
	struct vecset vs = { W, D, words, v, NULL };
	struct analogy_opts o = { 0 };
	struct bats *b = bats_new();
	char path[512];

	for (int i = 0; i < P; i++) {
		double a = 2 * M_PI * i / P;
		snprintf(names[i], 8, "s%d", i);
		snprintf(names[P + i], 8, "t%d", i);
		v[i * D] = v[(P + i) * D] = (float)cos(a);
		v[i * D + 1] = v[(P + i) * D + 1] = (float)sin(a);
		v[i * D + 2] = -0.5f;
		v[(P + i) * D + 2] = 0.5f;
		snprintf(rel + strlen(rel), sizeof(rel) - strlen(rel),
		    "s%d\tt%d\n", i, i);
	}
	snprintf(names[2 * P], 8, "decoy");
	v[2 * P * D] = (float)cos(M_PI / 9);
	v[2 * P * D + 1] = (float)sin(M_PI / 9);
	v[2 * P * D + 2] = -0.5f;
	for (int i = 0; i < W; i++)
		words[i] = names[i];
	put("circle.txt", rel);
	snprintf(path, sizeof(path), "%s/circle.txt", dir);
	bats_read(b, path);
	struct emb *e = emb_new(&vs, 0, 0, 0);
	ok(emb_cos(e, 0, 2 * P) > emb_cos(e, 0, P) + 0.3,
	    "the decoy is nearer s0 than t0 by cosine (%.3f > %.3f)",
	    emb_cos(e, 0, 2 * P), emb_cos(e, 0, P));

	/* w_z by bisection on w = 20 h sigma(-w h). */
	double h = 0.5 / sqrt(1.25), lo = 0, hi = 20;
	for (int it = 0; it < 100; it++) {
		double mid = (lo + hi) / 2;
		if (mid - 20 * h / (1 + exp(mid * h)) > 0)
			hi = mid;
		else
			lo = mid;
	}
	float x[20 * D];
	unsigned char y[20];
	double w[D], bias;
	for (int i = 1; i < P; i++) {
		memcpy(x + (i - 1) * 2 * D, e->u + (P + i) * D, sizeof(float) *
		    D);
		memcpy(x + ((i - 1) * 2 + 1) * D, e->u + i * D, sizeof(float) *
		    D);
		y[(i - 1) * 2] = 1;
		y[(i - 1) * 2 + 1] = 0;
	}
	bats_logreg(x, y, 20, D, w, &bias);
	ok(fabs(w[2] - lo) < 1e-5 && fabs(w[0]) < 1e-6 && fabs(w[1]) < 1e-6 &&
	    fabs(bias) < 1e-6, "logreg: w = (0, 0, %.4f), bias 0 as worked "
	    "out (got %.2g %.2g %.4f, %.2g)", lo, w[0], w[1], w[2], bias);

	const int methods[] = { BATS_AVG, BATS_LRCOS, BATS_ADD };
	const char *mname[] = { "3CosAvg", "LRCos", "3CosAdd" };
	const uint64_t total[] = { P, P, P * (P - 1) };
	o.eps = 0.001;
	o.exclude_variants = 1;
	for (int m = 0; m < 3; m++) {
		bats_answer(e, b, methods[m], &o);
		ok(b->rel[0].correct == total[m] && b->rel[0].seen == total[m] &&
		    b->rel[0].total == total[m], "%s answers all %llu "
		    "questions right (got %llu of %llu seen)", mname[m],
		    (unsigned long long)total[m],
		    (unsigned long long)b->rel[0].correct,
		    (unsigned long long)b->rel[0].seen);
	}
	/* Without t0 in the vectors pair 0 cannot be asked. */
	words[P] = "t0x";
	emb_free(e);
	e = emb_new(&vs, 0, 0, 0);
	bats_answer(e, b, BATS_AVG, &o);
	ok(b->rel[0].seen == P - 1 && b->rel[0].total == P,
	    "3CosAvg: a pair whose answers are unknown is not seen");
	emb_free(e);
	bats_free(b);
}

int
main(void)
{
	char cmd[600];

	test_read();
	test_logreg();
	test_answers();
	snprintf(cmd, sizeof(cmd), "rm -r '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
