// w2vpy CUDA backend: word2vec.c's CBOW / skip-gram with negative sampling
// and hierarchical softmax, Hogwild across warps.
//
// One warp trains one sentence.  Where each lane's dimensions are, how lanes
// sum and how they agree is the lanes interface's (w2v_lanes.h), so that this
// file also compiles for the host, one lane owning every dimension, and runs
// in every test run without a GPU.  Every lane advances the same LCG
// (r = r * 25214903917 + 11), so the window shrink and negative draws need no
// shared memory and no synchronisation beyond the warp.
//
// Differences from the CPU path (documented in the README): subsampling draws
// come from a counter-based hash per (seed, epoch, token) instead of the
// thread's LCG stream, sentences are cut every 1000 tokens before subsampling
// instead of after, and the learning rate is refreshed every
// W2V_RATE_INTERVAL positions of a warp's sentence instead of every 10000
// words of a thread.

#include "w2v_constants.h"  // w2vpy/include, shared with the C core
#include "w2v_lanes.h"

// Every this many positions a warp adds the tokens it has trained to the
// shared word counter and takes the learning rate from the total, so that the
// warps training at one time share one rate that falls with the words all of
// them have trained: word2vec.c's threads report every 10000 words, but
// thousands of warps at 10000 words each would hold the rate still for
// several epochs of a small corpus.
#define W2V_RATE_INTERVAL 32

W2V_DEVICE u64 splitmix64(u64 x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

W2V_DEVICE float dot_row(const float h[W2V_MAX_DIMS_PER_LANE], const float* __restrict__ row,
                         int size, int lane) {
    float f = 0.f;
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) {
        int j = lane + k * W2V_LANES;
        if (j < size) f += h[k] * row[j];
    }
    return lanes_sum(f);
}

// err += g * row (old row); row += g * hidden
W2V_DEVICE void update_row(float* __restrict__ row, float e[W2V_MAX_DIMS_PER_LANE],
                           const float h[W2V_MAX_DIMS_PER_LANE], float g, int size, int lane) {
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) {
        int j = lane + k * W2V_LANES;
        if (j < size) {
            float r = row[j];
            e[k] += g * r;
            row[j] = r + g * h[k];
        }
    }
}

// row += e (the error gathered for an input vector)
W2V_DEVICE void add_to_row(float* __restrict__ row, const float e[W2V_MAX_DIMS_PER_LANE],
                           int size, int lane) {
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) {
        int j = lane + k * W2V_LANES;
        if (j < size) row[j] += e[k];
    }
}

// h = row (a skip-gram hidden layer), e = 0
W2V_DEVICE void load_row(float h[W2V_MAX_DIMS_PER_LANE], float e[W2V_MAX_DIMS_PER_LANE],
                         const float* __restrict__ row, int size, int lane) {
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) {
        int j = lane + k * W2V_LANES;
        h[k] = j < size ? row[j] : 0.f;
        e[k] = 0.f;
    }
}

// h += row (a CBOW hidden layer)
W2V_DEVICE void sum_row(float h[W2V_MAX_DIMS_PER_LANE], const float* __restrict__ row, int size,
                        int lane) {
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) {
        int j = lane + k * W2V_LANES;
        if (j < size) h[k] += row[j];
    }
}

W2V_DEVICE void clear(float v[W2V_MAX_DIMS_PER_LANE], int size) {
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) v[k] = 0.f;
}

W2V_DEVICE void divide(float v[W2V_MAX_DIMS_PER_LANE], float by, int size) {
    W2V_UNROLL
    for (int k = 0; k < W2V_DIM_STEPS(size); k++) v[k] /= by;
}

// What every sentence reads: the weights and the tables, and the settings.
struct Model {
    float* syn0;
    float* syn1;
    float* syn1neg;
    const unsigned int* keep_threshold;
    const long long* code_offsets;
    const unsigned char* codes;
    const int* points;
    const int* unigram_table;
    long long table_size;
    const float* sigmoid_table;
    int vocab_size;
    int size;
    int window;
    int negative;
    int hs;
    int sg;
    int cbow_mean;
    int shrink_windows;
    double sample;
    float starting_alpha;
    long long total_words;
    u64 seed;
    int epoch;
};

// The output layer for one (hidden, word) pair: HS then NS, as word2vec.c.
W2V_DEVICE void output_layer(const Model& m, int word, const float h[W2V_MAX_DIMS_PER_LANE],
                             float e[W2V_MAX_DIMS_PER_LANE], float alpha, u64& next_random,
                             int lane) {
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

// Tokens [begin, end) of the batch, without </s> and the words subsampling
// drops, into `sentence`; returns their number.  Token i's draw is a hash of
// (seed, epoch, its place in the corpus): the same whichever lane reads it.
W2V_DEVICE int load_sentence(const Model& m, const int* __restrict__ ids, long long begin,
                             long long end, long long first_token, int* sentence, int lane) {
    int length = 0;
    for (long long base = begin; base < end; base += W2V_LANES) {
        long long i = base + lane;
        int word = i < end ? ids[i] : 0;
        bool keep = word > 0;
        if (keep && m.sample > 0) {
            u64 r = splitmix64(m.seed ^ ((u64)m.epoch << 40) ^ (u64)(first_token + i));
            keep = (unsigned int)(r & 0xFFFF) <= m.keep_threshold[word];
        }
        unsigned int ballot = lanes_ballot(keep);
        if (keep) sentence[length + lanes_rank(ballot, lane)] = word;
        length += lanes_count(ballot);
    }
    lanes_sync();
    return length;
}

// One sentence: CBOW or skip-gram over every position, as word2vec.c.
W2V_DEVICE void train_sentence(const Model& m, const int* __restrict__ ids, long long begin,
                               long long end, long long first_token, int* sentence,
                               u64* __restrict__ words_done, int lane) {
    const int length = load_sentence(m, ids, begin, end, first_token, sentence, lane);
    const int tokens = (int)(end - begin);  // at most W2V_MAX_SENTENCE_LENGTH
    // the tokens a rate interval stands for: </s> and the words subsampling
    // dropped, pro rata
    const int interval_tokens = length > 0 ? tokens * W2V_RATE_INTERVAL / length : 0;
    int reported = 0;  // of this sentence's tokens, those added to words_done
    float alpha = w2v_schedule_alpha(
        m.starting_alpha, (long long)lanes_fetch_add(words_done, 0, lane), m.total_words);

    u64 next_random = splitmix64(m.seed * 0x100000001B3ULL + (u64)m.epoch * 0x9E3779B9ULL +
                                 (u64)(first_token + begin));
    float h[W2V_MAX_DIMS_PER_LANE], e[W2V_MAX_DIMS_PER_LANE];
    for (int pos = 0; pos < length; pos++) {
        if (pos > 0 && pos % W2V_RATE_INTERVAL == 0) {
            const u64 done = lanes_fetch_add(words_done, (u64)interval_tokens, lane) +
                             (u64)interval_tokens;
            alpha = w2v_schedule_alpha(m.starting_alpha, (long long)done, m.total_words);
            reported += interval_tokens;
        }
        const int word = sentence[pos];
        next_random = w2v_lcg_next(next_random);
        const int b = m.shrink_windows ? (int)(next_random % (u64)m.window) : 0;
        const w2v_context_span span = w2v_context(pos, length, m.window, b);
        if (!m.sg) {
            int cw = 0;
            clear(h, m.size);
            clear(e, m.size);
            for (long long c = span.first; c < span.end; c++) {
                if (c == pos) continue;
                sum_row(h, m.syn0 + (long long)sentence[c] * m.size, m.size, lane);
                cw++;
            }
            if (!cw) continue;
            if (m.cbow_mean) divide(h, (float)cw, m.size);
            output_layer(m, word, h, e, alpha, next_random, lane);
            for (long long c = span.first; c < span.end; c++) {
                if (c == pos) continue;
                add_to_row(m.syn0 + (long long)sentence[c] * m.size, e, m.size, lane);
            }
        } else {
            for (long long c = span.first; c < span.end; c++) {
                if (c == pos) continue;
                float* row = m.syn0 + (long long)sentence[c] * m.size;
                load_row(h, e, row, m.size, lane);
                output_layer(m, word, h, e, alpha, next_random, lane);
                add_to_row(row, e, m.size, lane);
            }
        }
    }
    lanes_fetch_add(words_done, (u64)(tokens - reported), lane);
}

// The sentences of one batch of ids: sentence s is ids[sentence_starts[s],
// sentence_starts[s + 1]), and the batch starts at corpus token first_token.
// The Python driver (w2vpy/cuda_backend.py) passes these arguments in this
// order and checks them against this signature before every launch.
W2V_KERNEL void w2v_train_sentences(
    float* __restrict__ syn0, float* __restrict__ syn1, float* __restrict__ syn1neg,
    const int* __restrict__ ids, const long long* __restrict__ sentence_starts,
    int n_sentences, long long first_token,
    const unsigned int* __restrict__ keep_threshold,
    const long long* __restrict__ code_offsets, const unsigned char* __restrict__ codes,
    const int* __restrict__ points, const int* __restrict__ unigram_table, long long table_size,
    const float* __restrict__ sigmoid_table, int vocab_size, int size, int window, int negative,
    int hs, int sg, int cbow_mean, int shrink_windows, double sample, float starting_alpha,
    long long total_words,
    unsigned long long* __restrict__ words_done, unsigned long long seed, int epoch) {
    W2V_BLOCK_SHARED int sentence_buffers[W2V_MAX_SENTENCE_LENGTH * W2V_WARPS_PER_BLOCK];
    int* sentence = sentence_buffers + lanes_warp_in_block() * W2V_MAX_SENTENCE_LENGTH;
    const Model m = {syn0, syn1, syn1neg, keep_threshold, code_offsets, codes, points,
                     unigram_table, table_size, sigmoid_table, vocab_size, size, window,
                     negative, hs, sg, cbow_mean, shrink_windows, sample, starting_alpha,
                     total_words, seed, epoch};
    const int lane = lanes_lane();
    for (long long s = lanes_first_sentence(); s < n_sentences;
         s = lanes_next_sentence(s, n_sentences))
        train_sentence(m, ids, sentence_starts[s], sentence_starts[s + 1], first_token, sentence,
                       words_done, lane);
}
