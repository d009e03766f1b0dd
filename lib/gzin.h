/*
 * gzin.h - read a file that may be gzip-compressed, as zlib's gzread
 * does, but strictly: bytes after the last gzip member that are not
 * another member are refused (gzread drops them silently), and every
 * message names the file as the user gave it ("stdin" for "-"), never
 * zlib's "<fd:3>".
 */
#ifndef FIRTH_GZIN_H
#define FIRTH_GZIN_H

#include <stddef.h>

struct gzin;

/*
 * Open path ("-": a duplicate of standard input, named "stdin").  Returns
 * NULL with errno set when the file cannot be opened.  Plain or gzip is
 * told by the first two bytes (1f 8b), as gzread tells it.
 */
struct gzin *gzin_open(const char *path);
/*
 * Up to n decoded bytes into buf; 0 at the end.  A truncated or damaged
 * gzip member, trailing garbage or a read error dies with a message that
 * starts with the file's name.
 */
size_t gzin_read(struct gzin *g, void *buf, size_t n);
const char *gzin_name(const struct gzin *g);
void gzin_close(struct gzin *g);

#endif
