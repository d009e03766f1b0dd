/*
 * conll.h - CoNLL-format sentences (one token per line, the tag in the
 * last column, blank lines between sentences, -DOCSTART- lines ignored
 * wherever they stand) and entity-level scoring as conlleval counts it:
 * a phrase is correct when its type and both its boundaries match.
 * IOB1, IOB2 and IOBES tags are all understood, and a tag sequence can be
 * re-encoded as IOBES and decoded back to IOB1 or IOB2.
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
	int64_t doc;		/* -DOCSTART- lines read before the sentence */
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

/*
 * Tag schemes.  Phrases are read as the scorer reads them (any of IOB1,
 * IOB2, IOBES in); conll_iobes writes them as S-X (one token), or B-X,
 * I-X..., E-X; conll_unbiobes writes IOB2 (B-X first) or IOB1 (I-X first,
 * B-X only where a phrase follows one of the same type).  Tags that are
 * not phrase tags (O) are copied.  out: n buffers of CONLL_TAGMAX bytes.
 * Return 0, or -1 when a tag does not fit CONLL_TAGMAX.
 */
#define CONLL_TAGMAX 64
enum { CONLL_IOB1 = 1, CONLL_IOB2 = 2 };
int conll_iobes(char *const *tags, int n, char (*out)[CONLL_TAGMAX]);
int conll_unbiobes(char *const *tags, int n, int scheme,
    char (*out)[CONLL_TAGMAX]);
/* The scheme of a tagged file, from its sentences' tags one at a time:
 * IOB1 when some phrase starts with I-, or no phrase starts with B-
 * after O; state in *seen (start at 0), the answer from conll_scheme. */
void conll_scheme_add(int *seen, char *const *tags, int n);
int conll_scheme(int seen);

#endif
