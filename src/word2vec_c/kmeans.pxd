# What kmeans.h gives the binding: word2vec.c's -classes.
from libc.stdint cimport int32_t, int64_t

cdef extern from "kmeans.h":
    int w2v_kmeans(const float *vectors, int64_t vocab_size, int64_t size, int64_t classes,
                   int iterations, int32_t *assignment, const int32_t *stop) nogil
