"""Evaluation as word2vec.c's compute-accuracy, and word-pair similarity.

``analogy_accuracy`` counts as compute-accuracy: the model is cut to its first
``restrict_vocab`` words, words compare in upper case (ASCII), a question counts
only when its four words are all present, the answer is the nearest word to
``b - a + c`` (unit vectors, no renormalisation) other than a, b and c with a
dot product above 0, and the first five sections are semantic.
"""
from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from w2vpy.errors import CorruptInputError
from w2vpy.vectors.vector_files import split_words
from w2vpy.system.paths import open_input_file
from w2vpy.parameters import check_count

SEMANTIC_SECTIONS = 5
#: compute-accuracy stores vocabulary words in 50-byte slots
MAX_EVAL_WORD_BYTES = 50
_BATCH = 1024


@dataclass
class SectionResult:
    name: str
    correct: int = 0
    seen: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.seen if self.seen else 0.0


@dataclass
class AnalogyResult:
    sections: list[SectionResult] = field(default_factory=list)
    questions_total: int = 0
    semantic_correct: int = 0
    semantic_seen: int = 0
    syntactic_correct: int = 0
    syntactic_seen: int = 0

    @property
    def correct(self) -> int:
        return self.semantic_correct + self.syntactic_correct

    @property
    def seen(self) -> int:
        return self.semantic_seen + self.syntactic_seen

    @property
    def accuracy(self) -> float:
        return self.correct / self.seen if self.seen else 0.0

    @property
    def semantic_accuracy(self) -> float:
        return self.semantic_correct / self.semantic_seen if self.semantic_seen else 0.0

    @property
    def syntactic_accuracy(self) -> float:
        return self.syntactic_correct / self.syntactic_seen if self.syntactic_seen else 0.0

    def report(self) -> str:
        lines = []
        for s in self.sections:
            lines.append(f"{s.name}:")
            lines.append(f"ACCURACY TOP1: {s.accuracy * 100:.2f} %  ({s.correct} / {s.seen})")
        lines.append(f"Total accuracy: {self.accuracy * 100:.2f} %   "
                     f"Semantic accuracy: {self.semantic_accuracy * 100:.2f} %   "
                     f"Syntactic accuracy: {self.syntactic_accuracy * 100:.2f} % ")
        pct = self.seen / self.questions_total * 100 if self.questions_total else 0.0
        lines.append(f"Questions seen / total: {self.seen} {self.questions_total}   {pct:.2f} % ")
        return "\n".join(lines)


#: the longest line a questions or word-pair file may hold: compute-accuracy
#: reads words of up to 2000 characters, four to a line
MAX_LINE_BYTES = 1 << 16


def _lines(source: Path | bytes | BinaryIO, what: str) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of a file, its bytes or an open binary stream, read
    a line at a time, so that memory never holds more than one bounded line."""
    if isinstance(source, bytes):
        yield from enumerate(source.split(b"\n"), start=1)
    elif isinstance(source, Path):
        with open_input_file(source, what) as f:
            yield from _stream_lines(f, str(source), what)
    else:
        yield from _stream_lines(source, "<stdin>", what)


def _stream_lines(f: BinaryIO, name: str, what: str) -> Iterator[tuple[int, bytes]]:
    for lineno in itertools.count(1):
        line = f.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise CorruptInputError(f"{name}:{lineno}: line longer than {MAX_LINE_BYTES} "
                                    f"bytes: not a {what}")
        yield lineno, line


def _questions(source: Path | bytes | BinaryIO
               ) -> Iterator[tuple[str | None, tuple[bytes, ...] | None]]:
    """(section name, None) at each ``: name`` line, (None, four words in
    upper case) for each question; words are split where compute-accuracy's
    scanf splits them (ASCII blanks, never a non-breaking space)."""
    path = source if isinstance(source, Path) else "<stdin>"
    for lineno, line in _lines(source, "questions file"):
        parts = line.split()  # bytes: C's isspace, as scanf's %s
        if not parts:
            continue
        if parts[0] == b":":
            yield (parts[1].decode("utf-8", "replace") if len(parts) > 1 else ""), None
        elif len(parts) != 4:
            raise CorruptInputError(f"{path}:{lineno}: expected 4 words, got {len(parts)}")
        else:
            yield None, tuple(p.upper() for p in parts)


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows divided by their length as compute-accuracy divides them: a zero
    row becomes NaN, which never wins a comparison there (see _best)."""
    m = np.asarray(vectors, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return m / np.sqrt((m * m).sum(axis=1, keepdims=True))


def _best(sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """compute-accuracy's answer per row: the first column whose similarity is
    above 0 and above all before it; NaN (a zero vector on either side) never
    wins, where numpy's argmax would take the first NaN."""
    sims = np.where(np.isnan(sims), -np.inf, sims)
    best = np.argmax(sims, axis=1)
    return best, sims[np.arange(len(sims)), best] > 0


class _Section:
    """The questions of one section, answered a batch at a time."""

    def __init__(self, name: str, m: np.ndarray, keys: list[bytes], index: dict[bytes, int]):
        self.result = SectionResult(name)
        self.total = 0
        self._m, self._keys, self._index = m, keys, index
        self._batch: list[tuple[int, int, int, bytes]] = []

    def add(self, a: bytes, b: bytes, c: bytes, d: bytes) -> None:
        self.total += 1
        index = self._index
        if a in index and b in index and c in index and d in index:
            self._batch.append((index[a], index[b], index[c], d))
            self.result.seen += 1
            if len(self._batch) == _BATCH:
                self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        m = self._m
        ia, ib, ic = (np.array([q[k] for q in self._batch]) for k in range(3))
        sims = ((m[ib] - m[ia]) + m[ic]) @ m.T
        rows = np.arange(len(self._batch))
        for excluded in (ia, ib, ic):
            sims[rows, excluded] = -np.inf
        best, ok = _best(sims)
        self.result.correct += sum(1 for r, q in enumerate(self._batch)
                                   if ok[r] and self._keys[best[r]] == q[3])
        self._batch = []


def analogy_accuracy(vectors, questions: str | os.PathLike[str] | bytes | BinaryIO,
                     restrict_vocab: int = 30000) -> AnalogyResult:
    """compute-accuracy on a questions-words file or its bytes.

    Parameters
    ----------
    vectors : WordVectors
    questions : str, PathLike, bytes or binary stream
        The questions file (``: section`` lines, then ``a b c d`` lines), its
        bytes, or a stream read a line at a time (standard input).
    restrict_vocab : int
        Only the first this many words are searched (0: all words).

    Returns
    -------
    AnalogyResult
        Counted as compute-accuracy counts; a zero vector never answers, and
        a question holding one is seen and missed, as there.
    """
    source = Path(questions) if isinstance(questions, (str, os.PathLike)) else questions
    restrict_vocab = check_count(restrict_vocab, "restrict_vocab", 0)
    n = len(vectors) if not restrict_vocab else min(restrict_vocab, len(vectors))
    keys = [w.encode("utf-8", "surrogateescape")[:MAX_EVAL_WORD_BYTES].upper()
            for w in vectors.index_to_key[:n]]
    index: dict[bytes, int] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, i)
    m = _unit_rows(vectors.vectors[:n])
    result = AnalogyResult()
    section: _Section | None = None
    for name, question in _questions(source):
        if question is None or section is None:
            if section is not None:
                _close_section(result, section)
            section = _Section(name or "", m, keys, index)
        if question is not None:
            section.add(*question)
    if section is not None:
        _close_section(result, section)
    return result


def _close_section(result: AnalogyResult, section: _Section) -> None:
    section.flush()
    s = section.result
    result.sections.append(s)
    result.questions_total += section.total
    if len(result.sections) <= SEMANTIC_SECTIONS:
        result.semantic_correct += s.correct
        result.semantic_seen += s.seen
    else:
        result.syntactic_correct += s.correct
        result.syntactic_seen += s.seen


@dataclass
class WordPairResult:
    pearson: float
    spearman: float
    oov_ratio: float
    pairs_used: int
    pairs_total: int


def _rank(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x))
    # average ranks of ties
    sorted_x = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2
        i = j + 1
    return ranks


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    y = y - y.mean()
    denom = math.sqrt(float((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denom) if denom else float("nan")


def evaluate_word_pairs(vectors, path: str | os.PathLike[str], delimiter: str | None = None,
                        restrict_vocab: int = 300000, case_insensitive: bool = True) -> WordPairResult:
    """Pearson and Spearman correlation between human scores and cosine
    similarity on wordsim353/simlex999-style files.

    Parameters
    ----------
    vectors : WordVectors
    path : str or PathLike
        ``word1 word2 score`` lines; lines starting with ``#`` and lines whose
        score is not a number (a header) are skipped.
    delimiter : str or None
        What separates the fields; None: spaces and tabs (a non-breaking
        space is part of a word, as in word2vec.c's tools).
    restrict_vocab : int
        Only the first this many words are looked up.
    case_insensitive : bool
        Compare words in upper case.

    Returns
    -------
    WordPairResult
        A pair with an unknown word, or a word whose vector is zero (it has no
        cosine), is not used and counts in ``oov_ratio``.
    """
    path = Path(path)
    n = min(check_count(restrict_vocab, "restrict_vocab", 1), len(vectors))
    index: dict[str, int] = {}
    for i, w in enumerate(vectors.index_to_key[:n]):
        if vectors.has_direction[i]:
            index.setdefault(w.upper() if case_insensitive else w, i)
    unit = vectors.unit_vectors
    human, model = [], []
    total = 0
    for _, line in _lines(path, "word-pair file"):
        parts = _pair_fields(line, delimiter)
        if len(parts) < 3 or parts[0].startswith("#"):
            continue
        try:
            score = float(parts[2])
        except ValueError:
            continue  # a header line
        total += 1
        a, b = (parts[0].upper(), parts[1].upper()) if case_insensitive else (parts[0], parts[1])
        if a in index and b in index:
            human.append(score)
            model.append(float(unit[index[a]] @ unit[index[b]]))
    if total == 0:
        raise CorruptInputError(f"{path}: no 'word word score' lines")
    h, mdl = np.array(human), np.array(model)
    pearson = _pearson(h, mdl) if len(h) > 1 else float("nan")
    spearman = _pearson(_rank(h), _rank(mdl)) if len(h) > 1 else float("nan")
    return WordPairResult(pearson, spearman, 1 - len(h) / total, len(h), total)


def _pair_fields(line: bytes, delimiter: str | None) -> list[str]:
    """A word-pair line's fields, decoded as vocabulary keys are."""
    if delimiter:
        fields = [f.strip(b" \t") for f in line.rstrip(b"\r\n").split(delimiter.encode())]
    else:
        fields = split_words(line)
    return [f.decode("utf-8", "surrogateescape") for f in fields]
