# word2phrase: counting words and pairs, then joining the pairs that score
# above a threshold.  Included by _core.pyx.
from phrases cimport *


cdef class PhraseCounter:
    """word2phrase's counting pass: words and "a_b" pair keys into one
    WordCounter (pruned as ReduceVocab), fed in chunks."""
    cdef w2v_phrase_counter pc
    cdef readonly WordCounter table

    def __cinit__(self, WordCounter table):
        self.table = table
        w2v_phrase_counter_init(&self.pc, table.counter)

    def feed(self, const unsigned char[::1] data):
        cdef int rc = 0
        if data.shape[0] == 0:
            return
        with nogil:
            rc = w2v_phrase_count(&self.pc, &data[0], data.shape[0])
        if rc != 0:
            raise MemoryError("out of memory while counting words and pairs")

    def finish(self):
        if w2v_phrase_count_finish(&self.pc) != 0:
            raise MemoryError("out of memory while counting words and pairs")

    @property
    def train_words(self):
        return self.pc.train_words

    @property
    def first_word(self):
        """The first word counted (bytes, as the tokenizer cut it), or None."""
        return _pair_key_word(&self.pc.first)

    @property
    def last_word(self):
        """The last word counted, or None: a text counted in pieces pairs
        it with the next piece's first word."""
        return _pair_key_word(&self.pc.pair)


cdef object _pair_key_word(w2v_pair_key *key):
    if not key.have_first:
        return None
    return (<const char *>key.bytes)[:key.first_len]


cdef class PhraseWriter:
    """word2phrase's rewrite: text in, text with the pairs that score above
    the threshold joined by '_' out, chunk by chunk."""
    cdef w2v_phrase_writer w
    cdef readonly WordCounter table

    def __cinit__(self, WordCounter table, int64_t min_count, float threshold,
                  int64_t train_words):
        self.table = table
        w2v_phrase_writer_init(&self.w, table.counter, min_count, threshold, train_words)

    def __dealloc__(self):
        w2v_phrase_writer_release(&self.w)

    cdef bytes _take(self, int rc):
        if rc != 0:
            raise MemoryError("out of memory while writing phrases")
        out = (<char *>self.w.out)[:self.w.out_len] if self.w.out_len else b""
        self.w.out_len = 0
        return out

    def feed(self, const unsigned char[::1] data):
        cdef int rc = 0
        if data.shape[0] == 0:
            return b""
        with nogil:
            rc = w2v_phrase_rewrite(&self.w, &data[0], data.shape[0])
        return self._take(rc)

    def finish(self):
        return self._take(w2v_phrase_rewrite_finish(&self.w))

    @property
    def pairs_joined(self):
        return self.w.pairs_joined


def phrase_score(int64_t pair_count, int64_t first_count, int64_t second_count,
                 int64_t min_count, float train_words):
    """word2phrase's score in its float arithmetic (for the tests)."""
    return w2v_phrase_score(pair_count, first_count, second_count, min_count, train_words)
