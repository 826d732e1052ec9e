/* The few DSP operations the aot kernels use: ACLE intrinsics on a core with the DSP extension,
 * their exact C equivalents elsewhere (so the host runs the same data flow). Internal. */
#ifndef MCB_AOT_SIMD_H
#define MCB_AOT_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define MCB_AOT_DSP 1
#else
#define MCB_AOT_DSP 0
#endif

/* acc + lo(a)*lo(b) + hi(a)*hi(b), wrapping (SMLAD). */
static inline int32_t aot_smlad(uint32_t a, uint32_t b, int32_t acc)
{
#if MCB_AOT_DSP
    return __smlad(a, b, acc);
#else
    const int32_t p = (int32_t)(int16_t)(a & 0xFFFF) * (int16_t)(b & 0xFFFF);
    const int32_t q = (int32_t)(int16_t)(a >> 16) * (int16_t)(b >> 16);
    return (int32_t)((uint32_t)acc + (uint32_t)p + (uint32_t)q);
#endif
}

/* acc + lo(a)*lo(b) (SMLABB) and acc + hi(a)*hi(b) (SMLATT), wrapping. */
static inline int32_t aot_smlabb(uint32_t a, uint32_t b, int32_t acc)
{
#if MCB_AOT_DSP
    return __smlabb((int32_t)a, (int32_t)b, acc);
#else
    return (int32_t)((uint32_t)acc +
                     (uint32_t)((int32_t)(int16_t)(a & 0xFFFF) * (int16_t)(b & 0xFFFF)));
#endif
}

static inline int32_t aot_smlatt(uint32_t a, uint32_t b, int32_t acc)
{
#if MCB_AOT_DSP
    return __smlatt((int32_t)a, (int32_t)b, acc);
#else
    return (int32_t)((uint32_t)acc + (uint32_t)((int32_t)(int16_t)(a >> 16) * (int16_t)(b >> 16)));
#endif
}

/* Bytes 0 and 2 of x sign-extended into the two halves (SXTB16). */
static inline uint32_t aot_sxtb16(uint32_t x)
{
#if MCB_AOT_DSP
    return __sxtb16(x);
#else
    const uint32_t lo = (uint32_t)(uint16_t)(int16_t)(int8_t)(x & 0xFF);
    const uint32_t hi = (uint32_t)(uint16_t)(int16_t)(int8_t)((x >> 16) & 0xFF);
    return lo | hi << 16;
#endif
}

/* Bytes 1 and 3 of x sign-extended into the two halves (SXTB16 with ROR #8). */
static inline uint32_t aot_sxtb16_ror8(uint32_t x)
{
#if MCB_AOT_DSP && defined(__GNUC__)
    /* one instruction; GCC does not fold __ror into SXTB16's rotation */
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return aot_sxtb16(x >> 8 | x << 24);
#endif
}

/* A 32-bit load from any alignment (one LDR on Cortex-M4, which allows unaligned LDR). */
static inline uint32_t aot_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Two int16 values as one word, a in the low half. */
static inline uint32_t aot_pack16(int32_t a, int32_t b)
{
    return (uint32_t)(uint16_t)(int16_t)a | (uint32_t)(uint16_t)(int16_t)b << 16;
}

#endif
