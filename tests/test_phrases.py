"""Phrases: word2phrase.c's counting and rewrite, against a plain-Python
reference of its rules and against corpora worked out by hand."""
import gzip
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2vpy import W2VError, WordVectors, _core
from w2vpy.cli import phrase_main
from w2vpy.text.text_files import Corpus
from w2vpy.errors import CorruptInputError
from w2vpy.phrases import FORMAT_VERSION, PhraseModel, phrases


def reference_word2phrase(text: bytes, min_count: int, threshold: float,
                          max_vocab_size: int | None = None) -> bytes:
    """word2phrase.c's rules, written out: one table for words and "a_b"
    pairs (with the sentence token "</s>" first, as its vocabulary), pairs
    counted across line ends, ReduceVocab once per word when the table
    passes max_vocab_size, then every word written after ' ' or '_' and every line
    end kept; a pair joins when its float32 score is above the threshold,
    and a joined word starts no pair."""
    tokens: list[bytes] = []
    for line in text.replace(b"\r", b"").split(b"\n"):
        tokens.extend(line.replace(b"\t", b" ").split())
        tokens.append(b"\n")
    tokens.pop()  # the split's last piece has no line end after it
    table = {b"</s>": 0}
    min_reduce, train_words, last = 1, 0, None
    for token in tokens:
        if token == b"\n":
            continue
        train_words += 1
        table[token] = table.get(token, 0) + 1
        if last is not None:
            pair = last + b"_" + token
            table[pair] = table.get(pair, 0) + 1
        last = token
        if max_vocab_size is not None and len(table) > max_vocab_size:
            table = {k: c for i, (k, c) in enumerate(table.items()) if i == 0 or c > min_reduce}
            min_reduce += 1

    def kept(key: bytes) -> int | None:
        count = table.get(key, 0)
        return count if count >= min_count else None

    out, previous, previous_count = [], None, None
    f32 = np.float32
    for token in tokens:
        if token == b"\n":
            out.append(b"\n")
            previous_count = None
            continue
        count = kept(token)
        score = f32(0)
        if previous_count is not None and count is not None:
            pair_count = kept(previous + b"_" + token)
            if pair_count is not None:
                score = (f32(pair_count - min_count) / f32(previous_count) / f32(count)
                         * f32(train_words))
        joined = score > f32(threshold)
        out.append((b"_" if joined else b" ") + token)
        previous, previous_count = token, None if joined else count
    return b"".join(out)


def run_phrases(tmp: Path, text: bytes, **options) -> bytes:
    source, output = tmp / "in.txt", tmp / "out.txt"
    source.write_bytes(text)
    phrases(source, output, **options)
    return output.read_bytes()


WORDS = st.sampled_from([b"a", b"b", b"c", b"d", b"a_b", b"b_c", b"</s>", b"new"])
SEPARATORS = st.sampled_from([b" ", b"  ", b"\t", b"\n", b"\r\n", b" \n"])


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.tuples(WORDS, SEPARATORS), max_size=120),
       min_count=st.integers(1, 3), threshold=st.sampled_from([0.0, 0.5, 1.0, 2.0, 10.0, 100.0]),
       max_vocab_size=st.sampled_from([None, 4, 6, 9]))
def test_output_is_the_reference_byte_for_byte(pieces, min_count, threshold, max_vocab_size):
    text = b"".join(w + s for w, s in pieces)
    options = dict(min_count=min_count, threshold=threshold)
    with tempfile.TemporaryDirectory() as tmp:
        if not text.split():
            with pytest.raises(W2VError, match="empty"):
                run_phrases(Path(tmp), text, **options)
            return
        got = run_phrases(Path(tmp), text, **options,
                          **({} if max_vocab_size is None else {"max_vocab_size": max_vocab_size}))
    assert got == reference_word2phrase(text, min_count, threshold, max_vocab_size)


HAND_CORPUS = b"new york\n" * 10 + b"new jersey\n" * 5 + b"old york\n" * 5


def test_scores_worked_out_by_hand(tmp_path):
    """new 15, york 15, jersey 5, old 5, 40 words; new_york 10.  Its score is
    (10 - 5) / 15 / 15 * 40 = 0.888...; new_jersey's (5 - 5) / 15 / 5 * 40 = 0.
    Pairs across line ends count too, as in word2phrase: york_new 10."""
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    model = PhraseModel.learn(path)
    assert (model.count("new"), model.count("york"), model.count("jersey")) == (15, 15, 5)
    assert (model.count("new_york"), model.count("new_jersey"), model.count("york_new")) == (
        10, 5, 10)
    assert model.count("jersey_old") == 0  # seen once: under min_count
    assert model.train_words == 40
    score = _core.phrase_score(10, 15, 15, 5, 40)
    assert score == np.float32(5) / np.float32(15) / np.float32(15) * np.float32(40)
    assert abs(score - 8 / 9) < 1e-6
    assert run_phrases(tmp_path, HAND_CORPUS, threshold=0.88) == (
        b" new_york\n" * 10 + b" new jersey\n" * 5 + b" old york\n" * 5)
    # the score must be above the threshold, not equal to it
    assert b"_" not in run_phrases(tmp_path, HAND_CORPUS, threshold=float(score))


def test_one_pass_never_chains_three_words(tmp_path):
    """Every pair of "a b c" passes threshold 0, but b, once joined to a,
    cannot start b_c."""
    assert run_phrases(tmp_path, b"a b c\n" * 20, min_count=1, threshold=0) == b" a_b c\n" * 20


def test_two_passes_reach_four_word_phrases(tmp_path):
    text = b"a b c d\n" * 20
    assert run_phrases(tmp_path, text, min_count=1, threshold=0) == b" a_b c_d\n" * 20
    assert run_phrases(tmp_path, text, min_count=1, threshold=(0, 0)) == b" a_b_c_d\n" * 20
    assert run_phrases(tmp_path, text, min_count=1, threshold=0, passes=2) == b" a_b_c_d\n" * 20
    # the text between the passes went to an unnamed temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


def test_pruning_matches_reduce_vocab(tmp_path):
    text = b" ".join(b"w%d" % (i % 7) for i in range(300)) + b" " + b"new york " * 50 + b"\n"
    path = tmp_path / "c.txt"
    path.write_bytes(text)
    model = PhraseModel.learn(path, min_count=2, max_vocab_size=10)
    assert model.prune_events > 0
    assert run_phrases(tmp_path, text, min_count=2, threshold=1, max_vocab_size=10) == (
        reference_word2phrase(text, 2, 1, max_vocab_size=10))


def test_saved_model_round_trips(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    model = PhraseModel.learn(path, threshold=0.5)
    model.save(tmp_path / "m.phrases")
    loaded = PhraseModel.load(tmp_path / "m.phrases")
    assert (loaded.train_words, loaded.min_count, loaded.threshold) == (40, 5, 0.5)
    for key in ("new", "york", "new_york", "york_new", "jersey_old"):
        assert loaded.count(key) == model.count(key)
    new_text = ["we saw new york today", "new jersey\n"]
    assert list(loaded.apply_lines(new_text)) == ["we saw new_york today", "new jersey"]
    assert list(loaded.apply_lines(new_text)) == list(model.apply_lines(new_text))


def test_load_refuses_what_is_not_a_model(tmp_path):
    other = tmp_path / "vectors.txt"
    other.write_bytes(b"3 2\na 0.1 0.2\n")
    with pytest.raises(CorruptInputError, match="not a w2vpy phrase model"):
        PhraseModel.load(other)
    newer = tmp_path / "newer.phrases"
    newer.write_bytes(b"w2vpy-phrases %d train_words=4 min_count=1 threshold=1.0\na 4\n"
                      % (FORMAT_VERSION + 1))
    with pytest.raises(CorruptInputError, match="upgrade w2vpy"):
        PhraseModel.load(newer)
    broken = tmp_path / "broken.phrases"
    broken.write_bytes(b"w2vpy-phrases 1 train_words=4 min_count=1 threshold=1.0\na four\n")
    with pytest.raises(CorruptInputError, match=":2: expected 'key count'"):
        PhraseModel.load(broken)


@pytest.mark.parametrize("options, message", [
    (dict(min_count=0), "min_count must be >= 1, got 0"),
    (dict(min_count=2.5), "min_count must be an integer, got 2.5"),
    (dict(threshold=-1.0), "threshold must be >= 0, got -1.0"),
    (dict(threshold="high"), "threshold must be a finite number, got 'high'"),
    (dict(threshold=float("nan")), "threshold must be a finite number, got nan"),
    (dict(threshold=(200, -1)), "threshold must be >= 0, got -1"),
    (dict(threshold=()), "threshold needs at least one value"),
    (dict(passes=0), "passes must be >= 1, got 0"),
    (dict(passes=3, threshold=(200, 100)), "3 passes need 1 or 3 threshold values, got 2"),
    (dict(max_vocab_size=1), "max_vocab_size must be >= 2, got 1"),
])
def test_bad_settings_are_refused(tmp_path, options, message):
    with pytest.raises(W2VError, match=message):
        run_phrases(tmp_path, b"a b\n", **options)


def test_output_equal_to_input_is_refused(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    with pytest.raises(W2VError, match="c.txt"):
        phrases(path, path)
    assert path.read_bytes() == HAND_CORPUS


def test_long_pair_keys_are_never_cut(tmp_path):
    """word2phrase cuts pair keys at 59 bytes, so these two pairs would share
    one count; here each keeps its own."""
    first, second = b"f" * 50, b"s" * 50
    path = tmp_path / "c.txt"
    path.write_bytes((first + b" " + second + b"\n") * 6 + (first + b" " + second + b"x\n") * 7)
    model = PhraseModel.learn(path)
    assert model.count(first + b"_" + second) == 6
    assert model.count(first + b"_" + second + b"x") == 7


def test_a_model_applies_one_threshold(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(HAND_CORPUS)
    with pytest.raises(W2VError, match="one threshold"):
        PhraseModel.learn(path, threshold=(200, 100))


def test_interrupted_rewrite_keeps_the_old_output(tmp_path):
    """Ctrl-C while the output is being written leaves the previous file and
    no temporary file."""
    source, output = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_bytes(HAND_CORPUS * 3)
    output.write_bytes(b"previous result")

    class InterruptedWhileWriting(Corpus):
        passes = 0

        def chunks(self, read_ahead=False):
            self.passes += 1
            yield from super().chunks(read_ahead)
            if self.passes == 2:  # the rewrite, after its text was written
                raise KeyboardInterrupt

    with InterruptedWhileWriting(source) as corpus, pytest.raises(KeyboardInterrupt):
        phrases(corpus, output, min_count=1, threshold=0)
    assert output.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


def test_phrase_analogies_are_scored_with_their_underscores(tmp_path):
    """questions-phrases.txt's lines hold phrases joined by '_'; they are
    looked up as one word each, upper-cased as compute-accuracy does."""
    keys = ["boston", "boston_globe", "chicago", "chicago_tribune", "detroit",
            "detroit_free_press", "york"]
    vectors = np.zeros((len(keys), 4), dtype=np.float32)
    vectors[:, 0] = 1.0
    newspaper = [False, True, False, True, False, True, False]
    vectors[newspaper, 1] = 1.0
    vectors[:, 2] = [0.2, 0.2, 0.5, 0.5, -0.3, -0.3, 0.9]
    questions = tmp_path / "questions-phrases.txt"
    questions.write_text(": newspapers\n"
                         "Boston Boston_Globe Chicago Chicago_Tribune\n"
                         "Chicago Chicago_Tribune Detroit Detroit_Free_Press\n"
                         "Boston Boston_Globe Seattle Seattle_Times\n")
    result = WordVectors(keys, vectors).analogy_accuracy(questions)
    assert (result.correct, result.seen, result.questions_total) == (2, 2, 3)


# ---- w2v-phrase ------------------------------------------------------------------------

def phrase_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = phrase_main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_without_arguments_prints_the_flags(capsys):
    code, out, _ = phrase_cli(capsys)
    assert code == 0
    for flag in ("-train <file>", "-output <file>", "-min-count <int>", "-debug <int>",
                 "-threshold <float>[,<float>...]", "-passes <int>", "-max-vocab-size <int>"):
        assert flag in out
    assert "default 100" in out and "default 5" in out


def test_cli_passes_equal_the_api(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes(b"a b c d\n" * 20 + HAND_CORPUS)
    expected = run_phrases(tmp_path, source.read_bytes(), min_count=1, threshold=(200, 1))
    code, _, err = phrase_cli(capsys, "-train", str(source), "-output", str(tmp_path / "cli.txt"),
                              "-min-count", "1", "-threshold", "200,1", "-debug", "1")
    assert code == 0 and (tmp_path / "cli.txt").read_bytes() == expected
    assert "Pass 1/2 (threshold 200): words in train file: 120" in err
    assert "Pass 2/2 (threshold 1)" in err and "pairs joined" in err
    code, _, _ = phrase_cli(capsys, "-train", str(source), "-output", str(tmp_path / "p.txt"),
                            "-min-count", "1", "-threshold", "0", "-passes", "2", "-debug", "0")
    assert code == 0
    assert (tmp_path / "p.txt").read_bytes() == run_phrases(tmp_path, source.read_bytes(),
                                                            min_count=1, threshold=(0, 0))


def test_cli_reads_compressed_input_and_stdin(capsys, tmp_path, monkeypatch):
    source = tmp_path / "in.txt.gz"
    source.write_bytes(gzip.compress(HAND_CORPUS))
    code, _, _ = phrase_cli(capsys, "-train", str(source), "-output", str(tmp_path / "gz.txt"),
                            "-threshold", "0.5", "-debug", "0")
    assert code == 0
    assert (tmp_path / "gz.txt").read_bytes() == run_phrases(tmp_path, HAND_CORPUS,
                                                             threshold=0.5)
    r = subprocess.run([sys.executable, "-c", "from w2vpy.cli import phrase_main; "
                        "raise SystemExit(phrase_main())", "-train", "-", "-output",
                        str(tmp_path / "stdin.txt"), "-threshold", "0.5", "-debug", "0"],
                       input=HAND_CORPUS, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "stdin.txt").read_bytes() == (tmp_path / "gz.txt").read_bytes()


@pytest.mark.parametrize("args, message", [
    (["-threshold", "-1"], "-threshold must be >= 0, got -1.0"),
    (["-threshold", "high"], "invalid value for -threshold: 'high' is not a number"),
    (["-threshold", "200,"], "invalid value for -threshold: '' is not a number"),
    (["-threshold", "nan"], "-threshold must be a finite number, got nan"),
    (["-min-count", "0"], "-min-count must be >= 1, got 0"),
    (["-passes", "3", "-threshold", "200,100"], "3 passes need 1 or 3 threshold values"),
    (["-max-vocab-size", "1"], "-max-vocab-size must be >= 2, got 1"),
    (["-bogus", "1"], "unknown option '-bogus' (run w2v-phrase -h for help)"),
    (["-threshold"], "argument missing for -threshold"),
])
def test_cli_bad_flags_give_one_line(capsys, tmp_path, args, message):
    source = tmp_path / "in.txt"
    source.write_bytes(HAND_CORPUS)
    code, _, err = phrase_cli(capsys, "-train", str(source), "-output", str(tmp_path / "o.txt"),
                              *args)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o.txt").exists()


def test_cli_bad_inputs_and_outputs(capsys, tmp_path):
    good = tmp_path / "in.txt"
    good.write_bytes(HAND_CORPUS)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\n")
    (tmp_path / "no-files").mkdir()
    (tmp_path / "corrupt.gz").write_bytes(gzip.compress(HAND_CORPUS * 50)[:60])
    out = str(tmp_path / "o.txt")
    cases = [
        (["-train", str(tmp_path / "missing.txt"), "-output", out], "training file not found"),
        (["-train", str(tmp_path / "empty.txt"), "-output", out], "is empty (no words)"),
        (["-train", str(tmp_path / "blank.txt"), "-output", out], "is empty (no words)"),
        (["-train", str(tmp_path / "no-files"), "-output", out],
         "training directory has no regular files"),
        (["-train", str(tmp_path / "corrupt.gz"), "-output", out],
         "truncated gzip file (it ends inside a compressed stream)"),
        (["-output", out], "no training file: give -train <file>"),
        (["-train", str(good)], "no output file: give -output <file>"),
        (["-train", str(good), "-output", str(tmp_path)], "output path is a directory"),
        (["-train", str(good), "-output", str(tmp_path / "missing" / "o.txt")],
         "output directory does not exist"),
        (["-train", str(good), "-output", str(good)], "writing it would destroy the input"),
    ]
    for args, message in cases:
        code, _, err = phrase_cli(capsys, *args, "-debug", "0")
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, (args, err)
    assert good.read_bytes() == HAND_CORPUS
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "blank.txt", "corrupt.gz", "empty.txt", "in.txt", "no-files"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only directories")
def test_cli_unwritable_output_is_found_before_the_pass(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes(HAND_CORPUS)
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)
    code, _, err = phrase_cli(capsys, "-train", str(source), "-output", str(read_only / "o.txt"))
    assert code == 1 and "not writable" in err and "Starting" not in err


@pytest.mark.parametrize("signum, status, said", [
    (signal.SIGINT, 130, b"interrupted; no output was written"),
    (signal.SIGTERM, 143, b"interrupted by SIGTERM; no output was written"),
])
def test_cli_ctrl_c_keeps_the_old_output(tmp_path, signum, status, said):
    """Interrupted (Ctrl-C, or SIGTERM) while it reads its input (stdin that
    never ends), w2v-phrase exits 128 + the signal and leaves the old output
    and no temporary file."""
    output = tmp_path / "out.txt"
    output.write_bytes(b"previous result")
    proc = subprocess.Popen([sys.executable, "-c", "from w2vpy.cli import phrase_main; "
                             "raise SystemExit(phrase_main())", "-train", "-", "-output",
                             str(output), "-debug", "2"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(HAND_CORPUS * 100)
    proc.stdin.flush()
    seen = b""
    while b"Starting" not in seen:
        chunk = proc.stderr.read1(4096)
        assert chunk, seen
        seen += chunk
    proc.send_signal(signum)
    assert proc.wait(10) == status
    proc.stdin.close()
    assert said in proc.stderr.read()
    assert output.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
