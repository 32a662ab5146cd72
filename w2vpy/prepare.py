"""``w2vpy.prepare``: count and encode a corpus of any size on a Dask cluster,
for training on one box.

The job (see ``w2vpy.distributed`` for each step):

1. the sources are listed and cut into pieces (plain text at line ends,
   a compressed file whole, a Parquet row group);
2. each piece is counted by the C counter; its words go, split by a hash of
   the word, into a file in the output's work directory;
3. each hash partition merges its words from every piece and drops those
   under ``min_count`` (a shuffle, not a tree reduction: see ``merging``);
   the client orders the kept words as word2vec.c does and writes
   ``vocab.txt``;
4. each piece is encoded as int32 ids of that vocabulary, a shard each;
5. ``manifest.json`` is written last, atomically.

A worker that dies costs its tasks a rerun (every file a task writes
appears whole, and tasks read only what earlier steps wrote whole).

Identity with ``w2v-train -save-vocab`` on the concatenated text holds
wherever no pruning happens.  ``max_vocab_size`` bounds each piece's table
(word2vec.c's ReduceVocab, run on the piece alone): a text whose whole
vocabulary outgrows it while no piece's does is counted exactly, where
word2vec.c would have pruned; a piece that does prune loses the pruned
words' counts of that piece only (the manifest's ``counting`` says how many
prunes there were).
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import time
from typing import Any, Callable, Iterator, Sequence, TextIO

from w2vpy.distributed.counting import PieceCount, count_piece
from w2vpy.distributed.encoding import Shard, encode_piece
from w2vpy.distributed.manifest import (manifest, remove_manifest, remove_stale_shards,
                                        write_manifest)
from w2vpy.distributed.merging import KeptWords, final_order, merge_partition
from w2vpy.distributed.pieces import DEFAULT_PIECE_BYTES, Piece, expand_sources, plan_pieces
from w2vpy.distributed.storage import filesystem, make_directory, remove, write_atomically
from w2vpy.errors import W2VError
from w2vpy.parameters import DEFAULT_MAX_VOCAB_SIZE, TRAINING_PARAMETERS
from w2vpy.text.prepared import (SHARD_DIRECTORY, VOCAB_NAME, PreparedCorpus, is_url,
                                 open_prepared)

#: the job's intermediate files, inside the output; removed when it succeeds
WORK_DIRECTORY = ".w2vpy-work"
#: hash partitions of the shuffle per worker: enough that a slow one is not
#: the whole merge, few enough that each piece's counts file stays one read
PARTITIONS_PER_WORKER = 2
_DECLARED = {p.name: p for p in TRAINING_PARAMETERS}
#: the progress line is written at most this often (and at each stage's end)
REPORT_SECONDS = 0.5


def prepare(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
            output: str | os.PathLike[str], *, client: Any = None, scheduler: str | None = None,
            text_column: str | None = None, min_count: int = 5,
            max_vocab_size: int = DEFAULT_MAX_VOCAB_SIZE, phrases: int = 0,
            threshold: float = 100.0, piece_bytes: int = DEFAULT_PIECE_BYTES,
            partitions: int | None = None, progress: bool = False,
            log: TextIO | None = None) -> PreparedCorpus:
    """Count and encode a corpus on a Dask cluster into ``output``.

    Parameters
    ----------
    source : str, os.PathLike or a sequence of them
        Text files (plain, ``.gz``, ``.bz2``, ``.xz``), directories, globs or
        fsspec URLs, read in order as one text (a newline added after a file
        that does not end with one); with ``text_column``, Parquet files.
    output : str or os.PathLike
        The prepared corpus's directory, local or an fsspec URL that the
        workers can write; a prepared corpus already there is replaced.
    client : distributed.Client, optional
        Run on this client's cluster.
    scheduler : str, optional
        Connect to the scheduler at this address. With neither, a
        ``LocalCluster`` of worker processes on this machine runs the job.
    text_column : str, optional
        The Parquet column that holds the text (each row one line).
    min_count, max_vocab_size : int
        As training's (see the module's text for max_vocab_size).
    phrases, threshold
        word2phrase passes before counting: not done by prepare yet (phrases
        must be 0).
    piece_bytes : int
        Plain text is cut into pieces of about this many bytes.
    partitions : int, optional
        Hash partitions of the merge; by default two per worker.
    progress : bool
        Print the dashboard's address and a progress line on ``log``.
    log : text stream, optional
        Where progress goes (standard error by default).

    Returns
    -------
    PreparedCorpus
        The prepared corpus, opened (``w2vpy.text.prepared``).

    Raises
    ------
    W2VError
        A source, output or parameter is refused, or the text has no words.
    """
    min_count = _DECLARED["min_count"].check(min_count)
    max_vocab_size = _DECLARED["max_vocab_size"].check(max_vocab_size)
    _check_job(phrases, piece_bytes, partitions)
    out = _output_location(output)
    files = expand_sources(source)
    _check_distinct(out, files)
    pieces = plan_pieces(files, piece_bytes, text_column)
    if not pieces:
        raise W2VError(f"training input {_named(source)} is empty (no words)")
    parameters = {"min_count": min_count, "max_vocab_size": max_vocab_size,
                  "piece_bytes": piece_bytes, "text_column": text_column, "phrases": phrases}
    with _engine(client, scheduler) as engine:
        job = _Job(engine, out, pieces, progress, log or sys.stderr)
        job.run(min_count, max_vocab_size, partitions, parameters, _named(source))
    return open_prepared(out)


def _check_job(phrases: object, piece_bytes: object, partitions: object) -> None:
    if phrases != 0:
        raise W2VError(f"phrases={phrases!r}: prepare does not find phrases yet (run "
                       "w2v-phrase on the text first, then prepare its output)")
    for name, value in (("piece_bytes", piece_bytes), ("partitions", partitions)):
        if value is None and name == "partitions":
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise W2VError(f"{name} must be a positive integer, got {value!r}")


def _output_location(output: str | os.PathLike[str]) -> str:
    name = os.fspath(output)
    if name == "":
        raise W2VError("output path is empty")
    if not is_url(name):
        name = os.path.abspath(name)
        if os.path.exists(name) and not os.path.isdir(name):
            raise W2VError(f"output {name} exists and is not a directory")
        # as every output: its directory is made, never the one it stands in
        if not os.path.isdir(os.path.dirname(name.rstrip(os.sep)) or os.sep):
            raise W2VError(f"output directory does not exist: "
                           f"{os.path.dirname(name.rstrip(os.sep))}")
    fs, path = filesystem(name)
    if fs.isfile(path):
        raise W2VError(f"output {name} exists and is not a directory")
    return name.rstrip("/")


def _check_distinct(out: str, files: list[str]) -> None:
    """Before any work: no input lies in the output directory, where the job
    writes its shards and removes an earlier run's (w2v-train's rule: no output
    is an input)."""
    if is_url(out):
        return
    root = os.path.realpath(out)
    for name in files:
        if is_url(name):
            continue
        if os.path.commonpath([root, os.path.realpath(name)]) == root:
            raise W2VError(f"source file {name} lies in the output directory {out}: preparing "
                           "there would write over the text (give another output)")


def _named(source: object) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return ", ".join(os.fspath(s) for s in source)  # type: ignore[union-attr]


@contextlib.contextmanager
def _engine(client: Any, scheduler: str | None) -> Iterator[Any]:
    """The user's client, a client of the scheduler named, or a LocalCluster's."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise W2VError("prepare needs Dask: pip install 'w2vpy[dask]'") from None
    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            connected = Client(scheduler, timeout=30)
        except (OSError, ValueError) as exc:
            raise W2VError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with connected:
            yield connected
        return
    with LocalCluster(processes=True, threads_per_worker=1, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as local:
        yield local


class _Job:
    """One prepare job on a client: the steps in order, and their progress."""

    def __init__(self, client: Any, output: str, pieces: list[Piece], progress: bool,
                 log: TextIO):
        self.client, self.output, self.pieces = client, output, pieces
        self.work = f"{output}/{WORK_DIRECTORY}"
        self.log = log if progress else None

    def run(self, min_count: int, max_vocab_size: int, partitions: int | None,
            parameters: dict[str, Any], name: str) -> None:
        from w2vpy import __version__

        self._start()
        workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        partitions = partitions or PARTITIONS_PER_WORKER * workers
        counted: list[PieceCount] = self._each("counting", count_piece, self.pieces,
                                               max_vocab_size, partitions, self.work,
                                               words=lambda c: c.tokens)
        if sum(c.tokens for c in counted) == 0:
            remove(self.work, recursive=True)
            raise W2VError(f"training input {name} is empty (no words)")
        indices = [p.index for p in self.pieces]
        kept: list[KeptWords] = self._each("merging", merge_partition, list(range(partitions)),
                                           self.work, indices, min_count)
        vocabulary = self._write_vocabulary(kept)
        shards: list[Shard] = self._each("encoding", encode_piece, self.pieces, self.output,
                                         vocabulary["sha256"], words=lambda s: s.tokens)
        counting = {"tokens": sum(c.tokens for c in counted),
                    "distinct_words": sum(k.distinct for k in kept),
                    "prune_events": sum(c.prune_events for c in counted),
                    "pruned_words": sum(c.pruned_words for c in counted)}
        contents = manifest(self.pieces, shards, vocabulary, parameters, counting, __version__)
        write_manifest(self.output, contents)
        remove_stale_shards(self.output, contents)
        remove(self.work, recursive=True)

    def _start(self) -> None:
        """An earlier job's manifest goes first: from here until this job's is
        written, the output is not a prepared corpus."""
        make_directory(self.output)
        remove_manifest(self.output)
        make_directory(self.work)
        make_directory(f"{self.output}/{SHARD_DIRECTORY}")
        if self.log is not None:
            link = getattr(self.client, "dashboard_link", None)
            self.log.write(f"prepare: {len(self.pieces)} pieces; Dask dashboard: {link}\n")

    def _write_vocabulary(self, kept: list[KeptWords]) -> dict[str, Any]:
        words, counts = final_order(kept)
        data = b"".join(b"%s %d\n" % (w, c) for w, c in zip(words, counts.tolist()))
        write_atomically(f"{self.output}/{VOCAB_NAME}", data)
        return {"file": VOCAB_NAME, "words": len(words), "train_words": int(counts.sum()),
                "sha256": hashlib.sha256(data).hexdigest()}

    def _each(self, stage: str, task: Callable[..., Any], items: list[Any], *args: Any,
              words: Callable[[Any], int] | None = None) -> list[Any]:
        """``task(item, *args)`` for every item on the cluster, results in
        item order; the progress line as they come back."""
        from distributed import as_completed

        futures = [self.client.submit(task, item, *args, pure=False) for item in items]
        position = {future.key: i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(items)
        started, done, done_words = time.monotonic(), 0, 0
        self._reported = -REPORT_SECONDS
        try:
            for future in as_completed(futures):
                result = future.result()
                results[position[future.key]] = result
                done += 1
                done_words += words(result) if words is not None else 0
                self._report(stage, done, len(items), done_words, time.monotonic() - started)
        except BaseException:
            self.client.cancel(futures)
            raise
        if self.log is not None:
            self.log.write("\n")
        return results

    def _report(self, stage: str, done: int, total: int, words: int, seconds: float) -> None:
        if self.log is None or (done < total and seconds - self._reported < REPORT_SECONDS):
            return
        self._reported = seconds
        rate = f", {words / max(seconds, 1e-9) / 1e3:.1f}k words/s" if words else ""
        self.log.write(f"\rprepare: {stage} {done}/{total}{rate}  ")
        self.log.flush()


__all__ = ["prepare"]
