"""Atomic file output: write a temporary file beside the target, then rename.

A run that fails or is interrupted leaves any previous file untouched and no
temporary file behind.  A character device or a named pipe (see ``paths``)
is written in place, since it cannot be renamed over."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from typing import BinaryIO, Iterator

from w2vpy.errors import W2VError
from w2vpy.interrupts import interrupts_deferred
from w2vpy.paths import IN_PLACE, OutputTarget, output_target

WRITE_BUFFER_BYTES = 1 << 20


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write; on success it becomes ``path``.  Any OSError
    while writing becomes a W2VError naming the path (a full disk, say)."""
    target = output_target(path)
    try:
        if target.mode == IN_PLACE:
            with _open_in_place(target) as f:
                yield f
                f.flush()
        else:
            with _replacing(target) as f:
                yield f
    except OSError as exc:
        raise W2VError(f"cannot write {target.named}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _open_in_place(target: OutputTarget) -> Iterator[BinaryIO]:
    flags = os.O_WRONLY
    if target.is_pipe:
        # Without a reader, opening a pipe would block for ever.
        flags |= os.O_NONBLOCK
    try:
        fd = os.open(target.resolved, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise W2VError(f"no process is reading the named pipe {target.named}") from None
        raise
    if target.is_pipe:
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    with os.fdopen(fd, "wb", buffering=WRITE_BUFFER_BYTES) as f:
        yield f


@contextlib.contextmanager
def _replacing(target: OutputTarget) -> Iterator[BinaryIO]:
    final = target.resolved
    tmp_name: str | None = None
    f: BinaryIO | None = None
    try:
        # an interrupt between the file's creation and its name's assignment
        # would leave the file behind, unnamed to the cleanup below
        with interrupts_deferred():
            fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.",
                                            suffix=".tmp")
            f = os.fdopen(fd, "wb", buffering=WRITE_BUFFER_BYTES)
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, final)
    except BaseException:
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()
        if tmp_name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        raise
