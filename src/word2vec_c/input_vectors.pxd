# What input_vectors.h gives the binding: syn0 as word2vec.c's InitNet fills it.
from libc.stdint cimport int32_t, int64_t, uint64_t

cdef extern from "input_vectors.h":
    int w2v_init_input_vectors(float *syn0, int64_t vocab_size, int64_t size,
                               uint64_t init_seed, const int32_t *stop) nogil
