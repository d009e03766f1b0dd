/*
 * test_stream.c - TAP tests for lib/stream.c (firth-stream(5)).
 *
 * Round trips: cooc streams of 0, 1 and many records, across the frame
 * boundary (a 1 MiB frame holds 87381 records of 12 bytes), at level 0
 * and level 1, with and without a vocabulary; vector streams with words
 * of 0 to 65535 bytes and dims 1 to 1000; stream_read and
 * stream_read_block agree.
 *
 * Corruption: a small stream of each kind has every bit and every whole
 * byte flipped in turn, and is cut at every length; the reader must die with a message (caught
 * with cli_die_hook and longjmp) and never return other records.
 *
 * Streams live in memory: open_memstream to write, fmemopen to read.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream.h"
#include "tap.h"

/*
 * A growing byte buffer: a stream written to memory, or a decoding.
 * cap is 0 when p came from open_memstream (then it is only read).
 */
struct buf {
	char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		/* Doubling: appending 7 records at a time stays linear. */
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	/* xorshift32: any fixed sequence will do. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static struct cooc_rec *
cooc_make(size_t n, uint32_t nwords)
{
	struct cooc_rec *r = xreallocarray(NULL, n ? n : 1, sizeof(*r));

	for (size_t i = 0; i < n; i++) {
		r[i].w1 = nwords ? rng() % nwords : rng();
		r[i].w2 = nwords ? rng() % nwords : rng();
		r[i].x = (float)(rng() % 100000) / 7.0f;
	}
	return r;
}

/* Words "w0", "w1", ... in a fresh array. */
static char **
words_make(uint32_t n)
{
	char **w = xreallocarray(NULL, n ? n : 1, sizeof(char *));

	for (uint32_t i = 0; i < n; i++) {
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "w%u", i);
		w[i] = xstrdup(tmp);
	}
	return w;
}

static void
words_free(char **w, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

/* Write a cooc stream to memory; in chunks of `chunk' records. */
static struct buf
cooc_write(const struct cooc_rec *r, size_t n, char **words, uint32_t nwords,
    int level, int known_count, size_t chunk)
{
	struct buf b = { 0 };
	FILE *f = open_memstream(&b.p, &b.len);
	struct stream_header h = { .kind = STREAM_COOC, .nwords = nwords };
	struct stream_writer *w;

	h.count = known_count ? n : STREAM_COUNT_UNKNOWN;
	w = stream_wopen(f, "memory", &h, words, level);
	for (size_t i = 0; i < n; i += chunk)
		stream_write(w, r + i, n - i < chunk ? n - i : chunk);
	stream_wclose(w);
	if (fclose(f) != 0) {
		perror("open_memstream");
		exit(1);
	}
	return b;
}

/*
 * Decode any stream in memory to a canonical text (header fields, the
 * vocabulary, every record), so two decodings compare with memcmp.
 * how: 0 stream_read_block, else stream_read with buffers of `how'.
 */
static struct buf
decode(const char *p, size_t len, int expect, size_t how)
{
	struct buf out = { 0 };
	FILE *f = fmemopen((void *)p, len ? len : 1, "rb");
	struct stream_reader *r;
	const struct stream_header *h;
	char line[128];

	if (len == 0) {
		/* fmemopen refuses size 0; an exhausted file does the same. */
		fgetc(f);
	}
	r = stream_ropen(f, "memory", expect);
	h = stream_rheader(r);
	snprintf(line, sizeof(line), "kind %d dim %u count %llu nwords %u "
	    "fp %llx flags %u\n", h->kind, h->dim,
	    (unsigned long long)h->count, h->nwords,
	    (unsigned long long)h->fingerprint, h->flags);
	buf_add(&out, line, strlen(line));
	buf_add(&out, h->layout, strlen(h->layout));
	for (uint32_t i = 0; i < h->nwords; i++)
		buf_add(&out, h->words[i], (size_t)h->wordlen[i] + 1);
	if (h->kind == STREAM_COOC && how == 0) {
		const void *blk;
		size_t n;
		while ((blk = stream_read_block(r, &n)) != NULL)
			buf_add(&out, blk, n * sizeof(struct cooc_rec));
	} else if (h->kind == STREAM_COOC) {
		struct cooc_rec *tmp = xreallocarray(NULL, how, sizeof(*tmp));
		size_t n;
		while ((n = stream_read(r, tmp, how)) > 0)
			buf_add(&out, tmp, n * sizeof(*tmp));
		free(tmp);
	} else {
		float *v = xreallocarray(NULL, h->dim, sizeof(float));
		const char *w;
		size_t wl;
		uint16_t l16;
		while (stream_read_vector(r, &w, &wl, v)) {
			l16 = (uint16_t)wl;
			buf_add(&out, &l16, 2);
			buf_add(&out, w, wl);
			buf_add(&out, v, (size_t)h->dim * sizeof(float));
		}
		free(v);
	}
	snprintf(line, sizeof(line), "\nread %llu\n",
	    (unsigned long long)stream_rcount(r));
	buf_add(&out, line, strlen(line));
	stream_rclose(r);
	fclose(f);
	return out;
}

/*
 * Decode, catching cli_die.  Returns 1 and *out on success, 0 with the
 * message in tap_errmsg when the reader died.
 */
static int
try_decode(const char *p, size_t len, int expect, size_t how, struct buf *out)
{
	TRY
		*out = decode(p, len, expect, how);
	return !CATCH_END();
}

/* What a cooc stream must decode to, built without the reader. */
static struct buf
cooc_expect(const struct cooc_rec *r, size_t n, char **words, uint32_t nwords,
    int known_count)
{
	struct buf out = { 0 };
	char line[128];

	snprintf(line, sizeof(line), "kind %d dim %u count %llu nwords %u "
	    "fp %llx flags %u\n", STREAM_COOC, 0u, known_count ?
	    (unsigned long long)n : (unsigned long long)STREAM_COUNT_UNKNOWN,
	    nwords, nwords ? (unsigned long long)stream_fingerprint(words,
	    nwords) : 0ULL, 0u);
	buf_add(&out, line, strlen(line));
	buf_add(&out, "w1:u32 w2:u32 x:f32", 19);
	for (uint32_t i = 0; i < nwords; i++)
		buf_add(&out, words[i], strlen(words[i]) + 1);
	buf_add(&out, r, n * sizeof(*r));
	snprintf(line, sizeof(line), "\nread %llu\n", (unsigned long long)n);
	buf_add(&out, line, strlen(line));
	return out;
}

static int
buf_eq(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Count the frames of each type by walking the heads. */
static void
frames_count(const struct buf *b, int *nv, int *nr, int *ne)
{
	size_t pos = 46 + (b->p[44] & 0xff) + 4;
	uint32_t zlen;

	*nv = *nr = *ne = 0;
	while (pos + 16 <= b->len) {
		memcpy(&zlen, b->p + pos + 8, 4);
		*nv += b->p[pos] == 'V';
		*nr += b->p[pos] == 'R';
		*ne += b->p[pos] == 'E';
		pos += 16 + zlen;
	}
}

static void
test_cooc_roundtrips(void)
{
	static const size_t sizes[] = { 0, 1, 2, 87381, 87382, 300000 };
	static const uint32_t vsizes[] = { 0, 3 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
	for (int level = 0; level <= 1; level++)
	for (size_t v = 0; v < 2; v++) {
		size_t n = sizes[s];
		uint32_t nw = vsizes[v];
		char **words = words_make(nw);
		struct cooc_rec *r = cooc_make(n, nw);
		int known = (s + v) % 2;
		struct buf b = cooc_write(r, n, words, nw, level, known,
		    n > 1000 ? 4099 : 1);
		struct buf want = cooc_expect(r, n, words, nw, known);
		struct buf got1 = { 0 }, got2 = { 0 }, got3 = { 0 };
		int nv, nr, ne, ok1, ok2, ok3;

		ok1 = try_decode(b.p, b.len, STREAM_COOC, 0, &got1);
		ok2 = try_decode(b.p, b.len, STREAM_COOC, 7, &got2);
		ok3 = try_decode(b.p, b.len, 0, 100000, &got3);
		frames_count(&b, &nv, &nr, &ne);
		ok(ok1 && buf_eq(&got1, &want), "cooc %zu records, level %d, "
		    "%u-word vocabulary: stream_read_block round trip", n,
		    level, nw);
		ok(ok2 && ok3 && buf_eq(&got2, &want) && buf_eq(&got3, &want),
		    "cooc %zu records, level %d, %u words: stream_read (7 and "
		    "100000 at a time) agrees", n, level, nw);
		/* 87381 records fill one 1048572-byte frame exactly. */
		ok(nr == (int)((n + 87380) / 87381) && nv == (nw > 0) &&
		    ne == 1, "cooc %zu records, level %d: %d record frames "
		    "(%d vocabulary, %d end)", n, level, nr, nv, ne);
		if (level == 0 && nw == 0)
			ok(b.len == 69 + 16 * (size_t)nr + 12 * n + 40,
			    "cooc %zu records, level 0: %zu bytes, exactly "
			    "header + frame heads + records + end", n, b.len);
		free(b.p);
		free(want.p);
		free(got1.p);
		free(got2.p);
		free(got3.p);
		free(r);
		words_free(words, nw);
	}
}

/* A vocabulary that needs several 'V' frames, and a 65535-byte word. */
static void
test_big_vocabulary(void)
{
	uint32_t nw = 300000;
	char **words = words_make(nw);
	struct cooc_rec *r;
	struct buf b, want, got = { 0 };
	int nv, nr, ne, good;

	free(words[5]);
	words[5] = xmalloc(STREAM_MAX_WORD + 1);
	memset(words[5], 'x', STREAM_MAX_WORD);
	words[5][STREAM_MAX_WORD] = '\0';
	r = cooc_make(1000, nw);
	b = cooc_write(r, 1000, words, nw, 1, 1, 1000);
	want = cooc_expect(r, 1000, words, nw, 1);
	good = try_decode(b.p, b.len, STREAM_COOC, 0, &got);
	frames_count(&b, &nv, &nr, &ne);
	ok(good && buf_eq(&got, &want) && nv > 1, "300000-word vocabulary "
	    "with a 65535-byte word round trips (%d vocabulary frames)", nv);
	free(b.p);
	free(want.p);
	free(got.p);
	free(r);
	words_free(words, nw);
}

/*
 * Write a vector stream of n words; word i has length lens[i % nlens].
 * plain: values 0, 1, 2, ... that deflate shrinks; else random ones.
 */
static struct buf
vec_stream(uint32_t n, uint32_t dim, const size_t *lens, size_t nlens,
    int level, int plain, struct buf *want)
{
	struct buf b = { 0 };
	FILE *f = open_memstream(&b.p, &b.len);
	struct stream_header h = { .kind = STREAM_VECTORS, .dim = dim,
	    .count = n };
	struct stream_writer *w = stream_wopen(f, "memory", &h, NULL, level);
	float *v = xreallocarray(NULL, dim, sizeof(float));
	char *word = xmalloc(STREAM_MAX_WORD + 1), line[128], layout[64];
	uint16_t l16;

	snprintf(line, sizeof(line), "kind %d dim %u count %llu nwords %u "
	    "fp %llx flags %u\n", STREAM_VECTORS, dim, (unsigned long long)n,
	    0u, 0ULL, 0u);
	want->len = want->cap = 0;
	want->p = NULL;
	buf_add(want, line, strlen(line));
	snprintf(layout, sizeof(layout), "word:str16 vec:f32[%u]", dim);
	buf_add(want, layout, strlen(layout));
	for (uint32_t i = 0; i < n; i++) {
		size_t len = lens[i % nlens];
		for (size_t k = 0; k < len; k++)
			word[k] = 'a' + (i + k) % 26;
		for (uint32_t k = 0; k < dim; k++)
			v[k] = plain ? (float)(k % 3) :
			    (float)((int32_t)rng()) / 65536.0f;
		stream_write_vector(w, word, len, v);
		l16 = (uint16_t)len;
		buf_add(want, &l16, 2);
		buf_add(want, word, len);
		buf_add(want, v, (size_t)dim * sizeof(float));
	}
	stream_wclose(w);
	if (fclose(f) != 0)
		exit(1);
	snprintf(line, sizeof(line), "\nread %llu\n", (unsigned long long)n);
	buf_add(want, line, strlen(line));
	free(v);
	free(word);
	return b;
}

static void
test_vector_roundtrips(void)
{
	static const size_t lens[] = { 0, 1, 2, 7, 100, 1000, 65535 };
	static const uint32_t dims[] = { 1, 2, 50, 300, 1000 };

	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++)
	for (int level = 0; level <= 1; level++) {
		struct buf want, got = { 0 };
		uint32_t n = dims[d] >= 300 ? 200 : 3000;
		struct buf b = vec_stream(n, dims[d], lens, 7, level, 0, &want);
		int good = try_decode(b.p, b.len, STREAM_VECTORS, 0, &got);

		ok(good && buf_eq(&got, &want), "vectors: %u words of 0 to "
		    "65535 bytes, dim %u, level %d round trip", n, dims[d],
		    level);
		free(b.p);
		free(want.p);
		free(got.p);
	}
}

/* Wrong kinds and misuse are refused with the documented messages. */
static void
test_refusals(void)
{
	static const size_t lens[] = { 3 };
	struct buf want, got = { 0 }, b;
	int good;

	b = vec_stream(2, 4, lens, 1, 1, 0, &want);
	good = try_decode(b.p, b.len, STREAM_COOC, 0, &got);
	ok(!good && strstr(tap_errmsg, "memory: expected co-occurrence records, "
	    "got vectors") != NULL, "a vector stream read as cooc: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	free(b.p);
	free(want.p);

	b = cooc_write(NULL, 0, NULL, 0, 1, 1, 1);
	good = try_decode(b.p, b.len, STREAM_VECTORS, 0, &got);
	ok(!good && strstr(tap_errmsg, "expected vectors, got co-occurrence "
	    "records") != NULL, "a cooc stream read as vectors: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	free(b.p);

	good = try_decode("the cat sat\n", 12, 0, 0, &got);
	ok(!good && strstr(tap_errmsg, "input is text, not a firth stream"),
	    "token text is named as text: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	good = try_decode("hi\n", 3, 0, 0, &got);
	ok(!good && strstr(tap_errmsg, "input is text, not a firth stream"),
	    "text shorter than the magic is named as text: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	good = try_decode("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8, 0, 0, &got);
	ok(!good && strstr(tap_errmsg, "input is gzip data"),
	    "gzip input is named as gzip: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	good = try_decode("", 0, 0, 0, &got);
	ok(!good && strstr(tap_errmsg, "empty input where a firth stream was "
	    "expected"), "empty input: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
}

/* The writer refuses what the format cannot carry. */
static void
test_writer_limits(void)
{
	struct stream_header h = { .kind = STREAM_VECTORS, .dim = 2,
	    .count = STREAM_COUNT_UNKNOWN };
	char *big = xmalloc(STREAM_MAX_WORD + 2);
	float v[2] = { 1, 2 };
	struct buf b = { 0 };
	FILE *f = open_memstream(&b.p, &b.len);
	struct stream_writer *w;
	int died;

	memset(big, 'y', STREAM_MAX_WORD + 1);
	TRY {
		w = stream_wopen(f, "memory", &h, NULL, 0);
		stream_write_vector(w, big, STREAM_MAX_WORD + 1, v);
	}
	died = CATCH_END();
	ok(died && strstr(tap_errmsg, "65536-byte word is longer than a stream "
	    "carries (65535)"), "the writer refuses a 65536-byte word");
	/* w is abandoned half-written, as a dying tool would leave it. */
	fclose(f);
	free(b.p);
	free(big);
}

/* Is byte i inside a deflated (method 1) frame payload? */
static int
in_deflate(const struct buf *b, size_t i)
{
	size_t pos = 46 + (b->p[44] & 0xff) + 4;
	uint32_t zlen;

	while (pos + 16 <= b->len) {
		memcpy(&zlen, b->p + pos + 8, 4);
		if (b->p[pos + 1] == 1 && i >= pos + 16 && i < pos + 16 + zlen)
			return 1;
		pos += 16 + zlen;
	}
	return 0;
}

/*
 * Flip every bit, and every byte, of a stream in turn.  Each flip must
 * make the reader die, or decode to exactly the original (a flip the
 * format ignores).
 */
static void
corrupt_every_bit(const char *what, struct buf *b, int expect)
{
	struct buf orig = { 0 }, got;
	size_t died = 0, same = 0, wrong = 0, same_in_deflate = 0;
	int good = try_decode(b->p, b->len, expect, 0, &orig);

	ok(good, "%s: the intact %zu-byte stream decodes", what, b->len);
	/* Each bit alone, then the whole byte (xor ff). */
	for (size_t i = 0; i < b->len; i++)
	for (int k = 0; k < 9; k++) {
		int mask = k < 8 ? 1 << k : 0xff;
		b->p[i] ^= mask;
		got.p = NULL;
		got.len = got.cap = 0;
		if (!try_decode(b->p, b->len, expect, 0, &got))
			died++;
		else if (buf_eq(&got, &orig)) {
			same++;
			same_in_deflate += in_deflate(b, i);
		} else
			wrong++;
		b->p[i] ^= mask;
		free(got.p);
	}
	ok(wrong == 0, "%s: %zu bit and byte flips: %zu died with a "
	    "message, %zu wrong decodings", what, b->len * 9, died, wrong);
	/*
	 * A flip may decode to the same records only inside deflate data,
	 * which has bits that change nothing: the padding after the last
	 * block, the lengths of codes no symbol uses.  The frame's CRC is
	 * over the inflated bytes, so such a flip cannot change a record.
	 * Everywhere else (header, frame heads, stored payloads, trailer)
	 * every bit counts.
	 */
	ok(same == same_in_deflate, "%s: %zu flips decoded unchanged, all "
	    "inside deflate data (bits inflate ignores)", what, same);
	free(orig.p);
}

static void
truncate_everywhere(const char *what, struct buf *b, int expect)
{
	size_t died = 0, named = 0;
	struct buf got;

	for (size_t len = 0; len < b->len; len++) {
		got.p = NULL;
		if (!try_decode(b->p, len, expect, 0, &got)) {
			died++;
			named += strstr(tap_errmsg, len ? "stream truncated after" :
			    "empty input") != NULL;
		}
		free(got.p);
	}
	ok(died == b->len && named == b->len, "%s: cut at each of %zu "
	    "lengths: %zu died, %zu said \"stream truncated after\"", what,
	    b->len, died, named);
}

/*
 * Random damage to a stream of two record frames with a vocabulary:
 * 1 to 4 bytes overwritten at random (perhaps with the same value), 100
 * times.  No decoding may differ
 * from the original unless it died.
 */
static void
corrupt_random(void)
{
	char **words = words_make(50);
	struct cooc_rec *r = cooc_make(87382 + 100, 50);
	struct buf b = cooc_write(r, 87482, words, 50, 1, 1, 1000), orig, got;
	size_t died = 0, wrong = 0, same = 0;
	char *copy = xmalloc(b.len);

	try_decode(b.p, b.len, STREAM_COOC, 0, &orig);
	for (int t = 0; t < 100; t++) {
		int k = 1 + rng() % 4;
		memcpy(copy, b.p, b.len);
		for (int j = 0; j < k; j++)
			copy[rng() % b.len] = (char)rng();
		got.p = NULL;
		if (!try_decode(copy, b.len, STREAM_COOC, 0, &got))
			died++;
		else if (buf_eq(&got, &orig))
			same++;
		else
			wrong++;
		free(got.p);
	}
	ok(wrong == 0, "a %zu-byte stream damaged at 1 to 4 random bytes, "
	    "100 times: %zu died, %zu unchanged, %zu wrong decodings", b.len,
	    died, same, wrong);
	free(copy);
	free(orig.p);
	free(b.p);
	free(r);
	words_free(words, 50);
}

static void
test_corruption(void)
{
	static const size_t lens[] = { 0, 3, 5 };
	char *words[] = { "the", "cat", "sat" };
	struct cooc_rec *r = cooc_make(5, 3);
	struct buf b, want;

	for (int level = 0; level <= 1; level++) {
		char what[64];

		snprintf(what, sizeof(what), "cooc+vocabulary level %d",
		    level);
		b = cooc_write(r, 5, words, 3, level, level, 1);
		corrupt_every_bit(what, &b, STREAM_COOC);
		truncate_everywhere(what, &b, STREAM_COOC);
		free(b.p);
		snprintf(what, sizeof(what), "vectors level %d", level);
		b = vec_stream(6, 3, lens, 3, level, 1, &want);
		corrupt_every_bit(what, &b, STREAM_VECTORS);
		truncate_everywhere(what, &b, STREAM_VECTORS);
		free(b.p);
		free(want.p);
	}
	free(r);
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_cooc_roundtrips();
	test_big_vocabulary();
	test_vector_roundtrips();
	test_refusals();
	test_writer_limits();
	test_corruption();
	corrupt_random();
	return tap_done();
}
