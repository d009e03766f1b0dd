/*
 * subword.c - character n-grams, their hashed rows, the per-word row
 * table firth-sgns trains with, and the saved model that gives a vector
 * to any word (see subword.h for the model and the file layout).
 */
#include "subword.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "le.h"
#include "vecio.h"
#include "vocab.h"

#define MODEL_MAGIC "FIRTHSWM"
#define MODEL_VERSION 1

uint32_t
subword_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

size_t
subword_ngrams(const struct subword *sw, uint32_t n, const char *w,
    size_t len, uint32_t *rows, size_t max)
{
	/* "<" w ">" and the byte offset of each character in it. */
	char *b = xmalloc(len + 3);
	size_t *cp = xreallocarray(NULL, len + 3, sizeof(size_t));
	size_t nc = 0, got = 0;

	b[0] = '<';
	memcpy(b + 1, w, len);
	b[len + 1] = '>';
	for (size_t i = 0; i < len + 2; i++)
		if (((unsigned char)b[i] & 0xc0) != 0x80)
			cp[nc++] = i;
	cp[nc] = len + 2;
	for (size_t i = 0; i < nc; i++)
		for (int k = sw->minn; k <= sw->maxn && i + k <= nc; k++) {
			if (got < max)
				rows[got] = n + subword_hash(b + cp[i],
				    cp[i + k] - cp[i]) % sw->buckets;
			got++;
		}
	free(b);
	free(cp);
	return got;
}

struct subword_table *
subword_table_new(const struct subword *sw, char *const *words, uint32_t n)
{
	struct subword_table *t = xcalloc(1, sizeof(*t));
	size_t total = 0, cap = 0;

	/* Row ids are 32-bit: word rows, then bucket rows. */
	if ((uint64_t)n + sw->buckets > UINT32_MAX)
		cli_die("%u words and %u buckets exceed 2^32 rows; lower "
		    "--buckets", n, sw->buckets);
	t->off = xreallocarray(NULL, (size_t)n + 1, sizeof(uint32_t));
	for (uint32_t w = 0; w < n; w++) {
		size_t len = strlen(words[w]), R;
		/* Characters + 2 marks bound the n-grams of each length. */
		size_t need = 1 + (len + 2) * (size_t)(sw->maxn - sw->minn + 1);
		if (total + need > cap) {
			cap = 2 * (total + need);
			t->rows = xreallocarray(t->rows, cap, sizeof(uint32_t));
		}
		t->off[w] = (uint32_t)total;
		t->rows[total] = w;
		R = 1 + subword_ngrams(sw, n, words[w], len,
		    t->rows + total + 1, need - 1);
		if (total + R > UINT32_MAX)
			cli_die("subword table: more than 2^32 rows");
		total += R;
		if ((int)R > t->maxrows)
			t->maxrows = (int)R;
	}
	t->off[n] = (uint32_t)total;
	return t;
}

void
subword_table_free(struct subword_table *t)
{
	if (t == NULL)
		return;
	free(t->off);
	free(t->rows);
	free(t);
}

void
subword_mean(const float *m, size_t s, uint32_t d, const uint32_t *r,
    size_t R, float *v)
{
	memset(v, 0, d * sizeof(float));
	if (R == 0)
		return;
	for (size_t i = 0; i < R; i++)
		for (uint32_t k = 0; k < d; k++)
			v[k] += m[(size_t)r[i] * s + k];
	for (uint32_t k = 0; k < d; k++)
		v[k] /= (float)R;
}

/*
 * Parse "MIN:MAX" n-gram lengths into sw (NULL: only say whether s looks
 * like one, for "--subword 3:6" with a space).  Bad values are usage
 * errors.
 */
int
subword_parse(const char *s, struct subword *sw)
{
	const char *colon = strchr(s, ':');
	char buf[32];
	int lo, hi;

	if (sw == NULL)
		return colon != NULL && strspn(s, "0123456789:") == strlen(s);
	if (colon == NULL || (size_t)(colon - s) >= sizeof(buf))
		cli_usage_die("--subword: '%s' is not MIN:MAX (e.g. 3:6, "
		    "fastText's lengths)", s);
	memcpy(buf, s, colon - s);
	buf[colon - s] = '\0';
	lo = cli_parse_int(buf, 0, SUBWORD_MAXN, "--subword MIN");
	hi = cli_parse_int(colon + 1, 0, SUBWORD_MAXN, "--subword MAX");
	if (lo < 1 || hi < lo)
		cli_usage_die("--subword %s: n-grams need 1 <= MIN <= MAX "
		    "characters (fastText uses 3:6)", s);
	sw->minn = lo;
	sw->maxn = hi;
	return 1;
}

void
subword_compose(float *in, size_t s, uint32_t d,
    const struct subword_table *t, uint32_t n)
{
	float *v = xreallocarray(NULL, d, sizeof(float));

	/* In place: word w's mean reads row w and bucket rows only. */
	for (uint32_t w = 0; w < n; w++) {
		subword_mean(in, s, d, t->rows + t->off[w],
		    t->off[w + 1] - t->off[w], v);
		memcpy(in + (size_t)w * s, v, d * sizeof(float));
	}
	free(v);
}

/* ---- the model file ---- */

static void
mw(FILE *f, const char *path, const void *p, size_t n, uLong *crc)
{
	xfwrite(p, 1, n, f, path);
	*crc = crc32(*crc, p, n);
}

static void
mw32(FILE *f, const char *path, uint32_t v, uLong *crc)
{
	unsigned char b[4];

	put32(b, v);
	mw(f, path, b, 4, crc);
}

void
subword_model_save(const char *path, const struct subword *sw,
    char *const *words, uint32_t n, uint32_t d, const float *in, size_t s)
{
	char *tmp;
	FILE *f = cli_replace_open(path, &tmp);
	uLong crc = crc32(0, NULL, 0);
	unsigned char *row = xmalloc((size_t)d * 4 + 4);

	mw(f, tmp, MODEL_MAGIC, 8, &crc);
	mw32(f, tmp, MODEL_VERSION, &crc);
	mw32(f, tmp, n, &crc);
	mw32(f, tmp, d, &crc);
	mw32(f, tmp, (uint32_t)sw->minn, &crc);
	mw32(f, tmp, (uint32_t)sw->maxn, &crc);
	mw32(f, tmp, sw->buckets, &crc);
	for (uint32_t w = 0; w < n; w++) {
		size_t len = strlen(words[w]);
		mw32(f, tmp, (uint32_t)len, &crc);
		mw(f, tmp, words[w], len, &crc);
	}
	for (size_t r = 0; r < (size_t)n + sw->buckets; r++) {
		for (uint32_t k = 0; k < d; k++) {
			uint32_t bits;
			memcpy(&bits, in + r * s + k, 4);
			put32(row + 4 * k, bits);
		}
		mw(f, tmp, row, (size_t)d * 4, &crc);
	}
	put32(row, (uint32_t)crc);
	xfwrite(row, 1, 4, f, tmp);
	free(row);
	cli_replace_commit(f, tmp, path);
}

static void
mr(FILE *f, const char *path, void *p, size_t n, uLong *crc)
{
	if (fread(p, 1, n, f) != n)
		cli_die("%s: %s", path, ferror(f) ? strerror(errno) :
		    "truncated subword model");
	*crc = crc32(*crc, p, n);
}

static uint32_t
mr32(FILE *f, const char *path, uLong *crc)
{
	unsigned char b[4];

	mr(f, path, b, 4, crc);
	return get32(b);
}

struct subword_model *
subword_model_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct subword_model *m;
	char magic[8];
	unsigned char *row, b[4];
	uint32_t v, minn, maxn;
	size_t rows;
	uLong crc = crc32(0, NULL, 0);

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, MODEL_MAGIC, 8) != 0)
		cli_die("%s is not a firth subword model; make one with "
		    "firth-sgns --subword --save-model FILE", path);
	crc = crc32(crc, (const Bytef *)magic, 8);
	if ((v = mr32(f, path, &crc)) != MODEL_VERSION)
		cli_die("%s: subword model version %u, this firth reads %d",
		    path, v, MODEL_VERSION);
	m = xcalloc(1, sizeof(*m));
	m->n = mr32(f, path, &crc);
	m->d = mr32(f, path, &crc);
	minn = mr32(f, path, &crc);
	maxn = mr32(f, path, &crc);
	m->sw.buckets = mr32(f, path, &crc);
	if (m->n == 0 || m->d == 0 || m->d > 10000 || minn < 1 ||
	    minn > maxn || maxn > SUBWORD_MAXN || m->sw.buckets == 0)
		cli_die("%s: damaged subword model header (%u words, %u "
		    "dimensions, n-grams %u:%u, %u buckets)", path, m->n, m->d,
		    minn, maxn, m->sw.buckets);
	m->sw.minn = (int)minn;
	m->sw.maxn = (int)maxn;
	m->words = xreallocarray(NULL, m->n, sizeof(char *));
	m->v = vocab_new();
	for (uint32_t w = 0; w < m->n; w++) {
		uint32_t len = mr32(f, path, &crc);
		if (len == 0 || len > 1u << 16)
			cli_die("%s: damaged subword model (word %u of %u "
			    "bytes)", path, w, len);
		m->words[w] = xmalloc(len + 1);
		mr(f, path, m->words[w], len, &crc);
		m->words[w][len] = '\0';
		if (vocab_add(m->v, m->words[w], len, 0) != w)
			cli_die("%s: damaged subword model (word '%s' twice)",
			    path, m->words[w]);
	}
	rows = (size_t)m->n + m->sw.buckets;
	m->m = xreallocarray(NULL, rows * m->d, sizeof(float));
	row = xmalloc((size_t)m->d * 4);
	for (size_t r = 0; r < rows; r++) {
		mr(f, path, row, (size_t)m->d * 4, &crc);
		for (uint32_t k = 0; k < m->d; k++) {
			uint32_t bits = get32(row + 4 * k);
			memcpy(m->m + r * m->d + k, &bits, 4);
		}
	}
	free(row);
	if (fread(b, 1, 4, f) != 4 || get32(b) != (uint32_t)crc ||
	    fgetc(f) != EOF)
		cli_die("%s: subword model damaged (checksum mismatch or "
		    "trailing bytes)", path);
	fclose(f);
	return m;
}

void
subword_model_free(struct subword_model *m)
{
	if (m == NULL)
		return;
	for (uint32_t w = 0; w < m->n; w++)
		free(m->words[w]);
	free(m->words);
	vocab_free(m->v);
	free(m->m);
	free(m);
}

int
subword_model_vector(const struct subword_model *m, const char *w,
    size_t len, float *v)
{
	size_t max = 1 + (len + 2) * (size_t)(m->sw.maxn - m->sw.minn + 1);
	uint32_t *r = xreallocarray(NULL, max, sizeof(uint32_t));
	int64_t id = vocab_find(m->v, w, len);
	size_t R = 0;
	int known = id >= 0;

	if (known)
		r[R++] = (uint32_t)id;
	R += subword_ngrams(&m->sw, m->n, w, len, r + R, max - R);
	subword_mean(m->m, m->d, m->d, r, R, v);
	free(r);
	return known ? 1 : R > 0 ? 0 : -1;
}

/* ---- vector sets for firth-eval ---- */

/* Is c a byte that separates words in question and pair files? */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ASCII lower case of w into a new string. */
static char *
fold_ascii(const char *w)
{
	char *f = xstrdup(w);

	for (char *p = f; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return f;
}

/* Add each word of file path not in m (nor, folding, its lower case). */
static void
collect_oov(const struct subword_model *m, const char *path, int fold,
    struct vocab *oov)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL, *p, *q;
	size_t cap = 0;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) != -1) {
		if (line[0] == ':' || line[0] == '#')
			continue;	/* analogy sections, comments */
		for (p = line; *p; p = q) {
			while (is_space(*p))
				p++;
			for (q = p; *q && !is_space(*q); q++)
				;
			if (q == p)
				break;
			char save = *q, *fw;
			*q = '\0';
			/* Scores are numbers, not words. */
			if (strspn(p, "0123456789.-+eE") != (size_t)(q - p)) {
				fw = fold ? fold_ascii(p) : xstrdup(p);
				if (vocab_find(m->v, p, q - p) < 0 &&
				    vocab_find(m->v, fw, strlen(fw)) < 0)
					vocab_add(oov, fw, strlen(fw), 1);
				free(fw);
			}
			*q = save;
		}
	}
	if (ferror(f))
		cli_die("error reading %s: %s", path, strerror(errno));
	fclose(f);
	free(line);
}

struct vecset *
subword_vecset(const struct subword_model *m, char *const *files,
    int nfiles, int fold)
{
	struct vocab *oov = vocab_new();
	struct vecset *vs = xcalloc(1, sizeof(*vs));
	size_t bytes = 0, pos = 0;
	uint32_t nov, none = 0;

	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0)
			collect_oov(m, files[i], fold, oov);
	nov = oov->n;
	vs->dim = m->d;
	vs->words = xreallocarray(NULL, (size_t)m->n + nov + 1,
	    sizeof(char *));
	vs->v = xreallocarray(NULL, ((size_t)m->n + nov + 1) * m->d,
	    sizeof(float));
	for (uint32_t w = 0; w < m->n; w++)
		bytes += strlen(m->words[w]) + 1;
	for (uint32_t w = 0; w < nov; w++)
		bytes += strlen(oov->words[w]) + 1;
	vs->wordbuf = xmalloc(bytes + 1);
	for (uint32_t w = 0; w < m->n + nov; w++) {
		const char *word = w < m->n ? m->words[w] : oov->words[w - m->n];
		size_t len = strlen(word);
		float *v = vs->v + (size_t)vs->n * m->d;
		if (subword_model_vector(m, word, len, v) < 0) {
			none++;
			continue;
		}
		memcpy(vs->wordbuf + pos, word, len + 1);
		vs->words[vs->n++] = vs->wordbuf + pos;
		pos += len + 1;
	}
	cli_info("%u words of the model, %u more from the test files given "
	    "subword vectors, %u without any n-gram left unknown", m->n,
	    nov - none, none);
	vocab_free(oov);
	return vs;
}

void
subword_print_vectors(const struct subword_model *m, FILE *in,
    const char *name, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	float *v = xreallocarray(NULL, m->d, sizeof(float));
	long lineno = 0;

	while ((len = getline(&line, &cap, in)) != -1) {
		lineno++;
		while (len > 0 && is_space(line[len - 1]))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (memchr(line, ' ', len) != NULL ||
		    memchr(line, '\t', len) != NULL)
			cli_die("%s:%ld: one word a line, not '%s'", name,
			    lineno, line);
		if (subword_model_vector(m, line, len, v) < 0)
			cli_die("%s:%ld: '%s' has no %d..%d-character n-gram "
			    "and is not in the vocabulary", name, lineno, line,
			    m->sw.minn, m->sw.maxn);
		if (fputs(line, out) == EOF)
			break;
		for (uint32_t k = 0; k < m->d; k++)
			fprintf(out, " %.9g", v[k]);
		putc('\n', out);
	}
	if (ferror(in))
		cli_die("error reading %s: %s", name, strerror(errno));
	free(line);
	free(v);
}

void
subword_vectors_files(const char *model, char *const *files, int nfiles,
    FILE *out)
{
	struct subword_model *m = subword_model_load(model);

	if (nfiles == 0)
		subword_print_vectors(m, stdin, "stdin", out);
	for (int i = 0; i < nfiles; i++) {
		FILE *f = strcmp(files[i], "-") == 0 ? stdin :
		    fopen(files[i], "rb");
		if (f == NULL)
			cli_die("cannot open %s: %s", files[i], strerror(errno));
		subword_print_vectors(m, f, files[i], out);
		if (f != stdin && fclose(f) != 0)
			cli_die("error closing %s: %s", files[i],
			    strerror(errno));
	}
	subword_model_free(m);
}
