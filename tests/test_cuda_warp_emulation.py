"""The CUDA kernel's warp code in every test run, with no GPU: the emulated
warp (w2vpy/cuda/w2v_emulated_warp.h, tests/host_kernel.EmulatedWarp) runs
the GPU's lanes code (dimensions split over 32 lanes, lanes past the vector
size idle, butterfly sums, the ballot compaction, lane 0's word counter,
several warps of a block sharing its buffers) against the one-lane host
build.

Why the two builds must agree bit for bit, not within a tolerance: the order
of summation changes only the dot products, and the kernel uses a dot
product only to pick a sigmoid-table cell or a side of the +-MAX_EXP
cut-offs; every other operation is per dimension, in the same order in both
builds.  So the updates are identical unless some score and its other-order
twin route differently.  The emulation computes that twin for every dot
product from the same operands (the products summed in dimension order, as
the one lane does) and counts the scores that would route differently: the
comparison requires none, and holds each score to the error bound of its two
orders, derived from the products' magnitudes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import DEMO_CORPUS, demo_corpus_head
from host_kernel import DOT_RECORD, EmulatedWarp, HostKernel, build_emulated_warp
from test_cuda_on_host import launch_batch, train_with_kernel
from test_training import MODES
from w2vpy import _core
from w2vpy.parameters import training_params
from w2vpy.training.cuda_backend import KernelArrays, kernel_vector_size
from w2vpy.training.huffman import build_huffman_tree
from w2vpy.training.subsampling import keep_thresholds
from w2vpy.training.unigram_table import build_unigram_table

LANES = 32
#: float32's unit roundoff
UNIT = 2.0 ** -24
SIZES = (100, 128, 300)


@pytest.fixture(scope="session")
def emulated_warp(cxx, tmp_path_factory):
    """The emulated warp's library for a vector size: the GPU's build class
    for it (lanes keep that class's dimensions / 32), built once a session."""
    out = tmp_path_factory.mktemp("emulated_warp")
    built: dict[int, Path] = {}

    def library(vector_size: int) -> Path:
        size_class = kernel_vector_size(vector_size)
        if size_class not in built:
            built[size_class] = build_emulated_warp(cxx, out, size_class)
        return built[size_class]

    return library


# ---------------------------------------------------------------- the error bound

def gamma(n: int) -> float:
    """Higham's bound on the relative error of n float32 roundings."""
    return n * UNIT / (1 - n * UNIT)


def order_bound(size: int, magnitude: np.ndarray) -> np.ndarray:
    """How far the warp's sum of `size` products may lie from the one lane's
    sum of the same products: each is within gamma(roundings) * sum|product|
    of the exact sum.  The lane sums size - 1 times in a row; a warp lane sums
    its ceil(size / 32) products from 0 (exact first), then the butterfly's 5
    levels."""
    per_lane = -(-size // LANES)
    return (gamma(size - 1) + gamma(per_lane - 1 + 5)) * magnitude


def butterfly(partials: np.ndarray) -> np.ndarray:
    """The GPU's warp sum of each row of `partials` (n x 32) in float32:
    v += shfl_xor(v, offset) for offset 16, 8, 4, 2, 1; lane 0's result."""
    v = partials.astype(np.float32)
    lanes = np.arange(LANES)
    for offset in (16, 8, 4, 2, 1):
        v = v + v[:, lanes ^ offset]
    return v[:, 0]


def check_trace(trace: np.ndarray) -> None:
    """Every traced sum is the GPU butterfly of the lanes' shares, within the
    derived bound of the one-lane order, and routes the kernel as it does."""
    assert len(trace) > 0
    assert np.array_equal(trace["tree"], butterfly(trace["partials"]))
    gap = np.abs(trace["tree"].astype(np.float64) - trace["sequential"])
    bound = order_bound(int(trace["size"][0]), trace["magnitude"])
    assert np.all(gap <= bound), (gap - bound).max()
    assert not trace["decides_otherwise"].any()


def test_the_bound_holds_the_two_orders_and_no_less():
    """On adversarial products (large terms that cancel), the bound holds the
    butterfly against the sequential sum, and it is not loose by orders of
    magnitude: the gap reaches a fair share of it on some rows."""
    rng = np.random.default_rng(5)
    size = 300
    products = (rng.standard_normal((2000, size)) * 10.0 ** rng.integers(-3, 3, (2000, 1))
                ).astype(np.float32)
    padded = np.zeros((2000, LANES * -(-size // LANES)), np.float32)
    padded[:, :size] = products
    by_lane = padded.reshape(2000, -1, LANES)
    partials = np.zeros((2000, LANES), np.float32)
    for k in range(by_lane.shape[1]):
        partials = partials + by_lane[:, k]
    sequential = np.zeros(2000, np.float32)
    for j in range(size):
        sequential = sequential + products[:, j]
    gap = np.abs(butterfly(partials).astype(np.float64) - sequential)
    bound = order_bound(size, np.abs(products).astype(np.float64).sum(axis=1))
    assert np.all(gap <= bound)
    assert (gap / bound).max() > 1e-3


# ---------------------------------------------------------------- one warp against one lane

def model_arrays(vocab_size: int, size: int, hs: bool, negative: int, sample: float,
                 seed: int) -> KernelArrays:
    """A vocabulary of Zipf counts with word2vec.c's initial input vectors and
    output vectors already away from zero (so that scores differ from the first
    position), a small noise table and the Huffman tree of the counts."""
    rng = np.random.default_rng(seed)
    counts = (1000 // np.arange(1, vocab_size + 1)).astype(np.int64)
    absent = np.zeros(1, np.float32)

    def rows() -> np.ndarray:
        return ((rng.random((vocab_size, size)) - 0.5) / size).astype(np.float32)

    tree = build_huffman_tree(counts) if hs else None
    return KernelArrays(
        syn0=rows(), syn1=rows() if hs else absent, syn1neg=rows() if negative else absent,
        keep_threshold=keep_thresholds(counts, sample, int(counts.sum())),
        code_offsets=tree.code_offsets if hs else np.zeros(1, np.int64),
        codes=tree.codes if hs else np.zeros(1, np.uint8),
        points=tree.points if hs else np.zeros(1, np.int32),
        unigram_table=(build_unigram_table(counts, 10_000) if negative
                       else np.zeros(1, np.int32)),
        sigmoid_table=_core.sigmoid_table(), words_done=np.zeros(1, np.uint64))


def sentences(vocab_size: int, lengths: tuple[int, ...], seed: int) -> list[int]:
    """Sentences of Zipf-drawn words (ids 1..), each ended by </s>."""
    rng = np.random.default_rng(seed)
    ids: list[int] = []
    for length in lengths:
        ids += (rng.zipf(1.3, length) % (vocab_size - 1) + 1).tolist() + [0]
    return ids


def copy(arrays: KernelArrays) -> KernelArrays:
    return KernelArrays(**{k: v.copy() for k, v in vars(arrays).items()})


def assert_same_updates(a: KernelArrays, b: KernelArrays) -> None:
    for name in ("syn0", "syn1", "syn1neg", "words_done"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", MODES)
def test_one_warp_updates_as_one_lane(emulated_warp, host_kernel, mode, size):
    """The same sentences (one over 32 kept words, so that the compaction takes
    several ballots; subsampling on) train the same bits in a warp of 32 lanes
    as in one lane, in every mode and at sizes that are and are not multiples
    of 32: the warp's scores route as the lane's (check_trace), so nothing else
    may differ.  One warp a block trains the sentences in the lane's order."""
    settings = dict(**MODES[mode], vector_size=size, window=4, sample=1e-2, alpha=0.05,
                    min_count=1)
    params = training_params(settings)
    start = model_arrays(40, size, params.hs, params.negative, params.sample, seed=size)
    ids = sentences(40, (70, 9, 33), seed=size)
    warp, lane = copy(start), copy(start)
    emulated = EmulatedWarp(emulated_warp(size), warps_per_block=1, trace_capacity=2000)
    launch_batch(emulated, warp, ids, params, total_words=10_000)
    launch_batch(host_kernel, lane, ids, params, total_words=10_000)
    check_trace(emulated.trace)
    assert emulated.dots > 100 and emulated.decided_otherwise == 0
    assert_same_updates(warp, lane)
    assert not np.array_equal(warp.syn0, start.syn0)  # it trained


# ---------------------------------------------------------------- warps of a block

def private_tree(vocab_size: int) -> dict[str, np.ndarray]:
    """Hierarchical softmax tables in which word w's path is its own node w:
    sentences over disjoint words then touch disjoint rows, so warps training
    them at once must give what one lane gives training them in turn."""
    return dict(code_offsets=np.arange(vocab_size + 1, dtype=np.int64),
                codes=(np.arange(vocab_size) % 2).astype(np.uint8),
                points=np.arange(vocab_size, dtype=np.int32))


@pytest.mark.parametrize("sg", [0, 1])
def test_warps_of_a_block_train_their_own_sentences(emulated_warp, host_kernel, sg):
    """Five sentences over disjoint words (two blocks of four warps, the second
    with three idle): each warp compacts its sentence into its own part of the
    block's shared buffer while the others do, so the result is the lane's,
    bit for bit, and the word counter adds up to the batch."""
    size, group = 100, 12
    params = training_params(dict(sg=sg, hs=1, negative=0, vector_size=size, window=3,
                                  sample=1e-2, alpha=0.05, min_count=1))
    vocab_size = 1 + 5 * group
    arrays = model_arrays(vocab_size, size, True, 0, params.sample, seed=11)
    for name, table in private_tree(vocab_size).items():
        setattr(arrays, name, table)
    rng = np.random.default_rng(3)
    ids: list[int] = []
    for s, length in enumerate((60, 45, 80, 8, 50)):
        ids += (1 + s * group + rng.integers(0, group, length)).tolist() + [0]
    warp, lane = copy(arrays), copy(arrays)
    emulated = EmulatedWarp(emulated_warp(size), trace_capacity=5000)
    # the rate falls with the words every warp has reported, which the warps
    # do in another order than the lane: a schedule this long holds the rate
    # at its start in float32, so that only the rows can tell them apart
    launch_batch(emulated, warp, ids, params, total_words=10**12)
    launch_batch(host_kernel, lane, ids, params, total_words=10**12)
    assert emulated.decided_otherwise == 0
    check_trace(emulated.trace)
    assert_same_updates(warp, lane)
    assert warp.words_done[0] == len(ids)


@pytest.mark.parametrize("mode", ["sg-ns", "cbow-hs-ns"])
def test_the_order_of_lanes_between_collectives_does_not_matter(emulated_warp, mode):
    """Between two collectives each lane writes only its own dimensions, so
    running a warp's lanes 31..0 instead of 0..31 gives the same bits, also
    with four warps sharing rows (warps interleave only at collectives, the
    same in both runs)."""
    params = training_params(dict(**MODES[mode], vector_size=100, window=4, sample=1e-2,
                                  alpha=0.05, min_count=1))
    start = model_arrays(30, 100, params.hs, params.negative, params.sample, seed=2)
    ids = sentences(30, (50, 40, 60, 35, 20), seed=4)
    runs = []
    for reverse in (False, True):
        arrays = copy(start)
        launch_batch(EmulatedWarp(emulated_warp(100), reverse_lanes=reverse), arrays, ids,
                     params, total_words=10_000)
        runs.append(arrays)
    assert_same_updates(*runs)
    assert not np.array_equal(runs[0].syn0, start.syn0)


# ---------------------------------------------------------------- the bundled corpus

#: tokens of the bundled corpus the emulated warp trains (about two seconds)
DEMO_SLICE_TOKENS = 30_000
DEMO_SETTINGS = dict(vector_size=100, window=5, sample=1e-3, epochs=1, min_count=5, sg=0, hs=0,
                     negative=5)


def neighbour_overlap(a, b, words: list[str]) -> float:
    """The share of each word's 10 nearest neighbours that a and b have in common."""
    return float(np.mean([len({w for w, _ in a.most_similar(q, topn=10)}
                              & {w for w, _ in b.most_similar(q, topn=10)}) / 10 for q in words]))


@pytest.fixture(scope="module")
def demo_slice(tmp_path_factory) -> Path:
    if not DEMO_CORPUS.exists():
        pytest.skip("bundled demo corpus missing")
    path = tmp_path_factory.mktemp("demo") / "slice.txt"
    path.write_text(demo_corpus_head(DEMO_SLICE_TOKENS), encoding="utf-8")
    return path


def test_warps_learn_the_lane_s_neighbours(emulated_warp, host_kernel, demo_slice):
    """A slice of the bundled corpus, CBOW+NS at size 100, launched as on the
    GPU (four warps a block, Hogwild between them): the 40 most frequent
    words' neighbours are the one lane's, more closely than the lane's own
    under another seed are, and training moved them (the lane's untrained
    vectors have other neighbours)."""
    emulated = EmulatedWarp(emulated_warp(DEMO_SETTINGS["vector_size"]))
    warps = train_with_kernel(emulated, demo_slice, seed=1, **DEMO_SETTINGS)
    lane = train_with_kernel(host_kernel, demo_slice, seed=1, **DEMO_SETTINGS)
    other_seed = train_with_kernel(host_kernel, demo_slice, seed=2, **DEMO_SETTINGS)
    untrained = train_with_kernel(host_kernel, demo_slice, seed=1,
                                  **{**DEMO_SETTINGS, "alpha": 1e-9})
    words = warps.index_to_key[1:41]
    same = neighbour_overlap(warps, lane, words)
    assert same > neighbour_overlap(lane, other_seed, words), same
    assert neighbour_overlap(warps, untrained, words) < same / 2
