/*
 * sgns_ckpt.c - firth-sgns's checkpoints: the whole training state in a
 * state file (lib/state.c) of kind "sgns", so that --resume continues a
 * run exactly; firth 0.1.0's own format still loads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "le.h"
#include "sgns_ckpt.h"
#include "state.h"

#define CKPT_MAGIC "FIRTHSGN"	/* firth 0.1.0's checkpoints */
#define CKPT_VERSION 1

/*
 * A checkpoint is a state file (lib/state.c) of kind "sgns" with these
 * sections, integers and floats little-endian:
 *
 *   "conf"      72 bytes: int32 window, negative, cbow, softmax, share,
 *               iter, sample formula, threads; f64 alpha, sample;
 *               uint64 seed, vocabulary fingerprint; uint32 n, d
 *   "progress"  12 bytes: uint32 epochs done, int64 words done
 *   "words"     the n words by rank (state_put_words)
 *   "counts"    n int64 counts, by rank
 *   "in", "out" n rows of d float32 each (no padding)
 *
 * firth 0.1.0's checkpoints ("FIRTHSGN", version 1: the same numbers in
 * one host-order block with a CRC-32 at the end) still load.
 */
#define CONF_BYTES 72

static void
conf_put(const struct sgns_ckpt_conf *c, unsigned char *p)
{
	const int32_t i32[8] = { c->window, c->negative, c->cbow, c->softmax,
	    c->share, c->iter, c->formula, c->threads };

	for (int k = 0; k < 8; k++)
		put32(p + 4 * k, (uint32_t)i32[k]);
	memcpy(p + 32, &c->alpha, 8);
	memcpy(p + 40, &c->sample, 8);
	put64(p + 48, c->seed);
	put64(p + 56, c->fingerprint);
	put32(p + 64, c->n);
	put32(p + 68, c->d);
}

static void
conf_get(struct sgns_ckpt_conf *c, const unsigned char *p)
{
	int32_t *i32[8] = { &c->window, &c->negative, &c->cbow, &c->softmax,
	    &c->share, &c->iter, &c->formula, &c->threads };

	memset(c, 0, sizeof(*c));
	for (int k = 0; k < 8; k++)
		*i32[k] = (int32_t)get32(p + 4 * k);
	memcpy(&c->alpha, p + 32, 8);
	memcpy(&c->sample, p + 40, 8);
	c->seed = get64(p + 48);
	c->fingerprint = get64(p + 56);
	c->n = get32(p + 64);
	c->d = get32(p + 68);
}

/* Written to a temporary file beside path and renamed over it
 * (state_commit), so a crash leaves the old one. */
void
sgns_ckpt_save(const char *path, const struct sgns_ckpt_conf *c,
    const struct sgns_ckpt_model *m, uint32_t epochs, int64_t done)
{
	unsigned char conf[CONF_BYTES], prog[12], b[8];
	struct state_w *w;

	conf_put(c, conf);
	put32(prog, epochs);
	put64(prog + 4, (uint64_t)done);
	w = state_create(path, "sgns");
	state_put(w, "conf", conf, sizeof(conf));
	state_put(w, "progress", prog, sizeof(prog));
	state_put_words(w, "words", m->words, m->n);
	state_begin(w, "counts");
	for (uint32_t r = 0; r < m->n; r++) {
		put64(b, (uint64_t)m->counts[r]);
		state_write(w, b, 8);
	}
	state_end(w);
	for (int k = 0; k < 2; k++) {
		state_begin(w, k ? "out" : "in");
		for (uint32_t r = 0; r < m->n; r++)
			state_write(w, (k ? m->out : m->in) + (size_t)r * m->s,
			    m->d * sizeof(float));
		state_end(w);
	}
	state_commit(w);
}

static void
ck_read(FILE *f, const char *path, void *p, size_t n, uLong *crc)
{
	if (fread(p, 1, n, f) != n)
		cli_die("%s: %s", path, ferror(f) ? strerror(errno) :
		    "truncated checkpoint");
	*crc = crc32(*crc, p, n);
}

#define CK_SAME(field, opt) do { if (c->field != mine.field) \
	cli_die("%s was made with %s %g, this run has %g; use the same " \
	    "settings to resume", path, opt, (double)c->field, \
	    (double)mine.field); } while (0)

/* The settings of checkpoint c against this run's; dies on the first
 * that differs. */
static void
conf_check(const char *path, const struct sgns_ckpt_conf *c,
    const struct sgns_ckpt_conf *run, uint32_t epochs)
{
	const struct sgns_ckpt_conf mine = *run;

	if (c->fingerprint != mine.fingerprint || c->n != mine.n)
		cli_die("%s was made with another vocabulary (%u words, this "
		    "run has %u); resume with the same input and --min-count",
		    path, c->n, mine.n);
	CK_SAME(d, "--size");
	CK_SAME(window, "--window");
	CK_SAME(negative, "--negative");
	CK_SAME(cbow, "--cbow");
	CK_SAME(softmax, "--softmax");
	CK_SAME(share, "--share-negatives");
	CK_SAME(iter, "--iter");
	CK_SAME(formula, "--sample-formula");
	CK_SAME(threads, "--threads");
	CK_SAME(alpha, "--alpha");
	CK_SAME(sample, "--sample");
	CK_SAME(seed, "--seed");
	if (epochs > (uint32_t)mine.iter)
		cli_die("%s: %u epochs done, more than --iter", path,
		    epochs);
}

/* A checkpoint of firth 0.1.0: one host-order block, CRC-32 last. */
static uint32_t
load_v1(const char *path, const struct sgns_ckpt_conf *run,
    struct sgns_ckpt_model *m, int64_t *done_out)
{
	FILE *f = fopen(path, "rb");
	char magic[8];
	uint32_t v, e, stored;
	struct sgns_ckpt_conf c;
	int64_t done;
	uLong crc = crc32(0, NULL, 0);

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	ck_read(f, path, magic, 8, &crc);
	if (memcmp(magic, CKPT_MAGIC, 8) != 0)
		cli_die("%s is not a firth-sgns checkpoint", path);
	ck_read(f, path, &v, 4, &crc);
	if (v != CKPT_VERSION)
		cli_die("%s: checkpoint version %u, this firth-sgns reads %d",
		    path, v, CKPT_VERSION);
	ck_read(f, path, &e, 4, &crc);
	ck_read(f, path, &c, sizeof(c), &crc);
	conf_check(path, &c, run, e);
	ck_read(f, path, &done, 8, &crc);
	for (int k = 0; k < 2; k++)
		for (uint32_t w = 0; w < m->n; w++)
			ck_read(f, path, (k ? m->out : m->in) +
			    (size_t)w * m->s, m->d * sizeof(float), &crc);
	if (fread(&stored, 4, 1, f) != 1 || stored != (uint32_t)crc ||
	    fgetc(f) != EOF)
		cli_die("%s: checkpoint damaged (checksum mismatch or trailing "
		    "bytes)", path);
	fclose(f);
	*done_out = done;
	return e;
}

uint32_t
sgns_ckpt_load(const char *path, const struct sgns_ckpt_conf *run,
    struct sgns_ckpt_model *m, int64_t *done)
{
	unsigned char conf[CONF_BYTES], prog[12];
	struct sgns_ckpt_conf c;
	struct state_r *r;
	uint32_t e, n;
	char **words;

	/* Anything else is firth 0.1.0's format, or no checkpoint. */
	if (!state_file_is(path))
		return load_v1(path, run, m, done);
	r = state_open(path, "sgns");
	state_get(r, "conf", conf, sizeof(conf));
	conf_get(&c, conf);
	state_get(r, "progress", prog, sizeof(prog));
	e = get32(prog);
	conf_check(path, &c, run, e);
	/* Same fingerprint; the words themselves must agree too. */
	words = state_get_words(r, "words", &n);
	for (uint32_t i = 0; i < n; i++) {
		if (i < m->n && strcmp(words[i], m->words[i]) != 0)
			cli_die("%s was made with another vocabulary (word %u "
			    "differs); resume with the same input", path,
			    i + 1);
		free(words[i]);
	}
	free(words);
	if (n != m->n)
		cli_die("%s: its word list disagrees with its settings "
		    "(damaged file)", path);
	if (state_find(r, "counts") != (uint64_t)n * 8)
		cli_die("%s: section \"counts\" has the wrong length "
		    "(damaged file)", path);
	for (uint32_t i = 0; i < n; i++)
		state_read(r, conf, 8);
	for (int k = 0; k < 2; k++) {
		if (state_find(r, k ? "out" : "in") !=
		    (uint64_t)n * m->d * sizeof(float))
			cli_die("%s: section \"%s\" has the wrong length "
			    "(damaged file)", path, k ? "out" : "in");
		for (uint32_t w = 0; w < n; w++)
			state_read(r, (k ? m->out : m->in) + (size_t)w * m->s,
			    m->d * sizeof(float));
	}
	state_close(r);
	*done = (int64_t)get64(prog + 4);
	return e;
}

