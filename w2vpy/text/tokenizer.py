"""word2vec.c's tokenizer, on bytes.

Words are split on space, tab and newline; ``\\r`` is ignored; every newline is
also the token ``</s>``, which ends a sentence.  The compiled tokenizer does the
work (see ``src/word2vec_c/tokenizer.h``); this module names its rules.
"""
from __future__ import annotations

from w2vpy import _core

SENTENCE_END = b"</s>"
#: Longest word kept, in bytes (word2vec.c's MAX_STRING - 2).
MAX_WORD_BYTES: int = _core.MAX_WORD_BYTES


def tokenize(data: bytes) -> list[bytes]:
    """Every token of a complete text, ``</s>`` for each newline.

    Unlike word2vec.c, the last word of text without a final newline is kept,
    and a word cut at MAX_WORD_BYTES never ends inside a UTF-8 character.
    """
    return _core.tokenize(bytes(data))
