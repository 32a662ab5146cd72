"""The benchmark: w2vpy against gensim and word2vec.c, side by side.

    python bench/run.py --corpus ../shared/corpus/en-8m.txt.gz \
        --questions ../shared/corpus/questions-words.txt

word2vec.c is run when its binaries are given (W2V_C_BIN for the shipped
build, W2V_C_FIXED_BIN for one with the end-of-file bug fixed); gensim when it
is importable.  Runs are interleaved (every implementation once, then again)
so that drift of a shared machine hits all of them alike.  Each run is a whole
process; wall time and peak RSS come from the OS (wait4).  See bench/README.md.
"""
from __future__ import annotations

import argparse
import atexit
import datetime
import gzip
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

MODES = {
    # name: (flags, default epochs) -- the epochs of the reference table
    "cbow-ns": ({"-cbow": "1", "-hs": "0", "-negative": "5"}, 5),
    "sg-ns": ({"-cbow": "0", "-hs": "0", "-negative": "5"}, 3),
    "sg-hs": ({"-cbow": "0", "-hs": "1", "-negative": "0"}, 1),
    "cbow-hs": ({"-cbow": "1", "-hs": "1", "-negative": "0"}, 3),
}

# the opt-in mode's implementation name, followed by its K
HOT_ROWS_IMPL = "w2vpy -hot-rows"
# the opt-in shared-negatives mode (skip-gram+NS only), beside the default
BATCH_NEGATIVES_IMPL = "w2vpy -batch-negatives"
# w2vpy's CUDA backend: run at the largest thread count only (the host's
# threads count the vocabulary; the GPU trains)
CUDA_IMPL = "w2vpy cuda"
# w2v-train -debug 1's closing line: training alone, from its own clock
TRAINED_LINE = re.compile(rb"Trained \d+ words in [\d.]+ s \(([\d.]+)k words/s\)")


@dataclass
class Run:
    wall: float
    rss_mb: float
    accuracy: float | None
    rc: int
    # time.monotonic() at its start and end, to find the latency samples taken meanwhile
    span: tuple[float, float]
    # w2vpy's one-thread runs: twice this run's time over that of the pair of
    # one-thread processes run right after it (the two-core ceiling)
    ceiling: float | None = None
    # w2vpy's runs: words per second of the training alone, as it reports them
    training_rate: float | None = None


@dataclass
class Cell:
    impl: str
    mode: str
    threads: int
    size: int
    epochs: int
    runs: list[Run] = field(default_factory=list)


def installed_script(name: str) -> str:
    """The console script installed for this interpreter, not the first on
    PATH: a version manager's shim there (pyenv's is a shell script) would add
    its own start-up to every w2vpy run and to none of gensim's."""
    script = Path(sysconfig.get_path("scripts")) / name
    return str(script) if script.exists() else shutil.which(name) or name


def implementations(args) -> dict[str, list[str]]:
    impls = {"w2vpy": [installed_script("w2v-train")]}
    try:
        import gensim  # noqa: F401
        impls["gensim"] = [sys.executable, str(HERE / "gensim_train.py")]
    except ImportError:
        print("gensim not installed: skipped", file=sys.stderr)
    # the word2vec.c builds: a command line each (a path, or a path and arguments)
    if os.environ.get("W2V_C_BIN"):
        impls["word2vec.c"] = shlex.split(os.environ["W2V_C_BIN"])
    if os.environ.get("W2V_C_FIXED_BIN"):
        impls["word2vec.c eof-fixed"] = shlex.split(os.environ["W2V_C_FIXED_BIN"])
    wanted = args.impls.split(",") if args.impls else list(impls)
    chosen = {k: v for k, v in impls.items() if k in wanted}
    if args.cuda:
        chosen[CUDA_IMPL] = impls["w2vpy"] + ["-backend", "cuda"]
    if args.batch_negatives:
        chosen[BATCH_NEGATIVES_IMPL] = impls["w2vpy"] + ["-batch-negatives", "1"]
    if args.hot_rows is not None:
        # another hot-rows setting, timed and scored beside the default in the same run
        chosen[f"{HOT_ROWS_IMPL} {args.hot_rows}"] = (impls["w2vpy"]
                                                      + ["-hot-rows", str(args.hot_rows)])
    return chosen



def training_args(corpus: Path, size: int, epochs: int, threads: int,
                  flags: dict[str, str]) -> list[str]:
    """The flags every benchmarked run shares (word2vec.c's spellings, which
    gensim_train.py takes too), so that the runs and the ceiling check train
    the same thing."""
    return ["-train", str(corpus), "-size", str(size), "-window", "5", "-sample", "1e-4",
            "-min-count", "5", "-iter", str(epochs), "-threads", str(threads),
            *[x for kv in flags.items() for x in kv]]


def two_at_once(cmd: list[str], workdir: Path) -> float | None:
    """Seconds for two independent one-thread processes run at once (None if
    one failed): against one alone, what two cores allow this machine."""
    start = time.perf_counter()
    pair = [subprocess.Popen(cmd + ["-output", str(workdir / f"ceiling-{i}.bin")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i in range(2)]
    codes = [p.wait() for p in pair]
    together = time.perf_counter() - start
    return together if codes == [0, 0] else None


class LineLatency:
    """core_to_core.c sampling the cache-line latency between CPUs 0 and 1
    through the whole block.  Threads sharing rows pay it and the ceiling's
    pair does not, so on a VM whose host moves the vCPUs between near and far
    cores a two-thread run is read against the share of far samples taken
    while it ran.  Absent (None from start) without a C compiler or two CPUs."""

    def __init__(self, proc: subprocess.Popen, log: Path):
        self.proc, self.log = proc, log

    @classmethod
    def start(cls, workdir: Path, interval_ms: int) -> LineLatency | None:
        binary = workdir / "core_to_core"
        cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
        if (interval_ms <= 0 or cc is None or (os.cpu_count() or 1) < 2
                or subprocess.run([cc, "-O2", "-pthread", "-o", str(binary),
                                   str(HERE / "core_to_core.c")]).returncode != 0):
            return None
        log = workdir / "core_to_core.log"
        # CLOCK_MONOTONIC, which time.monotonic() reads on Linux
        proc = subprocess.Popen([str(binary), "100000", str(interval_ms)],
                                stdout=open(log, "w"), stderr=subprocess.DEVNULL)
        atexit.register(proc.kill)  # a block that fails leaves no probe behind
        return cls(proc, log)

    def stop(self) -> LatencySamples | None:
        """Every sample taken (None if the probe took none)."""
        self.proc.terminate()
        self.proc.wait()
        samples = []
        for line in self.log.read_text().splitlines():
            fields = line.split()
            if len(fields) == 2 and not line.startswith("#"):
                samples.append((float(fields[0]), float(fields[1])))
        return LatencySamples(samples) if samples else None


@dataclass
class LatencySamples:
    samples: list[tuple[float, float]]  # (time.monotonic(), one-way ns)

    def __post_init__(self) -> None:
        # Far is over twice the 10th percentile: on our AMD VM near is 40-55 ns
        # and far 200-235 ns; a machine without the two modes has next to no
        # far samples.
        values = sorted(ns for _, ns in self.samples)
        self.far_threshold = 2 * values[len(values) // 10]

    def far_share(self, runs: list[Run]) -> float | None:
        """The share of far samples taken while these runs ran."""
        during = [ns for t, ns in self.samples for r in runs if r.span[0] <= t <= r.span[1]]
        return sum(ns > self.far_threshold for ns in during) / len(during) if during else None

    def summary(self, interval_ms: int) -> str:
        near = [ns for _, ns in self.samples if ns <= self.far_threshold]
        far = [ns for _, ns in self.samples if ns > self.far_threshold]
        return ("Cache-line latency between CPUs 0 and 1 (`core_to_core.c`, a sample every "
                f"{interval_ms} ms through the block, {len(self.samples)} samples): near (up to "
                f"{self.far_threshold:.0f} ns, twice the 10th percentile) median "
                f"{median(near):.0f} ns; far in {100 * len(far) / len(self.samples):.0f}% of the "
                "samples" + (f", median {median(far):.0f} ns" if far else "")
                + ". Only what threads share pays it; the ceiling column gives each two-thread "
                "row's share of far samples taken while it ran.")


def compile_package() -> None:
    """w2vpy's modules compiled to bytecode, as an installed package has them.
    An editable install read under PYTHONDONTWRITEBYTECODE (or from a
    read-only tree) would otherwise compile every module in every timed run,
    0.05-0.1 s of start-up that numpy's and gensim's installed modules never
    pay."""
    import w2vpy
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(w2vpy.__file__).parent)],
                   check=True, stdout=subprocess.DEVNULL)


def written_since(log: Path, offset: int) -> bytes:
    with open(log, "rb") as f:
        f.seek(offset)
        return f.read()


def training_rate(output: bytes) -> float | None:
    """Words per second of the training alone, from w2v-train's closing line
    (None when there is none)."""
    found = TRAINED_LINE.findall(output)
    return float(found[-1]) * 1e3 if found else None


def last_line(output: bytes) -> str:
    """What a failed run said last: its error line."""
    lines = output.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "(no output)"


def run_once(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Wall time, peak RSS (MB) and exit code of one whole process.

    Linux carries a process's RSS high-water mark across exec, so a child
    forked from this (large) Python process would report our RSS; GNU time
    forks the command from a small process and reports its own child's."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    rss_file = log.with_suffix(".rss")
    wrapped = [time_bin, "-f", "%M", "-o", str(rss_file)] + cmd if os.path.exists(time_bin) else cmd
    start = time.perf_counter()
    with open(log, "ab") as out:
        proc = subprocess.Popen(wrapped, stdout=out, stderr=out)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    rc = os.waitstatus_to_exitcode(status)
    rss_kb = float(usage.ru_maxrss)
    if wrapped is not cmd and rss_file.exists():
        text = rss_file.read_text().split()
        rss_kb = float(text[-1]) if text and text[-1].isdigit() else rss_kb
        if text and text[0].startswith("Command"):  # GNU time notes a non-zero exit first
            rss_kb = float(text[-1])
    return wall, rss_kb / 1024, rc


def accuracy(vectors: Path, questions: Path | None) -> float | None:
    if questions is None or not vectors.exists():
        return None
    from w2vpy import load
    from w2vpy.vectors.evaluation import analogy_accuracy
    return analogy_accuracy(load(vectors, unicode_errors="replace"), questions, 30000).accuracy


def plain_corpus(path: Path, workdir: Path) -> Path:
    """word2vec.c and gensim read plain text only."""
    with open(path, "rb") as f:
        packed = f.read(2) == b"\x1f\x8b"
    if not packed:
        return path
    out = workdir / path.name.removesuffix(".gz")
    with gzip.open(path, "rb") as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return out


def corpus_words(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(len(chunk.split()) for chunk in iter(lambda: f.read(1 << 24), b""))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def markers(label: str) -> tuple[str, str]:
    return f"<!-- bench:{label}:begin -->", f"<!-- bench:{label}:end -->"


CellIndex = dict[tuple[str, str, int, int], Cell]


def cell_index(cells: list[Cell]) -> CellIndex:
    return {(c.impl, c.mode, c.size, c.threads): c for c in cells}


def one_thread_cell(index: CellIndex, c: Cell) -> Cell | None:
    """The one-thread cell a cell's speed-up divides by: its own
    implementation's, or plain w2vpy's for the hot-rows mode (off with one
    thread)."""
    one = index.get((c.impl, c.mode, c.size, 1))
    if one is None and c.impl.startswith((HOT_ROWS_IMPL, BATCH_NEGATIVES_IMPL)):
        one = index.get(("w2vpy", c.mode, c.size, 1))
    return one if one is not c else None


def ceilings(one: Cell | None) -> list[float]:
    return [r.ceiling for r in one.runs if r.ceiling is not None] if one else []


def spread(shares: list[float]) -> str:
    return (f"{len(shares)} runs, median {100 * median(shares):.0f}% "
            f"({100 * min(shares):.0f}-{100 * max(shares):.0f}%)" if shares else "none")


def each_repeat(cells: list[Cell], latency: LatencySamples | None) -> str:
    """Every two-thread w2vpy run against its own repeat's one-thread run and
    ceiling, with the share of far latency samples taken while it ran: a
    median over the repeats hides that the runs split by the phase."""
    lines: list[str] = []
    by_phase: dict[str, tuple[list[float], list[float]]] = {}  # impl: (near runs, far runs)
    index = cell_index(cells)
    for c in cells:
        one = one_thread_cell(index, c)
        if c.threads != 2 or not c.impl.startswith("w2vpy") or one is None:
            continue
        readings = []
        for two_run, one_run in zip(c.runs, one.runs):
            if two_run.rc != 0 or one_run.ceiling is None:
                continue
            share = one_run.wall / two_run.wall / one_run.ceiling
            far_share = latency.far_share([two_run]) if latency else None
            if far_share is None:
                readings.append(f"{100 * share:.0f}%")
                continue
            readings.append(f"{100 * share:.0f}% ({100 * far_share:.0f}% far)")
            near, far = by_phase.setdefault(c.impl, ([], []))
            if far_share <= 0.1:
                near.append(share)
            elif far_share >= 0.5:
                far.append(share)
        if readings:
            lines.append(f"- {c.mode}, size {c.size}, {c.impl}: " + ", ".join(readings))
    if not lines:
        return ""
    text = ("Each repeat's two-thread run as a share of the ceiling of its own repeat (its "
            "one-thread run over its time, over the ceiling)"
            + (", with the share of far latency samples taken while it ran" if latency else "")
            + ":\n\n" + "\n".join(lines))
    for impl, (near, far) in by_phase.items():
        text += (f"\n\n{impl}'s two-thread runs with at most 10% far samples: {spread(near)}; "
                 f"with at least half far: {spread(far)}.")
    return text


def render(cells: list[Cell], words: int, corpus: str, extra: str, label: str,
           latency: LatencySamples | None = None) -> str:
    begin, end = markers(label)
    lines = [begin, f"### {label}", "",
             f"Measured {datetime.date.today().isoformat()} on {machine()}.",
             f"Corpus `{corpus}` ({words:,} words); `-window 5 -sample 1e-4 -min-count 5`; "
             "whole-process wall time (median, min-max over repeats), words/s = "
             "epochs x corpus words / median wall time, training words/s = w2vpy's own "
             "report of its training alone (`-debug 1`; median), peak RSS, analogy accuracy "
             "(questions-words, 30000 most frequent words, compute-accuracy rules).", "",
             "| mode | size | threads | epochs | implementation | wall s (min-max) | "
             "words/s | training words/s | peak RSS MB | accuracy | time vs fixed word2vec.c | "
             "time vs gensim | speed-up over 1 thread | two-core ceiling |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    index = cell_index(cells)
    for c in cells:
        walls = [r.wall for r in c.runs if r.rc == 0]
        if not walls:
            lines.append(f"| {c.mode} | {c.size} | {c.threads} | {c.epochs} | {c.impl} | "
                         "failed | | | | | | | | |")
            continue
        med = median(walls)
        acc = [r.accuracy for r in c.runs if r.accuracy is not None]
        rss = max(r.rss_mb for r in c.runs)
        rates = [r.training_rate for r in c.runs if r.training_rate is not None]
        rate_text = f"{median(rates) / 1e3:,.0f}k" if rates else ""

        def ratio(other: str) -> str:
            o = index.get((other, c.mode, c.size, c.threads))
            ow = [r.wall for r in o.runs if r.rc == 0] if o else []
            return f"{med / median(ow):.2f}x" if ow and o is not c else ""

        def speedup_over_one() -> float | None:
            one = one_thread_cell(index, c)
            ow = [r.wall for r in one.runs if r.rc == 0] if one else []
            return median(ow) / med if ow else None

        def speedup() -> str:
            figure = speedup_over_one()
            return f"{figure:.2f}x" if figure is not None else ""

        def ceiling() -> str:
            figures = ceilings(one_thread_cell(index, c))
            if c.threads != 2 or not figures:
                return ""
            text = f"{median(figures):.2f}x ({min(figures):.2f}-{max(figures):.2f})"
            figure = speedup_over_one()
            if c.impl.startswith("w2vpy") and figure is not None:
                text += f"; speed-up at {100 * figure / median(figures):.0f}%"
            share = latency.far_share(c.runs) if latency else None
            if share is not None:
                text += f"; far latency in {100 * share:.0f}% of its samples"
            return text

        accuracy_text = f"{median(acc) * 100:.2f}%" if acc else ""
        if len(acc) > 1:
            accuracy_text += f" ({min(acc) * 100:.2f}-{max(acc) * 100:.2f})"
        lines.append(
            f"| {c.mode} | {c.size} | {c.threads} | {c.epochs} | {c.impl} | {med:.1f} "
            f"({min(walls):.1f}-{max(walls):.1f}) | {c.epochs * words / med / 1e3:,.0f}k | "
            f"{rate_text} | {rss:.0f} | {accuracy_text} | {ratio('word2vec.c eof-fixed')} | "
            f"{ratio('gensim')} | {speedup()} | {ceiling()} |")
    lines += ["", extra, "", end]
    return "\n".join(lines)


def write_results(path: Path, table: str, label: str) -> None:
    """Replace this label's block in the results file, keeping everything else."""
    begin, end = markers(label)
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    if begin in old and end in old:
        new = old[:old.index(begin)] + table + old[old.index(end) + len(end):]
    else:
        new = old.rstrip() + "\n\n" + table + "\n"
    path.write_text(new)


def chart(cells: list[Cell], path: Path) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no chart", file=sys.stderr)
        return
    groups = sorted({(c.mode, c.size, c.threads) for c in cells})
    impls = list(dict.fromkeys(c.impl for c in cells))
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(groups)), 4))
    width = 0.8 / len(impls)
    for k, impl in enumerate(impls):
        xs, ys = [], []
        for g, (mode, size, threads) in enumerate(groups):
            for c in cells:
                if (c.impl, c.mode, c.size, c.threads) == (impl, mode, size, threads):
                    walls = [r.wall for r in c.runs if r.rc == 0]
                    if walls:
                        xs.append(g + k * width)
                        ys.append(median(walls))
        ax.bar(xs, ys, width, label=impl)
    ax.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))])
    ax.set_xticklabels([f"{m}\nsize {s}, {t} thr" for m, s, t in groups], fontsize=8)
    ax.set_ylabel("whole-process wall time, s (lower is better)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def scaling(args, workdir: Path, corpus: Path) -> str:
    """w2vpy's wall time and peak RSS at 1x, 2x, 4x... the corpus.

    -min-count grows with the copies (5 per copy) so that the vocabulary is
    the same words at every size: what is left to grow is the corpus itself."""
    rows = ["| corpus | words | min-count | wall s | peak RSS MB |", "| --- | --- | --- | --- | --- |"]
    base_words = corpus_words(corpus)
    flags, _ = MODES["cbow-ns"]
    for factor in [int(x) for x in args.scaling.split(",")]:
        big = workdir / f"x{factor}.txt"
        with open(big, "wb") as out:
            for _ in range(factor):
                with open(corpus, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                out.write(b"\n")
        cmd = implementations(args)["w2vpy"] + [
            "-train", str(big), "-output", str(workdir / "scale.bin"), "-size", "100",
            "-window", "5", "-sample", "1e-4", "-min-count", str(5 * factor), "-iter", "1",
            "-threads",
            str(max(args.thread_list)), "-binary", "1", "-debug", "0",
            *[x for kv in flags.items() for x in kv]]
        wall, rss, rc = run_once(cmd, workdir / "scale.log")
        rows.append(f"| {factor}x | {factor * base_words:,} | {5 * factor} | {wall:.1f} | {rss:.0f} |")
        big.unlink()
        print(rows[-1], flush=True)
    return ("Scaling (w2vpy, CBOW+NS, 1 epoch, size 100, min-count 5 per copy so the vocabulary "
            "stays the same words): wall time should grow linearly and peak RSS stay flat.\n\n"
            + "\n".join(rows))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", default=str(REPO.parent / "shared/corpus/en-8m.txt.gz"))
    p.add_argument("--questions", default=str(REPO.parent / "shared/corpus/questions-words.txt"))
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--threads", default="2", help="comma list, e.g. 1,2")
    p.add_argument("--sizes", default="100", help="comma list, e.g. 100,300")
    p.add_argument("--epochs", type=int, default=None, help="override each mode's epochs")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--reference-repeats", type=int, default=None,
                   help="run word2vec.c only in the first N repeats (it is the slowest)")
    p.add_argument("--impls", default="", help="comma list of implementations to run")
    p.add_argument("--others-threads", default=None,
                   help="comma list: run gensim and word2vec.c only at these thread counts "
                        "(default: every count of --threads)")
    p.add_argument("--hot-rows", default=None,
                   help="also run w2vpy with -hot-rows K beside its default (threads > 1 only); "
                        "0 is word2vec.c's pure Hogwild")
    p.add_argument("--batch-negatives", action="store_true",
                   help="also run w2vpy with -batch-negatives 1 (shared negatives; skip-gram+NS "
                        "modes only) beside its default")
    p.add_argument("--seed-per-repeat", action="store_true",
                   help="w2vpy runs repeat r with -seed r+1 (seeds differ across repeats, "
                        "so the accuracy range covers seeds as well as thread timing)")
    p.add_argument("--ceiling-repeats", type=int, default=3,
                   help="repeats in which the two-core ceiling check runs, after w2vpy's "
                        "one-thread run of each mode and size, when the threads include 1 and "
                        "2 (0: skip)")
    p.add_argument("--latency-interval-ms", type=int, default=250,
                   help="with 2 threads, sample the cache-line latency between CPUs 0 and 1 "
                        "this often through the block (bench/core_to_core.c; 0: off)")
    p.add_argument("--accuracy-every-repeat", action="store_true",
                   help="score w2vpy's vectors in every repeat (median and range reported)")
    p.add_argument("--no-accuracy", action="store_true",
                   help="score no run (a block that times scaling alone)")
    p.add_argument("--cuda", action="store_true",
                   help=f"also run w2vpy's CUDA backend ({CUDA_IMPL!r}), at the largest of "
                        "--threads only")
    p.add_argument("--scaling", default="", help="corpus multiples for the scaling run, e.g. 1,2,4")
    p.add_argument("--results", default=str(HERE / "RESULTS.md"))
    p.add_argument("--chart", default=None, help="PNG path (default bench/results-LABEL.png)")
    p.add_argument("--label", default="main", help="name of this run's block in the results file")
    p.add_argument("--workdir", default=None)
    args = p.parse_args()
    args.thread_list = [int(t) for t in args.threads.split(",")]
    others_threads = ([int(t) for t in args.others_threads.split(",")] if args.others_threads
                      else args.thread_list)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="w2vpy-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = plain_corpus(Path(args.corpus), workdir)
    questions = Path(args.questions) if Path(args.questions).exists() else None
    words = corpus_words(corpus)
    impls = implementations(args)
    if "w2vpy" in impls:
        compile_package()
    cells: list[Cell] = []
    monitor = (LineLatency.start(workdir, args.latency_interval_ms)
               if 2 in args.thread_list else None)
    for mode in args.modes.split(","):
        flags, mode_epochs = MODES[mode]
        for size in [int(s) for s in args.sizes.split(",")]:
            epochs = args.epochs or mode_epochs
            # every thread count and implementation once per repeat, so that
            # drift on a shared machine falls on all of them alike
            group = [Cell(impl, mode, threads, size, epochs)
                     for threads in args.thread_list for impl in impls
                     if not (threads == 1 and impl.startswith(HOT_ROWS_IMPL))
                     and not (impl == CUDA_IMPL and threads != max(args.thread_list))
                     and not (impl == BATCH_NEGATIVES_IMPL and mode != "sg-ns")
                     and (impl.startswith("w2vpy") or threads in others_threads)]
            cells += group
            for rep in range(args.repeats):
                for cell in group:
                    threads = cell.threads
                    if (cell.impl.startswith("word2vec.c") and args.reference_repeats is not None
                            and rep >= args.reference_repeats):
                        continue
                    out = workdir / f"{cell.impl.replace(' ', '_')}.bin"
                    out.unlink(missing_ok=True)
                    command = impls[cell.impl] + training_args(corpus, size, epochs, threads, flags)
                    if cell.impl != "gensim":
                        # w2vpy's -debug 1 adds a few lines, among them its training's rate
                        debug = "1" if cell.impl.startswith("w2vpy") else "0"
                        command += ["-binary", "1", "-debug", debug]
                    if args.seed_per_repeat and cell.impl.startswith("w2vpy"):
                        command += ["-seed", str(rep + 1)]
                    log = workdir / "runs.log"
                    offset = log.stat().st_size if log.exists() else 0
                    started = time.monotonic()
                    wall, rss, rc = run_once(command + ["-output", str(out)], log)
                    span = (started, time.monotonic())
                    output = written_since(log, offset)
                    rate = training_rate(output) if rc == 0 else None
                    ceiling = None
                    if (cell.impl == "w2vpy" and threads == 1 and rc == 0
                            and rep < args.ceiling_repeats and 2 in args.thread_list):
                        # right after the one-thread run it is read against (before
                        # the scoring), so that the ceiling and the speed-up share
                        # that run and the machine's phase
                        together = two_at_once(command, workdir)
                        if together is not None:
                            ceiling = 2 * wall / together
                            print(f"{mode} size={size} two one-thread runs at once: "
                                  f"{together:.1f}s, ceiling {ceiling:.2f}x", flush=True)
                    scored = not args.no_accuracy and (
                        rep == 0 or (args.accuracy_every_repeat and cell.impl.startswith("w2vpy")))
                    acc = accuracy(out, questions) if rc == 0 and scored else None
                    cell.runs.append(Run(wall, rss, acc, rc, span, ceiling, rate))
                    print(f"{mode} size={size} threads={threads} {cell.impl}: {wall:.1f}s "
                          f"{rss:.0f}MB rc={rc}"
                          + (f" training {rate / 1e6:.2f}M words/s" if rate is not None else "")
                          + (f" ({last_line(output)})" if rc != 0 else "")
                          + (f" acc={acc * 100:.2f}%" if acc is not None else ""), flush=True)
            # the block so far, so that a run stopped at a time limit keeps what it measured
            partial = (f"Partial: the block was stopped after {mode}, size {size} "
                       "(what follows it in --modes and --sizes was not run).")
            write_results(Path(args.results),
                          render(cells, words, Path(args.corpus).name, partial, args.label),
                          args.label)
    extra = scaling(args, workdir, corpus) if args.scaling else ""
    if any(r.ceiling is not None for c in cells for r in c.runs):
        extra = ("Two-core ceiling: two independent one-thread w2vpy processes (the row's mode, "
                 "size and epochs) at once, run right after each repeat's one-thread run: twice "
                 "that run's time over the pair's; median (min-max) over the repeats. The "
                 "speed-up shares the one-thread runs, so its share of the ceiling compares the "
                 "two-thread process with the pair directly.\n\n" + extra)
    latency = monitor.stop() if monitor else None
    if latency:
        extra = extra.strip() + "\n\n" + latency.summary(args.latency_interval_ms)
    repeats = each_repeat(cells, latency)
    if repeats:
        extra = extra.strip() + "\n\n" + repeats
    table = render(cells, words, Path(args.corpus).name, extra, args.label, latency)
    write_results(Path(args.results), table, args.label)
    if cells:
        slug = re.sub(r"[^a-z0-9]+", "-", args.label.split(":")[0].lower()).strip("-")
        chart(cells, Path(args.chart or HERE / f"results-{slug}.png"))
    print(table)


if __name__ == "__main__":
    main()
