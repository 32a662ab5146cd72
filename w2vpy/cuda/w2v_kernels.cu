// w2vpy CUDA backend: word2vec.c's CBOW / skip-gram with negative sampling
// and hierarchical softmax, Hogwild across warps.
//
// One warp trains one sentence.  Lane l owns dimensions l, l+32, l+64, ...,
// so a dot product is a register loop plus a butterfly of warp shuffles that
// leaves the sum in every lane.  Every lane advances the same LCG
// (r = r * 25214903917 + 11), so the window shrink and negative draws need no
// shared memory and no synchronisation beyond the warp.
//
// Differences from the CPU path (documented in the README): subsampling draws
// come from a counter-based hash per (seed, epoch, token) instead of the
// thread's LCG stream, and sentences are cut every 1000 tokens before
// subsampling instead of after.

#include "w2v_constants.h"  // w2vpy/include, shared with the C core

#define W2V_WARP 32
#define W2V_MAX_DIMS_PER_LANE 16  // vector size <= 512

typedef unsigned long long u64;

__device__ __forceinline__ u64 splitmix64(u64 x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int offset = W2V_WARP / 2; offset > 0; offset /= 2)
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float dot_row(const float h[W2V_MAX_DIMS_PER_LANE],
                                         const float* __restrict__ row, int size, int lane) {
    float f = 0.f;
#pragma unroll
    for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) {
        int j = lane + k * W2V_WARP;
        if (j < size) f += h[k] * row[j];
    }
    return warp_sum(f);
}

// err += g * row (old row); row += g * hidden
__device__ __forceinline__ void update_row(float* __restrict__ row, float e[W2V_MAX_DIMS_PER_LANE],
                                           const float h[W2V_MAX_DIMS_PER_LANE], float g,
                                           int size, int lane) {
#pragma unroll
    for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) {
        int j = lane + k * W2V_WARP;
        if (j < size) {
            float r = row[j];
            e[k] += g * r;
            row[j] = r + g * h[k];
        }
    }
}

// row += e (the error gathered for an input vector)
__device__ __forceinline__ void add_to_row(float* __restrict__ row,
                                           const float e[W2V_MAX_DIMS_PER_LANE], int size,
                                           int lane) {
#pragma unroll
    for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) {
        int j = lane + k * W2V_WARP;
        if (j < size) row[j] += e[k];
    }
}

struct Model {
    float* syn0;
    float* syn1;
    float* syn1neg;
    const long long* code_offsets;
    const unsigned char* codes;
    const int* points;
    const int* unigram_table;
    long long table_size;
    const float* sigmoid_table;
    int vocab_size;
    int size;
    int negative;
    int hs;
};

// The output layer for one (hidden, word) pair: HS then NS, as word2vec.c.
__device__ __forceinline__ void output_layer(const Model& m, int word,
                                             const float h[W2V_MAX_DIMS_PER_LANE],
                                             float e[W2V_MAX_DIMS_PER_LANE], float alpha,
                                             u64& next_random, int lane) {
    if (m.hs) {
        for (long long d = m.code_offsets[word]; d < m.code_offsets[word + 1]; d++) {
            float* row = m.syn1 + (long long)m.points[d] * m.size;
            float f = dot_row(h, row, m.size, lane);
            if (!(f > -W2V_MAX_EXP && f < W2V_MAX_EXP)) continue;
            f = m.sigmoid_table[w2v_sigmoid_index(f)];
            float g = (1 - m.codes[d] - f) * alpha;
            update_row(row, e, h, g, m.size, lane);
        }
    }
    for (int d = 0; d <= m.negative && m.negative > 0; d++) {
        int target, label;
        if (d == 0) {
            target = word;
            label = 1;
        } else {
            next_random = w2v_lcg_next(next_random);
            target = m.unigram_table[(next_random >> 16) % (u64)m.table_size];
            if (target == 0) target = (int)(next_random % (u64)(m.vocab_size - 1)) + 1;
            if (target == word) continue;
            label = 0;
        }
        float* row = m.syn1neg + (long long)target * m.size;
        float f = dot_row(h, row, m.size, lane);
        float g;
        if (f > W2V_MAX_EXP) g = (label - 1) * alpha;
        else if (f >= -W2V_MAX_EXP)
            g = (label - m.sigmoid_table[w2v_sigmoid_index(f)]) * alpha;
        else g = (label - 0) * alpha;
        update_row(row, e, h, g, m.size, lane);
    }
}

extern "C" __global__ void w2v_train_sentences(
    float* __restrict__ syn0, float* __restrict__ syn1, float* __restrict__ syn1neg,
    const int* __restrict__ ids, const long long* __restrict__ sentence_starts,
    int n_sentences, long long first_token,
    const unsigned int* __restrict__ keep_threshold,
    const long long* __restrict__ code_offsets, const unsigned char* __restrict__ codes,
    const int* __restrict__ points, const int* __restrict__ unigram_table, long long table_size,
    const float* __restrict__ sigmoid_table, int vocab_size, int size, int window, int negative,
    int hs, int sg, int cbow_mean, double sample, float starting_alpha, long long total_words,
    unsigned long long* __restrict__ words_done, unsigned long long seed, int epoch) {
    __shared__ int sen_all[W2V_MAX_SENTENCE_LENGTH * 4];  // 4 warps a block, one sentence each
    const int lane = threadIdx.x % W2V_WARP;
    const int warp_in_block = threadIdx.x / W2V_WARP;
    const int s = blockIdx.x * (blockDim.x / W2V_WARP) + warp_in_block;
    if (s >= n_sentences) return;
    int* sen = sen_all + warp_in_block * W2V_MAX_SENTENCE_LENGTH;
    Model m = {syn0, syn1, syn1neg, code_offsets, codes, points, unigram_table, table_size,
               sigmoid_table, vocab_size, size, negative, hs};

    // Load the sentence and subsample it (ballot-based compaction).
    const long long begin = sentence_starts[s], end = sentence_starts[s + 1];
    int length = 0;
    for (long long base = begin; base < end; base += W2V_WARP) {
        long long i = base + lane;
        int word = i < end ? ids[i] : 0;
        bool keep = word > 0;
        if (keep && sample > 0) {
            u64 r = splitmix64(seed ^ ((u64)epoch << 40) ^ (u64)(first_token + i));
            keep = (unsigned int)(r & 0xFFFF) <= keep_threshold[word];
        }
        unsigned int mask = __ballot_sync(0xffffffffu, keep);
        if (keep) sen[length + __popc(mask & ((1u << lane) - 1))] = word;
        length += __popc(mask);
    }
    __syncwarp();

    // The learning rate falls with the words processed by every warp so far.
    unsigned long long before = 0;
    if (lane == 0) before = atomicAdd(words_done, (unsigned long long)(end - begin));
    before = __shfl_sync(0xffffffffu, before, 0);
    const float alpha = w2v_schedule_alpha(starting_alpha, (long long)before, total_words);

    u64 next_random = splitmix64(seed * 0x100000001B3ULL + (u64)epoch * 0x9E3779B9ULL +
                                 (u64)(first_token + begin));
    float h[W2V_MAX_DIMS_PER_LANE], e[W2V_MAX_DIMS_PER_LANE];
    for (int pos = 0; pos < length; pos++) {
        const int word = sen[pos];
        next_random = w2v_lcg_next(next_random);
        const int b = (int)(next_random % (u64)window);
        const w2v_context_span span = w2v_context(pos, length, window, b);
        if (!sg) {
            int cw = 0;
#pragma unroll
            for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) h[k] = 0.f, e[k] = 0.f;
            for (long long c = span.first; c < span.end; c++) {
                if (c == pos) continue;
                const float* row = syn0 + (long long)sen[c] * size;
#pragma unroll
                for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) {
                    int j = lane + k * W2V_WARP;
                    if (j < size) h[k] += row[j];
                }
                cw++;
            }
            if (!cw) continue;
            if (cbow_mean) {
#pragma unroll
                for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) h[k] /= cw;
            }
            output_layer(m, word, h, e, alpha, next_random, lane);
            for (long long c = span.first; c < span.end; c++) {
                if (c == pos) continue;
                add_to_row(syn0 + (long long)sen[c] * size, e, size, lane);
            }
        } else {
            for (long long c = span.first; c < span.end; c++) {
                if (c == pos) continue;
                float* row = syn0 + (long long)sen[c] * size;
#pragma unroll
                for (int k = 0; k < W2V_MAX_DIMS_PER_LANE; k++) {
                    int j = lane + k * W2V_WARP;
                    h[k] = j < size ? row[j] : 0.f;
                    e[k] = 0.f;
                }
                output_layer(m, word, h, e, alpha, next_random, lane);
                add_to_row(row, e, size, lane);
            }
        }
    }
}
