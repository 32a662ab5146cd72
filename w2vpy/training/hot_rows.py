"""Private hot rows: how several training threads avoid fighting over the
output rows that nearly every word touches.

Under word2vec.c's Hogwild every thread writes, for nearly every word, the
syn1 rows of the inner nodes near the Huffman root and the syn1neg rows of the
most frequent words; on two cores those cache lines travel back and forth,
enough to make two threads of skip-gram+HS slower than one (bench/HISTORY.md).
With more than one thread each thread therefore trains on its own copies of
the hottest rows and, every MERGE_WORDS positions it trains, adds what it
learned to the shared rows and takes the sum back (trainer.c).  Updates to
those rows reach the other threads up to MERGE_WORDS words late; with one
thread nothing changes (bit-identical to word2vec.c).

Which rows: those touched at least TOUCHES_PER_MERGE times, on average, in
one merge interval, judged from the vocabulary's counts after subsampling.
Per output-layer step, HS touches the nodes on the word's path (a node: the
share of positions whose word lies under it) and NS a word's row with its
``negative`` draws (``negative`` times its unigram^0.75 share) and its own
positions; CBOW takes one step per position, skip-gram one per context word
(``window + 1`` on average, the window being shrunk at random).  The copies of
one matrix stay within MAX_COPY_BYTES per thread.  The threshold keeps the
rows few: with a merge every MERGE_WORDS positions, rows touched less often
cost more in merging than they save (the rows it picks on en-8m, and the
timings of more rows, are in bench/HISTORY.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vpy import _core
from w2vpy.training.huffman import HuffmanTree
from w2vpy.system.memory import FLOAT_BYTES
from w2vpy.parameters import TrainingParams
from w2vpy.training.subsampling import keep_probability
from w2vpy.training.unigram_table import POWER

#: positions a thread trains between two merges of its private rows (set in the C core)
MERGE_WORDS: int = _core.HOT_MERGE_WORDS
#: a row is private when it is touched at least this often per merge interval
TOUCHES_PER_MERGE = 8
#: a thread's copies of one matrix's hot rows (the rows and their last-merged
#: base) stay within this, a share of a core's L2 cache
MAX_COPY_BYTES = 512 * 1024


@dataclass(frozen=True)
class HotRows:
    hs_rows: int  # last inner nodes of syn1
    ns_rows: int  # first rows of syn1neg


NONE = HotRows(0, 0)


def output_steps_per_position(sg: bool, window: int) -> float:
    """Output-layer steps per trained position: CBOW one; skip-gram one per
    context word, 2 * (window - b) with b drawn from [0, window)."""
    return window + 1.0 if sg else 1.0


def choose_hot_rows(counts: np.ndarray, tree: HuffmanTree | None, negative: int,
                    sample: float, vector_size: int, sg: bool = False,
                    window: int = 5) -> HotRows:
    """The rows worth a private copy, from the vocabulary and the mode."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total <= 0:
        return NONE
    kept = counts * keep_probability(counts.astype(np.int64), sample, int(total))
    position_share = kept / max(kept.sum(), 1e-300)
    # touches per position of a row = its share per step x steps per position
    threshold = TOUCHES_PER_MERGE / MERGE_WORDS / output_steps_per_position(sg, window)
    cap = max(MAX_COPY_BYTES // (vector_size * FLOAT_BYTES), 1)
    hs_rows = 0
    if tree is not None:
        depth = np.diff(tree.code_offsets)
        node_share = np.bincount(tree.points, weights=np.repeat(position_share, depth),
                                 minlength=len(counts) - 1)
        hs_rows = int((node_share >= threshold).sum())
    ns_rows = 0
    if negative > 0:
        powered = counts ** POWER
        draw_share = negative * powered / powered.sum() + position_share
        ns_rows = int((draw_share >= threshold).sum())
    return HotRows(min(hs_rows, cap), min(ns_rows, cap))


def resolve_hot_rows(params: TrainingParams, counts: np.ndarray,
                     tree: HuffmanTree | None) -> HotRows:
    """``hot_rows=None`` chooses the rows (the default); K gives each output
    layer the run has K rows; 0 (or a single thread) keeps word2vec.c's pure
    Hogwild."""
    if params.workers < 2 or params.hot_rows == 0:
        return NONE
    if params.hot_rows is None:
        return choose_hot_rows(counts, tree, params.negative, params.sample,
                               params.vector_size, params.sg, params.window)
    return HotRows(params.hot_rows if params.hs else 0,
                   params.hot_rows if params.negative > 0 else 0)


def hot_rows_bound(params: TrainingParams, vocab_size: int) -> HotRows:
    """The most private rows a thread may copy per output layer, known before
    the Huffman tree is built (for the memory check): ``resolve_hot_rows``
    never takes more."""
    if params.workers < 2 or params.hot_rows == 0:
        return NONE
    if params.hot_rows is None:
        cap = max(MAX_COPY_BYTES // (params.vector_size * FLOAT_BYTES), 1)
        rows = min(cap, vocab_size)
    else:
        rows = min(params.hot_rows, vocab_size)
    return HotRows(rows if params.hs else 0, rows if params.negative > 0 else 0)
