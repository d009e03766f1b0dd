/*
 * shuffle.h - out-of-core uniform shuffle of records under a memory limit.
 *
 * Records are added in input order.  Up to `mem' bytes of them are held in
 * memory; when a chunk is full it is put in random order (Fisher-Yates)
 * and spilled to one temporary file.  shuffle_finish then merges the
 * chunks by random interleaving: the next record comes from chunk i with
 * probability (records left in i) / (records left in all), which makes
 * every interleaving equally likely, so the output is a uniformly random
 * permutation of the input.  When everything fits, nothing touches disk.
 *
 * Records are opaque bytes laid out as in a firth stream's record frames:
 * either recsize bytes each, or (recsize 0) a u16 little-endian length L,
 * L bytes, then `tail' more bytes (a vector record: word, then dim floats).
 */
#ifndef FIRTH_SHUFFLE_H
#define FIRTH_SHUFFLE_H

#include <stddef.h>
#include <stdint.h>

struct shuffle_opts {
	uint64_t mem;		/* bytes of records (and their index) in memory */
	uint32_t recsize;	/* bytes per record; 0 for length-prefixed */
	uint32_t tail;		/* recsize 0: bytes after the prefixed part */
	uint64_t seed;		/* same seed, input and mem: same output */
	uint64_t hint;		/* record bytes expected, 0 if unknown */
};

/* Receives whole records, nrecs of them in nbytes, in shuffled order. */
typedef void shuffle_emit_fn(void *arg, const unsigned char *recs,
    size_t nbytes, size_t nrecs);

struct shuffle_stats {
	uint64_t records;	/* added */
	uint64_t bytes;		/* record bytes added */
	uint32_t chunks;	/* spilled to the temporary file */
	uint64_t spilled;	/* bytes written to it, block heads included */
};

struct shuffle *shuffle_new(const struct shuffle_opts *o);
/* Add whole records: nbytes must end on a record boundary. */
void shuffle_add(struct shuffle *s, const void *recs, size_t nbytes);
/* Emit every record in shuffled order; then only shuffle_free is valid. */
void shuffle_finish(struct shuffle *s, shuffle_emit_fn *emit, void *arg);
const struct shuffle_stats *shuffle_stats(const struct shuffle *s);
/* Free memory and remove the temporary file. */
void shuffle_free(struct shuffle *s);

#endif
