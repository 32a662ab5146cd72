"""Files of a prepare job, local or behind an fsspec URL, as the tasks see them.

Every file is written whole under a temporary name, then moved to its own,
so that a task that dies while writing (its worker killed) leaves no file
that a rerun of the task, or a later reader, could take for a whole one.
Locally that is ``w2vpy.system.atomic``; elsewhere a temporary name beside
the file, then fsspec's move (object stores make a copy appear whole).
"""
from __future__ import annotations

import contextlib
import uuid
from typing import Any, BinaryIO, Iterable, Iterator

from w2vpy.system.atomic import atomic_write
from w2vpy.text.prepared import is_url, storage


def is_local(location: str) -> bool:
    return not is_url(location) or location.startswith("file://")


def write_atomically(location: str, data: bytes | Iterable[bytes], durable: bool = True) -> None:
    """Write ``data`` (bytes, or blocks of them) as the file ``location``;
    ``durable=False`` for the job's scratch files (``atomic_write``)."""
    blocks = [data] if isinstance(data, (bytes, bytearray, memoryview)) else data
    if is_local(location):
        fs, path = storage(location)
        with atomic_write(path, durable) as f:
            for block in blocks:
                f.write(block)
        return
    fs, path = storage(location)
    parent, _, name = path.rpartition("/")
    temporary = f"{parent}/.{name}.{uuid.uuid4().hex}.tmp"
    try:
        with fs.open(temporary, "wb") as f:
            for block in blocks:
                f.write(block)
        fs.mv(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if fs.exists(temporary):
                fs.rm(temporary)


@contextlib.contextmanager
def open_read(location: str) -> Iterator[BinaryIO]:
    fs, path = storage(location)
    with fs.open(path, "rb") as f:
        yield f


def make_directory(location: str) -> None:
    fs, path = storage(location)
    fs.makedirs(path, exist_ok=True)


def exists(location: str) -> bool:
    fs, path = storage(location)
    return bool(fs.exists(path))


def remove(location: str, recursive: bool = False) -> None:
    """Remove a file (or a directory, ``recursive``) if it is there."""
    fs, path = storage(location)
    if fs.exists(path):
        with contextlib.suppress(FileNotFoundError):
            fs.rm(path, recursive=recursive)


def listing(location: str) -> list[str]:
    """The names in a directory (none when it is not there)."""
    fs, path = storage(location)
    if not fs.isdir(path):
        return []
    return [p.rstrip("/").rpartition("/")[2] for p in fs.ls(path, detail=False)]


def filesystem(location: str) -> tuple[Any, str]:
    return storage(location)
