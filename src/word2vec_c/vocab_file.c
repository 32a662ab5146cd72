#include "vocab_file.h"

#include <string.h>

#define SENTENCE_TOKEN "</s>"

static inline int is_separator(unsigned char ch) { return ch == ' ' || ch == '\t'; }

/* One field of a line: its bytes with every '\r' left out. */
typedef struct {
    unsigned char text[W2V_MAX_WORD_BYTES + 1];
    size_t len;          /* the field's full length, '\r' excluded (may exceed text) */
} field;

/* Splits [p, end) into at most 3 fields (a third means "too many"). */
static int split_fields(const unsigned char *p, const unsigned char *end, field *fields) {
    int found = 0;
    while (p < end && found < 3) {
        while (p < end && (is_separator(*p) || *p == '\r')) p++;
        if (p >= end) break;
        field *f = &fields[found++];
        f->len = 0;
        for (; p < end && !is_separator(*p); p++) {
            if (*p == '\r') continue;
            if (f->len < sizeof f->text) f->text[f->len] = *p;
            f->len++;
        }
    }
    return found;
}

static w2v_vocab_line_status parse_count(const field *f, int64_t *count) {
    if (f->len > sizeof f->text) {
        /* more digits than fit the buffer: too large if they are all digits,
         * which the caller's message re-reads from the line */
        for (size_t i = 0; i < sizeof f->text; i++)
            if (f->text[i] < '0' || f->text[i] > '9') return W2V_VOCAB_LINE_COUNT_NOT_DIGITS;
        return W2V_VOCAB_LINE_COUNT_TOO_LARGE;
    }
    int64_t value = 0;
    for (size_t i = 0; i < f->len; i++) {
        unsigned char ch = f->text[i];
        if (ch < '0' || ch > '9') return W2V_VOCAB_LINE_COUNT_NOT_DIGITS;
        if (value > (INT64_MAX - (ch - '0')) / 10) {
            /* keep scanning: a later non-digit makes it "not a number" */
            for (i++; i < f->len; i++)
                if (f->text[i] < '0' || f->text[i] > '9') return W2V_VOCAB_LINE_COUNT_NOT_DIGITS;
            return W2V_VOCAB_LINE_COUNT_TOO_LARGE;
        }
        value = value * 10 + (ch - '0');
    }
    *count = value;
    return W2V_VOCAB_LINE_OK;
}

static w2v_vocab_line_status read_line(w2v_vocab_counter *c, w2v_vocab_file_state *s,
                                       const unsigned char *p, const unsigned char *end) {
    field fields[3], empty;
    int found = split_fields(p, end, fields);
    if (found == 0) return W2V_VOCAB_LINE_OK;  /* blank */
    const field *word = &fields[0], *count_field = &fields[1];
    if (found == 1 && *p == ' ') {
        /* -save-vocab's line for the empty word: a word that began with a NUL
         * byte is "" to word2vec.c's strlen, and is saved as " <count>" */
        empty.len = 0;
        word = &empty;
        count_field = &fields[0];
    } else if (found != 2) {
        return W2V_VOCAB_LINE_FIELDS;
    }
    int64_t count;
    w2v_vocab_line_status status = parse_count(count_field, &count);
    if (status != W2V_VOCAB_LINE_OK) return status;
    if (word->len > W2V_MAX_WORD_BYTES) return W2V_VOCAB_LINE_WORD_TOO_LONG;
    const size_t sentence_len = sizeof SENTENCE_TOKEN - 1;
    if (s->entries == 0 &&
        !(word->len == sentence_len && memcmp(word->text, SENTENCE_TOKEN, sentence_len) == 0)) {
        if (w2v_counter_append(c, (const unsigned char *)SENTENCE_TOKEN, sentence_len, 0) == -1)
            return W2V_VOCAB_LINE_NO_MEMORY;
    }
    if (count > INT64_MAX - s->total) return W2V_VOCAB_LINE_TOTAL_TOO_LARGE;
    int64_t rc = w2v_counter_append(c, word->text, word->len, count);
    if (rc == -1) return W2V_VOCAB_LINE_NO_MEMORY;
    if (rc == -2) return W2V_VOCAB_LINE_DUPLICATE;
    s->total += count;
    s->entries++;
    return W2V_VOCAB_LINE_OK;
}

w2v_vocab_line_status w2v_vocab_file_feed(w2v_vocab_counter *c, w2v_vocab_file_state *s,
                                          const unsigned char *data, size_t n) {
    const unsigned char *p = data, *end = data + n;
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *line_end = nl ? nl : end;
        w2v_vocab_line_status status = read_line(c, s, p, line_end);
        if (status != W2V_VOCAB_LINE_OK) {
            s->bad_line = (size_t)(p - data);
            return status;
        }
        p = nl ? nl + 1 : end;
    }
    return W2V_VOCAB_LINE_OK;
}
