"""Every way in: each source kind x workers x entry point x objective is one
cell, which trains the same small text and checks what came out.

A cell checks the vocabulary against a plain-Python count of the text (as
word2vec.c counts it), that every vector is finite, that each word's nearest
neighbours are words of its own topic, and, with one worker, that the vectors
are bit for bit those of the plain file through ``train()``.  A new source
kind, entry point or option joins these tables, not a test of its own.  The
cell's id names its source, workers, entry point and objective.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import signal
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import w2vpy
from conftest import topic_corpus
from w2vpy import W2VError, Word2Vec
from w2vpy.cli import main as w2v_train_main

#: the text every cell trains on; sample 0 keeps every token of a small text
SETTINGS = dict(vector_size=16, window=3, min_count=5, sample=0.0, epochs=3)
OBJECTIVES = {
    "cbow-ns": dict(sg=False, hs=False, negative=5),
    "cbow-hs": dict(sg=False, hs=True, negative=0),
    "sg-ns": dict(sg=True, hs=False, negative=5),
    "sg-hs": dict(sg=True, hs=True, negative=0),
    "sg-ns-full-windows": dict(sg=True, hs=False, negative=5, shrink_windows=False),
    "sg-ns-batched-negatives": dict(sg=True, hs=False, negative=5, batch_negatives=True),
    # gensim's start and thread split, asked for by name at every entry point
    "cbow-ns-gensim-start-and-split": dict(sg=False, hs=False, negative=5, init_range=1.0,
                                           thread_split="blocks"),
}
#: None: the default (word2vec.c's 12)
WORKERS = (1, 2, None)
#: the sources the command line can name; Python takes these and sentences
PATH_SOURCES = ("file", "gzip", "bzip2", "xz", "directory", "stdin", "named pipe",
                "prepared corpus")
SENTENCE_SOURCES = ("token lists", "re-iterable", "generator")
ENTRIES = ("w2v-train", "train()", "Word2Vec")


def _applies(source: str, entry: str) -> bool:
    return entry != "w2v-train" or source in PATH_SOURCES


CELLS = [pytest.param(source, workers, entry, objective,
                      id=f"{source}-workers={workers or 'default'}-{entry}-{objective}")
         for source in (*PATH_SOURCES, *SENTENCE_SOURCES)
         for workers in WORKERS
         for entry in ENTRIES if _applies(source, entry)
         for objective in OBJECTIVES]


@dataclass
class Text:
    path: Path
    data: bytes
    topic_of: dict[str, int]

    @property
    def sentences(self) -> list[list[str]]:
        return [line.split(" ") for line in self.data.decode().splitlines()]


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> Text:
    path = tmp_path_factory.mktemp("matrix") / "topics.txt"
    topic_of = topic_corpus(path, sentences=1500)
    return Text(path, path.read_bytes(), topic_of)


def expected_vocabulary(data: bytes, min_count: int) -> list[tuple[str, int]]:
    """word2vec.c's vocabulary, counted in plain Python: ``</s>`` first (once
    per line), then the words by count, ties in order of first appearance."""
    counts = Counter(data.split())
    first_seen = {word: i for i, word in reversed(list(enumerate(data.split())))}
    kept = sorted((w for w, c in counts.items() if c >= min_count),
                  key=lambda w: (-counts[w], first_seen[w]))
    return [("</s>", data.count(b"\n"))] + [(w.decode(), counts[w]) for w in kept]


# -- sources ---------------------------------------------------------------------------

class ReIterable:
    """Sentences whose __iter__ starts over, as gensim's corpus classes do."""

    def __init__(self, sentences: list[list[str]]):
        self._sentences = sentences

    def __iter__(self):
        return (list(s) for s in self._sentences)


def _split_lines(data: bytes) -> tuple[bytes, bytes]:
    middle = data.index(b"\n", len(data) // 2) + 1
    return data[:middle], data[middle:]


def _feed_pipe(path: Path, data: bytes) -> threading.Thread:
    """A writer that gives the pipe's reader the text once; a cell that never
    opens the pipe releases it by opening the reading end itself."""
    def write() -> None:
        with open(path, "wb") as pipe:
            pipe.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


@pytest.fixture(scope="module")
def prepared(text, tmp_path_factory) -> Path:
    """The text prepared by w2v-prepare's pipeline (w2vpy.prepare) on a Dask
    cluster of threads in this process, once for every cell, in pieces cut
    between words (each a task of its own, encoded from its record)."""
    distributed = pytest.importorskip("distributed", reason="prepare needs the dask extra")
    from w2vpy.preparation import prepare

    out = tmp_path_factory.mktemp("prepared") / "corpus"
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2) as client:
        done = prepare(text.path, out, client=client, min_count=SETTINGS["min_count"],
                       piece_bytes=max(1, Path(text.path).stat().st_size // 8))
    assert len(done.manifest["pieces"]) >= 8
    return out


COMPRESSORS = {"gzip": (gzip.compress, ".gz"), "bzip2": (bz2.compress, ".bz2"),
               "xz": (lzma.compress, ".xz")}


@cache
def _compressed(kind: str, data: bytes) -> bytes:
    """The text compressed once per kind: every cell of that kind writes the
    same bytes, so no cell compresses them again."""
    return COMPRESSORS[kind][0](data)


def make_source(kind: str, text: Text, where: Path, monkeypatch,
                pipe_writers: list[tuple[Path, threading.Thread]], request) -> object:
    """The text as a source of ``kind``: a path for the command line's kinds
    (stdin is set to the text), Python data for the rest."""
    if kind == "file":
        return str(text.path)
    if kind == "prepared corpus":
        return str(request.getfixturevalue("prepared"))
    if kind in COMPRESSORS:
        path = where / f"topics.txt{COMPRESSORS[kind][1]}"
        path.write_bytes(_compressed(kind, text.data))
        return str(path)
    if kind == "directory":
        folder = where / "texts"
        folder.mkdir()
        for name, part in zip(("a.txt", "b.txt"), _split_lines(text.data)):
            (folder / name).write_bytes(part)
        return str(folder)
    if kind == "stdin":
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.data)))
        return "-"
    if kind == "named pipe":
        path = where / "topics.fifo"
        os.mkfifo(path)
        pipe_writers.append((path, _feed_pipe(path, text.data)))
        return str(path)
    if kind == "token lists":
        return text.sentences
    if kind == "re-iterable":
        return ReIterable(text.sentences)
    if kind == "generator":
        return (s for s in text.sentences)
    raise AssertionError(kind)


#: a reader that opens a pipe a second time waits for a writer for ever: a
#: cell that does so fails after this long instead of hanging the suite
PIPE_HANG_SECONDS = 60


def _hung(signum: int, frame: object) -> None:
    raise AssertionError(f"the cell waited {PIPE_HANG_SECONDS} s: a named pipe opened twice?")


@pytest.fixture
def pipe_writers():
    """The cell's pipe writers; one that no reader opened (a cell that failed
    early) is released by opening the reading end here."""
    writers: list[tuple[Path, threading.Thread]] = []
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(PIPE_HANG_SECONDS)
    try:
        yield writers
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    for path, writer in writers:
        if writer.is_alive():
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            writer.join(timeout=10)
            os.close(fd)


# -- entry points ----------------------------------------------------------------------

@dataclass
class Trained:
    vocabulary: list[tuple[str, int]]
    vectors: w2vpy.WordVectors


def _keywords(workers: int | None, objective: str) -> dict[str, object]:
    given = {**SETTINGS, **OBJECTIVES[objective]}
    if workers is not None:
        given["workers"] = workers
    return given


def _flags(keywords: dict[str, object]) -> list[str]:
    spelled = {"vector_size": "-size", "window": "-window", "min_count": "-min-count",
               "sample": "-sample", "epochs": "-iter", "hs": "-hs", "negative": "-negative",
               "workers": "-threads", "shrink_windows": "-shrink-windows",
               "batch_negatives": "-batch-negatives", "init_range": "-init-range",
               "thread_split": "-thread-split"}
    flags = ["-cbow", str(int(not keywords["sg"]))]
    for name, flag in spelled.items():
        if name in keywords:
            flags += [flag, str(int(keywords[name]) if isinstance(keywords[name], bool)
                                else keywords[name])]
    return flags


def by_command_line(source: object, keywords: dict[str, object], where: Path) -> Trained:
    output, vocab_file = where / "vectors.bin", where / "vocab.txt"
    status = w2v_train_main(["-train", str(source), "-output", str(output), "-binary", "1",
                             "-debug", "1", "-save-vocab", str(vocab_file), *_flags(keywords)])
    assert status == 0
    vocabulary = [(word, int(count)) for word, count in
                  (line.split(" ") for line in vocab_file.read_text().splitlines())]
    return Trained(vocabulary, w2vpy.load(output))


def by_train(source: object, keywords: dict[str, object], where: Path) -> Trained:
    vectors = w2vpy.train(source, **keywords)
    return Trained(list(zip(vectors.index_to_key, vectors.counts.tolist())), vectors)


def by_model(source: object, keywords: dict[str, object], where: Path) -> Trained:
    model = Word2Vec(**keywords)
    model.build_vocab(source)
    model.train(source)
    vectors = model.wv
    return Trained(list(zip(vectors.index_to_key, vectors.counts.tolist())), vectors)


RUN: dict[str, Callable[[object, dict[str, object], Path], Trained]] = {
    "w2v-train": by_command_line, "train()": by_train, "Word2Vec": by_model}


@pytest.fixture(scope="module")
def expected(text) -> list[tuple[str, int]]:
    """The plain-Python vocabulary of the text, counted once for every cell."""
    return expected_vocabulary(text.data, SETTINGS["min_count"])


@pytest.fixture(scope="module")
def one_worker_reference(text):
    """Each objective's vectors from the plain file through train(), one
    worker, from word2vec.c's start (init_range 0.5) and from gensim's (1.0,
    where a Word2Vec built by gensim's calls starts)."""
    return {(objective, init_range): w2vpy.train(text.path, **{**_keywords(1, objective),
                                                               "init_range": init_range}).vectors
            for objective in OBJECTIVES for init_range in (0.5, 1.0)}


def check_neighbours(vectors: w2vpy.WordVectors, topic_of: dict[str, int]) -> None:
    """Each word's nearest word (``</s>`` aside) shares its topic, and so do
    all three nearest of nine words in ten (threads train in no fixed order,
    so the third may stray now and then)."""
    strays = {}
    for word, topic in topic_of.items():
        nearest = [w for w, _ in vectors.most_similar(word, topn=4) if w != "</s>"][:3]
        if any(topic_of.get(w) != topic for w in nearest):
            strays[word] = nearest
    assert not [w for w, nearest in strays.items() if topic_of.get(nearest[0]) != topic_of[w]], \
        f"nearest word outside the word's topic: {strays}"
    assert len(strays) <= len(topic_of) // 10, f"neighbours outside the word's topic: {strays}"


# -- the matrix ------------------------------------------------------------------------

@pytest.mark.parametrize("source, workers, entry, objective", CELLS)
def test_every_way_in(source, workers, entry, objective, text, expected, one_worker_reference,
                      tmp_path, monkeypatch, pipe_writers, request):
    given = make_source(source, text, tmp_path, monkeypatch, pipe_writers, request)
    keywords = _keywords(workers, objective)
    if source == "generator" and entry == "Word2Vec":
        # build_vocab, then train: two passes, which a generator cannot give
        with pytest.raises(W2VError, match="iterator .* can be read only once|already read"):
            by_model(given, keywords, tmp_path)
        return
    trained = RUN[entry](given, keywords, tmp_path)
    # a model built from sentences presents gensim's vocabulary: word2vec.c's
    # </s> (row 0) trains as ever but is no word of its wv
    first = 1 if entry == "Word2Vec" and source in SENTENCE_SOURCES else 0
    assert trained.vocabulary == expected[first:]
    assert trained.vectors.vectors.shape == (len(trained.vocabulary), SETTINGS["vector_size"])
    assert np.isfinite(trained.vectors.vectors).all()
    check_neighbours(trained.vectors, text.topic_of)
    if workers == 1:
        # gensim's calls (sentences into Word2Vec) start in gensim's range, the rest in
        # word2vec.c's, unless the objective names one; one worker reads in order either way
        init_range = OBJECTIVES[objective].get("init_range", 1.0 if first else 0.5)
        reference = one_worker_reference[(objective, init_range)]
        assert np.array_equal(trained.vectors.vectors, reference[first:])
