import re
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import requires_gensim
from w2vpy import WordVectors, load
from w2vpy.errors import CorruptInputError, W2VError


def small_vectors(n=5, size=4, seed=0):
    rng = np.random.default_rng(seed)
    words = ["</s>", "alpha", "béta", "gamma", "delta", "eps", "zeta"][:n]
    return WordVectors(words, rng.standard_normal((n, size)).astype(np.float32))


def test_binary_bytes_are_word2vec_layout(tmp_path):
    kv = WordVectors(["a", "bc"], np.array([[1.0, -2.0], [0.5, 0.25]], dtype=np.float32))
    kv.save(tmp_path / "v.bin", binary=True)
    expected = (b"2 2\n" + b"a " + struct.pack("=2f", 1.0, -2.0) + b"\n"
                + b"bc " + struct.pack("=2f", 0.5, 0.25) + b"\n")
    assert (tmp_path / "v.bin").read_bytes() == expected


def test_text_bytes_are_word2vec_layout(tmp_path):
    kv = WordVectors(["a", "bc"], np.array([[1.0, -2.0], [0.5, 1e-7]], dtype=np.float32))
    kv.save(tmp_path / "v.txt", binary=False)
    assert (tmp_path / "v.txt").read_bytes() == (
        b"2 2\na 1.000000 -2.000000 \nbc 0.500000 0.000000 \n")


@pytest.mark.parametrize("binary", [True, False])
def test_round_trip(tmp_path, binary):
    kv = small_vectors()
    kv.save(tmp_path / "v", binary=binary)
    back = load(tmp_path / "v")
    assert back.index_to_key == kv.index_to_key
    if binary:
        assert np.array_equal(back.vectors, kv.vectors)
    else:
        assert np.allclose(back.vectors, kv.vectors, atol=5e-7)


def test_vec_format_round_trip_is_exact(tmp_path):
    kv = small_vectors()
    kv.save_vec(tmp_path / "v.vec")
    back = load(tmp_path / "v.vec")
    assert np.array_equal(back.vectors, kv.vectors)


def test_limit_and_no_header(tmp_path):
    kv = small_vectors()
    kv.save(tmp_path / "v.bin")
    assert len(load(tmp_path / "v.bin", limit=2)) == 2
    (tmp_path / "nh.txt").write_text("a 1 2\nb 3 4\n")
    nh = load(tmp_path / "nh.txt", no_header=True)
    assert nh.index_to_key == ["a", "b"] and nh["b"].tolist() == [3.0, 4.0]


def test_gensim_binary_without_newlines_is_read(tmp_path):
    body = b"2 2\n" + b"a " + struct.pack("<2f", 1, 2) + b"b " + struct.pack("<2f", 3, 4)
    (tmp_path / "g.bin").write_bytes(body)
    kv = load(tmp_path / "g.bin", binary=True)
    assert kv.index_to_key == ["a", "b"] and kv["b"].tolist() == [3.0, 4.0]


@requires_gensim
@pytest.mark.parametrize("binary", [True, False])
def test_gensim_reads_ours_and_we_read_gensims(tmp_path, binary):
    from gensim.models import KeyedVectors
    kv = small_vectors(7, 6)
    kv.save(tmp_path / "ours", binary=binary)
    g = KeyedVectors.load_word2vec_format(str(tmp_path / "ours"), binary=binary)
    assert list(g.index_to_key) == kv.index_to_key
    assert np.allclose(g.vectors, kv.vectors, atol=0 if binary else 5e-7)
    g.save_word2vec_format(str(tmp_path / "theirs"), binary=binary)
    back = load(tmp_path / "theirs", binary=binary)
    assert back.index_to_key == kv.index_to_key
    assert np.allclose(back.vectors, g.vectors, atol=0 if binary else 5e-6)


# ---- hostile input ----------------------------------------------------------------

def write(tmp_path, data: bytes):
    p = tmp_path / "bad"
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("data, message", [
    (b"", "no header"),
    (b"hello world\n", "bad header"),
    (b"3 -2\n", "bad header"),
    (b"2 0\n", "out of range"),
    (b"99999999999 300\nx ", "header promises"),
    (b"2 2\na " + struct.pack("<2f", 1, 2) + b"\nb " + b"\x00\x00", "truncated|header promises"),
    (b"2 2\na 1 2\nb 3\n", "expected a word and 2 values"),
    (b"1 2\na 1 x\n", "not a number"),
    (b"1 2\na 1 nan\n", "NaN or infinity"),
    (b"1 2\na inf 1\n", "NaN or infinity"),
    (b"1 2\n\xff\xfe 1 2\n", "not valid utf-8"),
    (b"3 2\na 1 2\n", "too short|truncated"),
])
def test_hostile_files_raise_clear_errors(tmp_path, data, message):
    with pytest.raises((CorruptInputError, W2VError), match=message):
        load(write(tmp_path, data))


def _promise_one_more(path) -> None:
    """The header's count one higher than the vectors the file holds."""
    data = path.read_bytes()
    count, rest = data.split(b" ", 1)
    path.write_bytes(str(int(count) + 1).encode() + b" " + rest)


@pytest.mark.parametrize("binary, cut", [(True, 0), (False, 0), (True, 3)])
def test_a_truncated_vector_file_is_gensim_s_eof_error_naming_it(tmp_path, binary, cut):
    """Fewer vectors than the header promises (or the last binary one cut
    short): a CorruptInputError naming the file that is also gensim's EOFError."""
    path = tmp_path / "short.vec"
    small_vectors().save(path, binary=binary)
    if cut:
        path.write_bytes(path.read_bytes()[:-cut])
    else:
        _promise_one_more(path)
    with pytest.raises(CorruptInputError, match=f"{re.escape(str(path))}: truncated") as caught:
        load(path, binary=binary)
    assert isinstance(caught.value, EOFError)


def test_a_truncated_compressed_vector_file_is_an_eof_error_naming_it(tmp_path):
    import gzip

    path = tmp_path / "v.txt.gz"
    path.write_bytes(gzip.compress(b"2 2\na 1 2\nb 3 4\n")[:-12])
    with pytest.raises(CorruptInputError, match=f"{re.escape(str(path))}: truncated") as caught:
        load(path)
    assert isinstance(caught.value, EOFError)


def test_a_malformed_vector_file_is_no_eof_error(tmp_path):
    with pytest.raises(CorruptInputError) as caught:
        load(write(tmp_path, b"2 2\na 1 2\nb 3\n"))
    assert not isinstance(caught.value, EOFError)


def test_binary_nan_is_rejected(tmp_path):
    data = b"1 2\na " + struct.pack("<2f", 1, float("nan")) + b"\n"
    with pytest.raises(CorruptInputError, match="NaN"):
        load(write(tmp_path, data), binary=True)


def test_invalid_utf8_can_be_replaced(tmp_path):
    kv = load(write(tmp_path, b"1 2\n\xff 1 2\n"), unicode_errors="replace")
    assert kv.index_to_key == ["\ufffd"]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(W2VError, match="not found"):
        load(tmp_path / "nope")
    with pytest.raises(W2VError, match="directory"):
        load(tmp_path)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_loader_never_crashes(tmp_path, data):
    p = tmp_path / "fuzz"
    p.write_bytes(data)
    try:
        kv = load(p)
    except (CorruptInputError, W2VError):
        return
    assert kv.vectors.dtype == np.float32 and np.isfinite(kv.vectors).all()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=400), st.integers(min_value=0, max_value=399))
def test_fuzz_corrupted_valid_file(tmp_path, noise, where):
    kv = small_vectors()
    p = tmp_path / "v.bin"
    kv.save(p)
    data = bytearray(p.read_bytes())
    data[where % len(data):where % len(data) + len(noise)] = noise
    p.write_bytes(bytes(data))
    try:
        back = load(p)
    except (CorruptInputError, W2VError):
        return
    assert np.isfinite(back.vectors).all()


words_st = st.text(alphabet=st.characters(blacklist_characters=" \t\n\r\x00",
                                          blacklist_categories=("Cs", "Zs", "Cc")),
                   min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(words_st, min_size=1, max_size=8, unique=True), st.integers(1, 5),
       st.booleans())
def test_round_trip_property(tmp_path, words, size, binary):
    rng = np.random.default_rng(len(words) * 7 + size)
    kv = WordVectors(words, rng.standard_normal((len(words), size)).astype(np.float32))
    kv.save(tmp_path / "p", binary=binary)
    back = load(tmp_path / "p", binary=binary)
    assert back.index_to_key == words
    assert np.allclose(back.vectors, kv.vectors, atol=0 if binary else 5e-7)


def test_text_rows_print_any_float_as_word2vec_c_s_percent_lf():
    """The widest values fit the row buffer, and every value prints as C's
    "%lf " (Python's "%f" is the same conversion)."""
    from w2vpy import _core
    extremes = np.array([[np.finfo(np.float32).max, -np.finfo(np.float32).max, np.inf, -np.inf,
                          np.nan, 1e-45, -0.0, 0.5]], dtype=np.float32)
    expected = b"w " + "".join("%f " % float(x) for x in extremes[0]).encode() + b"\n"
    assert _core.format_text_rows([b"w"], extremes) == expected
    assert _core.format_text_rows([b"a", b"b"], np.zeros((2, 0), np.float32)) == b"a \nb \n"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=12).filter(lambda w: b" " not in w and b"\n" not in w),
                min_size=0, max_size=9), st.integers(0, 5))
def test_binary_rows_are_the_word_a_space_the_floats_and_a_newline(words, size):
    from w2vpy import _core
    rows = np.random.default_rng(len(words) + size).standard_normal((len(words), size))
    rows = rows.astype(np.float32)
    expected = b"".join(w + b" " + r.tobytes() + b"\n" for w, r in zip(words, rows))
    assert _core.format_binary_rows(words, rows) == expected


@pytest.mark.parametrize("binary", [True, False])
def test_a_file_written_in_many_blocks_is_the_file_written_in_one(tmp_path, monkeypatch, binary):
    from w2vpy.vectors import vector_files as formats
    kv = small_vectors(n=7, size=3)
    kv.save(tmp_path / "one", binary=binary)
    monkeypatch.setattr(formats, "_BLOCK_BYTES", 20)  # rows of 12 bytes: one row a block
    kv.save(tmp_path / "many", binary=binary)
    assert (tmp_path / "many").read_bytes() == (tmp_path / "one").read_bytes()


# ---- the format told from evidence, compressed files, limit ----------------------------

@pytest.mark.parametrize("line", [
    b"king  0.5 -1.5 2",       # a double space
    b"king 0.5 -1.5 2\t",      # a trailing tab
    b"king\t0.5\t-1.5\t2",     # tabs between
    b" king 0.5 -1.5 2  \r",   # blanks around, a CR
    b"king 5e-01 -1.5E0 2.",   # other spellings of numbers
])
def test_text_lines_with_other_blanks_are_read_as_text(tmp_path, line):
    path = write(tmp_path, b"2 3\n" + line + b"\nqueen 1 2 3\n")
    kv = load(path)
    assert kv.index_to_key == ["king", "queen"]
    assert kv["king"].tolist() == [0.5, -1.5, 2.0]


@pytest.mark.parametrize("body, message", [
    # a malformed text file is refused as text, never read as binary records
    (b"2 2\na 1,5 2,5\nb 1,0 2,0\n", r"bad:2: not a number: b'1,5'"),
    (b"2 3\na 1 2\nb 1 2 3\n", r"bad:2: expected a word and 3 values, got 2"),
    (b"2 2\na 1 2\nb 1 x\n", r"bad:3: not a number"),
    # a binary file whose records do not keep one layout is refused
    (b"2 2\na " + struct.pack("<2f", 1, 2) + b"\nb " + struct.pack("<2f", 3, 4) + b"x",
     r"vector 1 of 2 is not followed by a newline"),
    (b"3 2\na " + struct.pack("<2f", 1, 2) + b"b " + struct.pack("<2f", 3, 4) + b"\nc "
     + struct.pack("<2f", 5, 6), r"vector 1 of 3 is followed by a newline"),
])
def test_a_file_that_is_neither_format_is_refused(tmp_path, body, message):
    with pytest.raises(CorruptInputError, match=message):
        load(write(tmp_path, body))


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("compress", ["gzip", "bz2", "lzma"])
def test_compressed_vector_files_load(tmp_path, binary, compress):
    import importlib
    kv = small_vectors()
    kv.save(tmp_path / "v", binary=binary)
    packed = importlib.import_module(compress).compress((tmp_path / "v").read_bytes())
    (tmp_path / "v.packed").write_bytes(packed)
    back = load(tmp_path / "v.packed")
    assert back.index_to_key == kv.index_to_key
    assert np.allclose(back.vectors, kv.vectors, atol=0 if binary else 5e-7)


def test_a_zip_vector_file_is_refused_by_name(tmp_path):
    with pytest.raises(W2VError, match="bad is a zip file; .*decompress it first"):
        load(write(tmp_path, b"PK\x03\x04rest"))


@pytest.mark.parametrize("limit", [True, False, -1, 0, 1.5, "2"])
def test_limit_must_be_a_positive_whole_number(tmp_path, limit):
    small_vectors().save(tmp_path / "v.bin")
    with pytest.raises(W2VError, match=f"limit must .* got {re.escape(repr(limit))}"):
        load(tmp_path / "v.bin", limit=limit)


@pytest.mark.parametrize("binary", [True, False])
def test_limit_reads_no_further_than_it_says(tmp_path, binary):
    """What follows the first vectors is never read: damage there goes unseen."""
    kv = small_vectors()
    kv.save(tmp_path / "v", binary=binary)
    data = (tmp_path / "v").read_bytes()
    (tmp_path / "v").write_bytes(data[:len(data) * 3 // 4] + b"\xff damaged")
    back = load(tmp_path / "v", limit=2)
    assert back.index_to_key == kv.index_to_key[:2]
    with pytest.raises(CorruptInputError):
        load(tmp_path / "v")


def test_limit_keeps_memory_to_the_vectors_read(tmp_path):
    """A compressed file of 64 MB of vectors, read with limit=10: neither the
    file nor its decompressed bytes are ever held whole."""
    import gzip
    import tracemalloc
    rows, size = 16384, 1024
    record = b"w " + np.ones(size, np.float32).tobytes() + b"\n"
    (tmp_path / "v.gz").write_bytes(gzip.compress(b"%d %d\n" % (rows, size) + record * rows))
    tracemalloc.start()
    try:
        with pytest.warns(Warning):  # every word is "w"
            kv = load(tmp_path / "v.gz", limit=10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(kv) == 1 and kv.vectors.shape == (1, size)
    assert peak < 8 << 20


def test_binary_must_be_a_boolean_or_none(tmp_path):
    small_vectors().save(tmp_path / "v.bin")
    with pytest.raises(W2VError, match="binary must be True, False or None .*got 'no'"):
        load(tmp_path / "v.bin", binary="no")


@pytest.mark.parametrize("newline", [b"\n", b""])
def test_a_binary_record_of_printable_bytes_is_read_as_binary(tmp_path, newline):
    """729.3 is the float32 bytes b"@T6D": a one-vector binary file whose every
    byte is printable is still binary, since its values are no numbers
    written as text and the record is exactly a word and 4 x size bytes."""
    values = np.array([729.31640625, 729.31640625, 729.31640625], dtype=np.float32)
    assert values.tobytes() == b"@T6D" * 3
    path = tmp_path / "v.bin"
    path.write_bytes(b"1 3\n</s> " + values.tobytes() + newline)
    vectors = load(path)
    assert vectors.index_to_key == ["</s>"] and np.array_equal(vectors.vectors[0], values)


def test_a_binary_record_whose_bytes_read_as_blank_separated_pieces_is_binary(tmp_path):
    """161.36 is the float32 bytes b"\\t\\\\!C": cut at the tabs as text, the
    record is a word and three pieces, none of them a number; it ends with
    the newline every writer puts after a binary record, so it is binary.
    A text line of pieces that are no numbers is still refused as text (its
    line named), since no newline follows it as a binary record's would."""
    values = np.full(3, 161.35951232910156, dtype=np.float32)
    assert values.tobytes() == b"\t\\!C" * 3
    path = tmp_path / "v.bin"
    path.write_bytes(b"1 3\n</s> " + values.tobytes() + b"\n")
    vectors = load(path)
    assert vectors.index_to_key == ["</s>"] and np.array_equal(vectors.vectors[0], values)
    (tmp_path / "t.txt").write_bytes(b"1 3\n</s> 1,5 2,5 3,5\n")  # 12 bytes with its newline
    with pytest.raises(CorruptInputError, match=r"t.txt:2: not a number"):
        load(tmp_path / "t.txt")
