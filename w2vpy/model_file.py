"""A saved model: everything ``Word2Vec.train`` needs to go on where it
stopped, in one file (``Word2Vec.save``, ``w2v-train -checkpoint``).

The file is a numpy ``.npz`` archive (a zip of ``.npy`` arrays, readable
without w2vpy, no pickles): a JSON ``header`` (format name and version, the
parameters, the schedule's position, the epochs done), the vocabulary (its
words as one byte string with their end offsets, and their counts), the
weights (syn0 and the output layers), each training thread's random stream
and learning rate, and the loss of every epoch.  It is written atomically.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from w2vpy.system.atomic import atomic_write
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.parameters import TRAINING_PARAMETERS
from w2vpy.system.paths import open_input_file
from w2vpy.training.cpu_backend import TrainingState, Weights
from w2vpy.text.vocab import Vocabulary

FORMAT = "w2vpy-model"
#: raised when what is saved changes; a reader refuses newer versions
FORMAT_VERSION = 1
_ZIP_MAGIC = b"PK\x03\x04"
_STATE_FIELDS = ("schedule_alpha", "schedule_words", "words_done", "schedule_end_epoch",
                 "epochs_done")


def save_model(model, path: str | os.PathLike[str]) -> None:
    vocab, weights, state = model.vocab, model.weights, model.state
    header = {
        "format": FORMAT, "version": FORMAT_VERSION,
        "params": {p.name: getattr(model.params, p.name) for p in TRAINING_PARAMETERS},
        "backend": model.backend,
        "state": {name: getattr(state, name) for name in _STATE_FIELDS},
        "vocab": {"pruned_words": vocab.pruned_words, "prune_events": vocab.prune_events},
        "corpus_tokens": model.corpus_tokens,
        "corpus_skipped": model.corpus_skipped,
    }
    arrays = {
        "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        "words": np.frombuffer(b"".join(vocab.words), dtype=np.uint8),
        "word_ends": np.cumsum([len(w) for w in vocab.words], dtype=np.int64),
        "counts": vocab.counts,
        "syn0": weights.syn0,
        "thread_random": state.thread_random,
        "thread_alpha": state.thread_alpha,
        "loss_history": np.asarray(model.loss_history, dtype=np.float64),
    }
    if weights.syn1 is not None:
        arrays["syn1"] = weights.syn1
    if weights.syn1neg is not None:
        arrays["syn1neg"] = weights.syn1neg
    with atomic_write(path) as f:
        np.savez(f, **arrays)


def load_model(path: str | os.PathLike[str]):
    from w2vpy.model import Word2Vec

    path = Path(path)
    _check_is_archive(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            if "header" not in archive.files:
                raise W2VError(f"{path} is a numpy archive, not a w2vpy model")
            header = _header(path, archive["header"])
            arrays = {name: archive[name] for name in archive.files if name != "header"}
    except (zipfile.BadZipFile, ValueError, KeyError, EOFError, OSError) as exc:
        if isinstance(exc, W2VError):
            raise
        raise CorruptInputError(f"{path}: corrupt or truncated model file ({exc})") from None
    model = Word2Vec(backend=header["backend"], **header["params"])
    try:
        words = _words(arrays["words"], arrays["word_ends"])
        model.vocab = Vocabulary(words, arrays["counts"].astype(np.int64, copy=False),
                                 header["vocab"]["pruned_words"], header["vocab"]["prune_events"])
        model.weights = Weights(arrays["syn0"], arrays.get("syn1"), arrays.get("syn1neg"))
        model.state = TrainingState(**header["state"], thread_random=arrays["thread_random"],
                                    thread_alpha=arrays["thread_alpha"])
        model.loss_history = arrays["loss_history"].tolist()
        model.corpus_tokens = header["corpus_tokens"]
        model.corpus_skipped = header["corpus_skipped"]
    except KeyError as exc:
        raise CorruptInputError(f"{path}: the model file lacks {exc}") from None
    _check_shapes(path, model)
    return model


def _check_is_archive(path: Path) -> None:
    with open_input_file(path, "model file") as f:
        head = f.read(len(_ZIP_MAGIC))
    if head != _ZIP_MAGIC:
        raise W2VError(f"{path} is not a w2vpy model (a file written by Word2Vec.save or "
                       "w2v-train -checkpoint)")


def _header(path: Path, raw: np.ndarray) -> dict:
    try:
        header = json.loads(raw.tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CorruptInputError(f"{path}: the model header is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise W2VError(f"{path} is not a w2vpy model (its header names no {FORMAT} format)")
    version = header.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise W2VError(f"{path} is a w2vpy model of format version {version}, newer than this "
                       f"w2vpy reads ({FORMAT_VERSION}): upgrade w2vpy")
    return header


def _words(data: np.ndarray, ends: np.ndarray) -> list[bytes]:
    raw = data.tobytes()
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    return [raw[a:b] for a, b in zip(starts, ends.tolist())]


def _check_shapes(path: Path, model) -> None:
    params, weights, state = model.params, model.weights, model.state
    rows = len(model.vocab.words)
    expected = (rows, params.vector_size)
    problems = []
    if model.vocab.counts.shape != (rows,):
        problems.append(f"{len(model.vocab.counts)} counts for {rows} words")
    for name in ("syn0", "syn1", "syn1neg"):
        matrix = getattr(weights, name)
        if matrix is not None and (matrix.shape != expected or matrix.dtype != np.float32):
            problems.append(f"{name} is {matrix.dtype} {matrix.shape}, not float32 {expected}")
    if weights.syn1 is None and params.hs and weights.syn1neg is not None:
        problems.append("syn1 is missing")
    if weights.syn1neg is None and params.negative > 0 and weights.syn1 is not None:
        problems.append("syn1neg is missing")
    if (state.thread_random.shape != (params.workers,) or state.thread_random.dtype != np.uint64
            or state.thread_alpha.shape != (params.workers,)
            or state.thread_alpha.dtype != np.float32):
        problems.append("the threads' state does not match the workers")
    if problems:
        raise CorruptInputError(f"{path}: inconsistent model file: {'; '.join(problems)}")
