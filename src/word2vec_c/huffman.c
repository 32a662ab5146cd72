#include "huffman.h"

#include <stdlib.h>

int w2v_huffman_build(const int64_t *counts, int64_t vocab_size, w2v_huffman *out,
                      const volatile int32_t *stop) {
    int status = -1;
    const int64_t V = vocab_size;
    int64_t *count = calloc((size_t)(V * 2 + 1), sizeof(int64_t));
    int64_t *parent = calloc((size_t)(V * 2 + 1), sizeof(int64_t));
    uint8_t *binary = calloc((size_t)(V * 2 + 1), sizeof(uint8_t));
    int64_t *depth = calloc((size_t)(V * 2 + 1), sizeof(int64_t));
    out->vocab_size = V;
    out->code_offsets = NULL;
    out->codes = NULL;
    out->points = NULL;
    if (!count || !parent || !binary || !depth) goto fail;

    for (int64_t a = 0; a < V; a++) count[a] = counts[a];
    for (int64_t a = V; a < V * 2; a++) count[a] = (int64_t)1e15;
    /* Leaves are sorted by count, inner nodes are created in count order, so
     * the two smallest nodes are always at pos1 (leaves, walking down) or pos2
     * (inner nodes, walking up).  The strict '<' decides ties as word2vec.c. */
    int64_t pos1 = V - 1, pos2 = V;
    for (int64_t a = 0; a < V - 1; a++) {
        int64_t min1, min2;
        if (pos1 >= 0 && count[pos1] < count[pos2]) min1 = pos1--;
        else min1 = pos2++;
        if (pos1 >= 0 && count[pos1] < count[pos2]) min2 = pos1--;
        else min2 = pos2++;
        count[V + a] = count[min1] + count[min2];
        parent[min1] = V + a;
        parent[min2] = V + a;
        binary[min2] = 1;
    }
    /* A parent is always created after its children, so walking the nodes
     * from the root down gives every node its depth in one pass. */
    const int64_t root = V * 2 - 2;
    depth[root] = 0;
    for (int64_t n = root - 1; n >= 0; n--) depth[n] = depth[parent[n]] + 1;

    out->code_offsets = malloc((size_t)(V + 1) * sizeof(int64_t));
    if (!out->code_offsets) goto fail;
    int64_t total = 0;
    for (int64_t w = 0; w < V; w++) {
        out->code_offsets[w] = total;
        total += depth[w];
    }
    out->code_offsets[V] = total;
    out->codes = malloc((size_t)(total > 0 ? total : 1));
    out->points = malloc((size_t)(total > 0 ? total : 1) * sizeof(int32_t));
    if (!out->codes || !out->points) goto fail;
    /* point[j] is the inner node whose child is chosen by code[j]. */
    for (int64_t w = 0; w < V; w++) {
        if (*stop) {
            status = -2;
            goto fail;
        }
        int64_t node = w;
        for (int64_t j = out->code_offsets[w + 1] - 1; j >= out->code_offsets[w]; j--) {
            out->codes[j] = binary[node];
            out->points[j] = (int32_t)(parent[node] - V);
            node = parent[node];
        }
    }
    free(count);
    free(parent);
    free(binary);
    free(depth);
    return 0;
fail:
    free(count);
    free(parent);
    free(binary);
    free(depth);
    w2v_huffman_free(out);
    return status;
}

void w2v_huffman_free(w2v_huffman *tree) {
    free(tree->code_offsets);
    free(tree->codes);
    free(tree->points);
    tree->code_offsets = NULL;
    tree->codes = NULL;
    tree->points = NULL;
}
