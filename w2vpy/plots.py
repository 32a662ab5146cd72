"""Pictures of what training learned: the loss per epoch and a 2-D map of words.

They need matplotlib, the optional ``plot`` extra (``pip install
'w2vpy[plot]'``), imported only when a picture is drawn so that the rest of
the package stays numpy-only.  t-SNE maps also need scikit-learn; the default
map is PCA, done here with numpy's SVD.

Each function returns the matplotlib ``Figure`` (a notebook shows it) and,
given a path, writes it there atomically in the format its suffix names
(``.png``, ``.svg``, ``.pdf``...).
"""
from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from w2vpy.errors import W2VError
from w2vpy.system.atomic import atomic_write

METHODS = ("pca", "tsne")
#: the words a map shows when neither words nor top is given
DEFAULT_TOP = 50
#: more labels than this would only hide one another (and placing them
#: takes time growing with the square of their number)
MAX_WORDS = 1000
#: word2vec.c's line-end marker: a row of its files, not a word to show
END_OF_LINE = "</s>"
PLOT_EXTRA = "pip install 'w2vpy[plot]' (or pip install matplotlib)"

Figure = Any


def _figure(width: float, height: float) -> Figure:
    """A Figure with its own Agg canvas: no pyplot, so no global state and no
    display is touched."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MplFigure
    except ImportError:
        raise W2VError(f"pictures need matplotlib, the optional 'plot' extra: {PLOT_EXTRA}"
                       ) from None
    figure = MplFigure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def check_picture_path(path: str | os.PathLike[str]) -> None:
    """A W2VError now, rather than after a long training, when matplotlib is
    missing or ``path``'s suffix names no format it writes."""
    _picture_format(_figure(1, 1), path)


def _picture_format(figure: Figure, path: str | os.PathLike[str]) -> str:
    kind = Path(path).suffix.lower().lstrip(".")
    supported = figure.canvas.get_supported_filetypes()
    if kind not in supported:
        raise W2VError(f"cannot tell the picture format of {os.fspath(path)!r}: end its name "
                       f"with one of {', '.join('.' + k for k in sorted(supported))}")
    return kind


def save_figure(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Write ``figure`` to ``path`` atomically, in the format its suffix names."""
    kind = _picture_format(figure, path)
    drawn = io.BytesIO()
    figure.savefig(drawn, format=kind)
    with atomic_write(path) as f:
        f.write(drawn.getvalue())


def _finish(figure: Figure, path: str | os.PathLike[str] | None) -> Figure:
    if path is not None:
        save_figure(figure, path)
    return figure


# ---- the loss ----------------------------------------------------------------------

def describe_mode(params) -> str:
    """'skip-gram, negative 5', 'CBOW, hierarchical softmax'..."""
    parts = ["skip-gram" if params.sg else "CBOW"]
    if params.hs:
        parts.append("hierarchical softmax")
    if params.negative:
        parts.append(f"negative {params.negative}")
    return ", ".join(parts)


def plot_loss(model, path: str | os.PathLike[str] | None = None) -> Figure:
    """The training loss per epoch, per word of the corpus.

    Parameters
    ----------
    model : Word2Vec
        A model trained with ``compute_loss=True`` (``w2v-train
        -compute-loss 1``); epochs trained without it are left out.
    path : str or path, optional
        Where to save the picture (its suffix names the format).

    Returns
    -------
    matplotlib.figure.Figure
    """
    losses = np.asarray(model.loss_history, dtype=np.float64)
    epochs = np.flatnonzero(np.isfinite(losses)) + 1
    if epochs.size == 0:
        raise W2VError("no loss to plot: train with compute_loss=True "
                       "(w2v-train -compute-loss 1) to record each epoch's loss")
    per_word = losses[epochs - 1] / max(model.corpus_tokens, 1)
    figure = _figure(6, 4)
    axes = figure.add_subplot()
    axes.plot(epochs, per_word, marker="o")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss per word")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(True, alpha=0.3)
    params = model.params
    axes.set_title(f"Training loss: {describe_mode(params)}, size {params.vector_size}")
    return _finish(figure, path)


# ---- the map of words --------------------------------------------------------------

def choose_words(kv, words: Sequence[str] | str | None = None,
                 top: int | None = None) -> list[str]:
    """The words to map: those given (each once, in order), or the ``top``
    most frequent (by count where known, else by row: word2vec.c writes the
    most frequent first; all of them when there are fewer), ``</s>`` and
    words without a direction (a zero vector) skipped."""
    if words is not None and top is not None:
        raise W2VError("give words or top, not both")
    chosen = _top_words(kv, top) if words is None else _given_words(kv, words)
    if len(chosen) < 2:
        raise W2VError(f"a map needs at least 2 words, got {len(chosen)}")
    if len(chosen) > MAX_WORDS:
        raise W2VError(f"a map of {len(chosen)} words would be unreadable: at most {MAX_WORDS} "
                       "(the Embedding Projector, save_projector or w2v-export, shows them all)")
    return chosen


def _given_words(kv, words: Sequence[str] | str) -> list[str]:
    chosen = list(dict.fromkeys([words] if isinstance(words, str) else words))
    missing = [w for w in chosen if w not in kv]
    if missing:
        raise W2VError(f"not in the vocabulary: {', '.join(map(repr, missing[:10]))}"
                       + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""))
    pointless = [w for w in chosen if not kv.has_direction[kv.get_index(w)]]
    if pointless:
        raise W2VError(f"no direction to map (a zero or non-finite vector): "
                       f"{', '.join(map(repr, pointless[:10]))}")
    return chosen


def _top_words(kv, top: int | None) -> list[str]:
    top = DEFAULT_TOP if top is None else top
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 2:
        raise W2VError(f"top must be an integer >= 2, got {top!r}")
    order = np.arange(len(kv)) if kv.counts is None else np.argsort(-kv.counts, kind="stable")
    mappable = kv.has_direction
    chosen = []
    for i in order:
        # an empty pre-allocated slot (key None) is no word
        if mappable[i] and kv.index_to_key[i] not in (END_OF_LINE, None):
            chosen.append(kv.index_to_key[i])
            if len(chosen) == top:
                break
    return chosen


def pca_2d(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows' coordinates on their first two principal components, and the
    share of the variance each holds.  Each axis's sign is fixed (its largest
    loading positive) so the same vectors always give the same map."""
    centred = rows - rows.mean(axis=0)
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    axes = axes[:2]
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    axes = axes * signs[:, None]
    points = centred @ axes.T
    if points.shape[1] < 2:
        points = np.hstack([points, np.zeros((len(points), 2 - points.shape[1]))])
    variance = singular ** 2
    share = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    return points, np.pad(share, (0, 2 - len(share)))


def tsne_2d(rows: np.ndarray) -> np.ndarray:
    """t-SNE coordinates (scikit-learn's, seeded: the same map each time)."""
    try:
        from sklearn.manifold import TSNE
    except ImportError:
        raise W2VError("method='tsne' needs scikit-learn: pip install scikit-learn "
                       "(or use method='pca', which needs nothing more)") from None
    perplexity = float(min(30, max(1, (len(rows) - 1) / 3)))
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=0,
                metric="cosine").fit_transform(rows)


def word_map_points(kv, words: list[str], method: str) -> tuple[np.ndarray, str, str]:
    """Each word's point, from its unit vector (cosine is what the neighbours
    use), and the axes' labels."""
    if method not in METHODS:
        raise W2VError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    rows = np.asarray(kv.unit_vectors[[kv.get_index(w) for w in words]], dtype=np.float64)
    if method == "tsne":
        return tsne_2d(rows), "t-SNE 1", "t-SNE 2"
    points, share = pca_2d(rows)
    return points, f"PC1 ({share[0]:.0%} of variance)", f"PC2 ({share[1]:.0%} of variance)"


def plot_words(kv, words: Sequence[str] | str | None = None, top: int | None = None,
               path: str | os.PathLike[str] | None = None, method: str = "pca") -> Figure:
    """A 2-D map of words, each point labelled with its word.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors.
    words : sequence of str, optional
        The words to show (each must be in the vocabulary).
    top : int, optional
        Show the ``top`` most frequent words instead (50 when neither is given).
    path : str or path, optional
        Where to save the picture (its suffix names the format).
    method : {"pca", "tsne"}
        PCA of the unit vectors (numpy only), or t-SNE (needs scikit-learn).

    Returns
    -------
    matplotlib.figure.Figure
    """
    chosen = choose_words(kv, words, top)
    points, xlabel, ylabel = word_map_points(kv, chosen, method)
    side = min(12.0, 5 + math.sqrt(len(chosen)) / 2)
    figure = _figure(side, side * 0.8)
    axes = figure.add_subplot()
    axes.scatter(points[:, 0], points[:, 1], s=12, alpha=0.7)
    axes.margins(0.1)  # room for the labels of the outermost points
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(f"{len(chosen)} words of {kv.vector_size}-d vectors, "
                   f"{'PCA' if method == 'pca' else 't-SNE'}")
    # the layout first: a label's place is chosen from where it will be drawn
    figure.draw_without_rendering()
    place_labels(figure, axes, chosen, points, fontsize=9 if len(chosen) <= 40 else 7)
    return _finish(figure, path)


#: where a label may stand beside its point (offset in points, alignment),
#: in order of preference
LABEL_PLACES = (((4, 3), "left", "bottom"), ((4, -3), "left", "top"),
                ((-4, 3), "right", "bottom"), ((-4, -3), "right", "top"),
                ((0, 5), "center", "bottom"), ((0, -5), "center", "top"),
                ((6, 0), "left", "center"), ((-6, 0), "right", "center"))
#: half the side of the square a point's marker is taken to fill, in pixels
MARKER_PIXELS = 3.0
#: a point hidden under a label costs as much as this much more label area
#: covered: it is the point's only mark
MARKER_WEIGHT = 20.0


def place_labels(figure: Figure, axes, words: list[str], points: np.ndarray,
                 fontsize: float) -> None:
    """Label each point with its word, at the first of LABEL_PLACES that
    covers no label placed before and no other point and stays inside the
    axes (else where it does least of that), so that close words stay readable."""
    renderer = figure.canvas.get_renderer()
    frame = axes.get_window_extent(renderer).extents
    centres = axes.transData.transform(points)
    markers = np.hstack([centres - MARKER_PIXELS, centres + MARKER_PIXELS])
    placed: list[np.ndarray] = []
    for i, (word, point) in enumerate(zip(words, points)):
        # parse_math=False: a word is shown as it is spelled, never read as
        # TeX ("$5-$10", "$a^$" would fail to draw)
        label = axes.annotate(word, tuple(point), xytext=LABEL_PLACES[0][0],
                              textcoords="offset points", fontsize=fontsize, parse_math=False)
        best = None
        for offset, ha, va in LABEL_PLACES:
            _move(label, offset, ha, va)
            box = label.get_window_extent(renderer).extents
            cost = (_covered(box, placed) + _outside(box, frame)
                    + MARKER_WEIGHT * _covered(box, np.delete(markers, i, axis=0)))
            if best is None or cost < best[0]:
                best = (cost, offset, ha, va, box)
            if cost == 0:
                break
        _, offset, ha, va, box = best
        _move(label, offset, ha, va)
        placed.append(box)


def _move(label, offset: tuple[float, float], ha: str, va: str) -> None:
    label.xyann = offset
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)


def _outside(box: np.ndarray, frame: np.ndarray) -> float:
    """The area of ``box`` outside ``frame``."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    return float(area - _covered(box, [frame]))


def _covered(box: np.ndarray, others) -> float:
    """The area of ``box`` (x0, y0, x1, y1) that ``others`` cover, summed."""
    if len(others) == 0:
        return 0.0
    others = np.asarray(others)
    width = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    height = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(width, 0, None) * np.clip(height, 0, None)))
