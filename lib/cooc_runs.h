/*
 * cooc_runs.h - the co-occurrence side of the corpus database
 * (firth-db(5)): the counting settings every batch shares (meta key
 * "cooc"), the shards table read as sorted runs and written through a
 * sink, and the housekeeping that keeps a batch to a few runs.  Shared by
 * every mode of firth-cooc; the blob format itself is shard.h's.
 */
#ifndef FIRTH_COOC_RUNS_H
#define FIRTH_COOC_RUNS_H

#include <stdint.h>
#include <sqlite3.h>

#include "shard.h"

struct db;
struct cmerge_sorter;

enum { COOC_WINDOW, COOC_DOC, COOC_WORDDOC };		/* contexts */
enum { COOC_HARMONIC, COOC_LINEAR, COOC_FLAT };		/* weightings */
extern const char *const cooc_ctx_names[3];
extern const char *const cooc_weight_names[3];

/* Index of s in names[0..n); a usage error naming what otherwise. */
int cooc_name_index(const char *const *names, int n, const char *s,
    const char *what);

/* The counting settings every batch of a database must share. */
struct cooc_settings {
	int context, weighting, left, window, doc_cap, close_gaps;
	int64_t min_count;
	uint32_t max_vocab;
	char stopwords[64];
};

/* Value of "key=" in a settings string, into buf; NULL if absent. */
const char *cooc_setting_get(const char *s, const char *key, char *buf,
    size_t size);
/* The settings as the string the database stores (meta "cooc"). */
void cooc_settings_format(const struct cooc_settings *s, char *buf,
    size_t size);
/* Read the settings the database's batches were counted with; dies. */
void cooc_settings_parse(struct db *db, struct cooc_settings *s);
/* What every shard of such settings says in its header. */
struct shard_meta cooc_settings_meta(const struct cooc_settings *s);
/* Die unless counts made with v add up across slices (what: its name). */
void cooc_settings_additive(const char *v, const char *what);

/* Documents of the cooc batches so far (word-document ids go on there). */
int64_t cooc_docs_before(struct db *db);

/*
 * A run read from the database: the shards of one (batch, level), in id
 * order, each blob checked against its row, its checksum, the settings
 * and the words table (ids below ndb).
 */
struct cooc_dbrun {
	struct db *db;
	sqlite3_stmt *st;
	char name[64];
	unsigned char *scratch;	/* [SHARD_MAX_RAW] */
	struct shard_meta want;
	uint32_t ndb;
	int compacted;		/* batch NULL: made by --compact */
};

/* A growing list of cursors with what they read from. */
struct cooc_runset {
	struct shard_cur **cur;
	struct cooc_dbrun **dbr;	/* [i] or NULL */
	struct shard_tmprun **tmp;	/* [i] or NULL */
	int n, cap;
};

/* A temporary run, rewound, read ahead on a thread of its own. */
void cooc_runset_add_tmp(struct cooc_runset *rs, struct shard_tmprun *t);
void cooc_runset_free(struct cooc_runset *rs);

/* One run of the database: the shards of (batch, level). */
struct cooc_runkey {
	int64_t batch;		/* -1: NULL (compacted) */
	int64_t level;
};

/*
 * The runs of a database (shard ids up to maxid) ready to be merged in
 * bounded memory: at most fanin of them open at once, each a cursor, a
 * read-ahead thread and about COOC_RUN_BYTES of buffers.  When there are
 * more, cooc_runs_open merges them fanin at a time into temporary runs
 * first (rounds), once, so a reader that merges several times (the
 * export's passes) pays for the rounds once.
 */
#define COOC_RUN_BYTES (8u << 20)
struct cooc_runs {
	struct db *db;
	struct shard_meta meta;
	uint32_t ndb;		/* ids stay below */
	int64_t maxid;
	int fanin;
	struct cooc_runkey *key;	/* [nkey] database runs read directly */
	int nkey;
	struct shard_tmprun **tmp;	/* [ntmp] rounds already merged */
	int ntmp;
};

/* The fan-in that mem bytes allow: 2..SHARD_FANIN. */
int cooc_fanin(uint64_t mem);
void cooc_runs_open(struct cooc_runs *r, struct db *db,
    const struct shard_meta *m, uint32_t ndb, int64_t maxid, int fanin);
/* Every record of the runs, summed by key, to emit; may be repeated. */
void cooc_runs_merge(struct cooc_runs *r, shard_emit_fn emit, void *ctx);
void cooc_runs_close(struct cooc_runs *r);

/* shard_emit_fn that adds each record to a shard_writer. */
void cooc_emit_to_writer(void *ctx, const struct shard_rec *r);

/* Shards go into the database as rows of (batch, level). */
struct cooc_sink {
	struct db *db;
	sqlite3_stmt *ins;
	int64_t batch;		/* -1: NULL (compacted) */
	int level;
	uint64_t shards;	/* rows inserted */
};

/* shard_writer sink: one row of the shards table per blob. */
void cooc_sink_put(void *ctx, const unsigned char *blob, size_t len,
    uint32_t nrecs, uint32_t first_w1, uint32_t last_w1);
/* Finalize the sink's statement. */
void cooc_sink_end(struct cooc_sink *s);

/*
 * A batch keeps at most COOC_BATCH_RUNS runs, so that one batch's export
 * merges them in one round.  cooc_tmpruns_shrink merges the oldest of
 * runs[0..*nruns) (at most fanin <= SHARD_FANIN at a time, blobs at zlib
 * level) until at most keep are left; what, if not NULL, names them in a
 * -v message.
 */
#define COOC_BATCH_RUNS (SHARD_FANIN / 2)
void cooc_tmpruns_shrink(struct shard_tmprun **runs, int *nruns, int keep,
    int fanin, const struct shard_meta *m, int level, const char *what);
/*
 * The sorter's runs become runs of sink->batch, levels 0, 1, ..., their
 * blobs copied, not decoded.  The sorter is freed.  Returns the records
 * stored (a pair in two runs counts twice).
 */
uint64_t cooc_sorter_store(struct cmerge_sorter *sorter,
    const struct shard_meta *m, int level, struct db *db,
    struct cooc_sink *sink);

/* Largest shard id (-1 if none) and number of shards. */
void cooc_shards_span(struct db *db, int64_t *maxid, int64_t *count);
/* Delete the shards with ids up to maxid. */
void cooc_shards_delete(struct db *db, int64_t maxid);

/*
 * Open (or create) the target of --merge or --import.  A target this run
 * creates (tnew) goes again if the run fails; cooc_target_keep, after
 * the commit, keeps it.
 */
struct db *cooc_target_open(const char *path, int tnew, char *cleanup[3]);
void cooc_target_keep(char *cleanup[3]);

#endif
