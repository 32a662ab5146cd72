"""Phrases: word2phrase.c's counting and rewrite, against a plain-Python
reference of its rules and against corpora worked out by hand."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2vpy import W2VError, _core
from w2vpy.errors import CorruptInputError
from w2vpy.phrases import FORMAT_VERSION, PhraseModel, phrases


def reference_word2phrase(text: bytes, min_count: int, threshold: float,
                          max_keys: int | None = None) -> bytes:
    """word2phrase.c's rules, written out: one table for words and "a_b"
    pairs (with the sentence token "</s>" first, as its vocabulary), pairs
    counted across line ends, ReduceVocab once per word when the table
    passes max_keys, then every word written after ' ' or '_' and every line
    end kept; a pair joins when its float32 score is above the threshold,
    and a joined word starts no pair."""
    tokens: list[bytes] = []
    for line in text.replace(b"\r", b"").split(b"\n"):
        tokens.extend(line.replace(b"\t", b" ").split())
        tokens.append(b"\n")
    tokens.pop()  # the split's last piece has no line end after it
    table = {b"</s>": 0}
    min_reduce, train_words, last = 1, 0, None
    for token in tokens:
        if token == b"\n":
            continue
        train_words += 1
        table[token] = table.get(token, 0) + 1
        if last is not None:
            pair = last + b"_" + token
            table[pair] = table.get(pair, 0) + 1
        last = token
        if max_keys is not None and len(table) > max_keys:
            table = {k: c for i, (k, c) in enumerate(table.items()) if i == 0 or c > min_reduce}
            min_reduce += 1

    def kept(key: bytes) -> int | None:
        count = table.get(key, 0)
        return count if count >= min_count else None

    out, previous, previous_count = [], None, None
    f32 = np.float32
    for token in tokens:
        if token == b"\n":
            out.append(b"\n")
            previous_count = None
            continue
        count = kept(token)
        score = f32(0)
        if previous_count is not None and count is not None:
            pair_count = kept(previous + b"_" + token)
            if pair_count is not None:
                score = (f32(pair_count - min_count) / f32(previous_count) / f32(count)
                         * f32(train_words))
        joined = score > f32(threshold)
        out.append((b"_" if joined else b" ") + token)
        previous, previous_count = token, None if joined else count
    return b"".join(out)


def run_phrases(tmp: Path, text: bytes, **options) -> bytes:
    source, output = tmp / "in.txt", tmp / "out.txt"
    source.write_bytes(text)
    phrases(source, output, **options)
    return output.read_bytes()


WORDS = st.sampled_from([b"a", b"b", b"c", b"d", b"a_b", b"b_c", b"</s>", b"new"])
SEPARATORS = st.sampled_from([b" ", b"  ", b"\t", b"\n", b"\r\n", b" \n"])


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.tuples(WORDS, SEPARATORS), max_size=120),
       min_count=st.integers(1, 3), threshold=st.sampled_from([0.0, 0.5, 1.0, 2.0, 10.0, 100.0]),
       max_keys=st.sampled_from([None, 4, 6, 9]))
def test_output_is_the_reference_byte_for_byte(pieces, min_count, threshold, max_keys):
    text = b"".join(w + s for w, s in pieces)
    options = dict(min_count=min_count, threshold=threshold)
    with tempfile.TemporaryDirectory() as tmp:
        if not text.split():
            with pytest.raises(W2VError, match="empty"):
                run_phrases(Path(tmp), text, **options)
            return
        got = run_phrases(Path(tmp), text, **options,
                          **({} if max_keys is None else {"max_keys": max_keys}))
    assert got == reference_word2phrase(text, min_count, threshold, max_keys)


HAND_CORPUS = b"new york\n" * 10 + b"new jersey\n" * 5 + b"old york\n" * 5


def test_scores_worked_out_by_hand(tmp_path):
    """new 15, york 15, jersey 5, old 5, 40 words; new_york 10.  Its score is
    (10 - 5) / 15 / 15 * 40 = 0.888...; new_jersey's (5 - 5) / 15 / 5 * 40 = 0.
    Pairs across line ends count too, as in word2phrase: york_new 10."""
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    model = PhraseModel.learn(path)
    assert (model.count("new"), model.count("york"), model.count("jersey")) == (15, 15, 5)
    assert (model.count("new_york"), model.count("new_jersey"), model.count("york_new")) == (
        10, 5, 10)
    assert model.count("jersey_old") == 0  # seen once: under min_count
    assert model.train_words == 40
    score = _core.phrase_score(10, 15, 15, 5, 40)
    assert score == np.float32(5) / np.float32(15) / np.float32(15) * np.float32(40)
    assert abs(score - 8 / 9) < 1e-6
    assert run_phrases(tmp_path, HAND_CORPUS, threshold=0.88) == (
        b" new_york\n" * 10 + b" new jersey\n" * 5 + b" old york\n" * 5)
    # the score must be above the threshold, not equal to it
    assert b"_" not in run_phrases(tmp_path, HAND_CORPUS, threshold=float(score))


def test_one_pass_never_chains_three_words(tmp_path):
    """Every pair of "a b c" passes threshold 0, but b, once joined to a,
    cannot start b_c."""
    assert run_phrases(tmp_path, b"a b c\n" * 20, min_count=1, threshold=0) == b" a_b c\n" * 20


def test_two_passes_reach_four_word_phrases(tmp_path):
    text = b"a b c d\n" * 20
    assert run_phrases(tmp_path, text, min_count=1, threshold=0) == b" a_b c_d\n" * 20
    assert run_phrases(tmp_path, text, min_count=1, threshold=(0, 0)) == b" a_b_c_d\n" * 20
    assert not list(tmp_path.glob(".out.txt.pass*"))  # the pass between is removed


def test_pruning_matches_reduce_vocab(tmp_path):
    text = b" ".join(b"w%d" % (i % 7) for i in range(300)) + b" " + b"new york " * 50 + b"\n"
    path = tmp_path / "c.txt"
    path.write_bytes(text)
    model = PhraseModel.learn(path, min_count=2, max_keys=10)
    assert model.prune_events > 0
    assert run_phrases(tmp_path, text, min_count=2, threshold=1, max_keys=10) == (
        reference_word2phrase(text, 2, 1, max_keys=10))


def test_saved_model_round_trips(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    model = PhraseModel.learn(path, threshold=0.5)
    model.save(tmp_path / "m.phrases")
    loaded = PhraseModel.load(tmp_path / "m.phrases")
    assert (loaded.train_words, loaded.min_count, loaded.threshold) == (40, 5, 0.5)
    for key in ("new", "york", "new_york", "york_new", "jersey_old"):
        assert loaded.count(key) == model.count(key)
    new_text = ["we saw new york today", "new jersey\n"]
    assert list(loaded.apply_lines(new_text)) == ["we saw new_york today", "new jersey"]
    assert list(loaded.apply_lines(new_text)) == list(model.apply_lines(new_text))


def test_load_refuses_what_is_not_a_model(tmp_path):
    other = tmp_path / "vectors.txt"
    other.write_bytes(b"3 2\na 0.1 0.2\n")
    with pytest.raises(CorruptInputError, match="not a w2vpy phrase model"):
        PhraseModel.load(other)
    newer = tmp_path / "newer.phrases"
    newer.write_bytes(b"w2vpy-phrases %d train_words=4 min_count=1 threshold=1.0\na 4\n"
                      % (FORMAT_VERSION + 1))
    with pytest.raises(CorruptInputError, match="upgrade w2vpy"):
        PhraseModel.load(newer)
    broken = tmp_path / "broken.phrases"
    broken.write_bytes(b"w2vpy-phrases 1 train_words=4 min_count=1 threshold=1.0\na four\n")
    with pytest.raises(CorruptInputError, match=":2: expected 'key count'"):
        PhraseModel.load(broken)


@pytest.mark.parametrize("options, message", [
    (dict(min_count=0), "min_count must be an integer >= 1, got 0"),
    (dict(threshold=-1.0), "threshold must be a number >= 0, got -1.0"),
    (dict(threshold="high"), "threshold must be a number >= 0, got 'high'"),
    (dict(threshold=()), "at least one value"),
])
def test_bad_settings_are_refused(tmp_path, options, message):
    with pytest.raises(W2VError, match=message):
        run_phrases(tmp_path, b"a b\n", **options)


def test_output_equal_to_input_is_refused(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    with pytest.raises(W2VError, match="c.txt"):
        phrases(path, path)
    assert path.read_bytes() == HAND_CORPUS


def test_long_pair_keys_are_never_cut(tmp_path):
    """word2phrase cuts pair keys at 59 bytes, so these two pairs would share
    one count; here each keeps its own."""
    first, second = b"f" * 50, b"s" * 50
    path = tmp_path / "c.txt"
    path.write_bytes((first + b" " + second + b"\n") * 6 + (first + b" " + second + b"x\n") * 7)
    model = PhraseModel.learn(path)
    assert model.count(first + b"_" + second) == 6
    assert model.count(first + b"_" + second + b"x") == 7
