"""gensim's per-word lock factors (``wv.vectors_lockf``): each word's input
vector moves by its factor times the update it would get (0.0: not at all),
in every objective; all factors 1.0 train exactly as word2vec.c."""
import numpy as np
import pytest

import w2vpy.model
from w2vpy import W2VError, Word2Vec
from w2vpy.training.huffman import build_huffman_tree
from w2vpy import _core

MODES = {
    "cbow-ns": dict(sg=0, hs=0, negative=5),
    "sg-ns": dict(sg=1, hs=0, negative=5),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "sg-ns-batched": dict(sg=1, hs=0, negative=5, batch_negatives=True),
}
SENTENCES = [[f"w{(i * 7 + j * 3) % 11}" for j in range(6)] for i in range(40)]


def _built(**params) -> Word2Vec:
    model = Word2Vec(vector_size=8, min_count=1, workers=1, epochs=2, sample=0, window=2,
                     seed=3, **params)
    model.build_vocab(SENTENCES)
    return model


def _train(model: Word2Vec) -> np.ndarray:
    model.train(SENTENCES, total_examples=model.corpus_count, epochs=model.epochs)
    return model.wv.vectors.copy()


@pytest.mark.parametrize("mode", MODES)
def test_locked_rows_stay_and_unlocked_rows_train(mode):
    model = _built(**MODES[mode])
    before = model.wv.vectors.copy()
    model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
    locked = np.arange(len(model.wv)) % 2 == 0
    model.wv.vectors_lockf[locked] = 0.0  # changed in place, as gensim's users do
    after = _train(model)
    assert np.array_equal(after[locked], before[locked])
    assert (after[~locked] != before[~locked]).any(axis=1).all()


@pytest.mark.parametrize("mode", MODES)
def test_one_zero_factor_locks_every_row_but_the_output_layer_trains(mode):
    model = _built(**MODES[mode])
    before = model.wv.vectors.copy()
    model.wv.vectors_lockf = np.zeros(1, dtype=np.float32)
    after = _train(model)
    assert np.array_equal(after, before)
    output = model.syn1neg if MODES[mode]["negative"] else model.syn1
    assert np.abs(output).sum() > 0


@pytest.mark.parametrize("mode", MODES)
def test_factors_of_one_train_bit_identically_to_none(mode, monkeypatch):
    untouched = _train(_built(**MODES[mode]))
    for ones in (np.ones(1, dtype=np.float32), np.ones(len(untouched), dtype=np.float32)):
        model = _built(**MODES[mode])
        model.wv.vectors_lockf = ones
        assert np.array_equal(_train(model), untouched)
    # the C threads given ones (not the None the driver hands them for ones)
    given = []
    monkeypatch.setattr(w2vpy.model, "input_lock_factors",
                        lambda factors, rows, first=0: given.append(rows) or np.ones(rows, np.float32))
    model = _built(**MODES[mode])
    model.wv.vectors_lockf = np.ones(1, dtype=np.float32)
    assert np.array_equal(_train(model), untouched)
    assert given and given[0] == len(untouched) + 1  # word2vec.c's </s> row too


def _reference_hs(model: Word2Vec, syn0: np.ndarray, sentence: list[int], factors: np.ndarray,
                  alpha: float, epochs: int) -> np.ndarray:
    """word2vec.c's hierarchical softmax, one thread, window 1 (never shrunk),
    no subsampling, in plain Python float32, each input row moving by its
    factor times its summed error."""
    syn0 = syn0.copy()
    syn1 = np.zeros_like(syn0)
    tree = build_huffman_tree(model.vocab.counts)
    table = _core.sigmoid_table()
    alpha = np.float32(alpha)

    def softmax(word: int, hidden: np.ndarray, err: np.ndarray) -> None:
        for d in range(tree.code_offsets[word], tree.code_offsets[word + 1]):
            row = syn1[tree.points[d]]
            f = np.float32(0)
            for a, b in zip(hidden, row):  # sequential_dot's order
                f = np.float32(f + a * b)
            if not -6 < f < 6:
                continue
            g = np.float32((np.float32(1 - tree.codes[d]) - table[int((f + 6) * 83)]) * alpha)
            err += g * row
            row += g * hidden

    for _ in range(epochs):
        for position, word in enumerate(sentence):
            contexts = [sentence[c] for c in (position - 1, position + 1)
                        if 0 <= c < len(sentence)]
            if model.sg:
                for context in contexts:
                    err = np.zeros(syn0.shape[1], np.float32)
                    softmax(word, syn0[context], err)
                    syn0[context] += factors[context] * err
            else:
                hidden = np.sum([syn0[c] for c in contexts], axis=0, dtype=np.float32)
                hidden /= np.float32(len(contexts))
                err = np.zeros(syn0.shape[1], np.float32)
                softmax(word, hidden, err)
                for context in contexts:
                    syn0[context] += factors[context] * err
    return syn0


@pytest.mark.parametrize("sg", [1, 0])
def test_fractional_factors_scale_each_update_as_a_plain_reference(sg):
    words = "a b a c b a d c a b e a".split()
    model = Word2Vec(vector_size=4, min_count=1, workers=1, epochs=3, sample=0, window=1,
                     hs=1, negative=0, sg=sg, alpha=0.2, sequential_dot=True, cbow_mean=True)
    model.build_vocab([words])
    assert len(model.wv) == 5  # the weights are made with wv
    start = model.weights.syn0.copy()
    factors = np.array([0.5, 0.0, 1.0, 0.25, 0.5], dtype=np.float32)
    model.wv.vectors_lockf = factors
    model.train([words], total_examples=1, epochs=3)
    rows = [model.vocab.words.index(w.encode()) for w in words]
    per_row = np.concatenate([[1.0], factors]).astype(np.float32)  # </s> first
    expected = _reference_hs(model, start, rows, per_row, 0.2, 3)
    assert not np.allclose(expected, _reference_hs(model, start, rows, np.ones_like(per_row),
                                                   0.2, 3))
    np.testing.assert_allclose(model.weights.syn0, expected, rtol=1e-5, atol=1e-6)
    assert np.array_equal(model.wv.vectors[1], start[2])  # factor 0.0: not moved at all


@pytest.mark.parametrize("value, problem", [
    (np.ones(3, dtype=np.float32), "(3,)"),
    (np.ones((2, 11), dtype=np.float32), "(2, 11)"),
    (np.array([1.0] * 10 + [np.nan], dtype=np.float32), "not finite"),
    (np.array([np.inf]), "not finite"),
    (0.5, "shape ()"),
    (["a"] * 11, "numbers"),
])
def test_bad_factors_are_refused_naming_them(value, problem):
    model = _built(sg=1, hs=0, negative=5)
    assert len(model.wv) == 11
    with pytest.raises(W2VError, match="vectors_lockf") as refused:
        model.wv.vectors_lockf = value
    assert problem in str(refused.value)
    assert model.wv.vectors_lockf.tolist() == [1.0]  # the default stays


def test_factors_spoiled_in_place_are_refused_when_training_reads_them():
    model = _built(sg=1, hs=0, negative=5)
    before = model.wv.vectors.copy()
    model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
    model.wv.vectors_lockf[3] = np.nan
    with pytest.raises(W2VError, match="vectors_lockf .*not finite"):
        model.train(SENTENCES, total_examples=model.corpus_count, epochs=1)
    assert np.array_equal(model.wv.vectors, before)


def test_the_cuda_backend_refuses_factors_other_than_one():
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, backend="cuda")
    model.build_vocab(SENTENCES)
    model.wv.vectors_lockf = np.zeros(1, dtype=np.float32)
    with pytest.raises(W2VError, match="vectors_lockf"):
        model.train(SENTENCES, total_examples=model.corpus_count, epochs=1)


def test_factors_are_kept_when_the_vocabulary_grows_and_new_words_train():
    model = _built(sg=1, hs=0, negative=5)
    model.wv.vectors_lockf = np.zeros(len(model.wv), dtype=np.float32)
    model.build_vocab([["new", "words"] * 3], update=True)
    assert model.wv.vectors_lockf.tolist() == [0.0] * 11 + [1.0, 1.0]
    before = model.wv.vectors.copy()
    model.train([["new", "words", "w1"] * 3], total_examples=1, epochs=2)
    assert np.array_equal(model.wv.vectors[:11], before[:11])
    assert (model.wv.vectors[11:] != before[11:]).any(axis=1).all()


def _gensim_model(**params):
    gensim = pytest.importorskip("gensim.models")
    model = gensim.Word2Vec(vector_size=8, min_count=1, workers=1, epochs=1, seed=3, sample=0,
                            **params)
    model.build_vocab(SENTENCES)
    return model


def test_a_gensim_models_factors_come_with_it_and_lock_its_rows():
    theirs = _gensim_model(sg=1, negative=5)
    theirs.wv.vectors_lockf = np.linspace(0, 1, len(theirs.wv)).astype(np.float32)
    ours = Word2Vec.from_gensim(theirs)
    assert np.array_equal(ours.wv.vectors_lockf, theirs.wv.vectors_lockf)
    assert ours.wv.index_to_key == theirs.wv.index_to_key
    before = ours.wv.vectors.copy()
    _train(ours)
    assert np.array_equal(ours.wv.vectors[0], before[0])  # factor 0.0
    assert (ours.wv.vectors[1:] != before[1:]).any(axis=1).all()


def test_a_gensim_array_left_short_by_vocabulary_growth_repeats_as_gensim_reads_it():
    theirs = _gensim_model(sg=0, negative=5)
    theirs.wv.vectors_lockf = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    ours = Word2Vec.from_gensim(theirs)
    # gensim's trainer reads word i's factor as vectors_lockf[i % 3]
    assert ours.wv.vectors_lockf.tolist() == [[0.0, 1.0, 0.5][i % 3] for i in range(11)]


def test_to_gensim_gives_the_factors_in_gensims_word_order():
    ours = _built(sg=1, hs=0, negative=5)
    ours.wv.vectors_lockf = np.arange(11, dtype=np.float32) / 10
    theirs = ours.to_gensim()
    for key in ours.wv.index_to_key:
        assert (theirs.wv.vectors_lockf[theirs.wv.key_to_index[key]]
                == ours.wv.vectors_lockf[ours.wv.key_to_index[key]])
    one = _built(sg=1, hs=0, negative=5)
    one.wv.vectors_lockf = np.zeros(1, dtype=np.float32)
    assert one.to_gensim().wv.vectors_lockf.tolist() == [0.0]


@pytest.mark.parametrize("mode", ["cbow-hs", "sg-ns"])
def test_two_threads_on_private_hot_rows_keep_locked_rows(mode):
    """The hot rows are output rows: the input rows the factors lock are
    the shared ones, whichever thread writes them."""
    model = Word2Vec(vector_size=8, min_count=1, workers=2, epochs=2, sample=0, window=2,
                     seed=3, hot_rows=10**6, **MODES[mode])
    model.build_vocab(SENTENCES)
    before = model.wv.vectors.copy()
    model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
    model.wv.vectors_lockf[:5] = 0.0
    report = model.train(SENTENCES, total_examples=model.corpus_count, epochs=model.epochs)
    assert report.hot_row_merges > 0
    assert np.array_equal(model.wv.vectors[:5], before[:5])
    assert (model.wv.vectors[5:] != before[5:]).any(axis=1).all()


@pytest.mark.parametrize("factors", ["per word", "one"])
def test_save_keeps_the_lock_factors_and_training_on_is_as_without_saving(tmp_path, factors):
    """A saved and loaded model trains on with the factors it had: the same
    vectors as the model that was never saved; all 1.0 writes no member."""
    model = _built(sg=1, hs=0, negative=5)
    if factors == "per word":
        model.wv.vectors_lockf = np.where(np.arange(len(model.wv)) % 3 == 0, 0.0,
                                          0.5).astype(np.float32)
    else:
        model.wv.vectors_lockf = np.array([0.25], dtype=np.float32)
    path = tmp_path / "m.w2vpy"
    model.save(path)
    loaded = Word2Vec.load(path)
    assert loaded.wv.vectors_lockf.tolist() == model.wv.vectors_lockf.tolist()
    assert _train(loaded).tobytes() == _train(model).tobytes()

    plain = _built(sg=1, hs=0, negative=5)
    plain.save(tmp_path / "plain.w2vpy")
    import zipfile
    with zipfile.ZipFile(tmp_path / "plain.w2vpy") as archive:
        assert "vectors_lockf.npy" not in archive.namelist()
    assert Word2Vec.load(tmp_path / "plain.w2vpy").wv.vectors_lockf.tolist() == [1.0]


def test_a_model_file_with_bad_lock_factors_is_refused(tmp_path):
    import zipfile

    from w2vpy.errors import CorruptInputError

    model = _built(sg=1, hs=0, negative=5)
    model.wv.vectors_lockf = np.full(len(model.wv), 0.5, dtype=np.float32)
    path = tmp_path / "m.w2vpy"
    model.save(path)
    for bad, message in ((np.full(3, 0.5, dtype=np.float32), "'vectors_lockf' has the shape"),
                         (np.full(len(model.wv), np.nan, dtype=np.float32), "not finite")):
        damaged = tmp_path / "damaged.w2vpy"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "vectors_lockf.npy":
                    import io
                    buffer = io.BytesIO()
                    np.save(buffer, bad)
                    data = buffer.getvalue()
                out.writestr(info.filename, data)
        with pytest.raises(CorruptInputError, match=message):
            Word2Vec.load(damaged)
