# What vocab_file.h gives the binding: the lines of a -read-vocab file.
from libc.stdint cimport int64_t

from vocab_counter cimport w2v_vocab_counter

cdef extern from "vocab_file.h":
    ctypedef enum w2v_vocab_line_status:
        W2V_VOCAB_LINE_OK
        W2V_VOCAB_LINE_NO_MEMORY
        W2V_VOCAB_LINE_FIELDS
        W2V_VOCAB_LINE_COUNT_NOT_DIGITS
        W2V_VOCAB_LINE_COUNT_TOO_LARGE
        W2V_VOCAB_LINE_WORD_TOO_LONG
        W2V_VOCAB_LINE_DUPLICATE
        W2V_VOCAB_LINE_TOTAL_TOO_LARGE
    ctypedef struct w2v_vocab_file_state:
        int64_t entries
        int64_t total
        size_t bad_line
    w2v_vocab_line_status w2v_vocab_file_feed(w2v_vocab_counter *counter,
                                              w2v_vocab_file_state *state,
                                              const unsigned char *data, size_t n) nogil
