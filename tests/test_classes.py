import numpy as np
import pytest

from w2vpy import W2VError
from w2vpy.classes import kmeans_classes


def test_class_count_is_bounded_by_the_vocabulary():
    vectors = np.random.default_rng(0).random((5, 3), dtype=np.float32)
    labels = kmeans_classes(vectors, 5)
    assert labels.shape == (5,) and set(labels.tolist()) <= set(range(5))
    with pytest.raises(W2VError, match=r"at most the vocabulary size \(5\), got 6"):
        kmeans_classes(vectors, 6)
    with pytest.raises(W2VError, match="classes must be >= 1, got 0"):
        kmeans_classes(vectors, 0)
