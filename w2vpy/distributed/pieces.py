"""The text cut into pieces that tasks read on their own, and reading one.

A piece is a byte range of a plain text file, a whole compressed file (a
compressed stream cannot be entered in the middle), or a row group of a
Parquet file.  Pieces are listed in text order: the files in the order
given, a directory's or a glob's files in name order (as ``Corpus`` reads a
directory), each file's pieces in order.

A plain file is cut into nominal ranges of ``piece_bytes``; the task that
reads a range moves both of its ends just past the next cut byte, so pieces
end there without the planner reading the file.  For counting and encoding
a cut byte is any separator (space, tab, newline), as w2v-train's parallel
counting cuts: a separator ends every word, and the tokenizer starts afresh
after one, so a text read whole in order tokenizes alike cut there, and a
text without line ends (text8) is cut too.  word2phrase's rewrite joins
pairs across spaces but never across a line end, so the phrase passes cut
at newlines only (``Piece.cut_bytes``).  Between files, as ``Corpus`` does, a
newline is added where a file does not end with one (by the piece that
holds the file's last byte), so words of two files never join.

A Parquet row's text is one line: the text, then a newline unless it ends
with one; nulls are skipped.
"""
from __future__ import annotations

import glob as globbing
import os
import re
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from w2vpy.errors import CorruptInputError, TruncatedInput, W2VError
from w2vpy.text.prepared import storage
# the decompression and format sniffing that Corpus uses, so that a piece
# reads a file's bytes exactly as training from the file would
from w2vpy.text.text_files import (_DECOMPRESSION_ERRORS, CHUNK_BYTES, HEAD_BYTES,
                                   _decompressed, compression_of)

DEFAULT_PIECE_BYTES = 64 << 20
#: bytes read at a time while looking for a piece's end
SCAN_BYTES = 1 << 16


@dataclass(frozen=True)
class Piece:
    """One task's part of the text."""
    index: int
    #: the file, as fsspec names it (a URL, or a local path)
    url: str
    #: "text" (plain), a compression ("gzip", "bzip2", "xz") or "parquet"
    kind: str
    #: plain text: the nominal byte range [start, end) before moving to line ends
    start: int = 0
    end: int = 0
    #: parquet: the row group and the text column
    row_group: int = 0
    column: str = ""
    #: a newline is added when the file does not end with one (not the last file)
    newline_at_file_end: bool = False
    #: the bytes a range's ends move just past (see the module's text)
    cut_bytes: bytes = b"\n"


def expand_sources(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
                   ) -> list[str]:
    """Every file named by the sources (paths, globs, directories, URLs), in
    text order."""
    sources = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    if not sources:
        raise W2VError("prepare: no source given")
    files: list[str] = []
    for one in sources:
        files.extend(_files_of(os.fspath(one)))
    return files


def _files_of(source: str) -> list[str]:
    fs, path = storage(source)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    if globbing.has_magic(path):
        found = sorted(p for p in fs.glob(path) if fs.isfile(p))
        if not found:
            raise W2VError(f"no file matches {source}")
    elif fs.isdir(path):
        found = sorted(p for p in fs.ls(path, detail=False) if fs.isfile(p))
        if not found:
            raise W2VError(f"training directory has no regular files: {source}")
    elif fs.isfile(path):
        found = [path]
    else:
        raise W2VError(f"training file not found: {source}")
    return [p if protocol in ("file", "local") else fs.unstrip_protocol(p) for p in found]


#: where counting and encoding may cut plain text: after any separator
WORD_CUTS = b" \t\n"
#: where a phrase pass may cut it: after a line end
LINE_CUTS = b"\n"


def plan_pieces(files: list[str], piece_bytes: int, text_column: str | None,
                cut_bytes: bytes = WORD_CUTS) -> list[Piece]:
    """The pieces of the files, in text order, plain text cut after one of
    ``cut_bytes``."""
    pieces: list[Piece] = []
    for n, url in enumerate(files):
        last_file = n + 1 == len(files)
        if text_column is not None:
            pieces.extend(_parquet_pieces(url, text_column, len(pieces)))
            continue
        fs, path = storage(url)
        kind = _sniff(fs, path, url)
        size = fs.size(path)
        if kind != "text" or size <= piece_bytes:
            pieces.append(Piece(len(pieces), url, kind, 0, size, newline_at_file_end=not last_file))
            continue
        for start in range(0, size, piece_bytes):
            pieces.append(Piece(len(pieces), url, "text", start, min(start + piece_bytes, size),
                                newline_at_file_end=not last_file, cut_bytes=cut_bytes))
    return pieces


def _parquet_pieces(url: str, column: str, first: int) -> list[Piece]:
    import pyarrow.parquet as pq

    fs, path = storage(url)
    with fs.open(path, "rb") as f:
        try:
            parquet = pq.ParquetFile(f)
        except Exception as exc:  # pyarrow's own errors: the file is not Parquet
            raise CorruptInputError(f"{url} is not a Parquet file ({exc})") from None
        if column not in parquet.schema_arrow.names:
            raise W2VError(f"{url} has no column {column!r} (it has "
                           f"{', '.join(parquet.schema_arrow.names)})")
        groups = parquet.num_row_groups
    return [Piece(first + g, url, "parquet", row_group=g, column=column) for g in range(groups)]


def _sniff(fs: Any, path: str, name: str) -> str:
    """"text", or the compression, by the file's first bytes (as Corpus)."""
    with fs.open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    return compression_of(head, name) or "text"


def piece_chunks(piece: Piece) -> Iterator[bytes | memoryview]:
    """The piece's text, in chunks of at most CHUNK_BYTES (plus the newline
    that ends a file's text where the file has none).  A chunk is good until
    the next one is asked for: plain text is read into one buffer, because
    a fresh chunk each time costs a fresh mapping of zeroed pages where the
    allocator returns freed memory at once (as Dask's workers have it)."""
    last = b"\n"
    for chunk in _raw_chunks(piece):
        if chunk:
            last = bytes(chunk[-1:])
            yield chunk
    if piece.newline_at_file_end and last != b"\n" and _holds_file_end(piece):
        yield b"\n"


def _holds_file_end(piece: Piece) -> bool:
    """Whether the piece reads up to its file's last byte (it read something)."""
    if piece.kind != "text":
        return True
    fs, path = storage(piece.url)
    with fs.open(path, "rb") as f:
        size = fs.size(path)
        return (_cut_start(f, piece.start, size, piece.cut_bytes) < size
                == _cut_start(f, piece.end, size, piece.cut_bytes))


def _raw_chunks(piece: Piece) -> Iterator[bytes]:
    if piece.kind == "parquet":
        yield from _parquet_chunks(piece)
        return
    fs, path = storage(piece.url)
    try:
        with fs.open(path, "rb") as f:
            if piece.kind == "text":
                yield from _range_chunks(f, piece, fs.size(path))
            else:
                yield from _decompressed(f, piece.kind, piece.url)
    except TruncatedInput:  # _decompressed's own, naming the file: an EOFError too
        raise
    except _DECOMPRESSION_ERRORS as exc:
        raise CorruptInputError(f"{piece.url}: corrupt or truncated compressed file "
                                f"({exc})") from None


def _range_chunks(f: Any, piece: Piece, size: int) -> Iterator[memoryview]:
    start = _cut_start(f, piece.start, size, piece.cut_bytes)
    end = _cut_start(f, piece.end, size, piece.cut_bytes)
    f.seek(start)
    buffer = memoryview(bytearray(min(CHUNK_BYTES, max(end - start, 0))))
    while start < end:
        read = f.readinto(buffer[:min(CHUNK_BYTES, end - start)])
        if not read:
            raise CorruptInputError(f"{piece.url} ended at byte {start}, before the {size} "
                                    "bytes it had when the pieces were planned")
        start += read
        yield buffer[:read]


def _cut_start(f: Any, offset: int, size: int, cut_bytes: bytes) -> int:
    """The first place at or after ``offset`` where a piece may start:
    offset itself when it is 0 or just past one of ``cut_bytes``, else just
    past the next of them (or the end)."""
    if offset <= 0:
        return 0
    if offset >= size:
        return size
    f.seek(offset - 1)
    at = offset - 1
    cut = re.compile(b"[" + re.escape(cut_bytes) + b"]")
    while block := f.read(SCAN_BYTES):
        found = cut.search(block)
        if found is not None:
            return at + found.start() + 1
        at += len(block)
    return size


def _parquet_chunks(piece: Piece) -> Iterator[bytes]:
    import pyarrow.parquet as pq

    fs, path = storage(piece.url)
    with fs.open(path, "rb") as f:
        table = pq.ParquetFile(f).read_row_group(piece.row_group, columns=[piece.column])
    lines: list[bytes] = []
    size = 0
    for value in table.column(0).to_pylist():
        if value is None:
            continue
        text = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        lines.append(text if text.endswith(b"\n") else text + b"\n")
        size += len(lines[-1])
        if size >= CHUNK_BYTES:
            yield b"".join(lines)
            lines, size = [], 0
    if lines:
        yield b"".join(lines)
