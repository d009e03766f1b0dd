/*
 * glovecooc.c - GloVe's binary co-occurrence records as a firth stream.
 *
 * GloVe's cooccur program writes, and its shuffle program reorders, a
 * file of fixed 16-byte records with no header and no trailer, in the
 * byte order of the machine that wrote it (little-endian here, as on
 * every machine GloVe is usually run on):
 *
 *   offset  size  field
 *        0     4  w1: int32, 1-based line number of the word in vocab.txt
 *        4     4  w2: int32, the context word, the same way
 *        8     8  x:  float64, the weighted count (1/distance summed)
 *
 *   01 00 00 00  05 00 00 00  00 00 00 00 00 00 e0 3f
 *   = word 1 ("the" in vocab.txt's first line), word 5, x = 0.5
 *
 * vocab.txt (from vocab_count) is one "word count" line per word, most
 * frequent first; the line number is the id.  A firth co-occurrence
 * stream carries the same information with 0-based ids, single-precision
 * counts and the words in its header, so the conversion is a re-coding
 * of each record: ids minus one, x rounded to float.  Nothing in a GloVe
 * file can be checked but its records, so each is: both ids within the
 * vocabulary, x finite and above 0, and the file a whole number of
 * records.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "glovecooc.h"
#include "le.h"
#include "linein.h"
#include "stream.h"

#define BATCH 4096	/* records converted per stream_write */

struct gvocab {
	char **words;
	uint32_t n, cap;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* vocab.txt: "word count" lines; the words in line order. */
static void
gvocab_read(struct gvocab *v, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *sp, **sorted;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;

	if (f == NULL)
		cli_die("cannot open the vocabulary %s: %s", path,
		    strerror(errno));
	memset(v, 0, sizeof(*v));
	while ((len = linein_get(&line, &cap, f, path, lineno + 1,
	    LINEIN_MAX)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		sp = strchr(line, ' ');
		if (sp == NULL || sp == line || strchr(sp + 1, ' ') != NULL)
			cli_die("%s:%lu: not a GloVe vocabulary line "
			    "(\"word count\" expected)", path, lineno);
		*sp = '\0';
		if ((size_t)(sp - line) > STREAM_MAX_WORD)
			cli_die("%s:%lu: a word of %zu bytes; at most %u",
			    path, lineno, (size_t)(sp - line),
			    STREAM_MAX_WORD);
		if (v->n == STREAM_MAX_VOCAB)
			cli_die("%s: more than %u words", path,
			    STREAM_MAX_VOCAB);
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 1024;
			v->words = xreallocarray(v->words, v->cap,
			    sizeof(*v->words));
		}
		v->words[v->n++] = xstrdup(line);
	}
	if (ferror(f))
		cli_die("%s: read error: %s", path, strerror(errno));
	fclose(f);
	free(line);
	if (v->n == 0)
		cli_die("%s: no words; give the vocab.txt that GloVe's "
		    "vocab_count wrote for these records", path);
	/* Ids are line numbers, so a repeated word would be two words. */
	sorted = xreallocarray(NULL, v->n, sizeof(*sorted));
	memcpy(sorted, v->words, v->n * sizeof(*sorted));
	qsort(sorted, v->n, sizeof(*sorted), cmp_str);
	for (uint32_t i = 1; i < v->n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			cli_die("%s: the word '%s' is on two lines", path,
			    sorted[i]);
	free(sorted);
}

static void
gvocab_free(struct gvocab *v)
{
	for (uint32_t i = 0; i < v->n; i++)
		free(v->words[i]);
	free(v->words);
}

int
glovecooc_sniff(const unsigned char *buf, size_t n)
{
	uint32_t a, b;

	if (n < 8)
		return 0;
	a = get32(buf);
	b = get32(buf + 4);
	return a >= 1 && a < (1u << 28) && b >= 1 && b < (1u << 28);
}

/* The conversion, its input's first npeek bytes already read into peek. */
static unsigned long long
convert(FILE *in, const char *name, const char *vocab_path, FILE *out,
    int level, const unsigned char *peek, size_t npeek)
{
	struct gvocab v;
	struct stream_header h;
	struct stream_writer *w;
	struct cooc_rec recs[BATCH];
	unsigned char buf[BATCH * GLOVECOOC_RECSIZE];
	unsigned long long nrec = 0;
	size_t got, n;

	gvocab_read(&v, vocab_path);
	memset(&h, 0, sizeof(h));
	h.kind = STREAM_COOC;
	h.recsize = sizeof(struct cooc_rec);
	h.count = STREAM_COUNT_UNKNOWN;
	snprintf(h.layout, sizeof(h.layout), "w1:u32 w2:u32 x:f32");
	h.nwords = v.n;
	h.fingerprint = stream_fingerprint(v.words, v.n);
	w = stream_wopen(out, "stdout", &h, v.words, level);
	if (npeek > 0)	/* memcpy's pointers must be valid even for 0 */
		memcpy(buf, peek, npeek);
	while ((got = npeek + fread(buf + npeek, 1, sizeof(buf) - npeek,
	    in)) > 0) {
		npeek = 0;
		if (got % GLOVECOOC_RECSIZE != 0) {
			/* A short read mid-file is retried by fread; only
			 * the end of the input leaves a partial record. */
			size_t more = fread(buf + got, 1,
			    GLOVECOOC_RECSIZE - got % GLOVECOOC_RECSIZE, in);
			got += more;
			if (got % GLOVECOOC_RECSIZE != 0)
				cli_die("%s: ends inside record %llu (%zu of "
				    "its 16 bytes): not GloVe co-occurrence "
				    "records, or cut short", name,
				    nrec + got / GLOVECOOC_RECSIZE + 1,
				    got % GLOVECOOC_RECSIZE);
		}
		n = got / GLOVECOOC_RECSIZE;
		for (size_t i = 0; i < n; i++) {
			const unsigned char *p = buf + i * GLOVECOOC_RECSIZE;
			uint32_t a = get32(p), b = get32(p + 4);
			uint64_t bits = get64(p + 8);
			double x;

			memcpy(&x, &bits, sizeof(x));
			if (a < 1 || a > v.n || b < 1 || b > v.n)
				cli_die("%s: record %llu has word ids %d and "
				    "%d; %s has %u words (ids 1..%u): is it "
				    "the vocabulary these records were counted "
				    "with?", name, nrec + i + 1, (int32_t)a,
				    (int32_t)b, vocab_path, v.n, v.n);
			if (!isfinite(x) || x <= 0 || x > 3.4e38)
				cli_die("%s: record %llu has the count %g; "
				    "GloVe's counts are finite and above 0",
				    name, nrec + i + 1, x);
			recs[i].w1 = a - 1;
			recs[i].w2 = b - 1;
			recs[i].x = (float)x;
		}
		stream_write(w, recs, n);
		nrec += n;
	}
	if (ferror(in))
		cli_die("%s: read error: %s", name, strerror(errno));
	stream_wclose(w);
	gvocab_free(&v);
	return nrec;
}

unsigned long long
glovecooc_convert(FILE *in, const char *name, const char *vocab_path,
    FILE *out, int level)
{
	return convert(in, name, vocab_path, out, level, NULL, 0);
}

struct job {
	FILE *in, *out;
	char *name, *vocab;
	unsigned char peek[8];
	size_t npeek;
	int copy;		/* a firth stream: hand the bytes on as they are */
};

static void
copy_all(struct job *j)
{
	unsigned char buf[1 << 14];
	size_t n;

	xfwrite(j->peek, 1, j->npeek, j->out, "a pipe");
	while ((n = fread(buf, 1, sizeof(buf), j->in)) > 0)
		xfwrite(buf, 1, n, j->out, "a pipe");
	if (ferror(j->in))
		cli_die("%s: read error: %s", j->name, strerror(errno));
}

static void *
job_run(void *arg)
{
	struct job *j = arg;

	if (j->copy)
		copy_all(j);
	else
		convert(j->in, j->name, j->vocab, j->out, 0, j->peek,
		    j->npeek);
	cli_fclose(j->out, "a pipe");
	free(j->name);
	free(j->vocab);
	free(j);
	return NULL;
}

static FILE *
job_start(struct job *j, pthread_t *t)
{
	int fd[2], err;
	FILE *r;

	if (pipe(fd) != 0)
		cli_die("pipe: %s", strerror(errno));
	r = fdopen(fd[0], "rb");
	j->out = fdopen(fd[1], "wb");
	if (r == NULL || j->out == NULL)
		cli_die("fdopen: %s", strerror(errno));
	if ((err = pthread_create(t, NULL, job_run, j)) != 0)
		cli_die("cannot start a thread: %s", strerror(err));
	return r;
}

static struct job *
job_new(FILE *in, const char *name, const char *vocab_path)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->in = in;
	j->name = xstrdup(name);
	j->vocab = xstrdup(vocab_path);
	return j;
}

FILE *
glovecooc_open(FILE *in, const char *name, const char *vocab_path,
    pthread_t *t)
{
	return job_start(job_new(in, name, vocab_path), t);
}

FILE *
glovecooc_input(FILE *in, const char *name, const char *vocab_path,
    pthread_t *t, int *converted)
{
	struct job *j = job_new(in, name, vocab_path);

	j->npeek = fread(j->peek, 1, sizeof(j->peek), in);
	if (ferror(in))
		cli_die("%s: read error: %s", name, strerror(errno));
	j->copy = stream_is_magic(j->peek, j->npeek);
	*converted = !j->copy;
	return job_start(j, t);
}

void
glovecooc_close(FILE *f, pthread_t t)
{
	char buf[1 << 14];

	while (fread(buf, 1, sizeof(buf), f) > 0)
		;
	fclose(f);
	pthread_join(t, NULL);
}
