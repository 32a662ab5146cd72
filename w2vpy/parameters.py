"""The parameters, each declared once.

A declaration holds gensim's name, word2vec.c's flag, the type, the default
(word2vec.c's), the bounds and one line of help.  ``w2v-train``'s flags and
usage text, ``train()``'s keywords and the one validation both entry points
share are all made from these declarations; the C core is filled from a
validated ``TrainingParams`` by ``_core.TrainingRun`` and trusts it.
``PhraseParams`` does the same for word2phrase (``w2v-phrase``, ``phrases()``).
"""
from __future__ import annotations

import math
import numbers
import os
import textwrap
from dataclasses import dataclass, field, fields
from typing import Any, TypedDict

import numpy as np

from w2vpy._core import HOT_MERGE_WORDS
from w2vpy.errors import W2VError

#: window and epochs stay within int, as in word2vec.c (the CUDA launch passes
#: them as int), the rest within int64_t, the C config's type: a bigger value
#: is refused here, never an OverflowError from the binding
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
#: word2vec.c's vocab_hash_size * 0.7, the vocabulary size at which it prunes
DEFAULT_MAX_VOCAB_SIZE = 21_000_000
#: word2phrase.c's, for its table of words and pairs (0.7 of 500M entries)
DEFAULT_MAX_PHRASE_VOCAB_SIZE = 350_000_000


class ParameterError(W2VError):
    """A parameter's value is refused; the message names the parameter the way
    its entry point spells it (``vector_size`` in Python, ``-size`` on the CLI)."""

    def __init__(self, parameter: "Parameter", problem: str):
        super().__init__(f"{parameter.name} {problem}")
        self.parameter = parameter
        self.problem = problem

    def for_command_line(self) -> W2VError:
        return W2VError(f"{self.parameter.flag} {self.problem}")


@dataclass(frozen=True)
class Parameter:
    """One declaration.  ``kind`` is int, float, bool (a 0/1 switch) or str."""

    name: str
    kind: type
    #: word2vec.c's spelling on the command line
    flag: str
    help: str
    default: Any = None
    minimum: float | None = None
    #: the minimum itself is refused (alpha > 0)
    exclusive_minimum: bool = False
    maximum: float | None = None
    #: None is a value (the default): it means what ``help`` says
    optional: bool = False
    #: the word the command line takes for None (``-hot-rows auto``)
    none_word: str | None = None
    #: the flag holds the opposite switch (``-cbow 1`` is ``sg=False``)
    inverted_flag: bool = False
    #: a flag word2vec.c does not have
    addition: bool = False
    choices: tuple[str, ...] = ()
    #: a tuple of values (one per pass): a single value is a tuple of one;
    #: the command line separates them with commas (``-threshold 200,100``)
    listed: bool = False
    #: the description in Python's words, for docstrings (``help`` is the
    #: command line's, word2vec.c's where it has the flag)
    doc: str = ""

    def check(self, value: object) -> object:
        """The value, normalised (switches to bool, numpy scalars to Python), or
        a ParameterError saying what is wrong with it."""
        if value is None and self.optional:
            return None
        if self.listed:
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            if not values:
                raise ParameterError(self, "needs at least one value")
            return tuple(self._check_one(v) for v in values)
        return self._check_one(value)

    def _check_one(self, value: object) -> object:
        if self.kind is bool:
            if not _is_switch(value):
                raise ParameterError(self, f"must be True/False or 1/0, got {value!r}")
            return bool(value)
        if self.kind is int:
            if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
                raise ParameterError(self, f"must be an integer, got {value!r}")
            return self._in_bounds(int(value))
        if self.kind is float:
            if not _is_number(value) or not math.isfinite(value):
                raise ParameterError(self, f"must be a finite number, got {value!r}")
            return self._in_bounds(float(value))
        if self.choices and value not in self.choices:
            raise ParameterError(self, f"must be one of {', '.join(self.choices)}, got {value!r}")
        return value

    def _in_bounds(self, value: float) -> Any:
        if self.minimum is not None:
            if self.exclusive_minimum and not value > self.minimum:
                raise ParameterError(self, f"must be > {self.minimum}, got {value}")
            if value < self.minimum:
                raise ParameterError(self, f"must be >= {self.minimum}, got {value}")
        if self.maximum is not None and value > self.maximum:
            raise ParameterError(self, f"is too large: {value} (at most {self.maximum})")
        return value

    def parse(self, text: str) -> object:
        """The command line's text for this flag, as a value to check."""
        if self.none_word is not None and text == self.none_word:
            return None
        if self.listed:
            return tuple(self._parse_one(part) for part in text.split(","))
        return self._parse_one(text)

    def _parse_one(self, text: str) -> object:
        if self.kind is bool:
            if text not in ("0", "1"):
                raise W2VError(f"{self.flag} must be 0 or 1, got {text!r}")
            return (text == "1") != self.inverted_flag
        try:
            return int(text, 10) if self.kind is int else self.kind(text)
        except ValueError:
            kind = {int: "an integer", float: "a number"}[self.kind]
            if self.none_word is not None:
                kind += f" or {self.none_word!r}"
            raise W2VError(f"invalid value for {self.flag}: {text!r} is not {kind}") from None

    def usage(self) -> str:
        """The two lines of word2vec.c's usage text for this flag."""
        metavar = {int: "<int>", float: "<float>", bool: "<int>", str: "<file>"}[self.kind]
        if self.choices:
            metavar = f"<{'|'.join(self.choices)}>"
        elif self.none_word is not None:
            metavar = f"<int|{self.none_word}>"
        elif self.listed:
            metavar = f"{metavar}[,{metavar}...]"
        text = self.help
        if self.default is not None:
            shown = int(self.default != self.inverted_flag) if self.kind is bool else self.default
            if self.listed:
                shown = ",".join(f"{v:g}" for v in self.default)
            text += f"; default {shown}"
        return f"\t{self.flag} {metavar}\n\t\t{text}\n"

    def numpy_doc(self) -> str:
        """This parameter as an entry of a numpy-style Parameters section."""
        kinds = {int: "int", float: "float", bool: "bool", str: "str or os.PathLike"}
        kind = kinds[self.kind]
        if self.choices:
            kind = "{" + ", ".join(repr(c) for c in self.choices) + "}"
        if self.listed:
            kind = f"{kind} or sequence of {kind}"
        if self.optional:
            kind += " or None"
        default = self.default[0] if self.listed and len(self.default) == 1 else self.default
        body = textwrap.fill(self.doc, width=76, initial_indent="    ",
                             subsequent_indent="    ")
        return f"{self.name} : {kind}, default {default!r}\n{body}\n"


def parameter(default: Any, flag: str, help: str, **declaration: Any) -> Any:
    """A TrainingParams field declared with everything its Parameter needs
    (name and kind come from the field)."""
    return field(default=default, metadata={"declaration": dict(flag=flag, help=help,
                                                                **declaration)})


@dataclass(frozen=True)
class TrainingParams:
    """word2vec.c's training parameters with gensim's names and word2vec.c's
    defaults.  Constructing one validates it, so whatever holds one may trust it."""

    vector_size: int = parameter(100, "-size", "Set size of word vectors",
                                 minimum=1, maximum=100_000,
                                 doc="Dimensionality of the word vectors.")
    window: int = parameter(5, "-window", "Set max skip length between words",
                            minimum=1, maximum=INT32_MAX,
                            doc="Maximum distance between the current and a predicted word "
                            "within a sentence; each position draws its window from 1 to "
                            "``window``, as word2vec.c.")
    sample: float = parameter(
        1e-3, "-sample", "Set threshold for occurrence of words. Those that appear with higher "
        "frequency in the training data will be randomly down-sampled; useful range is (0, 1e-5)",
        minimum=0, doc="Threshold for down-sampling frequent words: a word more frequent than "
        "this is randomly skipped in proportion; 0 turns it off, (0, 1e-5) is the useful range.")
    hs: bool = parameter(False, "-hs", "Use Hierarchical Softmax",
                          doc="Train with hierarchical softmax (a Huffman tree over the "
                          "vocabulary); may be combined with ``negative``.")
    negative: int = parameter(5, "-negative", "Number of negative examples; common values are "
                              "3 - 10 (0 = not used)", minimum=0, maximum=1000,
                              doc="Noise words drawn per positive example for negative "
                              "sampling; 0 turns negative sampling off, 3-10 is usual.")
    workers: int = parameter(12, "-threads", "Use <int> threads", minimum=1, maximum=1024,
                             doc="Training threads (word2vec.c's default, 12). One thread "
                             "trains exactly as word2vec.c; several also count plain text "
                             "and decompress input in parallel.")
    epochs: int = parameter(5, "-iter", "Run more training iterations",
                            minimum=1, maximum=INT32_MAX,
                            doc="Passes over the corpus; the learning rate falls linearly "
                            "over all of them.")
    min_count: int = parameter(5, "-min-count", "This will discard words that appear less "
                               "than <int> times", minimum=0, maximum=INT64_MAX,
                               doc="Words seen fewer times are left out of the vocabulary "
                               "(and skipped in training).")
    alpha: float | None = parameter(
        None, "-alpha", "Set the starting learning rate; default is 0.025 for skip-gram and "
        "0.05 for CBOW", minimum=0, exclusive_minimum=True, optional=True,
        doc="Starting learning rate; None means word2vec.c's 0.025 for skip-gram and 0.05 "
        "for CBOW. It falls linearly to ``alpha * 1e-4`` over the epochs.")
    sg: bool = parameter(False, "-cbow", "Use the continuous bag of words model (use 0 for "
                         "skip-gram model)", inverted_flag=True,
                         doc="Skip-gram if True; CBOW (continuous bag of words, "
                         "word2vec.c's default) if False.")
    cbow_mean: bool = parameter(True, "-cbow-mean", "CBOW averages the context vectors, as "
                                "word2vec.c (0: sums them, as gensim's cbow_mean=0)",
                                addition=True, doc="CBOW averages the context vectors (word2vec.c); False "
                                "sums them, as gensim's ``cbow_mean=0``.")
    shrink_windows: bool = parameter(
        True, "-shrink-windows", "Each position draws its window from 1 to -window, as "
        "word2vec.c (0: every position takes the full -window)", addition=True,
        doc="Each position draws its context window from 1 to ``window`` words, as "
        "word2vec.c (and gensim's ``shrink_windows=True``); False takes the full ``window`` "
        "at every position.")
    batch_negatives: bool = parameter(
        False, "-batch-negatives", "Skip-gram with negative sampling shares one set of negatives "
        "among a window's context words and updates the window at once (pWord2Vec; faster, "
        "not word2vec.c's algorithm)", addition=True,
        doc="Skip-gram with negative sampling draws one set of ``negative`` noise words per "
        "window, shared by all its context words, and trains the window as small matrix "
        "products written back once (Ji et al.'s pWord2Vec): faster, not word2vec.c's "
        "algorithm (docs/differences.md). Needs ``sg=True``, ``negative > 0`` and "
        "``hs=False``.")
    seed: int = parameter(0, "-seed", "Offset of every random stream; 0 reproduces "
                          "word2vec.c's", minimum=0, maximum=INT64_MAX, addition=True,
                          doc="Offset of every random stream; 0 reproduces word2vec.c's "
                          "streams.")
    thread_split: str | None = parameter(
        None, "-thread-split", "How the threads share the text: parts (each thread its part, "
        "word2vec.c's; the default) or blocks (blocks of sentences dealt in turn, so the threads "
        "move through the text together, as gensim's)", choices=("parts", "blocks"),
        optional=True, addition=True,
        doc="How the threads share the text: ``'parts'`` gives each thread its own part of it "
        "(word2vec.c's), ``'blocks'`` cuts it into blocks of whole sentences of about 10000 "
        "words dealt to the threads in turn, so that the threads move through the text "
        "together, as gensim's threads take the next job. None means ``'parts'``, except for "
        "a ``Word2Vec`` built from ``sentences`` or ``corpus_file=`` (gensim's calls), which "
        "takes ``'blocks'``. One worker reads the text in order either way.")
    init_range: float | None = parameter(
        None, "-init-range", "Input vectors start uniform in +-<float>/-size; default 0.5 "
        "(word2vec.c's)", minimum=0, exclusive_minimum=True, maximum=1e6, optional=True,
        addition=True,
        doc="The input vectors start uniform in ``+-init_range / vector_size`` (drawn by "
        "word2vec.c's generator). None means word2vec.c's 0.5, except for a ``Word2Vec`` built "
        "from ``sentences`` or ``corpus_file=`` (gensim's calls), which starts at gensim 4's "
        "1.0: with one epoch, gensim's wider start learns faster.")
    max_vocab_size: int = parameter(
        DEFAULT_MAX_VOCAB_SIZE, "-max-vocab-size", "Prune rare words while counting when more "
        "distinct words are seen", minimum=2, maximum=INT64_MAX, addition=True,
        doc="While counting, prune the rarest words whenever more distinct words than this "
        "have been seen (word2vec.c's ReduceVocab; its fixed limit is the default); "
        "sentences (lists of tokens) are pruned as gensim's, after a sentence, of the words "
        "under a least count that rises by one each time. "
        "``Word2Vec(max_vocab_size=None)`` (gensim's default) never prunes.")
    #: word2vec.c's summation order in dot products (slower; bit-identical
    #: single-thread results with a word2vec.c built without FMA contraction)
    sequential_dot: bool = parameter(
        False, "-sequential-dot", "Sum dot products in word2vec.c's order (slower, "
        "bit-identical single-thread)", addition=True,
        doc="Sum dot products in word2vec.c's order: slower, and bit-identical to "
        "word2vec.c (built without FMA contraction) with one worker.")
    #: see hot_rows.py: None chooses the rows from the vocabulary and the mode
    hot_rows: int | None = parameter(
        None, "-hot-rows", "With several threads, each trains private copies of the most "
        f"visited output rows, merged every {HOT_MERGE_WORDS} words; auto (the default) chooses "
        "them, 0 is word2vec.c's pure Hogwild", minimum=0, maximum=INT64_MAX, optional=True,
        none_word="auto", addition=True,
        doc=f"With several workers, each trains private copies of the most visited output "
        f"rows, merged every {HOT_MERGE_WORDS} words: None chooses them from the vocabulary "
        "and the mode, 0 is word2vec.c's pure Hogwild, K takes K rows of each output layer.")
    #: off, training compiles the loss out (trainer.c): as fast as without it
    compute_loss: bool = parameter(
        False, "-compute-loss", "Sum the training loss (negative log-likelihood) of every "
        "epoch in float64; -debug 2 shows it at each epoch end", addition=True,
        doc="Sum each epoch's training loss (negative log-likelihood, float64) into "
        "``Word2Vec.loss_history``.")

    min_alpha: float | None = parameter(
        None, "-min-alpha", "The learning rate's floor; default 1e-4 of -alpha (word2vec.c's)",
        minimum=0, optional=True, addition=True,
        doc="The floor the learning rate falls to (gensim's ``min_alpha``); None means "
        "word2vec.c's ``alpha * 1e-4``. The rate falls linearly towards 0 over the epochs "
        "and stays at this floor once there.")
    ns_exponent: float = parameter(
        0.75, "-ns-exponent", "Negative sampling draws word w in proportion to count(w) to "
        "this power (word2vec.c's 0.75; 0: uniformly, negative: rare words more)",
        addition=True, doc="The power of the counts that shapes negative sampling's noise "
        "distribution: 0.75 is word2vec.c's (and gensim's), 1.0 the unigram distribution, 0 "
        "draws every word alike, a negative value favours rare words.")
    max_final_vocab: int | None = parameter(
        None, "-max-final-vocab", "Raise -min-count as far as needed to keep at most <int> "
        "words (none: no limit)", minimum=1, maximum=INT64_MAX, optional=True,
        none_word="none", addition=True,
        doc="Keep at most this many words, raising ``min_count`` to the least count that "
        "does so, as gensim's ``max_final_vocab``; None sets no limit.")
    batch_words: int = parameter(
        10000, "-batch-words", "Accepted for gensim's scripts; has no effect (each thread "
        "reads the encoded corpus itself)", minimum=1, maximum=INT64_MAX, addition=True,
        doc="Accepted for gensim's scripts and has no effect: gensim hands its threads jobs "
        "of this many words, while w2vpy's threads read the encoded corpus themselves "
        "(word2vec.c's sentences of at most 1000 words).")

    def __post_init__(self) -> None:
        _check_declared(self, TRAINING_PARAMETERS)
        if not self.hs and self.negative == 0:
            raise W2VError("no training objective: hierarchical softmax is off (hs=0) "
                           "and negative=0")
        if self.batch_negatives and not (self.sg and self.negative > 0 and not self.hs):
            raise W2VError(f"batch_negatives=True (-batch-negatives 1) trains skip-gram with "
                           f"negative sampling only: needs sg=True (-cbow 0), negative > 0 and hs=False "
                           f"(-hs 0), "
                           f"got sg={self.sg}, negative={self.negative}, hs={self.hs}")

    @property
    def starting_alpha(self) -> float:
        if self.alpha is not None:
            return self.alpha
        return 0.025 if self.sg else 0.05


@dataclass(frozen=True)
class PhraseParams:
    """word2phrase.c's parameters (gensim's ``Phrases`` names, word2phrase's
    defaults), checked on construction like TrainingParams."""

    min_count: int = parameter(5, "-min-count", "This will discard words that appear less "
                               "than <int> times", minimum=1, maximum=INT64_MAX,
                               doc="Words and pairs seen fewer times are never joined.")
    threshold: tuple[float, ...] = parameter(
        (100.0,), "-threshold", "The <float> value represents threshold for forming the "
        "phrases (higher means less phrases); one value per pass", minimum=0, listed=True,
        doc="Score a pair must pass to be joined (higher: fewer phrases); one value per "
        "pass, or one for every pass.")
    passes: int | None = parameter(
        None, "-passes", "Join pairs <int> times over, each pass reading the last one's "
        "output (so 2 passes reach four-word phrases); default one per -threshold value",
        minimum=1, maximum=1000, optional=True, addition=True,
        doc="Passes, each reading the last one's output (2 passes reach four-word "
        "phrases); None means one per ``threshold`` value.")
    max_vocab_size: int = parameter(
        DEFAULT_MAX_PHRASE_VOCAB_SIZE, "-max-vocab-size", "Prune rare words and pairs while "
        "counting when more distinct ones are seen", minimum=2, maximum=INT64_MAX,
        addition=True, doc="While counting, prune the rarest words and pairs whenever "
        "more distinct ones than this have been seen (word2phrase.c's limit is the default).")

    def __post_init__(self) -> None:
        _check_declared(self, PHRASE_PARAMETERS)
        if self.passes is not None and len(self.threshold) not in (1, self.passes):
            raise W2VError(f"{self.passes} passes need 1 or {self.passes} threshold values, "
                           f"got {len(self.threshold)}: {self.threshold}")

    @property
    def pass_thresholds(self) -> tuple[float, ...]:
        """The threshold of each pass, in order."""
        if self.passes is None or len(self.threshold) == self.passes:
            return self.threshold
        return self.threshold * self.passes


def _declared(dataclass_field) -> Parameter:
    kinds = {"int": int, "float": float, "bool": bool, "float | None": float,
             "int | None": int, "tuple[float, ...]": float, "str | None": str}
    return Parameter(name=dataclass_field.name, kind=kinds[dataclass_field.type],
                     default=dataclass_field.default, **dataclass_field.metadata["declaration"])


def _check_declared(values: object, declarations: tuple[Parameter, ...]) -> None:
    """Replaces each declared field of a frozen dataclass by its checked value."""
    for declared in declarations:
        object.__setattr__(values, declared.name, declared.check(getattr(values, declared.name)))


TRAINING_PARAMETERS: tuple[Parameter, ...] = tuple(_declared(f) for f in fields(TrainingParams))
PHRASE_PARAMETERS: tuple[Parameter, ...] = tuple(_declared(f) for f in fields(PhraseParams))

#: what a run reads and writes besides the model: train()'s keywords and
#: w2v-train's flags alike
RUN_OPTIONS: tuple[Parameter, ...] = (
    Parameter("save_vocab", str, "-save-vocab", "The vocabulary will be saved to <file>",
              optional=True, doc="Write the vocabulary to this file, word2vec.c's ``word "
              "count`` lines."),
    Parameter("read_vocab", str, "-read-vocab", "The vocabulary will be read from <file>, not "
              "constructed from the training data", optional=True,
              doc="Read the vocabulary (``word count`` lines) from this file instead of "
              "counting the corpus."),
    Parameter("backend", str, "-backend", "Train on the CPU or on a CUDA GPU through cupy",
              default="cpu", choices=("cpu", "cuda"), addition=True,
              doc="Train on the CPU threads, or on a CUDA GPU through cupy "
              "(``pip install w2vpy[cuda]``)."),
    Parameter("checkpoint", str, "-checkpoint", "Save the model to <file> at every epoch end "
              "(atomically), for -resume", optional=True, addition=True,
              doc="Save the whole model to this file, atomically, at every epoch end, "
              "for ``resume``."),
    Parameter("resume", str, "-resume", "Finish the run saved in the checkpoint <file> (its "
              "vocabulary, parameters and schedule) on the same training text", optional=True,
              addition=True, doc="Finish the run saved in this checkpoint file (its "
              "vocabulary, parameters and schedule) on the same training text."),
)


def numpy_parameters(declarations: tuple[Parameter, ...], indent: str = "    ") -> str:
    """The declarations as entries of a numpy-style Parameters section,
    indented for a docstring (after the section's first line)."""
    text = "".join(p.numpy_doc() for p in declarations)
    lines = [indent + line if line.strip() else line for line in text.splitlines(keepends=True)]
    # the placeholder it replaces stands on a line of its own, indented
    return "".join(lines)[len(indent):].rstrip("\n")


class TrainingKeywords(TypedDict, total=False):
    """TrainingParams' fields as keywords, written out for the signatures of
    ``train()`` and ``Word2Vec()`` (``**parameters: Unpack[...]``, PEP 692), so
    that editors and type checkers see each keyword and its type before
    anything runs; tests/test_parameters.py holds it to the table."""

    vector_size: int
    window: int
    sample: float
    hs: bool
    negative: int
    workers: int
    epochs: int
    min_count: int
    alpha: float | None
    sg: bool
    cbow_mean: bool
    shrink_windows: bool
    batch_negatives: bool
    seed: int
    thread_split: str | None
    init_range: float | None
    max_vocab_size: int
    sequential_dot: bool
    hot_rows: int | None
    compute_loss: bool
    min_alpha: float | None
    ns_exponent: float
    max_final_vocab: int | None
    batch_words: int


class RunKeywords(TrainingKeywords, total=False):
    """``train()``'s keywords: the model's, and RUN_OPTIONS'."""

    save_vocab: str | os.PathLike[str] | None
    read_vocab: str | os.PathLike[str] | None
    backend: str
    checkpoint: str | os.PathLike[str] | None
    resume: str | os.PathLike[str] | None


def check_count(value: object, name: str, minimum: int) -> int:
    """A whole-number argument (topn, restrict_vocab) checked: a bool, a float
    or a value below ``minimum`` would slice the vocabulary silently wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise W2VError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise W2VError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def training_params(values: dict[str, object]) -> TrainingParams:
    """TrainingParams from keywords, naming any that is not a parameter."""
    _check_known(values, TRAINING_PARAMETERS)
    return TrainingParams(**values)


def phrase_params(values: dict[str, object]) -> PhraseParams:
    """PhraseParams from keywords, naming any that is not a parameter."""
    _check_known(values, PHRASE_PARAMETERS)
    return PhraseParams(**values)


def _check_known(values: dict[str, object], declarations: tuple[Parameter, ...]) -> None:
    known = {p.name for p in declarations}
    unknown = sorted(set(values) - known)
    if unknown:
        raise W2VError(f"unknown parameter {unknown[0]!r}; the parameters are "
                       f"{', '.join(sorted(known))}")


def _is_switch(value: object) -> bool:
    """A bool, or the integer 0 or 1 (word2vec.c's flags take 0/1): never a
    string or any other truthy object, which would silently turn a mode on."""
    if isinstance(value, (bool, np.bool_)):
        return True
    return isinstance(value, (int, np.integer)) and value in (0, 1)


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, (bool, np.bool_)))
