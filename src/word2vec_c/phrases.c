#include "phrases.h"

#include <stdlib.h>
#include <string.h>

/* The pair key of the previous word and `word`, which becomes the previous
 * word; returns the key's length, or 0 when there was no previous word. */
static size_t pair_with(w2v_pair_key *pair, const unsigned char *word, size_t len) {
    size_t key_len = 0;
    if (pair->have_first) {
        pair->bytes[pair->first_len] = '_';
        memcpy(pair->bytes + pair->first_len + 1, word, len);
        key_len = pair->first_len + 1 + len;
    }
    return key_len;
}

static void remember_first(w2v_pair_key *pair, const unsigned char *word, size_t len) {
    memcpy(pair->bytes, word, len);
    pair->first_len = len;
    pair->have_first = 1;
}

/* ---- counting ------------------------------------------------------------- */

void w2v_phrase_counter_init(w2v_phrase_counter *pc, w2v_vocab_counter *counter) {
    memset(pc, 0, sizeof(*pc));
    pc->counter = counter;
    w2v_tokenizer_init(&pc->tokenizer);
}

/* word2phrase counts the pair across a line end too (its `start` flag is
 * cleared before it is read), so the line end is not a token here. The
 * first word of the text starts no pair: word2phrase reads an uninitialised
 * buffer there. */
static void count_word(void *ctx, const unsigned char *word, size_t len) {
    w2v_phrase_counter *pc = ctx;
    if (pc->counter->failed) return;
    pc->train_words++;
    if (w2v_counter_add(pc->counter, word, len) != 0) return;
    size_t key_len = pair_with(&pc->pair, word, len);
    if (key_len > 0 && w2v_counter_add(pc->counter, pc->pair.bytes, key_len) != 0) return;
    remember_first(&pc->pair, word, len);
    w2v_counter_prune_if_full(pc->counter);
}

static void line_end_counts_nothing(void *ctx) { (void)ctx; }

int w2v_phrase_count(w2v_phrase_counter *pc, const unsigned char *data, size_t n) {
    w2v_tokenize_lines(&pc->tokenizer, data, n, count_word, line_end_counts_nothing, pc);
    return pc->counter->failed ? -1 : 0;
}

int w2v_phrase_count_finish(w2v_phrase_counter *pc) {
    w2v_tokenize_finish(&pc->tokenizer, count_word, pc);
    return pc->counter->failed ? -1 : 0;
}

/* ---- the rewrite ------------------------------------------------------------ */

void w2v_phrase_writer_init(w2v_phrase_writer *w, const w2v_vocab_counter *counts,
                            int64_t min_count, float threshold, int64_t train_words) {
    memset(w, 0, sizeof(*w));
    w->counts = counts;
    w->min_count = min_count;
    w->threshold = threshold;
    w->train_words = (float)train_words;
    w->previous_count = -1;
    w2v_tokenizer_init(&w->tokenizer);
}

void w2v_phrase_writer_release(w2v_phrase_writer *w) {
    free(w->out);
    w->out = NULL;
    w->out_len = w->out_capacity = 0;
}

static int reserve(w2v_phrase_writer *w, size_t more) {
    if (w->out_len + more <= w->out_capacity) return 0;
    size_t capacity = w->out_capacity ? w->out_capacity : 1 << 16;
    while (capacity < w->out_len + more) capacity *= 2;
    unsigned char *out = realloc(w->out, capacity);
    if (out == NULL) {
        w->failed = 1;
        return -1;
    }
    w->out = out;
    w->out_capacity = capacity;
    return 0;
}

/* A key's count, or -1 when it is absent or under min_count (word2phrase's
 * SortVocab drops those before the rewrite). */
static int64_t kept_count(const w2v_phrase_writer *w, const unsigned char *key, size_t len) {
    int64_t count = w2v_counter_count_of(w->counts, key, len);
    return count >= w->min_count ? count : -1;
}

static void write_word(void *ctx, const unsigned char *word, size_t len) {
    w2v_phrase_writer *w = ctx;
    if (w->failed || reserve(w, len + 1) != 0) return;
    int64_t count = kept_count(w, word, len);
    size_t key_len = pair_with(&w->pair, word, len);
    float score = 0;
    if (w->previous_count >= 0 && count >= 0) {
        int64_t pair_count = kept_count(w, w->pair.bytes, key_len);
        if (pair_count >= 0)
            score = w2v_phrase_score(pair_count, w->previous_count, count, w->min_count,
                                     w->train_words);
    }
    /* a joined word starts no pair: one pass never chains three words */
    int joined = score > w->threshold;
    w->out[w->out_len++] = joined ? '_' : ' ';
    memcpy(w->out + w->out_len, word, len);
    w->out_len += len;
    w->previous_count = joined ? -1 : count;
    remember_first(&w->pair, word, len);
}

static void write_line_end(void *ctx) {
    w2v_phrase_writer *w = ctx;
    if (w->failed || reserve(w, 1) != 0) return;
    w->out[w->out_len++] = '\n';
    w->previous_count = -1;
}

int w2v_phrase_rewrite(w2v_phrase_writer *w, const unsigned char *data, size_t n) {
    w2v_tokenize_lines(&w->tokenizer, data, n, write_word, write_line_end, w);
    return w->failed ? -1 : 0;
}

int w2v_phrase_rewrite_finish(w2v_phrase_writer *w) {
    w2v_tokenize_finish(&w->tokenizer, write_word, w);
    return w->failed ? -1 : 0;
}
