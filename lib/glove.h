/*
 * glove.h - the GloVe model: parameters, objective, gradient, the AdaGrad
 * update (a fast SIMD kernel and a plain double-precision reference twin)
 * and checkpoints.  firth-glove(1) drives it; tests/c/test_glove.c checks
 * the gradient numerically and the two updates against each other.
 *
 * Legend, used in every shape comment:
 *   V   words in the vocabulary
 *   D   vector size (--vector-size)
 *   Dp  D + 1 rounded up to GLOVE_LANES: the row pitch, so every row is
 *       aligned and the kernel needs no scalar tail.  Lane D of a row
 *       holds the word's bias (of W rows: bw_i; of C rows: bc_j), so a
 *       record touches 4 rows and nothing else; lanes past D stay 0.
 *
 * Objective, over co-occurrence records (i, j, X_ij):
 *   J = 1/2 sum f(X_ij) (w_i . c_j + bw_i + bc_j - log X_ij)^2
 *   f(x) = (x / x_max)^alpha for x < x_max, else 1
 * and word i is represented by w_i + c_i.
 */
#ifndef FIRTH_GLOVE_H
#define FIRTH_GLOVE_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

#define GLOVE_LANES 8		/* floats per SIMD vector (32 bytes) */
#define GLOVE_CKPT_VERSION 2	/* of firth 0.1.0's checkpoints, still read */

struct glove_hyper {
	uint32_t dim;		/* D */
	double x_max;		/* count at which the weight f reaches 1 */
	double alpha;		/* exponent of f below x_max */
	double eta;		/* initial learning rate */
	double grad_clip;	/* bound on each weight-gradient component */
};

struct glove {
	uint32_t nwords;	/* V */
	uint32_t dim;		/* D */
	uint32_t stride;	/* Dp */
	struct glove_hyper h;
	size_t nparam;		/* floats in the parameter half: 2 V Dp */
	/*
	 * One allocation of 2 * nparam floats, 64-byte aligned: the
	 * parameters, then the AdaGrad accumulators laid out the same way,
	 * so acc[k] belongs to param[k] and a checkpoint is one write.
	 */
	float *mem;
	float *w;		/* word vectors and biases [V][Dp] */
	float *c;		/* context vectors and biases [V][Dp] */
	float *gw, *gc;		/* sums of squared steps, same shapes */
};

/* The bias of word i in W (glove_bw) and in C (glove_bc): lane D. */
#define glove_bw(g, i) ((g)->w[(size_t)(i) * (g)->stride + (g)->dim])
#define glove_bc(g, i) ((g)->c[(size_t)(i) * (g)->stride + (g)->dim])

/* Where a run stands; saved with the parameters in a checkpoint. */
struct glove_state {
	uint64_t fingerprint;	/* of the vocabulary the ids index */
	uint64_t seed;		/* --seed the run started with */
	uint64_t rng;		/* generator state after initialisation */
	uint64_t records;	/* co-occurrence records per iteration */
	uint32_t iter;		/* iterations completed */
};

/*
 * glove_new allocates a model for V words (parameters zero, accumulators
 * zero); glove_init then draws the parameters uniformly from
 * (-0.5, 0.5) / D with the splitmix64 generator whose state is *rng
 * (rng_splitmix64 in rng.h) and sets every accumulator to 1
 * (so the first AdaGrad step is eta times the gradient).  Dies when the
 * model does not fit in memory.
 */
struct glove *glove_new(uint32_t nwords, const struct glove_hyper *h);
void glove_init(struct glove *g, uint64_t *rng);
void glove_free(struct glove *g);

/* The weighting function f, in double. */
double glove_weight(const struct glove_hyper *h, double x);

/*
 * One AdaGrad step on record (i, j, x), x > 0, as in GloVe: the gradient
 * of each weight is f * diff times the other vector's component, clipped
 * to [-grad_clip, grad_clip]; the step is eta * g / sqrt(acc) with acc as
 * it was before this step; then acc += (eta g)^2.  Biases take the same
 * step without the clip.  Returns 1 and adds the record's cost
 * 1/2 f diff^2 to *cost, or returns 0 and changes nothing when diff is
 * not finite (the caller reports it).  Lock-free: threads may call it on
 * the same model at once (Hogwild); races lose updates, never memory.
 *
 * glove_update is the fast kernel (single precision, GLOVE_LANES-wide
 * vectors); glove_update_ref is the plain loop in double precision that
 * the tests hold it to.
 */
int glove_update(struct glove *g, uint32_t i, uint32_t j, float x,
    double *cost);
int glove_update_ref(struct glove *g, uint32_t i, uint32_t j, float x,
    double *cost);

/*
 * Train on n records in order.  Returns n, or the index of the first
 * record whose diff was not finite (training stops there).  *cost gets
 * the sum of the records' costs.
 */
size_t glove_train(struct glove *g, const struct cooc_rec *r, size_t n,
    double *cost);
/* The same with glove_update_ref: the baseline benchmarks compare with. */
size_t glove_train_ref(struct glove *g, const struct cooc_rec *r, size_t n,
    double *cost);

/* Objective J over n records, in double precision (reference). */
double glove_objective(const struct glove *g, const struct cooc_rec *r,
    size_t n);
/*
 * Its gradient, in double: grad[k] = dJ/dparam[k] for the parameter half
 * of mem (nparam entries, same layout; padding gets 0).
 */
void glove_gradient(const struct glove *g, const struct cooc_rec *r,
    size_t n, double *grad);

/* Index of the first parameter or accumulator that is NaN or infinite,
 * or SIZE_MAX when all are finite. */
size_t glove_check_finite(const struct glove *g);

/*
 * Checkpoints: state files (lib/state.h) of kind "glove"; the sections
 * are listed at the top of glove.c.  glove_save writes the model, the
 * run's state and the V words in id order to a temporary file beside
 * path and renames it, so a kill at any moment leaves either the old
 * checkpoint or the new one.  glove_load checks sizes, CRCs and that
 * the words match the fingerprint, and also reads the single-block
 * checkpoints of firth 0.1.0; both die with a message on any failure.
 */
void glove_save(const struct glove *g, const struct glove_state *st,
    char *const *words, const char *path);
struct glove *glove_load(const char *path, struct glove_state *st);

#endif
