"""The Huffman tree of hierarchical softmax, as word2vec.c's CreateBinaryTree.

Word ``w``'s path from the root is ``codes[offsets[w]:offsets[w+1]]`` (the
branch bits) through inner nodes ``points[...]`` (rows of ``syn1``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vpy import _core
from w2vpy.system.interrupts import run_stoppable


@dataclass(frozen=True)
class HuffmanTree:
    code_offsets: np.ndarray  # int64, len V + 1
    codes: np.ndarray  # uint8
    points: np.ndarray  # int32

    def code(self, word_id: int) -> list[int]:
        return self.codes[self.code_offsets[word_id]:self.code_offsets[word_id + 1]].tolist()

    def point(self, word_id: int) -> list[int]:
        return self.points[self.code_offsets[word_id]:self.code_offsets[word_id + 1]].tolist()

    @property
    def max_depth(self) -> int:
        return int(np.diff(self.code_offsets).max())


def build_huffman_tree(counts: np.ndarray) -> HuffmanTree:
    """``counts`` in vocabulary order (sorted descending after index 0)."""
    counts = np.asarray(counts, dtype=np.int64)
    # tens of seconds for tens of millions of words: run where Ctrl-C can stop it
    offsets, codes, points = run_stoppable(lambda stop: _core.huffman_tree(counts, stop))
    return HuffmanTree(offsets, codes, points)
