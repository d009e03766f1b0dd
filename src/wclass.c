/*
 * wclass.c - firth-wclass: classify the centre word of a window from the
 * vectors of the 2m+1 words around it (named entities, as in the seed's
 * window classifier), with softmax regression or a small neural network
 * trained by backpropagation.
 *
 *   firth-wclass train --train FILE --dev FILE -v VECTORS -o MODEL
 *   firth-wclass predict -m MODEL [FILE...]     tags CoNLL or token text
 *   firth-wclass evaluate -m MODEL [FILE...]    accuracy, entity P/R/F1
 *
 * Legend (shapes in comments):
 *   V  words with vectors; rows V, V+1, V+2 of E are UNK, <s> and </s>
 *   D  word vector width
 *   S  word-shape features per position (0 without --shape)
 *   A  width of an affix embedding (0 without --affix); a position has
 *      NKIND of them, one per suffix length
 *   P  features per position, D + S + NKIND*A
 *   W  window width 2m+1
 *   I  network input width W*P
 *   K  tags
 *   B  examples in a minibatch
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cblas.h>

#include "cli.h"
#include "conll.h"
#include "embed.h"
#include "nn.h"
#include "rng.h"
#include "vecio.h"
#include "vocab.h"

#define MODEL_MAGIC "FRTHWCL\n"
#define MODEL_VERSION 2
#define NSHAPE 8
#define NKIND 2			/* affix kinds: the last 2 and 3 characters */
#define AFFIX_MIN 2		/* training uses for an affix to get a row */

static const int affix_len[NKIND] = { 2, 3 };

enum { SHAPE_LOWER, SHAPE_INITCAP, SHAPE_ALLCAPS, SHAPE_MIXED, SHAPE_NUM,
	SHAPE_HASDIGIT, SHAPE_PUNCT, SHAPE_OTHER };
enum { CASE_EXACT, CASE_FOLD, CASE_BOTH };
enum { OPT_ADAGRAD, OPT_SGD };

struct model {
	int m;			/* window half-width */
	int D, S;		/* vector width, shape features (0 or NSHAPE) */
	int casemode;		/* how words are looked up: CASE_* */
	int K;			/* tags */
	char **tags;		/* [K] */
	uint32_t V;		/* words with vectors */
	char **words;		/* [V] */
	struct vocab *index;	/* word -> row */
	float *E;		/* [V+3][D] word vectors, then UNK, <s>, </s> */
	uint32_t Vvec;		/* rows 0..Vvec-1 came with vectors (train) */
	int A;			/* affix embedding width, 0 none */
	uint32_t NA;		/* affixes with rows */
	char **affixes;		/* [NA] keys "2|ng", "3|ing" */
	struct vocab *aindex;	/* affix key -> row */
	float *X;		/* [NA+2][A] affixes, then affix UNK, padding */
	struct nn net;		/* d[0] = I = W*P, d[L] = K */
};

/* Options */
static const char *opt_train, *opt_dev, *opt_vectors, *opt_model;
static int opt_m = 2, opt_epochs = 20, opt_batch = 32, opt_patience = 3;
static int opt_hidden[NN_MAXLAYERS] = { 100 }, opt_nhidden = 1;
static int opt_act = NN_TANH;
static int opt_loss = NN_XENT, opt_optim = OPT_ADAGRAD, opt_shape;
static int opt_finetune, opt_case = CASE_BOTH, opt_text = -1, opt_tsv;
static int opt_affix, opt_newwords;
static double opt_lr = 0.02, opt_l2 = 1e-4, opt_dropout;
static uint64_t opt_seed = 1;

/* lib/rng behind the double (*)(void *) source nn_randomize and nn_forward
 * take: a uniform double in [0, 1) from the struct rng at r. */
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
	    "       firth-wclass predict -m MODEL [--text] [FILE...]\n"
	    "       firth-wclass evaluate -m MODEL [--tsv] [FILE...]\n"
	    "Window classification (named entities) with word vectors.\n"
	    "train options:\n"
	    "  -w, --window M         words each side of the centre (default 2)\n"
	    "  -H, --hidden N[,N...]  hidden layer widths; 0 for softmax "
	    "regression (default 100)\n"
	    "  -a, --activation F     tanh, sigmoid or relu (default tanh)\n"
	    "  -L, --loss L           xent (softmax cross-entropy) or margin "
	    "(default xent)\n"
	    "  -O, --optimizer O      adagrad or sgd (default adagrad)\n"
	    "  -r, --lr R             learning rate (default 0.02)\n"
	    "  -l, --l2 R             L2 weight decay on weights (default 1e-4)\n"
	    "  -p, --dropout P        dropout on hidden units (default 0)\n"
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

/* ---- words and windows ------------------------------------------------ */

static int
shape_of(const char *w)
{
	int lower = 0, upper = 0, digit = 0, other = 0, n = 0;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++, n++) {
		if (*p >= 'a' && *p <= 'z')
			lower++;
		else if (*p >= 'A' && *p <= 'Z')
			upper++;
		else if (*p >= '0' && *p <= '9')
			digit++;
		else if (*p >= 0x80)
			lower++;	/* non-ASCII letters: no case seen */
		else
			other++;
	}
	if (digit > 0 && lower == 0 && upper == 0)
		return SHAPE_NUM;
	if (digit > 0)
		return SHAPE_HASDIGIT;
	if (lower == 0 && upper == 0)
		return other > 0 ? SHAPE_PUNCT : SHAPE_OTHER;
	if (upper > 0 && lower == 0)
		return n == 1 ? SHAPE_INITCAP : SHAPE_ALLCAPS;
	if (w[0] >= 'A' && w[0] <= 'Z')
		return upper == 1 ? SHAPE_INITCAP : SHAPE_MIXED;
	return upper > 0 ? SHAPE_MIXED : SHAPE_LOWER;
}

/* Row of E for a word: exact, then lower-cased, then UNK (row V). */
static uint32_t
model_row(const struct model *md, const char *w)
{
	char low[256];
	size_t len = strlen(w);
	int64_t id;

	if (md->casemode != CASE_FOLD) {
		id = vocab_find(md->index, w, len);
		if (id >= 0)
			return (uint32_t)id;
	}
	if (md->casemode != CASE_EXACT && len < sizeof(low)) {
		for (size_t i = 0; i <= len; i++)
			low[i] = w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i];
		id = vocab_find(md->index, low, len);
		if (id >= 0)
			return (uint32_t)id;
	}
	return md->V;
}

/* The form a word is counted and stored under when it has no vector: as
 * written with --case exact, else lower-cased (ASCII letters), so that the
 * lookup of model_row finds it.  Into buf (size bytes); 0 if too long. */
static size_t
word_form(int casemode, const char *w, char *buf, size_t size)
{
	size_t n = strlen(w);

	if (n >= size)
		return 0;
	for (size_t i = 0; i <= n; i++)
		buf[i] = casemode != CASE_EXACT && w[i] >= 'A' && w[i] <= 'Z' ?
		    w[i] + 32 : w[i];
	return n;
}

/*
 * The affix key of a word: its last affix_len[kind] characters (UTF-8
 * sequences, not bytes), ASCII letters lower-cased, after the length and a
 * bar ("3|ing"), so that the kinds share one table without colliding.  A
 * word shorter than the length is its own key.  Into key (size bytes);
 * returns the key's length, 0 when it does not fit.
 */
static size_t
affix_key(const char *w, int kind, char *key, size_t size)
{
	size_t n = strlen(w), start = n, k = 2;

	for (int c = 0; c < affix_len[kind] && start > 0; c++) {
		start--;
		while (start > 0 && ((unsigned char)w[start] & 0xc0) == 0x80)
			start--;
	}
	if (n - start + 3 > size)
		return 0;
	key[0] = (char)('0' + affix_len[kind]);
	key[1] = '|';
	for (size_t i = start; i < n; i++)
		key[k++] = w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i];
	key[k] = '\0';
	return k;
}

/* Row of X for a word's affix of one kind: its own, or affix UNK (NA). */
static uint32_t
model_affix(const struct model *md, const char *w, int kind)
{
	char key[64];
	size_t n = affix_key(w, kind, key, sizeof(key));
	int64_t id = n > 0 ? vocab_find(md->aindex, key, n) : -1;

	return id >= 0 ? (uint32_t)id : md->NA;
}

/* P: the features of one window position. */
static int
model_width(const struct model *md)
{
	return md->D + md->S + NKIND * md->A;
}

/*
 * The windows of a corpus: for token i, W rows of E and W shapes, with
 * <s> and </s> rows past the sentence edges (shape -1: no features).
 */
struct windows {
	size_t n, cap;
	uint32_t *row;		/* [n][W] */
	signed char *shape;	/* [n][W] */
	uint32_t *afx;		/* [n][W][NKIND] rows of X, with --affix */
	int *y;			/* [n] tag index, -1 unknown tag */
	unsigned char *eos;	/* [n] 1 on a sentence's last token */
};

static void
windows_add(struct windows *ws, const struct model *md,
    const struct conll_sent *s, const int *y)
{
	int W = 2 * md->m + 1;

	for (int i = 0; i < s->n; i++) {
		if (ws->n == ws->cap) {
			ws->cap = ws->cap ? 2 * ws->cap : 4096;
			ws->row = xreallocarray(ws->row, ws->cap * W,
			    sizeof(uint32_t));
			ws->shape = xreallocarray(ws->shape, ws->cap * W, 1);
			if (md->A > 0)
				ws->afx = xreallocarray(ws->afx, ws->cap * W *
				    NKIND, sizeof(uint32_t));
			ws->y = xreallocarray(ws->y, ws->cap, sizeof(int));
			ws->eos = xreallocarray(ws->eos, ws->cap, 1);
		}
		for (int k = -md->m; k <= md->m; k++) {
			size_t at = ws->n * W + (k + md->m);
			int j = i + k;
			int pad = j < 0 || j >= s->n;
			if (pad) {
				ws->row[at] = md->V + (j < 0 ? 1 : 2);
				ws->shape[at] = -1;
			} else {
				ws->row[at] = model_row(md, s->tok[j]);
				ws->shape[at] = (signed char)shape_of(s->tok[j]);
			}
			for (int a = 0; md->A > 0 && a < NKIND; a++)
				ws->afx[at * NKIND + a] = pad ? md->NA + 1 :
				    model_affix(md, s->tok[j], a);
		}
		ws->eos[ws->n] = i == s->n - 1;
		ws->y[ws->n++] = y != NULL ? y[i] : -1;
	}
}

static void
windows_free(struct windows *ws)
{
	free(ws->row);
	free(ws->shape);
	free(ws->afx);
	free(ws->y);
	free(ws->eos);
	memset(ws, 0, sizeof(*ws));
}

/* Fill x ([B][I]) with the inputs of windows idx[0..B-1]. */
static void
windows_input(const struct model *md, const struct windows *ws,
    const size_t *idx, int B, float *x)
{
	int W = 2 * md->m + 1, P = model_width(md);

	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++) {
			size_t at = idx[b] * W + k;
			float *dst = x + (size_t)b * W * P + (size_t)k * P;
			memcpy(dst, md->E + (size_t)ws->row[at] * md->D,
			    md->D * sizeof(float));
			dst += md->D;
			if (md->S > 0) {
				memset(dst, 0, md->S * sizeof(float));
				if (ws->shape[at] >= 0)
					dst[ws->shape[at]] = 1.0f;
				dst += md->S;
			}
			for (int a = 0; md->A > 0 && a < NKIND; a++)
				memcpy(dst + a * md->A, md->X + (size_t)
				    ws->afx[at * NKIND + a] * md->A,
				    md->A * sizeof(float));
		}
}

static int
tag_index(const struct model *md, const char *tag)
{
	for (int k = 0; k < md->K; k++)
		if (strcmp(md->tags[k], tag) == 0)
			return k;
	return -1;
}

/* ---- the model file --------------------------------------------------- */

static void
put_u32(FILE *f, uint32_t v, uLong *crc)
{
	unsigned char b[4] = { v, v >> 8, v >> 16, v >> 24 };

	*crc = crc32(*crc, b, 4);
	if (fwrite(b, 1, 4, f) != 4)
		cli_die("write error on the model: %s", strerror(errno));
}

static void
put_bytes(FILE *f, const void *p, size_t n, uLong *crc)
{
	*crc = crc32_z(*crc, p, n);
	if (n > 0 && fwrite(p, 1, n, f) != n)
		cli_die("write error on the model: %s", strerror(errno));
}

static void
put_str(FILE *f, const char *s, uLong *crc)
{
	size_t n = strlen(s);

	put_u32(f, (uint32_t)n, crc);
	put_bytes(f, s, n, crc);
}

/*
 * Model file, all little-endian: magic "FRTHWCL\n", u32 version, u32 m,
 * D, S, case mode, A, L, d[0..L], activation, K, V, NA; K tags, V words
 * and NA affix keys, each a u32 length and bytes; f32 E[(V+3)*D]; f32
 * X[(NA+2)*A]; f32 network parameters; u32 CRC-32 of everything before
 * it.  Version 1 files (before affixes) have no A, NA, keys or X.  Written
 * to a temporary file and renamed, so a crash never leaves half a model
 * under the name.
 */
static void
model_save(const struct model *md, const char *path)
{
	uLong crc = crc32(0, NULL, 0);
	char *tmp;
	FILE *f = cli_replace_open(path, &tmp);

	put_bytes(f, MODEL_MAGIC, 8, &crc);
	put_u32(f, MODEL_VERSION, &crc);
	put_u32(f, md->m, &crc);
	put_u32(f, md->D, &crc);
	put_u32(f, md->S, &crc);
	put_u32(f, md->casemode, &crc);
	put_u32(f, md->A, &crc);
	put_u32(f, md->net.L, &crc);
	for (int l = 0; l <= md->net.L; l++)
		put_u32(f, md->net.d[l], &crc);
	put_u32(f, md->net.act, &crc);
	put_u32(f, md->K, &crc);
	put_u32(f, md->V, &crc);
	put_u32(f, md->NA, &crc);
	for (int k = 0; k < md->K; k++)
		put_str(f, md->tags[k], &crc);
	for (uint32_t i = 0; i < md->V; i++)
		put_str(f, md->words[i], &crc);
	for (uint32_t i = 0; i < md->NA; i++)
		put_str(f, md->affixes[i], &crc);
	put_bytes(f, md->E, ((size_t)md->V + 3) * md->D * sizeof(float), &crc);
	put_bytes(f, md->X, ((size_t)md->NA + 2) * md->A * sizeof(float),
	    &crc);
	put_bytes(f, md->net.params, md->net.nparams * sizeof(float), &crc);
	put_u32(f, (uint32_t)crc, &crc);
	cli_replace_commit(f, tmp, path);
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
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
	    (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
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

/* The last 4 bytes of a model file are the CRC-32 of the rest. */
static int
crc_ok(const unsigned char *buf, long size)
{
	uint32_t want = (uint32_t)buf[size - 4] |
	    (uint32_t)buf[size - 3] << 8 | (uint32_t)buf[size - 2] << 16 |
	    (uint32_t)buf[size - 1] << 24;

	return crc32_z(crc32(0, NULL, 0), buf, size - 4) == want;
}

static void
model_load(struct model *md, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long size;
	struct mreader r;
	int d[NN_MAXLAYERS + 1], L;

	if (f == NULL)
		cli_die("cannot open model %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		cli_die("%s: cannot read the model (not a regular file?)", path);
	buf = xmalloc(size > 0 ? size : 1);
	if (fread(buf, 1, size, f) != (size_t)size)
		cli_die("read error on %s", path);
	fclose(f);
	r = (struct mreader){ buf, buf + size, path };
	if (size < 16 || memcmp(buf, MODEL_MAGIC, 8) != 0)
		cli_die("%s: not a firth-wclass model (firth-wclass train "
		    "writes one)", path);
	r.p += 8;
	if (!crc_ok(buf, size))
		cli_die("%s: damaged model file (CRC mismatch)", path);
	uint32_t version = get_u32(&r, 1000, "version");
	if (version < 1 || version > MODEL_VERSION)
		cli_die("%s: model version %u; this firth-wclass reads 1 to %d",
		    path, version, MODEL_VERSION);
	memset(md, 0, sizeof(*md));
	md->m = get_u32(&r, 50, "window");
	md->D = get_u32(&r, 1 << 16, "dimension");
	md->S = get_u32(&r, NSHAPE, "shape features");
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
	if (d[0] != (2 * md->m + 1) * model_width(md) || d[L] != md->K ||
	    md->K < 1)
		cli_die("%s: damaged model file (layer widths)", path);
	md->tags = xcalloc(md->K, sizeof(char *));
	for (int k = 0; k < md->K; k++)
		md->tags[k] = get_str(&r);
	md->words = xcalloc((size_t)md->V + 1, sizeof(char *));
	md->index = vocab_new();
	for (uint32_t i = 0; i < md->V; i++) {
		md->words[i] = get_str(&r);
		if (vocab_add(md->index, md->words[i], strlen(md->words[i]),
		    1) != i)
			cli_die("%s: damaged model file (word %u repeated)",
			    path, i);
	}
	md->affixes = xcalloc((size_t)md->NA + 1, sizeof(char *));
	md->aindex = vocab_new();
	for (uint32_t i = 0; i < md->NA; i++) {
		md->affixes[i] = get_str(&r);
		if (vocab_add(md->aindex, md->affixes[i],
		    strlen(md->affixes[i]), 1) != i)
			cli_die("%s: damaged model file (affix %u repeated)",
			    path, i);
	}
	md->E = xreallocarray(NULL, ((size_t)md->V + 3) * md->D,
	    sizeof(float));
	get_floats(&r, md->E, ((size_t)md->V + 3) * md->D);
	md->X = xreallocarray(NULL, ((size_t)md->NA + 2) * md->A + 1,
	    sizeof(float));
	get_floats(&r, md->X, ((size_t)md->NA + 2) * md->A);
	nn_init(&md->net, L, d, act);
	get_floats(&r, md->net.params, md->net.nparams);
	if (r.end - r.p != 4)
		cli_die("%s: damaged model file (%ld bytes left over)", path,
		    (long)(r.end - r.p));
	free(buf);
}

/* ---- training ---------------------------------------------------------- */

/* Read a tagged CoNLL file into windows; new tags are added when grow. */
static size_t
read_corpus(struct model *md, const char *path, struct windows *ws, int grow)
{
	FILE *f = fopen(path, "r");
	struct conll_reader *r;
	struct conll_sent s = { 0 };
	int *y = NULL, ycap = 0;
	size_t sents = 0;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	r = conll_open(f, path, 1, 0);
	while (conll_next(r, &s)) {
		if (s.n > ycap) {
			ycap = s.n;
			y = xreallocarray(y, ycap, sizeof(int));
		}
		for (int i = 0; i < s.n; i++) {
			y[i] = tag_index(md, s.tag[i]);
			if (y[i] < 0 && grow) {
				md->tags = xreallocarray(md->tags, md->K + 1,
				    sizeof(char *));
				md->tags[md->K] = xstrdup(s.tag[i]);
				y[i] = md->K++;
			}
		}
		windows_add(ws, md, &s, y);
		sents++;
	}
	if (ws->n == 0)
		cli_die("%s: no tokens (is it CoNLL: a token and its tag on "
		    "each line?)", path);
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
	free(y);
	return sents;
}

/*
 * A first pass over the training file: how often each word (in the form
 * word_form gives) and each affix key occurs, into words and affixes.
 */
static void
count_train(const struct model *md, const char *path, struct vocab *words,
    struct vocab *affixes)
{
	FILE *f = fopen(path, "r");
	struct conll_reader *r;
	struct conll_sent s = { 0 };
	char buf[256];
	size_t n;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	r = conll_open(f, path, 1, 0);
	while (conll_next(r, &s))
		for (int i = 0; i < s.n; i++) {
			if ((n = word_form(md->casemode, s.tok[i], buf,
			    sizeof(buf))) > 0)
				vocab_add(words, buf, n, 1);
			for (int a = 0; a < NKIND; a++)
				if ((n = affix_key(s.tok[i], a, buf,
				    sizeof(buf))) > 0)
					vocab_add(affixes, buf, n, 1);
		}
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
}

/*
 * Training words without a vector that occur at least min times become
 * words of the model (rows after the vectors' rows, before UNK), starting
 * as UNK starts; model_from_vectors gives them their rows of E.  In count
 * order, then bytewise, so the rows do not depend on hashing.
 */
static void
model_add_words(struct model *md, const struct vocab *counts, int64_t min)
{
	uint32_t *order = vocab_by_count(counts), added = 0;

	for (uint32_t i = 0; i < counts->n; i++) {
		uint32_t w = order[i];
		if (counts->counts[w] < min)
			break;
		if (model_row(md, counts->words[w]) != md->V)
			continue;
		md->words = xreallocarray(md->words, (size_t)md->V + 1,
		    sizeof(char *));
		md->words[md->V] = xstrdup(counts->words[w]);
		if (vocab_add(md->index, md->words[md->V],
		    counts->lens[w], 1) != md->V)
			cli_die("internal error: new word '%s' has a row",
			    counts->words[w]);
		md->V++;
		added++;
	}
	free(order);
	cli_info("%u training words seen %lld times or more have no vector "
	    "and get rows of their own", added, (long long)min);
}

/*
 * The affix table: a row for every key seen at least AFFIX_MIN times in
 * training (rarer ones share the affix UNK row, which so learns what an
 * unseen affix is), then affix UNK and the padding's row; uniform in
 * [-0.5, 0.5].
 */
static void
model_add_affixes(struct model *md, const struct vocab *counts,
    struct rng *rng)
{
	uint32_t *order = vocab_by_count(counts);
	size_t n;

	md->aindex = vocab_new();
	md->affixes = xcalloc((size_t)counts->n + 1, sizeof(char *));
	for (uint32_t i = 0; i < counts->n; i++) {
		uint32_t w = order[i];
		if (counts->counts[w] < AFFIX_MIN)
			break;
		md->affixes[md->NA] = xstrdup(counts->words[w]);
		vocab_add(md->aindex, counts->words[w], counts->lens[w], 1);
		md->NA++;
	}
	free(order);
	n = ((size_t)md->NA + 2) * md->A;
	md->X = xreallocarray(NULL, n + 1, sizeof(float));
	for (size_t i = 0; i < n; i++)
		md->X[i] = (float)(rand01(rng) - 0.5);
}

/*
 * Vectors in; E = the vectors scaled by one number so that their entries
 * have unit variance (GloVe, word2vec and SVD vectors differ in scale by
 * orders of magnitude; one learning rate then serves them all).  UNK
 * starts as the mean vector, <s> and </s> small and random.
 */
static void
model_from_vectors(struct model *md, const char *path,
    const struct vocab *counts, struct rng *rng)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct vecset *vs;
	double sum = 0, sq = 0, sd;
	size_t n;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	vs = vec_read(f, path, VEC_AUTO);
	if (f != stdin)
		fclose(f);
	if (vs->n == 0)
		cli_die("%s: no vectors", path);
	md->V = md->Vvec = vs->n;
	md->D = vs->dim;
	md->words = vs->words;
	md->index = vocab_new();
	for (uint32_t i = 0; i < vs->n; i++)
		if (vocab_add(md->index, vs->words[i], strlen(vs->words[i]), 1)
		    != i)
			cli_die("%s: the word '%s' has two vectors", path,
			    vs->words[i]);
	if (opt_newwords > 0)
		model_add_words(md, counts, opt_newwords);
	n = (size_t)vs->n * vs->dim;
	for (size_t i = 0; i < n; i++) {
		sum += vs->v[i];
		sq += (double)vs->v[i] * vs->v[i];
	}
	sd = sqrt(sq / n - (sum / n) * (sum / n));
	if (!(sd > 0))
		sd = 1;
	md->E = xreallocarray(vs->v, ((size_t)md->V + 3) * md->D,
	    sizeof(float));
	for (size_t i = 0; i < n; i++)
		md->E[i] = (float)(md->E[i] / sd);
	/* UNK and the new words start at the mean vector */
	float *unk = md->E + (size_t)md->V * md->D;
	for (int k = 0; k < md->D; k++) {
		double m = 0;
		for (uint32_t i = 0; i < md->Vvec; i++)
			m += md->E[(size_t)i * md->D + k];
		for (uint32_t i = md->Vvec; i <= md->V; i++)
			md->E[(size_t)i * md->D + k] = (float)(m / md->Vvec);
		unk[md->D + k] = (float)(0.2 * rand01(rng) - 0.1);
		unk[2 * md->D + k] = (float)(0.2 * rand01(rng) - 0.1);
	}
	vs->words = NULL;
	vs->v = NULL;
	/* vs->wordbuf stays: md->words point into it for the model's life. */
}

/* Tag every window of ws; pred[n]. */
static void
predict_windows(const struct model *md, const struct windows *ws, int *pred)
{
	struct nn_work w;
	int B = 256, K = md->K;
	size_t *idx = xcalloc(B, sizeof(size_t));

	nn_work_init(&w, &md->net, B);
	for (size_t at = 0; at < ws->n; at += B) {
		int nb = ws->n - at < (size_t)B ? (int)(ws->n - at) : B;
		for (int b = 0; b < nb; b++)
			idx[b] = at + b;
		windows_input(md, ws, idx, nb, w.a[0]);
		nn_forward(&md->net, &w, nb, 0, NULL, NULL);
		for (int b = 0; b < nb; b++) {
			const float *sc = w.a[md->net.L] + (size_t)b * K;
			int best = 0;
			for (int k = 1; k < K; k++)
				if (sc[k] > sc[best])
					best = k;
			pred[at + b] = best;
		}
	}
	nn_work_free(&w, &md->net);
	free(idx);
}

/* Entity F1 of predictions against ws->y, sentence by sentence. */
static double
score_windows(const struct model *md, const struct windows *ws,
    const int *pred, struct conll_score *sc)
{
	char **g = xcalloc(ws->n + 1, sizeof(char *));
	char **q = xcalloc(ws->n + 1, sizeof(char *));
	size_t start = 0;
	double p, r, f;

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < ws->n; i++) {
		g[i] = ws->y[i] >= 0 ? md->tags[ws->y[i]] : "O";
		q[i] = md->tags[pred[i]];
		/* phrases never run across a sentence end (with --window
		 * 0 there is no </s> neighbour to tell where that is) */
		if (ws->eos[i]) {
			conll_score_add(sc, g + start, q + start,
			    (int)(i + 1 - start));
			start = i + 1;
		}
	}
	if (start < ws->n)
		conll_score_add(sc, g + start, q + start, (int)(ws->n - start));
	free(g);
	free(q);
	conll_score_prf(sc, -1, &p, &r, &f);
	return f;
}

/*
 * One minibatch step: forward, loss, backward, then the updates.  The
 * word vectors' and affix embeddings' gradients come out of the input
 * gradient w->g[0], one slice of P per window position: the first D are
 * the word's row of E, then S shape inputs (no parameters), then NKIND
 * rows of X.  The rows of words that came with vectors learn only with
 * --fine-tune; UNK, <s>, </s>, new words and affixes always learn.
 */
struct trainer {
	struct model *md;
	struct nn_work w;
	float *grad;		/* [nparams] */
	float *hist;		/* [nparams] AdaGrad sums of squares */
	struct embed_grad gE;	/* sparse gradient of E ([V+3][D]) */
	struct embed_grad gX;	/* of X ([NA+2][A]) */
	struct rng rng;
};

static double
train_step(struct trainer *t, const struct windows *ws, const size_t *idx,
    int B)
{
	struct model *md = t->md;
	int W = 2 * md->m + 1, P = model_width(md), y[B];
	int optim = opt_optim == OPT_ADAGRAD ? EMBED_ADAGRAD : EMBED_SGD;
	double loss;

	windows_input(md, ws, idx, B, t->w.a[0]);
	for (int b = 0; b < B; b++)
		y[b] = ws->y[idx[b]];
	nn_forward(&md->net, &t->w, B, (float)opt_dropout, rand01, &t->rng);
	loss = nn_loss(&md->net, &t->w, B, y, opt_loss);
	memset(t->grad, 0, md->net.nparams * sizeof(float));
	nn_backward(&md->net, &t->w, B, t->grad);
	/* L2 on the weights only (not biases): grad += lambda W */
	for (int l = 0; l < md->net.L; l++) {
		size_t n = (size_t)md->net.d[l + 1] * md->net.d[l];
		float *g = t->grad + (md->net.W[l] - md->net.params);
		for (size_t i = 0; i < n; i++)
			g[i] += (float)opt_l2 * md->net.W[l][i];
	}
	if (opt_optim == OPT_ADAGRAD)
		nn_adagrad(md->net.params, t->hist, t->grad, md->net.nparams,
		    (float)opt_lr, 0);
	else
		nn_sgd(md->net.params, t->grad, md->net.nparams,
		    (float)opt_lr, 0);
	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++) {
			size_t at = idx[b] * W + k;
			uint32_t r = ws->row[at];
			const float *g = t->w.g[0] + (size_t)b * W * P +
			    (size_t)k * P;
			if (r >= md->Vvec || opt_finetune)
				embed_grad_add(&t->gE, r, g);
			for (int a = 0; md->A > 0 && a < NKIND; a++)
				embed_grad_add(&t->gX, ws->afx[at * NKIND + a],
				    g + md->D + md->S + a * md->A);
		}
	embed_grad_apply(&t->gE, md->E, (float)opt_lr, optim);
	embed_grad_apply(&t->gX, md->X, (float)opt_lr, optim);
	return loss;
}

static void
cmd_train(void)
{
	struct model md = { 0 };
	struct windows tr = { 0 }, dev = { 0 };
	struct trainer t = { 0 };
	struct conll_score sc;
	int d[NN_MAXLAYERS + 1], L = 0, *pred, bad = 0;
	size_t *order, nE, nX;
	float *bestp, *bestE, *bestX;
	double bestf = -1, t0 = cli_now();
	int best_epoch = 0;

	if (opt_train == NULL || opt_dev == NULL || opt_vectors == NULL ||
	    opt_model == NULL)
		cli_usage_die("train needs --train, --dev, -v VECTORS and -o "
		    "MODEL");
	rng_seed(&t.rng, opt_seed);
	md.m = opt_m;
	md.S = opt_shape ? NSHAPE : 0;
	md.A = opt_affix;
	md.casemode = opt_case;
	struct vocab *wcount = vocab_new(), *acount = vocab_new();
	if (opt_newwords > 0 || md.A > 0)
		count_train(&md, opt_train, wcount, acount);
	model_from_vectors(&md, opt_vectors, wcount, &t.rng);
	model_add_affixes(&md, acount, &t.rng);
	vocab_free(wcount);
	vocab_free(acount);
	size_t ntrain = read_corpus(&md, opt_train, &tr, 1);
	size_t ndev = read_corpus(&md, opt_dev, &dev, 0);
	for (size_t i = 0; i < dev.n; i++)
		if (dev.y[i] < 0)
			cli_die("%s: a tag the training data never uses; "
			    "train on data with every tag", opt_dev);
	d[L++] = (2 * md.m + 1) * model_width(&md);
	for (int i = 0; i < opt_nhidden; i++)
		if (opt_hidden[i] > 0)
			d[L++] = opt_hidden[i];
	d[L] = md.K;
	nn_init(&md.net, L, d, opt_act);
	nn_randomize(&md.net, rand01, &t.rng);
	cli_info("%zu training sentences (%zu tokens), %zu dev (%zu); "
	    "%u words x %d dims; %d tags; %d layers", ntrain, tr.n, ndev,
	    dev.n, md.V, md.D, md.K, md.net.L);
	if (md.A > 0)
		cli_info("%u affixes x %d dims", md.NA, md.A);

	t.md = &md;
	nn_work_init(&t.w, &md.net, opt_batch);
	t.grad = xcalloc(md.net.nparams, sizeof(float));
	t.hist = xcalloc(md.net.nparams, sizeof(float));
	nE = ((size_t)md.V + 3) * md.D;
	nX = ((size_t)md.NA + 2) * md.A;
	embed_grad_init(&t.gE, (size_t)md.V + 3, md.D,
	    (size_t)opt_batch * (2 * md.m + 1));
	embed_grad_init(&t.gX, (size_t)md.NA + 2, md.A,
	    (size_t)opt_batch * (2 * md.m + 1) * NKIND);
	bestp = xcalloc(md.net.nparams, sizeof(float));
	bestE = xcalloc(nE, sizeof(float));
	bestX = xcalloc(nX + 1, sizeof(float));
	order = xcalloc(tr.n, sizeof(size_t));
	pred = xcalloc(dev.n, sizeof(int));
	for (size_t i = 0; i < tr.n; i++)
		order[i] = i;

	for (int ep = 1; ep <= opt_epochs; ep++) {
		double loss = 0;
		size_t steps = 0;

		for (size_t i = tr.n - 1; i > 0; i--) {
			size_t j = rng_below(&t.rng, i + 1), x;
			x = order[i]; order[i] = order[j]; order[j] = x;
		}
		for (size_t at = 0; at < tr.n; at += opt_batch) {
			int B = tr.n - at < (size_t)opt_batch ?
			    (int)(tr.n - at) : opt_batch;
			loss += train_step(&t, &tr, order + at, B);
			steps++;
			cli_progress("epoch %d: %.0f%%, loss %.4f", ep,
			    100.0 * at / tr.n, loss / steps);
		}
		if (!isfinite(loss))
			cli_die("the loss became %g in epoch %d; lower --lr",
			    loss, ep);
		predict_windows(&md, &dev, pred);
		double f = score_windows(&md, &dev, pred, &sc);
		cli_progress_done("epoch %d: loss %.4f, dev F1 %.2f%s "
		    "(%.1f s)", ep, loss / steps, f, f > bestf ? " *" : "",
		    cli_now() - t0);
		if (f > bestf) {
			bestf = f;
			best_epoch = ep;
			bad = 0;
			memcpy(bestp, md.net.params, md.net.nparams *
			    sizeof(float));
			memcpy(bestE, md.E, nE * sizeof(float));
			memcpy(bestX, md.X, nX * sizeof(float));
		} else if (++bad >= opt_patience) {
			cli_info("no better dev F1 for %d epochs; stopping",
			    opt_patience);
			break;
		}
	}
	memcpy(md.net.params, bestp, md.net.nparams * sizeof(float));
	memcpy(md.E, bestE, nE * sizeof(float));
	memcpy(md.X, bestX, nX * sizeof(float));
	model_save(&md, opt_model);
	cli_info("best dev F1 %.2f at epoch %d; model in %s", bestf,
	    best_epoch, opt_model);
	free(bestp);
	free(bestE);
	free(bestX);
	embed_grad_free(&t.gE);
	embed_grad_free(&t.gX);
	free(order);
	free(pred);
	windows_free(&tr);
	windows_free(&dev);
}

/* ---- predict and evaluate -------------------------------------------- */

static void
run_file(const struct model *md, FILE *f, const char *name, int eval,
    struct conll_score *sc)
{
	struct conll_reader *r = conll_open(f, name, eval, opt_text > 0);
	struct conll_sent s = { 0 };
	struct windows ws = { 0 };
	int *pred = NULL, cap = 0;

	while (conll_next(r, &s)) {
		ws.n = 0;
		windows_add(&ws, md, &s, NULL);
		if (s.n > cap) {
			cap = s.n;
			pred = xreallocarray(pred, cap, sizeof(int));
		}
		predict_windows(md, &ws, pred);
		if (eval) {
			char **q = xcalloc(s.n, sizeof(char *));
			for (int i = 0; i < s.n; i++)
				q[i] = md->tags[pred[i]];
			conll_score_add(sc, s.tag, q, s.n);
			free(q);
			continue;
		}
		for (int i = 0; i < s.n; i++) {
			if (opt_text > 0)
				printf("%s%s/%s", i ? " " : "", s.tok[i],
				    md->tags[pred[i]]);
			else
				printf("%s %s\n", s.line[i], md->tags[pred[i]]);
		}
		putchar('\n');
		fflush(stdout);
	}
	if (ferror(stdout))
		cli_die("write error on stdout: %s", strerror(errno));
	conll_close(r);
	conll_sent_free(&s);
	windows_free(&ws);
	free(pred);
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
	struct model md;
	struct conll_score sc = { 0 };

	if (opt_model == NULL)
		cli_usage_die("%s needs -m MODEL", eval ? "evaluate" :
		    "predict");
	model_load(&md, opt_model);
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
			else
				cli_usage_die("--loss: '%s' is not xent or "
				    "margin", optarg);
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
