"""The CUDA backend.  Training tests need a GPU and cupy (marker ``gpu``);
the compile check needs only ``nvcc``."""
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from w2vpy import W2VError, train
from w2vpy.cuda_backend import kernel_options, kernel_source, sentence_bounds


def gpu_available() -> bool:
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


gpu = pytest.mark.skipif(not gpu_available(), reason="no CUDA GPU with cupy visible")


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="nvcc is not on the PATH")
def test_kernel_source_compiles(tmp_path):
    src = tmp_path / "k.cu"
    src.write_text(kernel_source())
    r = subprocess.run(["nvcc", *kernel_options(), "-arch=sm_80", "-cubin", "-o",
                        str(tmp_path / "k.cubin"), str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


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
    assert "25214903917ULL" in r.stdout and "__shared__ int sen_all[1000 * 4]" in r.stdout


def test_sentence_bounds_split_at_sentence_token_and_length():
    ids = np.array([5, 6, 0, 0, 7] + [3] * 2500 + [0, 9], dtype=np.int32)
    b = sentence_bounds(ids)
    assert b[0] == 0 and b[-1] == len(ids)
    assert b.tolist()[:3] == [0, 3, 4]
    assert np.all(np.diff(b) <= 1000) and np.all(np.diff(b) > 0)


@pytest.mark.skipif(gpu_available(), reason="a GPU is present")
def test_clear_error_without_gpu_or_cupy(topics):
    path, _ = topics
    with pytest.raises(W2VError, match="cupy|GPU"):
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
