/*
 * crf.c - sentence-level tag scores: path score, forward algorithm,
 * loss with its gradient by forward-backward, Viterbi (crf.h).
 *
 * The gradient is the expected count minus the gold count: d loss /
 * d f[i][k] = p(y_i = k) - [y_i = k] and d loss / d T[1+j][k] =
 * sum_i p(y_{i-1} = j, y_i = k) - gold transitions j -> k, the
 * marginals coming from alpha (forward) and beta (backward) in log
 * space.  n is a sentence (CoNLL sentences have at most a few hundred
 * tokens); the work arrays are allocated per call.
 */
#include "crf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* log(sum exp(x[0..n-1])), safe for large x. */
static double
logsumexp(const double *x, int n)
{
	double m = x[0], s = 0;

	for (int i = 1; i < n; i++)
		if (x[i] > m)
			m = x[i];
	if (isinf(m))
		return m;
	for (int i = 0; i < n; i++)
		s += exp(x[i] - m);
	return m + log(s);
}

double
crf_score(const float *T, const float *f, int n, int K, const int *y)
{
	double s = 0;

	for (int i = 0; i < n; i++)
		s += (double)f[(size_t)i * K + y[i]] +
		    T[(size_t)(i == 0 ? 0 : 1 + y[i - 1]) * K + y[i]];
	return s;
}

/* alpha[i][k]: logadd of the scores of paths over tokens 0..i ending in
 * k.  Returns logz. */
static double
crf_forward(const float *T, const float *f, int n, int K, double *alpha,
    double *tmp)
{
	for (int k = 0; k < K; k++)
		alpha[k] = (double)T[k] + f[k];
	for (int i = 1; i < n; i++)
		for (int k = 0; k < K; k++) {
			for (int j = 0; j < K; j++)
				tmp[j] = alpha[(size_t)(i - 1) * K + j] +
				    T[(size_t)(1 + j) * K + k];
			alpha[(size_t)i * K + k] = logsumexp(tmp, K) +
			    f[(size_t)i * K + k];
		}
	return logsumexp(alpha + (size_t)(n - 1) * K, K);
}

double
crf_logz(const float *T, const float *f, int n, int K)
{
	double *alpha = xreallocarray(NULL, (size_t)n * K, sizeof(double));
	double *tmp = xreallocarray(NULL, K, sizeof(double));
	double z = crf_forward(T, f, n, K, alpha, tmp);

	free(alpha);
	free(tmp);
	return z;
}

double
crf_loss(const float *T, const float *f, int n, int K, const int *y,
    float scale, float *gf, float *gT)
{
	double *alpha = xreallocarray(NULL, (size_t)n * K, sizeof(double));
	double *beta = xreallocarray(NULL, (size_t)n * K, sizeof(double));
	double *tmp = xreallocarray(NULL, K, sizeof(double));
	double z = crf_forward(T, f, n, K, alpha, tmp);
	double loss = z - crf_score(T, f, n, K, y);

	/* beta[i][j]: logadd of the scores of tokens i+1..n-1 after j */
	for (int j = 0; j < K; j++)
		beta[(size_t)(n - 1) * K + j] = 0;
	for (int i = n - 2; i >= 0; i--)
		for (int j = 0; j < K; j++) {
			for (int k = 0; k < K; k++)
				tmp[k] = T[(size_t)(1 + j) * K + k] +
				    f[(size_t)(i + 1) * K + k] +
				    beta[(size_t)(i + 1) * K + k];
			beta[(size_t)i * K + j] = logsumexp(tmp, K);
		}
	for (int i = 0; i < n && gf != NULL; i++)
		for (int k = 0; k < K; k++) {
			size_t at = (size_t)i * K + k;
			double p = exp(alpha[at] + beta[at] - z);
			gf[at] = (float)(scale * (p - (y[i] == k)));
		}
	if (gT != NULL) {
		for (int k = 0; k < K; k++)
			gT[k] += (float)(scale * (exp(alpha[k] + beta[k] - z) -
			    (y[0] == k)));
		for (int i = 1; i < n; i++) {
			gT[(size_t)(1 + y[i - 1]) * K + y[i]] -= scale;
			for (int j = 0; j < K; j++)
				for (int k = 0; k < K; k++) {
					double lp = alpha[(size_t)(i - 1) * K +
					    j] + T[(size_t)(1 + j) * K + k] +
					    f[(size_t)i * K + k] +
					    beta[(size_t)i * K + k] - z;
					gT[(size_t)(1 + j) * K + k] +=
					    (float)(scale * exp(lp));
				}
		}
	}
	free(alpha);
	free(beta);
	free(tmp);
	return loss;
}

void
crf_viterbi(const float *T, const float *f, int n, int K, int *y)
{
	double *v = xreallocarray(NULL, (size_t)n * K, sizeof(double));
	int *back = xreallocarray(NULL, (size_t)n * K, sizeof(int));
	int best = 0;

	for (int k = 0; k < K; k++)
		v[k] = (double)T[k] + f[k];
	for (int i = 1; i < n; i++)
		for (int k = 0; k < K; k++) {
			int arg = 0;
			double m = v[(size_t)(i - 1) * K] + T[(size_t)K + k];
			for (int j = 1; j < K; j++) {
				double s = v[(size_t)(i - 1) * K + j] +
				    T[(size_t)(1 + j) * K + k];
				if (s > m) {
					m = s;
					arg = j;
				}
			}
			v[(size_t)i * K + k] = m + f[(size_t)i * K + k];
			back[(size_t)i * K + k] = arg;
		}
	for (int k = 1; k < K; k++)
		if (v[(size_t)(n - 1) * K + k] > v[(size_t)(n - 1) * K + best])
			best = k;
	for (int i = n - 1; i >= 0; i--) {
		y[i] = best;
		if (i > 0)
			best = back[(size_t)i * K + best];
	}
	free(v);
	free(back);
}
