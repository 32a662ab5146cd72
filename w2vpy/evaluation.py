"""Evaluation as word2vec.c's compute-accuracy, and word-pair similarity.

``analogy_accuracy`` counts as compute-accuracy: the model is cut to its first
``restrict_vocab`` words, words compare in upper case (ASCII), a question counts
only when its four words are all present, the answer is the nearest word to
``b - a + c`` (unit vectors, no renormalisation) other than a, b and c with a
dot product above 0, and the first five sections are semantic.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2vpy.errors import CorruptInputError
from w2vpy.paths import read_input_file

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


def _read_questions(source: Path | bytes) -> list[tuple[str, list[tuple[bytes, bytes, bytes, bytes]]]]:
    if isinstance(source, bytes):
        data, path = source, "<stdin>"
    else:
        path = source
        data = read_input_file(path, "questions file")
    sections: list[tuple[str, list]] = []
    for lineno, line in enumerate(data.split(b"\n"), start=1):
        parts = line.split()
        if not parts:
            continue
        if parts[0] == b":":
            name = parts[1].decode("utf-8", "replace") if len(parts) > 1 else ""
            sections.append((name, []))
            continue
        if len(parts) != 4:
            raise CorruptInputError(f"{path}:{lineno}: expected 4 words, got {len(parts)}")
        if not sections:
            sections.append(("", []))
        sections[-1][1].append(tuple(p.upper() for p in parts))
    return sections


def analogy_accuracy(vectors, questions: str | os.PathLike[str] | bytes,
                     restrict_vocab: int = 30000) -> AnalogyResult:
    """compute-accuracy on a questions-words file or its bytes
    (``restrict_vocab=0``: all words)."""
    source = questions if isinstance(questions, bytes) else Path(questions)
    n = len(vectors) if not restrict_vocab else min(restrict_vocab, len(vectors))
    keys = [w.encode("utf-8", "surrogateescape")[:MAX_EVAL_WORD_BYTES].upper()
            for w in vectors.index_to_key[:n]]
    index: dict[bytes, int] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, i)
    m = np.asarray(vectors.vectors[:n], dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = m / np.sqrt((m * m).sum(axis=1, keepdims=True))
    result = AnalogyResult()
    for qid, (name, questions) in enumerate(_read_questions(source), start=1):
        section = SectionResult(name)
        result.questions_total += len(questions)
        found = [(index[a], index[b], index[c], d) for a, b, c, d in questions
                 if a in index and b in index and c in index and d in index]
        for start in range(0, len(found), _BATCH):
            batch = found[start:start + _BATCH]
            ia = np.array([q[0] for q in batch])
            ib = np.array([q[1] for q in batch])
            ic = np.array([q[2] for q in batch])
            query = (m[ib] - m[ia]) + m[ic]
            sims = query @ m.T
            rows = np.arange(len(batch))
            for excluded in (ia, ib, ic):
                sims[rows, excluded] = -np.inf
            best = np.argmax(sims, axis=1)
            ok = sims[rows, best] > 0
            section.correct += sum(1 for r, q in enumerate(batch)
                                   if ok[r] and keys[best[r]] == q[3])
        section.seen = len(found)
        result.sections.append(section)
        if qid <= SEMANTIC_SECTIONS:
            result.semantic_correct += section.correct
            result.semantic_seen += section.seen
        else:
            result.syntactic_correct += section.correct
            result.syntactic_seen += section.seen
    return result


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
    similarity on wordsim353/simlex999-style files (``word1 word2 score``;
    lines starting with ``#`` and lines whose score is not a number skipped)."""
    path = Path(path)
    text = read_input_file(path, "word-pair file").decode("utf-8", "replace")
    n = min(restrict_vocab, len(vectors))
    index: dict[str, int] = {}
    for i, w in enumerate(vectors.index_to_key[:n]):
        index.setdefault(w.upper() if case_insensitive else w, i)
    unit = vectors.unit_vectors
    human, model = [], []
    total = 0
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(delimiter) if delimiter else line.split()
        if len(parts) < 3:
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
