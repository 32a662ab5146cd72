"""Temporary files that hold what a run cannot keep in memory: standard input
or a pipe read once, the counting pass's token record, the encoded corpus.

They are unnamed (unlinked at once), so nothing is left behind whatever ends
the process; a full disk is reported naming the directory and how to move it."""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from typing import BinaryIO, Iterator

from w2vpy.errors import W2VError

_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


@contextlib.contextmanager
def closed_on_error(spool: BinaryIO | None) -> Iterator[None]:
    """Closes ``spool`` when the block raises: nobody will read it then, and
    its disk space comes back at once."""
    try:
        yield
    except BaseException:
        if spool is not None:
            spool.close()
        raise


def spool_directory(spool_dir: str | os.PathLike[str] | None = None) -> str:
    return str(spool_dir) if spool_dir is not None else tempfile.gettempdir()


def open_spool(what: str, spool_dir: str | os.PathLike[str] | None = None) -> BinaryIO:
    """An empty unnamed temporary file (read and write) for ``what``."""
    directory = spool_directory(spool_dir)
    try:
        return tempfile.TemporaryFile(prefix="w2vpy-", dir=directory)
    except OSError as exc:
        raise W2VError(f"cannot create a temporary file for {what} in {directory} "
                       f"({exc.strerror}); set TMPDIR to a writable directory") from None


def spool_error(exc: OSError, what: str, spool_dir: str | os.PathLike[str] | None) -> W2VError:
    """The error to raise for a failed write to a spool."""
    directory = spool_directory(spool_dir)
    if exc.errno in _DISK_FULL:
        reason = os.strerror(exc.errno).lower()  # no space left on device, file too large, ...
        return W2VError(f"{reason} while writing {what} to {directory} "
                        "(set TMPDIR to a directory with more room)")
    return W2VError(f"cannot write {what} to {directory}: {exc.strerror or exc}")


def write_spool(spool: BinaryIO, data, what: str,
                spool_dir: str | os.PathLike[str] | None = None) -> None:
    """Appends ``data`` (bytes or an array, written without a copy)."""
    try:
        spool.write(memoryview(data).cast("B"))
    except OSError as exc:
        raise spool_error(exc, what, spool_dir) from None


def write_spool_at(spool: BinaryIO, data, offset: int, what: str,
                   spool_dir: str | os.PathLike[str] | None = None) -> None:
    """Writes ``data`` at byte ``offset`` without moving the file position, so
    that several threads can fill their own parts of one spool at once."""
    try:
        pwrite_all(spool.fileno(), memoryview(data).cast("B"), offset)
    except OSError as exc:
        raise spool_error(exc, what, spool_dir) from None


def pwrite_all(fd: int, data: bytes | memoryview, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


def flush_spool(spool: BinaryIO, what: str,
                spool_dir: str | os.PathLike[str] | None = None) -> None:
    try:
        spool.flush()
    except OSError as exc:
        raise spool_error(exc, what, spool_dir) from None
