"""``w2vpy.prepare`` (this module: ``w2vpy.preparation``): count and encode a
corpus of any size on a Dask cluster, for training on one box.

The job (see ``w2vpy.distributed`` for each step):

1. the sources are listed and cut into pieces (plain text after a
   separator, or at line ends for the phrase passes; a compressed file
   whole, a Parquet row group);
2. each piece is counted by the C counter; its words go, split by a hash of
   the word, into a file in the output's work directory, and its tokens'
   entries in that counter into another;
3. each hash partition merges its words from every piece and drops those
   under ``min_count`` (a shuffle, not a tree reduction: see ``merging``);
   the client orders the kept words as word2vec.c does and writes
   ``vocab.txt``;
4. each piece is encoded as int32 ids of that vocabulary, a shard each
   (its recorded entries mapped to ids, without reading the text again);
5. ``manifest.json`` is written last, atomically.

With ``phrases``, word2phrase's passes come first (``phrasing``): each
counts words and pairs per piece, merges them as in step 3, and rewrites
every piece with the merged table; steps 2 to 4 then read the last pass's
pieces.

A worker that dies costs its tasks a rerun (every file a task writes
appears whole, and tasks read only what earlier steps wrote whole).

Identity with ``w2v-train -save-vocab`` on the concatenated text holds
wherever no pruning happens.  ``max_vocab_size`` bounds each piece's table
(word2vec.c's ReduceVocab, run on the piece alone): a text whose whole
vocabulary outgrows it while no piece's does is counted exactly, where
word2vec.c would have pruned; a piece that does prune loses the pruned
words' counts of that piece only (the manifest's ``counting`` says how many
prunes there were).  The phrase passes bound each piece's table of words
and pairs by ``phrase_max_vocab_size`` alike (word2phrase.c prunes its one
table of the whole text): ``counting``'s ``phrase_passes`` lists each
pass's prunes.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import time
import uuid
from typing import Any, Callable, Iterator, Sequence, TextIO

import numpy as np

from w2vpy.distributed.counting import PieceCount, count_piece, release_counters
from w2vpy.distributed.encoding import Shard, encode_piece, release_vocabularies
from w2vpy.distributed.manifest import (manifest, remove_manifest, remove_stale_shards,
                                        write_manifest)
from w2vpy.distributed.merging import KeptWords, merge_partition, vocabulary_file
from w2vpy.distributed.phrasing import (TABLE_NAME, PhraseCount, Rewritten, boundary_pairs,
                                        count_phrase_piece, release_tables, rewrite_piece,
                                        write_boundary_counts, write_table)
from w2vpy.distributed.pieces import (DEFAULT_PIECE_BYTES, LINE_CUTS, WORD_CUTS, Piece,
                                      expand_sources, plan_pieces)
from w2vpy.distributed.storage import filesystem, make_directory, remove, write_atomically
from w2vpy.errors import W2VError
from w2vpy.parameters import (DEFAULT_MAX_PHRASE_VOCAB_SIZE, DEFAULT_MAX_VOCAB_SIZE,
                              TRAINING_PARAMETERS, PhraseParams, phrase_params)
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
            threshold: float | Sequence[float] = 100.0,
            phrase_max_vocab_size: int = DEFAULT_MAX_PHRASE_VOCAB_SIZE,
            piece_bytes: int = DEFAULT_PIECE_BYTES,
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
    phrases : int
        word2phrase passes before counting (0: none), each reading the last
        one's output, as ``w2v-phrase -passes`` on the concatenated text
        with ``-min-count min_count``.
    threshold : float or a sequence of floats
        The phrase score threshold: one for every pass, or one per pass.
    phrase_max_vocab_size : int
        Bounds each piece's table of words and pairs in a phrase pass (see
        the module's text); word2phrase.c's limit by default.
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
    _check_job(piece_bytes, partitions)
    phrasing = _phrase_params(phrases, min_count, threshold, phrase_max_vocab_size)
    out = _output_location(output)
    files = expand_sources(source)
    _check_distinct(out, files)
    # word2phrase joins across spaces, never across a line end: see pieces
    pieces = plan_pieces(files, piece_bytes, text_column,
                         WORD_CUTS if phrasing is None else LINE_CUTS)
    if not pieces:
        raise W2VError(f"training input {_named(source)} is empty (no words)")
    parameters = {"min_count": min_count, "max_vocab_size": max_vocab_size,
                  "piece_bytes": piece_bytes, "text_column": text_column, "phrases": phrases}
    if phrasing is not None:
        parameters.update(threshold=list(phrasing.pass_thresholds),
                          phrase_max_vocab_size=phrasing.max_vocab_size)
    with _engine(client, scheduler) as engine:
        job = _Job(engine, out, pieces, progress, log or sys.stderr)
        job.run(min_count, max_vocab_size, partitions, parameters, _named(source), phrasing)
    return open_prepared(out)


def _phrase_params(phrases: object, min_count: int, threshold: object,
                   max_vocab_size: object) -> PhraseParams | None:
    """The phrase passes' parameters, checked as w2v-phrase's; None for no passes."""
    if not isinstance(phrases, int) or isinstance(phrases, bool) or phrases < 0:
        raise W2VError(f"phrases must be a whole number of passes (0 for none), got {phrases!r}")
    values = dict(threshold=threshold, max_vocab_size=max_vocab_size)
    if phrases > 0:
        values.update(min_count=min_count, passes=phrases)
    try:
        checked = phrase_params(values)  # a bad threshold is refused even when unused
    except W2VError as exc:
        raise W2VError(f"{exc} (the phrase passes take min_count, threshold and "
                       "phrase_max_vocab_size as w2v-phrase's -min-count, -threshold and "
                       "-max-vocab-size)") from None
    return checked if phrases > 0 else None


def _check_job(piece_bytes: object, partitions: object) -> None:
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


def release_worker_state() -> None:
    """What the tasks keep on a worker from one to the next: counting's
    counters, the vocabulary encoding reads, a phrase pass's table."""
    release_counters()
    release_vocabularies()
    release_tables()


class _Job:
    """One prepare job on a client: the steps in order, and their progress."""

    def __init__(self, client: Any, output: str, pieces: list[Piece], progress: bool,
                 log: TextIO):
        self.client, self.output, self.pieces = client, output, pieces
        self.scratch = f"{output}/{WORK_DIRECTORY}"
        # a directory of this job's own inside it: a task of an earlier job
        # on the same output that is still running (cancel does not stop a
        # running task) writes where this job never reads
        self.work = f"{self.scratch}/{uuid.uuid4().hex}"
        self.log = log if progress else None

    def run(self, min_count: int, max_vocab_size: int, partitions: int | None,
            parameters: dict[str, Any], name: str, phrasing: PhraseParams | None = None) -> None:
        """The job; whatever stops it (an error, Ctrl-C) takes the work
        directory with it, so that only a finished job leaves files behind."""
        self._start()
        try:
            self._steps(min_count, max_vocab_size, partitions, parameters, name, phrasing)
        except BaseException:
            with contextlib.suppress(Exception):  # the error on its way out says more
                remove(self.scratch, recursive=True)
            raise
        finally:
            self._release(release_worker_state)

    def _steps(self, min_count: int, max_vocab_size: int, partitions: int | None,
               parameters: dict[str, Any], name: str, phrasing: PhraseParams | None) -> None:
        from w2vpy import __version__

        partitions = partitions or self.default_partitions()
        pieces, passes = self.pieces, []
        if phrasing is not None:
            pieces, passes = self.phrase_passes(phrasing, partitions, name)
        try:
            counted: list[PieceCount] = self._each("counting", count_piece, pieces,
                                                   max_vocab_size, partitions, self.work,
                                                   words=lambda c: c.tokens)
        finally:
            self._release(release_counters)
        if sum(c.tokens for c in counted) == 0:
            self._empty(name)
        indices = [p.index for p in pieces]
        kept: list[KeptWords] = self._each("merging", merge_partition, list(range(partitions)),
                                           self.work, indices, min_count)
        vocabulary = self._write_vocabulary(kept)
        shards: list[Shard] = self._each("encoding", encode_piece, counted, self.output,
                                         vocabulary["sha256"], self.work,
                                         words=lambda s: s.tokens)
        counting = {"tokens": sum(c.tokens for c in counted),
                    "distinct_words": sum(k.distinct for k in kept),
                    "prune_events": sum(c.prune_events for c in counted),
                    "pruned_words": sum(c.pruned_words for c in counted)}
        if passes:
            counting["phrase_passes"] = passes
        contents = manifest(self.pieces, shards, vocabulary, parameters, counting, __version__)
        write_manifest(self.output, contents)
        remove_stale_shards(self.output, contents)
        remove(self.scratch, recursive=True)

    def _release(self, release: Callable[[], None]) -> None:
        """``release`` on every worker; one that cannot be reached keeps
        memory, not a result, so a failure here does not fail the job."""
        with contextlib.suppress(Exception):
            self.client.run(release)

    def default_partitions(self) -> int:
        workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        return PARTITIONS_PER_WORKER * workers

    def _empty(self, name: str) -> None:
        raise W2VError(f"training input {name} is empty (no words)")

    def phrase_passes(self, params: PhraseParams, partitions: int,
                      name: str) -> tuple[list[Piece], list[dict[str, Any]]]:
        """word2phrase's passes over the pieces: the last pass's rewritten
        pieces (in the work directory, same indices), and what each pass did."""
        pieces, reports, previous = self.pieces, [], None
        for number, threshold in enumerate(params.pass_thresholds, start=1):
            work = f"{self.work}/phrases-{number}"
            make_directory(work)
            counted, table, sha256 = self._phrase_counts(f"phrases {number}", pieces, params,
                                                         partitions, work)
            train_words = sum(c.train_words for c in counted)
            if train_words == 0:
                self._empty(name)
            rewritten: list[Rewritten] = self._each(
                f"phrases {number}: rewriting", rewrite_piece, pieces, work, table, sha256,
                params.min_count, threshold, train_words)
            if previous is not None:  # the text this pass read
                remove(previous, recursive=True)
            pieces, previous = [r.piece for r in rewritten], work
            reports.append({"threshold": threshold, "train_words": train_words,
                            "pairs_joined": sum(r.pairs_joined for r in rewritten),
                            "prune_events": sum(c.prune_events for c in counted),
                            "pruned_words": sum(c.pruned_words for c in counted)})
        return pieces, reports

    def _phrase_counts(self, stage: str, pieces: list[Piece], params: PhraseParams,
                       partitions: int, work: str) -> tuple[list[PhraseCount], str, str]:
        """A pass's counting: every piece's words and pairs, the pairs across
        the cuts, merged; (the pieces' counts, the table's file, its SHA-256)."""
        counted: list[PhraseCount] = self._each(
            f"{stage}: counting", count_phrase_piece, pieces, params.max_vocab_size,
            partitions, work, words=lambda c: c.train_words)
        cuts = len(pieces)  # the index past the last piece's
        write_boundary_counts(boundary_pairs(counted), cuts, partitions, work)
        kept: list[KeptWords] = self._each(
            f"{stage}: merging", merge_partition, list(range(partitions)), work,
            [p.index for p in pieces] + [cuts], params.min_count)
        keys = b"".join(k.keys for k in kept)
        lengths = np.concatenate([k.lengths for k in kept])
        counts = np.concatenate([k.counts for k in kept])
        table = f"{work}/{TABLE_NAME}"
        return counted, table, write_table(table, keys, lengths, counts)

    def _start(self) -> None:
        """An earlier job's manifest goes first: from here until this job's is
        written, the output is not a prepared corpus."""
        make_directory(self.output)
        remove_manifest(self.output)
        remove(self.scratch, recursive=True)  # what an earlier job left, killed outright
        make_directory(self.work)
        make_directory(f"{self.output}/{SHARD_DIRECTORY}")
        if self.log is not None:
            link = getattr(self.client, "dashboard_link", None)
            self.log.write(f"prepare: {len(self.pieces)} pieces; Dask dashboard: {link}\n")

    def _write_vocabulary(self, kept: list[KeptWords]) -> dict[str, Any]:
        data, words, train_words = vocabulary_file(kept)
        write_atomically(f"{self.output}/{VOCAB_NAME}", data)
        return {"file": VOCAB_NAME, "words": words, "train_words": train_words,
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
