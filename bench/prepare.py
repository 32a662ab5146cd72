"""``w2vpy.prepare`` on a LocalCluster against ``w2v-train``'s own vocabulary
and encoding phases, as the corpus grows.

    python bench/prepare.py --corpus ../shared/corpus/en-8m.txt.gz --multiples 1,4,16

The corpus is decompressed once and written with a line end after every 1000
words (en-8m is text8-style, one line of 8.8 million words; the blocks measured
so far were made so, when prepare cut plain text only at line ends, and the
line ends are kept so that they stay comparable), then concatenated ``k``
times into one file for each multiple.  For each multiple,
interleaved, each repeat runs:

- ``w2v-train`` on 2 threads (``-size 10 -iter 1 -negative 1``, the smallest
  training that still goes through every phase): its vocabulary and encoding
  phases are the whole process's wall time less the training time it prints
  (``-debug 1``'s "Trained N words in T s") and less the writing of its tiny
  output;
- ``prepare()`` with 2 and with 1 worker process of 1 thread, each in a fresh
  Python process that starts its own ``LocalCluster``: the wall time of the
  whole process (cluster start-up included, as ``w2v-prepare`` pays it) and of
  the ``prepare()`` call alone, and each worker's peak RSS (``getrusage`` in the
  worker, after the job).

The block goes to ``bench/RESULTS.md`` between its markers.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from run import installed_script, machine, markers, median, write_results  # noqa: E402

LINE_WORDS = 1000
TRAINED = re.compile(rb"Trained \d+ words in ([\d.]+) s")


def lined_corpus(source: Path, workdir: Path) -> Path:
    """The corpus with a line end after every LINE_WORDS words (made once)."""
    target = workdir / "lined-1.txt"
    if target.exists():
        return target
    with open(source, "rb") as f:
        opener = gzip.open if f.read(2) == b"\x1f\x8b" else open
    with opener(source, "rb") as f:
        words = f.read().split()
    with open(target, "wb") as out:
        for i in range(0, len(words), LINE_WORDS):
            out.write(b" ".join(words[i:i + LINE_WORDS]) + b"\n")
    return target


def concatenated(one: Path, multiple: int) -> Path:
    target = one.with_name(f"lined-{multiple}.txt")
    if not target.exists():
        with open(target, "wb") as out:
            for _ in range(multiple):
                with open(one, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 24)
    return target


def w2v_train_phases(corpus: Path, workdir: Path) -> dict:
    """w2v-train's vocabulary and encoding phases on 2 threads (see the module's text)."""
    command = [installed_script("w2v-train"), "-train", str(corpus), "-output",
               str(workdir / "train.bin"), "-size", "10", "-iter", "1", "-negative", "1",
               "-window", "5", "-sample", "1e-4", "-min-count", "5", "-threads", "2",
               "-binary", "1", "-debug", "1"]
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True,
                          check=True)
    wall = time.perf_counter() - started
    trained = TRAINED.search(done.stdout + done.stderr)
    if trained is None:
        raise SystemExit(f"w2v-train printed no training time:\n{done.stderr.decode()[-2000:]}")
    peak_kb = int(done.stderr.decode().strip().splitlines()[-1])
    return {"wall": wall, "phases": wall - float(trained.group(1)), "peak_mb": peak_kb / 1024}


def prepare_run(corpus: Path, workdir: Path, workers: int) -> dict:
    """One prepare() in a fresh process (the ``--one`` mode of this script)."""
    output = workdir / f"prepared-{workers}"
    command = [sys.executable, __file__, "--one", str(corpus), str(output), str(workers)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=True, text=True)
    wall = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    shutil.rmtree(output, ignore_errors=True)
    return result


def one(corpus: str, output: str, workers: int) -> None:
    """Start a LocalCluster of ``workers`` processes of one thread, prepare
    ``corpus`` into ``output`` and print the call's time and each worker's
    peak RSS as JSON."""
    import logging

    from distributed import Client, LocalCluster

    from w2vpy.preparation import prepare

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        started = time.perf_counter()
        prepare(corpus, output, client=client, min_count=5)
        call = time.perf_counter() - started

        def peak_mb() -> float:
            import resource
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        peaks = sorted(client.run(peak_mb).values())
    print(json.dumps({"call": call, "worker_peak_mb": peaks}))


def render(rows: list[dict], args, words: int) -> str:
    begin, end = markers(args.label)
    lines = [begin, f"### {args.label}", "",
             f"Measured {datetime.date.today().isoformat()} on {machine()}, `bench/prepare.py "
             f"--multiples {args.multiples} --repeats {args.repeats}`.",
             f"Corpus `{Path(args.corpus).name}` ({words:,} words) with a line end every "
             f"{LINE_WORDS} words, concatenated k times into one file; `-min-count 5`, pieces "
             "of 64 MiB. w2v-train: 2 threads, vocabulary and encoding phases (whole process "
             "less its own training time). prepare: a LocalCluster of 1 or 2 worker processes "
             "of 1 thread, in a fresh process; whole process (cluster start included) and the "
             "call alone; peak RSS per worker. Median (min-max) of the repeats.", "",
             "| k | words | w2v-train phases s | prepare, 2 workers: call s / process s | "
             "2 workers / w2v-train: call; process | prepare, 1 worker: call s / process s | "
             "1 worker / 2: call; process | peak RSS per worker MB (2 workers; 1 worker) | "
             "w2v-train peak RSS MB |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]

    def fig(xs: list[float]) -> str:
        return f"{median(xs):.1f} ({min(xs):.1f}-{max(xs):.1f})"

    for row in rows:
        phases = median([r["phases"] for r in row["train"]])
        call2, wall2 = ([r[key] for r in row[2]] for key in ("call", "wall"))
        call1, wall1 = ([r[key] for r in row[1]] for key in ("call", "wall"))
        peaks2 = max(p for r in row[2] for p in r["worker_peak_mb"])
        peaks1 = max(p for r in row[1] for p in r["worker_peak_mb"])
        train_peak = max(r["peak_mb"] for r in row["train"])
        lines.append(
            f"| {row['k']} | {row['k'] * words:,} | {fig([r['phases'] for r in row['train']])} | "
            f"{fig(call2)} / {fig(wall2)} | {median(call2) / phases:.2f}x; "
            f"{median(wall2) / phases:.2f}x | {fig(call1)} / {fig(wall1)} | "
            f"{median(call1) / median(call2):.2f}x; {median(wall1) / median(wall2):.2f}x | "
            f"{peaks2:.0f}; {peaks1:.0f} | {train_peak:.0f} |")
    lines += ["", "Raw repeats (seconds; interleaved in this order): "
              + "; ".join(f"k={row['k']}: " + ", ".join(
                  f"[{t['phases']:.2f} | {two['call']:.2f}/{two['wall']:.2f} | "
                  f"{one_['call']:.2f}/{one_['wall']:.2f}]"
                  for t, two, one_ in zip(row["train"], row[2], row[1])) for row in rows)
              + " (w2v-train phases | 2 workers call/process | 1 worker call/process)."]
    lines += ["", end]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", default=str(REPO.parent / "shared/corpus/en-8m.txt.gz"))
    p.add_argument("--multiples", default="1,4,16")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--workdir", default=None)
    p.add_argument("--results", default=str(HERE / "RESULTS.md"))
    p.add_argument("--label", default="prepare on a LocalCluster")
    args = p.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="w2vpy-prepare-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    base = lined_corpus(Path(args.corpus), workdir)
    words = len(base.read_bytes().split())
    rows = []
    for k in [int(m) for m in args.multiples.split(",")]:
        corpus = concatenated(base, k)
        row: dict = {"k": k, "train": [], 1: [], 2: []}
        for repeat in range(args.repeats):
            row["train"].append(w2v_train_phases(corpus, workdir))
            row[2].append(prepare_run(corpus, workdir, 2))
            row[1].append(prepare_run(corpus, workdir, 1))
            print(f"k={k} repeat {repeat}: w2v-train phases {row['train'][-1]['phases']:.1f} s, "
                  f"prepare 2 workers {row[2][-1]['wall']:.1f} s (call "
                  f"{row[2][-1]['call']:.1f}), 1 worker {row[1][-1]['wall']:.1f} s (call "
                  f"{row[1][-1]['call']:.1f}); worker "
                  f"peaks {row[2][-1]['worker_peak_mb']} / {row[1][-1]['worker_peak_mb']} MB",
                  file=sys.stderr, flush=True)
        rows.append(row)
        write_results(Path(args.results), render(rows, args, words), args.label)


if __name__ == "__main__":
    main()
