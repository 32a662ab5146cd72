"""Imports point down: the public modules at the top of ``w2vpy`` may import
any layer; a layer (a sub-package) only the layers under it and the
foundation every layer shares (the errors, the parameter table and the
compiled core).  docs/architecture.md says why."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "w2vpy"
#: what every module may import
FOUNDATION = {"w2vpy.errors", "w2vpy.parameters", "w2vpy._core"}
#: each layer and the layers it may import (itself included)
LAYERS = {
    "system": {"system"},
    "text": {"text", "system"},
    "training": {"training", "text", "system"},
    "vectors": {"vectors", "text", "system"},
    "distributed": {"distributed", "text", "system"},
}


def imported_modules(path: Path) -> set[str]:
    """The w2vpy modules a file imports (``from w2vpy import _core`` is
    w2vpy._core), wherever the import stands (a function's too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "w2vpy":
                found.update(f"w2vpy.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
    return {name for name in found if name == "w2vpy" or name.startswith("w2vpy.")}


def allowed(layer: str, module: str) -> bool:
    if module in FOUNDATION:
        return True
    parts = module.split(".")
    return len(parts) > 2 and parts[1] in LAYERS[layer] or (
        len(parts) == 2 and parts[1] in LAYERS[layer])


def layer_files() -> list[tuple[str, Path]]:
    return [(layer, path) for layer in LAYERS for path in sorted((PACKAGE / layer).glob("*.py"))
            if (PACKAGE / layer).is_dir()]


def test_every_sub_package_is_a_declared_layer():
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages <= set(LAYERS), packages - set(LAYERS)


@pytest.mark.parametrize("layer, path", layer_files(), ids=lambda v: getattr(v, "name", v))
def test_a_layer_imports_only_the_layers_under_it(layer, path):
    upward = sorted(m for m in imported_modules(path) if not allowed(layer, m))
    assert not upward, f"{layer}/{path.name} imports {upward}"


def test_the_foundation_imports_no_layer():
    for name in ("errors", "parameters"):
        imported = imported_modules(PACKAGE / f"{name}.py")
        assert imported <= FOUNDATION, (name, imported)


def test_the_check_sees_an_upward_import(tmp_path):
    """The reader finds imports in every form a module may write them."""
    module = tmp_path / "m.py"
    module.write_text("import w2vpy.model\nfrom w2vpy import word_vectors, _core\n"
                      "def f():\n    from w2vpy.text.vocab import Vocabulary\n")
    found = imported_modules(module)
    assert found == {"w2vpy.model", "w2vpy.word_vectors", "w2vpy._core", "w2vpy.text.vocab"}
    assert not allowed("system", "w2vpy.text.vocab") and allowed("training", "w2vpy.text.vocab")
    assert not allowed("text", "w2vpy.model") and allowed("text", "w2vpy._core")


def test_prepare_is_the_function_and_costs_nothing_until_asked_for():
    """``w2vpy.prepare(source, output)`` as the docs call it: the package's
    name is the function (also after its module was imported, which would
    replace a submodule's name), and ``import w2vpy`` loads none of its
    pipeline."""
    import subprocess
    import sys
    script = ("import sys, w2vpy\n"
              "assert not any(m.startswith('w2vpy.distributed') for m in sys.modules)\n"
              "import w2vpy.preparation\n"
              "from w2vpy import prepare\n"
              "assert callable(prepare) and prepare is w2vpy.prepare\n"
              "assert prepare is w2vpy.preparation.prepare\n"
              "print(prepare.__name__)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "prepare"
