/*
 * embed.h - the backward half of a lookup-table layer (word vectors, affix
 * embeddings): the forward pass copies rows of a table [rows][dim] into a
 * network's input, so the gradient of a row is the sum of the input
 * gradient slices it was copied to.  Only the rows a minibatch used are
 * touched, so the update costs O(rows used x dim), not O(table).
 *
 *	struct embed_grad eg;
 *	embed_grad_init(&eg, rows, dim, most_rows_per_batch);
 *	for each use of row r whose input slice has gradient g[dim]:
 *		embed_grad_add(&eg, r, g);
 *	embed_grad_apply(&eg, table, lr, EMBED_ADAGRAD);  // clears eg
 */
#ifndef FIRTH_EMBED_H
#define FIRTH_EMBED_H

#include <stddef.h>
#include <stdint.h>

enum { EMBED_ADAGRAD, EMBED_SGD };

struct embed_grad {
	size_t rows;		/* rows in the table */
	int dim;		/* floats a row */
	float *g;		/* [rows][dim] gradient sums, zero when idle */
	float *hist;		/* [rows][dim] AdaGrad sums of squares */
	unsigned char *used;	/* [rows] 1 when the row is in list */
	uint32_t *list;		/* [cap] rows with a gradient */
	size_t n, cap;
};

void embed_grad_init(struct embed_grad *eg, size_t rows, int dim,
    size_t cap);
void embed_grad_free(struct embed_grad *eg);
/* g[row] += grad (dim floats).  More than cap distinct rows between two
 * applies is an internal error. */
void embed_grad_add(struct embed_grad *eg, uint32_t row, const float *grad);
/* Step every row with a gradient (AdaGrad or SGD at rate lr, as
 * nn_adagrad and nn_sgd do, without weight decay), then clear them. */
void embed_grad_apply(struct embed_grad *eg, float *table, float lr,
    int optim);

#endif
