/* word2phrase.c: count words and word pairs, then rewrite the text joining
 * the pairs that score above a threshold ("new york" -> "new_york").
 *
 * Counting keeps word2phrase's one table for words and "a_b" pair keys (so a
 * word that already holds '_' and a pair that spells it share a count, as in
 * word2phrase's second pass), its ReduceVocab pruning, and its pairs across
 * line ends.  The rewrite writes every word after ' ' or '_' and every line
 * end as '\n', as word2phrase does, so its output is byte-identical.
 */
#ifndef W2V_PHRASES_H
#define W2V_PHRASES_H

#include <stddef.h>
#include <stdint.h>
#include "tokenizer.h"
#include "vocab_counter.h"


typedef struct {
    unsigned char bytes[W2V_MAX_KEY_BYTES];  /* two words and the '_' between them */
    size_t first_len;  /* the previous word's length, at the front of bytes */
    int have_first;
} w2v_pair_key;

typedef struct {
    w2v_vocab_counter *counter;  /* the caller's: words and pair keys */
    int64_t train_words;         /* word tokens, line ends not counted */
    w2v_pair_key pair;           /* after counting: the text's last word */
    /* the text's first word: a text counted in pieces (w2vpy.prepare) joins
     * the pair across each cut from one piece's last word and the next
     * one's first */
    w2v_pair_key first;
    w2v_tokenizer tokenizer;
    w2v_lookahead lookahead;     /* keys waiting to be counted */
} w2v_phrase_counter;

void w2v_phrase_counter_init(w2v_phrase_counter *pc, w2v_vocab_counter *counter);
/* Count a chunk of text; returns 0, or -1 on ENOMEM. */
int w2v_phrase_count(w2v_phrase_counter *pc, const unsigned char *data, size_t n);
int w2v_phrase_count_finish(w2v_phrase_counter *pc);

typedef struct {
    const w2v_vocab_counter *counts;  /* keys under min_count count as absent */
    int64_t min_count;
    float threshold;
    float train_words;
    w2v_pair_key pair;
    /* the previous word's count, or -1 when it cannot start a pair (absent,
     * already joined, or a line end came between) */
    int64_t previous_count;
    int64_t pair_count;          /* the pair ending at the word being resolved, or -1 */
    int64_t pairs_joined;
    w2v_tokenizer tokenizer;
    w2v_lookahead lookahead;     /* keys waiting to be looked up, in text order */
    unsigned char *out;
    size_t out_len, out_capacity;
    int failed;
} w2v_phrase_writer;

void w2v_phrase_writer_init(w2v_phrase_writer *w, const w2v_vocab_counter *counts,
                            int64_t min_count, float threshold, int64_t train_words);
/* Rewrite a chunk into w->out (appended; the caller empties it by setting
 * out_len to 0); returns 0, or -1 on ENOMEM. */
int w2v_phrase_rewrite(w2v_phrase_writer *w, const unsigned char *data, size_t n);
int w2v_phrase_rewrite_finish(w2v_phrase_writer *w);
void w2v_phrase_writer_release(w2v_phrase_writer *w);

/* word2phrase's score, in its float arithmetic: (pab - min_count) / pa / pb
 * * train_words. */
static inline float w2v_phrase_score(int64_t pair_count, int64_t first_count,
                                     int64_t second_count, int64_t min_count, float train_words) {
    return (float)(pair_count - min_count) / (float)first_count / (float)second_count * train_words;
}

#endif
