/*
 * cooc_sort.h - LSD radix sort of 64-bit occurrence words on chosen bit
 * fields, for firth-cooc's spills; cooc_sort_ref is its plain twin.
 */
#ifndef FIRTH_COOC_SORT_H
#define FIRTH_COOC_SORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sort a[0..n) by the bits [lo, hi) of each word (other bits ride along;
 * the order among equal fields is the input order).  tmp has room for n
 * words.  Returns a or tmp, whichever holds the result.  Only the bit
 * ranges in `fields' (pairs lo, hi; nfields of them, least significant
 * first) are sorted on, so known-zero gaps cost nothing.
 */
uint64_t *cooc_sort(uint64_t *a, uint64_t *tmp, size_t n,
    const int (*fields)[2], int nfields);
/* The same result by qsort, for tests. */
void cooc_sort_ref(uint64_t *a, size_t n, const int (*fields)[2],
    int nfields);

#endif
