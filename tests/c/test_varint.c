/*
 * test_varint.c - the LEB128 codec of lib/varint.h: the worked example of
 * its comment, round trips at every width boundary, and refusal of
 * numbers cut off, too long or too wide for their type.
 */
#include <string.h>

#include "tap.h"
#include "varint.h"

static void
test_example(void)
{
	unsigned char b[VARINT_MAX64];
	size_t n = varint_put32(b, 300);

	ok(n == 2 && b[0] == 0xac && b[1] == 0x02, "300 encodes as ac 02");
	n = varint_put32(b, 0);
	ok(n == 1 && b[0] == 0, "0 encodes as one zero byte");
}

static void
test_round_trip(void)
{
	static const uint64_t v[] = { 0, 1, 127, 128, 16383, 16384,
	    (1ull << 21) - 1, 1ull << 21, (1ull << 28) - 1, 1ull << 28,
	    UINT32_MAX, (uint64_t)UINT32_MAX + 1, (1ull << 56) - 1,
	    1ull << 63, UINT64_MAX };
	unsigned char b[VARINT_MAX64 * 16], *p = b;
	const unsigned char *q = b;
	size_t nv = sizeof(v) / sizeof(v[0]), lens = 1;
	int good = 1;

	for (size_t i = 0; i < nv; i++)
		p += varint_put64(p, v[i]);
	for (size_t i = 0; i < nv; i++) {
		uint64_t x;
		if (!varint_get64(&q, p, &x) || x != v[i])
			good = 0;
	}
	ok(good && q == p, "64-bit values at every 7-bit boundary round-trip");
	good = 1;
	for (size_t i = 0; i < nv && v[i] <= UINT32_MAX; i++) {
		uint32_t x;
		size_t n = varint_put32(b, (uint32_t)v[i]);
		q = b;
		if (!varint_get32(&q, b + n, &x) || x != v[i] || q != b + n)
			good = 0;
		if (n > lens)
			lens = n;
	}
	ok(good && lens == VARINT_MAX32, "32-bit values round-trip in at "
	    "most %d bytes", VARINT_MAX32);
	ok(varint_put64(b, UINT64_MAX) == VARINT_MAX64, "UINT64_MAX takes %d "
	    "bytes", VARINT_MAX64);
}

static void
test_refusals(void)
{
	static const unsigned char cut[] = { 0x80, 0x80 };
	static const unsigned char long32[] = { 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x01 };
	static const unsigned char wide32[] = { 0xff, 0xff, 0xff, 0xff, 0x1f };
	static const unsigned char max32[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	static const unsigned char wide64[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x03 };
	const unsigned char *q;
	uint32_t x;
	uint64_t y;

	q = cut;
	ok(!varint_get32(&q, cut + sizeof(cut), &x), "a number cut off by "
	    "the end of the buffer is refused");
	q = long32;
	ok(!varint_get32(&q, long32 + sizeof(long32), &x), "a 6-byte 32-bit "
	    "number is refused");
	q = wide32;
	ok(!varint_get32(&q, wide32 + sizeof(wide32), &x), "a 32-bit number "
	    "with bits past 32 is refused");
	q = max32;
	ok(varint_get32(&q, max32 + sizeof(max32), &x) && x == UINT32_MAX,
	    "UINT32_MAX in 5 bytes is read");
	q = wide64;
	ok(!varint_get64(&q, wide64 + sizeof(wide64), &y), "a 64-bit number "
	    "with bits past 64 is refused");
	q = cut;
	ok(!varint_get64(&q, cut, &y), "nothing to read is refused");
}

int
main(void)
{
	test_example();
	test_round_trip();
	test_refusals();
	return tap_done();
}
