# What subsampling.h gives the binding: each word's keep threshold.
from libc.stdint cimport int64_t, uint32_t

cdef extern from "subsampling.h":
    void w2v_subsample_thresholds(const int64_t *counts, int64_t vocab_size, float sample,
                                  int64_t train_words, uint32_t *keep_threshold) nogil
