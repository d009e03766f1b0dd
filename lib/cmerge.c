/*
 * cmerge.c - reconcile vocabularies by word and re-sort renumbered
 * co-occurrence records, for firth-cooc --merge and --import.
 *
 * Counts made in another database (a slice of the corpus counted on its
 * own, or text records from a map-reduce job) name words by other ids.
 * Their words are added to the target's words table by their bytes; a
 * record (w1, w2) renumbered into the target's ids keeps its sums but
 * lands anywhere in key order, so records are gathered in a buffer of
 * bounded size, radix-sorted on the key bits the target's ids can use,
 * summed where keys are equal, and written as temporary sorted runs that
 * the caller merges (shard_merge, fan-in bounded) into the database.
 */
#include "cmerge.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "vocab.h"

struct cmerge_vocab *
cmerge_vocab_new(struct db *db)
{
	struct cmerge_vocab *cv = xcalloc(1, sizeof(*cv));
	sqlite3_stmt *st;
	uint32_t n = 0;

	cv->old = vocab_new();
	cv->fresh = vocab_new();
	st = db_prepare(db, "SELECT id, word FROM words ORDER BY id");
	while (db_step(db, st) == SQLITE_ROW) {
		const unsigned char *w = sqlite3_column_text(st, 1);
		uint32_t id;

		if (w == NULL)
			cli_die("%s: damaged words table (a NULL word)",
			    db->path);
		id = vocab_add(cv->old, (const char *)w,
		    (size_t)sqlite3_column_bytes(st, 1), 0);
		if (id != n || sqlite3_column_int64(st, 0) != (int64_t)n)
			cli_die("%s: damaged words table (ids are not 0..n-1)",
			    db->path);
		n++;
	}
	sqlite3_finalize(st);
	cv->add = xcalloc((size_t)n + 1, sizeof(int64_t));
	return cv;
}

uint32_t
cmerge_vocab_add(struct cmerge_vocab *cv, const char *w, size_t len,
    int64_t count)
{
	int64_t id = vocab_find(cv->old, w, len);

	if (id >= 0) {
		if (__builtin_add_overflow(cv->add[id], count, &cv->add[id]))
			cli_die("the count of '%s' overflows", cv->old->words[id]);
		return (uint32_t)id;
	}
	id = vocab_find(cv->fresh, w, len);
	if (id >= 0 && cv->fresh->counts[id] > INT64_MAX - count)
		cli_die("the count of '%.*s' overflows", (int)len, w);
	return cv->old->n + vocab_add(cv->fresh, w, len, count);
}

uint32_t
cmerge_vocab_size(const struct cmerge_vocab *cv)
{
	return cv->old->n + cv->fresh->n;
}

uint32_t
cmerge_vocab_finish(struct cmerge_vocab *cv, struct db *db)
{
	uint32_t *order = vocab_by_count(cv->fresh), nold = cv->old->n;
	sqlite3_stmt *upd, *ins;

	cv->final = xreallocarray(NULL, (size_t)cv->fresh->n + 1,
	    sizeof(uint32_t));
	upd = db_prepare(db, "UPDATE words SET count = count + ?1 "
	    "WHERE id = ?2");
	ins = db_prepare(db, "INSERT INTO words(id, word, count) "
	    "VALUES (?1, ?2, ?3)");
	for (uint32_t i = 0; i < nold; i++) {
		if (cv->add[i] == 0)
			continue;
		sqlite3_bind_int64(upd, 1, cv->add[i]);
		sqlite3_bind_int64(upd, 2, i);
		db_step(db, upd);
		sqlite3_reset(upd);
	}
	for (uint32_t i = 0; i < cv->fresh->n; i++) {
		uint32_t w = order[i];

		cv->final[w] = nold + i;
		sqlite3_bind_int64(ins, 1, nold + i);
		sqlite3_bind_text(ins, 2, cv->fresh->words[w],
		    (int)cv->fresh->lens[w], SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, cv->fresh->counts[w]);
		db_step(db, ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(upd);
	sqlite3_finalize(ins);
	free(order);
	return cv->fresh->n;
}

int64_t
cmerge_vocab_find(const struct cmerge_vocab *cv, const char *w, size_t len)
{
	int64_t id = vocab_find(cv->old, w, len);

	if (id >= 0)
		return id;
	id = vocab_find(cv->fresh, w, len);
	return id < 0 ? -1 : (int64_t)cv->final[id];
}

uint32_t
cmerge_vocab_id(const struct cmerge_vocab *cv, uint32_t prov)
{
	return prov < cv->old->n ? prov : cv->final[prov - cv->old->n];
}

void
cmerge_vocab_free(struct cmerge_vocab *cv)
{
	if (cv == NULL)
		return;
	vocab_free(cv->old);
	vocab_free(cv->fresh);
	free(cv->add);
	free(cv->final);
	free(cv);
}

/*
 * The radix sort: 11-bit digits, so one pass's counts (16 kB) stay in L1,
 * and only the bits the ids can use: on a vocabulary of 2^18 words a key
 * is 36 significant bits, four passes.
 */
#define DIGIT 11

/*
 * One stable counting pass on the key bits [lo, lo + bits) from src to
 * dst.  Returns 0, moving nothing, when skip_one is set and every record
 * falls in one bucket.
 */
static int
radix_pass(const struct shard_rec *src, struct shard_rec *dst, size_t n,
    int lo, int bits, int skip_one)
{
	size_t count[1u << DIGIT];
	uint64_t mask = (1ULL << bits) - 1;
	size_t sum = 0, c;

	memset(count, 0, sizeof(size_t) << bits);
	for (size_t i = 0; i < n; i++)
		count[(src[i].key >> lo) & mask]++;
	if (skip_one && n > 0 && count[(src[0].key >> lo) & mask] == n)
		return 0;
	for (size_t b = 0; b <= mask; b++) {
		c = count[b];
		count[b] = sum;
		sum += c;
	}
	for (size_t i = 0; i < n; i++)
		dst[count[(src[i].key >> lo) & mask]++] = src[i];
	return 1;
}

struct shard_rec *
cmerge_sort(struct shard_rec *a, struct shard_rec *tmp, size_t n,
    const int (*fields)[2], int nfields)
{
	struct shard_rec *src = a, *dst = tmp, *t;

	for (int f = 0; f < nfields; f++) {
		for (int lo = fields[f][0]; lo < fields[f][1]; lo += DIGIT) {
			int bits = fields[f][1] - lo < DIGIT ?
			    fields[f][1] - lo : DIGIT;

			/* One bucket holding everything: nothing moves. */
			if (!radix_pass(src, dst, n, lo, bits, 1))
				continue;
			t = src;
			src = dst;
			dst = t;
		}
	}
	return src;
}

/* Stable LSD passes over the w2 bits [0, bits) of a row, via scratch. */
static void
row_sort(struct shard_rec *row, struct shard_rec *scratch, size_t n,
    int bits)
{
	struct shard_rec *src = row, *dst = scratch, *t;

	if (n < 32) {
		/* insertion sort: stable, and cheapest for short rows */
		for (size_t i = 1; i < n; i++) {
			struct shard_rec x = row[i];
			size_t j = i;
			for (; j > 0 && row[j - 1].key > x.key; j--)
				row[j] = row[j - 1];
			row[j] = x;
		}
		return;
	}
	for (int lo = 0; lo < bits; lo += DIGIT) {
		radix_pass(src, dst, n, lo, bits - lo < DIGIT ? bits - lo :
		    DIGIT, 0);
		t = src;
		src = dst;
		dst = t;
	}
	if (src != row)
		memcpy(row, src, n * sizeof(*row));
}

/*
 * Records renumbered from another vocabulary: one stable counting pass
 * scatters them by row (w1) into tmp, then each row is sorted by w2 in
 * place with the matching stretch of a as scratch.  Rows are small
 * enough to stay in cache, so this moves each record about twice where
 * LSD passes over the whole buffer would move it four times, each pass
 * out of cache.  fields as for cmerge_sort: { w2 bits }, { w1 bits }.
 */
struct shard_rec *
cmerge_sort_rows(struct shard_rec *a, struct shard_rec *tmp, size_t n,
    int w2bits, int w1bits)
{
	size_t rows = (size_t)1 << w1bits, sum = 0, c;
	size_t *start = xcalloc(rows + 1, sizeof(size_t));

	for (size_t i = 0; i < n; i++)
		start[SHARD_W1(a[i].key)]++;
	for (size_t r = 0; r < rows; r++) {
		c = start[r];
		start[r] = sum;
		sum += c;
	}
	start[rows] = n;
	for (size_t i = 0; i < n; i++)
		tmp[start[SHARD_W1(a[i].key)]++] = a[i];
	/* start[r] is now the end of row r, the start of row r + 1 */
	for (size_t r = 0, lo = 0; r < rows; lo = start[r], r++)
		if (start[r] - lo > 1)
			row_sort(tmp + lo, a + lo, start[r] - lo, w2bits);
	free(start);
	return tmp;
}

static int
cmp_key(const void *a, const void *b)
{
	uint64_t x = ((const struct shard_rec *)a)->key;
	uint64_t y = ((const struct shard_rec *)b)->key;

	return x < y ? -1 : x > y;
}

void
cmerge_sort_ref(struct shard_rec *a, size_t n)
{
	qsort(a, n, sizeof(*a), cmp_key);
}

static int
bits_for(uint32_t maxid)
{
	int b = 1;

	while (b < 32 && (1ULL << b) <= maxid)
		b++;
	return b;
}

struct cmerge_sorter *
cmerge_sorter_new(const struct shard_meta *m, uint64_t mem, uint32_t maxw1,
    uint32_t maxw2, uint64_t expect)
{
	struct cmerge_sorter *s = xcalloc(1, sizeof(*s));

	s->meta = *m;
	/* Two arrays of records (the sort is not in place). */
	s->cap = mem / (2 * sizeof(struct shard_rec));
	/*
	 * No larger than needed for CMERGE_RUNS runs of the records
	 * expected: the final merge reads that many runs in one round
	 * anyway, and a smaller buffer is fewer pages to fault in and
	 * zero, and sorts in cache more often.
	 */
	if (expect > 0) {
		uint64_t want = expect / CMERGE_RUNS + 1;
		if (want < (1u << 22))	/* no point in runs under 128 MB */
			want = expect + 1 < (1u << 22) ? expect + 1 :
			    (1u << 22);
		if (s->cap > want)
			s->cap = want;
	}
	if (s->cap < SHARD_MAX_RECS)
		s->cap = SHARD_MAX_RECS;
	s->buf = xreallocarray(NULL, s->cap, sizeof(struct shard_rec));
	s->tmp = xreallocarray(NULL, s->cap, sizeof(struct shard_rec));
	s->fields[0][0] = 0;
	s->fields[0][1] = bits_for(maxw2);
	s->fields[1][0] = 32;
	s->fields[1][1] = 32 + bits_for(maxw1);
	return s;
}

void
cmerge_sorter_add(struct cmerge_sorter *s, const struct shard_rec *r)
{
	if (s->n == s->cap)
		cmerge_sorter_flush(s);
	s->buf[s->n++] = *r;
	s->in++;
}

void
cmerge_sorter_flush(struct cmerge_sorter *s)
{
	struct shard_rec *a;
	struct shard_tmprun *t;
	struct shard_writer *w;
	size_t i = 0;

	if (s->n == 0)
		return;
	/* By rows when there are fewer rows than records, else LSD. */
	if (s->fields[1][1] - 32 <= 24 &&
	    ((size_t)1 << (s->fields[1][1] - 32)) <= s->n &&
	    s->fields[0][0] == 0 && s->fields[1][0] == 32)
		a = cmerge_sort_rows(s->buf, s->tmp, s->n, s->fields[0][1],
		    s->fields[1][1] - 32);
	else
		a = cmerge_sort(s->buf, s->tmp, s->n,
		    (const int (*)[2])s->fields, 2);
	t = shard_tmprun_new();
	w = shard_writer_new(&s->meta, s->level, shard_tmprun_sink, t);
	while (i < s->n) {
		struct shard_rec r = a[i++];

		while (i < s->n && a[i].key == r.key)
			if (shard_rec_add(&r, &a[i++]) != 0)
				cli_die("co-occurrence sums overflow 64 bits");
		shard_writer_add(w, &r);
	}
	shard_writer_flush(w);
	s->out += w->records;
	shard_writer_close(w);
	s->runs = xreallocarray(s->runs, s->nruns + 1, sizeof(*s->runs));
	s->runs[s->nruns++] = t;
	s->n = 0;
}

void
cmerge_sorter_free(struct cmerge_sorter *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->nruns; i++)
		shard_tmprun_free(s->runs[i]);
	free(s->runs);
	free(s->buf);
	free(s->tmp);
	free(s);
}
