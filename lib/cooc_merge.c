/*
 * cooc_merge.c - the steps of firth-cooc --merge (cooc_merge.h).  Slices
 * are checked before the target is touched: each a firth database with
 * co-occurrence counts, all counted with the same settings, none sharing
 * a batch with another.  Their batch rows are copied (so a slice merged
 * twice, or counted into the target directly, is recognised by its
 * digests), their words reconciled by bytes (cmerge.h), and each slice's
 * runs merged, renumbered into the target's ids, re-sorted in bounded
 * memory and merged again into new runs of the target, whose shards
 * belong to the first copied cooc batch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmerge.h"
#include "cooc_merge.h"
#include "cooc_runs.h"
#include "db.h"

/* What a renumbered record needs: the slice's map, the document offset. */
struct remap {
	const uint32_t *map;
	int64_t docoff;
	int canonical, worddoc;
	struct cmerge_sorter *sorter;
};

static void
emit_remap(void *ctx, const struct shard_rec *r)
{
	struct remap *m = ctx;
	struct shard_rec x = *r;
	uint32_t a = m->map[SHARD_W1(r->key)], b;

	if (m->worddoc)
		b = (uint32_t)(SHARD_W2(r->key) + m->docoff);
	else
		b = m->map[SHARD_W2(r->key)];
	if (m->canonical && a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	x.key = SHARD_KEY(a, b);
	cmerge_sorter_add(m->sorter, &x);
}

/* A slice: opened read-only in one read transaction (one snapshot). */
static void
slice_open(struct cooc_slice *sl, const char *path, const char *want,
    const char *first)
{
	struct cooc_settings s;
	char *v;
	sqlite3_stmt *st;

	sl->path = path;
	sl->db = db_open(path, DB_READ);
	db_exec(sl->db, "BEGIN");
	v = db_meta_get(sl->db, "cooc");
	if (v == NULL)
		cli_die("%s: no co-occurrence counts to merge; count them "
		    "with firth-cooc -d %s FILE first", path, path);
	if (want != NULL && strcmp(v, want) != 0)
		cli_die("%s was counted with '%s', %s with '%s'. Counts with "
		    "other settings do not add up: count every slice with "
		    "the same options", path, v, first, want);
	cooc_settings_parse(sl->db, &s);
	cooc_settings_additive(v, path);
	free(v);
	db_words_load(sl->db, &sl->words, &sl->counts, &sl->nw);
	if (sl->nw > SHARD_MAX_ID)
		cli_die("%s: %u words; firth-cooc counts at most %u", path,
		    sl->nw, SHARD_MAX_ID);
	sl->docs = cooc_docs_before(sl->db);
	st = db_prepare(sl->db, "SELECT count(*) FROM batches");
	if (db_step(sl->db, st) == SQLITE_ROW)
		sl->nbatches = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
}

/* The first batch of slice a that slice b (or the target) also has. */
static int
slice_shared(struct db *a, struct db *b, char *kind, char *digest,
    size_t size)
{
	sqlite3_stmt *st = db_prepare(a, "SELECT kind, digest FROM batches "
	    "ORDER BY id");
	int found = 0;

	while (!found && db_step(a, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		if (k == NULL || d == NULL)
			cli_die("%s: damaged batches table", a->path);
		if (db_batch_find(b, k, d) >= 0) {
			snprintf(kind, size, "%s", k);
			snprintf(digest, size, "%s", d);
			found = 1;
		}
	}
	sqlite3_finalize(st);
	return found;
}

/* Batches of the slice already in the target. */
static int64_t
slice_merged(struct cooc_slice *sl, struct db *db)
{
	sqlite3_stmt *st = db_prepare(sl->db, "SELECT kind, digest FROM "
	    "batches");
	int64_t n = 0;

	while (db_step(sl->db, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		if (k != NULL && d != NULL && db_batch_find(db, k, d) >= 0)
			n++;
	}
	sqlite3_finalize(st);
	return n;
}

/*
 * Copy the slice's batch rows; return the target id of its first cooc
 * batch, or -1.  The source says where the batch came through.
 */
static int64_t
slice_copy_batches(struct cooc_slice *sl, struct db *db)
{
	sqlite3_stmt *st = db_prepare(sl->db, "SELECT kind, digest, source, "
	    "docs, tokens FROM batches ORDER BY id");
	int64_t first = -1, id;
	char *src = NULL;
	size_t cap = 0, len;

	while (db_step(sl->db, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		const char *s = (const char *)sqlite3_column_text(st, 2);
		if (k == NULL || d == NULL || s == NULL)
			cli_die("%s: damaged batches table", sl->path);
		len = strlen(s) + strlen(sl->path) + 16;
		if (len > cap)
			src = xrealloc(src, cap = len);
		snprintf(src, cap, "%s (via %s)", s, sl->path);
		id = db_batch_add(db, k, d, src, sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 4));
		if (first < 0 && strcmp(k, "cooc") == 0)
			first = id;
	}
	sqlite3_finalize(st);
	free(src);
	return first;
}

/* Every slice a distinct file, none the target; *tnew: no target yet. */
static void
slices_stat(struct cooc_slice *sl, char **paths, int n, const char *target,
    int *tnew)
{
	struct stat sb;

	for (int i = 0; i < n; i++) {
		if (stat(paths[i], &sb) != 0)
			cli_die("%s: %s", paths[i], strerror(errno));
		sl[i].dev = sb.st_dev;
		sl[i].ino = sb.st_ino;
		for (int j = 0; j < i; j++)
			if (sl[j].dev == sb.st_dev && sl[j].ino == sb.st_ino)
				cli_die("%s and %s are the same database; "
				    "give each slice once", paths[j],
				    paths[i]);
	}
	*tnew = stat(target, &sb) != 0;
	for (int i = 0; !*tnew && i < n; i++)
		if (sl[i].dev == sb.st_dev && sl[i].ino == sb.st_ino)
			cli_die("%s is the target; a database cannot be "
			    "merged into itself", paths[i]);
}

struct cooc_slice *
cooc_slices_open(char **paths, int n, const char *target, int *tnew)
{
	struct cooc_slice *sl = xcalloc(n, sizeof(*sl));
	char kind[64], digest[128];

	slices_stat(sl, paths, n, target, tnew);
	for (int i = 0; i < n; i++) {
		char *first = i > 0 ? db_meta_get(sl[0].db, "cooc") : NULL;
		slice_open(&sl[i], paths[i], first, paths[0]);
		free(first);
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (slice_shared(sl[i].db, sl[j].db, kind, digest,
			    sizeof(kind) < sizeof(digest) ? sizeof(kind) :
			    sizeof(digest)))
				cli_die("%s and %s both hold the %s batch %s: "
				    "slices must not overlap (each would be "
				    "counted twice)", paths[j], paths[i], kind,
				    digest);
	return sl;
}

int
cooc_slices_merged(struct cooc_slice *sl, int n, struct db *db)
{
	int nmerged = 0;

	for (int i = 0; i < n; i++) {
		int64_t k = slice_merged(&sl[i], db);
		if (k == sl[i].nbatches && k > 0)
			nmerged++;
		else if (k > 0)
			cli_die("%s: some of its batches are in %s already "
			    "(merged or counted there before): nothing "
			    "changed; merge slices that do not overlap",
			    sl[i].path, db->path);
	}
	if (nmerged == n)
		return 1;
	if (nmerged > 0)
		for (int i = 0; i < n; i++)
			if (slice_merged(&sl[i], db) > 0)
				cli_die("%s was merged into %s already: "
				    "nothing changed; leave it out", sl[i].path,
				    db->path);
	return 0;
}

uint32_t
cooc_slices_vocab(struct cooc_slice *sl, int n, struct cmerge_vocab *cv,
    struct db *db)
{
	uint32_t added;

	for (int i = 0; i < n; i++) {
		sl[i].map = xreallocarray(NULL, (size_t)sl[i].nw + 1,
		    sizeof(uint32_t));
		for (uint32_t k = 0; k < sl[i].nw; k++)
			sl[i].map[k] = cmerge_vocab_add(cv, sl[i].words[k],
			    strlen(sl[i].words[k]), sl[i].counts[k]);
	}
	if (cmerge_vocab_size(cv) > SHARD_MAX_ID)
		cli_die("%s: the merge would hold %u words; firth-cooc counts "
		    "at most %u", db->path, cmerge_vocab_size(cv),
		    SHARD_MAX_ID);
	added = cmerge_vocab_finish(cv, db);
	for (int i = 0; i < n; i++)
		for (uint32_t k = 0; k < sl[i].nw; k++)
			sl[i].map[k] = cmerge_vocab_id(cv, sl[i].map[k]);
	return added;
}

void
cooc_slices_batches(struct cooc_slice *sl, int n, struct db *db,
    int64_t *batch)
{
	*batch = -1;
	for (int i = 0; i < n; i++) {
		int64_t b = slice_copy_batches(&sl[i], db);
		if (*batch < 0)
			*batch = b;
	}
}

uint64_t
cooc_slices_records(struct cooc_slice *sl, int n)
{
	uint64_t expect = 0;

	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = db_prepare(sl[i].db, "SELECT "
		    "coalesce(sum(records), 0) FROM shards");
		if (db_step(sl[i].db, st) == SQLITE_ROW)
			expect += (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return expect;
}

void
cooc_slices_count(struct cooc_slice *sl, int n, const struct shard_meta *m,
    int64_t docoff, int fanin, struct cmerge_sorter *sorter)
{
	for (int i = 0; i < n; i++) {
		struct cooc_runs runs;
		struct remap rm = { sl[i].map, docoff,
		    (m->flags & SHARD_CANONICAL) != 0,
		    (m->flags & SHARD_WORDDOC) != 0, sorter };

		cooc_runs_open(&runs, sl[i].db, m, sl[i].nw, INT64_MAX, fanin);
		cooc_runs_merge(&runs, emit_remap, &rm);
		cooc_runs_close(&runs);
		docoff += sl[i].docs;
		if (cli_verbose > 0)
			cli_info("%s: %u words, %llu records so far",
			    sl[i].path, sl[i].nw,
			    (unsigned long long)sorter->in);
	}
}

void
cooc_slices_close(struct cooc_slice *sl, int n)
{
	for (int i = 0; i < n; i++) {
		db_words_free(sl[i].words, sl[i].counts, sl[i].nw);
		free(sl[i].map);
		/* The end of the slice's read transaction. */
		sqlite3_exec(sl[i].db->h, "COMMIT", NULL, NULL, NULL);
		db_close(sl[i].db);
	}
	free(sl);
}
