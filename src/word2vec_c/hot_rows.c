#include "hot_rows.h"

#include <stdlib.h>
#include <string.h>

static int hot_block_open(w2v_hot_block *b, float *matrix, int64_t first, int64_t count, int64_t size) {
    b->shared = matrix + first * size;
    b->first = first;
    b->count = count;
    b->rows = malloc((size_t)(count * size) * sizeof(float));
    b->base = malloc((size_t)(count * size) * sizeof(float));
    if (!b->rows || !b->base) return -1;
    memcpy(b->rows, b->shared, (size_t)(count * size) * sizeof(float));
    memcpy(b->base, b->shared, (size_t)(count * size) * sizeof(float));
    return 0;
}

/* Adds what this thread learned since its last merge to the shared rows and
 * takes the sum (with the other threads' merges in it) as its new copies.
 * Called with the merge lock held: the shared hot rows are touched nowhere else. */
static void hot_block_merge(w2v_hot_block *b, int64_t size) {
    const int64_t n = b->count * size;
    float *restrict shared = b->shared, *restrict rows = b->rows, *restrict base = b->base;
    for (int64_t i = 0; i < n; i++) {
        float merged = shared[i] + (rows[i] - base[i]);
        shared[i] = merged;
        rows[i] = merged;
        base[i] = merged;
    }
}

static void hot_block_close(w2v_hot_block *b) {
    free(b->rows);
    free(b->base);
}

/* Sets up the thread's hot blocks; with the mode off (or one thread, where
 * nothing is shared) every row index falls outside them. */
int w2v_hot_rows_open(w2v_hot_rows *hot, const w2v_train_config *cfg, pthread_mutex_t *lock,
                      int64_t *merges) {
    memset(&hot->hs, 0, sizeof hot->hs);
    memset(&hot->ns, 0, sizeof hot->ns);
    hot->merges = merges;
    hot->hs.first = INT64_MAX;
    if (cfg->workers < 2) return 0;
    int failed = 0;
    pthread_mutex_lock(lock);
    if (cfg->hs && cfg->hot_hs_rows > 0) {
        /* CreateBinaryTree numbers inner nodes in order of rising count, so
         * the last ones (the root is vocab_size - 2) are the most visited. */
        const int64_t inner = cfg->vocab_size - 1;
        const int64_t count = cfg->hot_hs_rows < inner ? cfg->hot_hs_rows : inner;
        failed |= hot_block_open(&hot->hs, cfg->syn1, inner - count, count, cfg->vector_size);
    }
    if (cfg->negative > 0 && cfg->hot_ns_rows > 0) {
        /* the vocabulary is sorted by count: the first rows are the most drawn */
        const int64_t count = cfg->hot_ns_rows < cfg->vocab_size ? cfg->hot_ns_rows : cfg->vocab_size;
        failed |= hot_block_open(&hot->ns, cfg->syn1neg, 0, count, cfg->vector_size);
    }
    pthread_mutex_unlock(lock);
    return failed ? -1 : 0;
}

int w2v_hot_rows_active(const w2v_hot_rows *hot) {
    return hot->hs.rows != NULL || hot->ns.rows != NULL;
}

void w2v_hot_rows_merge(w2v_hot_rows *hot, int64_t size, pthread_mutex_t *lock) {
    if (!w2v_hot_rows_active(hot)) return;
    pthread_mutex_lock(lock);
    if (hot->hs.rows) hot_block_merge(&hot->hs, size);
    if (hot->ns.rows) hot_block_merge(&hot->ns, size);
    (*hot->merges)++;
    pthread_mutex_unlock(lock);
}

void w2v_hot_rows_close(w2v_hot_rows *hot) {
    hot_block_close(&hot->hs);
    hot_block_close(&hot->ns);
}
