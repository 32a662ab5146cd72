"""The CUDA kernel's source built for the host: a test fixture, not a backend.

w2vpy/cuda/w2v_kernels.cu compiles with the system C++ compiler through the
host side of its lanes interface (w2v_lanes.h: one lane owning every
dimension, the sentences of a launch one after another).  HostKernel is a
``cuda_backend.Kernel``, so the tests drive it through the GPU's own launch
code: the same batches, sentence bounds and argument tuple, checked against
the same signature.  Nothing here needs cupy or a GPU.
"""
from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np

from w2vpy.training.cuda_backend import (KERNEL_FILE, KERNEL_NAME, kernel_dir, kernel_include_dirs,
                                kernel_signature)

#: no fused multiply-add, so that results do not depend on the host's ISA
#: (the C core is built the same way)
HOST_FLAGS = ["-x", "c++", "-std=c++14", "-O3", "-ffp-contract=off", "-fPIC", "-shared",
              "-Wall", "-Wextra", "-Werror"]

CTYPES = {np.dtype(np.float32): ctypes.c_float, np.dtype(np.float64): ctypes.c_double,
          np.dtype(np.int32): ctypes.c_int32, np.dtype(np.int64): ctypes.c_int64,
          np.dtype(np.uint64): ctypes.c_uint64}


def host_compiler() -> list[str] | None:
    """$CXX, or c++ from the PATH."""
    if os.environ.get("CXX"):
        return shlex.split(os.environ["CXX"])
    found = shutil.which("c++")
    return [found] if found else None


def build_host_kernel(compiler: list[str], out_dir: Path, sources: tuple[Path, ...] = (),
                      name: str = "w2v_kernels_host.so") -> Path:
    """The kernel (plus any test-only sources that include it) as a shared library."""
    library = out_dir / name
    includes = [f"-I{d}" for d in kernel_include_dirs()]
    inputs = [str(s) for s in sources] or [str(kernel_dir() / KERNEL_FILE)]
    r = subprocess.run([*compiler, *HOST_FLAGS, *includes, *inputs, "-o", str(library)],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError(f"the host build of {KERNEL_FILE} failed:\n{r.stderr}")
    return library


class HostKernel:
    """cuda_backend.Kernel on the host: arrays stay numpy, a launch is a call."""

    def __init__(self, library: Path):
        self.library = ctypes.CDLL(str(library))
        self.function = self.library[KERNEL_NAME]
        self.function.argtypes = [ctypes.c_void_p if p.array else CTYPES[p.dtype]
                                  for p in kernel_signature()]
        self.function.restype = None

    def to_device(self, array: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(array)

    def to_host(self, array: np.ndarray) -> np.ndarray:
        return np.array(array)

    def launch(self, n_sentences: int, arguments: tuple) -> None:
        self.function(*(a.ctypes.data if isinstance(a, np.ndarray) else a.item()
                        for a in arguments))
