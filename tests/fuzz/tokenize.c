/*
 * tokenize.c - fuzz target: the streaming tokenizer (lib/tokenize.c).
 *
 * Input: three control bytes, then raw text.  The controls pick the
 * options (documents, punctuation, numbers, URLs, long tokens, case,
 * text8, max_token), an input window, the fast path on or off, and the
 * size of the pieces the text is fed in.  The text is tokenized twice:
 * whole with the default window and the fast path, and in pieces with
 * the chosen window and path.  The two outputs and their counts must be
 * identical (tokenize.h promises it), and the output must be token text:
 * no empty line, no leading, trailing or doubled space.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "tokenize.h"

struct out {
	char *p;
	size_t n, cap;
};

static void
out_write(void *ctx, const char *p, size_t n)
{
	struct out *o = ctx;

	if (o->n + n > o->cap) {
		o->cap = (o->n + n) * 2;
		o->p = xrealloc(o->p, o->cap);
	}
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

struct arg {
	const uint8_t *text;
	size_t size, chunk;
	struct tok_opts o;
	struct out out;
	struct tok_stats st;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct tokenizer *t = tokenize_new(&a->o, out_write, &a->out);

	for (size_t off = 0; off < a->size; off += a->chunk)
		tokenize_feed(t, a->text + off, a->size - off < a->chunk ?
		    a->size - off : a->chunk);
	tokenize_finish(t);
	a->st = *tokenize_stats(t);
	tokenize_free(t);
}

/* Token text: lines of tokens joined by single spaces. */
static int
token_text(const struct out *o)
{
	int bol = 1;

	for (size_t i = 0; i < o->n; i++) {
		char c = o->p[i];
		if (c == '\n' || c == ' ') {
			if (bol)
				return 0;
			bol = 1;
		} else
			bol = 0;
		if (c == ' ' && (i + 1 == o->n || o->p[i + 1] == '\n'))
			return 0;
	}
	return o->n == 0 || o->p[o->n - 1] == '\n';
}

FUZZ_TARGET(tokenize)
{
	static const size_t chunks[16] = { 1, 2, 3, 5, 7, 11, 16, 31, 64,
	    100, 127, 255, 256, 511, 512, 1000 };
	static const size_t windows[4] = { 1, 3, 64, 0 };
	struct arg a, b;
	unsigned c0, c1, c2;

	if (size < 3)
		return 0;
	c0 = data[0];
	c1 = data[1];
	c2 = data[2];
	memset(&a, 0, sizeof(a));
	tokenize_defaults(&a.o);
	a.o.docs = c0 % 3;
	a.o.punct = c0 / 3 % 2;
	a.o.numbers = c0 / 6 % 3;
	a.o.urls = c0 / 18 % 3;
	a.o.longtok = c0 / 54 % 2;
	a.o.keep_case = c0 / 108 % 2;
	a.o.text8 = c1 & 1;
	a.o.max_token = c2 < 128 ? 1 + c2 % 64 : 100;
	a.text = data + 3;
	a.size = size - 3;
	b = a;
	a.chunk = a.size > 0 ? a.size : 1;
	b.chunk = chunks[c1 >> 4];
	b.o.nofast = c1 >> 1 & 1;
	b.o.window = windows[c1 >> 2 & 3];
	/* The tokenizer takes any bytes: it never rejects its input. */
	if (fuzz_call(body, &a) || fuzz_call(body, &b))
		abort();
	if (a.out.n != b.out.n || (a.out.n > 0 && memcmp(a.out.p, b.out.p,
	    a.out.n) != 0) || memcmp(&a.st, &b.st, sizeof(a.st)) != 0)
		abort();
	if (!token_text(&a.out))
		abort();
	free(a.out.p);
	free(b.out.p);
	return 0;
}
