/*
 * crf.h - sentence-level tag scores (Collobert et al. 2011, "Natural
 * Language Processing (Almost) from Scratch", section 3.3.2): a tag
 * path's score adds the network's per-token scores f and learned
 * transition scores T,
 *
 *	s(y) = T[0][y_0] + f[0][y_0] + sum_{i=1}^{n-1} (T[1+y_{i-1}][y_i]
 *	       + f[i][y_i]),
 *
 * training maximises log p(y) = s(y) - logadd over all paths of s (the
 * forward algorithm, in log space, in double), and decoding is the
 * Viterbi path.
 *
 * Legend: n tokens of the sentence, K tags; f [n][K]; T [K+1][K], row 0
 * the start scores, row j+1 the scores of tag j followed by each tag.
 */
#ifndef FIRTH_CRF_H
#define FIRTH_CRF_H

/* s(y) of the path y[n]. */
double crf_score(const float *T, const float *f, int n, int K, const int *y);
/* logadd of s over all K^n paths. */
double crf_logz(const float *T, const float *f, int n, int K);
/*
 * The sentence's loss logz - s(y) (>= 0).  gf ([n][K], overwritten) gets
 * d loss / d f, scaled by scale; scale times d loss / d T is added into
 * gT ([K+1][K]).  Either may be NULL.
 */
double crf_loss(const float *T, const float *f, int n, int K, const int *y,
    float scale, float *gf, float *gT);
/* The best path into y[n] (ties: the lower tag index). */
void crf_viterbi(const float *T, const float *f, int n, int K, int *y);

#endif
