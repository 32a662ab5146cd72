/* The negative-sampling table: table_size entries, word w filling a share of
 * them proportional to count[w]^power, filled exactly as word2vec.c's
 * InitUnigramTable (including its double arithmetic and its clamp). */
#ifndef W2V_UNIGRAM_TABLE_H
#define W2V_UNIGRAM_TABLE_H

#include <stdint.h>

void w2v_unigram_table_build(const int64_t *counts, int64_t vocab_size, double power,
                             int32_t *table, int64_t table_size);

#endif
