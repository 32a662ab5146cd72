/* word2vec.c's precomputed logistic function, computed in float as
 * word2vec.c does (its size, range and lookup: w2v_constants.h). */
#ifndef W2V_SIGMOID_TABLE_H
#define W2V_SIGMOID_TABLE_H

#include <math.h>

#include "w2v_constants.h"

static inline void w2v_sigmoid_table_fill(float *table) {
    for (int i = 0; i < W2V_EXP_TABLE_SIZE; i++) {
        table[i] = (float)exp((i / (float)W2V_EXP_TABLE_SIZE * 2 - 1) * W2V_MAX_EXP);
        table[i] = table[i] / (table[i] + 1);
    }
}

#endif
