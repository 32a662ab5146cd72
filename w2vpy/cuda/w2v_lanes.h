/* The lanes: everything in the training kernel that depends on where it runs.
 * w2v_kernels.cu is written once against this interface and compiled three ways:
 *
 * - on the GPU (NVRTC, __CUDACC__): a warp of 32 lanes trains one sentence,
 *   lane l owning dimensions l, l+32, l+64, ...; sums are butterflies of warp
 *   shuffles, the subsampled sentence is compacted with a ballot, the shared
 *   word counter is an atomic;
 * - on the host (any C++ compiler): one lane owns every dimension and trains
 *   the sentences one after another, so the same algorithm runs in every test
 *   run without a GPU (tests/host_kernel.py builds it);
 * - on the host as an emulated warp (-DW2V_EMULATED_WARP, a test fixture): the
 *   GPU's lanes code below, verbatim, over CUDA's built-ins emulated on the
 *   host, so that the code only a warp runs (the split of dimensions, the
 *   butterfly, the ballot, lane 0's counter, the warps of a block sharing its
 *   memory) runs in every test run too.
 *
 * Nothing of the algorithm is here, and no #if is in the algorithm. */
#ifndef W2V_LANES_H
#define W2V_LANES_H

typedef unsigned long long u64;

/* Vector sizes the kernel takes (the Python driver refuses larger ones).  On
 * the GPU each lane keeps W2V_MAX_VECTOR_SIZE / 32 dimensions of the hidden
 * layer and of its error in registers, so the driver builds the kernel for the
 * smallest of 128, 256 and 512 that holds the vector size: fewer registers a
 * lane, more warps resident to hide the rows' memory latency. */
#ifndef W2V_MAX_VECTOR_SIZE
#define W2V_MAX_VECTOR_SIZE 512
#endif

#if defined(__CUDACC__)

#define W2V_DEVICE static __device__ __forceinline__
#define W2V_KERNEL extern "C" __global__
/* each block's sentence buffers live in its shared memory */
#define W2V_BLOCK_SHARED __shared__
#define W2V_UNROLL _Pragma("unroll")

#elif defined(W2V_EMULATED_WARP)

/* CUDA's built-ins on the host, lanes as fibers: w2v_emulated_warp.h */
#include "w2v_emulated_warp.h"
#define W2V_DEVICE static inline
/* every lane's body; the entry point is w2v_emulated_launch (W2V_EMULATED_ENTRY) */
#define W2V_KERNEL extern "C" __attribute__((visibility("hidden")))
/* one block runs at a time (w2v_emulated_warp.h), so its shared memory is a static */
#define W2V_BLOCK_SHARED static
#define W2V_UNROLL

#endif

#if defined(__CUDACC__) || defined(W2V_EMULATED_WARP)

#define W2V_LANES 32
#define W2V_WARPS_PER_BLOCK 4
/* Per-lane loops run the full, constant trip count so that the compiler
 * unrolls them and keeps the lane's dimensions in registers; lanes past the
 * vector size skip the body. */
#define W2V_DIM_STEPS(size) W2V_MAX_DIMS_PER_LANE

#define W2V_FULL_WARP 0xffffffffu

W2V_DEVICE int lanes_lane(void) { return threadIdx.x % W2V_LANES; }
W2V_DEVICE int lanes_warp_in_block(void) { return threadIdx.x / W2V_LANES; }
W2V_DEVICE long long lanes_first_sentence(void) {
    return (long long)blockIdx.x * (blockDim.x / W2V_LANES) + threadIdx.x / W2V_LANES;
}
/* The launch gives every sentence its own warp. */
W2V_DEVICE long long lanes_next_sentence(long long sentence, long long n_sentences) {
    return (void)sentence, n_sentences;
}

/* The sum over the warp, left in every lane. */
W2V_DEVICE float lanes_sum(float v) {
    W2V_UNROLL
    for (int offset = W2V_LANES / 2; offset > 0; offset /= 2)
        v += __shfl_xor_sync(W2V_FULL_WARP, v, offset);
    return v;
}

/* One bit per lane: which lanes hold `flag`. */
W2V_DEVICE unsigned int lanes_ballot(bool flag) { return __ballot_sync(W2V_FULL_WARP, flag); }
W2V_DEVICE int lanes_count(unsigned int ballot) { return __popc(ballot); }
/* How many lanes below `lane` hold the flag: a lane's slot when compacting. */
W2V_DEVICE int lanes_rank(unsigned int ballot, int lane) {
    return __popc(ballot & ((1u << lane) - 1));
}
W2V_DEVICE void lanes_sync(void) { __syncwarp(); }

/* counter += amount once for the warp; every lane gets the value before. */
W2V_DEVICE u64 lanes_fetch_add(u64* counter, u64 amount, int lane) {
    u64 before = 0;
    if (lane == 0) before = atomicAdd(counter, amount);
    return __shfl_sync(W2V_FULL_WARP, before, 0);
}

#if defined(W2V_EMULATED_WARP)
/* Each warp sum also hands the emulation its operands, so that it can set the
 * butterfly beside the one-lane build's sum of the same products (in
 * dimension order) and say where the two would send the kernel different
 * ways.  lanes_sum is dot_row's alone, and h, row and size are dot_row's
 * parameters: a kernel that renames them fails to build here, not silently.
 * The inner lanes_sum is the function above (a macro does not expand itself). */
#define lanes_sum(v) w2v_emulated_dot((v), lanes_sum(v), h, row, size)
#endif

#else /* the host */

#define W2V_LANES 1
#define W2V_WARPS_PER_BLOCK 1
#define W2V_DEVICE static inline
#define W2V_KERNEL extern "C" __attribute__((visibility("default")))
#define W2V_BLOCK_SHARED
#define W2V_UNROLL
/* one lane owns every dimension: a loop runs exactly the vector's size */
#define W2V_DIM_STEPS(size) (size)

W2V_DEVICE int lanes_lane(void) { return 0; }
W2V_DEVICE int lanes_warp_in_block(void) { return 0; }
W2V_DEVICE long long lanes_first_sentence(void) { return 0; }
W2V_DEVICE long long lanes_next_sentence(long long sentence, long long n_sentences) {
    return (void)n_sentences, sentence + 1;
}
W2V_DEVICE float lanes_sum(float v) { return v; }
W2V_DEVICE unsigned int lanes_ballot(bool flag) { return flag ? 1u : 0u; }
W2V_DEVICE int lanes_count(unsigned int ballot) { return (int)ballot; }
W2V_DEVICE int lanes_rank(unsigned int ballot, int lane) { return (void)ballot, (void)lane, 0; }
W2V_DEVICE void lanes_sync(void) {}
/* one host thread trains every sentence: nothing else writes the counter */
W2V_DEVICE u64 lanes_fetch_add(u64* counter, u64 amount, int lane) {
    (void)lane;
    u64 before = *counter;
    *counter = before + amount;
    return before;
}

#endif

/* dimensions each lane owns, at most */
#define W2V_MAX_DIMS_PER_LANE (W2V_MAX_VECTOR_SIZE / W2V_LANES)

#endif
