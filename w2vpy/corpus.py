"""Reading training text: plain or compressed files, stdin, or a directory.

A corpus is read twice (counting, then encoding), so stdin is spooled to a
temporary file on first read.  Compression is recognised by content.
"""
from __future__ import annotations

import bz2
import functools
import gzip
import lzma
import os
import queue
import shutil
import stat
import sys
import tempfile
import threading
import zlib
from pathlib import Path
from typing import BinaryIO, Generator, Iterator

from w2vpy.errors import CorruptInputError, W2VError

CHUNK_BYTES = 1 << 20

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)


def detect_compression(path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(6)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _open_decompressed(path: Path) -> BinaryIO:
    kind = detect_compression(path)
    if kind == "gzip":
        return gzip.open(path, "rb")
    if kind == "bzip2":
        return bz2.open(path, "rb")
    if kind == "xz":
        return lzma.open(path, "rb")
    return open(path, "rb")


_DECOMPRESSION_ERRORS = (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile)


def _read_chunks(path: Path) -> Iterator[bytes]:
    try:
        with _open_decompressed(path) as f:
            while True:
                chunk = f.read(CHUNK_BYTES)
                if not chunk:
                    return
                yield chunk
    except _DECOMPRESSION_ERRORS as exc:
        raise CorruptInputError(f"{path}: corrupt or truncated compressed file ({exc})") from exc
    except OSError as exc:
        # bz2 reports corrupt data as a bare OSError ("Invalid data stream")
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise CorruptInputError(f"{path}: cannot read ({exc})") from exc


READ_AHEAD_CHUNKS = 2
_END_OF_CHUNKS = object()


def _read_ahead(chunks: Generator[bytes, None, None]) -> Iterator[bytes]:
    """The items of ``chunks``, produced by a background thread at most
    READ_AHEAD_CHUNKS ahead; its exceptions are raised here, in order.
    Closing this generator early stops the thread and closes ``chunks``."""
    ready: queue.Queue[object] = queue.Queue(maxsize=READ_AHEAD_CHUNKS)
    stop = threading.Event()

    def hand_over(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not hand_over(chunk):
                    return
            hand_over(_END_OF_CHUNKS)
        except BaseException as exc:  # handed to the consumer, raised there
            hand_over(exc)
        finally:
            chunks.close()

    producer = threading.Thread(target=produce, name="w2vpy-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            item = ready.get()
            if item is _END_OF_CHUNKS:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        producer.join()


class Corpus:
    """A training text that can be read from the start any number of times."""

    def __init__(self, source: str | os.PathLike[str], spool_dir: str | None = None):
        self.name = str(source)
        self._spool: tempfile._TemporaryFileWrapper | None = None
        if self.name == "-":
            self.files = [self._spool_stdin(spool_dir)]
            return
        path = Path(source)
        if not path.exists():
            raise W2VError(f"training file not found: {path}")
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file())
            if not files:
                raise W2VError(f"training directory has no regular files: {path}")
            self.files = files
        elif path.is_file() or stat.S_ISFIFO(path.stat().st_mode):
            self.files = [path]
        else:
            raise W2VError(f"training input is not a regular file or directory: {path}")
        for f in self.files:
            if not os.access(f, os.R_OK):
                raise W2VError(f"training file is not readable: {f}")

    def _spool_stdin(self, spool_dir: str | None) -> Path:
        self._spool = tempfile.NamedTemporaryFile(prefix="w2vpy-stdin-", dir=spool_dir)
        shutil.copyfileobj(sys.stdin.buffer, self._spool, CHUNK_BYTES)
        self._spool.flush()
        return Path(self._spool.name)

    def chunks(self, read_ahead: bool = False) -> Iterator[bytes]:
        """The text in chunks; between files of a directory a newline is
        added when a file does not end with one, so words never join.

        With ``read_ahead``, a second thread decompresses the next chunks of
        compressed files while the caller works on this one: for callers whose
        work on a chunk releases the GIL and that may use two cores.  (Plain
        files come from the page cache faster than a thread hand-over pays.)"""
        if read_ahead and self.has_compressed_files:
            return _read_ahead(self._chunks())
        return self._chunks()

    @functools.cached_property
    def has_compressed_files(self) -> bool:
        # sniffed once: the text is read at least twice (count, then encode)
        return any(detect_compression(path) for path in self.files)

    def _chunks(self) -> Generator[bytes, None, None]:
        for i, path in enumerate(self.files):
            last = b"\n"
            for chunk in _read_chunks(path):
                last = chunk[-1:]
                yield chunk
            if i + 1 < len(self.files) and last != b"\n":
                yield b"\n"

    def size_bytes(self) -> int:
        return sum(os.path.getsize(p) for p in self.files)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_corpus(source: str | os.PathLike[str] | Corpus) -> Corpus:
    return source if isinstance(source, Corpus) else Corpus(source)


__all__ = ["Corpus", "open_corpus", "detect_compression", "CHUNK_BYTES"]
