"""thread_split: how the threads share the text.  'parts' is word2vec.c's (each
thread its own part of the encoded text); 'blocks' deals blocks of whole
sentences to the threads in turn, so that they move through the text
together, as gensim's threads take the next job."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import w2vpy
from w2vpy import W2VError, Word2Vec
from w2vpy.system.spool import open_spool
from w2vpy.text.word_ids import EncodedCorpus, block_starts, dealt_in_blocks, read_ids


def _encoded(ids: list[int]) -> EncodedCorpus:
    spool = open_spool("a test's ids")
    spool.write(np.asarray(ids, dtype=np.int32).tobytes())
    spool.flush()
    return EncodedCorpus(spool, len(ids), 0)


def test_blocks_end_at_the_first_sentence_end_past_the_block_size():
    # sentences end (id 0) after positions 3, 5, 11 and 13; blocks of 4
    ids = [1, 2, 0, 3, 0, 1, 1, 1, 1, 1, 0, 2, 0]
    with _encoded(ids) as encoded:
        assert block_starts(encoded.file, len(ids), block_tokens=4) == [0, 5, 11]


def test_a_text_without_sentence_ends_is_cut_at_the_block_size():
    with _encoded([7] * 11) as encoded:
        assert block_starts(encoded.file, 11, block_tokens=4) == [0, 4]
    with _encoded([7] * 20) as encoded:
        assert block_starts(encoded.file, 20, block_tokens=4) == [0, 4, 8, 12]


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(1, 30), min_size=1, max_size=40),
       workers=st.integers(2, 4), block=st.integers(1, 25))
def test_each_threads_part_holds_every_workers_th_block_in_text_order(lengths, workers, block):
    """Against a plain-Python dealing of the same blocks: thread t's blocks
    are t, t + workers, ... in text order, and no id is lost or added."""
    ids = [tok for n, length in enumerate(lengths) for tok in [n + 1] * (length - 1) + [0]]
    with _encoded(ids) as encoded:
        starts = block_starts(encoded.file, len(ids), block_tokens=block) + [len(ids)]
    blocks = [ids[a:b] for a, b in zip(starts, starts[1:])]
    assert [tok for b in blocks for tok in b] == ids
    expected = [tok for t in range(workers) for b in blocks[t::workers] for tok in b]
    with dealt_in_blocks(_encoded(ids), workers, block_tokens=block) as dealt:
        assert dealt.tokens == len(ids)
        assert read_ids(dealt.file.fileno(), 0, dealt.tokens).tolist() == expected


SENTENCES = [[f"w{(i * 7 + j * 3) % 13}" for j in range(9)] for i in range(300)]


def test_gensims_calls_deal_blocks_and_the_rest_take_parts(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in SENTENCES))
    settings_ = dict(vector_size=8, min_count=1, epochs=1)
    assert Word2Vec(SENTENCES, workers=2, **settings_).params.thread_split == "blocks"
    assert Word2Vec(corpus_file=str(path), workers=2, **settings_).params.thread_split == "blocks"
    positional = Word2Vec(workers=2, **settings_)
    positional.build_vocab(path)
    positional.train(path)
    assert positional.params.thread_split == "parts"


def test_one_worker_reads_the_text_in_order_either_way():
    settings_ = dict(vector_size=8, min_count=1, epochs=2, workers=1, seed=2)
    blocks = Word2Vec(SENTENCES, thread_split="blocks", **settings_)
    parts = Word2Vec(SENTENCES, thread_split="parts", **settings_)
    assert np.array_equal(blocks.wv.vectors, parts.wv.vectors)


def test_the_command_line_takes_it_and_refuses_other_words(tmp_path):
    from w2vpy.cli import main as w2v_train
    path = tmp_path / "text.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in SENTENCES))
    args = ["-train", str(path), "-size", "8", "-min-count", "1", "-threads", "2", "-iter", "1",
            "-binary", "1", "-debug", "0"]
    assert w2v_train([*args, "-output", str(tmp_path / "v.bin"), "-thread-split", "blocks"]) == 0
    assert len(w2vpy.load(tmp_path / "v.bin").index_to_key) == 14  # 13 words and </s>
    assert w2v_train([*args, "-output", str(tmp_path / "w.bin"), "-thread-split", "jobs"]) == 1
    assert not (tmp_path / "w.bin").exists()


@pytest.mark.parametrize("value", ["jobs", 1, ""])
def test_a_thread_split_that_is_neither_word_is_refused(value):
    with pytest.raises(W2VError, match="thread_split"):
        Word2Vec(thread_split=value)
