"""word2vec.c's -classes: K-means word clusters."""
from __future__ import annotations

import numpy as np

from w2vpy import _core
from w2vpy.errors import W2VError

KMEANS_ITERATIONS = 10


def kmeans_classes(vectors: np.ndarray, classes: int,
                   iterations: int = KMEANS_ITERATIONS) -> np.ndarray:
    """Class id per row, as word2vec.c computes them (same float arithmetic)."""
    if classes < 1:
        raise W2VError(f"classes must be >= 1, got {classes}")
    if classes > len(vectors):
        # more centroids than words: word2vec.c would allocate them all for nothing
        raise W2VError(f"classes must be at most the vocabulary size ({len(vectors)}), "
                       f"got {classes}")
    return _core.kmeans(vectors, classes, iterations)
