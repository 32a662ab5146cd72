"""The documentation is true: every command and program in the README runs as
written from an installed w2vpy, and the generated command-line reference is
the one the parameter table gives today.

A README block the test cannot run (one needing a GPU, or the whole test
suite) is marked on the line before it with ``<!-- docs-test: skip: REASON -->``;
such blocks stay rare, and each must say why.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
SKIP_MARK = re.compile(r"<!-- docs-test: skip: (?P<reason>[^>]*\S) -->\s*$")
FENCE = re.compile(r"^```(?P<lang>\w*)\s*$")
#: `pip install ...` as a line or as the first step of one: the package under
#: test is installed already, and the test must not reinstall it
PIP_INSTALL = re.compile(r"^\s*(python -m )?pip install [^&;]*(&&\s*|$)")


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    line: int
    skip_reason: str | None


def blocks(text: str) -> list[Block]:
    """Every fenced block with its language, first line number and skip mark."""
    found, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening or not opening["lang"]:
            i += 1
            continue
        mark = SKIP_MARK.match(lines[i - 1]) if i else None
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        found.append(Block(opening["lang"], "\n".join(lines[i + 1:end]) + "\n", i + 1,
                           mark["reason"] if mark else None))
        i = end + 1
    return found


def without_pip_install(script: str) -> str:
    return "\n".join(PIP_INSTALL.sub("", line) for line in script.splitlines()) + "\n"


def runnable(text: str) -> list[Block]:
    return [b for b in blocks(text) if b.lang in ("sh", "python") and b.skip_reason is None]


def test_block_reader_sees_marks_and_strips_pip():
    sample = ("```sh\npip install . && echo hi\n```\n"
              "<!-- docs-test: skip: needs a GPU -->\n```python\nimport cupy\n```\n"
              "```text\nout\n```\n")
    found = blocks(sample)
    assert [(b.lang, b.skip_reason) for b in found] == [
        ("sh", None), ("python", "needs a GPU"), ("text", None)]
    assert without_pip_install(found[0].code) == "echo hi\n"
    assert without_pip_install("pip install '.[cuda]'\nls\n") == "\nls\n"
    assert [b.line for b in runnable(sample)] == [1]


def test_readme_skips_are_rare_and_say_why():
    found = [b for b in blocks(README.read_text(encoding="utf-8")) if b.lang in ("sh", "python")]
    skipped = [b for b in found if b.skip_reason is not None]
    assert found and len(skipped) <= 2, [b.line for b in skipped]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One directory for the README's blocks, run in order as a reader would:
    the bundled corpus at data/, nothing else from the checkout."""
    work = tmp_path_factory.mktemp("readme")
    (work / "data").symlink_to(REPO / "data")
    return work


README_BLOCKS = runnable(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("block", README_BLOCKS, ids=[f"{b.lang}-line{b.line}" for b in README_BLOCKS])
def test_readme_block_runs(block: Block, workdir: Path):
    if block.lang == "sh":
        command = ["bash", "-euo", "pipefail", "-c", without_pip_install(block.code)]
    else:
        command = [sys.executable, "-c", block.code]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (f"README line {block.line} failed:\n{block.code}\n"
                                  f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def test_cli_reference_is_current():
    """docs/cli.md is what tools/cli_reference.py makes from today's flags."""
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import cli_reference
    finally:
        sys.path.remove(str(REPO / "tools"))
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference.render(), "docs/cli.md is stale: run python tools/cli_reference.py"


def test_cli_reference_lists_every_flag():
    from w2vpy import cli

    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for flags in (cli.FLAGS, cli.PHRASE_FLAGS):
        for flag in flags:
            assert f"| `{flag} " in page, flag
    for prog in cli.COMMANDS:
        assert f"## `{prog}`" in page, prog
