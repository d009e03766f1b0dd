/*
 * glove.c - firth-glove: train GloVe word vectors on a co-occurrence
 * stream.
 *
 * Reads a firth cooc stream (stdin, or with -d the children
 * `firth-cooc -d DB --export | firth-shuffle') once: into memory when it
 * fits under -M, otherwise spooled to $TMPDIR in compactly encoded chunks
 * that every iteration re-reads.
 * Then --iter passes of AdaGrad over the records, --threads threads each
 * on a contiguous slice, updating the one shared model without locks
 * (the records should come shuffled: firth-shuffle).  Writes the vectors
 * with the stream's words: w + c by default (--output-vectors).
 * Checkpoints (--checkpoint) hold everything a run needs to continue
 * bit for bit (--resume).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "glovecooc.h"
#include "linein.h"
#include "glove.h"
#include "stream.h"
#include "varint.h"
#include "vecio.h"

#define CHUNK_RECS 65536	/* records per spool chunk and work unit */
/*
 * Default -M, bytes: small streams stay in memory, a corpus-sized one is
 * spooled, so the peak stays near the model's size, below GloVe's (its
 * W and AdaGrad sums in double).  Spooling costs a few percent of speed;
 * see CAVEATS in firth-glove(1).
 */
#define DEFAULT_MEM (128ull << 20)

enum { OUT_W, OUT_WC, OUT_ALL };

static struct glove_hyper opt_h = { 50, 100.0, 0.75, 0.05, 100.0 };
static int set_dim, set_xmax, set_alpha, set_eta, set_clip, set_seed;
static int opt_iter = 25, opt_threads, opt_format = VEC_FIRTH;
static int opt_output = OUT_WC, opt_every, opt_refkernel;
static uint64_t opt_seed = 1, opt_mem;
static const char *opt_db, *opt_min_count, *opt_max_vocab, *opt_vocab;
static const char *opt_out, *opt_ckpt, *opt_resume;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: firth-glove [-qv] [options] < cooc-stream\n"
	    "       firth-glove -d DB [--min-count N] [--max-vocab N] "
	    "[options]\n"
	    "Train GloVe vectors on a (shuffled) co-occurrence stream.\n"
	    "  -d, --db DB            read `firth-cooc -d DB --export | "
	    "firth-shuffle'\n"
	    "      --min-count N      passed to firth-cooc --export\n"
	    "      --max-vocab N      passed to firth-cooc --export\n"
	    "      --vocab FILE       words in id order, one per line, for a "
	    "stream without them\n"
	    "      --vector-size N    dimensions (default 50)\n"
	    "      --iter N           passes over the records (default 25)\n"
	    "      --x-max X          weighting cap (default 100)\n"
	    "      --alpha A          weighting exponent (default 0.75)\n"
	    "      --eta E            initial learning rate (default 0.05)\n"
	    "      --grad-clip G      gradient component bound (default 100)\n"
	    "  -T, --threads N        threads (default: the cores)\n"
	    "  -s, --seed N           random seed (default 1)\n"
	    "  -M, --memory SIZE      hold records in memory up to SIZE, "
	    "else spool (default 128M)\n"
	    "  -f, --format F         firth, glove, word2vec, "
	    "word2vec-binary\n"
	    "      --output-vectors W|W+C|all  (default W+C)\n"
	    "  -o, --output FILE      write the vectors to FILE, not stdout\n"
	    "      --checkpoint FILE  save the run to FILE\n"
	    "      --checkpoint-every N  every N iterations (default 1)\n"
	    "      --resume FILE      continue the run saved in FILE\n"
	    "      --kernel K         fast (default) or reference (plain "
	    "double loop)\n"
	    "  -q, --quiet            no progress\n"
	    "  -v, --verbose          more detail\n"
	    "  -h, --help, --version\n");
}

/*
 * The records, read once.  Held in memory (mem), or spooled: chunks of
 * at most CHUNK_RECS records, each encoded on its own (chunk_encode) at
 * off[k] in the spool file, so threads read disjoint chunk ranges with
 * pread(2) on one descriptor.
 */
struct recs {
	uint64_t n;		/* records */
	struct cooc_rec *mem;	/* [n] when in memory, else NULL */
	size_t cap;		/* records mem has room for */
	uint64_t limit;		/* records allowed in memory */
	int fd;			/* spool, or -1 */
	FILE *spool;		/* the stream fd belongs to */
	char *path;
	uint64_t end;		/* bytes written to the spool */
	size_t nchunks, chcap;
	uint64_t *off;		/* [nchunks] byte offsets */
	uint32_t *zlen;		/* [nchunks] encoded bytes */
	uint32_t *cnt;		/* [nchunks] records */
	uint32_t maxz;		/* largest zlen */
	struct cooc_rec *pend;	/* [CHUNK_RECS] chunk being filled */
	size_t npend;
	unsigned char *zbuf;	/* [CHUNK_RECS * REC_MAXENC] */
};

/*
 * Spool chunk encoding: per record LEB128 varints of w1 and w2 (ids are
 * frequency ranks, so most take 1-3 bytes) and x as 4 raw bytes: 7 to 10
 * bytes instead of 12, and decoding runs at memory speed.  deflate packs
 * shuffled records little tighter and inflating them costs more than
 * the training itself, so it is not used here.
 */
#define REC_MAXENC (2 * VARINT_MAX32 + 4)	/* 14 bytes */

static size_t
chunk_encode(unsigned char *p, const struct cooc_rec *r, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		k += varint_put32(p + k, r[i].w1);
		k += varint_put32(p + k, r[i].w2);
		memcpy(p + k, &r[i].x, 4);
		k += 4;
	}
	return k;
}

/* Decode n records from z[0..zn); 0 when the bytes do not add up. */
static int
chunk_decode(const unsigned char *z, size_t zn, struct cooc_rec *r, size_t n)
{
	const unsigned char *e = z + zn;

	for (size_t i = 0; i < n; i++) {
		uint32_t v[2];
		if (!varint_get32(&z, e, &v[0]) || !varint_get32(&z, e, &v[1]))
			return 0;
		if (e - z < 4)
			return 0;
		r[i].w1 = v[0];
		r[i].w2 = v[1];
		memcpy(&r[i].x, z, 4);
		z += 4;
	}
	return z == e;
}

static void
spool_chunk(struct recs *rs, const struct cooc_rec *r, size_t n)
{
	size_t zn = chunk_encode(rs->zbuf, r, n);
	ssize_t wr;

	if (rs->nchunks == rs->chcap) {
		rs->chcap = rs->chcap ? 2 * rs->chcap : 1024;
		rs->off = xreallocarray(rs->off, rs->chcap, sizeof(*rs->off));
		rs->zlen = xreallocarray(rs->zlen, rs->chcap,
		    sizeof(*rs->zlen));
		rs->cnt = xreallocarray(rs->cnt, rs->chcap, sizeof(*rs->cnt));
	}
	/* A short write is retried: the retry fails with the reason
	 * (ENOSPC, EFBIG), which the message then gives. */
	for (size_t done = 0; done < zn; done += (size_t)wr)
		if ((wr = pwrite(rs->fd, rs->zbuf + done, zn - done,
		    rs->end + done)) <= 0)
			cli_die("write error on %s: %s", rs->path,
			    wr < 0 ? strerror(errno) : "no progress");
	rs->off[rs->nchunks] = rs->end;
	rs->zlen[rs->nchunks] = zn;
	rs->cnt[rs->nchunks] = n;
	rs->nchunks++;
	rs->end += zn;
	if (zn > rs->maxz)
		rs->maxz = zn;
}

/* Append to the pending chunk; encode it when full. */
static void
spool_add(struct recs *rs, const struct cooc_rec *r, size_t n)
{
	while (n > 0) {
		size_t k = CHUNK_RECS - rs->npend;
		if (k > n)
			k = n;
		memcpy(rs->pend + rs->npend, r, k * sizeof(*r));
		rs->npend += k;
		r += k;
		n -= k;
		if (rs->npend == CHUNK_RECS) {
			spool_chunk(rs, rs->pend, rs->npend);
			rs->npend = 0;
		}
	}
}

/* Memory is full: move what it holds to a new spool, in order. */
static void
spool_begin(struct recs *rs)
{
	rs->spool = cli_tmpfile("glove", &rs->path);
	rs->fd = fileno(rs->spool);	/* used with pread/pwrite only */
	rs->pend = xmalloc(CHUNK_RECS * sizeof(*rs->pend));
	rs->zbuf = xmalloc(CHUNK_RECS * REC_MAXENC);
	spool_add(rs, rs->mem, rs->n);
	free(rs->mem);
	rs->mem = NULL;
	cli_info("records exceed -M; spooling them to %s", rs->path);
}

static void
recs_add(struct recs *rs, const struct cooc_rec *r, size_t n)
{
	if (rs->fd < 0 && rs->n + n > rs->limit)
		spool_begin(rs);
	if (rs->fd >= 0) {
		spool_add(rs, r, n);
	} else {
		if (rs->n + n > rs->cap) {
			rs->cap = rs->cap ? rs->cap : 1 << 16;
			while (rs->cap < rs->n + n)
				rs->cap *= 2;
			if (rs->cap > rs->limit)
				rs->cap = rs->limit;
			rs->mem = xreallocarray(rs->mem, rs->cap, sizeof(*r));
		}
		memcpy(rs->mem + rs->n, r, n * sizeof(*r));
	}
	rs->n += n;
}

static void
recs_finish(struct recs *rs)
{
	if (rs->fd >= 0 && rs->npend > 0) {
		spool_chunk(rs, rs->pend, rs->npend);
		rs->npend = 0;
	}
	free(rs->pend);
	rs->pend = NULL;
	free(rs->zbuf);
	rs->zbuf = NULL;
}

/*
 * Read the stream, checking every record: ids inside the vocabulary and
 * counts positive and finite (log X must exist).
 */
static void
recs_read(struct recs *rs, struct stream_reader *r, uint32_t nwords,
    const char *name)
{
	const struct cooc_rec *b;
	uint64_t prev = 0, key;
	int sorted = 1;		/* every record so far after the one before */
	size_t n;

	while ((b = stream_read_block(r, &n)) != NULL) {
		for (size_t k = 0; k < n; k++) {
			key = (uint64_t)b[k].w1 << 32 | b[k].w2;
			if (key < prev)
				sorted = 0;
			prev = key;
			if (b[k].w1 >= nwords || b[k].w2 >= nwords)
				cli_die("%s: record %llu has word id %u, outside "
				    "the vocabulary of %u words (a stream "
				    "mixed from two vocabularies?)", name,
				    (unsigned long long)(rs->n + k + 1),
				    b[k].w1 >= nwords ? b[k].w1 : b[k].w2,
				    nwords);
			if (!(b[k].x > 0) || !isfinite(b[k].x))
				cli_die("%s: record %llu has count %g; GloVe "
				    "needs counts > 0", name,
				    (unsigned long long)(rs->n + k + 1),
				    b[k].x);
		}
		recs_add(rs, b, n);
		cli_progress("reading: %llu records",
		    (unsigned long long)rs->n);
	}
	recs_finish(rs);
	if (rs->n == 0)
		cli_die("%s: no co-occurrence records: nothing to train on",
		    name);
	/*
	 * An export comes sorted by (w1, w2); trained in that order, AdaGrad
	 * sees one word's pairs after another's and the vectors come out
	 * poor.  Shuffled records are out of order almost at once.
	 */
	if (sorted && rs->n > 1)
		cli_info("%s: the records are sorted by word (an export not "
		    "shuffled?); pipe them through firth-shuffle for good "
		    "vectors", name);
}

/* Words in id order from a file: the first field of each line. */
static char **
vocab_file_read(const char *path, uint32_t *nwords)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, **words = NULL;
	size_t lcap = 0, cap = 0, n = 0;
	ssize_t len;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	/* Bounded lines; running out of memory is an error, not the end. */
	while ((len = linein_get(&line, &lcap, f, path, n + 1,
	    LINEIN_MAX)) > 0) {
		size_t k = strcspn(line, " \t\r\n");
		if (k == 0)
			cli_die("%s:%zu: empty word", path, n + 1);
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			words = xreallocarray(words, cap, sizeof(*words));
		}
		line[k] = '\0';
		words[n++] = xstrdup(line);
		if (n > STREAM_MAX_VOCAB)
			cli_die("%s: more than %u words", path,
			    STREAM_MAX_VOCAB);
	}
	if (ferror(f))
		cli_die("read error on %s: %s", path, strerror(errno));
	fclose(f);
	free(line);
	if (n == 0)
		cli_die("%s: no words", path);
	*nwords = n;
	return words;
}

/*
 * -d DB: run `firth-cooc -d DB --export [...] | firth-shuffle --seed S'
 * as children and return the read end of the pipeline.  The export is
 * sorted by word; training needs the records in random order.
 */
static FILE *
cooc_spawn(pid_t pids[2])
{
	const char *cooc[12], *shuf[6];
	const char *hint = "pipe `firth-cooc -d DB --export | firth-shuffle' "
	    "into firth-glove";
	char seed[32];
	int a[2], b[2], n = 0;
	FILE *f;

	cooc[n++] = "firth-cooc";
	cooc[n++] = "-d";
	cooc[n++] = opt_db;
	cooc[n++] = "--export";
	if (opt_min_count != NULL) {
		cooc[n++] = "--min-count";
		cooc[n++] = opt_min_count;
	}
	if (opt_max_vocab != NULL) {
		cooc[n++] = "--max-vocab";
		cooc[n++] = opt_max_vocab;
	}
	if (cli_verbose < 0)
		cooc[n++] = "-q";
	cooc[n] = NULL;
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)opt_seed);
	n = 0;
	shuf[n++] = "firth-shuffle";
	shuf[n++] = "--seed";
	shuf[n++] = seed;
	if (cli_verbose < 0)
		shuf[n++] = "-q";
	shuf[n] = NULL;
	if (pipe2(a, O_CLOEXEC) != 0 || pipe2(b, O_CLOEXEC) != 0)
		cli_die("pipe: %s", strerror(errno));
	pids[0] = cli_spawn(cooc, -1, a[1], hint);
	pids[1] = cli_spawn(shuf, a[0], b[1], hint);
	close(a[0]);
	close(a[1]);
	close(b[1]);
	if ((f = fdopen(b[0], "rb")) == NULL)
		cli_die("fdopen: %s", strerror(errno));
	return f;
}

/*
 * Training.  Each worker takes a contiguous slice of the records (of the
 * chunks when spooled) and walks it in order; with one thread that is
 * the stream's order, whether held in memory or spooled, so the result
 * does not depend on -M.
 */
struct fault {
	pthread_mutex_t lock;
	atomic_int stop;	/* set on the first non-finite diff */
	struct cooc_rec rec;	/* the record that produced it */
};

struct worker {
	pthread_t th;
	struct glove *g;
	const struct recs *rs;
	struct fault *fault;
	atomic_ullong *done;	/* records finished, all workers */
	uint64_t lo, hi;	/* records [lo, hi), or chunks when spooled */
	double cost;		/* sum of this slice's record costs */
	struct cooc_rec *buf;	/* [CHUNK_RECS] when spooled */
	unsigned char *zbuf;	/* [maxz] when spooled */
};

/* Train on one unit; 0 when it hit a non-finite diff. */
static int
worker_unit(struct worker *w, const struct cooc_rec *r, size_t n)
{
	double cost;
	size_t k = opt_refkernel ? glove_train_ref(w->g, r, n, &cost) :
	    glove_train(w->g, r, n, &cost);

	w->cost += cost;
	atomic_fetch_add(w->done, k);
	if (k == n)
		return 1;
	pthread_mutex_lock(&w->fault->lock);
	if (!atomic_load(&w->fault->stop)) {
		w->fault->rec = r[k];
		atomic_store(&w->fault->stop, 1);
	}
	pthread_mutex_unlock(&w->fault->lock);
	return 0;
}

static void
chunk_load(struct worker *w, uint64_t c)
{
	const struct recs *rs = w->rs;
	ssize_t got = pread(rs->fd, w->zbuf, rs->zlen[c], rs->off[c]);

	if (got != (ssize_t)rs->zlen[c])
		cli_die("read error on %s: %s", rs->path,
		    got < 0 ? strerror(errno) : "spool shorter than written");
	if (!chunk_decode(w->zbuf, rs->zlen[c], w->buf, rs->cnt[c]))
		cli_die("%s: spool chunk %llu is damaged", rs->path,
		    (unsigned long long)c);
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	const struct recs *rs = w->rs;

	w->cost = 0;
	for (uint64_t u = w->lo; u < w->hi; ) {
		if (atomic_load_explicit(&w->fault->stop,
		    memory_order_relaxed))
			break;
		if (rs->fd >= 0) {
			chunk_load(w, u);
			if (!worker_unit(w, w->buf, rs->cnt[u]))
				break;
			u++;
		} else {
			uint64_t n = w->hi - u < CHUNK_RECS ? w->hi - u :
			    CHUNK_RECS;
			if (!worker_unit(w, rs->mem + u, n))
				break;
			u += n;
		}
	}
	return NULL;
}

/* CPU seconds used by every thread of this process. */
static double
cpu_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *
fmt_duration(double s, char *buf, size_t n)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	return buf;
}

/*
 * One pass over the records.  Returns the mean record cost; a fault
 * leaves fault->stop set.  On a terminal the main thread rewrites a live
 * line while the workers run.
 */
static double
train_iter(struct glove *g, const struct recs *rs, struct worker *ws,
    int nthreads, struct fault *fault, int iter)
{
	atomic_ullong done = 0;
	uint64_t units = rs->fd >= 0 ? rs->nchunks : rs->n;
	double cost = 0, t0 = cli_now();
	int rc;

	for (int t = 0; t < nthreads; t++) {
		ws[t].g = g;
		ws[t].rs = rs;
		ws[t].fault = fault;
		ws[t].done = &done;
		ws[t].lo = units * t / nthreads;
		ws[t].hi = units * (t + 1) / nthreads;
		if ((rc = pthread_create(&ws[t].th, NULL, worker_run,
		    &ws[t])) != 0)
			cli_die("pthread_create: %s", strerror(rc));
	}
	while (cli_progress_tty() && atomic_load(&done) < rs->n &&
	    !atomic_load(&fault->stop)) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		uint64_t d = atomic_load(&done);
		double dt = cli_now() - t0;
		nanosleep(&ts, NULL);
		cli_progress("iter %d/%d: %.0f%%, %.2fM records/s", iter,
		    opt_iter, 100.0 * d / rs->n, d / (dt + 1e-9) / 1e6);
	}
	for (int t = 0; t < nthreads; t++) {
		if ((rc = pthread_join(ws[t].th, NULL)) != 0)
			cli_die("pthread_join: %s", strerror(rc));
		cost += ws[t].cost;
	}
	return cost / rs->n;
}

static void
train(struct glove *g, const struct recs *rs, struct glove_state *st,
    char *const *words)
{
	int nthreads = opt_threads;
	struct worker *ws;
	struct fault fault;
	double t_start = cli_now();
	int first = st->iter;

	if ((uint64_t)nthreads > (rs->fd >= 0 ? rs->nchunks : rs->n))
		nthreads = rs->fd >= 0 ? rs->nchunks : rs->n;
	ws = xcalloc(nthreads, sizeof(*ws));
	for (int t = 0; rs->fd >= 0 && t < nthreads; t++) {
		ws[t].buf = xmalloc(CHUNK_RECS * sizeof(*ws[t].buf));
		ws[t].zbuf = xmalloc(rs->maxz);
	}
	pthread_mutex_init(&fault.lock, NULL);
	atomic_init(&fault.stop, 0);
	while ((int)st->iter < opt_iter) {
		double t0 = cli_now(), c0 = cpu_seconds(), cost, dt, per;
		char eta[32];
		int it = st->iter + 1;

		cost = train_iter(g, rs, ws, nthreads, &fault, it);
		if (atomic_load(&fault.stop))
			cli_die("iteration %d: the model diverged (NaN or "
			    "infinity) on the pair (%s, %s), count %g; no "
			    "vectors written: lower --eta (now %g) or "
			    "--grad-clip (now %g)", it, words[fault.rec.w1],
			    words[fault.rec.w2], fault.rec.x, g->h.eta,
			    g->h.grad_clip);
		dt = cli_now() - t0;
		st->iter = it;
		per = (cli_now() - t_start) / (it - first);
		cli_progress_done("iter %d/%d: cost %.6f, %.2fM records/s, "
		    "%.2f s, ETA %s", it, opt_iter, cost, rs->n / dt / 1e6, dt,
		    fmt_duration(per * (opt_iter - it), eta, sizeof(eta)));
		/* On a shared machine CPU time says more than the clock. */
		if (cli_verbose > 0) {
			double cpu = cpu_seconds() - c0;
			cli_info("iter %d: %.2f s of CPU, %.2fM records per "
			    "CPU second", it, cpu, rs->n / (cpu + 1e-9) / 1e6);
		}
		if (opt_ckpt != NULL && (it % opt_every == 0 ||
		    it == opt_iter))
			glove_save(g, st, words, opt_ckpt);
	}
	if (glove_check_finite(g) != SIZE_MAX)
		cli_die("the model holds NaN or infinity after iteration %u; "
		    "no vectors written: lower --eta", st->iter);
	for (int t = 0; t < nthreads; t++) {
		free(ws[t].buf);
		free(ws[t].zbuf);
	}
	free(ws);
	pthread_mutex_destroy(&fault.lock);
}

/*
 * Before any input is read: the vectors file (its temporary file beside
 * it is created now, the rename comes when they are written) and the
 * checkpoint's directory, so a wrong path costs a second, not a run.
 */
static FILE *
outputs_open(void)
{
	FILE *f = stdout;

	if (opt_out != NULL)
		f = cli_out_open(opt_out);
	if (opt_format == VEC_FIRTH || opt_format == VEC_W2V_BIN)
		cli_out_refuse_tty(f, opt_out, "vectors");
	if (opt_ckpt != NULL)
		cli_out_check(opt_ckpt);
	return f;
}

/* Write the chosen vectors with their words. */
static void
output(const struct glove *g, char *const *words, FILE *f)
{
	uint32_t V = g->nwords, D = g->dim, dim = D;
	const char *name = opt_out != NULL ? opt_out : "stdout";
	float *m = NULL;
	const float *rows = g->w;
	size_t stride = g->stride;

	if (opt_output != OUT_W) {
		dim = opt_output == OUT_WC ? D : 2 * D + 2;
		m = xreallocarray(NULL, (size_t)V * dim, sizeof(float));
		for (uint32_t i = 0; i < V; i++) {
			const float *w = g->w + (size_t)i * g->stride;
			const float *c = g->c + (size_t)i * g->stride;
			float *o = m + (size_t)i * dim;
			if (opt_output == OUT_WC) {
				for (uint32_t d = 0; d < D; d++)
					o[d] = w[d] + c[d];
				continue;
			}
			/* all: [w (D), c (D), bw, bc] */
			memcpy(o, w, D * sizeof(float));
			memcpy(o + D, c, D * sizeof(float));
			o[2 * D] = w[D];	/* the biases, lane D */
			o[2 * D + 1] = c[D];
		}
		rows = m;
		stride = dim;
	}
	vec_write(f, name, opt_format, words, V, dim, rows, stride, 1);
	if (opt_out != NULL)
		cli_out_close(f, name);
	free(m);
}

/* On --resume, options given again must agree with the checkpoint. */
static void
resume_check(const struct glove *g, const struct glove_state *st)
{
	if (set_dim && opt_h.dim != g->dim)
		cli_usage_die("--vector-size %u differs from the checkpoint's "
		    "%u", opt_h.dim, g->dim);
#define SAME(flag, opt, field, what) \
	if ((flag) && (opt) != g->h.field) \
		cli_usage_die("%s %g differs from the checkpoint's %g", what, \
		    (opt), g->h.field)
	SAME(set_xmax, opt_h.x_max, x_max, "--x-max");
	SAME(set_alpha, opt_h.alpha, alpha, "--alpha");
	SAME(set_eta, opt_h.eta, eta, "--eta");
	SAME(set_clip, opt_h.grad_clip, grad_clip, "--grad-clip");
#undef SAME
	if (set_seed && opt_seed != st->seed)
		cli_usage_die("--seed %llu differs from the checkpoint's %llu",
		    (unsigned long long)opt_seed,
		    (unsigned long long)st->seed);
	if ((int)st->iter > opt_iter)
		cli_usage_die("%s already has %u iterations, more than --iter "
		    "%d", opt_resume, st->iter, opt_iter);
}

static void
parse_options(int argc, char **argv)
{
	enum { O_MINC = 256, O_MAXV, O_VOCAB, O_DIM, O_ITER, O_XMAX, O_ALPHA,
	    O_ETA, O_CLIP, O_OUTV, O_CKPT, O_EVERY, O_RESUME, O_KERNEL };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "min-count", required_argument, NULL, O_MINC },
		{ "max-vocab", required_argument, NULL, O_MAXV },
		{ "vocab", required_argument, NULL, O_VOCAB },
		{ "vector-size", required_argument, NULL, O_DIM },
		{ "iter", required_argument, NULL, O_ITER },
		{ "x-max", required_argument, NULL, O_XMAX },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "eta", required_argument, NULL, O_ETA },
		{ "grad-clip", required_argument, NULL, O_CLIP },
		{ "threads", required_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'M' },
		{ "format", required_argument, NULL, 'f' },
		{ "output-vectors", required_argument, NULL, O_OUTV },
		{ "output", required_argument, NULL, 'o' },
		{ "checkpoint", required_argument, NULL, O_CKPT },
		{ "checkpoint-every", required_argument, NULL, O_EVERY },
		{ "resume", required_argument, NULL, O_RESUME },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:T:s:M:f:o:qvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case O_MINC: cli_parse_int(optarg, 1, INT64_MAX, "--min-count");
			opt_min_count = optarg; break;
		case O_MAXV: cli_parse_int(optarg, 1, STREAM_MAX_VOCAB,
			    "--max-vocab");
			opt_max_vocab = optarg; break;
		case O_VOCAB: opt_vocab = optarg; break;
		case O_DIM: opt_h.dim = cli_parse_int(optarg, 1, 10000,
			    "--vector-size"); set_dim = 1; break;
		case O_ITER: opt_iter = cli_parse_int(optarg, 0, 1000000,
			    "--iter"); break;
		case O_XMAX: opt_h.x_max = cli_parse_double(optarg, 1e-6, 1e12,
			    "--x-max"); set_xmax = 1; break;
		case O_ALPHA: opt_h.alpha = cli_parse_double(optarg, 0, 10,
			    "--alpha"); set_alpha = 1; break;
		case O_ETA: opt_h.eta = cli_parse_double(optarg, 1e-12, 1e30,
			    "--eta"); set_eta = 1; break;
		case O_CLIP: opt_h.grad_clip = cli_parse_double(optarg, 1e-12,
			    1e30, "--grad-clip"); set_clip = 1; break;
		case 'T': opt_threads = cli_parse_int(optarg, 1, 1024,
			    "--threads"); break;
		case 's': opt_seed = cli_parse_int(optarg, 0, INT64_MAX,
			    "--seed"); set_seed = 1; break;
		case 'M': opt_mem = cli_parse_size(optarg, "-M"); break;
		case 'f': opt_format = vec_format_parse(optarg); break;
		case O_OUTV:
			if (strcmp(optarg, "W") == 0)
				opt_output = OUT_W;
			else if (strcmp(optarg, "W+C") == 0)
				opt_output = OUT_WC;
			else if (strcmp(optarg, "all") == 0)
				opt_output = OUT_ALL;
			else
				cli_usage_die("--output-vectors: \"%s\" is not "
				    "W, W+C or all", optarg);
			break;
		case 'o': opt_out = optarg; break;
		case O_CKPT: opt_ckpt = optarg; break;
		case O_EVERY: opt_every = cli_parse_int(optarg, 1, 1000000,
			    "--checkpoint-every"); break;
		case O_RESUME: opt_resume = optarg; break;
		case O_KERNEL:
			if (strcmp(optarg, "fast") == 0)
				opt_refkernel = 0;
			else if (strcmp(optarg, "reference") == 0)
				opt_refkernel = 1;
			else
				cli_usage_die("--kernel: \"%s\" is not fast or "
				    "reference", optarg);
			break;
		case 'q': cli_verbose = -1; break;
		case 'v': cli_verbose = 1; break;
		case 'h': usage(stdout); cli_fclose(stdout, "stdout");
			exit(EXIT_OK);
		case 'V': cli_version();
		default: usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		cli_usage_die("unexpected argument \"%s\" (the stream comes on "
		    "stdin)", argv[optind]);
	if (opt_db == NULL && (opt_min_count != NULL || opt_max_vocab != NULL))
		cli_usage_die("--min-count and --max-vocab need -d DB (filter "
		    "a stream with firth-cooc --export)");
	if (opt_db != NULL && opt_vocab != NULL)
		cli_usage_die("-d DB brings its own words; drop --vocab");
	if (opt_every > 0 && opt_ckpt == NULL)
		cli_usage_die("--checkpoint-every needs --checkpoint FILE");
	if (opt_every == 0)
		opt_every = 1;
	if (opt_threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		opt_threads = n > 0 ? (n > 1024 ? 1024 : n) : 1;
	}
	if (opt_mem == 0)
		opt_mem = DEFAULT_MEM;
}

int
main(int argc, char **argv)
{
	struct stream_reader *r;
	const struct stream_header *h;
	struct recs rs = { .fd = -1 };
	struct glove_state st = { 0 };
	struct glove *g;
	char **words;
	uint32_t nwords;
	uint64_t fp, model_bytes;
	const char *name;
	pid_t child[2] = { -1, -1 };
	pthread_t gloverecs;
	int fromglove = 0;	/* stdin held GloVe's records (--vocab) */
	FILE *in = stdin, *out;
	double t0;

	cli_init(argc, argv);
	parse_options(argc, argv);
	out = outputs_open();
	name = opt_db != NULL ? opt_db : "stdin";
	if (opt_db != NULL)
		in = cooc_spawn(child);
	else if (opt_vocab != NULL)	/* GloVe's own records, perhaps */
		in = glovecooc_input(in, name, opt_vocab, &gloverecs, &fromglove);
	r = stream_ropen(in, name, STREAM_COOC);
	h = stream_rheader(r);
	if (h->nwords > 0 && opt_vocab != NULL && !fromglove)
		cli_usage_die("%s carries its own vocabulary; drop --vocab",
		    name);
	if (h->nwords > 0) {
		nwords = h->nwords;
		words = xreallocarray(NULL, nwords, sizeof(*words));
		for (uint32_t i = 0; i < nwords; i++)
			words[i] = xstrdup(h->words[i]);
		fp = h->fingerprint;
	} else if (opt_vocab != NULL) {
		words = vocab_file_read(opt_vocab, &nwords);
		fp = stream_fingerprint(words, nwords);
	} else
		cli_die("%s: the stream carries no vocabulary, so the vectors "
		    "would have no words: export it with firth-cooc -d DB "
		    "--export, or give the words with --vocab FILE", name);

	/* The records get what -M leaves after the model: W and C rows of
	 * D + 1 floats (the bias) rounded up to 8, and their AdaGrad sums. */
	model_bytes = 2 * sizeof(float) * 2 * (uint64_t)nwords *
	    ((opt_h.dim + GLOVE_LANES) / GLOVE_LANES * GLOVE_LANES);
	rs.limit = opt_mem > model_bytes ? (opt_mem - model_bytes) /
	    sizeof(struct cooc_rec) : 0;
	t0 = cli_now();
	recs_read(&rs, r, nwords, name);
	stream_rclose(r);
	if (opt_db == NULL && opt_vocab != NULL)
		glovecooc_close(in, gloverecs);
	if (opt_db != NULL) {
		char what[64 + 4096];
		fclose(in);
		snprintf(what, sizeof(what), "firth-cooc -d %s --export",
		    opt_db);
		cli_spawn_wait(child[0], what);
		cli_spawn_wait(child[1], "firth-shuffle");
	}
	if (cli_verbose > 0)
		cli_info("%llu records of %u words read in %.2f s (%s)",
		    (unsigned long long)rs.n, nwords, cli_now() - t0,
		    rs.fd >= 0 ? "spooled" : "in memory");

	if (opt_resume != NULL) {
		g = glove_load(opt_resume, &st);
		resume_check(g, &st);
		if (g->nwords != nwords || st.fingerprint != fp)
			cli_die("%s was made from another vocabulary (%u words) "
			    "than %s (%u words)", opt_resume, g->nwords, name,
			    nwords);
		if (st.records != rs.n)
			cli_die("%s was made from %llu records, %s has %llu: "
			    "resume with the same stream", opt_resume,
			    (unsigned long long)st.records, name,
			    (unsigned long long)rs.n);
	} else {
		g = glove_new(nwords, &opt_h);
		st.fingerprint = fp;
		st.seed = opt_seed;
		st.rng = opt_seed;
		st.records = rs.n;
		glove_init(g, &st.rng);
	}
	train(g, &rs, &st, words);
	output(g, words, out);
	if (rs.fd >= 0) {
		fclose(rs.spool);
		cli_tmp_remove(rs.path);
		free(rs.path);
	}
	glove_free(g);
	for (uint32_t i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	free(rs.mem);
	free(rs.off);
	free(rs.zlen);
	free(rs.cnt);
	cli_fclose(stdout, "stdout");
	return EXIT_OK;
}
