"""What a published release says about itself: its license, the Pythons it
claims, its version and its changelog, each held to the others so that they
cannot drift apart.  (CI builds the sdist and the manylinux wheel and installs
them; these tests read the files those builds are made from.)"""
import re
import sys

import pytest

from conftest import REPO

import w2vpy

if sys.version_info >= (3, 11):
    import tomllib
else:
    tomllib = pytest.importorskip("tomli")

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def _classifier_pythons() -> list[tuple[int, int]]:
    """The Python versions the classifiers name, in order."""
    found = (re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c)
             for c in PROJECT["classifiers"])
    return sorted((3, int(m.group(1))) for m in found if m)


def _cibuildwheel_pythons() -> list[tuple[int, int]]:
    """The CPython versions cibuildwheel builds wheels for, in order."""
    selectors = PYPROJECT["tool"]["cibuildwheel"]["build"]
    found = (re.fullmatch(r"cp3(\d+)-\*", s) for s in selectors)
    return sorted((3, int(m.group(1))) for m in found if m)


def test_license_is_apache_2_as_spdx_with_its_full_text():
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    # an SPDX expression and a License :: classifier together are refused by setuptools
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]


def test_build_backend_reads_spdx_license_expressions():
    setuptools = [r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert setuptools == ["setuptools>=77"]


def test_pythons_claimed_are_the_pythons_built():
    classified = _classifier_pythons()
    assert classified == _cibuildwheel_pythons()
    assert PROJECT["requires-python"] == ">=%d.%d" % classified[0]
    assert classified == [(3, minor) for minor in range(classified[0][1], classified[-1][1] + 1)]


def test_version_is_written_once_and_has_a_changelog_entry():
    assert "version" not in PROJECT and PROJECT["dynamic"] == ["version"]
    version_attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert version_attr == {"attr": "w2vpy.__version__"}
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(w2vpy.__version__)}\] - \d{{4}}-\d\d-\d\d$",
                     changelog, re.MULTILINE)
    assert f"[{w2vpy.__version__}]: https://" in changelog


def test_project_urls_are_https():
    urls = PROJECT["urls"]
    assert {"Homepage", "Documentation", "Changelog", "Issues"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())
