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


#: the words of a block of sentences that thread_split='blocks' deals to the
#: threads in turn (gensim's job size, MAX_WORDS_IN_BATCH)
BLOCK_TOKENS = 10000


def block_starts(file: BinaryIO, tokens: int, block_tokens: int = BLOCK_TOKENS) -> list[int]:
    """Where each block begins: a block ends at the first sentence end (id 0,
    word2vec.c's ``</s>``) once it holds ``block_tokens`` ids; where no
    sentence ends within twice that (a text without line ends), it ends after
    ``block_tokens`` ids."""
    starts, fd, at = [0], file.fileno(), 0
    while at < tokens:
        ids = read_ids(fd, at, min(REMAP_BLOCK_IDS, tokens - at))
        for end in np.flatnonzero(ids == 0) + at + 1:
            while end - starts[-1] > 2 * block_tokens:  # a sentence longer than a block
                starts.append(starts[-1] + block_tokens)
            if end - starts[-1] >= block_tokens and end < tokens:
                starts.append(int(end))
        at += len(ids)
    while tokens - starts[-1] > 2 * block_tokens:
        starts.append(starts[-1] + block_tokens)
    return starts


def dealt_in_blocks(encoded: EncodedCorpus, workers: int, spool_dir: str | None = None,
                    block_tokens: int = BLOCK_TOKENS) -> EncodedCorpus:
    """The ids reordered so that each thread's equal part of the file holds
    every ``workers``-th block of sentences, in text order (thread_split
    'blocks'): the threads move through the text together, as gensim's
    threads take the next job, where word2vec.c's each train their own part
    of it from the start of the schedule to its end."""
    starts = block_starts(encoded.file, encoded.tokens, block_tokens) + [encoded.tokens]
    order = [b for first in range(workers) for b in range(first, len(starts) - 1, workers)]
    spool, fd = open_spool(ENCODED_CORPUS, spool_dir), encoded.file.fileno()
    with closed_on_error(spool), encoded:
        for b in order:
            write_spool(spool, read_ids(fd, starts[b], starts[b + 1] - starts[b]),
                        ENCODED_CORPUS, spool_dir)
        flush_spool(spool, ENCODED_CORPUS, spool_dir)
    return EncodedCorpus(spool, encoded.tokens, encoded.skipped)


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

