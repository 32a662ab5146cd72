# Text as word2vec.c reads it and as a file would hold it: the tokenizer, and
# Python sentences joined into a file's bytes.  Included by _core.pyx.
from tokenizer cimport (W2V_MAX_WORD_BYTES, w2v_token_fn, w2v_tokenize, w2v_tokenize_finish,
                        w2v_tokenizer, w2v_tokenizer_init)

MAX_WORD_BYTES = W2V_MAX_WORD_BYTES


cdef void _collect_token(void *ctx, const unsigned char *word, size_t len) noexcept:
    (<list>ctx).append((<const char *>word)[:len])


def tokenize(const unsigned char[::1] data):
    """All tokens of a complete text, as word2vec.c reads them (newline = b"</s>")."""
    cdef w2v_tokenizer tok
    cdef list out = []
    w2v_tokenizer_init(&tok)
    if data.shape[0]:
        w2v_tokenize(&tok, &data[0], data.shape[0], _collect_token, <void *>out)
    w2v_tokenize_finish(&tok, _collect_token, <void *>out)
    return out



cdef extern from "Python.h":
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL


cdef class _TextBuffer:
    """A growing C buffer of bytes (freed with the object)."""
    cdef char *data
    cdef Py_ssize_t used, capacity

    def __cinit__(self):
        self.capacity = 1 << 16
        self.used = 0
        self.data = <char *>malloc(self.capacity)
        if self.data == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)

    cdef int reserve(self, Py_ssize_t more) except -1:
        cdef char *grown
        if self.used + more <= self.capacity:
            return 0
        while self.used + more > self.capacity:
            self.capacity *= 2
        grown = <char *>realloc(self.data, self.capacity)
        if grown == NULL:
            raise MemoryError()
        self.data = grown
        return 0


cdef inline bint _is_separator(char c) noexcept nogil:
    return c == b' ' or c == b'\t' or c == b'\n' or c == b'\r'


cdef inline bint _is_unwritable(char c) noexcept nogil:
    """A byte no word of a word2vec file can hold: a separator, or NUL, where
    word2vec.c's C strings would cut the word."""
    return _is_separator(c) or c == 0


def join_sentences(list sentences):
    """The sentences (each a sequence of str tokens) as the text a file would
    hold: tokens joined by spaces, one sentence per line, in UTF-8 (lone
    surrogates as ``surrogateescape`` bytes).  None when a sentence or a token
    is not what a file could hold (the caller finds and names it): a str or
    bytes sentence, a non-str token, an empty token or one with a space, tab,
    line break or NUL in it."""
    cdef _TextBuffer out = _TextBuffer()
    cdef Py_ssize_t i, k, size
    cdef const char *text
    cdef bytes encoded
    cdef list items
    for sentence in sentences:
        if type(sentence) is list:
            items = <list>sentence
        elif isinstance(sentence, (str, bytes, bytearray)):
            return None
        else:
            try:
                items = list(sentence)
            except TypeError:
                return None
        for i in range(len(items)):
            token = items[i]
            if not PyUnicode_Check(token):
                return None
            try:
                text = PyUnicode_AsUTF8AndSize(token, &size)
            except UnicodeEncodeError:
                encoded = (<str>token).encode("utf-8", "surrogateescape")
                text = encoded
                size = len(encoded)
            if size == 0:
                return None
            out.reserve(size + 1)
            for k in range(size):
                if _is_unwritable(text[k]):
                    return None
                out.data[out.used + k] = text[k]
            out.used += size
            out.data[out.used] = b' '
            out.used += 1
        if len(items):
            out.data[out.used - 1] = b'\n'
        else:
            out.reserve(1)
            out.data[out.used] = b'\n'
            out.used += 1
    return PyBytes_FromStringAndSize(out.data, out.used)
