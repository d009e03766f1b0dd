/*
 * cooc_merge.h - firth-cooc --merge: standalone slice databases summed
 * into a target.  Each slice is read in one read transaction (one
 * snapshot); words are reconciled by their bytes and records renumbered
 * into the target's ids (cmerge.h).  The steps, in the order the merge
 * takes them.
 */
#ifndef FIRTH_COOC_MERGE_H
#define FIRTH_COOC_MERGE_H

#include <stdint.h>
#include <sys/types.h>

#include "shard.h"

struct db;
struct cmerge_vocab;
struct cmerge_sorter;

struct cooc_slice {
	const char *path;
	struct db *db;
	char **words;
	int64_t *counts;
	uint32_t nw;
	uint32_t *map;		/* [nw] slice id -> target id */
	int64_t docs;		/* documents of its cooc batches */
	int64_t nbatches;
	dev_t dev;
	ino_t ino;
};

/*
 * Open the n slices, each a distinct file and none the target (path):
 * same settings, co-occurrence counts that add up, no batch shared.
 * *tnew: the target does not exist yet.
 */
struct cooc_slice *cooc_slices_open(char **paths, int n, const char *target,
    int *tnew);
/*
 * 1 when every slice is in the target already; 0 when none is; dies
 * when some are (or some of a slice's batches are).
 */
int cooc_slices_merged(struct cooc_slice *sl, int n, struct db *db);
/* Reconcile the words (sl[i].map); returns the words added. */
uint32_t cooc_slices_vocab(struct cooc_slice *sl, int n,
    struct cmerge_vocab *cv, struct db *db);
/*
 * Copy the slices' batch rows; *batch: the target id of the first cooc
 * batch copied (the new run's owner), or -1.
 */
void cooc_slices_batches(struct cooc_slice *sl, int n, struct db *db,
    int64_t *batch);
/* Records the slices' shards hold (for sizing the sorter). */
uint64_t cooc_slices_records(struct cooc_slice *sl, int n);
/*
 * Every slice's runs merged (at most fanin at once) and renumbered into
 * sorter; word-document numbers continue from docoff (documents the
 * target had).
 */
void cooc_slices_count(struct cooc_slice *sl, int n,
    const struct shard_meta *m, int64_t docoff, int fanin,
    struct cmerge_sorter *sorter);
void cooc_slices_close(struct cooc_slice *sl, int n);

#endif
