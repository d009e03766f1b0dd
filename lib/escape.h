/*
 * escape.h - words written into JSON strings and XML (SVG) text.  A word
 * is bytes, as the corpus had them: it may hold control bytes or bytes
 * that are not UTF-8, which neither format may carry raw.  Both escapers
 * write valid UTF-8 that a strict parser accepts, and keep every valid
 * character of the word as it is.
 */
#ifndef FIRTH_ESCAPE_H
#define FIRTH_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * The byte length of the valid UTF-8 character at s (1 to 4), or 0 when
 * the bytes there are not one (a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF, cut short).  s is NUL-terminated.
 */
size_t escape_utf8_len(const char *s);

/*
 * s as the contents of a JSON string (RFC 8259), without the quotes:
 * '"' and '\' backslashed, control bytes and DEL as \u00XX, each byte
 * that is not part of a valid UTF-8 character as \ufffd.  Write errors
 * are left to the caller's check of f.
 */
void escape_json(FILE *f, const char *s);
/* s as a whole JSON string, quotes and all. */
void escape_json_string(FILE *f, const char *s);
/* x as a JSON number with 6 decimals, or null when it is not finite. */
void escape_json_number(FILE *f, double x);

/*
 * s as XML 1.0 character data or an attribute value: & < > " ' as
 * entities; tab, newline and carriage return as character references;
 * other C0 control bytes, which XML 1.0 cannot carry at all, and bytes
 * that are not valid UTF-8 as U+FFFD (the replacement character).
 */
void escape_xml(FILE *f, const char *s);

#endif
