/*
 * nn.h - a small feed-forward network for window classification: dense
 * layers with tanh, sigmoid or ReLU, a softmax cross-entropy or multiclass
 * max-margin loss, backpropagation written out layer by layer, and the
 * AdaGrad and SGD updates.  Batched products go through CBLAS; plain-loop
 * twins (the _ref functions) are kept for the tests.
 *
 * Legend, used in every shape comment:
 *   B  examples in a minibatch
 *   L  weight layers (hidden layers + 1); L = 1 is softmax regression
 *   d[l]  width of layer l's input; d[0] = I (input), d[L] = K (classes)
 */
#ifndef FIRTH_NN_H
#define FIRTH_NN_H

#include <stddef.h>
#include <stdint.h>

#define NN_MAXLAYERS 8

enum nn_act { NN_TANH = 0, NN_SIGMOID = 1, NN_RELU = 2 };
enum nn_loss { NN_XENT = 0, NN_HINGE = 1 };

struct nn {
	int L;			/* weight layers */
	int d[NN_MAXLAYERS + 1];/* layer widths, d[0] input, d[L] classes */
	int act;		/* enum nn_act, for the hidden layers */
	size_t nparams;		/* floats in params */
	float *params;		/* all weights: W0 b0 W1 b1 ... */
	float *W[NN_MAXLAYERS];	/* W[l]: [d[l+1]][d[l]], row per output */
	float *b[NN_MAXLAYERS];	/* b[l]: [d[l+1]] */
};

/* Per-batch work space: activations and their gradients. */
struct nn_work {
	int cap;			/* B this was sized for */
	float *a[NN_MAXLAYERS + 1];	/* a[l]: [B][d[l]]; a[L] = scores */
	float *g[NN_MAXLAYERS + 1];	/* dloss/da[l], same shapes */
	float *mask[NN_MAXLAYERS];	/* dropout keep-masks of hidden layers */
	float *prob;			/* [B][K] softmax, for cross-entropy */
};

/* Set up widths and pointers; params allocated zeroed. */
void nn_init(struct nn *net, int L, const int *d, int act);
/* Layout the pointers over an existing params block (same widths). */
void nn_bind(struct nn *net, float *params);
void nn_free(struct nn *net);
/* Uniform(-r, r) weights with r = sqrt(6 / (fan_in + fan_out)), zero
 * biases (Glorot); rand01 returns uniform [0,1). */
void nn_randomize(struct nn *net, double (*rand01)(void *), void *rng);

void nn_work_init(struct nn_work *w, const struct nn *net, int B);
void nn_work_free(struct nn_work *w, const struct nn *net);

/*
 * Forward pass: w->a[0] ([B][d0]) must hold the inputs.  Fills a[1..L].
 * With drop > 0 (training), each hidden unit is zeroed with probability
 * drop and the kept ones scaled by 1/(1-drop) (inverted dropout).
 */
void nn_forward(const struct nn *net, struct nn_work *w, int B, float drop,
    double (*rand01)(void *), void *rng);
/*
 * Loss of the scores w->a[L] against labels y[B]; mean over the batch.
 * Leaves dloss/dscores in w->g[L].
 */
double nn_loss(const struct nn *net, struct nn_work *w, int B,
    const int *y, int loss);
/*
 * Backward pass from w->g[L]: adds dloss/dparams into grad (nparams
 * floats, same layout as params) and leaves dloss/dinput in w->g[0].
 */
void nn_backward(const struct nn *net, struct nn_work *w, int B,
    float *grad);

/* The same with plain loops, for tests. */
void nn_forward_ref(const struct nn *net, struct nn_work *w, int B);
void nn_backward_ref(const struct nn *net, struct nn_work *w, int B,
    float *grad);

/* Updates over n floats: AdaGrad (hist accumulates squares) and SGD, with
 * L2 weight decay lambda added to the gradient. */
void nn_adagrad(float *p, float *hist, const float *grad, size_t n,
    float lr, float lambda);
void nn_sgd(float *p, const float *grad, size_t n, float lr, float lambda);

int nn_act_parse(const char *s);	/* "tanh", "sigmoid", "relu" */
const char *nn_act_name(int act);

#endif
