#include "vector_text.h"

#include <stdio.h>

size_t w2v_format_text_row(char *out, const float *row, int64_t size) {
    size_t written = 0;
    for (int64_t j = 0; j < size; j++)
        written += (size_t)snprintf(out + written, W2V_TEXT_VALUE_BYTES, "%lf ", (double)row[j]);
    return written;
}
