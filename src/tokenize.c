/*
 * tokenize.c - firth-tokenize: raw UTF-8 text (plain or gzip) to token
 * text, one document per line, tokens joined by one space: the corpus
 * format of GloVe and word2vec.
 *
 * The command line only parses options and moves bytes; the rules live in
 * lib/tokenize.c and firth-tokenize(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "stream.h"
#include "tokenize.h"

#define READSZ (256 * 1024)

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-tokenize [-cPqv] [--paragraphs | --wiki] [--text8]\n"
	    "           [--punct split|drop] [--numbers keep|map|drop] "
	    "[--num-token STR]\n"
	    "           [--urls keep|drop|split] [-m N] [--long drop|truncate] "
	    "[FILE...]\n"
	    "Turn UTF-8 text (plain or gzip; stdin by default) into token "
	    "text.\n"
	    "  -b, --paragraphs      blank-line separated paragraphs are "
	    "documents\n"
	    "  -w, --wiki            WikiExtractor <doc> blocks are documents "
	    "(title dropped)\n"
	    "  -8, --text8           only lowercase a-z words, as in text8\n"
	    "  -c, --keep-case       no case folding\n"
	    "  -p, --punct MODE      split (default) punctuation off as tokens, "
	    "or drop it\n"
	    "  -P                    same as --punct drop\n"
	    "  -n, --numbers MODE    keep (default), map to --num-token, or "
	    "drop\n"
	    "      --num-token STR   placeholder for numbers (default <num>)\n"
	    "  -u, --urls MODE       keep (default) URLs and e-mail addresses "
	    "whole, drop,\n"
	    "                        or split them\n"
	    "  -m, --max-token N     longest token in bytes (default 100)\n"
	    "  -l, --long MODE       drop (default) or truncate longer tokens\n"
	    "  -q, --quiet           no summary line\n"
	    "  -v, --verbose         more detail\n"
	    "  -h, --help, --version\n");
}

/* One of the words in `names' (NULL-terminated), as its index. */
static int
parse_mode(const char *s, const char *const *names, const char *what)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	cli_usage_die("%s: '%s' is not one of %s%s%s%s%s", what, s, names[0],
	    names[1] != NULL ? ", " : "", names[1] != NULL ? names[1] : "",
	    names[1] != NULL && names[2] != NULL ? ", " : "",
	    names[1] != NULL && names[2] != NULL ? names[2] : "");
}

static void
write_stdout(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	xfwrite(p, 1, n, stdout, "stdout");
}

static gzFile
input_open(const char *name)
{
	gzFile gz;
	int fd;

	if (strcmp(name, "-") == 0) {
		fd = dup(STDIN_FILENO);
		gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
		name = "stdin";
	} else
		gz = gzopen(name, "rb");
	if (gz == NULL)
		cli_die("cannot open %s: %s", name,
		    errno ? strerror(errno) : "out of memory");
	if (gzbuffer(gz, READSZ) != 0)
		cli_die("%s: cannot set the gzip buffer", name);
	return gz;
}

/* Feed one input to the tokenizer. */
static void
tokenize_input(struct tokenizer *t, const char *name, unsigned char *buf,
    double t0)
{
	gzFile gz = input_open(name);
	const struct tok_stats *st = tokenize_stats(t);
	const char *shown = strcmp(name, "-") == 0 ? "stdin" : name;
	int n, errnum, first = 1;

	while ((n = gzread(gz, buf, READSZ)) > 0) {
		/* Binary firth data is not text to tokenize. */
		if (first && stream_is_magic(buf, (size_t)n))
			cli_die("%s: a firth stream, not text (firth-cat "
			    "decodes it)", shown);
		first = 0;
		tokenize_feed(t, buf, n);
		cli_progress("%llu documents, %llu tokens, %.1f MB/s",
		    (unsigned long long)st->docs,
		    (unsigned long long)st->tokens,
		    st->bytes / 1e6 / (cli_now() - t0 + 1e-9));
	}
	if (n < 0) {
		const char *m = gzerror(gz, &errnum);
		cli_die("%s: %s", shown, errnum == Z_ERRNO ? strerror(errno) :
		    m);
	}
	/* A gzip member cut short reads as a short file: refuse it. */
	gzerror(gz, &errnum);
	if (errnum == Z_BUF_ERROR)
		cli_die("%s: unexpected end of gzip data (the file is "
		    "truncated)", shown);
	if ((errnum = gzclose(gz)) != Z_OK)
		cli_die("%s: error closing the input (zlib error %d)", shown,
		    errnum);
}

static void
summary(const struct tokenizer *t, const struct tok_opts *o, double secs)
{
	const struct tok_stats *st = tokenize_stats(t);
	char size[32];

	cli_progress_done("%llu documents, %llu tokens, %s in %.2f s "
	    "(%.1f MB/s); %llu invalid bytes, %llu long tokens %s",
	    (unsigned long long)st->docs, (unsigned long long)st->tokens,
	    cli_fmt_size(st->bytes, size, sizeof(size)), secs,
	    st->bytes / 1e6 / (secs + 1e-9), (unsigned long long)st->invalid,
	    (unsigned long long)st->longtok,
	    o->longtok == TOK_LONG_DROP ? "dropped" : "truncated");
	if (cli_verbose > 0)
		cli_info("%llu URLs and e-mail addresses; peak memory %s",
		    (unsigned long long)st->urls,
		    cli_fmt_size(cli_peak_rss(), size, sizeof(size)));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "paragraphs", no_argument, NULL, 'b' },
		{ "wiki", no_argument, NULL, 'w' },
		{ "text8", no_argument, NULL, '8' },
		{ "keep-case", no_argument, NULL, 'c' },
		{ "punct", required_argument, NULL, 'p' },
		{ "numbers", required_argument, NULL, 'n' },
		{ "num-token", required_argument, NULL, 'N' },
		{ "urls", required_argument, NULL, 'u' },
		{ "max-token", required_argument, NULL, 'm' },
		{ "long", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const punct[] = { "split", "drop", NULL };
	static const char *const numbers[] = { "keep", "map", "drop", NULL };
	static const char *const urls[] = { "keep", "drop", "split", NULL };
	static const char *const longs[] = { "drop", "truncate", NULL };
	static char *stdin_only[] = { "-" };
	struct tok_opts o;
	struct tokenizer *t;
	unsigned char *buf;
	char **files;
	int c, nfiles, docs_set = 0;
	double t0;

	cli_init(argc, argv);
	tokenize_defaults(&o);
	while ((c = getopt_long(argc, argv, "bw8cp:Pn:u:m:l:qvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b': case 'w':
			if (docs_set++ > 0 && o.docs != (c == 'b' ?
			    TOK_DOC_PARA : TOK_DOC_WIKI))
				cli_usage_die("--paragraphs and --wiki "
				    "exclude each other");
			o.docs = c == 'b' ? TOK_DOC_PARA : TOK_DOC_WIKI;
			break;
		case '8': o.text8 = 1; break;
		case 'c': o.keep_case = 1; break;
		case 'p': o.punct = parse_mode(optarg, punct, "--punct");
			break;
		case 'P': o.punct = TOK_PUNCT_DROP; break;
		case 'n': o.numbers = parse_mode(optarg, numbers,
			    "--numbers"); break;
		case 'N':
			if (*optarg == '\0' || strpbrk(optarg, " \t\n\r\f\v")
			    != NULL)
				cli_usage_die("--num-token: '%s' must be one "
				    "word, without white space", optarg);
			o.num_token = optarg;
			break;
		case 'u': o.urls = parse_mode(optarg, urls, "--urls"); break;
		case 'm': o.max_token = cli_parse_int(optarg, 1,
			    TOK_MAX_TOKEN_LIMIT, "--max-token"); break;
		case 'l': o.longtok = parse_mode(optarg, longs, "--long");
			break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (o.text8 && o.keep_case)
		cli_usage_die("--text8 and --keep-case exclude each other "
		    "(text8 is lowercase)");
	files = argv + optind;
	nfiles = argc - optind;
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	/* Open every input first, so a wrong name fails before any output. */
	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0 && access(files[i], R_OK) != 0)
			cli_die("cannot open %s: %s", files[i],
			    strerror(errno));
	t = tokenize_new(&o, write_stdout, NULL);
	buf = xmalloc(READSZ);
	t0 = cli_now();
	/* Each file ends its last document, newline or not. */
	for (int i = 0; i < nfiles; i++) {
		tokenize_input(t, files[i], buf, t0);
		tokenize_finish(t);
	}
	cli_fclose(stdout, "stdout");
	summary(t, &o, cli_now() - t0);
	free(buf);
	tokenize_free(t);
	return EXIT_OK;
}
