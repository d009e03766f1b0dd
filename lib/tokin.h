/*
 * tokin.h - read token text: documents on lines, tokens separated by
 * spaces (the corpus format of GloVe and word2vec), plain or gzip, from
 * files or stdin, in constant memory however long a line is.  The reader
 * also keeps a content digest of everything it read (digest.h), so a
 * batch fed twice can be recognised.
 */
#ifndef FIRTH_TOKIN_H
#define FIRTH_TOKIN_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

#define TOKIN_MAXTOK 1024	/* longer tokens are cut to this many bytes */
#define TOKIN_DIGEST_LEN DIGEST_KEY_LEN	/* a batch key, digest.h */

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
 * Whole documents in bulk, for tools that count on several threads: fills
 * buf (cap bytes, at least TOKIN_MINBLOCK) with input that ends with a
 * newline, so no document is split, and returns its length; 0 at the end.
 * The end of each input file ends a document.  A document longer than cap
 * is split at a separator, and *cut is set (1) to say the next block
 * continues it; a token longer than cap is cut and the rest skipped.  Do
 * not mix with tokin_next on one reader.
 */
#define TOKIN_MINBLOCK (64u << 10)
size_t tokin_read_block(struct tokin *t, char *buf, size_t cap, int *cut);

/* Byte classes of token text: 0 token byte, 1 separator, 2 newline. */
extern const unsigned char tokin_class[256];

/*
 * The batch key (digest_key) of all bytes read so far, after gzip
 * decoding: what db_batch_find and db_batch_add take.
 */
void tokin_digest(const struct tokin *t, char out[TOKIN_DIGEST_LEN]);
/* The inputs' names joined by spaces ("-" for stdin). */
const char *tokin_source(const struct tokin *t);
uint64_t tokin_bytes(const struct tokin *t);	/* bytes read, decoded */
uint64_t tokin_truncated(const struct tokin *t); /* tokens cut short */
void tokin_close(struct tokin *t);

#endif
