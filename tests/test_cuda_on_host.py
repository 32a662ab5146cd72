"""The CUDA kernel's algorithm in every test run, with no GPU and no cupy:
w2v_kernels.cu built for the host (tests/host_kernel.py, one lane owning
every dimension) and driven by the GPU's own launch code
(cuda_backend.train_weights_cuda: batches, sentence bounds, arguments)."""
import ctypes
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DEMO_CORPUS
from host_kernel import HostKernel, build_host_kernel
from test_training import MODES
from w2vpy import _core, train
from w2vpy.model import prepare_vocab
from w2vpy.text.text_files import open_corpus
from w2vpy.training.cuda_backend import (Kernel, KernelArrays, check_kernel_arguments, kernel_arguments,
                                kernel_signature, kernel_source, sentence_bounds,
                                train_weights_cuda)
from w2vpy.text.word_ids import encode_corpus
from w2vpy.parameters import training_params
from w2vpy.word_vectors import WordVectors

PROBES = Path(__file__).resolve().parent / "kernel_probes.cpp"
MAX_SENTENCE = _core.MAX_SENTENCE_LENGTH


def train_with_kernel(kernel: Kernel, corpus, **parameters) -> WordVectors:
    """train()'s path with the cuda backend, on the given kernel (the host build in
    this file, standing in for the GPU)."""
    params = training_params(parameters)
    with open_corpus(corpus) as source:
        vocab = prepare_vocab(source, params, record_tokens=True)
        encoded = encode_corpus(source, vocab)
        spool, tokens = encoded.file, encoded.tokens
        with spool:
            syn0, _ = train_weights_cuda(vocab, spool, tokens, params, kernel=kernel)
    return WordVectors([w.decode() for w in vocab.words], syn0, vocab.counts)


# ---------------------------------------------------------------- quality

#: the CPU path's end-to-end check (test_training.test_learns_from_the_bundled_corpus)
DEMO_SETTINGS = dict(vector_size=50, window=5, sample=1e-4, epochs=2, min_count=5, workers=1)
COLOURS = {"yellow", "white", "purple", "pink", "green", "blue", "black", "brown", "orange",
           "violet", "red", "gray", "grey", "reddish", "scarlet", "crimson", "colored"}
NUMBERS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
           "twelve", "fifteen", "twenty", "hundred", "thousand", "several", "many"}
#: how far below the CPU path's category score the kernel may score (seed to
#: seed, either path's score moves by about 0.04)
CATEGORY_MARGIN = 0.1


def category_score(vectors: WordVectors) -> float:
    """The share of each colour's and number's 10 nearest neighbours that are
    in its own category, averaged over the words."""
    shares = [len(category.intersection(w for w, _ in vectors.most_similar(word, topn=10))) / 10
              for category in (COLOURS, NUMBERS) for word in sorted(category) if word in vectors]
    return sum(shares) / len(shares)


@pytest.fixture(scope="module")
def demo_vectors(host_kernel):
    """Every mode trained on the bundled corpus by the kernel on the host and
    by the CPU path, two runs at a time (the host kernel is one thread, and
    ctypes lets go of the GIL while it runs)."""
    if not DEMO_CORPUS.exists():
        pytest.skip("bundled demo corpus missing")
    trainers = {"kernel": (train_with_kernel, host_kernel), "cpu": (train,)}
    # the longest runs first (the one-lane kernel is slower than the CPU
    # path, skip-gram slower than CBOW), so that neither thread is left with
    # a long run while the other has nothing to do
    order = sorted(((mode, path) for mode in MODES for path in trainers),
                   key=lambda run: (run[1] != "kernel", not MODES[run[0]]["sg"]))
    with ThreadPoolExecutor(2) as pool:
        runs = {(mode, path): pool.submit(*trainers[path], DEMO_CORPUS, **DEMO_SETTINGS,
                                          **MODES[mode])
                for mode, path in order}
        return {key: run.result() for key, run in runs.items()}


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_learns_the_bundled_corpus(demo_vectors, mode):
    """The CPU path's nearest-neighbour check, passed by the kernel's algorithm."""
    near = [w for w, _ in demo_vectors[mode, "kernel"].most_similar("red", topn=10)]
    assert len(COLOURS.intersection(near)) >= 6, (mode, near)


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_scores_as_the_cpu_path(demo_vectors, mode):
    kernel = category_score(demo_vectors[mode, "kernel"])
    cpu = category_score(demo_vectors[mode, "cpu"])
    assert kernel >= cpu - CATEGORY_MARGIN, (mode, kernel, cpu)


def test_the_category_score_tells_untrained_vectors_apart(demo_vectors):
    untrained = train(DEMO_CORPUS, **{**DEMO_SETTINGS, "epochs": 1, "alpha": 1e-9})
    assert category_score(untrained) < min(map(category_score, demo_vectors.values())) - 0.2


def test_one_host_warp_is_bit_identical_across_runs(host_kernel, topics):
    path, _ = topics
    settings_ = dict(vector_size=16, min_count=1, epochs=2, sg=1, hs=1, negative=2)
    a = train_with_kernel(host_kernel, path, seed=3, **settings_)
    b = train_with_kernel(host_kernel, path, seed=3, **settings_)
    assert np.array_equal(a.vectors, b.vectors)
    c = train_with_kernel(host_kernel, path, seed=4, **settings_)
    assert not np.array_equal(a.vectors, c.vectors)


# ---------------------------------------------------------------- worked by hand

ALPHA = 0.025
U = np.array([0.1, -0.2, 0.3, 0.05])  # syn0 of word 1 ("a")
V = np.array([-0.15, 0.25, 0.2, -0.1])  # syn0 of word 2 ("b")


def sigmoid_entry(f: float) -> float:
    """word2vec.c's table entry for a score f inside (-6, 6), from its formula."""
    index = int((np.float32(f) + np.float32(6)) * np.float32(83))
    x = np.exp((index / 1000 * 2 - 1) * 6)
    return x / (x + 1)


def launch_batch(kernel: HostKernel, arrays: KernelArrays, ids: list[int], params,
                 total_words: int) -> None:
    """One launch over one batch of ids (epoch 0, starting at corpus token 0)."""
    ids_array = np.asarray(ids, dtype=np.int32)
    bounds = sentence_bounds(ids_array)
    arguments = kernel_arguments(arrays, ids_array, bounds, len(bounds) - 1, 0, params,
                                 total_words=total_words, epoch=0)
    check_kernel_arguments(kernel_signature(), arguments)
    kernel.launch(len(bounds) - 1, arguments)


def launch_sentence_a_b(kernel: HostKernel, arrays: KernelArrays, **parameters) -> None:
    """The one sentence "a b </s>" (ids 1 2 0), window 1, no subsampling."""
    params = training_params(dict(vector_size=4, window=1, sample=0, alpha=ALPHA, min_count=1,
                                  **parameters))
    launch_batch(kernel, arrays, [1, 2, 0], params, total_words=1000)


def hand_arrays(**tables) -> KernelArrays:
    syn0 = np.zeros((3, 4), dtype=np.float32)
    syn0[1], syn0[2] = U, V
    none = dict(syn1=np.zeros(1, np.float32), syn1neg=np.zeros(1, np.float32),
                code_offsets=np.zeros(1, np.int64), codes=np.zeros(1, np.uint8),
                points=np.zeros(1, np.int32), unigram_table=np.zeros(1, np.int32))
    return KernelArrays(syn0=syn0, keep_threshold=np.full(3, 65536, np.uint32),
                        sigmoid_table=_core.sigmoid_table(),
                        words_done=np.zeros(1, np.uint64), **{**none, **tables})


def test_skip_gram_negative_sampling_first_updates_by_hand(host_kernel):
    """Skip-gram, one negative, a noise table that always draws b.
    Position 0 (a, context b): the positive row of a and the negative row of
    b start at zero, so both scores are 0 (table entry 498) and syn0[b] gets
    no error: syn1neg[a] = g1 v, syn1neg[b] = g2 v.  Position 1 (b, context
    a): the positive score is u.syn1neg[b]; the draw is b itself and is
    skipped.  So syn0[a] = u + g3 g2 v and syn1neg[b] = g2 v + g3 u."""
    arrays = hand_arrays(syn1neg=np.zeros((3, 4), np.float32),
                         unigram_table=np.array([2], np.int32))
    launch_sentence_a_b(host_kernel, arrays, sg=1, hs=0, negative=1)
    s0 = sigmoid_entry(0.0)
    g1, g2 = (1 - s0) * ALPHA, (0 - s0) * ALPHA
    g3 = (1 - sigmoid_entry(g2 * U @ V)) * ALPHA
    np.testing.assert_allclose(arrays.syn0[1], U + g3 * g2 * V, rtol=1e-6)
    np.testing.assert_allclose(arrays.syn0[2], V, rtol=1e-6)
    np.testing.assert_allclose(arrays.syn1neg[1], g1 * V, rtol=1e-6)
    np.testing.assert_allclose(arrays.syn1neg[2], g2 * V + g3 * U, rtol=1e-6)
    assert arrays.words_done[0] == 3  # the sentence's tokens, </s> included


def test_cbow_hierarchical_softmax_first_updates_by_hand(host_kernel):
    """CBOW, a two-leaf tree: a is code 0 and b code 1 under node 0.  With a
    window of 1 each context is the other word, so the hidden layer is its
    vector.  Position 0 (a): node 0 is zero, score 0, syn1[0] = g1 v with
    g1 = (1 - 0 - s0) alpha.  Position 1 (b): score u.syn1[0], g2 = (1 - 1 -
    sigmoid) alpha; syn0[a] = u + g2 g1 v and syn1[0] = g1 v + g2 u."""
    arrays = hand_arrays(syn1=np.zeros((3, 4), np.float32),
                         code_offsets=np.array([0, 0, 1, 2], np.int64),
                         codes=np.array([0, 1], np.uint8), points=np.array([0, 0], np.int32))
    launch_sentence_a_b(host_kernel, arrays, sg=0, hs=1, negative=0)
    g1 = (1 - 0 - sigmoid_entry(0.0)) * ALPHA
    g2 = (1 - 1 - sigmoid_entry(g1 * U @ V)) * ALPHA
    np.testing.assert_allclose(arrays.syn0[1], U + g2 * g1 * V, rtol=1e-6)
    np.testing.assert_allclose(arrays.syn0[2], V, rtol=1e-6)
    np.testing.assert_allclose(arrays.syn1[0], g1 * V + g2 * U, rtol=1e-6)


# ---------------------------------------------------------------- the learning rate

#: positions between a warp's reports, read from the kernel's source
RATE_INTERVAL = int(re.search(r"#define W2V_RATE_INTERVAL (\d+)", kernel_source()).group(1))


def launch_with_rate(ids: list[int], thresholds: list[int], total_words: int,
                     kernel: HostKernel, sample: float = 0.0) -> KernelArrays:
    """Skip-gram+NS, size 4, window 1, one negative always drawn as word 1,
    syn0 of word w filled with w / 10, on one batch of ids."""
    vocab_size = len(thresholds)
    syn0 = np.repeat(np.arange(vocab_size, dtype=np.float32)[:, None] / 10, 4, axis=1)
    arrays = KernelArrays(
        syn0=syn0, syn1=np.zeros(1, np.float32), syn1neg=np.zeros_like(syn0),
        keep_threshold=np.asarray(thresholds, np.uint32), code_offsets=np.zeros(1, np.int64),
        codes=np.zeros(1, np.uint8), points=np.zeros(1, np.int32),
        unigram_table=np.array([1], np.int32), sigmoid_table=_core.sigmoid_table(),
        words_done=np.zeros(1, np.uint64))
    params = training_params(dict(vector_size=4, window=1, sample=sample, alpha=ALPHA,
                                  min_count=1, sg=1, hs=0, negative=1))
    launch_batch(kernel, arrays, ids, params, total_words)
    return arrays


def test_the_rate_falls_with_the_words_reported_inside_a_sentence(host_kernel):
    """Word 1 at positions 0-31, word 2 at 32 and 33.  Word 2's output row is
    trained only at positions 32 and 33 (the noise draw is word 1), after the
    warp's first report of 32 tokens.  With a schedule of 31 words that report
    ends it, so the row moves by the floor rate, 1e-4 of the start; with a
    long schedule, by about the start.  Positions 0-31 train alike in both."""
    ids = [1] * RATE_INTERVAL + [2, 2, 0]
    thresholds = [65536] * 3
    ended = launch_with_rate(ids, thresholds, total_words=RATE_INTERVAL - 1, kernel=host_kernel)
    going = launch_with_rate(ids, thresholds, total_words=10**9, kernel=host_kernel)
    ratio = np.linalg.norm(ended.syn1neg[2]) / np.linalg.norm(going.syn1neg[2])
    assert 0.5e-4 < ratio < 2e-4
    # the reports add up to the sentence's tokens, </s> included
    assert ended.words_done[0] == going.words_done[0] == len(ids)


@settings(max_examples=40, deadline=None)
@given(ids=st.lists(st.integers(0, 3), max_size=2600),
       thresholds=st.lists(st.integers(0, 65536), min_size=4, max_size=4),
       sample=st.sampled_from([0.0, 1e-3]))
def test_the_reports_add_up_to_the_batch_s_tokens(host_kernel, ids, thresholds, sample):
    """Whatever subsampling drops, a launch's reports (every RATE_INTERVAL
    kept positions, pro rata, the rest at the sentence's end) add up to its
    tokens: the schedule's clock neither gains nor loses words."""
    arrays = launch_with_rate(ids, thresholds, total_words=10**6, kernel=host_kernel,
                              sample=sample)
    assert arrays.words_done[0] == len(ids)


# ---------------------------------------------------------------- the GPU-only differences

MASK64 = (1 << 64) - 1


def splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def reference_sentences(ids: list[int], thresholds: list[int], sample: float, seed: int,
                        epoch: int, first_token: int) -> list[list[int]]:
    """The README's GPU rules, in plain Python: a sentence ends after each </s>
    and every 1000 tokens counted *before* subsampling (word2vec.c counts the
    kept ones); token i of the batch is kept iff the low 16 bits of
    splitmix64(seed ^ epoch << 40 ^ (first_token + i)) are at most its
    word's threshold (word2vec.c draws from the thread's LCG)."""
    pieces, piece = [], []
    for i, word in enumerate(ids):
        piece.append(i)
        if word == 0 or len(piece) == MAX_SENTENCE:
            pieces.append(piece)
            piece = []
    if piece:
        pieces.append(piece)

    def kept(i: int) -> bool:
        if ids[i] == 0:
            return False
        if sample <= 0:
            return True
        draw = splitmix64((seed ^ (epoch << 40) ^ (first_token + i)) & MASK64)
        return (draw & 0xFFFF) <= thresholds[ids[i]]

    return [[ids[i] for i in piece if kept(i)] for piece in pieces]


@pytest.fixture(scope="module")
def load_sentence(cxx, tmp_path_factory):
    library = ctypes.CDLL(str(build_host_kernel(
        cxx, tmp_path_factory.mktemp("probes"), sources=(PROBES,), name="probes.so")))
    probe = library.w2v_probe_load_sentence
    probe.restype = ctypes.c_int
    probe.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
                      ctypes.c_void_p, ctypes.c_double, ctypes.c_uint64, ctypes.c_int,
                      ctypes.c_void_p]

    def kernel_sentences(ids, thresholds, sample, seed, epoch, first_token):
        """The kernel's sentences for one batch, cut by the launch code."""
        ids = np.asarray(ids, dtype=np.int32)
        thresholds = np.asarray(thresholds, dtype=np.uint32)
        bounds = sentence_bounds(ids)
        out = np.zeros(MAX_SENTENCE, dtype=np.int32)
        sentences = []
        for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            n = probe(ids.ctypes.data, begin, end, first_token, thresholds.ctypes.data, sample,
                      seed, epoch, out.ctypes.data)
            sentences.append(out[:n].tolist())
        return sentences

    return kernel_sentences


def test_sentences_are_cut_before_subsampling(load_sentence):
    """2500 tokens of a word kept about half the time: the kernel's sentences
    hold 1000, 1000 and 500 tokens before subsampling, so about 500, 500 and
    250 after, where word2vec.c would fill each to 1000 kept words."""
    ids = [1] * 2500 + [0]
    thresholds = [65536, 32767]
    got = load_sentence(ids, thresholds, 1e-3, seed=5, epoch=0, first_token=0)
    assert got == reference_sentences(ids, thresholds, 1e-3, 5, 0, 0)
    assert [len(s) for s in got] != [1000, 1000, 500]
    assert all(350 < len(s) < 650 for s in got[:2]) and 150 < len(got[2]) < 350


def test_subsampling_draws_depend_on_epoch_and_place_not_on_the_batch(load_sentence):
    """The same token at the same corpus position gets the same draw whichever
    batch carries it; the next epoch draws again."""
    ids = [3, 1, 2, 1, 3, 0] * 40
    thresholds = [65536, 30000, 10000, 50000]
    whole = load_sentence(ids, thresholds, 1e-3, seed=9, epoch=1, first_token=0)
    later_half = load_sentence(ids[120:], thresholds, 1e-3, seed=9, epoch=1, first_token=120)
    assert whole[20:] == later_half
    assert whole != load_sentence(ids, thresholds, 1e-3, seed=9, epoch=2, first_token=0)


def test_a_draw_equal_to_the_threshold_keeps_the_word(load_sentence):
    """word2vec.c's rule, kept for the hash: keep iff draw <= threshold."""
    seed, epoch, first_token = 11, 3, 1000

    def draw(i: int) -> int:
        return splitmix64(seed ^ (epoch << 40) ^ (first_token + i)) & 0xFFFF

    ids = [1, 2, 0]
    thresholds = [65536, draw(0), max(draw(1) - 1, 0)]
    assert draw(1) > 0  # so that word 2's threshold sits just under its draw
    assert load_sentence(ids, thresholds, 1e-3, seed, epoch, first_token) == [[1]]


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.integers(0, 5), max_size=2600),
       thresholds=st.lists(st.integers(0, 65536), min_size=6, max_size=6),
       sample=st.sampled_from([0.0, 1e-3]), seed=st.integers(0, 2**64 - 1),
       epoch=st.integers(0, 20), first_token=st.integers(0, 2**40))
def test_kernel_sentences_match_the_reference(load_sentence, ids, thresholds, sample, seed,
                                              epoch, first_token):
    assert (load_sentence(ids, thresholds, sample, seed, epoch, first_token)
            == reference_sentences(ids, thresholds, sample, seed, epoch, first_token))
