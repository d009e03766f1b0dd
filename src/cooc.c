/*
 * cooc.c - firth-cooc: count word co-occurrences of token text into the
 * corpus database, and export them as a sorted co-occurrence stream.
 *
 *   firth-cooc -d DB [options] [FILE...]     count one batch into DB
 *   firth-cooc -d DB --export [options]      cooc stream on stdout
 *   firth-cooc -d DB --compact               merge all shards into one run
 *   firth-cooc -d DB --merge A.db B.db ...   sum slice databases into DB
 *   firth-cooc -d DB --dump | --import       text records out and in
 *   firth-cooc --reduce                      sum sorted text records
 *
 * This file is the list of modes, each a recipe over the library:
 * cooc_runs.h (settings, the shards table as sorted runs), cooc_count.h
 * (the counting engine), cooc_export.h (the k-way export), cooc_merge.h
 * (slices summed into a target), cooc_text.h (text records) and
 * cmerge.h (words reconciled by bytes, records re-sorted).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cli.h"
#include "cmerge.h"
#include "cooc_count.h"
#include "cooc_export.h"
#include "cooc_merge.h"
#include "cooc_runs.h"
#include "cooc_text.h"
#include "db.h"
#include "shard.h"
#include "tokin.h"
#include "vocab.h"

static const char *opt_db, *opt_stopfile;
static int opt_export, opt_compact, opt_merge, opt_dump, opt_import,
    opt_reduce, opt_force, opt_left, opt_close_gaps;
static int opt_context = COOC_WINDOW, opt_weighting = -1;
static int opt_window = 15, opt_doc_cap = 1000;
static int opt_level = 1, opt_shard_level = 0;
static int64_t opt_min_count = 1;
static uint32_t opt_max_vocab;
static uint64_t opt_mem;
static double opt_cap;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-cooc -d DB [-qv] [-M SIZE] [-w N] [--left] "
	    "[-x WEIGHTING]\n"
	    "                  [-c window|doc|worddoc] [--doc-cap N] "
	    "[-S STOPFILE]\n"
	    "                  [--min-count N] [--max-vocab N] [--force] "
	    "[FILE...]\n"
	    "       firth-cooc -d DB --export [-M SIZE] [--min-count N] "
	    "[--max-vocab N]\n"
	    "                  [-x WEIGHTING] [--cap X] [-l LEVEL]\n"
	    "       firth-cooc -d DB --compact [-M SIZE]\n"
	    "       firth-cooc -d DB --merge [-M SIZE] SLICE.db...\n"
	    "       firth-cooc -d DB --dump\n"
	    "       firth-cooc -d DB --import [-M SIZE] [RECORDS...]\n"
	    "       firth-cooc --reduce [RECORDS...]\n"
	    "Count co-occurrences of token text into a corpus database, or "
	    "export them.\n"
	    "  -d, --db DB          corpus database (firth-vocab -d DB "
	    "first)\n"
	    "  -w, --window N       context words on each side (default 15)\n"
	    "      --symmetric      count both sides (default)\n"
	    "      --left           count only the left context\n"
	    "  -x, --weighting W    harmonic (1/d, default), linear or flat\n"
	    "  -c, --context C      window (default), doc: all pairs in a "
	    "document,\n"
	    "                       worddoc: word-document counts (LSA)\n"
	    "      --doc-cap N      doc contexts: cut documents into pieces "
	    "of N words (1000)\n"
	    "  -S, --stopwords FILE skip the words in FILE\n"
	    "  -m, --min-count N    only words counted at least N times\n"
	    "  -s, --max-vocab N    only the N most frequent words\n"
	    "      --close-gaps     drop words not counted, as GloVe does "
	    "(default: keep places)\n"
	    "  -M, --memory SIZE    memory to use (default 25%%)\n"
	    "  -f, --force          count an input again / other settings\n"
	    "  -e, --export         write the co-occurrence stream to stdout\n"
	    "      --cap X          export: no count larger than X\n"
	    "  -l, --level N        export: zlib level 0..9 (default 1)\n"
	    "      --shard-level N  zlib level of stored shards (default 0)\n"
	    "      --compact        merge the database's shards into one run\n"
	    "      --merge          sum the slice databases SLICE.db... into DB\n"
	    "      --dump           the counts as text records keyed by words\n"
	    "      --reduce         sum sorted text records with equal keys\n"
	    "      --import         add text records to DB\n"
	    "  -q, --quiet, -v, --verbose, -h, --help, --version\n");
}

/* The settings the options ask counting for (stopwords: "none" yet). */
static void
count_settings(struct cooc_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->context = opt_context;
	s->weighting = opt_weighting >= 0 ? opt_weighting :
	    opt_context == COOC_WINDOW ? COOC_HARMONIC : COOC_FLAT;
	if (opt_context != COOC_WINDOW && s->weighting != COOC_FLAT)
		cli_usage_die("document contexts are counted flat; "
		    "--weighting %s applies to window contexts",
		    cooc_weight_names[s->weighting]);
	s->left = opt_left;
	s->window = opt_window;
	s->doc_cap = opt_doc_cap;
	s->min_count = opt_min_count;
	s->max_vocab = opt_max_vocab;
	s->close_gaps = opt_close_gaps;
	strcpy(s->stopwords, "none");
}

/*
 * use[id]: 1 counted, 0 out of vocabulary (keeps its place), 2 stopword;
 * the stopword file's tag goes into s.
 */
static unsigned char *
count_use(struct db *db, const struct cooc_wtab *dbv, struct cooc_settings *s)
{
	uint32_t ndb = dbv->n;
	unsigned char *use = xcalloc(ndb + 1, 1);
	struct vsel *sel = vsel_from_db(db, opt_min_count, opt_max_vocab);

	for (uint32_t r = 0; r < sel->n; r++)
		use[sel->dbid[r]] = 1;
	vsel_free(sel);
	if (opt_stopfile != NULL) {
		unsigned char *stop = xcalloc(ndb + 1, 1);
		cooc_stopwords_load(opt_stopfile, dbv, stop, s->stopwords,
		    sizeof(s->stopwords));
		for (uint32_t i = 0; i < ndb; i++)
			if (stop[i])
				use[i] = 2;
		free(stop);
	}
	return use;
}

/*
 * --force may add a batch whose vocabulary or default weighting differ,
 * but never one whose shards could not be merged with the others
 * (another context, window or side).
 */
static void
count_check_force(struct db *db, const struct shard_meta *m)
{
	struct cooc_settings os;
	struct shard_meta om;
	char *old;

	if (!opt_force || (old = db_meta_get(db, "cooc")) == NULL)
		return;
	free(old);
	cooc_settings_parse(db, &os);
	om = cooc_settings_meta(&os);
	if (om.flags != m->flags || om.window != m->window)
		cli_die("%s: earlier batches were counted with another "
		    "context, window or side; their counts cannot be "
		    "merged with these, even with --force (use a new "
		    "database)", opt_db);
}

/*
 * Words the vocabulary lacks mean firth-vocab has not taken this input
 * yet (it was forgotten, or is running at the same time).  Recorded now,
 * the batch would stand as counted without those words' pairs, and the
 * same input given again after firth-vocab would be refused as already
 * counted: the pairs lost for good.  So nothing is recorded, unless
 * --force says to count the rest.
 */
static void
count_check_input(struct tokin *in, const struct cooc_countstats *st)
{
	if (tokin_truncated(in) > 0)
		cli_warn("%llu tokens longer than %d bytes were cut short",
		    (unsigned long long)tokin_truncated(in), TOKIN_MAXTOK);
	if (st->tokens == 0)
		cli_die("no tokens in the input (%s): did the upstream command "
		    "fail?", tokin_source(in));
	if (st->unknown > 0 && !opt_force)
		cli_die("%lld of %lld tokens are not in the database's "
		    "vocabulary; nothing was counted: run firth-vocab -d %s on "
		    "this input first, then this again (--force counts the "
		    "other tokens without them)", (long long)st->unknown,
		    (long long)st->tokens, opt_db);
	if (st->unknown > 0)
		cli_warn("%lld of %lld tokens are not in the database's "
		    "vocabulary (not counted; run firth-vocab -d %s on this "
		    "input first)", (long long)st->unknown,
		    (long long)st->tokens, opt_db);
}

/*
 * The batch row for this input, in the caller's transaction: -1 when it
 * was counted already (and no --force), else the new batch's id.
 */
static int64_t
count_batch(struct db *db, struct tokin *in, const char *settings,
    const struct cooc_countstats *st, int64_t doc0)
{
	char digest[TOKIN_DIGEST_LEN], forced[TOKIN_DIGEST_LEN + 32];
	int64_t prev;
	int i = 2;

	tokin_digest(in, digest);
	prev = db_batch_find(db, "cooc", digest);
	if (prev >= 0 && !opt_force) {
		cli_info("%s: this input was already counted as batch %lld; "
		    "nothing changed (--force counts it again)", opt_db,
		    (long long)prev);
		return -1;
	}
	db_settings_check(db, "cooc", settings, opt_force);
	if (opt_context == COOC_WORDDOC && cooc_docs_before(db) != doc0)
		cli_die("%s: another batch was counted meanwhile; run again",
		    opt_db);
	if (prev < 0)
		return db_batch_add(db, "cooc", digest, tokin_source(in),
		    st->docs, st->tokens);
	do
		snprintf(forced, sizeof(forced), "%s+%d", digest, i++);
	while (db_batch_find(db, "cooc", forced) >= 0);
	return db_batch_add(db, "cooc", forced, tokin_source(in), st->docs,
	    st->tokens);
}

/* Counting: one batch of token text into the database. */
static void
count_files(char **files, int nfiles)
{
	struct db *db = db_open(opt_db, DB_WRITE);
	struct cooc_settings s;
	struct shard_meta m;
	struct cooc_wtab dbv;
	struct cooc_counter c;
	struct cooc_countstats st = { 0 };
	struct cooc_countopts co = { opt_context, opt_window, opt_doc_cap,
	    opt_close_gaps, 0 };
	struct tokin *in;
	struct cooc_sink sink = { 0 };
	unsigned char *use;
	char settings[512], buf[32];
	uint64_t records = 0, bytes = 0;
	double t0 = cli_now(), tcount;

	count_settings(&s);
	cooc_wtab_load(&dbv, db);
	if (dbv.n == 0)
		cli_die("%s: the database has no words; run firth-vocab -d %s "
		    "on the same input first", opt_db, opt_db);
	if (dbv.n > SHARD_MAX_ID)
		cli_die("%s: %u words; firth-cooc counts at most %u", opt_db,
		    dbv.n, SHARD_MAX_ID);
	use = count_use(db, &dbv, &s);
	cooc_settings_format(&s, settings, sizeof(settings));
	m = cooc_settings_meta(&s);
	count_check_force(db, &m);
	/* Other settings fail now, not after the whole input is counted. */
	db_begin(db);
	db_settings_check(db, "cooc", settings, opt_force);
	if (opt_context == COOC_WORDDOC)
		co.doc0 = cooc_docs_before(db);
	db_rollback(db);

	in = tokin_open(files, nfiles);
	cooc_counter_init(&c, dbv.n, &m, m.flags & SHARD_CANONICAL,
	    opt_context == COOC_WORDDOC, opt_mem, cooc_input_pairs(files,
	    nfiles, opt_context == COOC_WINDOW ? opt_window : opt_doc_cap),
	    opt_shard_level);
	if (cli_verbose > 0)
		cli_info("dense table %s for %zu pairs; spill buffers %zu "
		    "occurrences", cli_fmt_size(c.ncells * c.cellsize,
		    buf, sizeof(buf)), c.ncells, c.capocc);
	cooc_count_input(&c, in, &dbv, use, &co, &st);
	tcount = cli_now() - t0;
	if (cli_verbose > 0)
		cli_info("counted in %.2f s: %llu occurrences sparse in %d "
		    "spills (%llu records), %zu overflow cells", tcount,
		    (unsigned long long)c.sp.occurrences, c.sp.nruns,
		    (unsigned long long)c.sp.records, c.novf);
	count_check_input(in, &st);

	db_begin(db);
	if ((sink.batch = count_batch(db, in, settings, &st, co.doc0)) < 0) {
		db_rollback(db);
		goto out;
	}
	sink.db = db;
	cooc_counter_store(&c, &m, opt_shard_level, &sink, &records, &bytes);
	cooc_sink_end(&sink);
	db_commit(db);
	cli_progress_done("%lld tokens, %lld documents, %llu pair "
	    "occurrences -> %llu records in %llu shards (%s, %.2f B/record); "
	    "batch %lld in %.2f s (counting %.2f s, spill thread busy "
	    "%.2f s)", (long long)st.tokens, (long long)st.docs,
	    (unsigned long long)c.pairs, (unsigned long long)records,
	    (unsigned long long)sink.shards,
	    cli_fmt_size(bytes, buf, sizeof(buf)),
	    records ? (double)bytes / records : 0.0, (long long)sink.batch,
	    cli_now() - t0, tcount, c.sp.busy);
out:
	cooc_counter_free(&c);
	free(use);
	cooc_wtab_free(&dbv);
	tokin_close(in);
	db_close(db);
}

/* --export: the cooc stream of one snapshot of the database. */
static void
export_db(void)
{
	struct db *db = db_open(opt_db, DB_READ);
	struct cooc_export_opts o = { opt_weighting, opt_cap, opt_min_count,
	    opt_max_vocab, opt_mem, opt_level };

	cooc_export(db, &o);
	db_close(db);
}

/* --compact: every run merged into one, in one transaction. */
static void
compact_db(void)
{
	struct db *db = db_open(opt_db, DB_WRITE);
	struct cooc_settings s;
	struct shard_meta m;
	struct cooc_runs runs;
	struct cooc_sink sink = { .batch = -1, .level = 1 };
	struct shard_writer *w;
	int64_t maxid, before;
	uint64_t records;
	double t0 = cli_now();

	cooc_settings_parse(db, &s);
	m = cooc_settings_meta(&s);
	db_begin(db);
	cooc_shards_span(db, &maxid, &before);
	cooc_runs_open(&runs, db, &m, db_nwords(db), maxid,
	    cooc_fanin(opt_mem));
	if (runs.nkey + runs.ntmp == 0 || (runs.nkey == 1 &&
	    runs.key[0].batch < 0)) {
		int nruns = runs.nkey;
		cooc_runs_close(&runs);
		db_rollback(db);
		cli_info("%s: %lld shards in %d run%s; nothing to compact",
		    opt_db, (long long)before, nruns, nruns == 1 ? "" : "s");
		db_close(db);
		return;
	}
	sink.db = db;
	w = shard_writer_new(&m, opt_shard_level, cooc_sink_put, &sink);
	shard_writer_async(w);
	cooc_runs_merge(&runs, cooc_emit_to_writer, w);
	shard_writer_flush(w);
	records = w->records;
	shard_writer_close(w);
	cooc_runs_close(&runs);
	cooc_sink_end(&sink);
	cooc_shards_delete(db, maxid);
	db_commit(db);
	cli_progress_done("%lld shards -> %llu shards, %llu pairs, %.2f s",
	    (long long)before, (unsigned long long)sink.shards,
	    (unsigned long long)records, cli_now() - t0);
	db_close(db);
}

/*
 * --merge: sum standalone slice databases into the target, in one
 * transaction (the steps are cooc_merge.h's).
 */
static void
merge_dbs(char **paths, int n)
{
	struct cooc_slice *sl;
	struct cooc_settings s;
	struct shard_meta m;
	struct db *db;
	struct cmerge_vocab *cv;
	struct cmerge_sorter *sorter;
	struct cooc_sink sink = { 0 };
	char *want, buf[32], *cleanup[3] = { 0 };
	int tnew;
	int64_t docoff;
	uint32_t added, maxw2;
	uint64_t records;
	double t0 = cli_now();

	sl = cooc_slices_open(paths, n, opt_db, &tnew);
	want = db_meta_get(sl[0].db, "cooc");
	cooc_settings_parse(sl[0].db, &s);
	m = cooc_settings_meta(&s);

	db = cooc_target_open(opt_db, tnew, cleanup);
	db_begin(db);
	db_settings_check(db, "cooc", want, 0);
	if (cooc_slices_merged(sl, n, db)) {
		db_rollback(db);
		cli_info("%s: every slice was merged already; nothing "
		    "changed", opt_db);
		goto out;
	}
	cv = cmerge_vocab_new(db);
	added = cooc_slices_vocab(sl, n, cv, db);
	/* Batches, and the document numbers of word-document counts. */
	docoff = cooc_docs_before(db);
	cooc_slices_batches(sl, n, db, &sink.batch);
	maxw2 = cmerge_vocab_size(cv);
	if (m.flags & SHARD_WORDDOC) {
		int64_t total = docoff;
		for (int i = 0; i < n; i++)
			total += sl[i].docs;
		if (total > SHARD_MAX_ID)
			cli_die("%s: more than %u documents", opt_db,
			    SHARD_MAX_ID);
		maxw2 = (uint32_t)total;
	}
	sorter = cmerge_sorter_new(&m, opt_mem / 2, cmerge_vocab_size(cv),
	    maxw2, cooc_slices_records(sl, n));
	sorter->level = opt_shard_level;
	cooc_slices_count(sl, n, &m, docoff, cooc_fanin(opt_mem), sorter);
	records = cooc_sorter_store(sorter, &m, opt_shard_level, db, &sink);
	cmerge_vocab_free(cv);
	db_commit(db);
	cooc_target_keep(cleanup);
	cli_progress_done("merged %d slices into %s: %u new words, %llu "
	    "records in %llu shards, %.2f s, peak %s", n, opt_db, added,
	    (unsigned long long)records, (unsigned long long)sink.shards,
	    cli_now() - t0, cli_fmt_size(cli_peak_rss(), buf, sizeof(buf)));
out:
	cooc_slices_close(sl, n);
	free(want);
	cooc_target_keep(cleanup);
	db_close(db);
}

/* --dump: the database's counts as text records (cooc_text.h). */
static void
dump_db(void)
{
	struct db *db = db_open(opt_db, DB_READ);

	cooc_text_dump(db, opt_mem);
	db_close(db);
}

/*
 * Standard input spooled to an unnamed temporary file for --import's
 * second pass (cli_tmpfile unlinks it at once, so a killed run leaves
 * nothing); returns its descriptor.
 */
static int
import_spool(char **spool)
{
	struct cooc_recin r;
	char *line;
	size_t len;
	FILE *t;

	cooc_recin_open(&r, "-", -1, "standard input");
	t = cli_tmpfile("import", spool);
	while ((line = cooc_recin_next(&r, &len)) != NULL)
		if (fprintf(t, "%s\n", line) < 0)
			cli_die("write error on %s: %s", *spool,
			    strerror(errno));
	cooc_recin_close(&r);
	if (fflush(t) != 0 || ferror(t))
		cli_die("write error on %s: %s (is $TMPDIR full?)", *spool,
		    strerror(errno));
	return fileno(t);
}

/* The records' files joined by spaces, as the batches' source. */
static char *
import_source(char **files, int nfiles)
{
	size_t len = 2;
	char *source;

	for (int f = 0; f < nfiles; f++)
		len += strlen(files[f]) + 1;
	source = xcalloc(1, len);
	for (int f = 0; f < nfiles; f++) {
		if (f > 0)
			strcat(source, " ");
		strcat(source, files[f]);
	}
	return source;
}

/*
 * --import: records into the database, as one batch of each kind whose
 * digest is that of the records.  Pass 1 reads settings, totals and
 * words and numbers the words; pass 2 renumbers the pairs, re-sorts them
 * in bounded memory and stores them as runs.  Standard input is spooled
 * for the second pass.
 */
static void
import_records(char **files, int nfiles)
{
	struct cooc_settings s;
	struct shard_meta m;
	struct stat sb;
	struct db *db;
	struct cmerge_vocab *cv;
	struct cmerge_sorter *sorter;
	struct cooc_sink sink = { 0 };
	struct cooc_recin r;
	char *settings = NULL, *cleanup[3] = { 0 }, *source, buf[32];
	char digest[TOKIN_DIGEST_LEN], *dash = "-", *spoolname = NULL;
	uint64_t docs = 0, tokens = 0, pairs = 0, bytes = 0, records;
	uint64_t npairs = 0;
	struct digest dg;
	uint32_t added;
	int tnew = stat(opt_db, &sb) != 0, havet = 0, spool = -1;
	double t0 = cli_now();

	if (nfiles == 0) {
		files = &dash;
		nfiles = 1;
	}
	source = import_source(files, nfiles);
	for (int f = 0; f < nfiles; f++)
		if (strcmp(files[f], "-") == 0) {
			if (spool >= 0)
				cli_usage_die("--import reads standard input "
				    "once");
			spool = import_spool(&spoolname);
		}
#define IMPORT_OPEN(r, f) cooc_recin_open(&(r), files[f], \
	strcmp(files[f], "-") == 0 ? spool : -1, \
	strcmp(files[f], "-") == 0 ? "standard input" : files[f])
	db = cooc_target_open(opt_db, tnew, cleanup);
	db_begin(db);
	cv = cmerge_vocab_new(db);

	/* Pass 1: settings, totals, words; the digest of everything. */
	digest_init(&dg);
	for (int f = 0; f < nfiles; f++) {
		IMPORT_OPEN(r, f);
		r.dg = &dg;
		cooc_import_words(&r, cv, &settings, &docs, &tokens, &havet,
		    &npairs);
		bytes += r.bytes;
		cooc_recin_close(&r);
	}
	if (settings == NULL || !havet)
		cli_die("%s: no %s record: not the records of firth-cooc "
		    "--dump (or of its reducer)", source, settings == NULL ?
		    "settings (s)" : "totals (t)");
	digest_key(&dg, digest);	/* SHA-256, and 0.1's CRC form beside */
	if (db_batch_find(db, "cooc", digest) >= 0) {
		db_rollback(db);
		cli_info("%s: these records were imported already; nothing "
		    "changed", opt_db);
		goto out;
	}
	cooc_settings_additive(settings, source);
	db_settings_check(db, "cooc", settings, 0);
	cooc_settings_parse(db, &s);
	if (s.context == COOC_WORDDOC)
		cli_die("%s: word-document counts cannot be imported (document "
		    "numbers are per database)", source);
	m = cooc_settings_meta(&s);
	if (cmerge_vocab_size(cv) > SHARD_MAX_ID)
		cli_die("%s: %u words; firth-cooc counts at most %u", opt_db,
		    cmerge_vocab_size(cv), SHARD_MAX_ID);
	added = cmerge_vocab_finish(cv, db);
	if (db_batch_find(db, "vocab", digest) < 0)
		db_batch_add(db, "vocab", digest, source, docs, tokens);
	sink.batch = db_batch_add(db, "cooc", digest, source, docs, tokens);

	/* Pass 2: the pairs, renumbered and re-sorted. */
	sorter = cmerge_sorter_new(&m, opt_mem / 2, cmerge_vocab_size(cv),
	    cmerge_vocab_size(cv), npairs);
	sorter->level = opt_shard_level;
	for (int f = 0; f < nfiles; f++) {
		IMPORT_OPEN(r, f);
		pairs += cooc_import_pairs(&r, cv, &m, sorter);
		cooc_recin_close(&r);
	}
#undef IMPORT_OPEN
	records = cooc_sorter_store(sorter, &m, opt_shard_level, db, &sink);
	db_commit(db);
	cooc_target_keep(cleanup);
	cli_progress_done("imported %llu pair records (%llu pairs), %u new "
	    "words into %s as batch %lld, %.2f s, peak %s",
	    (unsigned long long)pairs, (unsigned long long)records, added,
	    opt_db, (long long)sink.batch, cli_now() - t0,
	    cli_fmt_size(cli_peak_rss(), buf, sizeof(buf)));
out:
	cooc_target_keep(cleanup);
	cmerge_vocab_free(cv);
	free(settings);
	free(source);
	db_close(db);
}

int
main(int argc, char **argv)
{
	enum { O_LEFT = 256, O_SYM, O_DOCCAP, O_CAP, O_SHLEVEL, O_COMPACT,
		O_CLOSE, O_MERGE, O_DUMP, O_IMPORT, O_REDUCE };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "left", no_argument, NULL, O_LEFT },
		{ "symmetric", no_argument, NULL, O_SYM },
		{ "weighting", required_argument, NULL, 'x' },
		{ "context", required_argument, NULL, 'c' },
		{ "doc-cap", required_argument, NULL, O_DOCCAP },
		{ "stopwords", required_argument, NULL, 'S' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "max-vocab", required_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'M' },
		{ "force", no_argument, NULL, 'f' },
		{ "export", no_argument, NULL, 'e' },
		{ "cap", required_argument, NULL, O_CAP },
		{ "level", required_argument, NULL, 'l' },
		{ "shard-level", required_argument, NULL, O_SHLEVEL },
		{ "compact", no_argument, NULL, O_COMPACT },
		{ "merge", no_argument, NULL, O_MERGE },
		{ "dump", no_argument, NULL, O_DUMP },
		{ "import", no_argument, NULL, O_IMPORT },
		{ "reduce", no_argument, NULL, O_REDUCE },
		{ "close-gaps", no_argument, NULL, O_CLOSE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, counting_opts = 0;

	cli_init(argc, argv);
	opt_mem = cli_physmem() / 4;
	while ((c = getopt_long(argc, argv, "d:w:x:c:S:m:s:M:fel:qvh",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'w': opt_window = cli_parse_int(optarg, 1,
			    SHARD_MAX_WINDOW, "--window");
			counting_opts = 1; break;
		case O_LEFT: opt_left = 1; counting_opts = 1; break;
		case O_SYM: opt_left = 0; counting_opts = 1; break;
		case 'x': opt_weighting = cooc_name_index(cooc_weight_names, 3, optarg,
			    "--weighting"); break;
		case 'c': opt_context = cooc_name_index(cooc_ctx_names, 3, optarg,
			    "--context"); counting_opts = 1; break;
		case O_DOCCAP: opt_doc_cap = cli_parse_int(optarg, 2, 100000,
			    "--doc-cap"); counting_opts = 1; break;
		case 'S': opt_stopfile = optarg; counting_opts = 1; break;
		case 'm': opt_min_count = cli_parse_int(optarg, 1, INT64_MAX,
			    "--min-count"); break;
		case 's': opt_max_vocab = cli_parse_int(optarg, 1,
			    SHARD_MAX_ID, "--max-vocab"); break;
		case 'M': opt_mem = cli_parse_size(optarg, "--memory"); break;
		case 'f': opt_force = 1; break;
		case 'e': opt_export = 1; break;
		case O_CAP: opt_cap = cli_parse_double(optarg, 1e-30, 1e30,
			    "--cap"); break;
		case 'l': opt_level = cli_parse_int(optarg, 0, 9, "--level");
			break;
		case O_SHLEVEL: opt_shard_level = cli_parse_int(optarg, 0, 9,
			    "--shard-level"); break;
		case O_COMPACT: opt_compact = 1; break;
		case O_MERGE: opt_merge = 1; break;
		case O_DUMP: opt_dump = 1; break;
		case O_IMPORT: opt_import = 1; break;
		case O_REDUCE: opt_reduce = 1; break;
		case O_CLOSE: opt_close_gaps = 1; counting_opts = 1; break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (opt_export + opt_compact + opt_merge + opt_dump + opt_import +
	    opt_reduce > 1)
		cli_usage_die("--export, --compact, --merge, --dump, --import "
		    "and --reduce do not go together");
	if ((opt_merge || opt_dump || opt_import || opt_reduce) &&
	    (counting_opts || opt_force || opt_weighting >= 0 ||
	    opt_min_count != 1 || opt_max_vocab != 0))
		cli_usage_die("--%s takes the settings the counts were made "
		    "with; counting and export options do not apply", opt_merge ?
		    "merge" : opt_dump ? "dump" : opt_import ? "import" :
		    "reduce");
	if (opt_reduce) {
		cooc_text_reduce(argv + optind, argc - optind);
		cli_fclose(stdout, "stdout");
		return EXIT_OK;
	}
	if (opt_db == NULL)
		cli_usage_die("-d DB is required (the corpus database "
		    "firth-vocab -d DB made)");
	if (opt_mem < (1u << 20))
		cli_usage_die("--memory: at least 1M");
	if (opt_merge && optind == argc)
		cli_usage_die("--merge needs the slice databases to merge "
		    "(firth-cooc -d TARGET --merge A.db B.db ...)");
	if ((opt_export || opt_compact || opt_dump) && optind < argc)
		cli_usage_die("--%s reads no input files (it reads %s)",
		    opt_export ? "export" : opt_dump ? "dump" : "compact",
		    opt_db);
	if ((opt_export || opt_compact) && counting_opts)
		cli_usage_die("--window, --left, --context, --doc-cap, "
		    "--stopwords and --close-gaps are counting options; the "
		    "database's "
		    "settings apply to --%s", opt_export ? "export" :
		    "compact");
	if (!opt_export && opt_cap > 0)
		cli_usage_die("--cap applies to --export");
	if (opt_export)
		export_db();
	else if (opt_compact)
		compact_db();
	else if (opt_merge)
		merge_dbs(argv + optind, argc - optind);
	else if (opt_dump)
		dump_db();
	else if (opt_import)
		import_records(argv + optind, argc - optind);
	else
		count_files(argv + optind, argc - optind);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
