#include "unigram_table.h"

#include <math.h>
#include <stdlib.h>

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
             * step; the clamp below makes that value irrelevant. */
            if (i < vocab_size) d1 += pow((double)counts[i], power) / train_words_pow;
        }
        if (i >= vocab_size) i = vocab_size - 1;
    }
}

/* First a >= from with a / (double)table_size > d1: the index at which
 * word2vec.c's loop moves to the next word. */
static int64_t first_index_past(double d1, int64_t from, int64_t table_size) {
    double guess = d1 * (double)table_size;
    int64_t a = guess < (double)from ? from : (guess > (double)table_size ? table_size : (int64_t)guess);
    while (a > from && (a - 1) / (double)table_size > d1) a--;
    while (a < table_size && !(a / (double)table_size > d1)) a++;
    return a;
}

int w2v_unigram_runs_build(const int64_t *counts, int64_t vocab_size, double power,
                           int64_t table_size, w2v_unigram_table *t) {
    t->table_size = table_size;
    t->vocab_size = vocab_size;
    t->run_start = malloc((size_t)(vocab_size + 1) * sizeof(int64_t));
    /* at most 2^20 buckets (4 MB): a scan of a few runs at most */
    int shift = 0;
    while ((table_size >> shift) > (int64_t)1 << 20) shift++;
    if (shift < 4) shift = table_size > 16 ? 4 : 0;
    t->bucket_shift = shift;
    int64_t buckets = ((table_size - 1) >> shift) + 1;
    t->bucket_word = malloc((size_t)buckets * sizeof(int32_t));
    if (!t->run_start || !t->bucket_word) {
        w2v_unigram_runs_free(t);
        return -1;
    }
    double train_words_pow = 0;
    for (int64_t a = 0; a < vocab_size; a++) train_words_pow += pow((double)counts[a], power);
    /* All counts zero: no word can be drawn (and the scan below would not end). */
    if (!(train_words_pow > 0) || !isfinite(train_words_pow)) {
        w2v_unigram_runs_free(t);
        return -2;
    }
    /* Replay word2vec.c's loop run by run instead of entry by entry. */
    double d1 = pow((double)counts[0], power) / train_words_pow;
    int64_t start = 0, i = 0;
    for (; i < vocab_size - 1 && start < table_size; i++) {
        t->run_start[i] = start;
        int64_t last = first_index_past(d1, start, table_size);  /* still word i */
        start = last + 1;
        d1 += pow((double)counts[i + 1], power) / train_words_pow;
    }
    /* The last word (after the clamp) owns the rest; words that got no entry
     * own an empty run. */
    for (; i < vocab_size; i++) t->run_start[i] = start < table_size ? start : table_size;
    t->run_start[vocab_size] = table_size;
    int64_t w = 0;
    for (int64_t b = 0; b < buckets; b++) {
        int64_t index = b << shift;
        while (t->run_start[w + 1] <= index) w++;
        t->bucket_word[b] = (int32_t)w;
    }
    return 0;
}

void w2v_unigram_runs_free(w2v_unigram_table *t) {
    free(t->run_start);
    free(t->bucket_word);
    t->run_start = NULL;
    t->bucket_word = NULL;
}
