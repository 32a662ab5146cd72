"""Reading training text: plain or compressed files, a directory, stdin or
a named pipe.

A corpus may be read more than once (counting, then encoding, when pruning
renumbered the words), so a stream (stdin, a named pipe, a character device)
is read once, through one open handle, into an unnamed temporary file the
first time it is needed.  Compression is recognised by content; archive and
compression formats that are not read are recognised too and refused.
"""
from __future__ import annotations

import bz2
import contextlib
import errno
import functools
import hashlib
import io
import lzma
import os
import queue
import sys
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Generator, Iterator, Union

from w2vpy.errors import CorruptInputError, TruncatedInput, W2VError
from w2vpy.system.paths import file_kind
from w2vpy.system.spool import closed_on_error, flush_spool, open_spool, write_spool

CHUNK_BYTES = 1 << 20

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)
#: formats that are recognised and refused rather than trained on as text
_UNREAD_MAGIC = (
    (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"PK\x07\x08", "zip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x04\x22\x4d\x18", "lz4"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x1f\x9d", "compress (.Z)"),
    (b"LZIP", "lzip"),
)
_TAR_MAGIC_OFFSET = 257
#: the first bytes of a file that tell its format (tar's mark is the furthest in)
HEAD_BYTES = _TAR_MAGIC_OFFSET + 5
READ_FORMATS = "plain text, gzip, bzip2 and xz"


class _SpoolReader(io.RawIOBase):
    """Reads an open file from its start by offset, leaving the file's own
    position alone, so that each pass over a spool is independent."""

    def __init__(self, file: BinaryIO):
        self._fd = file.fileno()
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = os.pread(self._fd, len(buffer), self._pos)
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)


#: a file to read: a path, or a spool holding a stream that was read once
Source = Union[Path, BinaryIO]


def _open_raw(source: Source) -> BinaryIO:
    if isinstance(source, Path):
        return open(source, "rb")
    return io.BufferedReader(_SpoolReader(source), CHUNK_BYTES)


def compression_of(head: bytes, name: str, reads: str = f"w2vpy reads {READ_FORMATS}",
                   advice: str = "decompress it first") -> str | None:
    """The compression a file's first bytes (``HEAD_BYTES`` of them; fewer
    cannot tell tar) name: None for plain text.  A format that is recognised
    and not read is a W2VError naming the file, what is read and ``advice``."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    unread = next((kind for magic, kind in _UNREAD_MAGIC if head.startswith(magic)), None)
    if unread is None and head[_TAR_MAGIC_OFFSET:].startswith(b"ustar"):
        unread = "tar"
    if unread is not None:
        raise W2VError(f"{name} is a {unread} file; {reads}: {advice}")
    return None


def _sniff(source: Source, name: str) -> str | None:
    """The compression of a file by its first bytes: None for plain text."""
    with _open_raw(source) as f:
        head = f.read(HEAD_BYTES)
    return compression_of(head, name, advice="decompress it first (or pipe it in with -train -)")


class _GzipMember:
    """zlib's gzip decompressor behind the interface of bz2's and lzma's."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data

    @property
    def needs_input(self) -> bool:
        return not self._d.unconsumed_tail

    def decompress(self, data: bytes, max_length: int) -> bytes:
        return self._d.decompress(self._d.unconsumed_tail + data, max_length)


@dataclass(frozen=True)
class _StreamFormat:
    """What may follow one compressed stream, as its own tool reads the file:
    another stream (concatenated files), or zero bytes of padding: gzip
    ignores zeros only where nothing else follows them, xz takes padding in
    multiples of four anywhere between streams, bzip2 takes none."""
    magic: bytes
    new: Callable[[], Any]
    padding: int | None        # None: none; n: zero bytes in multiples of n
    padding_ends_file: bool    # the padding must reach the end of the file


_FORMATS = {
    "gzip": _StreamFormat(b"\x1f\x8b", _GzipMember, 1, True),
    "bzip2": _StreamFormat(b"BZh", bz2.BZ2Decompressor, None, False),
    "xz": _StreamFormat(b"\xfd7zXZ\x00",
                        lambda: lzma.LZMADecompressor(format=lzma.FORMAT_XZ), 4, False),
}
_DECOMPRESSION_ERRORS = (EOFError, zlib.error, lzma.LZMAError)


def _decompressed(raw: BinaryIO, kind: str, name: str) -> Iterator[bytes]:
    """Every stream of a compressed file, in chunks of at most CHUNK_BYTES
    (so a small file that expands hugely never sits whole in memory), read to
    the file's end: what its tool (``gzip -dc``...) would not read whole is
    refused, never cut short."""
    fmt = _FORMATS[kind]
    stream = fmt.new()
    data = b""
    while True:
        if stream.eof:
            data = _next_stream_start(raw, stream.unused_data, fmt, kind, name)
            if not data:
                return
            stream = fmt.new()
        elif stream.needs_input and not data:
            data = raw.read(CHUNK_BYTES)
            if not data:
                raise TruncatedInput(f"{name}: truncated {kind} file (it ends inside a "
                                     "compressed stream)")
        out = stream.decompress(data, CHUNK_BYTES)
        data = b""
        if out:
            yield out


def _next_stream_start(raw: BinaryIO, rest: bytes, fmt: _StreamFormat, kind: str,
                       name: str) -> bytes:
    """What follows a stream's end, its padding skipped: the next stream's
    first bytes, or b"" at the end of the file."""
    zeros = 0
    while True:
        if len(rest) < len(fmt.magic):
            more = raw.read(CHUNK_BYTES)
            if more:
                rest += more
                continue
        if fmt.padding is None or not rest.startswith(b"\0"):
            break
        stripped = rest.lstrip(b"\0")
        zeros += len(rest) - len(stripped)
        rest = stripped
    if zeros % (fmt.padding or 1):
        raise CorruptInputError(f"{name}: corrupt {kind} file ({zeros} bytes of padding "
                                f"after a stream, not a multiple of {fmt.padding})")
    if not rest:
        return b""
    if rest.startswith(fmt.magic) and not (zeros and fmt.padding_ends_file):
        return rest
    raise CorruptInputError(f"{name}: what follows the end of one {kind} stream is neither "
                            "padding nor another stream; refusing to train on part of the file "
                            "(decompress it and check what follows)")


def _read_chunks(source: Source, kind: str | None, name: str) -> Iterator[bytes]:
    try:
        with _open_raw(source) as f:
            chunks = (iter(lambda: f.read(CHUNK_BYTES), b"") if kind is None
                      else _decompressed(f, kind, name))
            yield from chunks
    except TruncatedInput:  # _decompressed's own, naming the file: an EOFError too
        raise
    except _DECOMPRESSION_ERRORS as exc:
        raise CorruptInputError(f"{name}: corrupt or truncated compressed file ({exc})") from exc
    except OSError as exc:
        # bz2 reports corrupt data as a bare OSError ("Invalid data stream")
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise CorruptInputError(f"{name}: cannot read ({exc})") from exc


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


def _entry_kind(path: Path) -> str:
    """What a directory entry or a named input is, links followed; what a
    message says of one that cannot be looked at."""
    try:
        return file_kind(path.stat().st_mode)
    except FileNotFoundError:
        return "a dangling symbolic link" if path.is_symlink() else "missing"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"not readable ({exc.strerror or exc})"


_SKIPPED_KIND = {"directory": "a sub-directory", "stream": "a named pipe or device"}
STDIN = "-"


class Corpus:
    """A training text that can be read from the start any number of times.

    Constructing it checks what the source is (nothing is read but the first
    bytes of each file): a regular file, a directory (its regular files in
    name order; other entries are skipped and listed in ``skipped``), or a
    stream (``-`` for stdin, a named pipe, a character device)."""

    def __init__(self, source: str | os.PathLike[str], spool_dir: str | None = None):
        self._start(str(source), spool_dir)
        if self.name == STDIN:
            standard_input()  # closed: say so now, not when the text is first read
            self._stream = Path(STDIN)
            return
        path = Path(source)
        kind = _entry_kind(path)
        if kind == "missing" or kind.startswith("a dangling"):
            raise W2VError(f"training file not found: {path}")
        if os.fsdecode(source).endswith(os.sep) and kind != "directory":
            # Path drops the slash: the system would refuse the spelling (ENOTDIR)
            raise W2VError(f"training input {os.fsdecode(source)} names a directory (it ends in "
                           f"'{os.sep}'), but {path} is not one")
        if kind == "directory":
            files = self._directory_files(path)
        elif kind == "file":
            files = [path]
        elif kind == "stream":
            self._stream = path
            self.input_paths = [path]
            self._check_readable(path)
            return
        else:
            raise W2VError(f"training input {path} is {kind}, not a file, directory or pipe")
        for f in files:
            self._check_readable(f)
        self.input_paths = files
        self._sources = [(f, _sniff(f, str(f)), str(f)) for f in files]

    def _start(self, name: str, spool_dir: str | None) -> None:
        self.name = name
        self.spool_dir = spool_dir
        #: (path, why) of directory entries that are not read
        self.skipped: list[tuple[Path, str]] = []
        #: the paths read, as named (for checking that no output overwrites one)
        self.input_paths: list[Path] = []
        self._stream: Path | None = None   # read once into _spool on first use
        self._spool: BinaryIO | None = None
        self._sources: list[tuple[Source, str | None, str]] = []  # (source, compression, name)
        #: the hash of the text's bytes, once a pass read them all (fingerprinted)
        self.fingerprint: str | None = None

    @classmethod
    def from_spool(cls, spool: BinaryIO, name: str, spool_dir: str | None = None) -> "Corpus":
        """Plain text this process wrote into a spool (``open_spool``), read as
        a corpus: a pass's output that the next pass reads.  Closing the
        corpus closes the spool."""
        corpus = cls.__new__(cls)
        corpus._start(name, spool_dir)
        corpus._spool = spool
        corpus._sources = [(spool, None, name)]
        return corpus

    def _directory_files(self, path: Path) -> list[Path]:
        try:
            entries = sorted(path.iterdir())
        except OSError as exc:
            raise W2VError(f"cannot read training directory {path}: "
                           f"{exc.strerror or exc}") from None
        files = []
        for entry in entries:
            kind = _entry_kind(entry)
            if kind == "file" and not os.access(entry, os.R_OK):
                kind = "not readable (Permission denied)"
            if kind == "file":
                files.append(entry)
            else:
                self.skipped.append((entry, _SKIPPED_KIND.get(kind, kind)))
        if not files:
            raise W2VError(f"training directory has no regular files: {path}")
        return files

    @staticmethod
    def _check_readable(path: Path) -> None:
        if not os.access(path, os.R_OK):
            raise W2VError(f"training file is not readable: {path}")

    def _readable_sources(self) -> list[tuple[Source, str | None, str]]:
        if self._stream is not None and self._spool is None:
            name = "standard input" if str(self._stream) == STDIN else str(self._stream)
            self._spool = self._read_stream(self._stream, name)
            self._sources = [(self._spool, _sniff(self._spool, name), name)]
        return self._sources

    def _read_stream(self, path: Path, name: str) -> BinaryIO:
        """Every byte of the stream, read once through one open handle."""
        what = f"the contents of {name}"
        spool = open_spool(what, self.spool_dir)
        with closed_on_error(spool):
            with contextlib.ExitStack() as stack:
                if str(path) == STDIN:
                    stream = standard_input()
                else:
                    stream = stack.enter_context(open(path, "rb", buffering=0))
                while True:
                    data = _read_stream_chunk(stream, name)
                    if not data:
                        break
                    write_spool(spool, data, what, self.spool_dir)
            flush_spool(spool, what, self.spool_dir)
        return spool

    def chunks(self, read_ahead: bool = False) -> Iterator[bytes]:
        """The text in chunks; between files of a directory a newline is
        added when a file does not end with one, so words never join.

        With ``read_ahead``, a second thread decompresses the next chunks of
        compressed files while the caller works on this one: for callers whose
        work on a chunk releases the GIL and that may use two cores.  (Plain
        files come from the page cache faster than a thread hand-over pays.)"""
        self._readable_sources()
        if read_ahead and self.has_compressed_files:
            return _read_ahead(fingerprinted(self._chunks(), self))
        return fingerprinted(self._chunks(), self)

    #: files are read again from their start, and a stream from its spool
    can_read_again = True

    @property
    def is_stream(self) -> bool:
        """Read once (stdin, a named pipe, a device): only this object, through
        its spool, can give the text again."""
        return self._stream is not None

    @functools.cached_property
    def has_compressed_files(self) -> bool:
        return any(kind is not None for _, kind, _ in self._readable_sources())

    def _chunks(self) -> Generator[bytes, None, None]:
        sources = self._readable_sources()
        for i, (source, kind, name) in enumerate(sources):
            last = b"\n"
            for chunk in _read_chunks(source, kind, name):
                last = chunk[-1:]
                yield chunk
            if i + 1 < len(sources) and last != b"\n":
                yield b"\n"

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
            self._sources = []

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def standard_input() -> BinaryIO:
    """The process's standard input as bytes, or a W2VError where there is
    none (closed: ``<&-``; or replaced by an object without bytes)."""
    stdin = sys.stdin
    if stdin is None:
        raise W2VError("standard input is closed: there is no text to read for '-' "
                       "(pipe the text in, or give a file)")
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        raise W2VError(f"standard input is {type(stdin).__name__} without a byte stream "
                       "(sys.stdin was replaced): give the text as a file")
    return buffer


def _read_stream_chunk(stream: BinaryIO, name: str) -> bytes:
    try:
        return stream.read(CHUNK_BYTES)
    except OSError as exc:  # EBADF: closed under us; EIO: its terminal went away
        raise W2VError(f"cannot read {name}: {exc.strerror or exc}") from None


def fingerprinted(chunks: Iterator[bytes], owner: Any) -> Generator[bytes, None, None]:
    """``chunks``, hashed as they pass: once all are read, ``owner.fingerprint``
    names the text (a resumed run is refused another text of the same length)
    at no cost of a pass of its own."""
    owner.fingerprint = None
    digest = hashlib.sha256()  # the CPU's SHA instructions make it the cheapest strong hash
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
    owner.fingerprint = digest.hexdigest()


def open_corpus(source: str | os.PathLike[str] | Corpus) -> Corpus:
    return source if isinstance(source, Corpus) else Corpus(source)


__all__ = ["Corpus", "open_corpus", "CHUNK_BYTES"]
