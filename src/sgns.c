/*
 * sgns.c - firth-sgns: word2vec, skip-gram and CBOW with negative
 * sampling, hierarchical softmax, or both (or the full softmax for small
 * vocabularies).
 *
 * Reads token text once (files or stdin, plain or gzip) and spools it to
 * $TMPDIR as word ids in independently deflated blocks, so the vocabulary
 * pass and every epoch read ids, not text, and a pipe works.  The
 * vocabulary is counted on that pass, or taken from a corpus database
 * (-d).  Epochs split the blocks among threads that update the shared
 * vectors without locks (Hogwild).  Writes vectors in any vecio format.
 *
 * Spool block, in memory only (the file holds just the deflate data):
 *   off   uint64  byte offset of the block in the spool file
 *   clen  uint32  deflated bytes
 *   nids  uint32  ids in the block (at most SPOOL_IDS)
 *   crc   uint32  CRC-32 of the raw ids
 * An id is a provisional word id (first appearance order, or the rank
 * with -d); SPOOL_EOD ends a document.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "db.h"
#include "huffman.h"
#include "sgns.h"
#include "sgns_ckpt.h"
#include "subword.h"
#include "tokin.h"
#include "vecio.h"
#include "vocab.h"

#define SPOOL_IDS (1u << 16)	/* ids per block: 256 KiB raw */
#define SPOOL_EOD UINT32_MAX
#define DROP UINT32_MAX		/* remap: not in the vocabulary */
#define MAXSENT 1000		/* words per sentence, as word2vec */

/* Options (word2vec's defaults). */
static const char *opt_db, *opt_out, *opt_ckpt, *opt_resume;
static int opt_size = 100, opt_window = 5, opt_negative = 5, opt_iter = 5;
static int opt_cbow, opt_softmax, opt_share, opt_threads, opt_hs;
static int opt_format = VEC_FIRTH, opt_output, opt_formula, opt_every = 1;
static int opt_stop_after;
static int64_t opt_min_count = 5;
static uint32_t opt_max_vocab;
static double opt_sample = 1e-3, opt_alpha = -1;
static uint64_t opt_seed = 1;
/* Subword vectors: n-gram lengths (minn 0: off), buckets, model file. */
static struct subword opt_sub = { 0, 0, 2000000 };
static const char *opt_model;

enum { OUT_IN, OUT_OUT, OUT_SUM };

struct spool {
	FILE *f;
	char *path;
	int fd;
	size_t nb, cap;
	uint64_t *off;
	uint32_t *clen, *nids, *crc;
	uint64_t bytes;
	uint32_t *buf;		/* [SPOOL_IDS] block being filled */
	uint32_t len;
};

/* The whole training state shared by threads. */
struct train {
	struct sgns_conf cf;
	float *in, *out;	/* [n][s] */
	char **words;		/* [n] by rank */
	int64_t *counts;	/* [n] */
	uint32_t *remap;	/* [provisional ids] rank or DROP */
	double *keep;		/* [n] subsampling keep probability */
	struct spool *sp;
	int threads, epoch;
	int64_t train_words;	/* sum of counts: word2vec's train_words */
	int64_t input_words;	/* in-vocabulary words of this input */
	uint64_t fingerprint;
	_Atomic int64_t done;	/* in-vocabulary words read, all epochs */
	double t0;
	int64_t done0;		/* done when this run started */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-sgns [-qv] [-d DB] [-o FILE] [--size N] [--window N] "
	    "[--negative N]\n"
	    "                  [--hs] [--subword[=MIN:MAX]] [--buckets N] "
	    "[--save-model FILE]\n"
	    "                  "
	    "                  [--sample T] [--iter N] [--min-count N] "
	    "[--alpha A] [--cbow 0|1]\n"
	    "                  [--threads N] [--seed N] [--format F] "
	    "[--output in|out|sum] [FILE...]\n"
	    "Train word2vec vectors on token text (plain or gzip; stdin by "
	    "default).\n"
	    "  -d, --db DB            vocabulary from corpus database DB\n"
	    "  -o, --out FILE         write vectors to FILE (default stdout)\n"
	    "      --size N           dimensions (100)\n"
	    "      --window N         largest window (5)\n"
	    "      --negative N       negatives per update (5)\n"
	    "      --sample T         subsampling threshold, 0 off (1e-3)\n"
	    "      --sample-formula F word2vec or paper (word2vec)\n"
	    "      --iter N           epochs (5)\n"
	    "      --min-count N      ignore words seen fewer times (5)\n"
	    "      --max-vocab N      keep at most N words (all)\n"
	    "      --alpha A          starting rate (0.025 skip-gram, 0.05 "
	    "CBOW)\n"
	    "      --cbow 0|1         CBOW instead of skip-gram (0)\n"
	    "      --softmax          full softmax instead of negatives\n"
	    "      --hs               hierarchical softmax (with --negative 0: "
	    "alone)\n"
	    "      --subword MIN:MAX  words plus character n-grams (3:6 if "
	    "bare)\n"
	    "      --buckets N        hash rows for n-grams (2000000)\n"
	    "      --save-model FILE  with --subword: the whole model, for "
	    "firth-eval\n"
	    "      --share-negatives 0|1  skip-gram: one draw per window (0)\n"
	    "      --threads N        threads (online CPUs)\n"
	    "      --seed N           random seed (1)\n"
	    "      --format F         firth, glove, word2vec, word2vec-binary\n"
	    "      --output W         in, out or sum of the vectors (in)\n"
	    "      --checkpoint FILE  save the model every --checkpoint-every "
	    "epochs\n"
	    "      --checkpoint-every N  epochs between checkpoints (1)\n"
	    "      --stop-after N     stop after N epochs of this run\n"
	    "      --resume FILE      continue from a checkpoint\n"
	    "  -q, --quiet            no progress\n"
	    "  -v, --verbose          more detail\n"
	    "  -h, --help, --version\n");
}

/* ---- the spool of word ids ---- */

static struct spool *
spool_new(void)
{
	struct spool *sp = xcalloc(1, sizeof(*sp));

	sp->f = cli_tmpfile("sgns", &sp->path);
	sp->fd = fileno(sp->f);
	sp->buf = xreallocarray(NULL, SPOOL_IDS, sizeof(uint32_t));
	return sp;
}

static void
spool_flush(struct spool *sp)
{
	uLongf clen = compressBound(sp->len * sizeof(uint32_t));
	unsigned char *z = xmalloc(clen);
	int rc;

	if (sp->len == 0) {
		free(z);
		return;
	}
	rc = compress2(z, &clen, (const Bytef *)sp->buf,
	    sp->len * sizeof(uint32_t), 1);
	if (rc != Z_OK)
		cli_die("spool: deflate failed (zlib error %d)", rc);
	if (sp->nb == sp->cap) {
		sp->cap = sp->cap ? 2 * sp->cap : 256;
		sp->off = xreallocarray(sp->off, sp->cap, sizeof(uint64_t));
		sp->clen = xreallocarray(sp->clen, sp->cap, sizeof(uint32_t));
		sp->nids = xreallocarray(sp->nids, sp->cap, sizeof(uint32_t));
		sp->crc = xreallocarray(sp->crc, sp->cap, sizeof(uint32_t));
	}
	sp->off[sp->nb] = sp->bytes;
	sp->clen[sp->nb] = (uint32_t)clen;
	sp->nids[sp->nb] = sp->len;
	sp->crc[sp->nb] = (uint32_t)crc32(0, (const Bytef *)sp->buf,
	    sp->len * sizeof(uint32_t));
	sp->nb++;
	xfwrite(z, 1, clen, sp->f, sp->path);
	sp->bytes += clen;
	sp->len = 0;
	free(z);
}

static inline void
spool_put(struct spool *sp, uint32_t id)
{
	sp->buf[sp->len++] = id;
	if (sp->len == SPOOL_IDS)
		spool_flush(sp);
}

static void
spool_finish(struct spool *sp)
{
	spool_flush(sp);
	if (fflush(sp->f) != 0)
		cli_die("write error on %s: %s (is $TMPDIR full?)", sp->path,
		    strerror(errno));
}

/* Read block b into ids [SPOOL_IDS] using z [compressBound] scratch. */
static uint32_t
spool_read(const struct spool *sp, size_t b, uint32_t *ids, unsigned char *z)
{
	uLongf len = SPOOL_IDS * sizeof(uint32_t);
	size_t got = 0;
	int rc;

	while (got < sp->clen[b]) {
		ssize_t r = pread(sp->fd, z + got, sp->clen[b] - got,
		    (off_t)(sp->off[b] + got));
		if (r <= 0)
			cli_die("%s: cannot read the spool: %s", sp->path,
			    r < 0 ? strerror(errno) : "file shrank");
		got += r;
	}
	rc = uncompress((Bytef *)ids, &len, z, sp->clen[b]);
	if (rc != Z_OK || len != sp->nids[b] * sizeof(uint32_t) ||
	    crc32(0, (const Bytef *)ids, len) != sp->crc[b])
		cli_die("%s: spool block %zu is damaged (zlib %d)", sp->path, b,
		    rc);
	return sp->nids[b];
}

static void
spool_free(struct spool *sp)
{
	if (fclose(sp->f) != 0)
		cli_warn("%s: %s", sp->path, strerror(errno));
	cli_tmp_remove(sp->path);
	free(sp->off);
	free(sp->clen);
	free(sp->nids);
	free(sp->crc);
	free(sp->buf);
	free(sp);
}

/* ---- reading the input ---- */

/*
 * Tokenise the input once into the spool.  Without a database every token
 * gets a provisional id in v; with one, v holds the chosen words (ids =
 * ranks) and other tokens are left out.  Returns tokens read.
 */
static int64_t
read_input(struct tokin *in, struct vocab *v, int fixed, struct spool *sp)
{
	const char *tok;
	size_t len;
	int64_t ntok = 0, id;
	int k, indoc = 0;
	double t0 = cli_now();

	while ((k = tokin_next(in, &tok, &len)) != TOKIN_EOF) {
		if (k == TOKIN_EOD) {
			spool_put(sp, SPOOL_EOD);
			indoc = 0;
			continue;
		}
		ntok++;
		indoc = 1;
		if ((ntok & 0xfffff) == 0)
			cli_progress("reading: %lld tokens, %.1f MB/s",
			    (long long)ntok, tokin_bytes(in) / 1e6 /
			    (cli_now() - t0 + 1e-9));
		if (fixed) {
			if ((id = vocab_find(v, tok, len)) < 0)
				continue;
			v->counts[id]++;
		} else
			id = vocab_add(v, tok, len, 1);
		spool_put(sp, (uint32_t)id);
	}
	if (indoc)
		spool_put(sp, SPOOL_EOD);
	spool_finish(sp);
	return ntok;
}

/* Ranks from the counted vocabulary: remap provisional ids. */
static void
vocab_choose(struct train *tr, const struct vocab *v)
{
	uint32_t *order = vocab_by_count(v), n = 0;

	tr->remap = xreallocarray(NULL, v->n + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < v->n; i++)
		tr->remap[i] = DROP;
	for (uint32_t r = 0; r < v->n; r++) {
		uint32_t w = order[r];
		if (v->counts[w] < opt_min_count)
			break;
		if (opt_max_vocab > 0 && n == opt_max_vocab)
			break;
		tr->remap[w] = n++;
	}
	tr->cf.n = n;
	tr->words = xreallocarray(NULL, n + 1, sizeof(char *));
	tr->counts = xreallocarray(NULL, n + 1, sizeof(int64_t));
	for (uint32_t r = 0; r < n; r++) {
		tr->words[r] = xstrdup(v->words[order[r]]);
		tr->counts[r] = v->counts[order[r]];
	}
	free(order);
}

/* Words and counts from the database (counts are the database's). */
static struct vocab *
vocab_from_db(struct train *tr)
{
	struct db *db = db_open(opt_db, DB_READ);
	struct vsel *s;
	struct vocab *v = vocab_new();

	db_exec(db, "BEGIN");	/* one snapshot, however long the read */
	s = vsel_from_db(db, opt_min_count, opt_max_vocab);
	db_exec(db, "COMMIT");

	tr->cf.n = s->n;
	tr->words = xreallocarray(NULL, s->n + 1, sizeof(char *));
	tr->counts = xreallocarray(NULL, s->n + 1, sizeof(int64_t));
	tr->remap = xreallocarray(NULL, s->n + 1, sizeof(uint32_t));
	for (uint32_t r = 0; r < s->n; r++) {
		tr->words[r] = xstrdup(s->words[r]);
		tr->counts[r] = s->counts[r];
		tr->remap[r] = r;
		vocab_add(v, s->words[r], strlen(s->words[r]), 0);
	}
	vsel_free(s);
	db_close(db);
	return v;
}

/* ---- the model ---- */

static uint64_t
vocab_fingerprint(const struct train *tr)
{
	uint64_t h = 0x5347u;

	for (uint32_t r = 0; r < tr->cf.n; r++)
		h = (h ^ vocab_hash(tr->words[r], strlen(tr->words[r])) ^
		    (uint64_t)tr->counts[r]) * 0x100000001b3ULL;
	return h;
}

static void
model_init(struct train *tr)
{
	size_t s = tr->cf.s, n = tr->cf.n;
	/* Subwords: the bucket rows follow the word rows in in. */
	size_t rows = n + (opt_sub.minn > 0 ? opt_sub.buckets : 0);
	struct sgns_rng r;

	/* word2vec's start: in uniform in +-0.5/d, out zero. */
	if (posix_memalign((void **)&tr->in, 64, rows * s * sizeof(float)) != 0 ||
	    posix_memalign((void **)&tr->out, 64, n * s * sizeof(float)) != 0)
		cli_die("out of memory for %zu x %zu vectors", n, s);
	memset(tr->in, 0, rows * s * sizeof(float));
	memset(tr->out, 0, n * s * sizeof(float));
	/* Tree nodes start at zero like out (word2vec's syn1). */
	if (tr->cf.hs) {
		if (posix_memalign((void **)&tr->cf.node, 64,
		    (n > 1 ? n - 1 : 1) * s * sizeof(float)) != 0)
			cli_die("out of memory for %zu x %zu tree nodes", n, s);
		memset(tr->cf.node, 0, (n > 1 ? n - 1 : 1) * s * sizeof(float));
	}
	sgns_rng_seed(&r, opt_seed, UINT64_MAX);
	for (size_t w = 0; w < rows; w++)
		for (uint32_t k = 0; k < tr->cf.d; k++)
			tr->in[w * s + k] = (float)((sgns_rng_unit(&r) - 0.5) /
			    tr->cf.d);
}

/* ---- checkpoints (lib/sgns_ckpt.c) ---- */

static void
ckpt_conf_fill(const struct train *tr, struct sgns_ckpt_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->window = opt_window;
	c->negative = opt_negative;
	c->cbow = opt_cbow;
	c->softmax = opt_softmax;
	c->share = opt_share;
	c->iter = opt_iter;
	c->formula = opt_formula;
	c->threads = tr->threads;
	c->alpha = opt_alpha;
	c->sample = opt_sample;
	c->seed = opt_seed;
	c->fingerprint = tr->fingerprint;
	c->n = tr->cf.n;
	c->d = tr->cf.d;
}

static struct sgns_ckpt_model
ckpt_model(const struct train *tr)
{
	struct sgns_ckpt_model m = { .n = tr->cf.n, .d = tr->cf.d,
	    .s = tr->cf.s, .words = tr->words, .counts = tr->counts,
	    .in = tr->in, .out = tr->out };

	return m;
}

static void
ckpt_save(const struct train *tr, int epochs)
{
	struct sgns_ckpt_conf c;
	struct sgns_ckpt_model m = ckpt_model(tr);

	ckpt_conf_fill(tr, &c);
	sgns_ckpt_save(opt_ckpt, &c, &m, (uint32_t)epochs,
	    atomic_load(&tr->done));
	if (cli_verbose > 0)
		cli_info("checkpoint %s after epoch %d", opt_ckpt, epochs);
}

/* Load a checkpoint into tr; returns the epochs it had done. */
static int
ckpt_load(struct train *tr)
{
	struct sgns_ckpt_conf c;
	struct sgns_ckpt_model m = ckpt_model(tr);
	int64_t done;
	uint32_t e;

	ckpt_conf_fill(tr, &c);
	e = sgns_ckpt_load(opt_resume, &c, &m, &done);
	atomic_store(&tr->done, done);
	return (int)e;
}

/* ---- training ---- */

/* CPU seconds used by this process so far (all threads, user + system). */
static double
cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct job {
	struct train *tr;
	int id;
};

/*
 * Learning rate after a fraction done of this epoch: linear from alpha to
 * alpha / 10000 over all epochs, by the thread's own progress through its
 * slice (so one thread's schedule does not depend on the others').
 */
static float
rate_at(const struct train *tr, double done)
{
	double a = opt_alpha * (1 - (tr->epoch + done) / opt_iter);

	return (float)(a > opt_alpha * 1e-4 ? a : opt_alpha * 1e-4);
}

static void *
train_slice(void *arg)
{
	struct job *jb = arg;
	struct train *tr = jb->tr;
	const struct spool *sp = tr->sp;
	size_t b0 = sp->nb * jb->id / tr->threads;
	size_t b1 = sp->nb * (jb->id + 1) / tr->threads;
	uint32_t *ids = xreallocarray(NULL, SPOOL_IDS, sizeof(uint32_t));
	unsigned char *z = xmalloc(compressBound(SPOOL_IDS * 4));
	uint32_t sent[MAXSENT];
	struct sgns_work w;
	struct sgns_rng r;
	int64_t total = 0, seen = 0, pending = 0;
	float alpha = rate_at(tr, 0);
	int len = 0;

	sgns_work_init(&w, &tr->cf);
	/* One stream per (epoch, thread): resuming needs no RNG state. */
	sgns_rng_seed(&r, opt_seed, (uint64_t)tr->epoch << 16 | jb->id);
	for (size_t b = b0; b < b1; b++)
		total += sp->nids[b];
	for (size_t b = b0; b < b1; b++) {
		uint32_t nid = spool_read(sp, b, ids, z);
		for (uint32_t i = 0; i < nid; i++, seen++) {
			uint32_t wd;
			/* The rate falls every 8192 ids (word2vec: 10000). */
			if ((seen & 8191) == 0)
				alpha = rate_at(tr, (double)seen / total);
			if (ids[i] == SPOOL_EOD) {
				sgns_sentence(&tr->cf, tr->in, tr->out, &w, &r,
				    sent, len, alpha);
				len = 0;
				continue;
			}
			if ((wd = tr->remap[ids[i]]) == DROP)
				continue;
			pending++;
			if (!sgns_keep(tr->keep[wd], &r))
				continue;
			sent[len++] = wd;
			if (len == MAXSENT) {
				sgns_sentence(&tr->cf, tr->in, tr->out, &w, &r,
				    sent, len, alpha);
				len = 0;
			}
		}
		atomic_fetch_add_explicit(&tr->done, pending,
		    memory_order_relaxed);
		pending = 0;
		if (jb->id == 0 && cli_progress_tty()) {
			double el = cli_now() - tr->t0;
			int64_t d = atomic_load(&tr->done) - tr->done0;
			double rate = d / (el + 1e-9);
			double left = (double)tr->input_words * opt_iter -
			    atomic_load(&tr->done);
			cli_progress("epoch %d/%d: %.0f words/s (%.0f/thread/s), "
			    "alpha %.5f, ETA %.0f s", tr->epoch + 1, opt_iter,
			    rate, rate / tr->threads, alpha, left / rate);
		}
	}
	sgns_sentence(&tr->cf, tr->in, tr->out, &w, &r, sent, len, alpha);
	atomic_fetch_add_explicit(&tr->done, pending, memory_order_relaxed);
	sgns_work_free(&w);
	free(ids);
	free(z);
	return NULL;
}

static void
train_epochs(struct train *tr, int first)
{
	pthread_t *th = xreallocarray(NULL, tr->threads, sizeof(pthread_t));
	struct job *jobs = xreallocarray(NULL, tr->threads, sizeof(struct job));
	int ran = 0;

	tr->t0 = cli_now();
	tr->done0 = atomic_load(&tr->done);
	for (tr->epoch = first; tr->epoch < opt_iter; tr->epoch++) {
		double te = cli_now(), el, cpu = cpu_seconds();
		int64_t d0 = atomic_load(&tr->done), d;
		int rc;

		for (int t = 0; t < tr->threads; t++) {
			jobs[t].tr = tr;
			jobs[t].id = t;
			if ((rc = pthread_create(&th[t], NULL, train_slice,
			    &jobs[t])) != 0)
				cli_die("cannot start a thread: %s",
				    strerror(rc));
		}
		for (int t = 0; t < tr->threads; t++)
			pthread_join(th[t], NULL);
		el = cli_now() - te;
		cpu = cpu_seconds() - cpu;
		d = atomic_load(&tr->done) - d0;
		/*
		 * Words per CPU second is what a thread does when it runs;
		 * on a shared machine it is the honest speed, words/thread/s
		 * the one people feel.
		 */
		cli_progress_done("epoch %d/%d: %lld words in %.1f s, %.0f "
		    "words/s, %.0f words/thread/s, %.0f words/cpu-s, ETA %.0f s",
		    tr->epoch + 1, opt_iter, (long long)d, el, d / (el + 1e-9),
		    d / (el + 1e-9) / tr->threads, d / (cpu + 1e-9),
		    (cli_now() - tr->t0) / (tr->epoch + 1 - first) *
		    (opt_iter - tr->epoch - 1));
		ran++;
		if (opt_ckpt != NULL && ((tr->epoch + 1) % opt_every == 0 ||
		    tr->epoch + 1 == opt_iter || ran == opt_stop_after))
			ckpt_save(tr, tr->epoch + 1);
		if (ran == opt_stop_after && tr->epoch + 1 < opt_iter) {
			cli_info("stopped after %d epochs (--stop-after); "
			    "continue with --resume", ran);
			tr->epoch++;
			break;
		}
	}
	free(th);
	free(jobs);
}

/*
 * Subwords: save the whole model, then make each word's row the mean of
 * its rows (as fastText's .vec), so -o holds the vectors users want.  In
 * place: word w's mean reads row w and bucket rows only.
 */
static void
subword_finish(struct train *tr)
{
	const struct subword_table *t = tr->cf.sub;

	if (opt_model != NULL)
		subword_model_save(opt_model, &opt_sub, tr->words, tr->cf.n,
		    tr->cf.d, tr->in, tr->cf.s);
	subword_compose(tr->in, tr->cf.s, tr->cf.d, t, tr->cf.n);
}

/* ---- output ---- */

/*
 * Opened before any input is read (the temporary file beside -o's target
 * is created now, renamed over it once the vectors are written), and the
 * checkpoint's place proved writable, so a wrong path costs a second and
 * not the epochs.
 */
static FILE *out_file;

static void
outputs_open(void)
{
	out_file = opt_out != NULL ? cli_out_open(opt_out) : stdout;
	if (opt_format == VEC_FIRTH || opt_format == VEC_W2V_BIN)
		cli_out_refuse_tty(out_file, opt_out, "vectors");
	if (opt_ckpt != NULL)
		cli_out_check(opt_ckpt);
}

static void
write_vectors(const struct train *tr)
{
	size_t s = tr->cf.s, n = tr->cf.n;
	const float *m = opt_output == OUT_OUT ? tr->out : tr->in;
	float *sum = NULL;
	FILE *f = out_file;
	const char *name = opt_out != NULL ? opt_out : "stdout";

	if (opt_output == OUT_SUM) {
		sum = xreallocarray(NULL, n * s + 1, sizeof(float));
		for (size_t i = 0; i < n * s; i++)
			sum[i] = tr->in[i] + tr->out[i];
		m = sum;
	}
	vec_write(f, name, opt_format, tr->words, tr->cf.n, tr->cf.d, m, s, 1);
	if (opt_out != NULL)
		cli_out_close(f, name);
	free(sum);
}

static void
run(char **files, int nfiles)
{
	struct train tr;
	struct tokin *in;
	struct vocab *v = NULL;
	int64_t ntok;
	int first = 0;
	double t0 = cli_now();

	memset(&tr, 0, sizeof(tr));
	tr.threads = opt_threads;
	if (opt_db != NULL)
		v = vocab_from_db(&tr);
	else
		v = vocab_new();
	tr.sp = spool_new();
	in = tokin_open(files, nfiles);
	ntok = read_input(in, v, opt_db != NULL, tr.sp);
	if (ntok == 0)
		cli_die("no tokens in the input (%s): did the upstream command "
		    "fail?", strcmp(tokin_source(in), "-") == 0 ? "stdin" :
		    tokin_source(in));
	if (opt_db == NULL)
		vocab_choose(&tr, v);
	if (tokin_truncated(in) > 0)
		cli_warn("%llu tokens longer than %d bytes were cut short",
		    (unsigned long long)tokin_truncated(in), TOKIN_MAXTOK);
	tokin_close(in);
	if (tr.cf.n == 0)
		cli_die("no word occurs --min-count %lld times; lower "
		    "--min-count", (long long)opt_min_count);
	for (uint32_t r = 0; r < tr.cf.n; r++)
		tr.train_words += tr.counts[r];
	/* With -d, frequencies are the database's; the ETA is this input's. */
	tr.input_words = tr.train_words;
	if (opt_db != NULL) {
		tr.input_words = 0;
		for (uint32_t r = 0; r < tr.cf.n; r++)
			tr.input_words += v->counts[r];
	}
	cli_info("%lld tokens, %u words in the vocabulary, %lld of them "
	    "trained on, spool %.1f MB, read in %.1f s", (long long)ntok,
	    tr.cf.n, (long long)tr.input_words, tr.sp->bytes / 1e6,
	    cli_now() - t0);
	vocab_free(v);

	tr.fingerprint = vocab_fingerprint(&tr);
	tr.cf.d = opt_size;
	tr.cf.s = sgns_stride(opt_size);
	tr.cf.window = opt_window;
	tr.cf.negative = opt_negative;
	tr.cf.cbow = opt_cbow;
	tr.cf.softmax = opt_softmax;
	tr.cf.share = opt_share;
	tr.cf.hs = opt_hs;
	if (!opt_softmax && opt_negative > 0)
		tr.cf.neg = sgns_alias_new(tr.counts, tr.cf.n, 0.75);
	if (opt_hs)
		tr.cf.tree = huffman_new(tr.counts, tr.cf.n);
	if (opt_sub.minn > 0) {
		tr.cf.sub = subword_table_new(&opt_sub, tr.words, tr.cf.n);
		cli_info("subwords %d:%d: %u words, %.1f n-grams a word, %u "
		    "buckets (%.0f MB)", opt_sub.minn, opt_sub.maxn, tr.cf.n,
		    (double)tr.cf.sub->off[tr.cf.n] / tr.cf.n - 1,
		    opt_sub.buckets, (double)opt_sub.buckets * tr.cf.s * 4 / 1e6);
	}
	tr.keep = xreallocarray(NULL, tr.cf.n, sizeof(double));
	for (uint32_t r = 0; r < tr.cf.n; r++)
		tr.keep[r] = sgns_keep_prob(opt_formula, opt_sample,
		    tr.counts[r], tr.train_words);
	model_init(&tr);
	if (opt_resume != NULL)
		first = ckpt_load(&tr);
	train_epochs(&tr, first);
	if (tr.cf.sub != NULL)
		subword_finish(&tr);
	write_vectors(&tr);

	spool_free(tr.sp);
	sgns_alias_free((struct sgns_alias *)tr.cf.neg);
	huffman_free((struct huffman *)tr.cf.tree);
	subword_table_free((struct subword_table *)tr.cf.sub);
	free(tr.cf.node);
	for (uint32_t r = 0; r < tr.cf.n; r++)
		free(tr.words[r]);
	free(tr.words);
	free(tr.counts);
	free(tr.remap);
	free(tr.keep);
	free(tr.in);
	free(tr.out);
}

int
main(int argc, char **argv)
{
	enum { O_SIZE = 256, O_WINDOW, O_NEG, O_SAMPLE, O_FORMULA, O_ITER,
	    O_MINC, O_MAXV, O_ALPHA, O_CBOW, O_SOFTMAX, O_SHARE, O_THREADS,
	    O_SEED, O_FORMAT, O_OUTPUT, O_CKPT, O_EVERY, O_STOP, O_RESUME,
	    O_VERSION, O_HS, O_SUBWORD, O_BUCKETS, O_MODEL };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, O_SIZE },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "negative", required_argument, NULL, O_NEG },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ "sample-formula", required_argument, NULL, O_FORMULA },
		{ "iter", required_argument, NULL, O_ITER },
		{ "min-count", required_argument, NULL, O_MINC },
		{ "max-vocab", required_argument, NULL, O_MAXV },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "cbow", required_argument, NULL, O_CBOW },
		{ "softmax", no_argument, NULL, O_SOFTMAX },
		{ "hs", no_argument, NULL, O_HS },
		{ "subword", optional_argument, NULL, O_SUBWORD },
		{ "buckets", required_argument, NULL, O_BUCKETS },
		{ "save-model", required_argument, NULL, O_MODEL },
		{ "share-negatives", required_argument, NULL, O_SHARE },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "checkpoint", required_argument, NULL, O_CKPT },
		{ "checkpoint-every", required_argument, NULL, O_EVERY },
		{ "stop-after", required_argument, NULL, O_STOP },
		{ "resume", required_argument, NULL, O_RESUME },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	long ncpu;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "d:o:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 'o': opt_out = optarg; break;
		case O_SIZE: opt_size = cli_parse_int(optarg, 1, 10000,
			    "--size"); break;
		case O_WINDOW: opt_window = cli_parse_int(optarg, 1,
			    SGNS_MAXWIN, "--window"); break;
		case O_NEG: opt_negative = cli_parse_int(optarg, 0,
			    SGNS_MAXNEG, "--negative"); break;
		case O_SAMPLE: opt_sample = cli_parse_double(optarg, 0, 1,
			    "--sample"); break;
		case O_FORMULA:
			if (strcmp(optarg, "word2vec") == 0)
				opt_formula = SGNS_SAMPLE_W2V;
			else if (strcmp(optarg, "paper") == 0)
				opt_formula = SGNS_SAMPLE_PAPER;
			else
				cli_usage_die("--sample-formula: '%s' is not "
				    "word2vec or paper", optarg);
			break;
		case O_ITER: opt_iter = cli_parse_int(optarg, 1, 100000,
			    "--iter"); break;
		case O_MINC: opt_min_count = cli_parse_int(optarg, 1,
			    INT64_MAX, "--min-count"); break;
		case O_MAXV: opt_max_vocab = cli_parse_int(optarg, 0,
			    UINT32_MAX - 1, "--max-vocab"); break;
		case O_ALPHA: opt_alpha = cli_parse_double(optarg, 1e-9, 10,
			    "--alpha"); break;
		case O_CBOW: opt_cbow = cli_parse_int(optarg, 0, 1, "--cbow");
			break;
		case O_SOFTMAX: opt_softmax = 1; break;
		case O_HS: opt_hs = 1; break;
		case O_SUBWORD:
			/* "--subword 3:6" as well as "--subword=3:6". */
			if (optarg == NULL && optind < argc &&
			    subword_parse(argv[optind], NULL))
				optarg = argv[optind++];
			subword_parse(optarg != NULL ? optarg : "3:6", &opt_sub);
			break;
		case O_BUCKETS: opt_sub.buckets = cli_parse_int(optarg, 1,
			    INT32_MAX, "--buckets"); break;
		case O_MODEL: opt_model = optarg; break;
		case O_SHARE: opt_share = cli_parse_int(optarg, 0, 1,
			    "--share-negatives"); break;
		case O_THREADS: opt_threads = cli_parse_int(optarg, 1, 1024,
			    "--threads"); break;
		case O_SEED: opt_seed = cli_parse_int(optarg, 0, INT64_MAX,
			    "--seed"); break;
		case O_FORMAT: opt_format = vec_format_parse(optarg); break;
		case O_OUTPUT:
			if (strcmp(optarg, "in") == 0)
				opt_output = OUT_IN;
			else if (strcmp(optarg, "out") == 0)
				opt_output = OUT_OUT;
			else if (strcmp(optarg, "sum") == 0)
				opt_output = OUT_SUM;
			else
				cli_usage_die("--output: '%s' is not in, out "
				    "or sum", optarg);
			break;
		case O_CKPT: opt_ckpt = optarg; break;
		case O_EVERY: opt_every = cli_parse_int(optarg, 1, 100000,
			    "--checkpoint-every"); break;
		case O_STOP: opt_stop_after = cli_parse_int(optarg, 1, 100000,
			    "--stop-after"); break;
		case O_RESUME: opt_resume = optarg; break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			return EXIT_OK;
		case O_VERSION: cli_version();
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	/* fastText's rate for subword skip-gram, word2vec's otherwise. */
	if (opt_alpha < 0)
		opt_alpha = opt_cbow || opt_sub.minn > 0 ? 0.05 : 0.025;
	if (opt_threads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		opt_threads = ncpu > 0 ? (ncpu < 64 ? ncpu : 64) : 1;
	}
	if (opt_stop_after > 0 && opt_ckpt == NULL)
		cli_usage_die("--stop-after needs --checkpoint FILE to "
		    "continue from");
	if (opt_hs && opt_softmax)
		cli_usage_die("--hs and --softmax are two objectives for the "
		    "same job; choose one");
	if (opt_negative == 0 && !opt_hs && !opt_softmax)
		cli_usage_die("--negative 0 leaves nothing to train; add --hs "
		    "or give --negative N > 0");
	/* The checkpoint layout has no place for these rows yet. */
	if ((opt_hs || opt_sub.minn > 0) && (opt_ckpt != NULL ||
	    opt_resume != NULL))
		cli_usage_die("%s does not work with --checkpoint or --resume "
		    "yet; train in one run", opt_hs ? "--hs" : "--subword");
	if (opt_sub.minn > 0 && (opt_softmax || opt_share))
		cli_usage_die("--subword trains with negatives or --hs, one "
		    "draw per pair: drop %s", opt_softmax ? "--softmax" :
		    "--share-negatives");
	if (opt_model != NULL && opt_sub.minn == 0)
		cli_usage_die("--save-model saves a subword model: add "
		    "--subword");
	if (opt_format == VEC_AUTO)
		cli_usage_die("--format: give the format to write");
	outputs_open();
	run(argv + optind, argc - optind);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
