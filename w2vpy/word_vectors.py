"""Word vectors with their vocabulary: what ``train`` returns and ``load`` reads.

``KeyedVectors`` (also called ``WordVectors``) answers gensim 4's
``KeyedVectors`` calls with gensim's return types, so code written for gensim
runs on it with one import changed; README's "Coming from gensim" lists where
it differs.  Keys are ``str``; words that are not valid UTF-8 are kept
losslessly with ``surrogateescape``, so saving writes back the exact bytes
that were read or trained.

``</s>``, word2vec.c's line-end marker, stays a row of a word2vec.c file (and
of ``index_to_key``) but is never a neighbour: no query returns it."""
from __future__ import annotations

import numbers
import os
import warnings
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from w2vpy.errors import EmptyQuery, W2VError, W2VWarning
from w2vpy.parameters import check_count
from w2vpy.training.weights import checked_lock_factors
from w2vpy.vectors import gensim_evaluation
from w2vpy.vectors import vector_files as formats

KEY_ENCODING = "utf-8"
KEY_ERRORS = "surrogateescape"
#: word2vec.c's line-end marker: a row of its files, never a neighbour
END_OF_LINE = "</s>"
#: gensim's name for the default vector type
REAL = np.float32

Key = str
#: a key, or (as gensim) a row's position
KEY_TYPES = (str, int, np.integer)

__all__ = ["KeyedVectors", "WordVectors", "load", "load_word2vec_format", "check_count", "REAL"]


def _ensure_list(value) -> list:
    """gensim's reading of positive/negative: one key or 1-D vector, or many."""
    if value is None:
        return []
    if isinstance(value, KEY_TYPES) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row at unit length, in float32 (or wider, as the rows are); a zero
    row stays zero.  The one normalisation every cosine here goes through, so
    that two ways to one cosine give the same bits."""
    kind = np.result_type(matrix.dtype, np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True).astype(kind)
    norms[norms == 0] = 1
    return (matrix / norms).astype(kind)


def _cosine(unit_a: np.ndarray, unit_b: np.ndarray) -> float:
    """The cosine of two unit rows: their dot product, and exactly 1 for one
    direction (a float32 unit row's square sums to 1 only within rounding;
    gensim's ``1 - similarity(w, w)`` is 0)."""
    return 1.0 if np.array_equal(unit_a, unit_b) else float(unit_a @ unit_b)


def _float_dtype(dtype: object) -> np.dtype:
    try:
        kind = np.dtype(dtype)
    except TypeError:
        raise W2VError(f"dtype must be a floating-point type (np.float32...), got {dtype!r}") from None
    if not np.issubdtype(kind, np.floating):
        raise W2VError(f"dtype must be a floating-point type (np.float32...), got {dtype!r}")
    return kind


class KeyedVectors:
    """Keys and their vectors, with gensim 4's ``KeyedVectors`` interface.

    Two ways to make one:

    ``KeyedVectors(index_to_key, vectors, counts=None)``
        w2vpy's: the keys, their rows (float32; shared, not copied, when
        already float32 and contiguous) and optional word counts.
    ``KeyedVectors(vector_size, count=0, dtype=np.float32)``
        gensim's: an empty set of ``vector_size``-long vectors to fill with
        ``add_vector(s)`` or ``kv[key] = vector``.
    """

    def __init__(self, *args, **kwargs):
        self.expandos: dict[str, np.ndarray] = {}
        self._norms: np.ndarray | None = None
        self._unit: np.ndarray | None = None
        self._directed: np.ndarray | None = None
        self._neighbours: np.ndarray | None = None
        self._vectors_lockf = np.ones(1, dtype=np.float32)
        first = args[0] if args else kwargs.get("vector_size")
        if "vector_size" in kwargs or (isinstance(first, numbers.Integral)
                                       and not isinstance(first, bool)):
            self._init_empty(*args, **kwargs)
        else:
            self._init_filled(*args, **kwargs)

    def _init_filled(self, index_to_key: Sequence[str], vectors: np.ndarray,
                     counts: np.ndarray | None = None) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise W2VError(f"{len(index_to_key)} keys but vectors of shape {vectors.shape}")
        self.index_to_key: list[str] = list(index_to_key)
        self._vectors = vectors
        self._vector_size = vectors.shape[1]
        self.next_index = len(self.index_to_key)
        self.counts = counts
        self.key_to_index: dict[str, int] = {}
        for i, key in enumerate(self.index_to_key):
            first = self.key_to_index.setdefault(key, i)
            if first != i:
                raise W2VError(f"key {key!r} appears twice (rows {first} and {i}): "
                               "one key, one row")

    def _init_empty(self, vector_size: int, count: int = 0, dtype: object = np.float32,
                    mapfile_path: object = None) -> None:
        vector_size = check_count(vector_size, "vector_size", 1)
        count = check_count(count, "count", 0)
        self._vector_size = vector_size
        # gensim's pre-allocation: ``count`` empty slots that add_vector fills in order
        self.index_to_key = [None] * count  # type: ignore[list-item]
        self.key_to_index = {}
        self.next_index = 0
        self._vectors = np.zeros((count, vector_size), dtype=_float_dtype(dtype))

    # -- container ---------------------------------------------------------------
    @property
    def vectors(self) -> np.ndarray:
        """One row per key (``index_to_key`` order)."""
        return self._vectors

    @vectors.setter
    def vectors(self, value: np.ndarray) -> None:
        self._vectors = value
        self.vectors_changed()

    @property
    def vectors_lockf(self) -> np.ndarray:
        """gensim's lock factors (float32): training scales the updates of
        row i by ``vectors_lockf[i]`` (0.0 locks the row), or of every row by
        the one value of a length-1 array (the default, 1.0: all rows train).
        Changed in place, it is checked again when training reads it."""
        return self._vectors_lockf

    @vectors_lockf.setter
    def vectors_lockf(self, value: object) -> None:
        self._vectors_lockf = checked_lock_factors(value, len(self))

    @property
    def counts(self) -> np.ndarray | None:
        """Each key's count (gensim's ``get_vecattr(key, "count")``), or None."""
        return self.expandos.get("count")

    @counts.setter
    def counts(self, value: np.ndarray | None) -> None:
        if value is None:
            self.expandos.pop("count", None)
            return
        value = np.asarray(value, dtype=np.int64)
        if value.shape != (len(self.index_to_key),):
            raise W2VError(f"{len(value)} counts for {len(self.index_to_key)} keys")
        self.expandos["count"] = value

    @property
    def vocab(self) -> list[str]:
        return self.index_to_key

    @property
    def vector_size(self) -> int:
        return self._vector_size

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key: object) -> bool:
        return self.has_index_for(key)

    def has_index_for(self, key: object) -> bool:
        """Whether ``key`` has a row (a key, or as gensim a row's position)."""
        return self.get_index(key, -1) >= 0

    def __getitem__(self, key: Key | Sequence[Key]) -> np.ndarray:
        if isinstance(key, KEY_TYPES):
            return self.get_vector(key)
        return np.stack([self.vectors[self.get_index(k)] for k in key])

    def get_index(self, key: object, default: int | None = None) -> int:
        """The row of ``key``; an int not a key is taken as a row, as gensim."""
        try:
            found = self.key_to_index.get(key, -1)  # type: ignore[arg-type]
        except TypeError:
            found = -1
        if found >= 0:
            return found
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool) \
                and 0 <= key < len(self.index_to_key):
            return int(key)
        if default is not None:
            return default
        raise KeyError(f"word {key!r} not in vocabulary")

    def get_vector(self, key: object, norm: bool = False) -> np.ndarray:
        """The row of ``key`` (read-only, as gensim), scaled to unit length
        with ``norm=True`` (a zero vector has no direction: a W2VError)."""
        index = self.get_index(key)
        row = self._direction_of(key) if norm else self.vectors[index]
        row = row.view()
        row.setflags(write=False)
        return row

    def get_count(self, key: Key) -> int:
        if self.counts is None:
            raise W2VError("these vectors carry no word counts")
        return int(self.counts[self.get_index(key)])

    def get_vecattr(self, key: object, attr: str) -> object:
        """gensim's per-key attribute (``"count"``: the word's count)."""
        if attr not in self.expandos:
            raise KeyError(f"no attribute {attr!r} (these vectors have "
                           f"{sorted(self.expandos) or 'none'})")
        return self.expandos[attr][self.get_index(key)]

    def set_vecattr(self, key: object, attr: str, value: object) -> None:
        """Set gensim's per-key attribute ``attr`` of ``key``."""
        index = self.get_index(key)
        if attr not in self.expandos:
            kind = np.int64 if isinstance(value, (int, np.integer)) else np.asarray(value).dtype
            self.expandos[attr] = np.zeros(len(self.index_to_key), dtype=kind)
        self.expandos[attr][index] = value

    def words_bytes(self) -> list[bytes]:
        return [k.encode(KEY_ENCODING, KEY_ERRORS) for k in self.index_to_key]

    # -- growing -----------------------------------------------------------------
    def add_vector(self, key: Key, vector: np.ndarray) -> int:
        """Add one key (into the next pre-allocated slot when there is one); its row."""
        if key in self.key_to_index:
            return self.key_to_index[key]
        slot = self.next_index
        if slot < len(self.index_to_key) and self.index_to_key[slot] is None:
            self._check_key(key)
            self.vectors[slot] = self._checked_rows([vector])[0]
            self.index_to_key[slot] = key
            self.key_to_index[key] = slot
            self.next_index += 1
            self.vectors_changed()
            return slot
        self.add_vectors([key], [vector])
        self.next_index = len(self.index_to_key)
        return len(self.index_to_key) - 1

    def add_vectors(self, keys: Key | Sequence[Key], weights, extras: dict | None = None,
                    replace: bool = False) -> None:
        """Append keys and rows (the matrix grows); a key already there keeps
        its row unless ``replace``.  Counts of new keys are 0, as gensim."""
        if isinstance(keys, KEY_TYPES):
            keys, weights = [keys], [weights]
        keys = list(keys)
        rows = self._checked_rows(weights)
        if len(rows) != len(keys):
            raise W2VError(f"{len(keys)} keys but {len(rows)} vectors")
        for key in keys:
            self._check_key(key)
        new_rows, new_keys = [], []
        for key, row in zip(keys, rows):
            if key in self.key_to_index:
                if replace:
                    self.vectors[self.key_to_index[key]] = row
            elif key not in new_keys:
                new_keys.append(key)
                new_rows.append(row)
        self._append(new_keys, new_rows, extras or {}, keys)

    def _append(self, new_keys: list[str], new_rows: list[np.ndarray], extras: dict,
                keys: list[str]) -> None:
        if new_keys:
            filled = [k for k in self.index_to_key if k is not None]
            used = len(filled)
            self._vectors = np.concatenate([self.vectors[:used], np.stack(new_rows)]
                                           ).astype(self.vectors.dtype, copy=False)
            self.index_to_key = filled + new_keys
            for i, key in enumerate(new_keys, start=used):
                self.key_to_index[key] = i
            for attr, values in self.expandos.items():
                grown = np.zeros(len(self.index_to_key), dtype=values.dtype)
                grown[:used] = values[:used]
                self.expandos[attr] = grown
            self.next_index = len(self.index_to_key)
        for attr, values in extras.items():
            for key, value in zip(keys, values):
                self.set_vecattr(key, attr, value)
        self.vectors_changed()

    def __setitem__(self, keys: Key | Sequence[Key], weights) -> None:
        """``kv[key] = vector`` (or lists of both): add, or replace the row."""
        if isinstance(keys, KEY_TYPES):
            keys, weights = [keys], [weights]
        self.add_vectors(list(keys), weights, replace=True)

    def _check_key(self, key: object) -> None:
        if not isinstance(key, str) or not key:
            raise W2VError(f"a key must be a non-empty str (it is written to word2vec files), "
                           f"got {key!r}")

    def _checked_rows(self, weights) -> np.ndarray:
        rows = np.asarray(weights, dtype=np.float64)
        if rows.ndim == 1 and rows.size == self.vector_size:
            rows = rows.reshape(1, -1)
        if rows.ndim != 2 or rows.shape[1] != self.vector_size:
            raise W2VError(f"vectors of shape {np.shape(weights)}: each must hold "
                           f"{self.vector_size} values (vector_size)")
        if not np.isfinite(rows).all():
            raise W2VError("a vector holds NaN or infinity")
        return rows.astype(self.vectors.dtype)

    # -- norms ---------------------------------------------------------------------
    @property
    def norms(self) -> np.ndarray | None:
        """Each row's length once ``fill_norms`` has run (None before, as gensim)."""
        return self._norms

    @norms.setter
    def norms(self, value: np.ndarray | None) -> None:
        self._norms = value

    def fill_norms(self, force: bool = False) -> None:
        """Compute ``norms`` (again with ``force``)."""
        if self._norms is None or force:
            self._norms = np.linalg.norm(self.vectors, axis=1)

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero)."""
        if self._unit is None:
            self._unit = _unit_rows(self.vectors)
        return self._unit

    def get_normed_vectors(self) -> np.ndarray:
        """Every row at unit length (a copy; a zero row stays zero where gensim's is NaN)."""
        return self.unit_vectors.copy()

    def unit_normalize_all(self) -> None:
        """Scale every row to unit length in place (a zero row stays zero)."""
        self.fill_norms()
        scale = np.where(self._norms > 0, self._norms, 1).astype(self.vectors.dtype)
        self._vectors /= scale[:, None]
        unit_norms = (self._norms > 0).astype(np.float64)
        self.vectors_changed()
        self._norms = unit_norms

    @property
    def has_direction(self) -> np.ndarray:
        """Whether each row has a direction to compare: a zero (or non-finite)
        row has no cosine with anything, so no query ranks it, as word2vec.c's
        tools never rank it (their NaN never wins a comparison)."""
        if self._directed is None:
            norms = np.linalg.norm(self.vectors, axis=1)
            self._directed = np.isfinite(norms) & (norms > 0)
        return self._directed

    @property
    def may_neighbour(self) -> np.ndarray:
        """The rows a query may return: those with a direction, ``</s>`` excepted."""
        if self._neighbours is None:
            mask = self.has_direction.copy()
            marker = self.key_to_index.get(END_OF_LINE)
            if marker is not None:
                mask[marker] = False
            self._neighbours = mask
        return self._neighbours

    def vectors_changed(self) -> None:
        """The rows changed in place (further training): drop what was derived from them."""
        self._unit = None
        self._directed = None
        self._neighbours = None
        self._norms = None

    # -- similarity ------------------------------------------------------------------
    def _direction_of(self, key: object) -> np.ndarray:
        i = self.get_index(key)
        if not self.has_direction[i]:
            raise W2VError(f"word {key!r} has a zero vector: it has no direction, so nothing is "
                           "near or far from it")
        return self.unit_vectors[i]

    def _query_vector(self, item: object) -> np.ndarray:
        v = np.asarray(item, dtype=np.float32)
        if v.shape != (self.vector_size,):
            raise W2VError(f"vector of shape {v.shape}, expected ({self.vector_size},)")
        if not np.isfinite(v).all():
            raise W2VError("a query vector holds NaN or infinity")
        return v

    def get_mean_vector(self, keys: Sequence, weights=None, pre_normalize: bool = True,
                        post_normalize: bool = False, ignore_missing: bool = True) -> np.ndarray:
        """gensim's weighted mean of keys' rows (unit rows with
        ``pre_normalize``) and raw vectors, divided by the sum of ``|weights|``.

        Keys not present are skipped unless ``ignore_missing=False`` (KeyError)."""
        if len(keys) == 0:
            raise W2VError("cannot compute a mean of no keys")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights.shape != (len(keys),):
            raise W2VError(f"{len(keys)} keys but {weights.size} weights")
        total = np.zeros(self.vector_size, dtype=np.float64)
        weight_sum = 0.0
        for key, weight in zip(keys, weights):
            if isinstance(key, np.ndarray) or not isinstance(key, KEY_TYPES):
                row = self._query_vector(key)
            elif key in self:
                row = self._direction_of(key) if pre_normalize else self.vectors[self.get_index(key)]
            elif ignore_missing:
                continue
            else:
                raise KeyError(f"word {key!r} not in vocabulary")
            total += weight * row
            weight_sum += abs(weight)
        mean = total / weight_sum if weight_sum > 0 else total
        if post_normalize:
            norm = np.linalg.norm(mean)
            mean = mean / norm if norm > 0 else mean
        return mean.astype(self.vectors.dtype)

    def _weighted_terms(self, positive, negative) -> tuple[list, np.ndarray]:
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        keys, weights = [], []
        for items, sign in ((positive, 1.0), (negative, -1.0)):
            for item in items:
                if isinstance(item, tuple) and len(item) == 2 and not isinstance(item[1], str):
                    keys.append(item[0])
                    weights.append(float(item[1]))
                else:
                    keys.append(item)
                    weights.append(sign)
        if not keys:
            raise W2VError("most_similar needs at least one positive or negative word")
        return keys, np.array(weights)

    def _query_direction(self, positive, negative) -> tuple[np.ndarray, set[int]]:
        keys, weights = self._weighted_terms(positive, negative)
        mean = self.get_mean_vector(keys, weights, pre_normalize=True, ignore_missing=False)
        norm = np.linalg.norm(mean.astype(np.float64))
        if not norm > 0:
            raise W2VError("the query has no direction: its vectors are zero or cancel out "
                           f"(positive {_ensure_list(positive)!r}, "
                           f"negative {_ensure_list(negative)!r})")
        used = {self.get_index(k) for k in keys
                if isinstance(k, KEY_TYPES) and not isinstance(k, np.ndarray)}
        return (mean / norm).astype(self.unit_vectors.dtype), used

    def _limit(self, restrict_vocab: int | None) -> int:
        if restrict_vocab is None:
            return len(self)
        return min(check_count(restrict_vocab, "restrict_vocab", 1), len(self))

    def _best(self, sims: np.ndarray, used: set[int], topn: int) -> list[tuple[str, float]]:
        """The ``topn`` best rows of ``sims`` (over the first rows), neither
        a query word nor a row that is never a neighbour."""
        ranked = self.may_neighbour[:len(sims)].copy()
        ranked[[i for i in used if i < len(sims)]] = False
        sims = np.where(ranked, sims, -np.inf)
        k = min(topn, int(ranked.sum()))
        if k <= 0:
            return []
        best = np.argpartition(-sims, k - 1)[:k]
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self.index_to_key[i], float(sims[i])) for i in best]

    def _all_similarities(self, sims: np.ndarray) -> np.ndarray:
        """gensim's ``topn=None`` answer: one value per row searched; a row that
        is never a neighbour (zero vector, ``</s>``) gets -inf, so it ranks last."""
        return np.where(self.may_neighbour[:len(sims)], sims, -np.inf).astype(sims.dtype)

    @staticmethod
    def _topn(topn: object) -> int | None:
        if topn is None:
            return None
        return check_count(topn, "topn", 0)

    def most_similar(self, positive=None, negative=None, topn: int | None = 10,
                     restrict_vocab: int | None = None) -> list[tuple[str, float]] | np.ndarray:
        """Nearest keys by cosine to the weighted mean of unit vectors
        (+positive, -negative), as gensim's.

        Parameters
        ----------
        positive, negative : key, vector, or a list of keys, vectors or (key, weight)
        topn : int or None
            How many; None: the similarity of every row as an array (gensim's).
        restrict_vocab : int or None
            Search only the first this many rows.

        Returns
        -------
        list of (str, float), or numpy.ndarray for ``topn=None``
            The query keys themselves, zero vectors and ``</s>`` are never returned.
        """
        topn = self._topn(topn)
        if topn == 0:
            return []
        direction, used = self._query_direction(positive, negative)
        sims = self.unit_vectors[:self._limit(restrict_vocab)] @ direction
        if topn is None:
            return self._all_similarities(sims)
        return self._best(sims, used, topn)

    def most_similar_cosmul(self, positive=None, negative=None, topn: int | None = 10,
                            restrict_vocab: int | None = None):
        """Levy and Goldberg's 3CosMul, as gensim's: the product of ``(1 +
        cos) / 2`` over positive terms over that of the negative ones (+1e-6)."""
        topn = self._topn(topn)
        if topn == 0:
            return []
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        if not positive:
            raise W2VError("most_similar_cosmul needs at least one positive word")
        unit = self.unit_vectors[:self._limit(restrict_vocab)]
        used = {self.get_index(k) for k in positive + negative if isinstance(k, KEY_TYPES)}

        def factors(items: list) -> np.ndarray:
            terms = [self._direction_of(t) if isinstance(t, KEY_TYPES) else self._query_vector(t)
                     for t in items]
            return np.prod([(1 + unit @ t) / 2 for t in terms], axis=0) if terms else 1.0

        sims = factors(positive) / (factors(negative) + 0.000001)
        if topn is None:
            return self._all_similarities(sims)
        return self._best(sims, used, topn)

    def similar_by_key(self, key: Key, topn: int | None = 10, restrict_vocab: int | None = None):
        """gensim's: ``most_similar(positive=[key], ...)``."""
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def similar_by_vector(self, vector: np.ndarray, topn: int | None = 10,
                          restrict_vocab: int | None = None):
        """gensim's: ``most_similar(positive=[vector], ...)``."""
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, a: Key, b: Key) -> float:
        """Cosine similarity of two words (a W2VError for a zero vector)."""
        return _cosine(self._direction_of(a), self._direction_of(b))

    def distance(self, a: Key, b: Key) -> float:
        """Cosine distance, ``1 - similarity``."""
        return 1 - self.similarity(a, b)

    def n_similarity(self, ws1: Sequence[Key], ws2: Sequence[Key]) -> float:
        """Cosine of the means of two sets of keys (raw rows; missing keys
        skipped, as gensim), computed as ``similarity`` is: of one key each,
        it is ``similarity`` exactly.  An empty list is an ``EmptyQuery``
        (a ZeroDivisionError, as gensim's)."""
        empty = [name for name, ws in (("ws1", ws1), ("ws2", ws2)) if not len(ws)]
        if empty:
            verb = "is" if len(empty) == 1 else "are"
            raise EmptyQuery(f"n_similarity: {' and '.join(empty)} {verb} empty: the mean of no "
                             "keys has no direction")
        means = np.stack([self.get_mean_vector(ws, pre_normalize=False) for ws in (ws1, ws2)])
        for ws, mean in zip((ws1, ws2), means):
            if not np.linalg.norm(mean) > 0:
                raise W2VError(f"n_similarity: the mean of {ws!r} has no direction (no key "
                               "present, or zero vectors)")
        units = _unit_rows(means)
        return _cosine(units[0], units[1])

    def distances(self, word_or_vector, other_words: Iterable = ()) -> np.ndarray:
        """Cosine distances from a key or vector to ``other_words`` (default:
        every row, itself included; NaN for a zero row, as gensim)."""
        if isinstance(word_or_vector, KEY_TYPES):
            v = self.vectors[self.get_index(word_or_vector)].astype(np.float64)
        else:
            v = self._query_vector(word_or_vector).astype(np.float64)
        others = list(other_words)
        rows = self.vectors if not others else self.vectors[[self.get_index(w) for w in others]]
        with np.errstate(divide="ignore", invalid="ignore"):
            sims = rows @ v / (np.linalg.norm(v) * np.linalg.norm(rows, axis=1))
        return (1 - sims).astype(self.vectors.dtype)

    def closer_than(self, key1: Key, key2: Key) -> list[str]:
        """Keys closer to ``key1`` than ``key2`` is (neither key1, nor a zero row, nor ``</s>``)."""
        d = self.distances(key1)
        i1, i2 = self.get_index(key1), self.get_index(key2)
        closer = np.flatnonzero((d < d[i2]) & self.may_neighbour)
        return [self.index_to_key[i] for i in closer if i != i1]

    def rank(self, key1: Key, key2: Key) -> int:
        """``key2``'s rank among the neighbours of ``key1`` (1: the nearest)."""
        return len(self.closer_than(key1, key2)) + 1

    def most_similar_to_given(self, key1: Key, keys_list: Sequence[Key]) -> Key:
        """The key of ``keys_list`` most similar to ``key1``."""
        return keys_list[int(np.argmax([self.similarity(key1, k) for k in keys_list]))]

    def relative_cosine_similarity(self, wa: Key, wb: Key, topn: int = 10) -> float:
        """gensim's: ``similarity(wa, wb)`` over the sum of ``wa``'s ``topn`` similarities."""
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise W2VError(f"relative_cosine_similarity: {wa!r} has no neighbours")
        return self.similarity(wa, wb) / sum(s for _, s in sims)

    def rank_by_centrality(self, words: Iterable[Key], use_norm: bool = True
                           ) -> list[tuple[float, Key]]:
        """(similarity, word) to the mean direction of the words present, best first."""
        present = [w for w in words if w in self]
        if not present:
            raise W2VError("none of the words is in the vocabulary")
        rows = np.stack([self._direction_of(w) if use_norm else self.vectors[self.get_index(w)]
                         for w in present])
        mean = rows.mean(axis=0)
        mean /= max(np.linalg.norm(mean), 1e-30)
        return sorted(zip((float(s) for s in rows @ mean), present), reverse=True)

    def doesnt_match(self, words: Iterable[Key]) -> str:
        """The word furthest from the mean of the others (gensim's rule)."""
        present = [w for w in words if w in self]
        if not present:
            raise W2VError("doesnt_match: none of the words is in the vocabulary")
        u = np.stack([self._direction_of(w) for w in present])
        mean = u.mean(axis=0)
        mean /= max(np.linalg.norm(mean), 1e-30)
        return present[int(np.argmin(u @ mean))]

    def wmdistance(self, document1: Sequence[Key], document2: Sequence[Key],
                   norm: bool = True) -> float:
        """Word Mover's Distance, as gensim's, through POT (``pip install POT``)."""
        try:
            from ot import emd2
        except ImportError:
            raise W2VError("wmdistance needs POT, the optimal transport package gensim uses "
                           "too: pip install POT") from None
        return gensim_evaluation.word_movers_distance(self, document1, document2, norm, emd2)

    def vectors_for_all(self, keys: Iterable[Key], allow_inference: bool = True,
                        copy_vecattrs: bool = False) -> "KeyedVectors":
        """A new KeyedVectors of the given keys that are present (first
        occurrence each); counts as gensim makes them up, or copied."""
        chosen = list(dict.fromkeys(k for k in keys if k in self.key_to_index))
        rows = [self.key_to_index[k] for k in chosen]
        kv = KeyedVectors(chosen, self.vectors[rows].copy())
        kv._vectors = kv._vectors.astype(self.vectors.dtype, copy=False)
        kv.counts = np.arange(len(chosen), 0, -1)
        if copy_vecattrs:
            for attr, values in self.expandos.items():
                kv.expandos[attr] = values[rows].copy()
        return kv

    # -- evaluation ------------------------------------------------------------------
    def evaluate_word_analogies(self, analogies: str | os.PathLike[str],
                                restrict_vocab: int = 300000, case_insensitive: bool = True,
                                dummy4unknown: bool = False,
                                similarity_function: str = "most_similar"
                                ) -> tuple[float, list[dict]]:
        """gensim's analogy evaluation and return value: ``(score, sections)``,
        each section ``{'section', 'correct', 'incorrect'}``, the last the total.

        word2vec.c's compute-accuracy rules (and a richer result): ``analogy_accuracy``."""
        return gensim_evaluation.evaluate_word_analogies(
            self, analogies, restrict_vocab, case_insensitive, dummy4unknown, similarity_function)

    def evaluate_word_pairs(self, pairs: str | os.PathLike[str], delimiter: str = "\t",
                            encoding: str = "utf8", restrict_vocab: int = 300000,
                            case_insensitive: bool = True, dummy4unknown: bool = False):
        """gensim's word-pair evaluation and return value: ``((pearson, p),
        (spearman, p), oov_percent)`` (p-values need scipy).  w2vpy's result
        object, without scipy: ``word_pair_correlation``."""
        return gensim_evaluation.evaluate_word_pairs(
            self, pairs, delimiter, encoding, restrict_vocab, case_insensitive, dummy4unknown)

    def analogy_accuracy(self, questions, restrict_vocab: int = 30000):
        """word2vec.c's compute-accuracy on a questions file (its counting
        rules: ASCII upper case, ``restrict_vocab`` 30000, 0: all words)."""
        from w2vpy.vectors.evaluation import analogy_accuracy
        return analogy_accuracy(self, questions, restrict_vocab)

    def word_pair_correlation(self, path: str | os.PathLike[str], **kwargs):
        """Pearson and Spearman correlation with human scores, as a
        ``WordPairResult`` (OOV as a fraction; no scipy needed)."""
        from w2vpy.vectors.evaluation import evaluate_word_pairs
        return evaluate_word_pairs(self, path, **kwargs)

    # -- files -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], binary: bool = True) -> None:
        """word2vec.c's format, binary by default; written atomically.
        ``KeyedVectors.load`` (or ``w2vpy.load``) reads it back."""
        formats.write_word2vec(path, self.words_bytes(), self.vectors, binary=binary)

    def save_text(self, path: str | os.PathLike[str]) -> None:
        self.save(path, binary=False)

    def save_vec(self, path: str | os.PathLike[str]) -> None:
        """fastText's .vec text format."""
        formats.write_vec(path, self.words_bytes(), self.vectors)

    def save_word2vec_format(self, fname: str | os.PathLike[str],
                             fvocab: str | os.PathLike[str] | None = None, binary: bool = False,
                             total_vec: int | None = None, write_header: bool = True,
                             prefix: str = "", append: bool = False,
                             sort_attr: str = "count") -> None:
        """gensim's writer: text by default (values in shortest exact form),
        binary as word2vec.c's; rows in descending ``sort_attr`` (counts) when
        the vectors have it; ``fvocab`` gets ``word count`` lines."""
        order = self._store_order(sort_attr, fvocab)
        keys = self.index_to_key if order is None else [self.index_to_key[i] for i in order]
        words = [(prefix + k).encode(KEY_ENCODING, KEY_ERRORS) for k in keys]
        header = (len(self) if total_vec is None else check_count(total_vec, "total_vec", 0),
                  self.vector_size) if write_header else None
        rows = self.vectors if order is None else self.vectors[order]
        formats.write_gensim(fname, words, rows, binary=binary, header=header, append=append)
        if fvocab is not None:
            counts = self.expandos[sort_attr] if order is None else self.expandos[sort_attr][order]
            formats.write_classes(fvocab, words, counts)

    def _store_order(self, sort_attr: str, fvocab: object) -> np.ndarray | None:
        if sort_attr not in self.expandos:
            if fvocab is not None:
                raise W2VError(f"cannot write a vocabulary file: these vectors have no "
                               f"{sort_attr!r} attribute")
            return None
        values = self.expandos[sort_attr]
        if len(values) < 2 or (np.diff(values) <= 0).all():
            return np.arange(len(values)) if fvocab is not None else None
        return np.argsort(-values, kind="stable")

    @classmethod
    def load_word2vec_format(cls, fname: str | os.PathLike[str],
                             fvocab: str | os.PathLike[str] | None = None,
                             binary: bool | None = None, encoding: str = "utf8",
                             unicode_errors: str = "strict", limit: int | None = None,
                             datatype: object = REAL, no_header: bool = False) -> "KeyedVectors":
        """gensim's reader: a word2vec.c, gensim or fastText file (binary
        None tells the format from the content); counts from ``fvocab``, or
        made up in descending order as gensim does; rows as ``datatype``."""
        kind = _float_dtype(datatype)
        words, vectors = formats.read_word2vec(fname, binary=binary, encoding=encoding,
                                               unicode_errors=unicode_errors, limit=limit,
                                               no_header=no_header)
        kv = cls(words, vectors)
        if kind != np.float32:
            kv._vectors = vectors.astype(kind)
        if fvocab is None:
            kv.counts = np.arange(len(words), 0, -1)
        else:
            kv.counts = _counts_of(words, formats.read_vocab_counts(fvocab, unicode_errors))
        return kv

    @classmethod
    def load(cls, fname: str | os.PathLike[str], mmap: str | None = None) -> "KeyedVectors":
        """What ``save`` wrote (a word2vec file), or a KeyedVectors that
        gensim's ``save`` pickled (read through gensim, which must be
        installed: a pickle runs code, so load only files you trust)."""
        if formats.is_pickle(fname):
            return cls.from_gensim(_gensim_load(fname, mmap))
        return cls.load_word2vec_format(fname)

    @classmethod
    def from_gensim(cls, gensim_vectors) -> "KeyedVectors":
        """A copy of gensim's ``KeyedVectors`` (keys, rows, counts)."""
        kv = cls(list(gensim_vectors.index_to_key), np.array(gensim_vectors.vectors))
        expandos = getattr(gensim_vectors, "expandos", {})
        if "count" in expandos:
            kv.counts = np.asarray(expandos["count"], dtype=np.int64)
        return kv

    def to_gensim(self):
        """gensim's ``KeyedVectors`` holding a copy of these vectors, with the
        word counts as its ``count`` attribute when there are any."""
        try:
            from gensim.models import KeyedVectors as GensimKeyedVectors
        except ImportError:
            raise W2VError("to_gensim needs gensim: pip install gensim") from None
        kv = GensimKeyedVectors(self.vector_size, count=0, dtype=self.vectors.dtype)
        kv.add_vectors(self.index_to_key, self.vectors.copy())
        if self.counts is not None:
            kv.allocate_vecattrs(attrs=["count"], types=[np.int64])
            kv.expandos["count"][:] = self.counts
        return kv

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} words x {self.vector_size})"

    def plot(self, words: Sequence[Key] | None = None, top: int | None = None,
             path: str | os.PathLike[str] | None = None, method: str = "pca"):
        """A 2-D map of ``words`` (or of the ``top`` most frequent), each point
        labelled; PCA, or ``method="tsne"`` with scikit-learn.  Needs
        matplotlib (the ``plot`` extra); see ``w2vpy.plots.plot_words``."""
        from w2vpy.plots import plot_words
        return plot_words(self, words, top=top, path=path, method=method)

    def save_projector(self, directory: str | os.PathLike[str]) -> Path:
        """Write TensorBoard's Embedding Projector files (``tensors.tsv``,
        ``metadata.tsv``, ``projector_config.pbtxt``) into ``directory``;
        ``tensorboard --logdir DIRECTORY`` shows them.  Returns the config's path."""
        from w2vpy.vectors.projector import write_projector
        return write_projector(directory, self.index_to_key, self.vectors, self.counts)


WordVectors = KeyedVectors


def _counts_of(words: list[str], counts: dict[str, int]) -> np.ndarray:
    missing = [w for w in words if w not in counts]
    if missing:
        warnings.warn(f"the vocabulary file lacks {len(missing)} word(s) of the vectors "
                      f"(first {missing[0]!r}): their count is 0", W2VWarning, stacklevel=3)
    return np.array([counts.get(w, 0) for w in words], dtype=np.int64)


def _gensim_load(fname: str | os.PathLike[str], mmap: str | None):
    try:
        from gensim.models import KeyedVectors as GensimKeyedVectors
    except ImportError:
        raise W2VError(f"{fname} is a pickle (gensim's KeyedVectors.save): reading it needs "
                       "gensim (pip install gensim)") from None
    return GensimKeyedVectors.load(str(Path(fname)), mmap=mmap)


def load(path: str | os.PathLike[str], binary: bool | None = None, encoding: str = "utf-8",
         unicode_errors: str = "strict", limit: int | None = None,
         no_header: bool = False) -> KeyedVectors:
    """Read word2vec binary or text vectors (word2vec.c's, gensim's, ours) or
    fastText ``.vec``; ``binary=None`` detects the format."""
    words, vectors = formats.read_word2vec(path, binary=binary, encoding=encoding,
                                           unicode_errors=unicode_errors, limit=limit,
                                           no_header=no_header)
    return KeyedVectors(words, vectors)


def load_word2vec_format(fname: str | os.PathLike[str], *args, cls: type = KeyedVectors,
                         binary_chunk_size: int | None = None, **kwargs) -> KeyedVectors:
    """gensim's module-level loader (``cls`` and ``binary_chunk_size`` are
    accepted for gensim's callers: the reader sizes its own chunks)."""
    return cls.load_word2vec_format(fname, *args, **kwargs)
