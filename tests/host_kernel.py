"""The CUDA kernel's source built for the host: test fixtures, not backends.

w2vpy/cuda/w2v_kernels.cu compiles with the system C++ compiler two ways
through its lanes interface (w2v_lanes.h):

- HostKernel: one lane owning every dimension, the sentences of a launch one
  after another;
- EmulatedWarp: the GPU's lanes code over CUDA's built-ins emulated on the
  host (w2v_emulated_warp.h): warps of 32 lanes in lock-step, blocks of
  several warps sharing their buffers, the launch geometry of the GPU's.

Both are ``cuda_backend.Kernel``s, so the tests drive them through the GPU's
own launch code: the same batches, sentence bounds and argument tuple,
checked against the same signature.  Nothing here needs cupy or a GPU.
"""
from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np

from w2vpy.training.cuda_backend import (KERNEL_FILE, KERNEL_NAME, MAX_VECTOR_SIZE, WARP_LANES,
                                         WARPS_PER_BLOCK, kernel_dir, kernel_include_dirs,
                                         kernel_signature)

#: no fused multiply-add, so that results do not depend on the host's ISA
#: (the C core is built the same way)
HOST_FLAGS = ["-x", "c++", "-std=c++14", "-O3", "-ffp-contract=off", "-fPIC", "-shared",
              "-Wall", "-Wextra", "-Werror"]

CTYPES = {np.dtype(np.float32): ctypes.c_float, np.dtype(np.float64): ctypes.c_double,
          np.dtype(np.int32): ctypes.c_int32, np.dtype(np.int64): ctypes.c_int64,
          np.dtype(np.uint64): ctypes.c_uint64}


#: the emulated warp's build: the GPU's W2V_DIM_STEPS ignores its size argument
#: (a constant trip count), and lanes switch stacks by _longjmp, which
#: _FORTIFY_SOURCE's check refuses across stacks
EMULATED_FLAGS = ["-DW2V_EMULATED_WARP", "-Wno-unused-parameter", "-U_FORTIFY_SOURCE"]
#: the translation unit of the emulated warp: the kernel, then its launch entry
EMULATED_ENTRY = f'#include "{KERNEL_FILE}"\nW2V_EMULATED_ENTRY({KERNEL_NAME})\n'

#: w2v_emulated_warp.h's w2v_dot_record: one dot product as the warp summed it
DOT_RECORD = np.dtype([("partials", np.float32, WARP_LANES), ("tree", np.float32),
                       ("sequential", np.float32), ("magnitude", np.float64), ("size", np.int32),
                       ("decides_otherwise", np.int32)], align=True)


def host_compiler() -> list[str] | None:
    """$CXX, or c++ from the PATH."""
    if os.environ.get("CXX"):
        return shlex.split(os.environ["CXX"])
    found = shutil.which("c++")
    return [found] if found else None


def build_host_kernel(compiler: list[str], out_dir: Path, sources: tuple[Path, ...] = (),
                      name: str = "w2v_kernels_host.so") -> Path:
    """The kernel (plus any test-only sources that include it) as a shared library."""
    return _compile(compiler, [str(s) for s in sources] or [str(kernel_dir() / KERNEL_FILE)],
                    out_dir / name)


def build_emulated_warp(compiler: list[str], out_dir: Path,
                        max_vector_size: int = MAX_VECTOR_SIZE) -> Path:
    """The kernel as an emulated warp, built for vectors up to ``max_vector_size``
    (the GPU's build classes: lanes keep that size / 32 dimensions each)."""
    entry = out_dir / f"emulated_warp_{max_vector_size}.cpp"
    entry.write_text(EMULATED_ENTRY)
    return _compile(compiler, [str(entry)], out_dir / f"emulated_warp_{max_vector_size}.so",
                    [*EMULATED_FLAGS, f"-DW2V_MAX_VECTOR_SIZE={max_vector_size}"])


def _compile(compiler: list[str], inputs: list[str], library: Path,
             flags: list[str] | None = None) -> Path:
    includes = [f"-I{d}" for d in kernel_include_dirs()]
    r = subprocess.run([*compiler, *HOST_FLAGS, *(flags or []), *includes, *inputs,
                        "-o", str(library)], capture_output=True, text=True, timeout=300)
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


class _Grid(ctypes.Structure):
    """w2v_emulated_warp.h's w2v_emulated_grid."""
    _fields_ = [("grid", ctypes.c_uint), ("block", ctypes.c_uint), ("max_block", ctypes.c_uint),
                ("reverse_lanes", ctypes.c_int), ("trace", ctypes.c_void_p),
                ("trace_capacity", ctypes.c_longlong), ("dots", ctypes.c_longlong),
                ("decided_otherwise", ctypes.c_longlong), ("error", ctypes.c_char * 240)]


class EmulatedWarp:
    """cuda_backend.Kernel as warps emulated on the host, launched as
    CupyKernel launches: a warp a sentence, ``warps_per_block`` warps a block.

    ``reverse_lanes`` runs each warp's lanes from 31 down to 0 between
    collectives (lanes that write only their own dimensions do not notice).
    Every dot product is counted (``dots``), with those whose butterfly sum
    and one-lane sum send the kernel different ways (``decided_otherwise``);
    the first ``trace_capacity`` are kept as DOT_RECORDs (``trace``)."""

    def __init__(self, library: Path, warps_per_block: int = WARPS_PER_BLOCK,
                 reverse_lanes: bool = False, trace_capacity: int = 0):
        self.library = ctypes.CDLL(str(library))
        self.function = self.library.w2v_emulated_launch
        self.function.argtypes = [ctypes.POINTER(_Grid), ctypes.c_void_p]
        self.function.restype = ctypes.c_int
        self.signature = kernel_signature()
        self.warps_per_block = warps_per_block
        self.reverse_lanes = reverse_lanes
        self.trace_capacity = trace_capacity
        self.trace = np.zeros(0, DOT_RECORD)
        self.dots = self.decided_otherwise = 0

    def to_device(self, array: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(array)

    def to_host(self, array: np.ndarray) -> np.ndarray:
        return np.array(array)

    def launch(self, n_sentences: int, arguments: tuple) -> None:
        # each argument's value, and a pointer to it, as cudaLaunchKernel takes them
        values = [ctypes.c_void_p(a.ctypes.data) if p.array else CTYPES[p.dtype](a.item())
                  for p, a in zip(self.signature, arguments)]
        pointers = (ctypes.c_void_p * len(values))(
            *(ctypes.cast(ctypes.pointer(v), ctypes.c_void_p) for v in values))
        room = max(self.trace_capacity - len(self.trace), 0)
        trace = np.zeros(room, DOT_RECORD)
        grid = _Grid(grid=-(-n_sentences // self.warps_per_block),
                     block=WARP_LANES * self.warps_per_block, reverse_lanes=self.reverse_lanes,
                     trace=trace.ctypes.data if room else None, trace_capacity=room)
        if self.function(ctypes.byref(grid), pointers) != 0:
            raise RuntimeError(f"the emulated warp stopped: {grid.error.decode()}")
        self.dots += grid.dots
        self.decided_otherwise += grid.decided_otherwise
        self.trace = np.concatenate([self.trace, trace[:min(grid.dots, room)]])
