/*
 * wclass.c - firth-wclass: classify the centre word of a window from the
 * vectors of the 2m+1 words around it (named entities, as in the seed's
 * window classifier), with softmax regression or a small neural network
 * trained by backpropagation, per token or with sentence-level scores
 * and Viterbi decoding.  The model, its features and its file are
 * lib/tagger*.c; the sentence-level scores lib/crf.c.  Here: the recipes.
 *
 *   firth-wclass train --train FILE --dev FILE -v VECTORS -o MODEL
 *   firth-wclass train --train FILE --dev-split 0.1 -v VECTORS -o MODEL
 *   firth-wclass predict -m MODEL [FILE...]     tags CoNLL or token text
 *   firth-wclass evaluate -m MODEL [FILE...]    accuracy, entity P/R/F1
 *
 * Shapes: lib/tagger.h's legend.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "cli.h"
#include "conll.h"
#include "nn.h"
#include "rng.h"
#include "tagger.h"
#include "vocab.h"

enum { OPT_ADAGRAD, OPT_SGD };

/* Options */
static const char *opt_train, *opt_dev, *opt_vectors, *opt_model;
static int opt_m = 2, opt_epochs = 20, opt_batch = 32, opt_patience = 3;
static int opt_hidden[NN_MAXLAYERS] = { 100 }, opt_nhidden = 1;
static int opt_act = NN_TANH;
static int opt_loss = NN_XENT, opt_optim = OPT_ADAGRAD, opt_shape;
static int opt_finetune, opt_case = CASE_BOTH, opt_text = -1, opt_tsv;
static int opt_affix, opt_newwords, opt_iobes;
static double opt_lr = 0.02, opt_l2 = 1e-4, opt_dropout, opt_split;
static double opt_worddrop;
static uint64_t opt_seed = 1;

/* lib/rng behind the double (*)(void *) source nn_randomize takes: a
 * uniform double in [0, 1) from the struct rng at r. */
static double
rand01(void *r)
{
	return rng_uniform(r);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-wclass train --train FILE --dev FILE -v VECTORS "
	    "-o MODEL [options]\n"
	    "       firth-wclass train --train FILE --dev-split F -v VECTORS "
	    "-o MODEL [options]\n"
	    "       firth-wclass predict -m MODEL [--text] [FILE...]\n"
	    "       firth-wclass evaluate -m MODEL [--tsv] [FILE...]\n"
	    "Window classification (named entities) with word vectors.\n"
	    "train options:\n"
	    "  -w, --window M         words each side of the centre (default 2)\n"
	    "  -H, --hidden N[,N...]  hidden layer widths; 0 for softmax "
	    "regression (default 100)\n"
	    "  -a, --activation F     tanh, sigmoid or relu (default tanh)\n"
	    "  -L, --loss L           xent (softmax cross-entropy), margin, "
	    "or sentence\n"
	    "                         (tag transitions, Viterbi) (default "
	    "xent)\n"
	    "      --dev-split F      hold out the last fraction F of the "
	    "training\n"
	    "                         documents as the dev set (instead of "
	    "--dev)\n"
	    "      --iobes            learn IOBES tags, write the file's "
	    "scheme\n"
	    "  -O, --optimizer O      adagrad or sgd (default adagrad)\n"
	    "  -r, --lr R             learning rate (default 0.02)\n"
	    "  -l, --l2 R             L2 weight decay on weights (default 1e-4)\n"
	    "  -p, --dropout P        dropout on hidden units (default 0)\n"
	    "      --word-dropout P   read training words as UNK with "
	    "probability P\n"
	    "                         (default 0)\n"
	    "  -e, --epochs N         at most N epochs (default 20)\n"
	    "  -b, --batch N          minibatch size (default 32)\n"
	    "      --patience N       stop after N epochs without a better "
	    "dev F1 (default 3)\n"
	    "  -f, --fine-tune        update the word vectors too\n"
	    "  -s, --shape            add word-shape features\n"
	    "  -x, --affix N          add learned N-d embeddings of each word's "
	    "last 2\n"
	    "                         and last 3 characters (default 0: none)\n"
	    "  -n, --new-words N      training words without a vector seen N "
	    "times\n"
	    "                         get rows of their own (default 0: none)\n"
	    "  -c, --case MODE        look words up exact, fold (lower-case) "
	    "or both (default)\n"
	    "      --seed N           random seed (default 1)\n"
	    "predict options:\n"
	    "  -t, --text             input is token text (a sentence a line)\n"
	    "common: -q, --quiet, --verbose, -h, --help, --version "
	    "(-v names the vectors)\n");
}

/* ---- training ---------------------------------------------------------- */

/*
 * The model's vocabulary, tags and windows: the vectors, words and affixes
 * counted over the first keep sentences of the training file; those
 * sentences into tr, the dev set from --dev or, with --dev-split, the
 * rest of the training file into dev.
 */
static void
train_data(struct tagger *md, struct tagger_windows *tr,
    struct tagger_windows *dev, struct rng *rng, size_t *ntrain, size_t *ndev)
{
	size_t held, units;
	int scheme;
	size_t keep = tagger_scan(opt_train, opt_split, &scheme, &held,
	    &units);
	struct vocab *wcount = vocab_new(), *acount = vocab_new();

	md->m = opt_m;
	md->S = opt_shape ? TAGGER_NSHAPE : 0;
	md->A = opt_affix;
	md->casemode = opt_case;
	md->crf = opt_loss == TAGGER_SENTENCE;
	md->scheme = !opt_iobes ? TAGS_ASIS : scheme == CONLL_IOB1 ?
	    TAGS_IOBES_IOB1 : TAGS_IOBES_IOB2;
	if (opt_split > 0 && held == 0)
		cli_die("%s: one sentence; --dev-split needs two or more",
		    opt_train);
	if (opt_newwords > 0 || md->A > 0)
		tagger_count(md, opt_train, keep, wcount, acount);
	tagger_from_vectors(md, opt_vectors, wcount, opt_newwords, rng);
	tagger_add_affixes(md, acount, rng);
	vocab_free(wcount);
	vocab_free(acount);
	if (opt_split > 0) {
		*ntrain = tagger_read(md, opt_train, tr, 1, keep, dev);
		*ndev = 0;
		for (size_t i = 0; i < dev->n; i++)
			*ndev += dev->eos[i];
		cli_info("--dev-split %g: the last %zu of %zu %s held out as "
		    "the dev set", opt_split, held, units, units == *ndev +
		    *ntrain ? "sentences" : "documents");
		return;
	}
	*ntrain = tagger_read(md, opt_train, tr, 1, SIZE_MAX, NULL);
	*ndev = tagger_read(md, opt_dev, dev, 0, SIZE_MAX, NULL);
	for (size_t i = 0; i < dev->n; i++)
		if (dev->y[i] < 0)
			cli_die("%s: a tag the training data never uses; "
			    "train on data with every tag", opt_dev);
}

/* The parameters kept for the best dev F1: network, E, X, T. */
struct snapshot {
	float *p, *E, *X, *T;
	size_t np, nE, nX, nT;
};

static void
snapshot_take(struct snapshot *sn, const struct tagger *md, int restore)
{
	float *src[4] = { md->net.params, md->E, md->X, md->T };
	float *dst[4] = { sn->p, sn->E, sn->X, sn->T };
	size_t n[4] = { sn->np, sn->nE, sn->nX, sn->nT };

	for (int i = 0; i < 4; i++)
		if (n[i] > 0)
			memcpy(restore ? src[i] : dst[i], restore ? dst[i] :
			    src[i], n[i] * sizeof(float));
}

static void
cmd_train(void)
{
	struct tagger md = { 0 };
	struct tagger_windows tr = { 0 }, dev = { 0 };
	struct tagger_trainer t;
	struct tagger_opts o = { opt_loss, opt_optim == OPT_SGD,
	    (float)opt_lr, (float)opt_l2, (float)opt_dropout, opt_finetune,
	    (float)opt_worddrop };
	struct conll_score sc;
	struct snapshot sn;
	struct rng rng;
	int d[NN_MAXLAYERS + 1], L = 0, *pred, bad = 0, best_epoch = 0;
	int epochs = 0;
	size_t *order, *batch, *sent, nsent, maxlen = 0, len = 0;
	size_t ntrain, ndev;
	double bestf = -1, t0 = cli_now(), ttrain = 0;

	if (opt_train == NULL || (opt_dev == NULL && opt_split == 0) ||
	    opt_vectors == NULL || opt_model == NULL)
		cli_usage_die("train needs --train, --dev, -v VECTORS and -o "
		    "MODEL");
	if (opt_dev != NULL && opt_split > 0)
		cli_usage_die("--dev and --dev-split both name a dev set; "
		    "give one");
	rng_seed(&rng, opt_seed);
	train_data(&md, &tr, &dev, &rng, &ntrain, &ndev);
	if (dev.n == 0)
		cli_die("%s: no dev tokens; give more data", opt_train);
	d[L++] = (2 * md.m + 1) * tagger_width(&md);
	for (int i = 0; i < opt_nhidden; i++)
		if (opt_hidden[i] > 0)
			d[L++] = opt_hidden[i];
	d[L] = md.K;
	nn_init(&md.net, L, d, opt_act);
	nn_randomize(&md.net, rand01, &rng);
	md.T = xcalloc(((size_t)md.K + 1) * md.K, sizeof(float));
	cli_info("%zu training sentences (%zu tokens), %zu dev (%zu); "
	    "%u words x %d dims; %d tags; %d layers", ntrain, tr.n, ndev,
	    dev.n, md.V, md.D, md.K, md.net.L);
	if (md.A > 0)
		cli_info("%u affixes x %d dims", md.NA, md.A);
	for (size_t i = 0; i < tr.n; i++, len++) {
		if (len + 1 > maxlen)
			maxlen = len + 1;
		if (tr.eos[i])
			len = (size_t)-1;
	}
	tagger_train_init(&t, &md, &o, opt_loss == TAGGER_SENTENCE &&
	    maxlen > (size_t)opt_batch ? (int)maxlen : opt_batch, &rng);
	sn = (struct snapshot){ xcalloc(md.net.nparams, sizeof(float)),
	    NULL, NULL, NULL, md.net.nparams, ((size_t)md.V + 3) * md.D,
	    ((size_t)md.NA + 2) * md.A, md.crf ? ((size_t)md.K + 1) * md.K :
	    0 };
	sn.E = xcalloc(sn.nE + 1, sizeof(float));
	sn.X = xcalloc(sn.nX + 1, sizeof(float));
	sn.T = xcalloc(sn.nT + 1, sizeof(float));
	order = xcalloc(tr.n, sizeof(size_t));
	batch = xcalloc(tr.n + 1, sizeof(size_t));
	sent = xcalloc(tr.n + 1, sizeof(size_t));
	pred = xcalloc(dev.n, sizeof(int));
	nsent = tagger_sentences(&tr, sent);
	for (size_t i = 0; i < tr.n; i++)
		order[i] = i;

	for (int ep = 1; ep <= opt_epochs; ep++) {
		double loss = 0, t1 = cli_now();
		size_t nb = tagger_batches(&tr, &rng, opt_loss == TAGGER_SENTENCE,
		    opt_batch, order, batch, sent, nsent);

		for (size_t b = 0; b < nb; b++) {
			loss += tagger_train_step(&t, &tr, order + batch[b],
			    (int)(batch[b + 1] - batch[b]));
			cli_progress("epoch %d: %.0f%%, loss %.4f", ep,
			    100.0 * batch[b] / tr.n, loss / (b + 1));
		}
		ttrain += cli_now() - t1;
		epochs++;
		if (!isfinite(loss))
			cli_die("the loss became %g in epoch %d; lower --lr",
			    loss, ep);
		tagger_predict(&md, &dev, pred);
		double f = tagger_score(&md, &dev, pred, &sc);
		cli_progress_done("epoch %d: loss %.4f, dev F1 %.2f%s "
		    "(%.1f s)", ep, loss / nb, f, f > bestf ? " *" : "",
		    cli_now() - t0);
		if (f > bestf) {
			bestf = f;
			best_epoch = ep;
			bad = 0;
			snapshot_take(&sn, &md, 0);
		} else if (++bad >= opt_patience) {
			cli_info("no better dev F1 for %d epochs; stopping",
			    opt_patience);
			break;
		}
	}
	snapshot_take(&sn, &md, 1);
	tagger_save(&md, opt_model);
	cli_info("best dev F1 %.2f at epoch %d; model in %s", bestf,
	    best_epoch, opt_model);
	if (cli_verbose > 0)
		cli_info("training: %.0f tokens/s (%zu tokens x %d epochs in "
		    "%.1f s, dev tagging not counted)", ttrain > 0 ?
		    (double)tr.n * epochs / ttrain : 0, tr.n, epochs, ttrain);
	free(sn.p);
	free(sn.E);
	free(sn.X);
	free(sn.T);
	tagger_train_free(&t);
	free(order);
	free(batch);
	free(sent);
	free(pred);
	tagger_windows_free(&tr);
	tagger_windows_free(&dev);
}

/* ---- predict and evaluate -------------------------------------------- */

static void
run_file(const struct tagger *md, FILE *f, const char *name, int eval,
    struct conll_score *sc)
{
	struct conll_reader *r = conll_open(f, name, eval, opt_text > 0);
	struct conll_sent s = { 0 };
	struct tagger_windows ws = { 0 };
	int *pred = NULL, cap = 0;
	char **q = NULL, (*buf)[CONLL_TAGMAX] = NULL;

	while (conll_next(r, &s)) {
		ws.n = 0;
		tagger_windows_add(&ws, md, &s, NULL, 0);
		if (s.n > cap) {
			cap = s.n;
			pred = xreallocarray(pred, cap, sizeof(int));
			q = xreallocarray(q, cap, sizeof(char *));
			buf = xreallocarray(buf, cap, CONLL_TAGMAX);
		}
		tagger_predict(md, &ws, pred);
		tagger_tags_out(md, pred, s.n, q, buf);
		if (eval) {
			conll_score_add(sc, s.tag, q, s.n);
			continue;
		}
		for (int i = 0; i < s.n; i++) {
			if (opt_text > 0)
				printf("%s%s/%s", i ? " " : "", s.tok[i], q[i]);
			else
				printf("%s %s\n", s.line[i], q[i]);
		}
		putchar('\n');
		fflush(stdout);
	}
	if (ferror(stdout))
		cli_die("write error on stdout: %s", strerror(errno));
	conll_close(r);
	conll_sent_free(&s);
	tagger_windows_free(&ws);
	free(pred);
	free(q);
	free(buf);
}

static void
report(const struct conll_score *sc)
{
	double p, r, f;

	conll_score_prf(sc, -1, &p, &r, &f);
	if (opt_tsv) {
		printf("type\tprecision\trecall\tf1\tgold\tfound\tcorrect\n");
		for (int t = 0; t < sc->ntypes; t++) {
			double tp, tr, tf;
			conll_score_prf(sc, t, &tp, &tr, &tf);
			printf("%s\t%.2f\t%.2f\t%.2f\t%lld\t%lld\t%lld\n",
			    sc->type[t], tp, tr, tf, (long long)sc->gold[t],
			    (long long)sc->found[t], (long long)sc->correct[t]);
		}
		printf("all\t%.2f\t%.2f\t%.2f\n", p, r, f);
		printf("token-accuracy\t%.2f\n", sc->tokens ?
		    100.0 * sc->tokens_correct / sc->tokens : 0);
		return;
	}
	int64_t gold = 0, found = 0, correct = 0;
	for (int t = 0; t < sc->ntypes; t++) {
		gold += sc->gold[t];
		found += sc->found[t];
		correct += sc->correct[t];
	}
	printf("%lld tokens, %lld phrases; found %lld, correct %lld\n",
	    (long long)sc->tokens, (long long)gold, (long long)found,
	    (long long)correct);
	printf("token accuracy %6.2f%%\n", sc->tokens ?
	    100.0 * sc->tokens_correct / sc->tokens : 0);
	printf("%-10s %9s %9s %9s %7s\n", "type", "precision", "recall", "F1",
	    "phrases");
	for (int t = 0; t < sc->ntypes; t++) {
		double tp, tr, tf;
		conll_score_prf(sc, t, &tp, &tr, &tf);
		printf("%-10s %9.2f %9.2f %9.2f %7lld\n", sc->type[t], tp, tr,
		    tf, (long long)sc->gold[t]);
	}
	printf("%-10s %9.2f %9.2f %9.2f %7lld\n", "overall", p, r, f,
	    (long long)gold);
}

static void
cmd_apply(int eval, char **files, int nfiles)
{
	struct tagger md;
	struct conll_score sc = { 0 };

	if (opt_model == NULL)
		cli_usage_die("%s needs -m MODEL", eval ? "evaluate" :
		    "predict");
	tagger_load(&md, opt_model);
	if (eval && opt_text > 0)
		cli_usage_die("evaluate reads CoNLL with gold tags, not text");
	if (nfiles == 0)
		run_file(&md, stdin, "stdin", eval, &sc);
	for (int i = 0; i < nfiles; i++) {
		FILE *f = fopen(files[i], "r");
		if (f == NULL)
			cli_die("cannot open %s: %s", files[i],
			    strerror(errno));
		run_file(&md, f, files[i], eval, &sc);
		fclose(f);
	}
	if (eval) {
		if (sc.tokens == 0)
			cli_die("no tokens to evaluate");
		report(&sc);
	}
}

static void
parse_hidden(const char *s)
{
	char *dup = xstrdup(s), *p, *save;

	opt_nhidden = 0;
	for (p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (opt_nhidden == NN_MAXLAYERS - 1)
			cli_usage_die("--hidden: at most %d layers",
			    NN_MAXLAYERS - 1);
		opt_hidden[opt_nhidden++] = cli_parse_int(p, 0, 100000,
		    "--hidden");
	}
	free(dup);
	if (opt_nhidden == 0)
		cli_usage_die("--hidden: give widths like 100 or 300,100");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "train", required_argument, NULL, 'T' },
		{ "dev", required_argument, NULL, 'D' },
		{ "dev-split", required_argument, NULL, 'd' + 256 },
		{ "iobes", no_argument, NULL, 'i' + 256 },
		{ "word-dropout", required_argument, NULL, 'u' + 256 },
		{ "vectors", required_argument, NULL, 'v' },
		{ "output", required_argument, NULL, 'o' },
		{ "model", required_argument, NULL, 'm' },
		{ "window", required_argument, NULL, 'w' },
		{ "hidden", required_argument, NULL, 'H' },
		{ "activation", required_argument, NULL, 'a' },
		{ "loss", required_argument, NULL, 'L' },
		{ "optimizer", required_argument, NULL, 'O' },
		{ "lr", required_argument, NULL, 'r' },
		{ "l2", required_argument, NULL, 'l' },
		{ "dropout", required_argument, NULL, 'p' },
		{ "epochs", required_argument, NULL, 'e' },
		{ "batch", required_argument, NULL, 'b' },
		{ "patience", required_argument, NULL, 'P' },
		{ "fine-tune", no_argument, NULL, 'f' },
		{ "shape", no_argument, NULL, 's' },
		{ "affix", required_argument, NULL, 'x' },
		{ "new-words", required_argument, NULL, 'n' },
		{ "case", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 'S' },
		{ "text", no_argument, NULL, 't' },
		{ "tsv", no_argument, NULL, 'Z' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'V' + 256 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	int c;

	cli_init(argc, argv);
	openblas_set_num_threads(1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		cli_fclose(stdout, "stdout");
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0)
		cli_version();
	if (argc < 2 || argv[1][0] == '-') {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	argv++;
	argc--;
	while ((c = getopt_long(argc, argv, "T:D:v:o:m:w:H:a:L:O:r:l:p:e:b:"
	    "fsx:n:c:tqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': opt_train = optarg; break;
		case 'D': opt_dev = optarg; break;
		case 'd' + 256: opt_split = cli_parse_double(optarg, 1e-6, 0.9,
			    "--dev-split"); break;
		case 'i' + 256: opt_iobes = 1; break;
		case 'u' + 256: opt_worddrop = cli_parse_double(optarg, 0,
			    0.95, "--word-dropout"); break;
		case 'v': opt_vectors = optarg; break;
		case 'o': opt_model = optarg; break;
		case 'm': opt_model = optarg; break;
		case 'w': opt_m = cli_parse_int(optarg, 0, 50, "--window");
			break;
		case 'H': parse_hidden(optarg); break;
		case 'a': opt_act = nn_act_parse(optarg); break;
		case 'L':
			if (strcmp(optarg, "xent") == 0)
				opt_loss = NN_XENT;
			else if (strcmp(optarg, "margin") == 0)
				opt_loss = NN_HINGE;
			else if (strcmp(optarg, "sentence") == 0)
				opt_loss = TAGGER_SENTENCE;
			else
				cli_usage_die("--loss: '%s' is not xent, "
				    "margin or sentence", optarg);
			break;
		case 'O':
			if (strcmp(optarg, "adagrad") == 0)
				opt_optim = OPT_ADAGRAD;
			else if (strcmp(optarg, "sgd") == 0)
				opt_optim = OPT_SGD;
			else
				cli_usage_die("--optimizer: '%s' is not adagrad "
				    "or sgd", optarg);
			break;
		case 'r': opt_lr = cli_parse_double(optarg, 1e-9, 100,
			    "--lr"); break;
		case 'l': opt_l2 = cli_parse_double(optarg, 0, 10, "--l2");
			break;
		case 'p': opt_dropout = cli_parse_double(optarg, 0, 0.95,
			    "--dropout"); break;
		case 'e': opt_epochs = cli_parse_int(optarg, 1, 100000,
			    "--epochs"); break;
		case 'b': opt_batch = cli_parse_int(optarg, 1, 65536,
			    "--batch"); break;
		case 'P': opt_patience = cli_parse_int(optarg, 1, 100000,
			    "--patience"); break;
		case 'f': opt_finetune = 1; break;
		case 's': opt_shape = 1; break;
		case 'x': opt_affix = cli_parse_int(optarg, 0, 1000,
			    "--affix"); break;
		case 'n': opt_newwords = cli_parse_int(optarg, 0, INT32_MAX,
			    "--new-words"); break;
		case 'c':
			if (strcmp(optarg, "exact") == 0)
				opt_case = CASE_EXACT;
			else if (strcmp(optarg, "fold") == 0)
				opt_case = CASE_FOLD;
			else if (strcmp(optarg, "both") == 0)
				opt_case = CASE_BOTH;
			else
				cli_usage_die("--case: '%s' is not exact, fold "
				    "or both", optarg);
			break;
		case 'S': opt_seed = cli_parse_int(optarg, 0, INT64_MAX,
			    "--seed"); break;
		case 't': opt_text = 1; break;
		case 'Z': opt_tsv = 1; break;
		case 'q': cli_verbose = -1; break;
		case 'V' + 256: cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case 'V': cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (strcmp(cmd, "train") == 0) {
		if (optind < argc)
			cli_usage_die("train reads files named by --train and "
			    "--dev, not '%s'", argv[optind]);
		cmd_train();
	} else if (strcmp(cmd, "predict") == 0)
		cmd_apply(0, argv + optind, argc - optind);
	else if (strcmp(cmd, "evaluate") == 0)
		cmd_apply(1, argv + optind, argc - optind);
	else
		cli_usage_die("'%s' is not a command: train, predict or "
		    "evaluate", cmd);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
