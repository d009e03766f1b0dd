/*
 * test_conll.c - checks of lib/conll.c (TAP on stdout): phrase scoring of
 * hand-made IOB1, IOB2 and IOBES sequences whose phrase counts were
 * worked out by hand with conlleval's rules, and the CoNLL reader on
 * small in-memory files (-DOCSTART- anywhere, blank lines, CRLF, token
 * text, a missing tag column, document numbers), and IOBES re-encoding
 * against hand-written sequences, decoded back to IOB1 and IOB2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conll.h"
#include "tap.h"

/* Split a space-separated tag string into at most 32 tags. */
static int
split(char *s, char **out)
{
	int n = 0;

	for (char *p = strtok(s, " "); p != NULL && n < 32;
	    p = strtok(NULL, " "))
		out[n++] = p;
	return n;
}

/*
 * Score pred against gold (one sentence each) and compare the overall
 * gold / found / correct phrase counts with the hand-made ones.
 */
static void
score(const char *what, const char *gold, const char *pred, int ng, int nf,
    int nc)
{
	char gbuf[256], pbuf[256], *g[32], *q[32];
	struct conll_score sc;
	int n1, n2;
	int64_t G = 0, F = 0, C = 0;

	memset(&sc, 0, sizeof(sc));
	snprintf(gbuf, sizeof(gbuf), "%s", gold);
	snprintf(pbuf, sizeof(pbuf), "%s", pred);
	n1 = split(gbuf, g);
	n2 = split(pbuf, q);
	if (n1 != n2) {
		ok(0, "%s: test has %d gold and %d predicted tags", what, n1,
		    n2);
		return;
	}
	conll_score_add(&sc, g, q, n1);
	for (int t = 0; t < sc.ntypes; t++) {
		G += sc.gold[t];
		F += sc.found[t];
		C += sc.correct[t];
	}
	ok(G == ng && F == nf && C == nc, "%s: gold %lld (want %d), found "
	    "%lld (want %d), correct %lld (want %d)", what, (long long)G, ng,
	    (long long)F, nf, (long long)C, nc);
}

static void
check_scoring(void)
{
	/* IOB1: B- only separates two adjacent phrases of one type */
	score("IOB1 'I-PER I-PER B-PER' is 2 phrases",
	    "I-PER I-PER B-PER", "I-PER I-PER B-PER", 2, 2, 2);
	score("IOB2 'B-PER I-PER B-PER' is 2 phrases",
	    "B-PER I-PER B-PER", "B-PER I-PER B-PER", 2, 2, 2);
	score("IOB1 and IOB2 spellings of the same phrases agree",
	    "I-PER I-PER B-PER O I-LOC", "B-PER I-PER B-PER O B-LOC",
	    3, 3, 3);
	score("a type switch inside an I- run starts a new phrase",
	    "I-ORG I-ORG I-LOC I-LOC", "I-ORG I-ORG I-ORG I-ORG", 2, 1, 0);
	score("a phrase at the sentence end is closed and counted",
	    "O O B-MISC I-MISC", "O O B-MISC I-MISC", 1, 1, 1);
	score("a one-token phrase at the end is counted",
	    "O O O I-LOC", "O O O O", 1, 0, 0);
	score("a right start but a wrong end is not correct",
	    "B-PER I-PER O", "B-PER O O", 1, 1, 0);
	score("a right span but a wrong type is not correct",
	    "B-PER I-PER O", "B-ORG I-ORG O", 1, 1, 0);
	score("a predicted phrase too long is not correct",
	    "B-LOC O O", "B-LOC I-LOC O", 1, 1, 0);
	score("IOB2: I- after O starts a phrase (as conlleval does)",
	    "O I-PER I-PER O", "O B-PER I-PER O", 1, 1, 1);
	score("IOBES: S- and E- close phrases",
	    "S-PER B-LOC E-LOC S-LOC O", "S-PER B-LOC E-LOC S-LOC O",
	    3, 3, 3);
	score("all O: no phrases", "O O O", "O O O", 0, 0, 0);
	score("mixed: 4 gold, 4 found, 2 correct",
	    "B-PER I-PER O B-LOC O B-ORG I-ORG B-MISC",
	    "B-PER I-PER O B-ORG O B-ORG O B-MISC", 4, 4, 2);

	/* token accuracy and per-type P/R/F over two sentences */
	struct conll_score sc;
	char a[] = "B-PER I-PER O B-LOC", b[] = "B-PER O O B-LOC";
	char c[] = "O B-PER", d[] = "O B-PER";
	char *g[8], *q[8];
	double p, r, f;
	int n;

	memset(&sc, 0, sizeof(sc));
	n = split(a, g);
	split(b, q);
	conll_score_add(&sc, g, q, n);
	n = split(c, g);
	split(d, q);
	conll_score_add(&sc, g, q, n);
	ok(sc.tokens == 6 && sc.tokens_correct == 5, "token counts over two "
	    "sentences: %lld of %lld right", (long long)sc.tokens_correct,
	    (long long)sc.tokens);
	/* overall: gold 3, found 3, correct 2: P = R = F = 66.67 */
	conll_score_prf(&sc, -1, &p, &r, &f);
	ok(p > 66.66 && p < 66.67 && r > 66.66 && r < 66.67 && f > 66.66 &&
	    f < 66.67, "overall P %.2f R %.2f F %.2f (by hand 66.67 each)",
	    p, r, f);
	/* PER: gold 2, found 2, correct 1; LOC: 1 of 1 */
	int per = strcmp(sc.type[0], "PER") == 0 ? 0 : 1;
	conll_score_prf(&sc, per, &p, &r, &f);
	ok(p == 50 && r == 50 && f == 50, "PER P %.2f R %.2f F %.2f (by hand "
	    "50 each)", p, r, f);
	conll_score_prf(&sc, 1 - per, &p, &r, &f);
	ok(p == 100 && r == 100 && f == 100, "LOC P R F all 100 (%.2f)", f);
	memset(&sc, 0, sizeof(sc));
	conll_score_prf(&sc, -1, &p, &r, &f);
	ok(p == 0 && r == 0 && f == 0, "no phrases at all: P = R = F = 0, "
	    "not a division by zero");
}

/* Read every sentence of text; returns them joined "tok/tag tok/tag|...". */
static void
read_all(const char *text, int tagged, int astext, char *out, size_t cap)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct conll_reader *r = conll_open(f, "mem", tagged, astext);
	struct conll_sent s = { 0 };
	size_t len = 0;

	out[0] = '\0';
	while (conll_next(r, &s)) {
		for (int i = 0; i < s.n; i++)
			len += snprintf(out + len, cap - len, "%s%s/%s",
			    i ? " " : "", s.tok[i], s.tag[i]);
		len += snprintf(out + len, cap - len, "|");
	}
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
}

/* Expect the reader to die on text with a message containing want. */
static void
read_dies(const char *what, const char *text, const char *want)
{
	char out[1024];
	int dead;

	TRY
		read_all(text, 1, 0, out, sizeof(out));
	dead = CATCH_END();
	ok(dead && strstr(tap_errmsg, want) != NULL, "%s: \"%.*s\"", what,
	    tap_msglen(), tap_errmsg);
}

static void
check_reader(void)
{
	char out[1024];

	read_all("-DOCSTART- -X- O O\n\nEU NNP B-ORG\nrejects VBZ O\n\n"
	    "Peter NNP B-PER\n", 1, 0, out, sizeof(out));
	ok(strcmp(out, "EU/B-ORG rejects/O|Peter/B-PER|") == 0,
	    "token = first column, tag = last, sentences split at blank "
	    "lines, no final blank line needed: %s", out);
	read_all("A x B-PER\n-DOCSTART- -X- O O\nB x I-PER\n\n\n\n"
	    "-DOCSTART- -X- O O\n\nC x O\n-DOCSTART- -X- O O\n", 1, 0, out,
	    sizeof(out));
	ok(strcmp(out, "A/B-PER B/I-PER|C/O|") == 0, "-DOCSTART- is ignored "
	    "wherever it stands, runs of blank lines are one break: %s",
	    out);
	read_all("\r\nA B-LOC\r\nb O\r\n\r\nC O\r\n", 1, 0, out, sizeof(out));
	ok(strcmp(out, "A/B-LOC b/O|C/O|") == 0, "CRLF line ends: %s", out);
	read_all("A\tNNP\tB-LOC\n  \t\nb  VB   O  \n", 1, 0, out, sizeof(out));
	ok(strcmp(out, "A/B-LOC|b/O|") == 0, "tabs and runs of spaces "
	    "separate columns; a whitespace-only line is a blank: %s", out);
	read_all("", 1, 0, out, sizeof(out));
	ok(strcmp(out, "") == 0, "empty input: no sentences");
	read_all("\n\n-DOCSTART- -X- O O\n\n", 1, 0, out, sizeof(out));
	ok(strcmp(out, "") == 0, "only blank lines and -DOCSTART-: no "
	    "sentences");
	read_all("A\nb\n\nc\n", 0, 0, out, sizeof(out));
	ok(strcmp(out, "A/ b/|c/|") == 0, "untagged CoNLL for prediction: a "
	    "token alone is fine: %s", out);
	read_all("The cat  sat\r\n\n  Oh\n", 0, 1, out, sizeof(out));
	ok(strcmp(out, "The/ cat/ sat/|Oh/|") == 0, "token text: a sentence "
	    "a line, blank lines skipped: %s", out);
	read_dies("a token without a tag column is an error",
	    "A NNP B-PER\nb\n", "mem:2: a token without a tag column");
	read_dies("a line with fewer columns than the first is an error",
	    "A NNP NP B-PER\nb NN O\n", "mem:2: 3 columns where earlier "
	    "lines had 4");
}

/* Re-encode tags (space-separated) as IOBES, check against want, decode
 * with scheme and check that back is the original. */
static void
iobes(const char *what, const char *tags, const char *want, int scheme)
{
	char buf[256], *t[32], enc[32][CONLL_TAGMAX], dec[32][CONLL_TAGMAX];
	char *e[32], got[512] = "", back[512] = "";
	int n;

	snprintf(buf, sizeof(buf), "%s", tags);
	n = split(buf, t);
	ok(conll_iobes(t, n, enc) == 0, "%s: encodes", what);
	for (int i = 0; i < n; i++) {
		e[i] = enc[i];
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
		    i ? " " : "", enc[i]);
	}
	ok(strcmp(got, want) == 0, "%s: IOBES %s (want %s)", what, got, want);
	ok(conll_unbiobes(e, n, scheme, dec) == 0, "%s: decodes", what);
	for (int i = 0; i < n; i++)
		snprintf(back + strlen(back), sizeof(back) - strlen(back),
		    "%s%s", i ? " " : "", dec[i]);
	ok(strcmp(back, tags) == 0, "%s: round trip %s (want %s)", what, back,
	    tags);
}

/* The scheme conll_scheme finds in one tag sequence. */
static int
scheme_of(const char *tags)
{
	char buf[256], *t[32];
	int seen = 0, n;

	snprintf(buf, sizeof(buf), "%s", tags);
	n = split(buf, t);
	conll_scheme_add(&seen, t, n);
	return conll_scheme(seen);
}

static void
check_iobes(void)
{
	iobes("IOB2", "B-PER I-PER O B-LOC B-LOC I-LOC O B-ORG",
	    "B-PER E-PER O S-LOC B-LOC E-LOC O S-ORG", CONLL_IOB2);
	iobes("IOB1", "I-PER I-PER O I-LOC B-LOC I-LOC O I-ORG I-MISC",
	    "B-PER E-PER O S-LOC B-LOC E-LOC O S-ORG S-MISC", CONLL_IOB1);
	iobes("IOB1, three phrases of one type in a row",
	    "I-LOC B-LOC B-LOC I-LOC I-LOC", "S-LOC S-LOC B-LOC I-LOC E-LOC",
	    CONLL_IOB1);
	iobes("no phrases", "O O O", "O O O", CONLL_IOB2);
	ok(scheme_of("O I-PER I-PER O") == CONLL_IOB1, "a phrase starting "
	    "with I- is IOB1");
	ok(scheme_of("O B-PER I-PER O") == CONLL_IOB2, "B- after O is IOB2");
	ok(scheme_of("I-PER B-PER O") == CONLL_IOB1, "B- only after its "
	    "own type is IOB1");

	/* a decoder given a model's broken IOBES still writes the phrases
	 * the scorer reads in it */
	char *bad[] = { "E-PER", "I-PER", "O", "I-LOC", "S-LOC", "E-ORG" };
	char dec[6][CONLL_TAGMAX], *d[6];
	struct conll_score a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	conll_unbiobes(bad, 6, CONLL_IOB1, dec);
	for (int i = 0; i < 6; i++)
		d[i] = dec[i];
	conll_score_add(&a, bad, bad, 6);
	conll_score_add(&b, bad, d, 6);
	ok(b.correct[0] + b.correct[1] + b.correct[2] == 5 && a.gold[0] +
	    a.gold[1] + a.gold[2] == 5, "broken IOBES decodes to the same 5 "
	    "phrases: %s %s %s %s %s %s", d[0], d[1], d[2], d[3], d[4], d[5]);
	char long_tag[80];
	memset(long_tag, 'X', sizeof(long_tag) - 1);
	long_tag[0] = 'B';
	long_tag[1] = '-';
	long_tag[sizeof(long_tag) - 1] = '\0';
	char *lt[] = { long_tag };
	ok(conll_iobes(lt, 1, dec) == -1, "a tag too long for CONLL_TAGMAX "
	    "is refused");
}

/* -DOCSTART- lines number the documents; a sentence carries the number
 * of those before its first token. */
static void
check_docs(void)
{
	const char *text = "A x O\n\n-DOCSTART- -X- O O\n\nB x O\n\nC x O\n"
	    "-DOCSTART- -X- O O\nD x O\n\n-DOCSTART- -X- O O\n\nE x O\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct conll_reader *r = conll_open(f, "mem", 1, 0);
	struct conll_sent s = { 0 };
	char got[64] = "";

	while (conll_next(r, &s))
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s:%lld ", s.tok[0], (long long)s.doc);
	ok(strcmp(got, "A:0 B:1 C:1 E:3 ") == 0, "document numbers: %s",
	    got);
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
}

int
main(void)
{
	cli_init(1, (char *[]){ "test_conll", NULL });
	check_scoring();
	check_reader();
	check_iobes();
	check_docs();
	return tap_done();
}
