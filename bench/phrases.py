"""w2v-phrase against word2phrase.c, side by side.

    W2P_BIN=/path/to/word2phrase python bench/phrases.py \
        --corpus ../shared/corpus/en-8m.txt.gz --repeats 3

Both read the same plain text: the corpus decompressed, its words over 58
bytes dropped and a final newline added, the input on which word2phrase.c's
output is defined (longer words overflow its buffers, and it drops a last
word that no newline ends).  Two jobs: one pass at the default threshold
(100), and demo-phrases.sh's two passes (200, then 100: word2phrase.c runs
twice, w2v-phrase once with ``-threshold 200,100``).  Runs are interleaved;
each is a whole process timed from outside, with its peak RSS (see run.py).
The outputs are compared byte for byte; w2v-phrase on the compressed corpus
is timed too, since that is how it is used.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from run import installed_script, machine, markers, median, run_once, write_results  # noqa: E402

#: word2phrase.c's MAX_STRING (60) less the '_' and the terminator
MAX_WORD_BYTES = 58


@dataclass
class Job:
    name: str
    commands: list[list[str]]  # run one after another; the time is their sum
    output: Path
    #: its output is compared with word2phrase.c's (same input text)
    compared: bool = True
    walls: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    failed: int = 0


def comparable_input(corpus: Path, workdir: Path) -> Path:
    """The corpus as plain text on which word2phrase.c's output is defined."""
    out = workdir / "input.txt"
    with open(corpus, "rb") as f:
        opener = gzip.open if f.read(2) == b"\x1f\x8b" else open
    line = b""
    with opener(corpus, "rb") as src, open(out, "wb") as dst:
        for line in src:
            words = line.split(b" ")
            dst.write(b" ".join(w for w in words if len(w.rstrip(b"\n")) <= MAX_WORD_BYTES))
        if line and not line.endswith(b"\n"):
            dst.write(b"\n")
    return out


def jobs(w2p: str | None, corpus: Path, text: Path, workdir: Path) -> list[Job]:
    ours = installed_script("w2v-phrase")
    common = ["-min-count", "5", "-debug", "0"]
    out = {name: workdir / f"{name}.txt" for name in
           ("w2p-1", "ours-1", "w2p-2", "ours-2", "ours-gz-2")}
    listed = []
    if w2p:
        listed.append(Job("word2phrase.c, 1 pass", [[w2p, "-train", str(text), "-output",
                                                     str(out["w2p-1"]), "-threshold", "100",
                                                     *common]], out["w2p-1"]))
    listed.append(Job("w2v-phrase, 1 pass", [[ours, "-train", str(text), "-output",
                                              str(out["ours-1"]), "-threshold", "100",
                                              *common]], out["ours-1"]))
    if w2p:
        between = workdir / "w2p-pass1.txt"
        listed.append(Job("word2phrase.c, 2 passes", [
            [w2p, "-train", str(text), "-output", str(between), "-threshold", "200", *common],
            [w2p, "-train", str(between), "-output", str(out["w2p-2"]), "-threshold", "100",
             *common]], out["w2p-2"]))
    listed.append(Job("w2v-phrase, 2 passes", [[ours, "-train", str(text), "-output",
                                                str(out["ours-2"]), "-threshold", "200,100",
                                                *common]], out["ours-2"]))
    listed.append(Job("w2v-phrase, 2 passes, from the .gz", [
        [ours, "-train", str(corpus), "-output", str(out["ours-gz-2"]), "-threshold",
         "200,100", *common]], out["ours-gz-2"], compared=False))
    return listed


def run_job(job: Job, workdir: Path) -> None:
    wall, rss = 0.0, 0.0
    for command in job.commands:
        seconds, peak, rc = run_once(command, workdir / "phrases.log")
        if rc != 0:
            job.failed += 1
            return
        wall += seconds
        rss = max(rss, peak)
    job.walls.append(wall)
    job.rss_mb.append(rss)


def same_bytes(a: Path, b: Path) -> str:
    if not (a.exists() and b.exists()):
        return "not compared"
    return "identical" if a.read_bytes() == b.read_bytes() else "DIFFERENT"


def render(listed: list[Job], corpus: Path, text: Path, label: str) -> str:
    begin, end = markers(label)
    by_name = {job.name: job for job in listed}
    lines = [begin, f"### {label}", "",
             f"Measured {datetime.date.today().isoformat()} on {machine()}.",
             f"Corpus `{corpus.name}` as word2phrase.c's input ({text.stat().st_size:,} bytes: "
             f"words over {MAX_WORD_BYTES} bytes dropped, final newline added); `-min-count 5`; "
             "whole process, wall time median (min-max) over the repeats, peak RSS (GNU time).",
             "", "| job | wall s (min-max) | vs word2phrase.c | peak RSS MB | output |",
             "| --- | --- | --- | --- | --- |"]
    for job in listed:
        if not job.walls:
            lines.append(f"| {job.name} | failed | | | |")
            continue
        med = median(job.walls)
        passes = job.name.split(", ")[1]
        reference = by_name.get(f"word2phrase.c, {passes}")
        ratio = (f"{med / median(reference.walls):.2f}x"
                 if reference is not None and reference is not job and reference.walls else "")
        compared = (same_bytes(job.output, reference.output)
                    if job.compared and reference is not None and reference is not job else "")
        lines.append(f"| {job.name} | {med:.2f} ({min(job.walls):.2f}-{max(job.walls):.2f}) | "
                     f"{ratio} | {max(job.rss_mb):.0f} | {compared} |")
    lines += ["", end]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", default=str(REPO.parent / "shared/corpus/en-8m.txt.gz"))
    p.add_argument("--word2phrase", default=os.environ.get("W2P_BIN"),
                   help="word2phrase.c's binary (default: $W2P_BIN; without it, w2vpy only)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--results", default=str(HERE / "RESULTS.md"))
    p.add_argument("--label", default="phrases")
    p.add_argument("--workdir", default=None)
    args = p.parse_args()
    corpus = Path(args.corpus)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        workdir = Path(tmp)
        text = comparable_input(corpus, workdir)
        listed = jobs(args.word2phrase, corpus, text, workdir)
        for rep in range(args.repeats):
            for job in listed:
                run_job(job, workdir)
                print(f"repeat {rep + 1}: {job.name}: "
                      f"{job.walls[-1] if job.walls else 'failed'}", file=sys.stderr)
        table = render(listed, corpus, text, args.label)
    print(table)
    write_results(Path(args.results), table, args.label)


if __name__ == "__main__":
    main()
