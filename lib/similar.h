/*
 * similar.h - the words most similar to a sum of words (gensim's
 * most_similar, word2vec's distance): "king woman -man".
 */
#ifndef FIRTH_SIMILAR_H
#define FIRTH_SIMILAR_H

#include <stdint.h>

#include "analogy.h"

/*
 * The k words nearest by cosine to the mean of the unit vectors of
 * pos[np] minus those of neg[nn] (rows of e), as gensim's
 * most_similar(positive, negative) ranks them; the query words
 * themselves (and a hidden <unk>) are never answers.  Fills idx[k],
 * score[k] (cosine with the query's direction) best first, ties to the
 * lower row; returns how many.
 */
uint32_t similar_query(const struct emb *e, const int64_t *pos, uint32_t np,
    const int64_t *neg, uint32_t nn, uint32_t k, uint32_t *idx,
    double *score);

#endif
