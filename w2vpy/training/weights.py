"""What every training backend shares: the checks made before any matrix is
allocated, syn0's starting values, the progress line, and the result (the
learning-rate schedule is the C core's, in w2vpy/include/w2v_constants.h).  The CPU driver
(``trainer``) and the CUDA driver (``cuda_backend``) both build on this
module; neither imports the other.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from w2vpy import _core
from w2vpy.errors import TrainingDiverged, W2VError
from w2vpy.system.interrupts import run_stoppable
from w2vpy.training.hot_rows import hot_rows_bound
from w2vpy.system.memory import check_model_fits, run_parts
from w2vpy.parameters import INT64_MAX, TrainingParams
from w2vpy.text.vocab import Vocabulary

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
    hot = hot_rows_bound(params, len(vocab))
    check_model_fits(len(vocab), params.vector_size, params.hs, params.negative,
                     run=run_parts(params, vocab.counts, hot.hs_rows, hot.ns_rows))


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
