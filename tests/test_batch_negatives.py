"""batch_negatives: skip-gram+NS with one set of negatives per window, trained
as small matrix products (trainer.c, train_skipgram_batched)."""
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from w2vpy import W2VError, Word2Vec, load, train
from w2vpy.parameters import TrainingParams
from w2vpy.training.unigram_table import build_noise_table
from w2vpy.training.weights import initial_input_vectors
from w2vpy import _core

LCG_MULTIPLIER = 25214903917
MASK64 = 2**64 - 1
MAX_EXP = 6
EXP_SCALE = 1000 // MAX_EXP // 2

# one sentence: "a" three times and "b" twice, so that windows hold a word twice
SENTENCE = "a b a c d b a e"
REFERENCE = dict(sg=True, hs=False, negative=5, window=2, sample=0, min_count=1, workers=1,
                 epochs=3, alpha=0.5, batch_negatives=True)


def lcg(r: int) -> int:
    return (r * LCG_MULTIPLIER + 11) & MASK64


def gradients(scores: np.ndarray, labels: np.ndarray, alpha: np.float32) -> np.ndarray:
    """word2vec.c's (label - sigmoid(f)) * alpha with its table and clamps."""
    table = _core.sigmoid_table()
    out = np.empty_like(scores)
    for index, f in np.ndenumerate(scores):
        if f > MAX_EXP:
            sig = np.float32(1)
        elif f >= -MAX_EXP:
            sig = table[int((np.float32(f) + np.float32(MAX_EXP)) * np.float32(EXP_SCALE))]
        else:
            sig = np.float32(0)
        out[index] = (np.float32(labels[index[1]]) - sig) * alpha
    return out


def reference_run(ids: list[int], counts: np.ndarray, syn0: np.ndarray,
                    params: TrainingParams) -> tuple[np.ndarray, np.ndarray]:
    """One thread's epochs over one sentence (a large alpha, which the
    schedule keeps, so that the weights move far), by the mode's definition: per
    position the shrink draw, then (if the window has a context word) one set
    of negatives; all scores from the rows as the window found them, then
    syn1neg += G^T X and syn0 += G Y."""
    syn0 = syn0.astype(np.float64)
    syn1neg = np.zeros_like(syn0)
    noise = build_noise_table(counts)
    vocab_size, negative = len(counts), params.negative
    alpha = np.float32(params.starting_alpha)
    r = 0  # thread 0's stream, seed 0
    for position, word in [pair for _ in range(params.epochs) for pair in enumerate(ids)]:
        r = lcg(r)
        shrink = r % params.window
        first = max(position - params.window + shrink, 0)
        end = min(position + params.window - shrink + 1, len(ids))
        contexts = [ids[c] for c in range(first, end) if c != position]
        if not contexts:
            continue
        targets = [word]
        for _ in range(negative):
            r = lcg(r)
            target = int(noise.lookup([(r >> 16) % noise.table_size])[0])
            targets.append(target if target != 0 else r % (vocab_size - 1) + 1)
        x, y = syn0[contexts].copy(), syn1neg[targets].copy()
        labels = np.array([1] + [0] * negative)
        g = gradients((x @ y.T).astype(np.float32), labels, alpha).astype(np.float64)
        g[:, 1:][:, np.array(targets[1:]) == word] = 0  # a negative that is the word is skipped
        np.add.at(syn1neg, targets, g.T @ x)
        np.add.at(syn0, contexts, g @ y)
    return syn0, syn1neg


# 28: 8-float blocks and a 4-float tail; 103: a full register pass, then
# blocks, a 4-float and a scalar tail (trainer.c's kernels take each path)
@pytest.mark.parametrize("vector_size", [28, 103])
def test_one_sentence_matches_the_numpy_reference(tmp_path: Path, vector_size: int) -> None:
    path = tmp_path / "one.txt"
    path.write_text(SENTENCE + "\n")
    model = Word2Vec(corpus_file=str(path), **{**REFERENCE, "vector_size": vector_size})
    index = {w.decode(): i for i, w in enumerate(model.vocab.words)}
    ids = [index[w] for w in SENTENCE.split()]
    start = initial_input_vectors(model.vocab, model.params)
    syn0, syn1neg = reference_run(ids, model.vocab.counts, start, model.params)
    assert np.allclose(model.weights.syn1neg, syn1neg, rtol=1e-4, atol=1e-6)
    assert np.allclose(model.weights.syn0, syn0, rtol=1e-4, atol=1e-6)
    # the reference tells the modes apart: word2vec.c's per-pair training differs
    default = Word2Vec(corpus_file=str(path),
                       **{**REFERENCE, "vector_size": vector_size, "batch_negatives": False})
    assert not np.allclose(default.weights.syn0, syn0, rtol=1e-4, atol=1e-6)


def test_batched_skipgram_learns_topics(topics) -> None:
    path, topic_of = topics
    vectors = train(path, sg=True, hs=False, negative=5, vector_size=24, min_count=1,
                    workers=2, epochs=2, batch_negatives=True)
    assert np.isfinite(vectors.vectors).all()
    strays = 0
    for word, topic in topic_of.items():
        nearest = [w for w, _ in vectors.most_similar(word, topn=4) if w != "</s>"][:3]
        assert topic_of[nearest[0]] == topic, (word, nearest)
        strays += any(topic_of.get(w) != topic for w in nearest)
    assert strays <= len(topic_of) // 10


@pytest.mark.parametrize("mode", [dict(sg=False, negative=5), dict(sg=True, hs=True, negative=0),
                                  dict(sg=True, hs=True, negative=5)])
def test_refused_outside_skipgram_with_negative_sampling(mode: dict) -> None:
    with pytest.raises(W2VError, match="batch_negatives=True .* needs sg=True"):
        TrainingParams(batch_negatives=True, **mode)


def test_command_line_refuses_it_for_cbow(topics) -> None:
    path, _ = topics
    done = run_cli("-train", str(path), "-output", str(path.with_suffix(".vec")),
                   "-cbow", "1", "-batch-negatives", "1", "-min-count", "1", "-threads", "1")
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "batch_negatives=True" in lines[0] and "-cbow 0" in lines[0]
    assert not path.with_suffix(".vec").exists()


def test_model_file_records_the_mode(tmp_path: Path, topics) -> None:
    path, _ = topics
    model = Word2Vec(corpus_file=str(path), sg=True, negative=3, vector_size=8, min_count=1,
                     workers=1, epochs=1, batch_negatives=True)
    model.save(tmp_path / "m.model")
    loaded = Word2Vec.load(tmp_path / "m.model")
    assert loaded.params.batch_negatives is True
    assert loaded.params == model.params


def test_cuda_backend_refuses_it() -> None:
    from w2vpy.training.cuda_backend import train_weights_cuda
    params = TrainingParams(sg=True, negative=5, batch_negatives=True)
    with pytest.raises(W2VError, match="batch_negatives=True .* cpu backend"):
        train_weights_cuda(None, None, 0, params, kernel=object())  # refused before either is read


# -- checkpoints: the mode is part of the run -------------------------------------------------

RESUME_ARGS = ["-size", "12", "-window", "3", "-min-count", "1", "-threads", "1", "-iter", "2",
               "-binary", "1", "-hs", "0", "-negative", "3"]


class StopAfterFirstEpoch:
    """A callback that stops the run at the end of its first epoch."""

    def on_epoch_end(self, model) -> None:
        model.stop_training = True


def first_epoch_checkpoint(path: Path, checkpoint: Path) -> None:
    """The checkpoint of RESUME_ARGS's skip-gram run at the end of epoch 1 of 2."""
    model = Word2Vec(vector_size=12, window=3, min_count=1, workers=1, epochs=2, sg=True, hs=False,
                     negative=3, batch_negatives=True)
    model.build_vocab(path)
    model.train(path, checkpoint=checkpoint, callbacks=[StopAfterFirstEpoch()])


def test_resumed_run_keeps_the_mode_bit_identical(tmp_path: Path, topics) -> None:
    """The checkpoint records batch_negatives, and the resumed run (not given
    -batch-negatives) trains in it: it ends on the uninterrupted run's bytes,
    which the default mode's second epoch would not."""
    path, _ = topics
    whole = tmp_path / "whole.bin"
    args = [*RESUME_ARGS, "-cbow", "0"]
    assert run_cli("-train", str(path), "-output", str(whole), *args,
                   "-batch-negatives", "1").returncode == 0
    checkpoint = tmp_path / "ck.w2v"
    first_epoch_checkpoint(path, checkpoint)
    assert Word2Vec.load(checkpoint).params.batch_negatives is True
    resumed = tmp_path / "resumed.bin"
    done = run_cli("-train", str(path), "-output", str(resumed), "-resume", str(checkpoint), *args)
    assert done.returncode == 0, done.stderr
    assert resumed.read_bytes() == whole.read_bytes()
    # the same start, its last epoch trained in the default mode, ends elsewhere
    expected = load(whole).vectors
    finished = {}
    for mode in (True, False):
        model = Word2Vec.load(checkpoint)
        model.batch_negatives = mode
        model.train(path, epochs=1)
        finished[mode] = model.wv.vectors
    assert np.array_equal(finished[True], expected)
    assert not np.allclose(finished[False], expected, atol=1e-3)


@pytest.mark.parametrize("flag, given, saved", [("-batch-negatives", "0", "1"),
                                                 ("-cbow", "1", "0")])  # sg=True is -cbow 0
def test_resume_refuses_the_other_mode_in_the_flags_words(tmp_path: Path, topics, flag: str,
                                                           given: str, saved: str) -> None:
    """A skip-gram checkpoint in the batched mode, resumed with the flag set
    the other way: one line naming the flag and both values as flags write them."""
    path, _ = topics
    checkpoint = tmp_path / "ck.w2v"
    first_epoch_checkpoint(path, checkpoint)
    done = run_cli("-train", str(path), "-output", str(tmp_path / "o.bin"), "-resume",
                   str(checkpoint), flag, given)
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert f"{flag} {given} differs from {checkpoint}'s {saved}: a resumed run keeps" in lines[0]
    assert not (tmp_path / "o.bin").exists()
