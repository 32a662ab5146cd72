/* Subsampling of frequent words: word2vec.c's keep test, as one integer
 * threshold per word that the training loop compares with its LCG's low bits. */
#ifndef W2V_SUBSAMPLING_H
#define W2V_SUBSAMPLING_H

#include <stdint.h>

/* Subsampling thresholds with word2vec.c's float formula. */
void w2v_subsample_thresholds(const int64_t *counts, int64_t vocab_size, float sample,
                              int64_t train_words, uint32_t *keep_threshold);

#endif
