import numpy as np
import pytest

from conftest import DEMO_CORPUS, SHARED, requires_gensim
from w2vpy import W2VError, WordVectors, train
from w2vpy.vectors.evaluation import analogy_accuracy, evaluate_word_pairs


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def toy():
    # man:woman = king:queen holds exactly; "Paris" is found case-insensitively
    words = ["</s>", "man", "woman", "king", "queen", "paris", "france", "rome", "italy"]
    vecs = np.stack([
        unit(0, 0, 0, 1), unit(1, 0, 0, 0.1), unit(1, 1, 0, 0.1), unit(1, 0, 1, 0.1),
        unit(1, 1, 1, 0.1), unit(0, 0, 1, -1), unit(0, 1, 1, -1), unit(0, 0, 1.1, -1.2),
        unit(0, 1, 1.1, -1.2)])
    return WordVectors(words, vecs)


def test_counting_rules(toy, tmp_path):
    q = tmp_path / "q.txt"
    q.write_text(": capital-common-countries\nParis France Rome Italy\nParis France Rome Spain\n"
                 ": family\nman woman king queen\nman woman king prince\n"
                 ": s3\n: s4\n: s5\n"
                 ": gram1-adjective-to-adverb\nman king woman queen\n")
    r = analogy_accuracy(toy, q, restrict_vocab=0)
    assert r.questions_total == 5
    # Spain/prince are unknown: those questions are not seen
    assert [s.seen for s in r.sections] == [1, 1, 0, 0, 0, 1]
    assert r.sections[0].correct == 1 and r.sections[1].correct == 1
    # the first five sections are semantic, as in compute-accuracy
    assert r.semantic_seen == 2 and r.syntactic_seen == 1
    assert "Questions seen / total: 3 5" in r.report()


def test_restriction_hides_rare_words(toy, tmp_path):
    q = tmp_path / "q.txt"
    q.write_text(": family\nman woman king queen\n")
    assert analogy_accuracy(toy, q, restrict_vocab=4).seen == 0
    assert analogy_accuracy(toy, q, restrict_vocab=5).seen == 1


def test_most_similar_and_friends(toy):
    assert toy.most_similar(positive=["woman", "king"], negative=["man"], topn=1)[0][0] == "queen"
    assert toy.most_similar("king", topn=3)[0][0] in ("queen", "man")
    assert toy.similarity("king", "king") == pytest.approx(1.0)
    assert toy.doesnt_match(["man", "woman", "king", "paris"]) == "paris"
    assert "king" in toy and "emperor" not in toy
    with pytest.raises(KeyError, match="emperor"):
        toy["emperor"]


def test_word_pairs(toy, tmp_path):
    p = tmp_path / "pairs.tsv"
    p.write_text("# comment\nWord 1\tWord 2\tHuman (mean)\nking\tqueen\t9\nman\twoman\t8\n"
                 "paris\tking\t1\nrome\tparis\t7\nfoo\tbar\t5\n")
    r = evaluate_word_pairs(toy, p)
    assert r.pairs_total == 5 and r.pairs_used == 4 and r.oov_ratio == pytest.approx(0.2)
    assert -1 <= r.spearman <= 1 and -1 <= r.pearson <= 1


@requires_gensim
@pytest.mark.skipif(not (SHARED / "questions-words.txt").exists(),
                    reason="../shared/corpus/questions-words.txt not available")
def test_accuracy_matches_gensim(tmp_path):
    from gensim.models import KeyedVectors
    kv = train(DEMO_CORPUS, vector_size=50, sample=1e-4, epochs=1, workers=2, min_count=5)
    path = tmp_path / "v.bin"
    kv.save(path)
    ours = analogy_accuracy(kv, SHARED / "questions-words.txt", 30000)
    g = KeyedVectors.load_word2vec_format(str(path), binary=True)
    score, _ = g.evaluate_word_analogies(str(SHARED / "questions-words.txt"), restrict_vocab=30000)
    assert ours.seen > 1000
    assert abs(ours.accuracy - score) * 100 < 0.1


# ---- zero vectors, as compute-accuracy treats them; words split as word2vec.c ----------

@pytest.fixture
def toy_with_zero(toy):
    """The toy vectors with an all-zero row early in the vocabulary."""
    words = toy.index_to_key[:1] + ["zero"] + toy.index_to_key[1:]
    vectors = np.insert(toy.vectors, 1, 0.0, axis=0)
    return WordVectors(words, vectors)


def test_a_zero_vector_never_answers_and_its_questions_are_missed(toy_with_zero, tmp_path):
    """compute-accuracy divides a zero row by its length (NaN), which never wins
    a comparison: the other questions keep their answers."""
    q = tmp_path / "q.txt"
    q.write_text(": capital-common-countries\nParis France Rome Italy\n"
                 ": family\nman woman king queen\nman woman zero queen\nzero woman king queen\n")
    r = analogy_accuracy(toy_with_zero, q, restrict_vocab=0)
    assert [(s.correct, s.seen) for s in r.sections] == [(1, 1), (1, 3)]
    assert "Total accuracy: 50.00 %" in r.report()


def test_most_similar_never_ranks_a_zero_vector(toy_with_zero):
    everything = toy_with_zero.most_similar("king", topn=100)
    assert "zero" not in [w for w, _ in everything]
    assert len(everything) == len(toy_with_zero) - 3  # neither king, zero nor </s>
    assert all(np.isfinite(score) for _, score in everything)


@pytest.mark.parametrize("positive, negative, message", [
    (["zero"], [], "word 'zero' has a zero vector"),
    (["king", "zero"], [], "word 'zero' has a zero vector"),
    (["king"], ["king"], "the query has no direction"),
    ([np.zeros(4, np.float32)], [], "the query has no direction"),
    ([np.full(4, np.nan, np.float32)], [], "NaN or infinity"),
])
def test_a_query_without_direction_is_refused(toy_with_zero, positive, negative, message):
    with pytest.raises(W2VError, match=message):
        toy_with_zero.most_similar(positive=positive, negative=negative)


def test_similarity_and_doesnt_match_refuse_a_zero_vector(toy_with_zero):
    with pytest.raises(W2VError, match="'zero' has a zero vector"):
        toy_with_zero.similarity("king", "zero")
    with pytest.raises(W2VError, match="'zero' has a zero vector"):
        toy_with_zero.doesnt_match(["man", "woman", "zero"])


def test_word_pairs_split_only_at_spaces_and_tabs(tmp_path):
    """A non-breaking space is part of a word, as in word2vec.c's tools; a pair
    with a zero vector has no cosine and is not used."""
    kv = WordVectors(["new\u00a0york", "city", "town", "zero"],
                     np.array([[1, 0], [1, 0.1], [0.1, 1], [0, 0]], dtype=np.float32))
    p = tmp_path / "pairs.txt"
    p.write_text("new\u00a0york city 9\nnew\u00a0york town 2\ncity town 3\ncity zero 4\n",
                 encoding="utf-8")
    r = evaluate_word_pairs(kv, p)
    assert (r.pairs_total, r.pairs_used) == (4, 3)
    assert r.spearman == pytest.approx(1.0)


def test_questions_are_read_a_line_at_a_time(toy, tmp_path):
    """An overlong line is refused by its number, not read whole."""
    q = tmp_path / "q.txt"
    q.write_bytes(b": family\nman woman king queen\n" + b"x" * (1 << 17) + b"\n")
    with pytest.raises(W2VError, match=r"q.txt:3: line longer than"):
        analogy_accuracy(toy, q)


@pytest.mark.parametrize("call, message", [
    (lambda kv, q: kv.most_similar("king", restrict_vocab=-2), "restrict_vocab must be >= 1"),
    (lambda kv, q: kv.most_similar("king", topn=-1), "topn must be >= 0, got -1"),
    (lambda kv, q: kv.most_similar("king", topn=2.5), "topn must be a whole number"),
    (lambda kv, q: analogy_accuracy(kv, q, restrict_vocab=-3), "restrict_vocab must be >= 0"),
    (lambda kv, q: analogy_accuracy(kv, q, restrict_vocab=True), "a whole number, got True"),
])
def test_counts_that_would_slice_the_vocabulary_wrong_are_refused(toy, tmp_path, call, message):
    q = tmp_path / "q.txt"
    q.write_text(": family\nman woman king queen\n")
    with pytest.raises(W2VError, match=message):
        call(toy, q)
