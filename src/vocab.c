/*
 * vocab.c - firth-vocab: count the words of token text.
 *
 * With -d DB the counts are added to the corpus database in one
 * transaction and the input is recorded as a batch, so the same input fed
 * again changes nothing.  Without -d, or with --list, prints "word count"
 * lines, most frequent first (GloVe's vocab.txt).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "tokin.h"
#include "vocab.h"
#include <unistd.h>

static const char *opt_db;
static int opt_force, opt_list;
static int64_t opt_min_count = 1;
static uint32_t opt_max_size;
static int opt_threads;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-vocab [-qv] [--min-count N] [--max-size N] [FILE...]\n"
	    "       firth-vocab -d DB [-qv] [--force] [FILE...]\n"
	    "       firth-vocab -d DB --list [--min-count N] [--max-size N]\n"
	    "Count the words of token text (plain or gzip; stdin by default).\n"
	    "  -d, --db DB         add the counts to corpus database DB "
	    "(created if missing)\n"
	    "  -f, --force         add an input the database has seen before\n"
	    "  -l, --list          print the database's words, most frequent "
	    "first\n"
	    "  -m, --min-count N   list words seen at least N times (default 1)\n"
	    "  -s, --max-size N    list at most N words (default all)\n"
	    "  -t, --threads N     counting threads (default: the cores)\n"
	    "  -q, --quiet         no summary line\n"
	    "  -v, --verbose       more detail\n"
	    "  -h, --help, --version\n");
}

/* Print "word count" lines for ids in order, honouring the limits. */
static void
print_counts(char *const *words, const int64_t *counts, const uint32_t *order,
    uint32_t n)
{
	uint32_t shown = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = order != NULL ? order[i] : i;
		if (counts[id] < opt_min_count)
			continue;
		if (opt_max_size > 0 && shown == opt_max_size)
			break;
		printf("%s %lld\n", words[id], (long long)counts[id]);
		shown++;
	}
}

static void
list_db(void)
{
	struct db *db = db_open(opt_db, DB_READ);
	struct vsel *s;

	db_exec(db, "BEGIN");	/* one snapshot, however long the read */
	s = vsel_from_db(db, opt_min_count, opt_max_size);
	db_exec(db, "COMMIT");
	print_counts(s->words, s->counts, NULL, s->n);
	vsel_free(s);
	db_close(db);
}

/*
 * Counting runs on several threads: the main thread reads whole documents
 * in blocks (tokin_read_block) and queues them; each worker counts its
 * blocks into a vocabulary of its own; the vocabularies are summed at the
 * end.  Documents are counted exactly even when one is split across blocks
 * (see block_docs).
 */
#define BLOCK_SIZE (4u << 20)

struct block {
	char *buf;
	size_t len;
	int cut;		/* the last line continues in the next block */
	size_t seq;		/* position in the input */
};

/* What a worker learned about one block's line structure. */
struct blockdocs {
	unsigned char first_has;	/* the first line segment has tokens */
	unsigned char closed;		/* the block has at least one newline */
	unsigned char tail_has;		/* the unfinished last line has tokens */
	int64_t middle;			/* other finished lines with tokens */
};

struct counter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block *queue;	/* ring of blocks waiting to be counted */
	size_t qcap, qhead, qlen;
	char **freebufs;	/* buffers free for the reader */
	size_t nfree;
	int done;
	struct blockdocs *docs;	/* [seq] */
	size_t ndocs, capdocs;
};

struct worker {
	struct counter *c;
	struct vocab *v;
	int64_t tokens;
	int64_t truncated;	/* tokens cut to TOKIN_MAXTOK */
	pthread_t th;
};

static void
count_block(struct worker *w, const struct block *b, struct blockdocs *d)
{
	const unsigned char *p = (const unsigned char *)b->buf;
	size_t i = 0, n = b->len, start;
	int has = 0, first = 1;

	memset(d, 0, sizeof(*d));
	while (i < n) {
		unsigned char k = tokin_class[p[i]];
		if (k == 0) {
			start = i;
			while (i < n && tokin_class[p[i]] == 0)
				i++;
			if (i - start > TOKIN_MAXTOK)
				w->truncated++;
			vocab_add(w->v, (const char *)p + start,
			    i - start > TOKIN_MAXTOK ? TOKIN_MAXTOK :
			    i - start, 1);
			w->tokens++;
			has = 1;
			continue;
		}
		if (k == 2) {
			if (first)
				d->first_has = has;
			else if (has)
				d->middle++;
			d->closed = 1;
			first = 0;
			has = 0;
		}
		i++;
	}
	if (first)
		d->first_has = has;
	else
		d->tail_has = has;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct counter *c = w->c;
	struct blockdocs d;
	struct block b;

	for (;;) {
		pthread_mutex_lock(&c->mu);
		while (c->qlen == 0 && !c->done)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->qlen == 0) {
			pthread_mutex_unlock(&c->mu);
			return NULL;
		}
		b = c->queue[c->qhead];
		c->qhead = (c->qhead + 1) % c->qcap;
		c->qlen--;
		pthread_mutex_unlock(&c->mu);

		count_block(w, &b, &d);

		pthread_mutex_lock(&c->mu);
		c->docs[b.seq] = d;
		c->freebufs[c->nfree++] = b.buf;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
}

/* Documents: finished lines with tokens, joining lines split by blocks. */
static int64_t
block_docs(const struct counter *c, const int *cuts)
{
	int64_t docs = 0;
	int open = 0;	/* the line carried over from earlier blocks has tokens */

	for (size_t s = 0; s < c->ndocs; s++) {
		const struct blockdocs *d = &c->docs[s];
		if (d->closed) {
			docs += open || d->first_has;
			docs += d->middle;
			open = cuts[s] ? d->tail_has : 0;
		} else
			open = open || d->first_has;
	}
	return docs + open;
}

/* Read all tokens into v on nthreads workers; returns documents. */
static int64_t
count_input(struct tokin *in, struct vocab *v, int64_t *tokens,
    int64_t *truncated, int nthreads)
{
	struct counter c = { 0 };
	struct worker *w = xcalloc(nthreads, sizeof(*w));
	int *cuts = NULL;
	size_t nbufs = 2 * (size_t)nthreads + 1, seq = 0;
	int64_t docs;
	double t0 = cli_now();

	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cv, NULL);
	c.qcap = nbufs;
	c.queue = xcalloc(nbufs, sizeof(struct block));
	c.freebufs = xcalloc(nbufs, sizeof(char *));
	for (size_t i = 0; i < nbufs; i++)
		c.freebufs[c.nfree++] = xmalloc(BLOCK_SIZE);
	for (int i = 0; i < nthreads; i++) {
		w[i].c = &c;
		w[i].v = i == 0 ? v : vocab_new();
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			cli_die("cannot start a counting thread");
	}
	for (;;) {
		struct block b;

		pthread_mutex_lock(&c.mu);
		while (c.nfree == 0)
			pthread_cond_wait(&c.cv, &c.mu);
		b.buf = c.freebufs[--c.nfree];
		pthread_mutex_unlock(&c.mu);
		b.len = tokin_read_block(in, b.buf, BLOCK_SIZE, &b.cut);
		pthread_mutex_lock(&c.mu);
		if (b.len == 0) {
			c.freebufs[c.nfree++] = b.buf;
			c.done = 1;
			pthread_cond_broadcast(&c.cv);
			pthread_mutex_unlock(&c.mu);
			break;
		}
		b.seq = seq++;
		if (seq > c.capdocs) {
			c.capdocs = c.capdocs ? 2 * c.capdocs : 256;
			c.docs = xreallocarray(c.docs, c.capdocs,
			    sizeof(*c.docs));
			cuts = xreallocarray(cuts, c.capdocs, sizeof(int));
		}
		cuts[b.seq] = b.cut;
		c.ndocs = seq;
		c.queue[(c.qhead + c.qlen) % c.qcap] = b;
		c.qlen++;
		pthread_cond_broadcast(&c.cv);
		pthread_mutex_unlock(&c.mu);
		cli_progress("%.0f MB read, %.1f MB/s", tokin_bytes(in) / 1e6,
		    tokin_bytes(in) / 1e6 / (cli_now() - t0 + 1e-9));
	}
	*tokens = 0;
	*truncated = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].th, NULL);
		*tokens += w[i].tokens;
		*truncated += w[i].truncated;
		if (i == 0)
			continue;
		for (uint32_t j = 0; j < w[i].v->n; j++)
			vocab_add(v, w[i].v->words[j], w[i].v->lens[j],
			    w[i].v->counts[j]);
		vocab_free(w[i].v);
	}
	docs = block_docs(&c, cuts);
	for (size_t i = 0; i < c.nfree; i++)
		free(c.freebufs[i]);
	free(c.freebufs);
	free(c.queue);
	free(c.docs);
	free(cuts);
	free(w);
	pthread_mutex_destroy(&c.mu);
	pthread_cond_destroy(&c.cv);
	return docs;
}

/*
 * Add this batch's counts: existing words by id, new words appended with
 * the next ids in order of this batch's counts (so ids are deterministic).
 */
static uint32_t
db_add_counts(struct db *db, const struct vocab *v)
{
	struct vocab *old = vocab_new();
	sqlite3_stmt *sel, *upd, *ins;
	uint32_t *order = vocab_by_count(v), next, added = 0;

	sel = db_prepare(db, "SELECT id, word, count FROM words ORDER BY id");
	next = 0;
	while (db_step(db, sel) == SQLITE_ROW) {
		uint32_t id = vocab_add(old, (const char *)
		    sqlite3_column_text(sel, 1), sqlite3_column_bytes(sel, 1),
		    sqlite3_column_int64(sel, 2));
		if (id != (uint32_t)sqlite3_column_int64(sel, 0))
			cli_die("%s: damaged words table (ids are not "
			    "0..n-1)", db->path);
		next++;
	}
	sqlite3_finalize(sel);
	upd = db_prepare(db, "UPDATE words SET count = count + ?1 "
	    "WHERE id = ?2");
	ins = db_prepare(db, "INSERT INTO words(id, word, count) "
	    "VALUES (?1, ?2, ?3)");
	for (uint32_t i = 0; i < v->n; i++) {
		uint32_t w = order[i];
		int64_t id = vocab_find(old, v->words[w], v->lens[w]);
		sqlite3_stmt *st = id >= 0 ? upd : ins;

		if (id >= 0) {
			/*
			 * SQLite would store an overflowing sum as a REAL and
			 * exit 0: refuse it here, naming the word.
			 */
			if (old->counts[id] > INT64_MAX - v->counts[w]) {
				db_rollback(db);
				cli_die("%s: word '%.100s' would be counted "
				    "%lld + %lld times, more than %lld (2^63-1) "
				    "that the database holds; nothing was added",
				    db->path, v->words[w],
				    (long long)old->counts[id],
				    (long long)v->counts[w],
				    (long long)INT64_MAX);
			}
			sqlite3_bind_int64(upd, 1, v->counts[w]);
			sqlite3_bind_int64(upd, 2, id);
		} else {
			sqlite3_bind_int64(ins, 1, next++);
			sqlite3_bind_text(ins, 2, v->words[w], v->lens[w],
			    SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, v->counts[w]);
			added++;
		}
		db_step(db, st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(upd);
	sqlite3_finalize(ins);
	free(order);
	vocab_free(old);
	return added;
}

static void
count_files(char **files, int nfiles)
{
	struct tokin *in = tokin_open(files, nfiles);
	struct vocab *v = vocab_new();
	struct db *db = NULL;
	char digest[TOKIN_DIGEST_LEN];
	int64_t docs, tokens, truncated, batch, prev;
	uint32_t added = 0;
	double t0 = cli_now();

	/* Open (and create) the database first: a bad path fails fast. */
	if (opt_db != NULL)
		db = db_open(opt_db, DB_CREATE);
	docs = count_input(in, v, &tokens, &truncated, opt_threads);
	if (truncated > 0)
		cli_warn("%lld tokens longer than %d bytes were cut short",
		    (long long)truncated, TOKIN_MAXTOK);
	if (db == NULL) {
		uint32_t *order = vocab_by_count(v);
		print_counts(v->words, v->counts, order, v->n);
		free(order);
		/* A failed write is said before a summary that looks done. */
		if (fflush(stdout) != 0)
			cli_die("write error on stdout: %s", strerror(errno));
		cli_progress_done("%lld tokens, %lld documents, %u words in "
		    "%.2f s", (long long)tokens, (long long)docs, v->n,
		    cli_now() - t0);
		goto out;
	}
	if (tokens == 0)
		cli_die("no tokens in the input (%s): did the upstream command "
		    "fail?", tokin_source(in));
	tokin_digest(in, digest);
	/* -v: where the time goes, and where a killed run was (tests/hard). */
	if (cli_verbose > 0)
		cli_info("counted in %.2f s; adding the batch to %s",
		    cli_now() - t0, opt_db);
	db_begin(db);
	prev = db_batch_find(db, "vocab", digest);
	if (prev >= 0 && !opt_force) {
		db_rollback(db);
		cli_info("%s: this input was already added as batch %lld; "
		    "nothing changed (--force adds it again)", opt_db,
		    (long long)prev);
		goto out;
	}
	if (prev >= 0) {
		/* --force: a second row for the same content. */
		char forced[TOKIN_DIGEST_LEN + 32];
		int i = 2;
		do
			snprintf(forced, sizeof(forced), "%s+%d", digest, i++);
		while (db_batch_find(db, "vocab", forced) >= 0);
		batch = db_batch_add(db, "vocab", forced, tokin_source(in),
		    docs, tokens);
	} else
		batch = db_batch_add(db, "vocab", digest, tokin_source(in),
		    docs, tokens);
	added = db_add_counts(db, v);
	db_commit(db);
	cli_progress_done("%lld tokens, %lld documents, %u words (%u new) "
	    "in %.2f s; batch %lld", (long long)tokens, (long long)docs, v->n,
	    added, cli_now() - t0, (long long)batch);
out:
	db_close(db);
	vocab_free(v);
	tokin_close(in);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "max-size", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "d:flm:s:t:qvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'f': opt_force = 1; break;
		case 'l': opt_list = 1; break;
		case 'm': opt_min_count = cli_parse_int(optarg, 1, INT64_MAX,
			    "--min-count"); break;
		case 's': opt_max_size = cli_parse_int(optarg, 1, UINT32_MAX,
			    "--max-size"); break;
		case 't': opt_threads = cli_parse_int(optarg, 1, 64,
			    "--threads"); break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (opt_threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		opt_threads = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	}
	if (opt_list) {
		if (opt_db == NULL)
			cli_usage_die("--list needs -d DB");
		if (optind < argc)
			cli_usage_die("--list reads no input files");
		list_db();
	} else
		count_files(argv + optind, argc - optind);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
