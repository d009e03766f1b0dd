/*
 * state.h - the one container for the state files firth's tools keep
 * between runs: trainer checkpoints (firth-glove, firth-sgns), and next
 * firth-wclass's model and the warm starts of firth-refresh.  The byte
 * layout is drawn at the top of state.c.
 *
 * A state file is a kind ("glove", "sgns", "wclass") and a list of named
 * sections, each with its length and CRC-32.  What a section holds is
 * the kind's business (described where the kind is, e.g. glove.c); the
 * container checks the bytes (magic, version, lengths bounded by the
 * file's size, CRCs, no duplicate names, nothing trailing) and finds
 * sections by name, so a reader can skip what it does not need and a
 * later version can add sections that an older reader ignores.
 *
 * Writing goes through cli_replace_open/commit: a temporary file beside
 * the target, renamed over it when whole.  Every function dies with a
 * message naming the file on any failure.
 *
 *	struct state_w *w = state_create(path, "glove");
 *	state_put(w, "model", head, sizeof(head));
 *	state_begin(w, "params");			// a long section,
 *	state_write(w, rows, n);			// in pieces
 *	state_end(w);
 *	state_put_words(w, "words", words, V);
 *	state_commit(w);
 *
 *	struct state_r *r = state_open(path, "glove");	// dies on "sgns"
 *	state_get(r, "model", head, sizeof(head));	// exactly that long
 *	uint64_t n = state_find(r, "params");		// or by pieces:
 *	state_read(r, rows, n);			// CRC checked at the end
 *	char **words = state_get_words(r, "words", &V);
 *	state_close(r);
 */
#ifndef FIRTH_STATE_H
#define FIRTH_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STATE_VERSION 1
#define STATE_KIND_MAX 16	/* bytes of a kind, NUL-padded */
#define STATE_NAME_MAX 16	/* bytes of a section name, NUL-padded */
#define STATE_MAX_SECTIONS 64
#define STATE_MAX_WORD 65535	/* bytes of one word in a word list */

struct state_w;
struct state_r;

/* ---- writing ---- */

/* Start a state file of `kind' that will replace `path'. */
struct state_w *state_create(const char *path, const char *kind);
/* A section from one buffer. */
void state_put(struct state_w *w, const char *name, const void *p, size_t n);
/* A section written in pieces: begin, any number of writes, end. */
void state_begin(struct state_w *w, const char *name);
void state_write(struct state_w *w, const void *p, size_t n);
void state_end(struct state_w *w);
/*
 * A word list: the count as a LEB128 varint, then each word as its
 * length (varint) and its bytes, no terminator.  Words are matched by
 * these bytes when a run starts from another's state.
 */
void state_put_words(struct state_w *w, const char *name,
    char *const *words, uint32_t n);
/* Patch the header, fsync, rename over the path; frees w. */
void state_commit(struct state_w *w);

/* ---- reading ---- */

/*
 * Open a state file, check its header and list its sections.  `kind'
 * must match ("x.ck holds firth-sgns state, not firth-glove's").
 */
struct state_r *state_open(const char *path, const char *kind);
/*
 * 1 if path begins with a state file's magic, 0 if not (a format from
 * before the container, which its own loader then reads); dies if path
 * cannot be opened.
 */
int state_file_is(const char *path);
/* 1 if the file has a section of that name. */
int state_has(const struct state_r *r, const char *name);
/* Position at section `name' (dies if absent) and return its length. */
uint64_t state_find(struct state_r *r, const char *name);
/*
 * Read the next n bytes of the section found last; dies if fewer remain.
 * The section's CRC is checked when its last byte has been read.
 */
void state_read(struct state_r *r, void *p, size_t n);
/* A section that must be exactly n bytes long, read whole. */
void state_get(struct state_r *r, const char *name, void *p, size_t n);
/* A word list as state_put_words wrote it; *n gets the count. */
char **state_get_words(struct state_r *r, const char *name, uint32_t *n);
void state_close(struct state_r *r);
/* CRC-32 (zlib's) of n bytes, any n, continuing from crc (0 to start). */
uint32_t state_crc32(uint32_t crc, const void *p, size_t n);
/* The path, for the caller's messages. */
const char *state_path(const struct state_r *r);

#endif
