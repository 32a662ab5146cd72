"""Negative sampling's noise distribution: word2vec.c's unigram table.

``table_size`` entries; word ``w`` fills a share proportional to
``count[w] ** power``.  A draw is ``table[(r >> 16) % table_size]`` with ``r``
the thread's LCG state."""
from __future__ import annotations

import numpy as np

from w2vpy import _core

TABLE_SIZE: int = _core.UNIGRAM_TABLE_SIZE
POWER = 0.75


def build_unigram_table(counts: np.ndarray, table_size: int = TABLE_SIZE,
                        power: float = POWER) -> np.ndarray:
    """The full int32 array, as word2vec.c's InitUnigramTable fills it."""
    return _core.unigram_table(np.asarray(counts, dtype=np.int64), table_size, power)


def build_noise_table(counts: np.ndarray, table_size: int = TABLE_SIZE,
                      power: float = POWER) -> _core.NoiseTable:
    """The same table in compact form (one run per word): what training uses."""
    return _core.NoiseTable(np.asarray(counts, dtype=np.int64), table_size, power)
