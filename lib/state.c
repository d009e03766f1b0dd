/*
 * state.c - the state file container (state.h): a header, then named
 * sections each with its length and CRC-32.  All integers little-endian.
 *
 * Header, 36 bytes:
 *
 *   off  size  field
 *     0     8  magic 89 46 53 54 0d 0a 1a 0a   ("\x89FST\r\n\x1a\n": high
 *              bit, CR-LF and ^Z catch a file mangled as text, as PNG's)
 *     8     4  version (1)
 *    12     4  N, sections that follow (at most 64)
 *    16    16  kind: ASCII [a-z0-9_], NUL-padded ("glove", "sgns")
 *    32     4  CRC-32 of bytes 0..31
 *
 * N sections, each a 32-byte head and its payload:
 *
 *     0    16  name: ASCII [a-z0-9_], NUL-padded, unique in the file
 *    16     8  L, payload bytes
 *    24     4  CRC-32 of the payload
 *    28     4  CRC-32 of head bytes 0..27
 *    32     L  payload
 *
 * The last payload ends the file: a trailing byte is damage.  Sections
 * are found by name, in any order; a reader ignores those it does not
 * know, so a later writer may add some without a new version.  A reader
 * bounds every L by the bytes left in the file before it seeks or
 * allocates.
 *
 * Worked example: kind "demo", one section "seed" holding the uint64 42:
 *
 *   89 46 53 54 0d 0a 1a 0a  01 00 00 00  01 00 00 00     magic, 1, N=1
 *   64 65 6d 6f 00 00 00 00  00 00 00 00 00 00 00 00     "demo"
 *   b7 7a f8 6a                                          header CRC
 *   73 65 65 64 00 00 00 00  00 00 00 00 00 00 00 00     "seed"
 *   08 00 00 00 00 00 00 00                              L = 8
 *   f7 a1 94 0d                                          payload CRC
 *   54 ec 15 0b                                          head CRC
 *   2a 00 00 00 00 00 00 00                              42
 *
 * 76 bytes.  tests/c/test_state.c builds this file and compares.
 */
#include "state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cli.h"
#include "le.h"
#include "varint.h"

static const unsigned char state_magic[8] =
    { 0x89, 'F', 'S', 'T', '\r', '\n', 0x1a, '\n' };
#define HEAD_BYTES 36
#define SECTION_HEAD 32

/* crc32 takes a uInt length: feed big buffers in pieces. */
uint32_t
state_crc32(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
		crc = (uint32_t)crc32(crc, b, k);
		b += k;
		n -= k;
	}
	return crc;
}

/* A kind or a section name: 1..15 of [a-z0-9_]. */
static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= STATE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* The same for 16 NUL-padded bytes read from a file; copies to out. */
static int
field_ok(const unsigned char *p, char out[STATE_NAME_MAX])
{
	size_t n = 0;

	while (n < STATE_NAME_MAX && p[n] != '\0')
		n++;
	if (n == STATE_NAME_MAX)
		return 0;
	for (size_t i = n; i < STATE_NAME_MAX; i++)
		if (p[i] != '\0')
			return 0;
	memcpy(out, p, n + 1);
	return name_ok(out);
}

/* ---- writing ---- */

struct state_w {
	FILE *f;
	char *tmp, *path;
	uint32_t nsect;
	char names[STATE_MAX_SECTIONS][STATE_NAME_MAX];
	int open;		/* a section begun and not ended */
	off_t at;		/* where the open section's head is */
	uint64_t len;		/* its payload so far */
	uint32_t crc;		/* and the payload's CRC */
	unsigned char head[HEAD_BYTES];
};

struct state_w *
state_create(const char *path, const char *kind)
{
	struct state_w *w = xcalloc(1, sizeof(*w));

	if (!name_ok(kind))
		cli_die("state_create: bad kind \"%s\"", kind);
	w->path = xstrdup(path);
	w->f = cli_replace_open(path, &w->tmp);
	memcpy(w->head, state_magic, 8);
	put32(w->head + 8, STATE_VERSION);
	strncpy((char *)w->head + 16, kind, STATE_KIND_MAX);
	/* N and the CRC are patched by state_commit. */
	xfwrite(w->head, 1, HEAD_BYTES, w->f, w->tmp);
	return w;
}

static void
wseek(struct state_w *w, off_t at, int whence)
{
	if (fseeko(w->f, at, whence) != 0)
		cli_die("write error on %s: %s", w->tmp, strerror(errno));
}

void
state_begin(struct state_w *w, const char *name)
{
	unsigned char head[SECTION_HEAD] = { 0 };

	if (w->open || !name_ok(name) || w->nsect == STATE_MAX_SECTIONS)
		cli_die("state_begin: bad section \"%s\"", name);
	for (uint32_t i = 0; i < w->nsect; i++)
		if (strcmp(w->names[i], name) == 0)
			cli_die("state_begin: section \"%s\" twice", name);
	strcpy(w->names[w->nsect++], name);
	if ((w->at = ftello(w->f)) < 0)
		cli_die("write error on %s: %s", w->tmp, strerror(errno));
	/* The head is written again by state_end, when L and CRC are known. */
	xfwrite(head, 1, SECTION_HEAD, w->f, w->tmp);
	w->open = 1;
	w->len = 0;
	w->crc = 0;
}

void
state_write(struct state_w *w, const void *p, size_t n)
{
	xfwrite(p, 1, n, w->f, w->tmp);
	w->crc = state_crc32(w->crc, p, n);
	w->len += n;
}

void
state_end(struct state_w *w)
{
	unsigned char head[SECTION_HEAD] = { 0 };

	if (!w->open)
		cli_die("state_end: no section begun");
	strncpy((char *)head, w->names[w->nsect - 1], STATE_NAME_MAX);
	put64(head + 16, w->len);
	put32(head + 24, w->crc);
	put32(head + 28, state_crc32(0, head, 28));
	wseek(w, w->at, SEEK_SET);
	xfwrite(head, 1, SECTION_HEAD, w->f, w->tmp);
	wseek(w, 0, SEEK_END);
	w->open = 0;
}

void
state_put(struct state_w *w, const char *name, const void *p, size_t n)
{
	state_begin(w, name);
	state_write(w, p, n);
	state_end(w);
}

void
state_put_words(struct state_w *w, const char *name, char *const *words,
    uint32_t n)
{
	unsigned char b[VARINT_MAX64];

	state_begin(w, name);
	state_write(w, b, varint_put32(b, n));
	for (uint32_t i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		if (len == 0 || len > STATE_MAX_WORD)
			cli_die("%s: word %u is %zu bytes, not 1 to %d", w->path,
			    i + 1, len, STATE_MAX_WORD);
		state_write(w, b, varint_put32(b, (uint32_t)len));
		state_write(w, words[i], len);
	}
	state_end(w);
}

void
state_commit(struct state_w *w)
{
	if (w->open)
		cli_die("state_commit: section \"%s\" not ended",
		    w->names[w->nsect - 1]);
	put32(w->head + 12, w->nsect);
	put32(w->head + 32, state_crc32(0, w->head, 32));
	wseek(w, 0, SEEK_SET);
	xfwrite(w->head, 1, HEAD_BYTES, w->f, w->tmp);
	cli_replace_commit(w->f, w->tmp, w->path);
	free(w->path);
	free(w);
}

/* ---- reading ---- */

struct state_r {
	FILE *f;
	char *path;
	uint32_t nsect;
	struct {
		char name[STATE_NAME_MAX];
		off_t off;	/* of the payload */
		uint64_t len;
		uint32_t crc;
	} s[STATE_MAX_SECTIONS];
	int cur;		/* section being read, or -1 */
	uint64_t left;		/* its bytes not read yet */
	uint32_t crc;		/* CRC of those read */
};

static void
rread(struct state_r *r, void *p, size_t n)
{
	if (fread(p, 1, n, r->f) != n)
		cli_die("%s: %s", r->path, ferror(r->f) ? strerror(errno) :
		    "state file truncated (was the run killed while copying "
		    "it?)");
}

static void
rseek(struct state_r *r, off_t at)
{
	if (fseeko(r->f, at, SEEK_SET) != 0)
		cli_die("%s: %s", r->path, strerror(errno));
}

/* The section list, each length bounded by what the file has left. */
static void
read_sections(struct state_r *r, off_t size)
{
	off_t at = HEAD_BYTES;

	for (uint32_t i = 0; i < r->nsect; i++) {
		unsigned char h[SECTION_HEAD];
		if (size - at < SECTION_HEAD)
			cli_die("%s: state file truncated in the head of "
			    "section %u of %u", r->path, i + 1, r->nsect);
		rseek(r, at);
		rread(r, h, SECTION_HEAD);
		if (get32(h + 28) != state_crc32(0, h, 28) ||
		    !field_ok(h, r->s[i].name))
			cli_die("%s: the head of section %u is damaged",
			    r->path, i + 1);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(r->s[j].name, r->s[i].name) == 0)
				cli_die("%s: section \"%s\" appears twice",
				    r->path, r->s[i].name);
		r->s[i].len = get64(h + 16);
		r->s[i].crc = get32(h + 24);
		at += SECTION_HEAD;
		if (r->s[i].len > (uint64_t)(size - at))
			cli_die("%s: section \"%s\" says %llu bytes, the file "
			    "has %lld left (truncated?)", r->path,
			    r->s[i].name, (unsigned long long)r->s[i].len,
			    (long long)(size - at));
		r->s[i].off = at;
		at += (off_t)r->s[i].len;
	}
	if (at != size)
		cli_die("%s: %lld bytes after the last section (damaged "
		    "file)", r->path, (long long)(size - at));
}

struct state_r *
state_open(const char *path, const char *kind)
{
	struct state_r *r = xcalloc(1, sizeof(*r));
	unsigned char h[HEAD_BYTES];
	char got[STATE_KIND_MAX];
	struct stat sb;

	r->path = xstrdup(path);
	r->cur = -1;
	if ((r->f = fopen(path, "rb")) == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	if (fstat(fileno(r->f), &sb) != 0)
		cli_die("%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		cli_die("%s: not a regular file", path);
	if (sb.st_size < HEAD_BYTES || fread(h, 1, HEAD_BYTES, r->f) !=
	    HEAD_BYTES || memcmp(h, state_magic, 8) != 0)
		cli_die("%s is not a firth state file", path);
	if (get32(h + 32) != state_crc32(0, h, 32))
		cli_die("%s: the state file's header is damaged", path);
	if (get32(h + 8) != STATE_VERSION)
		cli_die("%s: state file version %u; this %s reads version %d",
		    path, get32(h + 8), cli_progname, STATE_VERSION);
	if (!field_ok(h + 16, got))
		cli_die("%s: the state file's header is damaged", path);
	if (strcmp(got, kind) != 0)
		cli_die("%s holds firth-%s state, not firth-%s's", path, got,
		    kind);
	r->nsect = get32(h + 12);
	if (r->nsect > STATE_MAX_SECTIONS)
		cli_die("%s: %u sections, more than %d (damaged file)", path,
		    r->nsect, STATE_MAX_SECTIONS);
	read_sections(r, sb.st_size);
	return r;
}

int
state_file_is(const char *path)
{
	unsigned char m[8];
	FILE *f = fopen(path, "rb");
	int is;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	is = fread(m, 1, 8, f) == 8 && memcmp(m, state_magic, 8) == 0;
	fclose(f);
	return is;
}

static int
section_index(const struct state_r *r, const char *name)
{
	for (uint32_t i = 0; i < r->nsect; i++)
		if (strcmp(r->s[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
state_has(const struct state_r *r, const char *name)
{
	return section_index(r, name) >= 0;
}

uint64_t
state_find(struct state_r *r, const char *name)
{
	int i = section_index(r, name);

	if (i < 0)
		cli_die("%s has no section \"%s\" (damaged, or written by "
		    "another version)", r->path, name);
	rseek(r, r->s[i].off);
	r->cur = i;
	r->left = r->s[i].len;
	r->crc = 0;
	return r->s[i].len;
}

void
state_read(struct state_r *r, void *p, size_t n)
{
	if (r->cur < 0)
		cli_die("state_read: no section found");
	if (n > r->left)
		cli_die("%s: section \"%s\" is shorter than its contents say "
		    "(damaged file)", r->path, r->s[r->cur].name);
	rread(r, p, n);
	r->crc = state_crc32(r->crc, p, n);
	r->left -= n;
	if (r->left == 0 && r->crc != r->s[r->cur].crc)
		cli_die("%s: section \"%s\" is damaged (CRC mismatch)",
		    r->path, r->s[r->cur].name);
}

void
state_get(struct state_r *r, const char *name, void *p, size_t n)
{
	uint64_t len = state_find(r, name);

	if (len != n)
		cli_die("%s: section \"%s\" is %llu bytes, not %zu (damaged, "
		    "or written by another version)", r->path, name,
		    (unsigned long long)len, n);
	state_read(r, p, n);
	if (n == 0 && r->s[r->cur].crc != 0)
		cli_die("%s: section \"%s\" is damaged (CRC mismatch)",
		    r->path, name);
}

char **
state_get_words(struct state_r *r, const char *name, uint32_t *np)
{
	uint64_t len = state_find(r, name);
	unsigned char *buf;
	const unsigned char *p, *end;
	uint32_t n, k;
	char **words;

	if (len == 0)
		cli_die("%s: section \"%s\" is empty", r->path, name);
	/* len is bounded by the file's size (read_sections). */
	buf = xmalloc((size_t)len);
	state_read(r, buf, (size_t)len);
	p = buf;
	end = buf + len;
	/* Each word takes at least 2 bytes: n is bounded by len. */
	if (!varint_get32(&p, end, &n) || n > len / 2)
		cli_die("%s: section \"%s\": bad word count", r->path, name);
	words = xreallocarray(NULL, n ? n : 1, sizeof(*words));
	for (k = 0; k < n; k++) {
		uint32_t wl;
		if (!varint_get32(&p, end, &wl) || wl == 0 ||
		    wl > STATE_MAX_WORD || wl > (size_t)(end - p) ||
		    memchr(p, '\0', wl) != NULL)
			cli_die("%s: section \"%s\": word %u is damaged",
			    r->path, name, k + 1);
		words[k] = xmalloc(wl + 1);
		memcpy(words[k], p, wl);
		words[k][wl] = '\0';
		p += wl;
	}
	if (p != end)
		cli_die("%s: section \"%s\": bytes after the last word",
		    r->path, name);
	free(buf);
	*np = n;
	return words;
}

const char *
state_path(const struct state_r *r)
{
	return r->path;
}

void
state_close(struct state_r *r)
{
	if (r == NULL)
		return;
	fclose(r->f);
	free(r->path);
	free(r);
}
