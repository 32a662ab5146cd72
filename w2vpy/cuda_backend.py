"""Optional CUDA backend: the training loop as a cupy RawModule over
``w2vpy/cuda/w2v_kernels.cu``.

Vocabulary, Huffman tree, unigram table, subsampling thresholds and output are
the CPU path's; only the SGD loop runs on the GPU.  cupy is imported here and
nowhere else, so the CPU path never needs it.
"""
from __future__ import annotations

import time
from importlib import resources
from typing import Callable

import numpy as np

from w2vpy import _core
from w2vpy.encoded_corpus import read_ids
from w2vpy.errors import W2VError
from w2vpy.huffman import build_huffman_tree
from w2vpy.parameters import TrainingParams
from w2vpy.subsampling import keep_thresholds
from w2vpy.training import TrainedWeights, check_converged, initial_input_vectors
from w2vpy.unigram_table import build_unigram_table
from w2vpy.vocab import Vocabulary

KERNEL_FILE = "w2v_kernels.cu"
KERNEL_NAME = "w2v_train_sentences"
WARPS_PER_BLOCK = 4
MAX_VECTOR_SIZE = 512
#: ids moved to the GPU at a time; bounds host and device memory for any corpus
BATCH_TOKENS = 1 << 25


def kernel_source() -> str:
    return (resources.files("w2vpy") / "cuda" / KERNEL_FILE).read_text()


def kernel_options() -> tuple[str, ...]:
    """NVRTC's options: the kernel includes w2v_constants.h, the C core's."""
    include = resources.files("w2vpy") / "include"
    return ("-std=c++14", f"-I{include}")


def require_cuda():
    """cupy with a visible GPU, or a W2VError saying what is missing."""
    try:
        import cupy
    except ImportError:
        raise W2VError("the cuda backend needs cupy: pip install 'w2vpy[cuda]' "
                       "(or the cupy-cudaXXx wheel matching your CUDA)") from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # cupy raises CUDARuntimeError without a driver
        raise W2VError(f"the cuda backend found no usable CUDA GPU ({exc})") from None
    if count == 0:
        raise W2VError("the cuda backend found no CUDA GPU")
    return cupy


def sentence_bounds(ids: np.ndarray, max_sentence: int = _core.MAX_SENTENCE_LENGTH) -> np.ndarray:
    """Start offsets of the sentences in ``ids`` (plus a final end offset):
    a sentence ends after each ``</s>`` (id 0) and every ``max_sentence`` tokens."""
    n = len(ids)
    ends = np.flatnonzero(ids == 0) + 1
    seg_start = np.concatenate([[0], ends])
    seg_end = np.concatenate([ends, [n]])
    keep = seg_end > seg_start
    seg_start, seg_end = seg_start[keep], seg_end[keep]
    pieces = (seg_end - seg_start + max_sentence - 1) // max_sentence
    first_piece = np.cumsum(pieces) - pieces
    seg_of_piece = np.repeat(np.arange(len(seg_start)), pieces)
    offset = np.arange(int(pieces.sum())) - np.repeat(first_piece, pieces)
    starts = seg_start[seg_of_piece] + offset * max_sentence
    return np.concatenate([starts, [n]]).astype(np.int64)


def train_weights_cuda(vocab: Vocabulary, corpus_file, corpus_tokens: int,
                       params: TrainingParams,
                       progress: Callable[[int, float, bool], None] | None = None) -> TrainedWeights:
    cp = require_cuda()
    if params.vector_size > MAX_VECTOR_SIZE:
        raise W2VError(f"the cuda backend supports vector sizes up to {MAX_VECTOR_SIZE}, "
                       f"got {params.vector_size}")
    V, size = len(vocab), params.vector_size
    counts = vocab.counts
    module = cp.RawModule(code=kernel_source(), options=kernel_options())
    kernel = module.get_function(KERNEL_NAME)

    syn0 = cp.asarray(initial_input_vectors(vocab, params))
    syn1 = cp.zeros((V, size), dtype=cp.float32) if params.hs else cp.zeros(1, cp.float32)
    syn1neg = cp.zeros((V, size), dtype=cp.float32) if params.negative else cp.zeros(1, cp.float32)
    if params.hs:
        tree = build_huffman_tree(counts)
        code_offsets, codes, points = (cp.asarray(tree.code_offsets), cp.asarray(tree.codes),
                                       cp.asarray(tree.points))
    else:
        code_offsets = cp.zeros(1, cp.int64)
        codes = cp.zeros(1, cp.uint8)
        points = cp.zeros(1, cp.int32)
    if params.negative:
        table = cp.asarray(build_unigram_table(counts))
    else:
        table = cp.zeros(1, cp.int32)
    thresholds = cp.asarray(keep_thresholds(counts, params.sample, vocab.train_words))
    sigmoid = cp.asarray(_core.sigmoid_table())
    words_done = cp.zeros(1, dtype=cp.uint64)
    total_words = params.epochs * vocab.train_words
    started = time.perf_counter()
    fd = corpus_file.fileno()
    for epoch in range(params.epochs):
        for first in range(0, corpus_tokens, BATCH_TOKENS):
            count = min(BATCH_TOKENS, corpus_tokens - first)
            ids = read_ids(fd, first, count)
            bounds = sentence_bounds(ids)
            n_sentences = len(bounds) - 1
            if n_sentences == 0:
                continue
            grid = (n_sentences + WARPS_PER_BLOCK - 1) // WARPS_PER_BLOCK
            kernel((grid,), (32 * WARPS_PER_BLOCK,), (
                syn0, syn1, syn1neg, cp.asarray(ids), cp.asarray(bounds), np.int32(n_sentences),
                np.int64(first), thresholds, code_offsets, codes, points, table,
                np.int64(table.size if params.negative else 1), sigmoid, np.int32(V),
                np.int32(size), np.int32(params.window), np.int32(params.negative),
                np.int32(params.hs), np.int32(params.sg), np.int32(params.cbow_mean),
                np.float64(params.sample),
                np.float32(params.starting_alpha), np.int64(total_words), words_done,
                np.uint64(params.seed), np.int32(epoch)))
            # Synchronising per batch keeps Ctrl-C and progress responsive.
            cp.cuda.Device().synchronize()
            if progress is not None:
                done = int(words_done.get()[0])
                progress(done, _core.schedule_alpha(params.starting_alpha, done, total_words),
                         False)
    done = int(words_done.get()[0])
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(done, _core.schedule_alpha(params.starting_alpha, done, total_words), True)
    result = cp.asnumpy(syn0)
    check_converged(result, params)
    return TrainedWeights(result, None, None, seconds, done)
