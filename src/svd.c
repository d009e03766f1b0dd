/*
 * svd.c - firth-svd: count-based word vectors.  Weights a co-occurrence
 * matrix (raw, log, PPMI with shift and context distribution smoothing)
 * and writes the rows of U diag(s)^p from its truncated SVD, found by
 * randomized subspace iteration (lib/rsvd.c).
 *
 * Reads a cooc stream (firth-stream(5)) on stdin, or with -d DB runs
 * `firth-cooc -d DB --export --min-count N' and reads its output.  The
 * cells stay in memory under -M, else in a spool in $TMPDIR that is read
 * again on every pass.  Writes a vector stream or a text format.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "glovecooc.h"
#include "rsvd.h"
#include "stream.h"
#include "vecio.h"

static const char *opt_db, *opt_out, *opt_winweight;
static const char *opt_vocab;	/* --vocab: stdin may be GloVe's records */
static int opt_min_count_set;
static int64_t opt_min_count = 5;
static int opt_weight = WEIGHT_PPMI, opt_format = VEC_FIRTH, opt_context;
static double opt_shift = 1, opt_cds = 0.75, opt_cap, opt_eig = 0.5;
static uint32_t opt_dim = 300, opt_oversample = 10;
static int opt_power = 3, opt_threads = 2;
static uint64_t opt_seed = 1, opt_mem;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-svd [-qv] [-d DB [-m N] [-x WEIGHTING]] "
	    "[-w raw|log|ppmi] [--shift K]\n"
	    "                 [--cds A] [--cap X] [-k DIM] [--oversample P] "
	    "[--power Q]\n"
	    "                 [--eig P] [--add-context] [-s SEED] [-M SIZE] "
	    "[-t THREADS]\n"
	    "                 [-f FORMAT] [-o FILE] [< cooc-stream]\n"
	    "Word vectors from the truncated SVD of a weighted "
	    "co-occurrence matrix.\n"
	    "  -d, --db DB          read the counts of corpus database DB "
	    "(runs firth-cooc)\n"
	    "  -m, --min-count N    with -d: words seen at least N times "
	    "(default 5)\n"
	    "  -x, --window-weighting W  with -d: export the counts as "
	    "flat, harmonic\n"
	    "                       or linear (firth-cooc -x; default as "
	    "counted)\n"
	    "  -w, --weight W       raw, log (log(1+x)) or ppmi (default)\n"
	    "      --shift K        shifted PPMI: subtract log K (default 1)\n"
	    "      --cds A          context distribution smoothing exponent "
	    "(default 0.75)\n"
	    "      --cap X          cap every count at X first (default none)\n"
	    "  -k, --dim K          dimensions (default 300)\n"
	    "      --oversample P   extra random directions (default 10)\n"
	    "      --power Q        power iterations (default 3)\n"
	    "      --eig P          vectors are U S^P, P in [0, 1] "
	    "(default 0.5)\n"
	    "      --add-context    write W + C, C = V S^P\n"
	    "  -s, --seed N         random seed (default 1)\n"
	    "  -M, --memory SIZE    memory limit, e.g. 4G or 50%% "
	    "(default 4G)\n"
	    "  -t, --threads N      threads (default 2)\n"
	    "  -f, --format F       firth (default), glove, word2vec, "
	    "word2vec-binary\n"
	    "  -o, --output FILE    write to FILE instead of stdout\n"
	    "      --vocab VOCAB    stdin may be GloVe's binary co-occurrence "
	    "records,\n"
	    "                       ids into VOCAB (GloVe's vocab.txt)\n"
	    "  -q, --quiet          no summary line\n"
	    "  -v, --verbose        one line per pass\n"
	    "  -h, --help, --version\n");
}

/* Start firth-cooc --export on DB; its stdout is returned, *pid set. */
static FILE *
cooc_start(pid_t *pid)
{
	const char *argv[] = { "firth-cooc", "-d", opt_db, "--export",
	    "--min-count", NULL, NULL, NULL, NULL };
	char mc[32];
	int fd[2];
	FILE *f;

	snprintf(mc, sizeof(mc), "%lld", (long long)opt_min_count);
	argv[5] = mc;
	if (opt_winweight != NULL) {
		argv[6] = "-x";
		argv[7] = opt_winweight;
	}
	if (pipe2(fd, O_CLOEXEC) != 0)
		cli_die("cannot make a pipe: %s", strerror(errno));
	*pid = cli_spawn(argv, -1, fd[1], "pipe a cooc stream into firth-svd");
	close(fd[1]);
	if ((f = fdopen(fd[0], "rb")) == NULL)
		cli_die("cannot read from firth-cooc: %s", strerror(errno));
	return f;
}

static void
cooc_wait(FILE *f, pid_t pid)
{
	char what[64 + PATH_MAX];

	fclose(f);
	snprintf(what, sizeof(what), "firth-cooc -d %s --export", opt_db);
	cli_spawn_wait(pid, what);
}

/*
 * Read every cell into the matrix; returns the reader (for the vocabulary
 * in its header).  The budget for the cells is what -M leaves after the
 * dense blocks of the SVD and the marginals.
 */
static struct smat *
load(struct stream_reader *r, struct weighting *w, const char *name)
{
	const struct stream_header *h = stream_rheader(r);
	uint32_t V = h->nwords, l = opt_dim + opt_oversample;
	uint64_t dense, fixed;
	const struct cooc_rec *recs;
	struct smat *m;
	size_t n;
	char b1[32], b2[32];

	if (V == 0)
		cli_die("%s: the cooc stream carries no vocabulary; make it "
		    "with firth-cooc --export", name);
	if (opt_dim > V)
		cli_die("--dim %u needs at least %u words, the vocabulary has "
		    "%u: lower --dim", opt_dim, opt_dim, V);
	l = (l + 15) / 16 * 16;		/* as rsvd_run rounds it */
	if (l > V)
		l = V;
	dense = rsvd_dense_bytes(V, V, l);
	fixed = dense + (uint64_t)V * 64 + (64 << 20);
	if (fixed >= opt_mem)
		cli_die("-M %s is too small: the dense %u x %u blocks alone "
		    "need %s; raise -M or lower --dim", cli_fmt_size(opt_mem,
		    b1, sizeof(b1)), V, l, cli_fmt_size(fixed, b2,
		    sizeof(b2)));
	weight_init(w, opt_weight, opt_cap, opt_cds, opt_shift, V, V);
	m = smat_new(w, opt_mem - fixed);
	while ((recs = stream_read_block(r, &n)) != NULL) {
		smat_add(m, recs, n);
		cli_progress("reading: %llu cells",
		    (unsigned long long)smat_cells(m));
	}
	if (smat_cells(m) == 0)
		cli_die("%s: no co-occurrence records: did the upstream "
		    "command fail?", name);
	smat_finish(m);
	return m;
}

/* W = U S^p (+ V S^p), in place in res->U: R x k. */
static void
vectors_make(struct rsvd_result *res, uint32_t R)
{
	uint32_t k = res->k;

	for (uint32_t j = 0; j < k; j++) {
		float f = (float)pow(res->s[j], opt_eig);
		for (uint32_t r = 0; r < R; r++) {
			size_t i = (size_t)r * k + j;
			res->U[i] = f * (opt_context ? res->U[i] + res->V[i] :
			    res->U[i]);
		}
	}
}

static void
run(void)
{
	struct stream_reader *r;
	struct weighting w;
	struct smat *m;
	struct rsvd_result res;
	struct rsvd_opts o = { .k = opt_dim, .p = opt_oversample,
	    .q = opt_power, .seed = opt_seed, .nthreads = opt_threads };
	const struct stream_header *h;
	const char *name = opt_db != NULL ? "firth-cooc" : "stdin";
	FILE *in = stdin, *out = stdout;
	pid_t pid = 0;
	pthread_t gloverecs;
	int fromglove;
	double t0 = cli_now(), t1, t2;
	char b1[32], b2[32];

	/* The temporary file beside -o's target, before any input is
	 * read: a wrong path costs a second, not the decomposition. */
	if (opt_out != NULL)
		out = cli_out_open(opt_out);
	if (opt_format == VEC_FIRTH || opt_format == VEC_W2V_BIN)
		cli_out_refuse_tty(out, opt_out, "vectors");
	if (opt_db != NULL)
		in = cooc_start(&pid);
	else if (opt_vocab != NULL)	/* GloVe's own records, perhaps */
		in = glovecooc_input(in, name, opt_vocab, &gloverecs,
		    &fromglove);
	r = stream_ropen(in, name, STREAM_COOC);
	h = stream_rheader(r);
	m = load(r, &w, name);
	if (opt_db != NULL)
		cooc_wait(in, pid);
	else if (opt_vocab != NULL)
		glovecooc_close(in, gloverecs);
	t1 = cli_now();
	if (cli_verbose > 0)
		cli_info("%u words, %llu cells, %llu nonzero after %s "
		    "weighting, %s; read in %.2f s", h->nwords,
		    (unsigned long long)smat_cells(m),
		    (unsigned long long)smat_nnz(m), weight_name(opt_weight),
		    smat_spooled(m) ? "spooled to $TMPDIR" :
		    cli_fmt_size(smat_bytes(m), b1, sizeof(b1)), t1 - t0);
	rsvd_run(m, &o, &res);
	t2 = cli_now();
	vectors_make(&res, h->nwords);
	vec_write(out, opt_out ? opt_out : "stdout", opt_format, h->words,
	    h->nwords, res.k, res.U, res.k, 1);
	if (opt_out != NULL)
		cli_out_close(out, opt_out);
	cli_progress_done("%u words x %u dims; %llu cells, %llu nonzero "
	    "(%s%s); read %.1f s, svd %.1f s (%d passes), total %.1f s, "
	    "peak %s", h->nwords, res.k, (unsigned long long)smat_cells(m),
	    (unsigned long long)smat_nnz(m), weight_name(opt_weight),
	    smat_spooled(m) ? ", spooled" : "", t1 - t0, t2 - t1,
	    2 * opt_power + 2, cli_now() - t0,
	    cli_fmt_size(cli_peak_rss(), b2, sizeof(b2)));
	rsvd_result_free(&res);
	smat_free(m);
	weight_free(&w);
	stream_rclose(r);
}

int
main(int argc, char **argv)
{
	enum { O_SHIFT = 256, O_CDS, O_CAP, O_OVER, O_POWER, O_EIG, O_CTX };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "window-weighting", required_argument, NULL, 'x' },
		{ "weight", required_argument, NULL, 'w' },
		{ "shift", required_argument, NULL, O_SHIFT },
		{ "cds", required_argument, NULL, O_CDS },
		{ "cap", required_argument, NULL, O_CAP },
		{ "dim", required_argument, NULL, 'k' },
		{ "oversample", required_argument, NULL, O_OVER },
		{ "power", required_argument, NULL, O_POWER },
		{ "eig", required_argument, NULL, O_EIG },
		{ "add-context", no_argument, NULL, O_CTX },
		{ "seed", required_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'M' },
		{ "threads", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "vocab", required_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mem = "4G";
	int c;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "d:m:x:w:k:s:M:t:f:o:qvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'm': opt_min_count = cli_parse_int(optarg, 1, INT64_MAX,
			    "--min-count");
			opt_min_count_set = 1;
			break;
		case 'x':
			if (strcmp(optarg, "flat") != 0 && strcmp(optarg,
			    "harmonic") != 0 && strcmp(optarg, "linear") != 0)
				cli_usage_die("--window-weighting: '%s' is not "
				    "flat, harmonic or linear", optarg);
			opt_winweight = optarg;
			break;
		case 'w':
			if ((opt_weight = weight_parse(optarg)) < 0)
				cli_usage_die("--weight: unknown weighting "
				    "'%s' (raw, log or ppmi)", optarg);
			break;
		case O_SHIFT: opt_shift = cli_parse_double(optarg, 1, 1e9,
			    "--shift"); break;
		case O_CDS: opt_cds = cli_parse_double(optarg, 0.01, 1,
			    "--cds"); break;
		case O_CAP: opt_cap = cli_parse_double(optarg, 1e-9, 1e30,
			    "--cap"); break;
		case 'k': opt_dim = cli_parse_int(optarg, 1, 100000,
			    "--dim"); break;
		case O_OVER: opt_oversample = cli_parse_int(optarg, 0, 10000,
			    "--oversample"); break;
		case O_POWER: opt_power = cli_parse_int(optarg, 0, 100,
			    "--power"); break;
		case O_EIG: opt_eig = cli_parse_double(optarg, 0, 1,
			    "--eig"); break;
		case O_CTX: opt_context = 1; break;
		case 's': opt_seed = cli_parse_int(optarg, 0, INT64_MAX,
			    "--seed"); break;
		case 'M': mem = optarg; break;
		case 't': opt_threads = cli_parse_int(optarg, 1, 64,
			    "--threads"); break;
		case 'f': opt_format = vec_format_parse(optarg); break;
		case 'o': opt_out = optarg; break;
		case 'U': opt_vocab = optarg; break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		cli_usage_die("unexpected argument '%s': the input is a cooc "
		    "stream on stdin, or -d DB", argv[optind]);
	if (opt_format == VEC_AUTO)
		cli_usage_die("--format: auto is for reading; choose firth, "
		    "glove, word2vec or word2vec-binary");
	if (opt_db != NULL && opt_vocab != NULL)
		cli_usage_die("--vocab is for GloVe's records on stdin; -d DB "
		    "reads the database's own words");
	if (opt_db == NULL && (opt_min_count_set || opt_winweight != NULL))
		cli_usage_die("--min-count and --window-weighting need -d DB; "
		    "a stream on stdin comes counted (firth-cooc --export "
		    "takes them)");
	opt_mem = cli_parse_size(mem, "-M");
	if (opt_db == NULL && isatty(STDIN_FILENO))
		cli_usage_die("stdin is a terminal: pipe a cooc stream in "
		    "(firth-cooc --export) or give -d DB");
	run();
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
