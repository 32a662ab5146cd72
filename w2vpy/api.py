"""The public entry points: ``train`` a corpus into word vectors."""
from __future__ import annotations

import inspect

from w2vpy.model import Word2Vec, check_run_paths, resumed_model
from w2vpy.parameters import RUN_OPTIONS, TRAINING_PARAMETERS, Parameter
from w2vpy.sentences import open_source
from w2vpy.vocab import save_vocab
from w2vpy.word_vectors import WordVectors

#: train()'s keywords besides source and progress, in the table's order
TRAIN_KEYWORDS: tuple[Parameter, ...] = (*TRAINING_PARAMETERS, *RUN_OPTIONS)


def train(source: object, *, progress: bool = False, **parameters: object) -> WordVectors:
    """Train word vectors on a text file (plain, .gz/.bz2/.xz, a directory, or
    "-") or on sentences (an iterable of lists of str tokens, read once).

    The keywords are TrainingParams' (gensim's names, word2vec.c's defaults:
    CBOW, negative sampling 5, sample 1e-3, 12 threads) and RUN_OPTIONS'
    (listed below); ``progress=True`` prints word2vec.c's progress line.
    ``alpha=None`` means 0.05 for CBOW and 0.025 for skip-gram; ``seed=0``
    reproduces word2vec.c's random streams.  With several workers, each trains
    private copies of the most visited output rows, merged every
    ``w2vpy.hot_rows.MERGE_WORDS`` (64) words (``hot_rows=None``, the default,
    chooses them; ``hot_rows=K`` takes K; ``hot_rows=0`` is word2vec.c's pure
    Hogwild, slower on two cores).  One
    worker trains exactly as word2vec.c.  ``checkpoint=FILE`` saves the model
    at every epoch end; ``resume=FILE`` finishes the run saved there.  The
    model object behind this call is ``w2vpy.Word2Vec``."""
    run = {p.name: p.check(parameters.pop(p.name, p.default)) for p in RUN_OPTIONS}
    if run["resume"] is not None:
        model = resumed_model(run, parameters, lambda declared: declared.name)
    else:
        model = Word2Vec(backend=run["backend"], **parameters)
    with open_source(source) as corpus:
        check_run_paths(corpus, run, lambda declared: declared.name, "source")
        if run["resume"] is not None:
            if run["save_vocab"] is not None:
                save_vocab(model.vocab, run["save_vocab"])
            model._train(corpus, epochs=model.state.epochs_left, progress=progress,
                         checkpoint=run["checkpoint"], expect_tokens=model.corpus_tokens)
        else:
            model._build_vocab(corpus, run["read_vocab"], run["save_vocab"],
                               record_tokens=True)
            model._train(corpus, progress=progress, checkpoint=run["checkpoint"])
    return model.wv


def _keyword(declared: Parameter) -> inspect.Parameter:
    return inspect.Parameter(declared.name, inspect.Parameter.KEYWORD_ONLY,
                             default=declared.default)


# help(train) and editors show every keyword the declarations give it
_written = inspect.signature(train).parameters
train.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_written["source"], *(_keyword(p) for p in TRAIN_KEYWORDS), _written["progress"]],
    return_annotation=inspect.signature(train).return_annotation)
train.__doc__ = (train.__doc__ or "") + "\n\n    Parameters:\n" + "".join(
    f"      {p.name}={p.default!r}: {p.help}\n" for p in TRAIN_KEYWORDS)
