/*
 * cooc_text.h - the text records of firth-cooc --dump, --reduce and
 * --import: a database's counts keyed by words, one record a line, for
 * a map-reduce job or any tool that sorts lines (the format is described
 * at the top of cooc_text.c).  One reader reads them (cooc_recin), one
 * parser says what a line is (cooc_text_parse).
 */
#ifndef FIRTH_COOC_TEXT_H
#define FIRTH_COOC_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "digest.h"

#include "shard.h"

struct db;
struct cmerge_vocab;
struct cmerge_sorter;

#define COOC_REC_MAXLINE 4096	/* "p", two words of TOKIN_MAXTOK, sums */

/*
 * Line reader for records: plain or gzip (zlib reads both), a line at
 * most COOC_REC_MAXLINE bytes; when dg is set, every line read goes into
 * that digest (digest.h, as tokin keeps one), so that the same records
 * imported twice are recognised.
 */
struct cooc_recin {
	gzFile gz;
	const char *name;	/* for messages */
	uint64_t line, bytes;
	struct digest *dg;	/* NULL, or the batch's digest */
	char buf[COOC_REC_MAXLINE + 2];
};

/*
 * Open path ("-": standard input), or, when fd >= 0, the file open on fd
 * from its start (a spool that has no name); name is what messages call
 * it.  Dies on failure.
 */
void cooc_recin_open(struct cooc_recin *r, const char *path, int fd,
    const char *name);
/* The next line without its newline (its length in *len), NULL at end. */
char *cooc_recin_next(struct cooc_recin *r, size_t *len);
void cooc_recin_close(struct cooc_recin *r);

/* What one line is, its parts pointing into the line. */
struct cooc_textrec {
	int kind;		/* 's', 't', 'w' or 'p' */
	const char *settings;	/* 's': the counting settings */
	char *w1, *w2;		/* 'w': w1; 'p': both */
	size_t l1, l2;
	uint64_t v[3];		/* 't': docs tokens; 'w': count; 'p': sums */
	int nv;
};

/*
 * Parse a line of cooc_recin r (it is cut up in place): dies with a
 * message naming r's file and line unless it is a well-formed record.
 */
void cooc_text_parse(char *line, const struct cooc_recin *r,
    struct cooc_textrec *t);
/* Die unless v (N DSUM H) are sums that N occurrences under m can have. */
void cooc_text_pair_check(const uint64_t *v, const struct shard_meta *m,
    const struct cooc_recin *r);

/*
 * --dump: settings, totals, words and pairs of db on standard output,
 * merging its runs within mem bytes.
 */
void cooc_text_dump(struct db *db, uint64_t mem);
/* --reduce: sum the values of adjacent records with equal keys. */
void cooc_text_reduce(char **files, int nfiles);

/*
 * --import, pass 1 over one file: settings (*settings, malloc'd, must
 * match), totals, words into cv; the pair records counted in *npairs.
 */
void cooc_import_words(struct cooc_recin *r, struct cmerge_vocab *cv,
    char **settings, uint64_t *docs, uint64_t *tokens, int *havet,
    uint64_t *npairs);
/* --import, pass 2 over one file: the pairs renumbered into sorter. */
uint64_t cooc_import_pairs(struct cooc_recin *r,
    const struct cmerge_vocab *cv, const struct shard_meta *m,
    struct cmerge_sorter *sorter);

#endif
