#include "subsampling.h"

#include <math.h>

void w2v_subsample_thresholds(const int64_t *counts, int64_t vocab_size, float sample,
                              int64_t train_words, uint32_t *keep_threshold) {
    const float st = sample * train_words;
    for (int64_t w = 0; w < vocab_size; w++) {
        /* word2vec.c: discard iff ran < (r & 0xFFFF) / 65536.0f.  Scaling by
         * 65536 is exact in float, so that is r > floor(ran * 65536). */
        float ran = (float)((sqrt(counts[w] / st) + 1) * st / counts[w]);
        float scaled = ran * 65536.0f;
        if (!(scaled < 65536.0f)) keep_threshold[w] = 65536;  /* also NaN/inf */
        else keep_threshold[w] = (uint32_t)floorf(scaled);
    }
}
