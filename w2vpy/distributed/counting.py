"""Counting one piece: the C counter (``WordCounter``) fed the piece's text,
its words split by a hash of the word into the shuffle's partitions and
written to one file of the job's work directory.

Each word goes with its count and its first position, (piece, entry): the
piece's index in text order and the word's entry in the piece's counter,
which numbers words in first-seen order.  The smallest position of a word
over all pieces is its first appearance in the whole text, so the merge can
order ties as counting the text alone does.

While it counts, the task records each token's entry (as ``w2v-train``'s
counting does), into a second file of the work directory, so that encoding
the piece only maps entries to the merged vocabulary's ids instead of
reading and tokenizing the text again.  Pruning renumbers a counter's
entries: a piece that prunes is counted again without a record, and its
encoding reads the text.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from w2vpy import _core
from w2vpy.distributed.pieces import Piece, piece_chunks
from w2vpy.distributed.storage import open_read, write_atomically
from w2vpy.text.text_files import CHUNK_BYTES

#: a position is piece << ENTRY_BITS | entry
ENTRY_BITS = 32
ENTRY_MASK = (1 << ENTRY_BITS) - 1
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class PieceCount:
    """What a counting task returns (the words themselves are in its file)."""
    piece: Piece
    tokens: int
    words: int
    prune_events: int
    pruned_words: int
    #: whether the entries file holds every token's entry (no pruning)
    recorded: bool

    @property
    def index(self) -> int:
        return self.piece.index


def counts_name(work: str, index: int) -> str:
    return f"{work}/counts-{index:08d}.npz"


def entries_name(work: str, index: int) -> str:
    """The piece's tokens as its counter's entries, int32 little-endian."""
    return f"{work}/entries-{index:08d}.i32"


class _Pruned(Exception):
    """Pruning renumbered the entries recorded so far."""


def count_piece(piece: Piece, max_vocab_size: int, partitions: int, work: str) -> PieceCount:
    """Count ``piece``, record its tokens' entries, and write its words, by
    partition, to its counts file."""
    counter = _core.WordCounter(max_vocab_size)
    try:
        write_atomically(entries_name(work, piece.index), _recorded_entries(counter, piece),
                         durable=False)
        recorded = True
    except _Pruned:
        counter, recorded = _core.WordCounter(max_vocab_size), False
        for chunk in piece_chunks(piece):
            counter.feed(chunk)
        counter.finish()
    write_counts(counter, piece.index, partitions, work)
    return PieceCount(piece, counter.tokens, len(counter), counter.prune_events,
                      counter.pruned_words, recorded)


def _recorded_entries(counter: _core.WordCounter, piece: Piece) -> Iterator[np.ndarray]:
    """Count the piece, yielding its tokens' entries as they come (each block
    good until the next is asked for: see ``piece_chunks``)."""
    out = np.empty(CHUNK_BYTES + 2, dtype=np.int32)
    for chunk in piece_chunks(piece):
        if len(chunk) + 2 > len(out):  # a chunk need not be held to CHUNK_BYTES (Parquet)
            out = np.empty(len(chunk) + 2, dtype=np.int32)
        yield _valid(counter, counter.feed_recording(chunk, out))
    yield _valid(counter, counter.finish_recording())


def _valid(counter: _core.WordCounter, entries: np.ndarray) -> np.ndarray:
    if not counter.entries_valid:
        raise _Pruned
    return entries.astype("<i4", copy=False)


def write_counts(counter: _core.WordCounter, index: int, partitions: int, work: str) -> None:
    """The counter's keys, counts and positions (as piece ``index``'s), split
    by partition, as the counts file that ``read_partition`` reads."""
    keys, lengths = counter.keys_since(0)
    counts = counter.counts()
    positions = (np.int64(index) << ENTRY_BITS) + np.arange(len(counts), dtype=np.int64)
    part = partition_of(counter.hashes(), partitions)
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
    write_atomically(counts_name(work, index), out.getvalue(), durable=False)


def partition_of(hashes: np.ndarray, partitions: int) -> np.ndarray:
    """Each word's partition, by the counter's hash of its bytes, which every
    process computes alike (Python's hash of bytes is salted per process)."""
    with np.errstate(over="ignore"):
        mixed = (hashes * _MIX) >> np.uint64(33)
    return (mixed % np.uint64(partitions)).astype(np.int64)


def read_partition(work: str, index: int, j: int) -> tuple[bytes, np.ndarray, np.ndarray,
                                                           np.ndarray]:
    """Partition j of piece ``index``'s counts: (packed keys, lengths, counts, positions)."""
    with open_read(counts_name(work, index)) as f, np.load(f) as saved:
        return (saved[f"keys{j}"].tobytes(), saved[f"lengths{j}"], saved[f"counts{j}"],
                saved[f"positions{j}"])
