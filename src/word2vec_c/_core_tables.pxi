# The tables made from the vocabulary before training (Huffman tree, noise
# table, subsampling thresholds, sigmoid table, the first input vectors) and
# the learning-rate schedule.  Included by _core.pyx.
from huffman cimport w2v_huffman, w2v_huffman_build, w2v_huffman_free
from input_vectors cimport w2v_init_input_vectors
from sigmoid_table cimport w2v_sigmoid_table_fill
from subsampling cimport w2v_subsample_thresholds
from unigram_table cimport (w2v_unigram_lookup, w2v_unigram_runs_build, w2v_unigram_runs_free,
                            w2v_unigram_table, w2v_unigram_table_build)
from w2v_constants cimport (W2V_EXP_TABLE_SIZE, W2V_MAX_SENTENCE_LENGTH, W2V_UNIGRAM_TABLE_SIZE,
                            w2v_schedule_alpha_floor)

MAX_SENTENCE_LENGTH = W2V_MAX_SENTENCE_LENGTH
UNIGRAM_TABLE_SIZE = W2V_UNIGRAM_TABLE_SIZE


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


def schedule_alpha(float starting_alpha, long long words_done, long long total_words,
                   double floor=-1.0):
    """word2vec.c's learning rate after words_done of total_words (the C
    core's and the CUDA kernel's function, for a driver's progress line);
    ``floor`` is min_alpha, word2vec.c's alpha * 1e-4 when negative."""
    return w2v_schedule_alpha_floor(starting_alpha, floor, words_done, total_words)


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



def subsample_thresholds(counts, float sample, int64_t train_words):
    cdef cnp.ndarray[int64_t, ndim=1, mode="c"] c = np.ascontiguousarray(counts, dtype=np.int64)
    out = np.empty(c.shape[0], dtype=np.uint32)
    cdef uint32_t[::1] o = out
    if c.shape[0]:
        w2v_subsample_thresholds(&c[0], c.shape[0], sample, train_words, &o[0])
    return out
