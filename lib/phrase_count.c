/*
 * phrase_count.c - count one batch of token text for firth-phrase: the
 * unigrams of every token and the bigrams of neighbouring tokens inside a
 * document, added to one pass's counts in the corpus database in one
 * transaction (phrase_db.c says where they go).
 *
 * Ids: the pass's words keep their stored ids; words new to the pass get
 * the next ids in order of first appearance in the batch, so counting the
 * same text in one batch or in two gives the same ids.
 *
 * Memory: the bigram table is open addressing over 16-byte slots (key,
 * count), kept at most 70 % full, and holds at most mem / 2 bytes of
 * slots.  When that fills, its pairs are sorted and written to a
 * temporary sorted run and the table is emptied; at the end the runs and
 * the table are merged into the batch's one stored run.  Nothing is ever
 * dropped: counts are exact whatever the bound, which costs temporary
 * disk instead (word2phrase, in the same place, forgets rare bigrams).
 */
#include "phrase.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "db.h"
#include "tokin.h"
#include "vocab.h"

struct pslot {
	uint64_t key;		/* SHARD_KEY(a, b) */
	uint64_t n;		/* 0: empty */
};

struct pairs {
	struct pslot *s;	/* [mask + 1] */
	uint64_t mask, used, maxslots;
	struct shard_tmprun **runs;
	int nruns;
};

static inline uint64_t
pair_hash(uint64_t key)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ULL;
	return key ^ key >> 29;
}

static void
pairs_resize(struct pairs *p, uint64_t nslots)
{
	struct pslot *old = p->s;
	uint64_t oldn = old != NULL ? p->mask + 1 : 0;

	p->s = xcalloc(nslots, sizeof(*p->s));
	p->mask = nslots - 1;
	for (uint64_t i = 0; i < oldn; i++) {
		uint64_t j;
		if (old[i].n == 0)
			continue;
		for (j = pair_hash(old[i].key) & p->mask; p->s[j].n != 0;
		    j = (j + 1) & p->mask)
			;
		p->s[j] = old[i];
	}
	free(old);
}

static int
cmp_slot(const void *a, const void *b)
{
	uint64_t x = ((const struct pslot *)a)->key;
	uint64_t y = ((const struct pslot *)b)->key;

	return x < y ? -1 : x > y;
}

/* Move the pairs to the front of the slots, sorted; returns how many. */
static uint64_t
pairs_sort(struct pairs *p)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i <= p->mask; i++)
		if (p->s[i].n != 0)
			p->s[n++] = p->s[i];
	qsort(p->s, n, sizeof(*p->s), cmp_slot);
	return n;
}

/* A sorted array of slots as a shard cursor. */
struct memrun {
	const struct pslot *s;
	uint64_t n, pos;
};

static uint32_t
memrun_fill(void *ctx, struct shard_rec *buf)
{
	struct memrun *m = ctx;
	uint32_t n = 0;

	for (; m->pos < m->n && n < SHARD_MAX_RECS; m->pos++, n++) {
		buf[n].key = m->s[m->pos].key;
		/* Window 1: every occurrence is at distance 1. */
		buf[n].n = buf[n].dsum = buf[n].h = m->s[m->pos].n;
	}
	return n;
}

static void
emit_to_writer(void *ctx, const struct shard_rec *r)
{
	shard_writer_add(ctx, r);
}

/* Write the table as one more temporary run and empty it. */
static void
pairs_spill(struct pairs *p)
{
	struct shard_meta m = phrase_meta();
	struct shard_tmprun *t = shard_tmprun_new();
	struct shard_writer *w = shard_writer_new(&m, 0, shard_tmprun_sink, t);
	struct memrun mr = { p->s, pairs_sort(p), 0 };
	struct shard_rec *buf = xreallocarray(NULL, SHARD_MAX_RECS,
	    sizeof(*buf));
	uint32_t n;

	while ((n = memrun_fill(&mr, buf)) > 0)
		for (uint32_t i = 0; i < n; i++)
			shard_writer_add(w, &buf[i]);
	shard_writer_close(w);
	free(buf);
	memset(p->s, 0, (p->mask + 1) * sizeof(*p->s));
	p->used = 0;
	p->runs = xreallocarray(p->runs, p->nruns + 1, sizeof(*p->runs));
	p->runs[p->nruns++] = t;
	cli_info("bigram table full (-M): spilled run %d of %llu pairs",
	    p->nruns, (unsigned long long)t->records);
}

static inline void
pairs_add(struct pairs *p, uint32_t a, uint32_t b)
{
	uint64_t key = SHARD_KEY(a, b), j;

	for (j = pair_hash(key) & p->mask; p->s[j].n != 0;
	    j = (j + 1) & p->mask)
		if (p->s[j].key == key) {
			p->s[j].n++;
			return;
		}
	p->s[j].key = key;
	p->s[j].n = 1;
	if (++p->used * 10 > (p->mask + 1) * 7) {
		if (p->mask + 1 < p->maxslots)
			pairs_resize(p, (p->mask + 1) * 2);
		else
			pairs_spill(p);
	}
}

/* Rows of the batch's run go into phrase_bigrams. */
struct dbsink {
	struct db *db;
	sqlite3_stmt *ins;
	int64_t batch;
	int pass;
	uint64_t blobs;
};

static void
dbsink_put(void *ctx, const unsigned char *blob, size_t len, uint32_t nrecs,
    uint32_t first_w1, uint32_t last_w1)
{
	struct dbsink *s = ctx;

	if (s->ins == NULL)
		s->ins = db_prepare(s->db, "INSERT INTO phrase_bigrams(batch, "
		    "pass, first_w1, last_w1, records, data, checksum) VALUES "
		    "(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_int64(s->ins, 1, s->batch);
	sqlite3_bind_int(s->ins, 2, s->pass);
	sqlite3_bind_int64(s->ins, 3, first_w1);
	sqlite3_bind_int64(s->ins, 4, last_w1);
	sqlite3_bind_int64(s->ins, 5, nrecs);
	sqlite3_bind_blob(s->ins, 6, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 7, crc32(0, blob, len));
	db_step(s->db, s->ins);
	sqlite3_reset(s->ins);
	s->blobs++;
}

/* Merge the spilled runs and the table into the batch's stored run. */
static uint64_t
pairs_store(struct pairs *p, struct dbsink *sink, int level)
{
	struct shard_meta m = phrase_meta();
	struct shard_cur **cur = NULL;
	struct memrun mr = { p->s, pairs_sort(p), 0 };
	struct shard_writer *w;
	uint64_t records;
	int k;

	/* Bounded fan-in: fold the oldest runs together first. */
	while (p->nruns + 1 > SHARD_FANIN) {
		struct shard_tmprun *t = shard_tmprun_new();
		k = SHARD_FANIN;
		cur = xreallocarray(cur, k, sizeof(*cur));
		w = shard_writer_new(&m, 0, shard_tmprun_sink, t);
		for (int i = 0; i < k; i++) {
			cur[i] = xmalloc(sizeof(**cur));
			shard_tmprun_rewind(p->runs[i]);
			shard_cur_init(cur[i], shard_tmprun_fill, p->runs[i],
			    p->runs[i]->path);
		}
		shard_merge(cur, k, emit_to_writer, w);
		shard_writer_close(w);
		for (int i = 0; i < k; i++) {
			shard_cur_free(cur[i]);
			free(cur[i]);
			shard_tmprun_free(p->runs[i]);
		}
		p->nruns -= k;
		memmove(p->runs, p->runs + k, p->nruns * sizeof(*p->runs));
		p->runs = xreallocarray(p->runs, p->nruns + 1,
		    sizeof(*p->runs));
		p->runs[p->nruns++] = t;
	}
	k = p->nruns + 1;
	cur = xreallocarray(cur, k, sizeof(*cur));
	for (int i = 0; i < k; i++) {
		cur[i] = xmalloc(sizeof(**cur));
		if (i < p->nruns) {
			shard_tmprun_rewind(p->runs[i]);
			shard_cur_init(cur[i], shard_tmprun_fill, p->runs[i],
			    p->runs[i]->path);
		} else
			shard_cur_init(cur[i], memrun_fill, &mr, "bigrams");
	}
	w = shard_writer_new(&m, level, dbsink_put, sink);
	shard_merge(cur, k, emit_to_writer, w);
	shard_writer_flush(w);
	records = w->records;
	shard_writer_close(w);
	for (int i = 0; i < k; i++) {
		shard_cur_free(cur[i]);
		free(cur[i]);
	}
	for (int i = 0; i < p->nruns; i++)
		shard_tmprun_free(p->runs[i]);
	p->nruns = 0;
	free(cur);
	return records;
}

/* Add the batch's unigram counts: stored ids updated, new ids appended. */
static void
words_store(struct db *db, int pass, const struct vocab *v, uint32_t nold)
{
	sqlite3_stmt *upd = db_prepare(db, "UPDATE phrase_words SET count = "
	    "count + ?1 WHERE pass = ?2 AND id = ?3");
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO phrase_words(pass, "
	    "id, word, count) VALUES (?1, ?2, ?3, ?4)");

	for (uint32_t id = 0; id < v->n; id++) {
		if (v->counts[id] == 0)
			continue;
		if (id < nold) {
			sqlite3_bind_int64(upd, 1, v->counts[id]);
			sqlite3_bind_int(upd, 2, pass);
			sqlite3_bind_int64(upd, 3, id);
			db_step(db, upd);
			sqlite3_reset(upd);
		} else {
			sqlite3_bind_int(ins, 1, pass);
			sqlite3_bind_int64(ins, 2, id);
			sqlite3_bind_text(ins, 3, v->words[id], v->lens[id],
			    SQLITE_STATIC);
			sqlite3_bind_int64(ins, 4, v->counts[id]);
			db_step(db, ins);
			sqlite3_reset(ins);
		}
	}
	sqlite3_finalize(upd);
	sqlite3_finalize(ins);
}

int64_t
phrase_count(struct db *db, struct tokin *in, int pass, uint64_t mem,
    int level)
{
	struct vocab *v = phrase_db_words(db, pass);
	struct pairs p = { 0 };
	struct dbsink sink = { 0 };
	char digest[TOKIN_DIGEST_LEN], kind[16];
	const char *tok;
	size_t len;
	int64_t prev = -1, docs = 0, tokens = 0, batch;
	uint64_t records;
	uint32_t nold = v->n;
	int r;

	/* The stored counts are not needed here; v counts this batch. */
	for (uint32_t i = 0; i < nold; i++)
		v->counts[i] = 0;
	p.maxslots = 1u << 10;
	while (p.maxslots * 2 * sizeof(struct pslot) <= mem / 2)
		p.maxslots *= 2;
	pairs_resize(&p, p.maxslots < (1u << 16) ? p.maxslots : 1u << 16);
	while ((r = tokin_next(in, &tok, &len)) != TOKIN_EOF) {
		uint32_t id;

		if (r == TOKIN_EOD) {
			docs++;
			prev = -1;
			continue;
		}
		id = vocab_add(v, tok, len, 1);
		if (id > SHARD_MAX_ID)
			cli_die("more than %u distinct tokens in pass %d",
			    SHARD_MAX_ID + 1, pass);
		if (prev >= 0)
			pairs_add(&p, (uint32_t)prev, id);
		prev = id;
		tokens++;
	}
	if (tokens == 0)
		cli_die("no tokens in the input (%s): did the upstream command "
		    "fail?", tokin_source(in));
	tokin_digest(in, digest);
	snprintf(kind, sizeof(kind), "phrase%d", pass);

	db_begin(db);
	phrase_db_create(db);
	if ((batch = db_batch_find(db, kind, digest)) >= 0) {
		db_rollback(db);
		cli_info("%s: this input was already counted for pass %d as "
		    "batch %lld; nothing changed", db->path, pass,
		    (long long)batch);
		batch = -1;
		goto out;
	}
	{
		/* Another firth-phrase may have added words since we read
		 * them: the new ids would clash.  Rare; say so. */
		sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM "
		    "phrase_words WHERE pass = ?1");
		int changed;

		sqlite3_bind_int(st, 1, pass);
		changed = db_step(db, st) != SQLITE_ROW ||
		    sqlite3_column_int64(st, 0) != nold;
		sqlite3_finalize(st);
		if (changed) {
			db_rollback(db);
			cli_die("%s: another firth-phrase --count added to pass "
			    "%d while this one counted; run this one again",
			    db->path, pass);
		}
	}
	batch = db_batch_add(db, kind, digest, tokin_source(in), docs, tokens);
	words_store(db, pass, v, nold);
	sink.db = db;
	sink.batch = batch;
	sink.pass = pass;
	records = pairs_store(&p, &sink, level);
	sqlite3_finalize(sink.ins);
	db_commit(db);
	cli_progress_done("%lld tokens, %lld documents, %u words (%u new), "
	    "%llu bigrams; pass %d, batch %lld", (long long)tokens,
	    (long long)docs, v->n, v->n - nold, (unsigned long long)records,
	    pass, (long long)batch);
out:
	for (int i = 0; i < p.nruns; i++)
		shard_tmprun_free(p.runs[i]);
	free(p.runs);
	free(p.s);
	vocab_free(v);
	return batch;
}
