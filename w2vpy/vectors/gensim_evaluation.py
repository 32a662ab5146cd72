"""Evaluation with gensim's rules and return values, for ``KeyedVectors``'
``evaluate_word_analogies``, ``evaluate_word_pairs`` and ``wmdistance``.

Where gensim's rules differ from word2vec.c's compute-accuracy (``evaluation``):
words compare in Unicode upper case, ``restrict_vocab`` defaults to 300000, the
answer is the first of the five nearest words that is not a question word
(any similarity, not only above 0), and questions are not cut to 50 bytes.  The
vectors are taken as an object with KeyedVectors' attributes (this layer does
not import the public module).
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.parameters import check_count
from w2vpy.vectors.evaluation import _lines

SIMILARITY_FUNCTIONS = ("most_similar", "most_similar_cosmul")
#: gensim looks at this many nearest words for an answer that is not a question word
_CANDIDATES = 5


def _ok_vocab(kv, restrict_vocab: int, case_insensitive: bool) -> dict[str, int]:
    """gensim's ok_vocab: the first ``restrict_vocab`` keys (upper case), the
    first row of each; rows without a direction are left out (no cosine)."""
    n = min(check_count(restrict_vocab, "restrict_vocab", 1), len(kv))
    found: dict[str, int] = {}
    for i, key in enumerate(kv.index_to_key[:n]):
        if kv.has_direction[i]:
            found.setdefault(key.upper() if case_insensitive else key, i)
    return found


def _decoded(line: bytes, encoding: str, path: Path, lineno: int) -> str:
    try:
        return line.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CorruptInputError(f"{path}:{lineno}: not valid {encoding} ({exc.reason})") from None
    except LookupError:
        raise W2VError(f"unknown encoding {encoding!r}") from None


def _answer(kv, question: tuple[int, int, int], restrict: int, ignore: set[str],
            case_insensitive: bool, cosmul: bool) -> str | None:
    """gensim's prediction: the first of the five nearest that is no question word."""
    a, b, c = (kv.index_to_key[i] for i in question)
    search = kv.most_similar_cosmul if cosmul else kv.most_similar
    sims = search(positive=[b, c], negative=[a], topn=_CANDIDATES, restrict_vocab=restrict)
    predicted = None
    for key, _ in sims:
        predicted = key.upper() if case_insensitive else key
        if predicted not in ignore:
            break
    return predicted


def evaluate_word_analogies(kv, analogies: str | os.PathLike[str], restrict_vocab: int,
                            case_insensitive: bool, dummy4unknown: bool,
                            similarity_function: str) -> tuple[float, list[dict]]:
    """gensim's ``(score, sections)`` for a questions-words file."""
    if similarity_function not in SIMILARITY_FUNCTIONS:
        raise W2VError(f"similarity_function must be one of {', '.join(SIMILARITY_FUNCTIONS)}, "
                       f"got {similarity_function!r}")
    path = Path(analogies)
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    restrict = min(restrict_vocab, len(kv))
    sections: list[dict] = []
    section: dict | None = None
    for lineno, raw in _lines(path, "questions file"):
        line = _decoded(raw, "utf-8", path, lineno)
        if line.startswith(": "):
            section = {"section": line.lstrip(": ").strip(), "correct": [], "incorrect": []}
            sections.append(section)
            continue
        if section is None:
            raise CorruptInputError(f"{path}:{lineno}: a question before any ': section' line")
        words = [w.upper() if case_insensitive else w for w in line.split()]
        if len(words) != 4:
            continue  # gensim skips a line that is not four words
        if not all(w in ok_vocab for w in words):
            if dummy4unknown:
                section["incorrect"].append(tuple(words))
            continue
        question = (ok_vocab[words[0]], ok_vocab[words[1]], ok_vocab[words[2]])
        predicted = _answer(kv, question, restrict, set(words[:3]), case_insensitive,
                            similarity_function == "most_similar_cosmul")
        section["correct" if predicted == words[3] else "incorrect"].append(tuple(words))
    total = {"section": "Total accuracy",
             "correct": [q for s in sections for q in s["correct"]],
             "incorrect": [q for s in sections for q in s["incorrect"]]}
    sections.append(total)
    seen = len(total["correct"]) + len(total["incorrect"])
    return (len(total["correct"]) / seen if seen else 0.0), sections


def _pair(line: str, delimiter: str, case_insensitive: bool) -> tuple[str, str, float] | None:
    fields = line.split(delimiter)
    if len(fields) != 3:
        return None
    try:
        score = float(fields[2])
    except ValueError:
        return None
    a, b = (fields[0].upper(), fields[1].upper()) if case_insensitive else fields[:2]
    return a, b, score


def _correlations(gold: list[float], model: list[float]):
    try:
        from scipy import stats
    except ImportError:
        raise W2VError("evaluate_word_pairs's p-values need scipy (pip install scipy); "
                       "word_pair_correlation() gives the correlations without it") from None
    pearson = stats.pearsonr(gold, model)
    spearman = stats.spearmanr(gold, model)
    return ((float(pearson[0]), float(pearson[1])), (float(spearman[0]), float(spearman[1])))


def evaluate_word_pairs(kv, pairs: str | os.PathLike[str], delimiter: str, encoding: str,
                        restrict_vocab: int, case_insensitive: bool, dummy4unknown: bool):
    """gensim's ``((pearson, p), (spearman, p), oov_percent)`` for a word-pair file."""
    path = Path(pairs)
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    unit = kv.unit_vectors
    gold: list[float] = []
    model: list[float] = []
    oov = 0
    for lineno, raw in _lines(path, "word-pair file"):
        line = _decoded(raw, encoding, path, lineno)
        parsed = None if line.startswith("#") else _pair(line, delimiter, case_insensitive)
        if parsed is None:
            continue
        a, b, score = parsed
        if a not in ok_vocab or b not in ok_vocab:
            oov += 1
            if dummy4unknown:
                gold.append(score)
                model.append(0.0)
            continue
        gold.append(score)
        model.append(float(unit[ok_vocab[a]] @ unit[ok_vocab[b]]))
    if len(gold) < 2:
        raise CorruptInputError(f"{path}: {len(gold)} usable word pairs (of {len(gold) + oov}): "
                                "a correlation needs two or more")
    pearson, spearman = _correlations(gold, model)
    judged = len(gold) if dummy4unknown else len(gold) + oov
    return pearson, spearman, 100.0 * oov / judged


def word_movers_distance(kv, document1: Sequence[str], document2: Sequence[str], norm: bool,
                         emd2: Callable) -> float:
    """gensim's wmdistance: EMD between the documents' word frequencies, with
    the Euclidean distances of their (unit, with ``norm``) vectors as costs."""
    doc1 = [w for w in document1 if w in kv]
    doc2 = [w for w in document2 if w in kv]
    if not doc1 or not doc2:
        return float("inf")
    words = list(dict.fromkeys(doc1 + doc2))
    if len(words) == 1:
        return 0.0
    index = {w: i for i, w in enumerate(words)}
    rows = np.stack([kv.get_vector(w, norm=norm) for w in words]).astype(np.float64)
    first, second = sorted(set(doc1), key=index.get), sorted(set(doc2), key=index.get)
    cost = np.zeros((len(words), len(words)))
    i1, i2 = [index[w] for w in first], [index[w] for w in second]
    cost[np.ix_(i1, i2)] = np.linalg.norm(rows[i1][:, None, :] - rows[i2][None, :, :], axis=2)
    if abs(cost.sum()) < 1e-8:
        return float("inf")
    return float(emd2(_frequencies(doc1, index), _frequencies(doc2, index), cost))


def _frequencies(document: list[str], index: dict[str, int]) -> np.ndarray:
    d = np.zeros(len(index))
    for word, n in Counter(document).items():
        d[index[word]] = n / len(document)
    return d
