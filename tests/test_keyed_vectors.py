"""KeyedVectors answers gensim 4's KeyedVectors calls as gensim does: each
query is compared with gensim's KeyedVectors holding the same vectors."""
import sys
import types

import numpy as np
import pytest

from conftest import requires_gensim
from w2vpy import KeyedVectors, W2VError, WordVectors
from w2vpy.errors import CorruptInputError


def random_vectors(n: int = 40, size: int = 8, seed: int = 0, marker: bool = False):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    if marker:
        words[0] = "</s>"
    return KeyedVectors(words, rng.standard_normal((n, size)).astype(np.float32),
                        np.arange(10 * n, 0, -10))


@pytest.fixture
def pair():
    """The same vectors as w2vpy's and as gensim's KeyedVectors."""
    kv = random_vectors()
    return kv, kv.to_gensim()


def same_neighbours(ours, theirs):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def test_keyed_vectors_is_word_vectors_under_gensim_s_name():
    assert WordVectors is KeyedVectors
    empty = KeyedVectors(3)
    assert len(empty) == 0 and empty.vector_size == 3 and empty.vectors.shape == (0, 3)
    assert KeyedVectors(vector_size=2, dtype=np.float64).vectors.dtype == np.float64


# ---- queries, against gensim's ------------------------------------------------------------

@requires_gensim
@pytest.mark.parametrize("call", [
    lambda kv: kv.most_similar("w3", topn=5),
    lambda kv: kv.most_similar(positive=["w1", "w2"], negative=["w5"], topn=4),
    lambda kv: kv.most_similar(positive=[("w1", 2.0), ("w2", 0.5)], topn=4),
    lambda kv: kv.most_similar("w3", topn=5, restrict_vocab=10),
    lambda kv: kv.similar_by_word("w7", topn=3),
    lambda kv: kv.similar_by_key("w7", topn=3),
    lambda kv: kv.similar_by_vector(kv.vectors[4] + 0.1, topn=3),
    lambda kv: kv.most_similar_cosmul(positive=["w1", "w2"], negative=["w5"], topn=4),
    lambda kv: kv.most_similar_cosmul("w9", topn=4),
])
def test_neighbours_are_gensim_s(pair, call):
    ours, theirs = pair
    same_neighbours(call(ours), call(theirs))


@requires_gensim
@pytest.mark.parametrize("call", [
    lambda kv: kv.most_similar("w3", topn=None),
    lambda kv: kv.most_similar_cosmul("w3", "w4", topn=None),
    lambda kv: kv.distances("w3"),
    lambda kv: kv.distances("w3", ["w1", "w9"]),
    lambda kv: kv.get_mean_vector(["w1", "w2", "absent"], [1, 2, 3]),
    lambda kv: kv.get_mean_vector(["w1", "w2"], pre_normalize=False, post_normalize=True),
    lambda kv: kv.get_vector("w5", norm=True),
    lambda kv: kv.get_normed_vectors(),
    lambda kv: [kv.distance("w1", "w2"), kv.n_similarity(["w1", "w2"], ["w3"]),
                kv.relative_cosine_similarity("w1", "w2", 5), kv.rank("w1", "w8")],
])
def test_values_are_gensim_s(pair, call):
    ours, theirs = pair
    assert np.allclose(call(ours), call(theirs), atol=1e-5)


def test_n_similarity_of_one_key_each_is_similarity_exactly():
    kv = random_vectors(n=60, size=7, seed=4)
    keys = kv.index_to_key
    for a in keys[:20]:
        for b in keys:
            assert kv.n_similarity([a], [b]) == kv.similarity(a, b), (a, b)
    assert kv.n_similarity(["w3"], ["w3"]) == 1.0


def test_n_similarity_is_the_cosine_of_the_means():
    kv = random_vectors(size=6, seed=2)
    first = kv.vectors[[1, 2]].astype(np.float64).mean(axis=0)
    second = kv.vectors[5].astype(np.float64)
    cosine = first @ second / (np.linalg.norm(first) * np.linalg.norm(second))
    assert kv.n_similarity(["w1", "w2", "absent"], ["w5"]) == pytest.approx(cosine, abs=1e-6)
    assert isinstance(kv.n_similarity(["w1"], ["w2"]), float)


@pytest.mark.parametrize("ws1, ws2, named", [(["w1"], [], "ws2 is"), ([], ["w1"], "ws1 is"),
                                              ([], [], "ws1 and ws2 are")])
def test_n_similarity_of_an_empty_list_is_gensim_s_zero_division(ws1, ws2, named):
    kv = random_vectors()
    with pytest.raises(W2VError, match=f"n_similarity: {named} empty") as caught:
        kv.n_similarity(ws1, ws2)
    assert isinstance(caught.value, ZeroDivisionError)


@requires_gensim
def test_set_answers_are_gensim_s(pair):
    ours, theirs = pair
    assert ours.closer_than("w1", "w8") == theirs.closer_than("w1", "w8")
    assert ours.most_similar_to_given("w1", ["w2", "w8", "w9"]) == \
        theirs.most_similar_to_given("w1", ["w2", "w8", "w9"])
    assert ours.doesnt_match(["w1", "w2", "w3", "w4"]) == theirs.doesnt_match(["w1", "w2", "w3", "w4"])
    assert [w for _, w in ours.rank_by_centrality(["w1", "w2", "w3"])] == \
        [w for _, w in theirs.rank_by_centrality(["w1", "w2", "w3"])]
    assert ours.distance("w4", "w4") == 0


@requires_gensim
def test_norms_and_unit_normalize_all_are_gensim_s(pair):
    ours, theirs = pair
    assert ours.norms is None
    ours.fill_norms()
    theirs.fill_norms()
    assert np.allclose(ours.norms, theirs.norms)
    ours.unit_normalize_all()
    theirs.unit_normalize_all()
    assert np.allclose(ours.vectors, theirs.vectors) and np.allclose(ours.norms, 1)
    same_neighbours(ours.most_similar("w2"), theirs.most_similar("w2"))


def test_topn_none_and_zero():
    kv = random_vectors()
    sims = kv.most_similar("w3", topn=None)
    assert isinstance(sims, np.ndarray) and sims.shape == (len(kv),)
    assert kv.most_similar("w3", topn=0) == [] and kv.most_similar("w3", topn=np.uint8(0)) == []


def test_get_vector_is_read_only_and_int_keys_are_rows():
    kv = random_vectors()
    with pytest.raises(ValueError):
        kv.get_vector("w1")[0] = 5
    assert np.array_equal(kv[3], kv["w3"]) and 3 in kv and kv.has_index_for("w3")
    assert "nope" not in kv and not kv.has_index_for(len(kv))


# ---- </s> ------------------------------------------------------------------------------------

def test_end_of_line_marker_is_never_a_neighbour():
    kv = random_vectors(marker=True)
    kv.vectors[0] = kv.vectors[5] * 2  # the nearest row to w5, were it a word
    kv.vectors_changed()
    assert kv.index_to_key[0] == "</s>" and "</s>" in kv
    for answer, query_words in ((kv.most_similar("w5", topn=len(kv)), 1),
                                (kv.similar_by_vector(kv["w5"], topn=len(kv)), 0),
                                (kv.most_similar_cosmul("w5", topn=len(kv)), 1)):
        assert "</s>" not in [w for w, _ in answer]
        assert len(answer) == len(kv) - 1 - query_words
    assert "</s>" not in kv.closer_than("w5", "w9")
    assert kv.most_similar("w5", topn=None)[0] == -np.inf


# ---- growing ----------------------------------------------------------------------------------

@requires_gensim
def test_add_vectors_and_setitem_as_gensim(pair):
    ours, theirs = pair
    rng = np.random.default_rng(1)
    new = rng.standard_normal((3, 8)).astype(np.float32)
    for kv in (ours, theirs):
        kv.add_vectors(["n1", "n2", "w1"], new)
        kv["w2"] = new[0]
        kv[["n3", "w3"]] = new[1:]
        assert kv.add_vector("n4", new[2]) == len(kv) - 1
    assert ours.index_to_key == theirs.index_to_key
    assert np.array_equal(ours.vectors, theirs.vectors)
    assert ours.get_vecattr("n1", "count") == 0 and ours.get_vecattr("w5", "count") == 350
    same_neighbours(ours.most_similar("n1"), theirs.most_similar("n1"))


def test_empty_keyed_vectors_fill_in_order():
    kv = KeyedVectors(2, count=2)
    assert kv.add_vector("a", [1, 0]) == 0 and kv.add_vector("b", [0, 1]) == 1
    kv.add_vectors("c", [1, 1])
    assert kv.index_to_key == ["a", "b", "c"] and kv.vectors.shape == (3, 2)
    assert kv.most_similar("a", topn=1)[0][0] == "c"


@pytest.mark.parametrize("call, message", [
    (lambda kv: kv.add_vector("x", np.zeros(3)), r"shape \(1, 3\): each must hold 8 values"),
    (lambda kv: kv.add_vectors(["x"], np.full((1, 8), np.nan)), "NaN or infinity"),
    (lambda kv: kv.add_vectors([5], np.ones((1, 8))), "a key must be a non-empty str"),
    (lambda kv: kv.add_vectors(["x", "y"], np.ones((1, 8))), "2 keys but 1 vectors"),
    (lambda kv: KeyedVectors(4, dtype=np.int32), "dtype must be a floating-point type"),
])
def test_bad_additions_are_refused(call, message):
    kv = random_vectors()
    with pytest.raises(W2VError, match=message):
        call(kv)
    assert len(kv) == 40


def test_vecattrs():
    kv = random_vectors()
    assert kv.get_vecattr("w2", "count") == 380
    kv.set_vecattr("w2", "count", 7)
    kv.set_vecattr("w2", "lockf", 0.5)
    assert kv.get_count("w2") == 7 and kv.get_vecattr("w2", "lockf") == 0.5
    with pytest.raises(KeyError, match="no attribute 'other'"):
        kv.get_vecattr("w2", "other")


@requires_gensim
def test_vectors_for_all_as_gensim(pair):
    ours, theirs = pair
    for copy in (False, True):
        a = ours.vectors_for_all(["w3", "nope", "w1", "w3"], copy_vecattrs=copy)
        b = theirs.vectors_for_all(["w3", "nope", "w1", "w3"], copy_vecattrs=copy)
        assert a.index_to_key == b.index_to_key and np.array_equal(a.vectors, b.vectors)
        assert [a.get_vecattr(k, "count") for k in a.index_to_key] == \
            [b.get_vecattr(k, "count") for k in b.index_to_key]


# ---- files -------------------------------------------------------------------------------------

def test_save_word2vec_format_is_text_by_default_and_exact(tmp_path):
    kv = random_vectors()
    kv.save_word2vec_format(tmp_path / "v.txt")
    text = (tmp_path / "v.txt").read_bytes()
    assert text.startswith(b"40 8\nw0 ") and text.decode("ascii")
    back = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", binary=False)
    assert back.index_to_key == kv.index_to_key and np.array_equal(back.vectors, kv.vectors)


@requires_gensim
@pytest.mark.parametrize("binary", [False, True])
def test_save_word2vec_format_as_gensim_s(tmp_path, binary):
    """Rows in descending count (gensim sorts by it), the vocabulary file as
    gensim writes it, and each reads the other's."""
    kv = random_vectors()
    kv.counts = np.arange(len(kv)) % 7
    g = kv.to_gensim()
    kv.save_word2vec_format(tmp_path / "ours", fvocab=tmp_path / "ours.vocab", binary=binary)
    g.save_word2vec_format(str(tmp_path / "theirs"), fvocab=str(tmp_path / "theirs.vocab"),
                           binary=binary)
    assert (tmp_path / "ours.vocab").read_bytes() == (tmp_path / "theirs.vocab").read_bytes()
    from gensim.models import KeyedVectors as GensimKeyedVectors
    for name in ("ours", "theirs"):
        mine = KeyedVectors.load_word2vec_format(tmp_path / name, fvocab=tmp_path / f"{name}.vocab",
                                                 binary=binary)
        gensims = GensimKeyedVectors.load_word2vec_format(
            str(tmp_path / name), fvocab=str(tmp_path / f"{name}.vocab"), binary=binary)
        assert mine.index_to_key == list(gensims.index_to_key)
        assert np.array_equal(mine.vectors, gensims.vectors)
        assert mine.counts.tolist() == gensims.expandos["count"].tolist()


def test_header_total_vec_prefix_and_append(tmp_path):
    kv = random_vectors(3, 2)
    kv.save_word2vec_format(tmp_path / "v.txt", write_header=False)
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.txt", no_header=True).index_to_key == \
        kv.index_to_key
    kv.save_word2vec_format(tmp_path / "a.txt", total_vec=6, prefix="a_")
    kv.save_word2vec_format(tmp_path / "a.txt", write_header=False, prefix="b_", append=True)
    both = KeyedVectors.load_word2vec_format(tmp_path / "a.txt")
    assert both.index_to_key == ["a_w0", "a_w1", "a_w2", "b_w0", "b_w1", "b_w2"]


@requires_gensim
@pytest.mark.parametrize("datatype", [np.float16, np.float32, np.float64])
def test_load_word2vec_format_as_gensim_s(tmp_path, datatype):
    random_vectors().save(tmp_path / "v.bin")
    from gensim.models import KeyedVectors as GensimKeyedVectors
    ours = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", binary=True, datatype=datatype)
    theirs = GensimKeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), binary=True,
                                                     datatype=datatype)
    assert ours.vectors.dtype == theirs.vectors.dtype == datatype
    assert np.array_equal(ours.vectors, theirs.vectors)
    assert ours.counts.tolist() == theirs.expandos["count"].tolist()  # gensim's made-up counts
    same_neighbours(ours.most_similar("w1"), theirs.most_similar("w1"))


def test_fvocab_and_bad_words(tmp_path):
    (tmp_path / "v.txt").write_bytes(b"2 2\nab\xff 1 2\ncd 3 4\n")
    (tmp_path / "vocab").write_bytes(b"ab\xff 12\ncd 5\n")
    with pytest.raises(UnicodeDecodeError) as caught:
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "vocab")
    assert isinstance(caught.value, CorruptInputError) and "v.txt:2: word" in str(caught.value)
    kv = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "vocab",
                                           unicode_errors="ignore")
    assert [kv.get_vecattr(w, "count") for w in ("ab", "cd")] == [12, 5]
    (tmp_path / "bad").write_bytes(b"ab 12 3\n")
    with pytest.raises(CorruptInputError, match="bad:1: expected 'word count'"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "bad",
                                          unicode_errors="ignore")


def test_save_without_counts_refuses_a_vocabulary_file(tmp_path):
    kv = KeyedVectors(["a"], np.ones((1, 2)))
    with pytest.raises(W2VError, match="no 'count' attribute"):
        kv.save_word2vec_format(tmp_path / "v", fvocab=tmp_path / "vocab")
    assert not (tmp_path / "v").exists()


@requires_gensim
def test_load_reads_ours_and_gensim_s_saved_vectors(tmp_path):
    kv = random_vectors()
    kv.save(tmp_path / "ours.bin")
    assert KeyedVectors.load(tmp_path / "ours.bin").index_to_key == kv.index_to_key
    kv.to_gensim().save(str(tmp_path / "gensim.kv"))
    back = KeyedVectors.load(tmp_path / "gensim.kv")
    assert isinstance(back, KeyedVectors) and np.array_equal(back.vectors, kv.vectors)
    assert back.counts.tolist() == kv.counts.tolist()


# ---- evaluation, against gensim's -----------------------------------------------------------

@pytest.fixture
def toy_pair():
    """Analogy-friendly vectors (man:woman = king:queen), mixed case."""
    def unit(*xs):
        v = np.array(xs, dtype=np.float32)
        return v / np.linalg.norm(v)
    words = ["</s>", "man", "woman", "King", "queen", "paris", "france", "rome", "italy", "x"]
    vectors = np.stack([unit(0, 0, 0, 1), unit(1, 0, 0, .1), unit(1, 1, 0, .1), unit(1, 0, 1, .1),
                        unit(1, 1, 1, .1), unit(0, 0, 1, -1), unit(0, 1, 1, -1),
                        unit(0, 0, 1.1, -1.2), unit(0, 1, 1.1, -1.2), unit(.3, .2, .1, 0)])
    kv = KeyedVectors(words, vectors, np.arange(10, 0, -1))
    return kv, kv.to_gensim()


QUESTIONS = (": capitals\nParis France Rome Italy\nparis france rome spain\nparis france\n"
             ": family\nman woman king queen\nman woman King queen\nman woman x queen\n")


@requires_gensim
@pytest.mark.parametrize("options", [{}, {"case_insensitive": False}, {"dummy4unknown": True},
                                     {"restrict_vocab": 5}])
def test_evaluate_word_analogies_is_gensim_s(toy_pair, tmp_path, options):
    ours, theirs = toy_pair
    (tmp_path / "q.txt").write_text(QUESTIONS)
    score, sections = ours.evaluate_word_analogies(tmp_path / "q.txt", **options)
    assert (score, sections) == theirs.evaluate_word_analogies(str(tmp_path / "q.txt"), **options)
    assert sections[-1]["section"] == "Total accuracy"


def test_evaluate_word_analogies_similarity_functions(toy_pair, tmp_path):
    ours, _ = toy_pair
    (tmp_path / "q.txt").write_text(QUESTIONS)
    score, _ = ours.evaluate_word_analogies(tmp_path / "q.txt",
                                            similarity_function="most_similar_cosmul")
    assert score > 0
    with pytest.raises(W2VError, match="similarity_function must be one of"):
        ours.evaluate_word_analogies(tmp_path / "q.txt", similarity_function="bogus")
    (tmp_path / "orphan.txt").write_text("man woman king queen\n")
    with pytest.raises(CorruptInputError, match="orphan.txt:1: a question before"):
        ours.evaluate_word_analogies(tmp_path / "orphan.txt")
    (tmp_path / "c.txt").write_text(QUESTIONS.replace("paris france\n", ""))
    assert ours.analogy_accuracy(tmp_path / "c.txt", 0).seen == 4  # compute-accuracy's object


@requires_gensim
@pytest.mark.parametrize("options", [{}, {"dummy4unknown": True}, {"case_insensitive": False}])
def test_evaluate_word_pairs_is_gensim_s(toy_pair, tmp_path, options):
    ours, theirs = toy_pair
    (tmp_path / "p.tsv").write_text("# a comment\nman\twoman\t7\nKing\tqueen\t8.5\n"
                                    "paris\tfrance\t9\nrome\tpizza\t3\nman\tx\t1\nbad line\n"
                                    "king\tman\t4\n")
    (pearson, p1), (spearman, p2), oov = ours.evaluate_word_pairs(tmp_path / "p.tsv", **options)
    g_pearson, g_spearman, g_oov = theirs.evaluate_word_pairs(str(tmp_path / "p.tsv"), **options)
    assert np.allclose([pearson, p1, spearman, p2, oov],
                       [g_pearson[0], g_pearson[1], g_spearman[0], g_spearman[1], g_oov], atol=1e-5)
    assert oov > 1  # a percentage, as gensim's


# ---- wmdistance --------------------------------------------------------------------------------

def exact_emd2(a, b, cost):
    """The exact earth mover's distance by linear programming (POT's emd2's answer)."""
    from scipy.optimize import linprog
    n, m = cost.shape
    rows = [np.kron(np.eye(n)[i], np.ones(m)) for i in range(n)]
    cols = [np.kron(np.ones(n), np.eye(m)[j]) for j in range(m)]
    res = linprog(cost.ravel(), A_eq=np.array(rows + cols), b_eq=np.concatenate([a, b]))
    return res.fun


@requires_gensim
def test_wmdistance_is_gensim_s(pair, monkeypatch):
    ours, theirs = pair
    monkeypatch.setitem(sys.modules, "ot", types.SimpleNamespace(emd2=exact_emd2))
    for d1, d2 in ((["w1", "w2", "w2"], ["w3", "w4"]), (["w1", "nope"], ["w1"]), (["w1"], ["nope"])):
        for norm in (True, False):
            assert np.isclose(ours.wmdistance(d1, d2, norm=norm), theirs.wmdistance(d1, d2, norm=norm))


def test_wmdistance_without_pot_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ot", None)
    with pytest.raises(W2VError, match="wmdistance needs POT.*pip install POT"):
        random_vectors().wmdistance(["w1"], ["w2"])
