/*
 * cooc_text.c - the text records of firth-cooc (cooc_text.h): the line
 * reader, the one parser of a record, --dump, --reduce, and the two
 * passes of --import.
 *
 * One record a line: a key, a tab, a value of unsigned decimal integers
 * joined by spaces.  A sort, or the shuffle of Hadoop Streaming, brings
 * the records of one key together; --reduce sums their values; --import
 * sums whatever it is given (summed or not) into a database.
 *
 *   s SETTINGS<TAB>1            the counting settings (value: databases)
 *   t<TAB>DOCS TOKENS           documents and tokens counted
 *   w WORD<TAB>COUNT            a word and its count
 *   p WORD1 WORD2<TAB>N DSUM H  a pair's exact sums (shard.h); symmetric
 *                               counts once, WORD1 <= WORD2 bytewise
 *
 * For example, the one document "a b a" counted with window 2 (unit 2,
 * so h sums 2/d over the occurrences at distance d):
 *
 *   s context=window window=2 ...<TAB>1
 *   t<TAB>1 3
 *   w a<TAB>2
 *   w b<TAB>1
 *   p a a<TAB>1 2 1
 *   p a b<TAB>2 2 4
 *
 * Words hold no space, tab or newline: token text splits on them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmerge.h"
#include "cooc_runs.h"
#include "cooc_text.h"
#include "db.h"
#include "tokin.h"
#include "vocab.h"

void
cooc_recin_open(struct cooc_recin *r, const char *path, int fd,
    const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0)
		cli_die("%s: cannot rewind: %s", name, strerror(errno));
	r->gz = fd >= 0 ? gzdopen(dup(fd), "rb") : strcmp(path, "-") == 0 ?
	    gzdopen(dup(0), "rb") : gzopen(path, "rb");
	if (r->gz == NULL)
		cli_die("cannot open %s: %s", name, strerror(errno));
}

char *
cooc_recin_next(struct cooc_recin *r, size_t *len)
{
	int err;
	size_t n;

	if (gzgets(r->gz, r->buf, sizeof(r->buf)) == NULL) {
		const char *msg = gzerror(r->gz, &err);
		if (err != Z_OK && err != Z_BUF_ERROR)
			cli_die("%s: %s", r->name, msg);
		if (!gzeof(r->gz))
			cli_die("%s: read error", r->name);
		return NULL;
	}
	r->line++;
	n = strlen(r->buf);
	if (n == 0)
		cli_die("%s: line %llu holds a NUL byte: not text records",
		    r->name, (unsigned long long)r->line);
	if (r->buf[n - 1] != '\n') {
		if (n > COOC_REC_MAXLINE)
			cli_die("%s: line %llu is longer than %d bytes: not "
			    "firth text records", r->name,
			    (unsigned long long)r->line, COOC_REC_MAXLINE);
		r->buf[n++] = '\n';	/* a last line without its newline */
		r->buf[n] = '\0';
	}
	if (r->dg != NULL)
		digest_update(r->dg, r->buf, n);
	r->bytes += n;
	r->buf[--n] = '\0';
	*len = n;
	return r->buf;
}

void
cooc_recin_close(struct cooc_recin *r)
{
	gzclose(r->gz);
}

/* Up to 3 unsigned decimals joined by single spaces; their count. */
static int
rec_values(const char *p, uint64_t *v, const struct cooc_recin *r)
{
	int k = 0;

	for (;;) {
		uint64_t x = 0;
		const char *q = p;
		if (k == 3 || *p < '0' || *p > '9')
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++)
			if (__builtin_mul_overflow(x, 10, &x) ||
			    __builtin_add_overflow(x, (uint64_t)(*p - '0'), &x))
				cli_die("%s: line %llu: %.*s does not fit in 64 "
				    "bits", r->name, (unsigned long long)r->line,
				    (int)(p - q + 1), q);
		v[k++] = x;
		if (*p == '\0')
			return k;
		if (*p++ != ' ')
			goto bad;
	}
bad:
	cli_die("%s: line %llu: not a firth text record (KEY<TAB>numbers)",
	    r->name, (unsigned long long)r->line);
}

/* Split a line at its tab: the key ends there, values follow. */
static char *
rec_split(char *line, const struct cooc_recin *r)
{
	char *tab = strchr(line, '\t');

	if (tab == NULL || tab == line)
		cli_die("%s: line %llu: not a firth text record (no "
		    "KEY<TAB>VALUE)", r->name, (unsigned long long)r->line);
	*tab = '\0';
	return tab + 1;
}

/* The word of "w WORD" or the two of "p WORD1 WORD2"; dies on others. */
static void
rec_words(char *key, struct cooc_textrec *t, const struct cooc_recin *r)
{
	char *sp;

	t->w1 = key + 2;
	t->w2 = NULL;
	if ((sp = strchr(t->w1, ' ')) != NULL) {
		*sp = '\0';
		t->w2 = sp + 1;
		if (key[0] != 'p' || *t->w2 == '\0' ||
		    strchr(t->w2, ' ') != NULL)
			goto bad;
		t->l2 = strlen(t->w2);
	} else if (key[0] == 'p')
		goto bad;
	t->l1 = strlen(t->w1);
	if (t->l1 == 0 || t->l1 > TOKIN_MAXTOK || (t->w2 != NULL &&
	    t->l2 > TOKIN_MAXTOK))
		goto bad;
	return;
bad:
	cli_die("%s: line %llu: not a firth text record (a word record is "
	    "'w WORD', a pair 'p WORD1 WORD2')", r->name,
	    (unsigned long long)r->line);
}

void
cooc_text_parse(char *line, const struct cooc_recin *r,
    struct cooc_textrec *t)
{
	char *val = rec_split(line, r);

	memset(t, 0, sizeof(*t));
	if (line[0] == 'p' && line[1] == ' ') {
		t->kind = 'p';
		rec_words(line, t, r);
		if ((t->nv = rec_values(val, t->v, r)) != 3)
			cli_die("%s: line %llu: a pair has 3 values "
			    "(N DSUM H)", r->name, (unsigned long long)r->line);
		return;
	}
	if (line[0] == 's' && line[1] == ' ') {
		t->kind = 's';
		t->settings = line + 2;
		return;
	}
	t->nv = rec_values(val, t->v, r);
	if (line[0] == 't' && line[1] == '\0' && t->nv == 2) {
		t->kind = 't';
		return;
	}
	if (line[0] != 'w' || line[1] != ' ' || t->nv != 1 || t->v[0] == 0 ||
	    t->v[0] > INT64_MAX)
		cli_die("%s: line %llu: not a firth text record (s, t, w or p)",
		    r->name, (unsigned long long)r->line);
	t->kind = 'w';
	rec_words(line, t, r);
}

void
cooc_text_pair_check(const uint64_t *v, const struct shard_meta *m,
    const struct cooc_recin *r)
{
	/* The sums of n occurrences at distances 1..W. */
	if (v[0] == 0 || v[1] < v[0] || v[1] / m->window > v[0] ||
	    (v[1] % m->window != 0 && v[1] / m->window == v[0]) ||
	    v[2] / m->unit > v[0] || (v[2] % m->unit != 0 &&
	    v[2] / m->unit == v[0]))
		cli_die("%s: line %llu: sums that %llu occurrences within a "
		    "window of %u cannot have", r->name,
		    (unsigned long long)r->line, (unsigned long long)v[0],
		    m->window);
}

struct dumper {
	char **words;
	int canonical;
};

static void
emit_text(void *ctx, const struct shard_rec *r)
{
	struct dumper *d = ctx;
	const char *a = d->words[SHARD_W1(r->key)];
	const char *b = d->words[SHARD_W2(r->key)];

	if (d->canonical && strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	if (printf("p %s %s\t%llu %llu %llu\n", a, b, (unsigned long long)r->n,
	    (unsigned long long)r->dsum, (unsigned long long)r->h) < 0)
		cli_die("write error on stdout: %s", strerror(errno));
}

/*
 * A word holding a space, tab or newline would make records no reader can
 * split (token text never makes one; a database written by other means
 * can hold one): refused before anything is written.
 */
static void
dump_check_words(struct db *db, char **words, uint32_t nw)
{
	for (uint32_t i = 0; i < nw; i++)
		if (strpbrk(words[i], " \t\n") != NULL)
			cli_die("%s: word %u holds a space, tab or newline, "
			    "which text records cannot carry; nothing was "
			    "dumped (fix the words table)", db->path, i);
}

void
cooc_text_dump(struct db *db, uint64_t mem)
{
	struct cooc_runs runs;
	struct cooc_settings s;
	struct shard_meta m;
	struct dumper d;
	sqlite3_stmt *st;
	int64_t *counts;
	uint32_t nw;
	char *v;

	db_exec(db, "BEGIN");	/* one snapshot of everything */
	cooc_settings_parse(db, &s);
	if (s.context == COOC_WORDDOC)
		cli_die("%s: word-document counts number documents per "
		    "database; text records cannot key them by word", db->path);
	m = cooc_settings_meta(&s);
	db_words_load(db, &d.words, &counts, &nw);
	dump_check_words(db, d.words, nw);
	v = db_meta_get(db, "cooc");
	printf("s %s\t1\n", v);
	free(v);
	st = db_prepare(db, "SELECT coalesce(sum(docs), 0), "
	    "coalesce(sum(tokens), 0) FROM batches WHERE kind = 'cooc'");
	if (db_step(db, st) == SQLITE_ROW)
		printf("t\t%lld %lld\n", (long long)sqlite3_column_int64(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	for (uint32_t i = 0; i < nw; i++)
		if (counts[i] > 0 && printf("w %s\t%lld\n", d.words[i],
		    (long long)counts[i]) < 0)
			cli_die("write error on stdout: %s", strerror(errno));
	d.canonical = (m.flags & SHARD_CANONICAL) != 0;
	cooc_runs_open(&runs, db, &m, nw, INT64_MAX, cooc_fanin(mem));
	cooc_runs_merge(&runs, emit_text, &d);
	cooc_runs_close(&runs);
	db_words_free(d.words, counts, nw);
	db_exec(db, "COMMIT");
}

/* One summed record: key, tab, the nsum values. */
static void
reduce_put(const char *key, const uint64_t *sum, int nsum)
{
	printf("%s\t%llu", key, (unsigned long long)sum[0]);
	for (int i = 1; i < nsum; i++)
		printf(" %llu", (unsigned long long)sum[i]);
	if (putchar('\n') == EOF)
		cli_die("write error on stdout: %s", strerror(errno));
}

/*
 * Add v[0..k) into sum.  A pair's sums are 64-bit unsigned (shard.h); a
 * word's count and the totals are signed 64-bit in the database, so
 * their sums stop at INT64_MAX, where --import would refuse them.
 */
static void
reduce_add(const char *key, uint64_t *sum, const uint64_t *v, int k)
{
	int is_signed = (key[0] == 'w' && key[1] == ' ') ||
	    (key[0] == 't' && key[1] == '\0');

	for (int i = 0; i < k; i++) {
		if (__builtin_add_overflow(sum[i], v[i], &sum[i]))
			cli_die("key '%s': the sum overflows 64 bits", key);
		if (is_signed && sum[i] > INT64_MAX)
			cli_die("key '%s': the sum overflows a signed 64-bit "
			    "count (at most %lld)", key, (long long)INT64_MAX);
	}
}

void
cooc_text_reduce(char **files, int nfiles)
{
	static char prev[COOC_REC_MAXLINE + 2];
	uint64_t sum[3] = { 0 }, v[3];
	int nsum = 0, have = 0;
	uint64_t in = 0, out = 0;
	char *dash = "-";

	if (nfiles == 0) {
		files = &dash;
		nfiles = 1;
	}
	for (int f = 0; f < nfiles; f++) {
		struct cooc_recin r;
		char *line;
		size_t len;

		cooc_recin_open(&r, files[f], -1, files[f]);
		while ((line = cooc_recin_next(&r, &len)) != NULL) {
			int k = rec_values(rec_split(line, &r), v, &r);
			in++;
			if (have && strcmp(line, prev) == 0) {
				if (k != nsum)
					cli_die("%s: line %llu: %d values for "
					    "key '%s', which had %d", r.name,
					    (unsigned long long)r.line, k, line,
					    nsum);
				reduce_add(line, sum, v, k);
				continue;
			}
			if (have) {
				reduce_put(prev, sum, nsum);
				out++;
			}
			memcpy(prev, line, strlen(line) + 1);
			memcpy(sum, v, sizeof(sum));
			nsum = k;
			have = 1;
		}
		cooc_recin_close(&r);
	}
	if (have) {
		reduce_put(prev, sum, nsum);
		out++;
	}
	cli_progress_done("%llu records in, %llu out", (unsigned long long)in,
	    (unsigned long long)out);
}

void
cooc_import_words(struct cooc_recin *r, struct cmerge_vocab *cv,
    char **settings, uint64_t *docs, uint64_t *tokens, int *havet,
    uint64_t *npairs)
{
	struct cooc_textrec t;
	char *line;
	size_t len;

	while ((line = cooc_recin_next(r, &len)) != NULL) {
		cooc_text_parse(line, r, &t);
		switch (t.kind) {
		case 'p':
			(*npairs)++;
			break;
		case 's':
			if (*settings == NULL)
				*settings = xstrdup(t.settings);
			else if (strcmp(*settings, t.settings) != 0)
				cli_die("%s: line %llu: counted with '%s', "
				    "earlier records with '%s'; counts with "
				    "other settings do not add up", r->name,
				    (unsigned long long)r->line, t.settings,
				    *settings);
			break;
		case 't':
			if (__builtin_add_overflow(*docs, t.v[0], docs) ||
			    __builtin_add_overflow(*tokens, t.v[1], tokens))
				cli_die("%s: line %llu: totals overflow",
				    r->name, (unsigned long long)r->line);
			*havet = 1;
			break;
		default:
			cmerge_vocab_add(cv, t.w1, t.l1, (int64_t)t.v[0]);
			break;
		}
	}
}

uint64_t
cooc_import_pairs(struct cooc_recin *r, const struct cmerge_vocab *cv,
    const struct shard_meta *m, struct cmerge_sorter *sorter)
{
	struct cooc_textrec t;
	struct shard_rec x;
	uint64_t pairs = 0;
	int64_t a, b;
	char *line;
	size_t len;

	while ((line = cooc_recin_next(r, &len)) != NULL) {
		cooc_text_parse(line, r, &t);
		if (t.kind != 'p')
			continue;
		a = cmerge_vocab_find(cv, t.w1, t.l1);
		b = cmerge_vocab_find(cv, t.w2, t.l2);
		if (a < 0 || b < 0 || (a < cv->old->n && cv->add[a] == 0) ||
		    (b < cv->old->n && cv->add[b] == 0))
			cli_die("%s: line %llu: a pair of a word without its "
			    "w record", r->name, (unsigned long long)r->line);
		cooc_text_pair_check(t.v, m, r);
		if ((m->flags & SHARD_CANONICAL) && a > b) {
			int64_t tmp = a;
			a = b;
			b = tmp;
		}
		x.key = SHARD_KEY(a, b);
		x.n = t.v[0];
		x.dsum = t.v[1];
		x.h = t.v[2];
		cmerge_sorter_add(sorter, &x);
		pairs++;
	}
	return pairs;
}
