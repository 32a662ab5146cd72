# What huffman.h gives the binding: word2vec.c's Huffman tree.
from libc.stdint cimport int32_t, int64_t, uint8_t

cdef extern from "huffman.h":
    ctypedef struct w2v_huffman:
        int64_t vocab_size
        int64_t *code_offsets
        uint8_t *codes
        int32_t *points
    int w2v_huffman_build(const int64_t *counts, int64_t vocab_size, w2v_huffman *out,
                          const int32_t *stop) nogil
    void w2v_huffman_free(w2v_huffman *tree) nogil
