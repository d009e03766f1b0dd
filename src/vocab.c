/*
 * vocab.c - firth-vocab: count the words of token text.
 *
 * With -d DB the counts are added to the corpus database in one
 * transaction and the input is recorded as a batch, so the same input fed
 * again changes nothing.  Without -d, or with --list, prints "word count"
 * lines, most frequent first (GloVe's vocab.txt).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "tokin.h"
#include "vocab.h"

static const char *opt_db;
static int opt_force, opt_list;
static int64_t opt_min_count = 1;
static uint32_t opt_max_size;

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
	struct vsel *s = vsel_from_db(db, opt_min_count, opt_max_size);

	print_counts(s->words, s->counts, NULL, s->n);
	vsel_free(s);
	db_close(db);
}

/* Read all tokens into v; returns documents, sets *tokens. */
static int64_t
count_input(struct tokin *in, struct vocab *v, int64_t *tokens)
{
	const char *tok;
	size_t len;
	int64_t docs = 0, ntok = 0;
	int k;
	double t0 = cli_now();

	while ((k = tokin_next(in, &tok, &len)) != TOKIN_EOF) {
		if (k == TOKIN_EOD) {
			docs++;
			if ((docs & 1023) == 0)
				cli_progress("%lld documents, %lld tokens, "
				    "%.1f MB/s", (long long)docs,
				    (long long)ntok, tokin_bytes(in) / 1e6 /
				    (cli_now() - t0 + 1e-9));
			continue;
		}
		vocab_add(v, tok, len, 1);
		ntok++;
	}
	*tokens = ntok;
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

	sel = db_prepare(db, "SELECT id, word FROM words ORDER BY id");
	next = 0;
	while (db_step(db, sel) == SQLITE_ROW) {
		uint32_t id = vocab_add(old, (const char *)
		    sqlite3_column_text(sel, 1), sqlite3_column_bytes(sel, 1),
		    0);
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
	int64_t docs, tokens, batch, prev;
	uint32_t added = 0;
	double t0 = cli_now();

	/* Open (and create) the database first: a bad path fails fast. */
	if (opt_db != NULL)
		db = db_open(opt_db, DB_CREATE);
	docs = count_input(in, v, &tokens);
	if (tokin_truncated(in) > 0)
		cli_warn("%llu tokens longer than %d bytes were cut short",
		    (unsigned long long)tokin_truncated(in), TOKIN_MAXTOK);
	if (db == NULL) {
		uint32_t *order = vocab_by_count(v);
		print_counts(v->words, v->counts, order, v->n);
		free(order);
		cli_progress_done("%lld tokens, %lld documents, %u words in "
		    "%.2f s", (long long)tokens, (long long)docs, v->n,
		    cli_now() - t0);
		goto out;
	}
	if (tokens == 0)
		cli_die("no tokens in the input (%s): did the upstream command "
		    "fail?", tokin_source(in));
	tokin_digest(in, digest);
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
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "d:flm:s:qvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'f': opt_force = 1; break;
		case 'l': opt_list = 1; break;
		case 'm': opt_min_count = cli_parse_int(optarg, 1, INT64_MAX,
			    "--min-count"); break;
		case 's': opt_max_size = cli_parse_int(optarg, 1, UINT32_MAX,
			    "--max-size"); break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
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
