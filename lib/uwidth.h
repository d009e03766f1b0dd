/*
 * uwidth.h - the width of UTF-8 text on a terminal, in columns, so that
 * tables line up when words are not ASCII ("amélia" is 7 bytes but 6
 * columns; a CJK character is 3 bytes and 2 columns).
 */
#ifndef FIRTH_UWIDTH_H
#define FIRTH_UWIDTH_H

#include <stdio.h>

/*
 * Columns s takes: the sum of utf8proc_charwidth over its code points
 * (combining marks 0, wide characters 2); an invalid byte counts 1.
 */
int uwidth(const char *s);
/* Print s left-aligned in a field of width columns (no cut if wider). */
void uwidth_pad(FILE *f, const char *s, int width);
/* Print s right-aligned in a field of width columns. */
void uwidth_rpad(FILE *f, const char *s, int width);

#endif
