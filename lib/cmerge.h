/*
 * cmerge.h - summing co-occurrence counts made under other vocabularies
 * (firth-cooc --merge and --import): the words reconciled by their bytes,
 * and the records renumbered into the target's ids, which puts them out
 * of key order, re-sorted in a bounded buffer into temporary sorted runs
 * (shard.h) for the k-way merge.
 */
#ifndef FIRTH_CMERGE_H
#define FIRTH_CMERGE_H

#include <stddef.h>
#include <stdint.h>

#include "shard.h"

struct db;
struct vocab;

/*
 * Vocabulary reconciliation.  The target's words keep their ids; words it
 * lacks get the next ids in the order of their summed counts, highest
 * first, ties by bytes: what firth-vocab gives one batch holding all the
 * added input, so that merging slices into an empty database numbers the
 * words as counting their concatenation would.
 */
struct cmerge_vocab {
	struct vocab *old;	/* the target's words, ids as in its table */
	int64_t *add;		/* [old->n] counts to add to them */
	struct vocab *fresh;	/* words the target lacks, summed counts */
	uint32_t *final;	/* [fresh->n] target id, once finished */
};

/* Load the target's words (inside the caller's transaction). */
struct cmerge_vocab *cmerge_vocab_new(struct db *db);
/*
 * Add count to word; return its provisional id: the target id for a word
 * the target has, else old->n + its index among the new words.
 */
uint32_t cmerge_vocab_add(struct cmerge_vocab *cv, const char *w,
    size_t len, int64_t count);
/* Number the new words and write the words table; returns words added. */
uint32_t cmerge_vocab_finish(struct cmerge_vocab *cv, struct db *db);
/* Target id of a word, after cmerge_vocab_finish; -1 if not added. */
int64_t cmerge_vocab_find(const struct cmerge_vocab *cv, const char *w,
    size_t len);
/* Target id of a provisional id, after cmerge_vocab_finish. */
uint32_t cmerge_vocab_id(const struct cmerge_vocab *cv, uint32_t prov);
/* Words the target will have. */
uint32_t cmerge_vocab_size(const struct cmerge_vocab *cv);
void cmerge_vocab_free(struct cmerge_vocab *cv);

/*
 * The re-sorting buffer.  Records go in in any order (a key may come
 * more than once); when the buffer is full its records are radix-sorted,
 * equal keys summed, and the result written as one temporary sorted run.
 * Memory: two arrays of cap records (32 bytes each), cap from mem.
 */
struct cmerge_sorter {
	struct shard_meta meta;
	struct shard_rec *buf, *tmp;	/* [cap] each */
	size_t n, cap;
	int fields[2][2];	/* key bits sorted on: w2's, then w1's */
	int level;		/* zlib level of the runs' blobs (0) */
	struct shard_tmprun **runs;	/* the sorted runs so far */
	int nruns;
	uint64_t in, out;	/* records added; records in the runs */
};

/*
 * maxw1, maxw2: the largest ids the keys will hold; expect: about how
 * many records will be added (0: unknown), so that the buffers are no
 * larger than CMERGE_RUNS runs need.
 */
#define CMERGE_RUNS 8
struct cmerge_sorter *cmerge_sorter_new(const struct shard_meta *m,
    uint64_t mem, uint32_t maxw1, uint32_t maxw2, uint64_t expect);
void cmerge_sorter_add(struct cmerge_sorter *s, const struct shard_rec *r);
/* Sort, sum and write what the buffer holds as one more run. */
void cmerge_sorter_flush(struct cmerge_sorter *s);
/* Free the buffers and every run not taken (runs[i] set to NULL). */
void cmerge_sorter_free(struct cmerge_sorter *s);

/*
 * LSD radix sort of records on the key bits in fields (pairs lo, hi,
 * least significant first); stable.  tmp has room for n records.  Returns
 * a or tmp, whichever holds the result.  cmerge_sort_ref is the same
 * order by qsort, its plain twin for tests.
 */
struct shard_rec *cmerge_sort(struct shard_rec *a, struct shard_rec *tmp,
    size_t n, const int (*fields)[2], int nfields);
void cmerge_sort_ref(struct shard_rec *a, size_t n);
/*
 * The same order by rows: a stable counting pass on w1 (w1bits, at most
 * 24) into tmp, then each row sorted on its w2bits in cache.  Returns tmp.
 */
struct shard_rec *cmerge_sort_rows(struct shard_rec *a,
    struct shard_rec *tmp, size_t n, int w2bits, int w1bits);

#endif
