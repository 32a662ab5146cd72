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

/* A key's role in the counting queue: the last key of a word is followed by
 * the pruning check, as word2phrase runs ReduceVocab once per word. */
enum { COUNT_KEY, COUNT_LAST_KEY };

static void count_pending_key(void *ctx, const w2v_pending_token *key) {
    w2v_phrase_counter *pc = ctx;
    if (w2v_counter_add_pending(pc->counter, key) != 0) return;
    if (key->role == COUNT_LAST_KEY) w2v_counter_prune_if_full(pc->counter);
}

/* word2phrase counts the pair across a line end too (its `start` flag is
 * cleared before it is read), so the line end is not a token here. The
 * first word of the text starts no pair: word2phrase reads an uninitialised
 * buffer there.  Keys go through the look-ahead queue, which counts them in
 * the order pushed: the word, then its pair. */
static void count_word(void *ctx, const unsigned char *word, size_t len) {
    w2v_phrase_counter *pc = ctx;
    if (pc->counter->failed) return;
    pc->train_words++;
    if (!pc->first.have_first) remember_first(&pc->first, word, len);
    size_t key_len = pair_with(&pc->pair, word, len);
    w2v_lookahead_push(&pc->lookahead, pc->counter, word, len,
                       key_len > 0 ? COUNT_KEY : COUNT_LAST_KEY, count_pending_key, pc);
    if (key_len > 0)
        w2v_lookahead_push(&pc->lookahead, pc->counter, pc->pair.bytes, key_len, COUNT_LAST_KEY,
                           count_pending_key, pc);
    remember_first(&pc->pair, word, len);
}

static void line_end_counts_nothing(void *ctx) { (void)ctx; }

int w2v_phrase_count(w2v_phrase_counter *pc, const unsigned char *data, size_t n) {
    w2v_tokenize_lines(&pc->tokenizer, data, n, count_word, line_end_counts_nothing, pc);
    w2v_lookahead_drain(&pc->lookahead, count_pending_key, pc);
    return pc->counter->failed ? -1 : 0;
}

int w2v_phrase_count_finish(w2v_phrase_counter *pc) {
    w2v_tokenize_finish(&pc->tokenizer, count_word, pc);
    w2v_lookahead_drain(&pc->lookahead, count_pending_key, pc);
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
    w->pair_count = -1;
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
static int64_t kept_count(const w2v_phrase_writer *w, const w2v_pending_token *key) {
    int64_t entry = w2v_counter_find(w->counts, key);
    if (entry < 0) return -1;
    int64_t count = w->counts->entries[entry].count;
    return count >= w->min_count ? count : -1;
}

/* What a key in the rewrite queue stands for.  Each word queues the pair it
 * ends (when a word came before it), then itself; the word is written when
 * it is resolved, with the pair's count already known. */
enum { REWRITE_PAIR, REWRITE_WORD, REWRITE_LINE_END };

static void write_word(w2v_phrase_writer *w, const w2v_pending_token *key) {
    if (reserve(w, key->len + 1) != 0) return;
    int64_t count = kept_count(w, key);
    float score = 0;
    if (w->previous_count >= 0 && count >= 0 && w->pair_count >= 0)
        score = w2v_phrase_score(w->pair_count, w->previous_count, count, w->min_count,
                                 w->train_words);
    /* a joined word starts no pair: one pass never chains three words */
    int joined = score > w->threshold;
    w->out[w->out_len++] = joined ? '_' : ' ';
    w->pairs_joined += joined;
    memcpy(w->out + w->out_len, key->word, key->len);
    w->out_len += key->len;
    w->previous_count = joined ? -1 : count;
    w->pair_count = -1;
}

static void resolve_rewrite_key(void *ctx, const w2v_pending_token *key) {
    w2v_phrase_writer *w = ctx;
    if (w->failed) return;
    switch (key->role) {
    case REWRITE_PAIR:
        /* looked up even when the score will not need it: the queue cannot
         * know yet whether the word before was joined */
        w->pair_count = kept_count(w, key);
        break;
    case REWRITE_WORD:
        write_word(w, key);
        break;
    default:
        if (reserve(w, 1) != 0) return;
        w->out[w->out_len++] = '\n';
        w->previous_count = -1;
    }
}

static void queue_word(void *ctx, const unsigned char *word, size_t len) {
    w2v_phrase_writer *w = ctx;
    size_t key_len = pair_with(&w->pair, word, len);
    if (key_len > 0)
        w2v_lookahead_push(&w->lookahead, w->counts, w->pair.bytes, key_len, REWRITE_PAIR,
                           resolve_rewrite_key, w);
    w2v_lookahead_push(&w->lookahead, w->counts, word, len, REWRITE_WORD, resolve_rewrite_key, w);
    remember_first(&w->pair, word, len);
}

static void queue_line_end(void *ctx) {
    w2v_phrase_writer *w = ctx;
    w2v_lookahead_push(&w->lookahead, w->counts, NULL, 0, REWRITE_LINE_END,
                       resolve_rewrite_key, w);
}

int w2v_phrase_rewrite(w2v_phrase_writer *w, const unsigned char *data, size_t n) {
    w2v_tokenize_lines(&w->tokenizer, data, n, queue_word, queue_line_end, w);
    w2v_lookahead_drain(&w->lookahead, resolve_rewrite_key, w);
    return w->failed ? -1 : 0;
}

int w2v_phrase_rewrite_finish(w2v_phrase_writer *w) {
    w2v_tokenize_finish(&w->tokenizer, queue_word, w);
    w2v_lookahead_drain(&w->lookahead, resolve_rewrite_key, w);
    return w->failed ? -1 : 0;
}
