/*
 * phrase.c - score word pairs from a pass's summed counts, keep those
 * above the threshold, and join them in token text (firth-phrase(1)).
 *
 * Only the kept pairs are held in memory: the bigram counts stream past
 * in key order from phrase_db_merge and each is scored as it goes by, so
 * memory is the pass's words plus the phrases, not every bigram.
 */
#include "phrase.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "tokin.h"
#include "vocab.h"

double
phrase_score(int scoring, int64_t delta, int64_t na, int64_t nb,
    int64_t nab, int64_t total)
{
	double pa, pb, pab;

	if (scoring == PHRASE_W2P) {
		if (na < delta || nb < delta || na == 0 || nb == 0)
			return 0;
		return (double)(nab - delta) / (double)na / (double)nb *
		    (double)total;
	}
	if (nab < delta || nab <= 0 || total <= 0)
		return -1;
	if (nab >= total)	/* the whole corpus is this pair: -ln 1 = 0 */
		return 1;
	pa = (double)na / (double)total;
	pb = (double)nb / (double)total;
	pab = (double)nab / (double)total;
	return log(pab / (pa * pb)) / -log(pab);
}

/* A kept pair: its key and its count, for --list. */
struct kept {
	uint64_t key;
	uint64_t n;		/* 0: empty slot */
};

struct phrase_table {
	struct phrase_opts o;
	struct vocab *v;	/* the pass's words, ids as stored */
	int64_t total;		/* tokens counted in the pass */
	struct kept *s;		/* [mask + 1] open addressing */
	uint64_t mask, used, maxused;
	const char *path;
};

static inline uint64_t
kept_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	return key ^ key >> 33;
}

static void
kept_insert(struct phrase_table *t, uint64_t key, uint64_t n)
{
	uint64_t j;

	if ((t->used + 1) * 2 > t->mask + 1) {
		struct kept *old = t->s;
		uint64_t oldn = t->mask + 1;

		t->mask = oldn * 2 - 1;
		t->s = xcalloc(t->mask + 1, sizeof(*t->s));
		for (uint64_t i = 0; i < oldn; i++) {
			if (old[i].n == 0)
				continue;
			for (j = kept_hash(old[i].key) & t->mask; t->s[j].n;
			    j = (j + 1) & t->mask)
				;
			t->s[j] = old[i];
		}
		free(old);
	}
	for (j = kept_hash(key) & t->mask; t->s[j].n != 0;
	    j = (j + 1) & t->mask)
		;
	t->s[j].key = key;
	t->s[j].n = n;
	t->used++;
}

static inline int
kept_has(const struct phrase_table *t, uint64_t key)
{
	for (uint64_t j = kept_hash(key) & t->mask; t->s[j].n != 0;
	    j = (j + 1) & t->mask)
		if (t->s[j].key == key)
			return 1;
	return 0;
}

static void
score_emit(void *ctx, const struct shard_rec *r)
{
	struct phrase_table *t = ctx;
	uint32_t a = SHARD_W1(r->key), b = SHARD_W2(r->key);
	double s = phrase_score(t->o.scoring, t->o.delta, t->v->counts[a],
	    t->v->counts[b], (int64_t)r->n, t->total);

	if (!(s > t->o.threshold))
		return;
	if (t->used + 1 > t->maxused)
		cli_die("%s: more than %llu pairs pass the threshold, more "
		    "than -M allows; raise -M, or --threshold or --min-count",
		    t->path, (unsigned long long)t->maxused);
	kept_insert(t, r->key, r->n);
}

/* Words and bigram records of a pass, or a message saying how to count. */
static struct vocab *
pass_words(struct db *db, int pass)
{
	struct vocab *v = phrase_db_words(db, pass);

	if (v->n == 0 || phrase_db_records(db, pass) == 0) {
		if (pass == 1)
			cli_die("%s: no bigram counts (pass 1); count them "
			    "first: firth-phrase -d %s --count FILE...",
			    db->path, db->path);
		cli_die("%s: no bigram counts for pass %d; count the text "
		    "pass %d wrote: firth-phrase -d %s --pass %d --count FILE...",
		    db->path, pass, pass - 1, db->path, pass);
	}
	return v;
}

struct phrase_table *
phrase_table_load(struct db *db, const struct phrase_opts *o)
{
	struct phrase_table *t = xcalloc(1, sizeof(*t));

	t->o = *o;
	t->path = db->path;
	/* One read transaction: words and runs from one committed state. */
	db_exec(db, "BEGIN");
	t->v = pass_words(db, o->pass);
	for (uint32_t i = 0; i < t->v->n; i++)
		t->total += t->v->counts[i];
	t->mask = (1u << 10) - 1;
	t->s = xcalloc(t->mask + 1, sizeof(*t->s));
	/* Slots are 16 bytes and at most half full. */
	t->maxused = o->mem / 32 > 1024 ? o->mem / 32 : 1024;
	phrase_db_merge(db, o->pass, t->v->n, score_emit, t);
	db_exec(db, "COMMIT");
	return t;
}

uint64_t
phrase_table_size(const struct phrase_table *t)
{
	return t->used;
}

int64_t
phrase_table_total(const struct phrase_table *t)
{
	return t->total;
}

void
phrase_table_free(struct phrase_table *t)
{
	if (t == NULL)
		return;
	vocab_free(t->v);
	free(t->s);
	free(t);
}

uint64_t
phrase_apply(const struct phrase_table *t, struct tokin *in, FILE *out,
    uint64_t *tokens)
{
	const char *tok;
	size_t len;
	int64_t prev = -1;	/* id of the token before, if it may join */
	int r, first = 1;
	uint64_t joins = 0, n = 0;

	while ((r = tokin_next(in, &tok, &len)) != TOKIN_EOF) {
		int64_t id;

		if (r == TOKIN_EOD) {
			putc_unlocked('\n', out);
			prev = -1;
			first = 1;
			continue;
		}
		n++;
		id = vocab_find(t->v, tok, len);
		if (prev >= 0 && id >= 0 &&
		    kept_has(t, SHARD_KEY((uint32_t)prev, (uint32_t)id))) {
			putc_unlocked('_', out);
			joins++;
			id = -1;	/* joined: not the left of a pair */
		} else if (!first)
			putc_unlocked(' ', out);
		if (len > 0 && fwrite_unlocked(tok, 1, len, out) != len)
			cli_die("write error on stdout: %s", strerror(errno));
		prev = id;
		first = 0;
	}
	*tokens = n;
	return joins;
}

static int
cmp_key(const void *a, const void *b)
{
	uint64_t x = ((const struct kept *)a)->key;
	uint64_t y = ((const struct kept *)b)->key;

	return x < y ? -1 : x > y;
}

void
phrase_list(const struct phrase_table *t, FILE *out)
{
	struct kept *k = xreallocarray(NULL, t->used + 1, sizeof(*k));
	uint64_t n = 0;

	for (uint64_t i = 0; i <= t->mask; i++)
		if (t->s[i].n != 0)
			k[n++] = t->s[i];
	qsort(k, n, sizeof(*k), cmp_key);
	for (uint64_t i = 0; i < n; i++) {
		uint32_t a = SHARD_W1(k[i].key), b = SHARD_W2(k[i].key);
		fprintf(out, "%s_%s %llu %.6g\n", t->v->words[a],
		    t->v->words[b], (unsigned long long)k[i].n,
		    phrase_score(t->o.scoring, t->o.delta, t->v->counts[a],
		    t->v->counts[b], (int64_t)k[i].n, t->total));
	}
	free(k);
}

struct dumpctx {
	const struct vocab *v;
	FILE *out;
};

static void
dump_emit(void *ctx, const struct shard_rec *r)
{
	struct dumpctx *d = ctx;

	fprintf(d->out, "%s %s %llu\n", d->v->words[SHARD_W1(r->key)],
	    d->v->words[SHARD_W2(r->key)], (unsigned long long)r->n);
}

void
phrase_dump(struct db *db, int pass, FILE *out)
{
	struct dumpctx d;
	struct vocab *v;

	db_exec(db, "BEGIN");
	v = pass_words(db, pass);
	d.v = v;
	d.out = out;
	for (uint32_t i = 0; i < v->n; i++)
		if (v->counts[i] > 0)
			fprintf(out, "%s %lld\n", v->words[i],
			    (long long)v->counts[i]);
	phrase_db_merge(db, pass, v->n, dump_emit, &d);
	db_exec(db, "COMMIT");
	vocab_free(v);
}
