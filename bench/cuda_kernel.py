"""The CUDA kernel alone: its training rate per mode and vector size, for the
build the driver picks (the smallest vector-size class that holds the size)
against the build for the largest vectors, interleaved.

    python bench/cuda_kernel.py --corpus en-8m.txt --sizes 100,300 --repeats 3

The vocabulary and the encoded corpus are made once; each run is one call of
cuda_backend.train_weights_cuda, timed by its own clock (the launches, the
ids' reads and transfers; not the kernel's compilation, done before). The
table goes to stdout and, with --results, into that file's block.  Needs cupy
and a GPU.
"""
from __future__ import annotations

import argparse
import datetime
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import MODES, machine, markers, write_results  # noqa: E402

from w2vpy.text.text_files import open_corpus  # noqa: E402
from w2vpy.training.cuda_backend import (MAX_VECTOR_SIZE, CupyKernel, kernel_vector_size,  # noqa: E402
                                train_weights_cuda)
from w2vpy.text.word_ids import encode_corpus  # noqa: E402
from w2vpy.errors import W2VError  # noqa: E402
from w2vpy.model import prepare_vocab  # noqa: E402
from w2vpy.parameters import training_params  # noqa: E402

#: run.py's flags, in the package's names
MODE_PARAMETERS = {mode: dict(sg=int(flags["-cbow"] == "0"), hs=int(flags["-hs"]),
                              negative=int(flags["-negative"]))
                   for mode, (flags, _) in MODES.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", required=True)
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--sizes", default="100,300")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--results", default=None)
    p.add_argument("--label", default="CUDA kernel builds")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    common = dict(window=5, sample=1e-4, min_count=5, epochs=args.epochs)
    builds = sorted({kernel_vector_size(s) for s in sizes} | {MAX_VECTOR_SIZE})
    try:
        kernels = {n: CupyKernel(n) for n in builds}  # compiled before any timing
    except W2VError as exc:
        sys.exit(f"cuda_kernel.py: {exc}")
    rows = ["| mode | size | kernel built for | training words/s, median (min-max) |",
            "| --- | --- | --- | --- |"]
    with open_corpus(args.corpus) as corpus:
        vocab = prepare_vocab(corpus, training_params(common), record_tokens=True)
        with encode_corpus(corpus, vocab) as encoded:
            for mode in args.modes.split(","):
                for size in sizes:
                    params = training_params(dict(common, vector_size=size,
                                                  **MODE_PARAMETERS[mode]))
                    compared = sorted({kernel_vector_size(size), MAX_VECTOR_SIZE})
                    rates: dict[int, list[float]] = {n: [] for n in compared}
                    for _ in range(args.repeats):
                        for n in compared:  # interleaved
                            _, trained = train_weights_cuda(vocab, encoded.file,
                                                            encoded.tokens, params,
                                                            kernel=kernels[n])
                            rates[n].append(trained.words / trained.seconds)
                            print(f"{mode} size {size} build {n}: "
                                  f"{rates[n][-1] / 1e6:.1f}M words/s", flush=True)
                    for n in compared:
                        r = rates[n]
                        rows.append(f"| {mode} | {size} | {n} | {statistics.median(r) / 1e6:.1f}M "
                                    f"({min(r) / 1e6:.1f}-{max(r) / 1e6:.1f}) |")
    begin, end = markers(args.label)
    text = "\n".join([begin, f"### {args.label}", "",
                      f"Measured {datetime.date.today().isoformat()} on {machine()}.",
                      f"Corpus `{Path(args.corpus).name}`, {vocab.train_words:,} words, "
                      f"{args.epochs} epoch(s), `-window 5 -sample 1e-4 -min-count 5`; "
                      f"{args.repeats} repeats interleaved; the training alone (w2vpy's own "
                      "clock), the kernel compiled before.", "", *rows, "",
                      end])
    print(text)
    if args.results:
        write_results(Path(args.results), text, args.label)


if __name__ == "__main__":
    main()
