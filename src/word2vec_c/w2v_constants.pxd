# What w2v_constants.h (in w2vpy/include: the CUDA kernel includes it too)
# gives the binding: word2vec.c's sizes and its learning-rate schedule.
from libc.stdint cimport int64_t

cdef extern from "w2v_constants.h":
    enum: W2V_EXP_TABLE_SIZE
    int64_t W2V_UNIGRAM_TABLE_SIZE
    int W2V_MAX_SENTENCE_LENGTH
    float w2v_schedule_alpha(float starting_alpha, long long words_done,
                             long long total_words) nogil
    float w2v_schedule_alpha_floor(float starting_alpha, double floor, long long words_done,
                                   long long total_words) nogil
