/*
 * digest.h - the content digest that identifies a batch of input: the
 * SHA-256 of its bytes (nettle), and beside it the CRC-32 + Adler-32 +
 * length checksum that firth 0.1 recorded, so a batch an older firth
 * counted is still recognised as counted.
 *
 * Text forms, as the batches table keeps them (firth-db(5)):
 *
 *   digest  "sha256:" then the 32 bytes in unpadded base64url, 50 chars
 *           sha256:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU  (no bytes)
 *   legacy  CRC-32, Adler-32, length in hex joined by dashes, <= 34 chars
 *           00000000-00000001-0                                (no bytes)
 *   key     digest, one space, legacy: what db_batch_find and
 *           db_batch_add take; --force appends "+2", "+3", ... to it.
 *
 * base64url, not hex: the key's digest part stays under the 64 bytes a
 * slice merge message holds, and the alphabet has no '+' or space, the
 * key's separators.
 */
#ifndef FIRTH_DIGEST_H
#define FIRTH_DIGEST_H

#include <nettle/sha2.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_TEXT_LEN 51	/* "sha256:" + 43 base64url + NUL */
#define DIGEST_LEGACY_LEN 35	/* "%08x-%08x-%llx" + NUL */
#define DIGEST_KEY_LEN (DIGEST_TEXT_LEN + DIGEST_LEGACY_LEN) /* ' ', NUL */

struct digest {
	struct sha256_ctx sha;
	uint32_t crc, adler;	/* the legacy checksum's parts */
	uint64_t len;		/* bytes so far */
};

void digest_init(struct digest *d);
void digest_update(struct digest *d, const void *p, size_t n);
/* The text forms of all bytes so far; d is left as it was. */
void digest_text(const struct digest *d, char out[DIGEST_TEXT_LEN]);
void digest_legacy(const struct digest *d, char out[DIGEST_LEGACY_LEN]);
void digest_key(const struct digest *d, char out[DIGEST_KEY_LEN]);

/*
 * Split a key "DIGEST LEGACY[+N]" into the digest a new batch is recorded
 * under, "DIGEST[+N]", and the legacy one an old batch may have been,
 * "LEGACY[+N]" (empty when key has no space: then primary is key as it
 * is, a digest read back from a batches table).  Returns 0 when a part
 * does not fit its buffer.
 */
int digest_key_split(const char *key, char *primary, size_t psize,
    char *legacy, size_t lsize);

#endif
