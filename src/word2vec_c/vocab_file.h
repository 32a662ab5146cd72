/* word2vec.c's -read-vocab file ("word count" per line), parsed where it
 * enters: every line checked, every count and the running total kept within
 * int64, and nothing held but the counter it fills (the file is fed in
 * chunks of whole lines).
 *
 * Rules, as word2vec.c's ReadVocab reads the file: '\r' is ignored wherever
 * it stands; fields are separated by runs of spaces and tabs; blank lines are
 * skipped.  Stricter than word2vec.c: a line must hold exactly a word and a
 * count of decimal digits, and a word may be listed once. */
#ifndef W2V_VOCAB_FILE_H
#define W2V_VOCAB_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "vocab_counter.h"

typedef enum {
    W2V_VOCAB_LINE_OK = 0,
    W2V_VOCAB_LINE_NO_MEMORY,
    W2V_VOCAB_LINE_FIELDS,           /* not exactly two fields */
    W2V_VOCAB_LINE_COUNT_NOT_DIGITS,
    W2V_VOCAB_LINE_COUNT_TOO_LARGE,  /* above INT64_MAX */
    W2V_VOCAB_LINE_WORD_TOO_LONG,    /* above W2V_MAX_WORD_BYTES */
    W2V_VOCAB_LINE_DUPLICATE,
    W2V_VOCAB_LINE_TOTAL_TOO_LARGE   /* the counts so far add up past INT64_MAX */
} w2v_vocab_line_status;

typedef struct {
    int64_t entries;     /* lines read into the counter */
    int64_t total;       /* sum of their counts */
    size_t bad_line;     /* on an error: byte offset of the offending line in data */
} w2v_vocab_file_state;

/* Reads the lines of data[0, n) (whole lines: only the file's last may lack
 * its '\n') into the counter.  The first entry read that is not "</s>" gets
 * "</s>" with count 0 before it, so that newlines still end sentences. */
w2v_vocab_line_status w2v_vocab_file_feed(w2v_vocab_counter *counter, w2v_vocab_file_state *state,
                                          const unsigned char *data, size_t n);

#endif
