"""The public entry points: ``train`` a corpus into word vectors."""
from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from w2vpy.model import TrainingJob
from w2vpy.parameters import RUN_OPTIONS, TRAINING_PARAMETERS, Parameter, numpy_parameters
from w2vpy.text.sentences import open_source
from w2vpy.word_vectors import WordVectors

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from w2vpy.parameters import RunKeywords

#: train()'s keywords besides source and progress, in the table's order
TRAIN_KEYWORDS: tuple[Parameter, ...] = (*TRAINING_PARAMETERS, *RUN_OPTIONS)


def train(source: object, *, progress: bool = False,
          **parameters: Unpack[RunKeywords]) -> WordVectors:
    """Train word vectors on a corpus as word2vec.c does, in one call.

    The vocabulary is counted, the model trained for ``epochs`` passes and its
    word vectors returned; ``w2vpy.Word2Vec`` is the model object behind this
    call, for training in steps.

    Parameters
    ----------
    source : str, os.PathLike or iterable of sequences of str
        A text file (plain, ``.gz``, ``.bz2`` or ``.xz``), a directory of
        them, ``"-"`` for standard input or a named pipe; or sentences, each
        a list of ``str`` tokens, read once (a generator will do).
    {parameters}
    progress : bool, default False
        Print word2vec.c's progress line on stderr while training.

    Returns
    -------
    WordVectors
        The trained vectors, one row per vocabulary word.

    Raises
    ------
    W2VError
        A value, a path or the text is refused; the message names it.
    TrainingDiverged
        The vectors hold NaN or infinity after training (lower ``alpha``).

    Examples
    --------
    >>> from w2vpy import train
    >>> vectors = train("corpus.txt.gz", vector_size=100, sg=True, workers=4)  # doctest: +SKIP
    >>> vectors.most_similar("king", topn=5)                                # doctest: +SKIP
    """
    run = {p.name: p.check(parameters.pop(p.name, p.default)) for p in RUN_OPTIONS}
    job = TrainingJob(parameters, run, lambda declared: declared.name)
    with open_source(source) as corpus:
        job.check_paths(corpus, "source")
        job.vocabulary(corpus)
        job.train(corpus, progress=progress)
    return job.model.wv


def _keyword(declared: Parameter) -> inspect.Parameter:
    return inspect.Parameter(declared.name, inspect.Parameter.KEYWORD_ONLY,
                             default=declared.default)


# help(train) and editors show every keyword the declarations give it
_written = inspect.signature(train).parameters
train.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_written["source"], *(_keyword(p) for p in TRAIN_KEYWORDS), _written["progress"]],
    return_annotation=inspect.signature(train).return_annotation)
train.__doc__ = train.__doc__.replace("{parameters}", numpy_parameters(TRAIN_KEYWORDS))
