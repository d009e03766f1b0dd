/*
 * shard.h - co-occurrence shards (firth-db(5)): sorted runs of summed
 * counts stored as blobs in the corpus database, and the k-way merge that
 * sums them.  The blob format is described byte by byte at the top of
 * shard.c.
 *
 * A record is a pair of ids and three exact integer sums over the pair's
 * occurrences: n (how many), dsum (sum of the distances d) and h (sum of
 * inc(d) = unit/d).  Every export weighting of the counted window follows
 * from them without a recount: flat n, harmonic h/unit, linear
 * ((W+1) n - dsum) / W.  Integer sums add up in any order, so two batches
 * give the same numbers as one.
 */
#ifndef FIRTH_SHARD_H
#define FIRTH_SHARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SHARD_VERSION 1
#define SHARD_NSUMS 3
#define SHARD_HEAD 40			/* bytes before the payload */
#define SHARD_MAX_RECS (1u << 16)	/* records in one blob */
#define SHARD_MAX_RAW (SHARD_MAX_RECS * 40u)	/* 5 varints, at most 40 B */
#define SHARD_MAX_BLOB (SHARD_HEAD + SHARD_MAX_RAW + SHARD_MAX_RAW / 8 + 64)
#define SHARD_MAX_ID ((1u << 28) - 1)	/* largest word or document id */
#define SHARD_MAX_WINDOW 255

/* Flags in the blob header. */
#define SHARD_CANONICAL 1u	/* symmetric counts stored once, w1 <= w2 */
#define SHARD_WORDDOC 2u	/* w2 is a document number, not a word */

/* One summed pair.  key = w1 << 32 | w2, so keys sort as (w1, w2). */
struct shard_rec {
	uint64_t key;
	uint64_t n;		/* occurrences */
	uint64_t dsum;		/* sum of distances, each 1..window */
	uint64_t h;		/* sum of unit / d (rounded when not exact) */
};

#define SHARD_KEY(w1, w2) ((uint64_t)(w1) << 32 | (uint32_t)(w2))
#define SHARD_W1(k) ((uint32_t)((k) >> 32))
#define SHARD_W2(k) ((uint32_t)(k))

/* What a blob's header says about all its records. */
struct shard_meta {
	uint32_t flags;		/* SHARD_CANONICAL, SHARD_WORDDOC */
	uint32_t unit;		/* h of one occurrence at distance 1 */
	uint32_t window;	/* largest distance counted (1 for documents) */
};

/* The unit for a window: lcm(1..W) when it fits in 28 bits, else 2^28. */
uint32_t shard_unit(uint32_t window);
/* inc(d) for that unit: exact unit/d, or rounded when unit is 2^28. */
uint32_t shard_inc(uint32_t unit, uint32_t d);

/*
 * Encode recs[0..n) (keys strictly increasing, 1 <= n <= SHARD_MAX_RECS)
 * as one blob in *buf (grown as needed; *cap its size).  level is the
 * zlib level, 0 for a stored payload.  Returns the blob's length.
 */
size_t shard_encode(const struct shard_rec *recs, uint32_t n,
    const struct shard_meta *m, int level, unsigned char **buf, size_t *cap);

/*
 * Decode a blob of len bytes into recs (room for SHARD_MAX_RECS).  Nothing
 * in the blob is trusted: lengths, varints, CRCs, id bounds, key order and
 * the relations between the sums are all checked.  Returns NULL and sets
 * *m and *n, or returns a message saying what is wrong.  scratch is a
 * buffer of at least SHARD_MAX_RAW bytes for the inflated payload.
 */
const char *shard_decode(const void *blob, size_t len, struct shard_meta *m,
    struct shard_rec *recs, uint32_t *n, unsigned char *scratch);

/* Add b's sums into a (same key).  Returns 0, or -1 on 64-bit overflow. */
int shard_rec_add(struct shard_rec *a, const struct shard_rec *b);

/*
 * A cursor over one sorted run.  fill puts up to SHARD_MAX_RECS records of
 * the run into buf and returns how many, 0 at its end; it dies on damage.
 * The cursor checks that keys keep increasing across fills.
 */
struct shard_cur {
	uint32_t (*fill)(void *ctx, struct shard_rec *buf);
	void *ctx;
	const char *name;	/* for messages: "run 3 (batch 2)" */
	struct shard_rec *buf;	/* [SHARD_MAX_RECS] */
	uint32_t n, pos;
	uint64_t last;
	int started;
	void *ahead;		/* struct cur_ahead when filling ahead */
};

void shard_cur_init(struct shard_cur *c, uint32_t (*fill)(void *,
    struct shard_rec *), void *ctx, const char *name);
void shard_cur_free(struct shard_cur *c);
/*
 * Call fill on a thread of its own, one buffer ahead of the reader, so
 * that decoding overlaps merging.  fill must not share state with other
 * threads (each run's own statement or file, scratch and blob buffers).
 */
void shard_cur_ahead(struct shard_cur *c);
/* The current record, or NULL at the end. */
const struct shard_rec *shard_cur_peek(struct shard_cur *c);
void shard_cur_advance(struct shard_cur *c);

/*
 * k-way merge: every key of the k runs once, in order, with the sums of
 * all runs that hold it, passed to emit.  k is at most SHARD_FANIN; the
 * caller merges larger sets in rounds (bounded fan-in keeps the open
 * cursors, and so memory, bounded).
 */
#define SHARD_FANIN 16
typedef void (*shard_emit_fn)(void *ctx, const struct shard_rec *r);
void shard_merge(struct shard_cur **cur, int k, shard_emit_fn emit,
    void *ctx);

/*
 * Writer: records in increasing key order, cut into blobs of at most
 * SHARD_MAX_RECS, each handed to sink with its record count and the first
 * and last w1.
 */
typedef void (*shard_sink_fn)(void *ctx, const unsigned char *blob,
    size_t len, uint32_t nrecs, uint32_t first_w1, uint32_t last_w1);

struct shard_writer {
	struct shard_meta meta;
	int level;
	shard_sink_fn sink;
	void *ctx;
	struct shard_rec *buf;	/* [SHARD_MAX_RECS] */
	uint32_t n;
	unsigned char *blob;
	size_t blobcap;
	uint64_t records;	/* written so far */
	uint64_t bytes;		/* blob bytes so far */
	uint64_t last;
	int started;
	/* async: a thread encodes, compresses and sinks full buffers */
	int async;
	void *thr;		/* struct writer_thread, private */
};

struct shard_writer *shard_writer_new(const struct shard_meta *m, int level,
    shard_sink_fn sink, void *ctx);
void shard_writer_add(struct shard_writer *w, const struct shard_rec *r);
/*
 * From now on encode, compress and sink each full blob on a second
 * thread while the caller goes on adding records (the sink runs on that
 * thread, one blob at a time, in order).
 */
void shard_writer_async(struct shard_writer *w);
/* Hand the records so far to the sink (records and bytes then count
 * them all). */
void shard_writer_flush(struct shard_writer *w);
/* Flush the last blob and free the writer. */
void shard_writer_close(struct shard_writer *w);

/*
 * Temporary runs: blobs in a file, each behind a u32 length.  The file
 * stays in the cli temp registry, so it is removed on every way out.
 */
struct shard_tmprun {
	FILE *f;
	char *path;
	uint64_t records;
	uint64_t blobs;
	uint32_t *rows;		/* [3 * blobs]: nrecs, first_w1, last_w1 */
	uint64_t caprows;
	/* reading */
	struct shard_meta meta;
	unsigned char *blob, *scratch;
};

struct shard_tmprun *shard_tmprun_new(void);
void shard_tmprun_sink(void *ctx, const unsigned char *blob, size_t len,
    uint32_t nrecs, uint32_t first_w1, uint32_t last_w1);
/* Rewind for reading; then shard_tmprun_fill is a cursor's fill. */
void shard_tmprun_rewind(struct shard_tmprun *t);
uint32_t shard_tmprun_fill(void *ctx, struct shard_rec *buf);
/*
 * Hand every blob of the run, unchanged, to sink with the record count
 * and first and last w1 it was written with (storing a spill run in the
 * database costs a copy, not a decode and an encode).
 */
void shard_tmprun_copy(struct shard_tmprun *t, shard_sink_fn sink,
    void *ctx);
void shard_tmprun_free(struct shard_tmprun *t);

#endif
