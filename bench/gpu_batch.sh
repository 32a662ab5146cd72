#!/usr/bin/env bash
# Everything the CUDA backend's measurements need on a GPU machine with no
# network, in two stages, each one call of a few minutes:
#
#   bash bench/gpu_batch.sh gpu DATA OUT
#       install (the cuda13 extra), one GPU warp against the emulated warp
#       bit for bit, then the CUDA backend's tests with the gpu-marked ones,
#       the kernel's build report for sm_90 (registers, spills), w2vpy's
#       CUDA backend beside its CPU path at sizes 100 and 300 (the reference
#       epochs, accuracy of both), the kernel alone for each
#       vector-size build (bench/cuda_kernel.py), Nsight Compute over one launch
#       per NS mode, then the whole test suite
#   bash bench/gpu_batch.sh cpu DATA OUT [SECONDS]
#       the CPU path at 1, 2, 4, 8 and 16 threads (default and -hot-rows 64),
#       four modes, size 100, 1 epoch, beside word2vec.c (built there from
#       DATA/word2vec.c, with the end-of-file fix) and gensim; stopped after
#       SECONDS (default 300) with the modes finished so far written
#
# DATA (bench/gpu_data.sh fills it): en-8m.txt.gz, questions-words.txt,
# word2vec.c, and wheels/ with what the machine's python3 lacks (gensim).
# OUT receives the logs and the results blocks (RESULTS-gpu.md, RESULTS-cpu.md),
# which are then merged into bench/RESULTS.md: at most 8 files a stage.  Each step has its own time
# limit, so that one that hangs still leaves the others' logs.
set -uo pipefail
cd "$(dirname "$0")/.."
stage=${1:?gpu or cpu}
data=$(realpath "${2:?DATA folder}")
out=$(realpath "${3:?OUT folder}")
limit=${4:-300}
mkdir -p "$out"
exec > >(tee -a "$out/$stage.log") 2>&1
export PYTHONUNBUFFERED=1
# CUDA's tools where an image keeps them off the PATH
export PATH="$PATH:/usr/local/cuda/bin"
NCU=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | tail -1)
PY=${PYTHON:-python3}
work=/tmp/w2vpy-gpu-batch
mkdir -p "$work"

step() { echo; echo "== $(date -u +%H:%M:%S) $*"; }

install() {
    if compgen -G "$data/wheels/*.whl" >/dev/null; then
        # the machine's own packages stay; only what it lacks is added
        $PY -m pip install -q --no-index --no-deps --no-compile --target "$work/site" \
            "$data"/wheels/*.whl && export PYTHONPATH="$work/site${PYTHONPATH:+:$PYTHONPATH}"
    fi
    if ! $PY -c "import w2vpy._core" 2>/dev/null || ! command -v w2v-train >/dev/null; then
        step "install (editable, the cuda13 extra; no index: cupy must be there already)"
        time $PY -m pip install -q --no-index --no-build-isolation -e ".[cuda13]" \
            || time $PY -m pip install -q --no-index --no-build-isolation --no-deps -e . \
            || { echo "the install failed"; exit 1; }
    fi
    $PY -c "import w2vpy, numpy; print('w2vpy from', w2vpy.__file__, '; numpy', numpy.__version__)"
}

machine() {
    step "machine"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
    nproc; lscpu | grep -E "Model name|Thread|Core|Socket|NUMA node\(" || true
    nvcc --version | tail -2 || true
    $PY -c "import cupy; print('cupy', cupy.__version__, cupy.cuda.runtime.getDeviceCount(), 'GPU')" || true
}

corpus() {
    [ -s "$work/en-8m.txt" ] || gzip -dc "$data/en-8m.txt.gz" > "$work/en-8m.txt"
    echo "$work/en-8m.txt"
}

gpu_stage() {
    machine
    install
    # the GPU's tests first and the whole suite last: what only this machine
    # can run comes before what CI runs anyway
    step "one warp on the GPU against the emulated warp, bit for bit (first: what the rest rests on)"
    timeout 120 $PY -m pytest -q -rs -p no:cacheprovider \
        tests/test_cuda.py::test_one_gpu_warp_gives_the_emulated_warp_s_bits 2>&1 \
        | tee "$out/pytest-cuda.log" | tail -15
    step "the CUDA backend's tests, the gpu-marked ones included"
    timeout 150 $PY -m pytest -q -rs -p no:cacheprovider tests/test_cuda.py \
        tests/test_cuda_on_host.py tests/test_cuda_warp_emulation.py 2>&1 \
        | tee -a "$out/pytest-cuda.log" | tail -15
    step "the kernel built for sm_90 (registers, spills)"
    cp w2vpy/cuda/w2v_kernels.cu "$work/k.cu"
    timeout 120 nvcc -std=c++14 -Iw2vpy/include -Iw2vpy/cuda -arch=sm_90 -cubin -Xptxas -v \
        -o "$work/k.cubin" "$work/k.cu" 2>&1 | tee "$out/kernel-build.txt"
    local text; text=$(corpus)
    step "CUDA backend beside the CPU path (16 threads), sizes 100 and 300, reference epochs"
    timeout 300 $PY bench/run.py --corpus "$text" --questions "$data/questions-words.txt" \
        --modes cbow-ns,sg-ns,cbow-hs,sg-hs --sizes 100,300 --threads 16 --impls w2vpy --cuda \
        --repeats 1 --ceiling-repeats 0 --latency-interval-ms 0 --workdir "$work/bench" \
        --results "$out/RESULTS-gpu.md" --chart "$work/results-gpu.png" \
        --label "CUDA backend, $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
    step "the kernel alone: the build for the vector size's class against the one for 512"
    timeout 150 $PY bench/cuda_kernel.py --corpus "$text" --sizes 100,300 --repeats 3 \
        --results "$out/RESULTS-gpu.md"
    step "Nsight Compute: one launch (the whole first epoch) of CBOW+NS and skip-gram+NS, size 100"
    local mode flags
    for mode in "cbow-ns:-cbow 1" "sg-ns:-cbow 0"; do
        flags=${mode#*:}
        # --clock-control none: the clocks the timed runs had
        timeout 90 "${NCU:-ncu}" --clock-control none --kernel-name w2v_train_sentences --launch-count 1 \
            --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy \
            --section LaunchStats --section WarpStateStats --section SchedulerStats \
            --section ComputeWorkloadAnalysis \
            w2v-train -backend cuda -train "$text" -output "$work/ncu.bin" -size 100 -window 5 \
            -sample 1e-4 -min-count 5 -iter 1 -hs 0 -negative 5 $flags -threads 16 -debug 1 \
            > "$out/ncu-${mode%%:*}.txt" 2>&1
        tail -60 "$out/ncu-${mode%%:*}.txt"
    done
    step "the whole test suite"
    timeout 120 $PY -m pytest -q -rs -n 16 -p no:cacheprovider 2>&1 | tee "$out/pytest.log" \
        | tail -15
}

cpu_stage() {
    machine
    install
    step "word2vec.c with the end-of-file fix, built here (the makefile's flags)"
    gcc "$data/word2vec.c" -o "$work/word2vec" -lm -pthread -O3 -march=native -Wall \
        -funroll-loops -Wno-unused-result || exit 1
    local text; text=$(corpus)
    step "threads 1-16, size 100, 1 epoch (stopped after ${limit}s)"
    W2V_C_FIXED_BIN="$work/word2vec" timeout "$limit" $PY bench/run.py --corpus "$text" \
        --modes cbow-ns,cbow-hs,sg-ns,sg-hs --sizes 100 --epochs 1 --threads 1,2,4,8,16 \
        --impls "w2vpy,gensim,word2vec.c eof-fixed" --hot-rows 64 --repeats 1 --no-accuracy \
        --ceiling-repeats 0 --latency-interval-ms 0 --workdir "$work/bench" \
        --results "$out/RESULTS-cpu.md" --chart "$work/results-cpu.png" \
        --label "threads 1-16 on the GPU machine's CPU: size 100, 1 epoch"
}

case "$stage" in
    gpu) gpu_stage ;;
    cpu) cpu_stage ;;
    *) echo "stage must be gpu or cpu, got $stage"; exit 2 ;;
esac
