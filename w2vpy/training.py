"""What every training backend shares: the parameters (word2vec.c's, with
gensim's names), the checks made before any matrix is allocated, syn0's
starting values, the progress line, and the result.  The CPU driver
(``trainer``) and the CUDA driver (``cuda_backend``) both build on this
module; neither imports the other.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, replace
from typing import TextIO

import numpy as np

from w2vpy import _core
from w2vpy.errors import TrainingDiverged, W2VError
from w2vpy.interrupts import run_stoppable
from w2vpy.memory import check_model_fits
from w2vpy.unigram_table import TABLE_SIZE
from w2vpy.vocab import DEFAULT_MAX_VOCAB_SIZE, Vocabulary

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class TrainingParams:
    """word2vec.c's parameters with gensim-style names; defaults are word2vec.c's."""

    vector_size: int = 100
    window: int = 5
    min_count: int = 5
    sample: float = 1e-3
    sg: bool = False
    hs: bool = False
    negative: int = 5
    workers: int = 12
    epochs: int = 5
    alpha: float | None = None  # None: 0.05 for CBOW, 0.025 for skip-gram
    seed: int = 0
    max_vocab_size: int = DEFAULT_MAX_VOCAB_SIZE
    #: word2vec.c's summation order in dot products (slower; bit-identical
    #: single-thread results with a word2vec.c built without FMA contraction)
    sequential_dot: bool = False
    #: with several workers, each trains on private copies of the most visited
    #: output rows, merged every 1024 words (see hot_rows.py): None chooses
    #: them from the vocabulary and the mode, K gives K rows, 0 is word2vec.c's
    #: pure Hogwild; no effect with one worker
    hot_rows: int | None = None
    unigram_table_size: int = TABLE_SIZE

    @property
    def starting_alpha(self) -> float:
        if self.alpha is not None:
            return self.alpha
        return 0.025 if self.sg else 0.05

    def validated(self) -> "TrainingParams":
        def need(ok: bool, message: str) -> None:
            if not ok:
                raise W2VError(message)

        for name in ("sg", "hs", "sequential_dot"):
            value = getattr(self, name)
            need(_is_switch(value), f"{name} must be True/False or 1/0, got {value!r}")
        for name in ("vector_size", "window", "min_count", "negative", "workers", "epochs",
                     "seed", "max_vocab_size", "unigram_table_size", "hot_rows"):
            value = getattr(self, name)
            if name == "hot_rows" and value is None:  # automatic
                continue
            need(isinstance(value, (int, np.integer)) and not isinstance(value, bool),
                 f"{name} must be an integer, got {value!r}")
        # the C core holds these in int (as word2vec.c) or int64_t; a bigger
        # value must be an error here, not an OverflowError from the binding
        for name, limit in (("window", INT32_MAX), ("min_count", INT64_MAX),
                            ("epochs", INT32_MAX), ("seed", INT64_MAX),
                            ("max_vocab_size", INT64_MAX), ("unigram_table_size", INT64_MAX),
                            ("hot_rows", INT64_MAX)):
            value = getattr(self, name)
            need(value is None or value <= limit, f"{name} is too large: {value} (at most {limit})")
        need(self.vector_size >= 1, f"vector size must be >= 1, got {self.vector_size}")
        need(self.vector_size <= 100_000, f"vector size is absurdly large: {self.vector_size}")
        need(self.window >= 1, f"window must be >= 1, got {self.window}")
        need(self.min_count >= 0, f"min_count must be >= 0, got {self.min_count}")
        need(self.negative >= 0, f"negative must be >= 0, got {self.negative}")
        need(self.negative <= 1000, f"negative is absurdly large: {self.negative}")
        need(self.hs or self.negative > 0,
             "no training objective: hierarchical softmax is off (hs=0) and negative=0")
        need(1 <= self.workers <= 1024, f"threads must be between 1 and 1024, got {self.workers}")
        need(self.epochs >= 1, f"iterations (epochs) must be >= 1, got {self.epochs}")
        need(self.seed >= 0, f"seed must be >= 0, got {self.seed}")
        need(self.hot_rows is None or self.hot_rows >= 0,
             f"hot_rows must be >= 0, got {self.hot_rows}")
        need(self.max_vocab_size >= 2, f"max_vocab_size must be >= 2, got {self.max_vocab_size}")
        need(self.unigram_table_size >= 1,
             f"unigram_table_size must be >= 1, got {self.unigram_table_size}")
        need(_is_number(self.sample) and math.isfinite(self.sample)
             and self.sample >= 0, f"sample must be a finite number >= 0, got {self.sample!r}")
        alpha = self.starting_alpha
        need(_is_number(alpha) and math.isfinite(alpha) and alpha > 0,
             f"alpha must be a finite number > 0, got {alpha!r}")
        return replace(self, sg=bool(self.sg), hs=bool(self.hs),
                       sequential_dot=bool(self.sequential_dot))


def _is_switch(value: object) -> bool:
    """A bool, or the integer 0 or 1 (word2vec.c's flags take 0/1): never a
    string or any other truthy object, which would silently turn a mode on."""
    if isinstance(value, (bool, np.bool_)):
        return True
    return isinstance(value, (int, np.integer)) and value in (0, 1)


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, (bool, np.bool_)))


class ProgressLine:
    """word2vec.c's -debug 2 line, with wall-clock speed and an ETA, on stderr."""

    def __init__(self, total_words: int, stream: TextIO = sys.stderr, interval: float = 0.5):
        self.total = max(total_words, 1)
        self.stream = stream
        self.interval = interval
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, words_done: int, alpha: float, final: bool = False) -> None:
        now = time.perf_counter()
        if not final and now - self.last < self.interval:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = words_done / elapsed
        fraction = min(words_done / self.total, 1.0)
        eta = (self.total - words_done) / rate if rate > 0 and not final else 0.0
        self.stream.write(
            f"\rAlpha: {alpha:f}  Progress: {fraction * 100:.2f}%  "
            f"Words/sec: {rate / 1000:.2f}k  Elapsed: {_clock(elapsed)}  ETA: {_clock(eta)}  ")
        if final:
            self.stream.write("\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass
class TrainedWeights:
    syn0: np.ndarray
    syn1: np.ndarray | None
    syn1neg: np.ndarray | None
    seconds: float
    words_done: int


def check_trainable(vocab: Vocabulary, params: TrainingParams, source_name: str) -> None:
    """Everything about a vocabulary that would make training fail, loop or
    exhaust memory, refused before the corpus is encoded or a matrix allocated."""
    if len(vocab) < 2:
        if vocab.prune_events:
            raise W2VError(
                f"no word of {source_name} is left to train: pruning to stay under "
                f"max_vocab_size={params.max_vocab_size} (-max-vocab-size) ran "
                f"{vocab.prune_events} time(s) and dropped {vocab.pruned_words} distinct words;"
                " raise the limit")
        raise W2VError(f"no word reaches min_count={params.min_count} in {source_name}: "
                       "nothing to train")
    if params.negative > 0 and not vocab.counts.any():
        raise W2VError("all counts are zero: the unigram table is empty, so negative "
                       "sampling has nothing to draw (give counts above 0, or use -hs 1 "
                       "-negative 0)")
    if vocab.train_words > INT64_MAX // params.epochs:
        raise W2VError(f"the vocabulary's counts add up to {vocab.train_words}, which times "
                       f"{params.epochs} epochs passes {INT64_MAX}: the schedule cannot count it")
    check_model_fits(len(vocab), params.vector_size, params.hs, params.negative)


def initial_input_vectors(vocab: Vocabulary, params: TrainingParams) -> np.ndarray:
    """word2vec.c's InitNet for syn0: its LCG seeded 1, shifted by the user seed."""
    return run_stoppable(lambda stop: _core.init_input_vectors(
        len(vocab), params.vector_size, 1 + params.seed, stop))


def check_converged(syn0: np.ndarray, params: TrainingParams) -> None:
    """Diverged vectors are reported, never returned to be saved."""
    if not np.isfinite(syn0).all():
        raise TrainingDiverged(
            f"training diverged: the vectors hold NaN or infinity (alpha={params.starting_alpha});"
            " lower -alpha")
