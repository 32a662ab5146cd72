"""The CPU training driver: sets up the tables with the GIL held, runs the
compiled Hogwild threads without it, and reports progress.

This module holds word2vec.c's TrainModel; the per-word arithmetic is in
``src/word2vec_c/trainer.c``; what every backend shares is in ``training``.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from w2vpy import _core
from w2vpy.hot_rows import resolve_hot_rows
from w2vpy.huffman import build_huffman_tree
from w2vpy.subsampling import keep_thresholds
from w2vpy.parameters import TrainingParams
from w2vpy.training import TrainedWeights, check_converged, initial_input_vectors
from w2vpy.unigram_table import build_noise_table
from w2vpy.vocab import Vocabulary


def train_weights(vocab: Vocabulary, corpus_file, corpus_tokens: int, params: TrainingParams,
                  progress: Callable[[int, float, bool], None] | None = None) -> TrainedWeights:
    """Run word2vec.c's training on an encoded corpus (see encoded_corpus).

    Ctrl-C stops the threads at their next sentence and re-raises
    KeyboardInterrupt; nothing is returned then."""
    counts = vocab.counts
    syn0 = initial_input_vectors(vocab, params)
    syn1 = np.zeros_like(syn0) if params.hs else None
    syn1neg = np.zeros_like(syn0) if params.negative > 0 else None
    tree = build_huffman_tree(counts) if params.hs else None
    hot = resolve_hot_rows(params, counts, tree)
    run = _core.TrainingRun()
    started = time.perf_counter()
    run.start(params, syn0=syn0, syn1=syn1, syn1neg=syn1neg,
              keep_threshold=keep_thresholds(counts, params.sample, vocab.train_words),
              tree=tree, noise_table=build_noise_table(counts) if params.negative > 0 else None,
              train_words=vocab.train_words, corpus_fd=corpus_file.fileno(),
              corpus_tokens=corpus_tokens, hot_hs_rows=hot.hs_rows, hot_ns_rows=hot.ns_rows)
    try:
        while not run.finished:
            time.sleep(0.05)
            if progress is not None:
                progress(run.words_done, run.alpha, False)
    except BaseException:
        run.request_stop()
        run.join()
        raise
    words_done, alpha = run.words_done, run.alpha  # join() frees the counters
    run.join()
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(words_done, alpha, True)
    check_converged(syn0, params)
    return TrainedWeights(syn0, syn1, syn1neg, seconds, words_done)


