/*
 * cat.c - firth-cat: decode firth record streams to text, one record per
 * line, for people and for tools that read text; convert word vectors
 * between formats.
 *
 * Reads streams (or, with -f, vectors in any format; with --vocab,
 * GloVe's binary co-occurrence records) from FILEs or stdin; writes text
 * (or vectors in the -f format, or with --vocab -f firth a firth
 * co-occurrence stream) to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "glovecooc.h"
#include "stream.h"
#include "vecio.h"

static int opt_header, opt_ids, opt_format, opt_level = STREAM_LEVEL_AUTO;
static const char *opt_vocab;	/* --vocab: input is GloVe's records */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-cat [-Hnqv] [-f FORMAT] [-l LEVEL] [FILE...]\n"
	    "       firth-cat --vocab VOCAB [-Hnqv] [-f firth] [-l LEVEL] "
	    "[FILE...]\n"
	    "Decode firth streams to text, one record per line.\n"
	    "  -H, --header        print the header of each stream instead "
	    "of its records\n"
	    "  -n, --ids           cooc records as ids, not words\n"
	    "  -f, --format FMT    convert vectors (any format in) to FMT:\n"
	    "                      firth, glove, word2vec, word2vec-binary\n"
	    "  -l, --level N       zlib level for -f firth, 0..9 or auto: 0 into a\n"
	    "                      pipe, 1 into a file (default auto)\n"
	    "      --vocab VOCAB   input is GloVe's binary co-occurrence "
	    "records\n"
	    "                      (cooccurrence.shuf.bin), ids into GloVe's "
	    "VOCAB;\n"
	    "                      with -f firth, write them as a firth stream\n"
	    "  -q, --quiet, -v, --verbose, -h, --help, --version\n");
}

static void
print_header(const struct stream_header *h, const char *name)
{
	printf("file: %s\nkind: %s\nlayout: %s\n", name,
	    h->kind == STREAM_COOC ? "cooc" : "vectors", h->layout);
	printf("record-size: %u\n", h->recsize);
	if (h->kind == STREAM_VECTORS)
		printf("dim: %u\n", h->dim);
	if (h->count == STREAM_COUNT_UNKNOWN)
		printf("count: unknown\n");
	else
		printf("count: %llu\n", (unsigned long long)h->count);
	printf("vocabulary: %u words\n", h->nwords);
	if (h->nwords > 0)
		printf("fingerprint: %016llx\n",
		    (unsigned long long)h->fingerprint);
}

static void
cat_cooc(struct stream_reader *r, const char *name)
{
	const struct stream_header *h = stream_rheader(r);
	const struct cooc_rec *rec;
	size_t n;

	while ((rec = stream_read_block(r, &n)) != NULL) {
		for (size_t i = 0; i < n; i++) {
			if (opt_ids || h->nwords == 0) {
				printf("%u %u %.7g\n", rec[i].w1, rec[i].w2,
				    rec[i].x);
				continue;
			}
			if (rec[i].w1 >= h->nwords || rec[i].w2 >= h->nwords)
				cli_die("%s: record %llu has id %u, outside "
				    "the stream's %u-word vocabulary", name,
				    (unsigned long long)stream_rcount(r) - n +
				    i + 1, rec[i].w1 >= h->nwords ? rec[i].w1 :
				    rec[i].w2, h->nwords);
			printf("%s %s %.7g\n", h->words[rec[i].w1],
			    h->words[rec[i].w2], rec[i].x);
		}
		if (ferror(stdout))
			break;
	}
}

static void
cat_vectors(struct stream_reader *r)
{
	const struct stream_header *h = stream_rheader(r);
	float *v = xreallocarray(NULL, h->dim, sizeof(float));
	const char *w;
	size_t len;

	while (stream_read_vector(r, &w, &len, v)) {
		fwrite(w, 1, len, stdout);
		for (uint32_t k = 0; k < h->dim; k++)
			printf(" %.7g", v[k]);
		putchar('\n');
		if (ferror(stdout))
			break;
	}
	free(v);
}

static void
cat_one(FILE *f, const char *name)
{
	struct stream_reader *r;
	struct vecset *vs;
	FILE *g = NULL;
	pthread_t t;

	if (opt_vocab != NULL && opt_format == VEC_FIRTH) {
		glovecooc_convert(f, name, opt_vocab, stdout, opt_level);
		return;
	}
	if (opt_vocab != NULL)
		f = g = glovecooc_open(f, name, opt_vocab, &t);
	if (opt_format != 0) {
		vs = vec_read(f, name, VEC_AUTO);
		vec_write(stdout, "stdout", opt_format, vs->words, vs->n,
		    vs->dim, vs->v, vs->dim, opt_level);
		vec_free(vs);
		return;
	}
	r = stream_ropen(f, name, 0);
	if (opt_header)
		print_header(stream_rheader(r), name);
	else if (stream_rheader(r)->kind == STREAM_COOC)
		cat_cooc(r, name);
	else
		cat_vectors(r);
	stream_rclose(r);
	if (g != NULL)
		glovecooc_close(g, t);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "header", no_argument, NULL, 'H' },
		{ "ids", no_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "level", required_argument, NULL, 'l' },
		{ "vocab", required_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "Hnf:l:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': opt_header = 1; break;
		case 'n': opt_ids = 1; break;
		case 'f': opt_format = vec_format_parse(optarg); break;
		case 'l': opt_level = stream_parse_level(optarg);
			break;
		case 'U': opt_vocab = optarg; break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (opt_format != 0 && opt_header)
		cli_usage_die("-H and -f do not go together");
	if (opt_vocab != NULL && opt_format != 0 && opt_format != VEC_FIRTH)
		cli_usage_die("--vocab reads co-occurrence records, and of "
		    "the -f formats only firth holds them (glove and word2vec "
		    "are for vectors)");
	if (opt_format == VEC_FIRTH || opt_format == VEC_W2V_BIN)
		cli_out_refuse_tty(stdout, "stdout", opt_vocab != NULL ?
		    "cooc stream" : "vectors");
	if (optind == argc)
		cat_one(stdin, "stdin");
	for (int i = optind; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin :
		    fopen(argv[i], "rb");
		if (f == NULL)
			cli_die("cannot open %s: %s", argv[i], strerror(errno));
		cat_one(f, f == stdin ? "stdin" : argv[i]);
		if (f != stdin)
			fclose(f);
	}
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
