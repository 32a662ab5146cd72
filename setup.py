"""Builds the compiled core, w2vpy._core, from src/word2vec_c.

Any C compiler with GCC's extensions (GCC, clang, Apple clang) on a POSIX
system (pthreads, pread) builds it; which instruction sets the trainer is
compiled for is decided in src/word2vec_c/simd_dispatch.h."""
import sys

# Before any other import: on Windows the one line below is all the user
# should see, whatever build dependencies are (or are not) installed.
if sys.platform == "win32":
    sys.exit("w2vpy does not build on Windows yet: its core needs POSIX threads and pread. "
             "Use WSL (Linux on Windows), where it installs as on Linux.")

import numpy  # noqa: E402
from Cython.Build import cythonize  # noqa: E402
from setuptools import Extension, setup  # noqa: E402

CORE_DIR = "src/word2vec_c"
#: headers the core shares with the CUDA kernel, shipped in the package for NVRTC
SHARED_INCLUDE_DIR = "w2vpy/include"

# -ffp-contract=off: no fused multiply-add unless the code asks for it, so
# results do not depend on which CPU or compiler built or runs the extension
# (GCC on aarch64 would contract by default).
# -Wno-psabi: the trainer's 8-float vector helpers are always inlined, so the
# baseline clone never passes one across a call (GCC and clang warn anyway).
PORTABLE_FLAGS = ["-O3", "-std=gnu11", "-ffp-contract=off", "-fno-math-errno", "-pthread",
                  "-Wno-psabi"]


core = Extension(
    "w2vpy._core",
    sources=[
        f"{CORE_DIR}/_core.pyx",
        f"{CORE_DIR}/vocab_counter.c",
        f"{CORE_DIR}/encoder.c",
        f"{CORE_DIR}/phrases.c",
        f"{CORE_DIR}/vocab_file.c",
        f"{CORE_DIR}/huffman.c",
        f"{CORE_DIR}/unigram_table.c",
        f"{CORE_DIR}/trainer.c",
        f"{CORE_DIR}/hot_rows.c",
        f"{CORE_DIR}/input_vectors.c",
        f"{CORE_DIR}/subsampling.c",
        f"{CORE_DIR}/kmeans.c",
        f"{CORE_DIR}/vector_text.c",
    ],
    include_dirs=[CORE_DIR, SHARED_INCLUDE_DIR, numpy.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    extra_compile_args=PORTABLE_FLAGS,
    extra_link_args=["-pthread"],
)

setup(ext_modules=cythonize([core], compiler_directives={"language_level": "3"}))
