# What vector_text.h gives the binding: one vector as word2vec.c's text line.
from libc.stdint cimport int64_t

cdef extern from "vector_text.h":
    enum: W2V_TEXT_VALUE_BYTES
    size_t w2v_format_text_row(char *out, const float *row, int64_t size) nogil
