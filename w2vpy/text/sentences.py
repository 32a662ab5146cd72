"""Training text given as Python data: an iterable of sentences, each a
sequence of ``str`` tokens (gensim's ``sentences``).

Such a source is read as the file holding the same tokens would be: a
sentence is a line (it ends the context window as ``</s>`` does, and is split
every 1000 words as word2vec.c splits long lines), so training on a list and
on its text file gives the same vectors.  The joining is compiled
(``_core.join_sentences``); Python steps once per batch of sentences, never
per token.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Iterator

from w2vpy import _core
from w2vpy.text.prepared import PreparedCorpus, is_prepared, open_prepared
from w2vpy.text.text_files import Corpus, fingerprinted
from w2vpy.errors import NotTrainable, W2VError, WrongType

#: tokens per batch handed to the compiled joiner (about a megabyte of text)
BATCH_TOKENS = 1 << 17


def is_path(source: object) -> bool:
    return isinstance(source, (str, os.PathLike))


class SentenceCorpus:
    """A re-iterable of token sequences, read as a corpus (``Corpus``'s
    interface: ``name``, ``chunks``, ``input_paths``, ``skipped``,
    ``has_compressed_files``, ``can_read_again``)."""

    def __init__(self, sentences: Iterable, name: str = "the sentences"):
        if isinstance(sentences, (bytes, bytearray)) or not isinstance(sentences, Iterable):
            raise W2VError(f"source must be a path or an iterable of sentences (each a list of "
                           f"str tokens), got {type(sentences).__name__}")
        self.sentences = sentences
        self.name = name
        self.input_paths: list[Path] = []
        self.skipped: list[tuple[Path, str]] = []
        self.is_iterator = iter(sentences) is sentences
        self._passes = 0
        #: the hash of the joined text, once a pass read it all (corpus.fingerprinted)
        self.fingerprint: str | None = None

    #: the joined text is plain, so parallel counting may cut it between words
    has_compressed_files = False

    @property
    def can_read_again(self) -> bool:
        """Whether a second pass gets the same sentences: not from an iterator."""
        return not self.is_iterator

    def chunks(self, read_ahead: bool = False) -> Iterator[bytes]:
        if self.is_iterator and self._passes > 0:
            raise W2VError(f"{self.name} is an iterator (a generator?), which can be read only "
                           "once: pass a list, or an object whose __iter__ starts over")
        self._passes += 1
        return fingerprinted(self._chunks(), self)

    def _chunks(self) -> Iterator[bytes]:
        batch: list = []
        tokens = first = sentences = 0
        for sentence in self.sentences:
            batch.append(sentence)
            sentences += 1
            tokens += len(sentence) if hasattr(sentence, "__len__") else 1
            if tokens >= BATCH_TOKENS:
                yield self._join(batch, first)
                first += len(batch)
                batch, tokens = [], 0
        if batch:
            yield self._join(batch, first)
        if sentences == 0:
            if self.is_iterator:
                raise W2VError(f"{self.name} gave no sentences: an iterator that was already "
                               "read (by build_vocab?) is empty; pass a list, or an object "
                               "whose __iter__ starts over")
            raise NotTrainable(f"{self.name} has no sentences")

    @staticmethod
    def _join(batch: list, first: int) -> bytes:
        text = _core.join_sentences(batch)
        if text is None:
            raise _refusal(batch, first)
        return text

    def close(self) -> None:
        pass

    def __enter__(self) -> SentenceCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refusal(batch: list, first: int) -> W2VError:
    """What join_sentences refused, found again in Python and named."""
    for offset, sentence in enumerate(batch):
        where = f"sentence {first + offset}"
        if isinstance(sentence, str):
            return W2VError(f"{where} is a str ({_shown(sentence)}), not a list of tokens: "
                            "split it first (sentence.split()); a str sentence would train on "
                            "its single characters")
        if isinstance(sentence, (bytes, bytearray)):
            return W2VError(f"{where} is bytes ({_shown(sentence)}), not a list of str tokens: "
                            "decode and split it first")
        try:
            tokens = list(sentence)
        except TypeError:
            return WrongType(f"{where} is a {type(sentence).__name__}, not a sequence of str "
                             "tokens")
        for position, token in enumerate(tokens):
            if not isinstance(token, str):
                return WrongType(f"{where}, token {position} is a {type(token).__name__} "
                                f"({_shown(token)}), not a str")
            if not token:
                return W2VError(f"{where}, token {position} is empty")
            if "\0" in token:
                return W2VError(f"{where}, token {position} ({_shown(token)}) holds a NUL "
                                "character, which a word2vec file cannot hold (word2vec.c "
                                "would cut the word there)")
            if any(c in token for c in " \t\n\r"):
                return W2VError(f"{where}, token {position} ({_shown(token)}) holds a space, "
                                "tab or line break, which a word2vec file cannot hold: join its "
                                "parts with '_' (as word2phrase does)")
    return WrongType("a sentence could not be read")  # join_sentences and this scan disagree


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@contextlib.contextmanager
def open_source(source: object) -> Iterator[Corpus | SentenceCorpus]:
    """A corpus for a training source: a path (``Corpus``), an already open
    corpus, or sentences (``SentenceCorpus``).  Only what it opened is closed
    at the end: a caller's corpus (a spooled stream) is read again by the
    call after (build_vocab, then train)."""
    if isinstance(source, (Corpus, SentenceCorpus, PreparedCorpus)):
        yield source
        return
    with open_path(source) if is_path(source) else SentenceCorpus(source) as corpus:
        yield corpus


def open_path(path: str | os.PathLike[str]) -> Corpus | PreparedCorpus:
    """A source named by a path: a prepared corpus (``w2v-prepare``'s output:
    its vocabulary and word ids, nothing counted or read as text again), or
    training text."""
    return open_prepared(path) if is_prepared(path) else Corpus(path)
