#include "input_vectors.h"

#include "w2v_constants.h"

int w2v_init_input_vectors(float *syn0, int64_t vocab_size, int64_t size, uint64_t init_seed,
                           const volatile int32_t *stop) {
    uint64_t next_random = init_seed;
    for (int64_t a = 0; a < vocab_size; a++) {
        if (*stop) return -1;
        for (int64_t b = 0; b < size; b++) {
            next_random = w2v_lcg_next(next_random);
            syn0[a * size + b] = (float)((((next_random & 0xFFFF) / (float)65536) - 0.5) / size);
        }
    }
    return 0;
}
