#include "encoder.h"

void w2v_encoder_init(w2v_encoder *enc, const w2v_vocab_counter *counter, const int32_t *remap) {
    enc->counter = counter;
    enc->remap = remap;
    enc->out = NULL;
    enc->written = 0;
    enc->skipped = 0;
    w2v_tokenizer_init(&enc->tokenizer);
    enc->lookahead.first = 0;
    enc->lookahead.count = 0;
}

static void encode_pending_token(void *ctx, const w2v_pending_token *t) {
    w2v_encoder *enc = ctx;
    int64_t e = w2v_counter_find(enc->counter, t);
    int32_t id = e < 0 ? -1 : enc->remap[e];
    if (id < 0) {
        enc->skipped++;
        return;
    }
    enc->out[enc->written++] = id;
}

/* The tokenizer's callback while encoding. */
static void encode_token(void *ctx, const unsigned char *word, size_t len) {
    w2v_encoder *enc = ctx;
    w2v_lookahead_push(&enc->lookahead, enc->counter, word, len, 0, encode_pending_token, enc);
}

int64_t w2v_encoder_feed(w2v_encoder *enc, const unsigned char *data, size_t n, int32_t *out) {
    enc->out = out;
    enc->written = 0;
    w2v_tokenize(&enc->tokenizer, data, n, encode_token, enc);
    w2v_lookahead_drain(&enc->lookahead, encode_pending_token, enc);
    return enc->written;
}

int64_t w2v_encoder_finish(w2v_encoder *enc, int32_t *out) {
    enc->out = out;
    enc->written = 0;
    w2v_tokenize_finish(&enc->tokenizer, encode_token, enc);
    w2v_lookahead_drain(&enc->lookahead, encode_pending_token, enc);
    return enc->written;
}
