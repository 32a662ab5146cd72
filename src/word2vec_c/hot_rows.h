/* Private hot rows: with more than one thread, each thread trains on its own
 * copies of the most visited output rows (the last hot_hs_rows inner nodes
 * of syn1, the first hot_ns_rows rows of syn1neg; w2vpy/hot_rows.py chooses
 * them) and every W2V_HOT_MERGE_WORDS positions it trains adds what it
 * learned to the shared rows under one lock and takes the sum back. */
#ifndef W2V_HOT_ROWS_H
#define W2V_HOT_ROWS_H

#include <pthread.h>
#include <stdint.h>

#include "trainer.h"

/* A thread's private copies of a block of hot output rows (see
 * w2v_train_config.hot_hs_rows).  Under Hogwild every thread writes the rows of
 * the nodes near the Huffman root (or of the most frequent words) for nearly
 * every word, so those cache lines bounce between the cores; working on copies
 * and adding the difference back now and then keeps them in one core. */
typedef struct {
    float *shared;   /* first shared row of the block */
    float *rows;     /* this thread's copies */
    float *base;     /* the shared rows as this thread last saw them */
    int64_t first;   /* index of the block's first row; rows >= first are private */
    int64_t count;
} w2v_hot_block;

typedef struct {
    w2v_hot_block hs;   /* syn1 rows [first, first + count) */
    w2v_hot_block ns;   /* syn1neg rows [0, count) */
    int64_t *merges;    /* the run's count of merges, guarded by the merge lock */
} w2v_hot_rows;

/* Sets up a thread's blocks; with none configured (or one thread, where
 * nothing is shared) every row index falls outside them (hs.first is
 * INT64_MAX, ns.count 0).  Returns 0, or -1 when memory runs out. */
int w2v_hot_rows_open(w2v_hot_rows *hot, const w2v_train_config *cfg, pthread_mutex_t *lock,
                      int64_t *merges);
int w2v_hot_rows_active(const w2v_hot_rows *hot);
/* Adds what the thread learned since its last merge to the shared rows. */
void w2v_hot_rows_merge(w2v_hot_rows *hot, int64_t size, pthread_mutex_t *lock);
void w2v_hot_rows_close(w2v_hot_rows *hot);

#endif
