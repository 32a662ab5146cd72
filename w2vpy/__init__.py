"""w2vpy: word2vec.c's algorithm as a Cython/C extension.

    from w2vpy import train, load
    vectors = train("corpus.txt", vector_size=100, sg=1, workers=4)
    vectors.save("vectors.bin")

gensim's workflow (build_vocab, train, callbacks, loss, save and go on):
``w2vpy.Word2Vec``.
"""
import importlib.util as _importlib_util
from pathlib import Path as _Path

#: the one place the version is written (pyproject.toml reads it from here)
__version__ = "0.1.0"


def _require_core() -> None:
    """Raise one clear ImportError, with the fix, where the compiled core is absent.

    Without this, the first module to import ``_core`` fails with Python's
    "partially initialized module (most likely due to a circular import)",
    which points away from the cause: typically Python started in the
    repository root, whose unbuilt ``w2vpy/`` shadows the installed one.
    """
    if _importlib_util.find_spec("w2vpy._core") is not None:
        return
    package = _Path(__file__).resolve().parent
    if (package.parent / "setup.py").is_file():
        raise ImportError(
            f"w2vpy's compiled core (w2vpy._core) is not built in this source tree ({package}): "
            f"run 'pip install -e .' in {package.parent}, or run Python outside the source tree "
            "to use the installed w2vpy")
    raise ImportError(f"w2vpy's compiled core (w2vpy._core) is missing from {package}: "
                      "reinstall w2vpy (pip install --force-reinstall w2vpy)")


_require_core()

from w2vpy.api import train  # noqa: E402
from w2vpy.errors import CorruptInputError, TrainingDiverged, W2VError, W2VWarning  # noqa: E402
from w2vpy.model import Word2Vec  # noqa: E402
from w2vpy.word_vectors import KeyedVectors, WordVectors, load  # noqa: E402

__all__ = ["train", "load", "prepare", "Word2Vec", "KeyedVectors", "WordVectors", "W2VError",
           "W2VWarning", "CorruptInputError", "TrainingDiverged"]


def __getattr__(name: str) -> object:
    """``w2vpy.prepare``, imported when first asked for: its pipeline's modules
    are not needed to train, so ``import w2vpy`` does not pay for them (the
    module is ``w2vpy.preparation``, so importing it never replaces the
    function's name on the package)."""
    if name == "prepare":
        from w2vpy.preparation import prepare
        return prepare
    raise AttributeError(f"module 'w2vpy' has no attribute {name!r}")
