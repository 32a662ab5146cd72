"""Issue 12's table, row by row: what a hostile or careless user does, and
what must happen (one clear error, nothing lost, nothing hung)."""
import io
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli, run_cli_here, topic_corpus
import w2vpy
import w2vpy.system.paths
from w2vpy import W2VError, load
from w2vpy.errors import CorruptInputError
from w2vpy.vectors.vector_files import DuplicateWordWarning
from w2vpy.system.memory import check_model_fits
from w2vpy.text.vocab import read_vocab

FAST = ("-size", "8", "-iter", "1", "-threads", "1", "-min-count", "1", "-debug", "0")
PIPE_BUFFER = 1 << 16


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "topics.txt"
    topic_corpus(path)
    return path


def saved_vocab(tmp_path, train, name, *extra):
    out = tmp_path / name
    r = run_cli("-train", str(train), "-save-vocab", str(out), "-min-count", "1", "-debug", "0",
                *extra, timeout=60)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


def make_device(path, major_minor):
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*major_minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a character device here: {exc}")


# -- 1: a named pipe as -train --------------------------------------------------------------

def test_fifo_input_is_read_whole_once(tmp_path, corpus):
    text = corpus.read_bytes() * 4
    assert len(text) > 2 * PIPE_BUFFER
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    written = []

    def produce():
        try:
            with open(fifo, "wb") as f:
                for i in range(0, len(text), 4096):
                    f.write(text[i:i + 4096])
            written.append(len(text))
        except BrokenPipeError:
            written.append("broken pipe")

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    from_fifo = saved_vocab(tmp_path, fifo, "fifo.vocab")
    producer.join(10)
    plain = tmp_path / "plain.txt"
    plain.write_bytes(text)
    assert written == [len(text)]
    assert from_fifo == saved_vocab(tmp_path, plain, "plain.vocab")


# -- 2, 3, 14: outputs that are not plain files -----------------------------------------------

def test_character_device_output_is_written_in_place(tmp_path, corpus):
    null = tmp_path / "null"
    make_device(null, (1, 3))
    r = run_cli("-train", str(corpus), "-output", str(null), *FAST)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_dev_null_output_works(corpus):
    r = run_cli("-train", str(corpus), "-output", os.devnull, *FAST)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_full_device_output_names_the_path(tmp_path, corpus):
    full = tmp_path / "full"
    make_device(full, (1, 7))
    r = run_cli("-train", str(corpus), "-output", str(full), *FAST)
    assert r.returncode == 1
    assert f"cannot write {full}: No space left on device" in r.stderr.decode()
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_fifo_output_with_a_reader_is_written_in_place(tmp_path, corpus):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    time.sleep(0.2)
    r = run_cli("-train", str(corpus), "-output", str(fifo), "-binary", "0", *FAST)
    reader.join(10)
    assert r.returncode == 0, r.stderr
    assert received and received[0].startswith(b"49 8\n")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_fifo_output_without_a_reader_is_an_error_not_a_hang(tmp_path, corpus):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    r = run_cli("-train", str(corpus), "-output", str(fifo), *FAST, timeout=60)
    assert r.returncode == 1
    assert f"no process is reading the named pipe {fifo}" in r.stderr.decode()


def test_symlinked_output_replaces_the_target_and_keeps_the_link(tmp_path, corpus):
    target = tmp_path / "real.bin"
    target.write_bytes(b"old")
    link = tmp_path / "link.bin"
    link.symlink_to(target.name)
    r = run_cli("-train", str(corpus), "-output", str(link), *FAST)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == target.name
    assert len(load(target)) == 49


def test_output_on_a_full_disk_names_the_path_and_keeps_the_old_file(tmp_path, corpus):
    out = tmp_path / "v.txt"
    out.write_bytes(b"old")
    # the spooled ids (~120 kB) fit under the limit; the text vectors (~900 kB) do not
    r = run_cli("-train", str(corpus), "-output", str(out), "-binary", "0", "-size", "2000",
                "-iter", "1", "-threads", "1", "-min-count", "1", "-debug", "0",
                limit_file_bytes=200_000)
    assert r.returncode == 1
    assert f"cannot write {out}: File too large" in r.stderr.decode()
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topics.txt", "v.txt"]


# -- 4, 5, 6, 16: -read-vocab counts ----------------------------------------------------------

def test_read_vocab_all_zero_counts_is_an_error_not_a_loop(tmp_path, corpus, capfd):
    vocab = tmp_path / "zero.vocab"
    vocab.write_bytes(b"</s> 0\nt0w0 0\nt1w1 0\n")
    r = run_cli_here(capfd, "-train", str(corpus), "-read-vocab", str(vocab), "-output",
                     str(tmp_path / "v.bin"), *FAST[:-4], "-min-count", "0", "-debug", "0")
    assert r.returncode == 1
    assert "all counts are zero: the unigram table is empty" in r.stderr.decode()


def test_read_vocab_huge_count_names_file_line_and_value(tmp_path):
    vocab = tmp_path / "huge.vocab"
    vocab.write_bytes(b"</s> 1\nthe 7\nof 1000000000000000000000000000000\n")
    with pytest.raises(CorruptInputError,
                       match=rf"huge.vocab:3: count 10{{30}} is too large \(at most {2**63 - 1}\)"):
        read_vocab(vocab)


def test_read_vocab_total_past_int64_is_refused_naming_it(tmp_path):
    vocab = tmp_path / "sum.vocab"
    vocab.write_bytes(b"</s> 1\na 9223372036854775000\nb 9223372036854775000\n")
    total = 1 + 2 * 9223372036854775000
    with pytest.raises(CorruptInputError, match=f"sum.vocab:3: the counts add up to {total}"):
        read_vocab(vocab)


def test_rate_is_words_trained_over_training_time(tmp_path, corpus):
    vocab = tmp_path / "v.vocab"
    vocab.write_bytes(b"</s> 1000000000000\nt0w0 1000000000000\nt1w1 1000000000000\n")
    r = run_cli("-train", str(corpus), "-read-vocab", str(vocab), "-output",
                str(tmp_path / "v.bin"), "-size", "8", "-iter", "6000", "-threads", "1",
                "-min-count", "1", "-debug", "1")
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stderr.decode().splitlines() if ln.startswith("Trained"))
    words, seconds, rate = line.split()[1], line.split()[4], line.split("(")[1].split("k")[0]
    tokens = corpus.read_text().split("\n")
    kept = sum(line.split().count("t0w0") + line.split().count("t1w1") + 1
               for line in tokens[:-1])  # the vocabulary's words and each line's </s>
    assert int(words) == 6000 * kept
    assert float(seconds) >= 0.05  # enough epochs for a time the two decimals show
    assert float(rate) * 1000 == pytest.approx(int(words) / float(seconds), rel=0.2, abs=50)


# -- 7: SIGTERM and SIGHUP --------------------------------------------------------------------

def start_long_training(tmp_path, corpus, out, *extra):
    cmd = ["w2v-train", "-train", str(corpus), "-output", str(out), "-size", "100",
           "-iter", "5000", "-threads", "2", "-min-count", "1", "-debug", "2", *extra]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    seen = b""
    while b"Alpha:" not in seen:  # training has started
        byte = proc.stderr.read(1)
        assert byte, seen
        seen += byte
    return proc


@pytest.mark.parametrize("signum,status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_terminating_signals_keep_the_old_output_and_leave_nothing(tmp_path, corpus, signum,
                                                                  status):
    out = tmp_path / "v.bin"
    out.write_bytes(b"old")
    proc = start_long_training(tmp_path, corpus, out)
    proc.send_signal(signum)
    rest = proc.stderr.read()
    assert proc.wait(10) == status
    assert f"interrupted by {signal.Signals(signum).name}" in rest.decode()
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topics.txt", "v.bin"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_as_the_temporary_output_is_made_leaves_nothing(tmp_path, monkeypatch, signum):
    """The signal comes the moment the temporary file exists, before its name
    is known to the cleanup (w2v-phrase's Ctrl-C test once caught it there):
    the old output stays and no temporary file is left."""
    import tempfile
    from w2vpy.system.atomic import atomic_write
    from w2vpy.system.interrupts import terminating_signals_interrupt
    make_temporary = tempfile.mkstemp

    def signalled_on_creation(*args, **kwargs):
        made = make_temporary(*args, **kwargs)
        signal.raise_signal(signum)
        return made

    monkeypatch.setattr(tempfile, "mkstemp", signalled_on_creation)
    output = tmp_path / "vectors.bin"
    output.write_bytes(b"previous result")
    with terminating_signals_interrupt(), pytest.raises(KeyboardInterrupt):
        with atomic_write(output) as f:
            f.write(b"new result")
    assert output.read_bytes() == b"previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.bin"]


def test_ctrl_c_stops_k_means_within_a_second(tmp_path):
    words = tmp_path / "many.txt"
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 20000, 120000)
    words.write_text(" ".join(f"w{i}" for i in ids) + "\n")
    cmd = ["w2v-train", "-train", str(words), "-output", str(tmp_path / "c.txt"), "-classes",
           "4000", "-size", "100", "-iter", "1", "-threads", "2", "-min-count", "1", "-debug", "1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    seen = b""
    while b"Trained" not in seen:  # k-means runs after this line
        byte = proc.stderr.read(1)
        assert byte, seen
        seen += byte
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 130  # the limit only guards against a hang
    assert not (tmp_path / "c.txt").exists()


# -- 8: an output that is an input -----------------------------------------------------------

def test_output_equal_to_training_file_is_refused(tmp_path, corpus, capfd):
    before = corpus.read_bytes()
    r = run_cli_here(capfd, "-train", str(corpus), "-output", str(corpus), *FAST)
    assert r.returncode == 1
    assert f"-output {corpus} is the same file as -train {corpus}" in r.stderr.decode()
    assert corpus.read_bytes() == before


def test_hard_link_and_relative_spellings_are_the_same_file(tmp_path, corpus, capfd):
    twin = tmp_path / "twin.txt"
    os.link(corpus, twin)
    r = run_cli_here(capfd, "-train", str(corpus), "-output", str(tmp_path / "v.bin"),
                     "-save-vocab", str(twin), *FAST)
    assert r.returncode == 1 and b"-save-vocab" in r.stderr and b"same file" in r.stderr
    out = tmp_path / "v.bin"
    r = run_cli_here(capfd, "-train", str(corpus), "-output", str(out), "-save-vocab",
                     str(tmp_path / "." / "v.bin"), *FAST)
    assert r.returncode == 1
    assert "are the same file" in r.stderr.decode()
    with pytest.raises(W2VError, match="save_vocab .* is the same file as source"):
        w2vpy.train(corpus, save_vocab=twin, workers=1, epochs=1, min_count=1)


def test_read_vocab_cannot_be_overwritten_by_save_vocab(tmp_path, corpus, capfd):
    vocab = tmp_path / "v.vocab"
    vocab.write_bytes(b"</s> 3\nt0w0 3\n")
    r = run_cli_here(capfd, "-train", str(corpus), "-read-vocab", str(vocab), "-save-vocab",
                     str(vocab), "-debug", "0")
    assert r.returncode == 1 and b"same file as -read-vocab" in r.stderr
    assert vocab.read_bytes() == b"</s> 3\nt0w0 3\n"


# -- 9: the temporary directory fills -------------------------------------------------------

def test_full_temporary_directory_is_named(tmp_path, corpus):
    spool = tmp_path / "spool"
    spool.mkdir()
    big = tmp_path / "big.txt"
    big.write_bytes(corpus.read_bytes() * 20)
    r = run_cli("-train", str(big), "-output", str(tmp_path / "v.bin"), *FAST,
                env={"TMPDIR": str(spool)}, limit_file_bytes=200_000)
    assert r.returncode == 1
    message = r.stderr.decode()
    assert f"file too large while writing the counted tokens to {spool}" in message
    assert "set TMPDIR" in message


# -- 10: a model larger than memory ----------------------------------------------------------

def test_model_larger_than_memory_is_refused_with_its_size(tmp_path):
    words = tmp_path / "many.txt"
    words.write_text(" ".join(f"w{i}" for i in range(6000)) + "\n")
    # 6001 words x 100000 x 2 matrices x 4 bytes = 4.8 GB, under a 3 GB address-space limit
    r = run_cli("-train", str(words), "-output", str(tmp_path / "v.bin"), "-size", "100000",
                "-threads", "1", "-min-count", "1", "-debug", "1",
                limit_address_space=3 << 30)
    assert r.returncode == 1
    message = r.stderr.decode()
    assert "Model: 6001 words x 100000 dimensions x 2 matrices of float32 (4.8 GB)" in message
    assert "the model does not fit in memory" in message and "lower -size" in message


def test_check_model_fits_against_given_room():
    check_model_fits(1000, 100, hs=False, negative=5, available=900_000)  # 800 kB of 90%
    with pytest.raises(W2VError, match=r"1000 words x 100 dimensions x 2 matrices .*800.0 kB"):
        check_model_fits(1000, 100, hs=False, negative=5, available=880_000)
    with pytest.raises(W2VError, match=r"1000 words x 100 dimensions x 3 matrices .*1.2 MB"):
        check_model_fits(1000, 100, hs=True, negative=5, available=900_000)


# -- 11: archives and other compressors -----------------------------------------------------

def test_zip_and_zstd_are_refused_by_content(tmp_path, corpus):
    packed = tmp_path / "corpus.data"
    with zipfile.ZipFile(packed, "w") as z:
        z.write(corpus, "topics.txt")
    r = run_cli("-train", str(packed), "-output", str(tmp_path / "v.bin"), *FAST)
    assert r.returncode == 1
    assert f"{packed} is a zip file; w2vpy reads plain text, gzip, bzip2 and xz" in r.stderr.decode()
    zst = tmp_path / "corpus.zst"
    zst.write_bytes(b"\x28\xb5\x2f\xfd" + os.urandom(64))
    with pytest.raises(W2VError, match="is a zstd file"):
        w2vpy.train(zst, workers=1, epochs=1)


# -- 12: a word twice in a vector file ------------------------------------------------------

def test_repeated_word_in_vector_file_keeps_the_first(tmp_path):
    text = tmp_path / "dup.txt"
    text.write_bytes(b"3 2\na 1 0\nb 0 1\na 1 1\n")
    with pytest.warns(DuplicateWordWarning, match=r"'a' \(lines 2 and 4\)"):
        kv = load(text)
    assert kv.index_to_key == ["a", "b"] and kv["a"].tolist() == [1, 0]
    assert kv.most_similar("a", topn=5) == [("b", 0.0)]
    binary = tmp_path / "dup.bin"
    binary.write_bytes(b"2 1\nx " + np.float32(1).tobytes() + b"\nx " +
                       np.float32(2).tobytes() + b"\n")
    with pytest.warns(DuplicateWordWarning, match=r"'x' \(vectors 0 and 1\)"):
        assert len(load(binary)) == 1
    with pytest.raises(W2VError, match="key 'a' appears twice"):
        w2vpy.WordVectors(["a", "a"], np.zeros((2, 2)))


# -- 13: switches that are not booleans -----------------------------------------------------

@pytest.mark.parametrize("name,value", [("hs", "no"), ("sg", 2), ("sg", "yes"),
                                        ("sequential_dot", [1]), ("hs", 0.5)])
def test_switch_parameters_take_only_booleans_or_0_1(corpus, name, value):
    expected = re.escape(f"{name} must be True/False or 1/0, got {value!r}")
    with pytest.raises(W2VError, match=expected):
        w2vpy.train(corpus, workers=1, epochs=1, min_count=1, **{name: value})


# -- 15: pruning removes every word ---------------------------------------------------------

def test_pruning_that_leaves_nothing_is_named(tmp_path, capfd):
    once = tmp_path / "once.txt"
    once.write_text(" ".join(f"w{i}" for i in range(1000)) + "\n")  # every word seen once
    r = run_cli_here(capfd, "-train", str(once), "-output", str(tmp_path / "v.bin"),
                     "-max-vocab-size", "2", *FAST)
    assert r.returncode == 1
    message = r.stderr.decode()
    assert "pruning to stay under max_vocab_size=2 (-max-vocab-size)" in message
    assert "min_count" not in message


# -- directories: what was skipped is said ------------------------------------------------

def test_directory_entries_that_are_not_read_are_listed(tmp_path, corpus):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_bytes(corpus.read_bytes())
    (d / "sub").mkdir()
    (d / "gone").symlink_to(tmp_path / "missing")
    (d / "loop").symlink_to(d / "loop")
    (d / "ping").symlink_to(d / "pong")
    (d / "pong").symlink_to(d / "ping")
    os.mkfifo(d / "pipe")
    r = run_cli("-train", str(d), "-output", str(tmp_path / "v.bin"), *FAST[:-2], "-debug", "1")
    assert r.returncode == 0, r.stderr
    message = r.stderr.decode()
    assert f"Skipped {d / 'sub'}: a sub-directory" in message
    assert f"Skipped {d / 'gone'}: a dangling symbolic link" in message
    assert f"Skipped {d / 'pipe'}: a named pipe or device" in message
    for loop in ("loop", "ping", "pong"):
        assert f"Skipped {d / loop}: a symbolic link loop" in message


def test_a_symbolic_link_loop_named_as_input_is_one_line(tmp_path, capfd):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    r = run_cli_here(capfd, "-train", str(loop), "-output", str(tmp_path / "v.bin"), *FAST)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines() == [
        f"w2v-train: error: training input {loop} is a symbolic link loop, not a file, "
        "directory or pipe"]


def test_long_compiled_steps_stop_when_asked():
    """Huffman tree, k-means and syn0's initialisation poll the stop flag that
    run_stoppable raises on Ctrl-C/SIGTERM (they run for seconds or minutes on
    large vocabularies, with the main thread waiting on them)."""
    from w2vpy import _core
    from w2vpy.system.interrupts import new_stop_flag
    raised = new_stop_flag()
    raised[0] = 1
    counts = np.arange(1000, 0, -1, dtype=np.int64)
    assert _core.huffman_tree(counts, new_stop_flag()) is not None
    assert _core.huffman_tree(counts, raised) is None
    vectors = _core.init_input_vectors(1000, 8, 1, new_stop_flag())
    assert _core.init_input_vectors(1000, 8, 1, raised) is None
    assert _core.kmeans(vectors, 10, 10, new_stop_flag()) is not None
    assert _core.kmeans(vectors, 10, 10, raised) is None


def test_a_signal_raises_the_stop_flag_of_work_in_progress():
    """run_stoppable's work (a Huffman build, k-means, counting) polls a stop
    flag; a SIGINT while it runs raises that flag, so the work ends early, and
    the interrupt reaches the caller.  The work here waits for the flag: a
    signal that did not raise it would leave it at its limit, reported."""
    from w2vpy.system.interrupts import run_stoppable

    def work(stop):
        for _ in range(6000):  # 60 s at most: a guard against a hang, not a bound
            if stop[0]:
                return "stopped"
            time.sleep(0.01)
        return "never stopped"

    seen = []
    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        seen.append(run_stoppable(lambda stop: seen.append(work(stop))))
    assert seen == ["stopped"]
    assert not [t for t in threading.enumerate()
                if t.name == "w2vpy-stoppable" and t.is_alive()]


# -- output paths: every path an output takes, checked before any work --------------------

@pytest.mark.parametrize("spelling,tail", [("base.bin/", "/"), ("nodir/", "/"),
                                           ("base.bin/.", "/."), ("base.bin//", "/"),
                                           ("nodir/..", "/..")])
def test_output_spelled_as_a_directory_is_refused_before_work(tmp_path, corpus, spelling, tail,
                                                              capfd):
    (tmp_path / "base.bin").write_bytes(b"old")
    out = f"{tmp_path}/{spelling}"
    r = run_cli_here(capfd, "-train", str(corpus), "-output", out, *FAST)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines() == [
        f"w2v-train: error: output path {out} names a directory (it ends in '{tail}'); "
        "give a file name"]
    assert (tmp_path / "base.bin").read_bytes() == b"old"
    assert not (tmp_path / "nodir").exists()


def test_a_name_as_long_as_the_file_system_takes_is_written(tmp_path):
    from w2vpy.system.atomic import atomic_write
    name_max = os.pathconf(tmp_path, "PC_NAME_MAX")
    out = tmp_path / ("v" * name_max)
    with atomic_write(out) as f:
        f.write(b"vectors")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    assert out.read_bytes() == b"vectors"


def test_an_output_whose_temporary_path_is_too_long_is_refused_before_work(tmp_path):
    """The final path fits the system's limit but its temporary file's would
    not: refused by the check made before training, not after it."""
    path_max = os.pathconf(tmp_path, "PC_PATH_MAX")
    deep = tmp_path
    while len(os.fsencode(str(deep))) < path_max - 300:
        deep = deep / ("d" * 200)
    deep.mkdir(parents=True)
    out = deep / ("v" * (path_max - 2 - len(os.fsencode(str(deep)))))
    assert len(os.fsencode(str(out))) == path_max - 1
    with pytest.raises(W2VError, match="temporary file's path .* is .* bytes long"):
        w2vpy.system.paths.output_target(out)


WRITER = """
import sys, time
from w2vpy.system.atomic import atomic_write
with atomic_write(sys.argv[1]) as f:
    f.write(b"half a model")
    f.flush()
    print("writing", flush=True)
    time.sleep(120)
"""


def start_writer(out):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], stdout=subprocess.PIPE)
    assert proc.stdout.readline() == b"writing\n"
    return proc


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path):
    from w2vpy.system.atomic import atomic_write
    out = tmp_path / "vectors.bin"
    killed, alive = start_writer(out), start_writer(out)
    killed.kill()
    killed.wait(10)
    try:
        leftovers = [p.name for p in tmp_path.iterdir()]
        assert len(leftovers) == 2 and all(n.startswith(".vectors.bin.") for n in leftovers)
        with atomic_write(out) as f:
            f.write(b"vectors")
        left = [p.name for p in tmp_path.iterdir() if p.name != out.name]
        # the live writer's file stays; only the killed one's is gone
        assert len(left) == 1 and f".w2v-{alive.pid}-" in left[0]
        assert out.read_bytes() == b"vectors"
    finally:
        alive.kill()
        alive.wait(10)


def test_an_output_reaches_the_disk_before_its_name_and_a_scratch_file_need_not(
        tmp_path, monkeypatch):
    """What prepare's manifest vouches for is synced before it is named; the
    job's scratch files (remade by a rerun) are renamed without waiting."""
    from w2vpy.system import atomic
    synced = []
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: synced.append(os.readlink(
        f"/proc/self/fd/{fd}")))
    for name, durable in (("output", True), ("scratch", False)):
        with atomic.atomic_write(tmp_path / name, durable) as f:
            f.write(name.encode())
        assert (tmp_path / name).read_bytes() == name.encode()
    assert len(synced) == 1 and "/.output." in synced[0]


def test_closed_standard_input_is_one_line(tmp_path):
    out = tmp_path / "v.txt"
    r = subprocess.run(["w2v-train", "-train", "-", "-output", str(out), *FAST],
                       capture_output=True, preexec_fn=lambda: os.close(0), timeout=60)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines() == [
        "w2v-train: error: standard input is closed: there is no text to read for '-' "
        "(pipe the text in, or give a file)"]
    assert not out.exists()


@pytest.mark.parametrize("stdin", [None, io.StringIO("one two three\n")])
def test_standard_input_without_bytes_is_a_w2v_error_in_python(monkeypatch, stdin):
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(W2VError, match="^standard input is (closed|StringIO without)"):
        w2vpy.train("-", workers=1)



def test_per_thread_hot_rows_are_in_the_memory_check(tmp_path):
    """6001 words x 1000 x 2 matrices is 48 MB, but 64 threads' private
    copies of every syn1neg row are 3.1 GB: refused before training, under a
    3 GB address-space limit, naming what to lower."""
    words = tmp_path / "many.txt"
    words.write_text(" ".join(f"w{i}" for i in range(6000)) + "\n")
    r = run_cli("-train", str(words), "-output", str(tmp_path / "v.bin"), "-size", "1000",
                "-threads", "64", "-hot-rows", "1000000", "-min-count", "1", "-debug", "0",
                limit_address_space=3 << 30)
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"w2v-train: error: the model does not fit in memory: 6001 words x 1000 dimensions x 2 "
        r"matrices of float32 \(48\.0 MB\), 64 threads x 2 copies of 6001 private hot rows x "
        r"1000 dimensions \(3\.1 GB\), 3\.1 GB in all, but this machine has [\d.]+ [GM]B "
        r"available \(the model may take 90%\); lower -threads \(workers\) or -hot-rows "
        r"\(hot_rows\)", lines[0]), lines[0]
    assert not (tmp_path / "v.bin").exists()


@pytest.mark.parametrize("counts", [[0] * 300, [0] + [1] * 299, [0, 0, 0] + list(range(5000, 5297)),
                                    [0] + sorted((10**6 // np.arange(1, 3000)).tolist(),
                                                 reverse=True)])
def test_the_huffman_bound_holds_the_tree(counts):
    from w2vpy.training.huffman import build_huffman_tree
    from w2vpy.system.memory import huffman_code_entries
    counts = np.array(counts, dtype=np.int64)
    assert huffman_code_entries(counts) >= len(build_huffman_tree(counts).points)


def test_a_deep_huffman_tree_is_in_the_memory_check():
    """Words counted 0 (-read-vocab) make word2vec.c's tree a chain: 100000 of
    them would take tens of GB of codes, whatever -size."""
    from w2vpy.system.memory import check_model_fits, run_parts
    from w2vpy.parameters import TrainingParams
    params = TrainingParams(vector_size=1, hs=True, negative=0, workers=1, min_count=0)
    counts = np.zeros(100_000, dtype=np.int64)
    with pytest.raises(W2VError, match=r"the Huffman tree \(up to 9999900000 code entries\) "
                                       r".*; raise -min-count"):
        check_model_fits(len(counts), 1, True, 0, available=8 << 30,
                         run=run_parts(params, counts, 0, 0))


def test_a_training_thread_out_of_memory_is_reported_as_memory(tmp_path):
    """Past the memory check (bypassed here), a thread that cannot allocate its
    private rows is reported as memory, not as a failed read of the corpus."""
    script = tmp_path / "enomem.py"
    script.write_text(f"""
import resource, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from conftest import topic_corpus
import w2vpy, w2vpy.model
text = Path({str(tmp_path / "text.txt")!r})
topic_corpus(text, topics=40, words_per_topic=50, sentences=300)
w2vpy.model.check_trainable = lambda *args: None
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
try:
    w2vpy.train(text, vector_size=10000, workers=64, hot_rows=1_000_000, min_count=1,
                epochs=1, hs=True)
except MemoryError as exc:
    print("MemoryError:", exc)
""")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=300)
    assert r.stdout.startswith("MemoryError: a training thread could not allocate"), r.stderr
