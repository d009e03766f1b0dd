/*
 * tokin.c - fuzz target: the token text reader (lib/tokin.c), plain and
 * gzip.
 *
 * Input: the bytes of one input file (gzip data when it starts with the
 * gzip magic, as tokin sees it).  The file is a memfd named through
 * /proc/self/fd, so tokin opens it by name like any file.  It is read
 * twice: token by token with tokin_next, and in blocks with
 * tokin_read_block.  Tokens must hold no separator and be at most
 * TOKIN_MAXTOK bytes; a block must end with a newline unless it is cut;
 * both passes must read the same bytes with the same digest.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"
#include "tokin.h"

static int memfd = -1;
static char path[64];
static char *files[1] = { path };
static char *block;

struct arg {
	int blocks;
	uint64_t bytes;
	char digest[TOKIN_DIGEST_LEN];
};

static void
body(void *p)
{
	struct arg *a = p;
	struct tokin *t = tokin_open(files, 1);
	const char *tok;
	size_t len;
	int k, cut;

	if (!a->blocks) {
		while ((k = tokin_next(t, &tok, &len)) != TOKIN_EOF)
			if (k == TOKIN_WORD) {
				if (len == 0 || len > TOKIN_MAXTOK)
					abort();
				for (size_t i = 0; i < len; i++)
					if (tokin_class[(unsigned char)tok[i]])
						abort();
			}
	} else
		while ((len = tokin_read_block(t, block, TOKIN_MINBLOCK,
		    &cut)) > 0)
			if (len > TOKIN_MINBLOCK || (!cut &&
			    block[len - 1] != '\n'))
				abort();
	a->bytes = tokin_bytes(t);
	tokin_digest(t, a->digest);
	tokin_close(t);
}

FUZZ_TARGET(tokin)
{
	struct arg a = { 0, 0, "" }, b = { 1, 0, "" };
	int da, db;

	if (memfd < 0) {
		if ((memfd = memfd_create("fuzz-tokin", 0)) < 0) {
			perror("fuzz: memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
		block = malloc(TOKIN_MINBLOCK);
		if (block == NULL)
			abort();
	}
	if (ftruncate(memfd, 0) != 0 || (size > 0 &&
	    pwrite(memfd, data, size, 0) != (ssize_t)size)) {
		perror("fuzz: memfd");
		abort();
	}
	da = fuzz_call(body, &a);
	db = fuzz_call(body, &b);
	/* A rejection (truncated gzip) must be the same for both ways. */
	if (da != db || (!da && (a.bytes != b.bytes ||
	    strcmp(a.digest, b.digest) != 0)))
		abort();
	return 0;
}
