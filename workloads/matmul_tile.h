/* NAME    matmul_tile.h
 * PURPOSE The blocked kernel's register tile, one per vector width: a property of the target the
 *         compiler builds for, written down once per target (BLIS's configurations, OpenBLAS's
 *         DYNAMIC_ARCH kernels are the models), never of the machine the code was written on.
 *
 * The micro-kernel keeps an MR x NR block of C in registers: MR rows, each NV vectors of VW
 * doubles (NR = NV x VW). Every step of k loads NV vectors of B and broadcasts MR values of A,
 * so it needs MR x NV accumulators + NV vectors of B + one broadcast in registers at once. The
 * tile is the largest that fits the register file with that room to spare:
 *
 *   target (macro)        vector   registers  tile  accumulators  after
 *   AVX-512 (__AVX512F__)  512 bit  32         8x16  16            the tile this suite began with
 *   AVX/AVX2 (__AVX__)     256 bit  16         6x8   12            BLIS haswell d6x8
 *   NEON (__aarch64__)     128 bit  32         6x8   24            BLIS armv8a d6x8
 *   SSE2 (x86-64 baseline) 128 bit  16         3x8   12            no FMA, two-operand SSE: B
 *                                                                  is a memory operand of the
 *                                                                  multiply, the product needs
 *                                                                  a scratch register
 *
 * 8x16 on a 256-bit target (what every machine without AVX-512 got before) needs 32 registers
 * of 16 and spills on every step: 2% of the peak on a Zen 3.
 *
 * KC = 256 (depth of a packed panel) keeps one strip of B (KC x NR doubles, 16 or 32 KiB) in a
 * 32 KiB L1 while the A strip streams past it; MC (rows of A packed at once, whole strips of MR,
 * about 128) keeps an MC x KC block of A (at most 256 KiB) in L2. Every x86-64 core since 2008
 * and every ARMv8 server core has at least those caches, so the blocking fits the smallest the
 * targets have rather than one machine's.
 * Define MM_MR, MM_NV and MM_KC on the command line to try another shape (make portability
 * builds each target's own). */
#ifndef CVP_MATMUL_TILE_H
#define CVP_MATMUL_TILE_H

#if !defined(MM_MR)
#if defined(__AVX512F__)
#define MM_VW  8
#define MM_MR  8
#define MM_NV  2
#define MM_ISA "avx512f"
#elif defined(__AVX__)
#define MM_VW 4
#define MM_MR 6
#define MM_NV 2
#if defined(__FMA__)
#define MM_ISA "avx2+fma"
#else
#define MM_ISA "avx"
#endif
#elif defined(__aarch64__)
#define MM_VW  2
#define MM_MR  6
#define MM_NV  4
#define MM_ISA "neon"
#else
#define MM_VW  2
#define MM_MR  3
#define MM_NV  4
#define MM_ISA "sse2"
#endif
#endif /* !MM_MR */

#ifndef MM_VW
#define MM_VW 2 /* a shape given on the command line without a width: 128-bit vectors */
#endif
#ifndef MM_ISA
#define MM_ISA "custom"
#endif

#define MM_NR (MM_NV * MM_VW) /* columns of the register tile */
#ifndef MM_KC
#define MM_KC 256 /* depth of one packed panel */
#endif
#define MM_MC (128 / MM_MR * MM_MR) /* rows of A packed at once: whole strips of MR rows */

#endif
