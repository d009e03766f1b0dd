/*
 * bats.h - analogy sets in the layout of the Bigger Analogy Test Set
 * (BATS 3.0, Gladkova, Drozd and Matsuoka 2016): one file per relation,
 * each line "word<TAB>answer1/answer2/...", any answer correct; the
 * relations grouped in four families.  Answered by 3CosAdd and 3CosMul
 * (through analogy_answer), 3CosAvg and LRCos (Drozd, Gladkova and
 * Matsuoka 2016).
 */
#ifndef FIRTH_BATS_H
#define FIRTH_BATS_H

#include <stdint.h>

#include "analogy.h"

enum bats_family {
	BATS_INFLECTIONAL, BATS_DERIVATIONAL, BATS_ENCYCLOPEDIC,
	BATS_LEXICOGRAPHIC, BATS_OTHER, BATS_NFAMILY
};

enum { BATS_ADD = ANALOGY_ADD, BATS_MUL = ANALOGY_MUL, BATS_AVG, BATS_LRCOS };

struct bats_pair {
	char *src;		/* the source word */
	char **ans;		/* [nans] the correct targets, in file order */
	uint32_t nans;
	uint32_t line;
};

struct bats_rel {
	char *name;		/* file name without ".txt" */
	int family;		/* enum bats_family */
	uint32_t n;		/* pairs */
	struct bats_pair *p;	/* [n] */
	/* results (bats_answer) */
	uint64_t correct, seen, total;
};

struct bats {
	uint32_t n, cap;
	struct bats_rel *rel;	/* [n] in the order read */
};

struct bats *bats_new(void);
void bats_free(struct bats *b);
/*
 * Add a relation file, or every "*.txt" file of a directory and of its
 * subdirectories, in name order.  The family comes from a directory
 * name holding "inflectional", "derivational", "encyclopedic" or
 * "lexicographic" (BATS 3.0's "1_Inflectional_morphology" ...), else
 * from the file name's first letter (I, D, E or L and a digit, as in
 * "I01 [noun - plural_reg].txt"), else "other".  A line without
 * answers, a relation of fewer than 2 pairs, or a directory without
 * relation files dies with "name:line: what".
 */
void bats_read(struct bats *b, const char *path);
const char *bats_family_name(int family);
/* "add" or "3cosadd", "mul", "avg", "lrcos": BATS_*; others die (usage). */
int bats_method_parse(const char *s);
/* Is path a directory, or a file whose first line has two fields (BATS)
 * rather than four words or a ": section" (Google's questions)? */
int bats_looks_like(const char *path);

/*
 * Answer every relation by method; sets each relation's correct, seen
 * and total.  3CosAdd and 3CosMul ask one question for every ordered
 * pair of pairs (i, j), i != j: src_i is to ans_i as src_j is to ?,
 * with ans_i the first of i's answers in the vectors; total n (n - 1).
 * 3CosAvg and LRCos ask one question per pair j, learnt from the
 * relation's other pairs; total n.  A question is seen when its words
 * and at least one of its answers are in the vectors, and correct when
 * the answer is any of them.  o: as for analogy_answer (method is
 * taken from the argument).
 */
void bats_answer(const struct emb *e, struct bats *b, int method,
    const struct analogy_opts *o);

/*
 * LRCos's classifier: logistic regression on x[n][d] with labels y[n]
 * (0 or 1), minimising sum log-loss + |w|^2 / 2 (scikit-learn's
 * LogisticRegression(C=1) objective; the bias is not penalised), by
 * Nesterov's accelerated gradient.  Writes w[d] and *bias.
 */
void bats_logreg(const float *x, const unsigned char *y, uint32_t n,
    uint32_t d, double *w, double *bias);

#endif
