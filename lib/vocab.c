/*
 * vocab.c - word hash table and vocabulary selection.
 *
 * The table is open addressing with linear probing, kept at most half
 * full.  A slot holds the word's 32-bit hash beside its id+1, so a probe
 * rejects a different word without touching the word arrays: on a corpus
 * most probes hit hot slots of frequent words and cost one cache line.
 * Words live in arena chunks that never move, so the pointers handed out
 * stay valid as the table grows.
 */
#include "vocab.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"

#define ARENA_CHUNK (1u << 20)

uint64_t
vocab_hash(const char *w, size_t len)
{
	/* A multiply-xorshift over 8-byte words: fast on short tokens. */
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, k;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&k, w + i, 8);
		h = (h ^ k) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < len) {
		k = 0;
		memcpy(&k, w + i, len - i);
		h = (h ^ k) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

struct vocab *
vocab_new(void)
{
	struct vocab *v = xcalloc(1, sizeof(*v));

	v->mask = (1u << 16) - 1;
	v->slots = xcalloc((size_t)v->mask + 1, sizeof(uint64_t));
	return v;
}

void
vocab_free(struct vocab *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nchunks; i++)
		free(v->chunks[i]);
	free(v->chunks);
	free(v->words);
	free(v->lens);
	free(v->counts);
	free(v->hashes);
	free(v->slots);
	free(v);
}

static void
grow_table(struct vocab *v)
{
	uint32_t newmask = v->mask * 2 + 1, j;

	if (newmask < v->mask)
		cli_die("vocabulary too large for one table");
	free(v->slots);
	v->slots = xcalloc((size_t)newmask + 1, sizeof(uint64_t));
	v->mask = newmask;
	for (uint32_t id = 0; id < v->n; id++) {
		for (j = v->hashes[id] & newmask; v->slots[j] != 0;
		    j = (j + 1) & newmask)
			;
		v->slots[j] = (uint64_t)v->hashes[id] << 32 | (id + 1);
	}
}

static char *
arena_copy(struct vocab *v, const char *w, size_t len)
{
	char *p;

	if (v->arena == NULL || v->arenalen + len + 1 > v->arenacap) {
		size_t cap = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		v->chunks = xreallocarray(v->chunks, v->nchunks + 1,
		    sizeof(char *));
		v->arena = v->chunks[v->nchunks++] = xmalloc(cap);
		v->arenacap = cap;
		v->arenalen = 0;
	}
	p = v->arena + v->arenalen;
	memcpy(p, w, len);
	p[len] = '\0';
	v->arenalen += len + 1;
	return p;
}

/* Slot index of word, or of the empty slot where it would go. */
static inline uint32_t
probe(const struct vocab *v, const char *w, size_t len, uint32_t h)
{
	uint64_t s;
	uint32_t j, id;

	for (j = h & v->mask; (s = v->slots[j]) != 0; j = (j + 1) & v->mask) {
		if ((uint32_t)(s >> 32) != h)
			continue;
		id = (uint32_t)s - 1;
		if (v->lens[id] == len && memcmp(v->words[id], w, len) == 0)
			break;
	}
	return j;
}

int64_t
vocab_find(const struct vocab *v, const char *w, size_t len)
{
	uint32_t j = probe(v, w, len, (uint32_t)vocab_hash(w, len));

	return v->slots[j] != 0 ? (int64_t)(uint32_t)v->slots[j] - 1 : -1;
}

uint32_t
vocab_add(struct vocab *v, const char *w, size_t len, int64_t count)
{
	uint32_t h = (uint32_t)vocab_hash(w, len), j, id;

	j = probe(v, w, len, h);
	if (v->slots[j] != 0) {
		id = (uint32_t)v->slots[j] - 1;
		if (__builtin_add_overflow(v->counts[id], count,
		    &v->counts[id]))
			cli_die("the count of word '%.*s' passes %lld (2^63-1)",
			    len > 100 ? 100 : (int)len, w,
			    (long long)INT64_MAX);
		return id;
	}
	if (v->n == UINT32_MAX - 1)
		cli_die("more than %u distinct words", UINT32_MAX - 1);
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->words = xreallocarray(v->words, v->cap, sizeof(char *));
		v->lens = xreallocarray(v->lens, v->cap, sizeof(uint32_t));
		v->counts = xreallocarray(v->counts, v->cap, sizeof(int64_t));
		v->hashes = xreallocarray(v->hashes, v->cap, sizeof(uint32_t));
	}
	id = v->n++;
	v->words[id] = arena_copy(v, w, len);
	v->lens[id] = (uint32_t)len;
	v->counts[id] = count;
	v->hashes[id] = h;
	v->slots[j] = (uint64_t)h << 32 | (id + 1);
	if ((uint64_t)v->n * 2 > v->mask)
		grow_table(v);
	return id;
}

static const struct vocab *sort_vocab;

static int
cmp_count(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t cx = sort_vocab->counts[x], cy = sort_vocab->counts[y];

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(sort_vocab->words[x], sort_vocab->words[y]);
}

uint32_t *
vocab_by_count(const struct vocab *v)
{
	uint32_t *order = xreallocarray(NULL, v->n ? v->n : 1,
	    sizeof(uint32_t));

	for (uint32_t i = 0; i < v->n; i++)
		order[i] = i;
	sort_vocab = v;
	qsort(order, v->n, sizeof(uint32_t), cmp_count);
	return order;
}

static const int64_t *sel_counts;

static int
cmp_dbcount(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (sel_counts[x] != sel_counts[y])
		return sel_counts[x] > sel_counts[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

struct vsel *
vsel_from_db(struct db *db, int64_t min_count, uint32_t max_size)
{
	struct vsel *s = xcalloc(1, sizeof(*s));
	uint32_t n = 0;

	db_words_load(db, &s->dbwords, &s->dbcounts, &s->ndb);
	s->dbid = xreallocarray(NULL, s->ndb + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < s->ndb; i++)
		if (s->dbcounts[i] >= min_count && s->dbcounts[i] > 0)
			s->dbid[n++] = i;
	sel_counts = s->dbcounts;
	qsort(s->dbid, n, sizeof(uint32_t), cmp_dbcount);
	if (max_size > 0 && n > max_size)
		n = max_size;
	s->n = n;
	s->words = xreallocarray(NULL, n + 1, sizeof(char *));
	s->counts = xreallocarray(NULL, n + 1, sizeof(int64_t));
	s->rank = xreallocarray(NULL, s->ndb + 1, sizeof(int64_t));
	for (uint32_t i = 0; i < s->ndb; i++)
		s->rank[i] = -1;
	for (uint32_t r = 0; r < n; r++) {
		s->words[r] = s->dbwords[s->dbid[r]];
		s->counts[r] = s->dbcounts[s->dbid[r]];
		s->rank[s->dbid[r]] = r;
	}
	return s;
}

void
vsel_free(struct vsel *s)
{
	if (s == NULL)
		return;
	db_words_free(s->dbwords, s->dbcounts, s->ndb);
	free(s->dbid);
	free(s->words);
	free(s->counts);
	free(s->rank);
	free(s);
}
