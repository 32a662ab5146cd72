"""The vocabulary: word2vec.c's LearnVocabFromTrainFile, SortVocab,
ReduceVocab, SaveVocab and ReadVocab.

Order is word2vec.c's: ``</s>`` first, then by count descending, ties in
first-seen order; words under ``min_count`` dropped (never ``</s>``).
"""
from __future__ import annotations

import os
import queue
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from w2vpy import _core
from w2vpy.text.text_files import Corpus
from w2vpy.errors import CorruptInputError, NotTrainable, W2VError
from w2vpy.parameters import DEFAULT_MAX_VOCAB_SIZE, INT64_MAX
from w2vpy.system.paths import open_input_file
from w2vpy.system.spool import (closed_on_error, flush_spool, open_spool, write_spool,
                                 write_spool_at)
from w2vpy.text.tokenizer import MAX_WORD_BYTES, SENTENCE_END, tokenize

#: what the temporary files hold, for messages
TOKEN_RECORD = "the counted tokens"


@dataclass
class RecordedTokens:
    """The counter entry of every token of one corpus, in text order, kept in
    an unlinked temporary file while counting.  Encoding then maps entries to
    final ids instead of decompressing, tokenizing and hashing the text again."""
    file: BinaryIO
    tokens: int
    source: Corpus


@dataclass
class Vocabulary:
    words: list[bytes]
    counts: np.ndarray  # int64, aligned with words
    #: distinct words removed by ReduceVocab-style pruning while counting
    pruned_words: int = 0
    prune_events: int = 0
    #: the counter and entry->id map used to encode text with this vocabulary
    _counter: _core.WordCounter | None = field(default=None, repr=False)
    _remap: np.ndarray | None = field(default=None, repr=False)
    #: the counting pass's token stream, when it was recorded
    _recorded: RecordedTokens | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.words)

    @property
    def train_words(self) -> int:
        """Sum of counts: word2vec.c's train_words (the schedule's unit)."""
        return int(self.counts.sum())

    def release_encoder(self) -> None:
        """Frees the counter's hash table once no more text will be encoded
        (it is as large as the rest of the vocabulary together); encoder()
        makes a new one from the words if more text comes."""
        self._counter = None
        self._remap = None

    def drop_record(self) -> None:
        """Closes the counting pass's record of the text, when no training
        will encode it (its spool file goes at once, not with the GC)."""
        if self._recorded is not None:
            self._recorded.file.close()
            self._recorded = None

    def encoder(self) -> _core.Encoder:
        if self._counter is None or self._remap is None:
            self._counter = unpruned_counter()
            for word, count in zip(self.words, self.counts.tolist()):
                self._counter.append(word, count)
            self._remap = np.arange(len(self.words), dtype=np.int32)
        return _core.Encoder(self._counter, self._remap)


def unpruned_counter() -> _core.WordCounter:
    """A counter for keys that come with their counts (a vocabulary file, a
    saved model's words): it never prunes, as no real table reaches 2**62."""
    return _core.WordCounter(2**62)


@dataclass
class CountedWords:
    """Every word a count found, before ``min_count`` decides (gensim's raw
    vocabulary): rows in SortVocab's order, ``</s>`` first.  Words become
    Python objects only for the rows a vocabulary keeps (``kept``), or when
    every one is asked for (``words``): the words under ``min_count`` are
    usually most of them."""
    #: each row's count (int64), row 0 ``</s>``
    counts: np.ndarray
    pruned_words: int = 0
    prune_events: int = 0
    #: the tokens the count read (``</s>`` included), and what it recorded
    tokens: int = 0
    _recorded: RecordedTokens | None = field(default=None, repr=False)
    #: the counter and each row's entry in it; or, for words that came
    #: counted (a vocabulary file's, a prepared corpus's), their vocabulary
    _counter: _core.WordCounter | None = field(default=None, repr=False)
    _entries: np.ndarray | None = field(default=None, repr=False)
    _vocab: Vocabulary | None = field(default=None, repr=False)

    @classmethod
    def of(cls, vocab: Vocabulary) -> CountedWords:
        """The rows of a vocabulary already decided, as they are."""
        tokens = vocab._counter.tokens if vocab._counter is not None else vocab.train_words
        return cls(vocab.counts, vocab.pruned_words, vocab.prune_events, int(tokens),
                   vocab._recorded, _vocab=vocab)

    def __len__(self) -> int:
        return len(self.counts)

    def words(self) -> list[bytes]:
        """Every row's word, in row order."""
        if self._vocab is not None:
            return list(self._vocab.words)
        assert self._counter is not None and self._entries is not None
        return self._counter.words(self._entries)

    def kept(self, keep: np.ndarray) -> Vocabulary:
        """The vocabulary of the rows ``keep`` marks (a bool mask; row 0,
        ``</s>``, always), in row order, with the encoder's map from counted
        entries to ids."""
        keep = np.asarray(keep, dtype=bool).copy()
        keep[0] = True
        if self._vocab is not None:
            vocab = restricted(self._vocab, keep)
            vocab._recorded = self._recorded
            return vocab
        assert self._counter is not None and self._entries is not None
        final = self._entries[keep]
        remap = np.full(len(self._counter), -1, dtype=np.int32)
        remap[final] = np.arange(len(final), dtype=np.int32)
        return Vocabulary(
            words=self._counter.words(final),  # only the kept words become Python objects
            counts=self.counts[keep],
            pruned_words=self.pruned_words,
            prune_events=self.prune_events,
            _counter=self._counter,
            _remap=remap,
            _recorded=self._recorded,
        )


def gensim_pruned_counts(corpus, max_vocab_size: int,
                         counted: CountedWords) -> CountedWords:
    """gensim's count of sentences past ``max_vocab_size``, for a corpus of
    sentences that word2vec.c's counting (``counted``) pruned: after a
    sentence that leaves more than ``max_vocab_size`` words, every word seen
    fewer than ``min_reduce`` times is dropped, ``min_reduce`` starting at 1
    and growing by one each time (gensim.utils.prune_vocab).  Read again from
    the corpus's text (word2vec.c's tokens, a ``</s>`` ending each sentence);
    rows by count, ties in the order the counts last began."""
    if counted._recorded is not None:  # its entries number the pruned counter's words
        counted._recorded.file.close()
    counts: dict[bytes, int] = {}
    sentences = tokens = pruned_words = prune_events = 0
    min_reduce = 1
    for chunk in corpus.chunks():
        for token in tokenize(bytes(chunk)):
            tokens += 1
            if token != SENTENCE_END:
                counts[token] = counts.get(token, 0) + 1
                continue
            sentences += 1
            if len(counts) > max_vocab_size:
                rare = [word for word, count in counts.items() if count < min_reduce]
                for word in rare:
                    del counts[word]
                pruned_words += len(rare)
                prune_events += 1
                min_reduce += 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: ties keep dict order
    vocab = Vocabulary(words=[SENTENCE_END] + [word for word, _ in ranked],
                       counts=np.asarray([sentences] + [count for _, count in ranked],
                                         dtype=np.int64),
                       pruned_words=pruned_words, prune_events=prune_events)
    return replace(CountedWords.of(vocab), tokens=tokens)


def sorted_counts(counter: _core.WordCounter,
                  recorded: RecordedTokens | None = None) -> CountedWords:
    """The counter's entries in word2vec.c's SortVocab order, none dropped."""
    counts = counter.counts()
    # A stable sort by count, descending, keeps ties in first-seen order, as
    # word2vec.c's qsort (glibc's merge sort) does.
    order = np.argsort(-counts[1:], kind="stable")
    order += 1
    entries = np.concatenate([np.zeros(1, dtype=np.int64), order])
    del order
    return CountedWords(counts[entries], counter.pruned_words, counter.prune_events,
                        int(counter.tokens), recorded, _counter=counter, _entries=entries)


def restricted(vocab: Vocabulary, keep: np.ndarray) -> Vocabulary:
    """The vocabulary's rows where ``keep``, in their order; the encoder's map
    from counted entries to ids follows, so that the recorded tokens still
    encode without a second pass over the text."""
    if keep.all():
        return vocab
    new_id = np.full(len(vocab), -1, dtype=np.int32)
    new_id[keep] = np.arange(int(keep.sum()), dtype=np.int32)
    remap = vocab._remap
    if remap is not None:
        remap = np.where(remap >= 0, new_id[np.maximum(remap, 0)], -1).astype(np.int32)
    words = [w for w, k in zip(vocab.words, keep.tolist()) if k]
    return replace(vocab, words=words, counts=vocab.counts[keep], _remap=remap)


def build_vocab(corpus: Corpus, min_count: int = 5,
                max_vocab_size: int = DEFAULT_MAX_VOCAB_SIZE, record_tokens: bool = False,
                spool_dir: str | None = None, read_ahead: bool = False,
                threads: int = 1) -> Vocabulary:
    """Count the corpus and build the vocabulary as word2vec.c: ``count_words``
    then the words that reach ``min_count``."""
    counted = count_words(corpus, max_vocab_size, record_tokens, spool_dir, read_ahead, threads)
    return counted.kept(counted.counts >= min_count)


def count_words(corpus: Corpus, max_vocab_size: int = DEFAULT_MAX_VOCAB_SIZE,
                record_tokens: bool = False, spool_dir: str | None = None,
                read_ahead: bool = False, threads: int = 1) -> CountedWords:
    """Count the corpus as word2vec.c's LearnVocabFromTrainFile (ReduceVocab
    pruning past ``max_vocab_size``) and sort as SortVocab, no word dropped.

    With ``record_tokens``, the token stream is kept so that ``encode_corpus``
    on the same corpus needs no second pass over the text (unless pruning
    renumbered the words on the way, which falls back to that second pass).
    ``read_ahead`` reads and decompresses the text on a second thread while
    the counting goes on (see ``Corpus.chunks``).  With ``threads`` above 1,
    plain text is counted by up to MAX_COUNTING_THREADS threads at once, to
    the same result (see ``_count_in_parallel``).  Compressed text is counted
    alone: decompression is the slower half of the work there, and it already
    has a thread of its own when ``read_ahead``; so is a text that cannot be
    read again (sentences from an iterator), since counting alone starts over
    when parallel counting gives up."""
    counted = None
    if threads > 1 and not corpus.has_compressed_files and corpus.can_read_again:
        counted = _count_in_parallel(corpus, max_vocab_size, min(threads, MAX_COUNTING_THREADS),
                                     record_tokens, spool_dir)
    if counted is None:
        counted = _count_alone(corpus, max_vocab_size, record_tokens, spool_dir, read_ahead)
    counter, record = counted
    if counter.tokens == 0:
        if record is not None:
            record.close()
        raise NotTrainable(f"training input {corpus.name} is empty (no words)")
    recorded = None
    if record is not None:
        with closed_on_error(record):
            flush_spool(record, TOKEN_RECORD, spool_dir)
        recorded = RecordedTokens(record, counter.tokens, corpus)
    return sorted_counts(counter, recorded)


def _count_alone(corpus: Corpus, max_vocab_size: int, record_tokens: bool,
                 spool_dir: str | None,
                 read_ahead: bool) -> tuple[_core.WordCounter, BinaryIO | None]:
    """word2vec.c's counting: one counter fed the text in order."""
    counter = _core.WordCounter(max_vocab_size)
    record = open_spool(TOKEN_RECORD, spool_dir) if record_tokens else None
    with closed_on_error(record):
        for chunk in corpus.chunks(read_ahead):
            record = _count_chunk(counter, chunk, record, spool_dir)
        if record is not None:
            record = _record_entries(counter, counter.finish_recording(), record, spool_dir)
        else:
            counter.finish()
    return counter, record


#: threads that count at once, at most: each keeps a table of every word it
#: meets, and beyond a few they would wait on the reading anyway
MAX_COUNTING_THREADS = 4
#: a text that goes this long without a space, tab or newline is counted alone
#: (parallel counting cuts the text between words)
MAX_UNCUT_BYTES = 1 << 24


def _count_in_parallel(corpus: Corpus, max_vocab_size: int, threads: int,
                       record_tokens: bool,
                       spool_dir: str | None) -> tuple[_core.WordCounter, BinaryIO | None] | None:
    """Counting's result with several threads: the same words, counts, order
    and recorded tokens as counting alone.

    The text is cut after a separator into pieces, each of which tokenizes
    alone as it does in the stream.  Each thread counts the pieces it takes
    into its own part; then, in text order, a piece's entries are renumbered
    into one whole counter that numbers words in first-seen order
    (vocab_counter.h).  None when the words outgrow max_vocab_size, or a word
    outgrows MAX_UNCUT_BYTES: which words pruning drops depends on when they
    come, so counting alone (from the start) decides."""
    record = open_spool(TOKEN_RECORD, spool_dir) if record_tokens else None
    whole = None
    try:
        whole = _count_pieces(corpus, max_vocab_size, threads, record, spool_dir)
    finally:
        if whole is None and record is not None:  # failed or given up: nobody reads it
            record.close()
    return None if whole is None else (whole, record)


def _count_pieces(corpus: Corpus, max_vocab_size: int, threads: int, record: BinaryIO | None,
                  spool_dir: str | None) -> _core.WordCounter | None:
    """_count_in_parallel's work, the token record (when kept) written to
    ``record``; None when counting alone has to decide."""
    return _PieceCounting(max_vocab_size, threads, record, spool_dir).count(corpus.chunks())


class _PieceCounting:
    """Several threads counting pieces of one text into one whole counter.

    A thread that has counted a piece leaves it ready and takes the next one:
    whichever thread finds the next piece in text order ready merges the
    ready run of them (adopt: a lookup per word new to a part), so no thread
    waits on another's piece.  Mapping a piece's entries to the whole's and
    writing them at their place in the record is done off that ordered step."""

    def __init__(self, max_vocab_size: int, threads: int, record: BinaryIO | None,
                 spool_dir: str | None):
        self.max_vocab_size = max_vocab_size
        self.threads = threads
        self.record = record
        self.spool_dir = spool_dir
        self.whole = _core.WordCounter(max_vocab_size)
        self.whole.append(SENTENCE_END, 0)  # entry 0 whatever the text, as counting alone
        self.parts = [_core.WordCounter(max_vocab_size) for _ in range(threads)]
        #: each part's entries to the whole's
        self.maps = [np.empty(0, dtype=np.int32) for _ in range(threads)]
        self.pieces: queue.Queue = queue.Queue(maxsize=2 * threads)
        self.order = _MergeOrder()

    # -- the reading thread ------------------------------------------------------------
    def count(self, chunks) -> _core.WordCounter | None:
        """The whole counter of the text in ``chunks``, or None once counting
        alone has to decide (a part pruned, or a word outgrew a piece)."""
        workers = [threading.Thread(target=self._count_pieces, args=(i,), daemon=True)
                   for i in range(self.threads)]
        for worker in workers:
            worker.start()
        try:
            self._hand_out(chunks)
        except BaseException:
            self.order.stopped = True
            raise
        finally:
            self._stop(workers)
        if self.order.error is not None:
            raise self.order.error
        return None if self.order.outgrown else self._finish()

    def _hand_out(self, chunks) -> None:
        for index, piece in enumerate(_whole_word_pieces(chunks)):
            if piece is None:
                self.order.give_up()
            if not self.order.going():
                return
            self.pieces.put((index, *piece))

    def _stop(self, workers: list[threading.Thread]) -> None:
        for _ in workers:
            self.pieces.put(None)
        self.order.wake()
        for worker in workers:
            worker.join()

    def _finish(self) -> _core.WordCounter | None:
        """Each part's last word (the text's, when no separator ends it), then
        every part's counts into the whole."""
        for i, part in enumerate(self.parts):
            piece = self._counted(i, len(part), self._finish_part(i))
            if piece is None:
                return None
            part_to_whole, token = self._adopt(piece)
            if self.order.outgrown:
                return None
            if self.record is not None:
                self._write_record(piece, part_to_whole, token)
        for i, part in enumerate(self.parts):
            self.whole.absorb(part, self.maps[i])
        return self.whole

    # -- the counting threads ----------------------------------------------------------
    def _count_pieces(self, i: int) -> None:
        while (item := self.pieces.get()) is not None:
            index, head, body = item
            if not self.order.going():
                continue
            first_new = len(self.parts[i])
            piece = self.order.guard(lambda: self._counted(i, first_new, self._feed(i, (head, body))))
            if piece is not None:
                self.order.put_ready(index, piece, limit=2 * self.threads)
                self._merge_ready()

    def _feed(self, i: int, texts: tuple) -> list[np.ndarray]:
        """Count a piece into part i; its entries of the part when recording."""
        if self.record is None:
            for text in texts:
                self.parts[i].feed(text)
            return []
        return [self.parts[i].feed_recording(text) for text in texts]

    def _finish_part(self, i: int) -> list[np.ndarray]:
        """The text's last word, when no separator ends it, waits in one part."""
        if self.record is None:
            self.parts[i].finish()
            return []
        return [self.parts[i].finish_recording()]

    def _counted(self, i: int, first_new: int, entries: list[np.ndarray]) -> _CountedPiece | None:
        """The piece, or None once part i has pruned (its entries moved)."""
        if self.parts[i].prune_events:
            self.order.give_up()
            return None
        return _CountedPiece(i, first_new, *self.parts[i].keys_since(first_new), entries)

    # -- merging, in text order --------------------------------------------------------
    def _merge_ready(self) -> None:
        """Merge the pieces ready in text order, unless another thread is at
        it; the last look, after letting go, catches a piece that came ready
        while this thread still held the merge."""
        order = self.order
        while order.going() and order.ready_to_merge() and order.merging.acquire(blocking=False):
            adopted = []
            try:
                while order.going() and (piece := order.take_next()) is not None:
                    placed = order.guard(lambda: self._adopt(piece))
                    if placed is not None:
                        adopted.append((piece, *placed))
            finally:
                order.merging.release()
                order.wake()
            if self.record is not None:
                for piece, part_to_whole, token in adopted:
                    if order.going():
                        order.guard(lambda: self._write_record(piece, part_to_whole, token))

    def _adopt(self, piece: _CountedPiece) -> tuple[np.ndarray, int]:
        """In text order: the piece's new words into the whole.  Returns the
        part's map and the token where the piece's entries go in the record."""
        i = piece.part
        self.maps[i] = self.whole.adopt(piece.keys, piece.key_lengths, self.maps[i],
                                        piece.first_new)
        if len(self.whole) > self.max_vocab_size:
            self.order.give_up()
        first_token = self.order.recorded_tokens
        self.order.recorded_tokens += sum(len(entries) for entries in piece.entries)
        return self.maps[i], first_token

    def _write_record(self, piece: _CountedPiece, part_to_whole: np.ndarray, token: int) -> None:
        for entries in piece.entries:
            _core.remap_entries(entries, part_to_whole)  # all adopted: none dropped
            write_spool_at(self.record, entries, 4 * token, TOKEN_RECORD, self.spool_dir)
            token += len(entries)


@dataclass
class _CountedPiece:
    part: int
    #: the part's first entry that this piece added
    first_new: int
    #: the keys of the entries it added, packed, and their lengths
    keys: bytearray
    key_lengths: np.ndarray
    #: its tokens' entries of the part (when recording)
    entries: list[np.ndarray]


class _MergeOrder:
    """What the counting threads share beside the counters: the counted pieces
    waiting for their turn in text order, and why the count ends early."""

    def __init__(self) -> None:
        self.state = threading.Condition()
        #: counted pieces by index, until merged
        self.ready: dict[int, _CountedPiece] = {}
        self.next_piece = 0
        #: held by the one thread merging
        self.merging = threading.Lock()
        #: tokens of the pieces merged so far: where the next one's go in the record
        self.recorded_tokens = 0
        self.error: BaseException | None = None
        self.outgrown = False
        self.stopped = False

    def going(self) -> bool:
        return self.error is None and not self.outgrown and not self.stopped

    def guard(self, work):
        """work's result, or None with the error kept for the reading thread."""
        try:
            return work()
        except BaseException as exc:  # raised again by the reading thread
            if self.error is None:
                self.error = exc
            self.wake()
            return None

    def give_up(self) -> None:
        """Counting alone has to decide (see _count_in_parallel): stop, and
        wake the threads waiting for pieces that will not be merged."""
        self.outgrown = True
        self.wake()

    def put_ready(self, index: int, piece: _CountedPiece, limit: int) -> None:
        """Leave a counted piece for merging; wait while ``limit`` pieces are
        already waiting (a thread stuck on an earlier piece holds them all)."""
        with self.state:
            self.ready[index] = piece
            self.state.wait_for(lambda: len(self.ready) <= limit or not self.going()
                                or self.next_piece in self.ready)

    def ready_to_merge(self) -> bool:
        with self.state:
            return self.next_piece in self.ready

    def take_next(self) -> _CountedPiece | None:
        with self.state:
            piece = self.ready.pop(self.next_piece, None)
            if piece is not None:
                self.next_piece += 1
            return piece

    def wake(self) -> None:
        with self.state:
            self.state.notify_all()


def _whole_word_pieces(chunks) -> Iterator[tuple[bytes, memoryview | bytes] | None]:
    """The text as (head, body) pieces that end after a space, tab or newline
    (all but maybe the last): head is what earlier chunks left after their
    last separator, body a view of this chunk up to its own.  None, and the
    end, when a word outgrows MAX_UNCUT_BYTES."""
    carry = b""
    for chunk in chunks:
        cut = max(chunk.rfind(b" "), chunk.rfind(b"\t"), chunk.rfind(b"\n")) + 1
        if cut == 0:
            carry += chunk
            if len(carry) > MAX_UNCUT_BYTES:
                yield None
                return
            continue
        view = memoryview(chunk)
        yield carry, view[:cut]
        carry = bytes(view[cut:])
    if carry:
        yield carry, b""


def _count_chunk(counter: _core.WordCounter, chunk, record: BinaryIO | None,
                 spool_dir: str | None) -> BinaryIO | None:
    if record is None:
        counter.feed(chunk)
        return None
    return _record_entries(counter, counter.feed_recording(chunk), record, spool_dir)


def _record_entries(counter: _core.WordCounter, entries: np.ndarray, record: BinaryIO,
                    spool_dir: str | None) -> BinaryIO | None:
    """Append entries to the record, or drop the record once pruning made it stale."""
    if not counter.entries_valid:
        record.close()
        return None
    write_spool(record, entries, TOKEN_RECORD, spool_dir)
    return record


def save_vocab(vocab: Vocabulary, path: str | os.PathLike[str]) -> None:
    """word2vec.c's -save-vocab: ``word count\\n`` per line, vocabulary order."""
    from w2vpy.system.atomic import atomic_write

    lines = [b"%s %d\n" % (w, c) for w, c in zip(vocab.words, vocab.counts.tolist())]
    with atomic_write(path) as f:
        f.write(b"".join(lines))


VOCAB_FILE_CHUNK_BYTES = 1 << 20


def read_vocab(path: str | os.PathLike[str], min_count: int = 5) -> Vocabulary:
    """word2vec.c's -read-vocab: ``read_vocab_counts``, then the words that
    reach ``min_count``."""
    counted = read_vocab_counts(path)
    return counted.kept(counted.counts >= min_count)


def read_vocab_counts(path: str | os.PathLike[str]) -> CountedWords:
    """A vocabulary file's words and counts, sorted as SortVocab, none
    dropped; the file checked line by line as it is read (see vocab_file.h):
    memory in proportion to the vocabulary, every count and their total
    within int64.

    A file that does not start with ``</s>`` gets it added at index 0 with
    count 0, so that newlines still end sentences.
    """
    path = Path(path)
    counter = unpruned_counter()
    reader = _core.VocabFileReader(counter)
    lineno = 1  # of the first line in the next block fed
    with open_input_file(path, "vocabulary file") as f:
        carry = b""
        while True:
            block = f.read(VOCAB_FILE_CHUNK_BYTES)
            lines = carry + block
            carry = b""
            if block:
                cut = lines.rfind(b"\n") + 1
                lines, carry = lines[:cut], lines[cut:]
                if len(carry) > VOCAB_FILE_CHUNK_BYTES:
                    long_line = lineno + lines.count(b"\n")
                    raise CorruptInputError(f"{path}:{long_line}: a line longer than "
                                            f"{VOCAB_FILE_CHUNK_BYTES} bytes: not a vocabulary file")
            status, bad = reader.feed(lines)
            if status:
                raise _vocab_line_error(path, lineno + lines.count(b"\n", 0, bad), lines, bad,
                                        status, reader.total)
            lineno += lines.count(b"\n")
            if not block:
                break
    if reader.entries == 0:
        raise CorruptInputError(f"vocabulary file {path} has no entries")
    return sorted_counts(counter)


def _vocab_line_error(path: Path, lineno: int, lines: bytes, start: int, status: int,
                      total_before: int) -> W2VError:
    """The message for a line the C reader refused (worked out again here,
    where only one line is looked at)."""
    status_of = _core.VOCAB_LINE_STATUS
    end = lines.find(b"\n", start)
    raw = lines[start:end if end >= 0 else len(lines)].replace(b"\r", b"")
    where = f"{path}:{lineno}"
    if status == status_of["no memory"]:
        return W2VError(f"{where}: out of memory while reading the vocabulary")
    parts = re.split(rb"[ \t]+", raw.strip(b" \t"))
    if status == status_of["fields"]:
        return CorruptInputError(f"{where}: expected 'word count', got {raw[:80]!r}")
    word, count_text = parts
    if status in (status_of["count not digits"], status_of["count too large"]):
        if not count_text.isdigit():
            return CorruptInputError(f"{where}: count is not a non-negative integer: "
                                     f"{count_text[:40]!r}")
        return CorruptInputError(f"{where}: count {count_text[:40].decode()}"
                                 f"{'...' if len(count_text) > 40 else ''} is too large "
                                 f"(at most {INT64_MAX})")
    if status == status_of["word too long"]:
        return CorruptInputError(
            f"{where}: word longer than {MAX_WORD_BYTES} bytes: {word[:40]!r}...")
    if status == status_of["duplicate"]:
        return CorruptInputError(f"{where}: word listed twice: {word[:80]!r}")
    return CorruptInputError(f"{where}: the counts add up to {total_before + int(count_text)}, "
                             f"more than {INT64_MAX}")
