"""The encoded corpus: the training text as int32 vocabulary ids (0 = end of
sentence) in an unnamed temporary file, written once before training and read
in blocks by every backend, so that words are hashed once, not every epoch.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from w2vpy import _core
from w2vpy.text.text_files import Corpus
from w2vpy.errors import W2VError
from w2vpy.system.spool import (closed_on_error, flush_spool, open_spool, pwrite_all,
                                 spool_error, write_spool)
from w2vpy.text.vocab import Vocabulary

#: what the temporary file holds, for messages
ENCODED_CORPUS = "the encoded corpus"


@dataclass
class EncodedCorpus:
    file: BinaryIO
    #: ids in the file
    tokens: int
    #: tokens of the text outside the vocabulary, dropped
    skipped: int

    def __enter__(self) -> EncodedCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def encode_corpus(corpus: Corpus, vocab: Vocabulary, spool_dir: str | None = None,
                  read_ahead: bool = False) -> EncodedCorpus:
    """Write the corpus as int32 vocabulary ids to an unlinked temporary file.

    Words outside the vocabulary are dropped here, as word2vec.c skips them
    while training."""
    recorded = vocab._recorded
    if recorded is not None and recorded.source is corpus:
        vocab._recorded = None
        tokens = _remap_in_place(recorded.file, recorded.tokens, vocab._remap, spool_dir)
        return EncodedCorpus(recorded.file, tokens, recorded.tokens - tokens)
    encoder = vocab.encoder()
    spool = open_spool(ENCODED_CORPUS, spool_dir)
    tokens = 0
    with closed_on_error(spool):
        for chunk in corpus.chunks(read_ahead):
            ids = encoder.feed(chunk)
            write_spool(spool, ids, ENCODED_CORPUS, spool_dir)
            tokens += len(ids)
        ids = encoder.finish()
        write_spool(spool, ids, ENCODED_CORPUS, spool_dir)
        tokens += len(ids)
        flush_spool(spool, ENCODED_CORPUS, spool_dir)
    return EncodedCorpus(spool, tokens, encoder.skipped)


REMAP_BLOCK_IDS = 1 << 20


def _remap_in_place(file: BinaryIO, entries: int, remap: np.ndarray,
                    spool_dir: str | None) -> int:
    """Rewrite a file of counter entries as final ids, dropping words outside
    the vocabulary.  Ids never outnumber the entries read so far, so writing
    behind the read position is safe and the disk holds one copy."""
    fd = file.fileno()
    read_at = written = 0
    block = np.empty(min(REMAP_BLOCK_IDS, entries), dtype=np.int32)
    with closed_on_error(file):
        try:
            while read_at < entries:
                ids = block[:min(REMAP_BLOCK_IDS, entries - read_at)]
                _read_ids_into(fd, read_at, ids)
                kept = _core.remap_entries(ids, remap)
                pwrite_all(fd, memoryview(ids[:kept]).cast("B"), written * 4)
                read_at += len(ids)
                written += kept
            os.ftruncate(fd, written * 4)
        except OSError as exc:
            raise spool_error(exc, ENCODED_CORPUS, spool_dir) from None
    return written


def read_ids(fd: int, first: int, count: int) -> np.ndarray:
    """ids [first, first + count) of an encoded corpus file, as int32."""
    ids = np.empty(count, dtype=np.int32)
    _read_ids_into(fd, first, ids)
    return ids


def _read_ids_into(fd: int, first: int, out: np.ndarray) -> None:
    """ids [first, first + len(out)) of an encoded corpus file, into out."""
    view, offset = memoryview(out).cast("B"), first * 4
    while view:
        data = os.pread(fd, len(view), offset)  # os.preadv is missing on older macOS
        if not data:
            raise W2VError(f"encoded corpus ended early at token {offset // 4}")
        view[:len(data)] = data
        view, offset = view[len(data):], offset + len(data)

