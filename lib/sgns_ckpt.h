/*
 * sgns_ckpt.h - firth-sgns's checkpoints (the format is described in
 * sgns_ckpt.c): save the model and the settings a resumed run must
 * share; load them back into a model of the same shape.
 */
#ifndef FIRTH_SGNS_CKPT_H
#define FIRTH_SGNS_CKPT_H

#include <stddef.h>
#include <stdint.h>

/* The settings a resumed run must share, in file order. */
struct sgns_ckpt_conf {
	int32_t window, negative, cbow, softmax, share, iter, formula, threads;
	double alpha, sample;
	uint64_t seed, fingerprint;
	uint32_t n, d;
};

/* The model a checkpoint holds: n words by rank, rows of d floats s apart. */
struct sgns_ckpt_model {
	uint32_t n, d;
	size_t s;		/* floats from one row to the next */
	char **words;		/* [n] */
	int64_t *counts;	/* [n] */
	float *in, *out;	/* [n][s] */
};

/* Replace path with c, m, the epochs done and the words trained so far. */
void sgns_ckpt_save(const char *path, const struct sgns_ckpt_conf *c,
    const struct sgns_ckpt_model *m, uint32_t epochs, int64_t done);
/*
 * Check path's settings and words against this run's (run, m's words)
 * and fill m's rows from it; dies naming the first difference.  Returns
 * the epochs done, *done the words trained.
 */
uint32_t sgns_ckpt_load(const char *path, const struct sgns_ckpt_conf *run,
    struct sgns_ckpt_model *m, int64_t *done);

#endif
