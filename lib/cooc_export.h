/*
 * cooc_export.h - firth-cooc --export: every run of the database merged,
 * the chosen vocabulary kept, database ids mapped to frequency ranks,
 * symmetric pairs mirrored, rows ordered, written as a firth-stream(5)
 * cooc stream.  The whole export reads one snapshot of the database.
 */
#ifndef FIRTH_COOC_EXPORT_H
#define FIRTH_COOC_EXPORT_H

#include <stdint.h>

struct db;

struct cooc_export_opts {
	int weighting;		/* COOC_HARMONIC..., -1: the database's */
	double cap;		/* no value larger; 0: none */
	int64_t min_count;	/* words counted at least this often */
	uint32_t max_vocab;	/* the most frequent words only; 0: all */
	uint64_t mem;		/* bytes of memory to use (-M) */
	int level;		/* zlib level of the stream */
};

/* Write the export of db to standard output; dies on any failure. */
void cooc_export(struct db *db, const struct cooc_export_opts *o);

#endif
