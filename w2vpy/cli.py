"""Command-line tools: ``w2v-train`` takes word2vec.c's flags and ``w2v-phrase``
word2phrase.c's; ``w2v-distance``, ``w2v-analogy`` and ``w2v-accuracy`` mirror
word2vec.c's distance, word-analogy and compute-accuracy.  Errors are one line
on stderr and a non-zero exit; Ctrl-C exits 130 and leaves earlier output
files as they were."""
from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence

from w2vpy.errors import TrainingDiverged, W2VError
from w2vpy.parameters import (PHRASE_PARAMETERS, RUN_OPTIONS, TRAINING_PARAMETERS, Parameter,
                              ParameterError, PhraseParams, TrainingParams)

EXIT_ERROR = 1
#: a signal N ends a command with status 128 + N, as a shell reports it
#: (Ctrl-C 130, SIGTERM 143, SIGHUP 129)
EXIT_SIGNAL_BASE = 128

#: read by both commands: word2vec.c and word2phrase.c declare them alike
TRAIN_FLAG = Parameter("train", str, "-train", "Use text data from <file> to train the model "
                       "(.gz/.bz2/.xz, a directory, or - for stdin)", optional=True)
DEBUG_FLAG = Parameter("debug", int, "-debug", "Set the debug mode (2 = more info during "
                       "training)", default=2, minimum=0)

#: w2v-train's own flags; the model's are TrainingParams', the run's RUN_OPTIONS
COMMAND_FLAGS: tuple[Parameter, ...] = (
    TRAIN_FLAG,
    Parameter("output", str, "-output", "Use <file> to save the resulting word vectors / "
              "word clusters", optional=True),
    Parameter("classes", int, "-classes", "Output word classes rather than word vectors "
              "(0: vectors are written)", default=0, minimum=0),
    DEBUG_FLAG,
    Parameter("binary", bool, "-binary", "Save the resulting vectors in binary mode",
              default=False),
    Parameter("loss_plot", str, "-loss-plot", "Draw the loss per epoch into <file> (.png, .svg, "
              ".pdf; needs -compute-loss 1 and matplotlib)", optional=True, addition=True),
)
FLAGS: dict[str, Parameter] = {p.flag: p for p in (*COMMAND_FLAGS, *TRAINING_PARAMETERS,
                                                     *RUN_OPTIONS)}


def usage_text(title: str, flags: dict[str, Parameter], examples: str,
               metavars: dict[str, str] | None = None) -> str:
    """word2vec.c's usage text: its flags, then w2vpy's additions (a str
    flag's value shown as ``metavars`` names it, <file> otherwise)."""
    def usage(p: Parameter) -> str:
        return p.usage().replace("<file>", (metavars or {}).get(p.name, "<file>"), 1)

    return (f"{title}\n\nOptions:\nParameters for training:\n"
            + "".join(usage(p) for p in flags.values() if not p.addition)
            + "w2vpy additions:\n"
            + "".join(usage(p) for p in flags.values() if p.addition)
            + f"\nExamples:\n{examples}")


USAGE = usage_text("WORD VECTOR estimation toolkit (w2vpy, word2vec.c v0.1c compatible)", FLAGS,
                   "w2v-train -train data.txt -output vec.txt -size 200 -window 5 -sample 1e-4 "
                   "-negative 5 -hs 0 -binary 0 -cbow 1 -iter 3\n")


def read_flags(argv: Sequence[str], flags: dict[str, Parameter], command: str) -> dict[str, object]:
    """The flags as word2vec.c reads them (each ``-flag value``), each parsed
    by its declaration; messages name the flag."""
    given: dict[str, object] = {}
    i = 0
    while i < len(argv):
        flag = argv[i]
        if flag not in flags:
            raise W2VError(f"unknown option {flag!r} (run {command} -h for help)")
        if i + 1 >= len(argv):
            raise W2VError(f"argument missing for {flag}")
        declared = flags[flag]
        if declared.name in given:
            raise W2VError(f"option {flag} given twice")
        given[declared.name] = declared.parse(argv[i + 1])
        i += 2
    return given


def checked_options(given: dict[str, object],
                    options: Iterable[Parameter]) -> dict[str, object]:
    """Every option's value (``read_flags``' or its default), checked by its
    declaration; a refused value is named by its flag."""
    try:
        return {p.name: p.check(given.get(p.name, p.default)) for p in options}
    except ParameterError as exc:
        raise exc.for_command_line() from None


def parse_flags(given: dict[str, object], model_type: type, model: tuple[Parameter, ...],
                options: tuple[Parameter, ...]) -> tuple[Any, dict[str, object]]:
    """A command's flags (``read_flags``): the model's values as a ``model_type``
    (TrainingParams, PhraseParams), which checks them, and every option checked,
    defaults filled; a refused value is named by its flag."""
    checked = checked_options(given, options)
    try:
        return model_type(**{p.name: given[p.name] for p in model if p.name in given}), checked
    except ParameterError as exc:
        raise exc.for_command_line() from None


def parse_command_line(argv: Sequence[str]
                       ) -> tuple[TrainingParams, dict[str, object], dict[str, object]]:
    """w2v-train's flags, checked by the declarations they come from, and the
    model parameters the command line gave (name: value), which a resumed run
    holds against its checkpoint's."""
    given = read_flags(argv, FLAGS, "w2v-train")
    params, options = parse_flags(given, TrainingParams, TRAINING_PARAMETERS,
                                  (*COMMAND_FLAGS, *RUN_OPTIONS))
    return params, options, {p.name: given[p.name] for p in TRAINING_PARAMETERS
                             if p.name in given}


def train_command(argv: Sequence[str]) -> int:
    from w2vpy.model import TrainingJob, check_backend
    from w2vpy.system.paths import output_target
    from w2vpy.text.sentences import open_path

    if not argv:
        sys.stdout.write(USAGE)
        return 0
    params, options, given = parse_command_line(argv)
    if options["train"] is None:
        raise W2VError("no training file: give -train <file>")
    output, debug = options["output"], options["debug"]
    check_backend(params, options["backend"], will_train=output is not None)
    _check_loss_plot(options["loss_plot"], params, output)
    # Every path is checked for what it is before the long work, not after it.
    for path in (output, options["save_vocab"], options["checkpoint"], options["loss_plot"]):
        if path is not None:
            output_target(path)
    log = sys.stderr if debug > 0 else None
    job = TrainingJob(given, options, lambda declared: declared.flag)
    with open_path(options["train"]) as corpus:
        job.check_paths(corpus, "-train", ("-output", output))
        if log is not None:
            _announce(corpus)
        vocab = job.vocabulary(corpus, log, record_tokens=output is not None)
        if output is None:
            return 0
        try:
            _before_training(job.model, options["classes"], log)
        except BaseException:
            vocab.drop_record()
            raise
        callbacks = ((EpochLossLine(sys.stderr),) if debug > 1 and job.model.params.compute_loss
                     else ())
        report = job.train(corpus, progress=debug > 1, callbacks=callbacks, notices=sys.stderr)
    if log is not None:
        _report(report, debug)
    _write_output(output, vocab.words, job.model.weights.syn0, options)
    if options["loss_plot"] is not None:
        job.model.plot_loss(options["loss_plot"])
    return 0


def _check_loss_plot(path: str | None, params: TrainingParams, output: str | None) -> None:
    """-loss-plot's needs, before the training rather than after it."""
    if path is None:
        return
    if output is None:
        raise W2VError("-loss-plot needs -output: without it nothing is trained")
    if not params.compute_loss:
        raise W2VError("-loss-plot needs -compute-loss 1: the loss is summed only then")
    if os.path.realpath(path) == os.path.realpath(output):
        raise W2VError(f"-loss-plot and -output name the same file: {path}")
    from w2vpy.plots import check_picture_path
    check_picture_path(path)


def _before_training(model, classes: int, log) -> None:
    """What would fail after the training is checked before it; the model's
    size is stated at -debug 1."""
    from w2vpy.system.memory import describe_model
    from w2vpy.vectors.word_classes import check_class_count

    check_class_count(classes, len(model.vocab))
    if log is not None:
        params = model.params
        described = describe_model(len(model.vocab), params.vector_size, params.hs,
                                   params.negative)
        log.write(f"Model: {described}\n")


def _report(report, debug: int) -> None:
    rate = report.words_trained / max(report.seconds, 1e-9)
    sys.stderr.write(f"Trained {report.words_trained} words in {report.seconds:.2f} s "
                     f"({rate / 1000:.1f}k words/s)\n")
    if debug > 1 and report.hot_row_merges:
        hot = report.hot_rows
        sys.stderr.write(f"Private hot rows: {hot.hs_rows} inner nodes, {hot.ns_rows} words; "
                         f"merged {report.hot_row_merges} times\n")


def _write_output(output, words: list[bytes], vectors, options: dict[str, object]) -> None:
    """The vectors, or their K-means classes, written from the vocabulary's
    bytes (str keys would cost a decode and an encode of every word)."""
    from w2vpy.vectors.vector_files import write_classes, write_word2vec
    from w2vpy.vectors.word_classes import kmeans_classes

    if options["classes"] > 0:
        write_classes(output, words, kmeans_classes(vectors, options["classes"]))
    else:
        write_word2vec(output, words, vectors, binary=options["binary"])


def _announce(corpus) -> None:
    """word2vec.c's and word2phrase.c's first line, after the directory
    entries that are not read."""
    for path, why in corpus.skipped:
        sys.stderr.write(f"Skipped {path}: {why}\n")
    sys.stderr.write(f"Starting training using file {corpus.name}\n")


class EpochLossLine:
    """-debug 2 with -compute-loss: each epoch's loss as it ends."""

    def __init__(self, stream):
        self.stream = stream

    def on_epoch_end(self, model) -> None:
        loss = model.loss_history[-1]
        self.stream.write(f"\nEpoch {model.epochs_trained}: loss {loss:.6g} "
                          f"({loss / max(model.corpus_tokens, 1):.4f} per word)\n")


@dataclass(frozen=True)
class Command:
    """One command-line tool: its name, a line saying what it does (``python
    -m w2vpy`` lists them), its usage text and the function that runs it."""

    prog: str
    summary: str
    usage: str
    run: Callable[[Sequence[str]], int]
    #: its answers go to stdout (the query tools), so a closed stdout is an error
    answers_on_stdout: bool = False


#: what asks for the usage text or the version, as any argument: a file
#: named so is reached as ./-h
HELP_ARGUMENTS = ("-h", "--help")
VERSION_ARGUMENT = "--version"


def version_line(prog: str) -> str:
    from w2vpy import __version__
    return f"{prog} (w2vpy {__version__}; word2vec.c v0.1c compatible)\n"


def _answered_alone(command: Command, args: Sequence[str]) -> bool:
    """-h, --help and --version: answered on stdout, before anything runs."""
    if any(arg in HELP_ARGUMENTS for arg in args):
        sys.stdout.write(command.usage)
        return True
    if VERSION_ARGUMENT in args:
        sys.stdout.write(version_line(command.prog))
        return True
    return False


def _run(command: Command, argv: Sequence[str] | None) -> int:
    from w2vpy.system.interrupts import signal_number, terminating_signals_interrupt

    prog = command.prog
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None and (not args or command.answers_on_stdout or any(
            arg in (*HELP_ARGUMENTS, VERSION_ARGUMENT) for arg in args)):
        if sys.stderr is not None:
            sys.stderr.write(f"{prog}: error: standard output is closed: nowhere to write "
                             "the answer\n")
        return EXIT_ERROR
    try:
        if _answered_alone(command, args):
            return 0
        with terminating_signals_interrupt():
            return command.run(args)
    except BrokenPipeError:
        # whoever read our stdout stopped (``| head``): end quietly, as a
        # process killed by SIGPIPE would, with nothing more to flush there
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_SIGNAL_BASE + signal.SIGPIPE
    except KeyboardInterrupt as exc:
        signum = signal_number(exc)
        name = "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"
        sys.stderr.write(f"\n{prog}: interrupted{name}; no output was written\n")
        return EXIT_SIGNAL_BASE + signum
    except (W2VError, TrainingDiverged) as exc:
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return EXIT_ERROR
    except MemoryError as exc:
        sys.stderr.write(f"{prog}: error: out of memory ({exc})\n")
        return EXIT_ERROR
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"{prog}: error: {exc.strerror or exc}{where}\n")
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """``w2v-train``: word2vec.c's ``word2vec`` command."""
    return _run(COMMANDS["w2v-train"], argv)


# ---- w2v-phrase ----------------------------------------------------------------------

#: w2v-phrase's own flags; the phrase model's are PhraseParams'
PHRASE_COMMAND_FLAGS: tuple[Parameter, ...] = (
    TRAIN_FLAG,
    Parameter("output", str, "-output", "Use <file> to save the resulting word vectors / "
              "word clusters / phrases", optional=True),
    DEBUG_FLAG,
)
PHRASE_FLAGS: dict[str, Parameter] = {p.flag: p for p in (*PHRASE_COMMAND_FLAGS,
                                                            *PHRASE_PARAMETERS)}

PHRASE_USAGE = usage_text("WORD2PHRASE tool (w2vpy, word2phrase.c compatible)", PHRASE_FLAGS,
                          "w2v-phrase -train text.txt -output phrases.txt -threshold 100 "
                          "-debug 2\nw2v-phrase -train text.txt -output phrases.txt "
                          "-threshold 200,100\n")


def phrase_command(argv: Sequence[str]) -> int:
    from w2vpy.text.text_files import Corpus
    from w2vpy.system.paths import check_distinct, output_target
    from w2vpy.phrases import run_passes

    if not argv:
        sys.stdout.write(PHRASE_USAGE)
        return 0
    params, options = parse_flags(read_flags(argv, PHRASE_FLAGS, "w2v-phrase"), PhraseParams,
                                  PHRASE_PARAMETERS, PHRASE_COMMAND_FLAGS)
    if options["train"] is None:
        raise W2VError("no training file: give -train <file>")
    if options["output"] is None:
        raise W2VError("no output file: give -output <file>")
    output_target(options["output"])  # before the counting, not after it
    debug = options["debug"]
    with Corpus(options["train"]) as corpus:
        check_distinct([("-train", p) for p in corpus.input_paths],
                       [("-output", options["output"])])
        if debug > 0:
            _announce(corpus)
        run_passes(corpus, options["output"], params, sys.stderr if debug > 0 else None,
                   progress=debug > 1)
    return 0


def phrase_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-phrase``: word2phrase.c."""
    return _run(COMMANDS["w2v-phrase"], argv)


# ---- query tools -------------------------------------------------------------------

def _load_for_query(path: str):
    from w2vpy.word_vectors import load
    return load(path, unicode_errors="surrogateescape")


#: the longest query line, as word2vec.c's distance and word-analogy read
#: at most max_size (2000) characters a line
MAX_QUERY_BYTES = 2000


def _query_input() -> BinaryIO:
    """Standard input's bytes, where the questions come from; one line where
    there is none (closed: ``<&-``)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        raise W2VError("standard input is closed: there are no questions to read "
                       "(pipe them in, or type them)")
    return buffer


def _query_lines(stdin: BinaryIO) -> Iterator[bytes | None]:
    """Each stdin line, None for one longer than MAX_QUERY_BYTES (skipped
    a bounded piece at a time, never held whole)."""
    while True:
        line = stdin.readline(MAX_QUERY_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_QUERY_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stdin.readline(1 << 16)
        yield None


def _query_loop(prompt: str, handle: Callable[[list[str]], None]) -> None:
    from w2vpy.vectors.vector_files import split_words

    lines = _query_lines(_query_input())
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            sys.stdout.write(prompt)
            sys.stdout.flush()
        line = next(lines, b"")
        if line is None:
            sys.stdout.write(f"Query longer than {MAX_QUERY_BYTES} bytes: skipped\n")
            continue
        if not line:
            return
        # words are split where word2vec.c's tools split them, at spaces (and
        # tabs, which no word holds), never at a non-breaking space
        words = [w.decode("utf-8", "surrogateescape") for w in split_words(line)]
        if words == ["EXIT"]:
            return
        if words:
            handle(words)


def _print_neighbours(pairs) -> None:
    sys.stdout.write("\n                                              Word       Cosine distance\n"
                     "------------------------------------------------------------------------\n")
    for word, score in pairs:
        sys.stdout.write(f"{word:>50}\t\t{score:f}\n")
    sys.stdout.flush()


def _query_command(argv: Sequence[str], usage: str, prompt: str,
                   answer: Callable[[object, list[str], int], None]) -> int:
    """word2vec.c's distance / word-analogy: load FILE, answer stdin lines."""
    if not argv or len(argv) > 2:
        sys.stdout.write(usage)
        return 0 if not argv else EXIT_ERROR
    topn = _positive_int(argv[1], "N") if len(argv) > 1 else 40
    kv = _load_for_query(argv[0])
    _query_loop(prompt, lambda words: answer(kv, words, topn))
    return 0


def _answer_distance(kv, words: list[str], topn: int) -> None:
    for w in words:
        if w in kv:
            sys.stdout.write(f"\nWord: {w}  Position in vocabulary: {kv.get_index(w)}\n")
    missing = [w for w in words if w not in kv]
    if missing:
        sys.stdout.write(f"Out of dictionary word: {' '.join(missing)}\n")
        return
    _print_similar(kv, words, [], topn)


def _print_similar(kv, positive: list[str], negative: list[str], topn: int) -> None:
    """The nearest words, or one line saying why there are none (a query of
    zero vectors has no direction)."""
    try:
        pairs = kv.most_similar(positive=positive, negative=negative, topn=topn)
    except W2VError as exc:
        sys.stdout.write(f"No nearest words: {exc}\n")
        return
    _print_neighbours(pairs)


def _answer_analogy(kv, words: list[str], topn: int) -> None:
    if len(words) != 3:
        sys.stdout.write("Only three words were expected\n")
        return
    missing = [w for w in words if w not in kv]
    if missing:
        sys.stdout.write(f"Out of dictionary word: {' '.join(missing)}\n")
        return
    a, b, c = words
    _print_similar(kv, [b, c], [a], topn)


DISTANCE_USAGE = ("Usage: w2v-distance <FILE> [N]\nwhere FILE contains word projections (binary "
                  "or text); N nearest words are shown (default 40)\n")
ANALOGY_USAGE = ("Usage: w2v-analogy <FILE> [N]\nwhere FILE contains word projections; enter "
                 "three words A B C to get D as in A:B = C:D\n")
ACCURACY_USAGE = ("Usage: w2v-accuracy <FILE> [threshold] [QUESTIONS] < questions-words.txt\n"
                  "where FILE contains word projections, and threshold reduces the vocabulary "
                  "to its most frequent words (0 = off, default 30000)\n")


def distance_command(argv: Sequence[str]) -> int:
    return _query_command(argv, DISTANCE_USAGE, "Enter word or sentence (EXIT to break): ",
                          _answer_distance)


def analogy_command(argv: Sequence[str]) -> int:
    return _query_command(argv, ANALOGY_USAGE, "Enter three words (EXIT to break): ",
                          _answer_analogy)


def accuracy_command(argv: Sequence[str]) -> int:
    from w2vpy.vectors.evaluation import analogy_accuracy

    if not argv or len(argv) > 3:
        sys.stdout.write(ACCURACY_USAGE)
        return 0 if not argv else EXIT_ERROR
    threshold = 30000
    if len(argv) > 1:
        try:
            threshold = int(argv[1])
        except ValueError:
            raise W2VError(f"threshold must be an integer, got {argv[1]!r}") from None
        if threshold < 0:
            raise W2VError(f"threshold must be >= 0, got {threshold}")
    questions = argv[2] if len(argv) > 2 else None
    kv = _load_for_query(argv[0])
    if questions is None:
        result = analogy_accuracy(kv, _query_input(), threshold)
    else:
        result = analogy_accuracy(kv, questions, threshold)
    sys.stdout.write(result.report() + "\n")
    return 0


def _positive_int(text: str, name: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise W2VError(f"{name} must be an integer, got {text!r}") from None
    if value < 1:
        raise W2VError(f"{name} must be >= 1, got {value}")
    return value


def distance_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-distance``: word2vec.c's distance."""
    return _run(COMMANDS["w2v-distance"], argv)


def analogy_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-analogy``: word2vec.c's word-analogy."""
    return _run(COMMANDS["w2v-analogy"], argv)


def accuracy_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-accuracy``: word2vec.c's compute-accuracy."""
    return _run(COMMANDS["w2v-accuracy"], argv)


# ---- pictures and exports ------------------------------------------------------------

def _usage_as(declared: Parameter, metavars: dict[str, str]) -> str:
    """The flag's usage lines, its value named as ``metavars`` says (a str
    flag's is <file> otherwise)."""
    if declared.name not in metavars:
        return declared.usage()
    return declared.usage().replace("<file>", metavars[declared.name], 1)


PLOT_FLAGS: dict[str, Parameter] = {p.flag: p for p in (
    Parameter("output", str, "-output", "Save the map to <file> (.png, .svg, .pdf)",
              optional=True),
    Parameter("words", str, "-words", "The words to show, separated by commas", optional=True),
    Parameter("top", int, "-top", "Show the <int> most frequent words instead (</s> skipped)",
              optional=True, minimum=2),
    Parameter("method", str, "-method", "pca (numpy), or tsne (needs scikit-learn)",
              default="pca", choices=("pca", "tsne")),
)}
PLOT_USAGE = ("Usage: w2v-plot <FILE> -output <map.png> [-words w1,w2,...] [-top N] "
              "[-method pca|tsne]\nwhere FILE contains word projections (binary or text); "
              "draws a 2-D map of the words (the 50 most frequent by default), each labelled; "
              "needs matplotlib (pip install 'w2vpy[plot]')\n\nOptions:\n"
              + "".join(_usage_as(p, {"words": "<word,word,...>"}) for p in PLOT_FLAGS.values())
              + "\nExample:\nw2v-plot vectors.bin -words king,queen,man,woman -output map.png\n")

EXPORT_FLAGS: dict[str, Parameter] = {p.flag: p for p in (
    Parameter("format", str, "-format", "What to write: projector (TensorBoard's Embedding "
              "Projector files)", default="projector", choices=("projector",)),
    Parameter("output", str, "-output", "Write into the directory <dir>", optional=True),
    Parameter("read_vocab", str, "-read-vocab", "Take the words' counts from <file> "
              "(w2v-train -save-vocab's); without it the count column is empty",
              optional=True),
)}
EXPORT_USAGE = ("Usage: w2v-export <FILE> -format projector -output <dir> [-read-vocab FILE]\n"
                "where FILE contains word projections (binary or text); writes tensors.tsv, "
                "metadata.tsv and projector_config.pbtxt (tensorboard --logdir <dir> shows "
                "them)\n\nOptions:\n"
                + "".join(_usage_as(p, {"output": "<dir>"}) for p in EXPORT_FLAGS.values())
                + "\nExample:\nw2v-export vectors.bin -format projector -output projector\n")


def _vectors_and_flags(argv: Sequence[str], flags: dict[str, Parameter], command: str,
                       output: str) -> tuple[str, dict[str, object]]:
    """FILE and the flags after it, each checked by its declaration."""
    options = checked_options(read_flags(argv[1:], flags, command), flags.values())
    if options["output"] is None:
        raise W2VError(f"no output: give -output <{output}>")
    return argv[0], options


def plot_command(argv: Sequence[str]) -> int:
    from w2vpy.plots import check_picture_path
    from w2vpy.system.paths import output_target

    if not argv:
        sys.stdout.write(PLOT_USAGE)
        return 0
    path, options = _vectors_and_flags(argv, PLOT_FLAGS, "w2v-plot", "file")
    words = options["words"]
    if words is not None:
        words = [w for w in words.split(",") if w]
        if not words:
            raise W2VError("-words holds no word")
    check_picture_path(options["output"])
    output_target(options["output"])  # before the vectors are read, not after
    _load_for_query(path).plot(words, top=options["top"], path=options["output"],
                               method=options["method"])
    return 0


def export_command(argv: Sequence[str]) -> int:
    from w2vpy.word_vectors import KeyedVectors

    if not argv:
        sys.stdout.write(EXPORT_USAGE)
        return 0
    path, options = _vectors_and_flags(argv, EXPORT_FLAGS, "w2v-export", "dir")
    if options["read_vocab"] is None:
        # no made-up counts (gensim's reader invents descending ones)
        kv = _load_for_query(path)
    else:
        kv = KeyedVectors.load_word2vec_format(path, fvocab=options["read_vocab"],
                                               unicode_errors="surrogateescape")
    kv.save_projector(options["output"])
    return 0


def plot_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-plot``: a labelled 2-D map of words (w2vpy.plots)."""
    return _run(COMMANDS["w2v-plot"], argv)


def export_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-export``: vectors for TensorBoard's Embedding Projector."""
    return _run(COMMANDS["w2v-export"], argv)


#: every command, as the package's entry points name them
COMMANDS: dict[str, Command] = {c.prog: c for c in (
    Command("w2v-train", "train word vectors (word2vec.c's word2vec)", USAGE, train_command),
    Command("w2v-phrase", "join frequent word pairs into phrases (word2phrase.c)",
            PHRASE_USAGE, phrase_command),
    Command("w2v-distance", "nearest words to a word or a phrase (word2vec.c's distance)",
            DISTANCE_USAGE, distance_command, answers_on_stdout=True),
    Command("w2v-analogy", "A is to B as C is to ? (word2vec.c's word-analogy)",
            ANALOGY_USAGE, analogy_command, answers_on_stdout=True),
    Command("w2v-accuracy", "analogy questions' accuracy (word2vec.c's compute-accuracy)",
            ACCURACY_USAGE, accuracy_command, answers_on_stdout=True),
    Command("w2v-plot", "a labelled 2-D map of words (PCA or t-SNE; needs matplotlib)",
            PLOT_USAGE, plot_command),
    Command("w2v-export", "vectors for TensorBoard's Embedding Projector",
            EXPORT_USAGE, export_command),
)}


# ---- w2v-prepare -------------------------------------------------------------------

#: w2v-prepare's flags: word2vec.c's spelling where it has one
PREPARE_FLAGS: dict[str, Parameter] = {p.flag: p for p in (
    Parameter("train", str, "-train", "Use text data from <file> (.gz/.bz2/.xz, a directory, a "
              "glob or an fsspec URL; several separated by commas)", optional=True),
    Parameter("output", str, "-output", "Write the prepared corpus (vocabulary, shards, "
              "manifest) to the directory <dir> (or an fsspec URL)", optional=True),
    *(p for p in TRAINING_PARAMETERS if p.name in ("min_count", "max_vocab_size")),
    Parameter("phrases", int, "-phrases", "word2phrase passes before counting, each reading "
              "the last one's output (as w2v-phrase -passes <int> -min-count <min-count>), "
              "0 for none", default=0, minimum=0, maximum=1000, addition=True),
    Parameter("threshold", float, "-threshold", "The phrase score threshold of every pass "
              "(with -phrases)", default=100.0, minimum=0, addition=True),
    *(replace(p, name="phrase_max_vocab_size", flag="-phrase-max-vocab-size",
                          help=p.help + " (each piece's table, with -phrases)")
      for p in PHRASE_PARAMETERS if p.name == "max_vocab_size"),
    Parameter("scheduler", str, "-scheduler", "Run on the Dask cluster whose scheduler is at "
              "<addr> (default: a local cluster of worker processes)", optional=True,
              addition=True),
    Parameter("text_column", str, "-text-column", "Read Parquet files, the text from column "
              "<name>", optional=True, addition=True),
    Parameter("piece_bytes", int, "-piece-bytes", "Cut plain text into pieces of about <int> "
              "bytes", default=64 << 20, minimum=1, addition=True),
    Parameter("partitions", int, "-partitions", "Merge the counts in <int> hash partitions "
              "(default: two per worker)", optional=True, minimum=1, addition=True),
    DEBUG_FLAG,
)}

PREPARE_USAGE = usage_text("CORPUS PREPARATION on a Dask cluster (w2vpy)", PREPARE_FLAGS,
                           "w2v-prepare -train 'corpus/*.gz' -output prepared -min-count 5\n"
                           "w2v-train -train prepared -output vec.bin -binary 1\n",
                           {"scheduler": "<addr>", "text_column": "<name>", "output": "<dir>"})


def prepare_command(argv: Sequence[str]) -> int:
    from w2vpy.preparation import prepare

    if not argv:
        sys.stdout.write(PREPARE_USAGE)
        return 0
    options = checked_options(read_flags(argv, PREPARE_FLAGS, "w2v-prepare"),
                              PREPARE_FLAGS.values())
    if options["train"] is None:
        raise W2VError("no training file: give -train <file>")
    if options["output"] is None:
        raise W2VError("no output directory: give -output <dir>")
    prepared = prepare(options["train"].split(","), options["output"],
                       scheduler=options["scheduler"], text_column=options["text_column"],
                       min_count=options["min_count"], max_vocab_size=options["max_vocab_size"],
                       phrases=options["phrases"], threshold=options["threshold"],
                       phrase_max_vocab_size=options["phrase_max_vocab_size"],
                       piece_bytes=options["piece_bytes"], partitions=options["partitions"],
                       progress=options["debug"] > 1)
    if options["debug"] > 0:
        sys.stderr.write(f"Vocab size: {prepared.manifest['vocabulary']['words']}\n"
                         f"Words in train file: {prepared.manifest['vocabulary']['train_words']}"
                         f"\nPrepared {len(prepared.manifest['pieces'])} pieces into "
                         f"{prepared.name}\n")
    return 0


def prepare_main(argv: Sequence[str] | None = None) -> int:
    """``w2v-prepare``: count and encode a corpus on a Dask cluster (w2vpy.prepare)."""
    return _run(COMMANDS["w2v-prepare"], argv)


COMMANDS["w2v-prepare"] = Command("w2v-prepare", "count and encode a corpus on a Dask cluster, "
                                  "for training from it", PREPARE_USAGE, prepare_command)


if __name__ == "__main__":
    sys.exit(main())
