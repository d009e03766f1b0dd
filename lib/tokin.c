/*
 * tokin.c - token text reader.  One buffer of BUFSZ bytes; a token that
 * straddles the end of the buffer is moved to its start before the next
 * read, so memory stays constant however long a document is.
 */
#include "tokin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"

#define BUFSZ (1u << 20)

/* Byte classes: 0 token byte, 1 separator, 2 end of document. */
static unsigned char bclass[256];

struct tokin {
	char **files;
	int nfiles, cur;
	gzFile gz;
	const char *curname;
	unsigned char *buf;
	size_t pos, len;
	int eof;		/* all inputs exhausted */
	int indoc;		/* a token was returned since the last EOD */
	int lastnl;		/* current file so far is empty or ends in \n */
	char *source;
	uint64_t bytes, truncated;
	uint32_t crc, adler;
	unsigned char tok[TOKIN_MAXTOK];
};

static void
classes_init(void)
{
	bclass[' '] = bclass['\t'] = bclass['\r'] = bclass['\f'] = 1;
	bclass['\v'] = bclass['\0'] = 1;
	bclass['\n'] = 2;
}

static int
input_next(struct tokin *t)
{
	int fd;

	if (t->gz != NULL) {
		gzclose(t->gz);
		t->gz = NULL;
	}
	if (t->cur >= t->nfiles)
		return 0;
	t->curname = t->files[t->cur++];
	if (strcmp(t->curname, "-") == 0) {
		fd = dup(STDIN_FILENO);
		t->curname = "stdin";
		t->gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
	} else
		t->gz = gzopen(t->curname, "rb");
	if (t->gz == NULL)
		cli_die("cannot open %s: %s", t->curname,
		    errno ? strerror(errno) : "out of memory");
	gzbuffer(t->gz, 256 * 1024);
	t->lastnl = 1;
	return 1;
}

/* Refill buf after keeping the `keep' bytes at its end.  0 at EOF. */
static int
refill(struct tokin *t)
{
	int n, errnum;

	for (;;) {
		if (t->gz == NULL && !input_next(t))
			return 0;
		n = gzread(t->gz, t->buf, BUFSZ);
		if (n < 0) {
			const char *m = gzerror(t->gz, &errnum);
			cli_die("%s: %s", t->curname, errnum == Z_ERRNO ?
			    strerror(errno) : m);
		}
		if (n > 0) {
			t->crc = crc32(t->crc, t->buf, n);
			t->adler = adler32(t->adler, t->buf, n);
			t->bytes += n;
			t->pos = 0;
			t->len = n;
			t->lastnl = t->buf[n - 1] == '\n';
			return 1;
		}
		/* A gzip member cut short reads as a short file: refuse. */
		gzerror(t->gz, &errnum);
		if (errnum == Z_BUF_ERROR)
			cli_die("%s: unexpected end of gzip data (the file is "
			    "truncated)", t->curname);
		gzclose(t->gz);
		t->gz = NULL;
		/*
		 * A file that ends without a newline still ends its last token
		 * and document: hand out a newline of our own, or "a" at the
		 * end of one file and "b" at the start of the next would be
		 * counted as the word "ab".  The newline goes into the digest
		 * too, so that equal digests still mean equal token text.
		 */
		if (!t->lastnl) {
			t->lastnl = 1;
			t->buf[0] = '\n';
			t->crc = crc32(t->crc, t->buf, 1);
			t->adler = adler32(t->adler, t->buf, 1);
			t->bytes++;
			t->pos = 0;
			t->len = 1;
			return 1;
		}
	}
}

struct tokin *
tokin_open(char **files, int nfiles)
{
	static char *stdin_only[] = { "-" };
	struct tokin *t = xcalloc(1, sizeof(*t));
	size_t n = 1;

	if (bclass['\n'] == 0)
		classes_init();
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	t->files = files;
	t->nfiles = nfiles;
	t->buf = xmalloc(BUFSZ);
	t->crc = crc32(0, NULL, 0);
	t->adler = adler32(0, NULL, 0);
	for (int i = 0; i < nfiles; i++)
		n += strlen(files[i]) + 1;
	t->source = xmalloc(n);
	t->source[0] = '\0';
	for (int i = 0; i < nfiles; i++) {
		if (i > 0)
			strcat(t->source, " ");
		strcat(t->source, files[i]);
	}
	/* Open the first input now so a missing file fails early. */
	input_next(t);
	return t;
}

int
tokin_next(struct tokin *t, const char **tok, size_t *len)
{
	size_t n = 0, i;
	int inword = 0;

	for (;;) {
		if (t->pos == t->len) {
			if (!refill(t)) {
				if (inword)
					break;
				if (t->indoc) {
					t->indoc = 0;
					return TOKIN_EOD;
				}
				return TOKIN_EOF;
			}
		}
		if (!inword) {
			/* Skip separators; a newline ends a document. */
			while (t->pos < t->len && bclass[t->buf[t->pos]] != 0) {
				if (bclass[t->buf[t->pos++]] == 2 && t->indoc) {
					t->indoc = 0;
					return TOKIN_EOD;
				}
			}
			if (t->pos == t->len)
				continue;
			inword = 1;
		}
		/* The token's bytes: in place when it ends inside buf. */
		for (i = t->pos; i < t->len && bclass[t->buf[i]] == 0; i++)
			;
		if (i < t->len && n == 0) {
			*tok = (const char *)t->buf + t->pos;
			*len = i - t->pos;
			if (*len > TOKIN_MAXTOK) {
				*len = TOKIN_MAXTOK;
				t->truncated++;
			}
			t->pos = i;
			t->indoc = 1;
			return TOKIN_WORD;
		}
		/* It straddles a refill: gather it in t->tok. */
		for (size_t k = t->pos; k < i; k++) {
			if (n < TOKIN_MAXTOK)
				t->tok[n] = t->buf[k];
			n++;
		}
		t->pos = i;
		if (i < t->len)
			break;
	}
	if (n > TOKIN_MAXTOK) {
		n = TOKIN_MAXTOK;
		t->truncated++;
	}
	*tok = (const char *)t->tok;
	*len = n;
	t->indoc = 1;
	return TOKIN_WORD;
}

void
tokin_digest(const struct tokin *t, char out[TOKIN_DIGEST_LEN])
{
	snprintf(out, TOKIN_DIGEST_LEN, "%08x-%08x-%llx", t->crc, t->adler,
	    (unsigned long long)t->bytes);
}

const char *
tokin_source(const struct tokin *t)
{
	return t->source;
}

uint64_t
tokin_bytes(const struct tokin *t)
{
	return t->bytes;
}

uint64_t
tokin_truncated(const struct tokin *t)
{
	return t->truncated;
}

void
tokin_close(struct tokin *t)
{
	if (t == NULL)
		return;
	if (t->gz != NULL)
		gzclose(t->gz);
	free(t->buf);
	free(t->source);
	free(t);
}
