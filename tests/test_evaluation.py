import numpy as np
import pytest

from conftest import DEMO_CORPUS, SHARED, requires_gensim
from w2vpy import WordVectors, train
from w2vpy.evaluation import analogy_accuracy, evaluate_word_pairs


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
