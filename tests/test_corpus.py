import bz2
import gzip
import lzma
import os
import threading

import pytest

from conftest import run_cli
import w2vpy.text.text_files
from w2vpy.text.text_files import Corpus
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.text.vocab import build_vocab

TEXT = b"one two three\nfour five six\none two\n"


def vocab_words(source, read_ahead=False):
    with Corpus(source) as c:
        v = build_vocab(c, min_count=1, read_ahead=read_ahead)
    return list(zip(v.words, v.counts.tolist()))


def read_ahead_threads():
    return [t for t in threading.enumerate() if t.name == "w2vpy-read-ahead"]


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed_input_recognised_by_content(tmp_path, compress):
    plain = tmp_path / "plain.txt"
    plain.write_bytes(TEXT)
    packed = tmp_path / "no_extension"
    packed.write_bytes(compress(TEXT))
    assert vocab_words(packed) == vocab_words(plain)


@pytest.mark.parametrize("read_ahead", [False, True])
@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_corrupt_compressed_input_fails(tmp_path, compress, read_ahead):
    data = bytearray(compress(TEXT * 50))
    bad = tmp_path / "bad"
    bad.write_bytes(bytes(data[: len(data) // 2]))  # truncated
    with pytest.raises(CorruptInputError, match="corrupt|truncated|cannot read"):
        vocab_words(bad, read_ahead)
    assert not read_ahead_threads()


def test_read_ahead_gives_the_same_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(w2vpy.text.text_files, "CHUNK_BYTES", 7)
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt.gz").write_bytes(gzip.compress(TEXT * 3))
    (d / "b.txt").write_bytes(b"no final newline")
    (d / "c.xz").write_bytes(lzma.compress(TEXT))
    corpus = Corpus(d)
    plain = list(corpus.chunks())
    assert len(plain) > 2 * w2vpy.text.text_files.READ_AHEAD_CHUNKS
    assert list(corpus.chunks(read_ahead=True)) == plain
    assert vocab_words(d, read_ahead=True) == vocab_words(d)


def test_read_ahead_stops_when_the_reader_stops_early(tmp_path, monkeypatch):
    monkeypatch.setattr(w2vpy.text.text_files, "CHUNK_BYTES", 5)
    packed = tmp_path / "t.gz"
    packed.write_bytes(gzip.compress(TEXT * 100))
    chunks = Corpus(packed).chunks(read_ahead=True)
    assert next(chunks) == TEXT[:5]
    assert len(read_ahead_threads()) == 1
    chunks.close()  # as when counting fails on a chunk
    assert not read_ahead_threads()


def test_flipped_bytes_in_gzip_fail(tmp_path):
    data = bytearray(gzip.compress(TEXT * 50))
    data[20:30] = b"\xff" * 10
    bad = tmp_path / "bad.gz"
    bad.write_bytes(bytes(data))
    with pytest.raises(CorruptInputError):
        vocab_words(bad)


def test_directory_reads_files_in_name_order(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "b.txt").write_bytes(b"beta beta")  # no final newline: one is added
    (d / "a.txt").write_bytes(b"alpha\n")
    (d / "c.txt.gz").write_bytes(gzip.compress(b"gamma\n"))
    (d / "sub").mkdir()
    assert vocab_words(d) == [(b"</s>", 3), (b"beta", 2), (b"alpha", 1), (b"gamma", 1)]


def test_stdin_is_spooled_and_read_twice(tmp_path):
    out = tmp_path / "v.txt"
    r = run_cli("-train", "-", "-output", str(out), "-min-count", "1", "-size", "4",
                "-binary", "0", "-debug", "0", "-threads", "1", stdin=TEXT * 20)
    assert r.returncode == 0, r.stderr
    assert out.read_text().splitlines()[0] == "7 4"


def test_missing_and_empty_directory(tmp_path):
    with pytest.raises(W2VError, match="not found"):
        Corpus(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(W2VError, match="no regular files"):
        Corpus(tmp_path / "empty")


def test_a_callers_corpus_stays_open_between_calls(tmp_path):
    """A named pipe is read once and spooled; the model's calls must not close
    the caller's Corpus (dropping the spool), or train reads nothing."""
    from w2vpy import Word2Vec
    fifo = tmp_path / "text.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(TEXT * 50), daemon=True)
    writer.start()
    with Corpus(fifo) as corpus:
        model = Word2Vec(vector_size=4, min_count=1, workers=1, epochs=1)
        model.build_vocab(corpus)
        report = model.train(corpus)
    writer.join(10)
    plain = tmp_path / "text.txt"
    plain.write_bytes(TEXT * 50)
    model = Word2Vec(vector_size=4, min_count=1, workers=1, epochs=1)
    model.build_vocab(plain)
    assert report.words_trained == model.train(plain).words_trained > 0


FIRST, SECOND = b"one two three\n", b"four five six\n"
COMPRESSORS = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}
# what each tool's -dc reads whole (zeros: padding it takes silently)
READ_WHOLE = [("gzip", b""), ("gzip", b"\0" * 3), ("bzip2", b""), ("xz", b""),
              ("xz", b"\0" * 8)]


@pytest.mark.parametrize("chunk_bytes", [3, 1 << 20])
@pytest.mark.parametrize("read_ahead", [False, True])
@pytest.mark.parametrize("kind,padding", READ_WHOLE, ids=lambda v: repr(v)[:12])
def test_every_stream_of_a_compressed_file_is_read(tmp_path, monkeypatch, kind, padding,
                                                   read_ahead, chunk_bytes):
    monkeypatch.setattr(w2vpy.text.text_files, "CHUNK_BYTES", chunk_bytes)
    compress = COMPRESSORS[kind]
    packed = tmp_path / "two_streams"
    if kind == "gzip" and padding:  # gzip -dc takes zeros only at the end
        packed.write_bytes(compress(FIRST) + compress(SECOND) + padding)
    else:
        packed.write_bytes(compress(FIRST) + padding + compress(SECOND) + padding)
    assert b"".join(Corpus(packed).chunks(read_ahead)) == FIRST + SECOND


# what each tool's -dc does not read whole (it fails, or warns and drops it)
NOT_READ_WHOLE = [("gzip", b"garbage"), ("gzip", b"\0\0" + gzip.compress(SECOND)),
                  ("bzip2", b"garbage"), ("bzip2", b"\0" * 4),
                  ("xz", b"garbage"), ("xz", b"\0" * 6), ("xz", b"\0" * 2 + lzma.compress(SECOND)),
                  ("xz", b"\xfd7zXZ\0")]


@pytest.mark.parametrize("read_ahead", [False, True])
@pytest.mark.parametrize("kind,tail", NOT_READ_WHOLE, ids=lambda v: repr(v)[:12])
def test_a_compressed_file_not_read_to_its_end_is_refused(tmp_path, kind, tail, read_ahead):
    packed = tmp_path / "tail"
    packed.write_bytes(COMPRESSORS[kind](FIRST) + tail)
    with pytest.raises(CorruptInputError, match=f"^{packed}: .*(stream|padding|truncated)"):
        b"".join(Corpus(packed).chunks(read_ahead))
    assert not read_ahead_threads()


def test_trailing_data_is_one_line_on_the_command_line(tmp_path):
    packed = tmp_path / "t.xz"
    packed.write_bytes(lzma.compress(TEXT * 20) + b"plain text appended\n")
    r = run_cli("-train", str(packed), "-output", str(tmp_path / "v.txt"), "-min-count", "1",
                "-size", "4", "-debug", "0", "-threads", "2")
    assert r.returncode == 1
    assert r.stderr.decode().strip().splitlines() == [
        f"w2v-train: error: {packed}: what follows the end of one xz stream is neither padding "
        "nor another stream; refusing to train on part of the file (decompress it and check "
        "what follows)"]
    assert not (tmp_path / "v.txt").exists()


@pytest.mark.parametrize("slashes", ["/", "//"])
def test_a_file_spelled_as_a_directory_is_refused(tmp_path, slashes):
    """``cat text.txt/`` refuses it (ENOTDIR); reading text.txt instead would
    train on what the user did not name."""
    (tmp_path / "text.txt").write_text("a b c\n")
    with pytest.raises(W2VError, match=r"names a directory \(it ends in '/'\), but .*text.txt "
                                       "is not one"):
        Corpus(f"{tmp_path / 'text.txt'}{slashes}")


def test_a_directory_spelled_with_its_slash_is_read(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("a b c\n")
    with Corpus(f"{tmp_path / 'texts'}/") as corpus:
        assert b"".join(corpus.chunks()) == b"a b c\n"
