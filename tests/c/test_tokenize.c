/*
 * test_tokenize.c - TAP unit tests of lib/tokenize.c: the edge cases of
 * firth-tokenize(1), the ASCII fast path against utf8proc, and streaming:
 * the same bytes fed in chunks of every size, through windows of several
 * sizes, must give the same output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli.h"
#include "tap.h"
#include "tokenize.h"

struct sink {
	char *p;
	size_t n, cap;
};

static void
sink_write(void *ctx, const char *p, size_t n)
{
	struct sink *s = ctx;

	if (s->n + n + 1 > s->cap) {
		s->cap = (s->n + n + 1) * 2;
		s->p = xrealloc(s->p, s->cap);
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
	s->p[s->n] = '\0';
}

/*
 * Tokenize in[0..n) with options o, fed in pieces of `chunk' bytes (0: all
 * at once); returns the output (caller frees) and the statistics.
 */
static char *
tokenize_mem(const struct tok_opts *o, const char *in, size_t n, size_t chunk,
    struct tok_stats *st)
{
	struct sink s = { xcalloc(1, 1), 0, 1 };
	struct tokenizer *t = tokenize_new(o, sink_write, &s);

	if (chunk == 0)
		chunk = n;
	for (size_t i = 0; i < n; i += chunk)
		tokenize_feed(t, in + i, n - i < chunk ? n - i : chunk);
	tokenize_finish(t);
	if (st != NULL)
		*st = *tokenize_stats(t);
	tokenize_free(t);
	return s.p;
}

/* Output of in (n bytes) under o equals want. */
static void
expect_n(const struct tok_opts *o, const char *in, size_t n,
    const char *want, const char *what)
{
	char *got = tokenize_mem(o, in, n, 0, NULL);
	int good = strcmp(got, want) == 0;

	ok(good, "%s", what);
	if (!good)
		printf("#   got  \"%s\"\n#   want \"%s\"\n", got, want);
	free(got);
}

static void
expect(const struct tok_opts *o, const char *in, const char *want,
    const char *what)
{
	expect_n(o, in, strlen(in), want, what);
}

static void
test_separators(void)
{
	struct tok_opts o;

	tokenize_defaults(&o);
	expect(&o, "", "", "empty input gives no output");
	expect(&o, " \t\r\n\n\f\v \n", "", "only separators give no output");
	expect_n(&o, "a\0b\0\0c\n\0", 9, "a b c\n",
	    "NUL bytes separate tokens");
	expect(&o, "\x01x\x1f\x7fy\n", "x y\n", "control bytes separate");
	expect(&o, "a \xc2\x85 b\xe2\x80\xa8" "c", "a b c\n",
	    "C1 controls and U+2028 separate");
	expect(&o, "one\ntwo three\n\nfour", "one\ntwo three\nfour\n",
	    "a line is a document; no empty lines; last line ended");
	expect(&o, "a\r\nb\r\n", "a\nb\n", "CRLF lines");
	expect(&o, "  lead   and  trail  \n", "lead and trail\n",
	    "one space between tokens, none at the ends");
}

static void
test_invalid(void)
{
	static const struct {
		const char *in, *want;
		uint64_t invalid;
		const char *what;
	} cases[] = {
		{ "a\xe2\x82" "b", "a b\n", 2, "truncated 3-byte sequence" },
		{ "a\xf0\x9f\x98", "a\n", 3, "sequence cut by end of input" },
		{ "a\xc0\xaf" "b", "a b\n", 2, "overlong 2-byte '/'" },
		{ "a\xe0\x80\xaf" "b", "a b\n", 3, "overlong 3-byte" },
		{ "a\xf0\x80\x80\xaf" "b", "a b\n", 4, "overlong 4-byte" },
		{ "a\xed\xa0\x80" "b", "a b\n", 3, "UTF-16 surrogate" },
		{ "a\xf4\x90\x80\x80" "b", "a b\n", 4, "above U+10FFFF" },
		{ "a\xff\xfe" "b", "a b\n", 2, "bytes FF FE" },
		{ "\x80\xbf", "", 2, "lone continuation bytes" },
		{ "caf\xe9 ok", "caf ok\n", 1, "Latin-1 byte in a word" },
	};
	struct tok_opts o;
	struct tok_stats st;
	char what[128];

	tokenize_defaults(&o);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = tokenize_mem(&o, cases[i].in, strlen(cases[i].in),
		    0, &st);
		snprintf(what, sizeof(what), "invalid UTF-8: %s separates, "
		    "%llu bytes counted", cases[i].what,
		    (unsigned long long)cases[i].invalid);
		ok(strcmp(got, cases[i].want) == 0 &&
		    st.invalid == cases[i].invalid, "%s", what);
		if (strcmp(got, cases[i].want) != 0 ||
		    st.invalid != cases[i].invalid)
			printf("#   got \"%s\" invalid %llu\n", got,
			    (unsigned long long)st.invalid);
		free(got);
	}
}

static void
test_unicode(void)
{
	struct tok_opts o;

	tokenize_defaults(&o);
	expect(&o, "cafe\xcc\x81 e\xcc\x81", "caf\xc3\xa9 \xc3\xa9\n",
	    "combining acute composes (NFC part of NFKC)");
	expect(&o, "\xcc\x81", "\xcc\x81\n", "a lone combining mark is a word");
	expect(&o, "\xef\xbc\xa6\xef\xbc\xb5\xef\xbc\xac\xef\xbc\xac "
	    "\xef\xbc\x91\xef\xbc\x92", "full 12\n",
	    "fullwidth letters and digits become ASCII");
	expect(&o, "\xef\xac\x81ne \xef\xac\x83", "fine ffi\n",
	    "ligatures fi and ffi are expanded");
	expect(&o, "Stra\xc3\x9f" "e", "strasse\n", "case fold: sharp s is ss");
	expect(&o, "\xc4\xb0stanbul", "i\xcc\x87stanbul\n",
	    "case fold: dotted capital I is i + U+0307");
	expect(&o, "\xce\xa3\xce\x91\xce\xa3 \xcf\x82",
	    "\xcf\x83\xce\xb1\xcf\x83 \xcf\x83\n",
	    "case fold: capital and final sigma become small sigma");
	expect(&o, "\xc2\xbd", "1\xe2\x81\x84" "2\n", "1/2 sign is NFKC 1/2");
	expect(&o, "x\xc2\xa8y", "x \xcc\x88 y\n",
	    "a symbol that NFKC turns into space + mark is split at the space");
	expect(&o, "hy\xc2\xadphen zero\xe2\x80\x8bwidth", "hyphen zero width\n",
	    "soft hyphen inside a word is removed; U+200B separates");
	expect(&o, "\xe2\x80\x9cQuote\xe2\x80\x9d \xe2\x82\xac" "5",
	    "\xe2\x80\x9c quote \xe2\x80\x9d \xe2\x82\xac 5\n",
	    "curly quotes and the euro sign are punctuation tokens");
	expect(&o, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xe6\x97\xa5"
	    "\xe6\x9c\xac\xe8\xaa\x9e\n", "CJK letters stay one word");
	o.keep_case = 1;
	expect(&o, "Stra\xc3\x9f" "e \xef\xbc\xa6X", "Stra\xc3\x9f" "e FX\n",
	    "--keep-case: NFKC without folding");
}

static void
test_joiners(void)
{
	struct tok_opts o;

	tokenize_defaults(&o);
	expect(&o, "Don't rock'n'roll O'Brien", "don't rock'n'roll o'brien\n",
	    "apostrophe between letters stays in the word");
	expect(&o, "don\xe2\x80\x99t", "don't\n",
	    "U+2019 between letters becomes an apostrophe");
	expect(&o, "'quoted' students' 90's", "' quoted ' students ' 90 ' s\n",
	    "apostrophe at a word's edge or after a digit is punctuation");
	expect(&o, "state-of-the-art covid-19 3-2", "state-of-the-art "
	    "covid-19 3-2\n", "hyphen between letters or digits stays");
	expect(&o, "-5 well--known end- x\xe2\x80\x90y",
	    "- 5 well - - known end - x-y\n",
	    "hyphen elsewhere is punctuation; U+2010 joins as '-'");
	expect(&o, "3.14 1,000,000 v1.2 end. a,b 5.", "3.14 1,000,000 v1.2 end "
	    ". a , b 5 .\n", "'.' and ',' join digits only");
	expect(&o, "U.S.", "u . s .\n", "abbreviations are split (CAVEATS)");
}

static void
test_urls(void)
{
	struct tok_opts o;

	tokenize_defaults(&o);
	expect(&o, "see http://x.org/a_(b)). HTTPS://Y.com/P?q=1&r=2, "
	    "ftp://f.net www.W3.org.", "see http://x.org/a_(b) ) . "
	    "https://y.com/p?q=1&r=2 , ftp://f.net www.w3.org .\n",
	    "URLs are kept whole, closing punctuation split off");
	expect(&o, "(John.Smith+x@Mail.Example.COM) a@b x@y.z1 me@host.org.",
	    "( john.smith+x@mail.example.com ) a @ b x @ y . z1 "
	    "me@host.org .\n", "e-mail addresses are kept whole");
	expect(&o, "http:// www. http:x", "http : / / www . http : x\n",
	    "a bare scheme is not a URL");
	o.urls = TOK_URL_DROP;
	expect(&o, "a http://x.org/b, c d@e.com f", "a , c f\n",
	    "--urls drop removes URLs and addresses");
	o.urls = TOK_URL_SPLIT;
	expect(&o, "http://x.org a@b.com", "http : / / x . org a @ b . com\n",
	    "--urls split tokenizes them as text");
}

static void
test_numbers_punct(void)
{
	struct tok_opts o;

	tokenize_defaults(&o);
	o.numbers = TOK_NUM_MAP;
	expect(&o, "In 1990, 3.14 and 1,000 1990s 2nd \xd9\xa3 \xe2\x85\xa0",
	    "in <num> , <num> and <num> 1990s 2nd <num> <num>\n",
	    "--numbers map: digits-only words become <num>");
	o.num_token = "NUM";
	expect(&o, "7", "NUM\n", "--num-token sets the placeholder");
	o.numbers = TOK_NUM_DROP;
	expect(&o, "a 12 b 3.5", "a b\n", "--numbers drop");
	tokenize_defaults(&o);
	o.punct = TOK_PUNCT_DROP;
	expect(&o, "Hello, world! (x) \xe2\x80\x94 don't \xe2\x82\xac",
	    "hello world x don't\n", "--punct drop removes punctuation");
	expect(&o, "!!! ...\n", "", "a line of punctuation only is no document");
}

static void
test_documents(void)
{
	struct tok_opts o;

	tokenize_defaults(&o);
	o.docs = TOK_DOC_PARA;
	expect(&o, "a\nb\n\nc\n \t\r\nd\n\n\n\ne", "a b\nc\nd\ne\n",
	    "--paragraphs: blank lines end documents");
	o.docs = TOK_DOC_WIKI;
	expect(&o, "<doc id=\"1\" title=\"T\">\nThe Title\n\nText one.\n"
	    "Two.\n</doc>\n<doc id=\"2\">\nEmpty\n</doc>\n<doc id=\"3\">\n"
	    "T3\n<b> x</doc>\n</doc>", "text one . two .\n< b > x < / doc >\n",
	    "--wiki: one line per article, tag and title lines dropped");
	o.text8 = 1;
	expect(&o, "<doc id=\"1\">\nTitle\nHello, World! 42 caf\xc3\xa9 "
	    "don't\n</doc>\n", "hello world caf don t\n",
	    "--wiki --text8: only a-z words");
	o.docs = TOK_DOC_LINE;
	expect(&o, "A-b_c http://x.y \xef\xbc\xa1", "a b c http x y\n",
	    "--text8: every non a-z byte separates, no NFKC");
}

static void
test_long(void)
{
	struct tok_opts o;
	struct tok_stats st;
	char *big = xmalloc(100001), *got;

	tokenize_defaults(&o);
	o.max_token = 5;
	memset(big, 'A', 100000);
	big[100000] = '\0';
	expect(&o, "abcdef ab abcde", "ab abcde\n",
	    "--max-token: longer tokens dropped");
	got = tokenize_mem(&o, big, 100000, 0, &st);
	ok(strcmp(got, "") == 0 && st.longtok == 1,
	    "a 100000-byte word is dropped and counted once");
	free(got);
	o.longtok = TOK_LONG_TRUNCATE;
	got = tokenize_mem(&o, big, 100000, 0, &st);
	ok(strcmp(got, "aaaaa\n") == 0 && st.longtok == 1,
	    "a 100000-byte word is truncated and counted once");
	free(got);
	expect(&o, "abcdefg \xc3\xa9\xc3\xa9\xc3\xa9", "abcde \xc3\xa9\xc3\xa9\n",
	    "truncation cuts on a character boundary");
	o.urls = TOK_URL_KEEP;
	expect(&o, "http://abc.de/", "http:\n", "long URLs are truncated too");
	free(big);
}

/* Every printable ASCII character alone: the fast path equals utf8proc. */
static void
test_ascii_table(void)
{
	struct tok_opts o;
	int bad = 0, badcls = 0;

	tokenize_defaults(&o);
	for (int c = 0x21; c < 0x7f; c++) {
		char in[4] = { (char)c, 0 }, want[16], *got;
		utf8proc_uint8_t *ref;
		utf8proc_category_t cat = utf8proc_category(c);
		int word = cat >= UTF8PROC_CATEGORY_LU &&
		    cat <= UTF8PROC_CATEGORY_NO;	/* L*, M*, N* */

		utf8proc_map((const utf8proc_uint8_t *)in, 1, &ref,
		    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
		    UTF8PROC_CASEFOLD);
		snprintf(want, sizeof(want), "%s\n", (char *)ref);
		got = tokenize_mem(&o, in, 1, 0, NULL);
		if (strcmp(got, want) != 0)
			bad++;
		free(got);
		/* Between two letters: one word iff utf8proc says letter or
		 * number, or it is an apostrophe or hyphen joiner. */
		snprintf(in, sizeof(in), "x%cy", c);
		got = tokenize_mem(&o, in, 3, 0, NULL);
		if ((strchr(got, ' ') == NULL) != (word || c == '\'' ||
		    c == '-'))
			badcls++;
		free(got);
		free(ref);
	}
	ok(bad == 0, "each ASCII character alone folds as utf8proc folds it");
	ok(badcls == 0, "ASCII byte classes agree with utf8proc categories");
}

/*
 * Reference twin of the ASCII fast path: a soft hyphen inside every word
 * sends it through utf8proc (which removes the soft hyphen); the output
 * must not change.
 */
static void
test_fast_vs_utf8proc(const char *text)
{
	struct tok_opts o;
	size_t n = strlen(text), k = 0;
	char *slow = xmalloc(3 * n + 1), *a, *b;

	for (size_t i = 0; i < n; i++) {
		slow[k++] = text[i];
		if (i + 1 < n && ((text[i] | 0x20) >= 'a' &&
		    (text[i] | 0x20) <= 'z') && ((text[i + 1] | 0x20) >= 'a' &&
		    (text[i + 1] | 0x20) <= 'z')) {
			slow[k++] = '\xc2';
			slow[k++] = '\xad';
		}
	}
	tokenize_defaults(&o);
	o.urls = TOK_URL_SPLIT;	/* a soft hyphen ends a URL */
	a = tokenize_mem(&o, text, n, 0, NULL);
	b = tokenize_mem(&o, slow, k, 0, NULL);
	ok(strcmp(a, b) == 0 && strlen(a) > 100,
	    "ASCII fast path equals the utf8proc path on mixed-case text");
	free(a);
	free(b);
	free(slow);
}

/*
 * Random text over an alphabet that hits every rule: letters of both
 * cases, digits, joiners, URL and e-mail pieces, non-ASCII, invalid bytes.
 * Deterministic (xorshift32 from a fixed seed).
 */
static char *
random_text(size_t n, uint32_t seed)
{
	static const char *const pieces[] = {
		"a", "b", "Z", "q", "e", "T", "0", "7", " ", " ", " ", "  ",
		"\n", "\n\n", ".", ",", "'", "-", "@", ":", "/", "_", "%",
		"+", "(", ")", "!", "\"", "\t", "http://", "www.", "HTTPS://",
		"x@y.com", ".org", "\xc3\xa9", "\xe2\x80\x99", "\xff",
		"\xef\xac\x81", "\xc2\xad", "\xe2\x80\x8b", "<doc id=1>\n",
		"</doc>\n", "", "longlonglonglonglonglonglonglonglong",
	};
	char *s = xmalloc(n + 64);
	size_t k = 0;
	uint32_t x = seed;

	while (k < n) {
		const char *p;
		size_t len;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p = pieces[x % (sizeof(pieces) / sizeof(pieces[0]))];
		len = p[0] == '\0' ? 1 : strlen(p);	/* "": one NUL byte */
		memcpy(s + k, p, len);
		k += len;
	}
	return s;
}

/*
 * The fast path for plain ASCII words (word_fast) against the general
 * path it shortcuts: same bytes and counts under every mode.
 */
static void
test_fast_vs_general(void)
{
	size_t n = 200000;
	char *text = random_text(n, 2463534242u);
	int bad = 0;

	for (int mode = 0; mode < 8; mode++) {
		struct tok_opts o;
		struct tok_stats s1, s2;
		char *a, *b;

		tokenize_defaults(&o);
		o.docs = mode % 3 == 0 ? TOK_DOC_LINE : mode % 3 == 1 ?
		    TOK_DOC_PARA : TOK_DOC_WIKI;
		o.text8 = mode == 3;
		o.keep_case = mode == 4;
		o.numbers = mode == 5 ? TOK_NUM_MAP : mode == 6 ?
		    TOK_NUM_DROP : TOK_NUM_KEEP;
		o.punct = mode == 7 ? TOK_PUNCT_DROP : TOK_PUNCT_SPLIT;
		o.max_token = mode == 2 ? 20 : 100;
		a = tokenize_mem(&o, text, n, 4093, &s1);
		o.nofast = 1;
		b = tokenize_mem(&o, text, n, 4093, &s2);
		if (strcmp(a, b) != 0 || memcmp(&s1, &s2, sizeof(s1)) != 0 ||
		    s1.tokens < 10000) {
			printf("#   mode %d differs (%llu vs %llu tokens)\n", mode,
			    (unsigned long long)s1.tokens,
			    (unsigned long long)s2.tokens);
			bad++;
		}
		free(a);
		free(b);
	}
	ok(bad == 0, "fast path equals the general path on 200 kB of "
	    "random text in 8 modes");
	free(text);
}

/*
 * The normalisation cache against utf8proc itself: 30000 distinct
 * non-ASCII words, twice over, so that entries collide and are replaced.
 */
static void
test_cache(void)
{
	size_t cap = 30000 * 2 * 16, n = 0;
	char *text = xmalloc(cap), *a, *b;
	struct tok_opts o;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 30000; i++)
			n += snprintf(text + n, cap - n, "%c\xc3\x89%d%s ",
			    'A' + i % 26, i, i % 7 == 0 ? "\xef\xac\x81" : "");
	tokenize_defaults(&o);
	a = tokenize_mem(&o, text, n, 0, NULL);
	o.nofast = 1;
	b = tokenize_mem(&o, text, n, 0, NULL);
	ok(strcmp(a, b) == 0 && strstr(a, " o\xc3\xa9" "14fi ") != NULL,
	    "normalisation cache gives utf8proc's result for 60000 words");
	free(a);
	free(b);
	free(text);
}

/*
 * Same output and counts for every chunk size from 1 to past the 512-byte
 * lookahead, through windows of 1, 3, 64 bytes and the default.
 */
static void
test_chunks(const char *text, size_t n, enum tok_docs docs, const char *name)
{
	static const size_t windows[] = { 1, 3, 64, 0 };
	struct tok_opts o;
	struct tok_stats st0, st;
	size_t maxchunk = n < 700 ? n : 700;
	char *want, *got, what[160];

	tokenize_defaults(&o);
	o.docs = docs;
	o.max_token = 40;
	o.longtok = TOK_LONG_TRUNCATE;
	want = tokenize_mem(&o, text, n, 0, &st0);
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		size_t badsize = 0;
		o.window = windows[w];
		for (size_t c = 1; c <= maxchunk && badsize == 0; c++) {
			got = tokenize_mem(&o, text, n, c, &st);
			if (strcmp(got, want) != 0 || memcmp(&st, &st0,
			    sizeof(st)) != 0)
				badsize = c;
			free(got);
		}
		snprintf(what, sizeof(what), "%s: same output for chunks of "
		    "1..%zu bytes, window %zu", name, maxchunk, windows[w]);
		ok(badsize == 0, "%s", what);
		if (badsize)
			printf("#   first differing chunk size %zu\n", badsize);
	}
	free(want);
}

int
main(void)
{
	static const char mixed[] =
	    "<doc id=\"1\" url=\"http://en.wikipedia.org/wiki?curid=1\">\n"
	    "Title Line\n\n"
	    "Don't stop: state-of-the-art 3.14 and 1,000,000 (see "
	    "http://example.org/a_(b)). Mail John.Smith@Example.COM now!\n"
	    "Caf\xc3\xa9 \xef\xac\x81ne \xef\xbc\xa6\xef\xbc\xb5\xef\xbc\xac"
	    "\xef\xbc\xac Stra\xc3\x9f" "e \xc4\xb0stanbul \xce\xa3\xce\x91"
	    "\xce\xa3 e\xcc\x81 rock\xe2\x80\x99n\xe2\x80\x99roll\n"
	    "bad \xff\xc0\xaf\xed\xa0\x80 bytes\0and\0NULs \xe2\x82 cut\n\n"
	    "averyveryveryveryveryveryveryveryveryveryveryveryveryverylongword "
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 "
	    "www.Example.com/" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.\n"
	    "</doc>\n<doc id=\"2\">\nSecond\n\nIt's 2024-11-24, "
	    "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac" "5 \xc2\xbd x\xc2\xa8y "
	    "hy\xc2\xadphen a@b.co. end\n</doc>\n";
	static const char prose[] =
	    "The Quick Brown Fox, said O'Neil, jumped over 12 lazy dogs; "
	    "don't you think it's state-of-the-art? Yes: 3.14, 1,000 and "
	    "Mary-Jane's well--known (parenthetical) remarks... END. "
	    "ABC def GHI jkl MNO pqr STU vwx YZ!";
	/* Enough copies that the text exceeds the 512-byte lookahead. */
	char *big = xmalloc(4 * sizeof(mixed));
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		memcpy(big + n, mixed, sizeof(mixed) - 1);
		n += sizeof(mixed) - 1;
	}
	big[n] = '\0';
	test_separators();
	test_invalid();
	test_unicode();
	test_joiners();
	test_urls();
	test_numbers_punct();
	test_documents();
	test_long();
	test_ascii_table();
	test_fast_vs_utf8proc(prose);
	test_fast_vs_general();
	test_cache();
	test_chunks(big, n, TOK_DOC_WIKI, "wiki");
	test_chunks(big, n, TOK_DOC_LINE, "lines");
	test_chunks(big, n, TOK_DOC_PARA, "paragraphs");
	free(big);
	return tap_done();
}
