#include "vocab_counter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* The tables are looked up at random: on a big vocabulary (word2phrase's
 * pair keys run to millions) nearly every lookup would also miss the TLB
 * with 4 KiB pages, so big arrays ask for transparent huge pages where the
 * system offers them on request. */
static void advise_huge_pages(void *p, size_t bytes) {
#if defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (bytes < huge) return;
    uintptr_t first = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (end > first) madvise((void *)first, end - first, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

static inline uint64_t hash_word(const unsigned char *word, size_t len) {
    /* FNV-1a; word2vec.c's own hash only decides table placement, never order. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= word[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static inline uint32_t slot_tag(uint64_t hash) { return (uint32_t)(hash >> 32); }

static int grow_array(void **ptr, int64_t count, size_t elem) {
    void *p = realloc(*ptr, (size_t)count * elem);
    if (p == NULL) return -1;
    advise_huge_pages(p, (size_t)count * elem);
    *ptr = p;
    return 0;
}

static int rebuild_slots(w2v_vocab_counter *c, uint64_t nslots) {
    /* Zeroed by writing, not calloc: a fresh page that is read first maps the
     * shared zero page, and the first write to it then has to flush the TLB
     * of every core the process runs on, an interrupt to the other counting
     * threads (in a VM, an exit) for each page of a growing table. */
    w2v_counter_slot *slots = malloc(nslots * sizeof(w2v_counter_slot));
    if (slots == NULL) return -1;
    advise_huge_pages(slots, nslots * sizeof(w2v_counter_slot));
    memset(slots, 0, nslots * sizeof(w2v_counter_slot));
    free(c->slots);
    c->slots = slots;
    c->slot_mask = nslots - 1;
    for (int64_t i = 0; i < c->size; i++) {
        uint64_t s = c->hashes[i] & c->slot_mask;
        while (slots[s].entry != 0) s = (s + 1) & c->slot_mask;
        slots[s].tag = slot_tag(c->hashes[i]);
        slots[s].entry = (uint32_t)(i + 1);
    }
    return 0;
}

w2v_vocab_counter *w2v_counter_new(int64_t max_words) {
    w2v_vocab_counter *c = calloc(1, sizeof(*c));
    if (c == NULL) return NULL;
    c->max_words = max_words;
    c->min_reduce = 1;
    c->entries_valid = 1;
    c->capacity = 1024;
    c->arena_capacity = 1 << 16;
    c->entries = malloc(c->capacity * sizeof(w2v_counter_entry));
    c->hashes = malloc(c->capacity * sizeof(uint64_t));
    c->arena = malloc(c->arena_capacity);
    w2v_tokenizer_init(&c->tokenizer);
    if (!c->entries || !c->hashes || !c->arena ||
        rebuild_slots(c, 4096) != 0) {
        w2v_counter_free(c);
        return NULL;
    }
    return c;
}

void w2v_counter_reset(w2v_vocab_counter *c) {
    c->size = 0;
    c->arena_used = 0;
    memset(c->slots, 0, (size_t)(c->slot_mask + 1) * sizeof(w2v_counter_slot));
    c->lookahead.first = c->lookahead.count = 0;
    c->min_reduce = 1;
    c->prune_events = c->pruned_words = c->tokens = 0;
    c->failed = 0;
    c->record = NULL;
    c->recorded = 0;
    c->entries_valid = 1;
    w2v_tokenizer_init(&c->tokenizer);
}

void w2v_counter_free(w2v_vocab_counter *c) {
    if (c == NULL) return;
    free(c->entries);
    free(c->hashes);
    free(c->arena);
    free(c->slots);
    free(c);
}

static inline int64_t find_hashed(const w2v_vocab_counter *c, const unsigned char *word, size_t len,
                                  uint64_t h, uint64_t *slot_out) {
    uint64_t s = h & c->slot_mask;
    for (;;) {
        const w2v_counter_slot *slot = &c->slots[s];
        if (slot->entry == 0) {
            *slot_out = s;
            return -1;
        }
        if (slot->tag == slot_tag(h)) {
            int64_t e = slot->entry - 1;
            if (w2v_counter_key_length(c, e) == len && memcmp(w2v_counter_key(c, e), word, len) == 0) {
                *slot_out = s;
                return e;
            }
        }
        s = (s + 1) & c->slot_mask;
    }
}

static int64_t insert_new(w2v_vocab_counter *c, const unsigned char *word, size_t len, uint64_t h,
                          uint64_t slot, int64_t count) {
    if (c->size >= W2V_COUNTER_MAX_ENTRIES) return -1;
    if (c->size == c->capacity) {
        int64_t cap = c->capacity * 2;
        if (grow_array((void **)&c->entries, cap, sizeof(w2v_counter_entry)) ||
            grow_array((void **)&c->hashes, cap, sizeof(uint64_t)))
            return -1;
        c->capacity = cap;
    }
    if (c->arena_used + (int64_t)len > c->arena_capacity) {
        int64_t cap = c->arena_capacity * 2;
        while (cap < c->arena_used + (int64_t)len) cap *= 2;
        if (grow_array((void **)&c->arena, cap, 1)) return -1;
        c->arena_capacity = cap;
    }
    int64_t e = c->size++;
    memcpy(c->arena + c->arena_used, word, len);
    c->entries[e].place = (uint64_t)c->arena_used << 8 | (uint64_t)len;
    c->entries[e].count = count;
    c->arena_used += (int64_t)len;
    c->hashes[e] = h;
    c->slots[slot].tag = slot_tag(h);
    c->slots[slot].entry = (uint32_t)(e + 1);
    /* keep the table at most half full */
    if ((uint64_t)c->size * 2 > c->slot_mask + 1) {
        if (rebuild_slots(c, (c->slot_mask + 1) * 2) != 0) return -1;
    }
    return e;
}

/* word2vec.c's ReduceVocab, except that entry 0 (</s>) always stays. */
static int reduce_vocab(w2v_vocab_counter *c) {
    int64_t kept = 0, arena_used = 0;
    for (int64_t e = 0; e < c->size; e++) {
        if (e != 0 && c->entries[e].count <= c->min_reduce) continue;
        /* entries only move toward the front, so copying in place is safe */
        const size_t len = w2v_counter_key_length(c, e);
        memmove(c->arena + arena_used, w2v_counter_key(c, e), len);
        c->entries[kept].count = c->entries[e].count;
        c->entries[kept].place = (uint64_t)arena_used << 8 | (uint64_t)len;
        c->hashes[kept] = c->hashes[e];
        arena_used += (int64_t)len;
        kept++;
    }
    c->pruned_words += c->size - kept;
    c->size = kept;
    c->arena_used = arena_used;
    c->prune_events++;
    c->min_reduce++;
    c->entries_valid = 0;
    return rebuild_slots(c, c->slot_mask + 1);
}

static void count_key(w2v_vocab_counter *c, const unsigned char *word, size_t len, uint64_t h) {
    if (c->failed) return;
    uint64_t slot;
    c->tokens++;
    int64_t e = find_hashed(c, word, len, h, &slot);
    if (e >= 0) {
        c->entries[e].count++;
    } else {
        e = insert_new(c, word, len, h, slot, 1);
        if (e < 0) {
            c->failed = 1;
            return;
        }
    }
    if (c->record != NULL) {
        if (e > INT32_MAX) c->entries_valid = 0;
        c->record[c->recorded++] = (int32_t)e;
    }
}

static void prune_if_full(w2v_vocab_counter *c) {
    if (!c->failed && c->size > c->max_words && reduce_vocab(c) != 0) c->failed = 1;
}

static void count_hashed(w2v_vocab_counter *c, const unsigned char *word, size_t len, uint64_t h) {
    count_key(c, word, len, h);
    prune_if_full(c);
}

/* ---- look-ahead queue (see w2v_lookahead) ---------------------------------- */

static inline w2v_pending_token *lookahead_at(w2v_lookahead *q, int i) {
    return &q->pending[(q->first + i) % W2V_COUNT_AHEAD];
}

static void lookahead_resolve_first(w2v_lookahead *q, w2v_resolve_fn resolve, void *ctx) {
    resolve(ctx, lookahead_at(q, 0));
    q->first = (q->first + 1) % W2V_COUNT_AHEAD;
    q->count--;
}

void w2v_lookahead_drain(w2v_lookahead *q, w2v_resolve_fn resolve, void *ctx) {
    while (q->count > 0) lookahead_resolve_first(q, resolve, ctx);
}

/* Each link of the lookup is prefetched a few tokens before it is needed: the
 * slot when the token is hashed, the entry half-way through the queue, its
 * bytes a quarter before it is resolved.  The word is copied because the
 * tokenizer reuses its buffer. */
void w2v_lookahead_push(w2v_lookahead *q, const w2v_vocab_counter *table,
                        const unsigned char *word, size_t len, int role,
                        w2v_resolve_fn resolve, void *ctx) {
    uint64_t h = hash_word(word, len);
    __builtin_prefetch(&table->slots[h & table->slot_mask]);
    if (q->count == W2V_COUNT_AHEAD) lookahead_resolve_first(q, resolve, ctx);
    w2v_pending_token *t = lookahead_at(q, q->count);
    t->hash = h;
    t->entry_hint = -1;
    t->len = len;
    t->role = role;
    memcpy(t->word, word, len);
    q->count++;
    if (q->count > W2V_COUNT_AHEAD / 2) {
        w2v_pending_token *mid = lookahead_at(q, q->count - 1 - W2V_COUNT_AHEAD / 2);
        const w2v_counter_slot *slot = &table->slots[mid->hash & table->slot_mask];
        if (slot->tag == slot_tag(mid->hash) && slot->entry != 0) {
            int64_t e = slot->entry - 1;
            mid->entry_hint = e;
            __builtin_prefetch(&table->entries[e]);
        }
    }
    if (q->count > 3 * W2V_COUNT_AHEAD / 4) {
        const w2v_pending_token *near = lookahead_at(q, q->count - 1 - 3 * W2V_COUNT_AHEAD / 4);
        /* entries only move on pruning, and then only toward the front */
        if (near->entry_hint >= 0 && near->entry_hint < table->size)
            __builtin_prefetch(w2v_counter_key(table, near->entry_hint));
    }
}

/* ---- counting ------------------------------------------------------------------ */

static void count_pending_token(void *ctx, const w2v_pending_token *t) {
    count_hashed(ctx, t->word, t->len, t->hash);
}

/* The tokenizer's callback while counting. */
static void count_token(void *ctx, const unsigned char *word, size_t len) {
    w2v_vocab_counter *c = ctx;
    w2v_lookahead_push(&c->lookahead, c, word, len, 0, count_pending_token, c);
}

static void ensure_sentence_token(w2v_vocab_counter *c) {
    /* word2vec.c adds </s> before reading, so it is entry 0 whatever the text */
    if (c->size == 0) {
        uint64_t slot;
        const unsigned char *w = (const unsigned char *)W2V_SENTENCE_TOKEN;
        uint64_t h = hash_word(w, W2V_SENTENCE_TOKEN_LEN);
        find_hashed(c, w, W2V_SENTENCE_TOKEN_LEN, h, &slot);
        if (insert_new(c, w, W2V_SENTENCE_TOKEN_LEN, h, slot, 0) < 0) c->failed = 1;
    }
}

int w2v_counter_feed(w2v_vocab_counter *c, const unsigned char *data, size_t n) {
    ensure_sentence_token(c);
    w2v_tokenize(&c->tokenizer, data, n, count_token, c);
    w2v_lookahead_drain(&c->lookahead, count_pending_token, c);
    return c->failed ? -1 : 0;
}

int w2v_counter_finish(w2v_vocab_counter *c) {
    ensure_sentence_token(c);
    w2v_tokenize_finish(&c->tokenizer, count_token, c);
    w2v_lookahead_drain(&c->lookahead, count_pending_token, c);
    return c->failed ? -1 : 0;
}

int64_t w2v_counter_feed_recording(w2v_vocab_counter *c, const unsigned char *data, size_t n,
                                   int32_t *entries) {
    c->record = entries;
    c->recorded = 0;
    int rc = w2v_counter_feed(c, data, n);
    c->record = NULL;
    return rc != 0 ? -1 : c->recorded;
}

int64_t w2v_counter_finish_recording(w2v_vocab_counter *c, int32_t *entries) {
    c->record = entries;
    c->recorded = 0;
    int rc = w2v_counter_finish(c);
    c->record = NULL;
    return rc != 0 ? -1 : c->recorded;
}

int64_t w2v_counter_find(const w2v_vocab_counter *c, const w2v_pending_token *token) {
    uint64_t slot;
    return find_hashed(c, token->word, token->len, token->hash, &slot);
}

int64_t w2v_counter_append(w2v_vocab_counter *c, const unsigned char *word, size_t len,
                           int64_t count) {
    uint64_t h = hash_word(word, len), slot;
    if (find_hashed(c, word, len, h, &slot) >= 0) return -2;
    return insert_new(c, word, len, h, slot, count);
}

int w2v_counter_add_pending(w2v_vocab_counter *c, const w2v_pending_token *token) {
    ensure_sentence_token(c);
    count_key(c, token->word, token->len, token->hash);
    return c->failed ? -1 : 0;
}

int w2v_counter_prune_if_full(w2v_vocab_counter *c) {
    prune_if_full(c);
    return c->failed ? -1 : 0;
}

int64_t w2v_counter_count_of(const w2v_vocab_counter *c, const unsigned char *key, size_t len) {
    uint64_t slot;
    int64_t e = find_hashed(c, key, len, hash_word(key, len), &slot);
    return e < 0 ? -1 : c->entries[e].count;
}

/* ---- counting in parallel (w2vpy/vocab.py) ------------------------------------ */

static int64_t find_or_append(w2v_vocab_counter *c, const unsigned char *word, size_t len) {
    uint64_t h = hash_word(word, len), slot;
    int64_t e = find_hashed(c, word, len, h, &slot);
    return e >= 0 ? e : insert_new(c, word, len, h, slot, 0);
}

int64_t w2v_counter_key_bytes(const w2v_vocab_counter *c, int64_t first) {
    if (first >= c->size) return 0;
    return (int64_t)(c->arena_used - (int64_t)(c->entries[first].place >> 8));
}

void w2v_counter_pack_keys(const w2v_vocab_counter *c, int64_t first, unsigned char *keys,
                           uint8_t *lengths) {
    /* entries keep their keys in the arena in entry order, end to end */
    if (first >= c->size) return;
    memcpy(keys, w2v_counter_key(c, first), (size_t)w2v_counter_key_bytes(c, first));
    for (int64_t e = first; e < c->size; e++) lengths[e - first] = (uint8_t)w2v_counter_key_length(c, e);
}

int64_t w2v_counter_entries_key_bytes(const w2v_vocab_counter *c, const int64_t *entries,
                                      int64_t n) {
    int64_t total = 0;
    for (int64_t k = 0; k < n; k++) total += (int64_t)w2v_counter_key_length(c, entries[k]);
    return total;
}

void w2v_counter_pack_entries(const w2v_vocab_counter *c, const int64_t *entries, int64_t n,
                              unsigned char *keys, uint8_t *lengths) {
    for (int64_t k = 0; k < n; k++) {
        const size_t len = w2v_counter_key_length(c, entries[k]);
        memcpy(keys, w2v_counter_key(c, entries[k]), len);
        keys += len;
        lengths[k] = (uint8_t)len;
    }
}

int w2v_counter_adopt(w2v_vocab_counter *whole, const unsigned char *keys, const uint8_t *lengths,
                      int64_t n, int32_t *whole_entries) {
    for (int64_t k = 0; k < n; k++) {
        const int64_t e = find_or_append(whole, keys, lengths[k]);
        if (e < 0 || e > INT32_MAX) return -1;
        whole_entries[k] = (int32_t)e;
        keys += lengths[k];
    }
    return 0;
}

void w2v_counter_find_keys(const w2v_vocab_counter *c, const unsigned char *keys,
                           const uint8_t *lengths, int64_t n, int32_t *entries) {
    for (int64_t k = 0; k < n; k++) {
        uint64_t slot;
        const int64_t e = find_hashed(c, keys, lengths[k], hash_word(keys, lengths[k]), &slot);
        entries[k] = e < 0 || e > INT32_MAX ? -1 : (int32_t)e;
        keys += lengths[k];
    }
}

int w2v_counter_absorb(w2v_vocab_counter *whole, const w2v_vocab_counter *part,
                       const int32_t *part_to_whole) {
    for (int64_t local = 0; local < part->size; local++) {
        int64_t global = part_to_whole[local];
        if (global < 0) {
            /* a word of the part never adopted: only </s>, counted 0 */
            global = find_or_append(whole, w2v_counter_key(part, local),
                                    w2v_counter_key_length(part, local));
            if (global < 0) return -1;
        }
        whole->entries[global].count += part->entries[local].count;
    }
    whole->tokens += part->tokens;
    return 0;
}
