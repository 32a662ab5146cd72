import time

import numpy as np
import pytest

from conftest import DEMO_CORPUS
from w2vpy import TrainingDiverged, W2VError, train
from w2vpy.training import cpu_backend as trainer

MODES = {
    "cbow-ns": dict(sg=0, hs=0, negative=5),
    "sg-ns": dict(sg=1, hs=0, negative=5),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "cbow-hs-ns": dict(sg=0, hs=1, negative=3),
}


def topic_precision(kv, topic_of, k=5) -> float:
    hits = total = 0
    for word, topic in topic_of.items():
        for other, _ in kv.most_similar(word, topn=k):
            hits += topic_of.get(other) == topic
            total += 1
    return hits / total


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_learns_topics(topics, mode):
    path, topic_of = topics
    kv = train(path, vector_size=20, window=3, min_count=1, sample=0, workers=2, epochs=5,
               **MODES[mode])
    # 6 topics: chance is about 1/6
    assert topic_precision(kv, topic_of) > 0.8, mode


def test_untrained_vectors_fail_the_same_check(topics):
    """The check above can fail: one epoch at a vanishing learning rate
    leaves the random initialisation, which scores near chance."""
    path, topic_of = topics
    kv = train(path, vector_size=20, window=3, min_count=1, sample=0, workers=1, epochs=1,
               alpha=1e-9)
    assert topic_precision(kv, topic_of) < 0.5


def test_single_thread_runs_are_bit_identical(topics):
    path, _ = topics
    a = train(path, vector_size=16, min_count=1, workers=1, epochs=2, seed=3)
    b = train(path, vector_size=16, min_count=1, workers=1, epochs=2, seed=3)
    assert np.array_equal(a.vectors, b.vectors)
    c = train(path, vector_size=16, min_count=1, workers=1, epochs=2, seed=4)
    assert not np.array_equal(a.vectors, c.vectors)


def test_sequential_dot_is_deterministic_and_close_to_blocked(topics):
    path, _ = topics
    a = train(path, vector_size=16, min_count=1, workers=1, epochs=1, sequential_dot=True)
    b = train(path, vector_size=16, min_count=1, workers=1, epochs=1, sequential_dot=True)
    c = train(path, vector_size=16, min_count=1, workers=1, epochs=1)
    assert np.array_equal(a.vectors, b.vectors)
    assert np.allclose(a.vectors, c.vectors, atol=1e-3)


@pytest.mark.parametrize("mode", ["cbow-ns", "sg-hs", "cbow-hs-ns"])
def test_hot_rows_mode_learns_topics(topics, mode):
    path, topic_of = topics
    kv = train(path, vector_size=20, window=3, min_count=1, sample=0, workers=2, epochs=5,
               hot_rows=8, **MODES[mode])
    assert topic_precision(kv, topic_of) > 0.8, mode


def test_hot_rows_change_nothing_with_one_thread(topics):
    """With one thread nothing is shared, so the mode stays off and the
    single-thread run keeps word2vec.c's arithmetic."""
    path, _ = topics
    a = train(path, vector_size=16, min_count=1, workers=1, epochs=2, hs=1, negative=5)
    b = train(path, vector_size=16, min_count=1, workers=1, epochs=2, hs=1, negative=5,
              hot_rows=8)
    assert np.array_equal(a.vectors, b.vectors)


def test_hot_rows_reach_the_shared_weights_through_the_merges(topics):
    """Every output row private to both threads (hot_rows above the row
    count): the shared matrices learn only through the merges."""
    from w2vpy import Word2Vec

    path, _ = topics
    model = Word2Vec(vector_size=16, min_count=1, sample=0, hs=True, negative=5, workers=2,
                     epochs=2, hot_rows=10**6)
    model.build_vocab(path)
    model.train(path)
    weights, vocab = model.weights, model.vocab
    inner_nodes = weights.syn1[:len(vocab) - 1]
    assert np.all(np.any(inner_nodes != 0, axis=1))  # every node is on some word's path
    # every word is a positive target; </s> (row 0) never is, nor a negative
    assert np.all(np.any(weights.syn1neg[1:] != 0, axis=1))
    assert not np.any(weights.syn1neg[0])
    assert np.all(np.isfinite(weights.syn1)) and np.all(np.isfinite(weights.syn1neg))


def test_result_carries_vocabulary_and_counts(topics):
    path, topic_of = topics
    kv = train(path, vector_size=8, min_count=1, workers=2, epochs=1)
    assert kv.index_to_key[0] == "</s>"
    assert set(kv.index_to_key[1:]) == set(topic_of)
    assert kv.counts[0] == 3000  # one </s> per line
    assert kv.vectors.dtype == np.float32 and kv.vectors.flags.c_contiguous
    assert np.all(np.diff(kv.counts[1:]) <= 0)


def test_divergence_is_reported_not_saved(topics):
    path, _ = topics
    with pytest.raises(TrainingDiverged, match="alpha"):
        train(path, vector_size=8, min_count=1, workers=1, epochs=2, alpha=1e30)


@pytest.mark.parametrize("kwargs, message", [
    (dict(vector_size=0), "vector_size must be >= 1, got 0"),
    (dict(window=0), "window"),
    (dict(hs=0, negative=0), "no training objective"),
    (dict(workers=0), "workers must be >= 1, got 0"),
    (dict(epochs=0), "epochs"),
    (dict(sample=-1.0), "sample"),
    (dict(alpha=-0.1), "alpha"),
    (dict(alpha=float("nan")), "alpha"),
    (dict(min_count=-1), "min_count"),
    (dict(negative=-2), "negative"),
    (dict(backend="tpu"), "backend must be one of cpu, cuda, got 'tpu'"),
    (dict(hot_rows=-1), "hot_rows must be >= 0, got -1"),
    (dict(window=2**31), "window is too large: 2147483648"),
    (dict(epochs=10**30), "epochs is too large"),
    (dict(seed=2**63), "seed is too large"),
    (dict(hot_rows=10**30), "hot_rows is too large"),
    (dict(backend="cuda", hot_rows=8), "hot rows are a CPU-thread option"),
])
def test_invalid_parameters(topics, kwargs, message):
    path, _ = topics
    with pytest.raises(W2VError, match=message):
        train(path, **kwargs)


def test_no_word_reaches_min_count(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b c\n")
    with pytest.raises(W2VError, match="min_count"):
        train(path, min_count=5)


def test_learns_from_the_bundled_corpus():
    """End-to-end on real text: colour words end up next to each other."""
    if not DEMO_CORPUS.exists():
        pytest.skip("bundled demo corpus missing")
    # one thread: bit-reproducible, so the check cannot flake
    kv = train(DEMO_CORPUS, vector_size=50, window=5, sample=1e-4, sg=0, negative=5, workers=1,
               epochs=2, min_count=5)
    colours = {"yellow", "white", "purple", "pink", "green", "blue", "black", "brown", "orange",
               "violet", "red", "gray", "grey", "reddish", "scarlet", "crimson", "colored"}
    near = [w for w, _ in kv.most_similar("red", topn=10)]
    assert len(colours.intersection(near)) >= 6, near


def _one_thread_vectors(path, **params):
    return train(path, vector_size=12, min_count=1, sample=0, workers=1, epochs=2, window=1,
                 **params).vectors


def test_cbow_mean_is_the_sum_divided_by_the_context_size(tmp_path):
    """window=1 always draws shrink 0, so in two-word sentences every context
    is the one other word: mean and sum agree bit for bit.  In three-word
    sentences the middle word has two, and they part."""
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("red apple\ngreen pear\nred pear\ngreen apple\n" * 50)
    triples = tmp_path / "triples.txt"
    triples.write_text("red ripe apple\ngreen ripe pear\n" * 50)
    assert np.array_equal(_one_thread_vectors(pairs, cbow_mean=True),
                          _one_thread_vectors(pairs, cbow_mean=False))
    summed = _one_thread_vectors(triples, cbow_mean=False)
    assert not np.array_equal(_one_thread_vectors(triples, cbow_mean=True), summed)
    # skip-gram has no hidden sum: the switch changes nothing there
    assert np.array_equal(_one_thread_vectors(triples, sg=1, cbow_mean=False),
                          _one_thread_vectors(triples, sg=1, cbow_mean=True))
    assert np.isfinite(summed).all()


def test_summed_cbow_learns_topics(topics):
    path, topic_of = topics
    kv = train(path, vector_size=32, min_count=1, workers=1, epochs=5, cbow_mean=False,
               alpha=0.01)
    assert topic_precision(kv, topic_of) > 0.8


def test_a_run_ends_when_its_threads_do_not_at_the_next_progress_report(topics, monkeypatch):
    """The last thread wakes the driver: with progress reports two minutes
    apart, a run of a fraction of a second still returns at once (a driver
    that only woke to report would take the two minutes and fail)."""
    monkeypatch.setattr(trainer, "PROGRESS_SECONDS", 120.0)
    path, _ = topics
    started = time.monotonic()
    train(path, vector_size=20, window=3, min_count=1, sample=0, workers=2, epochs=1)
    assert time.monotonic() - started < 60


def test_threads_that_end_early_take_over_the_rest_and_train_each_word_once(tmp_path):
    """The first half of this corpus is one word that subsampling nearly always
    drops, the second half is text, so of four threads the first two end their
    epochs long before the others and take over their last epochs, then the
    back halves of what they have left, piece after piece (trainer.c,
    next_piece).  Each token must
    still be trained exactly once per epoch: the count adds up, every epoch
    has its loss, and the word that occurs only on the corpus's last line,
    in the last piece taken over, is trained."""
    from w2vpy import Word2Vec

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    path = tmp_path / "lopsided.txt"
    with path.open("w") as f:
        for _ in range(2000):
            f.write(" ".join(["filler"] * 100) + "\n")
        for _ in range(2000):
            f.write(" ".join(rng.choice(words, 100)) + "\n")
        f.write("omega " + " ".join(rng.choice(words, 20)) + "\n")
    model = Word2Vec(vector_size=32, min_count=1, sample=1e-3, sg=1, negative=5, workers=4,
                     epochs=3, seed=1)
    model.build_vocab(path)
    omega = model.vocab.words.index(b"omega")
    before = trainer.new_weights(model.vocab, model.params).syn0[omega]
    report = model.train(path, compute_loss=True)
    assert report.words_trained == 3 * report.corpus_tokens
    assert len(model.loss_history) == 3
    assert all(np.isfinite(loss) and loss > 0 for loss in model.loss_history)
    assert not np.array_equal(model.weights.syn0[omega], before)


@pytest.mark.parametrize("mode", MODES)
def test_shrink_windows_off_takes_the_full_window(topics, mode):
    """A window of one word is the same drawn or not; a wider one drawn from
    1..window trains other vectors than the full window every time."""
    path, _ = topics
    common = dict(vector_size=12, min_count=1, workers=1, epochs=1, **MODES[mode])
    for window, same in ((1, True), (4, False)):
        drawn = train(path, window=window, **common)
        full = train(path, window=window, shrink_windows=False, **common)
        assert np.array_equal(drawn.vectors, full.vectors) == same, window
