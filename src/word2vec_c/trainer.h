/* The Hogwild SGD loop of word2vec.c: CBOW and skip-gram, negative sampling
 * and hierarchical softmax, on native threads without locks on the weights.
 *
 * The corpus arrives as a file of int32 vocabulary ids (0 = end of sentence),
 * so words are hashed once, not every epoch.  Thread t trains the ids
 * [t*N/T, (t+1)*N/T) every epoch, read in blocks with pread so that memory
 * stays bounded whatever the corpus size; a thread that has trained all its
 * epochs takes over work the others have not yet read, so that the threads
 * end together (trainer.c, next_piece).
 *
 * Everything the threads read is set up (with the GIL held) in w2v_train_config
 * before w2v_trainer_start; the threads only write the weights, the shared
 * progress counters, their own entries of the carried state and (with
 * compute_loss) the epoch losses (and, with several threads, merge their
 * private copies of the hottest output rows under one lock).
 *
 * A run trains `epochs` passes from schedule position `words_before`, so that
 * one schedule may be trained in several runs (an epoch at a time for
 * callbacks and checkpoints, or a model trained further later): each thread's
 * random stream and learning rate are read from and written back to
 * thread_random / thread_alpha, which makes one run of n epochs and n runs of
 * one epoch bit-identical with one thread. */
#ifndef W2V_TRAINER_H
#define W2V_TRAINER_H

#include <pthread.h>
#include <stdint.h>

#include "unigram_table.h"
#include "w2v_constants.h"

/* Positions a thread trains between two merges of its private hot rows.  A
 * private row goes stale between merges, and the staleness costs HS accuracy
 * (the fewer positions between merges, the less; too many wreck the model).
 * Merging this often stays cheap because the rows rule (hot_rows.py) then
 * picks fewer rows.  The figures: bench/HISTORY.md. */
#define W2V_HOT_MERGE_WORDS 64

/* The parameters the threads read, each named as its TrainingParams field
 * (w2vpy/parameters.py) and declared here once: the config holds a field of
 * each, and the binding sets them by name (w2v_config_set_parameter), so a
 * new parameter takes a line here and the code that reads it, no more.
 * X(C type, name, INT or REAL: the kind of number it takes). */
#define W2V_PARAMETERS(X)                                                       \
    X(int64_t, vector_size, INT)                                                \
    X(int64_t, window, INT)                                                     \
    X(double, sample, REAL)      /* > 0: subsample with keep_threshold */       \
    X(int, hs, INT)                                                             \
    X(int, negative, INT)                                                       \
    X(int, workers, INT)                                                        \
    X(int, sg, INT)              /* 1: skip-gram, 0: CBOW */                    \
    X(int, cbow_mean, INT)       /* 1: CBOW averages its context (word2vec.c) */\
    X(int, shrink_windows, INT)  /* 1: a window of 1..window words (word2vec.c) */\
    X(int, batch_negatives, INT) /* 1: skip-gram shares a window's negatives */  \
    X(int, sequential_dot, INT)  /* 1: word2vec.c's summation order */          \
    X(int, compute_loss, INT)    /* 1: sum each epoch's loss into epoch_loss */

typedef struct {
    /* model */
    float *syn0;          /* vocab_size x size, input vectors (the output) */
    float *syn1;          /* hierarchical softmax inner nodes, or NULL */
    float *syn1neg;       /* negative sampling output vectors, or NULL */
    int64_t vocab_size;
    /* gensim's vectors_lockf: the update of input row w is scaled by
     * syn0_lockf[w] (0: the row stays as it is), vocab_size entries; NULL
     * (the default, and for a factor of 1 everywhere): word2vec.c's update */
    const float *syn0_lockf;
    /* vocabulary-derived tables */
    const uint32_t *keep_threshold;  /* subsampling: keep iff (lcg & 0xFFFF) <= it */
    const int64_t *code_offsets;
    const uint8_t *codes;
    const int32_t *points;
    const w2v_unigram_table *unigram_table;
    const float *sigmoid_table;
    /* the parameters (W2V_PARAMETERS) */
#define W2V_DECLARE_PARAMETER(type, name, kind) type name;
    W2V_PARAMETERS(W2V_DECLARE_PARAMETER)
#undef W2V_DECLARE_PARAMETER
    int64_t epochs;       /* passes over the corpus in this run */
    float alpha;          /* the schedule's starting learning rate */
    double alpha_floor;   /* its floor (min_alpha); < 0: word2vec.c's alpha * 1e-4 */
    /* the schedule: alpha falls linearly from `alpha` to its floor over
     * schedule_words words (word2vec.c: epochs x the sum of vocabulary counts),
     * of which words_before were trained by earlier runs */
    int64_t schedule_words;
    int64_t words_before;
    /* carried state, one entry per thread, read at the start, written at the end;
     * a fresh run's thread t starts its stream at t + the seed (trainer.py) */
    uint64_t *thread_random;
    float *thread_alpha;
    double *epoch_loss;   /* epochs entries, zeroed by the caller (compute_loss) */
    /* With more than one thread, each thread trains on its own copies of the
     * most visited output rows and adds what it learned to the shared rows
     * every W2V_HOT_MERGE_WORDS positions it trains (0 = word2vec.c's pure Hogwild): the
     * last hot_hs_rows inner nodes of syn1 (those nearest the root) and the
     * first hot_ns_rows rows of syn1neg (the most frequent words). */
    int64_t hot_hs_rows;
    int64_t hot_ns_rows;
    /* corpus */
    int corpus_fd;
    int64_t corpus_tokens;
} w2v_train_config;

/* Sets the parameter `name` (W2V_PARAMETERS) to `integer` or `real`, by its
 * kind; returns 0 when the threads read no parameter of that name. */
int w2v_config_set_parameter(w2v_train_config *config, const char *name, int64_t integer,
                             double real);

typedef struct w2v_trainer w2v_trainer;

/* Starts the threads; returns NULL when threads or memory cannot be had. */
w2v_trainer *w2v_trainer_start(const w2v_train_config *config);
/* Progress so far: ids processed by all threads, and the current alpha. */
int64_t w2v_trainer_words_done(const w2v_trainer *trainer);
float w2v_trainer_alpha(const w2v_trainer *trainer);
/* Merges of private hot rows so far, every thread's counted. */
int64_t w2v_trainer_hot_merges(w2v_trainer *trainer);
/* Waits up to `seconds` for the threads to end; returns 1 once they all have. */
int w2v_trainer_wait(w2v_trainer *trainer, double seconds);
/* Ask the threads to stop at the next sentence. */
void w2v_trainer_request_stop(w2v_trainer *trainer);
/* Waits for the threads and frees the trainer.  Returns 0, or the errno of a
 * failed corpus read. */
int w2v_trainer_join(w2v_trainer *trainer);

#endif
