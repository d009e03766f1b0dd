/*
 * analogy.h - word analogy questions ("a b c d": a is to b as c is to d)
 * answered over a set of word vectors with 3CosAdd or 3CosMul.
 *
 * An embedding (struct emb) is the searchable side of a vector set: the
 * first N rows, scaled to unit length once, with a word lookup that can
 * fold case.  The same embedding serves analogies, similarity and
 * neighbour queries.
 */
#ifndef FIRTH_ANALOGY_H
#define FIRTH_ANALOGY_H

#include <stdint.h>
#include <stdio.h>

#include "vecio.h"

struct vocab;

struct emb {
	uint32_t n;		/* words searched (the first n of the set) */
	uint32_t dim;
	char *const *words;	/* [n] borrowed from the vector set */
	const float *v;		/* [n][dim] raw rows, borrowed */
	float *u;		/* [n][dim] rows scaled to unit length */
	double *norm;		/* [n] Euclidean length of each raw row (0 -> 1) */
	uint32_t *canon;	/* [n] lowest index with the same (folded) word */
	int fold;		/* lookups fold ASCII case */
	int64_t unk;		/* index of "<unk>" when it is hidden, else -1 */
	/* private */
	struct vocab *tab;	/* (folded) word -> table id */
	uint32_t *first;	/* [table ids] lowest index of that word */
};

/*
 * Build the searchable embedding of the first restrict_n rows of vs (0:
 * all).  fold: look words up case-insensitively (ASCII), the lowest index
 * of a folded form standing for it.  hide_unk: "<unk>" is neither found
 * nor ever an answer (GloVe's evaluate.py drops it).
 */
struct emb *emb_new(const struct vecset *vs, uint32_t restrict_n, int fold,
    int hide_unk);
void emb_free(struct emb *e);
/* Index of word, or -1 if it is not among the searched words. */
int64_t emb_lookup(const struct emb *e, const char *w);
/* Cosine of rows i and j, in double precision from the raw rows. */
double emb_cos(const struct emb *e, uint32_t i, uint32_t j);

enum { ANALOGY_ADD = 0, ANALOGY_MUL = 1 };

#define ANALOGY_WINDOW_MAX 64

struct analogy_opts {
	int method;		/* ANALOGY_ADD or ANALOGY_MUL */
	double eps;		/* 3CosMul's epsilon (Levy & Goldberg: 0.001) */
	int exclude_variants;	/* with fold: never answer a case variant of
				   a, b or c (gensim); else only their rows */
	int positive_only;	/* a best score <= 0 answers nothing
				   (word2vec's compute-accuracy) */
	uint32_t window;	/* with exclude_variants: look only at the
				   best window words other than a, b, c's own
				   rows, as gensim does (0: as far as needed;
				   at most ANALOGY_WINDOW_MAX) */
	int unknown_wrong;	/* questions with unknown words count, wrong */
};

struct question {
	uint32_t section;	/* index into qset.secname */
	uint32_t line;		/* line in its file */
	char *w[4];		/* a, b, c, expected */
	int64_t id[4];		/* emb indices, -1 unknown (analogy_answer) */
	int seen;		/* all four words known */
	int64_t pred;		/* answer's index, -1 none */
	double score;		/* answer's score */
	int correct;
};

struct qset {
	uint32_t n, nsec;
	struct question *q;	/* [n] in file order */
	char **secname;		/* [nsec] */
	/* private */
	uint32_t cap, seccap;
};

struct qset *qset_new(void);
/*
 * Append the questions of one file: ": name" lines open a section, other
 * non-blank lines hold exactly four words.  Questions before any header
 * form a section named after the file (its basename without ".txt").
 * A malformed line dies with "name:line: what".
 */
void qset_read(struct qset *qs, FILE *f, const char *name);
void qset_free(struct qset *qs);
/* Is a section syntactic?  Its name starts with "gram" (Google's set). */
int analogy_syntactic(const char *section);

/*
 * Answer every question: sets id, seen, pred, score and correct.  The
 * fast path: one sgemm per block of the vocabulary between the distinct
 * question words and the unit rows, scores combined per question, then
 * every word within the float error bound of the best is re-scored in
 * double precision, so the answers are those of analogy_ref (plain
 * double loops).  Ties go to the lowest index (the most frequent word).
 * Then, with o->window, gensim's rule: an answer that o->window case
 * variants of a, b or c outrank gives way to the last of them.
 */
void analogy_answer(const struct emb *e, struct qset *qs,
    const struct analogy_opts *o);

/* Each question and its answer, "a b c d -> answer[ ok]", a line each
 * (firth-eval --verbose; the format analogy_ref prints). */
void qset_print_answers(FILE *f, const struct emb *e, const struct qset *qs);

/*
 * The k best of the n scores s (best first, -inf never) into idx and
 * score; returns how many there were, at most k.
 */
uint32_t emb_best(const float *s, uint32_t n, uint32_t k, uint32_t *idx,
    double *score);

/*
 * The k best answers to one query by 3CosAdd (a, b, c given; a may be -1
 * for plain neighbours of b: then c must be -1 too).  Excludes the query
 * words.  Fills idx[] and score[] best first; returns how many (<= k).
 */
uint32_t emb_nearest(const struct emb *e, int64_t a, int64_t b, int64_t c,
    uint32_t k, uint32_t *idx, double *score);

#endif
