from hypothesis import given, settings, strategies as st

from w2vpy import _core
from w2vpy.text.tokenizer import MAX_WORD_BYTES, tokenize


def reference_tokenize(data: bytes) -> list[bytes]:
    """word2vec.c's ReadWord written out plainly, with w2vpy's two fixes:
    the last word is kept, and a cut word ends on a UTF-8 boundary."""
    tokens, word = [], bytearray()

    def emit():
        w = bytes(word)
        if b"\0" in w[:MAX_WORD_BYTES]:
            w = w[:w.index(b"\0")]
        elif len(w) > MAX_WORD_BYTES:
            cut = MAX_WORD_BYTES
            k = cut
            steps = 0
            while k > 0 and steps < 3 and (w[k] & 0xC0) == 0x80:
                k -= 1
                steps += 1
            if (w[MAX_WORD_BYTES] & 0xC0) == 0x80 and (w[k] & 0xC0) != 0x80 and w[k] >= 0xC0:
                cut = k
            w = w[:cut]
        tokens.append(w)
        word.clear()

    for b in data:
        if b == 13:
            continue
        if b in (32, 9, 10):
            if word:
                emit()
            if b == 10:
                tokens.append(b"</s>")
            continue
        word.append(b)
    if word:
        emit()
    return tokens


def test_basic_split_and_sentence_token():
    assert tokenize(b"a b\tc\nd\n") == [b"a", b"b", b"c", b"</s>", b"d", b"</s>"]


def test_carriage_return_is_ignored_even_inside_words():
    assert tokenize(b"ab\r\ncd\r") == [b"ab", b"</s>", b"cd"]
    assert tokenize(b"a\rb") == [b"ab"]


def test_runs_of_separators_and_blank_lines():
    assert tokenize(b"  a   b \n\n c") == [b"a", b"b", b"</s>", b"</s>", b"c"]


def test_last_word_without_newline_is_kept():
    # word2vec.c loses "end" here; we keep it.
    assert tokenize(b"start end") == [b"start", b"end"]


def test_long_word_is_cut_to_98_bytes():
    assert tokenize(b"x" * 150) == [b"x" * 98]
    assert tokenize(b"y" * 98) == [b"y" * 98]
    assert tokenize(b"z" * 99) == [b"z" * 98]


def test_cut_never_splits_a_utf8_character():
    # 97 ASCII bytes then a 2-byte character: a plain cut at 98 would split it
    word = b"a" * 97 + "é".encode() + b"tail"
    assert tokenize(word) == [b"a" * 97]
    # a 4-byte character straddling the cut
    word = b"b" * 96 + "😀".encode() + b"c"
    assert tokenize(word) == [b"b" * 96]
    # ending exactly on a character boundary keeps 98 bytes
    word = b"c" * 96 + "é".encode() + b"d"
    assert tokenize(word) == [b"c" * 96 + "é".encode()]


def test_nul_ends_the_word_text_as_in_word2vec_c():
    assert tokenize(b"ab\0cd ef") == [b"ab", b"ef"]


def test_chunk_boundaries_do_not_matter():
    data = b"hello wor" + b"ld\nfoo"
    counter = _core.WordCounter(1000)
    counter.feed(b"hello wor")
    counter.feed(b"ld\nfoo")
    counter.finish()
    assert counter.words() == [b"</s>", b"hello", b"world", b"foo"]
    assert tokenize(data) == [b"hello", b"world", b"</s>", b"foo"]


alphabet = st.sampled_from([b" ", b"\t", b"\n", b"\r", b"a", b"b", b"\0", b"\xc3", b"\xa9",
                            b"\xf0", b"\x9f", b"\x80", b"\xff", b"z"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(alphabet, st.binary(max_size=120)), max_size=40))
def test_matches_reference_on_any_bytes(parts):
    data = b"".join(parts)
    assert tokenize(data) == reference_tokenize(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=50))
def test_counting_in_chunks_equals_counting_whole(data, chunk):
    whole = _core.WordCounter(10**6)
    whole.feed(data)
    whole.finish()
    parts = _core.WordCounter(10**6)
    for i in range(0, len(data), chunk):
        parts.feed(data[i:i + chunk])
    parts.finish()
    assert whole.words() == parts.words()
    assert whole.counts().tolist() == parts.counts().tolist()


# Words long enough for the eight-bytes-at-a-time scan, with the bytes under
# 0x21 that it must stop at: the separators, '\r' and NUL, and control bytes
# that belong to a word.
word_bytes = st.sampled_from([b"a", b"\xc3\xa9", b"\x01", b"\x1f", b"\x0b", b"\x80", b"\xff",
                              b"!", b"~"])
scan_words = st.lists(word_bytes, min_size=1, max_size=110).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(scan_words, st.sampled_from([b" ", b"\t", b"\n", b"\r", b"\0", b""])),
                max_size=12),
       st.integers(min_value=1, max_value=64))
def test_long_and_odd_words_match_reference_in_any_chunks(pieces, chunk):
    data = b"".join(word + end for word, end in pieces)
    assert tokenize(data) == reference_tokenize(data)
    whole = _core.WordCounter(10**6)
    whole.feed(data)
    whole.finish()
    parts = _core.WordCounter(10**6)
    for i in range(0, len(data), chunk):
        parts.feed(data[i:i + chunk])
    parts.finish()
    assert parts.words() == whole.words()
    assert parts.counts().tolist() == whole.counts().tolist()
