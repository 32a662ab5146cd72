# What vocab_counter.h gives the binding: counting words in chunks, alone or
# in parallel parts.  The structs name only the fields the binding reads.
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t

cdef extern from "vocab_counter.h":
    ctypedef struct w2v_counter_entry:
        int64_t count
    ctypedef struct w2v_vocab_counter:
        int64_t size
        w2v_counter_entry *entries
        uint64_t *hashes
        unsigned char *arena
        int64_t prune_events
        int64_t pruned_words
        int64_t tokens
        int64_t max_words
        int entries_valid
    size_t w2v_counter_key_length(const w2v_vocab_counter *c, int64_t entry) nogil
    const unsigned char *w2v_counter_key(const w2v_vocab_counter *c, int64_t entry) nogil
    w2v_vocab_counter *w2v_counter_new(int64_t max_words) nogil
    void w2v_counter_free(w2v_vocab_counter *counter) nogil
    void w2v_counter_reset(w2v_vocab_counter *counter) nogil
    int w2v_counter_feed(w2v_vocab_counter *counter, const unsigned char *data, size_t n) nogil
    int w2v_counter_finish(w2v_vocab_counter *counter) nogil
    int64_t w2v_counter_feed_recording(w2v_vocab_counter *counter, const unsigned char *data,
                                       size_t n, int32_t *entries) nogil
    int64_t w2v_counter_finish_recording(w2v_vocab_counter *counter, int32_t *entries) nogil
    int64_t w2v_counter_append(w2v_vocab_counter *counter, const unsigned char *word, size_t len,
                               int64_t count) nogil
    int64_t w2v_counter_key_bytes(const w2v_vocab_counter *counter, int64_t first) nogil
    void w2v_counter_pack_keys(const w2v_vocab_counter *counter, int64_t first,
                               unsigned char *keys, uint8_t *lengths) nogil
    int64_t w2v_counter_entries_key_bytes(const w2v_vocab_counter *counter,
                                          const int64_t *entries, int64_t n) nogil
    void w2v_counter_pack_entries(const w2v_vocab_counter *counter, const int64_t *entries,
                                  int64_t n, unsigned char *keys, uint8_t *lengths) nogil
    int w2v_counter_adopt(w2v_vocab_counter *whole, const unsigned char *keys,
                          const uint8_t *lengths, int64_t n, int32_t *whole_entries) nogil
    void w2v_counter_find_keys(const w2v_vocab_counter *counter, const unsigned char *keys,
                               const uint8_t *lengths, int64_t n, int32_t *entries) nogil
    int w2v_counter_absorb(w2v_vocab_counter *whole, const w2v_vocab_counter *part,
                           const int32_t *part_to_whole) nogil
    int64_t w2v_counter_count_of(const w2v_vocab_counter *counter, const unsigned char *key,
                                 size_t len) nogil
