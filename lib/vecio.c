/*
 * vecio.c - read and write word vectors in firth, GloVe and word2vec
 * formats.  Text is parsed with strtof and every row is checked against
 * the first row's dimension, so a ragged or damaged file is an error with
 * its line number, never a silently shorter vector set.
 */
#include "vecio.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream.h"
#include "vocab.h"

/* A small buffered reader over FILE that can put peeked bytes back. */
struct rd {
	FILE *f;
	const char *name;
	unsigned char *buf;
	size_t pos, len, cap;
	uint64_t line;
};

static int
rd_more(struct rd *r)
{
	size_t n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	n = fread(r->buf + r->len, 1, r->cap - r->len, r->f);
	if (n == 0 && ferror(r->f))
		cli_die("read error on %s: %s", r->name, strerror(errno));
	r->len += n;
	return n > 0;
}

/*
 * The longest text row read: a word and STREAM_MAX_DIM numbers of at
 * most 47 characters and a separator each (48 MiB).  A longer line is
 * not a vector file; without the bound a 1 GB line would take 1 GB.
 */
#define VEC_MAX_LINE ((size_t)STREAM_MAX_WORD + 1 + \
	(size_t)STREAM_MAX_DIM * 48)

/* Next line without its newline (CR stripped), NUL-terminated; NULL at EOF. */
static char *
rd_line(struct rd *r, size_t *lenp)
{
	unsigned char *nl;
	char *s;
	size_t n;

	for (;;) {
		nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		if (nl != NULL)
			break;
		if (r->len - r->pos > VEC_MAX_LINE)
			cli_die("%s:%llu: a line longer than %zu bytes: not a "
			    "vector file", r->name,
			    (unsigned long long)r->line + 1, VEC_MAX_LINE);
		if (!rd_more(r)) {
			if (r->pos == r->len)
				return NULL;
			/* A last line without a newline. */
			if (r->len == r->cap) {
				r->buf = xrealloc(r->buf, r->cap + 1);
				r->cap++;
			}
			nl = r->buf + r->len;
			r->len++;
			break;
		}
	}
	s = (char *)r->buf + r->pos;
	n = (size_t)((char *)nl - s);
	*nl = '\0';
	if (n > 0 && s[n - 1] == '\r')
		s[--n] = '\0';
	r->pos = (size_t)((unsigned char *)nl - r->buf) + 1;
	r->line++;
	*lenp = n;
	return s;
}

int
vec_format_parse(const char *s)
{
	if (strcmp(s, "firth") == 0)
		return VEC_FIRTH;
	if (strcmp(s, "glove") == 0 || strcmp(s, "text") == 0)
		return VEC_GLOVE;
	if (strcmp(s, "word2vec") == 0 || strcmp(s, "w2v") == 0)
		return VEC_W2V;
	if (strcmp(s, "word2vec-binary") == 0 || strcmp(s, "bin") == 0)
		return VEC_W2V_BIN;
	cli_usage_die("--format: '%s' is not one of firth, glove, word2vec, "
	    "word2vec-binary", s);
}

const char *
vec_format_name(int format)
{
	switch (format) {
	case VEC_FIRTH: return "firth";
	case VEC_GLOVE: return "glove";
	case VEC_W2V: return "word2vec";
	case VEC_W2V_BIN: return "word2vec-binary";
	default: return "auto";
	}
}

/* Growing storage for the set being read. */
struct build {
	struct vecset *vs;
	size_t cap;		/* rows allocated */
	size_t wlen, wcap;	/* word buffer */
	size_t *woff;
};

static void
build_add(struct build *b, const char *word, size_t len, const float *v)
{
	struct vecset *vs = b->vs;

	if (vs->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		vs->v = xreallocarray(vs->v, b->cap, (size_t)vs->dim *
		    sizeof(float));
		b->woff = xreallocarray(b->woff, b->cap, sizeof(size_t));
	}
	if (b->wlen + len + 1 > b->wcap) {
		b->wcap = (b->wlen + len + 1) * 2;
		vs->wordbuf = xrealloc(vs->wordbuf, b->wcap);
	}
	memcpy(vs->wordbuf + b->wlen, word, len);
	vs->wordbuf[b->wlen + len] = '\0';
	b->woff[vs->n] = b->wlen;
	b->wlen += len + 1;
	if (v != NULL)
		memcpy(vs->v + (size_t)vs->n * vs->dim, v, (size_t)vs->dim *
		    sizeof(float));
	vs->n++;
}

/*
 * The finished set.  A word twice would be its own nearest neighbour
 * and make every lookup of it ambiguous: refused, in every format.
 */
static struct vecset *
build_done(struct build *b, const char *name)
{
	struct vecset *vs = b->vs;
	struct vocab *seen = vocab_new();

	vs->words = xreallocarray(NULL, vs->n + 1, sizeof(char *));
	for (uint32_t i = 0; i < vs->n; i++) {
		vs->words[i] = vs->wordbuf + b->woff[i];
		if (vocab_add(seen, vs->words[i], strlen(vs->words[i]), 1) !=
		    i)
			cli_die("%s: word '%.100s' appears twice (vectors %lld "
			    "and %u); a vector file holds each word once",
			    name, vs->words[i], (long long)vocab_find(seen,
			    vs->words[i], strlen(vs->words[i])) + 1, i + 1);
	}
	vocab_free(seen);
	free(b->woff);
	return vs;
}

static struct vecset *
read_stream(struct rd *r)
{
	struct stream_reader *sr;
	struct build b = { 0 };
	const char *w;
	size_t len;
	float *v;

	sr = stream_ropen_peeked(r->f, r->name, STREAM_VECTORS, r->buf + r->pos,
	    r->len - r->pos);
	b.vs = xcalloc(1, sizeof(*b.vs));
	b.vs->dim = stream_rheader(sr)->dim;
	v = xreallocarray(NULL, b.vs->dim, sizeof(float));
	while (stream_read_vector(sr, &w, &len, v)) {
		for (uint32_t k = 0; k < b.vs->dim; k++)
			if (!isfinite(v[k]))
				cli_die("%s: vector %u (%.*s) has a NaN or "
				    "infinite value", r->name, b.vs->n,
				    (int)len, w);
		build_add(&b, w, len, v);
	}
	free(v);
	stream_rclose(sr);
	return build_done(&b, r->name);
}

/*
 * Parse one text row "word f1 ... fd" into b.  The first row of a GloVe
 * file fixes dim.
 */
static void
parse_row(struct rd *r, struct build *b, char *s, float **tmp)
{
	char *p = s, *end, *word;
	size_t wlen;
	uint32_t k = 0, cap;

	while (*p == ' ' || *p == '\t')
		p++;
	word = p;
	while (*p != ' ' && *p != '\t' && *p != '\0')
		p++;
	wlen = (size_t)(p - word);
	if (wlen == 0)
		cli_die("%s:%llu: empty line where a word and its vector were "
		    "expected", r->name, (unsigned long long)r->line);
	cap = b->vs->dim ? b->vs->dim : 64;
	if (b->vs->dim == 0)
		*tmp = xreallocarray(*tmp, cap, sizeof(float));
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (k == cap) {
			if (b->vs->dim != 0)
				cli_die("%s:%llu: more than %u numbers (the "
				    "first row had %u): ragged rows", r->name,
				    (unsigned long long)r->line, cap, cap);
			cap *= 2;
			*tmp = xreallocarray(*tmp, cap, sizeof(float));
		}
		errno = 0;
		(*tmp)[k] = strtof(p, &end);
		if (end == p || (*end != ' ' && *end != '\t' && *end != '\0'))
			cli_die("%s:%llu: '%.20s' is not a number", r->name,
			    (unsigned long long)r->line, p);
		if (!isfinite((*tmp)[k]))
			cli_die("%s:%llu: infinite or NaN value", r->name,
			    (unsigned long long)r->line);
		k++;
		p = end;
	}
	word[wlen] = '\0';
	if (b->vs->dim == 0) {
		if (k == 0)
			cli_die("%s:%llu: a word without a vector", r->name,
			    (unsigned long long)r->line);
		if (k > STREAM_MAX_DIM)
			cli_die("%s:%llu: %u numbers is more than firth "
			    "reads", r->name, (unsigned long long)r->line, k);
		b->vs->dim = k;
	} else if (k != b->vs->dim)
		cli_die("%s:%llu: %u numbers where %u were expected: ragged "
		    "rows or a wrong dimension", r->name,
		    (unsigned long long)r->line, k, b->vs->dim);
	build_add(b, word, wlen, *tmp);
}

/* Does "s" hold exactly two positive integers? */
static int
w2v_header(const char *s, unsigned long long *n, unsigned long long *d)
{
	char extra;

	return sscanf(s, "%llu %llu %c", n, d, &extra) == 2;
}

/*
 * Is p[0..len) (the bytes after a word2vec header) a text row "word x1
 * x2 ...", some numbers, ending at a newline or at the end of the input?
 */
static int
w2v_text_row(const unsigned char *p, size_t len)
{
	const unsigned char *nl = memchr(p, '\n', len);
	size_t n = nl != NULL ? (size_t)(nl - p) : len;
	char *s = xmalloc(n + 1), *q, *end;
	uint32_t k = 0;
	int ok = 1;

	memcpy(s, p, n);
	s[n] = '\0';
	q = s + strcspn(s, " \t");	/* skip the word */
	for (;;) {
		q += strspn(q, " \t\r");
		if (*q == '\0')
			break;
		(void)strtof(q, &end);
		if (end == q || (*end != '\0' && strchr(" \t\r", *end) ==
		    NULL)) {
			ok = 0;
			break;
		}
		k++;
		q = end;
	}
	free(s);
	/*
	 * Any count of numbers means text, whatever the header's dim says: a
	 * wrong count is then reported with its line number rather than as a
	 * garbled binary file.
	 */
	return ok && k >= 1 && memchr(p, '\0', n) == NULL;
}

/*
 * After the header's n vectors only the newline some writers put after
 * each vector may follow.  More is either rows the header does not count
 * (a file appended to, or a header written too early) or garbage; both
 * would be dropped silently by a reader that stops at n.
 */
static void
w2v_binary_end(struct rd *r, unsigned long long n, size_t vb)
{
	unsigned char *p, *sp;
	size_t left;

	for (;;) {
		while (r->pos < r->len && r->buf[r->pos] == '\n')
			r->pos++;
		if (r->pos < r->len || !rd_more(r))
			break;
	}
	if (r->pos == r->len)
		return;
	/* Enough of the rest to tell a row from garbage. */
	while (r->len - r->pos < STREAM_MAX_WORD + 1 + vb && rd_more(r))
		;
	p = r->buf + r->pos;
	left = r->len - r->pos;
	sp = memchr(p, ' ', left < STREAM_MAX_WORD + 1 ? left :
	    STREAM_MAX_WORD + 1);
	if (sp != NULL && sp > p && left - (size_t)(sp - p) - 1 >= vb)
		cli_die("%s: the header promises %llu vectors, but more "
		    "follow (a header that undercounts the rows)", r->name, n);
	cli_die("%s: %zu%s bytes of trailing garbage after the %llu "
	    "vectors the header promises", r->name, left,
	    !feof(r->f) ? " or more" : "", n);
}

static struct vecset *
read_w2v_binary(struct rd *r, struct build *b, unsigned long long n)
{
	size_t vb = (size_t)b->vs->dim * sizeof(float), wl;
	float *v = xreallocarray(NULL, b->vs->dim, sizeof(float));
	unsigned char *p, *sp;

	for (unsigned long long i = 0; i < n; i++) {
		/* Skip the newline some writers put after each vector. */
		for (;;) {
			if (r->pos == r->len && !rd_more(r))
				cli_die("%s: truncated: %llu of %llu vectors",
				    r->name, i, n);
			if (r->buf[r->pos] != '\n')
				break;
			r->pos++;
		}
		for (;;) {
			p = r->buf + r->pos;
			sp = memchr(p, ' ', r->len - r->pos);
			if (sp != NULL && r->len - (size_t)(sp - r->buf) - 1 >=
			    vb)
				break;
			if ((sp == NULL && r->len - r->pos > STREAM_MAX_WORD) ||
			    !rd_more(r))
				cli_die("%s: vector %llu: %s", r->name, i + 1,
				    sp == NULL ? "no space after the word" :
				    "truncated (file ends inside a vector)");
		}
		wl = (size_t)(sp - p);
		if (wl > STREAM_MAX_WORD)
			cli_die("%s: vector %llu: a word of %zu bytes, longer "
			    "than the %u firth reads", r->name, i + 1, wl,
			    STREAM_MAX_WORD);
		/* A NUL would end the word early for every later reader. */
		if (memchr(p, '\0', wl) != NULL)
			cli_die("%s: vector %llu: a NUL byte inside the word",
			    r->name, i + 1);
		memcpy(v, sp + 1, vb);
		for (uint32_t k = 0; k < b->vs->dim; k++)
			if (!isfinite(v[k]))
				cli_die("%s: vector %llu has a NaN or infinite "
				    "value", r->name, i + 1);
		build_add(b, (const char *)p, wl, v);
		r->pos += wl + 1 + vb;
	}
	free(v);
	w2v_binary_end(r, n, vb);
	return build_done(b, r->name);
}

struct vecset *
vec_read(FILE *f, const char *name, int format)
{
	struct rd r = { f, name, NULL, 0, 0, 1 << 16, 0 };
	struct build b = { 0 };
	unsigned long long n = 0, d = 0;
	float *tmp = NULL;
	char *s;
	size_t len;
	int binary = 0;

	r.buf = xmalloc(r.cap);
	while (r.len < STREAM_MAGIC_LEN && rd_more(&r))
		;
	if (r.len == 0)
		cli_die("%s: empty input where vectors were expected",
		    name);
	if (stream_is_magic(r.buf, r.len)) {
		if (format != VEC_AUTO && format != VEC_FIRTH)
			cli_die("%s: this is a firth stream, not %s", name,
			    vec_format_name(format));
		b.vs = read_stream(&r);
		free(r.buf);
		return b.vs;
	}
	if (format == VEC_FIRTH)
		cli_die("%s: not a firth vector stream", name);
	b.vs = xcalloc(1, sizeof(*b.vs));
	s = rd_line(&r, &len);
	if (s == NULL)
		cli_die("%s: empty input where vectors were expected", name);
	if (format != VEC_GLOVE && w2v_header(s, &n, &d)) {
		if (d == 0 || d > STREAM_MAX_DIM || n > (1ULL << 31))
			cli_die("%s:1: word2vec header '%s' is out of range",
			    name, s);
		b.vs->dim = (uint32_t)d;
		/*
		 * Binary unless the first vector's line is a word and then
		 * only numbers (a binary row's float bytes are not).
		 */
		if (format == VEC_W2V_BIN)
			binary = 1;
		else if (format == VEC_AUTO && n > 0) {
			size_t win = 32 * (size_t)d + 4096;
			while (r.len - r.pos < win && rd_more(&r))
				;
			binary = !w2v_text_row(r.buf + r.pos, r.len - r.pos);
		}
		if (binary) {
			b.vs = read_w2v_binary(&r, &b, n);
			free(r.buf);
			return b.vs;
		}
		tmp = xreallocarray(NULL, b.vs->dim, sizeof(float));
	} else if (format == VEC_W2V)
		cli_die("%s:1: '%.40s' is not a word2vec header (count dim)",
		    name, s);
	else
		parse_row(&r, &b, s, &tmp);
	while ((s = rd_line(&r, &len)) != NULL) {
		if (len == 0)
			continue;
		parse_row(&r, &b, s, &tmp);
	}
	if (n > 0 && b.vs->n != n)
		cli_die("%s: the header promises %llu vectors, the file has "
		    "%u", name, n, b.vs->n);
	free(tmp);
	free(r.buf);
	return build_done(&b, name);
}

void
vec_free(struct vecset *vs)
{
	if (vs == NULL)
		return;
	free(vs->words);
	free(vs->wordbuf);
	free(vs->v);
	free(vs);
}

/*
 * The shortest of %.6g .. %.9g that reads back as the same float32 (9
 * digits always do), so that "0.418" from a GloVe file stays "0.418"
 * and a conversion round trip is exact.
 */
static const char *
float_text(float x, char *buf)
{
	for (int prec = 6; prec < 9; prec++) {
		snprintf(buf, 32, "%.*g", prec, x);
		if (strtof(buf, NULL) == x)
			return buf;
	}
	snprintf(buf, 32, "%.9g", x);
	return buf;
}

static void
write_text(FILE *f, const char *name, int header, char *const *words,
    uint32_t n, uint32_t dim, const float *m, size_t stride)
{
	char buf[32];

	if (header && fprintf(f, "%u %u\n", n, dim) < 0)
		cli_die("write error on %s: %s", name, strerror(errno));
	for (uint32_t i = 0; i < n; i++) {
		const float *row = m + (size_t)i * stride;
		fputs(words[i], f);
		for (uint32_t k = 0; k < dim; k++)
			fprintf(f, " %s", float_text(row[k], buf));
		if (putc('\n', f) == EOF)
			cli_die("write error on %s: %s", name,
			    strerror(errno));
	}
}

void
vec_write(FILE *f, const char *name, int format, char *const *words,
    uint32_t n, uint32_t dim, const float *m, size_t stride, int level)
{
	struct stream_header h = { 0 };
	struct stream_writer *w;

	/* Text and word2vec formats end a word at white space. */
	if (format != VEC_FIRTH)
		for (uint32_t i = 0; i < n; i++)
			if (words[i][0] == '\0' || strpbrk(words[i], " \t\n\r")
			    != NULL)
				cli_die("%s: word %u ('%s') is empty or holds "
				    "white space, which %s cannot store", name,
				    i + 1, words[i], vec_format_name(format));
	/* Never write a word that vec_read (and a firth stream) refuses. */
	for (uint32_t i = 0; i < n; i++)
		if (strlen(words[i]) > STREAM_MAX_WORD)
			cli_die("%s: word %u ('%.40s...') is %zu bytes, longer "
			    "than the %u a vector file may hold", name, i + 1,
			    words[i], strlen(words[i]), STREAM_MAX_WORD);

	switch (format) {
	case VEC_FIRTH:
		h.kind = STREAM_VECTORS;
		h.dim = dim;
		h.count = n;
		w = stream_wopen(f, name, &h, NULL, level);
		for (uint32_t i = 0; i < n; i++)
			stream_write_vector(w, words[i], strlen(words[i]),
			    m + (size_t)i * stride);
		stream_wclose(w);
		break;
	case VEC_GLOVE:
		write_text(f, name, 0, words, n, dim, m, stride);
		break;
	case VEC_W2V:
		write_text(f, name, 1, words, n, dim, m, stride);
		break;
	case VEC_W2V_BIN:
		if (fprintf(f, "%u %u\n", n, dim) < 0)
			cli_die("write error on %s: %s", name,
			    strerror(errno));
		for (uint32_t i = 0; i < n; i++) {
			fputs(words[i], f);
			putc(' ', f);
			xfwrite(m + (size_t)i * stride, sizeof(float), dim, f,
			    name);
			putc('\n', f);
		}
		break;
	default:
		cli_die("internal error: vector format %d", format);
	}
	if (fflush(f) != 0 || ferror(f))
		cli_die("write error on %s: %s", name, strerror(errno));
}
