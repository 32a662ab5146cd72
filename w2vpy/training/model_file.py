"""A saved model: everything ``Word2Vec.train`` needs to go on where it
stopped, in one file (``Word2Vec.save``, ``w2v-train -checkpoint``).

The file is a numpy ``.npz`` archive (a zip of ``.npy`` arrays, readable
without w2vpy, no pickles): a JSON ``header`` (format name and version, the
parameters, the schedule's position, the epochs done, the vocabulary's size
and totals, a fingerprint of the text trained), the vocabulary (its words as
one byte string with their end offsets, and their counts), the weights (syn0
and the output layers), each training thread's random stream and learning
rate, and the loss of every epoch.  It is written atomically.

A file is read as hostile until proved otherwise: the header is checked
against its schema (every key, its type, its range) before anything else is
used; every member's declared size is checked against what the header implies
before it is decompressed, and read with that bound; then shapes, dtypes and
values (finite weights, sorted counts within int64, a schedule that can go
on).  Whatever is wrong is a ``CorruptInputError`` naming the file.
"""
from __future__ import annotations

import ast
import contextlib
import json
import math
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from w2vpy.system.atomic import atomic_write
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.system.memory import MODEL_SHARE, available_memory, format_bytes
from w2vpy.parameters import INT32_MAX, INT64_MAX, RUN_OPTIONS, TRAINING_PARAMETERS, training_params
from w2vpy.system.paths import open_input_file
from w2vpy.text.tokenizer import MAX_WORD_BYTES, SENTENCE_END
from w2vpy.training.cpu_backend import TrainingState, Weights
from w2vpy.text.vocab import Vocabulary

FORMAT = "w2vpy-model"
#: raised when what is saved changes; a reader refuses newer versions.
#: Version 1 had no text fingerprint and no vocabulary totals in its header;
#: version 2 no corpus_count and corpus_total_words (gensim's: read as 0) and no
#: state.end_alpha (a call's floor of the rate: read as none, the model's).
FORMAT_VERSION = 4
_ZIP_MAGIC = b"PK\x03\x04"
_STATE_FIELDS = ("schedule_alpha", "schedule_words", "words_done", "schedule_end_epoch",
                 "epochs_done", "end_alpha")
#: each member's element type (numpy kind and size); the output layers are optional
_MEMBER_TYPES = {"header": "u1", "words": "u1", "word_ends": "i8", "counts": "i8",
                 "syn0": "f4", "syn1": "f4", "syn1neg": "f4", "thread_random": "u8",
                 "thread_alpha": "f4", "loss_history": "f8", "vectors_lockf": "f4"}
_OUTPUT_LAYERS = ("syn1", "syn1neg")
#: members a file may lack: the output layers (see _expected_shapes), and the
#: lock factors (format 4; absent when every factor is 1.0)
_OPTIONAL_MEMBERS = (*_OUTPUT_LAYERS, "vectors_lockf")
#: the JSON header is well under a kilobyte; anything near this is not one
MAX_HEADER_BYTES = 1 << 16
#: an .npy member's own header (a small dict literal)
_MAX_NPY_HEADER = 4096
#: a model is mostly float32 weights, which hardly compress: members that
#: claim more than this many times the file's size are not a model's
_MAX_EXPANSION = 16
_READ_BLOCK = 1 << 22
#: a bytes object and its list slot, per word, beyond its characters
_WORD_OVERHEAD = 48
FINGERPRINT_CHARS = 64
_FLOAT32_MAX = float(np.finfo(np.float32).max)
#: the parameters every model file holds; one declared since may be missing
#: from a file written before it, and takes its default (which keeps the
#: behaviour of before it existed)
SAVED_PARAMETERS = frozenset({
    "vector_size", "window", "sample", "hs", "negative", "workers", "epochs", "min_count",
    "alpha", "sg", "cbow_mean", "seed", "max_vocab_size", "sequential_dot", "hot_rows",
    "compute_loss"})
_BACKEND = next(p for p in RUN_OPTIONS if p.name == "backend")


def save_model(model, path: str | os.PathLike[str],
               before_commit: Callable[[], None] | None = None) -> None:
    """Write ``model`` to ``path`` atomically; ``before_commit`` is called once
    every byte is written, before the file takes the name (a checkpoint defers
    interrupts there, so that what it then reports is what the file holds)."""
    vocab, weights, state = model.vocab, model.weights, model.state
    words = b"".join(vocab.words)
    header = {
        "format": FORMAT, "version": FORMAT_VERSION,
        "params": {p.name: getattr(model.params, p.name) for p in TRAINING_PARAMETERS},
        "backend": model.backend,
        "state": {name: getattr(state, name) for name in _STATE_FIELDS},
        "vocab": {"size": len(vocab.words), "word_bytes": len(words),
                  "train_words": vocab.train_words, "pruned_words": vocab.pruned_words,
                  "prune_events": vocab.prune_events},
        "corpus_tokens": model.corpus_tokens,
        "corpus_skipped": model.corpus_skipped,
        "corpus_fingerprint": model.corpus_fingerprint,
        "corpus_count": _size_attribute(model, "corpus_count"),
        "corpus_total_words": _size_attribute(model, "corpus_total_words"),
        # absent from older files: a model of word2vec.c's vocabulary
        "gensim_vocab": bool(getattr(model, "gensim_vocab", False)),
        "vocab_grown": bool(getattr(model, "vocab_grown", False)),
    }
    arrays = {
        "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        "words": np.frombuffer(words, dtype=np.uint8),
        "word_ends": np.cumsum([len(w) for w in vocab.words], dtype=np.int64),
        "counts": vocab.counts,
        "syn0": weights.syn0,
        "thread_random": state.thread_random,
        "thread_alpha": state.thread_alpha,
        "loss_history": np.asarray(model.loss_history, dtype=np.float64),
    }
    if weights.syn1 is not None:
        arrays["syn1"] = weights.syn1
    if weights.syn1neg is not None:
        arrays["syn1neg"] = weights.syn1neg
    lock_factors = model.saved_lock_factors()
    if lock_factors is not None:
        arrays["vectors_lockf"] = lock_factors
    with atomic_write(path) as f:
        np.savez(f, **arrays)
        if before_commit is not None:
            before_commit()


def _size_attribute(model, name: str) -> int:
    """gensim's corpus_count or corpus_total_words, a public attribute: None
    (a gensim model that never counted) is 0; what no count is, is refused
    before the file is written."""
    value = getattr(model, name, 0) or 0
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
            0 <= value <= INT64_MAX):
        raise W2VError(f"cannot save the model: its {name} is {_shown(value)}, not a count "
                       f"of 0 to {INT64_MAX}")
    return int(value)


def load_model(path: str | os.PathLike[str]) -> SavedModel:
    """The model saved at ``path``, every part of it checked (see the module's text)."""
    path = Path(path)
    with _open_archive(path) as (archive, file_bytes):
        members = _members(path, archive, file_bytes)
        header = _header(path, _read_header(path, archive, members["header"]))
        layout = _layout(path, archive, members, header)
        _check_memory(path, layout, header)
        arrays = {name: _read_member(path, archive, members[name], npy)
                  for name, npy in layout.items()}
    return _model(path, header, arrays)


# -- the archive and its members ------------------------------------------------------------

@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tuple[zipfile.ZipFile, int]]:
    """The model file as a zip archive, and its size.  What is not a regular
    file (a directory, a pipe that would block) is refused before opening."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise W2VError(f"model file not found: {path}") from None
    except OSError as exc:
        raise W2VError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise W2VError(f"model file is a directory: {path}")
    if not stat.S_ISREG(mode):
        raise W2VError(f"model file {path} is not a regular file (a model is read by seeking)")
    with open_input_file(path, "model file") as f:
        if f.read(len(_ZIP_MAGIC)) != _ZIP_MAGIC:
            raise W2VError(f"{path} is not a w2vpy model (a file written by Word2Vec.save or "
                           "w2v-train -checkpoint)")
        file_bytes = os.fstat(f.fileno()).st_size
        try:
            with zipfile.ZipFile(f) as archive:
                yield archive, file_bytes
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
                NotImplementedError, RuntimeError, zlib.error) as exc:
            if isinstance(exc, W2VError):
                raise
            raise _corrupt(path, f"corrupt or truncated model file ({exc})") from None


def _corrupt(path: Path, problem: str) -> CorruptInputError:
    return CorruptInputError(f"{path}: {problem}")


def _members(path: Path, archive: zipfile.ZipFile, file_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by name, each one this format has, stored or
    deflated, declaring sizes that the file can hold."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if "header.npy" not in names:
        raise W2VError(f"{path} is a numpy archive, not a w2vpy model")
    claimed = sum(info.file_size for info in infos)
    if claimed > _MAX_EXPANSION * file_bytes + MAX_HEADER_BYTES:
        raise _corrupt(path, f"the model file's members claim {claimed} bytes in all, more than "
                             f"{_MAX_EXPANSION} times the file's {file_bytes}: not a model")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename[:-4] if info.filename.endswith(".npy") else None
        if name not in _MEMBER_TYPES:
            raise _corrupt(path, f"the model file holds an unknown member {info.filename!r}")
        if name in members:
            raise _corrupt(path, f"the model file holds the member {info.filename!r} twice")
        if info.flag_bits & 0x1:
            raise _corrupt(path, f"member {info.filename!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(path, f"member {info.filename!r} is compressed with zip method "
                                 f"{info.compress_type} (w2vpy reads stored or deflated members)")
        stored = info.compress_type == zipfile.ZIP_STORED
        if info.compress_size > file_bytes or (stored and info.file_size != info.compress_size):
            raise _corrupt(path, f"member {info.filename!r} declares {info.file_size} bytes in "
                                 f"{info.compress_size} stored ones")
        members[name] = info
    missing = [n for n in _MEMBER_TYPES if n not in members and n not in _OPTIONAL_MEMBERS]
    if missing:
        raise _corrupt(path, f"the model file lacks the member {missing[0]!r}")
    return members


@dataclass(frozen=True)
class _Npy:
    """An .npy member's own header: where its data starts, its shape and type."""
    offset: int
    shape: tuple[int, ...]
    dtype: np.dtype


def _npy_header(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Npy:
    """Parsed here, with bounds, rather than by numpy, whose reader takes a
    header length of up to 4 GB from the file on trust."""
    name = info.filename
    with archive.open(info) as stream:
        head = stream.read(10)
        if len(head) < 10 or head[:6] != b"\x93NUMPY" or head[6] not in (1, 2):
            raise _corrupt(path, f"member {name!r} is not an .npy array")
        if head[6] == 1:
            length, offset = struct.unpack("<H", head[8:10])[0], 10
        else:
            length, offset = struct.unpack("<I", head[8:10] + stream.read(2))[0], 12
        if length > _MAX_NPY_HEADER:
            raise _corrupt(path, f"member {name!r} has an .npy header of {length} bytes")
        text = stream.read(length)
    try:
        fields = ast.literal_eval(text.decode("latin1"))
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError):
        raise _corrupt(path, f"member {name!r} has an unreadable .npy header") from None
    if (len(text) != length or not isinstance(fields, dict)
            or set(fields) != {"descr", "fortran_order", "shape"}):
        raise _corrupt(path, f"member {name!r} has an unreadable .npy header")
    return _Npy(offset + length, *_npy_fields(path, name, fields))


def _npy_fields(path: Path, name: str, fields: dict) -> tuple[tuple[int, ...], np.dtype]:
    shape, descr = fields["shape"], fields["descr"]
    if fields["fortran_order"] is not False:
        raise _corrupt(path, f"member {name!r} is stored in Fortran order (w2vpy writes C order)")
    if (not isinstance(shape, tuple) or len(shape) > 2
            or not all(type(d) is int and 0 <= d <= INT64_MAX for d in shape)):
        raise _corrupt(path, f"member {name!r} has the shape {shape!r}")
    wanted = _MEMBER_TYPES[name.removesuffix(".npy")]
    byte_orders = "|" if wanted[1] == "1" else "<>"
    if not isinstance(descr, str) or len(descr) != 3 or descr[0] not in byte_orders \
            or descr[1:] != wanted:
        shown = descr if isinstance(descr, str) else type(descr).__name__
        raise _corrupt(path, f"member {name!r} holds {shown[:40]!r}, not {np.dtype(wanted)}")
    return shape, np.dtype(descr)


def _read_header(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_HEADER_BYTES:
        raise _corrupt(path, f"the model header declares {info.file_size} bytes (at most "
                             f"{MAX_HEADER_BYTES})")
    npy = _npy_header(path, archive, info)
    if len(npy.shape) != 1:
        raise _corrupt(path, f"the model header has the shape {npy.shape}")
    return _read_member(path, archive, info, npy).tobytes()


def _read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                 npy: _Npy) -> np.ndarray:
    """The member's array, read in bounded blocks into memory allocated for
    the size already checked: the zip's own claims never size a read."""
    out = np.empty(npy.shape, dtype=npy.dtype)
    view = memoryview(out.reshape(-1).view(np.uint8))
    with archive.open(info) as stream:
        _read_exactly(path, info, stream, npy.offset, None)
        filled = 0
        while filled < len(view):
            filled += _read_exactly(path, info, stream, min(_READ_BLOCK, len(view) - filled),
                                    view[filled:])
        if stream.read(1):
            raise _corrupt(path, f"member {info.filename!r} is longer than its shape")
    return out.astype(out.dtype.newbyteorder("="), copy=False)


def _read_exactly(path: Path, info: zipfile.ZipInfo, stream, count: int, into) -> int:
    data = stream.read(count)
    if len(data) != count:
        raise _corrupt(path, f"member {info.filename!r} ends early: corrupt or truncated "
                             "model file")
    if into is not None:
        into[:count] = data
    return count


# -- the header -------------------------------------------------------------------------------

def _header(path: Path, raw: bytes) -> dict[str, Any]:
    """The header, parsed and checked against the schema of its version."""
    try:
        header = json.loads(raw.decode(), parse_constant=_no_constant,
                            object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise _corrupt(path, "the model header nests deeper than a model header") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise _corrupt(path, f"the model header is not JSON ({str(exc)[:80]})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise W2VError(f"{path} is not a w2vpy model (its header names no {FORMAT} format)")
    version = header.get("version")
    if type(version) is not int or version < 1:
        raise _corrupt(path, f"the model header's version is {version!r}")
    if version > FORMAT_VERSION:
        raise W2VError(f"{path} is a w2vpy model of format version {version}, newer than this "
                       f"w2vpy reads ({FORMAT_VERSION}): upgrade w2vpy")
    # switches absent from older files
    switches = {key: header.pop(key, False) for key in ("gensim_vocab", "vocab_grown")}
    for key, value in switches.items():
        if type(value) is not bool:
            raise _corrupt(path, f"the model header's {key} is {_shown(value)}, not true or "
                                 "false")
    checked = _section(path, "", header, _schema(version))
    checked.update(switches)
    _check_schedule(path, checked["state"])
    if checked["corpus_tokens"] + checked["corpus_skipped"] > INT64_MAX:
        raise _corrupt(path, "the model header's corpus_tokens and corpus_skipped add up past "
                             "int64")
    return checked


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise ValueError("a key is given twice")
    return mapping


Check = Callable[[Path, str, Any], Any]


def _integer(low: int, high: int) -> Check:
    def check(path: Path, where: str, value: Any) -> int:
        if type(value) is not int:
            raise _corrupt(path, f"the model header's {where} is {_shown(value)}, not an integer")
        if not low <= value <= high:
            raise _corrupt(path, f"the model header's {where} is {value}, outside "
                                 f"[{low}, {high}]")
        return value
    return check


def _rate(path: Path, where: str, value: Any) -> float:
    """A learning rate: positive and finite, in float32 too (the core's type)."""
    if type(value) not in (int, float):
        raise _corrupt(path, f"the model header's {where} is {_shown(value)}, not a number")
    if not (0 < value <= _FLOAT32_MAX and np.float32(value) > 0):
        raise _corrupt(path, f"the model header's {where} is {value}, not a positive rate")
    return float(value)


def _floor(path: Path, where: str, value: Any) -> float | None:
    """A floor of the rate (gensim's end_alpha), or none: at least 0, finite in float32."""
    if value is None:
        return None
    if type(value) not in (int, float):
        raise _corrupt(path, f"the model header's {where} is {_shown(value)}, not a number")
    if not 0 <= value <= _FLOAT32_MAX:
        raise _corrupt(path, f"the model header's {where} is {value}, not a rate of 0 or more")
    return float(value)


def _fingerprint(path: Path, where: str, value: Any) -> str | None:
    if value is None:
        return None
    if (not isinstance(value, str) or len(value) != FINGERPRINT_CHARS
            or any(c not in "0123456789abcdef" for c in value)):
        raise _corrupt(path, f"the model header's {where} is {_shown(value)}, not a fingerprint")
    return value


def _backend(path: Path, where: str, value: Any) -> str:
    if value not in _BACKEND.choices:
        raise _corrupt(path, f"the model header's {where} is {_shown(value)}, not one of "
                             f"{', '.join(_BACKEND.choices)}")
    return value


def _params(path: Path, where: str, value: Any):
    later = {p.name: p.default for p in TRAINING_PARAMETERS if p.name not in SAVED_PARAMETERS}
    if isinstance(value, dict):
        value = {**later, **value}
    names = [p.name for p in TRAINING_PARAMETERS]
    section = _section(path, f"{where}.", value, {name: lambda p, w, v: v for name in names})
    try:
        return training_params(section)
    except W2VError as exc:
        raise _corrupt(path, f"the model header's parameters are invalid: {exc}") from None


def _nested(schema: dict[str, Check]) -> Check:
    return lambda path, where, value: _section(path, f"{where}.", value, schema)


def _section(path: Path, prefix: str, value: Any, schema: dict[str, Check]) -> dict[str, Any]:
    """A JSON object holding exactly ``schema``'s keys, each checked."""
    where = prefix.rstrip(".") or "top level"
    if not isinstance(value, dict):
        raise _corrupt(path, f"the model header's {where} is {_shown(value)}, not an object")
    missing = [key for key in schema if key not in value]
    if missing:
        raise _corrupt(path, f"the model header lacks {prefix}{missing[0]}")
    unknown = [key for key in value if key not in schema]
    if unknown:
        raise _corrupt(path, f"the model header has an unknown key {prefix}{unknown[0][:40]}")
    return {key: check(path, f"{prefix}{key}", value[key]) for key, check in schema.items()}


def _schema(version: int) -> dict[str, Check]:
    count = _integer(0, INT64_MAX)
    state = {"schedule_alpha": _rate, "schedule_words": _integer(0, INT64_MAX - 1),
             "words_done": count, "schedule_end_epoch": _integer(1, INT64_MAX),
             "epochs_done": count}
    vocab = {"pruned_words": count, "prune_events": count}
    top = {"format": lambda p, w, v: v, "version": lambda p, w, v: v, "params": _params,
           "backend": _backend, "state": _nested(state), "vocab": _nested(vocab),
           "corpus_tokens": count, "corpus_skipped": count}
    if version >= 2:
        vocab.update(size=_integer(1, INT64_MAX), word_bytes=count, train_words=count)
        top["corpus_fingerprint"] = _fingerprint
    if version >= 3:
        top.update(corpus_count=count, corpus_total_words=count)
        state["end_alpha"] = _floor
    return top


def _check_schedule(path: Path, state: dict[str, Any]) -> None:
    done, end = state["epochs_done"], state["schedule_end_epoch"]
    if done > end:
        raise _corrupt(path, f"the model header says {done} epochs are done of a schedule that "
                             f"ends at epoch {end}")
    if end - done > INT32_MAX:
        raise _corrupt(path, f"the model header's schedule has {end - done} epochs left (at "
                             f"most {INT32_MAX})")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- the members against the header -----------------------------------------------------

def _layout(path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
            header: dict[str, Any]) -> dict[str, _Npy]:
    """Every member but the header, its .npy header matching the shape the
    model header implies and its declared size matching that shape: all
    before a byte of its data is decompressed."""
    declared = {name: _npy_header(path, archive, info)
                for name, info in members.items() if name != "header"}
    expected = _expected_shapes(path, header, declared)
    for name in _OUTPUT_LAYERS:
        if (name in declared) != (name in expected):
            raise _corrupt(path, _layer_problem(declared, name))
    for name, npy in declared.items():
        if npy.shape != expected[name]:
            raise _corrupt(path, f"member {name!r} has the shape {npy.shape}, not "
                                 f"{expected[name]}")
        size = npy.offset + math.prod(npy.shape) * npy.dtype.itemsize
        if members[name].file_size != size:
            raise _corrupt(path, f"member {name!r} declares {members[name].file_size} bytes; "
                                 f"its shape {npy.shape} takes {size}")
    return declared


def _expected_shapes(path: Path, header: dict[str, Any],
                     declared: dict[str, _Npy]) -> dict[str, tuple[int, ...]]:
    params, vocab = header["params"], header["vocab"]
    if "size" in vocab:
        words, word_bytes = vocab["size"], vocab["word_bytes"]
    else:  # version 1: the counts' and the words' own shapes, checked for sense
        words = _one_dimensional(path, declared, "counts")
        word_bytes = _one_dimensional(path, declared, "words")
    if not 1 <= words <= word_bytes <= words * MAX_WORD_BYTES:
        raise _corrupt(path, f"{words} words cannot take {word_bytes} bytes")
    rows = (words, params.vector_size)
    shapes = {"words": (word_bytes,), "word_ends": (words,), "counts": (words,),
              "syn0": rows, "thread_random": (params.workers,),
              "thread_alpha": (params.workers,),
              "loss_history": (header["state"]["epochs_done"],)}
    # a model trained on the cuda backend keeps no output layers (it cannot go on)
    if header["backend"] != "cuda" or any(name in declared for name in _OUTPUT_LAYERS):
        if params.hs:
            shapes["syn1"] = rows
        if params.negative > 0:
            shapes["syn1neg"] = rows
    if "vectors_lockf" in declared:
        # one factor, or one per vector of wv (which has no </s> in gensim's vocabulary)
        vectors = words - (1 if header.get("gensim_vocab", False) else 0)
        shape = declared["vectors_lockf"].shape
        shapes["vectors_lockf"] = shape if shape in ((1,), (vectors,)) else (vectors,)
    return shapes


def _one_dimensional(path: Path, declared: dict[str, _Npy], name: str) -> int:
    shape = declared[name].shape
    if len(shape) != 1:
        raise _corrupt(path, f"member {name!r} has the shape {shape}, not one dimension")
    return shape[0]


def _layer_problem(declared: dict[str, _Npy], name: str) -> str:
    if name in declared:
        switch = "hs is off" if name == "syn1" else "negative is 0"
        return f"the model file holds {name} but its parameters do not use it ({switch})"
    return f"the model file lacks {name}, which its parameters use"


def _check_memory(path: Path, layout: dict[str, _Npy], header: dict[str, Any]) -> None:
    words = layout["counts"].shape[0]
    needed = (sum(math.prod(npy.shape) * npy.dtype.itemsize for npy in layout.values())
              + words * _WORD_OVERHEAD)
    room = available_memory()
    if room is not None and needed > MODEL_SHARE * room:
        raise W2VError(f"{path}: the model takes {format_bytes(needed)} of memory ({words} "
                       f"words x {header['params'].vector_size} dimensions), but this machine "
                       f"has {format_bytes(room)} available")


# -- the values -----------------------------------------------------------------------------

@dataclass
class SavedModel:
    """What a model file holds, every part checked: ``Word2Vec.load`` makes
    the model of it (this layer knows no Word2Vec)."""

    params: Any
    backend: str
    vocab: Vocabulary
    weights: Weights
    state: TrainingState
    loss_history: list[float]
    corpus_tokens: int
    corpus_skipped: int
    corpus_fingerprint: str | None
    #: gensim's sentences and words of the text build_vocab counted (0 in a
    #: file of format version 2 or older, which did not keep them)
    corpus_count: int = 0
    corpus_total_words: int = 0
    #: the model presents gensim's vocabulary (no ``</s>`` in its ``wv``)
    gensim_vocab: bool = False
    #: grown by build_vocab(update=True): new words at the end, out of count order
    vocab_grown: bool = False
    #: wv.vectors_lockf, where a factor was not 1.0 (format 4)
    vectors_lockf: np.ndarray | None = None


def _model(path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> SavedModel:
    words = _words(path, arrays["words"], arrays["word_ends"])
    # a vocabulary grown as gensim's (update=True) has its new words at the end
    _check_counts(path, arrays["counts"], header["vocab"].get("train_words"),
                  ordered=not header.get("vocab_grown", False))
    for name in ("syn0", *_OUTPUT_LAYERS):
        if name in arrays:
            _check_finite(path, name, arrays[name])
    if "vectors_lockf" in arrays and not np.isfinite(arrays["vectors_lockf"]).all():
        raise _corrupt(path, "member 'vectors_lockf' holds a value that is not finite")
    state = header["state"]
    floor = state.get("end_alpha")
    _check_threads(path, arrays["thread_alpha"], state["schedule_alpha"],
                   header["params"].min_alpha if floor is None else floor)
    _check_losses(path, arrays["loss_history"])
    vocab = header["vocab"]
    return SavedModel(
        params=header["params"], backend=header["backend"],
        vocab=Vocabulary(words, arrays["counts"], vocab["pruned_words"], vocab["prune_events"]),
        weights=Weights(arrays["syn0"], arrays.get("syn1"), arrays.get("syn1neg")),
        state=TrainingState(**header["state"], thread_random=arrays["thread_random"],
                            thread_alpha=arrays["thread_alpha"]),
        loss_history=arrays["loss_history"].tolist(),
        corpus_tokens=header["corpus_tokens"], corpus_skipped=header["corpus_skipped"],
        corpus_fingerprint=header.get("corpus_fingerprint"),
        corpus_count=header.get("corpus_count", 0),
        corpus_total_words=header.get("corpus_total_words", 0),
        gensim_vocab=header.get("gensim_vocab", False),
        vocab_grown=header.get("vocab_grown", False),
        vectors_lockf=arrays.get("vectors_lockf"))


def _words(path: Path, data: np.ndarray, ends: np.ndarray) -> list[bytes]:
    """The words: each 1 to MAX_WORD_BYTES bytes, none holding a separator,
    all distinct, ``</s>`` first."""
    lengths = np.diff(ends, prepend=0)
    if ends[-1] != len(data) or not ((lengths >= 1) & (lengths <= MAX_WORD_BYTES)).all():
        raise _corrupt(path, f"the word offsets do not cut {len(data)} bytes into words of 1 "
                             f"to {MAX_WORD_BYTES} bytes")
    raw = data.tobytes()
    if any(separator in raw for separator in (b" ", b"\t", b"\n")):
        raise _corrupt(path, "a word holds a space, tab or newline")
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    words = [raw[a:b] for a, b in zip(starts, ends.tolist())]
    if words[0] != SENTENCE_END:
        raise _corrupt(path, f"the first word is {_shown(words[0])}, not {SENTENCE_END!r}")
    if len(set(words)) != len(words):
        raise _corrupt(path, "a word is listed twice")
    return words


def _check_counts(path: Path, counts: np.ndarray, train_words: int | None,
                  ordered: bool = True) -> None:
    """Counts of at least 0, in vocabulary order (descending after ``</s>``)
    when ``ordered``, their sum (exact, in two halves) within int64 and the header's."""
    if (counts < 0).any():
        raise _corrupt(path, f"a count is negative ({counts.min()})")
    if ordered and (counts[1:-1] < counts[2:]).any():
        raise _corrupt(path, "the counts are not in vocabulary order (descending)")
    high = int((counts >> 32).sum())
    low = int((counts & 0xFFFFFFFF).astype(np.uint64).sum(dtype=np.uint64))
    total = (high << 32) + low
    if total > INT64_MAX:
        raise _corrupt(path, f"the counts add up to {total}, more than {INT64_MAX}")
    if train_words is not None and total != train_words:
        raise _corrupt(path, f"the counts add up to {total}; the header says {train_words}")


def _check_finite(path: Path, name: str, matrix: np.ndarray) -> None:
    rows = max(1, (1 << 20) // max(1, matrix.shape[1]))  # bounds the temporary
    for first in range(0, len(matrix), rows):
        block = matrix[first:first + rows]
        if not np.isfinite(block).all():
            row = first + int(np.argmin(np.isfinite(block).all(axis=1)))
            raise _corrupt(path, f"{name} holds NaN or infinity (row {row})")


def _check_threads(path: Path, alphas: np.ndarray, schedule_alpha: float,
                   min_alpha: float | None) -> None:
    """Each thread's rate is where word2vec.c's schedule can be: between its
    floor (``min_alpha``, else 1e-4 of the start) and its start (the start
    before the first word, the floor after, where the floor is higher), in
    float32.  (Any 64-bit value is a state of the threads' random generator.)"""
    start = np.float32(schedule_alpha)
    held = np.float32(start * 1e-4 if min_alpha is None else min_alpha)
    floor = min(start, held) * np.float32(1 - 1e-6)
    top = max(start, held)
    bad = ~(np.isfinite(alphas) & (alphas >= floor) & (alphas <= top))
    if bad.any():
        raise _corrupt(path, f"thread {int(np.argmax(bad))}'s learning rate "
                             f"{alphas[bad][0]} is outside the schedule's [{floor:g}, {top:g}]")


def _check_losses(path: Path, losses: np.ndarray) -> None:
    """An epoch's loss is a sum of negative log-likelihoods, or NaN when it
    was not computed."""
    if ((losses < 0) | np.isinf(losses)).any():
        raise _corrupt(path, "an epoch's loss is negative or infinite")


__all__ = ["save_model", "load_model", "FORMAT", "FORMAT_VERSION", "MAX_HEADER_BYTES"]
