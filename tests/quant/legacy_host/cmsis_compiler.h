/* Stands in for CMSIS Core's cmsis_compiler.h when the legacy CMSIS-NN sources are compiled
 * for the host by test_q7_legacy (tests/quant/CMakeLists.txt): only what their portable path
 * (no ARM_MATH_DSP) uses. __SSAT(v, b) saturates to a signed b-bit range, __USAT(v, b) to
 * 0 .. 2^b - 1, as the Arm instructions of those names do. */
#ifndef MCB_TEST_LEGACY_HOST_COMPILER_H
#define MCB_TEST_LEGACY_HOST_COMPILER_H

#include <stdint.h>

#define __STATIC_FORCEINLINE static inline __attribute__((always_inline))
#define __STATIC_INLINE static inline
#define __ASM __asm
#define __ALIGNED(x) __attribute__((aligned(x)))
#define __PACKED __attribute__((packed))
#define __RESTRICT __restrict

static inline int32_t __SSAT(int32_t v, uint32_t b)
{
    const int32_t hi = (int32_t)((1u << (b - 1)) - 1), lo = -hi - 1;
    return v > hi ? hi : v < lo ? lo : v;
}

static inline uint32_t __USAT(int32_t v, uint32_t b)
{
    const int32_t hi = (int32_t)((1u << b) - 1);
    return (uint32_t)(v > hi ? hi : v < 0 ? 0 : v);
}

#endif
