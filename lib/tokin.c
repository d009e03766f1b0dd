/*
 * tokin.c - token text reader.
 *
 * tokin_next hands out one token at a time from a buffer of BUFSZ bytes; a
 * token that straddles a refill is gathered in a small side buffer, so
 * memory stays constant however long a document is.  tokin_read_block
 * hands out whole documents in large blocks for threaded counters.  Both
 * see each input file's end as a document end, so two files never run
 * their last and first words together.
 */
#include "tokin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gzin.h"
#include "stream.h"

#define BUFSZ (1u << 20)

/* 0 token byte, 1 separator (space, tab, CR, FF, VT, NUL), 2 newline. */
const unsigned char tokin_class[256] = {
	['\0'] = 1, ['\t'] = 1, ['\n'] = 2, ['\v'] = 1, ['\f'] = 1,
	['\r'] = 1, [' '] = 1,
};
#define bclass tokin_class

struct tokin {
	char **files;
	int nfiles, cur;
	struct gzin *gz;	/* the current input, or NULL */
	const char *curname;
	int lastbyte;		/* last byte read from the current file, or -1 */
	unsigned char *buf;
	size_t pos, len;
	int indoc;		/* a token was returned since the last EOD */
	char *source;
	uint64_t bytes, truncated;
	struct digest dg;	/* of every byte handed out */
	unsigned char tok[TOKIN_MAXTOK];
	/* tokin_read_block */
	char *carry;		/* bytes read past the last block's end */
	size_t ncarry;
	int skipping;		/* dropping the rest of an over-long token */
	int atstart;		/* nothing read yet from the current file */
};

static int
input_next(struct tokin *t)
{
	if (t->gz != NULL) {
		gzin_close(t->gz);
		t->gz = NULL;
	}
	if (t->cur >= t->nfiles)
		return 0;
	t->curname = t->files[t->cur++];
	t->gz = gzin_open(t->curname);
	if (t->gz == NULL)
		cli_die("cannot open %s: %s", strcmp(t->curname, "-") == 0 ?
		    "stdin" : t->curname, strerror(errno));
	t->curname = gzin_name(t->gz);
	t->lastbyte = -1;
	t->atstart = 1;
	return 1;
}

/*
 * Read up to n bytes of decoded input into p, moving on through the files.
 * At the end of a file that does not end with a newline, one '\n' is
 * supplied (and digested).  Returns 0 at the end of all.
 */
static size_t
input_read(struct tokin *t, unsigned char *p, size_t n)
{
	size_t got;

	for (;;) {
		if (t->gz == NULL && !input_next(t))
			return 0;
		/* gzin dies naming the file on damage and trailing garbage. */
		got = gzin_read(t->gz, p, n);
		if (got > 0) {
			/*
			 * A firth stream is not token text: counted, its bytes
			 * would go into the database as words for good.
			 */
			if (t->atstart && stream_is_magic(p, (size_t)got))
				cli_die("%s: a firth stream, not token text "
				    "(firth-cat decodes it)", t->curname);
			t->atstart = 0;
			digest_update(&t->dg, p, got);
			t->bytes += got;
			t->lastbyte = p[got - 1];
			return got;
		}
		gzin_close(t->gz);
		t->gz = NULL;
		if (t->lastbyte != -1 && t->lastbyte != '\n') {
			/*
			 * The newline joins the digest too: "x a" + "b y"
			 * is other token text than "x ab y", and must not
			 * pass for it.
			 */
			t->lastbyte = '\n';
			p[0] = '\n';
			digest_update(&t->dg, p, 1);
			t->bytes++;
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

	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	t->files = files;
	t->nfiles = nfiles;
	digest_init(&t->dg);
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

	if (t->buf == NULL)
		t->buf = xmalloc(BUFSZ);
	for (;;) {
		if (t->pos == t->len) {
			t->pos = 0;
			t->len = input_read(t, t->buf, BUFSZ);
			if (t->len == 0) {
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

/*
 * Drop input up to the next separator (the tail of an over-long token),
 * reading through the carry buffer, which keeps what follows the tail.
 */
static void
skip_token_tail(struct tokin *t, size_t cap)
{
	size_t n, i;

	t->carry = xrealloc(t->carry, cap);
	for (;;) {
		n = input_read(t, (unsigned char *)t->carry, cap);
		if (n == 0)
			return;
		for (i = 0; i < n && bclass[(unsigned char)t->carry[i]] == 0;
		    i++)
			;
		if (i < n) {
			memmove(t->carry, t->carry + i, n - i);
			t->ncarry = n - i;
			return;
		}
	}
}

size_t
tokin_read_block(struct tokin *t, char *buf, size_t cap, int *cut)
{
	size_t len = 0, n, end;

	*cut = 0;
	if (cap < TOKIN_MINBLOCK)
		cli_die("internal error: tokin_read_block needs %u bytes",
		    TOKIN_MINBLOCK);
	if (t->ncarry > 0) {
		memcpy(buf, t->carry, t->ncarry);
		len = t->ncarry;
		t->ncarry = 0;
	}
	while (len < cap && (n = input_read(t, (unsigned char *)buf + len,
	    cap - len)) > 0)
		len += n;
	if (len == 0)
		return 0;
	/* End at the last newline; failing that, the last separator. */
	for (end = len; end > 0 && bclass[(unsigned char)buf[end - 1]] != 2;
	    end--)
		;
	if (end == 0 && len == cap) {
		*cut = 1;
		for (end = len; end > 0 &&
		    bclass[(unsigned char)buf[end - 1]] == 0; end--)
			;
		if (end == 0) {
			/*
			 * One token fills the block: keep its head (the
			 * consumer cuts it to TOKIN_MAXTOK and counts it)
			 * and skip the rest.
			 */
			skip_token_tail(t, cap);
			return len;
		}
	} else if (end == 0)
		end = len;	/* cannot happen: input_read ends files with \n */
	if (end < len) {
		t->carry = xrealloc(t->carry, cap);
		memcpy(t->carry, buf + end, len - end);
		t->ncarry = len - end;
	}
	return end;
}

void
tokin_digest(const struct tokin *t, char out[TOKIN_DIGEST_LEN])
{
	digest_key(&t->dg, out);
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
	gzin_close(t->gz);
	free(t->buf);
	free(t->carry);
	free(t->source);
	free(t);
}
