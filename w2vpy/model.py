"""The model object: gensim's ``Word2Vec`` workflow over word2vec.c's training.

``Word2Vec(**params)`` holds the parameters; ``build_vocab(source)`` counts
the text and sets up the weights; ``train(source)`` trains, and a later
``train`` goes on from there.  ``save``/``load`` keep everything training
needs to go on (``model_file``).

The learning rate follows one linear schedule, word2vec.c's: from ``alpha``
down to 1e-4 of it over the model's ``epochs`` passes.  A ``train`` call
trains the next ``epochs`` passes of that schedule (by default all that are
left), picking the rate up where the previous call left it, so that
``train(s, epochs=2)`` then ``train(s, epochs=3)`` is ``train(s)`` with
``epochs=5`` (bit-identical with one worker).  A call that asks for more
passes than are left, or gives ``alpha``, starts a new schedule for its own
passes: from ``alpha`` (default: the rate reached, at its floor) down to its
floor.  A call in gensim's words (``total_examples`` or ``total_words``) on a
trained model starts over at ``start_alpha`` (default ``alpha``), as gensim's
does.  The floor is ``min_alpha``, by default word2vec.c's ``alpha * 1e-4``;
a call's ``end_alpha`` is the floor of the schedule it trains, kept (in a
saved model and a checkpoint too) until a call starts another.

gensim 4's calls answer too: the constructor trains when given ``sentences``
or ``corpus_file``, ``build_vocab(update=True)`` grows the vocabulary,
``Word2Vec.load`` reads gensim's models and ``to_gensim`` writes one.  A model
built from sentences (or ``corpus_file=``) presents gensim's vocabulary in
``wv``: word2vec.c's ``</s>`` stays row 0 of the weights, trained as ever.
"""
from __future__ import annotations

import contextlib
import inspect
import logging
import math
import os

import numpy as np
import sys
import warnings
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, TextIO

from w2vpy.text.word_ids import EncodedCorpus, dealt_in_blocks, encode_corpus
from w2vpy.errors import CorruptInputError, NotTrainable, W2VError, W2VWarning, WrongKind
from w2vpy.training.hot_rows import NONE as NO_HOT_ROWS, HotRows
from w2vpy.parameters import (RUN_OPTIONS, TRAINING_PARAMETERS, Parameter, TrainingParams,
                              numpy_parameters, training_params)
from w2vpy.system.paths import check_distinct, output_target
from w2vpy.text.text_files import Corpus
from w2vpy.text.prepared import PreparedCorpus
from w2vpy.text.sentences import SentenceCorpus, is_path, open_path, open_source
from w2vpy.training.model_file import load_model, save_model
from w2vpy.training.cpu_backend import TrainingState, TrainingTables, Weights, new_weights, train_epochs
from w2vpy.training.progress import ProgressLine
from w2vpy.training.weights import (WORD2VEC_C_INIT_RANGE, check_converged, check_trainable,
                                    input_lock_factors)
from w2vpy.training.gensim_models import gensim_model, gensim_parts
from w2vpy.training.huffman import build_huffman_tree
from w2vpy.training.scoring import output_word_probabilities, sentence_score
from w2vpy.training.subsampling import keep_probability
from w2vpy.training.vocab_rules import (RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, TrimRule,
                                        effective_min_count, grown_weights, kept_words, merged)
from w2vpy.text.vocab import (CountedWords, Vocabulary, count_words, gensim_pruned_counts,
                              read_vocab_counts, save_vocab)
from w2vpy.vectors.vector_files import has_vector_header
from w2vpy.word_vectors import KEY_ENCODING, KEY_ERRORS, WordVectors

#: gensim 4's input vectors start uniform in +-1 / vector_size (KeyedVectors.prep_vectors)
GENSIM_INIT_RANGE = 1.0

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from w2vpy.parameters import TrainingKeywords

logger = logging.getLogger(__name__)

#: the callback methods, in the order they fire (gensim's names, and Keras's
#: for the whole call); a callback may have any of them
CALLBACK_HOOKS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")

_DECLARED = {p.name: p for p in (*TRAINING_PARAMETERS, *RUN_OPTIONS)}


def check_backend(params: TrainingParams, backend: str, will_train: bool = True) -> None:
    """Before any work: an option the chosen backend does not have, or (when
    training will follow) a cuda backend without cupy or a GPU."""
    if backend != "cuda":
        return
    if params.min_alpha is not None:
        raise W2VError(f"min_alpha={params.min_alpha} is a CPU option: the cuda backend's "
                       "rate falls to word2vec.c's floor, alpha * 1e-4")
    if params.hot_rows:  # None (automatic) means none there
        raise W2VError(f"hot rows are a CPU-thread option; got hot_rows={params.hot_rows} "
                       "with the cuda backend")
    if will_train:
        from w2vpy.training.cuda_backend import require_cuda
        require_cuda()


def prepare_vocab(corpus, params: TrainingParams, read_vocab_path=None, save_vocab_path=None,
                  log: TextIO | None = None, record_tokens: bool = False,
                  trim_rule: TrimRule | None = None) -> Vocabulary:
    """word2vec.c's vocabulary phase: learn (or read), report, save if asked;
    the steps of ``Word2Vec.build_vocab`` (counted_words, then decided_vocab).

    ``record_tokens`` (when training follows) keeps the counted token stream,
    so that encoding does not read the text a second time.  ``trim_rule`` and
    ``params.max_final_vocab`` decide the words as gensim's do (vocab_rules)."""
    counted = counted_words(corpus, params, read_vocab_path, record_tokens, trim_rule)
    vocab = decided_vocab(counted, params, trim_rule)
    written_vocab(vocab, params, log, save_vocab_path)
    return vocab


def counted_words(corpus, params: TrainingParams, read_vocab_path=None,
                  record_tokens: bool = False,
                  trim_rule: TrimRule | None = None) -> CountedWords:
    """Every word of the text (or of the vocabulary file), counted as
    word2vec.c's counting, none dropped yet; a prepared corpus's own words."""
    if isinstance(corpus, PreparedCorpus):  # counted where it was prepared
        corpus.check_parameters(params.min_count)
        _check_prepared_words_kept(corpus, read_vocab_path, params, trim_rule)
        return CountedWords.of(corpus.vocabulary())
    if read_vocab_path is not None:
        return read_vocab_counts(read_vocab_path)
    counted = count_words(corpus, params.max_vocab_size, record_tokens=record_tokens,
                          read_ahead=params.workers > 1, threads=params.workers)
    if counted.prune_events and isinstance(corpus, SentenceCorpus):
        return _gensims_pruning(corpus, params, counted)
    return counted


def _gensims_pruning(corpus: SentenceCorpus, params: TrainingParams,
                     counted: CountedWords) -> CountedWords:
    """Sentences (gensim's source) past max_vocab_size are pruned as gensim
    prunes them (after a sentence, the words under a rising least count),
    counted again; a text file keeps word2vec.c's ReduceVocab.  Sentences
    that cannot be read again keep word2vec.c's, with a warning."""
    if not corpus.can_read_again:
        warnings.warn(f"{corpus.name} outgrew max_vocab_size={params.max_vocab_size} and is an "
                      "iterator, which cannot be counted again: pruned as word2vec.c's "
                      "ReduceVocab, not as gensim's (pass a list to get gensim's)", W2VWarning,
                      stacklevel=2)
        return counted
    return gensim_pruned_counts(corpus, params.max_vocab_size, counted)


def written_vocab(vocab: Vocabulary, params: TrainingParams, log: TextIO | None,
                  save_vocab_path=None) -> None:
    """word2vec.c's report of the vocabulary on ``log``, and -save-vocab."""
    if vocab.prune_events and log is not None:
        log.write(f"Vocabulary pruned {vocab.prune_events} time(s) to stay under "
                  f"{params.max_vocab_size} words: {vocab.pruned_words} rare words dropped\n")
    if log is not None:
        log.write(f"Vocab size: {len(vocab)}\nWords in train file: {vocab.train_words}\n")
    if save_vocab_path is not None:
        save_vocab(vocab, save_vocab_path)


def _check_prepared_words_kept(corpus, read_vocab_path, params: TrainingParams,
                               trim_rule: TrimRule | None) -> None:
    """A prepared corpus's ids number its vocabulary: whatever would keep other
    words (another vocabulary file, a trim_rule, max_final_vocab) is refused."""
    given = [name for name, value in (("read_vocab", read_vocab_path), ("trim_rule", trim_rule),
                                      ("max_final_vocab", params.max_final_vocab))
             if value is not None]
    if given:
        raise W2VError(f"{corpus.name} is a prepared corpus, whose word ids number its own "
                       f"vocabulary: {', '.join(given)} would choose other words (prepare "
                       "the corpus with the words wanted instead)")


def decided_vocab(counted: CountedWords, params: TrainingParams,
                  trim_rule: TrimRule | None) -> Vocabulary:
    """The words ``min_count``, ``max_final_vocab`` and ``trim_rule`` keep, as gensim's."""
    min_count = effective_min_count(counted.counts[1:], params.min_count, params.max_final_vocab)
    return counted.kept(kept_words(counted, min_count, trim_rule, _decoded))


def _decoded(word: bytes) -> str:
    return word.decode(KEY_ENCODING, KEY_ERRORS)


def corpus_inputs(corpus, read_vocab_path, corpus_name: str,
                  read_vocab_name: str) -> list[tuple[str, object]]:
    """The files a training run reads, named for check_distinct's messages."""
    inputs: list[tuple[str, object]] = [(corpus_name, p) for p in corpus.input_paths]
    if read_vocab_path is not None:
        inputs.append((read_vocab_name, read_vocab_path))
    return inputs


def check_run_paths(corpus, run: dict[str, object], spelled: Callable[[Parameter], str],
                    corpus_name: str, output: tuple[str, object] = ("", None)) -> None:
    """Before any work: no file a run writes (``output``, save_vocab, the
    checkpoint) is one it reads or another it writes.  The checkpoint may be
    the file resumed from: it is read before it is first written."""
    def named(key: str) -> str:
        return spelled(_DECLARED[key])

    outputs = [output, (named("save_vocab"), run["save_vocab"]),
               (named("checkpoint"), run["checkpoint"])]
    check_distinct(corpus_inputs(corpus, run["read_vocab"], corpus_name, named("read_vocab")),
                   outputs)
    if run["resume"] is not None:
        check_distinct([(named("resume"), run["resume"])], outputs[:2])


def _as_written(declared: Parameter, spelled: Callable[[Parameter], str], value: object) -> object:
    """A parameter's value as its caller would write it: a switch given as a
    flag is its 0 or 1 (an inverted flag's the other way round: sg=True is
    -cbow 0), not Python's True or False."""
    if declared.kind is bool and spelled(declared) == declared.flag and isinstance(value, bool):
        return int(value != declared.inverted_flag)
    return value


def resumed_model(run: dict[str, object], given: dict[str, object],
                  spelled: Callable[[Parameter], str]) -> Word2Vec:
    """The model saved in ``run["resume"]``, to finish its run: a parameter
    given (``given``: name to value) must be the checkpoint's; ``spelled``
    names a parameter as the caller's user wrote it (flag or keyword)."""
    if run["read_vocab"] is not None:
        raise W2VError(f"{spelled(_DECLARED['read_vocab'])} cannot be used with "
                       f"{spelled(_DECLARED['resume'])}: a resumed run keeps its vocabulary")
    explicit = training_params(dict(given))
    model = Word2Vec.load(run["resume"])
    for name in given:
        mine, saved = getattr(explicit, name), getattr(model.params, name)
        if mine != saved:
            declared = _DECLARED[name]
            raise W2VError(f"{spelled(declared)} {_as_written(declared, spelled, mine)} differs "
                           f"from {run['resume']}'s {_as_written(declared, spelled, saved)}: a "
                           "resumed run keeps the parameters it began with")
    if model.corpus_fingerprint is None and model.corpus_tokens > 0:
        warnings.warn(f"{run['resume']} was saved by an older w2vpy, without a fingerprint of "
                      "its text: the text is checked by its number of words only",
                      W2VWarning, stacklevel=3)
    return model


class _ClassOnly:
    """A method called on the class only (gensim's ``load``): on an instance
    it is an AttributeError that says so."""

    def __init__(self, function: Callable[..., Any]):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance: object, owner: type) -> Callable[..., Any]:
        if instance is not None:
            raise AttributeError(f"load is {owner.__name__}'s, not a model's: "
                                 f"model = {owner.__name__}.load(path)")
        return self.function.__get__(owner, type(owner))


@dataclass
class TrainingReport:
    vocab_size: int
    train_words: int
    corpus_tokens: int
    pruned_words: int
    seconds: float
    #: tokens the threads went through, every epoch counted
    words_trained: int
    epochs: int
    #: the output rows each thread trained on its own copies of (w2vpy.training.hot_rows)
    hot_rows: HotRows = NO_HOT_ROWS
    #: how often a thread merged its copies into the shared rows, all threads counted
    hot_row_merges: int = 0


class Word2Vec:
    """word2vec.c's model with gensim's workflow: build the vocabulary, train,
    go on training, save and load.

    Callbacks (``train(callbacks=...)``) are objects with any of
    ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end`` and
    ``on_train_end``, each called with the model; setting
    ``model.stop_training = True`` in one of them ends the call after the
    epoch in progress (before it, from ``on_epoch_begin``).

    Parameters
    ----------
    {parameters}

    Examples
    --------
    >>> model = Word2Vec(vector_size=100, sg=True, workers=4)
    >>> model.build_vocab(sentences)          # a path, or lists of str tokens  # doctest: +SKIP
    >>> model.train(sentences, compute_loss=True)                              # doctest: +SKIP
    >>> model.wv.most_similar("king")                                          # doctest: +SKIP
    >>> model.save("model.w2v"); model = Word2Vec.load("model.w2v")           # doctest: +SKIP
    """

    def __init__(self, sentences: object = None, corpus_file: str | os.PathLike[str] | None = None,
                 *, backend: str = "cpu", trim_rule: TrimRule | None = None,
                 callbacks: Iterable[Any] | None = None,
                 comment: str | None = None, **parameters: Unpack[TrainingKeywords]):
        self.params: TrainingParams = training_params(_gensim_keywords(parameters))
        self.backend: str = _DECLARED["backend"].check(backend)
        check_backend(self.params, self.backend, will_train=False)
        self.vocab: Vocabulary | None = None
        self.weights: Weights | None = None
        self.state: TrainingState | None = None
        #: each epoch's loss (negative log-likelihood, summed in float64), in
        #: training order; NaN for an epoch trained without compute_loss
        self.loss_history: list[float] = []
        #: where the latest train() call's epochs begin in loss_history
        self._call_start = 0
        self.stop_training = False
        #: the text the latest train call read: its tokens in the vocabulary and
        #: those outside it (a text read again is known by them: no warning)
        self.corpus_tokens = 0
        self.corpus_skipped = 0
        #: the hash of that text's bytes (corpus.fingerprinted): a resumed run
        #: is refused another text, even one of the same length
        self.corpus_fingerprint: str | None = None
        #: (path, epoch) of the latest checkpoint written whole, for the
        #: message of an interrupted run
        self._checkpoint_saved: tuple[object, int] | None = None
        #: what build_vocab read: training on it warns of no skipped words
        self._vocab_source: object = None
        self._vocab_name = ""
        self._wv: WordVectors | None = None
        #: the lock factors of a wv dropped (or of a gensim model's) for the next wv
        self._carried_lockf: np.ndarray | None = None
        #: (source, its spool): a stream build_vocab read, for the train() after it
        self._stream_read: tuple[str, Corpus] | None = None
        #: the model presents gensim's vocabulary: built from sentences or
        #: corpus_file=, its ``wv`` leaves out word2vec.c's ``</s>`` (row 0)
        self.gensim_vocab = False
        #: grown by build_vocab(update=True): its new words follow the others, out of count order
        self.vocab_grown = False
        #: gensim's: sentences (lines of a file) and their words, as build_vocab counted them
        self.corpus_count = 0
        self.corpus_total_words = 0
        self.trim_rule = trim_rule
        self.comment = comment
        #: what scan_vocab counted, until prepare_vocab decides (gensim's raw_vocab),
        #: and (its source, name, whether gensim's vocabulary, whether a prepared corpus)
        self._raw: CountedWords | None = None
        self._raw_source: tuple[object, str, bool, bool] = (None, "", False, False)
        self._gensim_source = False
        #: gensim's: the min_count the latest prepare_vocab applied (max_final_vocab may raise it)
        self.effective_min_count: int | None = None
        if self.params.hs and self.params.negative:
            logger.warning("Both hierarchical softmax and negative sampling are activated. "
                           "This is probably a mistake (gensim's warning; word2vec.c trains "
                           "both)")
        source = _one_source(sentences, corpus_file)
        if source is not None:
            if not is_path(source) and _is_iterator(source):
                raise NotReiterable("sentences is an iterator (a generator?): the constructor "
                                    "reads it twice (vocabulary, then training); give a list "
                                    "or an object whose __iter__ starts over")
            self.build_vocab(sentences, corpus_file, trim_rule=trim_rule)
            self.train(sentences, corpus_file, total_examples=self.corpus_count,
                       epochs=self.params.epochs, callbacks=callbacks)

    # -- the gensim interface --------------------------------------------------------
    def build_vocab(self, corpus_iterable: object = None,
                    corpus_file: str | os.PathLike[str] | None = None, update: bool = False,
                    progress_per: int = 10000, keep_raw_vocab: bool = False,
                    trim_rule: TrimRule | None = None, *,
                    read_vocab: str | os.PathLike[str] | None = None,
                    save_vocab: str | os.PathLike[str] | None = None) -> None:
        """Count the corpus as word2vec.c does and set up the model for it.

        Parameters
        ----------
        corpus_iterable : str, os.PathLike or iterable of sequences of str
            Sentences, each a list of ``str`` tokens (gensim's); or, as
            w2vpy's own calls give it, a text file (plain, ``.gz``, ``.bz2``,
            ``.xz``), a directory, ``"-"`` or a named pipe (kept for the
            ``train`` on the same source after this call).
        corpus_file : str or os.PathLike, optional
            A text file, one sentence a line (gensim's keyword): the model then
            presents gensim's vocabulary, without word2vec.c's ``</s>``.
        update : bool, default False
            Grow a built vocabulary (gensim's online training): known words'
            counts are added to, new words appended with new rows (input rows
            initialised as word2vec.c's, output rows zero).
        progress_per
            Accepted for gensim's scripts; no effect.
        keep_raw_vocab : bool, default False
            Keep the counts (``raw_vocab``) for a later ``prepare_vocab``.
        trim_rule : callable, optional
            ``trim_rule(word, count, min_count)`` returning ``RULE_DISCARD``,
            ``RULE_KEEP`` or ``RULE_DEFAULT`` (gensim.utils'); by default the
            model's.
        read_vocab : str or os.PathLike, optional
            Read the vocabulary (``word count`` lines) from this file instead
            of counting ``source``.
        save_vocab : str or os.PathLike, optional
            Write the vocabulary to this file, word2vec.c's ``word count`` lines.

        Raises
        ------
        W2VError
            The source or a path is refused, the vocabulary is built already
            (without ``update``), or ``update`` before any vocabulary.
        """
        source = _one_source(corpus_iterable, corpus_file, required=True)
        update = _switch("update", update)
        keep_raw_vocab = _switch("keep_raw_vocab", keep_raw_vocab)
        self._check_vocab_state("build_vocab", update)
        self._read_source(source, corpus_file, read_vocab, save_vocab,
                          lambda opened: self._build_vocab(opened, read_vocab, save_vocab,
                                                           trim_rule=trim_rule, update=update,
                                                           keep_raw_vocab=keep_raw_vocab))

    def scan_vocab(self, corpus_iterable: object = None,
                   corpus_file: str | os.PathLike[str] | None = None, progress_per: int = 10000,
                   workers: int | None = None,
                   trim_rule: TrimRule | None = None) -> tuple[int, int]:
        """Count the corpus (gensim's first step of ``build_vocab``): every
        word and its count, none dropped yet, kept for ``prepare_vocab``
        (``raw_vocab``).

        Counting is word2vec.c's; past ``max_vocab_size`` words, sentences are
        pruned as gensim's and a text file as word2vec.c's ReduceVocab, neither
        with a rule, so ``trim_rule`` (and ``progress_per``, ``workers``) are
        accepted for gensim's scripts with no effect here; ``prepare_vocab``
        applies a trim_rule.

        Returns
        -------
        (int, int)
            gensim's ``(total_words, corpus_count)``: the words of the text
            and its sentences (lines of a file).
        """
        source = _one_source(corpus_iterable, corpus_file, required=True)
        sizes: list[tuple[int, int]] = []
        self._read_source(source, corpus_file, None, None,
                          lambda opened: sizes.append(self._scan(opened)))
        return sizes[0]

    def prepare_vocab(self, update: bool = False, keep_raw_vocab: bool = False,
                      trim_rule: TrimRule | None = None, min_count: int | None = None,
                      sample: float | None = None, dry_run: bool = False) -> dict[str, int]:
        """Decide the vocabulary from the counts ``scan_vocab`` kept (gensim's
        second step of ``build_vocab``).

        ``min_count`` (by default the model's), raised by ``max_final_vocab``
        as gensim's (``effective_min_count``), and ``trim_rule`` pick the
        words; ``update`` joins them to the built vocabulary instead (known
        words take every count).  The model's ``min_count`` and ``sample``
        become the ones given (not with ``update`` or ``dry_run``).

        Parameters
        ----------
        update : bool, default False
            Grow the built vocabulary, as ``build_vocab(update=True)``.
        keep_raw_vocab : bool, default False
            Keep the counts for another ``prepare_vocab`` call.
        trim_rule : callable, optional
            As ``build_vocab``'s; by default the model's.
        min_count : int, optional
            The least count kept; by default the model's.
        sample : float, optional
            The subsampling threshold the report estimates; by default the model's.
        dry_run : bool, default False
            Only report: the model and the counts stay as they are.

        Returns
        -------
        dict
            gensim's report: ``drop_unique`` (words dropped),
            ``retain_total`` (the count of the words kept),
            ``num_retained_words``, and ``downsample_unique`` /
            ``downsample_total``, the words subsampling thins and the count
            it is expected to leave, by word2vec.c's rule as training
            applies it.  Words of the text only: word2vec.c's ``</s>``, the
            sentence end, is not counted.

        Raises
        ------
        W2VError
            No counts (``scan_vocab`` first), a value refused, the vocabulary
            built already (without ``update``) or not yet (with it).
        """
        update, dry_run = _switch("update", update), _switch("dry_run", dry_run)
        keep_raw_vocab = _switch("keep_raw_vocab", keep_raw_vocab)
        if self._raw is None:
            raise W2VError("prepare_vocab before scan_vocab: there are no counts to decide "
                           "from (scan_vocab(source) first, or prepare_vocab(keep_raw_vocab="
                           "True) to decide again)")
        if not dry_run:
            self._check_vocab_state("prepare_vocab", update)
        applied = replace(self.params,
                          min_count=self.params.min_count if min_count is None else min_count,
                          sample=self.params.sample if sample is None else sample)
        self._check_raw_complete(applied)
        trim_rule = self.trim_rule if trim_rule is None else trim_rule
        report = self._decide(applied, trim_rule, update, dry_run)
        if not dry_run and not keep_raw_vocab:
            self._raw = None
        return report

    @property
    def raw_vocab(self) -> dict[str, int]:
        """gensim's: each word ``scan_vocab`` counted and its count, until
        ``prepare_vocab`` decides (empty after, unless ``keep_raw_vocab``).
        word2vec.c's ``</s>`` is there only for a model of a text file, as
        in its ``wv``."""
        if self._raw is None:
            return {}
        first = 1 if self._raw_source[2] else 0
        words = self._raw.words()[first:]
        return dict(zip(map(_decoded, words), self._raw.counts[first:].tolist()))

    def build_vocab_from_freq(self, word_freq: dict[str, int], keep_raw_vocab: bool = False,
                              corpus_count: int | None = None,
                              trim_rule: TrimRule | None = None, update: bool = False) -> None:
        """The vocabulary from ``{word: count}`` (gensim's): sorted by count,
        ``min_count``, ``max_final_vocab`` and ``trim_rule`` applied.

        Parameters
        ----------
        word_freq : dict of str to int
            Each word's count.
        keep_raw_vocab : bool
            Keep the counts for a later ``prepare_vocab`` (``raw_vocab``).
        corpus_count : int, optional
            The sentences these counts came from (``corpus_count``).
        trim_rule : callable, optional
            As ``build_vocab``'s.
        update : bool, default False
            Grow a built vocabulary, as ``build_vocab(update=True)``.
        """
        if not isinstance(word_freq, dict):
            raise W2VError(f"word_freq must be a dict of word to count, got "
                           f"{type(word_freq).__name__}")
        for word, count in word_freq.items():
            if not isinstance(word, str) or isinstance(count, bool) or not isinstance(
                    count, (int, np.integer)) or count < 0:
                raise W2VError(f"word_freq must map str words to counts >= 0, got "
                               f"{word!r}: {count!r}")
        ranked = sorted(word_freq.items(), key=lambda item: -item[1])
        self._check_vocab_state("build_vocab_from_freq", _switch("update", update))
        counted = _frequency_vocab(ranked, 0)
        self._raw = CountedWords.of(counted)
        self._raw_source = (None, "word_freq", True, False)
        self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab, trim_rule=trim_rule)
        self.corpus_count = int(corpus_count or 0) + (self.corpus_count if update else 0)
        # the words kept, or (update) every word given, as gensim's counts grow
        self.corpus_total_words = (self.corpus_total_words + int(counted.counts[1:].sum())
                                   if update else int(self.vocab.counts[1:].sum()))

    def train(self, corpus_iterable: object = None,
              corpus_file: str | os.PathLike[str] | None = None,
              total_examples: int | None = None, total_words: int | None = None,
              epochs: int | None = None, start_alpha: float | None = None,
              end_alpha: float | None = None, word_count: int = 0, queue_factor: int = 2,
              report_delay: float = 1.0, compute_loss: bool | None = None,
              callbacks: Iterable[Any] = (), *, alpha: float | None = None,
              progress: bool = False,
              checkpoint: str | os.PathLike[str] | None = None) -> TrainingReport:
        """Train over the vocabulary: the next ``epochs`` passes of the schedule.

        Words outside the vocabulary are skipped (with a warning, unless this
        is the text ``build_vocab`` counted).  A call that gives gensim's
        ``total_examples`` or ``total_words`` to a model trained before starts
        over from ``start_alpha`` (default ``alpha``), as gensim's does.

        Parameters
        ----------
        corpus_iterable : str, os.PathLike or iterable of sequences of str
            As ``build_vocab``'s; sentences must be re-iterable (a list, or an
            object whose ``__iter__`` starts over), not a generator.
        corpus_file : str or os.PathLike, optional
            A text file, one sentence a line (gensim's keyword).
        total_examples, total_words : int, optional
            gensim's sentence and word counts of the corpus: held to what
            build_vocab counted of the same text (a warning when they differ,
            as gensim's); the schedule follows the words actually read.
        epochs : int, optional
            Passes to train; by default all the schedule has left. More than
            are left starts a new schedule (see the module's text).
        start_alpha : float, optional
            gensim's name for ``alpha``.
        end_alpha : float, optional
            gensim's floor of the rate, for this call's passes and those that
            go on with its schedule (a later call, from a saved model or a
            checkpoint too) until a call starts another; by default the
            model's ``min_alpha``.
        word_count : int, default 0
            gensim's words already trained: only 0 is taken.
        queue_factor, report_delay
            Accepted for gensim's scripts; no effect (the threads read the
            encoded corpus themselves; ``progress`` prints word2vec.c's line).
        compute_loss : bool, optional
            Sum each epoch's loss into ``loss_history``; by default the model's.
        callbacks : iterable of objects, default ()
            Objects with any of ``on_train_begin``, ``on_epoch_begin``,
            ``on_epoch_end``, ``on_train_end``, called with the model.
        alpha : float, optional
            Start a new schedule from this rate down to ``alpha * 1e-4``.
        progress : bool, default False
            Print word2vec.c's progress line on stderr.
        checkpoint : str or os.PathLike, optional
            Save the whole model there, atomically, at every epoch end.

        Returns
        -------
        TrainingReport
            What was trained: words, seconds, epochs, the private hot rows.
        """
        source = _one_source(corpus_iterable, corpus_file)
        _check_unused_keywords(word_count, queue_factor, report_delay)
        alpha = _start_alpha(alpha, start_alpha)
        floor = None if end_alpha is None else _checked("min_alpha", end_alpha)
        totals = {name: _checked_count(name, value) for name, value in
                  (("total_examples", total_examples), ("total_words", total_words))
                  if value is not None}
        if totals and alpha is None and self.state is not None and self.state.epochs_done:
            alpha = self.params.starting_alpha
            if alpha > self.state.schedule_alpha * (1 + 1e-6):
                # gensim's words, for a rate above the last call's start
                logger.warning("Effective 'alpha' higher than previous training cycles")
        if totals and self.vocab is not None and _same_source(
                source if not is_path(source) else ("path", str(source)), self._vocab_source):
            self._check_totals(totals)
        epochs = None if epochs is None else _checked("epochs", epochs)
        alpha = None if alpha is None else _checked("alpha", alpha)
        compute_loss = None if compute_loss is None else _checked("compute_loss", compute_loss)
        callbacks = _checked_callbacks(callbacks)
        kept = self._kept_stream_of(source)
        try:
            with open_source(source if kept is None else kept) as corpus:
                return self._train(corpus, epochs, compute_loss, callbacks, alpha, progress,
                                   checkpoint, floor=floor)
        finally:
            if kept is not None:
                kept.close()

    @property
    def wv(self) -> WordVectors:
        """The word vectors (sharing the model's memory: training moves them)."""
        if self.vocab is None and self._wv is not None:
            return self._wv
        self._require_vocab("wv")
        if self._wv is None:
            # word2vec.c's </s> (row 0) is no word of gensim's vocabulary
            first = 1 if self.gensim_vocab else 0
            keys = [w.decode(KEY_ENCODING, KEY_ERRORS) for w in self.vocab.words[first:]]
            self._wv = WordVectors(keys, self._ensure_weights().syn0[first:],
                                   self.vocab.counts[first:])
            if self.params.hs:
                self._add_huffman_attributes(self._wv, first)
            if self._carried_lockf is not None:
                self._wv.vectors_lockf = _grown_lock_factors(self._carried_lockf, len(self._wv))
                self._carried_lockf = None
        return self._wv

    def _renew_wv(self) -> None:
        """Drop wv, made again from the vocabulary when next read, keeping
        its lock factors (gensim's stay through vocabulary growth)."""
        if self._wv is not None:
            self._carried_lockf = self._wv.vectors_lockf
        self._wv = None

    def saved_lock_factors(self) -> np.ndarray | None:
        """wv.vectors_lockf as ``save`` keeps it; None where every factor is
        1.0 (gensim's default, which a file need not hold)."""
        factors = self._wv.vectors_lockf if self._wv is not None else self._carried_lockf
        if factors is None or (factors == 1.0).all():
            return None
        return factors

    def _input_lock_factors(self) -> np.ndarray | None:
        """wv.vectors_lockf as the trainer takes them (one per row of syn0),
        checked; None where every factor is 1.0 or wv was never made."""
        if self._wv is None and self._carried_lockf is None:
            return None
        first = 1 if self.gensim_vocab else 0
        return input_lock_factors(self.wv.vectors_lockf, len(self.vocab), first)

    @wv.setter
    def wv(self, vectors: WordVectors) -> None:
        """gensim's ``model.wv = vectors``: only a model without a vocabulary
        takes other vectors (which it cannot train: it has no output layer)."""
        if self.vocab is not None:
            raise W2VError("this model's wv is its own weights: a model with a vocabulary "
                           "cannot take other vectors")
        self._wv = vectors

    def _add_huffman_attributes(self, wv: WordVectors, first: int) -> None:
        """gensim's per-word ``code`` and ``point`` (word2vec.c's tree)."""
        tree = build_huffman_tree(self.vocab.counts)
        codes = np.empty(len(self.vocab) - first, dtype=object)
        points = np.empty(len(self.vocab) - first, dtype=object)
        for word in range(first, len(self.vocab)):
            start, end = tree.code_offsets[word], tree.code_offsets[word + 1]
            codes[word - first] = tree.codes[start:end].copy()
            points[word - first] = tree.points[start:end].copy()
        wv.expandos["code"], wv.expandos["point"] = codes, points

    @property
    def epochs_trained(self) -> int:
        return 0 if self.state is None else self.state.epochs_done

    def get_latest_training_loss(self) -> float:
        """The loss of the latest train() call so far, as gensim's: its epochs'
        losses summed (float64; NaN for epochs trained without compute_loss,
        0.0 before any).  ``loss_history`` holds each epoch's."""
        return float(sum(self.loss_history[self._call_start:])) if self.loss_history else 0.0

    @property
    def syn1(self) -> np.ndarray | None:
        """Hierarchical softmax's inner nodes (gensim's attribute), one row
        per inner node a gensim vocabulary of this size has."""
        weights = self._ensure_weights()
        if weights.syn1 is None or not self.gensim_vocab:
            return weights.syn1
        return weights.syn1[:len(self.vocab) - 1]

    def score(self, sentences: Iterable[Any], total_sentences: int = int(1e6),
              chunksize: int = 100, queue_factor: int = 2,
              report_delay: float = 1) -> np.ndarray:
        """gensim's ``score``: each sentence's log-probability under
        hierarchical softmax (the model must have ``hs=1``); words outside the
        vocabulary are left out.  The keywords after ``sentences`` bound the
        sentences scored (``total_sentences``) or are accepted without effect.

        Returns
        -------
        numpy.ndarray
            float32, one score per sentence.
        """
        weights = self._ensure_weights() if self.vocab is not None else None
        if not self.params.hs or weights is None or weights.syn1 is None:
            raise NotTrainable("score needs a model trained with hierarchical softmax "
                               "(hs=1), as gensim's")
        tree = build_huffman_tree(self.vocab.counts)
        index = {w.decode(KEY_ENCODING, KEY_ERRORS): i for i, w in enumerate(self.vocab.words)}
        total = _checked_count("total_sentences", total_sentences)
        scores = []
        for sentence in sentences:
            if len(scores) >= total:
                break
            ids = [index[w] for w in sentence if w in index and index[w] != 0]
            scores.append(sentence_score(ids, weights.syn0, weights.syn1, tree,
                                         self.params.window, self.params.sg,
                                         self.params.cbow_mean))
        return np.asarray(scores, dtype=np.float32)

    def predict_output_word(self, context_words_list: Iterable[Any],
                            topn: int = 10) -> list[tuple[str, float]] | None:
        """gensim's: the ``topn`` words most probable at the centre of this
        context (words or indices of ``wv``), by negative sampling's output
        vectors; None when no context word is known."""
        weights = self.weights
        if not self.params.negative or weights is None or weights.syn1neg is None:
            raise NotTrainable("predict_output_word needs a model trained with negative "
                               "sampling (negative > 0), as gensim's")
        wv = self.wv
        context = [wv.get_index(w) for w in context_words_list
                   if (isinstance(w, (int, np.integer)) and 0 <= w < len(wv)) or w in wv]
        if not context:
            return None
        probabilities = output_word_probabilities(context, wv.vectors, self.syn1neg,
                                                  self.params.cbow_mean)
        top = np.argsort(-probabilities, kind="stable")[:_checked_count("topn", topn)]
        return [(wv.index_to_key[i], float(probabilities[i])) for i in top]

    def reset_from(self, other: Word2Vec) -> None:
        """gensim's: take ``other``'s vocabulary (and corpus sizes), with fresh weights."""
        other._require_vocab("reset_from")
        self.vocab = Vocabulary(list(other.vocab.words), other.vocab.counts.copy())
        self.gensim_vocab = other.gensim_vocab
        self.corpus_count, self.corpus_total_words = other.corpus_count, other.corpus_total_words
        self.weights, self._wv, self._carried_lockf = None, None, None
        self.state = TrainingState.start(self.params, self.vocab.train_words)
        self._vocab_source, self._vocab_name = None, "the other model's vocabulary"

    @property
    def cum_table(self) -> np.ndarray:
        """gensim's cumulative noise table over ``wv``'s words (count to the
        ``ns_exponent``, scaled to 2**31 - 1); training draws from word2vec.c's
        table of the same distribution."""
        powered = np.asarray(self.wv.counts, dtype=np.float64) ** self.params.ns_exponent
        return np.round(np.cumsum(powered) / powered.sum() * (2**31 - 1)).astype(np.uint32)

    @property
    def syn1neg(self) -> np.ndarray | None:
        """Negative sampling's output vectors (gensim's attribute), one per word of ``wv``."""
        weights = self._ensure_weights()
        if weights.syn1neg is None or not self.gensim_vocab:
            return weights.syn1neg
        return weights.syn1neg[1:]

    def save(self, path: str | os.PathLike[str], separately: object = None,
             sep_limit: int = 10 * 1024**2, ignore: object = frozenset(),
             pickle_protocol: int = 4) -> None:
        """Everything training needs to go on, written atomically (model_file).
        gensim's pickling options (``sep_limit``, ``separately``, ``ignore``,
        ``pickle_protocol``) are accepted and have no effect: the file is one
        archive."""
        self._require_vocab("save")
        self._ensure_weights()
        save_model(self, path)

    def _load(cls, path: str | os.PathLike[str], *args: Any, mmap: str | None = None,
              **kwargs: Any) -> Word2Vec:
        """The model ``save`` (or a checkpoint) wrote at ``path``, every part
        of the file checked before it is used (``CorruptInputError`` naming
        the file and the problem otherwise); or a model gensim saved, read by
        gensim (when it is installed) and converted to one that trains on.
        gensim's ``mmap`` is accepted; the file is read whole."""
        if _gensim_file(path):
            return cls.from_gensim(_gensim_model(path, *args, **kwargs))
        if has_vector_header(path):
            raise WrongKind(f"{path} holds word vectors (KeyedVectors.save or "
                            "save_word2vec_format), not a model: read it with "
                            "KeyedVectors.load_word2vec_format, or w2vpy.load")
        saved = load_model(path)
        try:
            model = cls(backend=saved.backend, **asdict(saved.params))
        except W2VError as exc:
            raise CorruptInputError(f"{path}: {exc}") from None
        model.vocab, model.weights, model.state = saved.vocab, saved.weights, saved.state
        model.loss_history = saved.loss_history
        model.corpus_tokens, model.corpus_skipped = saved.corpus_tokens, saved.corpus_skipped
        model.corpus_fingerprint = saved.corpus_fingerprint
        model.corpus_count, model.corpus_total_words = saved.corpus_count, saved.corpus_total_words
        model.gensim_vocab, model.vocab_grown = saved.gensim_vocab, saved.vocab_grown
        model._carried_lockf = saved.vectors_lockf
        return model

    # a class's method only, as gensim's: model.load(path) would return a
    # new model and leave ``model`` as it was
    load = _ClassOnly(_load)

    @classmethod
    def from_gensim(cls, model: Any) -> Word2Vec:
        """A w2vpy model of a gensim ``Word2Vec``'s words, counts and weights,
        which trains on (its vocabulary presented as gensim's)."""
        parts = gensim_parts(model, NO_VOCAB_LIMIT)
        made = cls(**parts.parameters)
        made.vocab, made.weights = parts.vocab, parts.weights
        made.state = TrainingState.start(made.params, parts.vocab.train_words)
        if parts.epochs_trained:
            made.state.words_done = made.state.schedule_words
            made.state.epochs_done = made.state.schedule_end_epoch
            # gensim keeps no loss per epoch: these epochs' are unknown
            made.loss_history = [math.nan] * made.state.epochs_done
        made.gensim_vocab = True
        made._carried_lockf = parts.vectors_lockf
        made.corpus_count, made.corpus_total_words = parts.corpus_count, parts.corpus_total_words
        made._vocab_name = "the gensim model"
        return made

    def to_gensim(self) -> Any:
        """A trainable gensim ``Word2Vec`` holding this model's words, counts
        and weights (gensim must be installed)."""
        self._require_vocab("to_gensim")
        wv = self.wv
        return gensim_model(asdict(self.params) | {"alpha": self.alpha}, list(wv.index_to_key),
                            np.asarray(wv.counts), wv.vectors, self.syn1neg, self.min_alpha,
                            self.corpus_count, self.corpus_total_words, wv.vectors_lockf)

    def __repr__(self) -> str:
        size = "no vocabulary" if self.vocab is None else f"{len(self.vocab)} words"
        return (f"Word2Vec({size}, vector_size={self.params.vector_size}, "
                f"epochs trained {self.epochs_trained})")

    # -- the work ----------------------------------------------------------------------
    def _keep_stream(self, source: object, corpus: Corpus) -> None:
        """A stream (stdin, a named pipe) can be read only once: its spool is
        kept for the train() call on the same source that follows; other
        corpora are closed now."""
        if corpus.is_stream:
            self._stream_read = (os.fspath(source), corpus)
        else:
            corpus.close()

    def _kept_stream_of(self, source: object) -> Corpus | None:
        """The spool of the stream build_vocab read, when ``source`` names it
        (handed over once: the caller closes it)."""
        if self._stream_read is None or not is_path(source):
            return None
        name, corpus = self._stream_read
        self._stream_read = None
        if name == os.fspath(source):
            return corpus
        corpus.close()
        return None

    def _read_source(self, source: object, corpus_file: object, read_vocab_path: object,
                     save_vocab_path: object, work: Callable[[Corpus], None]) -> None:
        """``work`` on the source opened, its paths checked against the
        vocabulary files; a stream's spool kept for the train() that follows."""
        corpus = open_path(source) if is_path(source) else None
        self._gensim_source = corpus_file is not None or corpus is None
        with open_source(source if corpus is None else corpus) as opened:
            check_distinct(corpus_inputs(opened, read_vocab_path, "source", "read_vocab"),
                           [("save_vocab", save_vocab_path)])
            try:
                work(opened)
            except BaseException:
                if corpus is not None:
                    corpus.close()
                raise
        if corpus is not None:
            self._keep_stream(source, corpus)

    def _check_vocab_state(self, call: str, update: bool) -> None:
        if update and self.vocab is None:
            raise W2VError(f"{call}(update=True) before any vocabulary: build one first "
                           "(update=False)")
        if self.vocab is not None and not update:
            raise W2VError(f"this model's vocabulary is built already ({len(self.vocab)} "
                           "words): make a new Word2Vec for another one, or give update=True "
                           "to grow it")

    def _build_vocab(self, corpus, read_vocab_path=None, save_vocab_path=None,
                     log: TextIO | None = None, record_tokens: bool = False,
                     trim_rule: TrimRule | None = None, update: bool = False,
                     keep_raw_vocab: bool = False) -> None:
        """build_vocab's work on an open corpus whose paths the caller checked
        (build_vocab, or check_run_paths for w2v-train and train()): gensim's
        steps, scan then prepare, and word2vec.c's report and -save-vocab."""
        self.corpus_total_words, self.corpus_count = self._scan(corpus, read_vocab_path,
                                                                record_tokens, trim_rule)
        self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab, trim_rule=trim_rule)
        written_vocab(self.vocab, self.params, log, save_vocab_path)

    def _scan(self, corpus, read_vocab_path=None, record_tokens: bool = False,
              trim_rule: TrimRule | None = None) -> tuple[int, int]:
        """Count an open corpus into ``_raw``; gensim's (total_words, corpus_count)."""
        # a prepared corpus refuses a trim_rule (its words are numbered already)
        trim_rule = self.trim_rule if trim_rule is None else trim_rule
        self._raw = counted_words(corpus, self.params, read_vocab_path, record_tokens, trim_rule)
        self._raw_source = (_source_of(corpus), corpus.name, self._gensim_source,
                            isinstance(corpus, PreparedCorpus))
        sentences = int(self._raw.counts[0])  # word2vec.c counts a </s> per sentence (line)
        return self._raw.tokens - sentences, sentences

    def _check_raw_complete(self, applied: TrainingParams) -> None:
        """A prepared corpus's words were chosen where it was prepared: only
        its own min_count decides them again."""
        if self._raw_source[3] and applied.min_count != self.params.min_count:
            raise W2VError(f"min_count={applied.min_count}: {self._raw_source[1]} is a prepared "
                           f"corpus, whose words were chosen with min_count="
                           f"{self.params.min_count}")

    def _decide(self, applied: TrainingParams, trim_rule: TrimRule | None, update: bool,
                dry_run: bool) -> dict[str, int]:
        """prepare_vocab's work: the words kept, the report, and (unless
        ``dry_run``) the vocabulary made or grown."""
        raw = self._raw
        assert raw is not None
        effective = effective_min_count(raw.counts[1:], applied.min_count,
                                        applied.max_final_vocab)
        keep = kept_words(raw, effective, trim_rule, _decoded)
        self.effective_min_count = effective
        known = self._known_rows(raw) if update else np.zeros(len(raw), dtype=bool)
        train_words = int(raw.counts[keep | known].sum()) + (
            self.vocab.train_words if update else 0)
        report = vocab_report(raw.counts, keep, applied.sample, train_words)
        if dry_run:
            return report
        if update:
            self._adopt_grown(raw.kept(np.ones(len(raw), dtype=bool)), keep)
        else:
            self.params = applied
            self.vocab = raw.kept(keep)
            self.state = TrainingState.start(self.params, self.vocab.train_words)
            self.gensim_vocab = self._raw_source[2]
        self._vocab_source, self._vocab_name = self._raw_source[:2]
        return report

    def _known_rows(self, raw: CountedWords) -> np.ndarray:
        """Which of the counted rows are words of the built vocabulary."""
        assert self.vocab is not None
        known = set(self.vocab.words)
        return np.fromiter((w in known for w in raw.words()), dtype=bool, count=len(raw))

    def _adopt_grown(self, new: Vocabulary, keep: np.ndarray) -> None:
        """``new``'s words (all the rows counted) joined to the vocabulary
        (vocab_rules.merged: the new ones ``keep`` marks), the matrices grown
        to match."""
        grown, added = merged(self.vocab, new, keep)
        self.vocab_grown = True
        self._ensure_weights()
        self.vocab = grown
        if added:
            self.weights = grown_weights(self.weights, grown, self.params)
        self._renew_wv()

    def _check_totals(self, totals: dict[str, int]) -> None:
        """gensim's total_examples/total_words against what build_vocab counted
        of the same text: a warning where they differ, as gensim's."""
        counted = {"total_examples": self.corpus_count, "total_words": self.corpus_total_words}
        for name, value in totals.items():
            if value != counted[name]:
                warnings.warn(f"{name}={value} differs from the {counted[name]} that "
                              "build_vocab counted in this text: the schedule follows the "
                              "words read", W2VWarning, stacklevel=4)

    # -- gensim's attributes -------------------------------------------------------
    @property
    def alpha(self) -> float:
        """The starting learning rate (word2vec.c's default: 0.025 skip-gram, 0.05 CBOW)."""
        return self.params.starting_alpha

    @alpha.setter
    def alpha(self, value: float) -> None:
        self.params = replace(self.params, alpha=value)

    @property
    def min_alpha(self) -> float:
        """The rate's floor: word2vec.c's ``alpha * 1e-4`` unless another was set."""
        floor = self.params.min_alpha
        return floor if floor is not None else self.alpha * 1e-4

    @min_alpha.setter
    def min_alpha(self, value: float | None) -> None:
        self.params = replace(self.params, min_alpha=value)

    @property
    def min_alpha_yet_reached(self) -> float:
        """The rate the schedule has reached."""
        if self.state is None:
            return self.alpha
        return self.state.alpha(self.params)

    def _ensure_weights(self) -> Weights:
        """The weights, made when first needed (a run that only saves the
        vocabulary never allocates them), after the checks that would make
        training fail or exhaust memory."""
        if self.weights is None:
            check_trainable(self.vocab, self.params, self._vocab_name)
            self._settle_entry_defaults()
            self.weights = new_weights(self.vocab, self.params)
        return self.weights

    def _settle_entry_defaults(self) -> None:
        """The parameters whose None means "by the way in", decided once and
        kept with the model: gensim's calls start and share the text as
        gensim's, w2vpy's own (a path given positionally) as word2vec.c's."""
        gensim = self.gensim_vocab
        settled = {}
        if self.params.init_range is None:
            settled["init_range"] = GENSIM_INIT_RANGE if gensim else WORD2VEC_C_INIT_RANGE
        if self.params.thread_split is None:
            settled["thread_split"] = "blocks" if gensim else "parts"
        if settled:
            self.params = replace(self.params, **settled)

    def _train(self, corpus, epochs: int | None = None, compute_loss: bool | None = None,
               callbacks: tuple = (), alpha: float | None = None, progress: bool = False,
               checkpoint=None, log: TextIO = sys.stderr,
               expect_tokens: int | None = None, floor: float | None = None) -> TrainingReport:
        """train() on an open corpus; ``expect_tokens`` (a resumed run) refuses
        a text of another length, or other bytes, than the one the run began on;
        ``floor`` (gensim's end_alpha) is this call's min_alpha."""
        self._require_vocab("train")
        self._ensure_weights()
        params = self.params if floor is None else replace(self.params, min_alpha=floor)
        if compute_loss is not None and compute_loss != params.compute_loss:
            params = replace(params, compute_loss=compute_loss)
        if checkpoint is not None:  # before the first epoch, not after it
            self._checkpoint_saved = None
            output_target(checkpoint)
            check_distinct(corpus_inputs(corpus, None, "source", ""), [("checkpoint", checkpoint)])
        if self._input_lock_factors() is not None and self.backend == "cuda":
            raise W2VError("wv.vectors_lockf other than 1.0 for every word is a CPU option: "
                           "the cuda backend trains every vector; train with backend='cpu'")
        if self.backend == "cuda":
            return self._train_cuda(corpus, params, epochs, callbacks, alpha, progress,
                                    checkpoint, log)
        self._check_output_layers()
        with self._encoded(corpus, params) as encoded:
            if expect_tokens is not None:
                self._check_resumed_text(corpus, encoded.tokens, expect_tokens)
            self.corpus_tokens, self.corpus_skipped = encoded.tokens, encoded.skipped
            self.corpus_fingerprint = corpus.fingerprint
            passes = self._plan(epochs, alpha, encoded.tokens, floor)
            params = replace(params, min_alpha=self.state.floor(self.params))
            reporter = ProgressLine(passes * encoded.tokens, log) if progress else None
            run = _Run(self, params, encoded, reporter)
            self.stop_training = False
            self._call_start = len(self.loss_history)
            self._fire(callbacks, "on_train_begin")
            if callbacks or checkpoint is not None:
                for _ in range(passes):
                    self._fire(callbacks, "on_epoch_begin")
                    if self.stop_training:
                        break
                    run.passes(1)
                    if checkpoint is not None:
                        self._save_checkpoint(checkpoint)
                    self._fire(callbacks, "on_epoch_end")
                    if self.stop_training:
                        break
            elif passes:
                run.passes(passes)
            self._fire(callbacks, "on_train_end")
            run.finish()
        return replace(self._report(encoded.tokens, run.seconds, run.words, run.epochs),
                       hot_rows=run.tables.hot, hot_row_merges=run.hot_row_merges)

    def _check_resumed_text(self, corpus, tokens: int, expect_tokens: int) -> None:
        """The text a resumed run reads is the one it began on: its words of the
        vocabulary counted, its bytes hashed while they were read (a
        checkpoint of format version 1 has no hash: its count alone decides)."""
        if tokens != expect_tokens:
            raise W2VError(f"{corpus.name} has {tokens} words of the vocabulary; the run being "
                           f"resumed trained on {expect_tokens}: not the same text")
        saved, read = self.corpus_fingerprint, corpus.fingerprint
        if saved is not None and read != saved:
            raise W2VError(f"{corpus.name} has as many words as the text the run being resumed "
                           f"trained on, but other bytes (fingerprint {read}, not {saved}): "
                           "not the same text")

    def _save_checkpoint(self, path) -> None:
        """Save at an epoch end, noting the epoch once the file holds it: the
        interrupts that come while it takes its name wait until it is noted,
        so that what an interrupted run says the checkpoint holds is true."""
        from w2vpy.system.interrupts import interrupts_deferred

        with contextlib.ExitStack() as naming:
            save_model(self, path, before_commit=lambda: naming.enter_context(
                interrupts_deferred()))
            self._checkpoint_saved = (path, self.epochs_trained)

    def _check_prepared_vocabulary(self, corpus: PreparedCorpus) -> None:
        """The prepared ids number the prepared vocabulary: trained into a model
        of other words they would train the wrong rows, or rows past the end."""
        prepared = corpus.vocabulary()
        if prepared.words != self.vocab.words:
            raise W2VError(f"{corpus.name} was prepared with another vocabulary ({len(prepared)} "
                           f"words) than this model's ({len(self.vocab)} words): train it on a "
                           "model whose vocabulary was built from it")

    def _encoded(self, corpus, params: TrainingParams) -> EncodedCorpus:
        if isinstance(corpus, PreparedCorpus):  # the ids are made already
            self._check_prepared_vocabulary(corpus)
            encoded = corpus.encoded()
        else:
            encoded = encode_corpus(corpus, self.vocab, read_ahead=params.workers > 1)
            if params.thread_split == "blocks" and params.workers > 1 and self.backend == "cpu":
                encoded = dealt_in_blocks(encoded, params.workers)
        # The hash table is as big as the rest of the vocabulary: free it until
        # more text comes (vocab.encoder() makes it again then).
        self.vocab.release_encoder()
        if encoded.tokens == 0:
            encoded.file.close()
            raise W2VError(f"no word of {corpus.name} is in the vocabulary: nothing to train")
        counted = self.state.epochs_done == 0 and _same_source(_source_of(corpus),
                                                               self._vocab_source)
        again = (encoded.tokens, encoded.skipped) == (self.corpus_tokens, self.corpus_skipped)
        if encoded.skipped and not (counted or again):
            warnings.warn(f"{encoded.skipped} tokens of {corpus.name} (of "
                          f"{encoded.skipped + encoded.tokens}, each line or sentence end "
                          "counted as one) are not in the vocabulary and were skipped",
                          W2VWarning, stacklevel=4)
        return encoded

    def _plan(self, epochs: int | None, alpha: float | None, epoch_words: int,
              end_alpha: float | None = None) -> int:
        """How many passes this call trains, starting a new schedule when they
        go past the current one or alpha is given (see the module's text);
        ``end_alpha`` (gensim's) is the floor of the schedule from now on."""
        state = self.state
        left = state.epochs_left
        passes = epochs if epochs is not None else (left or self.params.epochs)
        if alpha is None and passes <= left:
            if end_alpha is not None:
                state.end_alpha = end_alpha
            return passes
        # the rate reached, at the floor it was held at (not below it)
        start = alpha if alpha is not None else state.alpha(self.params)
        if alpha is None and left == 0:
            warnings.warn(f"the learning rate is at the end of its schedule ({start:g}): these "
                          f"{passes} epochs will barely move the vectors; give alpha= to train "
                          "at a higher rate", W2VWarning, stacklevel=4)
        state.extend(start, passes, epoch_words, self.params, end_alpha)
        return passes

    def _train_cuda(self, corpus, params: TrainingParams, epochs, callbacks, alpha,
                    progress: bool, checkpoint, log: TextIO) -> TrainingReport:
        from w2vpy.training.cuda_backend import train_weights_cuda

        whole = (self.state.epochs_done == 0 and epochs in (None, params.epochs)
                 and alpha is None)
        if not whole or callbacks or params.compute_loss or checkpoint is not None:
            raise W2VError("the cuda backend trains a whole schedule in one call: callbacks, "
                           "compute_loss, checkpoints, epochs= and further training need "
                           "backend='cpu'")
        with self._encoded(corpus, params) as encoded:
            reporter = ProgressLine(params.epochs * encoded.tokens, log) if progress else None
            syn0, trained = train_weights_cuda(self.vocab, encoded.file, encoded.tokens, params,
                                               reporter)
        # the kernel keeps its output layers on the device: this model cannot go on
        self.weights = Weights(syn0, None, None)
        self.state.words_done = self.state.schedule_words
        self.state.epochs_done = params.epochs
        self.loss_history.extend([math.nan] * params.epochs)
        self.corpus_fingerprint = corpus.fingerprint
        self._renew_wv()
        return self._report(encoded.tokens, trained.seconds, trained.words, params.epochs)

    def _check_output_layers(self) -> None:
        if ((self.params.hs and self.weights.syn1 is None)
                or (self.params.negative > 0 and self.weights.syn1neg is None)):
            raise W2VError("this model was trained on the cuda backend, which does not keep "
                           "the output weights: it cannot be trained further")

    def _fire(self, callbacks: tuple, hook: str) -> None:
        for callback in callbacks:
            method = getattr(callback, hook, None)
            if method is not None:
                method(self)

    def _report(self, tokens: int, seconds: float, words: int, epochs: int) -> TrainingReport:
        return TrainingReport(len(self.vocab), self.vocab.train_words, tokens,
                              self.vocab.pruned_words, seconds, words, epochs)

    def _require_vocab(self, what: str) -> None:
        if self.vocab is None:
            raise W2VError(f"{what} before build_vocab: call build_vocab(source) first "
                           "(or Word2Vec.load a saved model)")

    def _vectors_moved(self) -> None:
        if self._wv is not None:
            self._wv.vectors_changed()

    def plot_loss(self, path: str | os.PathLike[str] | None = None):
        """The loss per epoch, per word (a matplotlib Figure; saved to ``path``
        when given).  Needs ``compute_loss=True`` and matplotlib (the ``plot``
        extra); see ``w2vpy.plots.plot_loss``."""
        from w2vpy.plots import plot_loss
        return plot_loss(self, path)


def _parameter_attribute(name: str) -> property:
    """gensim's model attribute for a parameter: read from the parameters,
    set by a checked copy of them."""
    def get(self: Word2Vec) -> Any:
        return getattr(self.params, name)

    def put(self: Word2Vec, value: Any) -> None:
        self.params = replace(self.params, **{name: value})

    return property(get, put, doc=f"The ``{name}`` parameter (gensim's attribute).")


for _parameter in TRAINING_PARAMETERS:
    if not hasattr(Word2Vec, _parameter.name):
        setattr(Word2Vec, _parameter.name, _parameter_attribute(_parameter.name))

# help(Word2Vec) and editors show every parameter the table declares
_written = inspect.signature(Word2Vec.__init__).parameters
Word2Vec.__init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_written[name] for name in ("self", "sentences", "corpus_file")]
    + [inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default)
       for p in (*TRAINING_PARAMETERS, _DECLARED["backend"])]
    + [_written[name] for name in ("trim_rule", "callbacks", "comment")])
Word2Vec.__doc__ = Word2Vec.__doc__.replace(
    "{parameters}", numpy_parameters((*TRAINING_PARAMETERS, _DECLARED["backend"])))


class TrainingJob:
    """One run of ``w2v-train`` or ``train()``: a fresh model or the one a
    checkpoint holds, its vocabulary, its training and checkpoints.  Every
    entry point that trains from a source goes through it, so none of them
    reaches into the model.

    ``given`` holds the model parameters the caller named (name: value), which
    a resumed run holds against its checkpoint's; ``run`` the RUN_OPTIONS'
    values; ``spelled`` names a parameter as the caller's user wrote it (a
    flag on the command line, a keyword in Python)."""

    def __init__(self, given: dict[str, object], run: dict[str, object],
                 spelled: Callable[[Parameter], str]):
        self.run = run
        self.spelled = spelled
        self.resumed = run["resume"] is not None
        if self.resumed:
            self.model = resumed_model(run, given, spelled)
        else:
            # train() and w2v-train start and share the text as word2vec.c
            given = {"init_range": WORD2VEC_C_INIT_RANGE, "thread_split": "parts"} | {
                name: value for name, value in given.items() if value is not None}
            self.model = Word2Vec(backend=run["backend"], **given)

    def check_paths(self, corpus, corpus_name: str,
                    output: tuple[str, object] = ("", None)) -> None:
        """Before any work: no file the run writes is one it reads."""
        check_run_paths(corpus, self.run, self.spelled, corpus_name, output)

    def vocabulary(self, corpus, log: TextIO | None = None,
                   record_tokens: bool = True) -> Vocabulary:
        """The vocabulary: counted (or read), or the checkpoint's; saved when asked."""
        model, run = self.model, self.run
        if self.resumed:
            if log is not None:
                log.write(f"Resuming {run['resume']}: {model.state.epochs_done} of "
                          f"{model.state.schedule_end_epoch} epochs done\n")
            if run["save_vocab"] is not None:
                save_vocab(model.vocab, run["save_vocab"])
        else:
            model._build_vocab(corpus, run["read_vocab"], run["save_vocab"], log, record_tokens)
        return model.vocab

    def train(self, corpus, progress: bool = False, callbacks: tuple = (),
              notices: TextIO | None = None) -> TrainingReport:
        """The run's epochs (what a resumed run has left), checkpointed when
        asked; interrupted, it tells ``notices`` which epoch the checkpoint
        holds, when one was written whole."""
        model, checkpoint = self.model, self.run["checkpoint"]
        try:
            return model._train(corpus, epochs=model.state.epochs_left if self.resumed else None,
                                callbacks=callbacks, progress=progress, checkpoint=checkpoint,
                                expect_tokens=model.corpus_tokens if self.resumed else None)
        except KeyboardInterrupt:
            saved = model._checkpoint_saved if checkpoint is not None else None
            if notices is not None and saved is not None:
                notices.write(f"\n{checkpoint} holds the model after epoch {saved[1]}: "
                              f"{self.spelled(_DECLARED['resume'])} {checkpoint} finishes "
                              "the run")
            raise


class _Run:
    """One train() call's passes over one encoded text: the tables made once,
    progress counted across the passes."""

    def __init__(self, model: Word2Vec, params: TrainingParams, encoded: EncodedCorpus,
                 reporter: ProgressLine | None):
        self.model, self.params, self.encoded, self.reporter = model, params, encoded, reporter
        self.tables = TrainingTables.build(model.vocab, params)
        self.seconds = 0.0
        self.words = 0
        self.epochs = 0
        self.hot_row_merges = 0

    def passes(self, count: int) -> None:
        model, before = self.model, self.words
        progress = None
        if self.reporter is not None:
            reporter = self.reporter
            progress = lambda words, alpha, final: reporter(before + words, alpha, False)
        trained = train_epochs(model.weights, self.tables, self.encoded.file,
                               self.encoded.tokens, self.params, model.state, count, progress,
                               syn0_lockf=model._input_lock_factors())
        self.seconds += trained.seconds
        self.words += trained.words
        self.epochs += count
        self.hot_row_merges += trained.hot_row_merges
        losses = trained.losses.tolist() if trained.losses is not None else [math.nan] * count
        model.loss_history.extend(losses)
        model._vectors_moved()
        check_converged(model.weights.syn0, self.params)

    def finish(self) -> None:
        if self.reporter is not None:
            self.reporter(self.words, self.model.state.alpha(self.params), True)


def _gensim_model(path: object, *args: Any, **kwargs: Any) -> Any:
    """The gensim ``Word2Vec`` pickled at ``path``: one of another class
    (gensim's KeyedVectors) is a ``WrongKind``, as gensim's AttributeError."""
    import gensim.models

    try:
        loaded = gensim.models.Word2Vec.load(os.fspath(path), *args, **kwargs)
    except AttributeError as exc:  # gensim's answer to a pickle of another class
        raise WrongKind(f"{path} is a file gensim reads, but not as a Word2Vec model "
                        f"({exc})") from None
    except Exception as exc:  # an unpickler fed a damaged file raises anything
        raise CorruptInputError(f"{path} is neither a w2vpy model nor a model gensim "
                                f"can read ({type(exc).__name__}: {exc})") from None
    return loaded


def _grown_lock_factors(factors: np.ndarray, words: int) -> np.ndarray:
    """Lock factors kept for a wv of ``words`` vectors: one factor stays
    one; one per word gains 1.0 (train) for each word a grown vocabulary
    added at its end."""
    if len(factors) in (1, words) or len(factors) > words:
        return factors  # a longer array is the setter's to refuse, naming it
    return np.concatenate([factors, np.ones(words - len(factors), dtype=np.float32)])


def _gensim_file(path: object) -> bool:
    """A pickle (what gensim's save writes, protocol 2 and up), where gensim
    is there to read it; anything else is load_model's to judge."""
    import importlib.util
    import stat

    try:
        # only a regular file is opened here: opening a named pipe would wait
        # for a writer for ever, and load_model names what else a path is
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as file:
            pickled = file.read(1) == b"\x80"
    except (OSError, TypeError, ValueError):
        return False  # load_model names the problem
    return pickled and importlib.util.find_spec("gensim") is not None


class NotReiterable(W2VError, TypeError):
    """Sentences the constructor would read twice come from an iterator
    (a TypeError too, as gensim's)."""


def _gensim_keywords(parameters: dict[str, object]) -> dict[str, object]:
    """gensim's spellings of TrainingParams' values: ``max_vocab_size=None``
    (no limit); ``sorted_vocab``, ``null_word`` and ``hashfxn`` at gensim's
    defaults (the only ones word2vec.c's vocabulary has) are dropped."""
    parameters = dict(parameters)
    if "max_vocab_size" in parameters and parameters["max_vocab_size"] is None:
        parameters["max_vocab_size"] = NO_VOCAB_LIMIT
    fixed = {"sorted_vocab": (1, True), "null_word": (0, False), "hashfxn": (hash,)}
    for name, allowed in fixed.items():
        if name in parameters:
            value = parameters.pop(name)
            if not any(value is a or (type(value) in (int, bool) and value == a)
                       for a in allowed):
                raise W2VError(f"{name}={value!r} is not supported: w2vpy's vocabulary is "
                               f"word2vec.c's (gensim's default, {allowed[0]!r}, is)")
    return parameters


#: max_vocab_size=None: a counter that never prunes (vocab.unpruned_counter's bound)
NO_VOCAB_LIMIT = 2**62


def _one_source(corpus_iterable: object, corpus_file: object,
                required: bool = False) -> object:
    """The source a gensim call names: sentences or a path, or corpus_file."""
    if corpus_iterable is not None and corpus_file is not None:
        raise W2VError("give one of corpus_iterable (sentences) and corpus_file, not both")
    if corpus_file is not None and not is_path(corpus_file):
        raise W2VError(f"corpus_file must be a path, got {type(corpus_file).__name__}")
    source = corpus_iterable if corpus_file is None else corpus_file
    if source is None and required:
        raise W2VError("no source: give corpus_iterable (sentences, or a path) or corpus_file")
    return source


def _is_iterator(source: object) -> bool:
    try:
        return iter(source) is source
    except TypeError:
        return False


def _switch(name: str, value: object) -> bool:
    if not (isinstance(value, (bool, np.bool_)) or (isinstance(value, int) and value in (0, 1))):
        raise W2VError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _checked_count(name: str, value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < 0:
        raise W2VError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def _checked_rate(name: str, value: object) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)) or not math.isfinite(value) \
            or value < 0:
        raise W2VError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _check_unused_keywords(word_count: object, queue_factor: object,
                           report_delay: object) -> None:
    """gensim's job-queue knobs: accepted, without effect; word_count only as 0."""
    if word_count != 0 or isinstance(word_count, bool):
        raise W2VError(f"word_count={word_count!r} is not supported: a train call counts "
                       "its own words (give 0, gensim's default)")
    _checked_count("queue_factor", queue_factor)
    _checked_rate("report_delay", report_delay)


def _start_alpha(alpha: float | None, start_alpha: float | None) -> float | None:
    if start_alpha is None:
        return None if alpha is None else _checked("alpha", alpha)
    if alpha is not None and alpha != start_alpha:
        raise W2VError(f"alpha={alpha} and start_alpha={start_alpha} are two names of "
                       "one rate: give one")
    return _checked("alpha", start_alpha)


def _corpus_size(vocab: Vocabulary) -> tuple[int, int]:
    """gensim's corpus_count and corpus_total_words: word2vec.c counts one
    ``</s>`` per sentence (line), and the counter every token read."""
    sentences = int(vocab.counts[0])
    counter = vocab._counter
    tokens = counter.tokens if counter is not None else vocab.train_words
    return sentences, int(tokens) - sentences


def vocab_report(counts: np.ndarray, keep: np.ndarray, sample: float,
                 train_words: int) -> dict[str, int]:
    """gensim's prepare_vocab report over the rows counted (row 0, ``</s>``,
    left out): the words dropped and kept, and what subsampling at ``sample``
    over ``train_words`` (word2vec.c's rule) thins and is expected to leave."""
    kept = keep[1:]
    retained = counts[1:][kept]
    survival = keep_probability(retained, sample, train_words)
    return {"drop_unique": int((~kept).sum()), "retain_total": int(retained.sum()),
            "downsample_unique": int((survival < 1.0).sum()),
            "downsample_total": int((survival * retained).sum()),
            "num_retained_words": int(kept.sum())}


def _frequency_vocab(ranked: list[tuple[str, int]], min_count: int) -> Vocabulary:
    """A vocabulary of (word, count) pairs sorted by count, behind ``</s>``."""
    words, counts = [b"</s>"], [0]
    for word, count in ranked:
        if count >= min_count and word != "</s>":
            words.append(word.encode(KEY_ENCODING))
            counts.append(int(count))
    return Vocabulary(words=words, counts=np.asarray(counts, dtype=np.int64))


def _source_of(corpus) -> object:
    """What identifies a source across calls: a path's name, a sentences object."""
    return corpus.sentences if isinstance(corpus, SentenceCorpus) else ("path", corpus.name)


def _same_source(a: object, b: object) -> bool:
    return a is b or (isinstance(a, tuple) and a == b)


def _checked(name: str, value: object) -> Any:
    return _DECLARED[name].check(value)


def _checked_callbacks(callbacks: Iterable[Any]) -> tuple:
    if callbacks is None:
        return ()
    try:
        callbacks = tuple(callbacks)
    except TypeError:
        raise W2VError(f"callbacks must be a list of callback objects, got "
                       f"{type(callbacks).__name__}") from None
    for callback in callbacks:
        if not any(callable(getattr(callback, hook, None)) for hook in CALLBACK_HOOKS):
            raise W2VError(f"callback {callback!r} has none of the methods "
                           f"{', '.join(CALLBACK_HOOKS)}")
    return callbacks


__all__ = ["Word2Vec", "TrainingReport", "CALLBACK_HOOKS"]
