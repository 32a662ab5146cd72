"""The CUDA backend's launch and build.  The launch's arguments are checked
against the kernel's signature here with neither GPU nor cupy (the kernel's
algorithm runs on the host in test_cuda_on_host.py); the compile check needs
``nvcc``; training tests need a GPU and cupy (marker ``gpu``)."""
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from w2vpy import W2VError, train
from w2vpy.training.cuda_backend import (C_TYPES, KERNEL_VECTOR_SIZES, MAX_VECTOR_SIZE, WARP_LANES,
                                 WARPS_PER_BLOCK, KernelArrays, check_kernel_arguments,
                                 kernel_arguments, kernel_dir, kernel_options, kernel_signature,
                                 kernel_source, kernel_vector_size, sentence_bounds)
from w2vpy.parameters import training_params


def gpu_available() -> bool:
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


gpu = pytest.mark.skipif(not gpu_available(), reason="no CUDA GPU with cupy visible")


def unfused_cupy_kernel(max_vector_size: int):
    """The backend's CupyKernel, built with --fmad=false: every multiply and
    add rounds on its own, as in the host builds (-ffp-contract=off).  The
    backend's own build fuses them, so its bits differ in the last places."""
    from w2vpy.training.cuda_backend import KERNEL_NAME, CupyKernel
    kernel = CupyKernel.__new__(CupyKernel)
    kernel.cp = __import__("cupy")
    module = kernel.cp.RawModule(code=kernel_source(),
                                 options=(*kernel_options(max_vector_size), "--fmad=false"))
    kernel.function = module.get_function(KERNEL_NAME)
    return kernel


# The first test to run on a GPU (bench/gpu_batch.sh runs it before the others).
@pytest.mark.gpu
@gpu
@pytest.mark.parametrize("mode", ["sg-ns", "cbow-hs", "cbow-hs-ns"])
def test_one_gpu_warp_gives_the_emulated_warp_s_bits(tmp_path, cxx, mode):
    """One sentence, one warp, size 100 (lanes 4-31 idle in the last step),
    subsampling on: the GPU's butterflies add in the order the emulated warp
    adds them (tests/test_cuda_warp_emulation.py holds that warp to the one
    lane), and unfused every other operation rounds as on the host, so the
    vectors are the emulated warp's bit for bit.  Where they are not, the
    split of dimensions, the shuffles, the ballot or lane 0's counter do on
    the GPU what the emulation does not."""
    from host_kernel import EmulatedWarp, build_emulated_warp
    from test_cuda_on_host import train_with_kernel
    from test_training import MODES
    text = tmp_path / "one-sentence.txt"
    text.write_text(" ".join(f"w{i % 37}" for i in range(900)) + "\n")
    kw = dict(vector_size=100, window=5, min_count=1, sample=1e-2, epochs=1, **MODES[mode])
    size_class = kernel_vector_size(100)
    on_gpu = train_with_kernel(unfused_cupy_kernel(size_class), text, **kw)
    emulated = train_with_kernel(EmulatedWarp(build_emulated_warp(cxx, tmp_path, size_class)),
                                 text, **kw)
    assert np.array_equal(on_gpu.vectors, emulated.vectors)


def registers_used(tmp_path, max_vector_size: int) -> int:
    """The kernel built for the GPU (sm_80) for vectors up to max_vector_size:
    its registers a thread, after checking that nothing spills."""
    src = tmp_path / "k.cu"
    src.write_text(kernel_source())
    r = subprocess.run(["nvcc", *kernel_options(max_vector_size), "-arch=sm_80", "-cubin",
                        "-Xptxas", "-v", "-o", str(tmp_path / "k.cubin"), str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    # each lane's dimensions stay in registers: nothing spills to local memory
    spills = re.findall(r"(\d+) bytes spill stores, (\d+) bytes spill loads", r.stderr)
    assert spills and all(n == "0" for pair in spills for n in pair), r.stderr
    return int(re.search(r"Used (\d+) registers", r.stderr).group(1))


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="nvcc is not on the PATH")
def test_kernel_source_compiles_for_every_vector_size_class(tmp_path):
    """Every build compiles without spills, and a smaller class takes fewer
    registers a thread (so more warps fit on a multiprocessor): the class the
    driver asks for reaches the lanes' register arrays."""
    registers = [registers_used(tmp_path, n) for n in KERNEL_VECTOR_SIZES]
    assert registers == sorted(set(registers)), registers


def test_the_kernel_build_is_the_smallest_that_holds_the_vector():
    assert KERNEL_VECTOR_SIZES[-1] == MAX_VECTOR_SIZE
    assert [kernel_vector_size(n) for n in (1, 100, 128, 129, 256, 300, 512)] == \
        [128, 128, 128, 256, 256, 512, 512]


@pytest.mark.skipif(shutil.which("cpp") is None, reason="no C preprocessor (cpp) on the PATH")
def test_kernel_takes_the_constants_and_schedule_from_the_core_s_header():
    """The include path NVRTC gets resolves w2v_constants.h, the header the C
    core is built with: the kernel's constants, LCG, schedule and window are
    the core's, as device functions."""
    includes = [o for o in kernel_options() if o.startswith("-I")]
    r = subprocess.run(["cpp", "-P", "-x", "c++", "-D__CUDACC__", *includes, "-"],
                       input=kernel_source(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    for helper in ("w2v_lcg_next", "w2v_schedule_alpha", "w2v_context", "w2v_sigmoid_index"):
        defined = re.search(rf"static __device__ __forceinline__ [\w ]+ {helper}\(", r.stdout)
        assert defined and r.stdout.count(f"{helper}(") >= 2, helper  # defined, and used
    assert "25214903917ULL" in r.stdout
    # the device lanes: a warp per sentence, four sentence buffers a block
    assert "__shared__ int sentence_buffers[1000 * 4]" in r.stdout
    assert "__shfl_xor_sync" in r.stdout and "__ballot_sync" in r.stdout


def test_sentence_bounds_split_at_sentence_token_and_length():
    ids = np.array([5, 6, 0, 0, 7] + [3] * 2500 + [0, 9], dtype=np.int32)
    b = sentence_bounds(ids)
    assert b[0] == 0 and b[-1] == len(ids)
    assert b.tolist()[:3] == [0, 3, 4]
    assert np.all(np.diff(b) <= 1000) and np.all(np.diff(b) > 0)


@pytest.mark.skipif(gpu_available(), reason="a GPU is present")
def test_clear_error_without_gpu_or_cupy(topics):
    """Without cupy the error names the extra to install for each CUDA; with
    cupy but no GPU, that no GPU was found."""
    path, _ = topics
    try:
        import cupy  # noqa: F401
        expected = "found no (usable )?CUDA GPU"
    except ImportError:
        expected = r"needs cupy: pip install 'w2vpy\[cuda\]' for CUDA 12 or 'w2vpy\[cuda13\]'"
    with pytest.raises(W2VError, match=expected):
        train(path, min_count=1, backend="cuda")


def test_cpu_path_never_imports_cupy(topics):
    path, _ = topics
    code = ("import sys; from w2vpy import train; "
            f"train({str(path)!r}, min_count=1, vector_size=8, epochs=1, workers=1); "
            "assert 'cupy' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.gpu
@gpu
@pytest.mark.parametrize("sg, hs, negative", [(0, 0, 5), (1, 0, 5), (0, 1, 0), (1, 1, 0)])
def test_gpu_modes_learn_like_cpu(topics, sg, hs, negative):
    from test_training import topic_precision
    path, topic_of = topics
    kw = dict(vector_size=20, window=3, min_count=1, sample=0, epochs=5, sg=sg, hs=hs,
              negative=negative)
    cpu = topic_precision(train(path, workers=2, **kw), topic_of)
    gpu_ = topic_precision(train(path, backend="cuda", **kw), topic_of)
    assert gpu_ > 0.8 and gpu_ >= cpu - 0.1


@pytest.mark.gpu
@gpu
@pytest.mark.parametrize("sg, hs, negative", [(1, 0, 5), (0, 1, 0)])
def test_every_kernel_build_trains_alike(tmp_path, sg, hs, negative):
    """One sentence is one warp, so a run is deterministic: the build for
    vectors up to 128 and the one for 512 give the same bits at size 100
    (the larger build's extra dimensions a lane are skipped)."""
    from test_cuda_on_host import train_with_kernel
    from w2vpy.training.cuda_backend import CupyKernel
    text = tmp_path / "one-sentence.txt"
    words = [f"w{i % 37}" for i in range(900)]
    text.write_text(" ".join(words) + "\n")
    kw = dict(vector_size=100, window=5, min_count=1, sample=0, epochs=2, sg=sg, hs=hs,
              negative=negative)
    assert kernel_vector_size(100) < MAX_VECTOR_SIZE
    small = train_with_kernel(CupyKernel(kernel_vector_size(100)), text, **kw)
    large = train_with_kernel(CupyKernel(MAX_VECTOR_SIZE), text, **kw)
    assert np.array_equal(small.vectors, large.vectors)


def test_signature_is_read_from_the_source():
    """Every parameter of the extern "C" entry point, with its C type."""
    source = kernel_source()
    signature = kernel_signature()
    declared = re.search(r'W2V_KERNEL void w2v_train_sentences\(([^)]*)\)', source).group(1)
    assert len(signature) == declared.count(",") + 1
    by_name = {p.name: p for p in signature}
    assert by_name["syn0"].array and by_name["syn0"].dtype == np.float32
    assert by_name["codes"].array and by_name["codes"].dtype == np.uint8
    assert not by_name["sample"].array and by_name["sample"].dtype == np.float64
    assert not by_name["seed"].array and by_name["seed"].dtype == np.uint64
    assert {p.dtype for p in signature} <= {np.dtype(t) for t in C_TYPES.values()}


def launch_arrays(vocab_size: int = 5, size: int = 8) -> KernelArrays:
    return KernelArrays(
        syn0=np.zeros((vocab_size, size), np.float32), syn1=np.zeros(1, np.float32),
        syn1neg=np.zeros((vocab_size, size), np.float32),
        keep_threshold=np.zeros(vocab_size, np.uint32), code_offsets=np.zeros(1, np.int64),
        codes=np.zeros(1, np.uint8), points=np.zeros(1, np.int32),
        unigram_table=np.zeros(10, np.int32), sigmoid_table=np.zeros(1000, np.float32),
        words_done=np.zeros(1, np.uint64))


@pytest.mark.parametrize("mode", [dict(sg=0, hs=0, negative=5), dict(sg=1, hs=1, negative=0),
                                  dict(sg=0, hs=1, negative=3, cbow_mean=False, sample=0)])
def test_launch_arguments_match_the_signature(mode):
    ids = np.array([1, 2, 0], np.int32)
    arguments = kernel_arguments(launch_arrays(), ids, sentence_bounds(ids), 1, 0,
                                 training_params(mode), total_words=10, epoch=0)
    check_kernel_arguments(kernel_signature(), arguments)


def test_a_wrong_argument_never_reaches_the_kernel():
    ids = np.array([1, 2, 0], np.int32)
    params = training_params({})
    signature = kernel_signature()
    good = kernel_arguments(launch_arrays(), ids, sentence_bounds(ids), 1, 0, params, 10, 0)
    with pytest.raises(TypeError, match=f"takes {len(signature)} arguments, got "
                                        f"{len(signature) - 1}"):
        check_kernel_arguments(signature, good[:-1])
    wrong_ids = kernel_arguments(launch_arrays(), ids.astype(np.int64), sentence_bounds(ids), 1,
                                 0, params, 10, 0)
    with pytest.raises(TypeError, match="argument ids: expected a int32 array, got ndarray of int64"):
        check_kernel_arguments(signature, wrong_ids)
    at = [p.name for p in signature].index("sample")
    as_float = (*good[:at], np.float32(params.sample), *good[at + 1:])
    with pytest.raises(TypeError, match="argument sample: expected a float64 scalar"):
        check_kernel_arguments(signature, as_float)
    plain_int = (*good[:-1], 3)
    with pytest.raises(TypeError, match="argument epoch: expected a int32 scalar, got int"):
        check_kernel_arguments(signature, plain_int)
    strided = (good[0][:, ::2], *good[1:])
    with pytest.raises(TypeError, match="syn0: not C-contiguous"):
        check_kernel_arguments(signature, strided)


@pytest.mark.skipif(shutil.which("cpp") is None, reason="no C preprocessor (cpp) on the PATH")
def test_launch_geometry_is_the_device_lanes():
    """The Python launch's warps a block, lanes a warp and largest vector are
    the ones the device side of w2v_lanes.h sizes its buffers for."""
    lanes = kernel_dir() / "w2v_lanes.h"
    r = subprocess.run(["cpp", "-dM", "-x", "c++", "-D__CUDACC__", str(lanes)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    macros = dict(re.findall(r"#define (W2V_\w+) (\S+)", r.stdout))
    assert int(macros["W2V_LANES"]) == WARP_LANES
    assert int(macros["W2V_WARPS_PER_BLOCK"]) == WARPS_PER_BLOCK
    assert int(macros["W2V_MAX_VECTOR_SIZE"]) == MAX_VECTOR_SIZE
    # the driver's build option reaches the header (#ifndef, not redefined)
    define = next(o for o in kernel_options(128) if o.startswith("-D"))
    r = subprocess.run(["cpp", "-dM", "-x", "c++", "-D__CUDACC__", define, str(lanes)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "#define W2V_MAX_VECTOR_SIZE 128" in r.stdout.splitlines()
