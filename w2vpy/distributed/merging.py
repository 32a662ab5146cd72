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
#: words of the vocabulary file formatted at a time (``vocabulary_file``)
FORMAT_BLOCK_WORDS = 1 << 20


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
        # a piece lists each word once, so its entries are distinct: plain
        # indexing adds and keeps the minimum (np.add.at's unbuffered loop is slow)
        counts[to_whole] += piece_counts
        positions[to_whole] = np.minimum(positions[to_whole], piece_positions)
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


def vocabulary_file(parts: list[KeptWords]) -> tuple[bytes, int, int]:
    """The partitions' kept words in word2vec.c's order as a ``-save-vocab``
    file (``word count`` lines); with its number of words and their total
    count.  Built with array operations, not a line at a time, because the
    vocabulary of a web corpus has millions of words."""
    keys = np.frombuffer(b"".join(p.keys for p in parts), dtype=np.uint8)
    lengths = _joined([p.lengths for p in parts]).astype(np.int64)
    counts, positions = _joined([p.counts for p in parts]), _joined([p.positions for p in parts])
    starts = _starts(lengths)
    # lexsort's last key sorts first: </s>, then count descending, then position
    order = np.lexsort((positions, -counts, ~_is_sentence_end(keys, starts, lengths)))
    lengths, starts, counts = lengths[order], starts[order], counts[order]
    digits = counts.astype("S20")  # a count's decimal digits, as word2vec.c prints it
    digit_lengths = np.char.str_len(digits).astype(np.int64)
    line_starts = _starts(lengths + digit_lengths + 2)
    out = np.empty(int((lengths + digit_lengths + 2).sum()), dtype=np.uint8)
    digit_bytes = digits.view(np.uint8) if len(digits) else keys[:0]
    digit_starts = np.arange(len(digits), dtype=np.int64) * digits.itemsize
    # a block at a time: copying segments takes int64 indices per byte copied
    for a in range(0, len(lengths), FORMAT_BLOCK_WORDS):
        block = slice(a, a + FORMAT_BLOCK_WORDS)
        _copy_segments(out, line_starts[block], keys, starts[block], lengths[block])
        _copy_segments(out, line_starts[block] + lengths[block] + 1, digit_bytes,
                       digit_starts[block], digit_lengths[block])
    out[line_starts + lengths] = ord(" ")
    out[line_starts + lengths + digit_lengths + 1] = ord("\n")
    return out.tobytes(), len(lengths), int(counts.sum())


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Where each of segments of these lengths, laid end to end, starts."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return starts


def _is_sentence_end(keys: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    token = np.frombuffer(SENTENCE_END, dtype=np.uint8)
    maybe = np.flatnonzero(lengths == len(token))
    first = np.zeros(len(lengths), dtype=bool)
    if len(maybe):
        first[maybe] = (keys[starts[maybe, None] + np.arange(len(token))] == token).all(axis=1)
    return first


def _copy_segments(out: np.ndarray, out_starts: np.ndarray, source: np.ndarray,
                   source_starts: np.ndarray, lengths: np.ndarray) -> None:
    """out[out_starts[i]:+lengths[i]] = source[source_starts[i]:+lengths[i]], for every i."""
    segment = np.repeat(np.arange(len(lengths)), lengths)
    within = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(_starts(lengths), lengths)
    out[out_starts[segment] + within] = source[source_starts[segment] + within]
