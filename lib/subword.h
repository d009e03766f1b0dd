/*
 * subword.h - character n-gram vectors (Bojanowski et al. 2017, "Enriching
 * word vectors with subword information"): a word is represented by its
 * own row and the rows of its character n-grams, hashed into buckets.
 *
 * N-grams are taken from the word with boundary marks, "<" word ">", and
 * counted in characters (UTF-8 code points, not bytes): for "où" and
 * 3:4 they are "<où", "où>", "<où>".  Each n-gram's bytes are hashed
 * with 32-bit FNV-1a and take row n + hash % buckets of the input matrix,
 * after the n word rows.  A word's vector is the MEAN of its rows (its
 * own and its n-grams'); a word outside the vocabulary gets the mean of
 * its n-gram rows alone.
 *
 * Legend: n words, d dimensions, s stride (sgns.h), R rows of a word.
 */
#ifndef FIRTH_SUBWORD_H
#define FIRTH_SUBWORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SUBWORD_MAXN 32		/* longest n-gram in characters */

struct subword {
	int minn, maxn;		/* n-gram lengths, characters */
	uint32_t buckets;	/* hash rows */
};

/*
 * Parse "MIN:MAX" n-gram lengths into sw; bad values are usage errors
 * naming --subword.  With sw NULL, only say whether s looks like one.
 */
int subword_parse(const char *s, struct subword *sw);

/* 32-bit FNV-1a of len bytes. */
uint32_t subword_hash(const char *s, size_t len);
/*
 * The bucket rows (n + hash % buckets) of word w's n-grams, in order of
 * start position then length, into rows[0..max-1].  Returns how many
 * there are (which may exceed max: then only max were stored).
 */
size_t subword_ngrams(const struct subword *sw, uint32_t n, const char *w,
    size_t len, uint32_t *rows, size_t max);

/* Per vocabulary word: its own row, then its n-gram rows. */
struct subword_table {
	uint32_t *off;		/* [n + 1] */
	uint32_t *rows;		/* [off[n]] */
	int maxrows;		/* largest R */
};
struct subword_table *subword_table_new(const struct subword *sw,
    char *const *words, uint32_t n);
void subword_table_free(struct subword_table *t);

/* Mean of rows r[0..R-1] of m (stride s), d floats into v. */
void subword_mean(const float *m, size_t s, uint32_t d, const uint32_t *r,
    size_t R, float *v);

/* Replace each word row w < n of in by the mean of its table rows. */
void subword_compose(float *in, size_t s, uint32_t d,
    const struct subword_table *t, uint32_t n);

/*
 * A whole model on disk, written by firth-sgns --save-model:
 *   "FIRTHSWM"  magic, 8 bytes
 *   uint32      version (1)
 *   uint32      n, d, minn, maxn, buckets
 *   n words     uint32 byte length, then the bytes (no NUL)
 *   (n + buckets) x d float32: word rows, then bucket rows
 *   uint32      CRC-32 of everything before it
 * Integers and floats little-endian.
 */
struct subword_model {
	struct subword sw;
	uint32_t n, d;
	char **words;		/* [n] */
	struct vocab *v;	/* word -> row */
	float *m;		/* [n + buckets][d] */
};
void subword_model_save(const char *path, const struct subword *sw,
    char *const *words, uint32_t n, uint32_t d, const float *in, size_t s);
struct subword_model *subword_model_load(const char *path);
void subword_model_free(struct subword_model *m);
/*
 * The vector of word w into v [d]: 1 if w is in the vocabulary, 0 if
 * it is not and has n-grams (their mean), -1 if it has none (v zero).
 */
int subword_model_vector(const struct subword_model *m, const char *w,
    size_t len, float *v);

/*
 * For firth-eval: the model's words with their vectors, then every word
 * of the given test files (question or pair files, whitespace separated;
 * numbers and ':' section lines skipped) that the model lacks, with its
 * n-gram vector; words without n-grams stay unknown.  fold: a word whose
 * ASCII lower case is in the model is not added (lookups fold).
 */
struct vecset;
struct vecset *subword_vecset(const struct subword_model *m,
    char *const *files, int nfiles, int fold);
/* One word a line from in: "word v1 .. vd" lines (GloVe text) to out. */
void subword_print_vectors(const struct subword_model *m, FILE *in,
    const char *name, FILE *out);
/* firth-eval vectors: load model, then the words of files (none: stdin). */
void subword_vectors_files(const char *model, char *const *files,
    int nfiles, FILE *out);

#endif
