/* word2vec.c's -classes: K-means on the word vectors, ten rounds, words
 * assigned round-robin at first, centroids unit-normalised, similarity by dot
 * product.  Same float arithmetic, so the same classes. */
#ifndef W2V_KMEANS_H
#define W2V_KMEANS_H

#include <stdint.h>

/* Returns 0, -1 when memory runs out, or -2 when *stop became non-zero
 * (polled once per word, so a large run ends within moments of the request). */
int w2v_kmeans(const float *vectors, int64_t vocab_size, int64_t size, int64_t classes,
               int iterations, int32_t *assignment, const volatile int32_t *stop);

#endif
