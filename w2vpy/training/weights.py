"""The weights and what every training backend shares about them: the checks
made before any matrix is allocated, syn0's starting values, the check that
training did not diverge, and what a backend's call trained (the learning-rate
schedule is the C core's, in w2vpy/include/w2v_constants.h).  The CPU driver
(``cpu_backend``) and the CUDA driver (``cuda_backend``) both build on this
module; neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vpy import _core
from w2vpy.errors import NotTrainable, TrainingDiverged, W2VError
from w2vpy.system.interrupts import run_stoppable
from w2vpy.training.hot_rows import hot_rows_bound
from w2vpy.system.memory import check_model_fits, run_parts
from w2vpy.parameters import INT64_MAX, TrainingParams
from w2vpy.text.vocab import Vocabulary

@dataclass
class PassesTrained:
    """What a backend's call trained, the CPU threads' or the CUDA kernel's."""

    seconds: float
    #: tokens gone through, every pass counted
    words: int
    #: one per pass (compute_loss), else None
    losses: np.ndarray | None = None
    #: merges of the threads' private hot rows (w2vpy.training.hot_rows)
    hot_row_merges: int = 0


def check_trainable(vocab: Vocabulary, params: TrainingParams, source_name: str) -> None:
    """Everything about a vocabulary that would make training fail, loop or
    exhaust memory, refused before the corpus is encoded or a matrix allocated."""
    if len(vocab) < 2:
        if vocab.prune_events:
            raise W2VError(
                f"no word of {source_name} is left to train: pruning to stay under "
                f"max_vocab_size={params.max_vocab_size} (-max-vocab-size) ran "
                f"{vocab.prune_events} time(s) and dropped {vocab.pruned_words} distinct words;"
                " raise the limit")
        raise NotTrainable(f"no word reaches min_count={params.min_count} in {source_name}: "
                       "nothing to train")
    if params.negative > 0 and not vocab.counts.any():
        raise W2VError("all counts are zero: the unigram table is empty, so negative "
                       "sampling has nothing to draw (give counts above 0, or use -hs 1 "
                       "-negative 0)")
    if params.negative > 0 and params.ns_exponent < 0 and not vocab.counts.all():
        raise W2VError(f"ns_exponent={params.ns_exponent} is negative and a word has count 0: "
                       "0 to a negative power is infinite, so the noise distribution has no "
                       "shape (give counts above 0, or an ns_exponent >= 0)")
    if vocab.train_words > INT64_MAX // params.epochs:
        raise W2VError(f"the vocabulary's counts add up to {vocab.train_words}, which times "
                       f"{params.epochs} epochs passes {INT64_MAX}: the schedule cannot count it")
    hot = hot_rows_bound(params, len(vocab))
    check_model_fits(len(vocab), params.vector_size, params.hs, params.negative,
                     run=run_parts(params, vocab.counts, hot.hs_rows, hot.ns_rows))


#: word2vec.c's InitNet: syn0 uniform in +-0.5 / vector_size
WORD2VEC_C_INIT_RANGE = 0.5


def initial_input_vectors(vocab: Vocabulary, params: TrainingParams) -> np.ndarray:
    """word2vec.c's InitNet for syn0: its LCG seeded 1, shifted by the user
    seed, the values widened to ``params.init_range`` (None: word2vec.c's)."""
    syn0 = run_stoppable(lambda stop: _core.init_input_vectors(
        len(vocab), params.vector_size, 1 + params.seed, stop))
    init_range = params.init_range
    if init_range is not None and init_range != WORD2VEC_C_INIT_RANGE:
        # one multiply per value: gensim's 1.0 is exactly twice word2vec.c's draws
        syn0 *= np.float32(init_range / WORD2VEC_C_INIT_RANGE)
    return syn0


def check_converged(syn0: np.ndarray, params: TrainingParams) -> None:
    """Diverged vectors are reported, never returned to be saved."""
    if not np.isfinite(syn0).all():
        raise TrainingDiverged(
            f"training diverged: the vectors hold NaN or infinity (alpha={params.starting_alpha});"
            " lower -alpha")


def checked_lock_factors(value: object, rows: int) -> np.ndarray:
    """``value`` as lock factors for ``rows`` vectors: a float32 array (the
    same array when it already is one, so that changes in place reach
    training) of one factor, or one per row, every factor finite.

    Raises
    ------
    W2VError
        naming vectors_lockf, for any other length, shape or value.
    """
    try:
        factors = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise W2VError(f"vectors_lockf must be numbers, not {type(value).__name__}") from None
    if factors.ndim != 1 or len(factors) not in (1, rows):
        raise W2VError(f"vectors_lockf of shape {factors.shape}: it needs one factor for "
                       f"every vector (1,) or one per vector ({rows},)")
    if not np.isfinite(factors).all():
        raise W2VError("vectors_lockf holds a value that is not finite (nan or inf); each "
                       "factor scales a vector's updates, 0.0 locks it")
    return factors


def input_lock_factors(factors: np.ndarray, rows: int, first: int = 0) -> np.ndarray | None:
    """What the trainer takes for syn0's ``rows`` rows from ``factors``,
    the lock factors of the vectors from row ``first`` on (a gensim
    vocabulary has no row for word2vec.c's ``</s>``, row 0): one float32
    factor per row, or None where every factor is 1.0 (word2vec.c's updates,
    bit for bit).  Checked again here, as a change in place skips the setter."""
    factors = checked_lock_factors(factors, rows - first)
    if (factors == 1.0).all():
        return None
    full = np.ones(rows, dtype=np.float32)
    full[first:] = factors  # one factor broadcasts to every row
    return full
