"""word2vec.c's -classes: K-means word clusters."""
from __future__ import annotations

import numpy as np

from w2vpy import _core
from w2vpy.errors import W2VError
from w2vpy.system.interrupts import run_stoppable

KMEANS_ITERATIONS = 10


def kmeans_classes(vectors: np.ndarray, classes: int,
                   iterations: int = KMEANS_ITERATIONS) -> np.ndarray:
    """Class id per row, as word2vec.c computes them (same float arithmetic)."""
    if classes < 1:
        raise W2VError(f"classes must be >= 1, got {classes}")
    check_class_count(classes, len(vectors))
    # minutes on a large vocabulary: run where Ctrl-C can stop it
    return run_stoppable(lambda stop: _core.kmeans(vectors, classes, iterations, stop))


def check_class_count(classes: int, vocab_size: int) -> None:
    """More centroids than words would be allocated (and trained) for nothing."""
    if classes > vocab_size:
        raise W2VError(f"-classes must be at most the vocabulary size ({vocab_size}), "
                       f"got {classes}")
