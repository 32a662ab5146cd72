"""Property tests over hostile -read-vocab and vector files: every outcome is a
result or a clear W2VError, never another exception, a hang, or an allocation
out of proportion to the file."""
import re
import tracemalloc
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from w2vpy.errors import CorruptInputError, W2VError
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


# -- model files (Word2Vec.load, -resume) --------------------------------------------------

import copy  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import struct  # noqa: E402
import zipfile  # noqa: E402

import pytest  # noqa: E402

from w2vpy import Word2Vec  # noqa: E402

MODEL_SENTENCES = [["a", "b", "c", "a"], ["b", "a", "d"]] * 40


@pytest.fixture(scope="module")
def model_members(tmp_path_factory) -> dict[str, bytes]:
    """The members of a small saved model (hs and negative sampling, two
    threads, one epoch of two done)."""
    model = Word2Vec(vector_size=8, min_count=1, workers=2, epochs=2, hs=True, negative=2)
    model.build_vocab(MODEL_SENTENCES)
    model.train(MODEL_SENTENCES, epochs=1)
    path = tmp_path_factory.mktemp("model") / "m.w2v"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        return {name[:-4]: archive.read(name) for name in archive.namelist()}


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def array_of(members: dict[str, bytes], name: str) -> np.ndarray:
    return np.load(io.BytesIO(members[name]))


def header_of(members: dict[str, bytes]) -> dict:
    return json.loads(array_of(members, "header").tobytes())


def with_header(members: dict[str, bytes], header: object) -> dict[str, bytes]:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return {**members, "header": npy(np.frombuffer(text, dtype=np.uint8))}


def write_model(path, members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in members.items():
                archive.writestr(name if name.endswith(".npy") else f"{name}.npy", data)


def edited_header(edit):
    def craft(members):
        header = copy.deepcopy(header_of(members))
        edit(header)
        return with_header(members, header)
    return craft


def member(name, make):
    return lambda members: {**members, name: npy(make(array_of(members, name)))}


def setting(section, key, value):
    def edit(header):
        (header if section is None else header[section])[key] = value
    return edit


def two_epochs_done_of_one(header):
    header["state"].update(epochs_done=2, schedule_end_epoch=1)


def v1_header(members):
    """The header an earlier w2vpy wrote (format version 1, before the
    parameters declared since)."""
    from w2vpy.training.model_file import SAVED_PARAMETERS
    header = header_of(members)
    header.update(version=1)
    header["params"] = {k: v for k, v in header["params"].items() if k in SAVED_PARAMETERS}
    del header["corpus_fingerprint"]
    for key in ("size", "word_bytes", "train_words"):
        del header["vocab"][key]
    return with_header(members, header)


def v2_header(members):
    """The header of format version 2, before gensim's corpus sizes and a
    call's end_alpha were kept."""
    header = header_of(members)
    header.update(version=2)
    for key in ("corpus_count", "corpus_total_words"):
        del header[key]
    del header["state"]["end_alpha"]
    return with_header(members, header)


def rate_under_end_alpha(members):
    """Threads at 0.01 (a rate word2vec.c's floor allows) under an end_alpha of 0.02."""
    members = edited_header(setting("state", "end_alpha", 0.02))(members)
    return member("thread_alpha", lambda a: np.full_like(a, 0.01))(members)


def huge_npy_header(members):
    """An .npy member of format 2.0 whose header claims 4 GB."""
    data = bytearray(members["counts"])
    data[6], data[7] = 2, 0
    return {**members, "counts": bytes(data[:8]) + struct.pack("<I", 2**32 - 1) + data[10:]}


def trailing_bytes(members):
    return {**members, "syn0": members["syn0"] + b"\0" * 64}


def with_nan(matrix):
    matrix = matrix.copy()
    matrix[2, 3] = np.nan
    return matrix


def words_with_twin(words):
    words = words.copy()
    words[-1] = words[-2]  # the last two words are one byte long each ('c', 'd')
    return words


CRAFTED_MODELS = {
    "a missing header key": (edited_header(lambda h: h["state"].pop("epochs_done")),
                             "lacks state.epochs_done"),
    "a missing parameter": (edited_header(lambda h: h["params"].pop("window")),
                            "lacks params.window"),
    "an unknown parameter": (edited_header(setting("params", "speed", 9)),
                             "unknown key params.speed"),
    "a float where an int belongs": (edited_header(setting("state", "epochs_done", 1.0)),
                                     "state.epochs_done is 1.0, not an integer"),
    "a bool where an int belongs": (edited_header(setting(None, "corpus_tokens", True)),
                                    "corpus_tokens is True, not an integer"),
    "deep JSON nesting": (lambda m: with_header(m, b"[" * 30000 + b"]" * 30000),
                          "nests deeper"),
    "a JSON NaN": (edited_header(setting("state", "schedule_alpha", float("nan"))),
                   "is not JSON"),
    "an unknown header key": (edited_header(setting(None, "extra", 1)), "unknown key extra"),
    "a header that is a list": (lambda m: with_header(m, [1, 2]), "is not a w2vpy model"),
    "a version that is a string": (edited_header(setting(None, "version", "2")),
                                   "version is '2'"),
    "epochs_done -1": (edited_header(setting("state", "epochs_done", -1)),
                       "epochs_done is -1, outside"),
    "a negative corpus_count": (edited_header(setting(None, "corpus_count", -1)),
                                "corpus_count is -1, outside"),
    "a corpus_total_words that is text": (edited_header(setting(None, "corpus_total_words",
                                                                "81")),
                                          "corpus_total_words is '81', not an integer"),
    "a negative end_alpha": (edited_header(setting("state", "end_alpha", -0.5)),
                             "state.end_alpha is -0.5, not a rate of 0 or more"),
    "an end_alpha that is text": (edited_header(setting("state", "end_alpha", "0.1")),
                                  "state.end_alpha is '0.1', not a number"),
    "a thread's rate under its end_alpha": (rate_under_end_alpha,
                                            "is outside the schedule's [0.02, 0.05]"),
    "a version 3 header without corpus_count": (
        edited_header(lambda h: h.pop("corpus_count")), "lacks corpus_count"),
    "more epochs done than the schedule has": (edited_header(two_epochs_done_of_one),
                                               "2 epochs are done of a schedule that ends"),
    "a negative schedule_alpha": (edited_header(setting("state", "schedule_alpha", -0.1)),
                                  "schedule_alpha is -0.1, not a positive rate"),
    "a schedule_alpha past float32": (edited_header(setting("state", "schedule_alpha", 1e300)),
                                      "not a positive rate"),
    "a count past int64 in the header": (edited_header(setting(None, "corpus_tokens", 2**64)),
                                         "corpus_tokens is 18446744073709551616, outside"),
    "an invalid parameter": (edited_header(setting("params", "vector_size", "8")),
                             "parameters are invalid: vector_size must be an integer"),
    "no objective": (edited_header(lambda h: h["params"].update(hs=False, negative=0)),
                     "no training objective"),
    "another number of workers": (edited_header(setting("params", "workers", 3)),
                                  "'thread_random' has the shape (2,), not (3,)"),
    "a bad fingerprint": (edited_header(setting(None, "corpus_fingerprint", "xyz")),
                          "corpus_fingerprint is 'xyz', not a fingerprint"),
    "another vocabulary total": (edited_header(setting("vocab", "train_words", 1)),
                                 "the header says 1"),
    "a vocabulary size no member has": (edited_header(setting("vocab", "size", 10**12)),
                                        "1000000000000 words cannot take"),
    "a Fortran-order array": (member("syn0", np.asfortranarray), "Fortran order"),
    "a float64 matrix": (member("syn0", lambda a: a.astype(np.float64)), "not float32"),
    "an object array": (lambda m: {**m, "counts": m["counts"].replace(b"<i8", b"|O8")},
                        "holds '|O8', not int64"),
    "a matrix of the wrong shape": (member("syn0", lambda a: a[:, :4].copy()),
                                    "'syn0' has the shape (5, 4), not (5, 8)"),
    "a three-dimensional array": (member("syn0", lambda a: a[None]), "has the shape"),
    "a member longer than its shape": (trailing_bytes, "declares"),
    "an .npy header of 4 GB": (huge_npy_header, "has an .npy header of 4294967295 bytes"),
    "a negative count": (member("counts", lambda c: c * -1), "a count is negative"),
    "counts of 2**62": (member("counts", lambda c: np.full_like(c, 2**62)),
                        "the counts add up to 23058430092136939520, more than"),
    "unsorted counts": (member("counts", lambda c: np.concatenate([c[:1], c[1:][::-1]])),
                        "not in vocabulary order"),
    "a word listed twice": (member("words", words_with_twin), "a word is listed twice"),
    "word offsets past the words": (member("word_ends", lambda e: e + 1),
                                    "do not cut"),
    "NaN weights": (member("syn0", with_nan), "syn0 holds NaN or infinity (row 2)"),
    "infinite output weights": (member("syn1neg", lambda a: a + np.inf), "syn1neg holds NaN"),
    "a negative thread rate": (member("thread_alpha", lambda a: -a), "thread 0's learning rate"),
    "a thread rate above the schedule's": (member("thread_alpha", lambda a: a * 2),
                                           "thread 0's learning rate"),
    "an infinite loss": (member("loss_history", lambda a: np.full_like(a, np.inf)), "loss is negative or"),
    "a loss per epoch missing": (member("loss_history", lambda a: a[:0]),
                                 "'loss_history' has the shape (0,), not (1,)"),
    "an output layer the parameters do not use": (
        edited_header(setting("params", "hs", False)), "holds syn1 but its parameters do not"),
    "a cpu model without its output layer": (
        lambda m: {k: v for k, v in m.items() if k != "syn1neg"},
        "lacks syn1neg, which its parameters use"),
    "an unknown member": (lambda m: {**m, "extra": npy(np.zeros(3))},
                          "holds an unknown member 'extra.npy'"),
    "a member twice": (lambda m: {**m, "syn0.npy": m["syn0"]}, "holds the member 'syn0.npy'"),
    "a missing member": (lambda m: {k: v for k, v in m.items() if k != "counts"},
                         "lacks the member 'counts'"),
    "a header of a megabyte": (lambda m: {**m, "header": npy(np.zeros(1 << 20, np.uint8))},
                               "the model header declares 1048704 bytes"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED_MODELS))
def test_a_crafted_model_file_is_refused_naming_the_file_and_the_problem(tmp_path,
                                                                         model_members, case):
    craft, message = CRAFTED_MODELS[case]
    path = tmp_path / "crafted.w2v"
    write_model(path, craft(dict(model_members)))
    with pytest.raises(W2VError) as caught:
        Word2Vec.load(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_model_files_that_are_no_regular_files_are_refused(tmp_path, model_members):
    (tmp_path / "empty.w2v").write_bytes(b"")
    (tmp_path / "dir.w2v").mkdir()
    os.mkfifo(tmp_path / "pipe.w2v")
    for name, message in (("empty.w2v", "is not a w2vpy model"),
                          ("dir.w2v", "model file is a directory"),
                          ("pipe.w2v", "is not a regular file")):
        with pytest.raises(W2VError, match=message):
            Word2Vec.load(tmp_path / name)
    write_model(tmp_path / "m.w2v", model_members)
    (tmp_path / "link.w2v").symlink_to(tmp_path / "m.w2v")
    assert Word2Vec.load(tmp_path / "link.w2v").epochs_trained == 1


def test_a_member_that_inflates_is_refused_before_it_is_decompressed(tmp_path, model_members):
    """A few kilobytes of deflate that claim 64 MB: refused from the sizes the
    archive declares, without allocating them (as a member whose declared size
    the header does not imply, or an extra one, would be)."""
    path = tmp_path / "bomb.w2v"
    write_model(path, {**model_members, "syn0": npy(np.zeros((1 << 21, 8), np.float32))},
                zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1 << 20
    outcome, peak = traced_peak(lambda: pytest.raises(W2VError, Word2Vec.load, path))
    assert peak < FIXED_BUFFERS
    assert "claim" in str(outcome.value) and str(path) in str(outcome.value)


def test_a_model_that_does_not_fit_in_memory_is_refused_before_reading(tmp_path, model_members,
                                                                       monkeypatch):
    import w2vpy.training.model_file
    path = tmp_path / "m.w2v"
    write_model(path, model_members)
    monkeypatch.setattr(w2vpy.training.model_file, "available_memory", lambda: 100)
    with pytest.raises(W2VError, match=f"{path}: the model takes .* but this machine has 100 bytes available"):
        Word2Vec.load(path)


def test_a_valid_model_loads_from_stored_deflated_big_endian_and_version_1_files(
        tmp_path, model_members):
    expected = array_of(model_members, "syn0")
    variants = {"stored": (model_members, zipfile.ZIP_STORED),
                "deflated": (model_members, zipfile.ZIP_DEFLATED),
                "big-endian": ({**model_members, "syn0": npy(expected.astype(">f4"))},
                               zipfile.ZIP_STORED),
                "version 1": (v1_header(v2_header(model_members)), zipfile.ZIP_STORED),
                "version 2": (v2_header(model_members), zipfile.ZIP_STORED)}
    for name, (members, compression) in variants.items():
        path = tmp_path / f"{name}.w2v"
        write_model(path, members, compression)
        model = Word2Vec.load(path)
        assert model.weights.syn0.dtype == np.float32 and model.epochs_trained == 1, name
        assert np.array_equal(model.weights.syn0, expected), name
        assert (model.corpus_fingerprint is None) == (name == "version 1"), name
        old = name.startswith("version")  # gensim's corpus sizes were not kept: 0
        assert (model.corpus_count, model.corpus_total_words) == ((0, 0) if old else (80, 280))


def test_a_model_trained_on_the_cuda_backend_loads_without_its_output_layers(tmp_path,
                                                                             model_members):
    """The cuda backend keeps its output layers on the device: such a model
    loads (its vectors answer queries) and says why it cannot train further."""
    header = header_of(model_members)
    header["backend"] = "cuda"
    members = {k: v for k, v in with_header(model_members, header).items()
               if k not in ("syn1", "syn1neg")}
    path = tmp_path / "cuda.w2v"
    write_model(path, members)
    model = Word2Vec.load(path)
    assert model.backend == "cuda" and model.weights.syn1 is None
    assert [w for w, _ in model.wv.most_similar("a", topn=3)] != []
    with pytest.raises(W2VError, match="cuda backend"):
        model.train(MODEL_SENTENCES)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
              st.floats(allow_nan=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)


def header_paths(header: dict, prefix=()):
    for key, value in header.items():
        yield prefix + (key,)
        if isinstance(value, dict):
            yield from header_paths(value, prefix + (key,))


@PROPERTY
@given(st.data())
def test_any_header_value_loads_or_is_refused_with_the_files_name(tmp_path_factory,
                                                                  model_members, data):
    header = header_of(model_members)
    where = data.draw(st.sampled_from(sorted(header_paths(header))))
    section = header
    for key in where[:-1]:
        section = section[key]
    section[where[-1]] = data.draw(json_values)
    path = tmp_path_factory.mktemp("h") / "m.w2v"
    write_model(path, with_header(model_members, header))
    try:
        model = Word2Vec.load(path)
    except W2VError as exc:
        assert str(path) in str(exc)
        return
    assert np.isfinite(model.weights.syn0).all() and model.state.epochs_left >= 0


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
       st.booleans())
def test_a_corrupted_model_file_loads_or_is_refused(tmp_path_factory, model_members, flips,
                                                    deflated):
    path = tmp_path_factory.mktemp("c") / "m.w2v"
    write_model(path, model_members, zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    for offset, value in flips:
        data[offset % len(data)] = value
    path.write_bytes(bytes(data))
    try:
        Word2Vec.load(path)
    except W2VError as exc:
        assert str(path) in str(exc)


def test_a_model_file_that_starts_as_a_pickle_and_is_none_is_one_error(tmp_path, model_members):
    """A first byte of 0x80 sends the file to gensim's loader (a pickle), which
    raised ValueError('unsupported pickle protocol') on a damaged w2vpy model
    (found by the bit-flip property test): it is a CorruptInputError naming it."""
    pytest.importorskip("gensim")
    path = tmp_path / "m.w2v"
    write_model(path, model_members)
    data = bytearray(path.read_bytes())
    data[0] = 0x80
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptInputError,
                       match=f"{path} is neither a w2vpy model nor a model "
                                                "gensim can read"):
        Word2Vec.load(path)
