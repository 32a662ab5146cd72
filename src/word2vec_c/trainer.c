#include "trainer.h"

#include <errno.h>
#include <math.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "hot_rows.h"
#include "id_reader.h"
#include "simd_dispatch.h"
#include "w2v_constants.h"

/* word2vec.c's progress granularity: alpha moves every ~10000 words. */
#define W2V_PROGRESS_WORDS 10000

struct w2v_trainer {
    w2v_train_config cfg;
    pthread_t *threads;
    struct thread_arg *args;
    int started;
    int64_t word_count_actual;  /* atomic */
    float alpha;                /* atomic: last alpha computed by any thread (for display) */
    int stop;                   /* atomic: set by the driver, polled by every thread */
    pthread_mutex_t hot_merge_lock;  /* serialises the merges of private hot rows */
    int64_t hot_merges;              /* how many there were, under hot_merge_lock */
    pthread_mutex_t loss_lock;       /* serialises the threads' additions to epoch_loss */
    pthread_mutex_t slice_lock;      /* guards slices */
    w2v_slice *slices;               /* one per thread: what it has left of its epoch */
    pthread_mutex_t done_lock;  /* guards threads_done for done_cond */
    pthread_cond_t done_cond;   /* signalled as each thread ends (w2v_trainer_wait) */
    int threads_done;
    int thread_errno;           /* atomic: a thread's failure (ENOMEM setting up, or a read's) */
};

struct thread_arg {
    w2v_trainer *trainer;
    int id;
};

/* ---- vector kernels ------------------------------------------------------ */

/* word2vec.c's dot product: one running sum, so no vectorisation. */
W2V_ALWAYS_INLINE static inline float dot_sequential(const float *restrict a, const float *restrict b, int64_t n) {
    float f = 0;
    for (int64_t c = 0; c < n; c++) f += a[c] * b[c];
    return f;
}

/* Kernels on 8-float vectors (GCC vector extensions): each target clone
 * lowers them to its own registers (one ymm on AVX2/AVX-512, two xmm on
 * SSE2).  256-bit registers also spare AVX-512 machines the clock drop that
 * 512-bit arithmetic costs, which outweighs the wider registers at the
 * vector sizes people train (bench/HISTORY.md). */
typedef float w2v_f8 __attribute__((vector_size(32)));
#define W2V_F8_LEN 8

W2V_ALWAYS_INLINE static inline w2v_f8 load_f8(const float *p) {
    w2v_f8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

W2V_ALWAYS_INLINE static inline void store_f8(float *p, w2v_f8 v) { memcpy(p, &v, sizeof v); }

/* Sixteen partial sums (lane j takes elements j, j + 16, j + 32, ...; the
 * tail goes to lanes 0, 1, ...) reduced pairwise: a fixed order written out
 * here, so the result is the same on every machine and vector width. */
#define W2V_LANES 16
W2V_ALWAYS_INLINE static inline float dot_blocked(const float *restrict a, const float *restrict b, int64_t n) {
    w2v_f8 lo = {0}, hi = {0};
    int64_t c = 0;
    for (; c + W2V_LANES <= n; c += W2V_LANES) {
        lo += load_f8(a + c) * load_f8(b + c);
        hi += load_f8(a + c + W2V_F8_LEN) * load_f8(b + c + W2V_F8_LEN);
    }
    if (c == n) {
        w2v_f8 s = lo + hi;  /* lanes j + 8 onto lanes j */
        float t[W2V_F8_LEN];
        store_f8(t, s);
        return ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
    }
    float t[W2V_LANES];
    store_f8(t, lo);
    store_f8(t + W2V_F8_LEN, hi);
    for (int j = 0; c < n; c++, j++) t[j] += a[c] * b[c];
    for (int j = 0; j < 8; j++) t[j] += t[j + 8];
    return ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
}

W2V_ALWAYS_INLINE static inline float dot(const float *restrict a, const float *restrict b, int64_t n, int sequential) {
    return sequential ? dot_sequential(a, b, n) : dot_blocked(a, b, n);
}

/* The output-layer update of word2vec.c in one pass over the row:
 * err += g * row (with the old row), then row += g * hidden. */
W2V_ALWAYS_INLINE static inline void update_output_row(float *restrict row, float *restrict err,
                                     const float *restrict hidden, float g, int64_t n) {
    int64_t c = 0;
    for (; c + W2V_F8_LEN <= n; c += W2V_F8_LEN) {
        w2v_f8 r = load_f8(row + c);
        store_f8(err + c, load_f8(err + c) + g * r);
        store_f8(row + c, r + g * load_f8(hidden + c));
    }
    for (; c < n; c++) {
        float r = row[c];
        err[c] += g * r;
        row[c] = r + g * hidden[c];
    }
}

/* How far ahead on a word's Huffman path rows are fetched: one node's work
 * (a dot product and an update) is too short to hide a row that comes from
 * the other core's cache, and fetching too far ahead evicts rows before they
 * are used; the distance is the fastest measured on two threads
 * (bench/HISTORY.md). */
#define W2V_PATH_PREFETCH_NODES 3

W2V_ALWAYS_INLINE static inline void add_to(float *restrict y, const float *restrict x, int64_t n) {
    int64_t c = 0;
    for (; c + W2V_F8_LEN <= n; c += W2V_F8_LEN) store_f8(y + c, load_f8(y + c) + load_f8(x + c));
    for (; c < n; c++) y[c] += x[c];
}

/* y += factor * x: an input row's update under a lock factor. */
W2V_ALWAYS_INLINE static inline void add_scaled_to(float *restrict y, const float *restrict x, float factor,
                                                   int64_t n) {
    int64_t c = 0;
    for (; c + W2V_F8_LEN <= n; c += W2V_F8_LEN) store_f8(y + c, load_f8(y + c) + factor * load_f8(x + c));
    for (; c < n; c++) y[c] += factor * x[c];
}

/* Input row `word` takes the error its objectives summed (gensim's
 * syn0[word] += vectors_lockf[word] * work).  Without lock factors this is
 * word2vec.c's add, and the only new work is the one test per row; a locked
 * row (factor 0) is not written at all, so it stays exactly as it was. */
W2V_ALWAYS_INLINE static inline void update_input_row(const w2v_train_config *cfg, int64_t word,
                                                      const float *restrict err) {
    float *row = cfg->syn0 + word * cfg->vector_size;
    if (cfg->syn0_lockf == NULL) {
        add_to(row, err, cfg->vector_size);
        return;
    }
    const float factor = cfg->syn0_lockf[word];
    if (factor != 0) add_scaled_to(row, err, factor, cfg->vector_size);
}

/* ---- one training position ------------------------------------------------ */

typedef struct {
    const w2v_train_config *cfg;
    w2v_hot_rows hot;
    float *neu1;
    float *neu1e;
    int64_t *negatives;  /* two sets of negative + 1 entries (skip-gram draws a pair ahead) */
    /* batch_negatives: the window's output rows as they were before its
     * update, the scores turned into gradients (contexts x (negative + 1)),
     * and the context rows */
    float *out_block;
    float *grads;
    float **context_rows;
    uint64_t next_random;
    double loss;         /* this thread's sum over the current epoch (compute_loss) */
    int prefetchw;       /* fetch rows with x86's PREFETCHW (see prefetch_row) */
} thread_state;

/* Whether the CPU has PREFETCHW (CPUID 80000001h, ECX bit 8).  The compilers
 * emit it for __builtin_prefetch(p, 1) only when built for it, which none of
 * the clones is; elsewhere (aarch64: PRFM PSTL1KEEP) the builtin already asks
 * for the line to be written. */
static int cpu_has_prefetchw(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;
    return __get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 8));
#else
    return 0;
#endif
}

/* Every row the loop fetches ahead is then written.  With several threads a
 * plain prefetch takes a line another core holds as shared, and the write
 * has to take it again to own it; PREFETCHW takes it owned at once.  One
 * thread has no other core to take lines from, and keeps the plain prefetch,
 * which measured faster there (bench/HISTORY.md). */
W2V_ALWAYS_INLINE static inline void prefetch_row(const thread_state *st, const float *row, int64_t n) {
#if defined(__x86_64__) || defined(__i386__)
    if (st->prefetchw) {
        for (int64_t c = 0; c < n; c += 16) __asm__("prefetchw %0" : : "m"(*(const char *)(row + c)));
        return;
    }
#else
    (void)st;  /* the builtin already asks to own the line there */
#endif
    for (int64_t c = 0; c < n; c += 16) __builtin_prefetch(row + c, 1);
}

/* -log P(label | f): -log sigmoid(f) for the word's own side (label 1),
 * -log sigmoid(-f) for the other; in double, exact at any f (word2vec.c's
 * table is clamped at +-6, where a confident wrong answer still costs). */
W2V_ALWAYS_INLINE static inline double log_loss(float f, int label) {
    const double x = label ? -(double)f : (double)f;
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* The row a thread trains for inner node `point`: its private copy when the
 * node is hot (first == INT64_MAX when the mode is off). */
W2V_ALWAYS_INLINE static inline float *hs_row(const thread_state *st, int64_t point) {
    const int64_t size = st->cfg->vector_size;
    if (point >= st->hot.hs.first) return st->hot.hs.rows + (point - st->hot.hs.first) * size;
    return st->cfg->syn1 + point * size;
}

W2V_ALWAYS_INLINE static inline float *ns_row(const thread_state *st, int64_t target) {
    const int64_t size = st->cfg->vector_size;
    if (target < st->hot.ns.count) return st->hot.ns.rows + target * size;
    return st->cfg->syn1neg + target * size;
}

/* with_loss is a constant at every call: the loss is compiled in or out. */
W2V_ALWAYS_INLINE static inline void hierarchical_softmax(thread_state *st, int64_t word, const float *restrict hidden,
                                        float alpha, const int with_loss) {
    const w2v_train_config *cfg = st->cfg;
    const int64_t size = cfg->vector_size;
    const int64_t first = cfg->code_offsets[word], last = cfg->code_offsets[word + 1];
    /* The path is known up front: fetch the rows a few nodes ahead while this
     * one is worked on (rows deep in the tree are cold; rows near the root
     * are written by every thread, so they are often in another core's cache). */
    const int64_t ahead = W2V_PATH_PREFETCH_NODES;
    for (int64_t d = first; d < last && d < first + ahead; d++) prefetch_row(st, hs_row(st, cfg->points[d]), size);
    for (int64_t d = first; d < last; d++) {
        float *row = hs_row(st, cfg->points[d]);
        if (d + ahead < last) prefetch_row(st, hs_row(st, cfg->points[d + ahead]), size);
        float f = dot(hidden, row, size, cfg->sequential_dot);
        if (with_loss) st->loss += log_loss(f, 1 - cfg->codes[d]);
        /* word2vec.c's 'f <= -MAX_EXP || f >= MAX_EXP', written so that a NaN
         * (diverged weights) is skipped instead of indexing the table. */
        if (!(f > -W2V_MAX_EXP && f < W2V_MAX_EXP)) continue;
        f = cfg->sigmoid_table[w2v_sigmoid_index(f)];
        float g = (1 - cfg->codes[d] - f) * alpha;
        update_output_row(row, st->neu1e, hidden, g, size);
    }
}

/* The draws do not depend on the weights, so they are taken (same LCG
 * sequence as word2vec.c) before the rows are needed: before the Huffman
 * path, and in skip-gram one context pair ahead; the rows load meanwhile. */
W2V_ALWAYS_INLINE static inline void draw_negatives(thread_state *st, int64_t *negatives) {
    const w2v_train_config *cfg = st->cfg;
    for (int d = 1; d <= cfg->negative; d++) {
        st->next_random = w2v_lcg_next(st->next_random);
        int64_t target = w2v_unigram_lookup(
            cfg->unigram_table, (int64_t)((st->next_random >> 16) % (uint64_t)cfg->unigram_table->table_size));
        if (target == 0) target = st->next_random % (cfg->vocab_size - 1) + 1;
        negatives[d] = target;
        prefetch_row(st, ns_row(st, target), cfg->vector_size);
    }
}

/* Trains the word against the negatives draw_negatives took. */
W2V_ALWAYS_INLINE static inline void negative_sampling(thread_state *st, int64_t *negatives, int64_t word,
                                     const float *restrict hidden, float alpha, const int with_loss) {
    const w2v_train_config *cfg = st->cfg;
    const int64_t size = cfg->vector_size;
    negatives[0] = word;
    for (int d = 0; d <= cfg->negative; d++) {
        int64_t target = negatives[d];
        int label = d == 0;
        if (d > 0 && target == word) continue;
        float *row = ns_row(st, target);
        float f = dot(hidden, row, size, cfg->sequential_dot);
        if (with_loss) st->loss += log_loss(f, label);
        float g;
        /* word2vec.c's clamps, ordered so that a NaN takes a clamp branch */
        if (f > W2V_MAX_EXP) g = (label - 1) * alpha;
        else if (f >= -W2V_MAX_EXP) g = (label - cfg->sigmoid_table[w2v_sigmoid_index(f)]) * alpha;
        else g = (label - 0) * alpha;
        update_output_row(row, st->neu1e, hidden, g, size);
    }
}

W2V_ALWAYS_INLINE static inline void train_cbow(thread_state *st, const int64_t *sen, int64_t sentence_length,
                       int64_t sentence_position, int64_t b, float alpha, const int with_loss) {
    const w2v_train_config *cfg = st->cfg;
    const int64_t size = cfg->vector_size, window = cfg->window;
    const int64_t word = sen[sentence_position];
    float *restrict neu1 = st->neu1, *restrict neu1e = st->neu1e;
    memset(neu1, 0, size * sizeof(float));
    memset(neu1e, 0, size * sizeof(float));
    const w2v_context_span span = w2v_context(sentence_position, sentence_length, window, b);
    int64_t cw = 0;
    for (int64_t c = span.first; c < span.end; c++) {
        if (c == sentence_position) continue;
        add_to(neu1, cfg->syn0 + sen[c] * size, size);
        cw++;
    }
    if (!cw) return;
    if (cfg->cbow_mean)
        for (int64_t c = 0; c < size; c++) neu1[c] /= cw;
    if (cfg->negative > 0) draw_negatives(st, st->negatives);
    if (cfg->hs) hierarchical_softmax(st, word, neu1, alpha, with_loss);
    if (cfg->negative > 0) negative_sampling(st, st->negatives, word, neu1, alpha, with_loss);
    for (int64_t c = span.first; c < span.end; c++) {
        if (c == sentence_position) continue;
        update_input_row(cfg, sen[c], neu1e);
    }
}

W2V_ALWAYS_INLINE static inline void train_skipgram(thread_state *st, const int64_t *sen, int64_t sentence_length,
                           int64_t sentence_position, int64_t b, float alpha, const int with_loss) {
    const w2v_train_config *cfg = st->cfg;
    const int64_t size = cfg->vector_size;
    const int64_t word = sen[sentence_position];
    const w2v_context_span span = w2v_context(sentence_position, sentence_length, cfg->window, b);
    int64_t *drawn = st->negatives, *ahead = st->negatives + cfg->negative + 1;
    int64_t c = span.first == sentence_position ? span.first + 1 : span.first;
    if (cfg->negative > 0 && c < span.end) draw_negatives(st, drawn);
    while (c < span.end) {
        const int64_t next = c + 1 == sentence_position ? c + 2 : c + 1;
        /* The next pair's draws come next in the stream anyway: taken now,
         * its rows load while this pair trains. */
        if (cfg->negative > 0 && next < span.end) draw_negatives(st, ahead);
        float *context = cfg->syn0 + sen[c] * size;
        memset(st->neu1e, 0, size * sizeof(float));
        if (cfg->hs) hierarchical_softmax(st, word, context, alpha, with_loss);
        if (cfg->negative > 0) negative_sampling(st, drawn, word, context, alpha, with_loss);
        update_input_row(cfg, sen[c], st->neu1e);
        int64_t *trained = drawn;
        drawn = ahead;
        ahead = trained;
        c = next;
    }
}

/* ---- skip-gram with shared negatives (batch_negatives) -------------------- */

/* pWord2Vec's scheme (Ji et al.): word2vec.c trains each (context, center)
 * pair of a window on its own negatives, one row at a time; here the window's
 * context words share ONE set of `negative` noise words, drawn once per
 * position (after the window's shrink draw, and only when the window has a
 * context word), so the window is one small matrix problem:
 *   F = X Y^T      X: the C context rows (syn0), Y: the output rows (syn1neg)
 *                  of the center word and the shared negatives, C x (1 + negative)
 *   G = (label - sigmoid(F)) * alpha, word2vec.c's clamps; a negative that is
 *                  the center word itself is skipped, as in word2vec.c
 *   syn1neg[Y's words] += G^T X,   then   syn0[X's words] += G Y
 *                  (with lock factors, each row's G Y times its factor)
 * Every score and both updates use the rows as they were when the window
 * began: the output rows are copied into a block first (their old values are
 * still needed after they are written back), the context rows are read in
 * place and written only after the last read of them.  Each row is written
 * back once per window as a sum (a word twice in the window, or drawn twice
 * as a negative, gets both its updates).  The dot products sum in the
 * kernels' own order (sequential_dot does not apply). */

/* Four floats, for the tails: sizes people train (100, 300) leave four past
 * the last full 8-float block, which scalar code would take one at a time. */
typedef float w2v_f4 __attribute__((vector_size(16)));
#define W2V_F4_LEN 4

W2V_ALWAYS_INLINE static inline w2v_f4 load_f4(const float *p) {
    w2v_f4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

W2V_ALWAYS_INLINE static inline void store_f4(float *p, w2v_f4 v) { memcpy(p, &v, sizeof v); }

#if defined(__clang__)
#define W2V_SHUFFLE4(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
typedef int w2v_i4 __attribute__((vector_size(16)));
#define W2V_SHUFFLE4(a, b, i, j, k, l) __builtin_shuffle(a, b, (w2v_i4){i, j, k, l})
#endif

/* The halves of an 8-float vector added: lanes j and j + 4. */
W2V_ALWAYS_INLINE static inline w2v_f4 fold_f8(w2v_f8 v) {
    union {
        w2v_f8 whole;
        w2v_f4 half[2];
    } u = {v};
    return u.half[0] + u.half[1];
}

/* x . y[r] for `rows` rows (1 to 4), each load of x serving them all; the
 * four sums are reduced together, transposed in registers, each as
 * ((l0 + l2) + (l1 + l3)) of its four folded lanes.  With `copy` (a
 * constant at each call) the rows are also copied to copy + r * n as they
 * are read, so the window's first context gathers the output block. */
W2V_ALWAYS_INLINE static inline void score_rows(const float *restrict x, const float *const *y, int rows,
                                                int64_t n, float *restrict scores, float *restrict copy) {
    w2v_f8 a[4] = {{0}, {0}, {0}, {0}};
    int64_t c = 0;
    for (; c + W2V_F8_LEN <= n; c += W2V_F8_LEN) {
        const w2v_f8 v = load_f8(x + c);
        for (int r = 0; r < rows; r++) {
            const w2v_f8 w = load_f8(y[r] + c);
            if (copy) store_f8(copy + r * n + c, w);
            a[r] += v * w;
        }
    }
    w2v_f4 u[4];
    for (int r = 0; r < 4; r++) u[r] = fold_f8(a[r]);
    if (c + W2V_F4_LEN <= n) {
        const w2v_f4 v = load_f4(x + c);
        for (int r = 0; r < rows; r++) {
            const w2v_f4 w = load_f4(y[r] + c);
            if (copy) store_f4(copy + r * n + c, w);
            u[r] += v * w;
        }
        c += W2V_F4_LEN;
    }
    const w2v_f4 p01 = W2V_SHUFFLE4(u[0], u[1], 0, 4, 1, 5) + W2V_SHUFFLE4(u[0], u[1], 2, 6, 3, 7);
    const w2v_f4 p23 = W2V_SHUFFLE4(u[2], u[3], 0, 4, 1, 5) + W2V_SHUFFLE4(u[2], u[3], 2, 6, 3, 7);
    const w2v_f4 sums = W2V_SHUFFLE4(p01, p23, 0, 1, 4, 5) + W2V_SHUFFLE4(p01, p23, 2, 3, 6, 7);
    for (int r = 0; r < rows; r++) {
        float s = sums[r];
        for (int64_t k = c; k < n; k++) {
            if (copy) copy[r * n + k] = y[r][k];
            s += x[k] * y[r][k];
        }
        scores[r] = s;
    }
}

/* scores[j] = x . rows[j] for the `count` rows (see score_rows for copy). */
W2V_ALWAYS_INLINE static inline void score_block(const float *restrict x, const float *const *rows,
                                                 int64_t count, int64_t n, float *restrict scores,
                                                 float *restrict copy) {
    int64_t j = 0;
    for (; j + 4 <= count; j += 4) score_rows(x, rows + j, 4, n, scores + j, copy ? copy + j * n : NULL);
    float *rest = copy ? copy + j * n : NULL;
    if (count - j == 3) score_rows(x, rows + j, 3, n, scores + j, rest);
    else if (count - j == 2) score_rows(x, rows + j, 2, n, scores + j, rest);
    else if (count - j == 1) score_rows(x, rows + j, 1, n, scores + j, rest);
}

/* One pass of add_combination over target[c, c + 8 * blocks (+ 4 with half)):
 * those floats held in registers over all k (blocks and half are constants
 * at each call, so the arrays live in registers). */
W2V_ALWAYS_INLINE static inline void combine_pass(float *restrict target, const float *const *sources,
                                                  const float *restrict weights, int64_t stride,
                                                  int64_t count, int64_t c, const int blocks, const int half) {
    w2v_f8 v[6];
    w2v_f4 h = {0};
    for (int b = 0; b < blocks; b++) v[b] = load_f8(target + c + b * W2V_F8_LEN);
    if (half) h = load_f4(target + c + blocks * W2V_F8_LEN);
    for (int64_t k = 0; k < count; k++) {
        const float w = weights[k * stride];
        const float *src = sources[k] + c;
        for (int b = 0; b < blocks; b++) v[b] += w * load_f8(src + b * W2V_F8_LEN);
        if (half) h += w * load_f4(src + blocks * W2V_F8_LEN);
    }
    for (int b = 0; b < blocks; b++) store_f8(target + c + b * W2V_F8_LEN, v[b]);
    if (half) store_f4(target + c + blocks * W2V_F8_LEN, h);
}

#define W2V_COMBINE_BLOCKS 6

/* target += sum over k of weights[k * stride] * sources[k]: one row of a
 * small matrix product, in passes of up to 52 floats held in registers over
 * all k; the last pass takes what is left (so size 100 is two passes). */
W2V_ALWAYS_INLINE static inline void add_combination(float *restrict target, const float *const *sources,
                                                     const float *restrict weights, int64_t stride,
                                                     int64_t count, int64_t n) {
    const int64_t wide = W2V_COMBINE_BLOCKS * W2V_F8_LEN;
    int64_t c = 0;
    for (; n - c >= wide + W2V_F8_LEN; c += wide)
        combine_pass(target, sources, weights, stride, count, c, W2V_COMBINE_BLOCKS, 0);
    const int64_t left = n - c;
    const int blocks = (int)(left / W2V_F8_LEN), half = left % W2V_F8_LEN >= W2V_F4_LEN;
    switch (2 * blocks + half) {
#define W2V_PASS(b, h) \
    case 2 * b + h: combine_pass(target, sources, weights, stride, count, c, b, h); break;
        W2V_PASS(0, 1) W2V_PASS(1, 0) W2V_PASS(1, 1) W2V_PASS(2, 0) W2V_PASS(2, 1)
        W2V_PASS(3, 0) W2V_PASS(3, 1) W2V_PASS(4, 0) W2V_PASS(4, 1) W2V_PASS(5, 0)
        W2V_PASS(5, 1) W2V_PASS(6, 0) W2V_PASS(6, 1)
#undef W2V_PASS
        default: break;
    }
    for (c += blocks * W2V_F8_LEN + half * W2V_F4_LEN; c < n; c++) {
        float v = target[c];
        for (int64_t k = 0; k < count; k++) v += weights[k * stride] * sources[k][c];
        target[c] = v;
    }
}

/* The gradient of one score, as negative_sampling computes it. */
W2V_ALWAYS_INLINE static inline float ns_gradient(const w2v_train_config *cfg, float f, int label, float alpha) {
    if (f > W2V_MAX_EXP) return (label - 1) * alpha;
    if (f >= -W2V_MAX_EXP) return (label - cfg->sigmoid_table[w2v_sigmoid_index(f)]) * alpha;
    return (label - 0) * alpha;
}

W2V_ALWAYS_INLINE static inline void train_skipgram_batched(thread_state *st, const int64_t *sen,
                                                            int64_t sentence_length, int64_t sentence_position,
                                                            int64_t b, float alpha, const int with_loss) {
    const w2v_train_config *cfg = st->cfg;
    const int64_t size = cfg->vector_size, outputs = (int64_t)cfg->negative + 1;
    const int64_t word = sen[sentence_position];
    const w2v_context_span span = w2v_context(sentence_position, sentence_length, cfg->window, b);
    float **contexts = st->context_rows;
    int64_t count = 0;
    for (int64_t c = span.first; c < span.end; c++)
        if (c != sentence_position) contexts[count++] = cfg->syn0 + sen[c] * size;
    if (count == 0) return;
    int64_t *targets = st->negatives;
    draw_negatives(st, targets);
    targets[0] = word;
    /* live[j]: the output row itself; rows[j]: its copy as the window found it,
     * gathered while the first context is scored */
    const float *live[outputs], *rows[outputs];
    for (int64_t j = 0; j < outputs; j++) {
        live[j] = ns_row(st, targets[j]);
        rows[j] = st->out_block + j * size;
    }
    float *restrict grads = st->grads;
    for (int64_t i = 0; i < count; i++) {
        float *g = grads + i * outputs;
        if (i == 0) score_block(contexts[i], live, outputs, size, g, st->out_block);
        else score_block(contexts[i], rows, outputs, size, g, NULL);
        for (int64_t j = 0; j < outputs; j++) {
            const int label = j == 0;
            if (j > 0 && targets[j] == word) {
                g[j] = 0;
                continue;
            }
            if (with_loss) st->loss += log_loss(g[j], label);
            g[j] = ns_gradient(cfg, g[j], label, alpha);
        }
    }
    /* output rows first: they read the context rows, which are written last */
    for (int64_t j = 0; j < outputs; j++) {
        if (j > 0 && targets[j] == word) continue;
        add_combination(ns_row(st, targets[j]), (const float *const *)contexts, grads + j, outputs, count, size);
    }
    float scaled[outputs];
    for (int64_t i = 0; i < count; i++) {
        const float *g = grads + i * outputs;
        if (cfg->syn0_lockf != NULL) {  /* as update_input_row: G's row times the factor */
            const float factor = cfg->syn0_lockf[(contexts[i] - cfg->syn0) / size];
            if (factor == 0) continue;
            for (int64_t j = 0; j < outputs; j++) scaled[j] = factor * g[j];
            g = scaled;
        }
        add_combination(contexts[i], rows, g, 1, outputs, size);
    }
}

/* ---- the thread ----------------------------------------------------------- */

/* The smallest piece a thread takes over from another: an eighth of a read
 * block, since up to a block the owner has already read is not on offer
 * anyway (see w2v_slice.claimed). */
#define W2V_TAKE_OVER_MIN_IDS (W2V_READ_BLOCK / 8)

/* Where a thread's part of `total` items begins when the items are split
 * evenly between the threads (the corpus's ids; the output layers' rows). */
static int64_t part_begin(int64_t total, int64_t thread, int64_t workers) {
    return total * thread / workers;
}

static int64_t share_begin(const w2v_train_config *cfg, int64_t thread) {
    return part_begin(cfg->corpus_tokens, thread, cfg->workers);
}

/* Where a thread goes at its start and whenever its piece of an epoch is
 * read: the next epoch of its share (word2vec.c's thread t trains ids
 * [t*N/T, (t+1)*N/T) every epoch), or, once its own epochs are done, work of the thread with the
 * most left: that thread's last epoch whole while it has epochs to come,
 * else the back half of what it has not yet read.  word2vec.c's shares
 * are not equal work (subsampling keeps more of one part of a corpus than of
 * another), so without this the first thread to finish leaves its core idle
 * at every epoch's end, a gap that adds up over the epochs
 * (bench/HISTORY.md).  Returns 0 when there is nothing left worth
 * taking; otherwise points the reader at the piece, whose epoch (for the
 * loss) is the slice's: only its own thread writes that, here.  With one
 * thread nothing is ever taken over, so the run stays word2vec.c's. */
static int next_piece(w2v_trainer *tr, int self, id_reader *rd) {
    const w2v_train_config *cfg = &tr->cfg;
    const int64_t share = cfg->corpus_tokens / cfg->workers;  /* near enough, to compare */
    w2v_slice *mine = &tr->slices[self];
    int64_t from = -1, most = 2 * W2V_TAKE_OVER_MIN_IDS - 1, begin = 0;
    int found = 0;
    pthread_mutex_lock(&tr->slice_lock);
    if (mine->epoch + 1 < mine->epochs_end) {
        found = 1;
        begin = share_begin(cfg, self);
        mine->epoch++;
        mine->claimed = begin;
        mine->end = share_begin(cfg, self + 1);
    } else {
        for (int t = 0; t < cfg->workers; t++) {
            const w2v_slice *s = &tr->slices[t];
            const int64_t left = s->end - s->claimed + (s->epochs_end - s->epoch - 1) * share;
            if (t != self && left > most) {
                from = t;
                most = left;
            }
        }
        if (from >= 0) {
            found = 1;
            w2v_slice *victim = &tr->slices[from];
            if (victim->epoch + 1 < victim->epochs_end) {
                victim->epochs_end--;
                mine->epoch = victim->epochs_end;
                begin = share_begin(cfg, from);
                mine->end = share_begin(cfg, from + 1);
            } else {
                begin = victim->claimed + (victim->end - victim->claimed) / 2;
                mine->epoch = victim->epoch;
                mine->end = victim->end;
                victim->end = begin;
            }
            mine->claimed = begin;
            mine->epochs_end = mine->epoch + 1;
        }
    }
    pthread_mutex_unlock(&tr->slice_lock);
    if (found) reader_seek(rd, begin);
    return found;
}

/* The output layers start as calloc's untouched pages (trainer.py): the
 * first access to such a page is usually a read (the dot product), which maps
 * the shared zero page, and the write after it then has to flush the TLB of
 * every core the process runs on, an interrupt to the other training threads
 * for each 4 KiB page, which without transparent huge pages slows the
 * training threads down measurably (bench/HISTORY.md).  So each thread
 * first asks the kernel for its share of the rows' pages, writable; the
 * contents stay as they are (a model trained further keeps its layers), and
 * where the kernel lacks the request (before Linux 5.14) nothing happens. */
static void populate_rows(float *matrix, int64_t first_row, int64_t end_row, int64_t size) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    if (matrix == NULL || end_row <= first_row) return;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t begin = (uintptr_t)(matrix + first_row * size) & ~(page - 1);
    const uintptr_t end = (uintptr_t)(matrix + end_row * size);
    (void)madvise((void *)begin, end - begin, MADV_POPULATE_WRITE);
#else
    (void)matrix;
    (void)first_row;
    (void)end_row;
    (void)size;
#endif
}

static float schedule_alpha(const w2v_train_config *cfg, int64_t word_count_actual) {
    return w2v_schedule_alpha_floor(cfg->alpha, cfg->alpha_floor, word_count_actual,
                                    cfg->schedule_words);
}

/* A thread's count of the words it read, reported to the schedule's shared
 * count every W2V_PROGRESS_WORDS (word2vec.c's word_count/last_word_count). */
typedef struct {
    int64_t read;
    int64_t reported;
} word_tally;

/* The thread's buffers and private rows; ENOMEM when one cannot be had. */
static int thread_open(thread_state *st, id_reader *rd, w2v_trainer *tr, int id) {
    const w2v_train_config *cfg = &tr->cfg;
    st->cfg = cfg;
    st->next_random = cfg->thread_random[id];
    st->loss = 0;
    st->prefetchw = cfg->workers > 1 && cpu_has_prefetchw();
    st->neu1 = calloc((size_t)cfg->vector_size, sizeof(float));
    st->neu1e = calloc((size_t)cfg->vector_size, sizeof(float));
    st->negatives = calloc(2 * ((size_t)cfg->negative + 1), sizeof(int64_t));
    st->out_block = st->grads = NULL;
    st->context_rows = NULL;
    int batch_failed = 0;
    if (cfg->batch_negatives) {
        /* a window holds at most 2 * window context words, and no more than a sentence */
        const size_t contexts = (size_t)(cfg->window < W2V_MAX_SENTENCE_LENGTH ? 2 * cfg->window
                                                                                : W2V_MAX_SENTENCE_LENGTH);
        const size_t outputs = (size_t)cfg->negative + 1;
        st->out_block = malloc(outputs * (size_t)cfg->vector_size * sizeof(float));
        st->grads = malloc(contexts * outputs * sizeof(float));
        st->context_rows = malloc(contexts * sizeof(float *));
        batch_failed = !st->out_block || !st->grads || !st->context_rows;
    }
    rd->fd = cfg->corpus_fd;
    rd->block = malloc(W2V_READ_BLOCK * sizeof(int32_t));
    rd->slice = &tr->slices[id];
    rd->slice_lock = &tr->slice_lock;
    int hot_failed = w2v_hot_rows_open(&st->hot, cfg, &tr->hot_merge_lock, &tr->hot_merges);
    if (!st->neu1 || !st->neu1e || !st->negatives || !rd->block || hot_failed || batch_failed) return ENOMEM;
    return 0;
}

/* Frees what thread_open took and tells the driver this thread is done. */
static void thread_close(thread_state *st, id_reader *rd, w2v_trainer *tr) {
    w2v_hot_rows_close(&st->hot);
    free(st->neu1);
    free(st->neu1e);
    free(st->negatives);
    free(st->out_block);
    free(st->grads);
    free(st->context_rows);
    free(rd->block);
    pthread_mutex_lock(&tr->done_lock);
    tr->threads_done++;
    pthread_cond_broadcast(&tr->done_cond);
    pthread_mutex_unlock(&tr->done_lock);
}

/* The words read since the last report join the schedule's count; the rate
 * is taken from the total, as word2vec.c's threads do. */
W2V_ALWAYS_INLINE static inline float report_words(w2v_trainer *tr, word_tally *tally) {
    int64_t wca = __atomic_add_fetch(&tr->word_count_actual, tally->read - tally->reported,
                                     __ATOMIC_RELAXED);
    tally->reported = tally->read;
    float alpha = schedule_alpha(&tr->cfg, wca);
    __atomic_store(&tr->alpha, &alpha, __ATOMIC_RELAXED);
    return alpha;
}

/* word2vec.c's sentence reading: ids up to the next </s> (or 1000 kept
 * words), subsampled as read.  Returns the sentence's length; sets *eof
 * when the piece ended. */
W2V_ALWAYS_INLINE static inline int64_t read_sentence(thread_state *st, id_reader *rd, int64_t *sen,
                                                      word_tally *tally, int *eof, int *err) {
    const w2v_train_config *cfg = st->cfg;
    int64_t length = 0;
    for (;;) {
        int64_t word = reader_next(rd, err);
        if (word < 0) {
            *eof = 1;
            return length;
        }
        tally->read++;
        if (word == 0) return length;
        if (cfg->sample > 0) {
            st->next_random = w2v_lcg_next(st->next_random);
            if ((st->next_random & 0xFFFF) > cfg->keep_threshold[word]) continue;
        }
        sen[length++] = word;
        if (length >= W2V_MAX_SENTENCE_LENGTH) return length;
    }
}

/* The end of a piece: its words and loss are counted, and the thread takes
 * its next piece (0: none is left, in any epoch). */
static int next_after_piece(w2v_trainer *tr, thread_state *st, id_reader *rd, word_tally *tally,
                            int id, const int with_loss) {
    __atomic_add_fetch(&tr->word_count_actual, tally->read - tally->reported, __ATOMIC_RELAXED);
    if (with_loss) {
        pthread_mutex_lock(&tr->loss_lock);
        tr->cfg.epoch_loss[rd->slice->epoch] += st->loss;
        pthread_mutex_unlock(&tr->loss_lock);
        st->loss = 0;
    }
    tally->read = tally->reported = 0;
    return next_piece(tr, id, rd);
}

/* One position of the sentence: the window's draw, then its training.  An
 * empty sentence (a bare newline, or every word subsampled away) still takes
 * the draw, as in word2vec.c. */
W2V_ALWAYS_INLINE static inline void train_position(thread_state *st, const int64_t *sen,
                                                    int64_t sentence_length, int64_t sentence_position,
                                                    float alpha, const int with_loss) {
    const w2v_train_config *cfg = st->cfg;
    st->next_random = w2v_lcg_next(st->next_random);
    /* the draw is taken either way, so the streams stay word2vec.c's */
    int64_t b = cfg->shrink_windows ? (int64_t)(st->next_random % (uint64_t)cfg->window) : 0;
    if (sentence_length == 0) return;
    /* the word that enters the window next: its input row is needed from the
     * next position on, often after the other core wrote it */
    if (sentence_position + cfg->window + 1 < sentence_length)
        prefetch_row(st, cfg->syn0 + sen[sentence_position + cfg->window + 1] * cfg->vector_size, cfg->vector_size);
    if (cfg->sg && cfg->batch_negatives)
        train_skipgram_batched(st, sen, sentence_length, sentence_position, b, alpha, with_loss);
    else if (cfg->sg) train_skipgram(st, sen, sentence_length, sentence_position, b, alpha, with_loss);
    else train_cbow(st, sen, sentence_length, sentence_position, b, alpha, with_loss);
}

/* The thread's passes, with the loss compiled in or out (with_loss is a
 * constant at both calls), so that training without it pays nothing. */
W2V_ALWAYS_INLINE static inline void run_thread(struct thread_arg *arg, const int with_loss) {
    w2v_trainer *tr = arg->trainer;
    const w2v_train_config *cfg = &tr->cfg;
    thread_state st;
    id_reader rd;
    if (thread_open(&st, &rd, tr, arg->id) != 0) {
        __atomic_store_n(&tr->thread_errno, ENOMEM, __ATOMIC_RELAXED);
        thread_close(&st, &rd, tr);
        return;
    }
    const int hot_on = w2v_hot_rows_active(&st.hot);
    populate_rows(cfg->syn1, part_begin(cfg->vocab_size, arg->id, cfg->workers),
                  part_begin(cfg->vocab_size, arg->id + 1, cfg->workers), cfg->vector_size);
    populate_rows(cfg->syn1neg, part_begin(cfg->vocab_size, arg->id, cfg->workers),
                  part_begin(cfg->vocab_size, arg->id + 1, cfg->workers), cfg->vector_size);
    int64_t sen[W2V_MAX_SENTENCE_LENGTH + 1] = {0};
    int64_t sentence_length = 0, sentence_position = 0, positions_since_merge = 0;
    word_tally tally = {0, 0};
    float alpha = cfg->thread_alpha[arg->id];
    int eof = 0, err = 0;
    /* 0 only when the others already took all of its share */
    const int started = next_piece(tr, arg->id, &rd);
    while (started && !__atomic_load_n(&tr->stop, __ATOMIC_RELAXED)) {
        if (tally.read - tally.reported > W2V_PROGRESS_WORDS) alpha = report_words(tr, &tally);
        if (hot_on && positions_since_merge >= W2V_HOT_MERGE_WORDS) {
            w2v_hot_rows_merge(&st.hot, cfg->vector_size, &tr->hot_merge_lock);
            positions_since_merge = 0;
        }
        if (sentence_length == 0) {
            sentence_length = read_sentence(&st, &rd, sen, &tally, &eof, &err);
            sentence_position = 0;
            if (err) {
                __atomic_store_n(&tr->thread_errno, err, __ATOMIC_RELAXED);
                break;
            }
        }
        /* word2vec.c drops the sentence it was reading at end of file; we
         * train it first and end the epoch on the next pass. */
        if (eof && sentence_length == 0) {
            if (!next_after_piece(tr, &st, &rd, &tally, arg->id, with_loss)) break;
            eof = 0;  /* word2vec.c forgets this reset (its issue #47) */
            continue;
        }
        train_position(&st, sen, sentence_length, sentence_position, alpha, with_loss);
        /* Positions trained, not words read: a sentence (up to 1000 kept
         * words) is read at once, so counting reads would merge once per
         * sentence whatever the interval. */
        positions_since_merge++;
        if (++sentence_position >= sentence_length) sentence_length = 0;
    }
    w2v_hot_rows_merge(&st.hot, cfg->vector_size, &tr->hot_merge_lock);  /* what was learned since the last merge */
    cfg->thread_random[arg->id] = st.next_random;
    cfg->thread_alpha[arg->id] = alpha;
    thread_close(&st, &rd, tr);
}

/* Compiled for several instruction sets where the platform allows (see
 * simd_dispatch.h). */
W2V_TRAINING_CLONES
static void *train_thread(void *arg_) {
    struct thread_arg *arg = arg_;
    if (arg->trainer->cfg.compute_loss) run_thread(arg, 1);
    else run_thread(arg, 0);
    return NULL;
}

static void init_done_cond(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
#if !defined(__APPLE__)
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);  /* see w2v_trainer_wait */
#endif
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

/* The teardown of a trainer whose threads have ended (or never started). */
static void free_trainer(w2v_trainer *tr) {
    pthread_mutex_destroy(&tr->hot_merge_lock);
    pthread_mutex_destroy(&tr->loss_lock);
    pthread_mutex_destroy(&tr->slice_lock);
    pthread_mutex_destroy(&tr->done_lock);
    pthread_cond_destroy(&tr->done_cond);
    free(tr->threads);
    free(tr->args);
    free(tr->slices);
    free(tr);
}

int w2v_config_set_parameter(w2v_train_config *config, const char *name, int64_t integer,
                             double real) {
#define W2V_VALUE_INT integer
#define W2V_VALUE_REAL real
#define W2V_SET_PARAMETER(type, field, kind)   \
    if (strcmp(name, #field) == 0) {           \
        config->field = (type)W2V_VALUE_##kind; \
        return 1;                              \
    }
    W2V_PARAMETERS(W2V_SET_PARAMETER)
#undef W2V_SET_PARAMETER
#undef W2V_VALUE_INT
#undef W2V_VALUE_REAL
    (void)integer;
    (void)real;
    return 0;
}

w2v_trainer *w2v_trainer_start(const w2v_train_config *config) {
    w2v_trainer *tr = calloc(1, sizeof(*tr));
    if (tr == NULL) return NULL;
    tr->cfg = *config;
    tr->alpha = config->thread_alpha[0];
    tr->word_count_actual = config->words_before;
    pthread_mutex_init(&tr->hot_merge_lock, NULL);
    pthread_mutex_init(&tr->loss_lock, NULL);
    pthread_mutex_init(&tr->slice_lock, NULL);
    pthread_mutex_init(&tr->done_lock, NULL);
    init_done_cond(&tr->done_cond);
    tr->threads = calloc((size_t)config->workers, sizeof(pthread_t));
    tr->args = calloc((size_t)config->workers, sizeof(struct thread_arg));
    tr->slices = calloc((size_t)config->workers, sizeof(w2v_slice));
    if (!tr->threads || !tr->args || !tr->slices) goto fail;
    for (int t = 0; t < config->workers; t++) {
        /* nothing read yet: the thread's first next_piece starts epoch 0 */
        tr->slices[t].epoch = -1;
        tr->slices[t].epochs_end = config->epochs;
    }
    for (int t = 0; t < config->workers; t++) {
        tr->args[t].trainer = tr;
        tr->args[t].id = t;
        if (pthread_create(&tr->threads[t], NULL, train_thread, &tr->args[t]) != 0) {
            __atomic_store_n(&tr->stop, 1, __ATOMIC_RELAXED);
            for (int u = 0; u < t; u++) pthread_join(tr->threads[u], NULL);
            goto fail;
        }
        tr->started++;
    }
    return tr;
fail:
    free_trainer(tr);
    return NULL;
}

int64_t w2v_trainer_words_done(const w2v_trainer *tr) {
    return __atomic_load_n(&tr->word_count_actual, __ATOMIC_RELAXED);
}

int64_t w2v_trainer_hot_merges(w2v_trainer *tr) {
    pthread_mutex_lock(&tr->hot_merge_lock);
    const int64_t merges = tr->hot_merges;
    pthread_mutex_unlock(&tr->hot_merge_lock);
    return merges;
}

float w2v_trainer_alpha(const w2v_trainer *tr) {
    float alpha;
    __atomic_load(&tr->alpha, &alpha, __ATOMIC_RELAXED);
    return alpha;
}

/* A condition variable rather than the caller polling: the caller learns
 * the end at once, not up to a poll interval late (every run's wall time).
 * The deadline is on the monotonic clock, so that a change of the wall clock
 * cannot stretch a wait (macOS has no clock choice for condition variables,
 * but a relative wait). */
int w2v_trainer_wait(w2v_trainer *tr, double seconds) {
    struct timespec span;
    span.tv_sec = (time_t)seconds;
    span.tv_nsec = (long)((seconds - (double)span.tv_sec) * 1e9);
#if !defined(__APPLE__)
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += span.tv_sec;
    deadline.tv_nsec += span.tv_nsec;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
#endif
    pthread_mutex_lock(&tr->done_lock);
    while (tr->threads_done < tr->started) {
#if defined(__APPLE__)
        int rc = pthread_cond_timedwait_relative_np(&tr->done_cond, &tr->done_lock, &span);
#else
        int rc = pthread_cond_timedwait(&tr->done_cond, &tr->done_lock, &deadline);
#endif
        if (rc == ETIMEDOUT) break;
    }
    const int finished = tr->threads_done == tr->started;
    pthread_mutex_unlock(&tr->done_lock);
    return finished;
}

void w2v_trainer_request_stop(w2v_trainer *tr) { __atomic_store_n(&tr->stop, 1, __ATOMIC_RELAXED); }

int w2v_trainer_join(w2v_trainer *tr) {
    for (int t = 0; t < tr->started; t++) pthread_join(tr->threads[t], NULL);
    int err = tr->thread_errno;
    free_trainer(tr);
    return err;
}
