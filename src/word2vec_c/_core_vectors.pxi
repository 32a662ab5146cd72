# What is made of trained vectors: word2vec.c's classes (k-means) and its
# text and binary vector files.  Included by _core.pyx.
from kmeans cimport w2v_kmeans
from vector_text cimport W2V_TEXT_VALUE_BYTES, w2v_format_text_row


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
    memory, b"\\n"; in one C loop, since a Python loop per row would cost
    more than the rest of saving a model."""
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
