/* word2vec.c's text vector format: each value printed "%lf " (six decimals,
 * then a space), so that w2vpy's text files are word2vec.c's byte for byte. */
#ifndef W2V_VECTOR_TEXT_H
#define W2V_VECTOR_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Room for one value: "%lf " of FLT_MAX is 47 bytes (39 digits, sign, point,
 * six decimals, space), so 64 holds any float, infinities and NaN included. */
#define W2V_TEXT_VALUE_BYTES 64

/* Writes a row's values to out (room for size * W2V_TEXT_VALUE_BYTES bytes);
 * returns the bytes written. */
size_t w2v_format_text_row(char *out, const float *row, int64_t size);

#endif
