"""The word2vec vector file formats, written byte-compatible with word2vec.c
and read defensively (any file may be hostile).

Text:   ``"%lld %lld\\n"`` header, then ``word`` and ``"%lf "`` per value, ``\\n``.
Binary: same header, then ``word``, a space, native float32 values, ``\\n``.
gensim omits the newline after binary vectors; fastText ``.vec`` is the text
format without the trailing space; both are read.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from w2vpy import _core
from w2vpy.atomic import atomic_write
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.paths import read_input_file

#: Longest word accepted by the reader, in bytes (word2vec.c's is 98; gensim
#: and fastText files may hold longer phrases).
MAX_READ_WORD_BYTES = 1 << 16
MAX_VECTOR_SIZE = 1 << 20
#: rows are formatted a block at a time, about this many bytes of vectors each:
#: a whole model formatted at once would hold a second copy of it
_BLOCK_BYTES = 1 << 22


def write_word2vec(path: str | os.PathLike[str], words: list[bytes], vectors: np.ndarray,
                   binary: bool = True) -> None:
    """Write vectors atomically in word2vec.c's binary or text format."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise W2VError(f"{len(words)} words but vectors of shape {vectors.shape}")
    native = vectors.astype("=f4", copy=False)
    with atomic_write(path) as f:
        f.write(b"%d %d\n" % native.shape)
        rows = _core.format_binary_rows if binary else _core.format_text_rows
        row_bytes = max(native.shape[1] * native.itemsize, 1)
        block = max(_BLOCK_BYTES // row_bytes, 1)
        for start in range(0, len(words), block):
            f.write(rows(words[start:start + block], native[start:start + block]))


def write_vec(path: str | os.PathLike[str], words: list[bytes], vectors: np.ndarray) -> None:
    """fastText's .vec text: header, then ``word v1 v2 ...`` with shortest
    round-trip floats and no trailing space."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    with atomic_write(path) as f:
        f.write(b"%d %d\n" % vectors.shape)
        for word, row in zip(words, vectors):
            f.write(word + b" " + " ".join(map(repr, row.tolist())).encode() + b"\n")


def write_classes(path: str | os.PathLike[str], words: list[bytes], classes: np.ndarray) -> None:
    """word2vec.c's -classes output: ``word class`` per line."""
    with atomic_write(path) as f:
        f.write(b"".join(b"%s %d\n" % (w, c) for w, c in zip(words, classes.tolist())))


# ---- reading -------------------------------------------------------------------

def _decode(word: bytes, encoding: str, errors: str, where: str) -> str:
    try:
        return word.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise CorruptInputError(f"{where}: word {word[:60]!r} is not valid {encoding} "
                                f"({exc.reason}); pass unicode_errors='replace' to accept it") from None


def _parse_header(line: bytes, path: Path) -> tuple[int, int]:
    parts = line.split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise CorruptInputError(f"{path}: bad header {line[:80]!r}: expected '<words> <size>'")
    count, size = int(parts[0]), int(parts[1])
    if size < 1 or size > MAX_VECTOR_SIZE:
        raise CorruptInputError(f"{path}: vector size {size} in the header is out of range "
                                f"(1..{MAX_VECTOR_SIZE})")
    return count, size


def _looks_binary(body: bytes, size: int) -> bool:
    """Text if the first record is one line of a word and `size` printable
    ASCII fields; raw float32 bytes almost never look like that."""
    end = body.find(b"\n")
    line = body if end < 0 else body[:end]
    parts = line.rstrip(b"\r ").split(b" ")
    if len(parts) != size + 1:
        return True
    return not all(p and p.isascii() and p.isalnum() or _is_float(p) for p in parts[1:])


def read_word2vec(path: str | os.PathLike[str], binary: bool | None = None,
                  encoding: str = "utf-8", unicode_errors: str = "strict",
                  limit: int | None = None, no_header: bool = False):
    """Read a word2vec binary or text file; returns (words, vectors).

    ``binary=None`` tells the format from the content.  Every size in the
    file is checked against the file's length before memory is allocated."""
    path = Path(path)
    data = read_input_file(path, "vector file")
    if limit is not None and limit < 0:
        raise W2VError(f"limit must be >= 0, got {limit}")
    if no_header:
        lines = [ln for ln in data.split(b"\n") if ln.strip()]
        if not lines:
            raise CorruptInputError(f"{path}: no vectors")
        size = len(lines[0].rstrip(b"\r ").split(b" ")) - 1
        if size < 1:
            raise CorruptInputError(f"{path}: first line has no values")
        return _read_text(path, data, 0, len(lines), size, encoding, unicode_errors, limit)
    nl = data.find(b"\n", 0, 200)
    if nl < 0:
        raise CorruptInputError(f"{path}: no header line (empty or not a word2vec file)")
    count, size = _parse_header(data[:nl], path)
    body_start = nl + 1
    if binary is None:
        binary = count > 0 and _looks_binary(data[body_start:body_start + 64 * size + 1024], size)
    if binary:
        return _read_binary(path, data, body_start, count, size, encoding, unicode_errors, limit)
    return _read_text(path, data, body_start, count, size, encoding, unicode_errors, limit)


class _Keys:
    """The words read so far; a word listed again keeps its first vector, as
    gensim's reader does, and is reported once the file is read."""

    def __init__(self, path: Path, where: str):
        self.path = path
        self.where = where  # "line" or "vector"
        #: each word kept, in file order, with where it was first seen
        self.first_seen: dict[str, int] = {}
        self.repeats: list[tuple[str, int, int]] = []

    def add(self, word: str, position: int) -> int | None:
        """The row of a new word's vector, or None for a word seen before."""
        first = self.first_seen.setdefault(word, position)
        if first != position:
            self.repeats.append((word, first, position))
            return None
        return len(self.first_seen) - 1

    def warn_repeats(self) -> None:
        if not self.repeats:
            return
        shown = "; ".join(f"{w!r} ({self.where}s {a} and {b})" for w, a, b in self.repeats[:5])
        more = f"; and {len(self.repeats) - 5} more" if len(self.repeats) > 5 else ""
        warnings.warn(f"{self.path}: {len(self.repeats)} word(s) listed more than once; kept "
                      f"the first vector of each: {shown}{more}", DuplicateWordWarning,
                      stacklevel=6)


class DuplicateWordWarning(UserWarning):
    """A vector file lists a word twice; only its first vector is kept."""


def _read_binary(path, data, pos, count, size, encoding, errors, limit):
    record = 4 * size
    # Each record holds at least a 1-byte word, a space and the values.
    if count * (record + 2) > len(data) - pos:
        raise CorruptInputError(
            f"{path}: header promises {count} vectors of size {size} "
            f"({count * (record + 2)} bytes at least) but the file has {len(data) - pos} left")
    n = count if limit is None else min(count, limit)
    vectors = np.empty((n, size), dtype=np.float32)
    keys = _Keys(path, "vector")
    end = len(data)
    for i in range(n):
        while pos < end and data[pos] in b"\n\r":
            pos += 1
        space = data.find(b" ", pos, pos + MAX_READ_WORD_BYTES + 1)
        if space < 0:
            raise CorruptInputError(f"{path}: truncated or malformed at vector {i} "
                                    f"(no word ending in a space at byte {pos})")
        if space + 1 + record > end:
            raise CorruptInputError(f"{path}: truncated: vector {i} of {count} is incomplete")
        row = keys.add(_decode(data[pos:space], encoding, errors, f"{path}: vector {i}"), i)
        if row is not None:
            vectors[row] = np.frombuffer(data, dtype="=f4", count=size, offset=space + 1)
        pos = space + 1 + record
    return _finish(path, keys, vectors)


def _read_text(path, data, pos, count, size, encoding, errors, limit):
    # Each line holds at least a word and `size` one-character values.
    if count * (2 * size + 1) > len(data) - pos:
        raise CorruptInputError(
            f"{path}: header promises {count} vectors of size {size} but the file is too short")
    n = count if limit is None else min(count, limit)
    vectors = np.empty((n, size), dtype=np.float32)
    keys = _Keys(path, "line")
    lines = data[pos:].split(b"\n")
    row = 0
    for lineno, line in enumerate(lines, start=2):
        if row >= n:
            break
        line = line.rstrip(b"\r ")
        if not line:
            continue
        parts = line.split(b" ")
        if len(parts) != size + 1:
            raise CorruptInputError(f"{path}:{lineno}: expected a word and {size} values, "
                                    f"got {len(parts) - 1} values")
        try:
            values = [float(p) for p in parts[1:]]
        except ValueError:
            bad = next(p for p in parts[1:] if not _is_float(p))
            raise CorruptInputError(f"{path}:{lineno}: not a number: {bad[:40]!r}") from None
        kept = keys.add(_decode(parts[0], encoding, errors, f"{path}:{lineno}"), lineno)
        if kept is not None:
            vectors[kept] = values
        row += 1
    if row < n:
        raise CorruptInputError(f"{path}: truncated: header promises {count} vectors, found {row}")
    return _finish(path, keys, vectors)


def _finish(path: Path, keys: _Keys, vectors: np.ndarray):
    words = list(keys.first_seen)
    vectors = vectors[:len(words)]
    _check_finite(path, vectors)
    keys.warn_repeats()
    return words, vectors


def _is_float(text: bytes) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _check_finite(path: Path, vectors: np.ndarray) -> None:
    bad = ~np.isfinite(vectors).all(axis=1)
    if bad.any():
        raise CorruptInputError(f"{path}: vector {int(np.argmax(bad))} holds NaN or infinity")


