"""Command-line tools: ``w2v-train`` takes word2vec.c's flags; ``w2v-distance``,
``w2v-analogy`` and ``w2v-accuracy`` mirror word2vec.c's distance, word-analogy
and compute-accuracy.  Errors are one line on stderr and a non-zero exit;
Ctrl-C exits 130 and leaves earlier output files as they were."""
from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

from w2vpy.errors import TrainingDiverged, W2VError

EXIT_ERROR = 1
#: a signal N ends a command with status 128 + N, as a shell reports it
#: (Ctrl-C 130, SIGTERM 143, SIGHUP 129)
EXIT_SIGNAL_BASE = 128

USAGE = """WORD VECTOR estimation toolkit (w2vpy, word2vec.c v0.1c compatible)

Options:
Parameters for training:
\t-train <file>
\t\tUse text data from <file> to train the model (.gz/.bz2/.xz, a directory, or - for stdin)
\t-output <file>
\t\tUse <file> to save the resulting word vectors / word clusters
\t-size <int>
\t\tSet size of word vectors; default is 100
\t-window <int>
\t\tSet max skip length between words; default is 5
\t-sample <float>
\t\tSet threshold for occurrence of words. Those that appear with higher frequency in the training data
\t\twill be randomly down-sampled; default is 1e-3, useful range is (0, 1e-5)
\t-hs <int>
\t\tUse Hierarchical Softmax; default is 0 (not used)
\t-negative <int>
\t\tNumber of negative examples; default is 5, common values are 3 - 10 (0 = not used)
\t-threads <int>
\t\tUse <int> threads (default 12)
\t-iter <int>
\t\tRun more training iterations (default 5)
\t-min-count <int>
\t\tThis will discard words that appear less than <int> times; default is 5
\t-alpha <float>
\t\tSet the starting learning rate; default is 0.025 for skip-gram and 0.05 for CBOW
\t-classes <int>
\t\tOutput word classes rather than word vectors; default number of classes is 0 (vectors are written)
\t-debug <int>
\t\tSet the debug mode (default = 2 = more info during training)
\t-binary <int>
\t\tSave the resulting vectors in binary moded; default is 0 (off)
\t-save-vocab <file>
\t\tThe vocabulary will be saved to <file>
\t-read-vocab <file>
\t\tThe vocabulary will be read from <file>, not constructed from the training data
\t-cbow <int>
\t\tUse the continuous bag of words model; default is 1 (use 0 for skip-gram model)
w2vpy additions:
\t-seed <int>
\t\tOffset of every random stream; default 0 reproduces word2vec.c's
\t-max-vocab-size <int>
\t\tPrune rare words while counting when more distinct words are seen; default 21000000
\t-sequential-dot <int>
\t\tSum dot products in word2vec.c's order (slower, bit-identical single-thread); default 0
\t-hot-rows <int|auto>
\t\tWith several threads, each trains private copies of the most visited output rows,
\t\tmerged every 1024 words; auto (default) chooses them, 0 is word2vec.c's pure Hogwild
\t-backend <cpu|cuda>
\t\tTrain on the CPU (default) or on a CUDA GPU through cupy

Examples:
w2v-train -train data.txt -output vec.txt -size 200 -window 5 -sample 1e-4 -negative 5 -hs 0 -binary 0 -cbow 1 -iter 3
"""


@dataclass
class Flag:
    parse: Callable[[str], object]
    default: object


def _int(text: str) -> int:
    return int(text, 10)


def _float(text: str) -> float:
    return float(text)


def _text(text: str) -> str:
    return text


AUTO = "auto"


def _int_or_auto(text: str) -> int | None:
    return None if text == AUTO else _int(text)


FLAGS: dict[str, Flag] = {
    "-train": Flag(_text, None),
    "-output": Flag(_text, None),
    "-size": Flag(_int, 100),
    "-window": Flag(_int, 5),
    "-sample": Flag(_float, 1e-3),
    "-hs": Flag(_int, 0),
    "-negative": Flag(_int, 5),
    "-threads": Flag(_int, 12),
    "-iter": Flag(_int, 5),
    "-min-count": Flag(_int, 5),
    "-alpha": Flag(_float, None),
    "-classes": Flag(_int, 0),
    "-debug": Flag(_int, 2),
    "-binary": Flag(_int, 0),
    "-save-vocab": Flag(_text, None),
    "-read-vocab": Flag(_text, None),
    "-cbow": Flag(_int, 1),
    "-seed": Flag(_int, 0),
    "-max-vocab-size": Flag(_int, 21_000_000),
    "-sequential-dot": Flag(_int, 0),
    "-hot-rows": Flag(_int_or_auto, None),
    "-backend": Flag(_text, "cpu"),
}


def parse_flags(argv: Sequence[str]) -> dict[str, object]:
    values = {name: flag.default for name, flag in FLAGS.items()}
    seen: set[str] = set()
    i = 0
    while i < len(argv):
        name = argv[i]
        if name not in FLAGS:
            raise W2VError(f"unknown option {name!r} (run w2v-train with no arguments for help)")
        if i + 1 >= len(argv):
            raise W2VError(f"argument missing for {name}")
        if name in seen:
            raise W2VError(f"option {name} given twice")
        seen.add(name)
        text = argv[i + 1]
        try:
            values[name] = FLAGS[name].parse(text)
        except ValueError:
            kind = {_int: "an integer", _int_or_auto: f"an integer or {AUTO!r}"}.get(
                FLAGS[name].parse, "a number")
            raise W2VError(f"invalid value for {name}: {text!r} is not {kind}") from None
        i += 2
    return values


def _params_from_flags(flags: dict[str, object]):
    from w2vpy.api import check_backend
    from w2vpy.training import TrainingParams

    for name in ("-hs", "-cbow", "-binary", "-sequential-dot"):
        if flags[name] not in (0, 1):
            raise W2VError(f"{name} must be 0 or 1, got {flags[name]}")
    if flags["-classes"] < 0:
        raise W2VError(f"-classes must be >= 0, got {flags['-classes']}")
    if flags["-debug"] < 0:
        raise W2VError(f"-debug must be >= 0, got {flags['-debug']}")
    params = TrainingParams(
        vector_size=flags["-size"], window=flags["-window"], min_count=flags["-min-count"],
        sample=flags["-sample"], sg=not flags["-cbow"], hs=bool(flags["-hs"]),
        negative=flags["-negative"], workers=flags["-threads"], epochs=flags["-iter"],
        alpha=flags["-alpha"], seed=flags["-seed"], max_vocab_size=flags["-max-vocab-size"],
        sequential_dot=bool(flags["-sequential-dot"]), hot_rows=flags["-hot-rows"],
    ).validated()
    check_backend(params, flags["-backend"])
    return params


def train_command(argv: Sequence[str]) -> int:
    from w2vpy.api import corpus_inputs, prepare_vocab, train_on_vocab
    from w2vpy.classes import check_class_count, kmeans_classes
    from w2vpy.corpus import Corpus
    from w2vpy.formats import write_classes
    from w2vpy.memory import describe_model
    from w2vpy.paths import check_distinct, output_target

    if not argv:
        sys.stdout.write(USAGE)
        return 0
    flags = parse_flags(argv)
    params = _params_from_flags(flags)
    if flags["-train"] is None:
        raise W2VError("no training file: give -train <file>")
    output, debug = flags["-output"], flags["-debug"]
    outputs = [("-output", output), ("-save-vocab", flags["-save-vocab"])]
    # Every path is checked for what it is before the long work, not after it.
    for _, path in outputs:
        if path is not None:
            output_target(path)
    if flags["-backend"] == "cuda" and output is not None:
        from w2vpy.cuda_backend import require_cuda
        require_cuda()
    log = sys.stderr if debug > 0 else None
    with Corpus(flags["-train"]) as corpus:
        check_distinct(corpus_inputs(corpus, flags["-read-vocab"], "-train", "-read-vocab"),
                       outputs)
        if debug > 0:
            for path, why in corpus.skipped:
                sys.stderr.write(f"Skipped {path}: {why}\n")
            sys.stderr.write(f"Starting training using file {corpus.name}\n")
        vocab = prepare_vocab(corpus, params, flags["-read-vocab"], flags["-save-vocab"], log,
                              record_tokens=output is not None)
        if output is None:
            return 0
        check_class_count(flags["-classes"], len(vocab))  # now, not after the training
        if debug > 0:
            model = describe_model(len(vocab), params.vector_size, params.hs, params.negative)
            sys.stderr.write(f"Model: {model}\n")
        vectors, report = train_on_vocab(corpus, vocab, params, flags["-backend"],
                                         progress=debug > 1)
    if debug > 0:
        rate = report.words_trained / max(report.seconds, 1e-9)
        sys.stderr.write(f"Trained {report.words_trained} words in {report.seconds:.2f} s "
                         f"({rate / 1000:.1f}k words/s)\n")
    if flags["-classes"] > 0:
        classes = kmeans_classes(vectors.vectors, flags["-classes"])
        write_classes(output, vectors.words_bytes(), classes)
    else:
        vectors.save(output, binary=bool(flags["-binary"]))
    return 0


def _run(command: Callable[[Sequence[str]], int], prog: str, argv: Sequence[str] | None) -> int:
    from w2vpy.interrupts import signal_number, terminating_signals_interrupt

    try:
        with terminating_signals_interrupt():
            return command(list(sys.argv[1:] if argv is None else argv))
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
    return _run(train_command, "w2v-train", argv)


# ---- query tools -------------------------------------------------------------------

def _load_for_query(path: str):
    from w2vpy.keyedvectors import load
    return load(path, unicode_errors="surrogateescape")


def _query_loop(prompt: str, handle: Callable[[list[str]], None]) -> None:
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            sys.stdout.write(prompt)
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            return
        words = line.split()
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
    _print_neighbours(kv.most_similar(positive=words, topn=topn))


def _answer_analogy(kv, words: list[str], topn: int) -> None:
    if len(words) != 3:
        sys.stdout.write("Only three words were expected\n")
        return
    missing = [w for w in words if w not in kv]
    if missing:
        sys.stdout.write(f"Out of dictionary word: {' '.join(missing)}\n")
        return
    a, b, c = words
    _print_neighbours(kv.most_similar(positive=[b, c], negative=[a], topn=topn))


def distance_command(argv: Sequence[str]) -> int:
    return _query_command(
        argv, "Usage: w2v-distance <FILE> [N]\nwhere FILE contains word projections (binary or "
        "text); N nearest words are shown (default 40)\n",
        "Enter word or sentence (EXIT to break): ", _answer_distance)


def analogy_command(argv: Sequence[str]) -> int:
    return _query_command(
        argv, "Usage: w2v-analogy <FILE> [N]\nwhere FILE contains word projections; enter three "
        "words A B C to get D as in A:B = C:D\n",
        "Enter three words (EXIT to break): ", _answer_analogy)


def accuracy_command(argv: Sequence[str]) -> int:
    from w2vpy.evaluation import analogy_accuracy

    if not argv or len(argv) > 3:
        sys.stdout.write("Usage: w2v-accuracy <FILE> [threshold] [QUESTIONS] < questions-words.txt\n"
                         "where FILE contains word projections, and threshold reduces the "
                         "vocabulary to its most frequent words (0 = off, default 30000)\n")
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
        result = analogy_accuracy(kv, sys.stdin.buffer.read(), threshold)
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
    return _run(distance_command, "w2v-distance", argv)


def analogy_main(argv: Sequence[str] | None = None) -> int:
    return _run(analogy_command, "w2v-analogy", argv)


def accuracy_main(argv: Sequence[str] | None = None) -> int:
    return _run(accuracy_command, "w2v-accuracy", argv)


if __name__ == "__main__":
    sys.exit(main())
