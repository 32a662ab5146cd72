/* Reading a thread's slice of the encoded corpus: the file of int32 word ids
 * (0 = end of sentence) that vocab.encode_corpus writes, read with pread in
 * blocks so that memory stays bounded whatever the corpus size, and so that
 * several threads read one file descriptor without sharing a position. */
#ifndef W2V_ID_READER_H
#define W2V_ID_READER_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "simd_dispatch.h"

#define W2V_READ_BLOCK 65536

typedef struct {
    int fd;
    int64_t begin, end, pos;       /* slice of the id file, in ids */
    int32_t *block;
    int64_t block_start, block_len;
} id_reader;

/* Next id of the slice, or -1 at its end, -2 on a read error. */
W2V_ALWAYS_INLINE static inline int64_t reader_next(id_reader *r, int *err) {
    if (r->pos >= r->end) return -1;
    int64_t k = r->pos - r->block_start;
    if (k >= r->block_len || k < 0) {
        int64_t want = r->end - r->pos;
        if (want > W2V_READ_BLOCK) want = W2V_READ_BLOCK;
        size_t bytes = (size_t)want * sizeof(int32_t), got = 0;
        while (got < bytes) {
            ssize_t n = pread(r->fd, (char *)r->block + got, bytes - got,
                              (off_t)(r->pos * (int64_t)sizeof(int32_t)) + (off_t)got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                *err = n < 0 ? errno : EIO;
                return -2;
            }
            got += (size_t)n;
        }
        r->block_start = r->pos;
        r->block_len = want;
        k = 0;
    }
    r->pos++;
    return r->block[k];
}

#endif
