"""w2vpy.prepare with phrases, on a LocalCluster of two worker processes: each
pass's text is w2v-phrase's on the concatenated text byte for byte (the
pairs across the cuts between pieces counted), and the prepared vocabulary
and ids are w2v-train's on w2v-phrase's output; the per-piece pruning bound
is the documented difference."""
from __future__ import annotations

import gzip
import random
import re
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from w2vpy import Word2Vec  # noqa: E402
from w2vpy.distributed.phrasing import TABLE_NAME  # noqa: E402
from w2vpy.distributed.pieces import LINE_CUTS, expand_sources, plan_pieces  # noqa: E402
from w2vpy.parameters import phrase_params  # noqa: E402
from w2vpy.phrases import PhraseModel, phrases  # noqa: E402
from w2vpy.preparation import WORK_DIRECTORY, _Job, prepare  # noqa: E402
from w2vpy.text.prepared import open_prepared  # noqa: E402
from w2vpy.text.text_files import Corpus  # noqa: E402
from w2vpy.text.vocab import build_vocab  # noqa: E402
from w2vpy.text.word_ids import encode_corpus  # noqa: E402


def _phrasy_lines(rng: random.Random, n: int) -> str:
    """Lines of frequent pairs and triples among rarer words, some empty."""
    units = ["new york", "san francisco", "los angeles times", "of the", "x"]
    return "".join(" ".join(rng.choice(units) if rng.random() < 0.5 else f"w{rng.randint(0, 40)}"
                            for _ in range(rng.randint(0, 8))) + "\n" for _ in range(n))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """Plain text cut into many pieces (no final newline: the next file's
    first word pairs with its last), then a gzip file read whole."""
    rng = random.Random(5)
    d = tmp_path_factory.mktemp("phrase-corpus")
    (d / "a.txt").write_text(_phrasy_lines(rng, 300) + "no final york")
    (d / "b.txt.gz").write_bytes(gzip.compress(_phrasy_lines(rng, 100).encode()))
    return d


def _tricky_dir(tmp_path: Path) -> Path:
    """Words past the tokenizer's 98 bytes (so pair keys past 98), CRLF, NUL,
    lone CR, bytes that are not UTF-8, literal </s>, empty lines, a line
    longer than a piece (pieces with no words between two with words), and
    pairs frequent enough to join."""
    rng = random.Random(9)
    parts = [b"a" * 150, "é".encode() * 60, b"crlf\r\n", b"\ttab\t", b"nul\x00byte",
             b"\xff\xfe\x80", b"lone\rcr", b"\n", b"\n\n", b"   ", b"\xc3",
             b"</s>", b"new york", b"new york", b"b" * 99 + b" " + b"c" * 99]
    data = b"".join(rng.choice(parts) + rng.choice([b" ", b"\n", b"\t", b"\r\n"])
                    for _ in range(1000))
    data = data[:30000] + b"\nlong " + b"line " * 1500 + b"\n" + data[30000:]
    source = tmp_path / "tricky"
    source.mkdir()
    (source / "t.bin").write_bytes(data)
    (source / "u.bin").write_bytes(b"new york \xff")
    return source


def _passes_on_cluster(client, source: Path, work: Path, piece_bytes: int, **keywords):
    """The job's phrase passes alone: (the last pass's text, joined in piece
    order; what each pass did; the last pass's merged table file)."""
    pieces = plan_pieces(expand_sources(source), piece_bytes, None, LINE_CUTS)
    job = _Job(client, str(work), pieces, False, None)
    job._start()
    rewritten, reports = job.phrase_passes(phrase_params(keywords), 3, str(source))
    text = b"".join(Path(p.url).read_bytes() for p in rewritten)
    table = Path(job.work) / f"phrases-{len(reports)}" / TABLE_NAME
    return len(pieces), text, reports, table


def _table(path: Path) -> dict[bytes, int]:
    with np.load(path) as saved:
        keys, lengths, counts = saved["keys"].tobytes(), saved["lengths"], saved["counts"]
    ends = np.cumsum(lengths).tolist()
    starts = [0] + ends[:-1]
    return {keys[a:b]: c for a, b, c in zip(starts, ends, counts.tolist()) if c > 0}


@pytest.mark.parametrize("threshold", [(10.0,), (10.0, 5.0)], ids=["one-pass", "two-passes"])
def test_each_pass_is_w2v_phrase_on_the_concatenated_text(client, corpus_dir, tmp_path,
                                                          threshold):
    reference = tmp_path / "reference.txt"
    expected = phrases(corpus_dir, reference, min_count=1, threshold=threshold)
    pieces, text, reports, table = _passes_on_cluster(client, corpus_dir, tmp_path / "job", 300,
                                                      min_count=1, threshold=threshold)
    assert pieces > 20  # cut at many line ends, each with a pair across it
    assert text == reference.read_bytes()
    assert [(r["train_words"], r["pairs_joined"]) for r in reports] == \
        [(p.train_words, p.pairs_joined) for p in expected]
    assert all(p.pairs_joined > 0 for p in expected)
    if len(threshold) == 1:
        # min_count 1 keeps every word and pair: the merged table is the one
        # table of counting the text in one process, the pairs across cuts too
        whole = PhraseModel.learn(corpus_dir, min_count=1).table
        counts = whole.counts()
        assert _table(table) == {w: c for w, c in zip(whole.words(), counts.tolist()) if c > 0}


def _vocabulary_and_ids(source: Path, min_count: int, tmp_path: Path) -> tuple[bytes, bytes]:
    """(w2v-train -save-vocab's file, the ids) of the text in one process."""
    path = tmp_path / "reference-vocab.txt"
    Word2Vec(min_count=min_count).build_vocab(source, save_vocab=path)
    with Corpus(source) as corpus:
        vocab = build_vocab(corpus, min_count, 21_000_000)
        with encode_corpus(corpus, vocab) as encoded:
            encoded.file.seek(0)
            return path.read_bytes(), encoded.file.read()


def _prepared(out: Path) -> tuple[bytes, bytes]:
    with open_prepared(out).encoded() as encoded:
        encoded.file.seek(0)
        return (out / "vocab.txt").read_bytes(), encoded.file.read()


@pytest.mark.parametrize("passes", [1, 2])
def test_tricky_bytes_prepare_as_w2v_train_on_w2v_phrase_output(client, tmp_path, passes):
    source = _tricky_dir(tmp_path)
    reference = tmp_path / "phrased.txt"
    phrases(source, reference, min_count=2, threshold=2.0, passes=passes)
    pieces, text, _, _ = _passes_on_cluster(client, source, tmp_path / "job", 2048, min_count=2,
                                       threshold=2.0, passes=passes)
    assert pieces > 20 and text == reference.read_bytes()
    # joined, a pair of words cut to 98 bytes too (a key past 98 bytes)
    assert b" new_york" in text and re.search(rb"b{90,}_c{90,}", text)

    out = tmp_path / "prepared"
    prepared = prepare(source, out, client=client, min_count=2, phrases=passes, threshold=2.0,
                       piece_bytes=2048)
    assert _prepared(out) == _vocabulary_and_ids(reference, 2, tmp_path)
    assert len(prepared.manifest["counting"]["phrase_passes"]) == passes
    assert prepared.manifest["parameters"]["threshold"] == [2.0] * passes
    assert not (out / WORK_DIRECTORY).exists()
    # the phrase tables, counters and vocabulary the workers read are gone with the job
    from test_prepare import _held_on_worker
    assert set(client.run(_held_on_worker).values()) == {0}


def test_phrase_pruning_is_bounded_per_piece(client, tmp_path):
    """The documented difference: w2v-phrase prunes its one table when the
    text's words and pairs pass max_vocab_size, and a pair pruned early
    loses its count ("p q" is then not joined); prepare bounds each piece's
    table, so pieces that stay under the bound count the text exactly.  A
    piece that does prune is counted in the manifest's phrase_passes."""
    source = tmp_path / "text"
    source.mkdir()
    lines = ["p q"] * 2 + [f"u{i} v{i}" for i in range(200)] + ["p q"] * 2
    (source / "t.txt").write_text("\n".join(lines) + "\n")
    exact, pruned = tmp_path / "exact.txt", tmp_path / "pruned.txt"
    assert phrases(source, exact, min_count=3, threshold=1.0)[0].prune_events == 0
    assert phrases(source, pruned, min_count=3, threshold=1.0,
                   max_vocab_size=100)[0].prune_events > 0
    assert exact.read_bytes().startswith(b" p_q\n") and pruned.read_bytes() != exact.read_bytes()

    small = tmp_path / "small-pieces"
    prepared = prepare(source, small, client=client, min_count=3, phrases=1, threshold=1.0,
                       phrase_max_vocab_size=100, piece_bytes=150)
    assert prepared.manifest["counting"]["phrase_passes"][0]["prune_events"] == 0
    assert _prepared(small) == _vocabulary_and_ids(exact, 3, tmp_path)

    whole = tmp_path / "one-piece"
    prepared = prepare(source, whole, client=client, min_count=3, phrases=1, threshold=1.0,
                       phrase_max_vocab_size=100, piece_bytes=1 << 20)
    assert prepared.manifest["counting"]["phrase_passes"][0]["prune_events"] > 0
    assert _prepared(whole) == _vocabulary_and_ids(pruned, 3, tmp_path)


def test_command_line_pipeline(client, corpus_dir, tmp_path):
    """w2v-prepare -phrases 2 gives the vocabulary of w2v-phrase -passes 2
    then w2v-train -save-vocab, flag for flag."""
    from w2vpy.cli import main as w2v_train, phrase_main as w2v_phrase, prepare_main

    phrased, vocab = tmp_path / "phrased.txt", tmp_path / "vocab.txt"
    assert w2v_phrase(["-train", str(corpus_dir), "-output", str(phrased), "-min-count", "3",
                       "-threshold", "4", "-passes", "2", "-debug", "0"]) == 0
    assert w2v_train(["-train", str(phrased), "-save-vocab", str(vocab), "-min-count", "3",
                      "-output", str(tmp_path / "v.bin"), "-size", "4", "-iter", "1",
                      "-threads", "1", "-debug", "0"]) == 0
    out = tmp_path / "prepared"
    assert prepare_main(["-train", str(corpus_dir), "-output", str(out), "-min-count", "3",
                         "-phrases", "2", "-threshold", "4", "-piece-bytes", "500",
                         "-scheduler", client.scheduler.address, "-debug", "0"]) == 0
    assert (out / "vocab.txt").read_bytes() == vocab.read_bytes()
    assert b"_" in vocab.read_bytes()  # phrases made it into the vocabulary
