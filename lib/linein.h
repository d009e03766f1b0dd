/*
 * linein.h - read text lines of bounded length.  getline(3) grows its
 * buffer to fit any line, so one 1 GB line costs 1 GB, and when memory
 * runs out it returns -1 just as at the end of the file: the caller then
 * goes on with half its input as if it were all.  linein_get dies
 * instead, naming the file and the line, on a line longer than max, on
 * a read error and when memory runs out.
 */
#ifndef FIRTH_LINEIN_H
#define FIRTH_LINEIN_H

#include <stdio.h>
#include <sys/types.h>

#define LINEIN_MAX (1u << 20)	/* a line of words: 1 MiB is plenty */

/*
 * The next line of f into *line (grown as needed, *cap bytes), its
 * newline kept and a NUL after it, like getline; returns its length in
 * bytes, or -1 at the end of the input.  lineno is the number of the
 * line being read, for the message.
 */
ssize_t linein_get(char **line, size_t *cap, FILE *f, const char *name,
    unsigned long lineno, size_t max);

#endif
