/*
 * tagger.h - the window tagger of firth-wclass: a model that tags the
 * centre word of a window from the vectors of the 2m+1 words around it
 * (plus word shapes and learned affix embeddings), its windows over a
 * corpus, prediction (per token, or by Viterbi over the sentence-level
 * scores of crf.h) and its model file (tagger_file.c).
 *
 * Legend (shapes in comments):
 *   V  words with vectors; rows V, V+1, V+2 of E are UNK, <s> and </s>
 *   D  word vector width
 *   S  word-shape features per position (0 without shapes)
 *   A  width of an affix embedding (0 without affixes); a position has
 *      TAGGER_NKIND of them, one per suffix length
 *   P  features per position, D + S + TAGGER_NKIND*A
 *   W  window width 2m+1
 *   I  network input width W*P
 *   K  tags
 *   B  examples in a minibatch
 *   n  tokens of a window set
 */
#ifndef FIRTH_TAGGER_H
#define FIRTH_TAGGER_H

#include <stddef.h>
#include <stdint.h>

#include "conll.h"
#include "embed.h"
#include "nn.h"
#include "rng.h"
#include "vocab.h"

#define TAGGER_NSHAPE 8
#define TAGGER_NKIND 2		/* affix kinds: the last 2 and 3 characters */
#define TAGGER_AFFIX_MIN 2	/* training uses for an affix to get a row */

enum { SHAPE_LOWER, SHAPE_INITCAP, SHAPE_ALLCAPS, SHAPE_MIXED, SHAPE_NUM,
	SHAPE_HASDIGIT, SHAPE_PUNCT, SHAPE_OTHER };
enum { CASE_EXACT, CASE_FOLD, CASE_BOTH };
/* How the model's tags relate to the file's: as they are, or IOBES
 * re-encoded from IOB2 or IOB1 and decoded back on output. */
enum { TAGS_ASIS = 0, TAGS_IOBES_IOB2 = 1, TAGS_IOBES_IOB1 = 2 };

struct tagger {
	int m;			/* window half-width */
	int D, S;		/* vector width, shape features (0 or NSHAPE) */
	int casemode;		/* how words are looked up: CASE_* */
	int K;			/* tags */
	char **tags;		/* [K] */
	uint32_t V;		/* words with vectors */
	char **words;		/* [V] */
	struct vocab *index;	/* word -> row */
	float *E;		/* [V+3][D] word vectors, then UNK, <s>, </s> */
	uint32_t Vvec;		/* rows 0..Vvec-1 came with vectors (train) */
	int A;			/* affix embedding width, 0 none */
	uint32_t NA;		/* affixes with rows */
	char **affixes;		/* [NA] keys "2|ng", "3|ing" */
	struct vocab *aindex;	/* affix key -> row */
	float *X;		/* [NA+2][A] affixes, then affix UNK, padding */
	struct nn net;		/* d[0] = I = W*P, d[L] = K */
	int crf;		/* 1: sentence-level scores, Viterbi decoding */
	float *T;		/* [K+1][K] with crf: row 0 start scores, row
				 * j+1 the scores of tag j followed by tag k */
	int scheme;		/* TAGS_*: how tags map to the file's */
};

/*
 * The windows of a corpus: for token i, W rows of E and W shapes, with
 * <s> and </s> rows past the sentence edges (shape -1: no features).
 */
struct tagger_windows {
	size_t n, cap;
	uint32_t *row;		/* [n][W] */
	signed char *shape;	/* [n][W] */
	uint32_t *afx;		/* [n][W][NKIND] rows of X, with affixes */
	int *y;			/* [n] tag index, -1 unknown tag */
	unsigned char *eos;	/* [n] 1 on a sentence's last token */
	int *doc;		/* [n] document of the token (0, 1, ...) */
};

/* Features of one word: its SHAPE_*; the affix key of kind 0..NKIND-1
 * ("3|ing"), into key (size bytes), its length or 0 if it does not fit. */
int tagger_shape(const char *w);
size_t tagger_affix_key(const char *w, int kind, char *key, size_t size);
/* The form a word without a vector is counted and stored under (as
 * written with CASE_EXACT, else ASCII lower-cased); 0 if too long. */
size_t tagger_word_form(int casemode, const char *w, char *buf,
    size_t size);
/* Row of E for a word: exact, then lower-cased, then UNK (row V). */
uint32_t tagger_row(const struct tagger *md, const char *w);
/* P: the features of one window position. */
int tagger_width(const struct tagger *md);
/* Index of a tag, -1 if the model has none such. */
int tagger_tag_index(const struct tagger *md, const char *tag);

/*
 * Building a model for training: count words and affixes of a tagged
 * CoNLL file; the vectors (scaled to unit variance, rows for training
 * words without a vector seen newwords times, 0 none); the affix table.
 */
size_t tagger_scan(const char *path, double frac, int *scheme, size_t *held,
    size_t *units);
void tagger_count(const struct tagger *md, const char *path, size_t keep,
    struct vocab *words, struct vocab *affixes);
void tagger_from_vectors(struct tagger *md, const char *path,
    const struct vocab *counts, int newwords, struct rng *rng);
void tagger_add_affixes(struct tagger *md, const struct vocab *counts,
    struct rng *rng);

/* Append a sentence's windows (y[s->n] tags, or NULL: all -1). */
void tagger_windows_add(struct tagger_windows *ws, const struct tagger *md,
    const struct conll_sent *s, const int *y, int doc);
void tagger_windows_free(struct tagger_windows *ws);
/* Fill x ([B][I]) with the inputs of windows idx[0..B-1]. */
void tagger_windows_input(const struct tagger *md,
    const struct tagger_windows *ws, const size_t *idx, int B, float *x);
/*
 * Read a tagged CoNLL file into windows: the first keep sentences into ws
 * and the rest into rest (all into ws when rest is NULL); tags the model
 * lacks are added when grow.  With md->scheme != TAGS_ASIS the file's
 * tags are re-encoded to IOBES first.  Returns the sentences in ws.
 */
size_t tagger_read(struct tagger *md, const char *path,
    struct tagger_windows *ws, int grow, size_t keep,
    struct tagger_windows *rest);

/* The network's scores of every window of ws, sc[n][K]. */
void tagger_scores(const struct tagger *md, const struct tagger_windows *ws,
    float *sc);
/* Tag every window of ws, pred[n]: per token the best score, or with
 * md->crf the Viterbi path of each sentence. */
void tagger_predict(const struct tagger *md, const struct tagger_windows *ws,
    int *pred);
/* The tags of n predictions in the file's scheme, into out[n] (pointers
 * into md->tags or into buf, n buffers of CONLL_TAGMAX bytes). */
void tagger_tags_out(const struct tagger *md, const int *pred, int n,
    char **out, char (*buf)[CONLL_TAGMAX]);
/* Entity F1 of predictions against ws->y, sentence by sentence; the
 * counts into sc. */
double tagger_score(const struct tagger *md, const struct tagger_windows *ws,
    const int *pred, struct conll_score *sc);

/*
 * Training (tagger_train.c): one minibatch step, forward, loss,
 * backward, then the updates.  Token losses (NN_XENT, NN_HINGE) take
 * any B windows; the sentence-level loss (TAGGER_SENTENCE) takes whole
 * sentences, their windows in order, and is the mean over the B tokens
 * of each sentence's -log p(gold path) of crf.h.
 */
#define TAGGER_SENTENCE 2
struct tagger_opts {
	int loss;		/* NN_XENT, NN_HINGE or TAGGER_SENTENCE */
	int sgd;		/* 1 SGD, 0 AdaGrad */
	float lr, l2, dropout;
	int finetune;		/* update the rows that came with vectors */
	float worddrop;		/* probability a word is read as UNK */
};
struct tagger_trainer {
	struct tagger *md;
	struct tagger_opts o;
	struct nn_work w;	/* sized for cap windows */
	int cap;
	float *grad;		/* [nparams] */
	float *hist;		/* [nparams] AdaGrad sums of squares */
	float *gT, *histT;	/* [K+1][K] the same for md->T */
	struct embed_grad gE;	/* sparse gradient of E ([V+3][D]) */
	struct embed_grad gX;	/* of X ([NA+2][A]) */
	uint32_t *rows;		/* [cap][W] rows of E the batch used */
	struct rng *rng;
};
void tagger_train_init(struct tagger_trainer *t, struct tagger *md,
    const struct tagger_opts *o, int cap, struct rng *rng);
void tagger_train_free(struct tagger_trainer *t);
/* One step on the windows idx[0..B-1] (B <= cap); the batch's loss. */
double tagger_train_step(struct tagger_trainer *t,
    const struct tagger_windows *ws, const size_t *idx, int B);
/*
 * An epoch's minibatches: order[n] the windows in a shuffled order (the
 * last epoch's reshuffled; start with order[i] = i), batch[nb + 1] where
 * each batch starts in order; with sentences, whole sentences shuffled
 * (sent[nsent], their first windows, from tagger_sentences) and packed
 * into batches of at most B windows (a longer sentence alone).  Returns
 * nb.
 */
size_t tagger_batches(const struct tagger_windows *tr, struct rng *rng,
    int sentences, int B, size_t *order, size_t *batch, size_t *sent,
    size_t nsent);
/* The first window of each sentence of tr into sent; their number. */
size_t tagger_sentences(const struct tagger_windows *tr, size_t *sent);

/* The model file (tagger_file.c). */
void tagger_save(const struct tagger *md, const char *path);
void tagger_load(struct tagger *md, const char *path);

#endif
