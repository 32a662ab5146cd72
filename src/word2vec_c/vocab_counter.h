/* Word counting for vocabulary building: a hash map from word bytes to an
 * entry index, entries kept in first-seen order (word2vec.c's vocab array
 * order, which its stable sort by count preserves for ties).
 *
 * When the number of distinct words passes max_words, the counter prunes as
 * word2vec.c's ReduceVocab: drop every word seen at most min_reduce times,
 * then raise min_reduce by one.  Entry 0 (the sentence token) is never dropped.
 */
#ifndef W2V_VOCAB_COUNTER_H
#define W2V_VOCAB_COUNTER_H

#include <stddef.h>
#include <stdint.h>
#include "tokenizer.h"

/* Eight bytes, so that a slot table of millions of keys (word2phrase's pairs)
 * stays small: the index is the hash's low bits, the tag its high half. */
typedef struct {
    uint32_t tag;    /* the hash's high 32 bits: most mismatches need no key compare */
    uint32_t entry;  /* entry index + 1; 0 = empty */
} w2v_counter_slot;

/* entries are numbered in 32 bits (slots) */
#define W2V_COUNTER_MAX_ENTRIES ((int64_t)UINT32_MAX - 1)

#define W2V_COUNT_AHEAD 16
/* the longest key the table holds (an entry keeps its length in one byte):
 * a word, or word2phrase's pair key of two words */
#define W2V_MAX_KEY_BYTES (2 * W2V_MAX_WORD_BYTES + 1)

typedef struct {
    uint64_t hash;
    int64_t entry_hint;  /* the entry its first slot named when looked at early, or -1 */
    size_t len;
    int role;            /* what the key stands for, to whoever pushed it */
    unsigned char word[W2V_MAX_KEY_BYTES];
} w2v_pending_token;

/* Tokens hashed but not yet looked up: a lookup is a chain of cache misses
 * on a table too big for the cache, so each token's slot, entry and bytes are
 * prefetched while the tokens before it are looked up. */
typedef struct {
    w2v_pending_token pending[W2V_COUNT_AHEAD];
    int first, count;
} w2v_lookahead;

/* An entry: what a lookup reads after its slot, in one cache line. */
typedef struct {
    int64_t count;
    uint64_t place;  /* the key's offset in the arena << 8 | its length in bytes */
} w2v_counter_entry;

typedef struct {
    /* entries, in first-seen order */
    int64_t size, capacity;
    w2v_counter_entry *entries;
    uint64_t *hashes;           /* each entry's, for rebuilding the slots */
    /* word bytes */
    unsigned char *arena;
    int64_t arena_used, arena_capacity;
    /* open addressing table; a slot keeps the entry's hash so that a probe
     * compares words only on a full hash match */
    w2v_counter_slot *slots;
    uint64_t slot_mask;
    w2v_lookahead lookahead;  /* tokens waiting to be counted */
    /* pruning */
    int64_t max_words;
    int64_t min_reduce;
    int64_t prune_events;
    int64_t pruned_words;
    /* totals */
    int64_t tokens;             /* every token fed, pruned or not */
    int failed;                 /* allocation failure: the counter is unusable */
    /* Recording: each token's entry index, so that the text need not be read
     * and hashed a second time to encode it.  Pruning renumbers the entries,
     * which makes what was recorded before it useless: entries_valid drops
     * to 0 and the caller encodes with a second pass instead. */
    int32_t *record;
    int64_t recorded;
    int entries_valid;
    w2v_tokenizer tokenizer;
} w2v_vocab_counter;

static inline size_t w2v_counter_key_length(const w2v_vocab_counter *c, int64_t entry) {
    return (size_t)(c->entries[entry].place & 0xFF);
}

static inline const unsigned char *w2v_counter_key(const w2v_vocab_counter *c, int64_t entry) {
    return c->arena + (c->entries[entry].place >> 8);
}

w2v_vocab_counter *w2v_counter_new(int64_t max_words);
void w2v_counter_free(w2v_vocab_counter *counter);
/* Empty again, as w2v_counter_new(max_words) left it, keeping the memory it
 * has grown: a worker counting piece after piece (w2vpy/distributed). */
void w2v_counter_reset(w2v_vocab_counter *counter);
/* Tokenize a chunk of raw text and count its words; returns 0, -1 on ENOMEM. */
int w2v_counter_feed(w2v_vocab_counter *counter, const unsigned char *data, size_t n);
int w2v_counter_finish(w2v_vocab_counter *counter);
/* The same, also writing each token's entry index to entries (room for
 * n + 1 of them); returns how many were written, or -1 on ENOMEM. */
int64_t w2v_counter_feed_recording(w2v_vocab_counter *counter, const unsigned char *data, size_t n,
                                   int32_t *entries);
int64_t w2v_counter_finish_recording(w2v_vocab_counter *counter, int32_t *entries);
/* Append a word with a given count without pruning; returns its index, -1 on
 * ENOMEM, -2 when the word is already present. */
int64_t w2v_counter_append(w2v_vocab_counter *counter, const unsigned char *word, size_t len,
                           int64_t count);
int w2v_counter_prune_if_full(w2v_vocab_counter *counter);
/* The count of a key, or -1 when it is not in the table. */
int64_t w2v_counter_count_of(const w2v_vocab_counter *counter, const unsigned char *key,
                             size_t len);
/* The entry of a queued token, or -1 when the word is not counted. */
int64_t w2v_counter_find(const w2v_vocab_counter *counter, const w2v_pending_token *token);
/* Count a queued key (any bytes, at most W2V_MAX_KEY_BYTES) as a token,
 * without pruning; returns 0, or -1 on ENOMEM.  word2phrase's counting
 * (phrases.h), which prunes once per word, after the word and its pair key. */
int w2v_counter_add_pending(w2v_vocab_counter *counter, const w2v_pending_token *token);

/* Counting in parallel (w2vpy/vocab.py): each thread counts whole-word
 * pieces of the text into its own part and packs the keys the part first met
 * in that piece (its entries first .. size-1, which a part numbers in the
 * order it met them).  Then, piece by piece in text order, adopt gives those
 * keys to the whole, adding each unless an earlier piece had it, so that the
 * whole numbers its words in first-seen order over the text, as one counter
 * fed the text would.  The ordered step costs a lookup per word new to a
 * part, not one per token, and never reads a part, which goes on counting.
 * Neither prunes: the caller counts alone when the words outgrow max_words. */
/* Bytes of the keys of entries [first, size). */
int64_t w2v_counter_key_bytes(const w2v_vocab_counter *counter, int64_t first);
/* Those keys end to end into keys, their lengths into lengths. */
void w2v_counter_pack_keys(const w2v_vocab_counter *counter, int64_t first, unsigned char *keys,
                           uint8_t *lengths);
/* The same for the given entries (each in [0, size)), in the order given: a
 * prepare task's words grouped by partition (w2vpy/distributed/counting.py). */
int64_t w2v_counter_entries_key_bytes(const w2v_vocab_counter *counter, const int64_t *entries,
                                      int64_t n);
void w2v_counter_pack_entries(const w2v_vocab_counter *counter, const int64_t *entries, int64_t n,
                              unsigned char *keys, uint8_t *lengths);
/* The whole's entry of each of n packed keys into whole_entries (appending the
 * new ones); 0, or -1 on ENOMEM. */
int w2v_counter_adopt(w2v_vocab_counter *whole, const unsigned char *keys, const uint8_t *lengths,
                      int64_t n, int32_t *whole_entries);
/* The entry of each of n packed keys into entries, -1 for a key not in the
 * table; the table is not changed (a prepared corpus's pieces looked up in
 * the merged vocabulary, w2vpy/distributed/encoding.py). */
void w2v_counter_find_keys(const w2v_vocab_counter *counter, const unsigned char *keys,
                           const uint8_t *lengths, int64_t n, int32_t *entries);
/* Adds each word's count and the token total of a part to the whole, through
 * part_to_whole (part->size entries, -1 for a word never adopted).  0, or -1
 * on ENOMEM. */
int w2v_counter_absorb(w2v_vocab_counter *whole, const w2v_vocab_counter *part,
                       const int32_t *part_to_whole);

/* The look-ahead queue, shared by counting and encoding (encoder.h): push
 * queues a token for lookup in table, resolving the oldest when full; drain
 * resolves every waiting token, in order, before the tokenizer's buffer or the
 * caller's output moves on. */
typedef void (*w2v_resolve_fn)(void *ctx, const w2v_pending_token *token);
void w2v_lookahead_push(w2v_lookahead *q, const w2v_vocab_counter *table,
                        const unsigned char *word, size_t len, int role,
                        w2v_resolve_fn resolve, void *ctx);
void w2v_lookahead_drain(w2v_lookahead *q, w2v_resolve_fn resolve, void *ctx);

#endif
