/* Streaming tokenizer with word2vec.c's ReadWord rules.
 *
 * Words are split on space, tab and newline; '\r' is dropped wherever it
 * appears; every newline is also the sentence token "</s>".  The state lives in
 * a struct so that a word split across two input chunks is joined again.
 *
 * Differences from word2vec.c, both deliberate:
 *  - the last word of input without a trailing newline is emitted (word2vec.c
 *    loses it);
 *  - a word over W2V_MAX_WORD_BYTES bytes is cut to that many bytes as in
 *    word2vec.c, then moved back to a UTF-8 character boundary when the cut
 *    fell inside a well-formed multi-byte character.
 * A NUL byte ends the word's text (the rest of that word is ignored) because
 * word2vec.c keeps words as C strings; this keeps -save-vocab byte-identical.
 */
#ifndef W2V_TOKENIZER_H
#define W2V_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* word2vec.c's MAX_STRING is 100; ReadWord keeps MAX_STRING - 2 bytes. */
#define W2V_MAX_WORD_BYTES 98
#define W2V_SENTENCE_TOKEN "</s>"
#define W2V_SENTENCE_TOKEN_LEN 4

typedef struct {
    /* One byte more than a kept word: the first byte past the cut tells
     * whether the cut split a UTF-8 character. */
    unsigned char word[W2V_MAX_WORD_BYTES + 1];
    size_t length;  /* bytes seen in the current word, saturating at MAX + 1 */
    size_t nul_at;  /* position of the first NUL byte, or SIZE_MAX */
} w2v_tokenizer;

typedef void (*w2v_token_fn)(void *ctx, const unsigned char *word, size_t len);

static inline void w2v_tokenizer_init(w2v_tokenizer *tok) {
    tok->length = 0;
    tok->nul_at = SIZE_MAX;
}

static inline int w2v_is_utf8_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Length of the word as it will be stored, after the cut and the NUL rule. */
static inline size_t w2v_tokenizer_word_length(const w2v_tokenizer *tok) {
    size_t len = tok->length;
    if (tok->nul_at < W2V_MAX_WORD_BYTES) return tok->nul_at;
    if (len <= W2V_MAX_WORD_BYTES) return len;
    len = W2V_MAX_WORD_BYTES;
    if (w2v_is_utf8_continuation(tok->word[len])) {
        /* A UTF-8 character is at most 4 bytes: look back at most 3 for its
         * lead byte; input that is not UTF-8 keeps word2vec.c's plain cut. */
        size_t cut = len;
        int steps = 0;
        while (cut > 0 && steps < 3 && w2v_is_utf8_continuation(tok->word[cut])) {
            cut--;
            steps++;
        }
        if (!w2v_is_utf8_continuation(tok->word[cut]) && tok->word[cut] >= 0xC0) len = cut;
    }
    return len;
}

static inline void w2v_tokenizer_emit_word(w2v_tokenizer *tok, w2v_token_fn emit, void *ctx) {
    emit(ctx, tok->word, w2v_tokenizer_word_length(tok));
    tok->length = 0;
    tok->nul_at = SIZE_MAX;
}

typedef void (*w2v_line_end_fn)(void *ctx);

/* What a byte is to the tokenizer; W2V_BYTE_ODD bytes ('\r', NUL) take the
 * byte-by-byte path, which applies their rules. */
enum { W2V_BYTE_WORD = 0, W2V_BYTE_SPACE, W2V_BYTE_NEWLINE, W2V_BYTE_ODD };

static inline int w2v_byte_class(unsigned char c) {
    if (c > ' ') return W2V_BYTE_WORD;
    if (c == ' ' || c == '\t') return W2V_BYTE_SPACE;
    if (c == '\n') return W2V_BYTE_NEWLINE;
    if (c == '\r' || c == 0) return W2V_BYTE_ODD;
    return W2V_BYTE_WORD;
}

/* The first byte at or after i that is not W2V_BYTE_WORD, or n.  Every other
 * class is at most ' ', so eight bytes at a time are tested for one under
 * 0x21 (the lowest flagged byte of the test is exact), then the byte itself. */
static inline size_t w2v_word_end(const unsigned char *data, size_t i, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (i + 8 <= n) {
        uint64_t x;
        memcpy(&x, data + i, 8);
        const uint64_t low = (x - ones * 0x21) & ~x & highs;
        if (low == 0) {
            i += 8;
            continue;
        }
        i += (size_t)__builtin_ctzll(low) / 8;
        if (w2v_byte_class(data[i]) != W2V_BYTE_WORD) return i;
        i++;  /* a control byte that is part of a word */
    }
#endif
    while (i < n && w2v_byte_class(data[i]) == W2V_BYTE_WORD) i++;
    return i;
}

/* Tokenize a chunk: each word goes to emit; each newline to line_end, or,
 * when line_end is NULL, to emit as the sentence token "</s>" (word2vec.c's
 * reading; word2phrase.c keeps newlines apart from words).  A word that lies
 * whole in the chunk, short and plain, is emitted from the chunk itself
 * without the byte-by-byte copy: emit may read the word only during the call. */
static inline void w2v_tokenize_lines(w2v_tokenizer *restrict tok,
                                      const unsigned char *restrict data, size_t n,
                                      w2v_token_fn emit, w2v_line_end_fn line_end, void *ctx) {
    size_t i = 0;
    while (i < n) {
        if (tok->length == 0 && w2v_byte_class(data[i]) == W2V_BYTE_WORD) {
            size_t end = w2v_word_end(data, i + 1, n);
            if (end < n && w2v_byte_class(data[end]) != W2V_BYTE_ODD &&
                end - i <= W2V_MAX_WORD_BYTES) {
                emit(ctx, data + i, end - i);
                i = end;  /* its separator is read next */
                continue;
            }
        }
        unsigned char c = data[i++];
        if (c == '\r') continue;
        if (c == ' ' || c == '\t' || c == '\n') {
            if (tok->length > 0) w2v_tokenizer_emit_word(tok, emit, ctx);
            if (c == '\n') {
                if (line_end != NULL) line_end(ctx);
                else emit(ctx, (const unsigned char *)W2V_SENTENCE_TOKEN, W2V_SENTENCE_TOKEN_LEN);
            }
            continue;
        }
        if (tok->length <= W2V_MAX_WORD_BYTES) {
            tok->word[tok->length] = c;
            if (c == 0 && tok->nul_at == SIZE_MAX) tok->nul_at = tok->length;
            tok->length++;
        }
    }
}

static inline void w2v_tokenize(w2v_tokenizer *restrict tok, const unsigned char *restrict data,
                                size_t n, w2v_token_fn emit, void *ctx) {
    w2v_tokenize_lines(tok, data, n, emit, NULL, ctx);
}

/* End of input: the pending word is a token (word2vec.c drops it). */
static inline void w2v_tokenize_finish(w2v_tokenizer *tok, w2v_token_fn emit, void *ctx) {
    if (tok->length > 0) w2v_tokenizer_emit_word(tok, emit, ctx);
}

#endif
