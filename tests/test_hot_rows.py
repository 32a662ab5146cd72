"""Which output rows each training thread keeps private (w2vpy/training/hot_rows.py),
against a plain-Python model of the rule, and what the default does."""
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import run_cli
from test_training import MODES, topic_precision
from w2vpy import train
from w2vpy.training.hot_rows import (MAX_COPY_BYTES, MERGE_WORDS, NONE, TOUCHES_PER_MERGE, HotRows,
                            choose_hot_rows, hot_rows_bound, output_steps_per_position,
                            resolve_hot_rows)
from w2vpy.training.huffman import build_huffman_tree
from w2vpy.parameters import TrainingParams


def reference_shares(counts, tree, negative):
    """Exact per-row touch shares, sample off: every path walked word by word."""
    total = sum(counts)
    node = {}
    for word, count in enumerate(counts):
        for point in tree.point(word):
            node[point] = node.get(point, 0) + Fraction(count, total)
    powered = [c ** 0.75 for c in counts]
    draws = [negative * p / sum(powered) + c / total for p, c in zip(powered, counts)]
    return list(node.values()), draws


def rows_at_threshold(shares, tolerance, steps=1):
    """How many rows are surely above the threshold, and how many may be
    (those within float rounding of it may go either way)."""
    threshold = Fraction(TOUCHES_PER_MERGE, MERGE_WORDS) / Fraction(steps)
    sure = sum(1 for s in shares if s >= threshold * (1 + tolerance))
    maybe = sum(1 for s in shares if s >= threshold * (1 - tolerance))
    return sure, maybe


vocabularies = st.lists(st.integers(1, 5000), min_size=2, max_size=300).map(
    lambda c: np.array([0] + sorted(c, reverse=True), dtype=np.int64))


@settings(max_examples=60, deadline=None)
@given(vocabularies, st.integers(0, 10), st.sampled_from([8, 100, 300, 100_000]),
       st.booleans(), st.integers(1, 10))
def test_chosen_rows_match_the_rule(counts, negative, size, sg, window):
    tree = build_huffman_tree(counts)
    chosen = choose_hot_rows(counts, tree, negative, sample=0, vector_size=size, sg=sg,
                             window=window)
    node_shares, draw_shares = reference_shares(counts.tolist(), tree, negative)
    steps = window + 1 if sg else 1  # skip-gram: one output step per context word
    cap = max(MAX_COPY_BYTES // (size * 4), 1)
    sure, maybe = rows_at_threshold(node_shares, 1e-9, steps)
    assert min(sure, cap) <= chosen.hs_rows <= min(maybe, cap)
    if negative == 0:
        assert chosen.ns_rows == 0
    else:
        sure, maybe = rows_at_threshold([Fraction(x) for x in draw_shares], 1e-9, steps)
        assert min(sure, cap) <= chosen.ns_rows <= min(maybe, cap)


def test_skip_gram_counts_a_step_per_context_word():
    """b is uniform on [0, window): a position has 2 * (window - b) context
    words, window + 1 on average."""
    for window in (1, 5, 8):
        expected = sum(2 * (window - b) for b in range(window)) / window
        assert output_steps_per_position(True, window) == expected
        assert output_steps_per_position(False, window) == 1


def test_hand_worked_vocabulary():
    """</s> 0 and four words 512, 256, 128, 128 (1024 in all).  Huffman merges
    128+128 -> 256, then 256+256 -> 512, 512+512 -> 1024, 0+1024 -> root: the
    four inner nodes are on all, all, half and a quarter of the positions'
    paths, at least 8 of every 64.  With negative=1 a word's rows are touched
    c^0.75/247.7 (the draws) + c/1024 (its own positions) per position: at
    least 0.28 for the four words, over 8/64, and 0 for </s> (count 0)."""
    assert MERGE_WORDS == 64
    counts = np.array([0, 512, 256, 128, 128], dtype=np.int64)
    tree = build_huffman_tree(counts)
    assert choose_hot_rows(counts, tree, 0, 0, 100) == HotRows(4, 0)  # 4 inner nodes, all hot
    chosen = choose_hot_rows(counts, tree, 1, 0, 100)
    assert chosen.ns_rows == 4  # every word but </s> (count 0: never drawn, never trained)


def test_resolution_of_the_setting():
    counts = np.array([0] + [1000] * 50, dtype=np.int64)
    tree = build_huffman_tree(counts)
    params = TrainingParams(workers=2, negative=5, sample=0, vector_size=100, sg=True, window=5)
    auto = resolve_hot_rows(params, counts, tree)
    assert auto == choose_hot_rows(counts, tree, 5, 0, 100, True, 5) and auto.hs_rows > 0
    assert resolve_hot_rows(replace(params, workers=1), counts, tree) == NONE
    assert resolve_hot_rows(replace(params, workers=4, hot_rows=0), counts, tree) == NONE
    assert resolve_hot_rows(replace(params, hot_rows=7), counts, tree) == HotRows(0, 7)
    assert resolve_hot_rows(replace(params, hot_rows=7, hs=True), counts, tree) == HotRows(7, 7)
    assert resolve_hot_rows(replace(params, hot_rows=7, hs=True, negative=0), counts,
                            tree) == HotRows(7, 0)


def test_copies_are_capped_by_the_vector_size():
    counts = np.array([0] + [1000] * 300, dtype=np.int64)
    tree = build_huffman_tree(counts)
    # each word's rows: 50 x 1/300 of the draws + 1/300 of the positions, 0.17, above 8/64;
    # the nodes of the tree's top three levels are on at least 1/8 of the paths
    assert 51 / 300 >= TOUCHES_PER_MERGE / MERGE_WORDS
    small = choose_hot_rows(counts, tree, 50, 0, 10)
    huge = choose_hot_rows(counts, tree, 50, 0, 100_000)
    assert huge == HotRows(1, 1) and small.hs_rows >= 7 and small.ns_rows == 300


@pytest.mark.parametrize("mode", ["cbow-ns", "sg-hs", "cbow-hs-ns"])
@pytest.mark.parametrize("hot_rows", [None, 0])
def test_default_and_pure_hogwild_both_learn(topics, mode, hot_rows):
    path, topic_of = topics
    kv = train(path, vector_size=20, window=3, min_count=1, sample=0, workers=2, epochs=5,
               hot_rows=hot_rows, **MODES[mode])
    assert topic_precision(kv, topic_of) > 0.8, (mode, hot_rows)


def test_cli_takes_auto_or_a_count(topics, tmp_path):
    path, _ = topics
    for value in ("auto", "0", "16"):
        r = run_cli("-train", str(path), "-output", str(tmp_path / "v.bin"), "-size", "8",
                    "-iter", "1", "-threads", "2", "-min-count", "1", "-hs", "1",
                    "-hot-rows", value, "-debug", "0")
        assert r.returncode == 0, (value, r.stderr)
    r = run_cli("-train", str(path), "-output", str(tmp_path / "v.bin"), "-hot-rows", "many")
    assert r.returncode == 1
    assert "invalid value for -hot-rows: 'many' is not an integer or 'auto'" in r.stderr.decode()


@pytest.mark.parametrize("workers", [2, 3])
def test_threads_merge_every_interval_of_trained_positions(tmp_path, workers):
    """One line of words, nothing subsampled: sentences of 1000 words are read
    whole, so an interval counted in words read would merge once per two
    sentences (every 2000 positions) instead of every MERGE_WORDS."""
    from w2vpy import Word2Vec
    rng = np.random.default_rng(0)
    zipf = 1 / np.arange(1, 301)
    tokens = rng.choice([f"w{i}" for i in range(300)], size=120_000, p=zipf / zipf.sum())
    path = tmp_path / "line.txt"
    path.write_text(" ".join(tokens) + "\n")
    model = Word2Vec(vector_size=8, workers=workers, sample=0, hs=1, negative=0, epochs=2,
                     min_count=1, hot_rows=4)
    model.build_vocab(path)
    report = model.train(path)
    assert report.hot_rows == HotRows(4, 0)
    # each thread merges after every MERGE_WORDS of its positions and once at its end;
    # a thread's share may end on a partial interval, and so may each piece it takes over
    intervals = report.words_trained / MERGE_WORDS
    assert intervals - 2 * workers <= report.hot_row_merges - workers <= intervals + 2 * workers


def test_debug_shows_the_private_rows_and_their_merges(topics, tmp_path):
    path, _ = topics
    r = run_cli("-train", str(path), "-output", str(tmp_path / "v.bin"), "-size", "8",
                "-iter", "1", "-threads", "2", "-min-count", "1", "-hs", "1", "-negative", "0",
                "-hot-rows", "3", "-debug", "2")
    assert r.returncode == 0, r.stderr
    assert "Private hot rows: 3 inner nodes, 0 words; merged " in r.stderr.decode()
    r = run_cli("-train", str(path), "-output", str(tmp_path / "v.bin"), "-size", "8",
                "-iter", "1", "-threads", "2", "-min-count", "1", "-hot-rows", "0", "-debug", "2")
    assert r.returncode == 0 and b"Private hot rows" not in r.stderr


@settings(max_examples=60, deadline=None)
@given(vocabularies, st.integers(0, 10), st.sampled_from([8, 100, 100_000]), st.booleans(),
       st.sampled_from([None, 0, 1, 7, 10**6]), st.integers(1, 64))
def test_the_memory_checks_bound_is_never_below_the_rows_taken(counts, negative, size, hs,
                                                               hot_rows, workers):
    """The memory check counts hot_rows_bound before the tree exists: the
    rows resolve_hot_rows then takes (and trainer.c copies: at most the layer's
    rows) must never be more."""
    if not hs and negative == 0:
        negative = 1
    params = TrainingParams(vector_size=size, hs=hs, negative=negative, hot_rows=hot_rows,
                            workers=workers, sample=0)
    tree = build_huffman_tree(counts) if hs else None
    taken, bound = resolve_hot_rows(params, counts, tree), hot_rows_bound(params, len(counts))
    assert min(taken.hs_rows, len(counts) - 1) <= bound.hs_rows
    assert min(taken.ns_rows, len(counts)) <= bound.ns_rows
