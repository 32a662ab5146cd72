"""Word vectors with their vocabulary: what ``train`` returns and ``load`` reads.

Keys are ``str``; words that are not valid UTF-8 are kept losslessly with
``surrogateescape``, so saving writes back the exact bytes that were read or
trained."""
from __future__ import annotations

import numbers
import os
from typing import Iterable, Sequence

import numpy as np

from w2vpy.vectors import vector_files as formats
from w2vpy.parameters import check_count
from w2vpy.errors import W2VError

KEY_ENCODING = "utf-8"
KEY_ERRORS = "surrogateescape"

Key = str


class WordVectors:
    def __init__(self, index_to_key: Sequence[str], vectors: np.ndarray,
                 counts: np.ndarray | None = None):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise W2VError(f"{len(index_to_key)} keys but vectors of shape {vectors.shape}")
        self.index_to_key: list[str] = list(index_to_key)
        self.vectors = vectors
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self.key_to_index: dict[str, int] = {}
        for i, key in enumerate(self.index_to_key):
            first = self.key_to_index.setdefault(key, i)
            if first != i:
                raise W2VError(f"key {key!r} appears twice (rows {first} and {i}): "
                               "one key, one row")
        self._unit: np.ndarray | None = None
        self._directed: np.ndarray | None = None

    # -- container ---------------------------------------------------------------
    @property
    def vocab(self) -> list[str]:
        return self.index_to_key

    @property
    def vector_size(self) -> int:
        return self.vectors.shape[1]

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key: object) -> bool:
        return key in self.key_to_index

    def __getitem__(self, key: Key | Sequence[Key]) -> np.ndarray:
        if isinstance(key, str):
            return self.vectors[self.get_index(key)]
        return np.stack([self.vectors[self.get_index(k)] for k in key])

    def get_index(self, key: Key) -> int:
        try:
            return self.key_to_index[key]
        except KeyError:
            raise KeyError(f"word {key!r} not in vocabulary") from None

    def get_count(self, key: Key) -> int:
        if self.counts is None:
            raise W2VError("these vectors carry no word counts")
        return int(self.counts[self.get_index(key)])

    def words_bytes(self) -> list[bytes]:
        return [k.encode(KEY_ENCODING, KEY_ERRORS) for k in self.index_to_key]

    # -- similarity ----------------------------------------------------------------
    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero)."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1
            self._unit = (self.vectors / norms).astype(np.float32)
        return self._unit

    @property
    def has_direction(self) -> np.ndarray:
        """Whether each row has a direction to compare: a zero (or non-finite)
        row has no cosine with anything, so no query ranks it, as word2vec.c's
        tools never rank it (their NaN never wins a comparison)."""
        if self._directed is None:
            norms = np.linalg.norm(self.vectors, axis=1)
            self._directed = np.isfinite(norms) & (norms > 0)
        return self._directed

    def _direction_of(self, key: Key) -> np.ndarray:
        i = self.get_index(key)
        if not self.has_direction[i]:
            raise W2VError(f"word {key!r} has a zero vector: it has no direction, so nothing is "
                           "near or far from it")
        return self.unit_vectors[i]

    def _mean_direction(self, positive, negative) -> tuple[np.ndarray, set[int]]:
        terms: list[tuple[np.ndarray, float]] = []
        used: set[int] = set()
        for items, weight in ((positive, 1.0), (negative, -1.0)):
            for item in items:
                if isinstance(item, str):
                    terms.append((self._direction_of(item), weight))
                    used.add(self.get_index(item))
                else:
                    v = np.asarray(item, dtype=np.float32)
                    if v.shape != (self.vector_size,):
                        raise W2VError(f"vector of shape {v.shape}, expected ({self.vector_size},)")
                    if not np.isfinite(v).all():
                        raise W2VError("a query vector holds NaN or infinity")
                    terms.append((v, weight))
        if not terms:
            raise W2VError("most_similar needs at least one positive or negative word")
        mean = np.sum([w * v for v, w in terms], axis=0) / len(terms)
        norm = np.linalg.norm(mean)
        if not norm > 0:
            raise W2VError("the query has no direction: its vectors are zero or cancel out "
                           f"(positive {list(positive)!r}, negative {list(negative)!r})")
        return (mean / norm).astype(np.float32), used

    def most_similar(self, positive: Key | Iterable = (), negative: Iterable = (),
                     topn: int = 10, restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """Nearest words by cosine to the mean of unit vectors (+positive,
        -negative), the query words themselves excluded, as gensim."""
        if isinstance(positive, str):
            positive = [positive]
        if isinstance(negative, str):
            negative = [negative]
        direction, used = self._mean_direction(list(positive), list(negative))
        topn = check_count(topn, "topn", 0)
        limit = len(self) if restrict_vocab is None else min(
            check_count(restrict_vocab, "restrict_vocab", 1), len(self))
        sims = self.unit_vectors[:limit] @ direction
        ranked = self.has_direction[:limit].copy()
        ranked[[i for i in used if i < limit]] = False
        sims[~ranked] = -np.inf
        k = min(topn, int(ranked.sum()))
        if k <= 0:
            return []
        best = np.argpartition(-sims, k - 1)[:k]
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self.index_to_key[i], float(sims[i])) for i in best]

    def similar_by_vector(self, vector: np.ndarray, topn: int = 10) -> list[tuple[str, float]]:
        return self.most_similar(positive=[vector], topn=topn)

    def similarity(self, a: Key, b: Key) -> float:
        """Cosine similarity of two words (a W2VError for a zero vector)."""
        return float(self._direction_of(a) @ self._direction_of(b))

    def doesnt_match(self, words: Iterable[Key]) -> str:
        """The word furthest from the mean of the others (gensim's rule)."""
        present = [w for w in words if w in self]
        if not present:
            raise W2VError("doesnt_match: none of the words is in the vocabulary")
        u = np.stack([self._direction_of(w) for w in present])
        mean = u.mean(axis=0)
        mean /= max(np.linalg.norm(mean), 1e-30)
        return present[int(np.argmin(u @ mean))]

    # -- evaluation ----------------------------------------------------------------
    def evaluate_word_analogies(self, path: str | os.PathLike[str], restrict_vocab: int = 30000):
        from w2vpy.vectors.evaluation import analogy_accuracy
        return analogy_accuracy(self, path, restrict_vocab)

    def evaluate_word_pairs(self, path: str | os.PathLike[str], **kwargs):
        from w2vpy.vectors.evaluation import evaluate_word_pairs
        return evaluate_word_pairs(self, path, **kwargs)

    # -- files -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], binary: bool = True) -> None:
        """word2vec.c's format, binary by default; written atomically."""
        formats.write_word2vec(path, self.words_bytes(), self.vectors, binary=binary)

    def save_text(self, path: str | os.PathLike[str]) -> None:
        self.save(path, binary=False)

    def save_vec(self, path: str | os.PathLike[str]) -> None:
        """fastText's .vec text format."""
        formats.write_vec(path, self.words_bytes(), self.vectors)

    save_word2vec_format = save

    def to_gensim(self):
        """gensim's ``KeyedVectors`` holding a copy of these vectors, with the
        word counts as its ``count`` attribute when there are any."""
        try:
            from gensim.models import KeyedVectors
        except ImportError:
            raise W2VError("to_gensim needs gensim: pip install gensim") from None
        kv = KeyedVectors(self.vector_size, count=0, dtype=np.float32)
        kv.add_vectors(self.index_to_key, self.vectors.copy())
        if self.counts is not None:
            kv.allocate_vecattrs(attrs=["count"], types=[np.int64])
            kv.expandos["count"][:] = self.counts
        return kv

    def vectors_changed(self) -> None:
        """The rows were trained further in place: drop what was derived from them."""
        self._unit = None
        self._directed = None

    def __repr__(self) -> str:
        return f"WordVectors({len(self)} words x {self.vector_size})"


def load(path: str | os.PathLike[str], binary: bool | None = None, encoding: str = "utf-8",
         unicode_errors: str = "strict", limit: int | None = None,
         no_header: bool = False) -> WordVectors:
    """Read word2vec binary or text vectors (word2vec.c's, gensim's, ours) or
    fastText ``.vec``; ``binary=None`` detects the format."""
    words, vectors = formats.read_word2vec(path, binary=binary, encoding=encoding,
                                           unicode_errors=unicode_errors, limit=limit,
                                           no_header=no_header)
    return WordVectors(words, vectors)
