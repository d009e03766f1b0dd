/*
 * nn.c - forward and backward passes of a small dense network.
 *
 * Layer l maps a[l] ([B][d[l]]) to z = a[l] W[l]^T + b[l] ([B][d[l+1]]);
 * hidden layers apply the activation f, the last layer leaves z as the
 * class scores a[L].  Backpropagation, as the seed derives it, runs the
 * error signal delta[l+1] = dJ/dz down the layers:
 *
 *   dJ/dW[l] = delta[l+1]^T a[l]          ([d[l+1]][d[l]])
 *   dJ/db[l] = sum over the batch of delta[l+1]
 *   dJ/da[l] = delta[l+1] W[l]            ([B][d[l]])
 *   delta[l] = dJ/da[l] * f'(z[l])        (elementwise, hidden layers)
 *
 * f' is computed from the activation's output: tanh' = 1 - a^2,
 * sigmoid' = a (1 - a), relu' = [a > 0].  Dropout masks multiply both
 * ways; the derivative is taken of the output before the mask scaled it.
 */
#include "nn.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
nn_bind(struct nn *net, float *params)
{
	float *p = params;

	net->params = params;
	for (int l = 0; l < net->L; l++) {
		net->W[l] = p;
		p += (size_t)net->d[l + 1] * net->d[l];
		net->b[l] = p;
		p += net->d[l + 1];
	}
}

void
nn_init(struct nn *net, int L, const int *d, int act)
{
	if (L < 1 || L > NN_MAXLAYERS)
		cli_die("internal error: %d layers", L);
	memset(net, 0, sizeof(*net));
	net->L = L;
	net->act = act;
	for (int l = 0; l <= L; l++)
		net->d[l] = d[l];
	for (int l = 0; l < L; l++)
		net->nparams += (size_t)d[l + 1] * d[l] + d[l + 1];
	nn_bind(net, xcalloc(net->nparams, sizeof(float)));
}

void
nn_free(struct nn *net)
{
	free(net->params);
	net->params = NULL;
}

void
nn_randomize(struct nn *net, double (*rand01)(void *), void *rng)
{
	for (int l = 0; l < net->L; l++) {
		size_t n = (size_t)net->d[l + 1] * net->d[l];
		double r = sqrt(6.0 / (net->d[l] + net->d[l + 1]));
		for (size_t i = 0; i < n; i++)
			net->W[l][i] = (float)((2 * rand01(rng) - 1) * r);
		memset(net->b[l], 0, net->d[l + 1] * sizeof(float));
	}
}

void
nn_work_init(struct nn_work *w, const struct nn *net, int B)
{
	memset(w, 0, sizeof(*w));
	w->cap = B;
	for (int l = 0; l <= net->L; l++) {
		w->a[l] = xcalloc((size_t)B * net->d[l], sizeof(float));
		w->g[l] = xcalloc((size_t)B * net->d[l], sizeof(float));
	}
	for (int l = 1; l < net->L; l++)
		w->mask[l] = xcalloc((size_t)B * net->d[l], sizeof(float));
	w->prob = xcalloc((size_t)B * net->d[net->L], sizeof(float));
}

void
nn_work_free(struct nn_work *w, const struct nn *net)
{
	for (int l = 0; l <= net->L; l++) {
		free(w->a[l]);
		free(w->g[l]);
	}
	for (int l = 1; l < net->L; l++)
		free(w->mask[l]);
	free(w->prob);
}

static void
activate(int act, float *a, size_t n)
{
	switch (act) {
	case NN_TANH:
		for (size_t i = 0; i < n; i++)
			a[i] = tanhf(a[i]);
		break;
	case NN_SIGMOID:
		for (size_t i = 0; i < n; i++)
			a[i] = 1.0f / (1.0f + expf(-a[i]));
		break;
	default:
		for (size_t i = 0; i < n; i++)
			a[i] = a[i] > 0 ? a[i] : 0;
		break;
	}
}

/*
 * g *= m f'(z) for the n units of a hidden layer, with f' computed from
 * the layer's stored output a = m f(z), m the dropout mask (0 or
 * 1/(1-drop); 1 without dropout).  The derivative needs f(z) itself, so a
 * kept unit's output is divided by its mask first: taking 1 - a^2 of the
 * scaled output would be wrong for tanh and sigmoid.
 */
static void
activate_back(int act, const float *a, const float *m, float *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float y, d;

		if (m[i] == 0) {
			g[i] = 0;
			continue;
		}
		y = a[i] / m[i];
		switch (act) {
		case NN_TANH:
			d = 1 - y * y;
			break;
		case NN_SIGMOID:
			d = y * (1 - y);
			break;
		default:
			d = y > 0;
			break;
		}
		g[i] *= m[i] * d;
	}
}

void
nn_forward(const struct nn *net, struct nn_work *w, int B, float drop,
    double (*rand01)(void *), void *rng)
{
	for (int l = 0; l < net->L; l++) {
		int in = net->d[l], out = net->d[l + 1];
		float *z = w->a[l + 1];

		/* z = a[l] W^T + b */
		for (int i = 0; i < B; i++)
			memcpy(z + (size_t)i * out, net->b[l],
			    out * sizeof(float));
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, out,
		    in, 1.0f, w->a[l], in, net->W[l], in, 1.0f, z, out);
		if (l + 1 == net->L)
			break;
		activate(net->act, z, (size_t)B * out);
		if (drop > 0) {
			float *m = w->mask[l + 1], keep = 1.0f / (1 - drop);
			for (size_t i = 0; i < (size_t)B * out; i++) {
				m[i] = rand01(rng) < drop ? 0.0f : keep;
				z[i] *= m[i];
			}
		} else if (w->mask[l + 1] != NULL)
			for (size_t i = 0; i < (size_t)B * out; i++)
				w->mask[l + 1][i] = 1.0f;
	}
}

void
nn_forward_ref(const struct nn *net, struct nn_work *w, int B)
{
	for (int l = 0; l < net->L; l++) {
		int in = net->d[l], out = net->d[l + 1];
		for (int i = 0; i < B; i++)
			for (int o = 0; o < out; o++) {
				double s = net->b[l][o];
				for (int k = 0; k < in; k++)
					s += (double)w->a[l][(size_t)i * in + k] *
					    net->W[l][(size_t)o * in + k];
				w->a[l + 1][(size_t)i * out + o] = (float)s;
			}
		if (l + 1 < net->L) {
			activate(net->act, w->a[l + 1], (size_t)B * out);
			for (size_t i = 0; i < (size_t)B * out; i++)
				w->mask[l + 1][i] = 1.0f;
		}
	}
}

double
nn_loss(const struct nn *net, struct nn_work *w, int B, const int *y,
    int loss)
{
	int K = net->d[net->L];
	double total = 0;

	for (int i = 0; i < B; i++) {
		const float *s = w->a[net->L] + (size_t)i * K;
		float *g = w->g[net->L] + (size_t)i * K;
		float *p = w->prob + (size_t)i * K;

		if (loss == NN_XENT) {
			/* softmax, shifted by the max for stability */
			float mx = s[0];
			double z = 0;
			for (int k = 1; k < K; k++)
				mx = s[k] > mx ? s[k] : mx;
			for (int k = 0; k < K; k++)
				z += p[k] = expf(s[k] - mx);
			for (int k = 0; k < K; k++) {
				p[k] = (float)(p[k] / z);
				g[k] = p[k] / B;
			}
			g[y[i]] -= 1.0f / B;
			total -= log(p[y[i]] > 1e-30f ? p[y[i]] : 1e-30f);
		} else {
			/*
			 * Multiclass max-margin (Crammer and Singer):
			 * J = max(0, 1 + max_{k != y} s_k - s_y).
			 */
			int best = -1;
			for (int k = 0; k < K; k++)
				if (k != y[i] && (best < 0 || s[k] > s[best]))
					best = k;
			memset(g, 0, K * sizeof(float));
			double m = best < 0 ? 0 : 1 + s[best] - s[y[i]];
			if (m > 0) {
				total += m;
				g[best] = 1.0f / B;
				g[y[i]] = -1.0f / B;
			}
		}
	}
	return total / B;
}

void
nn_backward(const struct nn *net, struct nn_work *w, int B, float *grad)
{
	struct nn gnet = *net;

	nn_bind(&gnet, grad);
	for (int l = net->L - 1; l >= 0; l--) {
		int in = net->d[l], out = net->d[l + 1];
		float *delta = w->g[l + 1];

		if (l + 1 < net->L) {
			/* through dropout, then the activation */
			activate_back(net->act, w->a[l + 1], w->mask[l + 1],
			    delta, (size_t)B * out);
		}
		/* dW += delta^T a[l];  db += column sums of delta */
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in,
		    B, 1.0f, delta, out, w->a[l], in, 1.0f, gnet.W[l], in);
		for (int i = 0; i < B; i++)
			for (int o = 0; o < out; o++)
				gnet.b[l][o] += delta[(size_t)i * out + o];
		/* da[l] = delta W */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, in,
		    out, 1.0f, delta, out, net->W[l], in, 0.0f, w->g[l], in);
	}
}

void
nn_backward_ref(const struct nn *net, struct nn_work *w, int B, float *grad)
{
	struct nn gnet = *net;

	nn_bind(&gnet, grad);
	for (int l = net->L - 1; l >= 0; l--) {
		int in = net->d[l], out = net->d[l + 1];
		float *delta = w->g[l + 1];

		if (l + 1 < net->L) {
			activate_back(net->act, w->a[l + 1], w->mask[l + 1],
			    delta, (size_t)B * out);
		}
		for (int o = 0; o < out; o++)
			for (int k = 0; k < in; k++) {
				double s = 0;
				for (int i = 0; i < B; i++)
					s += (double)delta[(size_t)i * out + o] *
					    w->a[l][(size_t)i * in + k];
				gnet.W[l][(size_t)o * in + k] += (float)s;
			}
		for (int i = 0; i < B; i++)
			for (int o = 0; o < out; o++)
				gnet.b[l][o] += delta[(size_t)i * out + o];
		for (int i = 0; i < B; i++)
			for (int k = 0; k < in; k++) {
				double s = 0;
				for (int o = 0; o < out; o++)
					s += (double)delta[(size_t)i * out + o] *
					    net->W[l][(size_t)o * in + k];
				w->g[l][(size_t)i * in + k] = (float)s;
			}
	}
}

void
nn_adagrad(float *restrict p, float *restrict hist,
    const float *restrict grad, size_t n, float lr, float lambda)
{
	for (size_t i = 0; i < n; i++) {
		float g = grad[i] + lambda * p[i];
		hist[i] += g * g;
		p[i] -= lr * g / (sqrtf(hist[i]) + 1e-8f);
	}
}

void
nn_sgd(float *restrict p, const float *restrict grad, size_t n, float lr,
    float lambda)
{
	for (size_t i = 0; i < n; i++)
		p[i] -= lr * (grad[i] + lambda * p[i]);
}

int
nn_act_parse(const char *s)
{
	if (strcmp(s, "tanh") == 0)
		return NN_TANH;
	if (strcmp(s, "sigmoid") == 0)
		return NN_SIGMOID;
	if (strcmp(s, "relu") == 0)
		return NN_RELU;
	cli_usage_die("--activation: '%s' is not tanh, sigmoid or relu", s);
}

const char *
nn_act_name(int act)
{
	return act == NN_TANH ? "tanh" : act == NN_SIGMOID ? "sigmoid" : "relu";
}
