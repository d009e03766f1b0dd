/*
 * escape.c - JSON and XML escaping of words for firth-eval's --json and
 * plot output (escape.h).  UTF-8 is checked byte by byte as RFC 3629
 * defines it, so what comes out is what a strict parser reads back.
 */
#include "escape.h"

#include <math.h>
#include <string.h>

size_t
escape_utf8_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];

#define CONT(b) (((b) & 0xc0) == 0x80)
	if (c < 0x80)
		return 1;
	if (c < 0xc2)		/* a continuation byte, or an overlong pair */
		return 0;
	if (c < 0xe0)
		return CONT(s[1]) ? 2 : 0;
	if (c < 0xf0) {
		if (!CONT(s[1]) || !CONT(s[2]) ||
		    (c == 0xe0 && s[1] < 0xa0) ||	/* overlong */
		    (c == 0xed && s[1] >= 0xa0))	/* a surrogate */
			return 0;
		return 3;
	}
	if (c < 0xf5) {
		if (!CONT(s[1]) || !CONT(s[2]) || !CONT(s[3]) ||
		    (c == 0xf0 && s[1] < 0x90) ||	/* overlong */
		    (c == 0xf4 && s[1] >= 0x90))	/* past U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
#undef CONT
}

void
escape_json(FILE *f, const char *s)
{
	size_t n;

	while (*s != '\0') {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			s++;
		} else if ((n = escape_utf8_len(s)) == 0) {
			fputs("\\ufffd", f);
			s++;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
}

void
escape_xml(FILE *f, const char *s)
{
	size_t n;

	while (*s != '\0') {
		unsigned char c = (unsigned char)*s;
		const char *ent = NULL;

		switch (c) {
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '&': ent = "&amp;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&apos;"; break;
		case '\t': ent = "&#9;"; break;
		case '\n': ent = "&#10;"; break;
		case '\r': ent = "&#13;"; break;
		}
		if (ent != NULL) {
			fputs(ent, f);
			s++;
		} else if (c < 0x20 || (n = escape_utf8_len(s)) == 0) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			s++;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
}

void
escape_json_string(FILE *f, const char *s)
{
	putc('"', f);
	escape_json(f, s);
	putc('"', f);
}

void
escape_json_number(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.6f", x);
	else
		fputs("null", f);
}
