"""w2vpy.prepare on a LocalCluster of two worker processes: the prepared
vocabulary and ids are those of counting and encoding the concatenated text
(w2vpy.text.vocab, word2vec.c's order), training on them gives the same
vectors, and a worker killed mid-job changes nothing."""
from __future__ import annotations

import bz2
import contextlib
import gzip
import hashlib
import importlib
import io
import json
import os
import random
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

import w2vpy  # noqa: E402
from w2vpy import W2VError, Word2Vec  # noqa: E402
from w2vpy.cli import main as w2v_train_main  # noqa: E402
from w2vpy.errors import CorruptInputError  # noqa: E402
from w2vpy.preparation import WORK_DIRECTORY, prepare  # noqa: E402
from w2vpy.text.prepared import MANIFEST_NAME, is_prepared, open_prepared  # noqa: E402
from w2vpy.text.text_files import Corpus  # noqa: E402
from w2vpy.text.vocab import build_vocab, read_vocab, save_vocab  # noqa: E402
from w2vpy.text.word_ids import encode_corpus  # noqa: E402
from w2vpy.training.cpu_backend import (TrainingState, TrainingTables, new_weights,  # noqa: E402
                                        train_epochs)

# the kill-once plugin below is sent to the workers by value: they cannot
# import this test module
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _lines(rng: random.Random, n: int, vocabulary: int) -> str:
    words = [f"w{i}" for i in range(vocabulary)]
    # a skewed draw, so counts tie and differ both
    return "".join(" ".join(rng.choice(words[:rng.randint(1, vocabulary)])
                            for _ in range(rng.randint(0, 12))) + "\n" for _ in range(n))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """Three files read as one text: plain (cut into many pieces, no final
    newline), gzip, and bzip2."""
    rng = random.Random(7)
    d = tmp_path_factory.mktemp("corpus")
    (d / "a.txt").write_text(_lines(rng, 400, 150) + "no final newline")
    (d / "b.txt.gz").write_bytes(gzip.compress(_lines(rng, 150, 200).encode()))
    (d / "c.txt.bz2").write_bytes(bz2.compress(_lines(rng, 150, 120).encode()))
    return d


def _reference(source: Path, min_count: int, tmp_path: Path,
               max_vocab_size: int = 21_000_000) -> tuple[bytes, bytes]:
    """(vocabulary file, ids) of counting and encoding the text in one process."""
    path = tmp_path / "reference-vocab.txt"
    Word2Vec(min_count=min_count, max_vocab_size=max_vocab_size).build_vocab(
        source, save_vocab=path)
    with Corpus(source) as corpus:
        vocab = build_vocab(corpus, min_count, max_vocab_size)
        with encode_corpus(corpus, vocab) as encoded:
            encoded.file.seek(0)
            ids = encoded.file.read()
    return path.read_bytes(), ids


def _prepared(out: Path) -> tuple[bytes, bytes]:
    prepared = open_prepared(out)
    with prepared.encoded() as encoded:
        encoded.file.seek(0)
        return (out / "vocab.txt").read_bytes(), encoded.file.read()


def test_vocabulary_and_ids_are_those_of_the_concatenated_text(client, corpus_dir, tmp_path):
    out = tmp_path / "prepared"
    prepared = prepare(corpus_dir, out, client=client, min_count=3, piece_bytes=500)
    assert len(prepared.manifest["pieces"]) > 10  # the plain file is cut, across both workers
    assert _prepared(out) == _reference(corpus_dir, 3, tmp_path)
    assert not (out / WORK_DIRECTORY).exists()
    # nothing the tasks kept on a worker outlives the job
    assert set(client.run(_held_on_worker).values()) == {0}


def _held_on_worker() -> int:
    """Counters, vocabularies and phrase tables a worker holds."""
    from w2vpy.distributed import counting, encoding, phrasing
    return len(counting._counters) + len(encoding._vocabularies) + len(phrasing._tables)


@pytest.mark.parametrize("chunk_bytes, record_bytes", [(7, 20), (64, 4), (1000, 4096)])
def test_pieces_read_and_encoded_through_small_reused_buffers(tmp_path, monkeypatch,
                                                              chunk_bytes, record_bytes):
    """Chunks of the text and blocks of the record, each read into one
    reused buffer, many to a piece: the shards are the ids of encoding the
    text in one process, the record's way and the text's way alike; a record
    cut inside an entry or naming an entry its counting never made is
    refused as corrupt."""
    from w2vpy.distributed import counting, encoding, pieces as piece_module

    monkeypatch.setattr(piece_module, "CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(counting, "CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(encoding, "RECORD_BLOCK_BYTES", record_bytes)
    source = tmp_path / "t.txt"
    source.write_text(_lines(random.Random(4), 300, 120) + "no final newline")
    out, work, sha256, expected = _encoding_job(source, 2, tmp_path)
    planned = piece_module.plan_pieces([str(source)], 1500, None)
    assert len(planned) > 3
    counted = [counting.count_piece(p, 10**6, 3, str(work)) for p in planned]
    assert all(c.recorded for c in counted)
    record = Path(counting.entries_name(str(work), 0))
    whole = record.read_bytes()
    for damaged, message in ((whole[:-2], "ends inside an entry"),
                             (np.int32(10**6).tobytes() + whole[4:], "outside the counter")):
        record.write_bytes(damaged)
        with pytest.raises(CorruptInputError, match=message):
            encoding.encode_piece(counted[0], str(out), sha256, str(work))
    record.write_bytes(whole)
    from_records = [encoding.encode_piece(c, str(out), sha256, str(work)) for c in counted]
    from_text = [encoding.encode_piece(c, str(out), sha256, str(work)) for c in counted]
    assert from_records == from_text
    assert b"".join((out / s.shard).read_bytes() for s in from_text) == expected


def _encoding_job(source: Path, min_count: int, tmp_path: Path) -> tuple[Path, Path, str, bytes]:
    """An output and work directory for encoding tasks run here, the text's
    vocabulary saved in it: (output, work, the vocabulary's SHA-256, the ids
    of encoding the text in one process)."""
    from w2vpy.text.prepared import SHARD_DIRECTORY

    out, work = tmp_path / "out", tmp_path / "out" / "work"
    (out / SHARD_DIRECTORY).mkdir(parents=True)
    work.mkdir()
    with Corpus(source) as corpus:
        vocab = build_vocab(corpus, min_count)
        save_vocab(vocab, out / "vocab.txt")
        with encode_corpus(corpus, vocab) as encoded:
            encoded.file.seek(0)
            expected = encoded.file.read()
    return out, work, hashlib.sha256((out / "vocab.txt").read_bytes()).hexdigest(), expected


def test_a_thread_counts_piece_after_piece_in_one_counter(tmp_path):
    from w2vpy.distributed import counting
    from w2vpy.distributed.pieces import plan_pieces

    source = tmp_path / "t.txt"
    source.write_text(_lines(random.Random(9), 300, 90))
    pieces = plan_pieces([str(source)], 500, None)
    counting.release_counters()
    def files() -> list[bytes]:
        return [Path(name(str(tmp_path), p.index)).read_bytes() for p in pieces
                for name in (counting.counts_name, counting.entries_name)]

    first = [counting.count_piece(p, 10**6, 2, str(tmp_path)) for p in pieces]
    written = files()
    assert len(counting._counters) == 1
    again = [counting.count_piece(p, 10**6, 2, str(tmp_path)) for p in reversed(pieces)]
    # a kept counter counts each piece as a new one would, whatever came before
    assert first == again[::-1] and files() == written
    kept = next(iter(counting._counters.values()))
    counting.count_piece(pieces[0], 50, 2, str(tmp_path))  # another bound: a new counter
    assert len(counting._counters) == 1
    assert next(iter(counting._counters.values())) is not kept
    assert next(iter(counting._counters.values())).max_words == 50
    counting.release_counters()
    assert counting._counters == {}


def test_a_text_without_line_ends_is_cut_between_words(client, tmp_path):
    """text8's shape: one line of words, no newline. Counting and encoding
    cut plain text after any separator, so it spreads over many pieces, to
    the vocabulary and ids of the text read whole; a phrase pass cuts only
    at line ends, so there it stays one piece."""
    rng = random.Random(12)
    source = tmp_path / "text8"
    source.mkdir()
    text = _lines(rng, 400, 150)
    (source / "t.txt").write_text("".join(rng.choice(" \t") if c == "\n" else c for c in text))
    assert b"\n" not in (source / "t.txt").read_bytes()
    out = tmp_path / "prepared"
    prepared = prepare(source, out, client=client, min_count=2, piece_bytes=300)
    assert len(prepared.manifest["pieces"]) > 20
    assert _prepared(out) == _reference(source, 2, tmp_path)
    from w2vpy.distributed.pieces import LINE_CUTS, plan_pieces
    lines = plan_pieces([str(source / "t.txt")], 300, None, LINE_CUTS)
    assert len(lines) > 20 and _pieces_with_text(lines) == 1


def _pieces_with_text(pieces) -> int:
    from w2vpy.distributed.pieces import piece_chunks
    return sum(1 for p in pieces if any(len(c) for c in piece_chunks(p)))


def test_tricky_bytes(client, tmp_path):
    """Words past MAX_WORD_BYTES (cut inside and outside a UTF-8 character),
    CRLF, tabs, NUL (inside a word, and first: word2vec.c's empty word), lone CR, bytes that are not UTF-8, empty lines, and a
    line longer than a piece."""
    rng = random.Random(3)
    parts = [b"a" * 150, "é".encode() * 60, b"x" * 97 + "é".encode(), b"crlf\r\n", b"\ttab\t",
             b"nul\x00byte", b"\xff\xfe\x80", b"lone\rcr", b"\n", b"\n\n", b"   ", b"\xc3",
             b"w " * 300 + b"\n", b"</s>", b"word", b"\x00lead", b"\x00"]
    data = b"".join(rng.choice(parts) + rng.choice([b" ", b"\n", b"\t", b"\r\n"])
                    for _ in range(3000))
    source = tmp_path / "tricky"
    source.mkdir()
    (source / "t.bin").write_bytes(data)
    (source / "u.bin").write_bytes(b"no newline at the end \xff")
    out = tmp_path / "prepared"
    prepare(source, out, client=client, min_count=1, piece_bytes=256)
    assert _prepared(out) == _reference(source, 1, tmp_path)


def test_training_on_the_prepared_corpus_gives_the_same_vectors(client, corpus_dir, tmp_path):
    parameters = dict(vector_size=12, workers=1, seed=5, epochs=2, min_count=2, negative=3)
    model = Word2Vec(**parameters)
    model.build_vocab(corpus_dir)
    model.train(corpus_dir)

    out = tmp_path / "prepared"
    prepare(corpus_dir, out, client=client, min_count=2, piece_bytes=700)
    prepared = open_prepared(out)
    params = model.params
    vocab = prepared.vocabulary()
    weights, tables = new_weights(vocab, params), TrainingTables.build(vocab, params)
    state = TrainingState.start(params, vocab.train_words)
    with prepared.encoded() as encoded:
        train_epochs(weights, tables, encoded.file, encoded.tokens, params, state, params.epochs)
    assert weights.syn0.tobytes() == model.weights.syn0.tobytes()


def test_word2vec_trains_from_a_prepared_corpus(client, corpus_dir, tmp_path):
    parameters = dict(vector_size=12, workers=1, seed=5, epochs=1, min_count=2)
    model = Word2Vec(**parameters)
    model.build_vocab(corpus_dir)
    model.train(corpus_dir)
    out = tmp_path / "prepared"
    prepare(corpus_dir, out, client=client, min_count=2)
    from_prepared = Word2Vec(**parameters)
    from_prepared.build_vocab(out)
    from_prepared.train(out)
    assert from_prepared.weights.syn0.tobytes() == model.weights.syn0.tobytes()
    # the one-call train() and w2v-train take it the same way
    assert w2vpy.train(out, **parameters).vectors.tobytes() == model.weights.syn0.tobytes()
    vectors = tmp_path / "v.bin"
    assert w2v_train_main(["-train", str(out), "-output", str(vectors), "-binary", "1",
                           "-size", "12", "-threads", "1", "-seed", "5", "-iter", "1",
                           "-min-count", "2", "-debug", "0"]) == 0
    assert w2vpy.load(vectors).vectors.tobytes() == model.weights.syn0.tobytes()


class _KillOnce(distributed.WorkerPlugin):
    """Makes a task function kill its own worker process the first time any
    worker runs it (the marker file says it has); the nanny starts a new
    worker and the scheduler runs the task again."""

    def __init__(self, module: str, function: str, marker: str):
        self.module, self.function, self.marker = module, function, marker
        self.name = f"kill-once-{function}"

    def setup(self, worker) -> None:
        module = importlib.import_module(self.module)
        original = getattr(module, self.function)
        marker = self.marker

        def killing(*args, **kwargs):
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return original(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        killing.original = original
        setattr(module, self.function, killing)

    def teardown(self, worker) -> None:
        module = importlib.import_module(self.module)
        patched = getattr(module, self.function)
        setattr(module, self.function, getattr(patched, "original", patched))


@pytest.mark.parametrize("module, function, phrases", [
    ("w2vpy.distributed.counting", "count_piece", 0),
    ("w2vpy.distributed.encoding", "encode_piece", 0),
    ("w2vpy.distributed.phrasing", "rewrite_piece", 1)])
def test_a_worker_killed_mid_job_changes_nothing(client, corpus_dir, tmp_path, module, function,
                                                 phrases):
    clean = tmp_path / "clean"
    job = dict(client=client, min_count=3, piece_bytes=2000, phrases=phrases, threshold=5.0)
    prepare(corpus_dir, clean, **job)
    marker = tmp_path / "killed"
    plugin = _KillOnce(module, function, str(marker))
    client.register_plugin(plugin)
    try:
        out = tmp_path / "killed-run"
        prepare(corpus_dir, out, **job)
    finally:
        client.unregister_worker_plugin(plugin.name)
    assert marker.exists()  # a worker did die
    assert _prepared(out) == _prepared(clean)


def test_a_rerun_replaces_the_output_and_a_failed_one_leaves_no_manifest(client, corpus_dir,
                                                                          tmp_path):
    out = tmp_path / "prepared"
    prepare(corpus_dir, out, client=client, min_count=2, piece_bytes=300)
    many = len(list((out / "shards").iterdir()))
    prepare(corpus_dir, out, client=client, min_count=3, piece_bytes=3000)
    assert _prepared(out) == _reference(corpus_dir, 3, tmp_path)
    assert len(list((out / "shards").iterdir())) < many  # the first run's extra shards gone

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.txt").write_text("some words\n")
    (broken / "b.gz").write_bytes(gzip.compress(b"more words\n" * 100)[:-12])
    with pytest.raises(CorruptInputError, match="b.gz"):
        prepare(broken, out, client=client)
    assert not is_prepared(out)
    with pytest.raises(W2VError, match="not a prepared corpus"):
        open_prepared(out)


@pytest.mark.parametrize("stage", ["_write_vocabulary", "_each"])
def test_an_interrupted_job_takes_its_work_files_with_it(client, corpus_dir, tmp_path,
                                                         monkeypatch, stage):
    """Ctrl-C (KeyboardInterrupt) between the steps or while tasks run: no
    manifest, no work directory, and the next run over the same output
    finishes as if none had been interrupted."""
    from w2vpy.preparation import _Job

    def interrupted(*args, **kwargs):
        if stage == "_each" and args[1] == "counting":
            return original(*args, **kwargs)
        raise KeyboardInterrupt

    original = getattr(_Job, stage)
    monkeypatch.setattr(_Job, stage, interrupted)
    out = tmp_path / "prepared"
    with pytest.raises(KeyboardInterrupt):
        prepare(corpus_dir, out, client=client, min_count=3, piece_bytes=2000)
    assert sorted(p.name for p in out.iterdir()) == ["shards"]
    monkeypatch.undo()
    prepare(corpus_dir, out, client=client, min_count=3, piece_bytes=2000)
    assert _prepared(out) == _reference(corpus_dir, 3, tmp_path)


def test_a_task_left_running_by_an_earlier_job_cannot_write_into_the_next_one(
        client, corpus_dir, tmp_path):
    """Cancelling a job does not stop its running tasks: each job counts into
    a directory of its own under the work directory, and removes what an
    earlier job left there, so a late task of job A writes where job B never
    reads (and fails once A's directory is gone)."""
    from w2vpy.distributed.counting import count_piece
    from w2vpy.distributed.pieces import plan_pieces
    from w2vpy.preparation import _Job

    out = tmp_path / "prepared"
    first = _Job(client, str(out), [], False, None)
    first._start()
    second = _Job(client, str(out), [], False, None)
    assert first.work != second.work and first.scratch == second.scratch
    second._start()
    assert not Path(first.work).exists() and Path(second.work).is_dir()
    piece = plan_pieces([str(corpus_dir / "a.txt")], 10**6, None)[0]
    with pytest.raises(W2VError, match="directory does not exist"):
        count_piece(piece, 10**6, 2, first.work)  # the late task of the first job
    assert sorted(p.name for p in Path(second.scratch).iterdir()) == [Path(second.work).name]


def test_a_whole_vocabulary_past_max_vocab_size_that_no_piece_reaches_is_counted_exactly(
        client, tmp_path):
    """The documented difference: word2vec.c prunes its one table when the
    text's distinct words pass max_vocab_size; prepare bounds each piece's."""
    source = tmp_path / "text"
    source.mkdir()
    (source / "t.txt").write_text("".join(f"u{i} common u{i} common\n" for i in range(400)))
    out = tmp_path / "prepared"
    prepared = prepare(source, out, client=client, min_count=1, max_vocab_size=100,
                       piece_bytes=400)
    exact, _ = _reference(source, 1, tmp_path)
    pruned, _ = _reference(source, 1, tmp_path, max_vocab_size=100)
    assert (out / "vocab.txt").read_bytes() == exact != pruned
    assert prepared.manifest["counting"]["prune_events"] == 0


def test_a_piece_that_prunes_is_encoded_from_its_text(client, tmp_path):
    """Pruning renumbers a piece's counter, so its recorded entries are
    useless: that piece is counted again and encoded from its text, its
    neighbours from their records; the ids are the text's, encoded with the
    prepared vocabulary either way."""
    source = tmp_path / "text"
    source.mkdir()
    lines = [" ".join(["common"] * 5) + "\n"] * 100  # pieces that stay under the bound
    lines += [f"rare{i} common\n" for i in range(300)]  # pieces that pass it
    (source / "t.txt").write_text("".join(lines))
    out = tmp_path / "prepared"
    prepared = prepare(source, out, client=client, min_count=1, max_vocab_size=50,
                       piece_bytes=1500)
    assert prepared.manifest["counting"]["prune_events"] > 0
    from w2vpy.distributed.counting import count_piece
    from w2vpy.distributed.pieces import plan_pieces
    (tmp_path / "work").mkdir()
    recorded = {count_piece(piece, 50, 2, str(tmp_path / "work")).recorded
                for piece in plan_pieces([str(source / "t.txt")], 1500, None)}
    assert recorded == {True, False}  # both ways of encoding are taken
    vocabulary, ids = _prepared(out)
    with Corpus(source) as corpus:
        with encode_corpus(corpus, read_vocab(out / "vocab.txt", min_count=1)) as encoded:
            encoded.file.seek(0)
            assert ids == encoded.file.read()
    assert len(ids) // 4 == prepared.manifest["counting"]["tokens"] - _skipped(prepared)


def _skipped(prepared) -> int:
    return sum(p["skipped"] for p in prepared.manifest["pieces"])


def test_a_rerun_encoding_whose_record_is_gone_reads_the_text(tmp_path):
    """An encoding task removes its piece's record once the shard is whole;
    run again (its result lost with a worker), it reads the text instead, to
    the same shard."""
    from w2vpy.distributed.counting import count_piece, entries_name
    from w2vpy.distributed.encoding import encode_piece
    from w2vpy.distributed.pieces import plan_pieces

    source = tmp_path / "t.txt"
    source.write_text(_lines(random.Random(5), 200, 80))
    out, work, sha256, expected = _encoding_job(source, 3, tmp_path)
    piece = plan_pieces([str(source)], 10**6, None)[0]
    counted = count_piece(piece, 10**6, 2, str(work))
    assert counted.recorded and Path(entries_name(str(work), 0)).exists()
    from_record = encode_piece(counted, str(out), sha256, str(work))
    assert not Path(entries_name(str(work), 0)).exists()
    shard = (out / from_record.shard).read_bytes()
    from_text = encode_piece(counted, str(out), sha256, str(work))
    assert from_text == from_record
    assert shard == (out / from_text.shard).read_bytes() == expected
    assert from_record.skipped == counted.tokens - len(expected) // 4 > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([b"</s>", b"a", b"bb", b"</t>", b"\xc3\xa9", b"w" * 99,
                                           b"x", b"yz"]),
                          st.integers(0, 10**12), st.integers(0, 2**40)),
                max_size=40, unique_by=(lambda w: w[0], lambda w: w[2])),  # as real ones
       st.integers(1, 4), st.sampled_from([1, 3, 1 << 20]))
def test_the_vocabulary_file_is_word2vec_c_order_written_line_by_line(words, partitions,
                                                                       block_words):
    """vocabulary_file against plain Python: </s> first, then count
    descending, ties by first position; ``word count`` lines, however many
    words are formatted at a time."""
    from w2vpy.distributed import merging
    from w2vpy.distributed.merging import KeptWords, vocabulary_file

    merging.FORMAT_BLOCK_WORDS, default = block_words, merging.FORMAT_BLOCK_WORDS

    parts = []
    for j in range(partitions):
        mine = words[j::partitions]
        parts.append(KeptWords(b"".join(w for w, _, _ in mine),
                               np.array([len(w) for w, _, _ in mine], dtype=np.uint8),
                               np.array([c for _, c, _ in mine], dtype=np.int64),
                               np.array([p for _, _, p in mine], dtype=np.int64), len(mine)))
    ranked = sorted(words, key=lambda w: (w[0] != b"</s>", -w[1], w[2]))
    expected = b"".join(b"%s %d\n" % (w, c) for w, c, _ in ranked)
    try:
        assert vocabulary_file(parts) == (expected, len(words), sum(c for _, c, _ in words))
    finally:
        merging.FORMAT_BLOCK_WORDS = default


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"bb", b"ccc", b"\xc3\xa9", b"w" * 99, b"\n", b"d e"]),
                max_size=60).map(b" ".join), st.integers(1, 5), st.integers(0, 9))
def test_a_counts_file_holds_each_word_once_in_its_partition(tmp_path_factory, text,
                                                             partitions, index):
    """write_counts, then read_partition and read_partitions: every word of
    the counter once, in the partition its hash names, with its count and its
    position (piece, entry); the words of a partition in entry order."""
    from w2vpy import _core
    from w2vpy.distributed.counting import (ENTRY_BITS, partition_of, read_partition,
                                            read_partitions, write_counts)

    work = str(tmp_path_factory.mktemp("work"))
    counter = _core.WordCounter(1000)
    counter.feed(text)
    counter.finish()
    write_counts(counter, index, partitions, work)
    words, counts = counter.words(), counter.counts().tolist()
    part = partition_of(counter.hashes(), partitions).tolist()
    whole = list(read_partitions(work, index))
    assert len(whole) == partitions
    for j, (keys, lengths, part_counts, positions) in enumerate(whole):
        entries = [e for e in range(len(words)) if part[e] == j]
        assert keys == b"".join(words[e] for e in entries)
        assert lengths.tolist() == [len(words[e]) for e in entries]
        assert part_counts.tolist() == [counts[e] for e in entries]
        assert positions.tolist() == [(index << ENTRY_BITS) + e for e in entries]
        one = read_partition(work, index, j)
        assert one[0] == keys and all((x == y).all() for x, y in zip(one[1:], whole[j][1:]))


def test_a_damaged_counts_file_is_refused(tmp_path):
    from w2vpy import _core
    from w2vpy.distributed.counting import counts_name, read_partition, write_counts

    counter = _core.WordCounter(100)
    counter.feed(b"a b c a\n")
    counter.finish()
    write_counts(counter, 0, 2, str(tmp_path))
    name = Path(counts_name(str(tmp_path), 0))
    whole = name.read_bytes()
    name.write_bytes(whole[:-1])
    with pytest.raises(CorruptInputError, match="ends early"):
        read_partition(str(tmp_path), 0, 1)
    name.write_bytes(b"PK" + whole[2:])
    with pytest.raises(CorruptInputError, match="not a counts file"):
        read_partition(str(tmp_path), 0, 0)


def test_parquet_rows_are_lines(client, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rng = random.Random(11)
    rows = [_lines(rng, 1, 60).rstrip("\n") for _ in range(300)] + [None, "two\nlines"]
    source = tmp_path / "table.parquet"
    pq.write_table(pa.table({"id": list(range(len(rows))), "text": rows}), source,
                   row_group_size=40)
    text = tmp_path / "text"
    text.mkdir()
    (text / "t.txt").write_text("".join(r + "\n" for r in rows if r is not None))
    out = tmp_path / "prepared"
    prepared = prepare(str(source), out, client=client, text_column="text", min_count=1)
    assert len(prepared.manifest["pieces"]) == 8
    assert _prepared(out) == _reference(text, 1, tmp_path)
    with pytest.raises(W2VError, match="no column 'body'"):
        prepare(str(source), tmp_path / "other", client=client, text_column="body")


def test_a_damaged_shard_or_manifest_is_refused(client, corpus_dir, tmp_path):
    out = tmp_path / "prepared"
    prepare(corpus_dir, out, client=client, min_count=3, piece_bytes=5000)
    shard = sorted((out / "shards").iterdir())[0]
    data = bytearray(shard.read_bytes())
    data[0] ^= 1
    shard.write_bytes(bytes(data))
    with pytest.raises(CorruptInputError, match="checksum"):
        open_prepared(out).encoded()
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    manifest["pieces"][0]["shard"] = "shards/../../elsewhere"
    (out / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(CorruptInputError, match="manifest"):
        open_prepared(out)


@pytest.mark.parametrize("keywords, message", [
    (dict(phrases=-1), "phrases"), (dict(phrases=True), "phrases"),
    (dict(phrases=1, min_count=0), "min_count"), (dict(threshold=-1.0), "threshold"),
    (dict(phrases=1, phrase_max_vocab_size=1), "max_vocab_size"), (dict(min_count=-1), "min_count"),
    (dict(piece_bytes=0), "piece_bytes"), (dict(max_vocab_size=0), "max_vocab_size")])
def test_refused_parameters(client, corpus_dir, tmp_path, keywords, message):
    with pytest.raises(W2VError, match=message):
        prepare(corpus_dir, tmp_path / "out", client=client, **keywords)
    assert not (tmp_path / "out").exists()


def test_refused_sources(client, tmp_path):
    (tmp_path / "empty.txt").write_text(" \t \r")
    with pytest.raises(W2VError, match="empty"):
        prepare(tmp_path / "empty.txt", tmp_path / "out", client=client)
    with pytest.raises(W2VError, match="not found"):
        prepare(tmp_path / "missing.txt", tmp_path / "out", client=client)
    (tmp_path / "file").write_text("x\n")
    with pytest.raises(W2VError, match="not a directory"):
        prepare(tmp_path / "empty.txt", tmp_path / "file", client=client)


def _cli(argv: list[str], capsys) -> tuple[int, str, str]:
    from w2vpy.cli import prepare_main
    code = prepare_main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_line(client, corpus_dir, tmp_path, capsys):
    code, out, _ = _cli(["-h"], capsys)
    assert code == 0 and "-scheduler" in out and "-min-count" in out
    code, out, _ = _cli(["--version"], capsys)
    assert code == 0 and out.startswith("w2v-prepare (w2vpy ")
    code, _, err = _cli(["-output", str(tmp_path / "o")], capsys)
    assert (code, err) == (1, "w2v-prepare: error: no training file: give -train <file>\n")
    code, _, err = _cli(["-train", str(corpus_dir), "-output", str(tmp_path / "o"),
                         "-min-count", "x"], capsys)
    assert (code, err) == (1, "w2v-prepare: error: invalid value for -min-count: 'x' is not "
                           "an integer\n")
    address = client.scheduler.address
    code, _, err = _cli(["-train", str(corpus_dir), "-output", str(tmp_path / "prepared"),
                         "-min-count", "3", "-piece-bytes", "800", "-scheduler", address,
                         "-debug", "2"], capsys)
    assert code == 0, err
    assert "dashboard" in err and "counting" in err
    assert _prepared(tmp_path / "prepared") == _reference(corpus_dir, 3, tmp_path)
    code, _, err = _cli(["-train", str(corpus_dir), "-output", str(tmp_path / "phrased"),
                         "-min-count", "3", "-piece-bytes", "800", "-scheduler", address,
                         "-phrases", "1", "-threshold", "5", "-phrase-max-vocab-size", "60",
                         "-partitions", "3", "-debug", "0"], capsys)
    assert code == 0, err
    api = prepare(corpus_dir, tmp_path / "api", client=client, min_count=3, piece_bytes=800,
                  phrases=1, threshold=5.0, phrase_max_vocab_size=60)
    assert api.manifest["parameters"]["phrase_max_vocab_size"] == 60
    assert api.manifest["counting"]["phrase_passes"][0]["prune_events"] > 0  # the bound told
    assert _prepared(tmp_path / "phrased") == _prepared(tmp_path / "api")  # 3 partitions or 4
    for flag, value in (("-partitions", "0"), ("-phrase-max-vocab-size", "1")):
        code, _, err = _cli(["-train", str(corpus_dir), "-output", str(tmp_path / "o"), flag,
                             value], capsys)
        assert code == 1 and err.startswith(f"w2v-prepare: error: {flag} ") and \
            err.count("\n") == 1, err


def test_a_prepared_corpus_trains_only_its_own_vocabulary(client, corpus_dir, tmp_path):
    """Its ids number its vocabulary: a model of other words, or a rule that
    would keep other words, is refused by name (trained, the ids would hit
    the wrong rows, or rows past the end of the matrix)."""
    out = tmp_path / "prepared"
    prepare(corpus_dir, out, client=client, min_count=2)
    other = tmp_path / "other.txt"
    other.write_text("a b c d e f g h\n" * 20)
    model = Word2Vec(vector_size=8, workers=1, min_count=2)
    model.build_vocab(other)
    with pytest.raises(W2VError, match="was prepared with another vocabulary"):
        model.train(out)
    for keywords in (dict(max_final_vocab=5), dict(trim_rule=lambda word, count, min_count: 1)):
        with pytest.raises(W2VError, match="is a prepared corpus, whose word ids number"):
            Word2Vec(vector_size=8, workers=1, min_count=2, **keywords).build_vocab(out)


def test_a_prepared_vocabulary_is_held_to_its_manifest(client, corpus_dir, tmp_path):
    out = tmp_path / "prepared"
    prepare(corpus_dir, out, client=client, min_count=2)
    vocab = out / "vocab.txt"
    lines = vocab.read_text().splitlines(keepends=True)
    vocab.write_text("".join([lines[0], lines[2], lines[1], *lines[3:]]))  # two words swapped
    with pytest.raises(CorruptInputError, match="vocab.txt does not match its checksum"):
        Word2Vec(vector_size=8, workers=1, min_count=2).build_vocab(out)


def test_an_output_that_holds_an_input_or_has_no_directory_is_refused(tmp_path):
    """Checked before any work (no cluster is started): the job writes and
    removes files in its output, so no input may lie there, and, as every
    output, its own directory is made, never the one it stands in."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("a b c a b\n")
    with pytest.raises(W2VError, match="lies in the output directory"):
        prepare(texts, texts)
    with pytest.raises(W2VError, match="lies in the output directory"):
        prepare(texts / "a.txt", tmp_path)
    with pytest.raises(W2VError, match="output directory does not exist"):
        prepare(texts, tmp_path / "missing" / "prepared")
    assert sorted(p.name for p in texts.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("passes", [0, 1], ids=["text", "phrases"])
def test_object_storage_in_and_out_and_training_from_it(corpus_dir, tmp_path, passes):
    """fsspec's in-memory filesystem (real fsspec, as an object store): the
    text read from memory:// URLs, the prepared corpus (and the job's work
    files, the phrase passes' text too) written to one, and training reads
    the shards from there; the vocabulary, ids and vectors are those of the
    text (or w2v-phrase's output of it) on local disk.  The memory
    filesystem lives in one process, so the workers are threads of this one."""
    fsspec = pytest.importorskip("fsspec")
    from w2vpy.phrases import phrases

    memory = fsspec.filesystem("memory")
    root = f"/w2vpy-test-{os.getpid()}-{passes}"
    text = corpus_dir
    if passes:
        text = tmp_path / "phrased.txt"
        phrases(corpus_dir, text, min_count=2, threshold=5.0, passes=passes)
    try:
        for path in sorted(corpus_dir.iterdir()):
            memory.pipe(f"{root}/text/{path.name}", path.read_bytes())
        with distributed.Client(processes=False, n_workers=2, threads_per_worker=1,
                                dashboard_address=":0") as in_process:
            prepared = prepare(f"memory://{root}/text", f"memory://{root}/prepared",
                               client=in_process, min_count=2, phrases=passes, threshold=5.0,
                               piece_bytes=700)
        assert len(prepared.manifest["pieces"]) > 5
        assert prepared.manifest["pieces"][0]["source"] == f"memory://{root}/text/a.txt"
        assert not memory.exists(f"{root}/prepared/{WORK_DIRECTORY}")
        with prepared.encoded() as encoded:
            encoded.file.seek(0)
            ids = encoded.file.read()
        assert (memory.cat(f"{root}/prepared/vocab.txt"), ids) == _reference(text, 2, tmp_path)

        parameters = dict(vector_size=12, workers=1, seed=5, epochs=1, min_count=2)
        local = Word2Vec(**parameters)
        local.build_vocab(text)
        local.train(text)
        remote = Word2Vec(**parameters)
        remote.build_vocab(f"memory://{root}/prepared")
        remote.train(f"memory://{root}/prepared")
        assert remote.weights.syn0.tobytes() == local.weights.syn0.tobytes()
    finally:
        memory.rm(root, recursive=True)
