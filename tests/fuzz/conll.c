/*
 * conll.c - fuzz target: the CoNLL reader and the entity scorer
 * (lib/conll.c).
 *
 * Input: one control byte, then the file.  The control byte picks the
 * reader's mode: tagged CoNLL (training, evaluation), untagged CoNLL
 * (prediction), or token text.  Every tagged sentence is scored against
 * itself, which must find every phrase correct: correct = gold = found
 * for every entity type.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conll.h"
#include "fuzz.h"

struct arg {
	FILE *f;
	int tagged, text;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct conll_reader *r = conll_open(a->f, "fuzz", a->tagged, a->text);
	struct conll_sent s = { 0 };
	struct conll_score *sc = xcalloc(1, sizeof(*sc));
	double pr, rc, f1;

	while (conll_next(r, &s)) {
		if (s.n <= 0)
			abort();
		for (int i = 0; i < s.n; i++)
			if (s.tok[i][0] == '\0' && !a->text)
				abort();
		if (a->tagged)
			conll_score_add(sc, s.tag, s.tag, s.n);
	}
	for (int t = 0; t < sc->ntypes; t++)
		if (sc->correct[t] != sc->gold[t] ||
		    sc->found[t] != sc->gold[t])
			abort();
	if (sc->tokens_correct != sc->tokens)
		abort();
	conll_score_prf(sc, -1, &pr, &rc, &f1);
	free(sc);
	conll_sent_free(&s);
	conll_close(r);
}

FUZZ_TARGET(conll)
{
	struct arg a;

	if (size < 1)
		return 0;
	a.f = fuzz_fmem(data + 1, size - 1);
	a.tagged = data[0] % 3 == 0;
	a.text = data[0] % 3 == 2;
	fuzz_call(body, &a);
	fuzz_fclose(a.f);
	return 0;
}
