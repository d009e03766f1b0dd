/*
 * conll.c - fuzz target: the CoNLL reader and the entity scorer
 * (lib/conll.c).
 *
 * Input: one control byte, then the file.  The control byte picks the
 * reader's mode: tagged CoNLL (training, evaluation), untagged CoNLL
 * (prediction), or token text.  Every tagged sentence is scored against
 * itself, which must find every phrase correct: correct = gold = found
 * for every entity type; so must its IOBES re-encoding and that decoded
 * to IOB1 and to IOB2, scored against the tags as read.
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

/* Score the IOBES form of s's tags, and it decoded to IOB1 and IOB2,
 * against the tags (a tag too long to re-encode is left out): every
 * phrase must be found and correct (the tokens differ, so the counts go
 * to a score of their own). */
static void
recoded(const struct conll_sent *s)
{
	struct conll_score *sc = xcalloc(1, sizeof(*sc));
	char (*enc)[CONLL_TAGMAX] = xcalloc(s->n, CONLL_TAGMAX);
	char (*dec)[CONLL_TAGMAX] = xcalloc(s->n, CONLL_TAGMAX);
	char **e = xcalloc(s->n, sizeof(char *));
	char **d = xcalloc(s->n, sizeof(char *));

	if (conll_iobes(s->tag, s->n, enc) == 0) {
		for (int i = 0; i < s->n; i++) {
			e[i] = enc[i];
			d[i] = dec[i];
		}
		conll_score_add(sc, s->tag, e, s->n);
		for (int scheme = CONLL_IOB1; scheme <= CONLL_IOB2; scheme++)
			if (conll_unbiobes(e, s->n, scheme, dec) == 0)
				conll_score_add(sc, s->tag, d, s->n);
			else
				abort();	/* decoding never lengthens */
	}
	for (int t = 0; t < sc->ntypes; t++)
		if (sc->correct[t] != sc->gold[t] ||
		    sc->found[t] != sc->gold[t])
			abort();
	free(sc);
	free(enc);
	free(dec);
	free(e);
	free(d);
}

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
		if (a->tagged) {
			conll_score_add(sc, s.tag, s.tag, s.n);
			recoded(&s);
		}
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
