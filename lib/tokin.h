/*
 * tokin.h - read token text: documents on lines, tokens separated by
 * spaces (the corpus format of GloVe and word2vec), plain or gzip, from
 * files or stdin, in constant memory however long a line is.  The reader
 * also keeps a content digest of everything it read, so a batch fed twice
 * can be recognised.
 */
#ifndef FIRTH_TOKIN_H
#define FIRTH_TOKIN_H

#include <stddef.h>
#include <stdint.h>

#define TOKIN_MAXTOK 1024	/* longer tokens are cut to this many bytes */
#define TOKIN_DIGEST_LEN 40	/* "crc32-adler32-length" + NUL, as hex */

enum { TOKIN_EOF = 0, TOKIN_WORD = 1, TOKIN_EOD = 2 };

struct tokin;

/* nfiles 0, or a file named "-", reads stdin.  Open failures die. */
struct tokin *tokin_open(char **files, int nfiles);
/*
 * Next token: TOKIN_WORD with *tok and *len (not NUL-terminated, valid until
 * the next call), TOKIN_EOD at the end of a document that had at least one
 * token, TOKIN_EOF at the end of all input.
 */
int tokin_next(struct tokin *t, const char **tok, size_t *len);
/*
 * Content digest of all bytes read so far (after gzip decoding, with the
 * newline supplied at the end of a file that lacks one).
 */
void tokin_digest(const struct tokin *t, char out[TOKIN_DIGEST_LEN]);
/* The inputs' names joined by spaces ("-" for stdin). */
const char *tokin_source(const struct tokin *t);
uint64_t tokin_bytes(const struct tokin *t);	/* bytes read, decoded */
uint64_t tokin_truncated(const struct tokin *t); /* tokens cut short */
void tokin_close(struct tokin *t);

#endif
