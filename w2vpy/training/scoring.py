"""gensim's ``score`` and ``predict_output_word`` over word2vec.c's weights.

``score`` is the log-probability of each sentence under hierarchical
softmax (Taddy's document classification by inversion of word2vec): each
word's Huffman path from its context, the whole window, as gensim's
``score_sentence_sg``/``score_sentence_cbow``.  ``predict_output_word`` is
the softmax over negative sampling's output vectors of the averaged (or
summed) context.
"""
from __future__ import annotations

import numpy as np

from w2vpy.training.huffman import HuffmanTree


def _path_log_probability(hidden: np.ndarray, syn1: np.ndarray, tree: HuffmanTree,
                          word: int) -> float:
    start, end = tree.code_offsets[word], tree.code_offsets[word + 1]
    points = tree.points[start:end]
    sign = 1.0 - 2.0 * tree.codes[start:end].astype(np.float64)
    dots = syn1[points].astype(np.float64) @ hidden.astype(np.float64)
    return float(-np.logaddexp(0.0, -sign * dots).sum())


def sentence_score(ids: list[int], syn0: np.ndarray, syn1: np.ndarray, tree: HuffmanTree,
                   window: int, sg: bool, cbow_mean: bool) -> float:
    """log p(sentence) of one sentence of word ids (gensim's, whole window)."""
    total = 0.0
    for position, word in enumerate(ids):
        context = [ids[p] for p in range(max(0, position - window),
                                          min(len(ids), position + window + 1))
                   if p != position]
        if sg:
            total += sum(_path_log_probability(syn0[other], syn1, tree, word)
                         for other in context)
        elif context:
            hidden = syn0[context].sum(axis=0)
            if cbow_mean:
                hidden = hidden / len(context)
            total += _path_log_probability(hidden, syn1, tree, word)
    return total


def output_word_probabilities(context: list[int], syn0: np.ndarray, syn1neg: np.ndarray,
                              cbow_mean: bool) -> np.ndarray:
    """The softmax over every word's output vector of the context's hidden layer."""
    hidden = syn0[context].sum(axis=0)
    if cbow_mean:
        hidden = hidden / len(context)
    logits = syn1neg.astype(np.float64) @ hidden.astype(np.float64)
    logits -= logits.max()
    probabilities = np.exp(logits)
    return probabilities / probabilities.sum()
