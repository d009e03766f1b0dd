/*
 * tagger_file.c - the firth-wclass model file: save a tagger (tagger.h)
 * whole or not at all, load it back with every count and length checked.
 *
 * All integers are u32 and all floats f32, little-endian:
 *
 *	+----------+---------+---+---+---+------+---+---+-------------+
 *	| FRTHWCL\n| version | m | D | S | case | A | L | d[0] .. d[L]|
 *	+----------+---------+---+---+---+------+---+---+-------------+
 *	    8 bytes                       (A: version >= 2)
 *	+-----+---+---+----+-----+--------+
 *	| act | K | V | NA | crf | scheme |   (NA: >= 2; crf, scheme: 3)
 *	+-----+---+---+----+-----+--------+
 *	+--------------+--------------+----------------+
 *	| K tags       | V words      | NA affix keys  |  each u32 length,
 *	+--------------+--------------+----------------+  then its bytes
 *	+--------------+--------------+-------------+-------------+-------+
 *	| E[(V+3)*D]   | X[(NA+2)*A]  | net params  | T[(K+1)*K]  | CRC32 |
 *	+--------------+--------------+-------------+-------------+-------+
 *	                (>= 2)                       (3, crf = 1)
 *
 * The CRC is zlib's CRC-32 of every byte before it.  E holds the word
 * rows, then UNK, <s> and </s>; X the affix rows, then affix UNK and
 * padding; the network's params are laid out as lib/nn.h says (W0 b0 W1
 * b1 ...); T the sentence-level scores of lib/crf.h.  Version 1 (before
 * affixes) has no A, NA, keys or X.  A model without sentence-level
 * scores or IOBES tags is written as version 2, byte for byte as before
 * version 3 existed, so older readers still read it.
 *
 * A worked start (m 2, D 4, no shapes, case both, A 3, two layers):
 *
 *	46 52 54 48 57 43 4c 0a  02 00 00 00  02 00 00 00  04 00 00 00
 *	"FRTHWCL\n"              version 2    m = 2        D = 4
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "le.h"
#include "tagger.h"

#define MODEL_MAGIC "FRTHWCL\n"
#define MODEL_VERSION 3

struct mwriter {
	FILE *f;
	uLong crc;
};

static void
put_bytes(struct mwriter *w, const void *p, size_t n)
{
	w->crc = crc32_z(w->crc, p, n);
	if (n > 0 && fwrite(p, 1, n, w->f) != n)
		cli_die("write error on the model: %s", strerror(errno));
}

static void
put_u32(struct mwriter *w, uint32_t v)
{
	unsigned char b[4];

	put32(b, v);
	put_bytes(w, b, 4);
}

static void
put_str(struct mwriter *w, const char *s)
{
	size_t n = strlen(s);

	put_u32(w, (uint32_t)n);
	put_bytes(w, s, n);
}

/* Written to a temporary file and renamed (cli_replace_open), so a crash
 * never leaves half a model under the name. */
void
tagger_save(const struct tagger *md, const char *path)
{
	struct mwriter w = { NULL, crc32(0, NULL, 0) };
	char *tmp;
	int version = md->crf || md->scheme != TAGS_ASIS ? 3 : 2;

	w.f = cli_replace_open(path, &tmp);
	put_bytes(&w, MODEL_MAGIC, 8);
	put_u32(&w, version);
	put_u32(&w, md->m);
	put_u32(&w, md->D);
	put_u32(&w, md->S);
	put_u32(&w, md->casemode);
	put_u32(&w, md->A);
	put_u32(&w, md->net.L);
	for (int l = 0; l <= md->net.L; l++)
		put_u32(&w, md->net.d[l]);
	put_u32(&w, md->net.act);
	put_u32(&w, md->K);
	put_u32(&w, md->V);
	put_u32(&w, md->NA);
	if (version >= 3) {
		put_u32(&w, md->crf);
		put_u32(&w, md->scheme);
	}
	for (int k = 0; k < md->K; k++)
		put_str(&w, md->tags[k]);
	for (uint32_t i = 0; i < md->V; i++)
		put_str(&w, md->words[i]);
	for (uint32_t i = 0; i < md->NA; i++)
		put_str(&w, md->affixes[i]);
	put_bytes(&w, md->E, ((size_t)md->V + 3) * md->D * sizeof(float));
	put_bytes(&w, md->X, ((size_t)md->NA + 2) * md->A * sizeof(float));
	put_bytes(&w, md->net.params, md->net.nparams * sizeof(float));
	if (md->crf)
		put_bytes(&w, md->T, ((size_t)md->K + 1) * md->K *
		    sizeof(float));
	put_u32(&w, (uint32_t)w.crc);
	cli_replace_commit(w.f, tmp, path);
}

struct mreader {
	const unsigned char *p, *end;
	const char *name;
};

static uint32_t
get_u32(struct mreader *r, uint32_t max, const char *what)
{
	uint32_t v;

	if (r->end - r->p < 4)
		cli_die("%s: truncated model file (at %s)", r->name, what);
	v = get32(r->p);
	r->p += 4;
	if (v > max)
		cli_die("%s: damaged model file (%s = %u)", r->name, what, v);
	return v;
}

static char *
get_str(struct mreader *r)
{
	uint32_t n = get_u32(r, 65535, "string length");
	char *s;

	if ((size_t)(r->end - r->p) < n)
		cli_die("%s: truncated model file", r->name);
	s = xmalloc(n + 1);
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	return s;
}

static void
get_floats(struct mreader *r, float *dst, size_t n)
{
	if ((size_t)(r->end - r->p) / sizeof(float) < n)
		cli_die("%s: truncated model file (parameters)", r->name);
	memcpy(dst, r->p, n * sizeof(float));
	r->p += n * sizeof(float);
}

/* The whole file into memory, size into *size; magic and CRC checked. */
static unsigned char *
model_slurp(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;

	if (f == NULL)
		cli_die("cannot open model %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (*size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		cli_die("%s: cannot read the model (not a regular file?)", path);
	buf = xmalloc(*size > 0 ? *size : 1);
	if (fread(buf, 1, *size, f) != (size_t)*size)
		cli_die("read error on %s", path);
	fclose(f);
	if (*size < 16 || memcmp(buf, MODEL_MAGIC, 8) != 0)
		cli_die("%s: not a firth-wclass model (firth-wclass train "
		    "writes one)", path);
	if (crc32_z(crc32(0, NULL, 0), buf, *size - 4) != get32(buf + *size -
	    4))
		cli_die("%s: damaged model file (CRC mismatch)", path);
	return buf;
}

/* The tags, words and affix keys, with the word and affix indexes. */
static void
model_get_strings(struct tagger *md, struct mreader *r)
{
	md->tags = xcalloc(md->K, sizeof(char *));
	for (int k = 0; k < md->K; k++)
		md->tags[k] = get_str(r);
	md->words = xcalloc((size_t)md->V + 1, sizeof(char *));
	md->index = vocab_new();
	for (uint32_t i = 0; i < md->V; i++) {
		md->words[i] = get_str(r);
		if (vocab_add(md->index, md->words[i], strlen(md->words[i]),
		    1) != i)
			cli_die("%s: damaged model file (word %u repeated)",
			    r->name, i);
	}
	md->affixes = xcalloc((size_t)md->NA + 1, sizeof(char *));
	md->aindex = vocab_new();
	for (uint32_t i = 0; i < md->NA; i++) {
		md->affixes[i] = get_str(r);
		if (vocab_add(md->aindex, md->affixes[i],
		    strlen(md->affixes[i]), 1) != i)
			cli_die("%s: damaged model file (affix %u repeated)",
			    r->name, i);
	}
}

void
tagger_load(struct tagger *md, const char *path)
{
	long size;
	unsigned char *buf = model_slurp(path, &size);
	struct mreader r = { buf + 8, buf + size, path };
	int d[NN_MAXLAYERS + 1], L;

	uint32_t version = get_u32(&r, 1000, "version");
	if (version < 1 || version > MODEL_VERSION)
		cli_die("%s: model version %u; this firth-wclass reads 1 to %d",
		    path, version, MODEL_VERSION);
	memset(md, 0, sizeof(*md));
	md->m = get_u32(&r, 50, "window");
	md->D = get_u32(&r, 1 << 16, "dimension");
	md->S = get_u32(&r, TAGGER_NSHAPE, "shape features");
	md->casemode = get_u32(&r, CASE_BOTH, "case mode");
	if (version >= 2)
		md->A = get_u32(&r, 1 << 16, "affix width");
	L = get_u32(&r, NN_MAXLAYERS, "layers");
	if (L < 1)
		cli_die("%s: damaged model file (no layers)", path);
	for (int l = 0; l <= L; l++)
		d[l] = get_u32(&r, 1 << 20, "layer width");
	int act = get_u32(&r, NN_RELU, "activation");
	md->K = get_u32(&r, 10000, "tags");
	md->V = get_u32(&r, 1u << 26, "words");
	if (version >= 2)
		md->NA = get_u32(&r, 1u << 26, "affixes");
	if (version >= 3) {
		md->crf = get_u32(&r, 1, "sentence-level scores");
		md->scheme = get_u32(&r, TAGS_IOBES_IOB1, "tag scheme");
	}
	if (d[0] != (2 * md->m + 1) * tagger_width(md) || d[L] != md->K ||
	    md->K < 1)
		cli_die("%s: damaged model file (layer widths)", path);
	model_get_strings(md, &r);
	md->E = xreallocarray(NULL, ((size_t)md->V + 3) * md->D,
	    sizeof(float));
	get_floats(&r, md->E, ((size_t)md->V + 3) * md->D);
	md->X = xreallocarray(NULL, ((size_t)md->NA + 2) * md->A + 1,
	    sizeof(float));
	get_floats(&r, md->X, ((size_t)md->NA + 2) * md->A);
	nn_init(&md->net, L, d, act);
	get_floats(&r, md->net.params, md->net.nparams);
	if (md->crf) {
		md->T = xreallocarray(NULL, ((size_t)md->K + 1) * md->K,
		    sizeof(float));
		get_floats(&r, md->T, ((size_t)md->K + 1) * md->K);
	}
	if (r.end - r.p != 4)
		cli_die("%s: damaged model file (%ld bytes left over)", path,
		    (long)(r.end - r.p));
	free(buf);
}
