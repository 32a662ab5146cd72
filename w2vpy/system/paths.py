"""The paths a user names, checked for what they are before any work.

Inputs must be readable and of a kind that is read fully, once.  An output is
a regular file (replaced atomically: see ``atomic``), a new file, or a
character device or named pipe (written in place: ``-output /dev/null``);
nothing else is ever replaced, and a symbolic link is followed so that its
target is replaced and the link stays.  No output may be the same file as an
input or as another output.  Every entry point (training, phrases, model
files) goes through these checks."""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

from w2vpy.errors import W2VError

#: how an output is written
REPLACE = "replace"   # a regular file, or a new one: temporary file, then rename
IN_PLACE = "in place"  # a character device or a named pipe


@dataclass(frozen=True)
class OutputTarget:
    named: Path      # as the user gave it (for messages)
    resolved: Path   # symbolic links followed: what is written
    mode: str        # REPLACE or IN_PLACE
    is_pipe: bool = False


def file_kind(mode: int) -> str:
    """What a stat mode names: "file", "directory", "stream" (a named pipe or
    a character device), or the words a message uses for anything else."""
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "stream"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def output_target(path: str | os.PathLike[str]) -> OutputTarget:
    """What writing ``path`` means; fails now, not after training, if it
    cannot be written or is something an output must never replace.

    Every path the output will take is checked: the file's own and the
    temporary file's beside it (``temporary_prefix``)."""
    if str(path) == "":
        raise W2VError("output path is empty")
    _refuse_directory_spelling(os.fsdecode(path))
    named = Path(path)
    resolved = Path(os.path.realpath(named))
    try:
        mode = os.stat(resolved).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise W2VError(f"cannot use output path {named}: {exc.strerror}") from None
    kind = "new" if mode is None else file_kind(mode)
    if kind == "directory":
        raise W2VError(f"output path is a directory: {named}")
    if kind == "stream":
        if not os.access(resolved, os.W_OK):
            raise W2VError(f"output {named} is not writable (Permission denied)")
        return OutputTarget(named, resolved, IN_PLACE, is_pipe=stat.S_ISFIFO(mode))
    if kind not in ("file", "new"):
        raise W2VError(f"output {named} is {kind}; refusing to replace it")
    _check_directory_writable(resolved.parent)
    temporary_prefix(resolved)
    return OutputTarget(named, resolved, REPLACE)


def _check_directory_writable(parent: Path) -> None:
    if not parent.exists():
        raise W2VError(f"output directory does not exist: {parent}")
    if not parent.is_dir():
        raise W2VError(f"output directory is not a directory: {parent}")
    try:
        # unnamed where the system allows it: nothing is left if we are killed here
        tempfile.TemporaryFile(dir=parent, prefix=".w2vpy-probe.").close()
    except OSError as exc:
        raise W2VError(f"output directory is not writable: {parent} ({exc.strerror})") from None


def _refuse_directory_spelling(raw: str) -> None:
    """A path spelled as a directory's (``out/``, ``out/.``) is one to the
    system: writing it must not replace (or create) the file ``out``."""
    last = raw.rstrip(os.sep).rsplit(os.sep, 1)[-1] if raw.rstrip(os.sep) else ""
    if raw.endswith(os.sep) or last in (".", ".."):
        raise W2VError(f"output path {raw} names a directory (it ends in "
                       f"'{os.sep if raw.endswith(os.sep) else os.sep + last}'); "
                       "give a file name")


#: what atomic.py adds to a temporary file's name beyond its prefix, at most:
#: ".w2v-PID-START-" (start: the process's start time in clock ticks, up to
#: 20 digits), 8 random characters and ".tmp"
TEMPORARY_SUFFIX_BYTES = len(".w2v-") + 7 + 1 + 20 + 1 + 8 + len(".tmp")


def _limit(directory: Path, name: str, default: int) -> int:
    try:
        value = os.pathconf(directory, name)
    except (OSError, ValueError):
        return default
    return default if value is None or value < 0 else value


def temporary_prefix(final: Path) -> str:
    """The start of the name of the temporary file written beside ``final``
    (an absolute path) before it replaces it: ``.NAME``, shortened where the
    file system's name limit would not take the whole temporary name.  Refuses
    a ``final`` whose own name or path is past the limits, or whose temporary
    name would be (a path too long to take the temporary file's name)."""
    parent = final.parent
    name_max = _limit(parent, "PC_NAME_MAX", 255)
    path_max = _limit(parent, "PC_PATH_MAX", 4096)
    name_bytes = os.fsencode(final.name)
    if len(name_bytes) > name_max:
        raise W2VError(f"output file name {final.name} is {len(name_bytes)} bytes long; "
                       f"the file system of {parent} takes at most {name_max}")
    room = name_max - TEMPORARY_SUFFIX_BYTES - 1
    if room < 1:
        raise W2VError(f"the file system of {parent} takes names of at most {name_max} bytes: "
                       "too short for the temporary file an output is written to first")
    prefix = "." + os.fsdecode(name_bytes[:room])
    longest = os.fsencode(str(parent / prefix)) + b"x" * TEMPORARY_SUFFIX_BYTES
    for what, length in (("output path", len(os.fsencode(str(final)))),
                         ("its temporary file's path", len(longest))):
        if length >= path_max:
            raise W2VError(f"{what} for {final} is {length} bytes long; the system takes "
                           f"paths of at most {path_max - 1}: choose a shorter path")
    return prefix


def _identity(path: Path) -> tuple[object, ...]:
    """Two paths name the same file iff their identities are equal: the device
    and inode of an existing file (hard links too), else the resolved path."""
    try:
        st = os.stat(path)
        return ("inode", st.st_dev, st.st_ino, stat.S_ISCHR(st.st_mode))
    except OSError:
        return ("path", os.path.realpath(path), False)


def check_distinct(inputs: Sequence[tuple[str, str | os.PathLike[str]]],
                   outputs: Sequence[tuple[str, str | os.PathLike[str] | None]]) -> None:
    """Refuses, before any work, an output that is the same file as an input
    (it would destroy it) or as another output.  Items are (what, path): the
    flag or parameter name and the path as given; None outputs are skipped.
    Two outputs may share a character device (``/dev/null`` twice)."""
    seen_inputs = {}
    for what, path in inputs:
        seen_inputs.setdefault(_identity(Path(path)), (what, path))
    seen_outputs: dict[tuple[object, ...], tuple[str, object]] = {}
    for what, path in outputs:
        if path is None:
            continue
        key = _identity(Path(path))
        if key in seen_inputs:
            in_what, in_path = seen_inputs[key]
            raise W2VError(f"{what} {path} is the same file as {in_what} {in_path}: "
                           "writing it would destroy the input")
        is_device = key[-1]
        if key in seen_outputs and not is_device:
            other_what, other_path = seen_outputs[key]
            raise W2VError(f"{what} {path} and {other_what} {other_path} are the same file")
        seen_outputs[key] = (what, path)


@contextlib.contextmanager
def open_input_file(path: str | os.PathLike[str], what: str) -> Iterator[BinaryIO]:
    """An input file opened for reading, or a W2VError naming it and the problem."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise W2VError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise W2VError(f"{what} is a directory: {path}") from None
    except OSError as exc:
        raise W2VError(f"cannot read {what} {path}: {exc.strerror}") from None
    with f:
        try:
            yield f
        except OSError as exc:
            if exc.filename is not None:  # another file's error, not this read's
                raise
            raise W2VError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def read_input_file(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of a small input file, or a W2VError naming the file and the problem."""
    with open_input_file(path, what) as f:
        return f.read()
