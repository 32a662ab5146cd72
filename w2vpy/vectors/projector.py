"""Word vectors as TensorBoard's Embedding Projector reads them.

A directory with ``tensors.tsv`` (one vector a line, tab-separated, as
gensim's ``scripts/word2vec2tensor.py`` writes it), ``metadata.tsv`` (a
``word<TAB>count`` header, then one row per vector) and
``projector_config.pbtxt``, the ProjectorConfig that points TensorBoard's
projector plugin at them (``tensorboard --logdir DIR``).  The standalone
projector (projector.tensorflow.org, "Load") takes the two TSV files.

Each file is written atomically, the config last: a run that fails leaves no
config pointing at a half-written tensor.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from w2vpy.errors import W2VError
from w2vpy.system.atomic import atomic_write

TENSORS_FILE = "tensors.tsv"
METADATA_FILE = "metadata.tsv"
CONFIG_FILE = "projector_config.pbtxt"
#: the name TensorBoard lists the embedding under
TENSOR_NAME = "word_vectors"
#: rows formatted at a time: bounded memory for any vocabulary
CHUNK_ROWS = 4096
#: significant digits that give back every float32 (float64) exactly
FLOAT32_FORMAT = "%.9g"
FLOAT64_FORMAT = "%.17g"
#: what would end a TSV cell or row early: the projector has no escape for them
_SEPARATORS = ("\t", "\n", "\r")


def write_projector(directory: str | os.PathLike[str], words: Sequence[str],
                    vectors: np.ndarray, counts: np.ndarray | None = None) -> Path:
    """Write the projector's three files into ``directory`` (made if missing).

    Parameters
    ----------
    directory : str or path
        Where the files go; an existing directory keeps its other files.
    words : sequence of str
        One label a row (a word that is not valid UTF-8, kept with
        surrogateescape, is shown with ``\\xNN`` escapes).
    vectors : numpy.ndarray
        The rows, ``len(words)`` by the vector size.
    counts : numpy.ndarray, optional
        Each word's count; without them the count column is left empty.

    Returns
    -------
    pathlib.Path
        The config file's path.
    """
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise W2VError(f"{len(words)} words but vectors of shape {vectors.shape}")
    if len(words) == 0:
        raise W2VError("no vectors to export: the vocabulary is empty")
    if counts is not None and len(counts) != len(words):
        raise W2VError(f"{len(counts)} counts for {len(words)} words")
    _check_labels(words)
    target = _directory(directory)
    with atomic_write(target / TENSORS_FILE) as f:
        write_tensors(f, vectors)
    with atomic_write(target / METADATA_FILE) as f:
        f.write(metadata_text(words, counts).encode("utf-8"))
    config = target / CONFIG_FILE
    with atomic_write(config) as f:
        f.write(config_text().encode("utf-8"))
    return config


def _check_labels(words: Sequence[str]) -> None:
    for row, word in enumerate(words):
        if not isinstance(word, str):
            raise W2VError(f"row {row} has no word ({word!r}): a slot that "
                           "KeyedVectors(vector_size, count) set aside is still empty")
        if any(sep in word for sep in _SEPARATORS):
            raise W2VError(f"word {word!r} (row {row}) holds a tab or a line break, which a "
                           "TSV row cannot: the projector would shift every label after it")


def _directory(directory: str | os.PathLike[str]) -> Path:
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise W2VError(f"{directory} is not a directory: the projector's files go into one")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise W2VError(f"cannot make the directory {directory}: {exc.strerror or exc}") from None
    return path


def write_tensors(f, vectors: np.ndarray) -> None:
    """The rows as tab-separated text, a chunk at a time, each value exact."""
    fmt = FLOAT32_FORMAT if np.finfo(vectors.dtype).bits <= 32 else FLOAT64_FORMAT
    for start in range(0, len(vectors), CHUNK_ROWS):
        chunk = io.BytesIO()
        np.savetxt(chunk, vectors[start:start + CHUNK_ROWS], fmt=fmt, delimiter="\t")
        f.write(chunk.getvalue())


def metadata_text(words: Sequence[str], counts: np.ndarray | None) -> str:
    """The header and one ``word<TAB>count`` row per word.  A header is read
    as one only when it holds a tab, so it is written with two columns always."""
    labels = [w.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
              for w in words]
    cells = [""] * len(words) if counts is None else [str(int(c)) for c in counts]
    return "word\tcount\n" + "".join(f"{w}\t{c}\n" for w, c in zip(labels, cells))


def config_text() -> str:
    """The ProjectorConfig (protobuf text format) naming the files beside it:
    relative paths, so the directory can move."""
    return ("embeddings {\n"
            f'  tensor_name: "{TENSOR_NAME}"\n'
            f'  tensor_path: "{TENSORS_FILE}"\n'
            f'  metadata_path: "{METADATA_FILE}"\n'
            "}\n")
