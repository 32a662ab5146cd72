/* The negative-sampling table: table_size entries, word w filling a share of
 * them proportional to count[w]^power, filled exactly as word2vec.c's
 * InitUnigramTable (including its double arithmetic and its clamp).
 *
 * The table is a non-decreasing run of word ids, so it is kept as the first
 * index of each word's run plus a bucket index into those runs: the same
 * draws as word2vec.c's 400 MB array from about 5 MB, and a draw touches
 * cache-resident memory instead of a random page. */
#ifndef W2V_UNIGRAM_TABLE_H
#define W2V_UNIGRAM_TABLE_H

#include <stdint.h>

typedef struct {
    int64_t table_size;
    int64_t vocab_size;
    int64_t *run_start;      /* vocab_size + 1: word w owns [run_start[w], run_start[w+1]) */
    int32_t *bucket_word;    /* word owning the first entry of each bucket */
    int bucket_shift;
} w2v_unigram_table;

/* The full array, as word2vec.c builds it (for checks and small tables). */
void w2v_unigram_table_build(const int64_t *counts, int64_t vocab_size, double power,
                             int32_t *table, int64_t table_size);

/* The compact form; returns 0, -1 when memory runs out, or -2 when every
 * count is zero (nothing to draw). */
int w2v_unigram_runs_build(const int64_t *counts, int64_t vocab_size, double power,
                           int64_t table_size, w2v_unigram_table *out);
void w2v_unigram_runs_free(w2v_unigram_table *t);

/* table[index] for 0 <= index < table_size. */
static inline int64_t w2v_unigram_lookup(const w2v_unigram_table *t, int64_t index) {
    int64_t w = t->bucket_word[index >> t->bucket_shift];
    while (t->run_start[w + 1] <= index) w++;
    return w;
}

#endif
