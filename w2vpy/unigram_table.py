"""Negative sampling's noise distribution: word2vec.c's unigram table.

``table_size`` entries; word ``w`` fills a share proportional to
``count[w] ** power``.  A draw is ``table[(r >> 16) % table_size]`` with ``r``
the thread's LCG state."""
from __future__ import annotations

import numpy as np

from w2vpy import _core

TABLE_SIZE = 100_000_000
POWER = 0.75


def build_unigram_table(counts: np.ndarray, table_size: int = TABLE_SIZE,
                        power: float = POWER) -> np.ndarray:
    return _core.unigram_table(np.asarray(counts, dtype=np.int64), table_size, power)
