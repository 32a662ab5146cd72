#include "unigram_table.h"

#include <math.h>

void w2v_unigram_table_build(const int64_t *counts, int64_t vocab_size, double power,
                             int32_t *table, int64_t table_size) {
    double train_words_pow = 0;
    for (int64_t a = 0; a < vocab_size; a++) train_words_pow += pow((double)counts[a], power);
    int64_t i = 0;
    double d1 = pow((double)counts[i], power) / train_words_pow;
    for (int64_t a = 0; a < table_size; a++) {
        table[a] = (int32_t)i;
        if (a / (double)table_size > d1) {
            i++;
            /* word2vec.c reads one entry past the vocabulary here on the last
             * step; the clamp below makes that value irrelevant, so stop at
             * the last real count instead. */
            if (i < vocab_size) d1 += pow((double)counts[i], power) / train_words_pow;
        }
        if (i >= vocab_size) i = vocab_size - 1;
    }
}
