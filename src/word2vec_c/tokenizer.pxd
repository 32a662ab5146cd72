# What tokenizer.h gives the binding: word2vec.c's ReadWord over a buffer.
cdef extern from "tokenizer.h":
    ctypedef struct w2v_tokenizer:
        pass
    ctypedef void (*w2v_token_fn)(void *ctx, const unsigned char *word, size_t len) noexcept
    int W2V_MAX_WORD_BYTES
    void w2v_tokenizer_init(w2v_tokenizer *tok) nogil
    void w2v_tokenize(w2v_tokenizer *tok, const unsigned char *data, size_t n,
                      w2v_token_fn emit, void *ctx) noexcept
    void w2v_tokenize_finish(w2v_tokenizer *tok, w2v_token_fn emit, void *ctx) noexcept
