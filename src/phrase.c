/*
 * phrase.c - firth-phrase: join the word pairs that are phrases
 * ("new york" as new_york) in token text, from counts kept in a corpus
 * database.
 *
 * --count adds the input's unigram and bigram counts to the database as
 * one batch of a pass (the same input twice changes nothing); a plain run
 * scores the pass's pairs with word2phrase's formula (or gensim's npmi)
 * and copies token text from the input to stdout with the pairs above the
 * threshold joined by '_'.  The work is in lib/phrase*.c.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "phrase.h"
#include "tokin.h"

static const char *opt_db;
static int opt_count, opt_list, opt_dump;
static int opt_threshold_set;
static struct phrase_opts opt = { 1, PHRASE_W2P, 100, 5, 0 };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-phrase -d DB [-qv] [-p N] [-s SCORING] [-t X] "
	    "[-m N] [-M SIZE] [FILE...]\n"
	    "       firth-phrase -d DB --count [-qv] [-p N] [-M SIZE] "
	    "[FILE...]\n"
	    "       firth-phrase -d DB --list|--dump [-p N] [-s SCORING] "
	    "[-t X] [-m N]\n"
	    "Join the word pairs that are phrases in token text (plain or "
	    "gzip; stdin\n"
	    "by default), from unigram and bigram counts in a corpus "
	    "database.\n"
	    "  -d, --db DB         the corpus database (created by --count "
	    "if missing)\n"
	    "  -c, --count         add the input's counts to DB as one batch; "
	    "print nothing\n"
	    "  -p, --pass N        which pass's counts, 1 to %d (default 1)\n"
	    "  -s, --scoring S     word2phrase (default) or npmi\n"
	    "  -t, --threshold X   join pairs scoring above X (default 100; "
	    "npmi 0.5)\n"
	    "  -m, --min-count N   word2phrase's min count, delta (default 5)\n"
	    "  -M, --memory SIZE   memory bound (default a quarter of RAM)\n"
	    "  -l, --list          print the pairs joined: a_b count score\n"
	    "      --dump          print the pass's counts: a n, then a b n\n"
	    "  -q, --quiet         no summary line\n"
	    "  -v, --verbose       more detail\n"
	    "  -h, --help, --version\n", PHRASE_MAX_PASS);
}

static void
count_files(char **files, int nfiles)
{
	struct db *db = db_open(opt_db, DB_CREATE);
	struct tokin *in = tokin_open(files, nfiles);

	phrase_count(db, in, opt.pass, opt.mem, 1);
	if (tokin_truncated(in) > 0)
		cli_warn("%llu tokens longer than %d bytes were cut short",
		    (unsigned long long)tokin_truncated(in), TOKIN_MAXTOK);
	tokin_close(in);
	db_close(db);
}

static void
apply_files(char **files, int nfiles)
{
	struct db *db = db_open(opt_db, DB_READ);
	struct phrase_table *t;
	struct tokin *in;
	uint64_t joins, tokens;
	double t0 = cli_now();

	t = phrase_table_load(db, &opt);
	db_close(db);
	if (opt_list) {
		phrase_list(t, stdout);
		phrase_table_free(t);
		return;
	}
	in = tokin_open(files, nfiles);
	joins = phrase_apply(t, in, stdout, &tokens);
	/* A failed write is said before a summary that looks done. */
	if (fflush(stdout) != 0 || ferror(stdout))
		cli_die("write error on stdout");
	cli_progress_done("%llu tokens, %llu pairs joined (%llu phrases "
	    "known, pass %d) in %.2f s", (unsigned long long)tokens,
	    (unsigned long long)joins,
	    (unsigned long long)phrase_table_size(t), opt.pass,
	    cli_now() - t0);
	tokin_close(in);
	phrase_table_free(t);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "count", no_argument, NULL, 'c' },
		{ "pass", required_argument, NULL, 'p' },
		{ "scoring", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 't' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "memory", required_argument, NULL, 'M' },
		{ "list", no_argument, NULL, 'l' },
		{ "dump", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *threshold = NULL;
	int c;

	cli_init(argc, argv);
	opt.mem = cli_physmem() / 4;
	while ((c = getopt_long(argc, argv, "d:cp:s:t:m:M:lqvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'c': opt_count = 1; break;
		case 'p': opt.pass = cli_parse_int(optarg, 1, PHRASE_MAX_PASS,
			    "--pass"); break;
		case 's':
			if (strcmp(optarg, "word2phrase") == 0)
				opt.scoring = PHRASE_W2P;
			else if (strcmp(optarg, "npmi") == 0)
				opt.scoring = PHRASE_NPMI;
			else
				cli_usage_die("--scoring: '%s' is not a "
				    "scoring; use word2phrase or npmi", optarg);
			break;
		case 't': threshold = optarg; break;
		case 'm': opt.delta = cli_parse_int(optarg, 0, INT64_MAX / 2,
			    "--min-count"); break;
		case 'M': opt.mem = cli_parse_size(optarg, "--memory"); break;
		case 'l': opt_list = 1; break;
		case 'D': opt_dump = 1; break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	/* Parsed after the loop: its bounds depend on the scoring. */
	if (threshold != NULL) {
		opt_threshold_set = 1;
		opt.threshold = opt.scoring == PHRASE_NPMI ?
		    cli_parse_double(threshold, -1, 1, "--threshold") :
		    cli_parse_double(threshold, 0, 1e300, "--threshold");
	} else if (opt.scoring == PHRASE_NPMI)
		opt.threshold = 0.5;
	if (opt_db == NULL)
		cli_usage_die("-d DB is needed: the counts live in a corpus "
		    "database (firth-phrase -d DB --count FILE... makes them)");
	if (opt.mem < (1u << 20))
		cli_usage_die("--memory: at least 1M");
	if (opt_count + opt_list + opt_dump > 1)
		cli_usage_die("--count, --list and --dump go one at a time");
	if ((opt_list || opt_dump) && optind < argc)
		cli_usage_die("--list and --dump read no input files");
	if (opt_count && (opt_threshold_set || opt.scoring != PHRASE_W2P))
		cli_usage_die("--count stores counts, which do not depend on "
		    "--scoring or --threshold; give them when applying");
	if (opt_count)
		count_files(argv + optind, argc - optind);
	else if (opt_dump) {
		struct db *db = db_open(opt_db, DB_READ);
		phrase_dump(db, opt.pass, stdout);
		db_close(db);
	} else
		apply_files(argv + optind, argc - optind);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
