"""Encoding one piece: its text as int32 ids of the global vocabulary, as
training from the text would number them (``w2vpy.text.word_ids``), written
as the piece's shard.

Each worker reads the vocabulary file once per job (the file the job wrote
before encoding, known by its checksum) into the C counter the encoder
looks words up in; the kept vocabulary is small beside the text, so every
worker holds all of it.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from w2vpy import _core
from w2vpy.distributed.pieces import Piece, piece_chunks
from w2vpy.distributed.storage import open_read, write_atomically
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


def _read_vocabulary(location: str, sha256: str) -> tuple[_core.WordCounter, np.ndarray]:
    with open_read(location) as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptInputError(f"{location} changed while the corpus was being prepared")
    counter = unpruned_counter()
    for line in data.split(b"\n")[:-1]:
        word, _, count = line.rpartition(b" ")  # words hold no space
        counter.append(word, int(count))
    return counter, np.arange(len(counter), dtype=np.int32)


def encode_piece(piece: Piece, output: str, vocab_sha256: str) -> Shard:
    """Encode ``piece`` with the job's vocabulary and write its shard."""
    counter, identity = vocabulary_counter(output, vocab_sha256)
    encoder = _core.Encoder(counter, identity)
    digest = hashlib.sha256()
    tokens = 0

    def blocks() -> Iterator[bytes]:
        nonlocal tokens
        for chunk in piece_chunks(piece):
            yield from _hashed(encoder.feed(chunk))
        yield from _hashed(encoder.finish())

    def _hashed(ids: np.ndarray) -> Iterator[bytes]:
        nonlocal tokens
        if len(ids):
            data = ids.astype("<i4", copy=False).tobytes()
            digest.update(data)
            tokens += len(ids)
            yield data

    name = shard_name(piece.index)
    write_atomically(f"{output}/{name}", blocks())
    return Shard(piece.index, name, tokens, encoder.skipped, digest.hexdigest())
