import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from w2vpy import _core
from w2vpy.text.text_files import Corpus
from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.text.tokenizer import tokenize
from w2vpy.text.vocab import build_vocab, read_vocab, save_vocab


def reference_vocab(data: bytes, min_count: int, max_words: int = 10**9):
    """word2vec.c's LearnVocabFromTrainFile + ReduceVocab + SortVocab, in plain
    Python (with </s> protected from pruning)."""
    counts = {b"</s>": 0}
    min_reduce = 1
    for tok in tokenize(data):
        if tok in counts:
            counts[tok] += 1
            continue
        counts[tok] = 1
        if len(counts) > max_words:
            counts = {w: c for i, (w, c) in enumerate(counts.items())
                      if i == 0 or c > min_reduce}
            min_reduce += 1
    items = list(counts.items())
    rest = sorted(items[1:], key=lambda wc: -wc[1])  # stable: ties keep first-seen order
    return [items[0]] + [wc for wc in rest if wc[1] >= min_count]


def vocab_of(tmp_path, data: bytes, min_count=1, max_vocab_size=10**9):
    path = tmp_path / "corpus.txt"
    path.write_bytes(data)
    return build_vocab(Corpus(path), min_count, max_vocab_size)


def test_order_counts_and_sentence_token(tmp_path):
    v = vocab_of(tmp_path, b"b a c a\nb a\nz\n", min_count=1)
    assert v.words == [b"</s>", b"a", b"b", b"c", b"z"]
    assert v.counts.tolist() == [3, 3, 2, 1, 1]
    assert v.train_words == 10


def test_ties_keep_first_seen_order(tmp_path):
    v = vocab_of(tmp_path, b"q w e r t y\ny t r e w q\n", min_count=1)
    assert v.words[1:] == [b"q", b"w", b"e", b"r", b"t", b"y"]


def test_min_count_drops_rare_words_but_never_sentence_token(tmp_path):
    v = vocab_of(tmp_path, b"a a a b b c", min_count=3)
    assert v.words == [b"</s>", b"a"]
    assert v.counts.tolist() == [0, 3]


def test_empty_input_is_an_error(tmp_path):
    with pytest.raises(W2VError, match="empty"):
        vocab_of(tmp_path, b"")
    with pytest.raises(W2VError, match="empty"):
        vocab_of(tmp_path, b" \t\r ")


def test_pruning_like_reduce_vocab(tmp_path):
    data = b"a b c a d e a f g h a b\n" * 3 + b"x y z w v\n"
    v = vocab_of(tmp_path, data, min_count=1, max_vocab_size=5)
    expected = reference_vocab(data, 1, 5)
    assert list(zip(v.words, v.counts.tolist())) == expected
    assert v.prune_events > 0 and v.pruned_words > 0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"b", b"c", b"dd", b"e", b" ", b"\n", b"\t", b"</s>",
                                 b"\xc3\xa9", b"f"]), max_size=200),
       st.integers(min_value=0, max_value=4), st.integers(min_value=2, max_value=8))
def test_matches_reference(tmp_path_factory, parts, min_count, max_words):
    data = b"".join(parts)
    if not tokenize(data):
        return
    tmp = tmp_path_factory.mktemp("v")
    v = vocab_of(tmp, data, min_count, max_words)
    assert list(zip(v.words, v.counts.tolist())) == reference_vocab(data, min_count, max_words)


@pytest.mark.parametrize("max_words", [10**9, 3000])
def test_many_distinct_words_across_chunks(tmp_path, monkeypatch, max_words):
    """Thousands of distinct words: the counter's table grows (and with
    max_words=3000 prunes) while tokens wait in its look-ahead queue, and
    words are cut by chunk ends; the result must still be word2vec.c's, and
    encoding in a second pass must give each token's id."""
    monkeypatch.setattr("w2vpy.text.text_files.CHUNK_BYTES", 4099)
    rng = np.random.default_rng(7)
    ranks = np.minimum(rng.zipf(1.3, size=60_000), 20_000)
    words = [b"w%d" % r for r in ranks.tolist()]
    lines = [b" ".join(words[i:i + 37]) for i in range(0, len(words), 37)]
    data = b"\n".join(lines) + b"\n"
    v = vocab_of(tmp_path, data, min_count=2, max_vocab_size=max_words)
    assert list(zip(v.words, v.counts.tolist())) == reference_vocab(data, 2, max_words)
    assert (v.prune_events > 0) == (max_words == 3000)
    # the second pass (nothing recorded) looks words up through the same queue
    index = {w: i for i, w in enumerate(v.words)}
    expected = [index[t] for t in tokenize(data) if t in index]
    assert _encoded_ids(Corpus(tmp_path / "corpus.txt"), v) == expected


def test_save_vocab_format(tmp_path):
    v = vocab_of(tmp_path, b"b a a\n", min_count=1)
    out = tmp_path / "vocab.txt"
    save_vocab(v, out)
    assert out.read_bytes() == b"</s> 1\na 2\nb 1\n"


def test_read_vocab_round_trip_and_min_count(tmp_path):
    v = vocab_of(tmp_path, b"b a a c c c\nd\n", min_count=1)
    out = tmp_path / "vocab.txt"
    save_vocab(v, out)
    again = read_vocab(out, min_count=1)
    assert again.words == v.words and again.counts.tolist() == v.counts.tolist()
    cut = read_vocab(out, min_count=2)
    assert cut.words == [b"</s>", b"c", b"a"]


def test_read_vocab_adds_missing_sentence_token(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"dog 5\ncat 7\n")
    v = read_vocab(path, min_count=1)
    assert v.words == [b"</s>", b"cat", b"dog"]
    assert v.counts.tolist() == [0, 7, 5]


def test_a_word_that_begins_with_nul_is_the_empty_word_and_reads_back(tmp_path):
    """word2vec.c's strlen makes a word that begins with a NUL byte "";
    save_vocab writes it as " <count>", which read_vocab reads back as ""
    (word2vec.c's ReadVocab would take the count for a word); a line of a
    count alone, without the space, is still refused."""
    vocab = vocab_of(tmp_path, b"\x00lead a\n\x00other a\nb\n")
    assert vocab.words == [b"</s>", b"", b"a", b"b"]
    save_vocab(vocab, tmp_path / "v.txt")
    assert (tmp_path / "v.txt").read_bytes() == b"</s> 3\n 2\na 2\nb 1\n"
    again = read_vocab(tmp_path / "v.txt", min_count=1)
    assert (again.words, again.counts.tolist()) == (vocab.words, vocab.counts.tolist())
    (tmp_path / "bare.txt").write_bytes(b"</s> 3\n2\n")
    with pytest.raises(CorruptInputError, match="expected 'word count'"):
        read_vocab(tmp_path / "bare.txt")


@pytest.mark.parametrize("content, message", [
    (b"dog\n", "expected 'word count'"),
    (b"dog five\n", "not a non-negative integer"),
    (b"dog -3\n", "not a non-negative integer"),
    (b"dog 1 2\n", "expected 'word count'"),
    (b"dog 1\ndog 2\n", "listed twice"),
    (b"\n\n", "no entries"),
    (b"x" * 120 + b" 4\n", "longer than"),
])
def test_read_vocab_rejects_malformed_files(tmp_path, content, message):
    path = tmp_path / "v.txt"
    path.write_bytes(content)
    with pytest.raises(CorruptInputError, match=message):
        read_vocab(path)


def test_read_vocab_missing_file(tmp_path):
    with pytest.raises(W2VError, match="not found"):
        read_vocab(tmp_path / "nope.txt")


@pytest.mark.parametrize("record_tokens", [False, True])
def test_encoding_drops_unknown_words(tmp_path, record_tokens):
    from w2vpy.text.word_ids import encode_corpus
    path = tmp_path / "c.txt"
    path.write_bytes(b"a a b\nc a\n")
    corpus = Corpus(path)
    v = build_vocab(corpus, min_count=2, record_tokens=record_tokens)
    assert (v._recorded is not None) == record_tokens
    encoded = encode_corpus(corpus, v)
    spool, n = encoded.file, encoded.tokens
    spool.seek(0)
    ids = np.frombuffer(spool.read(), dtype=np.int32)
    # </s>=0, a=1; b and c are under min_count and vanish
    assert ids.tolist() == [1, 1, 0, 1, 0] and n == 5


def _encoded_ids(corpus, vocab):
    from w2vpy.text.word_ids import encode_corpus
    encoded = encode_corpus(corpus, vocab)
    spool, n = encoded.file, encoded.tokens
    with spool:
        spool.seek(0)
        ids = np.frombuffer(spool.read(), dtype=np.int32)
    assert len(ids) == n
    return ids.tolist()


@settings(max_examples=60, deadline=None)
@given(text=st.lists(st.sampled_from([b"a", b"bb", b"c", b"dd d", b"\n", b" ", b"\t", b"e\r"]),
                     max_size=300).map(b"".join),
       min_count=st.integers(0, 3), max_vocab_size=st.sampled_from([2, 3, 5, 1000]))
def test_recorded_encoding_equals_second_pass(tmp_path_factory, text, min_count, max_vocab_size):
    """The one-pass encoding (entries recorded while counting, remapped after)
    gives the ids of a second pass over the text, pruning included (where the
    record goes stale and the second pass is used)."""
    path = tmp_path_factory.mktemp("enc") / "c.txt"
    path.write_bytes(text)
    corpus = Corpus(path)
    try:
        plain = build_vocab(corpus, min_count, max_vocab_size)
    except W2VError:
        return  # empty text: both ways refuse it (tested elsewhere)
    recorded = build_vocab(corpus, min_count, max_vocab_size, record_tokens=True)
    assert recorded.words == plain.words
    assert (recorded._recorded is None) == (plain.prune_events > 0)
    assert _encoded_ids(corpus, recorded) == _encoded_ids(corpus, plain)


def test_recorded_encoding_spans_remap_blocks(tmp_path, monkeypatch):
    """Remapping in place across many blocks, with words dropped in each, and
    tokens recorded across chunk boundaries."""
    from w2vpy.text import text_files as corpus_module
    from w2vpy.text import word_ids as encoded_corpus
    monkeypatch.setattr(encoded_corpus, "REMAP_BLOCK_IDS", 7)
    monkeypatch.setattr(corpus_module, "CHUNK_BYTES", 5)  # words cut across chunks
    rng = np.random.default_rng(3)
    words = [b"w%d" % i for i in rng.zipf(1.5, size=2000) % 50]
    path = tmp_path / "c.txt"
    path.write_bytes(b" ".join(words) + b"\n")
    corpus = Corpus(path)
    expected = _encoded_ids(corpus, build_vocab(corpus, min_count=3))
    assert _encoded_ids(corpus, build_vocab(corpus, min_count=3, record_tokens=True)) == expected
    assert len(expected) < len(words)  # some words were dropped


def test_read_ids_reads_a_range_and_names_a_short_file(tmp_path):
    from w2vpy.text.word_ids import read_ids
    path = tmp_path / "ids.bin"
    np.arange(10, dtype=np.int32).tofile(path)
    with open(path, "rb") as f:
        assert read_ids(f.fileno(), 3, 4).tolist() == [3, 4, 5, 6]
        with pytest.raises(W2VError, match="ended early at token 10"):
            read_ids(f.fileno(), 8, 5)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 19), max_size=200), st.lists(st.integers(-1, 30), min_size=20,
                                                             max_size=20))
def test_remap_entries_maps_and_drops_in_place(entries, remap):
    ids = np.array(entries, dtype=np.int32)
    table = np.array(remap, dtype=np.int32)
    expected = [table[e] for e in entries if table[e] >= 0]
    kept = _core.remap_entries(ids, table)
    assert ids[:kept].tolist() == expected


def test_remap_entries_refuses_an_entry_outside_the_counter():
    with pytest.raises(IndexError, match="entry 5 outside the counter's 3"):
        _core.remap_entries(np.array([0, 5], dtype=np.int32), np.arange(3, dtype=np.int32))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"bb", b"</s>", b"w" * 99, b"\xc3\xa9", b"zz"]),
                max_size=30), st.lists(st.sampled_from([b"a", b"bb", b"x", b"w" * 99, b"zz",
                                                        b"\xc3"]), max_size=12))
def test_find_keys_is_each_keys_entry_or_minus_one(counted, asked):
    """Packed keys looked up at once: each key's entry (count_of says it is
    there), -1 for a key the counter lacks, and the counter unchanged."""
    counter = _core.WordCounter(1000)
    counter.feed(b" ".join(counted) + b" ")
    counter.finish()
    before = counter.words()
    keys, lengths = b"".join(asked), np.array([len(k) for k in asked], dtype=np.uint8)
    entries = counter.find_keys(keys, lengths)
    assert entries.tolist() == [before.index(k) if k in before else -1 for k in asked]
    assert [counter.count_of(k) >= 0 for k in asked] == [e >= 0 for e in entries.tolist()]
    assert counter.words() == before
    with pytest.raises(ValueError, match="key bytes"):
        counter.find_keys(keys + b"!", lengths)


def test_feed_recording_into_a_reused_buffer_records_the_same_entries():
    chunks = [b"a bb a\nccc d", b"d a bb\n", b"", b"e"]
    fresh, reused = _core.WordCounter(100), _core.WordCounter(100)
    out = np.full(16, -7, dtype=np.int32)
    for chunk in chunks:
        assert fresh.feed_recording(chunk).tolist() == reused.feed_recording(chunk, out).tolist()
    assert fresh.finish_recording().tolist() == reused.finish_recording().tolist()
    with pytest.raises(ValueError, match="a chunk of 15 bytes needs 17"):
        reused.feed_recording(b"x" * 15, out)


def test_keys_of_packs_the_entries_asked_for_in_that_order():
    counter = _core.WordCounter(100)
    counter.feed(b"a bb ccc a \xc3\xa9\n")
    counter.finish()
    words = counter.words()
    keys, lengths = counter.keys_of(np.array([3, 0, 3, 1]))
    assert bytes(keys) == words[3] + words[0] + words[3] + words[1]
    assert lengths.tolist() == [len(words[3]), len(words[0]), len(words[3]), len(words[1])]
    assert [bytes(k) for k in counter.keys_of(np.zeros(0, dtype=np.int64))[:1]] == [b""]
    with pytest.raises(IndexError, match="outside the counter's 5"):
        counter.keys_of([5])


@settings(max_examples=60, deadline=None)
@given(before=st.lists(st.sampled_from([b"a", b"zz", b"q\n", b"w" * 99, b"\xc3"]), max_size=80),
       text=st.lists(st.sampled_from([b"a", b"bb", b"c", b"zz", b"\n", b"\xc3\xa9", b"d e"]),
                     max_size=80),
       max_words=st.sampled_from([2, 4, 1000]), cut=st.integers(0, 200))
def test_a_reset_counter_counts_and_records_as_a_new_one(before, text, max_words, cut):
    """reset() after any text (pruned, cut mid-word, never finished) leaves
    a counter that counts, records, prunes and hashes as a new one."""
    used = _core.WordCounter(max_words)
    used.feed(b" ".join(before)[:cut])
    used.reset()
    new = _core.WordCounter(max_words)
    data = b" ".join(text)
    entries = [counter.feed_recording(data).tolist() + counter.finish_recording().tolist()
               for counter in (used, new)]
    assert entries[0] == entries[1] and used.words() == new.words()
    assert used.counts().tolist() == new.counts().tolist()
    assert used.hashes().tolist() == new.hashes().tolist()
    assert (used.tokens, used.prune_events, used.pruned_words, used.entries_valid) == \
        (new.tokens, new.prune_events, new.pruned_words, new.entries_valid)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.binary(min_size=0, max_size=8), st.integers(0, 2**40)),
                max_size=30, unique_by=lambda wc: wc[0]))
def test_append_packed_is_append_one_by_one(pairs):
    one, packed = _core.WordCounter(10**6), _core.WordCounter(10**6)
    for word, count in pairs:
        one.append(word, count)
    packed.append_packed(b"".join(w for w, _ in pairs),
                         np.array([len(w) for w, _ in pairs], dtype=np.uint8),
                         np.array([c for _, c in pairs], dtype=np.int64))
    assert packed.words() == one.words() and packed.counts().tolist() == one.counts().tolist()
    if pairs:
        with pytest.raises(ValueError, match="present already"):
            packed.append_packed(pairs[0][0], np.array([len(pairs[0][0])], dtype=np.uint8),
                                 np.array([1], dtype=np.int64))
    with pytest.raises(ValueError, match="1 counts for 0 keys"):
        packed.append_packed(b"", np.zeros(0, dtype=np.uint8), np.ones(1, dtype=np.int64))


counting_texts = st.lists(st.sampled_from([b"a", b"bb", b"c", b"dd d", b"\n", b" ", b"\t", b"e\r",
                                           b"\0x", b"w" * 99, b"\xc3\xa9", b"f", b"g h"]),
                          max_size=300).map(b"".join)


@settings(max_examples=80, deadline=None)
@given(text=counting_texts, chunk_bytes=st.integers(1, 40), threads=st.integers(2, 5),
       max_vocab_size=st.sampled_from([3, 6, 1000]))
def test_counting_in_parallel_equals_counting_alone(tmp_path_factory, text, chunk_bytes,
                                                    threads, max_vocab_size):
    """Words, counts, order, pruning and the recorded tokens are counting
    alone's, whatever the chunks and threads; and without pruning the threads
    do count (the serial count is not what answers)."""
    from w2vpy.text import text_files as corpus_module
    from w2vpy.text import vocab as vocab_module
    path = tmp_path_factory.mktemp("par") / "c.txt"
    path.write_bytes(text)
    corpus = Corpus(path)
    saved_chunk, saved_alone = corpus_module.CHUNK_BYTES, vocab_module._count_alone
    alone_calls = []
    corpus_module.CHUNK_BYTES = chunk_bytes
    try:
        try:
            plain = build_vocab(corpus, 1, max_vocab_size, record_tokens=True)
        except W2VError:
            with pytest.raises(W2VError):
                build_vocab(corpus, 1, max_vocab_size, threads=threads)
            return
        vocab_module._count_alone = lambda *a: alone_calls.append(a) or saved_alone(*a)
        parallel = build_vocab(corpus, 1, max_vocab_size, record_tokens=True, threads=threads)
    finally:
        corpus_module.CHUNK_BYTES, vocab_module._count_alone = saved_chunk, saved_alone
    assert parallel.words == plain.words
    assert parallel.counts.tolist() == plain.counts.tolist()
    assert (parallel.prune_events, parallel.pruned_words) == (plain.prune_events,
                                                              plain.pruned_words)
    assert bool(alone_calls) == (plain.prune_events > 0)
    assert _encoded_ids(corpus, parallel) == _encoded_ids(corpus, plain)


def test_a_word_longer_than_the_uncut_limit_is_counted_alone(tmp_path, monkeypatch):
    from w2vpy.text import text_files as corpus_module
    from w2vpy.text import vocab as vocab_module
    monkeypatch.setattr(corpus_module, "CHUNK_BYTES", 4)
    monkeypatch.setattr(vocab_module, "MAX_UNCUT_BYTES", 10)
    path = tmp_path / "c.txt"
    path.write_bytes(b"x" * 30 + b" y y\n" + b"z" * 12)
    corpus = Corpus(path)
    alone = build_vocab(corpus, 1)
    counted_alone = vocab_module._count_alone
    alone_calls = []
    monkeypatch.setattr(vocab_module, "_count_alone",
                        lambda *a: alone_calls.append(a) or counted_alone(*a))
    parallel = build_vocab(corpus, 1, threads=2)
    assert len(alone_calls) == 1  # the threads gave up at the long word
    assert parallel.words == alone.words == [b"</s>", b"y", b"x" * 30, b"z" * 12]
    assert parallel.counts.tolist() == alone.counts.tolist()


def test_a_failure_while_counting_in_parallel_is_raised_not_hung(tmp_path, monkeypatch):
    from w2vpy.text import text_files as corpus_module
    from w2vpy.text import vocab as vocab_module
    monkeypatch.setattr(corpus_module, "CHUNK_BYTES", 8)
    path = tmp_path / "c.txt"
    path.write_bytes(b"a b c d e f g h i j k l m n o p\n" * 50)

    def full_disk(*args):
        raise W2VError("cannot write the counted tokens: No space left on device")
    monkeypatch.setattr(vocab_module, "write_spool_at", full_disk)
    with pytest.raises(W2VError, match="No space left"):
        build_vocab(Corpus(path), 1, record_tokens=True, threads=3)


def test_training_counts_plain_text_in_parallel_and_compressed_text_alone(tmp_path, monkeypatch):
    """The model's workers reach the counting; gzip is counted alone (its
    decompression holds the second core), to the same vocabulary."""
    import gzip
    from w2vpy import Word2Vec
    from w2vpy.text import vocab as vocab_module
    text = b"the cat sat on the mat\nthe dog sat\n" * 40
    plain, packed = tmp_path / "c.txt", tmp_path / "c.txt.gz"
    plain.write_bytes(text)
    packed.write_bytes(gzip.compress(text))
    parallel_inputs = []
    counting_in_parallel = vocab_module._count_in_parallel
    monkeypatch.setattr(vocab_module, "_count_in_parallel",
                        lambda corpus, *a: parallel_inputs.append(corpus.name)
                        or counting_in_parallel(corpus, *a))
    models = {path: Word2Vec(vector_size=8, min_count=1, workers=2) for path in (plain, packed)}
    for path, model in models.items():
        model.build_vocab(str(path))
    assert parallel_inputs == [str(plain)]
    assert models[plain].wv.index_to_key == models[packed].wv.index_to_key
    assert models[plain].wv.index_to_key == [w.decode() for w in vocab_of(tmp_path, text).words]
