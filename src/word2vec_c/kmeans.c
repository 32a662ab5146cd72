#include "kmeans.h"

#include <math.h>
#include <stdlib.h>

int w2v_kmeans(const float *syn0, int64_t vocab_size, int64_t size, int64_t classes,
               int iterations, int32_t *cl, const volatile int32_t *stop) {
    int64_t *centcn = malloc((size_t)classes * sizeof(int64_t));
    float *cent = calloc((size_t)(classes * size), sizeof(float));
    if (!centcn || !cent) {
        free(centcn);
        free(cent);
        return -1;
    }
    for (int64_t a = 0; a < vocab_size; a++) cl[a] = (int32_t)(a % classes);
    for (int it = 0; it < iterations; it++) {
        for (int64_t b = 0; b < classes * size; b++) cent[b] = 0;
        /* word2vec.c starts every count at 1, not 0; kept for equal output */
        for (int64_t b = 0; b < classes; b++) centcn[b] = 1;
        for (int64_t c = 0; c < vocab_size; c++) {
            for (int64_t d = 0; d < size; d++) cent[size * cl[c] + d] += syn0[c * size + d];
            centcn[cl[c]]++;
        }
        for (int64_t b = 0; b < classes; b++) {
            float closev = 0;
            for (int64_t c = 0; c < size; c++) {
                cent[size * b + c] /= centcn[b];
                closev += cent[size * b + c] * cent[size * b + c];
            }
            closev = sqrtf(closev);
            for (int64_t c = 0; c < size; c++) cent[size * b + c] /= closev;
        }
        for (int64_t c = 0; c < vocab_size; c++) {
            if (*stop) {
                free(centcn);
                free(cent);
                return -2;
            }
            float closev = -10;
            int32_t closeid = 0;
            for (int64_t d = 0; d < classes; d++) {
                float x = 0;
                for (int64_t b = 0; b < size; b++) x += cent[size * d + b] * syn0[c * size + b];
                if (x > closev) {
                    closev = x;
                    closeid = (int32_t)d;
                }
            }
            cl[c] = closeid;
        }
    }
    free(centcn);
    free(cent);
    return 0;
}
