# What unigram_table.h gives the binding: negative sampling's noise table,
# flat (word2vec.c's) or as one run per word.
from libc.stdint cimport int32_t, int64_t

cdef extern from "unigram_table.h":
    ctypedef struct w2v_unigram_table:
        int64_t table_size
        int64_t vocab_size
        int64_t *run_start
    void w2v_unigram_table_build(const int64_t *counts, int64_t vocab_size, double power,
                                 int32_t *table, int64_t table_size) nogil
    int w2v_unigram_runs_build(const int64_t *counts, int64_t vocab_size, double power,
                               int64_t table_size, w2v_unigram_table *out) nogil
    void w2v_unigram_runs_free(w2v_unigram_table *t) nogil
    int64_t w2v_unigram_lookup(const w2v_unigram_table *t, int64_t index) nogil
