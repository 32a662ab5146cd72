/* Reading a thread's slice of the encoded corpus: the file of int32 word ids
 * (0 = end of sentence) that vocab.encode_corpus writes, read with pread in
 * blocks so that memory stays bounded whatever the corpus size, and so that
 * several threads read one file descriptor without sharing a position.
 *
 * A piece can shrink while it is read: once a thread has trained all its
 * epochs it takes over work another thread has not yet read (trainer.c,
 * next_piece).  So the end of a piece is shared, under one lock that a reader
 * takes once per block, and a reader publishes how far it has read so that
 * no id is trained twice or skipped. */
#ifndef W2V_ID_READER_H
#define W2V_ID_READER_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "simd_dispatch.h"

#define W2V_READ_BLOCK 65536

/* What one thread has left to read, as every thread sees it (under the
 * trainer's slice lock): the ids [claimed, end) of the epoch it is in, then
 * its whole share of the file in each epoch before epochs_end. */
typedef struct {
    int64_t end;         /* the piece being read ends before this id ... */
    int64_t claimed;     /* ... and the ids before this one are in its reader's block */
    int64_t epoch;       /* the epoch (of this run) the piece belongs to; -1 before the first */
    int64_t epochs_end;  /* the thread's share waits to be trained in epochs before this one */
} w2v_slice;

typedef struct {
    int fd;
    int64_t pos;                   /* next id to read */
    int32_t *block;
    int64_t block_start, block_len;
    w2v_slice *slice;
    pthread_mutex_t *slice_lock;
} id_reader;

/* Starts reading at `pos` (a new epoch, or a piece taken over); a piece
 * never ends before where its reader stands. */
static inline void reader_seek(id_reader *r, int64_t pos) {
    r->pos = pos;
    r->block_start = pos;
    r->block_len = 0;
}

/* Reads the next block of the slice; returns its length, 0 at the slice's
 * end, or -1 with *err set on a read error. */
static int64_t reader_refill(id_reader *r, int *err) {
    pthread_mutex_lock(r->slice_lock);
    int64_t want = r->slice->end - r->pos;
    if (want > W2V_READ_BLOCK) want = W2V_READ_BLOCK;
    r->slice->claimed = r->pos + want;
    pthread_mutex_unlock(r->slice_lock);
    size_t bytes = (size_t)want * sizeof(int32_t), got = 0;
    while (got < bytes) {
        ssize_t n = pread(r->fd, (char *)r->block + got, bytes - got,
                          (off_t)(r->pos * (int64_t)sizeof(int32_t)) + (off_t)got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            *err = n < 0 ? errno : EIO;
            return -1;
        }
        got += (size_t)n;
    }
    r->block_start = r->pos;
    r->block_len = want;
    return want;
}

/* Next id of the slice, or -1 at its end, -2 on a read error. */
W2V_ALWAYS_INLINE static inline int64_t reader_next(id_reader *r, int *err) {
    if (r->pos >= r->block_start + r->block_len) {
        const int64_t got = reader_refill(r, err);
        if (got < 0) return -2;
        if (got == 0) return -1;
    }
    return r->block[r->pos++ - r->block_start];
}

#endif
