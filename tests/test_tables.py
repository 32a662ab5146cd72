import numpy as np
from hypothesis import given, settings, strategies as st

from w2vpy import _core
from w2vpy.system.interrupts import new_stop_flag
from w2vpy.training.subsampling import keep_probability, keep_thresholds
from w2vpy.training.unigram_table import build_noise_table, build_unigram_table


def test_sigmoid_table_values():
    table = _core.sigmoid_table()
    assert table.shape == (1000,) and table.dtype == np.float32
    f32 = np.float32
    for i in (0, 1, 250, 500, 777, 999):
        x = (f32(i) / f32(1000) * f32(2) - f32(1)) * f32(6)
        e = f32(np.exp(np.float64(x)))
        assert table[i] == e / (e + f32(1))
        assert abs(table[i] - 1 / (1 + np.exp(-float(x)))) < 1e-6
    assert np.all(np.diff(table) > 0)
    assert table[500] == np.float32(0.5)


def test_unigram_frequencies_follow_count_power():
    counts = np.array([10, 1000, 500, 100, 10, 5], dtype=np.int64)
    table = build_unigram_table(counts, 1_000_000)
    freq = np.bincount(table, minlength=len(counts)) / len(table)
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    assert np.allclose(freq, expected, atol=2e-6)
    assert np.all(np.diff(table) >= 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=60),
       st.integers(min_value=1, max_value=50_000))
def test_compact_noise_table_equals_word2vec_array(counts, table_size):
    counts = np.array([counts[0]] + sorted(counts[1:], reverse=True), dtype=np.int64)
    if (counts ** 0.75).sum() == 0:
        return
    full = build_unigram_table(counts, table_size)
    compact = build_noise_table(counts, table_size)
    assert np.array_equal(compact.lookup(np.arange(table_size)), full)
    assert np.array_equal(compact.run_lengths(), np.bincount(full, minlength=len(counts)))


def test_subsampling_thresholds_match_word2vec_float_formula():
    counts = np.array([100, 200000, 50000, 3000, 120, 7, 5], dtype=np.int64)
    sample, train_words = np.float32(1e-4), int(counts.sum())
    thresholds = keep_thresholds(counts, float(sample), train_words)
    st_ = np.float32(sample * np.float32(train_words))
    for w, c in enumerate(counts):
        ran = np.float32((np.sqrt(np.float64(np.float32(c) / st_)) + 1) * np.float64(st_) / c)
        for r in (0, 1, 100, 5000, 30000, 65535):
            kept_by_word2vec = not (ran < np.float32(r) / np.float32(65536))
            assert kept_by_word2vec == (r <= thresholds[w]), (w, r)
    p = keep_probability(counts, float(sample), train_words)
    assert p[1] < 0.1 and p[-1] == 1.0


def test_no_subsampling_keeps_everything():
    assert np.all(keep_thresholds(np.array([5, 10**9]), 0.0, 10**9) == 65536)


def test_init_vectors_are_word2vec_lcg():
    v = _core.init_input_vectors(3, 4, 1, new_stop_flag())
    r = 1
    for a in range(3):
        for b in range(4):
            r = (r * 25214903917 + 11) % 2**64
            expected = np.float32((np.float32(r & 0xFFFF) / np.float32(65536) - 0.5) / 4)
            assert v[a, b] == expected
