"""Subsampling of frequent words (word2vec.c's formula, in its float arithmetic).

Word ``w`` with count ``c`` survives a draw with probability
``(sqrt(c / (s*T)) + 1) * (s*T) / c`` for sample ``s`` and ``T`` training words.
The compiled loop compares the LCG's low 16 bits with a per-word integer
threshold; it gives the same decisions as word2vec.c's float comparison."""
from __future__ import annotations

import numpy as np

from w2vpy import _core


def keep_thresholds(counts: np.ndarray, sample: float, train_words: int) -> np.ndarray:
    """uint32 per word: a draw ``r`` keeps the word iff ``(r & 0xFFFF) <= threshold``."""
    if sample <= 0:
        return np.full(len(counts), 65536, dtype=np.uint32)
    return _core.subsample_thresholds(np.asarray(counts, dtype=np.int64), sample, train_words)


def keep_probability(counts: np.ndarray, sample: float, train_words: int) -> np.ndarray:
    return np.minimum(keep_thresholds(counts, sample, train_words) + 1, 65536) / 65536.0
