"""w2vpy.Word2Vec through gensim 4's calls, held to gensim itself where gensim
gives the expected value (the vocabulary, its counts, the corpus sizes), and
to w2vpy's own word2vec.c path where the numbers are word2vec.c's."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from w2vpy import W2VError, W2VWarning, Word2Vec
from w2vpy import load as w2vpy_load
from w2vpy.model import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP

gensim = pytest.importorskip("gensim")

SENTENCES = [["human", "interface", "computer"], ["survey", "user", "computer", "system"],
             ["eps", "user", "interface", "system"], ["system", "human", "system", "eps"],
             ["user", "response", "time"], ["trees"], ["graph", "trees"],
             ["graph", "minors", "trees"], ["graph", "minors", "survey"]] * 3
SMALL = dict(vector_size=8, min_count=1, workers=1, epochs=2, seed=3)


def _counts(wv) -> dict[str, int]:
    return {key: int(wv.get_vecattr(key, "count")) for key in wv.index_to_key}


def _gensim(**keywords):
    return gensim.models.Word2Vec(**{"vector_size": 8, "min_count": 1, "workers": 1,
                                     "epochs": 1, **keywords})


def test_the_constructor_trains_and_presents_gensims_vocabulary():
    model = Word2Vec(SENTENCES, **SMALL)
    theirs = _gensim(sentences=SENTENCES)
    assert model.epochs_trained == 2
    assert "</s>" not in model.wv.key_to_index
    assert _counts(model.wv) == _counts(theirs.wv)
    assert (model.corpus_count, model.corpus_total_words) == (theirs.corpus_count,
                                                              theirs.corpus_total_words)


def test_real_words_match_the_same_text_as_a_file(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in SENTENCES))
    from_lists = Word2Vec(SENTENCES, **SMALL)
    from_keyword = Word2Vec(corpus_file=str(path), **SMALL)
    from_path = Word2Vec(**SMALL, init_range=1.0)  # the start gensim's calls take
    from_path.build_vocab(path)
    from_path.train(path)
    assert from_path.wv.index_to_key[0] == "</s>"  # word2vec.c's path keeps its row
    for model in (from_lists, from_keyword):
        assert model.wv.index_to_key == from_path.wv.index_to_key[1:]
        assert np.array_equal(model.wv.vectors, from_path.wv.vectors[1:])


def _text_file(tmp_path) -> Path:
    path = tmp_path / "text.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in SENTENCES))
    return path


def test_gensims_calls_start_in_gensims_range_and_the_rest_in_word2vec_cs(tmp_path):
    """gensim 4 starts the input vectors uniform in +-1/size, word2vec.c in
    +-0.5/size: a Word2Vec built from sentences (or corpus_file=) doubles
    word2vec.c's draws exactly; a path given positionally keeps them."""
    gensim_start = Word2Vec(**SMALL)
    gensim_start.build_vocab(SENTENCES)
    keyword_start = Word2Vec(**SMALL)
    keyword_start.build_vocab(corpus_file=str(_text_file(tmp_path)))
    c_start = Word2Vec(**SMALL)
    c_start.build_vocab(_text_file(tmp_path))
    draws = c_start.wv.vectors[1:]  # row 0 is </s>, which gensim's wv leaves out
    assert np.abs(draws).max() <= 0.5 / SMALL["vector_size"]
    assert np.array_equal(gensim_start.wv.vectors, 2 * draws)
    assert np.array_equal(keyword_start.wv.vectors, 2 * draws)
    assert (gensim_start.params.init_range, c_start.params.init_range) == (1.0, 0.5)


def test_init_range_given_is_the_start_every_way_in(tmp_path):
    """An explicit init_range wins over the entry point's default: the
    command line's -init-range 1 trains what Word2Vec(sentences) trains."""
    from w2vpy.cli import main as w2v_train
    output = tmp_path / "vectors.bin"
    assert w2v_train(["-train", str(_text_file(tmp_path)), "-output", str(output),
                      "-size", "8", "-min-count", "1", "-threads", "1", "-iter", "2",
                      "-seed", "3", "-init-range", "1", "-binary", "1", "-debug", "0"]) == 0
    from_command = w2vpy_load(output)
    from_lists = Word2Vec(SENTENCES, **SMALL)
    assert from_command.index_to_key[1:] == from_lists.wv.index_to_key
    assert np.array_equal(from_command.vectors[1:], from_lists.wv.vectors)
    halved = Word2Vec(SENTENCES, **SMALL, init_range=0.5)
    assert not np.array_equal(halved.wv.vectors, from_lists.wv.vectors)


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), "1"])
def test_an_init_range_that_is_no_positive_number_is_refused(value):
    with pytest.raises(W2VError, match="init_range"):
        Word2Vec(init_range=value)


def test_the_start_taken_is_kept_with_the_model(tmp_path):
    model = Word2Vec(SENTENCES, **SMALL)
    model.save(tmp_path / "m.w2v")
    assert Word2Vec.load(tmp_path / "m.w2v").params.init_range == 1.0


def test_save_and_load_keep_gensims_vocabulary(tmp_path):
    model = Word2Vec(SENTENCES, **SMALL)
    model.save(tmp_path / "m.w2v")
    loaded = Word2Vec.load(tmp_path / "m.w2v")
    assert loaded.wv.index_to_key == model.wv.index_to_key


def test_save_and_load_keep_the_corpus_sizes(tmp_path):
    """gensim's corpus_count and corpus_total_words (27 sentences of 81 words)
    go through the model file, as gensim's pickle keeps them."""
    model = Word2Vec(SENTENCES, **SMALL)
    model.save(tmp_path / "m.w2v")
    loaded = Word2Vec.load(tmp_path / "m.w2v")
    assert (loaded.corpus_count, loaded.corpus_total_words) == (27, 81)
    grown = Word2Vec.load(tmp_path / "m.w2v")
    grown.build_vocab([["graph", "new"]], update=True)
    grown.save(tmp_path / "g.w2v")
    assert (Word2Vec.load(tmp_path / "g.w2v").corpus_count,
            Word2Vec.load(tmp_path / "g.w2v").corpus_total_words) == (1, 2)


@pytest.mark.parametrize("value", [-1, 2.5, "27"])
def test_a_corpus_size_that_is_no_count_is_refused_before_saving(tmp_path, value):
    model = Word2Vec(SENTENCES, **SMALL)
    model.corpus_count = value
    with pytest.raises(W2VError, match=f"its corpus_count is {value!r}, not a count"):
        model.save(tmp_path / "m.w2v")
    assert not (tmp_path / "m.w2v").exists()


def test_gensims_attributes():
    model = Word2Vec(SENTENCES, alpha=0.03, window=3, sg=1, **SMALL)
    assert (model.alpha, model.window, model.sg, model.vector_size, model.epochs) == (
        0.03, 3, True, 8, 2)
    assert model.min_alpha == pytest.approx(0.03 * 1e-4)
    assert model.min_alpha_yet_reached < model.alpha


def test_a_generator_is_refused_by_the_constructor_as_gensim_does():
    with pytest.raises(TypeError, match="iterator"):
        Word2Vec((s for s in SENTENCES), **SMALL)
    with pytest.raises(W2VError, match="not both"):
        Word2Vec(SENTENCES, corpus_file="x.txt", **SMALL)


def test_train_takes_gensims_keywords_and_warns_of_a_wrong_total():
    model = Word2Vec(**SMALL)
    model.build_vocab(SENTENCES)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.train(SENTENCES, total_examples=model.corpus_count, epochs=model.epochs,
                    queue_factor=2, report_delay=1.0, start_alpha=0.04)
    with pytest.warns(W2VWarning, match="total_examples=5 differs"):
        model.train(SENTENCES, total_examples=5, epochs=1)
    with pytest.raises(W2VError, match="word_count"):
        model.train(SENTENCES, total_examples=model.corpus_count, epochs=1, word_count=7)


def test_a_gensim_train_call_starts_over_at_alpha():
    model = Word2Vec(SENTENCES, **SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "end of its schedule" warning
        model.train(SENTENCES, total_examples=model.corpus_count, epochs=1)
    assert model.state.schedule_alpha == model.alpha


def test_ns_exponent_shapes_the_noise():
    default = Word2Vec(SENTENCES, **SMALL)
    same = Word2Vec(SENTENCES, ns_exponent=0.75, **SMALL)
    flat = Word2Vec(SENTENCES, ns_exponent=0.0, **SMALL)
    assert np.array_equal(default.wv.vectors, same.wv.vectors)
    assert not np.array_equal(default.wv.vectors, flat.wv.vectors)


def test_batch_words_and_max_vocab_size_none_are_accepted():
    default = Word2Vec(SENTENCES, **SMALL)
    knobs = Word2Vec(SENTENCES, batch_words=100, max_vocab_size=None, **SMALL)
    assert np.array_equal(default.wv.vectors, knobs.wv.vectors)


@pytest.mark.parametrize("max_final_vocab, min_count", [(4, 1), (4, 4), (100, 2)])
def test_max_final_vocab_as_gensims(max_final_vocab, min_count):
    keywords = dict(max_final_vocab=max_final_vocab, min_count=min_count)
    model = Word2Vec(SENTENCES, **{**SMALL, **keywords})
    theirs = _gensim(sentences=SENTENCES, **keywords)
    assert _counts(model.wv) == _counts(theirs.wv)


def _rule(word, count, min_count):
    if word == "human":
        return RULE_DISCARD
    if word == "minors":
        return RULE_KEEP
    return RULE_DEFAULT


def test_trim_rule_as_gensims():
    sentences = SENTENCES + [["only_once"]]
    model = Word2Vec(sentences, trim_rule=_rule, **{**SMALL, "min_count": 7})
    theirs = _gensim(sentences=sentences, trim_rule=_rule, min_count=7)
    assert _counts(model.wv) == _counts(theirs.wv)
    assert "minors" in model.wv.key_to_index and "human" not in model.wv.key_to_index


def test_a_trim_rule_answer_gensim_does_not_have_is_refused():
    with pytest.raises(W2VError, match="trim_rule returned 'yes'"):
        Word2Vec(SENTENCES, trim_rule=lambda w, c, m: "yes", **SMALL)


NEW = [["graph", "minors", "novel"], ["novel", "words", "here"], ["system", "novel"]]


def test_update_grows_the_vocabulary_as_gensim_and_trains_on():
    model = Word2Vec(SENTENCES, **{**SMALL, "hs": True})
    before = model.wv.vectors.copy()
    model.build_vocab(NEW, update=True)
    theirs = _gensim(sentences=SENTENCES, hs=1)
    theirs.build_vocab(NEW, update=True)
    assert _counts(model.wv) == _counts(theirs.wv)
    grown = len(model.vocab)
    assert model.weights.syn0.shape[0] == model.weights.syn1neg.shape[0] == grown
    assert np.array_equal(model.wv.vectors[:len(before)], before)
    assert not model.weights.syn1neg[len(before) + 1:].any()
    novel = model.wv["novel"].copy()
    model.train(NEW, total_examples=model.corpus_count, epochs=model.epochs)
    assert not np.array_equal(model.wv["novel"], novel)
    assert model.weights.syn1neg[len(before) + 1:].any()


def test_update_without_a_vocabulary_is_refused():
    with pytest.raises(W2VError, match="before any vocabulary"):
        Word2Vec(**SMALL).build_vocab(SENTENCES, update=True)


def test_build_vocab_from_freq_as_gensims():
    freq = {"a": 10, "b": 7, "c": 3, "d": 1}
    model = Word2Vec(**{**SMALL, "min_count": 2})
    model.build_vocab_from_freq(freq)
    theirs = gensim.models.Word2Vec(vector_size=8, min_count=2)
    theirs.build_vocab_from_freq(freq)
    assert _counts(model.wv) == _counts(theirs.wv)
    model.build_vocab_from_freq({"a": 1, "e": 5}, update=True)
    theirs.build_vocab_from_freq({"a": 1, "e": 5}, update=True)
    assert _counts(model.wv) == _counts(theirs.wv)
    model.train([["a", "b", "e", "a"]] * 5, total_examples=5, epochs=1)


def test_a_gensim_saved_model_loads_and_trains_on(tmp_path):
    theirs = _gensim(sentences=SENTENCES, negative=5, hs=0, sample=0)
    theirs.save(str(tmp_path / "g.model"))
    model = Word2Vec.load(tmp_path / "g.model")
    assert model.wv.index_to_key == theirs.wv.index_to_key
    assert np.array_equal(model.wv.vectors, theirs.wv.vectors)
    assert np.array_equal(model.syn1neg, theirs.syn1neg)
    assert _counts(model.wv) == _counts(theirs.wv)
    assert np.array_equal(model.cum_table, theirs.cum_table)
    model.build_vocab(NEW, update=True)
    model.train(NEW, total_examples=len(NEW), epochs=1)
    assert not np.array_equal(model.wv.vectors[:len(theirs.wv)], theirs.wv.vectors)


def _gzipped(wv, path: str) -> None:
    import gzip
    from pathlib import Path

    wv.save_word2vec_format(f"{path}.txt")
    Path(path).write_bytes(gzip.compress(Path(f"{path}.txt").read_bytes()))


@pytest.mark.parametrize("save", [
    lambda wv, path: wv.save(path),
    lambda wv, path: wv.save_word2vec_format(path, binary=True),
    lambda wv, path: wv.save_word2vec_format(path, fvocab=f"{path}.vocab", binary=False),
    lambda wv, path: _gzipped(wv, path),
])
def test_word2vec_load_of_vectors_is_gensims_attribute_error_naming_the_file(tmp_path, save):
    path = tmp_path / "vectors.kv"
    save(Word2Vec(SENTENCES, **SMALL).wv, str(path))
    with pytest.raises(W2VError, match=f"{path} holds word vectors") as caught:
        Word2Vec.load(path)
    assert isinstance(caught.value, AttributeError)


def test_word2vec_load_of_gensims_keyed_vectors_is_an_attribute_error_naming_it(tmp_path):
    path = tmp_path / "g.kv"
    _gensim(sentences=SENTENCES).wv.save(str(path))
    with pytest.raises(W2VError, match=f"{path} is a file gensim reads, but not as a "
                                       "Word2Vec model") as caught:
        Word2Vec.load(path)
    assert isinstance(caught.value, AttributeError)


def test_word2vec_load_of_another_file_is_no_attribute_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a model\n")
    with pytest.raises(W2VError, match="is not a w2vpy model") as caught:
        Word2Vec.load(path)
    assert not isinstance(caught.value, AttributeError)


def test_load_is_the_class_method_only():
    with pytest.raises(AttributeError, match="Word2Vec.load"):
        Word2Vec(**SMALL).load("x")


def test_to_gensim_gives_a_trainable_gensim_model():
    model = Word2Vec(SENTENCES, **{**SMALL, "sample": 0})
    theirs = model.to_gensim()
    assert isinstance(theirs, gensim.models.Word2Vec)
    assert _counts(theirs.wv) == _counts(model.wv)
    for key in model.wv.index_to_key:
        assert np.array_equal(theirs.wv[key], model.wv[key])
        assert np.array_equal(theirs.syn1neg[theirs.wv.key_to_index[key]],
                              model.syn1neg[model.wv.key_to_index[key]])
    theirs.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    assert not np.array_equal(theirs.wv.vectors, model.wv.vectors[np.argsort(
        [theirs.wv.key_to_index[k] for k in model.wv.index_to_key])])


#: enough words that the rate is recomputed (every 10000 words, as word2vec.c)
MANY = [[f"w{(i * 7 + j * 3) % 50}" for j in range(20)] for i in range(1500)]


def test_min_alpha_is_the_rates_floor():
    keywords = dict(min_count=1, workers=1, sample=0, epochs=2, vector_size=8)
    default = Word2Vec(MANY, **keywords)
    floored = Word2Vec(MANY, min_alpha=0.01, **keywords)
    assert default.min_alpha_yet_reached < 0.001
    assert floored.min_alpha_yet_reached == pytest.approx(0.01)
    assert floored.state.thread_alpha.tolist() == pytest.approx([0.01])
    assert not np.array_equal(default.wv.vectors, floored.wv.vectors)


def test_end_alpha_is_the_calls_floor():
    model = Word2Vec(MANY, min_count=1, workers=1, sample=0, epochs=1, vector_size=8)
    model.train(MANY, total_examples=len(MANY), epochs=1, start_alpha=0.04, end_alpha=0.02)
    assert model.state.thread_alpha.tolist() == pytest.approx([0.02])
    assert model.min_alpha == pytest.approx(model.alpha * 1e-4)  # the model's floor stays


ONE_THREAD = dict(min_count=1, workers=1, sample=0, vector_size=8)


def test_a_restarted_schedule_starts_at_the_rate_reached_not_below_min_alpha(tmp_path):
    """The rate a schedule reached is held at min_alpha: a call past its end
    starts the next one there, not at word2vec.c's alpha * 1e-4 below it
    (and the model saves and loads)."""
    model = Word2Vec(MANY, min_alpha=0.01, epochs=1, **ONE_THREAD)
    assert model.min_alpha_yet_reached == pytest.approx(0.01)
    with pytest.warns(W2VWarning, match="at the end of its schedule"):
        model.train(MANY, epochs=1)
    assert model.state.schedule_alpha == pytest.approx(0.01)
    model.save(tmp_path / "m.w2v")
    assert Word2Vec.load(tmp_path / "m.w2v").state.schedule_alpha == pytest.approx(0.01)


def test_a_min_alpha_above_alpha_saves_and_loads(tmp_path):
    """The threads' rate is held at the floor even above the start (gensim
    takes such a min_alpha too): the file's check of the rates allows it."""
    model = Word2Vec(MANY, alpha=0.01, min_alpha=0.02, epochs=1, **ONE_THREAD)
    assert model.state.thread_alpha.tolist() == pytest.approx([0.02])
    model.save(tmp_path / "m.w2v")
    loaded = Word2Vec.load(tmp_path / "m.w2v")
    assert loaded.state.thread_alpha.tolist() == pytest.approx([0.02])


class _StopAfterFirstEpoch:
    def on_epoch_end(self, model) -> None:
        model.stop_training = True


def test_a_calls_end_alpha_goes_on_from_its_checkpoint(tmp_path):
    """A checkpoint of a call with end_alpha goes on as the call would have:
    the floor is part of the schedule saved, so the vectors are the
    uninterrupted call's, bit for bit (one thread)."""
    whole = Word2Vec(epochs=2, **ONE_THREAD)
    whole.build_vocab(MANY)
    whole.train(MANY, end_alpha=0.03)
    stopped = Word2Vec(epochs=2, **ONE_THREAD)
    stopped.build_vocab(MANY)
    stopped.train(MANY, end_alpha=0.03, checkpoint=tmp_path / "ck.w2v",
                  callbacks=[_StopAfterFirstEpoch()])
    resumed = Word2Vec.load(tmp_path / "ck.w2v")
    assert resumed.epochs_trained == 1
    resumed.train(MANY)
    assert resumed.state.thread_alpha.tolist() == pytest.approx([0.03])
    assert np.array_equal(resumed.wv.vectors, whole.wv.vectors)


def test_min_alpha_is_refused_by_the_cuda_backend():
    with pytest.raises(W2VError, match="min_alpha=0.001 is a CPU option"):
        Word2Vec(min_alpha=0.001, backend="cuda")


def test_score_is_the_hierarchical_softmax_log_probability():
    model = Word2Vec(**{**SMALL, "hs": True, "negative": 0, "sg": True, "window": 2})
    model.build_vocab(SENTENCES)
    # untrained, every inner node is zero: each step of a path is p = 1/2
    codes = {k: len(model.wv.get_vecattr(k, "code")) for k in model.wv.index_to_key}
    sentence = ["graph", "minors", "trees"]
    steps = sum(codes[w] * sum(1 for q in range(3) if q != p and abs(q - p) <= 2)
                for p, w in enumerate(sentence))
    assert model.score([sentence], 1)[0] == pytest.approx(-steps * np.log(2), rel=1e-6)
    with pytest.raises(RuntimeError, match="hierarchical softmax"):
        Word2Vec(SENTENCES, **SMALL).score([sentence])


def test_predict_output_word_as_gensims():
    model = Word2Vec(SENTENCES, **{**SMALL, "sample": 0})
    theirs = model.to_gensim()
    mine = model.predict_output_word(["system", "human"], topn=4)
    expected = theirs.predict_output_word(["system", "human"], topn=4)
    assert [w for w, _ in mine] == [w for w, _ in expected]
    assert [p for _, p in mine] == pytest.approx([p for _, p in expected], rel=1e-4)
    assert model.predict_output_word(["unknown"]) is None
    with pytest.raises(RuntimeError, match="negative sampling"):
        Word2Vec(SENTENCES, **{**SMALL, "hs": True, "negative": 0}).predict_output_word(["a"])


def test_reset_from_takes_the_other_models_vocabulary():
    model, other = Word2Vec(SENTENCES, **SMALL), Word2Vec(NEW, **SMALL)
    model.reset_from(other)
    assert model.wv.key_to_index == other.wv.key_to_index
    model.train(NEW, total_examples=len(NEW), epochs=1)


def test_nothing_to_train_is_gensims_runtime_error():
    with pytest.raises(RuntimeError, match="min_count"):
        Word2Vec(SENTENCES, **{**SMALL, "min_count": 1000})


def test_a_model_without_vocabulary_takes_vectors_but_does_not_train():
    vectors = Word2Vec(SENTENCES, **SMALL).wv
    empty = Word2Vec(**SMALL)
    empty.wv = vectors
    assert empty.wv is vectors
    with pytest.raises(W2VError, match="before build_vocab"):
        empty.train(SENTENCES)


@pytest.mark.parametrize("sentences", [[None, ["a"]], [(s for s in [["a"]])], [["a", 3]]])
def test_a_sentence_of_the_wrong_type_is_gensims_type_error(sentences):
    with pytest.raises(TypeError) as raised:
        Word2Vec(sentences, **SMALL)
    assert isinstance(raised.value, W2VError)


def test_a_loaded_gensim_model_saves_after_training_on(tmp_path):
    theirs = _gensim(sentences=SENTENCES, sample=0)
    theirs.save(str(tmp_path / "g.model"))
    model = Word2Vec.load(tmp_path / "g.model")
    model.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    model.save(tmp_path / "m.w2v")
    assert Word2Vec.load(tmp_path / "m.w2v").wv.index_to_key == theirs.wv.index_to_key


def test_no_sentences_is_gensims_runtime_error():
    with pytest.raises(RuntimeError, match="no sentences"):
        Word2Vec([], **SMALL)


def test_a_grown_vocabulary_saves_and_loads(tmp_path):
    model = Word2Vec(SENTENCES, **SMALL)
    model.build_vocab([["novel"] * 50], update=True)  # a frequent word after rarer ones
    model.save(tmp_path / "m.w2v")
    loaded = Word2Vec.load(tmp_path / "m.w2v")
    assert loaded.wv.index_to_key == model.wv.index_to_key
    assert np.array_equal(loaded.wv.vectors, model.wv.vectors)


# -- gensim's vocabulary steps: scan_vocab, then prepare_vocab -----------------------
REPORTED = ("drop_unique", "retain_total", "num_retained_words")


@pytest.mark.parametrize("min_count, max_final_vocab", [(1, None), (3, None), (1, 4), (4, 4),
                                                       (2, 4), (1, 100), (7, 1)])
def test_scan_and_prepare_report_as_gensims(min_count, max_final_vocab):
    keywords = dict(min_count=min_count, max_final_vocab=max_final_vocab, sample=0)
    model, theirs = Word2Vec(vector_size=8, **keywords), _gensim(**keywords)
    assert model.scan_vocab(SENTENCES) == theirs.scan_vocab(SENTENCES) == (81, 27)
    assert model.raw_vocab == dict(theirs.raw_vocab)
    ours, expected = model.prepare_vocab(), theirs.prepare_vocab()
    assert {k: ours[k] for k in REPORTED} == {k: expected[k] for k in REPORTED}
    assert model.effective_min_count == theirs.effective_min_count
    assert ours["downsample_unique"] == 0 and ours["downsample_total"] == ours["retain_total"]


def test_prepare_report_worked_by_hand():
    # counts: a 4, b 2, c 1; max_final_vocab=1 raises min_count past b's count, to 3
    sentences = [["a", "a", "b"], ["a", "c", "b", "a"]]
    model = Word2Vec(vector_size=8, min_count=1, max_final_vocab=1, sample=0)
    assert model.scan_vocab(sentences) == (7, 2)
    assert model.raw_vocab == {"a": 4, "b": 2, "c": 1}
    assert model.prepare_vocab() == {"drop_unique": 2, "retain_total": 4,
                                     "downsample_unique": 0, "downsample_total": 4,
                                     "num_retained_words": 1}
    assert model.effective_min_count == 3
    assert model.wv.index_to_key == ["a"] and model.raw_vocab == {}


def test_subsampling_in_the_report_thins_only_the_frequent_word():
    # 'the' 1000 times among 50 words seen once: sample * train_words is about 1,
    # so word2vec.c's rule keeps about (sqrt(1000) + 1) / 1000 of 'the'
    sentences = [["the"] * 20 for _ in range(50)] + [[f"w{i}" for i in range(50)]]
    model = Word2Vec(vector_size=8, min_count=1, sample=1e-3)
    model.scan_vocab(sentences)
    report = model.prepare_vocab()
    assert report["downsample_unique"] == 1
    kept_of_the = report["downsample_total"] - 50
    assert 25 <= kept_of_the <= 40


def test_dry_run_changes_nothing_and_keep_raw_vocab_decides_again():
    model = Word2Vec(vector_size=8, min_count=1, sample=0)
    model.scan_vocab(SENTENCES)
    dry = model.prepare_vocab(min_count=4, dry_run=True)
    assert model.vocab is None and model.min_count == 1 and model.raw_vocab
    assert dry == model.prepare_vocab(min_count=4, keep_raw_vocab=True)
    assert model.min_count == 4 and model.effective_min_count == 4
    assert sorted(model.wv.index_to_key) == sorted(w for w, c in model.raw_vocab.items()
                                                   if c >= 4)


@pytest.mark.parametrize("seed", range(5))
def test_build_vocab_is_scan_then_prepare(seed):
    """Against a plain-Python word2vec.c order: count descending, ties in
    first-seen order, words under min_count dropped."""
    rng = np.random.default_rng(seed)
    sentences = [[f"w{int(z)}" for z in rng.zipf(1.3, size=rng.integers(1, 30))]
                 for _ in range(60)]
    min_count = int(rng.integers(1, 4))
    built = Word2Vec(vector_size=8, min_count=min_count)
    built.build_vocab(sentences)
    stepped = Word2Vec(vector_size=8, min_count=min_count)
    stepped.scan_vocab(sentences)
    stepped.prepare_vocab()
    counts: dict[str, int] = {}
    for sentence in sentences:
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
    first_seen = list(counts)
    expected = sorted((w for w in counts if counts[w] >= min_count),
                      key=lambda w: (-counts[w], first_seen.index(w)))
    assert built.wv.index_to_key == stepped.wv.index_to_key == expected
    assert _counts(built.wv) == _counts(stepped.wv) == {w: counts[w] for w in expected}
    assert (built.corpus_count, built.corpus_total_words) == (60, sum(map(len, sentences)))


def test_prepare_vocab_refusals():
    model = Word2Vec(vector_size=8, min_count=1)
    with pytest.raises(W2VError, match="prepare_vocab before scan_vocab"):
        model.prepare_vocab()
    model.scan_vocab(SENTENCES)
    with pytest.raises(W2VError, match="min_count"):
        model.prepare_vocab(min_count=-1)
    with pytest.raises(W2VError, match="dry_run must be True or False"):
        model.prepare_vocab(dry_run="yes")
    model.prepare_vocab()
    model.scan_vocab(SENTENCES)
    with pytest.raises(W2VError, match="built already"):
        model.prepare_vocab()


def test_prepare_vocab_update_grows_as_build_vocab_update():
    first, more = SENTENCES[:9], [["graph", "new", "new"], ["new", "human"]]
    built = Word2Vec(first, **SMALL)
    built.build_vocab(more, update=True)
    stepped = Word2Vec(first, **SMALL)
    stepped.scan_vocab(more)
    report = stepped.prepare_vocab(update=True)
    assert report["num_retained_words"] == 3 and report["retain_total"] == 5
    assert stepped.wv.index_to_key == built.wv.index_to_key
    assert _counts(stepped.wv) == _counts(built.wv)
    assert _counts(stepped.wv)["new"] == 3 and _counts(stepped.wv)["graph"] == 4


# -- max_vocab_size: sentences pruned as gensim's, text files as word2vec.c's ----------------
@pytest.mark.parametrize("seed", range(6))
def test_sentences_past_max_vocab_size_are_pruned_as_gensims(seed):
    rng = np.random.default_rng(seed)
    sentences = [[f"w{int(z)}" for z in rng.zipf(1.4, size=rng.integers(1, 12))]
                 for _ in range(80)]
    max_vocab_size = int(rng.integers(3, 15))
    ours = Word2Vec(vector_size=8, min_count=1, max_vocab_size=max_vocab_size)
    theirs = _gensim(max_vocab_size=max_vocab_size)
    assert ours.scan_vocab(sentences) == theirs.scan_vocab(sentences)
    assert ours.raw_vocab == dict(theirs.raw_vocab)
    assert len(ours.raw_vocab) < len({w for s in sentences for w in s})  # it did prune


def test_gensims_pruning_worked_by_hand():
    # after sentence 3 there are 3 words > 2: prune under 1 (none), then after
    # sentence 4 under 2 ('eps'); after sentence 5 under 3 ('survey', seen twice)
    sentences = [["graph", "system"], ["graph", "system"], ["system", "eps"],
                 ["graph", "system"], ["minors", "survey", "minors", "survey", "minors"]]
    model = Word2Vec(vector_size=8, min_count=1, max_vocab_size=2, workers=1)
    model.build_vocab(sentences)
    assert _counts(model.wv) == {"system": 4, "graph": 3, "minors": 3}
    assert (model.vocab.prune_events, model.vocab.pruned_words) == (3, 2)
    model.train(sentences)  # the words encode without the counter that pruned
    assert np.isfinite(model.wv.vectors).all()


def test_a_text_file_past_max_vocab_size_keeps_word2vec_c_pruning(tmp_path):
    from w2vpy.text.text_files import Corpus
    from w2vpy.text.vocab import build_vocab

    sentences = [["graph", "system"], ["graph", "system"], ["system", "eps"],
                 ["graph", "system"], ["minors", "survey", "minors", "survey", "minors"]]
    path = tmp_path / "text.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in sentences))
    model = Word2Vec(vector_size=8, min_count=1, max_vocab_size=4, workers=1)
    model.build_vocab(str(path))
    with Corpus(path) as corpus:
        expected = build_vocab(corpus, 1, 4)
    assert expected.prune_events > 0
    assert model.vocab.words == expected.words
    assert model.vocab.counts.tolist() == expected.counts.tolist()


def test_an_iterator_past_max_vocab_size_keeps_word2vec_c_pruning_with_a_warning():
    sentences = [["graph", "system"], ["system", "eps"], ["minors", "survey", "trees"]]
    model = Word2Vec(vector_size=8, min_count=1, max_vocab_size=2, workers=1)
    with pytest.warns(W2VWarning, match="iterator, which cannot be counted again"):
        model.scan_vocab(iter(sentences))
