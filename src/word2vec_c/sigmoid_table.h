/* word2vec.c's precomputed logistic function: EXP_TABLE_SIZE entries over
 * [-MAX_EXP, MAX_EXP), computed in float as word2vec.c does.  Lookups use
 * word2vec.c's integer scale EXP_TABLE_SIZE / MAX_EXP / 2 == 83 (not 83.33),
 * so only entries 0..995 are ever read; we keep that, it is the algorithm. */
#ifndef W2V_SIGMOID_TABLE_H
#define W2V_SIGMOID_TABLE_H

#include <math.h>

#define W2V_EXP_TABLE_SIZE 1000
#define W2V_MAX_EXP 6
#define W2V_EXP_SCALE (W2V_EXP_TABLE_SIZE / W2V_MAX_EXP / 2)

static inline void w2v_sigmoid_table_fill(float *table) {
    for (int i = 0; i < W2V_EXP_TABLE_SIZE; i++) {
        table[i] = (float)exp((i / (float)W2V_EXP_TABLE_SIZE * 2 - 1) * W2V_MAX_EXP);
        table[i] = table[i] / (table[i] + 1);
    }
}

/* Index into the table for a score strictly inside (-MAX_EXP, MAX_EXP). */
static inline int w2v_sigmoid_index(float f) {
    return (int)((f + W2V_MAX_EXP) * W2V_EXP_SCALE);
}

#endif
