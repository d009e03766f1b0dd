/*
 * phrase.h - phrases ("new york" as new_york) found from unigram and
 * bigram counts kept in a corpus database (firth-phrase(1)).
 *
 * Counting (phrase_count.c) adds one batch of token text to the counts of
 * one pass; the counts live in the tables phrase_words and phrase_bigrams
 * (firth-db(5)), the bigrams as sorted runs of shard blobs (shard.h), one
 * run per batch, so batches add up exactly.  Applying (phrase.c) sums the
 * runs of a pass with a k-way merge, keeps the pairs whose score passes
 * the threshold, and joins them in token text with '_'.
 */
#ifndef FIRTH_PHRASE_H
#define FIRTH_PHRASE_H

#include <stdint.h>
#include <stdio.h>

#include "shard.h"

struct db;
struct tokin;
struct vocab;

#define PHRASE_MAX_PASS 9	/* passes counted apart: 1 .. 9 */

enum { PHRASE_W2P = 0, PHRASE_NPMI = 1 };

/*
 * The score of the pair (a, b) seen nab times, a na times and b nb times
 * among total tokens.  PHRASE_W2P is word2phrase's
 *   (nab - delta) / (na nb) * total,
 * 0 when na or nb is below delta; PHRASE_NPMI is gensim's normalised PMI
 *   ln(p(ab) / (p(a) p(b))) / -ln p(ab),  p(x) = n(x) / total,
 * in [-1, 1], -1 when nab is below delta.
 */
double phrase_score(int scoring, int64_t delta, int64_t na, int64_t nb,
    int64_t nab, int64_t total);

/* ---- storage (phrase_db.c) ---- */

/* The shard header every bigram blob carries: window 1, unit 1. */
struct shard_meta phrase_meta(void);
/* Whether the database has phrase tables (a batch ever counted). */
int phrase_db_has_tables(struct db *db);
/* Create the tables when missing (inside the caller's transaction). */
void phrase_db_create(struct db *db);
/* The words of one pass, ids as in phrase_words; a new vocabulary. */
struct vocab *phrase_db_words(struct db *db, int pass);
/* Bigram records stored for a pass (0: none counted). */
int64_t phrase_db_records(struct db *db, int pass);
/*
 * Every bigram of a pass with its count summed over all batches, in key
 * order, passed to emit (a k-way merge with fan-in SHARD_FANIN, through
 * temporary runs when there are more batches).  ndb: words of the pass,
 * which every id must stay below.
 */
void phrase_db_merge(struct db *db, int pass, uint32_t ndb,
    shard_emit_fn emit, void *ctx);

/* ---- counting (phrase_count.c) ---- */

/*
 * Count token text into one new batch of pass in the database: unigrams
 * of every token, bigrams of neighbours inside a document.  mem bounds
 * the bigram table in bytes; when it fills, it is written out as a sorted
 * temporary run and emptied (never pruned), and the runs are merged into
 * the batch's one stored run.  Returns the batch id, or -1 with a message
 * when the input was already counted for this pass.
 */
int64_t phrase_count(struct db *db, struct tokin *in, int pass, uint64_t mem,
    int level);

/* ---- applying (phrase.c) ---- */

struct phrase_opts {
	int pass;
	int scoring;		/* PHRASE_W2P or PHRASE_NPMI */
	double threshold;	/* join when the score is above it */
	int64_t delta;		/* min count: word2phrase's -min-count */
	uint64_t mem;		/* bound on the table of joined pairs */
};

struct phrase_table;

/* Load the pass's words and the pairs that pass; dies without counts. */
struct phrase_table *phrase_table_load(struct db *db,
    const struct phrase_opts *o);
/* Pairs kept and the pass's token total. */
uint64_t phrase_table_size(const struct phrase_table *t);
int64_t phrase_table_total(const struct phrase_table *t);
void phrase_table_free(struct phrase_table *t);
/*
 * Copy token text from in to out with each kept pair joined by '_',
 * greedily left to right (a token joined to its left neighbour does not
 * join its right one in the same pass, as in word2phrase).  Returns the
 * joins made; *tokens gets the tokens read.
 */
uint64_t phrase_apply(const struct phrase_table *t, struct tokin *in,
    FILE *out, uint64_t *tokens);
/* "a_b count score" for every kept pair, in (a, b) id order. */
void phrase_list(const struct phrase_table *t, FILE *out);
/* "a count" for every word of the pass in id order, then "a b count"
 * for every bigram in (a, b) id order: the exact stored sums. */
void phrase_dump(struct db *db, int pass, FILE *out);

#endif
