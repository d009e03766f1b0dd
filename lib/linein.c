/*
 * linein.c - text lines of bounded length, every failure an error.
 */
#include "linein.h"

#include <errno.h>
#include <string.h>

#include "cli.h"

ssize_t
linein_get(char **linep, size_t *capp, FILE *f, const char *name,
    unsigned long lineno, size_t max)
{
	size_t n = 0;
	int c = 0;

	flockfile(f);
	for (;;) {
		/* Room for this byte and the NUL; never more than max + 2. */
		if (n + 2 > *capp) {
			size_t cap = *capp ? *capp * 2 : 256;
			if (cap > max + 2)
				cap = max + 2;
			*linep = xrealloc(*linep, cap);
			*capp = cap;
		}
		if ((c = getc_unlocked(f)) == EOF)
			break;
		(*linep)[n++] = (char)c;
		if (c == '\n')
			break;
		if (n > max) {
			funlockfile(f);
			cli_die("%s:%lu: a line longer than %zu bytes: not the "
			    "text this reads", name, lineno, max);
		}
	}
	funlockfile(f);
	if (c == EOF && ferror(f))
		cli_die("read error on %s: %s", name, strerror(errno));
	if (n == 0)
		return -1;
	(*linep)[n] = '\0';
	return (ssize_t)n;
}
