/*
 * glovecooc.h - read GloVe's own binary co-occurrence files
 * (cooccurrence.bin, cooccurrence.shuf.bin from its cooccur and shuffle
 * programs) as a firth co-occurrence stream, with the words from GloVe's
 * vocab.txt.  The format is described at the top of glovecooc.c.
 */
#ifndef FIRTH_GLOVECOOC_H
#define FIRTH_GLOVECOOC_H

#include <pthread.h>
#include <stdio.h>

#define GLOVECOOC_RECSIZE 16	/* int32 w1, int32 w2, float64 x */

/*
 * Copy GloVe records from in (named name in messages) to out as a firth
 * co-occurrence stream at zlib level `level' (or STREAM_LEVEL_AUTO), its
 * vocabulary the words of vocab_path in line order.  Every record is
 * checked (ids within the vocabulary, a finite count above 0, no partial
 * record at the end); a bad one dies with its number.  Returns the
 * number of records.
 */
unsigned long long glovecooc_convert(FILE *in, const char *name,
    const char *vocab_path, FILE *out, int level);

/*
 * The same conversion on a thread, into a pipe: returns the read end, a
 * firth stream that any stream reader takes (firth-glove, firth-shuffle
 * and firth-svd with --vocab); *t is the thread, for glovecooc_close.  A
 * bad record ends the process with the message, as any bad input does.
 */
FILE *glovecooc_open(FILE *in, const char *name, const char *vocab_path,
    pthread_t *t);
/*
 * Read what is left of f (a reader may stop after the header), close it
 * and wait for the thread, so that the process never exits while the
 * thread still writes.
 */
void glovecooc_close(FILE *f, pthread_t t);

/*
 * For a tool given --vocab: look at the first bytes of in.  A firth
 * stream is handed on unchanged (through the same kind of pipe, so that
 * nothing read is lost) with *converted 0; anything else is taken as
 * GloVe's records and converted, *converted 1.  glovecooc_close ends it.
 */
FILE *glovecooc_input(FILE *in, const char *name, const char *vocab_path,
    pthread_t *t, int *converted);

/*
 * 1 when the first 8 bytes of buf could begin a GloVe record (two ids of
 * at least 1 and below 2^28), for a hint on a stream that is not firth's.
 */
int glovecooc_sniff(const unsigned char *buf, size_t n);

#endif
