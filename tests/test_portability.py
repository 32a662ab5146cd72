"""The compiled core builds wherever Python users are: x86-64 with GCC or
clang (runtime SIMD dispatch), aarch64 (one NEON build), macOS (no ifunc).

The compilers these checks need are skipped with a reason where absent, except
where W2V_REQUIRE_TOOLCHAINS is set (.ci/run installs them and sets it), so
that in CI a missing compiler fails instead of hiding."""
import ast
import importlib.metadata
import os
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import required_tool

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "src" / "word2vec_c"
#: the hand-written C of the core (the Cython-generated _core.c is not ours)
C_SOURCES = sorted(p for p in CORE.glob("*.c") if p.name != "_core.c")
WARNINGS = ["-Wall", "-Wextra", "-Werror"]



def setup_constant(name: str):
    """A constant as setup.py declares it (read, not run: importing
    setup.py would run the build)."""
    tree = ast.parse((REPO / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"setup.py declares no {name}")


#: the flags every compiler gets
PORTABLE_FLAGS = setup_constant("PORTABLE_FLAGS")
INCLUDES = ["-I", str(CORE), "-I", str(REPO / setup_constant("SHARED_INCLUDE_DIR"))]


def toolchain(name: str) -> str:
    return required_tool(name, shutil.which(name),
                         "apt-get install clang gcc-aarch64-linux-gnu")


#: each warning-free check of the core, by test name, and the compiler it builds with
CORE_CHECKS = {"test_core_compiles_warning_free_for_aarch64": "aarch64-linux-gnu-gcc",
               "test_core_compiles_warning_free_with_clang": "clang",
               "test_core_compiles_warning_free_with_gcc": "gcc"}


def compile_source(compiler: list[str], source: Path, out_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(compiler + PORTABLE_FLAGS + WARNINGS + [
        *INCLUDES, "-c", str(source), "-o", str(out_dir / (source.stem + ".o"))],
        capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def core_builds(request, tmp_path_factory) -> dict[str, list[tuple[Path, Future]]]:
    """Every source built by the compiler of each selected warning-free check,
    all started together, largest source first and a compile a CPU: built
    one after another, the three checks waited for the sum of their compiles,
    though no compile needs another's output.  An absent compiler starts
    nothing here; its check skips (or fails) as toolchain() says."""
    selected = {item.name for item in request.session.items if item.module is request.module}
    compilers = {name: shutil.which(name) for test, name in CORE_CHECKS.items() if test in selected}
    by_size = sorted(C_SOURCES, key=lambda s: s.stat().st_size, reverse=True)
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        builds: dict[str, list[tuple[Path, Future]]] = {name: [] for name in compilers}
        out_dirs = {name: tmp_path_factory.mktemp(name)
                    for name, found in compilers.items() if found}
        for source in by_size:
            for name, out_dir in out_dirs.items():
                builds[name].append((source, pool.submit(compile_source, [compilers[name]],
                                                         source, out_dir)))
        yield builds


def check_core_builds(core_builds: dict[str, list[tuple[Path, Future]]], name: str) -> None:
    toolchain(name)
    for source, build in core_builds[name]:
        r = build.result()
        assert r.returncode == 0 and not r.stderr, f"{source.name}:\n{r.stderr}"


def dispatch_macro(compiler: list[str], *flags: str) -> str:
    """What W2V_TRAINING_CLONES expands to for that compiler and target."""
    r = subprocess.run(compiler + list(flags) + INCLUDES + ["-E", "-P", "-x", "c", "-"],
                       input='#include "simd_dispatch.h"\nw2v_expansion[W2V_TRAINING_CLONES]\n',
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("w2v_expansion["))
    return line[len("w2v_expansion["):line.rindex("]")].strip()


def test_core_compiles_warning_free_for_aarch64(core_builds):
    check_core_builds(core_builds, "aarch64-linux-gnu-gcc")


def test_core_compiles_warning_free_with_clang(core_builds):
    check_core_builds(core_builds, "clang")


def test_core_compiles_warning_free_with_gcc(core_builds):
    check_core_builds(core_builds, "gcc")


def test_dispatch_only_where_the_platform_has_it():
    gcc = toolchain("gcc")
    assert "target_clones" in dispatch_macro([gcc])
    assert dispatch_macro([gcc], "-DW2V_NO_CLONES") == ""
    assert "target_clones" in dispatch_macro([toolchain("clang")])
    assert dispatch_macro([toolchain("aarch64-linux-gnu-gcc")]) == ""


@pytest.mark.parametrize("target", ["arm64-apple-macos11", "x86_64-apple-macos11"])
def test_no_runtime_dispatch_on_macos(target):
    """Mach-O has no ifunc, so no target_clones there (checked with clang's
    own headers: the macOS SDK itself is not on this machine)."""
    clang = toolchain("clang")
    assert dispatch_macro([clang, f"--target={target}", "-ffreestanding"]) == ""


def test_build_flags_are_understood_by_clang(tmp_path):
    """No GCC-only flag reaches clang (and so Apple clang) through setup.py."""
    source = tmp_path / "empty.c"
    source.write_text("int w2v_empty;\n")
    r = subprocess.run([toolchain("clang")] + PORTABLE_FLAGS + ["-Werror", "-c", str(source),
                        "-o", str(tmp_path / "empty.o")], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stderr, r.stderr


def test_windows_install_fails_with_one_clear_line():
    """Windows is out of scope for now: setup.py says so in one line instead
    of leaving the user a compiler error (run as if on Windows, and as if no
    build dependency were installed: the line must come before any of them
    is imported, since a test venv has none)."""
    code = ("import runpy, sys; sys.platform = 'win32'; sys.argv = ['setup.py', '--version']; "
            "sys.modules.update(dict.fromkeys(['Cython', 'numpy', 'setuptools'])); "
            "runpy.run_path('setup.py', run_name='__main__')")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1].startswith(
        "w2vpy does not build on Windows yet: its core needs POSIX threads and pread.")


def copy_package_without_core(root: Path) -> Path:
    """The w2vpy package as a source tree holds it before any build."""
    package = root / "w2vpy"
    shutil.copytree(REPO / "w2vpy", package,
                    ignore=shutil.ignore_patterns("_core*", "__pycache__"))
    return package


def import_error_line(cwd: Path) -> str:
    """The last line `import w2vpy` writes, started from cwd (which Python
    searches first, as a user in the repository root finds).  -S: without
    site-packages, since an editable install's finder would answer for
    w2vpy._core whichever w2vpy was imported."""
    r = subprocess.run([sys.executable, "-S", "-c", "import w2vpy"], cwd=cwd,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    return r.stderr.strip().splitlines()[-1]


def test_import_from_a_source_tree_without_core_says_so_with_the_fix(tmp_path):
    package = copy_package_without_core(tmp_path)
    (tmp_path / "setup.py").write_text("")
    assert import_error_line(tmp_path) == (
        f"ImportError: w2vpy's compiled core (w2vpy._core) is not built in this source tree "
        f"({package}): run 'pip install -e .' in {tmp_path}, or run Python outside the source "
        f"tree to use the installed w2vpy")


def test_import_of_an_install_without_core_says_so_with_the_fix(tmp_path):
    package = copy_package_without_core(tmp_path)
    assert import_error_line(tmp_path) == (
        f"ImportError: w2vpy's compiled core (w2vpy._core) is missing from {package}: "
        f"reinstall w2vpy (pip install --force-reinstall w2vpy)")


def test_installed_version_is_the_package_version():
    """pyproject.toml reads the version from w2vpy.__version__: what pip
    records and what the package (and so `--version`) says are one."""
    import w2vpy

    assert importlib.metadata.version("w2vpy") == w2vpy.__version__
