"""Encoding one piece: its text as int32 ids of the global vocabulary, as
training from the text would number them (``w2vpy.text.word_ids``), written
as the piece's shard.

A piece whose counting recorded its tokens' entries (``counting``) is
encoded from that record: each of the piece's words (its counts file, by
entry) is looked up once in the vocabulary, and the entries are mapped
through that, as ``w2v-train`` remaps its own record.  A piece that pruned,
or whose record is gone (a rerun of a task whose shard was written, after
the record was removed), is encoded from its text, to the same ids.

Each worker reads the vocabulary file once per job (the file the job wrote
before encoding, known by its checksum) into the C counter the encoder
looks words up in; the kept vocabulary is small beside the text, so every
worker holds all of it.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

import numpy as np

from w2vpy import _core
from w2vpy.distributed.counting import (ENTRY_BITS, ENTRY_MASK, PieceCount, entries_name,
                                        read_partitions)
from w2vpy.distributed.pieces import Piece, piece_chunks
from w2vpy.distributed.storage import exists, open_read, remove, write_atomically
from w2vpy.errors import CorruptInputError
from w2vpy.text.prepared import SHARD_DIRECTORY, VOCAB_NAME
from w2vpy.text.vocab import unpruned_counter


@dataclass(frozen=True)
class Shard:
    """What an encoding task returns: its shard, as the manifest lists it."""
    index: int
    shard: str
    tokens: int
    skipped: int
    sha256: str


#: bytes of a piece's record read at a time
RECORD_BLOCK_BYTES = 4 << 20


def shard_name(index: int) -> str:
    return f"{SHARD_DIRECTORY}/piece-{index:08d}.ids"


_vocabularies: dict[tuple[str, str], tuple[_core.WordCounter, np.ndarray]] = {}
_loading = threading.Lock()


def vocabulary_counter(output: str, sha256: str) -> tuple[_core.WordCounter, np.ndarray]:
    """The job's vocabulary as a counter and its identity map, read once per worker."""
    key = (output, sha256)
    with _loading:
        if key not in _vocabularies:
            _vocabularies.clear()  # an earlier job's: one at a time
            _vocabularies[key] = _read_vocabulary(f"{output}/{VOCAB_NAME}", sha256)
        return _vocabularies[key]


def release_vocabularies() -> None:
    """Drop the vocabulary this worker read (run on every worker when the job ends)."""
    with _loading:
        _vocabularies.clear()


def _read_vocabulary(location: str, sha256: str) -> tuple[_core.WordCounter, np.ndarray]:
    with open_read(location) as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptInputError(f"{location} changed while the corpus was being prepared")
    counter = unpruned_counter()
    status, at = _core.VocabFileReader(counter).feed(data)
    if status:
        raise CorruptInputError(f"{location}: not a vocabulary file at byte {at}")
    return counter, np.arange(len(counter), dtype=np.int32)


def encode_piece(counted: PieceCount, output: str, vocab_sha256: str, work: str) -> Shard:
    """Encode the piece that ``counted`` describes with the job's vocabulary
    and write its shard."""
    piece = counted.piece
    counter, identity = vocabulary_counter(output, vocab_sha256)
    record = entries_name(work, piece.index)
    if counted.recorded and exists(record):
        blocks, skipped = _from_record(record, counted, counter, work)
    else:
        blocks, skipped = _from_text(piece, counter, identity)
    digest = hashlib.sha256()
    tokens = 0

    def hashed() -> Iterator[np.ndarray]:
        nonlocal tokens
        for ids in blocks:
            if len(ids):
                ids = ids.astype("<i4", copy=False)
                digest.update(ids)
                tokens += len(ids)
                yield ids

    name = shard_name(piece.index)
    write_atomically(f"{output}/{name}", hashed())
    remove(record)  # read whole into the shard: a rerun of this task reads the text
    return Shard(piece.index, name, tokens, skipped(), digest.hexdigest())


def _from_text(piece: Piece, counter: _core.WordCounter,
               identity: np.ndarray) -> tuple[Iterator[np.ndarray], Callable[[], int]]:
    """The piece's ids, read and tokenized from its text; and their skipped count."""
    encoder = _core.Encoder(counter, identity)

    def blocks() -> Iterator[np.ndarray]:
        for chunk in piece_chunks(piece):
            yield encoder.feed(chunk)
        yield encoder.finish()

    return blocks(), lambda: encoder.skipped


def _from_record(record: str, counted: PieceCount, counter: _core.WordCounter,
                 work: str) -> tuple[Iterator[np.ndarray], Callable[[], int]]:
    """The piece's ids, its recorded entries mapped through the vocabulary;
    and their skipped count."""
    to_id = _entry_ids(counted, counter, work)
    skipped = 0

    def blocks() -> Iterator[np.ndarray]:
        nonlocal skipped
        read = 0
        # one buffer, each block written out before the next is read (see piece_chunks)
        block = np.empty(RECORD_BLOCK_BYTES // 4, dtype="<i4")
        with open_read(record) as f:
            while size := _read_into(f, memoryview(block).cast("B")):
                if size % 4:
                    raise CorruptInputError(f"{record} ends inside an entry")
                entries = block[:size // 4].astype(np.int32, copy=False)  # a copy if big-endian
                try:
                    kept = _core.remap_entries(entries, to_id)
                except IndexError as exc:
                    raise CorruptInputError(f"{record}: {exc}") from None
                read += len(entries)
                skipped += len(entries) - kept
                yield entries[:kept]
        if read != counted.tokens:
            raise CorruptInputError(f"{record} holds {read} tokens; counting recorded "
                                    f"{counted.tokens}")

    return blocks(), lambda: skipped


def _read_into(f: BinaryIO, buffer: memoryview) -> int:
    """Fill ``buffer`` from ``f`` as far as the file goes; the bytes read."""
    size = 0
    while size < len(buffer) and (read := f.readinto(buffer[size:])):
        size += read
    return size


def _entry_ids(counted: PieceCount, counter: _core.WordCounter, work: str) -> np.ndarray:
    """Each of the piece counter's entries as a vocabulary id (-1: not in it)."""
    to_id = np.full(counted.words, -1, dtype=np.int32)
    for keys, lengths, _, positions in read_partitions(work, counted.index):
        entries = positions & ENTRY_MASK
        if len(entries) and (entries.max() >= counted.words
                             or positions.min() >> ENTRY_BITS != counted.index):
            raise CorruptInputError(f"the counts of piece {counted.index} name entries its "
                                    f"counting did not make")
        to_id[entries] = counter.find_keys(keys, lengths)
    return to_id
