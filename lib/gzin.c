/*
 * gzin.c - plain-or-gzip file reader over read(2) and inflate.
 *
 * A gzip file is one or more members (RFC 1952), each a header, deflate
 * data and a trailer with the CRC-32 and length, which inflate checks
 * (windowBits 15 + 16).  After a member ends, what follows must be the
 * end of the file or the magic of another member; anything else is
 * trailing garbage, refused, so a corpus file damaged or appended to in
 * the wrong way is noticed instead of counted short.
 */
#include "gzin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"

#define RAWSZ (256u << 10)

struct gzin {
	int fd;
	char *name;
	int gzip;		/* 1: inflate; 0: the bytes as they are */
	int eof;		/* read(2) said 0 */
	int member_done;	/* the last inflate call ended a member */
	z_stream zs;		/* next_in/avail_in: raw bytes not used yet */
	unsigned char *raw;	/* [RAWSZ] */
};

/* Read more raw bytes after the unused ones; 0 at the end of the file. */
static size_t
raw_fill(struct gzin *g)
{
	ssize_t got;

	if (g->eof)
		return 0;
	if (g->zs.avail_in > 0 && g->zs.next_in != g->raw)
		memmove(g->raw, g->zs.next_in, g->zs.avail_in);
	g->zs.next_in = g->raw;
	if (g->zs.avail_in == RAWSZ)
		return 0;
	do
		got = read(g->fd, g->raw + g->zs.avail_in, RAWSZ -
		    g->zs.avail_in);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		cli_die("%s: read error: %s", g->name, strerror(errno));
	if (got == 0)
		g->eof = 1;
	g->zs.avail_in += (uInt)got;
	return (size_t)got;
}

struct gzin *
gzin_open(const char *path)
{
	struct gzin *g;
	int fd;

	fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) :
	    open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	g = xcalloc(1, sizeof(*g));
	g->fd = fd;
	g->name = xstrdup(strcmp(path, "-") == 0 ? "stdin" : path);
	g->raw = xmalloc(RAWSZ);
	g->zs.next_in = g->raw;
	while (g->zs.avail_in < 2 && raw_fill(g) > 0)
		;
	if (g->zs.avail_in >= 2 && g->raw[0] == 0x1f && g->raw[1] == 0x8b) {
		g->gzip = 1;
		if (inflateInit2(&g->zs, 15 + 16) != Z_OK)
			cli_die("%s: cannot start gzip decoding (out of memory)",
			    g->name);
	}
	return g;
}

/* After a member: another one, the end, or garbage (dies). */
static int
next_member(struct gzin *g)
{
	while (g->zs.avail_in < 2 && raw_fill(g) > 0)
		;
	if (g->zs.avail_in == 0)
		return 0;
	if (g->zs.avail_in < 2 || g->zs.next_in[0] != 0x1f ||
	    g->zs.next_in[1] != 0x8b)
		cli_die("%s: trailing garbage after the gzip data (bytes that "
		    "are not another gzip member): the file is damaged, or "
		    "something was appended to it", g->name);
	if (inflateReset(&g->zs) != Z_OK)
		cli_die("%s: gzip decoder failed", g->name);
	return 1;
}

size_t
gzin_read(struct gzin *g, void *buf, size_t n)
{
	size_t got;
	int rc;

	if (n > (1u << 30))
		n = 1u << 30;
	if (!g->gzip) {
		/* What gzin_open looked at comes first. */
		if (g->zs.avail_in > 0) {
			got = g->zs.avail_in < n ? g->zs.avail_in : n;
			memcpy(buf, g->zs.next_in, got);
			g->zs.next_in += got;
			g->zs.avail_in -= (uInt)got;
			return got;
		}
		if (g->eof)
			return 0;
		g->zs.next_in = g->raw;
		return raw_fill(g) > 0 ? gzin_read(g, buf, n) : 0;
	}
	for (;;) {
		if (g->member_done) {
			if (!next_member(g))
				return 0;
			g->member_done = 0;
		}
		if (g->zs.avail_in == 0)
			raw_fill(g);
		g->zs.next_out = buf;
		g->zs.avail_out = (uInt)n;
		rc = inflate(&g->zs, Z_NO_FLUSH);
		got = n - g->zs.avail_out;
		if (rc == Z_STREAM_END)
			g->member_done = 1;
		else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
			cli_die("%s: damaged gzip data (%s)", g->name,
			    g->zs.msg != NULL ? g->zs.msg : "invalid data");
		else if (rc == Z_MEM_ERROR)
			cli_die("%s: out of memory decoding gzip data",
			    g->name);
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			cli_die("%s: gzip decoder failed (%d)", g->name, rc);
		if (got > 0)
			return got;
		/* No output, no input left, none to come: cut short. */
		if (rc != Z_STREAM_END && g->zs.avail_in == 0 && g->eof)
			cli_die("%s: unexpected end of gzip data (the file is "
			    "truncated)", g->name);
	}
}

const char *
gzin_name(const struct gzin *g)
{
	return g->name;
}

void
gzin_close(struct gzin *g)
{
	if (g == NULL)
		return;
	if (g->gzip)
		inflateEnd(&g->zs);
	close(g->fd);
	free(g->raw);
	free(g->name);
	free(g);
}
