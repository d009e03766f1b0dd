/*
 * vocab.h - an in-memory vocabulary: a hash table from words to dense ids
 * 0..n-1 with counts, and the choice of which words a tool uses
 * (--min-count, --max-vocab) ranked by frequency.
 */
#ifndef FIRTH_VOCAB_H
#define FIRTH_VOCAB_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct vocab {
	uint32_t n;		/* words */
	char **words;		/* [n] NUL-terminated, in an arena */
	uint32_t *lens;		/* [n] byte lengths */
	int64_t *counts;	/* [n] */
	/* private */
	uint32_t cap, mask;
	uint64_t *slots;	/* [mask+1] hash tag << 32 | id+1; 0 empty */
	uint32_t *hashes;	/* [n] low bits of each word's hash */
	char *arena;
	size_t arenalen, arenacap;
	char **chunks;
	size_t nchunks;
};

struct vocab *vocab_new(void);
void vocab_free(struct vocab *v);
/* Id of word (adding it with count 0 if new), then count added. */
uint32_t vocab_add(struct vocab *v, const char *w, size_t len, int64_t count);
/* Id of word, or -1. */
int64_t vocab_find(const struct vocab *v, const char *w, size_t len);
/* Ids ordered by count descending, then word bytewise ascending. */
uint32_t *vocab_by_count(const struct vocab *v);
/* Hash of a word's bytes (also used by other tables). */
uint64_t vocab_hash(const char *w, size_t len);

/*
 * The words a tool works with, chosen from a corpus database: count at
 * least min_count, at most max_size of them (0: no limit), ranked by count
 * descending then database id ascending.  Rank r is the id in streams.
 */
struct vsel {
	uint32_t n;		/* words chosen */
	char **words;		/* [n] by rank */
	int64_t *counts;	/* [n] by rank */
	uint32_t *dbid;		/* [n] database id of rank r */
	uint32_t ndb;		/* words in the database */
	int64_t *rank;		/* [ndb] rank of database id, or -1 */
	/* private: what db_words_load returned */
	char **dbwords;
	int64_t *dbcounts;
};

struct vsel *vsel_from_db(struct db *db, int64_t min_count, uint32_t max_size);
void vsel_free(struct vsel *s);

#endif
