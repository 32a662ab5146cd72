"""gensim's ways of deciding and growing a vocabulary, over word2vec.c's.

word2vec.c keeps the words that reach ``min_count``.  gensim adds a
``trim_rule`` (a function of word, count and min_count answering with one of
``RULE_DISCARD``, ``RULE_KEEP``, ``RULE_DEFAULT``, as ``gensim.utils``'s),
``max_final_vocab`` (``min_count`` raised until at most that many words are
left) and ``update=True`` (new words appended to a trained vocabulary, the
counts of known ones added to, the matrices grown).  Row 0 stays ``</s>``,
word2vec.c's sentence end, whichever applies.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from w2vpy.errors import W2VError
from w2vpy.parameters import TrainingParams
from w2vpy.text.vocab import CountedWords, Vocabulary
from w2vpy.training.cpu_backend import Weights
from w2vpy.training.weights import initial_input_vectors

#: gensim.utils' answers of a trim_rule
RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2

TrimRule = Callable[[str, int, int], int]


def effective_min_count(counts: np.ndarray, min_count: int, max_final_vocab: int | None) -> int:
    """gensim's: ``min_count``, raised past the count of the word just beyond
    the ``max_final_vocab`` most frequent (``counts`` without ``</s>``)."""
    if max_final_vocab is None or max_final_vocab >= len(counts):
        return min_count
    ranked = np.sort(counts)[::-1]
    return max(min_count, int(ranked[max_final_vocab]) + 1)


def kept_words(counted: CountedWords, min_count: int, trim_rule: TrimRule | None,
               decode: Callable[[bytes], str]) -> np.ndarray:
    """Which rows stay (a bool mask; ``</s>`` always): the count decides, or
    ``trim_rule`` where it answers other than RULE_DEFAULT (asked of every
    word, as gensim's keep_vocab_item)."""
    keep = counted.counts >= min_count
    if trim_rule is not None:
        for i, (word, count) in enumerate(zip(counted.words(), counted.counts.tolist())):
            if i == 0:
                continue
            text = decode(word)
            answer = trim_rule(text, count, min_count)
            if answer == RULE_DISCARD:
                keep[i] = False
            elif answer == RULE_KEEP:
                keep[i] = True
            elif answer != RULE_DEFAULT:
                raise W2VError(f"trim_rule returned {answer!r} for {text!r}: it must "
                               "return RULE_DISCARD (1), RULE_KEEP (2) or RULE_DEFAULT (0)")
    keep[0] = True
    return keep


def merged(old: Vocabulary, new: Vocabulary, keep_new: np.ndarray) -> tuple[Vocabulary, int]:
    """gensim's ``build_vocab(update=True)``: every known word's count added
    to, whatever min_count says; the new words ``keep_new`` marks appended in
    ``new``'s order.  Returns the vocabulary and how many words were added."""
    index = {w: i for i, w in enumerate(old.words)}
    counts = old.counts.copy()
    added_words, added_counts = [], []
    for word, count, keep in zip(new.words, new.counts.tolist(), keep_new.tolist()):
        i = index.get(word)
        if i is None:
            if not keep:
                continue
            added_words.append(word)
            added_counts.append(count)
        else:
            counts[i] += count
    grown = Vocabulary(words=old.words + added_words,
                       counts=np.concatenate([counts, np.asarray(added_counts, np.int64)]),
                       pruned_words=old.pruned_words + new.pruned_words,
                       prune_events=old.prune_events + new.prune_events)
    return grown, len(added_words)


def grown_weights(weights: Weights, vocab: Vocabulary, params: TrainingParams) -> Weights:
    """The matrices for a vocabulary grown at its end: new input rows as
    word2vec.c initialises syn0 for a vocabulary of the new size, new output
    rows zero (gensim's, too)."""
    old_rows = len(weights.syn0)
    fresh = initial_input_vectors(vocab, params)
    fresh[:old_rows] = weights.syn0

    def zero_grown(matrix: np.ndarray | None) -> np.ndarray | None:
        if matrix is None:
            return None
        out = np.zeros((len(vocab), matrix.shape[1]), dtype=matrix.dtype)
        out[:old_rows] = matrix
        return out

    return Weights(fresh, zero_grown(weights.syn1), zero_grown(weights.syn1neg))
