/*
 * digest.c - batch digests: SHA-256 through nettle, which picks the
 * CPU's SHA instructions at run time where it has them (on x86-64 with
 * SHA-NI it hashes about as fast as zlib's CRC-32 and Adler-32 together,
 * which the legacy checksum still needs), and the text forms of digest.h.
 */
#include "digest.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

void
digest_init(struct digest *d)
{
	sha256_init(&d->sha);
	d->crc = crc32(0, NULL, 0);
	d->adler = adler32(0, NULL, 0);
	d->len = 0;
}

void
digest_update(struct digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;

	sha256_update(&d->sha, n, b);
	d->len += n;
	/* zlib's checksums take an unsigned int length. */
	while (n > 0) {
		unsigned k = n > (1u << 30) ? 1u << 30 : (unsigned)n;
		d->crc = crc32(d->crc, b, k);
		d->adler = adler32(d->adler, b, k);
		b += k;
		n -= k;
	}
}

void
digest_text(const struct digest *d, char out[DIGEST_TEXT_LEN])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	struct sha256_ctx c = d->sha;	/* sha256_digest resets its ctx */
	unsigned char h[SHA256_DIGEST_SIZE];
	char *o = out + 7;
	uint32_t v;
	size_t i;

	sha256_digest(&c, sizeof(h), h);
	memcpy(out, "sha256:", 7);
	/* 3 bytes to 4 characters; the last 2 bytes to 3 (no padding). */
	for (i = 0; i + 3 <= sizeof(h); i += 3) {
		v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8 | h[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8;
	*o++ = b64[v >> 18];
	*o++ = b64[v >> 12 & 63];
	*o++ = b64[v >> 6 & 63];
	*o = '\0';
}

void
digest_legacy(const struct digest *d, char out[DIGEST_LEGACY_LEN])
{
	snprintf(out, DIGEST_LEGACY_LEN, "%08x-%08x-%llx", d->crc, d->adler,
	    (unsigned long long)d->len);
}

void
digest_key(const struct digest *d, char out[DIGEST_KEY_LEN])
{
	digest_text(d, out);
	out[DIGEST_TEXT_LEN - 1] = ' ';
	digest_legacy(d, out + DIGEST_TEXT_LEN);
}

int
digest_key_split(const char *key, char *primary, size_t psize,
    char *legacy, size_t lsize)
{
	const char *sp = strchr(key, ' '), *plus;
	int n;

	if (sp == NULL) {
		legacy[0] = '\0';
		return snprintf(primary, psize, "%s", key) < (int)psize;
	}
	plus = strchr(sp, '+');
	if (plus == NULL)
		plus = sp + strlen(sp);
	n = snprintf(primary, psize, "%.*s%s", (int)(sp - key), key, plus);
	if (n < 0 || (size_t)n >= psize)
		return 0;
	n = snprintf(legacy, lsize, "%s", sp + 1);
	return n >= 0 && (size_t)n < lsize;
}
