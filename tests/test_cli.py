import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import run_cli, run_cli_here, topic_corpus
from w2vpy import load
from w2vpy.cli import COMMANDS


def test_help_without_arguments():
    r = run_cli()
    assert r.returncode == 0 and b"-train <file>" in r.stdout


#: every command the package installs (pyproject's scripts), each answering -h
COMMAND_NAMES = tuple(COMMANDS)


def _command(name: str) -> list[str]:
    """The console script where it is installed, else the same entry point
    through python -m w2vpy."""
    exe = shutil.which(name)
    return [exe] if exe else [sys.executable, "-m", "w2vpy", name]


def _answer(name: str, asked: str) -> str:
    from w2vpy import __version__

    if asked == "--version":
        return f"{name} (w2vpy {__version__}; word2vec.c v0.1c compatible)\n"
    return COMMANDS[name].usage


@pytest.mark.parametrize("name", COMMAND_NAMES)
@pytest.mark.parametrize("asked", ["-h", "--help", "--version"])
def test_every_command_answers_help_and_version(name, asked, tmp_path, monkeypatch, capsys):
    """Answered on stdout with status 0, before any file is looked at: not
    read as a file named -h, wherever it stands among the arguments.  Run in
    this process through python -m w2vpy's entry (the _run every console
    script calls); the next test starts each command as a program."""
    from w2vpy.__main__ import main as w2vpy_main

    monkeypatch.chdir(tmp_path)
    for args in ([asked], ["no-such-file.bin", asked]):
        status = w2vpy_main([name, *args])
        out, err = capsys.readouterr()
        assert status == 0 and err == "", (args, err)
        assert out == _answer(name, asked)


@pytest.mark.parametrize("name", COMMAND_NAMES)
@pytest.mark.parametrize("asked", ["-h", "--version"])
def test_every_command_s_program_answers_help_and_version(name, asked, tmp_path):
    """Each command started as a program (its console script, else python -m
    w2vpy), the question after a file that is not there: status 0, the
    answer on stdout, nothing on stderr (no warning while importing)."""
    r = subprocess.run(_command(name) + ["no-such-file.bin", asked], capture_output=True,
                       cwd=tmp_path, timeout=60)
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    assert r.stdout.decode() == _answer(name, asked)


def test_python_m_w2vpy_lists_and_runs_the_commands(tmp_path):
    listed = subprocess.run([sys.executable, "-m", "w2vpy"], capture_output=True, timeout=60)
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.decode().splitlines()
            if line.startswith("  ")] == list(COMMAND_NAMES)
    ran = subprocess.run([sys.executable, "-m", "w2vpy", "distance", "--help"],
                         capture_output=True, timeout=60)
    assert ran.returncode == 0 and ran.stdout.startswith(b"Usage: w2v-distance <FILE>")
    unknown = subprocess.run([sys.executable, "-m", "w2vpy", "distanse"], capture_output=True,
                             timeout=60)
    assert unknown.returncode == 1 and unknown.stdout == b""
    assert unknown.stderr.decode().count("\n") == 1 and b"unknown command 'distanse'" in unknown.stderr


def test_train_binary_and_text(topics, tmp_path):
    path, topic_of = topics
    for binary in ("0", "1"):
        out = tmp_path / f"v{binary}"
        r = run_cli("-train", str(path), "-output", str(out), "-size", "12", "-min-count", "1",
                    "-threads", "2", "-iter", "2", "-binary", binary, "-cbow", "0", "-debug", "0")
        assert r.returncode == 0, r.stderr
        kv = load(out)
        assert len(kv) == len(topic_of) + 1 and kv.vector_size == 12


def test_hot_rows_flag_takes_the_rows_it_names(topics, tmp_path):
    """-hot-rows K gives each thread K private rows of each output layer the
    run has (here HS and NS), merged as it trains; the vectors still learn."""
    path, topic_of = topics
    out = tmp_path / "v.bin"
    r = run_cli("-train", str(path), "-output", str(out), "-size", "12", "-min-count", "1",
                "-threads", "2", "-iter", "2", "-binary", "1", "-hs", "1", "-negative", "3",
                "-hot-rows", "4", "-debug", "2")
    assert r.returncode == 0, r.stderr
    line = next(l for l in r.stderr.decode().splitlines() if l.startswith("Private hot rows"))
    assert line.startswith("Private hot rows: 4 inner nodes, 4 words; merged "), line
    assert int(line.split("merged ")[1].split()[0]) > 0
    kv = load(out)
    assert len(kv) == len(topic_of) + 1 and np.all(np.isfinite(kv.vectors))
    probes = [w for w in topic_of if w.endswith("w0")]
    assert sum(topic_of.get(kv.most_similar(w, topn=1)[0][0]) == topic_of[w]
               for w in probes) >= len(probes) - 1


def test_progress_line_at_debug_2(topics, tmp_path):
    path, _ = topics
    r = run_cli("-train", str(path), "-output", str(tmp_path / "v"), "-min-count", "1",
                "-threads", "1", "-iter", "1", "-size", "8")
    assert r.returncode == 0
    err = r.stderr.decode()
    assert "Vocab size: 49" in err and "Alpha:" in err and "Words/sec:" in err and "ETA:" in err
    final = err.split("\r")[-1].splitlines()[0]
    assert "Progress: 100.00%" in final and "nan" not in final, final


def test_vocab_only_when_no_output(topics, tmp_path):
    path, _ = topics
    vocab = tmp_path / "vocab.txt"
    r = run_cli("-train", str(path), "-save-vocab", str(vocab), "-min-count", "1", "-debug", "0")
    assert r.returncode == 0
    lines = vocab.read_bytes().splitlines()
    assert lines[0] == b"</s> 3000" and len(lines) == 49


def test_read_vocab_trains_on_that_vocabulary(topics, tmp_path):
    path, _ = topics
    vocab = tmp_path / "vocab.txt"
    vocab.write_bytes(b"</s> 3000\nt0w0 500\nt1w1 400\n")
    out = tmp_path / "v.bin"
    r = run_cli("-train", str(path), "-read-vocab", str(vocab), "-output", str(out),
                "-min-count", "1", "-size", "4", "-debug", "0", "-threads", "1")
    assert r.returncode == 0, r.stderr
    assert load(out).index_to_key == ["</s>", "t0w0", "t1w1"]


def test_classes_output(topics, tmp_path):
    path, _ = topics
    out = tmp_path / "classes.txt"
    r = run_cli("-train", str(path), "-output", str(out), "-classes", "6", "-min-count", "1",
                "-size", "10", "-debug", "0", "-threads", "2")
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in out.read_text().splitlines()]
    assert len(rows) == 49 and {int(c) for _, c in rows} <= set(range(6))


def test_more_classes_than_words_is_refused_before_training(topics, tmp_path, capfd):
    path, _ = topics
    out = tmp_path / "classes.txt"
    r = run_cli_here(capfd, "-train", str(path), "-output", str(out), "-classes",
                     "99999999999999999999", "-min-count", "1", "-debug", "0")
    assert r.returncode != 0 and not out.exists()
    err = r.stderr.decode().strip()
    assert "-classes must be at most the vocabulary size (49)" in err, err
    assert len(err.splitlines()) == 1


def test_a_refusal_after_counting_closes_the_record_of_the_text(topics, tmp_path):
    """The counting pass's record of the text (a spool file) is closed when
    the run is refused before training, not left for the GC to close."""
    import gc
    import warnings

    from w2vpy.cli import main

    path, _ = topics
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert main(["-train", str(path), "-output", str(tmp_path / "c.txt"), "-classes",
                     "1000", "-min-count", "1", "-debug", "0"]) == 1
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], \
        [str(w.message) for w in caught]


@pytest.mark.parametrize("args, message", [
    (["-size", "0"], "-size must be >= 1, got 0"),
    (["-window", "0"], "-window must be >= 1, got 0"),
    (["-hs", "0", "-negative", "0"], "no training objective"),
    (["-size", "ten"], "invalid value for -size: 'ten'"),
    (["-threads", "-1"], "-threads must be >= 1, got -1"),
    (["-cbow", "2"], "-cbow must be 0 or 1, got '2'"),
    (["-bogus", "1"], "unknown option '-bogus'"),
    (["-size"], "argument missing for -size"),
    (["-sample", "-1"], "-sample must be >= 0, got -1.0"),
    (["-alpha", "inf"], "-alpha must be a finite number, got inf"),
    (["-backend", "tpu"], "-backend must be one of cpu, cuda, got 'tpu'"),
    (["-hot-rows", "-3"], "-hot-rows must be >= 0, got -3"),
    (["-window", "99999999999999999999999"], "-window is too large: 99999999999999999999999"),
    (["-max-vocab-size", "99999999999999999999999"], "-max-vocab-size is too large"),
    (["-hot-rows", "4", "-backend", "cuda"], "hot rows are a CPU-thread option"),
])
def test_invalid_flags_give_one_line(topics, tmp_path, args, message, capfd):
    path, _ = topics
    r = run_cli_here(capfd, "-train", str(path), "-output", str(tmp_path / "v"), *args)
    assert r.returncode != 0
    err = r.stderr.decode().strip()
    assert message in err and len(err.splitlines()) == 1, err


def test_missing_training_file(tmp_path, capfd):
    r = run_cli_here(capfd, "-train", str(tmp_path / "nope.txt"), "-output", str(tmp_path / "v"))
    assert r.returncode == 1 and b"training file not found" in r.stderr


def test_empty_training_file(tmp_path, capfd):
    (tmp_path / "empty.txt").write_bytes(b"")
    r = run_cli_here(capfd, "-train", str(tmp_path / "empty.txt"), "-output", str(tmp_path / "v"))
    assert r.returncode == 1 and b"empty" in r.stderr


def test_output_problems_are_found_before_training(topics, tmp_path, capfd):
    path, _ = topics
    r = run_cli_here(capfd, "-train", str(path), "-output", str(tmp_path))
    assert r.returncode == 1 and b"output path is a directory" in r.stderr
    r = run_cli_here(capfd, "-train", str(path), "-output", str(tmp_path / "missing" / "v.bin"))
    assert r.returncode == 1 and b"output directory does not exist" in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only directories")
def test_read_only_output_directory(topics, tmp_path):
    path, _ = topics
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    r = run_cli("-train", str(path), "-output", str(ro / "v.bin"))
    assert r.returncode == 1 and b"not writable" in r.stderr


def test_sigint_stops_fast_keeps_old_output_and_leaves_no_temp(tmp_path):
    corpus = tmp_path / "big.txt"
    topic_corpus(corpus, topics=20, words_per_topic=50, sentences=200_000)
    out = tmp_path / "vectors.bin"
    out.write_bytes(b"previous result")
    cmd = [sys.executable, "-m", "w2vpy.cli", "-train", str(corpus), "-output", str(out),
           "-size", "200", "-iter", "50", "-threads", "2", "-min-count", "1", "-debug", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    deadline = time.time() + 60
    buf = b""
    while b"Alpha:" not in buf and time.time() < deadline:
        buf += proc.stderr.read1(4096)
    assert b"Alpha:" in buf, "training never started"
    proc.send_signal(signal.SIGINT)
    # 50 epochs would take minutes: the wait's limit only keeps a run that
    # ignored the signal from hanging the suite
    proc.wait(timeout=60)
    assert proc.returncode == 130
    assert out.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt", "vectors.bin"]


def test_vocabulary_pruning_is_reported(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(" ".join(f"w{i}" for i in range(50)) + "\n" + "a a a b b\n" * 10)
    r = run_cli("-train", str(corpus), "-save-vocab", str(tmp_path / "v.txt"), "-min-count", "1",
                "-max-vocab-size", "10", "-debug", "1")
    assert r.returncode == 0, r.stderr
    assert b"Vocabulary pruned" in r.stderr and b"rare words dropped" in r.stderr
    words = [line.split()[0] for line in (tmp_path / "v.txt").read_bytes().splitlines()]
    assert words[:3] == [b"</s>", b"a", b"b"] and len(words) <= 11


def _query(tool: str, *args: str, stdin: bytes):
    exe = shutil.which(tool)
    assert exe, f"{tool} is not installed"
    return subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=60)


@pytest.fixture
def topic_vectors(topics, tmp_path):
    path, topic_of = topics
    out = tmp_path / "v.bin"
    r = run_cli("-train", str(path), "-output", str(out), "-size", "20", "-min-count", "1",
                "-threads", "2", "-iter", "5", "-window", "3", "-sample", "0", "-binary", "1",
                "-debug", "0")
    assert r.returncode == 0
    return out, topic_of


def test_distance_tool(topic_vectors):
    out, topic_of = topic_vectors
    r = _query("w2v-distance", str(out), "5", stdin=b"t0w0\nnope\n")
    text = r.stdout.decode()
    assert r.returncode == 0 and "Position in vocabulary" in text
    assert "Out of dictionary word: nope" in text
    neighbours = [line.split()[0] for line in text.splitlines() if line.strip().startswith("t")]
    assert sum(topic_of[w] == 0 for w in neighbours[:5]) >= 4


def test_analogy_tool(topic_vectors):
    out, _ = topic_vectors
    r = _query("w2v-analogy", str(out), "3", stdin=b"t0w0 t0w1 t1w0\nt0w0\n")
    text = r.stdout.decode()
    assert r.returncode == 0 and "Cosine distance" in text and "Only three words" in text


def test_accuracy_tool(topic_vectors, tmp_path):
    out, _ = topic_vectors
    q = b": topic\nt0w0 t0w1 t1w0 t1w1\nt0w0 t0w1 t1w0 zzz\n"
    r = _query("w2v-accuracy", str(out), "30000", stdin=q)
    text = r.stdout.decode()
    assert r.returncode == 0 and "Questions seen / total: 1 2" in text
    r = _query("w2v-accuracy", str(out), "-5", stdin=q)
    assert r.returncode == 1 and b"threshold must be >= 0" in r.stderr


def test_query_output_closed_early_ends_quietly(topic_vectors):
    """`w2v-distance vectors.bin | head -1`: the reader going away is no error."""
    vectors, _ = topic_vectors
    exe = shutil.which("w2v-distance")
    proc = subprocess.Popen([exe, str(vectors), "40"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(b"t0w0\n" * 2000)  # far more answers than a pipe holds
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()  # as head does after its lines
    assert proc.wait(30) == 141
    assert proc.stderr.read() == b""


# ---- query tools: what one line may hold, how it splits, zero vectors ----------------------

@pytest.fixture
def hand_vectors(tmp_path):
    """Vectors small enough to know every answer, one of them all zeros."""
    path = tmp_path / "hand.txt"
    path.write_text("4 2\nnew\u00a0york 1 0\ncity 1 0.1\ntown 0.1 1\nzero 0 0\n",
                    encoding="utf-8")
    return path


def test_distance_splits_a_query_only_where_word2vec_splits(hand_vectors):
    r = _query("w2v-distance", str(hand_vectors), "2",
               stdin="new\u00a0york\ncity\ttown \r\n".encode())
    text = r.stdout.decode()
    assert r.returncode == 0 and "Out of dictionary" not in text
    assert "Word: new\u00a0york  Position in vocabulary: 0" in text
    assert "Word: city  Position in vocabulary: 1" in text
    assert "Word: town  Position in vocabulary: 2" in text


def test_distance_never_answers_with_a_zero_vector_and_says_why_it_cannot(hand_vectors):
    r = _query("w2v-distance", str(hand_vectors), "10", stdin=b"town\nzero\ncity\n")
    lines = r.stdout.decode().splitlines()
    assert r.returncode == 0 and r.stderr == b""
    assert not any(line.split()[:1] == ["zero"] for line in lines)
    assert "No nearest words: word 'zero' has a zero vector" in r.stdout.decode()
    assert sum("Cosine distance" in line for line in lines) == 2  # town, then city


def test_an_overlong_query_line_is_skipped_in_bounded_memory(hand_vectors):
    """A line far past word2vec.c's 2000 characters: one line says so, memory
    stays bounded (a limit on the address space would stop it otherwise), and
    the next query is answered."""
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    exe = shutil.which("w2v-distance")
    stdin = b"city " * (16 << 20) + b"\ntown\n"
    r = subprocess.run([exe, str(hand_vectors), "1"], input=stdin, capture_output=True,
                       timeout=120, preexec_fn=limit_memory)
    text = r.stdout.decode()
    assert r.returncode == 0, r.stderr
    assert text.count("Query longer than 2000 bytes: skipped") == 1
    assert "Word: town" in text and "Word: city" not in text


def test_accuracy_tool_skips_a_zero_vector_as_compute_accuracy(tmp_path):
    """compute-accuracy's score on this file is 1 of 2: the zero row never
    answers, and the question that holds it is seen and missed."""
    vectors = tmp_path / "family.txt"
    vectors.write_text("5 3\nzero 0 0 0\nman 1 0 0\nwoman 1 1 0\nking 1 0 1\nqueen 1 1 1\n")
    q = b": family\nman woman king queen\nman woman zero queen\n"
    r = _query("w2v-accuracy", str(vectors), "0", stdin=q)
    assert r.returncode == 0, r.stderr
    assert "ACCURACY TOP1: 50.00 %  (1 / 2)" in r.stdout.decode()


@pytest.mark.parametrize("name", ["w2v-distance", "w2v-analogy", "w2v-accuracy"])
@pytest.mark.parametrize("closed, message", [
    ("<&-", "standard input is closed: there are no questions to read"),
    (">&-", "standard output is closed: nowhere to write the answer"),
])
def test_a_query_tool_without_stdin_or_stdout_says_so_in_one_line(topic_vectors, name, closed,
                                                                   message):
    out, _ = topic_vectors
    r = subprocess.run(["bash", "-c", f'"$@" {closed}', "bash", *_command(name), str(out)],
                       capture_output=True, timeout=60)
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{name}: error: {message}"), r.stderr


def test_every_installed_script_is_a_listed_command():
    """pyproject's console scripts and the commands python -m w2vpy lists are
    the same set, so a new command answers -h and is listed."""
    tomllib = pytest.importorskip("tomllib")
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text())["project"]["scripts"]
    assert set(scripts) == set(COMMANDS)
