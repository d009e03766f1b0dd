/*
 * varint.h - LEB128 variable-length unsigned integers, the one codec for
 * every firth format that stores small numbers compactly (shard blobs,
 * firth-glove's spool chunks, the word lists of state files).
 *
 * Seven bits a byte, least significant group first; the high bit of a
 * byte says another follows.  300 = 0b1_0010_1100 is
 *
 *	ac 02		(0x2c | 0x80, then 300 >> 7 = 2)
 *
 * A uint32_t takes 1 to 5 bytes, a uint64_t 1 to 10.  The decoders take
 * the end of the buffer and refuse (return 0) a number cut off by it, one
 * longer than its type allows, or one whose last byte sets bits above the
 * type's width: bytes read from a file are never trusted.
 */
#ifndef FIRTH_VARINT_H
#define FIRTH_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX32 5		/* bytes of the longest uint32_t */
#define VARINT_MAX64 10		/* bytes of the longest uint64_t */

/* Encode v at p (room for VARINT_MAX64 bytes); returns the bytes used. */
static inline size_t
varint_put64(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static inline size_t
varint_put32(unsigned char *p, uint32_t v)
{
	return varint_put64(p, v);
}

/*
 * Decode one number of at most `bits' bits (32 or 64) from *pp, not
 * reading at or past end; advance *pp.  Returns 1, or 0 for a number cut
 * off, too long or too large (then *pp and *v are unspecified).
 */
static inline int
varint_get(const unsigned char **pp, const unsigned char *end, int bits,
    uint64_t *v)
{
	const unsigned char *p = *pp;
	uint64_t x = 0;

	for (int shift = 0; shift < bits; shift += 7) {
		if (p == end)
			return 0;
		/* The last byte a width allows carries bits - shift bits. */
		if (bits - shift < 7 && (*p & 0x7f) >> (bits - shift) != 0)
			return 0;
		x |= (uint64_t)(*p & 0x7f) << shift;
		if ((*p++ & 0x80) == 0) {
			*pp = p;
			*v = x;
			return 1;
		}
	}
	return 0;
}

static inline int
varint_get32(const unsigned char **pp, const unsigned char *end, uint32_t *v)
{
	uint64_t x;

	if (!varint_get(pp, end, 32, &x))
		return 0;
	*v = (uint32_t)x;
	return 1;
}

static inline int
varint_get64(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	return varint_get(pp, end, 64, v);
}

#endif
