"""Models moved between gensim and w2vpy: a gensim ``Word2Vec`` as the parts
of a w2vpy model (its parameters, vocabulary, weights), and back.

gensim keeps no ``</s>``: its words come behind a ``</s>`` row of count 0
(never drawn as noise, never trained as a word), and the model presents
gensim's vocabulary.  Hierarchical softmax's inner nodes follow each
library's own Huffman tree, so ``syn1`` carries over only where the two trees
agree; elsewhere the inner nodes start again at zero, with a warning.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from w2vpy.errors import W2VWarning
from w2vpy.text.vocab import Vocabulary
from w2vpy.training.cpu_backend import Weights

SENTENCE_END = b"</s>"
#: gensim's parameters that are w2vpy's under the same name
SHARED_PARAMETERS = ("vector_size", "window", "sample", "negative", "workers", "epochs",
                     "min_count", "alpha", "ns_exponent", "max_final_vocab")


@dataclass
class GensimParts:
    parameters: dict[str, Any]
    vocab: Vocabulary
    weights: Weights
    corpus_count: int
    corpus_total_words: int | None
    epochs_trained: int
    #: gensim's wv.vectors_lockf, one factor or one per word of wv
    vectors_lockf: np.ndarray | None = None


def gensim_parts(model: Any, no_vocab_limit: int) -> GensimParts:
    """What a w2vpy model needs of a gensim ``Word2Vec``."""
    parameters = {name: getattr(model, name) for name in SHARED_PARAMETERS
                  if getattr(model, name, None) is not None}
    parameters.update(hs=bool(model.hs), sg=bool(model.sg),
                      cbow_mean=bool(getattr(model, "cbow_mean", 1)),
                      shrink_windows=bool(getattr(model, "shrink_windows", True)),
                      max_vocab_size=getattr(model, "max_vocab_size", None) or no_vocab_limit)
    if "max_final_vocab" in parameters and parameters["max_final_vocab"] is None:
        del parameters["max_final_vocab"]
    wv = model.wv
    keys = list(wv.index_to_key)
    counts = [int(wv.get_vecattr(key, "count")) for key in keys]
    size = wv.vector_size
    vocab = Vocabulary(words=[SENTENCE_END] + [str(k).encode("utf-8") for k in keys],
                       counts=np.asarray([0] + counts, dtype=np.int64))
    syn0 = _behind_sentence_end(np.asarray(wv.vectors, dtype=np.float32), size)
    syn1neg = syn1 = None
    if model.negative:
        syn1neg = _behind_sentence_end(np.asarray(model.syn1neg, dtype=np.float32), size)
    if model.hs:
        warnings.warn("the gensim model's hierarchical-softmax layer (syn1) follows gensim's "
                      "Huffman tree, not word2vec.c's: it starts again at zero",
                      W2VWarning, stacklevel=3)
        syn1 = np.zeros_like(syn0)
    return GensimParts(parameters, vocab, Weights(syn0, syn1, syn1neg),
                       int(getattr(model, "corpus_count", 0) or 0),
                       getattr(model, "corpus_total_words", None),
                       int(getattr(model, "epochs", 0) or 0),
                       gensim_lock_factors(getattr(wv, "vectors_lockf", None), len(keys)))


def gensim_lock_factors(factors: Any, words: int) -> np.ndarray | None:
    """gensim's lock factors as w2vpy takes them: one, or one per word.
    gensim reads word i's as ``vectors_lockf[i % len]`` and leaves the array
    as it is when the vocabulary grows, so an array of another length is
    repeated to the vocabulary's (np.resize), which gives every word gensim's
    factor; None where the model has none."""
    if factors is None:
        return None
    factors = np.asarray(factors, dtype=np.float32).ravel()
    if len(factors) == 0:
        return None
    return factors if len(factors) in (1, words) else np.resize(factors, words)


def _behind_sentence_end(matrix: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros((len(matrix) + 1, size), dtype=np.float32)
    out[1:] = matrix
    return out


def gensim_model(parameters: dict[str, Any], keys: list[str], counts: np.ndarray,
                 vectors: np.ndarray, syn1neg: np.ndarray | None, min_alpha: float,
                 corpus_count: int, corpus_total_words: int,
                 vectors_lockf: np.ndarray | None = None) -> Any:
    """A trainable gensim ``Word2Vec`` holding these words, counts and weights
    (and lock factors: one, or one per key)."""
    from gensim.models import Word2Vec as GensimWord2Vec

    given = {name: parameters[name] for name in SHARED_PARAMETERS if name in parameters}
    model = GensimWord2Vec(hs=int(parameters["hs"]), sg=int(parameters["sg"]),
                           cbow_mean=int(parameters["cbow_mean"]), min_alpha=min_alpha,
                           shrink_windows=parameters["shrink_windows"], **given)
    model.build_vocab_from_freq(dict(zip(keys, counts.tolist())))
    order = np.asarray([model.wv.key_to_index[k] for k in keys])
    model.wv.vectors[order] = vectors
    if syn1neg is not None and model.negative:
        model.syn1neg[order] = syn1neg
    if vectors_lockf is not None and len(vectors_lockf) == len(keys):
        model.wv.vectors_lockf = np.ones(len(keys), dtype=np.float32)
        model.wv.vectors_lockf[order] = vectors_lockf
    elif vectors_lockf is not None:
        model.wv.vectors_lockf = np.array(vectors_lockf, dtype=np.float32)
    if parameters["hs"]:
        warnings.warn("w2vpy's hierarchical-softmax layer (syn1) follows word2vec.c's Huffman "
                      "tree, not gensim's: the gensim model's starts again at zero",
                      W2VWarning, stacklevel=3)
    model.corpus_count, model.corpus_total_words = corpus_count, corpus_total_words
    return model
