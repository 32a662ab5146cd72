# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled core of w2vpy: the parts of word2vec.c that touch every word.

Python code fills plain arrays (vocabulary counts, Huffman codes, the unigram
table) with the GIL held; the training threads then run in C without it.
"""
import errno

import numpy as np
cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy
from libc.stdlib cimport free, malloc, realloc
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_Check

cnp.import_array()


cdef extern from "tokenizer.h":
    ctypedef struct w2v_tokenizer:
        pass
    ctypedef void (*w2v_token_fn)(void *ctx, const unsigned char *word, size_t len) noexcept
    int W2V_MAX_WORD_BYTES
    void w2v_tokenizer_init(w2v_tokenizer *tok) nogil
    void w2v_tokenize(w2v_tokenizer *tok, const unsigned char *data, size_t n,
                      w2v_token_fn emit, void *ctx) noexcept
    void w2v_tokenize_finish(w2v_tokenizer *tok, w2v_token_fn emit, void *ctx) noexcept


cdef extern from "vocab_counter.h":
    ctypedef struct w2v_counter_entry:
        int64_t count
    ctypedef struct w2v_vocab_counter:
        int64_t size
        w2v_counter_entry *entries
        unsigned char *arena
        int64_t prune_events
        int64_t pruned_words
        int64_t tokens
        int entries_valid
    size_t w2v_counter_key_length(const w2v_vocab_counter *c, int64_t entry) nogil
    const unsigned char *w2v_counter_key(const w2v_vocab_counter *c, int64_t entry) nogil
    w2v_vocab_counter *w2v_counter_new(int64_t max_words) nogil
    void w2v_counter_free(w2v_vocab_counter *counter) nogil
    int w2v_counter_feed(w2v_vocab_counter *counter, const unsigned char *data, size_t n) nogil
    int w2v_counter_finish(w2v_vocab_counter *counter) nogil
    int64_t w2v_counter_feed_recording(w2v_vocab_counter *counter, const unsigned char *data,
                                       size_t n, int32_t *entries) nogil
    int64_t w2v_counter_finish_recording(w2v_vocab_counter *counter, int32_t *entries) nogil
    int64_t w2v_counter_append(w2v_vocab_counter *counter, const unsigned char *word, size_t len,
                               int64_t count) nogil
    int64_t w2v_counter_key_bytes(const w2v_vocab_counter *counter, int64_t first) nogil
    void w2v_counter_pack_keys(const w2v_vocab_counter *counter, int64_t first,
                               unsigned char *keys, uint8_t *lengths) nogil
    int w2v_counter_adopt(w2v_vocab_counter *whole, const unsigned char *keys,
                          const uint8_t *lengths, int64_t n, int32_t *whole_entries) nogil
    int w2v_counter_absorb(w2v_vocab_counter *whole, const w2v_vocab_counter *part,
                           const int32_t *part_to_whole) nogil
    int64_t w2v_counter_count_of(const w2v_vocab_counter *counter, const unsigned char *key,
                                 size_t len) nogil

cdef extern from "phrases.h":
    ctypedef struct w2v_phrase_counter:
        int64_t train_words
    void w2v_phrase_counter_init(w2v_phrase_counter *pc, w2v_vocab_counter *counter) nogil
    int w2v_phrase_count(w2v_phrase_counter *pc, const unsigned char *data, size_t n) nogil
    int w2v_phrase_count_finish(w2v_phrase_counter *pc) nogil
    ctypedef struct w2v_phrase_writer:
        unsigned char *out
        size_t out_len
        int64_t pairs_joined
    void w2v_phrase_writer_init(w2v_phrase_writer *w, const w2v_vocab_counter *counts,
                                int64_t min_count, float threshold, int64_t train_words) nogil
    int w2v_phrase_rewrite(w2v_phrase_writer *w, const unsigned char *data, size_t n) nogil
    int w2v_phrase_rewrite_finish(w2v_phrase_writer *w) nogil
    void w2v_phrase_writer_release(w2v_phrase_writer *w) nogil
    float w2v_phrase_score(int64_t pair_count, int64_t first_count, int64_t second_count,
                           int64_t min_count, float train_words) nogil

cdef extern from "encoder.h":
    ctypedef struct w2v_encoder:
        int64_t skipped
    void w2v_encoder_init(w2v_encoder *enc, const w2v_vocab_counter *counter,
                          const int32_t *remap) nogil
    int64_t w2v_encoder_feed(w2v_encoder *enc, const unsigned char *data, size_t n,
                             int32_t *out) nogil
    int64_t w2v_encoder_finish(w2v_encoder *enc, int32_t *out) nogil


cdef extern from "vocab_file.h":
    ctypedef enum w2v_vocab_line_status:
        W2V_VOCAB_LINE_OK
        W2V_VOCAB_LINE_NO_MEMORY
        W2V_VOCAB_LINE_FIELDS
        W2V_VOCAB_LINE_COUNT_NOT_DIGITS
        W2V_VOCAB_LINE_COUNT_TOO_LARGE
        W2V_VOCAB_LINE_WORD_TOO_LONG
        W2V_VOCAB_LINE_DUPLICATE
        W2V_VOCAB_LINE_TOTAL_TOO_LARGE
    ctypedef struct w2v_vocab_file_state:
        int64_t entries
        int64_t total
        size_t bad_line
    w2v_vocab_line_status w2v_vocab_file_feed(w2v_vocab_counter *counter,
                                              w2v_vocab_file_state *state,
                                              const unsigned char *data, size_t n) nogil


cdef extern from "huffman.h":
    ctypedef struct w2v_huffman:
        int64_t vocab_size
        int64_t *code_offsets
        uint8_t *codes
        int32_t *points
    int w2v_huffman_build(const int64_t *counts, int64_t vocab_size, w2v_huffman *out,
                          const int32_t *stop) nogil
    void w2v_huffman_free(w2v_huffman *tree) nogil


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


cdef extern from "w2v_constants.h":
    enum: W2V_EXP_TABLE_SIZE
    int64_t W2V_UNIGRAM_TABLE_SIZE
    int W2V_MAX_SENTENCE_LENGTH
    float w2v_schedule_alpha(float starting_alpha, long long words_done,
                             long long total_words) nogil

cdef extern from "sigmoid_table.h":
    void w2v_sigmoid_table_fill(float *table) nogil


cdef extern from "input_vectors.h":
    int w2v_init_input_vectors(float *syn0, int64_t vocab_size, int64_t size,
                               uint64_t init_seed, const int32_t *stop) nogil


cdef extern from "subsampling.h":
    void w2v_subsample_thresholds(const int64_t *counts, int64_t vocab_size, float sample,
                                  int64_t train_words, uint32_t *keep_threshold) nogil


cdef extern from "kmeans.h":
    int w2v_kmeans(const float *vectors, int64_t vocab_size, int64_t size, int64_t classes,
                   int iterations, int32_t *assignment, const int32_t *stop) nogil


cdef extern from "vector_text.h":
    enum: W2V_TEXT_VALUE_BYTES
    size_t w2v_format_text_row(char *out, const float *row, int64_t size) nogil

cdef extern from "trainer.h":
    int W2V_HOT_MERGE_WORDS
    ctypedef struct w2v_train_config:
        float *syn0
        float *syn1
        float *syn1neg
        int64_t vocab_size
        const uint32_t *keep_threshold
        const int64_t *code_offsets
        const uint8_t *codes
        const int32_t *points
        const w2v_unigram_table *unigram_table
        const float *sigmoid_table
        int64_t vector_size
        int64_t window
        double sample
        int hs
        int negative
        int workers
        int64_t epochs
        float alpha
        int sg
        int cbow_mean
        int sequential_dot
        int compute_loss
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
    w2v_trainer *w2v_trainer_start(const w2v_train_config *config) nogil
    int64_t w2v_trainer_words_done(const w2v_trainer *trainer) nogil
    float w2v_trainer_alpha(const w2v_trainer *trainer) nogil
    int64_t w2v_trainer_hot_merges(w2v_trainer *trainer) nogil
    int w2v_trainer_wait(w2v_trainer *trainer, double seconds) nogil
    void w2v_trainer_request_stop(w2v_trainer *trainer) nogil
    int w2v_trainer_join(w2v_trainer *trainer) nogil



MAX_WORD_BYTES = W2V_MAX_WORD_BYTES
#: what VocabFileReader.feed reports, by name
VOCAB_LINE_STATUS = {
    "no memory": W2V_VOCAB_LINE_NO_MEMORY, "fields": W2V_VOCAB_LINE_FIELDS,
    "count not digits": W2V_VOCAB_LINE_COUNT_NOT_DIGITS,
    "count too large": W2V_VOCAB_LINE_COUNT_TOO_LARGE,
    "word too long": W2V_VOCAB_LINE_WORD_TOO_LONG, "duplicate": W2V_VOCAB_LINE_DUPLICATE,
    "total too large": W2V_VOCAB_LINE_TOTAL_TOO_LARGE,
}
MAX_SENTENCE_LENGTH = W2V_MAX_SENTENCE_LENGTH
UNIGRAM_TABLE_SIZE = W2V_UNIGRAM_TABLE_SIZE
HOT_MERGE_WORDS = W2V_HOT_MERGE_WORDS


# ---- tokenizer ---------------------------------------------------------------

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


# ---- vocabulary counting -----------------------------------------------------

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


cdef object _token_ids_buffer(Py_ssize_t chunk_bytes):
    """Room for the ids of the tokens a chunk ends: at most one per byte, plus
    the word carried over from the previous chunk (and one spare)."""
    return np.empty(chunk_bytes + 2, dtype=np.int32)


def _part_map(part_to_whole, int64_t size):
    """part_to_whole with room for size entries, the new ones -1."""
    if part_to_whole.shape[0] >= size:
        return part_to_whole
    grown = np.full(max(size, 2 * part_to_whole.shape[0]), -1, dtype=np.int32)
    grown[:part_to_whole.shape[0]] = part_to_whole
    return grown


cdef class WordCounter:
    """Counts the words of a text fed in chunks, in first-seen order, pruning
    as word2vec.c's ReduceVocab when there are more than max_words of them."""
    cdef w2v_vocab_counter *counter

    def __cinit__(self, int64_t max_words):
        if max_words < 1:
            raise ValueError(f"max_words must be at least 1, got {max_words}")
        self.counter = w2v_counter_new(max_words)
        if self.counter == NULL:
            raise MemoryError("cannot allocate the vocabulary counter")

    def __dealloc__(self):
        w2v_counter_free(self.counter)

    def feed(self, const unsigned char[::1] data):
        cdef int rc = 0
        if data.shape[0] == 0:
            return
        with nogil:
            rc = w2v_counter_feed(self.counter, &data[0], data.shape[0])
        if rc != 0:
            raise MemoryError("out of memory while counting words")

    def finish(self):
        if w2v_counter_finish(self.counter) != 0:
            raise MemoryError("out of memory while counting words")

    def feed_recording(self, const unsigned char[::1] data):
        """Count a chunk and return the entry index of each token it ends
        (int32), so that encoding needs no second pass over the text."""
        out = _token_ids_buffer(data.shape[0])
        cdef int32_t[::1] o = out
        cdef int64_t n = 0
        if data.shape[0] == 0:
            return out[:0]
        with nogil:
            n = w2v_counter_feed_recording(self.counter, &data[0], data.shape[0], &o[0])
        if n < 0:
            raise MemoryError("out of memory while counting words")
        return out[:n]

    def finish_recording(self):
        out = _token_ids_buffer(0)
        cdef int32_t[::1] o = out
        cdef int64_t n = w2v_counter_finish_recording(self.counter, &o[0])
        if n < 0:
            raise MemoryError("out of memory while counting words")
        return out[:n]

    def keys_since(self, int64_t first):
        """Counting in parallel (vocab_counter.h): the keys of the entries from
        first on, packed (bytearray) with their lengths (uint8), for adopt."""
        if not 0 <= first <= self.counter.size:
            raise ValueError(f"entry {first} outside the counter's {self.counter.size}")
        keys = bytearray(w2v_counter_key_bytes(self.counter, first))
        lengths = np.empty(self.counter.size - first, dtype=np.uint8)
        cdef unsigned char[::1] k = keys
        cdef uint8_t[::1] n = lengths
        if lengths.shape[0]:
            w2v_counter_pack_keys(self.counter, first, &k[0] if k.shape[0] else NULL, &n[0])
        return keys, lengths

    def adopt(self, const unsigned char[::1] keys, const uint8_t[::1] lengths, part_to_whole,
              int64_t first):
        """Counting in parallel: a part's keys_since(first) become this
        counter's entries, the new ones appended in order.  Returns
        part_to_whole (int32) grown to hold them, entries first on mapped."""
        cdef int64_t total = 0, n = lengths.shape[0]
        cdef Py_ssize_t i
        for i in range(n):
            total += lengths[i]
        if total != keys.shape[0]:
            raise ValueError(f"{keys.shape[0]} key bytes for lengths that sum to {total}")
        grown = _part_map(part_to_whole, first + n)
        cdef int32_t[::1] m = grown
        cdef int rc = 0
        if n:
            with nogil:
                rc = w2v_counter_adopt(self.counter, &keys[0] if total else NULL, &lengths[0], n,
                                       &m[first])
        if rc != 0:
            raise MemoryError("out of memory while counting words")
        return grown

    def absorb(self, WordCounter part, part_to_whole):
        """Adds part's counts and tokens, through adopt's map."""
        grown = _part_map(part_to_whole, part.counter.size)
        cdef int32_t[::1] m = grown
        if part.counter.size and w2v_counter_absorb(self.counter, part.counter, &m[0]) != 0:
            raise MemoryError("out of memory while counting words")

    def __len__(self):
        return self.counter.size

    @property
    def entries_valid(self):
        """False once pruning has renumbered the entries recorded so far."""
        return bool(self.counter.entries_valid)

    def count_of(self, bytes key):
        """The key's count, or -1 when it was never counted (or was pruned)."""
        return w2v_counter_count_of(self.counter, <const unsigned char *>key, len(key))

    def append(self, bytes word, int64_t count):
        """Add a word with a known count (for -read-vocab); False if present."""
        cdef int64_t rc = w2v_counter_append(self.counter, <const unsigned char *>word,
                                             len(word), count)
        if rc == -1:
            raise MemoryError("out of memory while reading the vocabulary")
        return rc != -2

    @property
    def tokens(self):
        return self.counter.tokens

    @property
    def prune_events(self):
        return self.counter.prune_events

    @property
    def pruned_words(self):
        return self.counter.pruned_words

    def words(self, entries=None):
        """The words of the given entries (all, in entry order, by default)."""
        cdef int64_t i
        cdef cnp.ndarray[int64_t, ndim=1, mode="c"] which
        if entries is None:
            entries = np.arange(self.counter.size, dtype=np.int64)
        which = np.ascontiguousarray(entries, dtype=np.int64)
        outside = (which < 0) | (which >= self.counter.size)
        if outside.any():
            raise IndexError(f"entry {which[outside][0]} outside the counter's "
                             f"{self.counter.size}")
        return [(<const char *>w2v_counter_key(self.counter, i))[
                    :w2v_counter_key_length(self.counter, i)] for i in which]

    def counts(self):
        out = np.empty(self.counter.size, dtype=np.int64)
        cdef int64_t[::1] view = out
        cdef int64_t i
        for i in range(self.counter.size):
            view[i] = self.counter.entries[i].count
        return out


cdef class VocabFileReader:
    """Reads the lines of a -read-vocab file, fed in chunks of whole lines,
    into a WordCounter (see vocab_file.h)."""
    cdef w2v_vocab_file_state state
    cdef WordCounter counter

    def __cinit__(self, WordCounter counter):
        self.counter = counter
        self.state.entries = 0
        self.state.total = 0
        self.state.bad_line = 0

    def feed(self, const unsigned char[::1] data):
        """(status, byte offset of the offending line); status 0 is success."""
        cdef w2v_vocab_line_status status = W2V_VOCAB_LINE_OK
        if data.shape[0]:
            status = w2v_vocab_file_feed(self.counter.counter, &self.state, &data[0],
                                         data.shape[0])
        return int(status), self.state.bad_line

    @property
    def entries(self):
        return self.state.entries

    @property
    def total(self):
        return self.state.total


cdef class Encoder:
    """Second pass over the text: tokens to final vocabulary ids (OOV dropped)."""
    cdef w2v_encoder encoder
    cdef WordCounter counter
    cdef object remap

    def __cinit__(self, WordCounter counter, remap):
        self.counter = counter
        self.remap = np.ascontiguousarray(remap, dtype=np.int32)
        if self.remap.shape[0] != counter.counter.size:
            raise ValueError("remap must have one entry per counted word")
        cdef int32_t[::1] r = self.remap
        w2v_encoder_init(&self.encoder, counter.counter, &r[0] if r.shape[0] else NULL)

    def feed(self, const unsigned char[::1] data):
        out = _token_ids_buffer(data.shape[0])
        cdef int32_t[::1] o = out
        cdef int64_t n = 0
        if data.shape[0] == 0:
            return out[:0]
        with nogil:
            n = w2v_encoder_feed(&self.encoder, &data[0], data.shape[0], &o[0])
        return out[:n]

    def finish(self):
        out = _token_ids_buffer(0)
        cdef int32_t[::1] o = out
        cdef int64_t n = w2v_encoder_finish(&self.encoder, &o[0])
        return out[:n]

    @property
    def skipped(self):
        """Tokens fed so far that are not in the vocabulary."""
        return self.encoder.skipped


# ---- tables ------------------------------------------------------------------

cdef const int32_t *_stop_flag(int32_t[::1] stop) except NULL:
    """The flag a long call polls (see w2vpy.interrupts); stop is int32[1]."""
    if stop.shape[0] != 1:
        raise ValueError("a stop flag is an int32 array of one element")
    return &stop[0]


def huffman_tree(counts, int32_t[::1] stop):
    """(code_offsets, codes, points) of word2vec.c's Huffman tree; None if
    stopped through ``stop``."""
    cdef cnp.ndarray[int64_t, ndim=1, mode="c"] c = np.ascontiguousarray(counts, dtype=np.int64)
    cdef w2v_huffman tree
    cdef int64_t V = c.shape[0]
    cdef const int32_t *flag = _stop_flag(stop)
    cdef int rc = 0
    if V < 2:
        raise ValueError(f"a Huffman tree needs at least 2 words, got {V}")
    with nogil:
        rc = w2v_huffman_build(&c[0], V, &tree, flag)
    if rc == -2:
        return None
    if rc != 0:
        raise MemoryError("out of memory building the Huffman tree")
    try:
        total = tree.code_offsets[V]
        offsets = np.empty(V + 1, dtype=np.int64)
        codes = np.empty(total, dtype=np.uint8)
        points = np.empty(total, dtype=np.int32)
        memcpy(cnp.PyArray_DATA(offsets), tree.code_offsets, (V + 1) * sizeof(int64_t))
        memcpy(cnp.PyArray_DATA(codes), tree.codes, total * sizeof(uint8_t))
        memcpy(cnp.PyArray_DATA(points), tree.points, total * sizeof(int32_t))
    finally:
        w2v_huffman_free(&tree)
    return offsets, codes, points


def unigram_table(counts, int64_t table_size=W2V_UNIGRAM_TABLE_SIZE, double power=0.75):
    cdef cnp.ndarray[int64_t, ndim=1, mode="c"] c = np.ascontiguousarray(counts, dtype=np.int64)
    if c.shape[0] < 1 or table_size < 1:
        raise ValueError("the unigram table needs a vocabulary and a positive size")
    table = np.empty(table_size, dtype=np.int32)
    cdef int32_t[::1] t = table
    with nogil:
        w2v_unigram_table_build(&c[0], c.shape[0], power, &t[0], table_size)
    return table


cdef class NoiseTable:
    """word2vec.c's unigram table in compact form: identical entries, stored
    as one run per word (see unigram_table.h)."""
    cdef w2v_unigram_table table

    def __cinit__(self, counts, int64_t table_size=W2V_UNIGRAM_TABLE_SIZE, double power=0.75):
        cdef cnp.ndarray[int64_t, ndim=1, mode="c"] c = np.ascontiguousarray(counts, dtype=np.int64)
        if c.shape[0] < 1 or table_size < 1:
            raise ValueError("the unigram table needs a vocabulary and a positive size")
        self.table.run_start = NULL
        with nogil:
            rc = w2v_unigram_runs_build(&c[0], c.shape[0], power, table_size, &self.table)
        if rc == -2:
            raise ValueError("all counts are zero: the unigram table is empty")
        if rc != 0:
            raise MemoryError("out of memory building the unigram table")

    def __dealloc__(self):
        w2v_unigram_runs_free(&self.table)

    @property
    def table_size(self):
        return self.table.table_size

    def run_lengths(self):
        """Entries per word (how often each word is drawn, out of table_size)."""
        starts = np.empty(self.table.vocab_size + 1, dtype=np.int64)
        memcpy(cnp.PyArray_DATA(starts), self.table.run_start,
               (self.table.vocab_size + 1) * sizeof(int64_t))
        return np.diff(starts)

    def lookup(self, indices):
        cdef cnp.ndarray[int64_t, ndim=1, mode="c"] idx = np.ascontiguousarray(indices, dtype=np.int64)
        out = np.empty(idx.shape[0], dtype=np.int64)
        cdef int64_t[::1] o = out
        cdef Py_ssize_t i
        for i in range(idx.shape[0]):
            if idx[i] < 0 or idx[i] >= self.table.table_size:
                raise IndexError(f"index {idx[i]} outside the table of {self.table.table_size}")
            o[i] = w2v_unigram_lookup(&self.table, idx[i])
        return out


def schedule_alpha(float starting_alpha, long long words_done, long long total_words):
    """word2vec.c's learning rate after words_done of total_words (the C
    core's and the CUDA kernel's function, for a driver's progress line)."""
    return w2v_schedule_alpha(starting_alpha, words_done, total_words)


def sigmoid_table():
    table = np.empty(W2V_EXP_TABLE_SIZE, dtype=np.float32)
    cdef float[::1] t = table
    w2v_sigmoid_table_fill(&t[0])
    return table


def init_input_vectors(int64_t vocab_size, int64_t size, uint64_t init_seed, int32_t[::1] stop):
    """syn0 as word2vec.c's InitNet fills it; None if stopped through ``stop``."""
    out = np.empty((vocab_size, size), dtype=np.float32)
    cdef float[:, ::1] o = out
    cdef const int32_t *flag = _stop_flag(stop)
    cdef int rc = 0
    if vocab_size and size:
        with nogil:
            rc = w2v_init_input_vectors(&o[0, 0], vocab_size, size, init_seed, flag)
    return None if rc else out


def remap_entries(int32_t[::1] entries, const int32_t[::1] remap):
    """Counter entries to vocabulary ids, in place: each entry e becomes
    remap[e], and those mapped to -1 (outside the vocabulary) are dropped.
    Returns how many ids are kept, at the front."""
    cdef Py_ssize_t i, n = entries.shape[0], kept = 0, outside = -1
    cdef int64_t m = remap.shape[0]
    cdef int32_t entry, word_id
    with nogil:
        for i in range(n):
            entry = entries[i]
            if entry < 0 or entry >= m:
                outside = i
                break
            word_id = remap[entry]
            if word_id >= 0:
                entries[kept] = word_id
                kept += 1
    if outside >= 0:
        raise IndexError(f"entry {entries[outside]} outside the counter's {m}")
    return kept


def subsample_thresholds(counts, float sample, int64_t train_words):
    cdef cnp.ndarray[int64_t, ndim=1, mode="c"] c = np.ascontiguousarray(counts, dtype=np.int64)
    out = np.empty(c.shape[0], dtype=np.uint32)
    cdef uint32_t[::1] o = out
    if c.shape[0]:
        w2v_subsample_thresholds(&c[0], c.shape[0], sample, train_words, &o[0])
    return out


def kmeans(vectors, int64_t classes, int iterations, int32_t[::1] stop):
    """word2vec.c's -classes; None if stopped through ``stop``."""
    cdef cnp.ndarray[float, ndim=2, mode="c"] v = np.ascontiguousarray(vectors, dtype=np.float32)
    cdef int64_t V = v.shape[0], size = v.shape[1]
    if classes < 1:
        raise ValueError(f"classes must be at least 1, got {classes}")
    out = np.empty(V, dtype=np.int32)
    cdef int32_t[::1] o = out
    cdef const int32_t *flag = _stop_flag(stop)
    cdef int rc = 0
    if V == 0:
        return out
    with nogil:
        rc = w2v_kmeans(&v[0, 0], V, size, classes, iterations, &o[0], flag)
    if rc == -1:
        raise MemoryError("out of memory in k-means")
    return None if rc else out


# ---- text output ---------------------------------------------------------------

def format_text_rows(list words, vectors):
    """word2vec.c's text lines: b"word " then the row (vector_text.h), then b"\\n"."""
    cdef cnp.ndarray[float, ndim=2, mode="c"] v = np.ascontiguousarray(vectors, dtype=np.float32)
    cdef Py_ssize_t i, n = v.shape[0], size = v.shape[1]
    cdef bytearray row_text = bytearray(size * W2V_TEXT_VALUE_BYTES)
    cdef char *buf = row_text
    cdef size_t k
    cdef bytearray out = bytearray()
    for i in range(n):
        out += words[i]
        out += b" "
        k = w2v_format_text_row(buf, &v[i, 0], size) if size else 0
        out += buf[:k]
        out += b"\n"
    return bytes(out)



def format_binary_rows(list words, vectors):
    """word2vec.c's binary rows: b"word ", the row's float32s as they lie in
    memory, b"\\n"; one C loop, since a Python one per row was most of the
    time of saving a model (bench/HISTORY.md)."""
    cdef cnp.ndarray[float, ndim=2, mode="c"] v = np.ascontiguousarray(vectors, dtype=np.float32)
    cdef Py_ssize_t i, k, n = v.shape[0], at = 0, total = 0
    cdef Py_ssize_t row_bytes = v.shape[1] * sizeof(float)
    cdef bytes word
    if len(words) != n:
        raise ValueError(f"{len(words)} words but {n} rows")
    for i in range(n):
        total += len(<bytes>words[i]) + row_bytes + 2
    cdef bytes out = PyBytes_FromStringAndSize(NULL, total)
    cdef char *buf = out
    for i in range(n):
        word = words[i]
        k = len(word)
        memcpy(buf + at, <char *>word, k)
        buf[at + k] = b' '
        at += k + 1
        if row_bytes:
            memcpy(buf + at, &v[i, 0], row_bytes)
        at += row_bytes
        buf[at] = b'\n'
        at += 1
    return out


# ---- training ------------------------------------------------------------------

cdef void fill_training_config(w2v_train_config *c, params) except *:
    """The C config's parameters from a validated TrainingParams, field by
    field under the same names (gensim's init_w2v_config does the same)."""
    c.vector_size = params.vector_size
    c.window = params.window
    c.sample = params.sample
    c.hs = params.hs
    c.negative = params.negative
    c.workers = params.workers
    c.sg = params.sg
    c.cbow_mean = params.cbow_mean
    c.sequential_dot = params.sequential_dot
    c.compute_loss = params.compute_loss


cdef class TrainingRun:
    """One training run: holds every array the C threads read, so none can be
    freed while they run, and exposes their progress to the Python loop."""
    cdef w2v_train_config config
    cdef w2v_trainer *trainer
    cdef list keep_alive
    cdef float sigmoid[W2V_EXP_TABLE_SIZE]

    def __cinit__(self):
        self.trainer = NULL
        self.keep_alive = []
        w2v_sigmoid_table_fill(self.sigmoid)

    def __dealloc__(self):
        if self.trainer != NULL:
            w2v_trainer_request_stop(self.trainer)
            with nogil:
                w2v_trainer_join(self.trainer)
            self.trainer = NULL

    def start(self, params, *, syn0, syn1, syn1neg, keep_threshold, tree, noise_table,
              int64_t epochs, float schedule_alpha, int64_t schedule_words,
              int64_t words_before, thread_random, thread_alpha, epoch_loss,
              int corpus_fd, int64_t corpus_tokens, int64_t hot_hs_rows=0,
              int64_t hot_ns_rows=0):
        """Starts the threads on a validated TrainingParams and the tables made
        from the vocabulary (``tree``: a HuffmanTree when ``params.hs``) for
        ``epochs`` passes of a schedule (see trainer.h).  ``thread_random``
        (uint64) and ``thread_alpha`` (float32) hold one entry per worker and
        are updated in place; ``epoch_loss`` (float64, one per pass, zeroed)
        receives the losses when ``params.compute_loss``."""
        cdef float[:, ::1] s0 = syn0
        cdef float[:, ::1] s1
        cdef float[:, ::1] sn
        cdef uint32_t[::1] kt = keep_threshold
        cdef int64_t[::1] co
        cdef uint8_t[::1] cd
        cdef int32_t[::1] pt
        cdef NoiseTable noise
        cdef uint64_t[::1] randoms = thread_random
        cdef float[::1] alphas = thread_alpha
        cdef double[::1] losses
        cdef w2v_train_config *c = &self.config
        if self.trainer != NULL:
            raise RuntimeError("this run has already started")
        if randoms.shape[0] != params.workers or alphas.shape[0] != params.workers:
            raise ValueError("thread_random and thread_alpha need one entry per worker")
        self.keep_alive = [syn0, syn1, syn1neg, keep_threshold, tree, noise_table,
                           thread_random, thread_alpha, epoch_loss]
        fill_training_config(c, params)
        c.epochs = epochs
        c.alpha = schedule_alpha
        c.schedule_words = schedule_words
        c.words_before = words_before
        c.thread_random = &randoms[0]
        c.thread_alpha = &alphas[0]
        c.epoch_loss = NULL
        if c.compute_loss:
            losses = epoch_loss
            if losses.shape[0] < epochs:
                raise ValueError("epoch_loss needs one entry per pass")
            c.epoch_loss = &losses[0]
        c.syn0 = &s0[0, 0]
        c.vocab_size = s0.shape[0]
        c.syn1 = NULL
        c.syn1neg = NULL
        c.code_offsets = NULL
        c.codes = NULL
        c.points = NULL
        c.unigram_table = NULL
        if c.hs:
            s1 = syn1
            co = tree.code_offsets
            cd = tree.codes
            pt = tree.points
            c.syn1 = &s1[0, 0]
            c.code_offsets = &co[0]
            c.codes = &cd[0]
            c.points = &pt[0]
        if c.negative > 0:
            sn = syn1neg
            noise = noise_table
            c.syn1neg = &sn[0, 0]
            c.unigram_table = &noise.table
        c.keep_threshold = &kt[0]
        c.sigmoid_table = self.sigmoid
        c.hot_hs_rows = hot_hs_rows
        c.hot_ns_rows = hot_ns_rows
        c.corpus_fd = corpus_fd
        c.corpus_tokens = corpus_tokens
        self.trainer = w2v_trainer_start(&self.config)
        if self.trainer == NULL:
            raise OSError("cannot start the training threads")

    @property
    def words_done(self):
        return w2v_trainer_words_done(self.trainer) if self.trainer != NULL else 0

    @property
    def alpha(self):
        return w2v_trainer_alpha(self.trainer) if self.trainer != NULL else float("nan")

    @property
    def hot_merges(self):
        """Merges of the threads' private hot rows so far (hot_rows.h)."""
        return w2v_trainer_hot_merges(self.trainer) if self.trainer != NULL else 0

    def wait(self, double seconds):
        """Wait up to ``seconds`` for the threads to end; True once they have."""
        cdef int finished = 1
        if self.trainer != NULL:
            with nogil:
                finished = w2v_trainer_wait(self.trainer, seconds)
        return bool(finished)

    def request_stop(self):
        if self.trainer != NULL:
            w2v_trainer_request_stop(self.trainer)

    def join(self):
        """Wait for the threads; raises MemoryError if a thread could not
        allocate its buffers, OSError if a corpus read failed."""
        cdef int err = 0
        if self.trainer == NULL:
            return
        with nogil:
            err = w2v_trainer_join(self.trainer)
        self.trainer = NULL
        self.keep_alive = []
        if err == errno.ENOMEM:
            raise MemoryError("a training thread could not allocate its buffers and private "
                              "rows: lower the threads (workers) or the hot rows")
        if err:
            raise OSError(err, "reading the encoded corpus failed during training")


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
