/*
 * vecio.h - word vectors in and out, in every format the peers use:
 * firth vector streams, GloVe text ("word f1 ... fd"), word2vec text
 * (a "count dim" header line, then GloVe-like lines) and word2vec binary
 * (the header line, then "word " and dim little-endian float32 per word).
 */
#ifndef FIRTH_VECIO_H
#define FIRTH_VECIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vec_format {
	VEC_AUTO = 0,		/* reading: detect */
	VEC_FIRTH,		/* firth vector stream (firth-stream(5)) */
	VEC_GLOVE,		/* GloVe text */
	VEC_W2V,		/* word2vec text */
	VEC_W2V_BIN,		/* word2vec binary */
};

struct vecset {
	uint32_t n;		/* words */
	uint32_t dim;		/* floats per word */
	char **words;		/* [n] NUL-terminated */
	float *v;		/* [n][dim] row-major */
	/* private */
	char *wordbuf;
};

/* "firth", "glove", "word2vec", "word2vec-binary"; others die (usage). */
int vec_format_parse(const char *s);
const char *vec_format_name(int format);

/*
 * Read a whole vector set.  VEC_AUTO detects the format from the first
 * bytes.  Ragged rows, non-numbers, a wrong count or a truncated file die
 * with "name:line: what".
 */
struct vecset *vec_read(FILE *f, const char *name, int format);
void vec_free(struct vecset *vs);

/*
 * Write n rows of dim floats; row i is m + i*stride.  level is the zlib
 * level for firth streams.  Write errors die.
 */
void vec_write(FILE *f, const char *name, int format, char *const *words,
    uint32_t n, uint32_t dim, const float *m, size_t stride, int level);

#endif
