/* Huffman tree for hierarchical softmax, built as word2vec.c's CreateBinaryTree
 * (same tie rules, so the same codes and inner-node points), but with the code
 * arrays sized from the tree's depth instead of a fixed 40 entries. */
#ifndef W2V_HUFFMAN_H
#define W2V_HUFFMAN_H

#include <stdint.h>

typedef struct {
    int64_t vocab_size;
    int64_t *code_offsets;  /* vocab_size + 1; word w's code is [off[w], off[w+1]) */
    uint8_t *codes;         /* branch bits, root first */
    int32_t *points;        /* inner node (row of syn1) of each branch, root first */
} w2v_huffman;

/* counts must be sorted descending from index 1 on (as the vocabulary is);
 * vocab_size >= 2.  Returns 0, -1 when memory runs out, or -2 when *stop
 * became non-zero (polled once per word: millions of words take seconds). */
int w2v_huffman_build(const int64_t *counts, int64_t vocab_size, w2v_huffman *out,
                      const volatile int32_t *stop);
void w2v_huffman_free(w2v_huffman *tree);

#endif
