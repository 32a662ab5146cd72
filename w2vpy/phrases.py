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

import contextlib
import os
import re
import sys
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence, TextIO

import numpy as np

from w2vpy import _core
from w2vpy.system.atomic import atomic_write
from w2vpy.text.text_files import Corpus
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.parameters import PhraseParams, phrase_params
from w2vpy.system.paths import check_distinct, open_input_file, output_target
from w2vpy.system.spool import flush_spool, open_spool, write_spool
from w2vpy.text.vocab import unpruned_counter

#: the first line of a saved model: the format and its version
FORMAT = "w2vpy-phrases"
FORMAT_VERSION = 1
PROGRESS_INTERVAL_S = 0.5


@dataclass(frozen=True)
class PassReport:
    """What one pass did: its threshold, the words it read, the words and
    pairs its table held, the pairs it joined, the prunings."""

    threshold: float
    train_words: int
    vocab_size: int
    pairs_joined: int
    prune_events: int

    def describe(self, max_vocab_size: int) -> str:
        pruned = (f" (pruned {self.prune_events} time(s) to stay under {max_vocab_size})"
                  if self.prune_events else "")
        return (f"words in train file: {self.train_words}; vocab size (words + pairs): "
                f"{self.vocab_size}{pruned}; pairs joined: {self.pairs_joined}")


class _ProgressLine:
    """One updating line on a stream (``-debug 2``), at most every half second."""

    def __init__(self, stream: TextIO | None, label: str):
        self.stream, self.label, self.last = stream, label, 0.0

    def __call__(self, text: str) -> None:
        now = time.perf_counter()
        if self.stream is None or now - self.last < PROGRESS_INTERVAL_S:
            return
        self.last = now
        self.stream.write(f"\r{self.label}: {text}   ")
        self.stream.flush()

    def end(self) -> None:
        if self.stream is not None and self.last:
            self.stream.write("\n")
            self.stream.flush()


def _silent(text: str) -> None:
    pass


@dataclass
class PhraseModel:
    table: _core.WordCounter
    train_words: int
    min_count: int = PhraseParams.min_count
    threshold: float = PhraseParams.threshold[0]

    @classmethod
    def learn(cls, source: str | os.PathLike[str] | Corpus, *,
              min_count: int = PhraseParams.min_count,
              threshold: float = PhraseParams.threshold[0],
              max_vocab_size: int = PhraseParams.max_vocab_size) -> PhraseModel:
        """word2phrase's counting pass over a corpus (anything ``train`` reads).
        ``threshold`` is the one ``rewrite``/``apply`` use unless given theirs."""
        params = phrase_params(dict(min_count=min_count, threshold=threshold,
                                    max_vocab_size=max_vocab_size))
        if len(params.threshold) != 1:
            raise W2VError(f"a phrase model applies one threshold, got {threshold!r} "
                           "(phrases() takes one per pass)")
        with _reading(source) as corpus:
            return cls._count(corpus, params, params.threshold[0], _silent)

    @classmethod
    def _count(cls, corpus: Corpus, params: PhraseParams, threshold: float,
               progress: Callable[[str], None]) -> PhraseModel:
        table = _core.WordCounter(params.max_vocab_size)
        counter = _core.PhraseCounter(table)
        for chunk in corpus.chunks(True):
            counter.feed(chunk)
            progress(f"{counter.train_words // 1000}K words, "
                     f"{len(table) // 1000}K words and pairs")
        counter.finish()
        if counter.train_words == 0:
            raise W2VError(f"phrase input {corpus.name} is empty (no words)")
        return cls(table, counter.train_words, params.min_count, threshold)

    @property
    def prune_events(self) -> int:
        return self.table.prune_events

    @property
    def vocab_size(self) -> int:
        """Words and pairs counted (every key, those under min_count too)."""
        return len(self.table)

    def count(self, key: str | bytes) -> int:
        """A word's or an "a_b" pair's count; 0 when under min_count or unseen."""
        key = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key
        count = self.table.count_of(key)
        return count if count >= self.min_count else 0

    def rewrite(self, chunks: Iterable[bytes], threshold: float | None = None) -> Iterator[bytes]:
        """The text of ``chunks`` with the pairs that pass the threshold joined."""
        yield from _rewritten(self._writer(threshold), chunks)

    def _writer(self, threshold: float | None) -> _core.PhraseWriter:
        if threshold is None:
            threshold = self.threshold
        else:
            (threshold,) = phrase_params(dict(threshold=threshold)).threshold
        return _core.PhraseWriter(self.table, self.min_count, threshold, self.train_words)

    def apply(self, source: str | os.PathLike[str] | Corpus, output: str | os.PathLike[str],
              threshold: float | None = None) -> None:
        """Rewrite a corpus into a file, written atomically."""
        with _reading(source) as corpus:
            check_distinct([("phrase input", p) for p in corpus.input_paths],
                           [("phrase output", output)])
            with atomic_write(output) as f:
                self._write(corpus, f.write, threshold, _silent)

    def _write(self, corpus: Corpus, write: Callable[[bytes], object],
               threshold: float | None, progress: Callable[[str], None]) -> int:
        """Rewrites ``corpus`` through ``write``; returns the pairs joined."""
        writer = self._writer(threshold)
        written = 0
        for out in _rewritten(writer, corpus.chunks(True)):
            write(out)
            written += len(out)
            progress(f"{written >> 20} MB written")
        return writer.pairs_joined

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
            table = unpruned_counter()
            for lineno, line in enumerate(f, start=2):
                parts = line.rstrip(b"\n").split(b" ")
                if len(parts) != 2 or not parts[0] or not parts[1].isdigit():
                    raise CorruptInputError(f"{path}:{lineno}: expected 'key count', "
                                            f"got {line[:80]!r}")
                if not table.append(parts[0], int(parts[1])):
                    raise CorruptInputError(f"{path}:{lineno}: key listed twice: {parts[0]!r}")
        try:
            params = phrase_params(dict(min_count=int(found.group(3)),
                                        threshold=float(found.group(4))))
        except (W2VError, ValueError) as exc:
            raise CorruptInputError(f"{path}: bad settings in its header ({exc})") from None
        return cls(table, int(found.group(2)), params.min_count, params.threshold[0])


def _rewritten(writer: _core.PhraseWriter, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The writer's output for each chunk, then for what the last one left."""
    for chunk in chunks:
        out = writer.feed(chunk)
        if out:
            yield out
    out = writer.finish()
    if out:
        yield out


@contextlib.contextmanager
def _reading(source: str | os.PathLike[str] | Corpus) -> Iterator[Corpus]:
    """A corpus to read; one opened here is closed here, one given is left open."""
    if isinstance(source, Corpus):
        yield source
    else:
        with Corpus(source) as corpus:
            yield corpus


def phrases(source: str | os.PathLike[str] | Corpus, output: str | os.PathLike[str], *,
            min_count: int = PhraseParams.min_count,
            threshold: float | Sequence[float] = PhraseParams.threshold,
            passes: int | None = PhraseParams.passes,
            max_vocab_size: int = PhraseParams.max_vocab_size,
            progress: bool = False) -> list[PassReport]:
    """word2phrase in one call: count and rewrite, once per pass, each pass
    reading the last one's output.  ``threshold=(200, 100)`` runs two passes,
    as word2vec's demo-phrases.sh, and reaches four-word phrases; ``passes=N``
    with one threshold runs it N times.  ``output`` is written atomically (the
    text between passes goes to an unnamed temporary file); ``progress=True``
    reports each pass on stderr.  Returns what each pass did."""
    params = phrase_params(dict(min_count=min_count, threshold=threshold, passes=passes,
                                max_vocab_size=max_vocab_size))
    output_target(output)  # before the counting, not after it
    with _reading(source) as corpus:
        check_distinct([("phrase input", p) for p in corpus.input_paths],
                       [("phrase output", output)])
        return run_passes(corpus, output, params, sys.stderr if progress else None)


def run_passes(corpus: Corpus, output: str | os.PathLike[str], params: PhraseParams,
               log: TextIO | None = None, progress: bool = True) -> list[PassReport]:
    """The passes of ``params`` over a checked corpus into a checked output;
    with ``log``, a summary of each pass (and a progress line if ``progress``)."""
    thresholds = params.pass_thresholds
    reports: list[PassReport] = []
    with contextlib.ExitStack() as between:
        current = corpus
        for number, threshold in enumerate(thresholds, start=1):
            label = f"Pass {number}/{len(thresholds)} (threshold {threshold:g})"
            line = _ProgressLine(log if progress else None, label)
            if number == len(thresholds):
                with atomic_write(output) as f:
                    report = _one_pass(current, f.write, params, threshold, line)
            else:
                what = f"the output of phrase pass {number}"
                spool = between.enter_context(open_spool(what, corpus.spool_dir))
                report = _one_pass(current, lambda data: write_spool(spool, data, what,
                                                                     corpus.spool_dir),
                                   params, threshold, line)
                flush_spool(spool, what, corpus.spool_dir)
                current = Corpus.from_spool(spool, f"pass {number}'s output")
            line.end()
            reports.append(report)
            if log is not None:
                log.write(f"{label}: {report.describe(params.max_vocab_size)}\n")
    return reports


def _one_pass(source: Corpus, write: Callable[[bytes], object], params: PhraseParams,
              threshold: float, progress: Callable[[str], None]) -> PassReport:
    """Counts ``source`` and writes it rewritten; the table is freed on return."""
    model = PhraseModel._count(source, params, threshold, progress)
    joined = model._write(source, write, None, progress)
    return PassReport(threshold, model.train_words, model.vocab_size, joined,
                      model.prune_events)
