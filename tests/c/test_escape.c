/*
 * test_escape.c - TAP tests for lib/escape.c: UTF-8 told from bytes that
 * are not (RFC 3629's table: overlongs, surrogates, past U+10FFFF, stray
 * and missing continuation bytes), and words escaped for JSON and XML
 * exactly, control bytes and invalid UTF-8 included.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "tap.h"

/* The escaper's output for s, in a malloc'd string. */
static char *
escaped(void (*fn)(FILE *, const char *), const char *s)
{
	char *p = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&p, &len);

	fn(f, s);
	if (fclose(f) != 0)
		exit(1);
	return p;
}

static void
test_utf8(void)
{
	static const struct {
		const char *s, *what;
		size_t len;
	} cases[] = {
		{ "a", "ASCII", 1 },
		{ "\xc3\xa9", "U+00E9", 2 },
		{ "\xe2\x82\xac", "U+20AC", 3 },
		{ "\xf0\x9f\x98\x80", "U+1F600", 4 },
		{ "\xf4\x8f\xbf\xbf", "U+10FFFF", 4 },
		{ "\xef\xbf\xbd", "U+FFFD", 3 },
		{ "\x80", "a stray continuation byte", 0 },
		{ "\xc0\xaf", "an overlong '/' in two bytes", 0 },
		{ "\xc1\xbf", "an overlong in two bytes (C1)", 0 },
		{ "\xe0\x80\xaf", "an overlong '/' in three bytes", 0 },
		{ "\xf0\x80\x80\xaf", "an overlong '/' in four bytes", 0 },
		{ "\xed\xa0\x80", "the surrogate U+D800", 0 },
		{ "\xf4\x90\x80\x80", "U+110000", 0 },
		{ "\xf5\x80\x80\x80", "a lead byte past F4", 0 },
		{ "\xff", "the byte FF", 0 },
		{ "\xc3", "a character cut short by the end", 0 },
		{ "\xe2\x82" "a", "a character cut short by ASCII", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(escape_utf8_len(cases[i].s) == cases[i].len,
		    "escape_utf8_len: %s is %zu", cases[i].what, cases[i].len);
}

static void
test_json(void)
{
	static const struct {
		const char *in, *out, *what;
	} cases[] = {
		{ "plain", "plain", "ASCII unchanged" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac",
		  "valid UTF-8 unchanged" },
		{ "a\"b\\c", "a\\\"b\\\\c", "quote and backslash" },
		{ "a\x01" "b\nc\x1f\x7f", "a\\u0001b\\u000ac\\u001f\\u007f",
		  "control bytes and DEL as \\u00XX" },
		{ "x\xffy\xc3", "x\\ufffdy\\ufffd",
		  "invalid bytes as \\ufffd, one each" },
		{ "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd",
		  "a surrogate's three bytes as three \\ufffd" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = escaped(escape_json, cases[i].in);
		ok(strcmp(got, cases[i].out) == 0, "escape_json: %s (got "
		    "'%s')", cases[i].what, got);
		free(got);
	}
}

static void
test_xml(void)
{
	static const struct {
		const char *in, *out, *what;
	} cases[] = {
		{ "plain", "plain", "ASCII unchanged" },
		{ "caf\xc3\xa9", "caf\xc3\xa9", "valid UTF-8 unchanged" },
		{ "<a href=\"x\">&'", "&lt;a href=&quot;x&quot;&gt;&amp;&apos;",
		  "markup characters as entities" },
		{ "a\tb\nc\rd", "a&#9;b&#10;c&#13;d",
		  "tab, newline, CR as character references" },
		{ "a\x01" "b\x1b", "a\xef\xbf\xbd" "b\xef\xbf\xbd",
		  "other control bytes as U+FFFD" },
		{ "x\xffy\x80", "x\xef\xbf\xbdy\xef\xbf\xbd",
		  "invalid bytes as U+FFFD" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = escaped(escape_xml, cases[i].in);
		ok(strcmp(got, cases[i].out) == 0, "escape_xml: %s",
		    cases[i].what);
		free(got);
	}
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_utf8();
	test_json();
	test_xml();
	return tap_done();
}
