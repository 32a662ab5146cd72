"""The model object (w2vpy.Word2Vec): training from Python sentences, the loss,
callbacks, save/load and further training, checkpoints and resume."""
import gzip
import math
import os
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import w2vpy
from conftest import DEMO_CORPUS, demo_corpus_head, requires_gensim, run_cli, run_cli_here, topic_corpus
from w2vpy import W2VError, Word2Vec
from w2vpy.errors import W2VWarning
from w2vpy.training.huffman import build_huffman_tree

#: one thread and fixed settings: runs that must agree bit for bit
EXACT = dict(vector_size=12, window=3, min_count=1, workers=1, sample=1e-3, epochs=3)
MODES = {"cbow-ns": dict(sg=False, hs=False, negative=5),
         "sg-ns": dict(sg=True, hs=False, negative=5),
         "sg-hs": dict(sg=True, hs=True, negative=0),
         "cbow-hs+ns": dict(sg=False, hs=True, negative=3)}


@pytest.fixture
def text(tmp_path):
    """A topic corpus as a file and as the sentences it holds."""
    path = tmp_path / "topics.txt"
    topic_corpus(path, sentences=1500)
    sentences = [line.split() for line in path.read_text().splitlines()]
    return path, sentences


# -- sentences -------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_training_on_sentences_equals_training_on_their_file(text, mode):
    path, sentences = text
    from_file = w2vpy.train(path, **EXACT, **MODES[mode])
    from_lists = w2vpy.train(sentences, **EXACT, **MODES[mode])
    assert from_lists.index_to_key == from_file.index_to_key
    assert np.array_equal(from_lists.counts, from_file.counts)
    assert np.array_equal(from_lists.vectors, from_file.vectors)


def test_sentences_of_any_sequence_type_and_a_generator_read_once(text):
    path, sentences = text
    expected = w2vpy.train(path, **EXACT)
    tuples = [tuple(s) for s in sentences]
    assert np.array_equal(w2vpy.train(tuples, **EXACT).vectors, expected.vectors)
    # the one-call form reads its source once, so even a generator will do
    once = w2vpy.train((s for s in sentences), **EXACT)
    assert np.array_equal(once.vectors, expected.vectors)


def test_a_sentence_over_1000_tokens_is_split_as_word2vec_splits_a_line(tmp_path):
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in rng.integers(0, 40, 2600)]
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words) + "\n")
    assert np.array_equal(w2vpy.train([words], **EXACT).vectors,
                          w2vpy.train(path, **EXACT).vectors)


def test_non_ascii_and_surrogate_escaped_tokens_are_the_files_bytes(tmp_path):
    raw = "caf\u00e9 na\u00efve \u65e5\u672c x\udcff".split()
    sentences = [raw * 3, raw[::-1] * 2] * 20
    path = tmp_path / "u.txt"
    path.write_bytes(b"".join(" ".join(s).encode("utf-8", "surrogateescape") + b"\n"
                              for s in sentences))
    a, b = w2vpy.train(sentences, **EXACT), w2vpy.train(path, **EXACT)
    assert a.index_to_key == b.index_to_key and "x\udcff" in a
    assert np.array_equal(a.vectors, b.vectors)


@pytest.mark.parametrize("source, message", [
    (42, "source must be a path or an iterable of sentences"),
    (b"some text", "source must be a path or an iterable of sentences"),
    (["the cat sat"], "sentence 0 is a str ('the cat sat'), not a list of tokens: split it"),
    ([["ok"], b"raw"], "sentence 1 is bytes"),
    ([["ok"], 7], "sentence 1 is a int, not a sequence of str tokens"),
    ([["a", 3]], "sentence 0, token 1 is a int (3), not a str"),
    ([["a", "b"], ["c", ""]], "sentence 1, token 1 is empty"),
    ([["new york", "city"]], "sentence 0, token 0 ('new york') holds a space"),
    ([["a\tb"]], "holds a space, tab or line break"),
    ([["ok"], ["a\x00b"]], "sentence 1, token 0 ('a\\x00b') holds a NUL character"),
    ([], "the sentences has no sentences"),
])
def test_bad_sentences_are_named(source, message):
    with pytest.raises(W2VError, match=None) as info:
        w2vpy.train(source, **EXACT)
    assert message in str(info.value)


def test_an_iterator_consumed_by_build_vocab_is_detected(text):
    _, sentences = text
    model = Word2Vec(**EXACT)
    stream = iter(sentences)
    model.build_vocab(stream)
    with pytest.raises(W2VError, match="iterator .*already read.*pass a list"):
        model.train(stream)


def test_sentences_join_into_the_text_a_file_would_hold():
    """One line per sentence (an empty one too), tokens joined by spaces, in
    UTF-8 with lone surrogates as their bytes; None for what a file cannot
    hold, which the caller then names."""
    from w2vpy import _core
    assert _core.join_sentences([["a", "b"], [], ("c",)]) == b"a b\n\nc\n"
    assert _core.join_sentences([["caf\u00e9", "x\udcff"]]) == b"caf\xc3\xa9 x\xff\n"
    for unwritable in ([["a b"]], [["a\nb"]], [["a\x00b"]], [[""]], [[3]], ["ab"]):
        assert _core.join_sentences(unwritable) is None, unwritable


# -- the schedule over several calls -------------------------------------------------------

@pytest.mark.parametrize("split", [(1, 2), (2, 1), (1, 1, 1)])
def test_a_schedule_trained_in_several_calls_is_bit_identical(text, split):
    _, sentences = text
    whole = Word2Vec(**EXACT, **MODES["cbow-hs+ns"])
    whole.build_vocab(sentences)
    whole.train(sentences)
    parts = Word2Vec(**EXACT, **MODES["cbow-hs+ns"])
    parts.build_vocab(sentences)
    for epochs in split:
        parts.train(sentences, epochs=epochs)
    assert parts.epochs_trained == whole.epochs_trained == 3
    assert np.array_equal(parts.wv.vectors, whole.wv.vectors)
    assert np.array_equal(parts.weights.syn1neg, whole.weights.syn1neg)


def test_training_past_the_schedule_warns_and_alpha_restarts_it(text):
    _, sentences = text
    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    model.train(sentences)
    assert model.min_alpha_yet_reached == pytest.approx(0.05 * 1e-4, rel=1e-3)
    before = model.wv.vectors.copy()
    with pytest.warns(W2VWarning, match="end of its schedule"):
        model.train(sentences, epochs=1)
    assert np.abs(model.wv.vectors - before).max() < 1e-3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.train(sentences, epochs=2, alpha=0.02)
    assert model.state.schedule_alpha == pytest.approx(0.02)
    assert model.epochs_trained == 6


# -- loss ------------------------------------------------------------------------------------

def test_loss_decreases_over_epochs_on_the_demo_corpus():
    model = Word2Vec(vector_size=30, min_count=5, workers=2, epochs=4, sample=1e-3)
    model.build_vocab(DEMO_CORPUS)
    model.train(DEMO_CORPUS, compute_loss=True)
    losses = model.loss_history
    assert len(losses) == 4 and all(math.isfinite(x) and x > 0 for x in losses)
    assert all(later < earlier for earlier, later in zip(losses, losses[1:])), losses
    assert model.get_latest_training_loss() == pytest.approx(sum(losses))  # gensim's: the call


def test_loss_is_nan_for_epochs_trained_without_it_and_training_is_the_same(text):
    _, sentences = text
    quiet = Word2Vec(**EXACT)
    quiet.build_vocab(sentences)
    quiet.train(sentences)
    counted = Word2Vec(**EXACT)
    counted.build_vocab(sentences)
    counted.train(sentences, compute_loss=True)
    assert all(math.isnan(x) for x in quiet.loss_history) and len(quiet.loss_history) == 3
    assert np.array_equal(quiet.wv.vectors, counted.wv.vectors)


@pytest.fixture(scope="module")
def zipf_text(tmp_path_factory) -> Path:
    """3.2M tokens of 3000 words drawn by Zipf's law, 800 a line: written once
    for both thread counts, each word's name formatted once."""
    rng = np.random.default_rng(11)
    vocab = 3000
    ranks = rng.zipf(1.3, size=3_200_000) % vocab
    names = [f"w{r}" for r in range(vocab)]
    path = tmp_path_factory.mktemp("zipf") / "zipf.txt"
    lines = ranks.reshape(-1, 800).tolist()
    path.write_text("\n".join(" ".join([names[r] for r in line]) for line in lines) + "\n")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_the_loss_sum_is_exact_past_float32s_reach(zipf_text, workers):
    """CBOW+HS with no subsampling takes a known number of steps (the code
    length of every word with context); at a negligible learning rate the
    output rows stay zero, so each step costs log 2.  Over 2^24 steps a float32
    sum would stall (gensim's does); two threads' sums must both arrive."""
    path = zipf_text
    params = dict(vector_size=2, window=2, min_count=1, workers=workers, sample=0, epochs=1,
                  sg=False, hs=True, negative=0, alpha=1e-12)
    model = Word2Vec(**params)
    model.build_vocab(path)
    model.train(path, compute_loss=True)
    tree = build_huffman_tree(model.vocab.counts)
    code_lengths = np.diff(tree.code_offsets)
    # every line has 800 > 1 words, so every position has context
    steps = int(code_lengths[1:] @ model.vocab.counts[1:])
    assert steps > 2**24
    assert model.loss_history[0] == pytest.approx(steps * math.log(2), rel=1e-7)


# -- callbacks -------------------------------------------------------------------------------

class Recorder:
    def __init__(self, stop_after=None):
        self.events, self.stop_after = [], stop_after

    def on_train_begin(self, model):
        self.events.append("train_begin")

    def on_epoch_begin(self, model):
        self.events.append(f"epoch_begin {model.epochs_trained}")

    def on_epoch_end(self, model):
        self.events.append(f"epoch_end {model.epochs_trained}")
        if model.epochs_trained == self.stop_after:
            model.stop_training = True

    def on_train_end(self, model):
        self.events.append("train_end")


def test_callbacks_fire_in_order_and_may_stop_training(text):
    _, sentences = text
    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    recorder = Recorder()
    model.train(sentences, callbacks=[recorder])
    assert recorder.events == ["train_begin", "epoch_begin 0", "epoch_end 1", "epoch_begin 1",
                               "epoch_end 2", "epoch_begin 2", "epoch_end 3", "train_end"]
    stopped = Word2Vec(**EXACT)
    stopped.build_vocab(sentences)
    recorder = Recorder(stop_after=1)
    stopped.train(sentences, callbacks=[recorder])
    assert recorder.events == ["train_begin", "epoch_begin 0", "epoch_end 1", "train_end"]
    assert stopped.epochs_trained == 1
    stopped.train(sentences)  # the rest of the schedule: as if never stopped
    assert np.array_equal(stopped.wv.vectors, model.wv.vectors)


def test_a_callback_sees_each_epochs_loss(text):
    _, sentences = text
    seen = []

    class Watch:
        def on_epoch_end(self, model):
            seen.append(model.get_latest_training_loss())

    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    model.train(sentences, compute_loss=True, callbacks=[Watch()])
    # gensim's: the call's loss so far
    assert seen == pytest.approx(np.cumsum(model.loss_history).tolist()) and len(seen) == 3


@requires_gensim
def test_gensim_callback_objects_work(text):
    from gensim.models.callbacks import CallbackAny2Vec
    _, sentences = text
    ends = []

    class EpochEnd(CallbackAny2Vec):
        def on_epoch_end(self, model):
            ends.append(model.epochs_trained)

    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    model.train(sentences, callbacks=[EpochEnd()])
    assert ends == [1, 2, 3]


# -- save, load, go on ------------------------------------------------------------------------

#: enough of the bundled corpus for a loss that falls epoch after epoch
DEMO_HEAD_TOKENS = 400_000


@pytest.fixture(scope="module")
def demo_head(tmp_path_factory) -> Path:
    """The bundled corpus's first DEMO_HEAD_TOKENS tokens, gzipped as the corpus is."""
    path = tmp_path_factory.mktemp("demo") / "head.txt.gz"
    path.write_bytes(gzip.compress(demo_corpus_head(DEMO_HEAD_TOKENS).encode("utf-8"),
                                   compresslevel=1))
    return path


def test_save_load_keeps_everything_and_training_goes_on_improving(tmp_path, demo_head):
    """On the corpus's head: neither the bit identity after loading nor the
    falling loss needs five epochs of the whole corpus."""
    params = dict(vector_size=16, min_count=5, workers=1, epochs=3, sample=1e-3, sg=False,
                  hs=True, negative=3)
    model = Word2Vec(**params)
    model.build_vocab(demo_head)
    model.train(demo_head, epochs=1, compute_loss=True)
    model.save(tmp_path / "m.w2v")
    loaded = Word2Vec.load(tmp_path / "m.w2v")
    assert loaded.params == model.params and loaded.vocab.words == model.vocab.words
    for name in ("syn0", "syn1", "syn1neg"):
        assert np.array_equal(getattr(loaded.weights, name), getattr(model.weights, name))
    assert loaded.loss_history == model.loss_history and loaded.epochs_trained == 1
    loaded.train(demo_head, compute_loss=True)
    model.train(demo_head, compute_loss=True)
    assert np.array_equal(loaded.wv.vectors, model.wv.vectors)
    losses = loaded.loss_history
    assert all(later < earlier for earlier, later in zip(losses, losses[1:])), losses


def test_further_training_on_new_text_counts_the_words_it_skips(text, tmp_path):
    _, sentences = text
    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.train(sentences, epochs=1)
        model.train(sentences, epochs=1)  # the same text again: nothing new to say
    news = [["t0w1", "unseen", "t0w2", "never"], ["t1w1", "t1w3"]]
    with pytest.warns(W2VWarning, match=r"2 tokens of the sentences \(of 8, each line or sentence end counted as one\) are not in the vocabulary"):
        model.train(news, epochs=1)


def test_to_gensim_round_trip(text):
    pytest.importorskip("gensim")
    _, sentences = text
    vectors = w2vpy.train(sentences, **EXACT)
    kv = vectors.to_gensim()
    assert list(kv.index_to_key) == vectors.index_to_key
    assert np.array_equal(kv.vectors, vectors.vectors)
    assert kv.get_vecattr("t0w1", "count") == vectors.get_count("t0w1")
    ours, theirs = vectors.most_similar("t0w1", topn=3), kv.most_similar("t0w1", topn=3)
    assert [w for w, _ in theirs] == [w for w, _ in ours]
    assert [s for _, s in theirs] == pytest.approx([s for _, s in ours], abs=1e-5)


@pytest.mark.parametrize("content, message", [
    (b"not a model at all", "is not a w2vpy model"),
    (None, "is a numpy archive, not a w2vpy model"),
])
def test_load_refuses_what_is_not_a_model(tmp_path, content, message):
    path = tmp_path / "x.w2v"
    if content is None:
        np.savez(path.open("wb"), a=np.zeros(3))
    else:
        path.write_bytes(content)
    with pytest.raises(W2VError, match=message):
        Word2Vec.load(path)


def test_load_refuses_a_newer_format_and_a_truncated_file(text, tmp_path):
    _, sentences = text
    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    model.save(tmp_path / "m.w2v")
    with zipfile.ZipFile(tmp_path / "m.w2v") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    import io
    import json
    header = json.loads(np.load(io.BytesIO(members["header.npy"])).tobytes())
    header["version"] = 99
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(header).encode(), dtype=np.uint8))
    members["header.npy"] = buffer.getvalue()
    with zipfile.ZipFile(tmp_path / "new.w2v", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(W2VError, match="format version 99, newer than this w2vpy reads"):
        Word2Vec.load(tmp_path / "new.w2v")
    whole = (tmp_path / "m.w2v").read_bytes()
    (tmp_path / "cut.w2v").write_bytes(whole[:len(whole) // 2])
    with pytest.raises(W2VError, match="corrupt or truncated model file"):
        Word2Vec.load(tmp_path / "cut.w2v")
    with pytest.raises(W2VError, match="model file not found"):
        Word2Vec.load(tmp_path / "missing.w2v")


def test_save_is_atomic(text, tmp_path, monkeypatch):
    _, sentences = text
    model = Word2Vec(**EXACT)
    model.build_vocab(sentences)
    target = tmp_path / "m.w2v"
    target.write_bytes(b"the previous model")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(W2VError, match="No space left"):
        model.save(target)
    assert target.read_bytes() == b"the previous model"
    assert sorted(os.listdir(tmp_path)) == ["m.w2v", "topics.txt"]


@pytest.mark.parametrize("call, message", [
    (lambda m, s: m.train(s), "train before build_vocab"),
    (lambda m, s: m.save("x"), "save before build_vocab"),
    (lambda m, s: m.wv, "wv before build_vocab"),
    (lambda m, s: (m.build_vocab(s), m.build_vocab(s)), "vocabulary is built already"),
    (lambda m, s: (m.build_vocab(s), m.train(s, epochs=0)), "epochs must be >= 1, got 0"),
    (lambda m, s: (m.build_vocab(s), m.train(s, alpha=-1)), "alpha must be > 0"),
    (lambda m, s: (m.build_vocab(s), m.train(s, callbacks=[object()])), "has none of the"),
    (lambda m, s: (m.build_vocab(s), m.train(s, compute_loss="yes")), "compute_loss must be"),
])
def test_misuse_is_a_clear_error(text, call, message):
    _, sentences = text
    with pytest.raises(W2VError, match=message):
        call(Word2Vec(**EXACT), sentences)


# -- checkpoints and resume (the command line) -------------------------------------------------

ARGS = ["-size", "12", "-window", "3", "-min-count", "1", "-threads", "1", "-iter", "3",
        "-binary", "1", "-cbow", "0", "-hs", "1", "-negative", "2"]


def test_resume_from_every_epoch_end_finishes_bit_identical(text, tmp_path):
    path, _ = text
    whole = tmp_path / "whole.bin"
    assert run_cli("-train", str(path), "-output", str(whole), *ARGS).returncode == 0
    for stop_after in (1, 2, 3):
        checkpoint = tmp_path / f"ck{stop_after}.w2v"
        model = Word2Vec(vector_size=12, window=3, min_count=1, workers=1, epochs=3, sg=True,
                         hs=True, negative=2)
        model.build_vocab(path)
        model.train(path, checkpoint=checkpoint, callbacks=[Recorder(stop_after=stop_after)])
        out = tmp_path / f"resumed{stop_after}.bin"
        r = run_cli("-train", str(path), "-output", str(out), "-resume", str(checkpoint),
                    *ARGS, "-debug", "1")
        assert r.returncode == 0, r.stderr
        assert f"{stop_after} of 3 epochs done" in r.stderr.decode()
        assert out.read_bytes() == whole.read_bytes()


def test_interrupted_run_resumes_from_its_checkpoint_bit_identical(tmp_path):
    """A real Ctrl-C during the run: whichever epoch the checkpoint holds, the
    resumed run ends where the uninterrupted one does."""
    corpus = tmp_path / "big.txt"
    topic_corpus(corpus, sentences=60000)
    args = ["-train", str(corpus), *ARGS]
    whole = tmp_path / "whole.bin"
    assert run_cli(*args, "-output", str(whole)).returncode == 0
    checkpoint = tmp_path / "ck.w2v"
    out = tmp_path / "out.bin"
    proc = subprocess.Popen([sys.executable, "-m", "w2vpy.cli", *args, "-output", str(out),
                             "-checkpoint", str(checkpoint), "-debug", "1"],
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not checkpoint.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    code = proc.wait(30)
    stderr = proc.stderr.read().decode()
    if code == 130:
        assert not out.exists()
        assert f"-resume {checkpoint} finishes the run" in stderr
    r = run_cli(*args, "-output", str(out), "-resume", str(checkpoint), "-checkpoint",
                str(checkpoint))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == whole.read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["big.txt", "ck.w2v", "out.bin", "whole.bin"]


def half_trained(path: Path, checkpoint: Path) -> None:
    """A checkpoint at the end of epoch 1 of 2."""
    model = Word2Vec(vector_size=12, min_count=1, workers=1, epochs=2)
    model.build_vocab(path)
    model.train(path, epochs=1)
    model.save(checkpoint)


@pytest.mark.parametrize("extra, message", [
    (["-size", "40"], "-size 40 differs from"),
    (["-read-vocab", "VOCAB"], "-read-vocab cannot be used with -resume"),
])
def test_resume_refuses_other_parameters(text, tmp_path, extra, message, capfd):
    path, _ = text
    checkpoint = tmp_path / "ck.w2v"
    half_trained(path, checkpoint)
    (tmp_path / "VOCAB").write_text("</s> 0\n")
    extra = [str(tmp_path / "VOCAB") if e == "VOCAB" else e for e in extra]
    r = run_cli_here(capfd, "-train", str(path), "-output", str(tmp_path / "o.bin"), "-resume",
                     str(checkpoint), *extra)
    assert r.returncode == 1
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


def test_resume_refuses_another_text(text, tmp_path, capfd):
    path, _ = text
    checkpoint = tmp_path / "ck.w2v"
    half_trained(path, checkpoint)
    other = tmp_path / "other.txt"
    other.write_text(path.read_text()[: len(path.read_text()) // 2])
    r = run_cli_here(capfd, "-train", str(other), "-output", str(tmp_path / "o.bin"), "-resume",
                     str(checkpoint))
    assert r.returncode == 1 and b"not the same text" in r.stderr
    assert not (tmp_path / "o.bin").exists()
    r = run_cli_here(capfd, "-train", str(path), "-output", str(tmp_path / "o.bin"), "-resume",
                     str(tmp_path / "missing.w2v"))
    assert r.returncode == 1 and b"model file not found" in r.stderr


def test_debug_2_shows_each_epochs_loss(text, tmp_path):
    path, _ = text
    r = run_cli("-train", str(path), "-output", str(tmp_path / "o.bin"), "-size", "12",
                "-min-count", "1", "-threads", "2", "-iter", "3", "-compute-loss", "1",
                "-debug", "2")
    assert r.returncode == 0
    lines = [l for l in r.stderr.decode().splitlines() if l.startswith("Epoch ")]
    assert [l.split(":")[0] for l in lines] == ["Epoch 1", "Epoch 2", "Epoch 3"]
    losses = [float(l.split("loss ")[1].split()[0]) for l in lines]
    assert losses[0] > losses[1] > losses[2] > 0


def test_a_checkpoint_is_never_a_file_the_run_reads_or_writes_otherwise(text, tmp_path, capfd):
    path, _ = text
    out = tmp_path / "o.bin"
    r = run_cli_here(capfd, "-train", str(path), "-output", str(out), "-checkpoint", str(out))
    assert r.returncode == 1
    assert b"-checkpoint " + str(out).encode() + b" and -output" in r.stderr
    r = run_cli_here(capfd, "-train", str(path), "-output", str(out), "-checkpoint", str(path))
    assert r.returncode == 1 and b"-checkpoint" in r.stderr and b"destroy the input" in r.stderr
    with pytest.raises(W2VError, match="checkpoint .* and save_vocab .* are the same file"):
        w2vpy.train(path, **EXACT, save_vocab=tmp_path / "v", checkpoint=tmp_path / "v")
    model = Word2Vec(**EXACT)
    model.build_vocab(path)
    with pytest.raises(W2VError, match="output directory does not exist"):
        model.train(path, checkpoint=tmp_path / "missing" / "ck.w2v")
    assert model.epochs_trained == 0
    assert not out.exists() and not (tmp_path / "v").exists()


# -- the text a resumed run reads, and what an interrupted one says ------------------------

RESUME = dict(vector_size=8, window=3, min_count=1, workers=1, epochs=2)


@pytest.fixture
def texts(tmp_path):
    """A text, and another of exactly its words in another order (as many
    words of the vocabulary: a word count cannot tell them apart)."""
    first = tmp_path / "a.txt"
    topic_corpus(first, sentences=300)
    lines = first.read_text().splitlines()
    other = tmp_path / "b.txt"
    other.write_text("\n".join(reversed(lines)) + "\n")
    return first, other


def half_way(path, checkpoint) -> None:
    model = Word2Vec(**RESUME)
    model.build_vocab(path)
    model.train(path, checkpoint=checkpoint, callbacks=[Recorder(stop_after=1)])


def as_source(path, kind: str, directory, monkeypatch):
    """The text of ``path`` given as a source of ``kind``."""
    import gzip
    import io
    data = path.read_bytes()
    if kind == "gzip":
        target = directory / (path.name + ".gz")
        target.write_bytes(gzip.compress(data))
        return target
    if kind == "directory":
        target = directory / (path.stem + "_dir")
        target.mkdir()
        (target / "only.txt").write_bytes(data)
        return target
    if kind == "stdin":
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        return "-"
    if kind == "sentences":
        return [line.split() for line in data.decode().splitlines()]
    return path


@pytest.mark.parametrize("kind", ["file", "gzip", "directory", "stdin", "sentences"])
def test_resume_knows_its_text_by_its_bytes_from_every_source(texts, tmp_path, monkeypatch,
                                                                kind):
    first, other = texts
    checkpoint = tmp_path / "ck.w2v"
    half_way(first, checkpoint)
    with pytest.raises(W2VError, match="other bytes .*: not the same text"):
        w2vpy.train(as_source(other, kind, tmp_path, monkeypatch), **RESUME, resume=checkpoint)
    w2vpy.train(as_source(first, kind, tmp_path, monkeypatch), **RESUME, resume=checkpoint,
                checkpoint=checkpoint)
    assert Word2Vec.load(checkpoint).epochs_trained == 2


def test_a_version_1_checkpoint_resumes_checked_by_its_word_count_with_a_warning(texts,
                                                                                  tmp_path):
    import io
    import json
    first, other = texts
    checkpoint = tmp_path / "ck.w2v"
    half_way(first, checkpoint)
    with zipfile.ZipFile(checkpoint) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(np.load(io.BytesIO(members["header.npy"])).tobytes())
    assert len(header.pop("corpus_fingerprint")) == 64
    for key in ("corpus_count", "corpus_total_words"):  # format version 3's
        del header[key]
    del header["state"]["end_alpha"]
    for key in ("size", "word_bytes", "train_words"):
        del header["vocab"][key]
    header["version"] = 1
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(header).encode(), dtype=np.uint8))
    members["header.npy"] = buffer.getvalue()
    old = tmp_path / "old.w2v"
    with zipfile.ZipFile(old, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.warns(W2VWarning, match="without a fingerprint of its text"):
        w2vpy.train(other, **RESUME, resume=old)  # as many words: taken for the same text
    shorter = tmp_path / "shorter.txt"
    shorter.write_text("t0w1 t0w2\n")
    with warnings.catch_warnings(), pytest.raises(W2VError, match="not the same text"):
        warnings.simplefilter("ignore")
        w2vpy.train(shorter, **RESUME, resume=old)


@pytest.mark.parametrize("save, cut, said", [
    (1, "before", None),       # the first checkpoint never took its name
    (2, "before", 1),          # the second did not: the file still holds epoch 1
    (2, "naming", 2),          # the interrupt came while it took its name: it finished first
])
def test_an_interrupted_run_says_what_its_checkpoint_holds_and_only_that(
        texts, tmp_path, monkeypatch, capsys, save, cut, said):
    """The interrupt comes during the save-th checkpoint write: before the
    file is complete, or while it is being renamed into place."""
    import signal

    import w2vpy.model
    from w2vpy.model import TrainingJob
    from w2vpy.parameters import RUN_OPTIONS
    from w2vpy.text.text_files import Corpus

    first, _ = texts
    checkpoint = tmp_path / "ck.w2v"
    real, calls = w2vpy.model.save_model, []

    def interrupted(model, path, before_commit=None):
        calls.append(path)
        if len(calls) != save:
            return real(model, path, before_commit)
        if cut == "before":
            raise KeyboardInterrupt

        def naming():
            before_commit()
            signal.raise_signal(signal.SIGINT)
        return real(model, path, naming)

    monkeypatch.setattr(w2vpy.model, "save_model", interrupted)  # where the model finds it
    run = {p.name: p.default for p in RUN_OPTIONS} | {"checkpoint": checkpoint}
    job = TrainingJob({**RESUME, "epochs": 3}, run, lambda declared: declared.flag)
    with Corpus(first) as corpus:
        job.vocabulary(corpus)
        with pytest.raises(KeyboardInterrupt):
            job.train(corpus, notices=sys.stderr)
    stderr = capsys.readouterr().err
    if said is None:
        assert "holds the model" not in stderr and not checkpoint.exists()
    else:
        assert f"{checkpoint} holds the model after epoch {said}:" in stderr
        assert Word2Vec.load(checkpoint).epochs_trained == said
