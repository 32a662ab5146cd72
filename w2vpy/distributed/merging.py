"""Merging the pieces' counts: a shuffle by word, then word2vec.c's order.

Why a shuffle and not a tree reduction: memory.  The largest thing a
prepare job holds is the vocabulary of the whole text before ``min_count``
drops its rare words (on a web corpus most distinct words occur once or
twice, and they outnumber the kept words many times over).  A tree
reduction ends with that whole table in one task, on one worker, so the
largest corpus a cluster could prepare would be set by one worker's memory
however many workers it has.  A shuffle by a hash of the word gives each
of P partitions a 1/P share of it, counted by a task of its own; each drops
its words under ``min_count`` before anything leaves the worker, and only
the kept words (the vocabulary that training needs in memory anyway) come
to the client.  The pieces' words travel through the job's work directory
(one file per piece, read by partition), not through the scheduler, so the
task graph stays pieces + partitions tasks, and a file that was written
whole survives the worker that wrote it.

Order: a word's count is the sum over pieces, its first appearance the
smallest (piece, entry) position (see ``counting``); ``</s>`` comes first
and is kept whatever its count, then words by count descending, ties by
first appearance: word2vec.c's SortVocab on the text read in order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vpy import _core
from w2vpy.distributed.counting import read_partition
from w2vpy.text.tokenizer import SENTENCE_END

#: positions start out past any real one
_NO_POSITION = np.iinfo(np.int64).max


@dataclass
class KeptWords:
    """A partition's words that reach min_count (and ``</s>``)."""
    keys: bytes
    lengths: np.ndarray
    counts: np.ndarray
    positions: np.ndarray
    #: distinct words in the partition before min_count
    distinct: int


def merge_partition(j: int, work: str, pieces: list[int], min_count: int) -> KeptWords:
    """Partition j of every piece's counts merged; the words under min_count dropped."""
    whole = _core.WordCounter(2**62)  # keys come with counts: nothing to prune
    whole.append(SENTENCE_END, 0)  # entry 0, to keep it whatever min_count says
    counts, positions = _grown(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 1)
    for index in pieces:
        keys, lengths, piece_counts, piece_positions = read_partition(work, index, j)
        if len(lengths) == 0:
            continue
        to_whole = whole.adopt(keys, lengths, np.empty(0, dtype=np.int32), 0)[:len(lengths)]
        counts, positions = _grown(counts, positions, len(whole))
        np.add.at(counts, to_whole, piece_counts)
        np.minimum.at(positions, to_whole, piece_positions)
    keys, lengths = whole.keys_since(0)
    kept = counts >= min_count
    kept[0] = positions[0] != _NO_POSITION  # </s>, when this partition has it
    key_bytes = np.frombuffer(bytes(keys), dtype=np.uint8)[np.repeat(kept, lengths)]
    return KeptWords(key_bytes.tobytes(), lengths[kept], counts[kept], positions[kept],
                     len(whole) - int(positions[0] == _NO_POSITION))


def _grown(counts: np.ndarray, positions: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    if len(counts) >= size:
        return counts, positions
    more = size - len(counts)
    return (np.concatenate([counts, np.zeros(more, dtype=np.int64)]),
            np.concatenate([positions, np.full(more, _NO_POSITION, dtype=np.int64)]))


def final_order(parts: list[KeptWords]) -> tuple[list[bytes], np.ndarray]:
    """The vocabulary (words, counts) of the partitions' kept words, in
    word2vec.c's order."""
    words: list[bytes] = []
    for part in parts:
        offsets = np.zeros(len(part.lengths) + 1, dtype=np.int64)
        np.cumsum(part.lengths, out=offsets[1:])
        words.extend(part.keys[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist()))
    counts = np.concatenate([p.counts for p in parts]) if parts else np.zeros(0, np.int64)
    positions = np.concatenate([p.positions for p in parts]) if parts else np.zeros(0, np.int64)
    first = np.array([w == SENTENCE_END for w in words], dtype=bool)
    # lexsort's last key sorts first: </s>, then count descending, then position
    order = np.lexsort((positions, -counts, ~first))
    return [words[i] for i in order.tolist()], counts[order]
