/* word2vec.c's constants and the small pieces of its algorithm that the C
 * core (src/word2vec_c) and the CUDA kernel (w2vpy/cuda, compiled by NVRTC
 * with this directory on its include path) must share, so that each is
 * written once.  Plain C types only: NVRTC has no standard headers. */
#ifndef W2V_CONSTANTS_H
#define W2V_CONSTANTS_H

#if defined(__CUDACC__)
#define W2V_SHARED static __device__ __forceinline__
#else
#define W2V_SHARED static inline
#endif

/* The sigmoid table: EXP_TABLE_SIZE entries over [-MAX_EXP, MAX_EXP).
 * Lookups use word2vec.c's integer scale EXP_TABLE_SIZE / MAX_EXP / 2 == 83
 * (not 83.33), so only entries 0..995 are ever read; that is the algorithm. */
#define W2V_EXP_TABLE_SIZE 1000
#define W2V_MAX_EXP 6
#define W2V_EXP_SCALE (W2V_EXP_TABLE_SIZE / W2V_MAX_EXP / 2)
/* word2vec.c's table_size: entries of the unigram^0.75 noise table */
#define W2V_UNIGRAM_TABLE_SIZE 100000000LL
/* word2vec.c's MAX_SENTENCE_LENGTH: longer runs of words are cut */
#define W2V_MAX_SENTENCE_LENGTH 1000

/* Index into the sigmoid table for a score strictly inside (-MAX_EXP, MAX_EXP). */
W2V_SHARED int w2v_sigmoid_index(float f) { return (int)((f + W2V_MAX_EXP) * W2V_EXP_SCALE); }

/* word2vec.c's random numbers: one 64-bit linear congruential step, the same
 * constants in every stream (negative draws, window shrink, subsampling,
 * syn0's initial values). */
W2V_SHARED unsigned long long w2v_lcg_next(unsigned long long r) {
    return r * 25214903917ULL + 11ULL;
}

/* word2vec.c's learning rate after `words_done` of `total_words` (epochs times
 * the counts' sum): linear decay to a floor, in its float arithmetic.  A
 * negative `floor` is word2vec.c's, 1e-4 of the start (in double, as there);
 * another is gensim's min_alpha. */
W2V_SHARED float w2v_schedule_alpha_floor(float starting_alpha, double floor,
                                          long long words_done, long long total_words) {
    float alpha = starting_alpha * (1 - words_done / (float)(total_words + 1));
    if (floor < 0) floor = starting_alpha * 0.0001;
    if (alpha < floor) alpha = floor;
    return alpha;
}

W2V_SHARED float w2v_schedule_alpha(float starting_alpha, long long words_done,
                                    long long total_words) {
    return w2v_schedule_alpha_floor(starting_alpha, -1.0, words_done, total_words);
}

/* The context of sentence position `position`: word2vec.c's window shrunk by
 * its random `shrink` (0 <= shrink < window), clipped to the sentence.  The
 * walk visits first..end-1 in order and skips `position` itself. */
typedef struct {
    long long first;
    long long end;
} w2v_context_span;

W2V_SHARED w2v_context_span w2v_context(long long position, long long length, long long window,
                                        long long shrink) {
    w2v_context_span span = {position - window + shrink, position + window - shrink + 1};
    if (span.first < 0) span.first = 0;
    if (span.end > length) span.end = length;
    return span;
}

#endif
