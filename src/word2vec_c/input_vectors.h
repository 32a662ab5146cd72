/* The input vectors' starting values: word2vec.c's InitNet for syn0. */
#ifndef W2V_INPUT_VECTORS_H
#define W2V_INPUT_VECTORS_H

#include <stdint.h>

/* word2vec.c's InitNet for syn0: an LCG seeded with init_seed.  Returns 0, or
 * -1 when *stop became non-zero (polled once per row). */
int w2v_init_input_vectors(float *syn0, int64_t vocab_size, int64_t size, uint64_t init_seed,
                           const volatile int32_t *stop);

#endif
