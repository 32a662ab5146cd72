"""The public entry points: ``train`` a corpus into word vectors."""
from __future__ import annotations

import inspect
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from w2vpy.corpus import Corpus, open_corpus
from w2vpy.encoded_corpus import encode_corpus
from w2vpy.errors import W2VError
from w2vpy.parameters import (RUN_OPTIONS, TRAINING_PARAMETERS, Parameter, TrainingParams,
                              training_params)
from w2vpy.paths import check_distinct
from w2vpy.trainer import train_weights
from w2vpy.training import ProgressLine, check_trainable
from w2vpy.vocab import Vocabulary, build_vocab, read_vocab, save_vocab
from w2vpy.word_vectors import KEY_ENCODING, KEY_ERRORS, WordVectors

#: train()'s keywords besides corpus and progress, in the table's order
TRAIN_KEYWORDS: tuple[Parameter, ...] = (*TRAINING_PARAMETERS, *RUN_OPTIONS)


def check_backend(params: TrainingParams, backend: str, will_train: bool = True) -> None:
    """Before any work: an option the chosen backend does not have, or (when
    training will follow) a cuda backend without cupy or a GPU."""
    if backend != "cuda":
        return
    if params.hot_rows:  # None (automatic) means none there
        raise W2VError(f"hot rows are a CPU-thread option; got hot_rows={params.hot_rows} "
                       "with the cuda backend")
    if will_train:
        from w2vpy.cuda_backend import require_cuda
        require_cuda()


@dataclass
class TrainingReport:
    vocab_size: int
    train_words: int
    corpus_tokens: int
    pruned_words: int
    seconds: float
    #: tokens the threads went through, every epoch counted
    words_trained: int


def prepare_vocab(corpus: Corpus, params: TrainingParams, read_vocab_path=None,
                  save_vocab_path=None, log: TextIO | None = None,
                  record_tokens: bool = False) -> Vocabulary:
    """word2vec.c's vocabulary phase: learn (or read), report, save if asked.

    ``record_tokens`` (when training follows) keeps the counted token stream,
    so that encoding does not read the text a second time."""
    if read_vocab_path is not None:
        vocab = read_vocab(read_vocab_path, params.min_count)
    else:
        vocab = build_vocab(corpus, params.min_count, params.max_vocab_size,
                            record_tokens=record_tokens, read_ahead=params.workers > 1)
    if vocab.prune_events and log is not None:
        log.write(f"Vocabulary pruned {vocab.prune_events} time(s) to stay under "
                  f"{params.max_vocab_size} words: {vocab.pruned_words} rare words dropped\n")
    if log is not None:
        log.write(f"Vocab size: {len(vocab)}\nWords in train file: {vocab.train_words}\n")
    if save_vocab_path is not None:
        save_vocab(vocab, save_vocab_path)
    return vocab


def corpus_inputs(corpus: Corpus, read_vocab_path, corpus_name: str,
                  read_vocab_name: str) -> list[tuple[str, object]]:
    """The files a training run reads, named for check_distinct's messages."""
    inputs: list[tuple[str, object]] = [(corpus_name, p) for p in corpus.input_paths]
    if read_vocab_path is not None:
        inputs.append((read_vocab_name, read_vocab_path))
    return inputs


def train_on_vocab(corpus: Corpus, vocab: Vocabulary, params: TrainingParams,
                   backend: str = "cpu", progress: bool = False,
                   log: TextIO = sys.stderr) -> tuple[WordVectors, TrainingReport]:
    check_trainable(vocab, params, corpus.name)
    spool, tokens = encode_corpus(corpus, vocab, read_ahead=params.workers > 1)
    vocab.release_encoder()
    with spool:
        if tokens == 0:
            raise W2VError(f"no word of {corpus.name} is in the vocabulary: nothing to train")
        # Progress counts the tokens the threads go through (the schedule's
        # unit stays word2vec.c's sum of counts, which -read-vocab may set).
        reporter = ProgressLine(params.epochs * tokens, log) if progress else None
        if backend == "cuda":
            from w2vpy.cuda_backend import train_weights_cuda
            weights = train_weights_cuda(vocab, spool, tokens, params, reporter)
        else:
            weights = train_weights(vocab, spool, tokens, params, reporter)
    keys = [w.decode(KEY_ENCODING, KEY_ERRORS) for w in vocab.words]
    report = TrainingReport(len(vocab), vocab.train_words, tokens, vocab.pruned_words,
                            weights.seconds, weights.words_done)
    return WordVectors(keys, weights.syn0, vocab.counts), report


def train(corpus: str | os.PathLike[str] | Corpus, *, progress: bool = False,
          **parameters: object) -> WordVectors:
    """Train word vectors on a text file (plain, .gz/.bz2/.xz, a directory, or "-").

    The keywords are TrainingParams' (gensim's names, word2vec.c's defaults:
    CBOW, negative sampling 5, sample 1e-3, 12 threads) and RUN_OPTIONS'
    (listed below); ``progress=True`` prints word2vec.c's progress line.
    ``alpha=None`` means 0.05 for CBOW and 0.025 for skip-gram; ``seed=0``
    reproduces word2vec.c's random streams.  With several workers, each trains
    private copies of the most visited output rows, merged every 1024 words
    (``hot_rows=None``, the default, chooses them; ``hot_rows=K`` takes K;
    ``hot_rows=0`` is word2vec.c's pure Hogwild, slower on two cores).  One
    worker trains exactly as word2vec.c."""
    run = {p.name: p.check(parameters.pop(p.name, p.default)) for p in RUN_OPTIONS}
    params = training_params(parameters)
    check_backend(params, run["backend"])
    with open_corpus(corpus) as source:
        check_distinct(corpus_inputs(source, run["read_vocab"], "corpus", "read_vocab"),
                       [("save_vocab", run["save_vocab"])])
        vocab = prepare_vocab(source, params, run["read_vocab"], run["save_vocab"],
                              record_tokens=True)
        vectors, _ = train_on_vocab(source, vocab, params, run["backend"], progress)
    return vectors


def _keyword(declared: Parameter) -> inspect.Parameter:
    return inspect.Parameter(declared.name, inspect.Parameter.KEYWORD_ONLY,
                             default=declared.default)


# help(train) and editors show every keyword the declarations give it
_written = inspect.signature(train).parameters
train.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_written["corpus"], *(_keyword(p) for p in TRAIN_KEYWORDS), _written["progress"]],
    return_annotation=inspect.signature(train).return_annotation)
train.__doc__ = (train.__doc__ or "") + "\n\n    Parameters:\n" + "".join(
    f"      {p.name}={p.default!r}: {p.help}\n" for p in TRAIN_KEYWORDS)
