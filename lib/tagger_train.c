/*
 * tagger_train.c - one training step of the window tagger (tagger.h):
 * forward, loss (per token, or sentence-level with crf.h), backward,
 * then AdaGrad or SGD on the network, the transition scores, and the
 * rows of the word and affix tables the batch used.
 *
 * The word vectors' and affix embeddings' gradients come out of the
 * input gradient w.g[0], one slice of P per window position: the first D
 * are the word's row of E, then S shape inputs (no parameters), then
 * NKIND rows of X.  The rows of words that came with vectors learn only
 * with finetune; UNK, <s>, </s>, new words and affixes always learn.
 *
 * Word dropout (worddrop > 0) reads each word of a training window as
 * UNK with that probability, its vector replaced by UNK's, so that the
 * network learns to tag from the context and the word's shape and
 * endings what it will meet unseen in new text; UNK then takes the
 * gradient.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crf.h"
#include "tagger.h"

/* lib/rng behind the double (*)(void *) source nn_forward takes. */
static double
rand01(void *r)
{
	return rng_uniform(r);
}

void
tagger_train_init(struct tagger_trainer *t, struct tagger *md,
    const struct tagger_opts *o, int cap, struct rng *rng)
{
	size_t KT = ((size_t)md->K + 1) * md->K;

	memset(t, 0, sizeof(*t));
	t->md = md;
	t->o = *o;
	t->cap = cap;
	t->rng = rng;
	nn_work_init(&t->w, &md->net, cap);
	t->grad = xcalloc(md->net.nparams, sizeof(float));
	t->hist = xcalloc(md->net.nparams, sizeof(float));
	t->gT = xcalloc(KT, sizeof(float));
	t->histT = xcalloc(KT, sizeof(float));
	embed_grad_init(&t->gE, (size_t)md->V + 3, md->D,
	    (size_t)cap * (2 * md->m + 1));
	embed_grad_init(&t->gX, (size_t)md->NA + 2, md->A,
	    (size_t)cap * (2 * md->m + 1) * TAGGER_NKIND);
	t->rows = xcalloc((size_t)cap * (2 * md->m + 1), sizeof(uint32_t));
}

void
tagger_train_free(struct tagger_trainer *t)
{
	nn_work_free(&t->w, &t->md->net);
	free(t->grad);
	free(t->hist);
	free(t->gT);
	free(t->histT);
	embed_grad_free(&t->gE);
	embed_grad_free(&t->gX);
	free(t->rows);
}

/* The rows of E of the batch's windows into t->rows, words read as UNK
 * with probability worddrop, and x's word slices made to match. */
static void
word_dropout(struct tagger_trainer *t, const struct tagger_windows *ws,
    const size_t *idx, int B)
{
	const struct tagger *md = t->md;
	int W = 2 * md->m + 1, P = tagger_width(md);

	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++) {
			uint32_t r = ws->row[idx[b] * W + k];
			if (t->o.worddrop > 0 && r < md->V &&
			    rng_uniform(t->rng) < t->o.worddrop) {
				r = md->V;
				memcpy(t->w.a[0] + (size_t)b * W * P +
				    (size_t)k * P, md->E + (size_t)r * md->D,
				    md->D * sizeof(float));
			}
			t->rows[b * W + k] = r;
		}
}

/* The sentence-level loss of the scores w.a[L] of B windows, whole
 * sentences in order; d loss / d scores into w.g[L], / d T into t->gT. */
static double
sentence_loss(struct tagger_trainer *t, const struct tagger_windows *ws,
    const size_t *idx, int B, const int *y)
{
	const struct tagger *md = t->md;
	int K = md->K, L = md->net.L, start = 0;
	double loss = 0;

	memset(t->gT, 0, ((size_t)K + 1) * K * sizeof(float));
	for (int b = 0; b < B; b++) {
		if (!ws->eos[idx[b]] && b + 1 < B)
			continue;
		loss += crf_loss(md->T, t->w.a[L] + (size_t)start * K,
		    b + 1 - start, K, y + start, 1.0f / B,
		    t->w.g[L] + (size_t)start * K, t->gT);
		start = b + 1;
	}
	return loss / B;
}

double
tagger_train_step(struct tagger_trainer *t, const struct tagger_windows *ws,
    const size_t *idx, int B)
{
	struct tagger *md = t->md;
	struct nn *net = &md->net;
	int W = 2 * md->m + 1, P = tagger_width(md), y[B];
	int optim = t->o.sgd ? EMBED_SGD : EMBED_ADAGRAD;
	size_t KT = ((size_t)md->K + 1) * md->K;
	double loss;

	tagger_windows_input(md, ws, idx, B, t->w.a[0]);
	word_dropout(t, ws, idx, B);
	for (int b = 0; b < B; b++)
		y[b] = ws->y[idx[b]];
	nn_forward(net, &t->w, B, t->o.dropout, rand01, t->rng);
	if (t->o.loss == TAGGER_SENTENCE)
		loss = sentence_loss(t, ws, idx, B, y);
	else
		loss = nn_loss(net, &t->w, B, y, t->o.loss);
	memset(t->grad, 0, net->nparams * sizeof(float));
	nn_backward(net, &t->w, B, t->grad);
	/* L2 on the weights only (not biases): grad += lambda W */
	for (int l = 0; l < net->L; l++) {
		size_t n = (size_t)net->d[l + 1] * net->d[l];
		float *g = t->grad + (net->W[l] - net->params);
		for (size_t i = 0; i < n; i++)
			g[i] += t->o.l2 * net->W[l][i];
	}
	if (t->o.sgd) {
		nn_sgd(net->params, t->grad, net->nparams, t->o.lr, 0);
		if (md->crf)
			nn_sgd(md->T, t->gT, KT, t->o.lr, 0);
	} else {
		nn_adagrad(net->params, t->hist, t->grad, net->nparams,
		    t->o.lr, 0);
		if (md->crf)
			nn_adagrad(md->T, t->histT, t->gT, KT, t->o.lr, 0);
	}
	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++) {
			size_t at = idx[b] * W + k;
			uint32_t r = t->rows[b * W + k];
			const float *g = t->w.g[0] + (size_t)b * W * P +
			    (size_t)k * P;
			if (r >= md->Vvec || t->o.finetune)
				embed_grad_add(&t->gE, r, g);
			for (int a = 0; md->A > 0 && a < TAGGER_NKIND; a++)
				embed_grad_add(&t->gX, ws->afx[at *
				    TAGGER_NKIND + a], g + md->D + md->S +
				    a * md->A);
		}
	embed_grad_apply(&t->gE, md->E, t->o.lr, optim);
	embed_grad_apply(&t->gX, md->X, t->o.lr, optim);
	return loss;
}

/*
 * The minibatches of an epoch, into order (windows) and batch (where each
 * starts, nb + 1 entries): B windows in a shuffled order, or with
 * sentences whole sentences in a shuffled order, as many as fit in B
 * windows (a longer sentence alone).  Returns nb.
 */
size_t
tagger_batches(const struct tagger_windows *tr, struct rng *rng,
    int sentences, int B, size_t *order, size_t *batch, size_t *sent,
    size_t nsent)
{
	size_t nb = 0, at = 0;

	if (!sentences) {
		/* reshuffles the last epoch's order, as releases before
		 * did, so a seed gives the same model as then */
		for (size_t i = tr->n - 1; i > 0; i--) {
			size_t j = rng_below(rng, i + 1), x;
			x = order[i]; order[i] = order[j]; order[j] = x;
		}
		for (size_t i = 0; i < tr->n; i += B)
			batch[nb++] = i;
		batch[nb] = tr->n;
		return nb;
	}
	/* sent[i]: first window of sentence i, sent[nsent] = n */
	for (size_t i = nsent - 1; i > 0; i--) {
		size_t j = rng_below(rng, i + 1), x;
		x = sent[i]; sent[i] = sent[j]; sent[j] = x;
	}
	for (size_t i = 0; i < nsent; i++) {
		size_t from = sent[i], to = from;
		while (!tr->eos[to])
			to++;
		if (nb == 0 || at - batch[nb - 1] + (to + 1 - from) >
		    (size_t)B)
			batch[nb++] = at;
		for (size_t k = from; k <= to; k++)
			order[at++] = k;
	}
	batch[nb] = at;
	return nb;
}

/* The sentences' first windows, in order, into sent (cap tr->n). */
size_t
tagger_sentences(const struct tagger_windows *tr, size_t *sent)
{
	size_t n = 0;

	for (size_t i = 0; i < tr->n; i++)
		if (i == 0 || tr->eos[i - 1])
			sent[n++] = i;
	return n;
}
