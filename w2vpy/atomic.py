"""Atomic file output: write a temporary file beside the target, then rename.

A run that fails or is interrupted leaves any previous file untouched and no
temporary file behind."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from w2vpy.errors import W2VError


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Fail now, not after training, if ``path`` cannot be written."""
    target = Path(path)
    if str(path) == "":
        raise W2VError("output path is empty")
    if target.is_dir():
        raise W2VError(f"output path is a directory: {target}")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise W2VError(f"output directory does not exist: {parent}")
    if not parent.is_dir():
        raise W2VError(f"output directory is not a directory: {parent}")
    try:
        probe = tempfile.NamedTemporaryFile(dir=parent, prefix=f".{target.name}.", suffix=".probe")
        probe.close()
    except OSError as exc:
        raise W2VError(f"output directory is not writable: {parent} ({exc.strerror})") from None
    return target


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    target = check_output_path(path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
