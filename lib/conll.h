/*
 * conll.h - CoNLL-format sentences (one token per line, the tag in the
 * last column, blank lines between sentences, -DOCSTART- lines ignored
 * wherever they stand) and entity-level scoring as conlleval counts it:
 * a phrase is correct when its type and both its boundaries match.
 * IOB1, IOB2 and IOBES tags are all understood.
 */
#ifndef FIRTH_CONLL_H
#define FIRTH_CONLL_H

#include <stdint.h>
#include <stdio.h>

struct conll_sent {
	int n;			/* tokens */
	char **tok;		/* [n] first column */
	char **tag;		/* [n] last column, or NULL without tags */
	char **line;		/* [n] the whole input line (for output) */
	/* private */
	int cap;
	char *buf;
	size_t buflen, bufcap;
};

struct conll_reader;

/*
 * Open a reader.  tagged: 1 every line must carry a tag column (training,
 * evaluation), 0 a token alone is fine (prediction), and with text = 1 the
 * input is token text instead: one sentence per line, tokens split on
 * spaces.
 */
struct conll_reader *conll_open(FILE *f, const char *name, int tagged,
    int text);
/* The next sentence; 0 at the end of input.  Malformed lines die with
 * "name:line: what". */
int conll_next(struct conll_reader *r, struct conll_sent *s);
void conll_close(struct conll_reader *r);
void conll_sent_free(struct conll_sent *s);

/* Entity-level counts, accumulated over sentences. */
#define CONLL_MAXTYPES 64
struct conll_score {
	int ntypes;
	char type[CONLL_MAXTYPES][32];
	int64_t gold[CONLL_MAXTYPES], found[CONLL_MAXTYPES];
	int64_t correct[CONLL_MAXTYPES];
	int64_t tokens, tokens_correct;
};

void conll_score_add(struct conll_score *sc, char *const *gold,
    char *const *pred, int n);
/* Precision, recall, F1 in percent of type t, or overall with t = -1. */
void conll_score_prf(const struct conll_score *sc, int t, double *p,
    double *r, double *f);

#endif
