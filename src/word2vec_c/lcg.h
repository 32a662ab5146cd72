/* word2vec.c's random numbers: one 64-bit linear congruential step, the same
 * constants in every stream (negative draws, window shrink, subsampling, syn0's
 * initial values), so that w2vpy's streams are word2vec.c's. */
#ifndef W2V_LCG_H
#define W2V_LCG_H

#include <stdint.h>

static inline uint64_t w2v_lcg_next(uint64_t r) { return r * (uint64_t)25214903917ULL + 11; }

#endif
