"""w2vpy against gensim on Python token lists (gensim's ``sentences=``), side by side.

    python bench/token_lists.py --corpus ../shared/corpus/en-8m.txt.gz --repeats 3

The corpus is read once and cut into sentences of 1000 tokens held as Python
lists of str, before any timing.  Each run is the whole call that turns those
lists into vectors, the same line of a gensim script for both:
``Word2Vec(sentences=lists, ...)`` (vocabulary and training in the
constructor), with gensim's class and with w2vpy's (a script changed only in
its import).  Both run in this process, interleaved (gensim, w2vpy, gensim,
...), with the CPU benchmark's settings (``-window 5 -sample 1e-4 -min-count
5``, each mode's reference epochs or ``--epochs``, word2vec.c's starting alpha
for both, 2 workers); every other parameter is each class's own default.  Accuracy: questions-words,
30000 most frequent words, compute-accuracy's rules, each run.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import logging
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from run import machine, markers, median, write_results  # noqa: E402

#: mode: (sg, epochs), negative sampling 5 in both
MODES = {"cbow-ns": (False, 5), "sg-ns": (True, 3)}
SENTENCE_TOKENS = 1000


def sentences(corpus: Path) -> list[list[str]]:
    with open(corpus, "rb") as f:
        opener = gzip.open if f.read(2) == b"\x1f\x8b" else open
    with opener(corpus, "rt", encoding="utf-8", errors="surrogateescape") as f:
        words = f.read().split()
    return [words[i:i + SENTENCE_TOKENS] for i in range(0, len(words), SENTENCE_TOKENS)]


def gensim_call(word2vec_class, lists, sg: bool, epochs: int, workers: int, size: int):
    """The one call a gensim script makes, the same words for both classes:
    vocabulary and training in the constructor."""
    started = time.perf_counter()
    model = word2vec_class(sentences=lists, vector_size=size, window=5, sample=1e-4,
                           min_count=5, sg=int(sg), hs=0, negative=5, epochs=epochs,
                           workers=workers, alpha=0.025 if sg else 0.05, seed=1)
    return time.perf_counter() - started, model


def run_gensim(lists, sg: bool, epochs: int, workers: int, size: int):
    from gensim.models import Word2Vec
    from w2vpy import KeyedVectors

    wall, model = gensim_call(Word2Vec, lists, sg, epochs, workers, size)
    return wall, KeyedVectors(list(model.wv.index_to_key), model.wv.vectors)


def run_w2vpy(lists, sg: bool, epochs: int, workers: int, size: int):
    from w2vpy import Word2Vec

    wall, model = gensim_call(Word2Vec, lists, sg, epochs, workers, size)
    return wall, model.wv


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", default=str(REPO.parent / "shared/corpus/en-8m.txt.gz"))
    p.add_argument("--questions", default=str(REPO.parent / "shared/corpus/questions-words.txt"))
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--epochs", type=int, default=None,
                   help="every mode's epochs (default: each mode's reference epochs)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--results", default=str(HERE / "RESULTS.md"))
    p.add_argument("--label", default="token lists against gensim")
    args = p.parse_args()
    logging.disable(logging.CRITICAL)
    lists = sentences(Path(args.corpus))
    words = sum(len(s) for s in lists)
    print(f"{len(lists)} sentences, {words} words", file=sys.stderr)
    runners = {"gensim": run_gensim, "w2vpy": run_w2vpy}
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    modes = args.modes.split(",")
    for repeat in range(args.repeats):
        for mode in modes:
            sg, epochs = MODES[mode]
            epochs = args.epochs or epochs
            for impl, runner in runners.items():
                wall, vectors = runner(lists, sg, epochs, args.workers, args.size)
                acc = vectors.analogy_accuracy(args.questions, 30000).accuracy
                results.setdefault((mode, impl), []).append((wall, acc))
                print(f"{repeat} {mode} {impl}: {wall:.2f} s, {acc * 100:.2f}%",
                      file=sys.stderr, flush=True)
    write_results(Path(args.results), render(results, modes, args, words), args.label)


def render(results, modes: list[str], args, words: int) -> str:
    begin, end = markers(args.label)
    lines = [begin, f"### {args.label}", "",
             f"Measured {datetime.date.today().isoformat()} on {machine()}, "
             f"`bench/token_lists.py --repeats {args.repeats}"
             + (f" --epochs {args.epochs}" if args.epochs else "") + "`.",
             f"Corpus `{Path(args.corpus).name}` ({words:,} words) as Python lists of "
             f"{SENTENCE_TOKENS} str tokens; `-window 5 -sample 1e-4 -min-count 5`, size "
             f"{args.size}, negative 5, {args.workers} workers; wall time of the whole call "
             "(vocabulary and training) in this process, median (min-max); accuracy "
             "median (min-max) of the runs.", "",
             "| mode | epochs | implementation | wall s (min-max) | accuracy | w2vpy time / "
             "gensim's | accuracy, w2vpy - gensim |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for mode in modes:
        epochs = args.epochs or MODES[mode][1]
        walls = {impl: [w for w, _ in results[(mode, impl)]] for impl in ("gensim", "w2vpy")}
        accs = {impl: [a for _, a in results[(mode, impl)]] for impl in ("gensim", "w2vpy")}
        for impl in ("gensim", "w2vpy"):
            w, a = walls[impl], accs[impl]
            ratio = diff = ""
            if impl == "w2vpy":
                ratio = f"{median(w) / median(walls['gensim']):.2f}x"
                diff = f"{(median(a) - median(accs['gensim'])) * 100:+.2f} points"
            lines.append(f"| {mode} | {epochs} | {impl} | {median(w):.1f} ({min(w):.1f}-"
                         f"{max(w):.1f}) | {median(a) * 100:.2f}% ({min(a) * 100:.2f}-"
                         f"{max(a) * 100:.2f}) | {ratio} | {diff} |")
    lines += ["", end]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
