/*
 * shuffle.c - firth-shuffle: put the records of a firth stream in
 * uniformly random order, out of core.
 *
 * Reads one stream (co-occurrence records or vectors) from FILE or stdin;
 * writes a stream with the same header and vocabulary and the same
 * records, shuffled, to stdout.  Chunks of up to -M bytes are shuffled in
 * memory and spilled to $TMPDIR; the chunks are then merged by random
 * interleaving weighted by the records left in each (lib/shuffle.c), so
 * every permutation is equally likely.  Nothing is written until the whole
 * input has been read and verified: a truncated input gives no output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "glovecooc.h"
#include "rng.h"
#include "shuffle.h"
#include "stream.h"

#define DEFAULT_MEM "1G"

static uint64_t opt_mem;
static uint64_t opt_seed;
static int opt_seeded;
static int opt_level = STREAM_LEVEL_AUTO;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-shuffle [-qv] [-M SIZE] [-s SEED] [-l LEVEL] [FILE]\n"
	    "Write the records of a firth stream in uniformly random order.\n"
	    "  -M, --memory SIZE   records held in memory before spilling to "
	    "$TMPDIR\n"
	    "                      (default " DEFAULT_MEM "; 512M, 4G, 25%%)\n"
	    "  -s, --seed N        random seed: same input, seed and -M give "
	    "the same output\n"
	    "  -l, --level N       zlib level of the output, 0..9 or auto: 0 into\n"
	    "                      a pipe, 1 into a file (default auto)\n"
	    "      --vocab VOCAB   FILE may be GloVe's binary co-occurrence "
	    "records,\n"
	    "                      ids into VOCAB (GloVe's vocab.txt)\n"
	    "  -q, --quiet         no summary line\n"
	    "  -v, --verbose       more detail (the seed, the chunks)\n"
	    "  -h, --help, --version\n");
}

/* A seed nobody chose: the clock and the process id, mixed. */
static uint64_t
seed_from_clock(void)
{
	struct timespec ts;
	uint64_t x;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	x ^= (uint64_t)getpid() << 32;
	return rng_splitmix64(&x) >> 1;	/* fits --seed's range */
}

struct emitter {
	struct stream_writer *w;
	const struct stream_header *h;
	float *v;		/* vectors: [dim] scratch */
};

/* shuffle_emit_fn: records in stream layout go into the output stream. */
static void
emit_records(void *arg, const unsigned char *recs, size_t nbytes,
    size_t nrecs)
{
	struct emitter *e = arg;
	size_t pos = 0, len, vb = (size_t)e->h->dim * sizeof(float);

	if (e->h->recsize > 0) {
		stream_write(e->w, recs, nrecs);
		return;
	}
	for (size_t i = 0; i < nrecs; i++) {
		len = (size_t)recs[pos] | (size_t)recs[pos + 1] << 8;
		memcpy(e->v, recs + pos + 2 + len, vb);
		stream_write_vector(e->w, (const char *)recs + pos + 2, len,
		    e->v);
		pos += 2 + len + vb;
	}
	if (pos != nbytes)
		cli_die("internal error: %zu of %zu record bytes written", pos,
		    nbytes);
}

/* Read every record of r into s, in stream layout. */
static void
read_all(struct stream_reader *r, struct shuffle *s)
{
	const struct stream_header *h = stream_rheader(r);
	const void *blk;
	size_t n, len, vb = (size_t)h->dim * sizeof(float);
	double t0 = cli_now();

	if (h->recsize > 0) {
		while ((blk = stream_read_block(r, &n)) != NULL) {
			shuffle_add(s, blk, n * h->recsize);
			cli_progress("read %llu records, %.1f M records/s",
			    (unsigned long long)stream_rcount(r),
			    stream_rcount(r) / 1e6 / (cli_now() - t0 + 1e-9));
		}
		return;
	}
	/* Vectors: u16 length, word, dim floats, as the frames hold them. */
	unsigned char *rec = xmalloc(2 + STREAM_MAX_WORD + vb);
	const char *word;
	float *v = xreallocarray(NULL, h->dim, sizeof(float));

	while (stream_read_vector(r, &word, &len, v)) {
		rec[0] = len & 0xff;
		rec[1] = len >> 8;
		memcpy(rec + 2, word, len);
		memcpy(rec + 2 + len, v, vb);
		shuffle_add(s, rec, 2 + len + vb);
		if ((stream_rcount(r) & 1023) == 0)
			cli_progress("read %llu vectors",
			    (unsigned long long)stream_rcount(r));
	}
	free(v);
	free(rec);
}

static void
shuffle_stream(FILE *in, const char *name)
{
	struct stream_reader *r = stream_ropen(in, name, 0);
	const struct stream_header *h = stream_rheader(r);
	struct stream_header oh;
	struct shuffle_opts o = { .mem = opt_mem, .seed = opt_seed };
	struct emitter e = { .h = h };
	const struct shuffle_stats *st;
	struct shuffle *s;
	char b1[32], b2[32];
	double t0 = cli_now(), t1;

	if (h->kind == STREAM_COOC) {
		o.recsize = h->recsize;
		if (h->count != STREAM_COUNT_UNKNOWN &&
		    h->count < UINT64_MAX / h->recsize)
			o.hint = h->count * h->recsize;
	} else {
		o.tail = h->dim * sizeof(float);
		e.v = xreallocarray(NULL, h->dim, sizeof(float));
	}
	if (cli_verbose > 0)
		cli_info("seed %llu (rerun with --seed %llu -M %llu for the "
		    "same order)", (unsigned long long)opt_seed,
		    (unsigned long long)opt_seed, (unsigned long long)opt_mem);
	s = shuffle_new(&o);
	read_all(r, s);
	st = shuffle_stats(s);
	t1 = cli_now();
	if (cli_verbose > 0)
		cli_info("read %llu records (%s) in %.2f s; %u chunks spilled "
		    "(%s)", (unsigned long long)st->records,
		    cli_fmt_size(st->bytes, b1, sizeof(b1)), t1 - t0,
		    st->chunks, cli_fmt_size(st->spilled, b2, sizeof(b2)));

	/* Same header and vocabulary; the count is known now. */
	oh = *h;
	oh.count = st->records;
	e.w = stream_wopen(stdout, "stdout", &oh, h->words, opt_level);
	shuffle_finish(s, emit_records, &e);
	stream_wclose(e.w);
	cli_progress_done("%llu records shuffled in %.2f s (%.1f M records/s, "
	    "%u chunks spilled, peak memory %s)",
	    (unsigned long long)st->records, cli_now() - t0,
	    st->records / 1e6 / (cli_now() - t0 + 1e-9), st->chunks,
	    cli_fmt_size(cli_peak_rss(), b2, sizeof(b2)));
	shuffle_free(s);
	stream_rclose(r);
	free(e.v);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "memory", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 's' },
		{ "level", required_argument, NULL, 'l' },
		{ "vocab", required_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path, *vocab = NULL;
	pthread_t gloverecs;
	FILE *in;
	int c, fromglove;

	cli_init(argc, argv);
	opt_mem = cli_parse_size(DEFAULT_MEM, "-M");
	while ((c = getopt_long(argc, argv, "M:s:l:qvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'M': opt_mem = cli_parse_size(optarg, "--memory"); break;
		case 's': opt_seed = cli_parse_int(optarg, 0, INT64_MAX,
			    "--seed");
			opt_seeded = 1;
			break;
		case 'U': vocab = optarg; break;
		case 'l': opt_level = stream_parse_level(optarg);
			break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		cli_usage_die("one input at a time (got %d files); "
		    "concatenating streams is not shuffling them", argc - optind);
	if (opt_mem == 0)
		cli_usage_die("--memory: 0 bytes is too small");
	if (!opt_seeded)
		opt_seed = seed_from_clock();
	cli_out_refuse_tty(stdout, "stdout", "stream");
	path = optind < argc ? argv[optind] : "-";
	if (strcmp(path, "-") == 0)
		in = stdin;
	else if ((in = fopen(path, "rb")) == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	if (vocab != NULL) {	/* GloVe's own records, perhaps */
		FILE *g = glovecooc_input(in, in == stdin ? "stdin" : path,
		    vocab, &gloverecs, &fromglove);
		shuffle_stream(g, in == stdin ? "stdin" : path);
		glovecooc_close(g, gloverecs);
	} else
		shuffle_stream(in, in == stdin ? "stdin" : path);
	if (in != stdin)
		fclose(in);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
