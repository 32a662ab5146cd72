"""The pictures (w2vpy.plots) and the Embedding Projector export
(w2vpy.vectors.projector), each drawn from a model really trained on the topic
corpus; files are checked for what they hold, never pixel by pixel."""
from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import topic_corpus
from w2vpy import W2VError, cli
from w2vpy.model import Word2Vec
from w2vpy.vectors import projector
from w2vpy.word_vectors import KeyedVectors

pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
from w2vpy import plots  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("plots") / "topics.txt"
    return path, topic_corpus(path)


@pytest.fixture(scope="module")
def model(corpus) -> Word2Vec:
    trained = Word2Vec(vector_size=20, min_count=1, epochs=4, workers=1, sg=True,
                       compute_loss=True)
    trained.build_vocab(str(corpus[0]))
    trained.train(str(corpus[0]))
    return trained


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def drawn_texts(figure) -> list[str]:
    """The labels the Agg renderer drew: each has a non-empty extent."""
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    return [t.get_text() for t in axes.texts if t.get_window_extent(renderer).width > 0]


# ---- the loss ----------------------------------------------------------------------

def test_the_loss_curve_shows_each_epoch_per_word(model, tmp_path):
    out = tmp_path / "loss.png"
    figure = model.plot_loss(out)
    assert png_size(out) == (600, 400)
    axes = figure.axes[0]
    (line,) = axes.get_lines()
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    expected = np.array(model.loss_history) / model.corpus_tokens
    np.testing.assert_allclose(line.get_ydata(), expected)
    assert line.get_marker() == "o"
    assert axes.get_xlabel() == "epoch" and axes.get_ylabel() == "loss per word"
    assert "skip-gram, negative 5, size 20" in axes.get_title()
    assert list(tmp_path.iterdir()) == [out]


def test_the_loss_curve_needs_compute_loss(corpus, tmp_path):
    quiet = Word2Vec(vector_size=10, min_count=1, epochs=1, workers=1)
    quiet.build_vocab(str(corpus[0]))
    quiet.train(str(corpus[0]))
    with pytest.raises(W2VError, match="compute_loss=True"):
        quiet.plot_loss(tmp_path / "loss.png")
    assert not (tmp_path / "loss.png").exists()


def test_a_picture_path_must_name_a_format(model, tmp_path):
    with pytest.raises(W2VError, match=r"loss\.xyz.*\.png"):
        model.plot_loss(tmp_path / "loss.xyz")
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_the_error_names_the_extra(model, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(W2VError, match=r"matplotlib.*w2vpy\[plot\]"):
        model.plot_loss()


# ---- the map of words ----------------------------------------------------------------

def test_the_map_labels_every_word_it_is_given(model, tmp_path):
    words = ["t0w1", "t0w2", "t1w1", "t1w2", "t2w3", "t0w1"]
    out = tmp_path / "map.png"
    figure = model.wv.plot(words, path=out)
    assert png_size(out)[0] > 400
    assert drawn_texts(figure) == ["t0w1", "t0w2", "t1w1", "t1w2", "t2w3"]
    assert "PC1" in figure.axes[0].get_xlabel()


def test_top_maps_the_most_frequent_words_without_the_line_end(model):
    figure = model.wv.plot(top=5)
    counts = dict(zip(model.wv.index_to_key, model.wv.counts))
    del counts["</s>"]
    expected = sorted(counts, key=lambda w: -counts[w])[:5]
    assert drawn_texts(figure) == expected


def test_the_map_keeps_the_topics_apart(model, corpus):
    """What training learned shows: a word's nearest point on the map is
    almost always one of its own topic."""
    vocab = corpus[1]
    words = list(vocab)
    points, _, _ = plots.word_map_points(model.wv, words, "pca")
    distance = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.fill_diagonal(distance, np.inf)
    same = [vocab[words[i]] == vocab[words[j]] for i, j in enumerate(distance.argmin(axis=1))]
    assert np.mean(same) > 0.9


def test_pca_projects_on_the_covariances_leading_eigenvectors():
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(30, 6)) * [5, 3, 1, 1, 1, 1]
    points, share = plots.pca_2d(rows)
    values, vectors = np.linalg.eigh(np.cov(rows, rowvar=False))
    leading = vectors[:, ::-1][:, :2]
    centred = rows - rows.mean(axis=0)
    np.testing.assert_allclose(np.abs(points), np.abs(centred @ leading), atol=1e-9)
    np.testing.assert_allclose(share, values[::-1][:2] / values.sum())
    np.testing.assert_allclose(plots.pca_2d(rows[::-1])[0], points[::-1], atol=1e-9)


def test_labels_of_close_points_do_not_cover_each_other():
    points = np.array([[0, 0], [0.01, 0], [0, 0.01], [0.01, 0.01], [5, 5], [-5, -5]])
    figure = plots._figure(5, 4)
    axes = figure.add_subplot()
    axes.scatter(points[:, 0], points[:, 1])
    figure.draw_without_rendering()
    plots.place_labels(figure, axes, ["alpha", "beta", "gamma", "delta", "far", "away"],
                       points, fontsize=9)
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in axes.texts]
    assert [t.get_text() for t in axes.texts] == ["alpha", "beta", "gamma", "delta", "far",
                                                  "away"]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.mark.parametrize("arguments, message", [
    ({"words": ["t0w1", "nosuchword"]}, "not in the vocabulary: 'nosuchword'"),
    ({"words": ["t0w1"]}, "at least 2 words"),
    ({"words": ["t0w1", "t0w2"], "top": 3}, "words or top, not both"),
    ({"top": 1}, "top must be an integer >= 2"),
    ({"top": 2, "method": "umap"}, "method must be one of pca, tsne, got 'umap'"),
])
def test_the_map_refuses_what_it_cannot_draw(model, arguments, message):
    with pytest.raises(W2VError, match=message):
        model.wv.plot(**arguments)


def test_a_word_without_direction_is_refused_by_name_and_skipped_from_top():
    rows = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    kv = KeyedVectors(["a", "zero", "b", "c"], rows, counts=[9, 8, 7, 6])
    with pytest.raises(W2VError, match="no direction to map .*'zero'"):
        kv.plot(["a", "zero", "b"])
    assert drawn_texts(kv.plot(top=3)) == ["a", "b", "c"]


def test_a_word_is_drawn_as_spelled_never_read_as_tex(tmp_path):
    words = ["$a^$", "b$\\frac$c", "$5-$10"]
    kv = KeyedVectors(words, np.eye(3, dtype=np.float32))
    figure = kv.plot(words, path=tmp_path / "map.png")
    assert drawn_texts(figure) == words
    png_size(tmp_path / "map.png")


def test_a_map_of_more_words_than_can_be_read_is_refused():
    kv = KeyedVectors([f"w{i}" for i in range(plots.MAX_WORDS + 1)],
                      np.random.default_rng(0).normal(size=(plots.MAX_WORDS + 1, 3)))
    with pytest.raises(W2VError, match="1001 words would be unreadable: at most 1000"):
        kv.plot(top=plots.MAX_WORDS + 1)


def test_tsne_without_scikit_learn_says_what_to_install(model, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.manifold", None)
    with pytest.raises(W2VError, match="needs scikit-learn"):
        model.wv.plot(top=5, method="tsne")


# ---- the Embedding Projector ---------------------------------------------------------

def test_the_projector_files_hold_every_vector_and_count(model, tmp_path):
    config = model.wv.save_projector(tmp_path / "projector")
    assert config == tmp_path / "projector" / "projector_config.pbtxt"
    read = np.loadtxt(tmp_path / "projector" / "tensors.tsv", delimiter="\t", dtype=np.float32)
    np.testing.assert_array_equal(read, model.wv.vectors)
    lines = (tmp_path / "projector" / "metadata.tsv").read_text().splitlines()
    assert lines[0] == "word\tcount"
    assert lines[1:] == [f"{w}\t{c}" for w, c in zip(model.wv.index_to_key, model.wv.counts)]


def test_tensorboards_projector_plugin_serves_the_files(model, tmp_path):
    pytest.importorskip("tensorboard.plugins.projector.projector_plugin",
                        reason="tensorboard is not installed")
    import json

    from google.protobuf import text_format
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.projector import ProjectorConfig, projector_plugin
    from werkzeug.test import EnvironBuilder

    logdir = tmp_path / "logdir"
    model.wv.save_projector(logdir)
    config = text_format.Parse((logdir / "projector_config.pbtxt").read_text(),
                               ProjectorConfig())
    assert [e.tensor_path for e in config.embeddings] == ["tensors.tsv"]

    class NoRuns:  # the log directory itself is the plugin's run "."
        def list_runs(self, ctx, experiment_id):
            return []

    apps = projector_plugin.ProjectorPlugin(
        base_plugin.TBContext(logdir=str(logdir), data_provider=NoRuns())).get_plugin_apps()

    def get(route: str, **query: str) -> bytes:
        environ = EnvironBuilder(path=route, query_string=query).get_environ()
        return b"".join(apps[route](environ, lambda *args: None))

    (info,) = json.loads(get("/info", run="."))["embeddings"]
    assert info["tensorShape"] == [len(model.wv), 20]
    tensor = np.frombuffer(get("/tensor", run=".", name=info["tensorName"]), dtype=np.float32)
    np.testing.assert_array_equal(tensor.reshape(len(model.wv), 20), model.wv.vectors)
    metadata = get("/metadata", run=".", name=info["tensorName"]).decode()
    assert metadata == (logdir / "metadata.tsv").read_text()


def test_the_projector_refuses_a_label_a_tsv_row_cannot_hold(tmp_path):
    kv = KeyedVectors(["fine", "tab\there"], np.ones((2, 3)))
    with pytest.raises(W2VError, match=r"'tab\\there' \(row 1\) holds a tab"):
        kv.save_projector(tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_empty_preallocated_slot_is_no_word(tmp_path):
    kv = KeyedVectors(3, count=4)
    for key, row in (("a", [1, 0, 0]), ("b", [0, 1, 0]), ("c", [0, 0, 1])):
        kv.add_vector(key, np.array(row, dtype=np.float32))
    kv.vectors[3] = 1  # a direction, so only the missing key leaves it out
    with pytest.raises(W2VError, match="row 3 has no word"):
        kv.save_projector(tmp_path / "out")
    assert drawn_texts(kv.plot(top=10)) == ["a", "b", "c"]


def test_the_projector_writes_into_a_directory_only(tmp_path):
    taken = tmp_path / "file"
    taken.write_text("kept")
    kv = KeyedVectors(["a", "b"], np.ones((2, 3)))
    with pytest.raises(W2VError, match="is not a directory"):
        kv.save_projector(taken)
    assert taken.read_text() == "kept"


def test_tensors_give_back_each_value_exactly():
    rng = np.random.default_rng(1)
    for dtype in (np.float32, np.float64):
        rows = rng.normal(size=(5, 4)).astype(dtype) / 3
        written = io.BytesIO()
        projector.write_tensors(written, rows)
        written.seek(0)
        np.testing.assert_array_equal(np.loadtxt(written, delimiter="\t", dtype=dtype), rows)


def test_without_counts_the_count_column_is_empty():
    assert projector.metadata_text(["a", "b"], None) == "word\tcount\na\t\nb\t\n"


# ---- the command line ----------------------------------------------------------------

def test_w2v_train_draws_the_loss_plot(corpus, tmp_path, capsys):
    out, picture = tmp_path / "vectors.bin", tmp_path / "loss.png"
    assert cli.main(["-train", str(corpus[0]), "-output", str(out), "-size", "10",
                     "-min-count", "1", "-iter", "3", "-threads", "1", "-binary", "1",
                     "-debug", "0", "-compute-loss", "1", "-loss-plot", str(picture)]) == 0
    assert png_size(picture) == (600, 400)
    assert out.exists()


@pytest.mark.parametrize("changed, message", [
    ({}, "-loss-plot needs -compute-loss 1"),
    ({"-compute-loss": "1", "-output": "{d}/l.png"}, "name the same file"),
    ({"-compute-loss": "1", "-loss-plot": "{d}/l.txt"}, "picture format"),
    ({"-compute-loss": "1", "-output": None}, "-loss-plot needs -output"),
])
def test_w2v_train_refuses_a_loss_plot_it_could_not_draw_before_training(
        corpus, tmp_path, capsys, changed, message):
    flags = {"-train": str(corpus[0]), "-output": "{d}/v.bin", "-loss-plot": "{d}/l.png",
             "-min-count": "1", "-iter": "1", "-threads": "1", **changed}
    argv = [x.format(d=tmp_path) for flag, value in flags.items() if value is not None
            for x in (flag, value)]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("w2v-train: error: ") and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_w2v_plot_and_w2v_export_read_a_vectors_file(model, tmp_path, capsys):
    vectors = tmp_path / "vectors.bin"
    model.wv.save(vectors)
    picture = tmp_path / "map.png"
    assert cli.plot_main([str(vectors), "-words", "t0w1,t1w1,t2w1", "-output",
                          str(picture)]) == 0
    png_size(picture)
    assert cli.plot_main([str(vectors), "-top", "12", "-output", str(picture)]) == 0
    assert cli.export_main([str(vectors), "-format", "projector", "-output",
                            str(tmp_path / "projector")]) == 0
    lines = (tmp_path / "projector" / "metadata.tsv").read_text().splitlines()
    assert lines[1:3] == ["</s>\t", f"{model.wv.index_to_key[1]}\t"]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv, message", [
    (["{v}", "-words", "t0w1,zzz", "-output", "{d}/m.png"], "not in the vocabulary: 'zzz'"),
    (["{v}", "-words", ",,", "-output", "{d}/m.png"], "-words holds no word"),
    (["{v}", "-top", "1", "-output", "{d}/m.png"], "-top must be >= 2"),
    (["{v}", "-top", "5"], "no output: give -output <file>"),
    # the output is checked before the vectors are read
    (["{d}/absent.bin", "-top", "5", "-output", "{d}/missing/m.png"],
     "output directory does not exist"),
    (["{v}", "-method", "umap", "-output", "{d}/m.png"], "-method must be one of pca, tsne"),
])
def test_w2v_plot_refuses_bad_input_in_one_line(model, tmp_path, capsys, argv, message):
    vectors = tmp_path / "v.bin"
    model.wv.save(vectors)
    assert cli.plot_main([a.format(v=vectors, d=tmp_path) for a in argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("w2v-plot: error: ") and message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.bin"]
