"""The word2vec vector file formats, written byte-compatible with word2vec.c
and read defensively (any file may be hostile).

Text:   ``"%lld %lld\\n"`` header, then ``word`` and ``"%lf "`` per value, ``\\n``.
Binary: same header, then ``word``, a space, native float32 values, ``\\n``.
gensim omits the newline after binary vectors; fastText ``.vec`` is the text
format without the trailing space; both are read, plain or compressed with
gzip, bzip2 or xz (told by content).
"""
from __future__ import annotations

import io
import numbers
import os
import re
import shutil
import stat
import warnings
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from w2vpy import _core
from w2vpy.system.atomic import atomic_write
from w2vpy.text.text_files import (_DECOMPRESSION_ERRORS, CHUNK_BYTES, _decompressed,
                                   compression_of)
from w2vpy.errors import CorruptInputError, TruncatedInput, W2VError
from w2vpy.system.paths import open_input_file

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


def write_gensim(path: str | os.PathLike[str], words: list[bytes], vectors: np.ndarray,
                 binary: bool, header: tuple[int, int] | None, append: bool = False) -> None:
    """gensim's save_word2vec_format, written atomically: binary as word2vec.c's,
    text with each value in its shortest exact form; ``header`` None writes
    none, ``append`` adds to what the file holds."""
    if len(words) != len(vectors):
        raise W2VError(f"{len(words)} words but {len(vectors)} vectors")
    with atomic_write(path) as f:
        if append and Path(path).is_file():
            with open(path, "rb") as old:
                shutil.copyfileobj(old, f)
        if header is not None:
            f.write(b"%d %d\n" % header)
        if binary:
            native = np.ascontiguousarray(vectors, dtype="=f4")
            step = max(_BLOCK_BYTES // max(native.shape[1] * 4, 1), 1)
            for start in range(0, len(words), step):
                f.write(_core.format_binary_rows(words[start:start + step],
                                                 native[start:start + step]))
        else:
            for word, row in zip(words, vectors.astype(np.float64).tolist()):
                f.write(word + b" " + " ".join(map(repr, row)).encode() + b"\n")


def read_vocab_counts(path: str | os.PathLike[str], unicode_errors: str = "strict",
                      encoding: str = "utf-8") -> dict[str, int]:
    """A ``word count`` file (word2vec.c's -save-vocab, gensim's fvocab): each
    word's count (the first, for a word listed twice)."""
    path = Path(path)
    counts: dict[str, int] = {}
    with open_input_file(path, "vocabulary file") as f:
        most = MAX_READ_WORD_BYTES + 64
        for lineno, line in enumerate(iter(lambda: f.readline(most + 1), b""), start=1):
            if len(line) > most:
                raise CorruptInputError(f"{path}:{lineno}: line longer than {most} bytes: "
                                        "not a vocabulary file")
            parts = split_words(line)
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise CorruptInputError(f"{path}:{lineno}: expected 'word count', "
                                        f"got {line[:80]!r}")
            word = _decode(parts[0], encoding, unicode_errors, f"{path}:{lineno}")
            counts.setdefault(word, int(parts[1]))
    return counts


def is_pickle(path: str | os.PathLike[str]) -> bool:
    """Whether a file starts as a pickle (protocol 2 or later) does: gensim's ``save``."""
    with open_input_file(Path(path), "vector file") as f:
        return f.read(1) == b"\x80"


def write_classes(path: str | os.PathLike[str], words: list[bytes], classes: np.ndarray) -> None:
    """word2vec.c's -classes output: ``word class`` per line."""
    with atomic_write(path) as f:
        f.write(b"".join(b"%s %d\n" % (w, c) for w, c in zip(words, classes.tolist())))


# ---- reading -------------------------------------------------------------------
#
# A vector file is read forward in chunks (decompressed as it is read), so that
# memory follows the vectors kept, never the file's size or the count its
# header claims, and ``limit`` stops the reading where it says.

#: each value of a text line with its separators, at most (``"%lf"`` of the
#: largest float32 is 46 characters): a longer line is refused, not read whole
_TEXT_VALUE_BYTES = 128
_HEADER_BYTES = 200
#: what separates a word from its values, and values from each other, in a text
#: line: word2vec.c's words never hold a space or a tab; a non-breaking or any
#: other Unicode space is part of a word
_SEPARATORS = re.compile(rb"[ \t]+")
#: ASCII control characters that no text vector line holds (tab and CR may)
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f]")
#: bytes that a text line's numbers never hold, and raw float32 values mostly do
_RAW_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]")
#: a byte no number written as text holds (digits, signs, point, exponent,
#: inf and nan, and the blanks between them hold all the others)
_NOT_IN_A_NUMBER = re.compile(rb"[^0-9eE+\-.infaINFA \t\r\n]")


def split_words(line: bytes) -> list[bytes]:
    """The words of a line as word2vec.c's tools separate them: at spaces and
    tabs only (a non-breaking space is part of a word), the line's end (a CR
    before it too) and surrounding blanks dropped."""
    stripped = line.strip(b" \t\r\n")
    if b"\t" not in stripped and b"  " not in stripped:
        return stripped.split(b" ") if stripped else []
    return _SEPARATORS.split(stripped)


def check_limit(limit: object) -> int | None:
    """``limit`` as read_word2vec takes it: None (every vector) or a count >= 1."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral):
        raise W2VError(f"limit must be a whole number of vectors or None, got {limit!r}")
    if limit < 1:
        raise W2VError(f"limit must be >= 1 (or None for every vector), got {limit!r}")
    return int(limit)


class _Prefixed(io.RawIOBase):
    """A file whose first bytes were already read (to tell its compression),
    read from its start again."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._rest.readinto(buffer)


def _vector_file_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of a vector file, decompressed when it is gzip, bzip2 or xz
    (told by content, as training text is), in chunks of bounded size."""
    with open_input_file(path, "vector file") as f:
        head = b""
        while len(head) < 8:
            more = f.read(8 - len(head))
            if not more:
                break
            head += more
        kind = compression_of(head, str(path), reads="vector files are read plain or "
                              "compressed with gzip, bzip2 or xz")
        raw = io.BufferedReader(_Prefixed(head, f))
        try:
            if kind is None:
                yield from iter(lambda: raw.read(CHUNK_BYTES), b"")
            else:
                yield from _decompressed(raw, kind, str(path))
        except TruncatedInput:  # _decompressed's own, naming the file: an EOFError too
            raise
        except _DECOMPRESSION_ERRORS as exc:
            raise CorruptInputError(f"{path}: corrupt or truncated compressed file ({exc})") from exc
        except OSError as exc:
            if exc.filename is not None:
                raise
            # bz2 reports corrupt data as a bare OSError ("Invalid data stream")
            raise CorruptInputError(f"{path}: cannot read ({exc})") from exc


class _Buffer:
    """Bytes read forward from chunks, holding only what is not parsed yet."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._data = b""
        self._pos = 0

    def available(self) -> int:
        return len(self._data) - self._pos

    def _more(self) -> bool:
        chunk = next(self._chunks, b"")
        if not chunk:
            return False
        self._data = self._data[self._pos:] + chunk
        self._pos = 0
        return True

    def ensure(self, n: int) -> bool:
        """Whether n bytes are there to read (reading them in if need be)."""
        while self.available() < n:
            if not self._more():
                return False
        return True

    def find(self, byte: bytes, most: int, start: int = 0) -> int:
        """Where ``byte`` is among the ``most`` bytes from ``start`` on (both
        counted from the next byte to read), or -1."""
        searched = start
        while True:
            i = self._data.find(byte, self._pos + searched, self._pos + start + most)
            if i >= 0:
                return i - self._pos
            searched = max(self.available(), start)
            if searched >= start + most or not self._more():
                return -1

    def peek(self, n: int) -> bytes:
        self.ensure(n)
        return self._data[self._pos:self._pos + n]

    def take(self, n: int) -> bytes:
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out


def _parse_header(line: bytes, path: Path) -> tuple[int, int]:
    parts = line.split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise CorruptInputError(f"{path}: bad header {line[:80]!r}: expected '<words> <size>'")
    count, size = int(parts[0]), int(parts[1])
    if size < 1 or size > MAX_VECTOR_SIZE:
        raise CorruptInputError(f"{path}: vector size {size} in the header is out of range "
                                f"(1..{MAX_VECTOR_SIZE})")
    return count, size


def _read_header(buf: _Buffer, path: Path) -> tuple[int, int]:
    end = buf.find(b"\n", _HEADER_BYTES)
    if end < 0:
        raise CorruptInputError(f"{path}: no header line (empty or not a word2vec file)")
    return _parse_header(buf.take(end + 1), path)


def _max_line_bytes(size: int) -> int:
    return MAX_READ_WORD_BYTES + _TEXT_VALUE_BYTES * size + 2


#: vector lines looked at to tell text from binary: a binary record cut at a
#: 0x0a byte may pass for a short text line, several in a row never do
_LINES_TO_TELL = 4


def _first_lines(buf: _Buffer, size: int, count: int) -> list[bytes]:
    """The first vector lines after the header that are not blank (at most
    _LINES_TO_TELL, and no more than the header promises), left unread."""
    most = _max_line_bytes(size)
    lines: list[bytes] = []
    start = 0
    while len(lines) < min(count, _LINES_TO_TELL):
        end = buf.find(b"\n", most + 1, start)
        stop = start + min(buf.available() - start, most + 1) if end < 0 else end + 1
        line = buf.peek(stop)[start:]
        if split_words(line):
            lines.append(line)
        if end < 0:
            break
        start = stop
    return lines


def _looks_like_text(buf: _Buffer, size: int, count: int) -> bool:
    """Whether the first vector records are text lines (perhaps malformed),
    never a word, a space and raw float32 values.

    A text line's values are printable characters; a binary record's values are
    raw bytes, among which a control character or bytes that are not UTF-8 are
    all but certain.  Read as text, a binary record is cut at its first 0x0a
    byte, so a short printable first line is told by trying both formats
    strictly on the first records: the one that reads them is the format."""
    lines = _first_lines(buf, size, count)
    if not lines:
        return False
    body = _values_part(lines[0])
    if not _printable(body):
        return False
    if all(_text_line_fits(ln, size) for ln in lines):
        return True
    # Printable but not text: a binary record whose value bytes all happen to
    # be printable (729.3 is b"@T6D"), or one cut at a 0x0a byte, when the
    # records read strictly as binary; else text, whose reader names the line.
    return not _binary_fits(buf, size, min(count, len(lines)))


def _raw_values(values: bytes) -> bool:
    """Bytes that are no values written as text: a control or non-ASCII byte,
    or, with no blank between them (text separates its values), a byte no
    number holds (729.3 is the printable b"@T6D")."""
    if _RAW_BYTE.search(values):
        return True
    return not re.search(rb"[ \t]", values) and _NOT_IN_A_NUMBER.search(values) is not None


def _text_line_fits(line: bytes, size: int) -> bool:
    parts = split_words(line)
    return len(parts) == size + 1 and all(_is_float(p) for p in parts[1:])


def _binary_fits(buf: _Buffer, size: int, records: int) -> bool:
    """Whether the next bytes hold ``records`` binary records of one layout
    whose values hold a byte that no number written as text holds; or, where
    every record ends with a newline (as word2vec.c, gensim and w2vpy write
    them), whose values cut at blanks hold a piece that is no number (161.36
    is b"\t\\!C": three pieces of a line that reads as no text)."""
    data = buf.peek(records * (MAX_READ_WORD_BYTES + 2 + 4 * size))
    pos, newline_after, raw, no_number = 0, None, False, False
    for i in range(records):
        space = data.find(b" ", pos, pos + MAX_READ_WORD_BYTES + 1)
        if space <= pos or b"\n" in data[pos:space] or space + 1 + 4 * size > len(data):
            return False
        pos = space + 1 + 4 * size
        raw = raw or _raw_values(data[space + 1:pos])
        no_number = no_number or not all(_is_float(p) for p in data[space + 1:pos].split())
        newline = data[pos:pos + 1] == b"\n"
        newline_after = newline if newline_after is None else newline_after
        last = i == records - 1
        if newline_after and not newline and not (last and pos == len(data)):
            return False
        if newline and not newline_after and not last:
            return False
        pos += newline
    return raw or (bool(newline_after) and no_number)


def _values_part(line: bytes) -> bytes:
    parts = _SEPARATORS.split(line.strip(b" \t\r\n"), maxsplit=1)
    return parts[1].rstrip(b"\r\n") if len(parts) == 2 else b""


def _printable(body: bytes) -> bool:
    if not body or _CONTROL.search(body):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text_records(buf: _Buffer, path: Path, size: int | None, count: int | None,
                  lineno: int) -> Iterator[tuple[bytes, list[float], int]]:
    """(word, values, line number) of each vector line; ``size`` None takes it
    from the first line, ``count`` None reads to the end of the file."""
    found = 0
    while count is None or found < count:
        lineno += 1
        most = _max_line_bytes(MAX_VECTOR_SIZE if size is None else size)
        end = buf.find(b"\n", most + 1)
        if end < 0 and buf.available() > most:
            raise CorruptInputError(f"{path}:{lineno}: line longer than {most} bytes: "
                                    "not a vector line")
        if end < 0 and buf.available() == 0:
            break
        parts = split_words(buf.take(buf.available() if end < 0 else end + 1))
        if not parts:
            continue
        if size is None:
            size = len(parts) - 1
            if size < 1:
                raise CorruptInputError(f"{path}:{lineno}: the first line has no values")
        yield parts[0], _text_values(parts, size, path, lineno), lineno
        found += 1
    if count is not None and found < count:
        raise TruncatedInput(f"{path}: truncated: the header promises {count} vectors, "
                             f"found {found}")


def _text_values(parts: list[bytes], size: int, path: Path, lineno: int) -> list[float]:
    if len(parts) != size + 1:
        raise CorruptInputError(f"{path}:{lineno}: expected a word and {size} values, "
                                f"got {len(parts) - 1} values")
    try:
        values = list(map(float, parts[1:]))
    except ValueError:
        values = None
    # float() takes "1_000"; no C reader does
    if values is None or b"_" in b"".join(parts[1:]):
        bad = next(p for p in parts[1:] if b"_" in p or not _is_float(p))
        raise CorruptInputError(f"{path}:{lineno}: not a number: {bad[:40]!r}")
    return values


def _binary_records(buf: _Buffer, path: Path, size: int, count: int, strict: bool
                    ) -> Iterator[tuple[bytes, np.ndarray, int]]:
    """(word, values, index) of each binary record: a word, a space, ``size``
    float32 values, and a newline (word2vec.c) or none (gensim).  ``strict``
    (the format was told from the content) holds every record to the first
    one's layout; otherwise newlines before a word are skipped, as gensim does."""
    record = 4 * size
    newline_after = None
    for i in range(count):
        if not strict:
            while buf.peek(1) in (b"\n", b"\r"):
                buf.take(1)
        space = buf.find(b" ", MAX_READ_WORD_BYTES + 1)
        if space < 0:
            if buf.available() <= MAX_READ_WORD_BYTES:
                raise TruncatedInput(f"{path}: truncated: the header promises {count} vectors "
                                     f"and the file ends at vector {i}")
            raise CorruptInputError(f"{path}: malformed at vector {i} of {count} (no word "
                                    f"ending in a space within {MAX_READ_WORD_BYTES} bytes)")
        word = buf.take(space)
        if strict and (not word or b"\n" in word):
            raise CorruptInputError(f"{path}: vector {i} of {count} has a word of {word[:40]!r}: "
                                    "not a binary vector file, or a damaged one")
        if not buf.ensure(1 + record):
            raise TruncatedInput(f"{path}: truncated: the header promises {count} vectors "
                                 f"and vector {i} is incomplete")
        buf.take(1)
        values = np.frombuffer(buf.take(record), dtype="=f4")
        if strict:
            newline_after = _end_of_record(buf, path, i, count, newline_after)
        yield word, values, i


def _end_of_record(buf: _Buffer, path: Path, i: int, count: int,
                   newline_after: bool | None) -> bool:
    """Reads the newline after record i when the file's records have one."""
    newline = buf.peek(1) == b"\n"
    last = i == count - 1
    if newline_after is None:
        newline_after = newline
    if newline_after and not newline and not (last and buf.available() == 0):
        raise CorruptInputError(f"{path}: vector {i} of {count} is not followed by a newline "
                                "as the first one is: not a binary vector file, or a damaged one")
    if not newline_after and newline and not last:
        raise CorruptInputError(f"{path}: vector {i} of {count} is followed by a newline, the "
                                "first one is not: not a binary vector file, or a damaged one")
    if newline:
        buf.take(1)
    return newline_after


def has_vector_header(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file that begins as a word2vec vector
    file does (a ``<words> <size>`` line, plain or compressed): what
    ``KeyedVectors.save`` writes.  Only the first line is read; a named pipe
    is never opened (it would wait for a writer)."""
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        chunks = _vector_file_chunks(path)
        try:
            _read_header(_Buffer(chunks), path)
        finally:
            chunks.close()
    except (W2VError, OSError):
        return False
    return True


def read_word2vec(path: str | os.PathLike[str], binary: bool | None = None,
                  encoding: str = "utf-8", unicode_errors: str = "strict",
                  limit: int | None = None, no_header: bool = False):
    """Read a word2vec binary or text file (plain, or gzip/bzip2/xz compressed).

    Parameters
    ----------
    path : str or PathLike
        The file.
    binary : bool or None
        None tells the format from the first vectors: text when their lines
        are printable text, binary otherwise; every later vector is then held to
        that format, so a file that is neither is refused, never misread.
    encoding, unicode_errors : str
        How words are decoded.
    limit : int or None
        Read only the first ``limit`` vectors (and no further into the file).
    no_header : bool
        A text file without the ``count size`` header line.

    Returns
    -------
    (list of str, numpy.ndarray)
        The words and their float32 vectors, one row each.

    Raises
    ------
    CorruptInputError
        The file is not a vector file, or a damaged one: the message names the
        file and the line or vector.
    """
    path = Path(path)
    limit = check_limit(limit)
    if binary not in (None, True, False):
        raise W2VError(f"binary must be True, False or None (tell from the content), "
                       f"got {binary!r}")
    chunks = _vector_file_chunks(path)
    try:
        buf = _Buffer(chunks)
        if no_header:
            records, where, size = _text_records(buf, path, None, None, 0), "line", None
        else:
            count, size = _read_header(buf, path)
            detected = binary is None
            if detected:
                binary = not _looks_like_text(buf, size, min(count, limit or count))
            if binary:
                records, where = _binary_records(buf, path, size, count, detected), "vector"
            else:
                records, where = _text_records(buf, path, size, count, 1), "line"
        keys, rows = _collect(records, limit, path, where, encoding, unicode_errors)
    finally:
        chunks.close()
    if no_header and not keys.first_seen:
        raise CorruptInputError(f"{path}: no vectors")
    return _finish(path, keys, rows.array(size))


def _collect(records: Iterator, limit: int | None, path: Path, where: str, encoding: str,
             errors: str) -> tuple["_Keys", "_Rows"]:
    """The first ``limit`` records; nothing after them is read."""
    keys, rows = _Keys(path, where), _Rows()
    taken = 0
    while limit is None or taken < limit:
        record = next(records, None)
        if record is None:
            break
        word, values, position = record
        label = f"{path}:{position}" if where == "line" else f"{path}: vector {position}"
        if keys.add(_decode(word, encoding, errors, label), position) is not None:
            rows.append(values)
        taken += 1
    return keys, rows


class _Rows:
    """Vectors appended one at a time to an array grown by doubling: memory
    follows the rows read, not the count a header claims."""

    def __init__(self) -> None:
        self._array: np.ndarray | None = None
        self.n = 0

    def append(self, values) -> None:
        if self._array is None:
            self._array = np.empty((16, len(values)), dtype=np.float32)
        elif self.n == len(self._array):
            self._array.resize((2 * self.n, self._array.shape[1]), refcheck=False)
        self._array[self.n] = values
        self.n += 1

    def array(self, size: int | None) -> np.ndarray:
        if self._array is None:
            return np.empty((0, size or 0), dtype=np.float32)
        self._array.resize((self.n, self._array.shape[1]), refcheck=False)
        return self._array


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
                      stacklevel=5)


class DuplicateWordWarning(UserWarning):
    """A vector file lists a word twice; only its first vector is kept."""


class UndecodableWordError(CorruptInputError, UnicodeDecodeError):
    """A word that is not valid in its encoding: a CorruptInputError naming
    the file, and the UnicodeDecodeError that gensim's reader raises."""

    def __init__(self, message: str, exc: UnicodeDecodeError):
        UnicodeDecodeError.__init__(self, exc.encoding, exc.object, exc.start, exc.end, exc.reason)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _decode(word: bytes, encoding: str, errors: str, where: str) -> str:
    try:
        return word.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise UndecodableWordError(f"{where}: word {word[:60]!r} is not valid {encoding} "
                                   f"({exc.reason}); pass unicode_errors='replace' to accept it",
                                   exc) from None
    except LookupError:
        raise W2VError(f"unknown encoding {encoding!r} or unicode_errors {errors!r}") from None


def _finish(path: Path, keys: _Keys, vectors: np.ndarray):
    _check_finite(path, vectors)
    keys.warn_repeats()
    return list(keys.first_seen), vectors


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
