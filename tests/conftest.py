import gzip
import logging
import os
import random
import resource
import signal
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_CORPUS = REPO / "data" / "wordnet-glosses.txt.gz"
SHARED = REPO.parent / "shared" / "corpus"


def one_blas_thread() -> None:
    """Every BLAS loaded in this process computes on one thread.

    The tests call most_similar and friends (numpy's and gensim's) tens of
    thousands of times on small matrices, each a call BLAS splits across its
    threads: with another process on the second CPU, those threads spin
    waiting for each other, and a call took many times its own work.  The
    values do not depend on it (OpenBLAS shares a product out by rows and
    columns of the result, each sum stays in one thread).  Without
    threadpoolctl (in the test extra) nothing changes but the time;
    subprocesses keep their own BLAS defaults."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")


def pytest_configure(config) -> None:
    import numpy  # noqa: F401  (its BLAS must be loaded to be limited)

    one_blas_thread()


def pytest_collection_finish(session) -> None:
    """Again once the test modules are imported: one may have loaded another
    BLAS (scipy's, through gensim)."""
    one_blas_thread()


def have_gensim() -> bool:
    try:
        import gensim  # noqa: F401
    except ImportError:
        return False
    return True


def required_tool(name: str, found, install: str):
    """A compiler a test needs: skipped with a reason where absent, except
    where W2V_REQUIRE_TOOLCHAINS is set (.ci/run sets it), so that in CI a
    missing one fails instead of hiding."""
    if found is None:
        if os.environ.get("W2V_REQUIRE_TOOLCHAINS"):
            pytest.fail(f"{name} is not installed, and W2V_REQUIRE_TOOLCHAINS is set")
        pytest.skip(f"{name} is not installed ({install})")
    return found


@pytest.fixture(scope="session")
def cxx():
    """The C++ compiler the host builds of the CUDA kernel use (tests/host_kernel.py)."""
    from host_kernel import host_compiler

    return required_tool("a C++ compiler", host_compiler(), "apt-get install g++")


@pytest.fixture(scope="session")
def host_kernel(cxx, tmp_path_factory):
    """The CUDA kernel built for the host (tests/host_kernel.py)."""
    from host_kernel import HostKernel, build_host_kernel

    return HostKernel(build_host_kernel(cxx, tmp_path_factory.mktemp("host_kernel")))


requires_gensim = pytest.mark.skipif(not have_gensim(), reason="gensim is not installed")


def topic_corpus(path: Path, topics: int = 6, words_per_topic: int = 8, sentences: int = 3000,
                 seed: int = 7) -> dict[str, int]:
    """Sentences that each draw words from one topic: a model that learned
    anything puts a word's neighbours in its own topic."""
    rng = random.Random(seed)
    vocab = {f"t{t}w{w}": t for t in range(topics) for w in range(words_per_topic)}
    by_topic = [[w for w, t in vocab.items() if t == k] for k in range(topics)]
    lines = []
    for _ in range(sentences):
        words = by_topic[rng.randrange(topics)]
        lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(6, 14))))
    path.write_text("\n".join(lines) + "\n")
    return vocab


@pytest.fixture
def topics(tmp_path):
    path = tmp_path / "topics.txt"
    return path, topic_corpus(path)


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = 120,
            env: dict[str, str] | None = None, limit_file_bytes: int | None = None,
            limit_address_space: int | None = None):
    """w2v-train in a subprocess; the limits are ulimit -f / -v for that process
    (a file past limit_file_bytes fails to grow with EFBIG, as on a full disk)."""
    exe = shutil.which("w2v-train")
    cmd = [exe] if exe else ["python", "-m", "w2vpy.cli"]

    def limits() -> None:
        if limit_file_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))
        if limit_address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_address_space, limit_address_space))

    return subprocess.run(cmd + list(args), input=stdin, capture_output=True, timeout=timeout,
                          env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                          preexec_fn=limits)


def _interpreter_warning_filters() -> None:
    """The filters a new interpreter starts with (no -W, no PYTHONWARNINGS):
    each warning shown once a place, these kinds not at all."""
    warnings.simplefilter("default")
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                     ResourceWarning):
        warnings.filterwarnings("ignore", category=category)


def run_cli_here(capfd, *args: str) -> subprocess.CompletedProcess:
    """w2v-train's main() in this process, answered as run_cli answers: the
    exit status and the bytes written to stdout and stderr (file descriptors
    1 and 2, so the core's own writes too).  What a process of its own would
    also print there is printed there: log records of WARNING and above (as
    logging's last resort does where, as in w2v-train, no handler is set;
    here pytest's would take them), and Python warnings, added at the end as
    the interpreter formats them.  For checks that need no process of their
    own (no limits, signals or standard input): a new interpreter for each
    only repeated the start-up; run_cli stays the way for those that do."""
    from w2vpy.cli import main

    capfd.readouterr()
    root = logging.getLogger()
    root.addHandler(logging.lastResort)
    try:
        with warnings.catch_warnings(record=True) as caught:
            _interpreter_warning_filters()
            try:
                status = main(list(args))
            except SystemExit as exit:  # as the interpreter ends on it
                code = exit.code
                status = code if isinstance(code, int) else (0 if code is None else 1)
                if isinstance(code, str):
                    sys.stderr.write(code + "\n")
    finally:
        root.removeHandler(logging.lastResort)
    out, err = capfd.readouterr()
    err += "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line)
                   for w in caught)
    return subprocess.CompletedProcess(["w2v-train", *args], status, out.encode(), err.encode())


def demo_corpus_head(tokens: int) -> str:
    """The bundled corpus's first lines, ``tokens`` tokens or a few more."""
    lines, seen = [], 0
    with gzip.open(DEMO_CORPUS, "rt", encoding="utf-8") as corpus:
        for line in corpus:
            lines.append(line)
            seen += len(line.split())
            if seen >= tokens:
                break
    return "".join(lines)


@pytest.fixture(scope="module")
def client():
    """A Dask client of a LocalCluster of two worker processes of one thread,
    for a module's prepare tests (skipped where Dask is not installed)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client

