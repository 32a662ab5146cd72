"""word2phrase's passes on the cluster: each pass counts words and "a_b"
pairs piece by piece (``count_phrase_piece``), merges the counts as the
vocabulary's are merged (``merging``), and rewrites every piece with the
merged table (``rewrite_piece``); the next pass, or the final counting and
encoding, reads the rewritten pieces.

word2phrase reads its text as one stream: a line end is no token to its
counting, so the pair of a line's last word and the next line's first word
is counted too, and so is the pair across a cut between two pieces.  A
piece alone cannot see that pair; each counting task returns its piece's
first and last word, and the client counts the pair across every cut
(``boundary_pairs``: the last word of the nearest earlier piece with words,
and the first word of the next) as one more counts file.  The rewrite needs
nothing across a cut: pieces start at a line start, and a pair is never
joined across a line end.

Each worker holds the whole merged table while rewriting (the words and
pairs that reach min_count), as word2phrase's rewrite does.
"""
from __future__ import annotations

import collections
import hashlib
import io
import threading
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from w2vpy import _core
from w2vpy.distributed.counting import write_counts
from w2vpy.distributed.pieces import Piece, piece_chunks
from w2vpy.distributed.storage import open_read, write_atomically
from w2vpy.errors import CorruptInputError
from w2vpy.text.vocab import unpruned_counter

TABLE_NAME = "phrase-table.npz"


@dataclass(frozen=True)
class PhraseCount:
    """What a phrase counting task returns (its keys are in its counts file)."""
    index: int
    train_words: int
    keys: int
    prune_events: int
    pruned_words: int
    #: the piece's first and last word (None when it has none)
    first_word: bytes | None
    last_word: bytes | None


def count_phrase_piece(piece: Piece, max_vocab_size: int, partitions: int,
                       work: str) -> PhraseCount:
    """word2phrase's counting of ``piece`` (pruned as ReduceVocab within the
    piece), its keys written by partition to its counts file in ``work``."""
    table = _core.WordCounter(max_vocab_size)
    counter = _core.PhraseCounter(table)
    for chunk in piece_chunks(piece):
        counter.feed(chunk)
    counter.finish()
    write_counts(table, piece.index, partitions, work)
    return PhraseCount(piece.index, counter.train_words, len(table), table.prune_events,
                       table.pruned_words, counter.first_word, counter.last_word)


def boundary_pairs(counted: list[PhraseCount]) -> collections.Counter[bytes]:
    """The pairs across the cuts between pieces, counted: each piece's first
    word after the last word of the nearest earlier piece that has words
    (the text's first word starts no pair, as in word2phrase)."""
    pairs: collections.Counter[bytes] = collections.Counter()
    last: bytes | None = None
    for piece in counted:
        if piece.first_word is None:
            continue
        if last is not None:
            pairs[last + b"_" + piece.first_word] += 1
        last = piece.last_word
    return pairs


def write_boundary_counts(pairs: collections.Counter[bytes], index: int, partitions: int,
                          work: str) -> None:
    """The pairs across the cuts as the counts file of a piece ``index``
    past the last, merged with the pieces' own."""
    counter = unpruned_counter()
    for pair, count in pairs.items():
        counter.append(pair, count)
    write_counts(counter, index, partitions, work)


def write_table(location: str, keys: bytes, lengths: np.ndarray, counts: np.ndarray) -> str:
    """The merged table (packed keys, their lengths and counts) as one file;
    its SHA-256, by which the rewrite tasks know it."""
    out = io.BytesIO()
    np.savez(out, keys=np.frombuffer(keys, dtype=np.uint8), lengths=lengths, counts=counts)
    data = out.getvalue()
    write_atomically(location, data, durable=False)
    return hashlib.sha256(data).hexdigest()


_tables: dict[tuple[str, str], _core.WordCounter] = {}
_loading = threading.Lock()


def phrase_table(location: str, sha256: str) -> _core.WordCounter:
    """The pass's table as a counter, read once per worker."""
    key = (location, sha256)
    with _loading:
        if key not in _tables:
            _tables.clear()  # an earlier pass's: one at a time
            _tables[key] = _read_table(location, sha256)
        return _tables[key]


def release_tables() -> None:
    """Drop the pass's table this worker read (run on every worker when the job ends)."""
    with _loading:
        _tables.clear()


def _read_table(location: str, sha256: str) -> _core.WordCounter:
    with open_read(location) as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptInputError(f"{location} changed while the corpus was being prepared")
    with np.load(io.BytesIO(data)) as saved:
        keys, lengths, counts = saved["keys"].tobytes(), saved["lengths"], saved["counts"]
    table = unpruned_counter()
    table.append_packed(keys, lengths, counts.astype(np.int64))
    return table


@dataclass(frozen=True)
class Rewritten:
    """What a rewrite task returns: its piece's rewritten text, as a piece."""
    piece: Piece
    pairs_joined: int


def rewritten_name(work: str, index: int) -> str:
    return f"{work}/text-{index:08d}.txt"


def rewrite_piece(piece: Piece, work: str, table: str, sha256: str, min_count: int,
                  threshold: float, train_words: int) -> Rewritten:
    """``piece`` rewritten with the pass's merged table, written whole to
    ``work``; the piece that reads it (same index, plain text)."""
    writer = _core.PhraseWriter(phrase_table(table, sha256), min_count, threshold, train_words)
    size = 0

    def blocks() -> Iterator[bytes]:
        nonlocal size
        for chunk in piece_chunks(piece):
            out = writer.feed(chunk)
            size += len(out)
            yield out
        out = writer.finish()
        size += len(out)
        yield out

    name = rewritten_name(work, piece.index)
    write_atomically(name, blocks(), durable=False)
    return Rewritten(Piece(piece.index, name, "text", 0, size), writer.pairs_joined)
