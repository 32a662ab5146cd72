"""Phrases: word2phrase.c, which joins frequent word pairs ("new york" ->
"new_york") so that phrases get vectors of their own.

A ``PhraseModel`` holds word2phrase's counts (words and "a_b" pair keys in one
table, those under ``min_count`` dropped) and applies them to text: a pair
whose score ``(count(a_b) - min_count) / count(a) / count(b) * train_words``
passes the threshold is written joined, and the word after a join starts no
pair, so one pass never chains three words; a second pass over its output
reaches four.  The counting and the rewrite are C (``phrases.c``); the output
is word2phrase.c's, byte for byte (every word after ' ' or '_', every line
end kept), on newline-terminated text whose words fit in 58 bytes.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from w2vpy import _core
from w2vpy.atomic import atomic_write
from w2vpy.corpus import Corpus
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.paths import check_distinct, open_input_file

#: word2phrase.c's ReduceVocab limit: 0.7 of its 500M-entry hash table
DEFAULT_MAX_PHRASE_KEYS = 350_000_000
DEFAULT_MIN_COUNT = 5
DEFAULT_THRESHOLD = 100.0
#: the first line of a saved model: the format and its version
FORMAT = "w2vpy-phrases"
FORMAT_VERSION = 1


def check_phrase_settings(min_count: int, thresholds: Sequence[float]) -> None:
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise W2VError(f"min_count must be an integer >= 1, got {min_count!r}")
    if not thresholds:
        raise W2VError("threshold needs at least one value (one per pass)")
    for threshold in thresholds:
        if (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                or not np.isfinite(threshold) or threshold < 0):
            raise W2VError(f"threshold must be a number >= 0, got {threshold!r}")


@dataclass
class PhraseModel:
    table: _core.WordCounter
    train_words: int
    min_count: int = DEFAULT_MIN_COUNT
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def learn(cls, source: str | os.PathLike[str] | Corpus, min_count: int = DEFAULT_MIN_COUNT,
              threshold: float = DEFAULT_THRESHOLD,
              max_keys: int = DEFAULT_MAX_PHRASE_KEYS) -> PhraseModel:
        """word2phrase's counting pass over a corpus (anything ``train`` reads)."""
        check_phrase_settings(min_count, [threshold])
        table = _core.WordCounter(max_keys)
        counter = _core.PhraseCounter(table)
        with _reading(source) as corpus:
            for chunk in corpus.chunks(True):
                counter.feed(chunk)
            counter.finish()
            if counter.train_words == 0:
                raise W2VError(f"phrase input {corpus.name} is empty (no words)")
        return cls(table, counter.train_words, min_count, float(threshold))

    @property
    def prune_events(self) -> int:
        return self.table.prune_events

    def count(self, key: str | bytes) -> int:
        """A word's or an "a_b" pair's count; 0 when under min_count or unseen."""
        key = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key
        count = self.table.count_of(key)
        return count if count >= self.min_count else 0

    def rewrite(self, chunks: Iterable[bytes], threshold: float | None = None) -> Iterator[bytes]:
        """The text of ``chunks`` with the pairs that pass the threshold joined."""
        writer = self._writer(threshold)
        for chunk in chunks:
            out = writer.feed(chunk)
            if out:
                yield out
        out = writer.finish()
        if out:
            yield out

    def _writer(self, threshold: float | None) -> _core.PhraseWriter:
        threshold = self.threshold if threshold is None else threshold
        check_phrase_settings(self.min_count, [threshold])
        return _core.PhraseWriter(self.table, self.min_count, threshold, self.train_words)

    def apply(self, source: str | os.PathLike[str] | Corpus, output: str | os.PathLike[str],
              threshold: float | None = None) -> None:
        """Rewrite a corpus into a file, written atomically."""
        with _reading(source) as corpus:
            check_distinct([("phrase input", p) for p in corpus.input_paths],
                           [("phrase output", output)])
            with atomic_write(output) as f:
                for out in self.rewrite(corpus.chunks(True), threshold):
                    f.write(out)

    def apply_lines(self, lines: Iterable[str], threshold: float | None = None) -> Iterator[str]:
        """Each line (a str, with or without its newline) rewritten, without
        word2phrase's leading space: ``"new york times"`` -> ``"new_york times"``."""
        writer = self._writer(threshold)
        for line in lines:
            data = line.rstrip("\n").encode("utf-8", "surrogateescape") + b"\n"
            yield writer.feed(data)[:-1].decode("utf-8", "surrogateescape").lstrip(" ")

    def save(self, path: str | os.PathLike[str]) -> None:
        """The kept keys and counts as text, written atomically, so that the
        same joins apply to new text later (``load``)."""
        counts = self.table.counts()
        kept = np.flatnonzero(counts >= self.min_count)
        kept = kept[kept > 0]  # entry 0 is the counter's sentence token
        header = (f"{FORMAT} {FORMAT_VERSION} train_words={self.train_words} "
                  f"min_count={self.min_count} threshold={self.threshold!r}\n").encode()
        lines = [b"%s %d\n" % (w, c)
                 for w, c in zip(self.table.words(kept), counts[kept].tolist())]
        with atomic_write(path) as f:
            f.write(header + b"".join(lines))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PhraseModel:
        with open_input_file(path, "phrase model") as f:
            header = f.readline().decode("ascii", "replace")
            found = re.fullmatch(rf"{FORMAT} (\d+) train_words=(\d+) min_count=(\d+) "
                                 r"threshold=(\S+)\n", header)
            if found is None:
                raise CorruptInputError(f"{path} is not a w2vpy phrase model")
            if int(found.group(1)) > FORMAT_VERSION:
                raise CorruptInputError(f"{path} is a phrase model of format version "
                                        f"{found.group(1)}; this w2vpy reads up to "
                                        f"{FORMAT_VERSION}: upgrade w2vpy")
            table = _core.WordCounter(2**62)
            for lineno, line in enumerate(f, start=2):
                parts = line.rstrip(b"\n").split(b" ")
                if len(parts) != 2 or not parts[0] or not parts[1].isdigit():
                    raise CorruptInputError(f"{path}:{lineno}: expected 'key count', "
                                            f"got {line[:80]!r}")
                if not table.append(parts[0], int(parts[1])):
                    raise CorruptInputError(f"{path}:{lineno}: key listed twice: {parts[0]!r}")
        return cls(table, int(found.group(2)), int(found.group(3)), float(found.group(4)))


@contextmanager
def _reading(source: str | os.PathLike[str] | Corpus) -> Iterator[Corpus]:
    """A corpus to read; one opened here is closed here, one given is left open."""
    if isinstance(source, Corpus):
        yield source
    else:
        with Corpus(source) as corpus:
            yield corpus


def phrases(source: str | os.PathLike[str] | Corpus, output: str | os.PathLike[str], *,
            min_count: int = DEFAULT_MIN_COUNT,
            threshold: float | Sequence[float] = DEFAULT_THRESHOLD,
            max_keys: int = DEFAULT_MAX_PHRASE_KEYS) -> None:
    """word2phrase in one call: learn and apply, once per threshold
    (``threshold=(200, 100)`` runs two passes, as word2vec's demo-phrases.sh,
    and reaches four-word phrases); ``output`` is written atomically."""
    thresholds = list(threshold) if isinstance(threshold, (list, tuple)) else [threshold]
    check_phrase_settings(min_count, thresholds)
    output = Path(output)
    with _reading(source) as corpus:
        check_distinct([("phrase input", p) for p in corpus.input_paths],
                       [("phrase output", output)])
        current: str | os.PathLike[str] | Corpus = corpus
        passes = [output.with_name(f".{output.name}.pass{i + 1}")
                  for i in range(len(thresholds) - 1)] + [output]
        try:
            for value, target in zip(thresholds, passes):
                model = PhraseModel.learn(current, min_count, value, max_keys)
                model.apply(current, target)
                current = target
        finally:
            for between in passes[:-1]:
                between.unlink(missing_ok=True)
