/*
 * simil.c - fuzz target: the similarity-set reader of firth-eval.
 *
 * The reader is simil_pairs_read (lib/simil.c); the tool's source is
 * still compiled in here, its main renamed.  Input: a file of
 * "word word score" lines.  Read scores are finite, and Spearman's rho
 * of the scores against themselves is 1 (or NaN when they are constant
 * or fewer than two), which runs the ranking on every tie pattern.
 */
#define main firth_eval_main
#include "../../src/eval.c"
#undef main

#include "fuzz.h"

int firth_eval_main(int argc, char **argv);

struct arg {
	FILE *f;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct simil_pairs ps = { 0 };
	double rho;

	simil_pairs_read(&ps, a->f, "fuzz");
	for (size_t i = 0; i < ps.n; i++)
		if (!isfinite(ps.gold[i]) || ps.w1[i][0] == '\0' ||
		    ps.w2[i][0] == '\0')
			abort();
	rho = simil_spearman(ps.gold, ps.gold, ps.n);
	if (!isnan(rho) && fabs(rho - 1) > 1e-9)
		abort();
	simil_pairs_free(&ps);
}

FUZZ_TARGET(simil)
{
	struct arg a = { fuzz_fmem(data, size) };

	fuzz_call(body, &a);
	fuzz_fclose(a.f);
	return 0;
}
