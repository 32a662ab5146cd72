# What trainer.h gives the binding: the training threads.  w2v_train_config
# is declared with the fields the binding sets or reads; the parameters are
# set by name (w2v_config_set_parameter), so trainer.h's W2V_PARAMETERS list
# is their one declaration (tests/test_binding.py holds this file to trainer.h).
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t

from unigram_table cimport w2v_unigram_table

cdef extern from "trainer.h":
    int W2V_HOT_MERGE_WORDS
    ctypedef struct w2v_train_config:
        float *syn0
        float *syn1
        float *syn1neg
        int64_t vocab_size
        const float *syn0_lockf
        const uint32_t *keep_threshold
        const int64_t *code_offsets
        const uint8_t *codes
        const int32_t *points
        const w2v_unigram_table *unigram_table
        const float *sigmoid_table
        # parameters the binding reads back (W2V_PARAMETERS sets them)
        int hs
        int negative
        int workers
        int compute_loss
        int64_t epochs
        float alpha
        double alpha_floor
        int64_t schedule_words
        int64_t words_before
        uint64_t *thread_random
        float *thread_alpha
        double *epoch_loss
        int64_t hot_hs_rows
        int64_t hot_ns_rows
        int corpus_fd
        int64_t corpus_tokens
    ctypedef struct w2v_trainer:
        pass
    int w2v_config_set_parameter(w2v_train_config *config, const char *name, int64_t integer,
                                 double real)
    w2v_trainer *w2v_trainer_start(const w2v_train_config *config) nogil
    int64_t w2v_trainer_words_done(const w2v_trainer *trainer) nogil
    float w2v_trainer_alpha(const w2v_trainer *trainer) nogil
    int64_t w2v_trainer_hot_merges(w2v_trainer *trainer) nogil
    int w2v_trainer_wait(w2v_trainer *trainer, double seconds) nogil
    void w2v_trainer_request_stop(w2v_trainer *trainer) nogil
    int w2v_trainer_join(w2v_trainer *trainer) nogil
