# What phrases.h gives the binding: word2phrase's counting pass and rewrite.
from libc.stdint cimport int64_t

from vocab_counter cimport w2v_vocab_counter

cdef extern from "phrases.h":
    enum: W2V_MAX_KEY_BYTES
    ctypedef struct w2v_pair_key:
        unsigned char bytes[W2V_MAX_KEY_BYTES]
        size_t first_len
        int have_first
    ctypedef struct w2v_phrase_counter:
        int64_t train_words
        w2v_pair_key pair
        w2v_pair_key first
    void w2v_phrase_counter_init(w2v_phrase_counter *pc, w2v_vocab_counter *counter) nogil
    int w2v_phrase_count(w2v_phrase_counter *pc, const unsigned char *data, size_t n) nogil
    int w2v_phrase_count_finish(w2v_phrase_counter *pc) nogil
    ctypedef struct w2v_phrase_writer:
        unsigned char *out
        size_t out_len
        int64_t pairs_joined
    void w2v_phrase_writer_init(w2v_phrase_writer *w, const w2v_vocab_counter *counts,
                                int64_t min_count, float threshold, int64_t train_words) nogil
    int w2v_phrase_rewrite(w2v_phrase_writer *w, const unsigned char *data, size_t n) nogil
    int w2v_phrase_rewrite_finish(w2v_phrase_writer *w) nogil
    void w2v_phrase_writer_release(w2v_phrase_writer *w) nogil
    float w2v_phrase_score(int64_t pair_count, int64_t first_count, int64_t second_count,
                           int64_t min_count, float train_words) nogil
