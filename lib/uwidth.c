/*
 * uwidth.c - display width of UTF-8 words for aligned tables (see
 * uwidth.h).  printf's "%-24s" pads by bytes, which puts every word
 * with an accent a column short.
 */
#include "uwidth.h"

#include <string.h>
#include <sys/types.h>

#include <utf8proc.h>

int
uwidth(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int w = 0;

	while (*p != '\0') {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0) {
			w++;
			p++;
			continue;
		}
		w += utf8proc_charwidth(cp);
		p += n;
	}
	return w;
}

void
uwidth_pad(FILE *f, const char *s, int width)
{
	fputs(s, f);
	for (int w = uwidth(s); w < width; w++)
		putc(' ', f);
}

void
uwidth_rpad(FILE *f, const char *s, int width)
{
	for (int w = uwidth(s); w < width; w++)
		putc(' ', f);
	fputs(s, f);
}
