/*
 * tokenize.c - streaming Unicode tokenizer: raw UTF-8 text in, token text
 * out (one document per line, tokens joined by one space).
 *
 * The rules, in the order they are tried at each character:
 *
 *   separators   white space (Z*), control and unassigned characters,
 *                NUL, and bytes that are not valid UTF-8 (counted) end a
 *                token and are dropped.  A newline ends a document (or, by
 *                mode, a blank line or a </doc> line does).
 *   words        runs of letters (L*), marks (M*) and numbers (N*).  A word
 *                starting with http://, https://, ftp:// or www., or shaped
 *                like an e-mail address, is kept whole (or dropped).
 *   joiners      inside a word, an apostrophe (' or U+2019) between two
 *                letters stays ("don't", "o'brien"); a hyphen (-, U+2010,
 *                U+2011) between letters or digits stays
 *                ("state-of-the-art", "covid-19"); a '.' or ',' between
 *                digits stays ("3.14", "1,000").  Elsewhere they are
 *                punctuation.
 *   punctuation  every other character (P*, S*) is a token of its own, or
 *                is dropped.
 *   format       format characters (Cf: soft hyphen, zero-width joiner)
 *                inside a word are removed; elsewhere, and U+200B ZERO
 *                WIDTH SPACE and U+FEFF everywhere, they separate.
 *
 * Each word is then NFKC-normalised and case-folded (utf8proc).  Words of
 * ASCII bytes only are folded with a table and never reach utf8proc; the
 * commonest of them (letters then a space or plain punctuation) are
 * folded straight into the output by word_fast, the path that keeps
 * mostly-ASCII text well above 100 MB/s.  Short non-ASCII words keep
 * their normal forms in a small cache.  A word with digits and no letters
 * is a number (kept, mapped, or dropped).
 *
 * Memory: the window (256 kB + LOOK), the output buffer (128 kB), the
 * token buffer (4 max_token + 64 bytes), the cache (4096 x 98 bytes) and
 * utf8proc's scratch for one token: about 1 MB with the defaults.
 *
 * Streaming: input is copied into a window of `window' bytes followed by
 * LOOK bytes of lookahead.  The scanner only starts a step at a position
 * with LOOK bytes after it (or once the input has ended), so every
 * decision that peeks ahead -- the character after a joiner, a URL
 * prefix, a whole e-mail address, a <doc> tag -- sees all it needs, and
 * the state between steps (an open word or URL, lines to skip) lives in
 * struct tokenizer.  A word longer than the token buffer is counted and
 * its tail discarded, so memory is bounded whatever the input.
 */
#include "tokenize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli.h"

#define LOOK 512		/* lookahead bytes; > the longest e-mail */
#define WINDOW_DEFAULT (256 * 1024)
#define OUTSZ (128 * 1024)	/* > TOK_MAX_TOKEN_LIMIT + 1 */
#define NCACHE 4096		/* entries of the normalisation cache */
#define NCACHE_RAW 32		/* longest word cached, bytes in */
#define NCACHE_OUT 64		/* longest result cached, bytes out */
#define EMAIL_LOCAL_MAX 64	/* RFC 5321 limits, bytes */
#define EMAIL_DOMAIN_MAX 253

/* Byte classes; C_HIGH bytes start (or fail to start) a UTF-8 sequence. */
enum {
	C_SEP, C_NL, C_LOWER, C_UPPER, C_DIGIT, C_APOS, C_HYPHEN, C_NUMSEP,
	C_PUNCT, C_HIGH
};
/*
 * One entry of the normalisation cache: a raw word and its NFKC (folded)
 * form.  Words follow Zipf's law, so a few thousand entries spare most
 * non-ASCII words the trip through utf8proc.  Direct-mapped by hash.
 */
struct ncache {
	unsigned char rawlen, outlen;	/* rawlen 0: empty */
	unsigned char raw[NCACHE_RAW];
	unsigned char out[NCACHE_OUT];
};

/* What a character is, for the joiner rules. */
enum { K_OTHER = 0, K_LETTER = 1, K_DIGIT = 2 };	/* bits, see word_run */

struct tokenizer {
	struct tok_opts o;
	tok_write_fn *write;
	void *ctx;
	unsigned char cls[256];		/* byte class, per mode */
	unsigned char fold[256];	/* ASCII case folding (or identity) */
	unsigned char wclass[256];	/* K_LETTER, K_DIGIT for ASCII alnum */
	unsigned char fastend[256];	/* ends a plain word: see word_fast */
	unsigned char *in;		/* [insz]: window + LOOK */
	size_t insz, inlen, inpos;
	/* The open token: raw bytes (ASCII already folded), [tokcap]. */
	unsigned char *tok;
	size_t tokcap, toklen;
	int intok, isurl, nonascii, overflow;
	int has_letter, has_digit, last;	/* last: K_* of last char */
	int counted;		/* this long token is already counted */
	/* Documents. */
	int docopen;		/* a token is on the current output line */
	int bol;		/* at the start of an input line */
	int blank;		/* input line blank so far (paragraphs) */
	int skip;		/* wiki: input lines still to skip */
	/* NFKC scratch: code points, then UTF-8 in place; [ucscap]. */
	utf8proc_int32_t *ucs;
	size_t ucscap;
	struct ncache *cache;		/* [NCACHE], made on first use */
	char *out;		/* [OUTSZ] */
	size_t outlen;
	struct tok_stats st;
};

void
tokenize_defaults(struct tok_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->docs = TOK_DOC_LINE;
	o->punct = TOK_PUNCT_SPLIT;
	o->numbers = TOK_NUM_KEEP;
	o->urls = TOK_URL_KEEP;
	o->longtok = TOK_LONG_DROP;
	o->max_token = 100;
	o->num_token = "<num>";
}

static void
classes_init(struct tokenizer *t)
{
	for (int c = 0; c < 256; c++) {
		unsigned char k;

		if (c >= 0x80)
			k = C_HIGH;
		else if (c == '\n')
			k = C_NL;
		else if (c <= ' ' || c == 0x7f)
			k = C_SEP;
		else if (c >= 'a' && c <= 'z')
			k = C_LOWER;
		else if (c >= 'A' && c <= 'Z')
			k = C_UPPER;
		else if (t->o.text8)
			k = C_SEP;	/* text8: only letters are kept */
		else if (c >= '0' && c <= '9')
			k = C_DIGIT;
		else if (c == '\'')
			k = C_APOS;
		else if (c == '-')
			k = C_HYPHEN;
		else if (c == '.' || c == ',')
			k = C_NUMSEP;
		else
			k = C_PUNCT;
		t->cls[c] = k;
		t->wclass[c] = k == C_LOWER || k == C_UPPER ? K_LETTER :
		    k == C_DIGIT ? K_DIGIT : K_OTHER;
		t->fold[c] = c;
		/* Bytes after which an ASCII word can be neither longer, nor
		 * a URL or e-mail address: separators and most punctuation. */
		t->fastend[c] = k == C_SEP || k == C_NL || (k == C_PUNCT &&
		    strchr("@:_%+", c) == NULL) || c == ',';
		if (k == C_UPPER && !t->o.keep_case)
			t->fold[c] = c - 'A' + 'a';
	}
}

struct tokenizer *
tokenize_new(const struct tok_opts *o, tok_write_fn *w, void *ctx)
{
	struct tokenizer *t = xcalloc(1, sizeof(*t));
	size_t window = o->window != 0 ? o->window : WINDOW_DEFAULT;

	t->o = *o;
	if (t->o.text8)
		t->o.keep_case = 0;
	if (t->o.num_token == NULL)
		t->o.num_token = "<num>";
	if (t->o.max_token < 1)
		t->o.max_token = 1;
	if (t->o.max_token > TOK_MAX_TOKEN_LIMIT)
		t->o.max_token = TOK_MAX_TOKEN_LIMIT;
	t->write = w;
	t->ctx = ctx;
	classes_init(t);
	t->insz = window + LOOK;
	t->in = xmalloc(t->insz);
	/*
	 * Raw bytes kept per token: NFKC with case folding shrinks text by at
	 * most 3 (Hangul jamo L+V+T, 9 bytes, compose to 3), so a word with
	 * more raw bytes than this is over max_token for sure.
	 */
	t->tokcap = 4 * t->o.max_token + 64;
	t->tok = xmalloc(t->tokcap);
	t->out = xmalloc(OUTSZ);
	t->bol = 1;
	t->blank = 1;
	return t;
}

void
tokenize_free(struct tokenizer *t)
{
	if (t == NULL)
		return;
	free(t->in);
	free(t->tok);
	free(t->ucs);
	free(t->cache);
	free(t->out);
	free(t);
}

const struct tok_stats *
tokenize_stats(const struct tokenizer *t)
{
	return &t->st;
}

/* Output. */

static void
out_flush(struct tokenizer *t)
{
	if (t->outlen > 0)
		t->write(t->ctx, t->out, t->outlen);
	t->outlen = 0;
}

static void
out_put(struct tokenizer *t, const void *p, size_t n)
{
	if (t->outlen + n > OUTSZ)
		out_flush(t);
	if (n > OUTSZ) {
		t->write(t->ctx, p, n);
		return;
	}
	memcpy(t->out + t->outlen, p, n);
	t->outlen += n;
}

/* Write one final token (no white space in it) on the current line. */
static void
out_token(struct tokenizer *t, const unsigned char *p, size_t n)
{
	char *d;

	if (n == 0)
		return;
	if (n > t->o.max_token) {
		if (!t->counted)
			t->st.longtok++;
		if (t->o.longtok == TOK_LONG_DROP)
			return;
		n = t->o.max_token;
		/* Cut on a character boundary, never inside one. */
		while (n > 0 && (p[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			return;
	}
	/* n <= TOK_MAX_TOKEN_LIMIT < OUTSZ: one flush makes room. */
	if (t->outlen + n + 1 > OUTSZ)
		out_flush(t);
	d = t->out + t->outlen;
	if (t->docopen)
		*d++ = ' ';
	if (n <= 16)		/* most words: no call to memcpy */
		for (size_t i = 0; i < n; i++)
			d[i] = p[i];
	else
		memcpy(d, p, n);
	t->outlen = d + n - t->out;
	t->docopen = 1;
	t->st.tokens++;
}

static void
doc_end(struct tokenizer *t)
{
	if (!t->docopen)
		return;
	out_put(t, "\n", 1);
	t->docopen = 0;
	t->st.docs++;
}

/* UTF-8. */

/*
 * Decode the character at p (p < end) into *cp; return its length, or 0
 * when the byte at p does not start a well-formed sequence (Unicode table
 * 3-7: no overlongs, no surrogates, nothing above U+10FFFF, no sequence
 * cut short).
 */
static int
utf8_decode(const unsigned char *p, const unsigned char *end,
    utf8proc_int32_t *cp)
{
	unsigned c = p[0], lo = 0x80, hi = 0xbf;
	int n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0) {
		n = 2;
		c &= 0x1f;
	} else if (c < 0xf0) {
		n = 3;
		c &= 0x0f;
		if (c == 0x0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xd)
			hi = 0x9f;	/* surrogates */
	} else {
		n = 4;
		c &= 0x07;
		if (c == 0)
			lo = 0x90;	/* overlong */
		else if (c == 4)
			hi = 0x8f;	/* above U+10FFFF */
	}
	if (end - p < n)
		return 0;
	for (int i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = (utf8proc_int32_t)c;
	return n;
}

/* Letter (L*, M*), digit (N*) or other, for a code point. */
static int
kind_of(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return K_LETTER;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return K_DIGIT;
	default:
		return K_OTHER;
	}
}

/* The kind of the character at p, for the joiner rules. */
static int
kind_at(const struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	utf8proc_int32_t cp;

	if (p >= end)
		return K_OTHER;
	switch (t->cls[*p]) {
	case C_LOWER: case C_UPPER: return K_LETTER;
	case C_DIGIT: return K_DIGIT;
	case C_HIGH:
		if (t->o.text8 || utf8_decode(p, end, &cp) == 0)
			return K_OTHER;
		return kind_of(cp);
	default: return K_OTHER;
	}
}

/*
 * NFKC (and case folding) of the valid UTF-8 p[0..n) with utf8proc into
 * t->ucs; returns the length in bytes of the result, UTF-8 at
 * (unsigned char *)t->ucs.
 */
static size_t
normalize_utf8proc(struct tokenizer *t, const unsigned char *p, size_t n)
{
	utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPAT |
	    UTF8PROC_COMPOSE | UTF8PROC_IGNORE;
	utf8proc_ssize_t k;

	if (!t->o.keep_case)
		opt |= UTF8PROC_CASEFOLD;
	for (;;) {
		k = utf8proc_decompose(p, (utf8proc_ssize_t)n, t->ucs,
		    (utf8proc_ssize_t)t->ucscap, opt);
		if (k < 0)
			return 0;	/* cannot happen: p was validated */
		if ((size_t)k <= t->ucscap)
			break;
		t->ucscap = (size_t)k + 64;
		t->ucs = xreallocarray(t->ucs, t->ucscap, sizeof(*t->ucs));
	}
	k = utf8proc_reencode(t->ucs, k, opt);
	return k < 0 ? 0 : (size_t)k;
}

/*
 * The normalised form of p[0..n) in *out (valid until the next call),
 * from the cache when it is there; returns its length.
 */
static size_t
normalize(struct tokenizer *t, const unsigned char *p, size_t n,
    const unsigned char **out)
{
	struct ncache *e = NULL;
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t len;

	if (n <= NCACHE_RAW && !t->o.nofast) {
		if (t->cache == NULL)
			t->cache = xcalloc(NCACHE, sizeof(*t->cache));
		for (size_t i = 0; i < n; i++)
			h = (h ^ p[i]) * 16777619u;
		e = &t->cache[h & (NCACHE - 1)];
		if (e->rawlen == n && memcmp(e->raw, p, n) == 0) {
			*out = e->out;
			return e->outlen;
		}
	}
	len = normalize_utf8proc(t, p, n);
	*out = (const unsigned char *)t->ucs;
	if (e != NULL && len <= NCACHE_OUT) {
		e->rawlen = n;
		e->outlen = len;
		memcpy(e->raw, p, n);
		memcpy(e->out, t->ucs, len);
	}
	return len;
}

/*
 * Write text that holds non-ASCII characters: normalise it, and split it
 * where normalisation made white space or controls (U+00A8 DIAERESIS
 * becomes a space and a combining mark).
 */
static void
out_normalized(struct tokenizer *t, const unsigned char *p, size_t n)
{
	const unsigned char *s;
	size_t len = normalize(t, p, n, &s), i, j;

	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && s[j] > ' ' && s[j] != 0x7f; j++)
			;
		out_token(t, s + i, j - i);
	}
}

/* A punctuation or symbol character p[0..n), split off or dropped. */
static void
emit_punct(struct tokenizer *t, const unsigned char *p, size_t n, int ascii)
{
	t->blank = 0;
	if (t->o.punct == TOK_PUNCT_DROP)
		return;
	if (ascii)
		out_token(t, p, n);
	else
		out_normalized(t, p, n);
}

/* Words. */

static void
word_open(struct tokenizer *t)
{
	t->intok = 1;
	t->isurl = 0;
	t->nonascii = 0;
	t->overflow = 0;
	t->toklen = 0;
	t->has_letter = t->has_digit = 0;
	t->last = K_OTHER;
	t->blank = 0;
}

/* Append raw bytes (whole characters, already folded) to the open word. */
static void
word_add(struct tokenizer *t, const unsigned char *p, size_t n)
{
	if (t->overflow || t->toklen + n > t->tokcap) {
		t->overflow = 1;
		return;
	}
	memcpy(t->tok + t->toklen, p, n);
	t->toklen += n;
}

/* A URL keeps no closing punctuation: "(see http://x.org/a)." */
static size_t
url_trim(const unsigned char *p, size_t n)
{
	int open = 0;

	for (size_t i = 0; i < n; i++)
		open += (p[i] == '(') - (p[i] == ')');
	while (n > 0) {
		unsigned char c = p[n - 1];
		if (c == ')' && open < 0)
			open++;
		else if (c == '\0' || strchr(".,;:!?'\"]}", c) == NULL)
			break;
		n--;
	}
	return n;
}

static void
word_close(struct tokenizer *t)
{
	size_t n = t->toklen;

	t->intok = 0;
	if (t->isurl) {
		t->isurl = 0;
		t->st.urls++;
		if (!t->overflow) {
			size_t k = url_trim(t->tok, n);
			if (t->o.urls == TOK_URL_KEEP)
				out_token(t, t->tok, k);
			for (size_t i = k; i < n; i++)
				emit_punct(t, t->tok + i, 1, 1);
			return;
		}
		if (t->o.urls == TOK_URL_DROP)
			return;
	}
	if (t->overflow) {
		/* Over tokcap bytes, so over max_token once normalised. */
		t->st.longtok++;
		if (t->o.longtok == TOK_LONG_DROP)
			return;
		t->counted = 1;
		if (t->nonascii)
			out_normalized(t, t->tok, n);
		else
			out_token(t, t->tok, n);
		t->counted = 0;
		return;
	}
	if (t->has_digit && !t->has_letter && t->o.numbers != TOK_NUM_KEEP) {
		if (t->o.numbers == TOK_NUM_MAP)
			out_token(t, (const unsigned char *)t->o.num_token,
			    strlen(t->o.num_token));
		return;
	}
	if (t->nonascii)
		out_normalized(t, t->tok, n);
	else
		out_token(t, t->tok, n);
}

/* Documents. */

static void
newline(struct tokenizer *t)
{
	switch (t->o.docs) {
	case TOK_DOC_LINE:
		doc_end(t);
		break;
	case TOK_DOC_PARA:
		if (t->blank)
			doc_end(t);
		break;
	case TOK_DOC_WIKI:
		break;
	}
	t->blank = 1;
	t->bol = 1;
}

/* At the start of an input line in --wiki mode: <doc ...> or </doc>? */
static void
wiki_line(struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	size_t n = end - p;

	if (n >= 5 && memcmp(p, "<doc", 4) == 0 && (p[4] == ' ' ||
	    p[4] == '>')) {
		doc_end(t);
		t->skip = 2;	/* the tag line and the title line */
	} else if (n >= 6 && memcmp(p, "</doc>", 6) == 0) {
		doc_end(t);
		t->skip = 1;
	}
}

/* URLs and e-mail addresses. */

/* Does p start with s (lowercase ASCII), ignoring the case of p? */
static int
ascii_ieq(const unsigned char *p, const unsigned char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)s[i])
			return 0;
	}
	return 1;
}

/* Printable ASCII that may stand in a URL. */
static int
url_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && strchr("<>\"{}|\\^`", c) == NULL;
}

static int
url_starts(const unsigned char *p, const unsigned char *end)
{
	size_t n;

	if (ascii_ieq(p, end, "http://"))
		n = 7;
	else if (ascii_ieq(p, end, "https://"))
		n = 8;
	else if (ascii_ieq(p, end, "ftp://"))
		n = 6;
	else if (ascii_ieq(p, end, "www."))
		n = 4;
	else
		return 0;
	return p + n < end && url_char(p[n]) &&
	    strchr(".,;:!?'\")]}", p[n]) == NULL;
}

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_email_local(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	    c == '-';
}

/*
 * Length of the e-mail address at p, or 0: local@domain, the local part of
 * [A-Za-z0-9._%+-], the domain at least two dot-separated labels of
 * [A-Za-z0-9-], the last of two or more letters.  Reads at most
 * EMAIL_LOCAL_MAX + EMAIL_DOMAIN_MAX + 3 bytes (< LOOK).
 */
static size_t
email_len(const unsigned char *p, const unsigned char *end)
{
	size_t i = 0, at, lastdot = 0;

	while (p + i < end && i <= EMAIL_LOCAL_MAX && is_email_local(p[i]))
		i++;
	if (i == 0 || i > EMAIL_LOCAL_MAX || p + i >= end || p[i] != '@')
		return 0;
	at = ++i;
	while (p + i < end && i - at <= EMAIL_DOMAIN_MAX) {
		if (is_alnum(p[i]) || p[i] == '-')
			i++;
		else if (p[i] == '.' && i > at && p[i - 1] != '.' &&
		    p + i + 1 < end && is_alnum(p[i + 1]))
			lastdot = i++;
		else
			break;
	}
	if (lastdot == 0 || i - at > EMAIL_DOMAIN_MAX || i - lastdot < 3)
		return 0;
	for (size_t k = lastdot + 1; k < i; k++)
		if ((p[k] | 0x20) < 'a' || (p[k] | 0x20) > 'z')
			return 0;
	return i;
}

/* Scanning. */

/*
 * Append the run of ASCII letters and digits at p to the open word,
 * folded; past the token buffer's end they are only counted out
 * (overflow).
 */
static const unsigned char *
word_run(struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *s = p;
	unsigned w, seen = 0;
	size_t n, room;

	while (p < end && (w = t->wclass[*p]) != 0) {
		seen |= w;
		p++;
	}
	n = p - s;
	room = t->overflow ? 0 : t->tokcap - t->toklen;
	if (n > room) {
		n = room;
		t->overflow = 1;
	}
	for (size_t i = 0; i < n; i++)
		t->tok[t->toklen + i] = t->fold[s[i]];
	t->toklen += n;
	if (seen & K_LETTER)
		t->has_letter = 1;
	if (seen & K_DIGIT)
		t->has_digit = 1;
	if (p > s)
		t->last = t->wclass[p[-1]];
	return p;
}

/*
 * A word starts at p with an ASCII letter or digit: a URL, an e-mail
 * address or a word.  Only a run that stops at ':' or '.' can begin a URL
 * and only one that stops at one of "@._%+-" an address, so plain words
 * pay one comparison for them.
 */
static const unsigned char *
word_start(struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q;
	unsigned char c0 = *p | 0x20;
	size_t n;

	word_open(t);
	q = word_run(t, p, end);
	if (t->o.urls == TOK_URL_SPLIT || t->o.text8 || q == end)
		return q;
	if ((*q == ':' || *q == '.') && (c0 == 'h' || c0 == 'f' ||
	    c0 == 'w') && url_starts(p, end)) {
		t->isurl = 1;
		t->toklen = 0;
		return p;
	}
	if (is_email_local(*q) || *q == '@') {
		if ((n = email_len(p, end)) == 0)
			return q;
		t->intok = 0;
		t->st.urls++;
		if (t->o.urls == TOK_URL_KEEP) {
			unsigned char buf[EMAIL_LOCAL_MAX + EMAIL_DOMAIN_MAX + 2];
			for (size_t i = 0; i < n; i++)
				buf[i] = t->fold[p[i]];
			out_token(t, buf, n);
		}
		return p + n;
	}
	return q;
}

/*
 * The fast path for a word that starts at p: a run of ASCII letters and
 * digits ended by a byte of fastend (a ',' only after a letter), not a
 * number to map or drop, not too long.  Such a word -- most words of
 * English text -- is folded straight into the output.  Returns the end of
 * the word, or NULL when the word needs the general path (word_start),
 * which gives the same result and is the reference the tests hold this to.
 */
static const unsigned char *
word_fast(struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q = p, *lim;
	unsigned w, seen = 0;
	char *d0, *d;

	/* Fold while scanning, into the output past its end; commit only
	 * if the word qualifies.  Room: max_token + 1 < OUTSZ. */
	if (t->outlen + t->o.max_token + 2 > OUTSZ)
		out_flush(t);
	d0 = d = t->out + t->outlen + (t->docopen ? 1 : 0);
	lim = (size_t)(end - p) > t->o.max_token ? p + t->o.max_token : end;
	while (q < lim && (w = t->wclass[*q]) != 0) {
		seen |= w;
		*d++ = t->fold[*q++];
	}
	if (q == end || !t->fastend[*q] ||
	    (*q == ',' && t->wclass[q[-1]] == K_DIGIT) ||
	    (!(seen & K_LETTER) && t->o.numbers != TOK_NUM_KEEP))
		return NULL;	/* also when the word is over max_token */
	if (t->docopen)
		d0[-1] = ' ';
	t->outlen = d - t->out;
	t->docopen = 1;
	t->blank = 0;
	t->st.tokens++;
	/* The separators after it, saving a step per word. */
	while (q < end && t->cls[*q] == C_SEP)
		q++;
	return q;
}

/* Inside a URL: take URL characters up to end; close it at the first
 * other byte. */
static const unsigned char *
url_run(struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	unsigned char buf[256];
	size_t n = 0;

	while (p < end && url_char(*p)) {
		buf[n++] = t->fold[*p++];
		if (n == sizeof(buf)) {
			word_add(t, buf, n);
			n = 0;
		}
	}
	word_add(t, buf, n);
	if (p < end)
		word_close(t);
	return p;
}

/*
 * Does a joiner of class cls (apostrophe, hyphen, '.' or ',') inside the
 * open word join it to the character at next?  See the top of the file.
 */
static int
joins(const struct tokenizer *t, int cls, const unsigned char *next,
    const unsigned char *end)
{
	int k = kind_at(t, next, end);

	switch (cls) {
	case C_APOS:
		return t->last == K_LETTER && k == K_LETTER;
	case C_HYPHEN:
		return t->last != K_OTHER && k != K_OTHER;
	case C_NUMSEP:
		return t->last == K_DIGIT && k == K_DIGIT;
	}
	return 0;
}

/* A non-ASCII byte at p: one character, or one invalid byte. */
static const unsigned char *
high_step(struct tokenizer *t, const unsigned char *p,
    const unsigned char *end)
{
	utf8proc_int32_t cp;
	int n = utf8_decode(p, end, &cp), k, cls;

	if (n == 0) {
		t->st.invalid++;
		if (t->intok)
			word_close(t);
		return p + 1;
	}
	if (t->o.text8) {
		if (t->intok)
			word_close(t);
		return p + n;
	}
	if (cp == 0x2019 || cp == 0x2010 || cp == 0x2011) {
		cls = cp == 0x2019 ? C_APOS : C_HYPHEN;
		if (t->intok && joins(t, cls, p + n, end)) {
			word_add(t, (const unsigned char *)(cls == C_APOS ?
			    "'" : "-"), 1);
			t->last = K_OTHER;
			return p + n;
		}
		if (t->intok)
			word_close(t);
		emit_punct(t, p, n, 0);
		return p + n;
	}
	k = kind_of(cp);
	if (k != K_OTHER) {
		if (!t->intok)
			word_open(t);
		word_add(t, p, n);
		t->nonascii = 1;
		t->last = k;
		if (k == K_LETTER)
			t->has_letter = 1;
		else
			t->has_digit = 1;
		return p + n;
	}
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_CF:
		if (t->intok && cp != 0x200b && cp != 0xfeff) {
			word_add(t, p, n);	/* NFKC's ignore drops it */
			t->nonascii = 1;
			return p + n;
		}
		/* FALLTHROUGH */
	case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CS: case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		if (t->intok)
			word_close(t);
		return p + n;
	default:
		if (t->intok)
			word_close(t);
		emit_punct(t, p, n, 0);
		return p + n;
	}
}

/*
 * One step at p: consume at least one byte, or change state so that the
 * next step does.  Steps read at most LOOK bytes past p, never past end.
 */
static const unsigned char *
step(struct tokenizer *t, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q;
	int c;

	if (t->skip > 0) {
		q = memchr(p, '\n', end - p);
		if (q == NULL)
			return end;
		t->skip--;
		t->bol = 1;
		t->blank = 1;
		return q + 1;
	}
	if (t->isurl)
		return url_run(t, p, end);
	if (t->bol) {
		t->bol = 0;
		if (t->o.docs == TOK_DOC_WIKI && *p == '<') {
			wiki_line(t, p, end);
			if (t->skip > 0)
				return p;
		}
	}
	c = t->cls[*p];
	switch (c) {
	case C_LOWER: case C_UPPER: case C_DIGIT:
		if (t->intok)
			return word_run(t, p, end);
		if (!t->o.nofast && (q = word_fast(t, p, end)) != NULL)
			return q;
		return word_start(t, p, end);
	case C_SEP:
		if (t->intok)
			word_close(t);
		for (p++; p < end && t->cls[*p] == C_SEP; p++)
			;
		return p;
	case C_NL:
		if (t->intok)
			word_close(t);
		newline(t);
		return p + 1;
	case C_APOS: case C_HYPHEN: case C_NUMSEP:
		if (t->intok) {
			if (joins(t, c, p + 1, end)) {
				word_add(t, p, 1);
				t->last = K_OTHER;
				return p + 1;
			}
			word_close(t);
		}
		emit_punct(t, p, 1, 1);
		return p + 1;
	case C_PUNCT:
		if (t->intok)
			word_close(t);
		emit_punct(t, p, 1, 1);
		return p + 1;
	default:
		return high_step(t, p, end);
	}
}

/* Scan the window; unless final, stop LOOK bytes short of its end. */
static void
scan(struct tokenizer *t, int final)
{
	const unsigned char *p = t->in + t->inpos, *end = t->in + t->inlen;
	const unsigned char *limit = final ? end : end - LOOK;

	while (p < limit)
		p = step(t, p, end);
	t->inpos = p - t->in;
}

void
tokenize_feed(struct tokenizer *t, const void *data, size_t n)
{
	const unsigned char *p = data;

	t->st.bytes += n;
	while (n > 0) {
		size_t k;

		if (t->inlen == t->insz) {
			/* scan left at most LOOK bytes and window >= 1 */
			memmove(t->in, t->in + t->inpos, t->inlen - t->inpos);
			t->inlen -= t->inpos;
			t->inpos = 0;
		}
		k = t->insz - t->inlen;
		if (k > n)
			k = n;
		memcpy(t->in + t->inlen, p, k);
		t->inlen += k;
		p += k;
		n -= k;
		if (t->inlen - t->inpos > LOOK)
			scan(t, 0);
	}
}

void
tokenize_finish(struct tokenizer *t)
{
	scan(t, 1);
	t->inpos = t->inlen = 0;
	if (t->intok)
		word_close(t);
	doc_end(t);
	t->skip = 0;
	t->bol = t->blank = 1;
	out_flush(t);
}
