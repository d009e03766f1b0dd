/*
 * test_state.c - the state file container (lib/state.c): the worked
 * example of its comment byte for byte, a round trip of every kind of
 * section, and refusal of every damage a reader must catch: another
 * kind, a flipped byte in each part, truncation, trailing bytes, a
 * length past the end, a missing or short section.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "tap.h"
#include "le.h"
#include "state.h"

static char path[4096];

static size_t
slurp(unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n = fread(buf, 1, cap, f);

	fclose(f);
	return n;
}

static void
spill(const unsigned char *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	fwrite(buf, 1, n, f);
	fclose(f);
}

static void
test_example(void)
{
	static const unsigned char want[76] = {
		0x89, 0x46, 0x53, 0x54, 0x0d, 0x0a, 0x1a, 0x0a,
		0x01, 0, 0, 0, 0x01, 0, 0, 0,
		'd', 'e', 'm', 'o', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xb7, 0x7a, 0xf8, 0x6a,
		's', 'e', 'e', 'd', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x08, 0, 0, 0, 0, 0, 0, 0,
		0xf7, 0xa1, 0x94, 0x0d,
		0x54, 0xec, 0x15, 0x0b,
		0x2a, 0, 0, 0, 0, 0, 0, 0,
	};
	unsigned char got[128], v[8];
	struct state_w *w = state_create(path, "demo");

	put64(v, 42);
	state_put(w, "seed", v, 8);
	state_commit(w);
	ok(slurp(got, sizeof(got)) == 76 && memcmp(got, want, 76) == 0,
	    "the worked example of state.c is the bytes written");
}

static void
write_full(void)
{
	char *words[] = { "the", "caf\xc3\xa9", "x" };
	float rows[1000];
	struct state_w *w = state_create(path, "test");

	for (int i = 0; i < 1000; i++)
		rows[i] = i * 0.5f;
	state_put(w, "head", "abc", 3);
	state_begin(w, "rows");
	for (int i = 0; i < 10; i++)
		state_write(w, rows + 100 * i, 100 * sizeof(float));
	state_end(w);
	state_put_words(w, "words", words, 3);
	state_put(w, "empty", NULL, 0);
	state_commit(w);
}

static void
test_round_trip(void)
{
	struct state_r *r;
	float rows[1000];
	char head[3], **words;
	uint32_t n;
	int same = 1;

	write_full();
	r = state_open(path, "test");
	words = state_get_words(r, "words", &n);
	state_get(r, "head", head, 3);
	ok(state_find(r, "rows") == sizeof(rows), "a section written in "
	    "pieces has the length of the pieces");
	for (int i = 0; i < 4; i++)
		state_read(r, (char *)rows + 1000 * i, 1000);
	for (int i = 0; i < 1000; i++)
		if (rows[i] != i * 0.5f)
			same = 0;
	ok(same && memcmp(head, "abc", 3) == 0, "sections read back in any "
	    "order and in any pieces");
	ok(n == 3 && strcmp(words[0], "the") == 0 &&
	    strcmp(words[1], "caf\xc3\xa9") == 0 && strcmp(words[2], "x") == 0,
	    "a word list reads back byte for byte");
	ok(state_has(r, "empty") && !state_has(r, "nothere"),
	    "state_has tells present sections from absent ones");
	state_get(r, "empty", NULL, 0);
	for (uint32_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	state_close(r);
}

/* 1 when opening path as `kind' and reading every section dies with a
 * message containing `want'. */
static int
refused(const char *kind, const char *want)
{
	int died;

	TRY {
		struct state_r *r = state_open(path, kind);
		char head[3], rows[4000], **words;
		uint32_t n;
		state_get(r, "head", head, 3);
		state_get(r, "rows", rows, sizeof(rows));
		words = state_get_words(r, "words", &n);
		(void)words;
		state_close(r);
	}
	died = CATCH_END();
	if (died && strstr(tap_errmsg, want) == NULL) {
		printf("# message was: %s", tap_errmsg);
		return 0;
	}
	return died;
}

static void
test_refusals(void)
{
	unsigned char good[8192], bad[8192];
	size_t n;
	struct {
		size_t off;
		const char *part, *want;
	} flips[] = {
		{ 3, "magic", "is not a firth state file" },
		{ 9, "version", "header is damaged" },
		{ 17, "kind", "header is damaged" },
		{ 36 + 2, "a section name", "head of section 1 is damaged" },
		{ 36 + 16, "a section length", "head of section 1 is damaged" },
		{ 36 + 32 + 1, "a payload", "\"head\" is damaged (CRC" },
		{ 36 + 32 + 3 + 32 + 500, "a long payload",
		    "\"rows\" is damaged (CRC" },
	};

	write_full();
	n = slurp(good, sizeof(good));
	ok(refused("glove", "holds firth-test state, not firth-glove's"),
	    "a state file of another kind is refused by name");
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		memcpy(bad, good, n);
		bad[flips[i].off] ^= 0x10;
		spill(bad, n);
		ok(refused("test", flips[i].want), "a flipped byte in %s is "
		    "refused", flips[i].part);
	}
	spill(good, n - 1);
	ok(refused("test", "truncated"), "a state file one byte short is "
	    "refused");
	spill(good, 30);
	ok(refused("test", "is not a firth state file"), "a state file cut in "
	    "its header is refused");
	memcpy(bad, good, n);
	bad[n] = 0;
	spill(bad, n + 1);
	ok(refused("test", "1 bytes after the last section"), "a trailing "
	    "byte is refused");
	/* A length past the end, with its head CRC made good again. */
	memcpy(bad, good, n);
	put64(bad + 36 + 16, 1ull << 40);
	put32(bad + 36 + 28, (uint32_t)crc32(0, bad + 36, 28));
	spill(bad, n);
	ok(refused("test", "says 1099511627776 bytes, the file has"),
	    "a section longer than the file is refused before any read");
	write_full();
	TRY {
		struct state_r *r = state_open(path, "test");
		char x[4];
		state_get(r, "head", x, 4);
	}
	ok(CATCH_END() && strstr(tap_errmsg, "\"head\" is 3 bytes, not 4"),
	    "a section of the wrong length is refused");
	TRY {
		struct state_r *r = state_open(path, "test");
		(void)state_find(r, "nothere");
	}
	ok(CATCH_END() && strstr(tap_errmsg, "has no section \"nothere\""),
	    "a missing section is named");
}

int
main(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, sizeof(path), "%s/test_state.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	cli_die_hook = tap_die_hook;
	test_example();
	test_round_trip();
	test_refusals();
	unlink(path);
	return tap_done();
}
