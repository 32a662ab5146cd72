# Counting words (alone or in parallel parts), reading a -read-vocab file and
# encoding text as vocabulary ids.  Included by _core.pyx.
from encoder cimport w2v_encoder, w2v_encoder_feed, w2v_encoder_finish, w2v_encoder_init
from vocab_counter cimport *
from vocab_file cimport *

#: what VocabFileReader.feed reports, by name
VOCAB_LINE_STATUS = {
    "no memory": W2V_VOCAB_LINE_NO_MEMORY, "fields": W2V_VOCAB_LINE_FIELDS,
    "count not digits": W2V_VOCAB_LINE_COUNT_NOT_DIGITS,
    "count too large": W2V_VOCAB_LINE_COUNT_TOO_LARGE,
    "word too long": W2V_VOCAB_LINE_WORD_TOO_LONG, "duplicate": W2V_VOCAB_LINE_DUPLICATE,
    "total too large": W2V_VOCAB_LINE_TOTAL_TOO_LARGE,
}


cdef object _token_ids_buffer(Py_ssize_t chunk_bytes):
    """Room for the ids of the tokens a chunk ends: at most one per byte, plus
    the word carried over from the previous chunk (and one spare)."""
    return np.empty(chunk_bytes + 2, dtype=np.int32)


def _part_map(part_to_whole, int64_t size):
    """part_to_whole with room for size entries, the new ones -1."""
    if part_to_whole.shape[0] >= size:
        return part_to_whole
    grown = np.full(max(size, 2 * part_to_whole.shape[0]), -1, dtype=np.int32)
    grown[:part_to_whole.shape[0]] = part_to_whole
    return grown


cdef int64_t _packed_key_bytes(const unsigned char[::1] keys,
                               const uint8_t[::1] lengths) except -1:
    """The bytes of packed keys (keys_since's form), checked against their
    lengths' sum."""
    cdef int64_t total = 0
    cdef Py_ssize_t i
    for i in range(lengths.shape[0]):
        total += lengths[i]
    if total != keys.shape[0]:
        raise ValueError(f"{keys.shape[0]} key bytes for lengths that sum to {total}")
    return total


cdef class WordCounter:
    """Counts the words of a text fed in chunks, in first-seen order, pruning
    as word2vec.c's ReduceVocab when there are more than max_words of them."""
    cdef w2v_vocab_counter *counter

    def __cinit__(self, int64_t max_words):
        if max_words < 1:
            raise ValueError(f"max_words must be at least 1, got {max_words}")
        self.counter = w2v_counter_new(max_words)
        if self.counter == NULL:
            raise MemoryError("cannot allocate the vocabulary counter")

    def __dealloc__(self):
        w2v_counter_free(self.counter)

    def reset(self):
        """Empty the counter as a new one of the same max_words, keeping its
        memory (counting piece after piece without fresh pages each time)."""
        w2v_counter_reset(self.counter)

    def feed(self, const unsigned char[::1] data):
        cdef int rc = 0
        if data.shape[0] == 0:
            return
        with nogil:
            rc = w2v_counter_feed(self.counter, &data[0], data.shape[0])
        if rc != 0:
            raise MemoryError("out of memory while counting words")

    def finish(self):
        if w2v_counter_finish(self.counter) != 0:
            raise MemoryError("out of memory while counting words")

    def feed_recording(self, const unsigned char[::1] data, out=None):
        """Count a chunk and return the entry index of each token it ends
        (int32), so that encoding needs no second pass over the text.  With
        ``out`` (int32, room for a byte of the chunk each and two more), the
        entries are written there, a buffer the caller reuses from chunk to
        chunk, and a view of it is returned."""
        if out is None:
            out = _token_ids_buffer(data.shape[0])
        elif out.shape[0] < data.shape[0] + 2:
            raise ValueError(f"room for {out.shape[0]} entries; a chunk of {data.shape[0]} "
                             f"bytes needs {data.shape[0] + 2}")
        cdef int32_t[::1] o = out
        cdef int64_t n = 0
        if data.shape[0] == 0:
            return out[:0]
        with nogil:
            n = w2v_counter_feed_recording(self.counter, &data[0], data.shape[0], &o[0])
        if n < 0:
            raise MemoryError("out of memory while counting words")
        return out[:n]

    def finish_recording(self):
        out = _token_ids_buffer(0)
        cdef int32_t[::1] o = out
        cdef int64_t n = w2v_counter_finish_recording(self.counter, &o[0])
        if n < 0:
            raise MemoryError("out of memory while counting words")
        return out[:n]

    def keys_since(self, int64_t first):
        """Counting in parallel (vocab_counter.h): the keys of the entries from
        first on, packed (bytearray) with their lengths (uint8), for adopt."""
        if not 0 <= first <= self.counter.size:
            raise ValueError(f"entry {first} outside the counter's {self.counter.size}")
        keys = bytearray(w2v_counter_key_bytes(self.counter, first))
        lengths = np.empty(self.counter.size - first, dtype=np.uint8)
        cdef unsigned char[::1] k = keys
        cdef uint8_t[::1] n = lengths
        if lengths.shape[0]:
            w2v_counter_pack_keys(self.counter, first, &k[0] if k.shape[0] else NULL, &n[0])
        return keys, lengths

    def keys_of(self, entries):
        """The keys of the given entries, in that order, packed as
        keys_since packs them: (bytearray, uint8 lengths)."""
        which = np.ascontiguousarray(entries, dtype=np.int64)
        cdef const int64_t[::1] e = which
        cdef int64_t n = which.shape[0]
        if n and (which.min() < 0 or which.max() >= self.counter.size):
            raise IndexError(f"an entry outside the counter's {self.counter.size}")
        keys = bytearray(w2v_counter_entries_key_bytes(self.counter, &e[0], n) if n else 0)
        lengths = np.empty(n, dtype=np.uint8)
        cdef unsigned char[::1] k = keys
        cdef uint8_t[::1] l = lengths
        if n:
            with nogil:
                w2v_counter_pack_entries(self.counter, &e[0], n, &k[0] if k.shape[0] else NULL,
                                         &l[0])
        return keys, lengths

    def adopt(self, const unsigned char[::1] keys, const uint8_t[::1] lengths, part_to_whole,
              int64_t first):
        """Counting in parallel: a part's keys_since(first) become this
        counter's entries, the new ones appended in order.  Returns
        part_to_whole (int32) grown to hold them, entries first on mapped."""
        cdef int64_t total = 0, n = lengths.shape[0]
        total = _packed_key_bytes(keys, lengths)
        grown = _part_map(part_to_whole, first + n)
        cdef int32_t[::1] m = grown
        cdef int rc = 0
        if n:
            with nogil:
                rc = w2v_counter_adopt(self.counter, &keys[0] if total else NULL, &lengths[0], n,
                                       &m[first])
        if rc != 0:
            raise MemoryError("out of memory while counting words")
        return grown

    def find_keys(self, const unsigned char[::1] keys, const uint8_t[::1] lengths):
        """The entry of each packed key (keys_since's form), -1 where the
        counter has no such key (int32); the counter is left as it was."""
        cdef int64_t total = 0, n = lengths.shape[0]
        total = _packed_key_bytes(keys, lengths)
        entries = np.empty(n, dtype=np.int32)
        cdef int32_t[::1] e = entries
        if n:
            with nogil:
                w2v_counter_find_keys(self.counter, &keys[0] if total else NULL, &lengths[0], n,
                                      &e[0])
        return entries

    def absorb(self, WordCounter part, part_to_whole):
        """Adds part's counts and tokens, through adopt's map."""
        grown = _part_map(part_to_whole, part.counter.size)
        cdef int32_t[::1] m = grown
        if part.counter.size and w2v_counter_absorb(self.counter, part.counter, &m[0]) != 0:
            raise MemoryError("out of memory while counting words")

    @property
    def max_words(self):
        return self.counter.max_words

    def __len__(self):
        return self.counter.size

    @property
    def entries_valid(self):
        """False once pruning has renumbered the entries recorded so far."""
        return bool(self.counter.entries_valid)

    def count_of(self, bytes key):
        """The key's count, or -1 when it was never counted (or was pruned)."""
        return w2v_counter_count_of(self.counter, <const unsigned char *>key, len(key))

    def append(self, bytes word, int64_t count):
        """Add a word with a known count (for -read-vocab); False if present."""
        cdef int64_t rc = w2v_counter_append(self.counter, <const unsigned char *>word,
                                             len(word), count)
        if rc == -1:
            raise MemoryError("out of memory while reading the vocabulary")
        return rc != -2

    def append_packed(self, const unsigned char[::1] keys, const uint8_t[::1] lengths,
                      const int64_t[::1] counts):
        """append() for each of packed keys (keys_since's form) and its count,
        in order; ValueError naming the first key already present."""
        cdef int64_t total = 0, n = lengths.shape[0], rc = 0, k = 0
        cdef Py_ssize_t at = 0
        cdef unsigned char nothing = 0
        cdef const unsigned char *base = &nothing
        if counts.shape[0] != n:
            raise ValueError(f"{counts.shape[0]} counts for {n} keys")
        total = _packed_key_bytes(keys, lengths)
        if total:
            base = &keys[0]
        with nogil:
            for k in range(n):
                rc = w2v_counter_append(self.counter, base + at, lengths[k], counts[k])
                if rc < 0:
                    break
                at += lengths[k]
        if rc == -1:
            raise MemoryError("out of memory while reading the vocabulary")
        if rc == -2:
            raise ValueError(f"key {k} ({bytes(keys[at:at + lengths[k]])!r}) is present already")

    @property
    def tokens(self):
        return self.counter.tokens

    @property
    def prune_events(self):
        return self.counter.prune_events

    @property
    def pruned_words(self):
        return self.counter.pruned_words

    def words(self, entries=None):
        """The words of the given entries (all, in entry order, by default)."""
        cdef int64_t i
        cdef cnp.ndarray[int64_t, ndim=1, mode="c"] which
        if entries is None:
            entries = np.arange(self.counter.size, dtype=np.int64)
        which = np.ascontiguousarray(entries, dtype=np.int64)
        outside = (which < 0) | (which >= self.counter.size)
        if outside.any():
            raise IndexError(f"entry {which[outside][0]} outside the counter's "
                             f"{self.counter.size}")
        return [(<const char *>w2v_counter_key(self.counter, i))[
                    :w2v_counter_key_length(self.counter, i)] for i in which]

    def hashes(self):
        """Each entry's hash of its key (uint64), the same in every process:
        prepare's shuffle partitions words by it (w2vpy/distributed)."""
        out = np.empty(self.counter.size, dtype=np.uint64)
        cdef uint64_t[::1] view = out
        if self.counter.size:
            memcpy(&view[0], self.counter.hashes, self.counter.size * sizeof(uint64_t))
        return out

    def counts(self):
        out = np.empty(self.counter.size, dtype=np.int64)
        cdef int64_t[::1] view = out
        cdef int64_t i
        for i in range(self.counter.size):
            view[i] = self.counter.entries[i].count
        return out


cdef class VocabFileReader:
    """Reads the lines of a -read-vocab file, fed in chunks of whole lines,
    into a WordCounter (see vocab_file.h)."""
    cdef w2v_vocab_file_state state
    cdef WordCounter counter

    def __cinit__(self, WordCounter counter):
        self.counter = counter
        self.state.entries = 0
        self.state.total = 0
        self.state.bad_line = 0

    def feed(self, const unsigned char[::1] data):
        """(status, byte offset of the offending line); status 0 is success."""
        cdef w2v_vocab_line_status status = W2V_VOCAB_LINE_OK
        if data.shape[0]:
            status = w2v_vocab_file_feed(self.counter.counter, &self.state, &data[0],
                                         data.shape[0])
        return int(status), self.state.bad_line

    @property
    def entries(self):
        return self.state.entries

    @property
    def total(self):
        return self.state.total


cdef class Encoder:
    """Second pass over the text: tokens to final vocabulary ids (OOV dropped)."""
    cdef w2v_encoder encoder
    cdef WordCounter counter
    cdef object remap

    def __cinit__(self, WordCounter counter, remap):
        self.counter = counter
        self.remap = np.ascontiguousarray(remap, dtype=np.int32)
        if self.remap.shape[0] != counter.counter.size:
            raise ValueError("remap must have one entry per counted word")
        cdef int32_t[::1] r = self.remap
        w2v_encoder_init(&self.encoder, counter.counter, &r[0] if r.shape[0] else NULL)

    def feed(self, const unsigned char[::1] data):
        out = _token_ids_buffer(data.shape[0])
        cdef int32_t[::1] o = out
        cdef int64_t n = 0
        if data.shape[0] == 0:
            return out[:0]
        with nogil:
            n = w2v_encoder_feed(&self.encoder, &data[0], data.shape[0], &o[0])
        return out[:n]

    def finish(self):
        out = _token_ids_buffer(0)
        cdef int32_t[::1] o = out
        cdef int64_t n = w2v_encoder_finish(&self.encoder, &o[0])
        return out[:n]

    @property
    def skipped(self):
        """Tokens fed so far that are not in the vocabulary."""
        return self.encoder.skipped



def remap_entries(int32_t[::1] entries, const int32_t[::1] remap):
    """Counter entries to vocabulary ids, in place: each entry e becomes
    remap[e], and those mapped to -1 (outside the vocabulary) are dropped.
    Returns how many ids are kept, at the front."""
    cdef Py_ssize_t i, n = entries.shape[0], kept = 0, outside = -1
    cdef int64_t m = remap.shape[0]
    cdef int32_t entry, word_id
    with nogil:
        for i in range(n):
            entry = entries[i]
            if entry < 0 or entry >= m:
                outside = i
                break
            word_id = remap[entry]
            if word_id >= 0:
                entries[kept] = word_id
                kept += 1
    if outside >= 0:
        raise IndexError(f"entry {entries[outside]} outside the counter's {m}")
    return kept
