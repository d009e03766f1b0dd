/*
 * cooc_count.h - firth-cooc's counting engine: token text in, the sorted
 * runs of one batch out.  A reader thread turns tokens into database
 * word ids; the counting thread pairs them (window or document
 * contexts); pairs of words with small ids are summed in a dense table,
 * the rest go as 64-bit occurrences to a spill thread that radix-sorts,
 * sums and writes them as temporary sorted runs.  cooc_counter_store
 * puts the runs and the dense table into the database as one batch.
 */
#ifndef FIRTH_COOC_COUNT_H
#define FIRTH_COOC_COUNT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "cooc_runs.h"
#include "shard.h"

struct db;
struct tokin;

/*
 * The database's words for counting: open addressing over slots that
 * hold the full hash, the length and the word, so a lookup touches one
 * slot and the word's bytes.
 */
struct cooc_wslot {
	uint64_t hash;
	const char *word;	/* NULL: empty */
	uint32_t id, len;
};

struct cooc_wtab {
	struct cooc_wslot *slot;
	uint64_t mask;
	char **words;		/* db_words_load's, kept for the bytes */
	int64_t *counts;
	uint32_t n;
};

/* What the reader saw of the input. */
struct cooc_countstats {
	int64_t docs, tokens, unknown, skipped;
};

/*
 * A dense cell: h, and n << 32 | dsum in one word so that one add updates
 * both (the packed cells of cooc_count.c are one 64-bit word instead).
 */
struct cell {
	uint64_t h;
	uint64_t nd;
};

/* The spill thread: sorts, sums and writes full occurrence buffers. */
struct cooc_spiller {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t *job, *spare, *aux;
	size_t njob;
	int quit;
	int fields[2][2];
	struct shard_meta meta;
	int level;		/* zlib level of the spilled blobs */
	const uint32_t *inc;
	struct shard_tmprun **runs;
	int nruns;
	uint64_t occurrences, records;
	double busy;		/* seconds spent sorting and writing */
};

/* The dense table, the occurrence buffer and the spill thread. */
struct cooc_counter {
	uint32_t ndb;
	int sym;
	uint32_t *lim;		/* [ndb] dense row end (exclusive), or 0 */
	uint64_t *base;		/* [ndb] index of cell (a, 0), wrapping */
	void *dense;		/* [ncells] struct cell, or uint64_t packed */
	size_t ncells;
	size_t cellsize;	/* 16, or 8 when packed */
	int packed, hbits, dbits;
	uint64_t pinc[SHARD_MAX_WINDOW + 1], ptrip;
	uint64_t *occ;		/* [capocc] sparse occurrences being filled */
	size_t nocc, capocc;
	uint32_t inc[SHARD_MAX_WINDOW + 1];
	struct shard_rec *ovf;	/* cells moved out before overflowing */
	size_t novf, capovf;
	struct cooc_spiller sp;
	uint64_t pairs;		/* occurrences counted */
	pthread_t prefault;
	int prefaulting;
};

void cooc_wtab_load(struct cooc_wtab *t, struct db *db);
/* Database id of the word w[0..len), or -1. */
int64_t cooc_wtab_find(const struct cooc_wtab *t, const char *w, size_t len);
void cooc_wtab_free(struct cooc_wtab *t);
/*
 * Flag the words of a stopword file (stop[id] = 1) and describe the file
 * in tag ("WORDS:CRC32") for the settings.
 */
void cooc_stopwords_load(const char *path, const struct cooc_wtab *dbv,
    unsigned char *stop, char *tag, size_t tagsize);

/*
 * Pair occurrences the input files can hold at most (window: words on
 * each side, or the document cap), or 0 when unknown (a pipe).
 */
uint64_t cooc_input_pairs(char **files, int nfiles, int window);

/*
 * Size the dense table and the spill buffers from mem bytes (and from
 * maxpairs, when known, so a small input zeroes a small table) for ndb
 * words; start the spill thread, whose runs use zlib shard_level.
 */
void cooc_counter_init(struct cooc_counter *c, uint32_t ndb,
    const struct shard_meta *m, int sym, int worddoc, uint64_t mem,
    uint64_t maxpairs, int shard_level);

/* How to pair the ids of the input. */
struct cooc_countopts {
	int context;		/* COOC_WINDOW, COOC_DOC, COOC_WORDDOC */
	int window;		/* window contexts: words on the left */
	int doc_cap;		/* document contexts: words in a piece */
	int close_gaps;		/* drop words not counted, not their places */
	int64_t doc0;		/* word-document: documents before this batch */
};

/*
 * Count the whole input: use[id] says 1 counted, 0 out of vocabulary
 * (keeps its place), 2 stopword.  Returns when every spill is written.
 */
void cooc_count_input(struct cooc_counter *c, struct tokin *in,
    const struct cooc_wtab *dbv, const unsigned char *use,
    const struct cooc_countopts *o, struct cooc_countstats *st);

/*
 * Store the counted batch through sink (rows of sink->batch, levels 0,
 * 1, ...): spill runs copied, the dense table and overflow list merged.
 * *records and *bytes: what was stored.
 */
void cooc_counter_store(struct cooc_counter *c, const struct shard_meta *m,
    int level, struct cooc_sink *sink, uint64_t *records, uint64_t *bytes);
void cooc_counter_free(struct cooc_counter *c);

#endif
