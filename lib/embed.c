/*
 * embed.c - sparse gradients and updates of lookup tables (see embed.h).
 * A table row is a parameter like any weight, so it is updated by the same
 * AdaGrad or SGD step as the network (nn_adagrad, nn_sgd); only the rows
 * that received a gradient are stepped, and each once per minibatch, with
 * the sum of the gradients of all the positions that used it.
 */
#include "embed.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nn.h"

void
embed_grad_init(struct embed_grad *eg, size_t rows, int dim, size_t cap)
{
	memset(eg, 0, sizeof(*eg));
	eg->rows = rows;
	eg->dim = dim;
	eg->cap = cap < rows ? cap : rows;
	eg->g = xcalloc(rows * dim > 0 ? rows * dim : 1, sizeof(float));
	eg->hist = xcalloc(rows * dim > 0 ? rows * dim : 1, sizeof(float));
	eg->used = xcalloc(rows > 0 ? rows : 1, 1);
	eg->list = xcalloc(eg->cap > 0 ? eg->cap : 1, sizeof(uint32_t));
}

void
embed_grad_free(struct embed_grad *eg)
{
	free(eg->g);
	free(eg->hist);
	free(eg->used);
	free(eg->list);
	memset(eg, 0, sizeof(*eg));
}

void
embed_grad_add(struct embed_grad *eg, uint32_t row, const float *grad)
{
	float *g;

	if (row >= eg->rows)
		cli_die("internal error: embedding row %u of %zu", row,
		    eg->rows);
	if (!eg->used[row]) {
		if (eg->n == eg->cap)
			cli_die("internal error: more than %zu embedding rows "
			    "in a batch", eg->cap);
		eg->used[row] = 1;
		eg->list[eg->n++] = row;
	}
	g = eg->g + (size_t)row * eg->dim;
	for (int d = 0; d < eg->dim; d++)
		g[d] += grad[d];
}

void
embed_grad_apply(struct embed_grad *eg, float *table, float lr, int optim)
{
	for (size_t i = 0; i < eg->n; i++) {
		size_t at = (size_t)eg->list[i] * eg->dim;
		if (optim == EMBED_ADAGRAD)
			nn_adagrad(table + at, eg->hist + at, eg->g + at,
			    eg->dim, lr, 0);
		else
			nn_sgd(table + at, eg->g + at, eg->dim, lr, 0);
		memset(eg->g + at, 0, eg->dim * sizeof(float));
		eg->used[eg->list[i]] = 0;
	}
	eg->n = 0;
}
