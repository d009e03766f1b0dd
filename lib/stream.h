/*
 * stream.h - firth record streams (firth-stream(5)): a header, independent
 * CRC-checked zlib frames, and a trailer with the record count and a
 * checksum over the whole stream.  The format is described byte by byte at
 * the top of stream.c.
 */
#ifndef FIRTH_STREAM_H
#define FIRTH_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STREAM_VERSION 1

enum stream_kind {
	STREAM_COOC = 1,	/* struct cooc_rec, ids into the header's vocabulary */
	STREAM_VECTORS = 2,	/* u16 length, word bytes, dim floats */
};

/* One co-occurrence record: 12 bytes, little-endian, no padding. */
struct cooc_rec {
	uint32_t w1;		/* row word id (frequency rank 0..V-1) */
	uint32_t w2;		/* context word id */
	float x;		/* weighted count */
};

#define STREAM_COUNT_UNKNOWN UINT64_MAX
#define STREAM_MAX_WORD 65535u		/* bytes in one word */
#define STREAM_MAX_DIM (1u << 20)	/* floats in one vector record */
#define STREAM_MAX_VOCAB (1u << 28)	/* words in a header vocabulary */

struct stream_header {
	int kind;		/* enum stream_kind */
	uint32_t recsize;	/* bytes per record, 0 when variable (vectors) */
	uint32_t dim;		/* vectors: floats per record; else 0 */
	uint32_t flags;		/* reserved, 0 */
	uint64_t count;		/* records promised, or STREAM_COUNT_UNKNOWN */
	char layout[256];	/* human-readable layout, "w1:u32 w2:u32 x:f32" */
	uint64_t fingerprint;	/* of the vocabulary, 0 when there is none */
	uint32_t nwords;	/* vocabulary size, 0 when there is none */
	char **words;		/* reader: the vocabulary in id order */
	uint16_t *wordlen;	/* reader: byte length of each word */
};

struct stream_writer;
struct stream_reader;

const char *stream_kind_name(int kind);	/* "co-occurrence records" */

/*
 * Compression level STREAM_LEVEL_AUTO: stored frames (level 0) when the
 * output is a pipe or a socket, where deflate would only cost the reader
 * and the writer time, and level 1 for files.  A pipe that crosses a
 * network (ssh) wants -l 1 given explicitly.
 */
#define STREAM_LEVEL_AUTO (-1)
/* "auto" or 0..9 from a --level argument; usage error otherwise. */
int stream_parse_level(const char *s);
/* The level STREAM_LEVEL_AUTO stands for on f. */
int stream_auto_level(FILE *f);

/* 64-bit fingerprint of a vocabulary: words in id order. */
uint64_t stream_fingerprint(char *const *words, uint32_t nwords);

/*
 * Writing.  stream_wopen writes the header and the vocabulary (words may be
 * NULL when h->nwords is 0); level is the zlib level, 0 for stored frames,
 * or STREAM_LEVEL_AUTO.
 * Records go in whole; stream_wclose writes the trailer and flushes but does
 * not close f.  Every failure dies with a message naming `name'.
 */
struct stream_writer *stream_wopen(FILE *f, const char *name,
    const struct stream_header *h, char *const *words, int level);
void stream_write(struct stream_writer *w, const void *recs, size_t nrecs);
void stream_write_vector(struct stream_writer *w, const char *word,
    size_t len, const float *v);
uint64_t stream_wcount(const struct stream_writer *w);
void stream_wclose(struct stream_writer *w);

/*
 * Reading.  stream_ropen reads and checks the header and the vocabulary;
 * expect_kind 0 accepts any kind.  Nothing read is trusted: every length is
 * bounded, every CRC checked, and the end of input before the trailer is an
 * error ("stream truncated after N records: did the upstream command
 * fail?").  Errors die with a message naming `name'.
 */
struct stream_reader *stream_ropen(FILE *f, const char *name, int expect_kind);
/* The same, when the caller has already read the first npeek bytes of f. */
struct stream_reader *stream_ropen_peeked(FILE *f, const char *name,
    int expect_kind, const void *peek, size_t npeek);
const struct stream_header *stream_rheader(const struct stream_reader *r);
/*
 * Fixed-size records: the next decoded frame's records, without a copy.
 * Returns a pointer to *nrecs records valid until the next call, or NULL
 * (with *nrecs 0) once the trailer has been read and verified.
 */
const void *stream_read_block(struct stream_reader *r, size_t *nrecs);
/* Copying variant: up to max records into buf; 0 at the verified end. */
size_t stream_read(struct stream_reader *r, void *buf, size_t max);
/*
 * Vector records: 1 with the word (not NUL-terminated, valid until the next
 * call) and h->dim floats in v; 0 at the verified end.
 */
int stream_read_vector(struct stream_reader *r, const char **word,
    size_t *len, float *v);
uint64_t stream_rcount(const struct stream_reader *r);
void stream_rclose(struct stream_reader *r);

/* True when the first bytes of buf are the stream magic (for sniffing). */
int stream_is_magic(const void *buf, size_t n);
#define STREAM_MAGIC_LEN 8

#endif
