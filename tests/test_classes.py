"""-classes: word2vec.c's K-means, checked against a plain-Python copy of its
arithmetic and on clusters whose answer is known by construction."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from w2vpy import W2VError
from w2vpy.vectors.word_classes import KMEANS_ITERATIONS, kmeans_classes

f32 = np.float32


def reference_kmeans(vectors: np.ndarray, classes: int,
                     iterations: int = KMEANS_ITERATIONS) -> list[int]:
    """word2vec.c's K-means, step for step in float32 (its order of sums, its
    counts starting at 1, its unit-length centroids, ties to the lower id)."""
    words, size = vectors.shape
    labels = [a % classes for a in range(words)]
    for _ in range(iterations):
        cent = [[f32(0)] * size for _ in range(classes)]
        counts = [1] * classes
        for c in range(words):
            for d in range(size):
                cent[labels[c]][d] = f32(cent[labels[c]][d] + vectors[c, d])
            counts[labels[c]] += 1
        for b in range(classes):
            length = f32(0)
            for d in range(size):
                cent[b][d] = f32(cent[b][d] / f32(counts[b]))
                length = f32(length + cent[b][d] * cent[b][d])
            length = np.sqrt(length, dtype=np.float32)
            # an emptied class's centroid is 0 / 0 in word2vec.c too: NaN,
            # which never wins a comparison below
            with np.errstate(invalid="ignore", divide="ignore"):
                cent[b] = [f32(x / length) for x in cent[b]]
        for c in range(words):
            best, best_id = f32(-10), 0
            for d in range(classes):
                x = f32(0)
                for b in range(size):
                    x = f32(x + cent[d][b] * vectors[c, b])
                if x > best:
                    best, best_id = x, d
            labels[c] = best_id
    return labels


def test_clusters_known_by_construction_are_found():
    """Three tight bundles around three axes, interleaved so that the first
    assignment (word a to class a % 3) mixes them: each bundle ends as one
    class, and the three classes differ."""
    rng = np.random.default_rng(3)
    axes = np.eye(3, dtype=np.float32)
    bundle = np.array([0, 1, 2] * 6)
    rng.shuffle(bundle)
    vectors = (axes[bundle] + rng.normal(0, 0.05, (18, 3))).astype(np.float32)
    labels = kmeans_classes(vectors, 3)
    assert all(len(set(labels[bundle == k])) == 1 for k in range(3)), (bundle, labels)
    assert len({labels[bundle == k][0] for k in range(3)}) == 3


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_kmeans_is_word2vec_c_s_arithmetic(words, size, classes, seed):
    classes = min(classes, words)
    vectors = np.random.default_rng(seed).normal(size=(words, size)).astype(np.float32)
    assert kmeans_classes(vectors, classes).tolist() == reference_kmeans(vectors, classes)


def test_class_count_is_bounded_by_the_vocabulary():
    vectors = np.random.default_rng(0).random((5, 3), dtype=np.float32)
    with pytest.raises(W2VError, match=r"at most the vocabulary size \(5\), got 6"):
        kmeans_classes(vectors, 6)
    with pytest.raises(W2VError, match="classes must be >= 1, got 0"):
        kmeans_classes(vectors, 0)
