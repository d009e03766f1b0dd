/*
 * test_cooc_text.c - the one parser of firth-cooc's text records
 * (lib/cooc_text.c): what each kind of line gives, and the message each
 * malformed line dies with, naming the file and the line.
 */
#include <string.h>

#include "cooc_text.h"
#include "tap.h"

static struct cooc_recin rin;

/* Parse a copy of line as line 7 of t.rec; returns whether it died. */
static int
parse(const char *line, struct cooc_textrec *t)
{
	static char buf[COOC_REC_MAXLINE + 2];

	snprintf(buf, sizeof(buf), "%s", line);
	rin.name = "t.rec";
	rin.line = 7;
	TRY {
		cooc_text_parse(buf, &rin, t);
	}
	return CATCH_END();
}

/* line dies with a message that holds want. */
static void
refused(const char *line, const char *want)
{
	struct cooc_textrec t;
	int died = parse(line, &t);

	ok(died && strstr(tap_errmsg, "t.rec: line 7: ") != NULL &&
	    strstr(tap_errmsg, want) != NULL, "refused '%s': %.*s", line,
	    tap_msglen(), tap_errmsg);
}

static void
test_kinds(void)
{
	struct cooc_textrec t;

	ok(!parse("s context=window window=2\t1", &t) && t.kind == 's' &&
	    strcmp(t.settings, "context=window window=2") == 0,
	    "settings record: the settings string");
	ok(!parse("t\t3 10", &t) && t.kind == 't' && t.nv == 2 &&
	    t.v[0] == 3 && t.v[1] == 10, "totals record: docs and tokens");
	ok(!parse("w the\t5", &t) && t.kind == 'w' && t.l1 == 3 &&
	    strcmp(t.w1, "the") == 0 && t.w2 == NULL && t.nv == 1 &&
	    t.v[0] == 5, "word record: the word and its count");
	ok(!parse("w big\t9223372036854775807", &t) && t.kind == 'w' &&
	    t.v[0] == INT64_MAX, "word record: a count of INT64_MAX");
	ok(!parse("p a bc\t2 3 18446744073709551615", &t) && t.kind == 'p' &&
	    strcmp(t.w1, "a") == 0 && t.l1 == 1 && strcmp(t.w2, "bc") == 0 &&
	    t.l2 == 2 && t.nv == 3 && t.v[0] == 2 && t.v[1] == 3 &&
	    t.v[2] == UINT64_MAX, "pair record: both words, 64-bit sums");
}

static void
test_refused(void)
{
	refused("garbage", "not a firth text record (no KEY<TAB>VALUE)");
	refused("\t1", "not a firth text record (no KEY<TAB>VALUE)");
	refused("w a\t0", "not a firth text record (s, t, w or p)");
	refused("w a\t9223372036854775808",
	    "not a firth text record (s, t, w or p)");
	refused("w a\t1 2", "not a firth text record (s, t, w or p)");
	refused("t\t1", "not a firth text record (s, t, w or p)");
	refused("x y\t1", "not a firth text record (s, t, w or p)");
	refused("w a b\t1", "a word record is 'w WORD', a pair 'p WORD1 "
	    "WORD2'");
	refused("p a\t1 1 1", "a word record is 'w WORD'");
	refused("p a b c\t1 1 1", "a word record is 'w WORD'");
	refused("p a b\t1 1", "a pair has 3 values (N DSUM H)");
	refused("p a b\t1 1 1 1", "not a firth text record (KEY<TAB>numbers)");
	refused("w a\t1x", "not a firth text record (KEY<TAB>numbers)");
	refused("w a\t 1", "not a firth text record (KEY<TAB>numbers)");
	refused("p a b\t18446744073709551616 1 1",
	    "18446744073709551616 does not fit in 64 bits");
}

static void
test_pair_check(void)
{
	struct shard_meta m = { SHARD_CANONICAL, 2, 2 };	/* window 2 */
	uint64_t good[3] = { 2, 3, 3 }, far[3] = { 1, 3, 2 },
	    heavy[3] = { 1, 1, 3 };

	rin.name = "t.rec";
	rin.line = 9;
	TRY {
		cooc_text_pair_check(good, &m, &rin);
	}
	ok(!CATCH_END(), "pair check: d = 1 and 2 give n 2, dsum 3, h 3");
	TRY {
		cooc_text_pair_check(far, &m, &rin);
	}
	ok(CATCH_END() && strstr(tap_errmsg, "t.rec: line 9: sums that 1 "
	    "occurrences within a window of 2 cannot have") != NULL,
	    "pair check: one occurrence cannot have dsum 3 in window 2");
	TRY {
		cooc_text_pair_check(heavy, &m, &rin);
	}
	ok(CATCH_END(), "pair check: one occurrence cannot have h 3 of unit 2");
}

int
main(void)
{
	test_kinds();
	test_refused();
	test_pair_check();
	return tap_done();
}
