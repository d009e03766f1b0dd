/*
 * tokenize.h - the streaming tokenizer behind firth-tokenize(1).
 *
 * Raw UTF-8 text goes in, in pieces of any size (tokenize_feed); token
 * text comes out through a write callback: one document per line, tokens
 * joined by one space, no empty lines.  Memory is constant: a fixed input
 * window with a small lookahead, and a token buffer bounded by the
 * longest token kept.  The rules (what is a token, how it is normalised)
 * are written out in firth-tokenize(1) and at the top of tokenize.c.
 *
 * Feeding the same bytes split at any points gives the same output; the
 * unit tests check that for every split size.
 */
#ifndef FIRTH_TOKENIZE_H
#define FIRTH_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

enum tok_docs { TOK_DOC_LINE, TOK_DOC_PARA, TOK_DOC_WIKI };
enum tok_punct { TOK_PUNCT_SPLIT, TOK_PUNCT_DROP };
enum tok_numbers { TOK_NUM_KEEP, TOK_NUM_MAP, TOK_NUM_DROP };
enum tok_urls { TOK_URL_KEEP, TOK_URL_DROP, TOK_URL_SPLIT };
enum tok_long { TOK_LONG_DROP, TOK_LONG_TRUNCATE };

#define TOK_MAX_TOKEN_LIMIT 65536	/* the most --max-token accepts */

struct tok_opts {
	enum tok_docs docs;
	enum tok_punct punct;
	enum tok_numbers numbers;
	enum tok_urls urls;
	enum tok_long longtok;
	int keep_case;		/* 0: case folding (the default) */
	int text8;		/* only a-z words; everything else separates */
	size_t max_token;	/* bytes, after normalisation; 1..LIMIT */
	const char *num_token;	/* placeholder for TOK_NUM_MAP, "<num>" */
	size_t window;		/* input window in bytes, 0 for the default;
				   tests make it tiny to stress the edges */
	int nofast;		/* tests: no fast path for plain ASCII words
				   and no normalisation cache, so every word
				   takes the general path */
};

struct tok_stats {
	uint64_t bytes;		/* input bytes consumed */
	uint64_t docs;		/* lines written */
	uint64_t tokens;	/* tokens written */
	uint64_t invalid;	/* bytes that were not valid UTF-8 */
	uint64_t longtok;	/* tokens over max_token, dropped or cut */
	uint64_t urls;		/* URLs and e-mail addresses seen */
};

/* Where the output goes: called with whole output buffers. */
typedef void tok_write_fn(void *ctx, const char *p, size_t n);

struct tokenizer;

/* Defaults: lines are documents, fold case, split punctuation, keep numbers
 * and URLs, drop tokens over 100 bytes. */
void tokenize_defaults(struct tok_opts *o);
struct tokenizer *tokenize_new(const struct tok_opts *o, tok_write_fn *w,
    void *ctx);
/* Consume n bytes of input; output may be written before it returns. */
void tokenize_feed(struct tokenizer *t, const void *p, size_t n);
/* End of input: ends the last document and flushes all output. */
void tokenize_finish(struct tokenizer *t);
const struct tok_stats *tokenize_stats(const struct tokenizer *t);
void tokenize_free(struct tokenizer *t);

#endif
