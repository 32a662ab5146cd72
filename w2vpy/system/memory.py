"""The memory a model needs, checked against what the machine has before a
single matrix is allocated, so that a mistyped ``-size`` is an error naming
the figure and not an hour of swapping or the kernel's out-of-memory killer."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from w2vpy import _core
from w2vpy.errors import W2VError

if TYPE_CHECKING:
    from w2vpy.parameters import TrainingParams

FLOAT_BYTES = 4
#: the share of the available memory the matrices may take: the rest of the
#: run (vocabulary, interpreter, buffers, the page cache of the encoded
#: corpus) and the rest of the machine need some too
MODEL_SHARE = 0.9
#: a training thread's block of corpus ids (W2V_READ_BLOCK int32 in id_reader.h)
READ_BLOCK_BYTES = 65536 * 4
#: the unigram table's word-per-bucket index stays within 2^20 int32 (unigram_table.c)
NOISE_BUCKET_BYTES = (1 << 20) * 4
_PHI = (1 + math.sqrt(5)) / 2
_LOWER_MODEL = "lower -size (vector_size) or raise -min-count"


@dataclass(frozen=True)
class Part:
    """One thing a training run allocates: what a message calls it, its
    bytes, and what to change to make it smaller."""
    what: str
    bytes: int
    lower: str


def matrix_count(hs: bool, negative: int) -> int:
    """syn0, plus syn1 for hierarchical softmax and syn1neg for negative sampling."""
    return 1 + int(bool(hs)) + int(negative > 0)


def model_bytes(vocab_size: int, vector_size: int, hs: bool, negative: int) -> int:
    return vocab_size * vector_size * matrix_count(hs, negative) * FLOAT_BYTES


def describe_model(vocab_size: int, vector_size: int, hs: bool, negative: int) -> str:
    """``71290 words x 100 dimensions x 2 matrices of float32 (57.0 MB)``"""
    matrices = matrix_count(hs, negative)
    size = format_bytes(model_bytes(vocab_size, vector_size, hs, negative))
    return (f"{vocab_size} words x {vector_size} dimensions x {matrices} "
            f"matri{'x' if matrices == 1 else 'ces'} of float32 ({size})")


def format_bytes(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room() -> int | None:
    """What a cgroup v2 memory limit leaves to this process's group."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        return max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None


def _address_space_room() -> int | None:
    """What an address-space limit (``ulimit -v``) leaves to this process."""
    try:
        import resource
        limit, _ = resource.getrlimit(resource.RLIMIT_AS)
        if limit == resource.RLIM_INFINITY:
            return None
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return max(limit - int(line.split()[1]) * 1024, 0)
        return limit
    except (ImportError, OSError, ValueError, IndexError):
        return None


def available_memory() -> int | None:
    """Bytes this process can still allocate without swapping, as well as the
    system tells (None where it does not say)."""
    figures = [f for f in (_meminfo_available(), _cgroup_room(), _address_space_room())
               if f is not None]
    if not figures:
        try:
            figures = [os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")]
        except (ValueError, OSError, AttributeError):
            return None
    return min(figures)


def huffman_code_entries(counts: np.ndarray) -> int:
    """At most how many (code, point) entries the Huffman tree of ``counts``
    holds: the sum of the words' depths.  A word of probability p lies at
    most floor(log_phi(1/p)) + 2 deep in a Huffman tree; a word counted 0,
    at most one level less than the vocabulary's size (all-zero counts make
    a chain)."""
    counts = np.asarray(counts, dtype=np.float64)
    total, limit = counts.sum(), len(counts) - 1
    positive = counts[counts > 0]
    depths = np.floor(np.log(total / positive) / math.log(_PHI) + 1e-9) + 2
    bounded = np.minimum(depths, limit).sum()
    return int(bounded) + (len(counts) - len(positive)) * limit


def run_parts(params: "TrainingParams", counts: np.ndarray, hot_hs_rows: int,
              hot_ns_rows: int) -> list[Part]:
    """What a training run allocates besides the matrices, each bound by the
    parameters (``hot_*_rows``: the most private hot rows a thread may take
    per output layer, see ``hot_rows.hot_rows_bound``)."""
    vocab, size, workers = len(counts), params.vector_size, params.workers
    parts = []
    rows = (min(hot_hs_rows, vocab - 1) if params.hs else 0) + \
        (min(hot_ns_rows, vocab) if params.negative > 0 else 0)
    if workers > 1 and rows:
        parts.append(Part(f"{workers} threads x 2 copies of {rows} private hot rows "
                          f"x {size} dimensions", workers * 2 * rows * size * FLOAT_BYTES,
                          "lower -threads (workers) or -hot-rows (hot_rows)"))
    per_thread = (2 * size * FLOAT_BYTES + 2 * (params.negative + 1) * 8 + READ_BLOCK_BYTES
                  + (_core.MAX_SENTENCE_LENGTH + 1) * 8)
    parts.append(Part(f"{workers} threads' buffers", workers * per_thread,
                      "lower -threads (workers)"))
    if params.hs:
        entries = huffman_code_entries(counts)
        building = (2 * vocab + 1) * 25 + (vocab + 1) * 8
        parts.append(Part(f"the Huffman tree (up to {entries} code entries)",
                          building + entries * (1 + 4 + (8 if workers > 1 else 0)),
                          "raise -min-count (words counted 0 make the tree deep) or use -hs 0"))
    tables = vocab * 4 + ((vocab + 1) * 8 + NOISE_BUCKET_BYTES if params.negative > 0 else 0)
    parts.append(Part("the sampling tables", tables, "raise -min-count"))
    parts.append(Part(f"{params.epochs} epochs' loss slots", params.epochs * 8,
                      "lower -iter (epochs)"))
    return parts


def check_model_fits(vocab_size: int, vector_size: int, hs: bool, negative: int,
                     available: int | None = None, run: Sequence[Part] = ()) -> None:
    """Refuses a model whose matrices, with what the run allocates besides
    them (``run``, see ``run_parts``), would take more than MODEL_SHARE of the
    memory available; the message names the largest part and what lowers it."""
    model = Part(describe_model(vocab_size, vector_size, hs, negative),
                 model_bytes(vocab_size, vector_size, hs, negative), _LOWER_MODEL)
    parts = [model, *run]
    needed = sum(part.bytes for part in parts)
    room = available_memory() if available is None else available
    if room is None or needed <= MODEL_SHARE * room:
        return
    largest = max(parts, key=lambda part: part.bytes)
    what = model.what if not run else (
        f"{model.what}, {largest.what} ({format_bytes(largest.bytes)}), "
        f"{format_bytes(needed)} in all" if largest is not model
        else f"{model.what}, {format_bytes(needed)} in all")
    raise W2VError(f"the model does not fit in memory: {what}, but this machine has "
                   f"{format_bytes(room)} available (the model may take "
                   f"{MODEL_SHARE:.0%}); {largest.lower}")
