"""Atomic file output: write a temporary file beside the target, then rename.

A run that fails or is interrupted leaves any previous file untouched and no
temporary file behind.  A character device or a named pipe (see ``paths``)
is written in place, since it cannot be renamed over.

A process killed outright (SIGKILL, a power cut) cannot remove its temporary
file, so the next write into the same directory does: a temporary file's name
holds its writer's process id and start time, and the writer holds a lock on
it while it lives; one whose writer is gone and whose lock is free is removed.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from w2vpy.errors import W2VError
from w2vpy.system.interrupts import interrupts_deferred
from w2vpy.system.paths import IN_PLACE, OutputTarget, output_target, temporary_prefix

WRITE_BUFFER_BYTES = 1 << 20


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write; on success it becomes ``path``.  Any OSError
    while writing becomes a W2VError naming the path (a full disk, say).
    ``durable`` (the default) also waits for the bytes to reach the disk
    before the name appears, so that a file named is whole after a power
    cut too; a job's scratch file, made again by rerunning the job, need not
    wait."""
    target = output_target(path)
    try:
        if target.mode == IN_PLACE:
            with _open_in_place(target) as f:
                yield f
                f.flush()
        else:
            with _replacing(target, durable) as f:
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


#: ``.NAME.w2v-PID-START-XXXXXXXX.tmp`` (see paths.TEMPORARY_SUFFIX_BYTES)
_TEMPORARY = re.compile(r"\..*\.w2v-(\d+)-(\d+)-[a-z0-9_]{8}\.tmp", re.DOTALL)


def _start_time(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks after boot); None if there is
    no such process (or no /proc to tell: 0 then, for this process's name)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return 0
    try:
        # the fields after the command name, which may hold spaces and ")"
        return int(stat.rsplit(b")", 1)[1].split()[19])
    except (IndexError, ValueError):
        return 0


def _writer_alive(pid: int, start: int) -> bool:
    started = _start_time(pid)
    return started is not None and started in (start, 0)


def remove_stale_temporaries(directory: Path) -> None:
    """Removes the temporary files that killed writers left in ``directory``;
    one whose writer lives, or whose lock is held (a writer this process
    cannot see, in another pid namespace), stays."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or _writer_alive(int(match[1]), int(match[2])):
            continue
        with contextlib.suppress(OSError):
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(entry.path)
            finally:
                os.close(fd)


def _create_temporary(final: Path) -> tuple[int, str]:
    """A new temporary file beside ``final``, locked for as long as this
    process holds it open."""
    pid = os.getpid()
    prefix = f"{temporary_prefix(final)}.w2v-{pid}-{_start_time(pid) or 0}-"
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=prefix, suffix=".tmp")
    # where the file system has no locks, the name alone tells the writer lives
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd, name


@contextlib.contextmanager
def _replacing(target: OutputTarget, durable: bool = True) -> Iterator[BinaryIO]:
    final = target.resolved
    remove_stale_temporaries(final.parent)
    tmp_name: str | None = None
    f: BinaryIO | None = None
    try:
        # an interrupt between the file's creation and its name's assignment
        # would leave the file behind, unnamed to the cleanup below
        with interrupts_deferred():
            fd, tmp_name = _create_temporary(final)
            f = os.fdopen(fd, "wb", buffering=WRITE_BUFFER_BYTES)
        with f:
            yield f
            f.flush()
            if durable:
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
