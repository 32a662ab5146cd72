import numpy as np
import pytest

from w2vpy.text.text_files import Corpus
from w2vpy.training.huffman import build_huffman_tree
from w2vpy.text.vocab import build_vocab


def test_hand_worked_tree(tmp_path):
    # Counts after sorting: </s>:5 a:4 b:2 c:1 d:1.  Worked by hand with
    # CreateBinaryTree's rules (strict '<' prefers the newer inner node on ties):
    #   node5 = d + c (2), node6 = node5 + b (4), node7 = node6 + a (8),
    #   node8 = </s> + node7 (13, the root); the second-picked child gets bit 1.
    path = tmp_path / "c.txt"
    path.write_bytes(b"a a\na b\na b\nc\nd\n")
    vocab = build_vocab(Corpus(path), min_count=1)
    assert vocab.words == [b"</s>", b"a", b"b", b"c", b"d"]
    assert vocab.counts.tolist() == [5, 4, 2, 1, 1]
    tree = build_huffman_tree(vocab.counts)
    expected = {
        0: ([0], [3]),
        1: ([1, 1], [3, 2]),
        2: ([1, 0, 1], [3, 2, 1]),
        3: ([1, 0, 0, 1], [3, 2, 1, 0]),
        4: ([1, 0, 0, 0], [3, 2, 1, 0]),
    }
    for word, (code, point) in expected.items():
        assert tree.code(word) == code, word
        assert tree.point(word) == point, word


def test_codes_are_prefix_free_and_kraft_complete():
    counts = np.array([50, 40, 30, 30, 20, 9, 9, 9, 3, 2, 1, 1], dtype=np.int64)
    tree = build_huffman_tree(counts)
    codes = ["".join(map(str, tree.code(w))) for w in range(len(counts))]
    assert len(set(codes)) == len(codes)
    for a in codes:
        for b in codes:
            assert a == b or not b.startswith(a)
    assert sum(2.0 ** -len(c) for c in codes) == pytest.approx(1.0)
    # every path starts at the root, inner node V - 2
    assert all(tree.point(w)[0] == len(counts) - 2 for w in range(len(counts)))


def test_deep_tree_has_no_40_entry_limit():
    # Fibonacci-like counts give a maximally unbalanced tree, deeper than
    # word2vec.c's fixed MAX_CODE_LENGTH of 40.
    fib = [1, 1]
    while len(fib) < 60:
        fib.append(fib[-1] + fib[-2])
    counts = np.array([0] + sorted(fib, reverse=True), dtype=np.int64)
    tree = build_huffman_tree(counts)
    assert tree.max_depth > 40
    assert set(np.unique(tree.points)) <= set(range(len(counts) - 1))


def test_needs_two_words():
    with pytest.raises(ValueError):
        build_huffman_tree(np.array([3]))
