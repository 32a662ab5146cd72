/* Which instruction sets the training loop is compiled for, decided here and
 * nowhere else.
 *
 * Where the compiler and the platform can pick a clone when the library loads
 * (GCC or clang targeting x86-64 ELF with glibc or FreeBSD, which have ifunc),
 * the training thread is compiled for AVX-512, AVX2 and the x86-64 baseline,
 * and the best one the CPU has runs.  Elsewhere there is one build for the
 * target's baseline: on aarch64 the 8-float vector code lowers to NEON, which
 * every aarch64 CPU has; macOS (Mach-O) has no ifunc; musl has none either.
 * The arithmetic is the same in every clone and build (fixed summation order,
 * no FMA contraction: setup.py passes -ffp-contract=off), so results do not
 * depend on which one ran.  -DW2V_NO_CLONES builds the baseline alone (to
 * compare it with a clone built by -mavx2 or -mavx512f). */
#ifndef W2V_SIMD_DISPATCH_H
#define W2V_SIMD_DISPATCH_H

#include <stdint.h>  /* defines __GLIBC__ where it applies */

#if defined(__x86_64__) && defined(__ELF__) && (defined(__GLIBC__) || defined(__FreeBSD__)) && \
    (defined(__GNUC__) || defined(__clang__)) && !defined(W2V_NO_CLONES)
#define W2V_TRAINING_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define W2V_TRAINING_CLONES
#endif

/* The kernels are forced inline into the training thread, so that each clone
 * of it gets its own vector code. */
#define W2V_ALWAYS_INLINE __attribute__((always_inline))

#endif
