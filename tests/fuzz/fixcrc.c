/*
 * fixcrc.c - make a mutated stream or shard blob pass its checksums.
 *
 * A fuzzer that flips a byte of a stream almost never gets past the CRC
 * that guards it, so the parsing behind the CRC (vocabulary frames,
 * records, varints) would stay unexplored.  The stream and shard targets
 * therefore run each input twice: as it is, and through these functions,
 * which rewrite the checksums, and the lengths and totals that only
 * restate what follows (stored lengths, trailer counts, the vocabulary's
 * fingerprint), so that the reader's other checks are what decides.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "shard.h"
#include "stream.h"

static uint32_t
get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i) & 0xff;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Inflate raw deflate data into out (cap bytes); length or -1. */
static long
inflate_into(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	z_stream z;
	long len = -1;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return -1;
	z.next_in = (uint8_t *)p;
	z.avail_in = n;
	z.next_out = out;
	z.avail_out = cap;
	if (inflate(&z, Z_FINISH) == Z_STREAM_END)
		len = (long)z.total_out;
	inflateEnd(&z);
	return len;
}

uint8_t *
fuzz_fix_stream(const uint8_t *data, size_t size)
{
	static const uint8_t magic[8] = { 0x89, 'F', 'R', 'T', 'H', '\r',
	    '\n', 0x1a };
	enum { MAXRAW = 1 << 20, MAXWORDS = 4096 };
	static uint8_t *raw;	/* [MAXRAW], kept for all inputs */
	uint8_t *b, *p;
	char *words[MAXWORDS];
	uint32_t L, dim, kind, nw = 0, crc = crc32(0, NULL, 0);
	uint64_t nrec = 0, rawbytes = 0;
	size_t pos;

	if (size < 50 || memcmp(data, magic, 8) != 0 ||
	    (L = get16(data + 44)) > 255 || 50 + L > size)
		return NULL;
	if ((b = malloc(size)) == NULL || (raw == NULL &&
	    (raw = malloc(MAXRAW)) == NULL))
		abort();
	memcpy(b, data, size);
	kind = get16(b + 10);
	dim = get32(b + 16);
	for (pos = 50 + L; pos + 16 <= size; ) {
		uint32_t type = b[pos], method = b[pos + 1];
		uint32_t zlen = get32(b + pos + 8), c;
		const uint8_t *r;
		long rl;

		p = b + pos + 16;
		if (zlen > size - pos - 16)
			break;
		if (type == 'E') {
			if (zlen == 24) {
				put64(p, nrec);
				put64(p + 8, rawbytes);
				put32(p + 16, crc);
				put32(b + pos + 12, crc32(0, p, 24));
			}
			break;
		}
		if (method == 0) {
			r = p;
			rl = zlen;
			put32(b + pos + 4, zlen);
		} else if ((rl = inflate_into(p, zlen, raw, MAXRAW)) >= 0) {
			r = raw;
			put32(b + pos + 4, (uint32_t)rl);
		} else {
			pos += 16 + zlen;
			continue;
		}
		c = crc32(0, r, (uInt)rl);
		put32(b + pos + 12, c);
		crc = crc32_combine(crc, c, rl);
		rawbytes += (uint64_t)rl;
		if (type == 'R' && kind == STREAM_COOC)
			nrec += (uint64_t)rl / sizeof(struct cooc_rec);
		else if (type == 'R')
			for (size_t q = 0; q + 2 <= (size_t)rl; nrec++)
				q += 2 + get16(r + q) + (size_t)dim * 4;
		else if (type == 'V')
			for (size_t q = 0; q + 2 <= (size_t)rl &&
			    nw < MAXWORDS; nw++) {
				size_t wl = get16(r + q);
				if (wl > (size_t)rl - q - 2)
					break;
				if ((words[nw] = malloc(wl + 1)) == NULL)
					abort();
				memcpy(words[nw], r + q + 2, wl);
				words[nw][wl] = '\0';
				q += 2 + wl;
			}
		pos += 16 + zlen;
	}
	if (nw > 0) {
		put32(b + 40, nw);
		put64(b + 32, stream_fingerprint(words, nw));
	}
	for (uint32_t i = 0; i < nw; i++)
		free(words[i]);
	put64(b + 24, nrec);
	put32(b + 46 + L, crc32(0, b, 46 + L));
	return b;
}

uint8_t *
fuzz_fix_shard(const uint8_t *data, size_t size, uint8_t *scratch)
{
	uint8_t *b;
	const uint8_t *raw;
	long rl;
	uint32_t w1 = 0;

	if (size < SHARD_HEAD || memcmp(data, "FSHD", 4) != 0)
		return NULL;
	if ((b = malloc(size)) == NULL)
		abort();
	memcpy(b, data, size);
	put32(b + 24, (uint32_t)(size - SHARD_HEAD));
	if (b[6] == 0) {
		raw = b + SHARD_HEAD;
		rl = (long)(size - SHARD_HEAD);
	} else {
		rl = inflate_into(b + SHARD_HEAD, size - SHARD_HEAD, scratch,
		    SHARD_MAX_RAW);
		raw = scratch;
	}
	if (rl >= 0) {
		put32(b + 20, (uint32_t)rl);
		put32(b + 28, crc32(0, raw, (uInt)rl));
		/* The first varint is the first record's w1. */
		for (long i = 0, shift = 0; i < rl && shift < 32; i++,
		    shift += 7) {
			w1 |= (uint32_t)(raw[i] & 0x7f) << shift;
			if ((raw[i] & 0x80) == 0)
				break;
		}
		put32(b + 32, w1);
	}
	put32(b + 36, crc32(0, b, 36));
	return b;
}
