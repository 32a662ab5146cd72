"""Optional CUDA backend: the training loop as a cupy RawModule over
``w2vpy/cuda/w2v_kernels.cu``.

Vocabulary, Huffman tree, unigram table, subsampling thresholds and output are
the CPU path's; only the SGD loop runs on the GPU.  cupy is imported here and
nowhere else, so the CPU path never needs it.
"""
from __future__ import annotations

import functools

import re
import time
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from w2vpy import _core
from w2vpy.text.word_ids import read_ids
from w2vpy.errors import W2VError
from w2vpy.training.huffman import build_huffman_tree
from w2vpy.parameters import TrainingParams
from w2vpy.training.subsampling import keep_thresholds
from w2vpy.training.weights import PassesTrained, check_converged, initial_input_vectors
from w2vpy.training.unigram_table import build_unigram_table
from w2vpy.text.vocab import Vocabulary

KERNEL_FILE = "w2v_kernels.cu"
KERNEL_NAME = "w2v_train_sentences"
WARPS_PER_BLOCK = 4
WARP_LANES = 32
MAX_VECTOR_SIZE = 512
#: the vector sizes the kernel is built for (w2v_lanes.h's W2V_MAX_VECTOR_SIZE):
#: the smallest that holds the model's size
KERNEL_VECTOR_SIZES = (128, 256, MAX_VECTOR_SIZE)
#: ids moved to the GPU at a time; bounds host and device memory for any corpus
BATCH_TOKENS = 1 << 25


def kernel_dir() -> Path:
    """Where the kernel and its lanes header (w2v_lanes.h) are shipped."""
    return Path(str(resources.files("w2vpy") / "cuda"))


def kernel_source() -> str:
    return (kernel_dir() / KERNEL_FILE).read_text()


def kernel_include_dirs() -> tuple[str, ...]:
    """The kernel includes w2v_constants.h (the C core's) and w2v_lanes.h."""
    return (str(resources.files("w2vpy") / "include"), str(kernel_dir()))


def kernel_vector_size(vector_size: int) -> int:
    """The kernel build for a model's vector size: the smallest that holds it."""
    return next(n for n in KERNEL_VECTOR_SIZES if vector_size <= n)


def kernel_options(max_vector_size: int = MAX_VECTOR_SIZE) -> tuple[str, ...]:
    """NVRTC's options, for the build that takes vectors up to ``max_vector_size``."""
    return ("-std=c++14", f"-DW2V_MAX_VECTOR_SIZE={max_vector_size}",
            *(f"-I{d}" for d in kernel_include_dirs()))


@dataclass(frozen=True)
class KernelParameter:
    name: str
    dtype: np.dtype
    #: an array (a pointer in C) rather than a scalar
    array: bool


#: the C types the kernel's signature uses, as numpy's
C_TYPES = {"float": np.float32, "double": np.float64, "int": np.int32, "long long": np.int64,
           "unsigned int": np.uint32, "unsigned char": np.uint8, "unsigned long long": np.uint64}


def kernel_signature(source: str | None = None) -> tuple[KernelParameter, ...]:
    """The entry point's parameters, read from the kernel's source: what
    every launch is checked against (check_kernel_arguments)."""
    source = kernel_source() if source is None else source
    found = re.search(rf"\bvoid\s+{KERNEL_NAME}\s*\(([^)]*)\)", source)
    if found is None:
        raise RuntimeError(f"{KERNEL_FILE} has no {KERNEL_NAME}")
    parameters = []
    for declaration in found.group(1).split(","):
        words = declaration.replace("*", " * ").split()
        name, array = words[-1], "*" in words
        c_type = " ".join(w for w in words[:-1] if w not in ("const", "__restrict__", "*"))
        parameters.append(KernelParameter(name, np.dtype(C_TYPES[c_type]), array))
    return tuple(parameters)


def check_kernel_arguments(signature: tuple[KernelParameter, ...], arguments: tuple) -> None:
    """A launch's arguments against the kernel's signature, in count and type:
    a wrong dtype is a TypeError here, never memory misread on the GPU."""
    if len(arguments) != len(signature):
        raise TypeError(f"{KERNEL_NAME} takes {len(signature)} arguments, got {len(arguments)}")
    for declared, value in zip(signature, arguments):
        is_array = hasattr(value, "__cuda_array_interface__") or isinstance(value, np.ndarray)
        dtype = getattr(value, "dtype", None)
        if declared.array != is_array or dtype != declared.dtype:
            kind = "array" if declared.array else "scalar"
            raise TypeError(f"{KERNEL_NAME} argument {declared.name}: expected a {declared.dtype} "
                            f"{kind}, got {type(value).__name__} of {dtype}")
        if is_array and not value.flags.c_contiguous:
            raise TypeError(f"{KERNEL_NAME} argument {declared.name}: not C-contiguous")


def require_cuda():
    """cupy with a visible GPU, or a W2VError saying what is missing."""
    try:
        import cupy
    except ImportError:
        raise W2VError("the cuda backend needs cupy: pip install 'w2vpy[cuda]' for CUDA 12 "
                       "or 'w2vpy[cuda13]' for CUDA 13") from None
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


class Kernel(Protocol):
    """Where the kernel runs: cupy on a GPU (CupyKernel), or the same source
    built for the host by the tests (tests/host_kernel.py)."""

    def to_device(self, array: np.ndarray): ...

    def to_host(self, array) -> np.ndarray: ...

    def launch(self, n_sentences: int, arguments: tuple) -> None:
        """Train the batch's sentences; returns when they are done."""


class CupyKernel:
    def __init__(self, max_vector_size: int = MAX_VECTOR_SIZE) -> None:
        self.cp = require_cuda()
        module = self.cp.RawModule(code=kernel_source(), options=kernel_options(max_vector_size))
        self.function = module.get_function(KERNEL_NAME)

    def to_device(self, array: np.ndarray):
        return self.cp.asarray(array)

    def to_host(self, array) -> np.ndarray:
        return self.cp.asnumpy(array)

    def launch(self, n_sentences: int, arguments: tuple) -> None:
        grid = (n_sentences + WARPS_PER_BLOCK - 1) // WARPS_PER_BLOCK
        self.function((grid,), (WARP_LANES * WARPS_PER_BLOCK,), arguments)
        # Synchronising per batch keeps Ctrl-C and progress responsive.
        self.cp.cuda.Device().synchronize()


@dataclass
class KernelArrays:
    """The weights, the tables and the word counter, as the kernel reads them
    (numpy arrays on the host, then the kernel's own); an absent table is one
    zero, so that every argument is a real array."""
    syn0: Any
    syn1: Any
    syn1neg: Any
    keep_threshold: Any
    code_offsets: Any
    codes: Any
    points: Any
    unigram_table: Any
    sigmoid_table: Any
    #: words every sentence so far started with: the schedule's clock
    words_done: Any

    def moved(self, kernel: Kernel) -> KernelArrays:
        return KernelArrays(**{f.name: kernel.to_device(getattr(self, f.name))
                               for f in fields(self)})


def kernel_arrays(vocab: Vocabulary, params: TrainingParams) -> KernelArrays:
    counts = vocab.counts
    syn0 = initial_input_vectors(vocab, params)
    absent = np.zeros(1, dtype=np.float32)
    if params.hs:
        tree = build_huffman_tree(counts)
        code_offsets, codes, points = tree.code_offsets, tree.codes, tree.points
    else:
        code_offsets, codes, points = (np.zeros(1, np.int64), np.zeros(1, np.uint8),
                                       np.zeros(1, np.int32))
    return KernelArrays(
        syn0=syn0,
        syn1=np.zeros_like(syn0) if params.hs else absent,
        syn1neg=np.zeros_like(syn0) if params.negative else absent,
        keep_threshold=keep_thresholds(counts, params.sample, vocab.train_words),
        code_offsets=code_offsets, codes=codes, points=points,
        unigram_table=(build_unigram_table(counts, power=params.ns_exponent) if params.negative
                       else np.zeros(1, np.int32)),
        sigmoid_table=_core.sigmoid_table(),
        words_done=np.zeros(1, dtype=np.uint64))


def kernel_arguments(arrays: KernelArrays, ids, sentence_starts, n_sentences: int,
                     first_token: int, params: TrainingParams, total_words: int,
                     epoch: int) -> tuple:
    """One launch's arguments, in the order of the kernel's signature, each
    found by its name: among the arrays, this launch's values, or else the
    TrainingParams field of that name, in the signature's C type (so a
    parameter the kernel takes needs no line here)."""
    launch = {**vars(arrays), "ids": ids, "sentence_starts": sentence_starts,
              "n_sentences": n_sentences, "first_token": first_token,
              "table_size": arrays.unigram_table.size, "vocab_size": len(arrays.syn0),
              "size": params.vector_size, "starting_alpha": params.starting_alpha,
              "total_words": total_words, "epoch": epoch}
    return tuple(_argument(p, launch[p.name] if p.name in launch else getattr(params, p.name))
                 for p in _signature())


@functools.lru_cache(maxsize=1)
def _signature() -> tuple[KernelParameter, ...]:
    return kernel_signature()


def _argument(parameter: KernelParameter, value: Any) -> Any:
    """An array as it is (check_kernel_arguments holds it to the signature), a
    scalar as the signature's C type."""
    return value if parameter.array else parameter.dtype.type(value)


def train_weights_cuda(vocab: Vocabulary, corpus_file, corpus_tokens: int,
                       params: TrainingParams,
                       progress: Callable[[int, float, bool], None] | None = None,
                       kernel: Kernel | None = None) -> tuple[np.ndarray, PassesTrained]:
    """Train on the encoded corpus with the kernel, a batch of ids at a time
    (on the GPU unless another Kernel is given)."""
    if params.vector_size > MAX_VECTOR_SIZE:
        raise W2VError(f"the cuda backend supports vector sizes up to {MAX_VECTOR_SIZE}, "
                       f"got {params.vector_size}")
    if params.batch_negatives:
        # the kernel trains word2vec.c's pairs; sharing negatives is the CPU threads' mode
        raise W2VError("batch_negatives=True (-batch-negatives 1) is a mode of the cpu backend: "
                       "the cuda backend trains word2vec.c's per-pair negatives")
    if kernel is None:
        kernel = CupyKernel(kernel_vector_size(params.vector_size))
    signature = kernel_signature()
    arrays = kernel_arrays(vocab, params).moved(kernel)
    total_words = params.epochs * vocab.train_words
    started = time.perf_counter()
    fd = corpus_file.fileno()
    for epoch in range(params.epochs):
        for first in range(0, corpus_tokens, BATCH_TOKENS):
            ids = read_ids(fd, first, min(BATCH_TOKENS, corpus_tokens - first))
            bounds = sentence_bounds(ids)
            n_sentences = len(bounds) - 1
            if n_sentences == 0:
                continue
            arguments = kernel_arguments(arrays, kernel.to_device(ids), kernel.to_device(bounds),
                                         n_sentences, first, params, total_words, epoch)
            check_kernel_arguments(signature, arguments)
            kernel.launch(n_sentences, arguments)
            if progress is not None:
                done = int(kernel.to_host(arrays.words_done)[0])
                progress(done, _core.schedule_alpha(params.starting_alpha, done, total_words),
                         False)
    done = int(kernel.to_host(arrays.words_done)[0])
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(done, _core.schedule_alpha(params.starting_alpha, done, total_words), True)
    result = kernel.to_host(arrays.syn0)
    check_converged(result, params)
    return result, PassesTrained(seconds, done)
