/* The second pass over a text: its tokens as final vocabulary ids, looked up
 * in the counter that counted them (used when the counting pass could not
 * record them: after pruning, or with -read-vocab). */
#ifndef W2V_ENCODER_H
#define W2V_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#include "tokenizer.h"
#include "vocab_counter.h"

/* Maps tokens to final vocabulary ids through remap (entry index
 * -> id, or -1 to drop).  Writes at most n + 1 ids to out per call. */
typedef struct {
    const w2v_vocab_counter *counter;
    const int32_t *remap;
    int32_t *out;
    int64_t written;
    int64_t skipped;  /* tokens outside the vocabulary, over every call */
    w2v_tokenizer tokenizer;
    w2v_lookahead lookahead;  /* tokens waiting to be encoded */
} w2v_encoder;

void w2v_encoder_init(w2v_encoder *enc, const w2v_vocab_counter *counter, const int32_t *remap);
int64_t w2v_encoder_feed(w2v_encoder *enc, const unsigned char *data, size_t n, int32_t *out);
int64_t w2v_encoder_finish(w2v_encoder *enc, int32_t *out);

#endif
