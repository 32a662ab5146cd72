/* CUDA's built-ins on the host, for the emulated warp of w2v_lanes.h
 * (-DW2V_EMULATED_WARP; tests/host_kernel.py builds it): a test fixture, never
 * the backend.
 *
 * Each CUDA thread of a block (a lane) is a fiber on the launching thread:
 * ucontext starts it, _setjmp/_longjmp switch between it and the scheduler
 * (no system call a switch).  The scheduler runs the warps of a block round
 * robin; a warp's turn runs each of its 32 lanes, in lane order, until it
 * reaches a collective (a shuffle, a ballot, __syncwarp) or returns, then
 * gives every lane the collective's result as the GPU would (a shuffle reads
 * the partner lane's value, so a butterfly adds in the GPU's order).  Lanes
 * thus run in lock-step from collective to collective, warps interleave only
 * there, and a launch is deterministic.  Blocks run one after another.
 *
 * What would hang or be undefined on the GPU stops the launch with a message
 * instead: lanes of a warp at different collectives, or some at a collective
 * while others have returned; a mask other than the whole warp; lanes left
 * holding different sums.  */
#ifndef W2V_EMULATED_WARP_H
#define W2V_EMULATED_WARP_H

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "w2v_constants.h"

#define W2V_EMULATED_LANES 32

/* One dot product as the emulated warp summed it, beside the one-lane build's
 * order (tests/host_kernel.py reads these as numpy records). */
typedef struct {
    float partials[W2V_EMULATED_LANES]; /* each lane's share of the sum, by lane */
    float tree;                         /* the butterfly's sum, held by every lane */
    float sequential; /* the same products summed in dimension order, as one lane does */
    double magnitude; /* the sum of |product| over the dimensions */
    int size;         /* the dimensions */
    /* the two sums send the kernel different ways: another sigmoid cell, or
     * the other side of a +-MAX_EXP cut-off */
    int decides_otherwise;
} w2v_dot_record;

/* A launch's geometry and what it saw. */
typedef struct {
    unsigned int grid;  /* blocks */
    unsigned int block; /* threads a block: whole warps, at most max_block */
    unsigned int max_block;
    int reverse_lanes;       /* run each warp's lanes 31..0 between collectives */
    w2v_dot_record* trace;   /* the first trace_capacity dot products (or NULL) */
    long long trace_capacity;
    long long dots;              /* out: dot products */
    long long decided_otherwise; /* out: those with decides_otherwise */
    char error[240];             /* out: why the launch stopped, or "" */
} w2v_emulated_grid;

struct w2v_dim3 {
    unsigned int x, y, z;
};

/* where a lane stands when the scheduler has it */
enum { W2V_AT_SHFL_XOR, W2V_AT_SHFL, W2V_AT_BALLOT, W2V_AT_SYNCWARP, W2V_AT_DOT, W2V_RETURNED };
static const char* const w2v_at_names[] = {"__shfl_xor_sync", "__shfl_sync", "__ballot_sync",
                                           "__syncwarp", "a dot product's check", "return"};

struct w2v_lane {
    jmp_buf resume;
    ucontext_t start;
    bool started;
    w2v_dim3 thread_idx;
    int at;
    unsigned int mask;
    int operand;                   /* a shuffle's lane mask or source lane */
    unsigned long long value, result; /* the bits a lane gives and gets */
    float partial;                 /* at a dot product: the lane's share, its operands */
    const float* h;
    const float* row;
    int size;
};

enum { W2V_LANE_STACK = 64 * 1024 };

struct w2v_emulator {
    w2v_emulated_grid* launch;
    void (*body)(void*);
    void* body_argument;
    w2v_dim3 block_idx, block_dim, grid_dim;
    w2v_lane* lanes;
    char* stacks;
    w2v_lane* current;
    jmp_buf scheduler;
};

/* the launch running now: launches from several threads take turns
 * (w2v_run_grid), which keeps the lanes' path free of thread-local lookups */
static w2v_emulator* w2v_emu;
static pthread_mutex_t w2v_emu_turn = PTHREAD_MUTEX_INITIALIZER;

#define threadIdx (w2v_emu->current->thread_idx)
#define blockIdx (w2v_emu->block_idx)
#define blockDim (w2v_emu->block_dim)
#define gridDim (w2v_emu->grid_dim)

/* Back to the scheduler; returns once the warp's collective is resolved. */
static inline void w2v_yield(w2v_lane* lane) {
    if (!_setjmp(lane->resume)) _longjmp(w2v_emu->scheduler, 1);
}

template <class T>
static inline T w2v_collective(int at, unsigned int mask, T value, int operand) {
    static_assert(sizeof(T) <= sizeof(unsigned long long) && std::is_trivially_copyable<T>::value,
                  "a collective moves at most 64 bits");
    w2v_lane* lane = w2v_emu->current;
    lane->at = at;
    lane->mask = mask;
    lane->operand = operand;
    lane->value = 0;
    memcpy(&lane->value, &value, sizeof(T));
    w2v_yield(lane);
    T result;
    memcpy(&result, &w2v_emu->current->result, sizeof(T));
    return result;
}

template <class T>
static inline T __shfl_xor_sync(unsigned int mask, T value, int lane_mask) {
    return w2v_collective(W2V_AT_SHFL_XOR, mask, value, lane_mask);
}
template <class T>
static inline T __shfl_sync(unsigned int mask, T value, int source_lane) {
    return w2v_collective(W2V_AT_SHFL, mask, value, source_lane);
}
static inline unsigned int __ballot_sync(unsigned int mask, int predicate) {
    return w2v_collective<unsigned int>(W2V_AT_BALLOT, mask, predicate ? 1u : 0u, 0);
}
static inline void __syncwarp(unsigned int mask = 0xffffffffu) {
    (void)w2v_collective<unsigned int>(W2V_AT_SYNCWARP, mask, 0u, 0);
}
static inline int __popc(unsigned int x) { return __builtin_popcount(x); }
static inline unsigned long long atomicAdd(unsigned long long* address,
                                           unsigned long long value) {
    return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}

/* A lane's warp sum of `partial` is `sum`; the scheduler records it beside
 * the operands' sequential sum (w2v_lanes.h routes lanes_sum here). */
static inline float w2v_emulated_dot(float partial, float sum, const float* h, const float* row,
                                     int size) {
    w2v_lane* lane = w2v_emu->current;
    lane->partial = partial;
    lane->h = h;
    lane->row = row;
    lane->size = size;
    return w2v_collective(W2V_AT_DOT, 0xffffffffu, sum, 0);
}

/* ---------------------------------------------------------------- the scheduler */

static void w2v_stop(w2v_emulator* emu, const char* why) {
    if (!emu->launch->error[0])
        snprintf(emu->launch->error, sizeof emu->launch->error, "block %u: %s", emu->block_idx.x,
                 why);
}

static void w2v_lane_main(void) {
    w2v_emulator* emu = w2v_emu;
    emu->body(emu->body_argument);
    emu->current->at = W2V_RETURNED;
    _longjmp(emu->scheduler, 1);
}

/* Runs a lane until its next collective, or until it returns. */
static void w2v_run_lane(w2v_emulator* emu, w2v_lane* lane) {
    emu->current = lane;
    if (!_setjmp(emu->scheduler)) {
        if (lane->started) _longjmp(lane->resume, 1);
        lane->started = true;
        ucontext_t here;  // never resumed: the lane comes back by _longjmp
        swapcontext(&here, &lane->start);
    }
}

/* What the kernel does with a score: which sigmoid cell, or which side of
 * the +-MAX_EXP cut-offs (both kernels' tests, HS's and NS's). */
static int w2v_score_route(float f) {
    if (f > W2V_MAX_EXP) return -1;
    if (f < -W2V_MAX_EXP) return -2;
    if (f == W2V_MAX_EXP || f == -W2V_MAX_EXP) return f > 0 ? -3 : -4;
    if (f != f) return -5;
    return w2v_sigmoid_index(f);
}

static bool w2v_record_dot(w2v_emulator* emu, w2v_lane* warp) {
    w2v_dot_record r;
    memset(&r, 0, sizeof r);
    r.size = warp[0].size;
    memcpy(&r.tree, &warp[0].value, sizeof r.tree);
    for (int l = 0; l < W2V_EMULATED_LANES; l++) {
        r.partials[l] = warp[l].partial;
        if (warp[l].value != warp[0].value || warp[l].row != warp[0].row ||
            warp[l].size != r.size) {
            char why[160];
            snprintf(why, sizeof why, "lanes 0 and %d of warp %u end a sum with different "
                     "values or operands", l, warp[0].thread_idx.x / W2V_EMULATED_LANES);
            w2v_stop(emu, why);
            return false;
        }
        warp[l].result = warp[l].value;
    }
    float sequential = 0.f;
    double magnitude = 0.;
    for (int j = 0; j < r.size; j++) {
        float product = warp[j % W2V_EMULATED_LANES].h[j / W2V_EMULATED_LANES] * warp[0].row[j];
        sequential += product;
        magnitude += product < 0 ? -(double)product : (double)product;
    }
    r.sequential = sequential;
    r.magnitude = magnitude;
    r.decides_otherwise = w2v_score_route(r.tree) != w2v_score_route(r.sequential);
    w2v_emulated_grid* launch = emu->launch;
    if (launch->trace && launch->dots < launch->trace_capacity) launch->trace[launch->dots] = r;
    launch->dots++;
    launch->decided_otherwise += r.decides_otherwise;
    return true;
}

/* The collective a warp's lanes stopped at, resolved: false when the warp is
 * done or the launch must stop. */
static bool w2v_resolve(w2v_emulator* emu, w2v_lane* warp, bool* returned) {
    const int at = warp[0].at;
    const unsigned int w = warp[0].thread_idx.x / W2V_EMULATED_LANES;
    char why[200];
    for (int l = 0; l < W2V_EMULATED_LANES; l++) {
        if (warp[l].at != at) {
            snprintf(why, sizeof why, "warp %u diverged: lane 0 at %s, lane %d at %s", w,
                     w2v_at_names[at], l, w2v_at_names[warp[l].at]);
            w2v_stop(emu, why);
            return false;
        }
        if (at != W2V_RETURNED && warp[l].mask != 0xffffffffu) {
            snprintf(why, sizeof why, "warp %u lane %d: mask %#x at %s (only whole warps are "
                     "emulated)", w, l, warp[l].mask, w2v_at_names[at]);
            w2v_stop(emu, why);
            return false;
        }
    }
    unsigned int ballot = 0;
    switch (at) {
    case W2V_RETURNED:
        *returned = true;
        return false;
    case W2V_AT_SHFL_XOR:
        for (int l = 0; l < W2V_EMULATED_LANES; l++)
            warp[l].result = warp[(l ^ warp[l].operand) % W2V_EMULATED_LANES].value;
        return true;
    case W2V_AT_SHFL:
        for (int l = 0; l < W2V_EMULATED_LANES; l++)
            warp[l].result = warp[warp[l].operand % W2V_EMULATED_LANES].value;
        return true;
    case W2V_AT_BALLOT:
        for (int l = 0; l < W2V_EMULATED_LANES; l++)
            if (warp[l].value) ballot |= 1u << l;
        for (int l = 0; l < W2V_EMULATED_LANES; l++) warp[l].result = ballot;
        return true;
    case W2V_AT_SYNCWARP:
        return true;
    default:
        return w2v_record_dot(emu, warp);
    }
}

static bool w2v_run_block(w2v_emulator* emu) {
    const unsigned int threads = emu->block_dim.x, warps = threads / W2V_EMULATED_LANES;
    for (unsigned int t = 0; t < threads; t++) {
        w2v_lane* lane = &emu->lanes[t];
        lane->started = false;
        lane->thread_idx = w2v_dim3{t, 0, 0};
        getcontext(&lane->start);
        lane->start.uc_stack.ss_sp = emu->stacks + (size_t)t * W2V_LANE_STACK;
        lane->start.uc_stack.ss_size = W2V_LANE_STACK;
        lane->start.uc_link = NULL;
        makecontext(&lane->start, w2v_lane_main, 0);
    }
    bool done[1024 / W2V_EMULATED_LANES] = {false};
    for (unsigned int running = warps; running > 0;) {
        for (unsigned int w = 0; w < warps; w++) {
            if (done[w]) continue;
            w2v_lane* warp = &emu->lanes[w * W2V_EMULATED_LANES];
            for (int i = 0; i < W2V_EMULATED_LANES; i++)
                w2v_run_lane(emu, &warp[emu->launch->reverse_lanes ? W2V_EMULATED_LANES - 1 - i : i]);
            bool returned = false;
            if (!w2v_resolve(emu, warp, &returned)) {
                if (!returned) return false;
                done[w] = true;
                running--;
            }
        }
    }
    return true;
}

static int w2v_run_grid(w2v_emulated_grid* launch, void (*body)(void*), void* body_argument) {
    launch->error[0] = 0;
    launch->dots = launch->decided_otherwise = 0;
    if (launch->block == 0 || launch->block % W2V_EMULATED_LANES || launch->block > 1024 ||
        launch->block > launch->max_block) {
        snprintf(launch->error, sizeof launch->error,
                 "a block of %u threads: whole warps, at most %u (the shared buffers')",
                 launch->block, launch->max_block);
        return -1;
    }
    w2v_emulator emu;
    memset(&emu, 0, sizeof emu);
    emu.launch = launch;
    emu.body = body;
    emu.body_argument = body_argument;
    emu.block_dim = w2v_dim3{launch->block, 1, 1};
    emu.grid_dim = w2v_dim3{launch->grid, 1, 1};
    emu.lanes = (w2v_lane*)calloc(launch->block, sizeof(w2v_lane));
    emu.stacks = (char*)malloc((size_t)launch->block * W2V_LANE_STACK);
    if (!emu.lanes || !emu.stacks) {
        free(emu.lanes);
        free(emu.stacks);
        snprintf(launch->error, sizeof launch->error, "out of memory for the lanes' stacks");
        return -1;
    }
    pthread_mutex_lock(&w2v_emu_turn);
    w2v_emu = &emu;
    for (unsigned int b = 0; b < launch->grid; b++) {
        emu.block_idx = w2v_dim3{b, 0, 0};
        if (!w2v_run_block(&emu)) break;
    }
    w2v_emu = NULL;
    pthread_mutex_unlock(&w2v_emu_turn);
    free(emu.lanes);
    free(emu.stacks);
    return launch->error[0] ? -1 : 0;
}

/* The kernel's arguments from an array of pointers to them, as
 * cudaLaunchKernel takes them: the types are the kernel's own. */
template <class... A>
struct w2v_kernel_call {
    void (*kernel)(A...);
    void* const* arguments;
};

template <class... A, size_t... I>
static void w2v_call_kernel(const w2v_kernel_call<A...>* call, std::index_sequence<I...>) {
    call->kernel(*static_cast<typename std::remove_cv<A>::type*>(call->arguments[I])...);
}

template <class... A>
static void w2v_lane_body(void* call) {
    w2v_call_kernel(static_cast<const w2v_kernel_call<A...>*>(call),
                    std::index_sequence_for<A...>{});
}

template <class... A>
static int w2v_emulate(w2v_emulated_grid* launch, void (*kernel)(A...),
                       void* const* arguments) {
    w2v_kernel_call<A...> call = {kernel, arguments};
    return w2v_run_grid(launch, w2v_lane_body<A...>, &call);
}

/* The launch entry for `kernel`, after its definition (the kernel file
 * comes first): w2v_emulated_launch(launch, arguments) returns 0, or -1 with
 * launch->error set.  max_block is the block the kernel's shared buffers hold. */
#define W2V_EMULATED_ENTRY(kernel)                                                        \
    extern "C" __attribute__((visibility("default"))) int w2v_emulated_launch(            \
        w2v_emulated_grid* launch, void* const* arguments) {                            \
        launch->max_block = W2V_LANES * W2V_WARPS_PER_BLOCK;                              \
        return w2v_emulate(launch, kernel, arguments);                                    \
    }

#endif
