"""The memory a model needs, checked against what the machine has before a
single matrix is allocated, so that a mistyped ``-size`` is an error naming
the figure and not an hour of swapping or the kernel's out-of-memory killer."""
from __future__ import annotations

import os
from pathlib import Path

from w2vpy.errors import W2VError

FLOAT_BYTES = 4
#: the share of the available memory the matrices may take: the rest of the
#: run (vocabulary, interpreter, buffers, the page cache of the encoded
#: corpus) and the rest of the machine need some too
MODEL_SHARE = 0.9


def matrix_count(hs: bool, negative: int) -> int:
    """syn0, plus syn1 for hierarchical softmax and syn1neg for negative sampling."""
    return 1 + int(bool(hs)) + int(negative > 0)


def model_bytes(vocab_size: int, vector_size: int, hs: bool, negative: int) -> int:
    return vocab_size * vector_size * matrix_count(hs, negative) * FLOAT_BYTES


def describe_model(vocab_size: int, vector_size: int, hs: bool, negative: int) -> str:
    """``71290 words x 100 dimensions x 2 matrices of float32 (57.0 MB)``"""
    matrices = matrix_count(hs, negative)
    size = format_bytes(model_bytes(vocab_size, vector_size, hs, negative))
    return (f"{vocab_size} words x {vector_size} dimensions x {matrices} "
            f"matri{'x' if matrices == 1 else 'ces'} of float32 ({size})")


def format_bytes(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room() -> int | None:
    """What a cgroup v2 memory limit leaves to this process's group."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        return max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None


def _address_space_room() -> int | None:
    """What an address-space limit (``ulimit -v``) leaves to this process."""
    try:
        import resource
        limit, _ = resource.getrlimit(resource.RLIMIT_AS)
        if limit == resource.RLIM_INFINITY:
            return None
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return max(limit - int(line.split()[1]) * 1024, 0)
        return limit
    except (ImportError, OSError, ValueError, IndexError):
        return None


def available_memory() -> int | None:
    """Bytes this process can still allocate without swapping, as well as the
    system tells (None where it does not say)."""
    figures = [f for f in (_meminfo_available(), _cgroup_room(), _address_space_room())
               if f is not None]
    if not figures:
        try:
            figures = [os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")]
        except (ValueError, OSError, AttributeError):
            return None
    return min(figures)


def check_model_fits(vocab_size: int, vector_size: int, hs: bool, negative: int,
                     available: int | None = None) -> None:
    needed = model_bytes(vocab_size, vector_size, hs, negative)
    room = available_memory() if available is None else available
    if room is not None and needed > MODEL_SHARE * room:
        model = describe_model(vocab_size, vector_size, hs, negative)
        raise W2VError(f"the model does not fit in memory: {model}, but this machine has "
                       f"{format_bytes(room)} available (the model may take "
                       f"{MODEL_SHARE:.0%}); lower -size (vector_size) or raise -min-count")
