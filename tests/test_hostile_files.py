"""Property tests over hostile -read-vocab and vector files: every outcome is a
result or a clear W2VError, never another exception, a hang, or an allocation
out of proportion to the file."""
import re
import tracemalloc
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from w2vpy.errors import W2VError
from w2vpy.vectors.vector_files import read_word2vec
from w2vpy.text.tokenizer import MAX_WORD_BYTES
from w2vpy.text.vocab import read_vocab

INT64_MAX = 2**63 - 1
#: the read buffer (1 MB) and the interpreter's own small allocations
FIXED_BUFFERS = 2 << 20
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def reference_read_vocab(data: bytes, min_count: int):
    """word2vec.c's -read-vocab rules in plain Python: (words, counts) or None
    for a file that must be refused."""
    entries: dict[bytes, int] = {}
    total = 0
    for raw in data.replace(b"\r", b"").split(b"\n"):
        if not raw.strip(b" \t"):
            continue
        parts = re.split(rb"[ \t]+", raw.strip(b" \t"))
        if len(parts) != 2 or not parts[1].isdigit():
            return None
        word, count = parts[0], int(parts[1])
        if count > INT64_MAX or len(word) > MAX_WORD_BYTES or word in entries:
            return None
        if not entries and word != b"</s>":
            entries[b"</s>"] = 0
        total += count
        if total > INT64_MAX:
            return None
        entries[word] = count
    if not entries:
        return None
    first, *rest = entries.items()
    rest = sorted(rest, key=lambda item: -item[1])  # stable: ties keep file order
    kept = [first] + [(w, c) for w, c in rest if c >= min_count]
    return [w for w, _ in kept], [c for _, c in kept]


words = st.one_of(st.sampled_from([b"</s>", b"the", b"of", b"a\rb", b"x" * 99, b"x" * 98]),
                  st.binary(min_size=1, max_size=12).map(
                      lambda b: b.replace(b" ", b"").replace(b"\t", b"").replace(b"\n", b"")
                      or b"w"))
counts = st.one_of(st.integers(0, 50), st.integers(0, 2**70),
                   st.sampled_from([INT64_MAX, INT64_MAX + 1, 2**62]))
fields = st.one_of(counts.map(lambda c: str(c).encode()),
                   st.sampled_from([b"-3", b"1e3", b"", b"12x", b"\xff", b"0x10", "٣".encode()]))
separators = st.sampled_from([b" ", b"\t", b"  ", b" \t", b"\r "])
lines = st.one_of(st.tuples(words, separators, fields, st.sampled_from([b"", b"\r", b" ", b" x"]))
                  .map(lambda t: b"".join(t)),
                  st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")))


def traced_peak(fn):
    tracemalloc.start()
    try:
        outcome = fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, peak


@PROPERTY
@given(st.lists(lines, max_size=30), st.booleans(), st.integers(0, 5))
def test_read_vocab_matches_the_reference_or_refuses(tmp_path_factory, body, final_newline,
                                                     min_count):
    data = b"\n".join(body) + (b"\n" if final_newline else b"")
    path = tmp_path_factory.mktemp("v") / "vocab.txt"
    path.write_bytes(data)
    expected = reference_read_vocab(data, min_count)

    def attempt():
        try:
            return read_vocab(path, min_count)
        except W2VError as exc:
            return exc

    outcome, peak = traced_peak(attempt)
    if expected is None:
        assert isinstance(outcome, W2VError) and str(path) in str(outcome)
    else:
        assert not isinstance(outcome, W2VError), outcome
        assert (outcome.words, outcome.counts.tolist()) == expected
    assert peak < 64 * len(data) + FIXED_BUFFERS


headers = st.tuples(st.one_of(st.integers(0, 10), st.integers(0, 10**12)),
                    st.one_of(st.integers(0, 8), st.integers(0, 10**9)))


@PROPERTY
@given(headers, st.binary(max_size=300), st.sampled_from([None, True, False]),
       st.sampled_from([None, 0, 2]))
def test_vector_file_is_read_or_refused(tmp_path_factory, header, body, binary, limit):
    data = b"%d %d\n" % header + body
    path = tmp_path_factory.mktemp("vec") / "vectors.bin"
    path.write_bytes(data)

    def attempt():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return read_word2vec(path, binary=binary, limit=limit)
        except W2VError as exc:
            return exc

    outcome, peak = traced_peak(attempt)
    if not isinstance(outcome, W2VError):
        words, vectors = outcome
        assert len(words) == len(vectors) == len(set(words))
        assert vectors.shape[1] == header[1] and np.isfinite(vectors).all()
    assert peak < 64 * len(data) + FIXED_BUFFERS


#: words training can produce: the tokenizer drops '\r' (as word2vec.c's ReadWord),
#: and a record may not start with '\r' or '\n' (the readers skip them between records)
trained_words = words.filter(lambda w: b"\r" not in w)


@PROPERTY
@given(st.lists(st.tuples(trained_words, st.lists(st.floats(-1e3, 1e3, width=32), min_size=3,
                                                  max_size=3)), min_size=1, max_size=8),
       st.booleans())
def test_well_formed_vector_files_round_trip_keeping_first_of_each_word(tmp_path_factory,
                                                                        rows, binary):
    from w2vpy.vectors.vector_files import write_word2vec
    path = tmp_path_factory.mktemp("rt") / "v.bin"
    keys = [w for w, _ in rows]
    vectors = np.array([v for _, v in rows], dtype=np.float32)
    write_word2vec(path, keys, vectors, binary=binary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            words, got = read_word2vec(path, unicode_errors="surrogateescape")
        except W2VError as exc:  # a written word that the text reader cannot split back
            assert not binary and any(not w.strip() for w in keys), exc
            return
    first = {}
    for key, row in zip(keys, vectors):
        first.setdefault(key.decode("utf-8", "surrogateescape"), row)
    assert words == list(first)
    expected = np.array(list(first.values())).reshape(len(first), 3)
    if not binary:  # word2vec.c's text format: "%lf", six decimals
        expected = np.vectorize(lambda x: np.float32(float(f"{x:f}")))(expected)
    assert np.array_equal(got, expected.astype(np.float32))
