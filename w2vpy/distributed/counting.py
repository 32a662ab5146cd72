"""Counting one piece: the C counter (``WordCounter``) fed the piece's text,
its words split by a hash of the word into the shuffle's partitions and
written to one file of the job's work directory.

Each word goes with its count and its first position, (piece, entry): the
piece's index in text order and the word's entry in the piece's counter,
which numbers words in first-seen order.  The smallest position of a word
over all pieces is its first appearance in the whole text, so the merge can
order ties as counting the text alone does.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from w2vpy import _core
from w2vpy.distributed.pieces import Piece, piece_chunks
from w2vpy.distributed.storage import open_read, write_atomically

#: a position is piece << ENTRY_BITS | entry
ENTRY_BITS = 32
_HASH_BASE = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class PieceCount:
    """What a counting task returns (the words themselves are in its file)."""
    index: int
    tokens: int
    words: int
    prune_events: int
    pruned_words: int


def counts_name(work: str, index: int) -> str:
    return f"{work}/counts-{index:08d}.npz"


def count_piece(piece: Piece, max_vocab_size: int, partitions: int, work: str) -> PieceCount:
    """Count ``piece`` and write its words, by partition, to its counts file."""
    counter = _core.WordCounter(max_vocab_size)
    for chunk in piece_chunks(piece):
        counter.feed(chunk)
    counter.finish()
    write_counts(counter, piece.index, partitions, work)
    return PieceCount(piece.index, counter.tokens, len(counter), counter.prune_events,
                      counter.pruned_words)


def write_counts(counter: _core.WordCounter, index: int, partitions: int, work: str) -> None:
    """The counter's keys, counts and positions (as piece ``index``'s), split
    by partition, as the counts file that ``read_partition`` reads."""
    keys, lengths = counter.keys_since(0)
    counts = counter.counts()
    positions = (np.int64(index) << ENTRY_BITS) + np.arange(len(counts), dtype=np.int64)
    part = partition_of(keys, lengths, partitions)
    arrays = {}
    key_part = np.repeat(part, lengths)
    key_bytes = np.frombuffer(bytes(keys), dtype=np.uint8)
    for j in range(partitions):
        mine = part == j
        arrays[f"keys{j}"] = key_bytes[key_part == j]
        arrays[f"lengths{j}"] = lengths[mine]
        arrays[f"counts{j}"] = counts[mine]
        arrays[f"positions{j}"] = positions[mine]
    out = io.BytesIO()
    np.savez(out, **arrays)
    write_atomically(counts_name(work, index), out.getvalue())


def partition_of(keys: bytearray, lengths: np.ndarray, partitions: int) -> np.ndarray:
    """Each word's partition, by a hash of its bytes that every process
    computes alike (Python's hash of bytes is salted per process)."""
    if len(lengths) == 0:
        return np.zeros(0, dtype=np.int64)
    data = np.frombuffer(bytes(keys), dtype=np.uint8).astype(np.uint64)
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    offset = np.arange(len(data), dtype=np.int64) - np.repeat(starts, lengths)
    with np.errstate(over="ignore"):
        powers = _HASH_BASE ** np.arange(int(lengths.max()), dtype=np.uint64)
        hashed = np.add.reduceat((data + np.uint64(1)) * powers[offset], starts)
        hashed = (hashed * _MIX) >> np.uint64(33)
    return (hashed % np.uint64(partitions)).astype(np.int64)


def read_partition(work: str, index: int, j: int) -> tuple[bytes, np.ndarray, np.ndarray,
                                                           np.ndarray]:
    """Partition j of piece ``index``'s counts: (packed keys, lengths, counts, positions)."""
    with open_read(counts_name(work, index)) as f, np.load(f) as saved:
        return (saved[f"keys{j}"].tobytes(), saved[f"lengths{j}"], saved[f"counts{j}"],
                saved[f"positions{j}"])
