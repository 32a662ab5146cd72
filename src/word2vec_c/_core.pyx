# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled core of w2vpy: the parts of word2vec.c that touch every word.

Python code fills plain arrays (vocabulary counts, Huffman codes, the unigram
table) with the GIL held; the training threads then run in C without it.
"""
# One extension module, w2vpy._core, in files by concern: each C unit's
# declarations are in the .pxd beside its header (trainer.pxd for trainer.h),
# cimported by the .pxi that binds it; the .pxi files are included below and
# share the imports here.
import errno

import numpy as np
cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset
from libc.stdlib cimport free, malloc, realloc
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_Check

cnp.import_array()


cdef const int32_t *_stop_flag(int32_t[::1] stop) except NULL:
    """The flag a long call polls (see w2vpy.system.interrupts); stop is int32[1]."""
    if stop.shape[0] != 1:
        raise ValueError("a stop flag is an int32 array of one element")
    return &stop[0]


include "_core_text.pxi"
include "_core_vocabulary.pxi"
include "_core_tables.pxi"
include "_core_training.pxi"
include "_core_vectors.pxi"
include "_core_phrases.pxi"
