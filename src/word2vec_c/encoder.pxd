# What encoder.h gives the binding: text to vocabulary ids.
from libc.stdint cimport int32_t, int64_t

from vocab_counter cimport w2v_vocab_counter

cdef extern from "encoder.h":
    ctypedef struct w2v_encoder:
        int64_t skipped
    void w2v_encoder_init(w2v_encoder *enc, const w2v_vocab_counter *counter,
                          const int32_t *remap) nogil
    int64_t w2v_encoder_feed(w2v_encoder *enc, const unsigned char *data, size_t n,
                             int32_t *out) nogil
    int64_t w2v_encoder_finish(w2v_encoder *enc, int32_t *out) nogil
