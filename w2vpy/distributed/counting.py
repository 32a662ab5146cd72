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

import threading
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator

import numpy as np

from w2vpy import _core
from w2vpy.distributed.pieces import Piece, piece_chunks
from w2vpy.distributed.storage import open_read, write_atomically
from w2vpy.errors import CorruptInputError
from w2vpy.text.text_files import CHUNK_BYTES

#: a position is piece << ENTRY_BITS | entry
ENTRY_BITS = 32
ENTRY_MASK = (1 << ENTRY_BITS) - 1
#: a counts file's first bytes (``write_counts``)
COUNTS_MAGIC = b"w2vpy-counts-1\n\0"
#: a word's bytes in a counts file beside its key: length (uint8), count and position (int64)
_WORD_BYTES = 1 + 8 + 8
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
    return f"{work}/counts-{index:08d}.counts"


def entries_name(work: str, index: int) -> str:
    """The piece's tokens as its counter's entries, int32 little-endian."""
    return f"{work}/entries-{index:08d}.i32"


class _Pruned(Exception):
    """Pruning renumbered the entries recorded so far."""


def count_piece(piece: Piece, max_vocab_size: int, partitions: int, work: str) -> PieceCount:
    """Count ``piece``, record its tokens' entries, and write its words, by
    partition, to its counts file."""
    counter = _held_counter(max_vocab_size)
    try:
        write_atomically(entries_name(work, piece.index), _recorded_entries(counter, piece),
                         durable=False)
        recorded = True
    except _Pruned:
        counter.reset()
        recorded = False
        for chunk in piece_chunks(piece):
            counter.feed(chunk)
        counter.finish()
    write_counts(counter, piece.index, partitions, work)
    return PieceCount(piece, counter.tokens, len(counter), counter.prune_events,
                      counter.pruned_words, recorded)


#: each counting thread's counter, by thread, kept from piece to piece: a new
#: one would fault in fresh pages for all it grows to (see ``write_counts``)
_counters: dict[int, _core.WordCounter] = {}
_counters_lock = threading.Lock()


def _held_counter(max_vocab_size: int) -> _core.WordCounter:
    """This thread's counter, empty, as ``WordCounter(max_vocab_size)``."""
    thread = threading.get_ident()
    with _counters_lock:
        counter = _counters.get(thread)
        if counter is None or counter.max_words != max_vocab_size:
            counter = _counters[thread] = _core.WordCounter(max_vocab_size)
            return counter
    counter.reset()
    return counter


def release_counters() -> None:
    """Drop the counters ``count_piece`` keeps (run on every worker once the
    counting is done)."""
    with _counters_lock:
        _counters.clear()


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
    by partition, as the counts file that ``read_partition`` reads.

    The file: COUNTS_MAGIC, the number of partitions P (int64), each
    partition's key bytes and words (P pairs of int64), then each partition
    in turn: its packed keys, their lengths (uint8), counts and positions
    (int64); all little-endian.  Words are grouped by one stable sort and the
    arrays written as they lie, without copies: a Dask worker hands freed
    memory back at once, so every temporary array is fresh pages to fault."""
    part = partition_of(counter.hashes(), partitions)
    order = np.argsort(part, kind="stable")  # entries by partition, in entry order within one
    bounds = np.searchsorted(part[order], np.arange(partitions + 1))
    keys, lengths = counter.keys_of(order)
    key_bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=key_bounds[1:])
    counts = counter.counts()[order].astype("<i8", copy=False)
    positions = ((np.int64(index) << ENTRY_BITS) + order).astype("<i8", copy=False)
    sizes = np.stack([key_bounds[bounds[1:]] - key_bounds[bounds[:-1]],
                      bounds[1:] - bounds[:-1]], axis=1).astype("<i8")
    blocks: list[Any] = [COUNTS_MAGIC, np.array([partitions], dtype="<i8"), sizes]
    keys_view = memoryview(keys)
    for j in range(partitions):
        a, b = int(bounds[j]), int(bounds[j + 1])
        blocks += [keys_view[key_bounds[a]:key_bounds[b]], lengths[a:b], counts[a:b],
                   positions[a:b]]
    write_atomically(counts_name(work, index), blocks, durable=False)


def partition_of(hashes: np.ndarray, partitions: int) -> np.ndarray:
    """Each word's partition, by the counter's hash of its bytes, which every
    process computes alike (Python's hash of bytes is salted per process)."""
    with np.errstate(over="ignore"):
        mixed = (hashes * _MIX) >> np.uint64(33)
    return (mixed % np.uint64(partitions)).astype(np.int64)


def read_partition(work: str, index: int, j: int) -> tuple[bytes, np.ndarray, np.ndarray,
                                                           np.ndarray]:
    """Partition j of piece ``index``'s counts: (packed keys, lengths, counts, positions)."""
    location = counts_name(work, index)
    with open_read(location) as f:
        sizes = _partition_sizes(f, location)
        if not 0 <= j < len(sizes):
            raise CorruptInputError(f"{location} has {len(sizes)} partitions, not {j + 1}")
        f.seek(f.tell() + int((sizes[:j, 0] + sizes[:j, 1] * _WORD_BYTES).sum()))
        return _partition(f, location, *sizes[j])


def read_partitions(work: str, index: int) -> Iterator[tuple[bytes, np.ndarray, np.ndarray,
                                                             np.ndarray]]:
    """Every partition of piece ``index``'s counts in turn, as ``read_partition``."""
    location = counts_name(work, index)
    with open_read(location) as f:
        for key_bytes, words in _partition_sizes(f, location):
            yield _partition(f, location, key_bytes, words)


def _partition_sizes(f: BinaryIO, location: str) -> np.ndarray:
    head = f.read(len(COUNTS_MAGIC) + 8)
    if len(head) != len(COUNTS_MAGIC) + 8 or not head.startswith(COUNTS_MAGIC):
        raise CorruptInputError(f"{location} is not a counts file")
    partitions = int.from_bytes(head[len(COUNTS_MAGIC):], "little")
    return np.frombuffer(_exactly(f, 16 * partitions, location), dtype="<i8").reshape(-1, 2)


def _partition(f: BinaryIO, location: str, key_bytes: int,
               words: int) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    keys = _exactly(f, int(key_bytes), location)
    lengths = np.frombuffer(_exactly(f, int(words), location), dtype=np.uint8)
    counts = np.frombuffer(_exactly(f, 8 * int(words), location), dtype="<i8")
    positions = np.frombuffer(_exactly(f, 8 * int(words), location), dtype="<i8")
    return keys, lengths, counts.astype(np.int64), positions.astype(np.int64)


def _exactly(f: BinaryIO, size: int, location: str) -> bytes:
    data = f.read(size)
    if len(data) != size:
        raise CorruptInputError(f"{location} ends early")
    return data
