"""The CPU training driver: sets up the tables with the GIL held, runs the
compiled Hogwild threads without it, and reports progress.

This module holds word2vec.c's TrainModel; the per-word arithmetic is in
``src/word2vec_c/trainer.c``; what every backend shares is in ``training``.
A schedule may be trained in several runs (an epoch at a time, or more later):
``TrainingState`` is what one run hands the next.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from w2vpy import _core
from w2vpy.training.hot_rows import HotRows, resolve_hot_rows
from w2vpy.training.huffman import HuffmanTree, build_huffman_tree
from w2vpy.parameters import TrainingParams
from w2vpy.training.subsampling import keep_thresholds
from w2vpy.training.weights import PassesTrained, initial_input_vectors
from w2vpy.training.unigram_table import build_noise_table
from w2vpy.text.vocab import Vocabulary

#: (words done in this run, alpha, final)
Progress = Callable[[int, float, bool], None]
#: how often a run reports progress (and takes Ctrl-C) while the threads train
PROGRESS_SECONDS = 0.05


@dataclass
class Weights:
    """The model's matrices: syn0 is the word vectors; the output layers are
    what further training needs."""
    syn0: np.ndarray
    syn1: np.ndarray | None      # hierarchical softmax's inner nodes
    syn1neg: np.ndarray | None   # negative sampling's output vectors


def new_weights(vocab: Vocabulary, params: TrainingParams) -> Weights:
    """word2vec.c's InitNet: syn0 from its LCG, the output layers zero.

    The output layers come from np.zeros (calloc: pages the kernel zeroes on
    first touch), so that the training threads fault them in side by side
    instead of this thread writing every byte before training starts."""
    syn0 = initial_input_vectors(vocab, params)
    return Weights(syn0, np.zeros(syn0.shape, syn0.dtype) if params.hs else None,
                   np.zeros(syn0.shape, syn0.dtype) if params.negative > 0 else None)


@dataclass
class TrainingState:
    """Where training stands between runs.

    The learning rate follows one linear schedule (word2vec.c's): from
    ``schedule_alpha`` down to 1e-4 of it over ``schedule_words`` words, which
    ends at epoch ``schedule_end_epoch``.  Each thread's random stream and
    last computed rate are carried, so that resuming at an epoch end goes on
    exactly as the run would have (bit-identical with one thread).  The rate
    is held at a floor: ``end_alpha`` where a call gave one (gensim's, kept
    until a new schedule starts, so that the passes that go on with this
    schedule keep it), else the model's ``min_alpha`` or word2vec.c's."""
    schedule_alpha: float
    schedule_words: int
    words_done: int
    schedule_end_epoch: int
    epochs_done: int
    thread_random: np.ndarray  # uint64, one per worker
    thread_alpha: np.ndarray   # float32, one per worker
    end_alpha: float | None = None

    @classmethod
    def start(cls, params: TrainingParams, train_words: int) -> TrainingState:
        """word2vec.c's: params.epochs passes of the vocabulary's counted words,
        thread t's stream seeded t (+ seed)."""
        return cls(params.starting_alpha, params.epochs * train_words, 0, params.epochs, 0,
                   *_fresh_threads(params.workers, params.seed, params.starting_alpha))

    def floor(self, params: TrainingParams) -> float | None:
        """The rate's floor (None: word2vec.c's ``alpha * 1e-4``)."""
        return self.end_alpha if self.end_alpha is not None else params.min_alpha

    def alpha(self, params: TrainingParams) -> float:
        """The rate the schedule has reached, held at its floor as the threads hold it."""
        floor = self.floor(params)
        return _core.schedule_alpha(self.schedule_alpha, self.words_done, self.schedule_words,
                                    -1.0 if floor is None else floor)

    @property
    def epochs_left(self) -> int:
        return max(self.schedule_end_epoch - self.epochs_done, 0)

    def extend(self, alpha: float, epochs: int, epoch_words: int, params: TrainingParams,
               end_alpha: float | None = None) -> None:
        """A new schedule from ``alpha`` to its floor (``end_alpha``, or the
        model's) over ``epochs`` passes of ``epoch_words`` words; the threads'
        streams go on."""
        self.schedule_alpha = alpha
        self.end_alpha = end_alpha
        self.schedule_words = epochs * epoch_words
        self.words_done = 0
        self.schedule_end_epoch = self.epochs_done + epochs
        self.thread_alpha = _thread_alphas(params.workers, alpha)


def _thread_alphas(workers: int, alpha: float) -> np.ndarray:
    return np.full(workers, alpha, dtype=np.float32)


def _fresh_threads(workers: int, seed: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(workers, dtype=np.uint64) + np.uint64(seed), _thread_alphas(workers, alpha)


@dataclass
class TrainingTables:
    """What the threads read besides the weights, made once per vocabulary."""
    keep_threshold: np.ndarray
    tree: HuffmanTree | None
    noise_table: _core.NoiseTable | None
    hot: HotRows

    @classmethod
    def build(cls, vocab: Vocabulary, params: TrainingParams) -> TrainingTables:
        counts = vocab.counts
        tree = build_huffman_tree(counts) if params.hs else None
        return cls(keep_thresholds(counts, params.sample, vocab.train_words), tree,
                   build_noise_table(counts, power=params.ns_exponent)
                   if params.negative > 0 else None,
                   resolve_hot_rows(params, counts, tree))


def train_epochs(weights: Weights, tables: TrainingTables, corpus_file, corpus_tokens: int,
                 params: TrainingParams, state: TrainingState, epochs: int,
                 progress: Progress | None = None,
                 syn0_lockf: np.ndarray | None = None) -> PassesTrained:
    """Train ``epochs`` passes over an encoded corpus (see encoded_corpus) from
    where ``state`` stands, and move it on.

    ``syn0_lockf`` (see weights.input_lock_factors) scales each input row's
    updates; None trains them all as word2vec.c does.

    Ctrl-C stops the threads at their next sentence and re-raises
    KeyboardInterrupt; the weights and state are then mid-epoch."""
    if len(state.thread_random) != params.workers:
        raise ValueError("the training state was made for another number of workers")
    losses = np.zeros(epochs, dtype=np.float64)
    run = _core.TrainingRun()
    started = time.perf_counter()
    run.start(params, weights, tables, state, epochs=epochs, epoch_loss=losses,
              corpus_fd=corpus_file.fileno(), corpus_tokens=corpus_tokens, syn0_lockf=syn0_lockf)
    try:
        while not run.wait(PROGRESS_SECONDS):
            if progress is not None:
                progress(run.words_done - state.words_done, run.alpha, False)
    except BaseException:
        run.request_stop()
        run.join()
        raise
    # join() frees the counters
    words_done, alpha, hot_row_merges = run.words_done, run.alpha, run.hot_merges
    run.join()
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(words_done - state.words_done, alpha, True)
    words = words_done - state.words_done
    state.words_done = words_done
    state.epochs_done += epochs
    return PassesTrained(seconds, words, losses if params.compute_loss else None, hot_row_merges)
