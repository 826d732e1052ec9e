/* The ADD loop of the aot engine (mcb_aot.h), as an inline function: mcb_aot_add_s8 is it,
 * and the conv kernel's fused ADD epilogue (mcb_aot_conv_add_s8) runs it on each pixel pair,
 * so aot_conv.c needs no symbol from aot_add.c. Internal.
 * The input terms of TFLM's AddFunc, MultiplyByQuantizedMultiplierSmallerThanOneExp((x +
 * offset) << left_shift, ...), depend on the input byte only, so they are tables made at pack
 * time; what remains per element is the sum and the output's requantization (high multiply,
 * then the rounding divide as in aot_conv.c's epilogue: ((h - (h < 0)) >> (e - 1)) + 1) >> 1
 * for e >= 1). Each element's inputs are read before its output is written, and no input is
 * read after an output of a later element is written, so output may be input1 or input2. */
#ifndef MCB_AOT_ADD_H
#define MCB_AOT_ADD_H

#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

#include <stddef.h>
#include <stdint.h>

static inline void aot_add_run(const mcb_aot_add *k, size_t n, const int8_t *input1,
                               const int8_t *input2, int8_t *output)
{
    const int32_t *const t1 = k->table1, *const t2 = k->table2;
    const int32_t m = k->multiplier, off = k->output_offset, lo = k->act_min, hi = k->act_max;
    const int e = (int)k->right_shift;
    size_t i = 0;
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
    /* The tables hold twice the terms, so the high multiply floor((s*m + 2^30) / 2^31) is
     * one SMMULR of the doubled sum: floor((2s*m + 2^31) / 2^32). The rounding divide's last
     * step and the zero point: ((y + 1) >> 1) + off = (y + 1 + 2*off) >> 1, the shift folded
     * into SSAT, which also clamps to int8. Two elements per pass, 12 registers, about 11
     * cycles per element (the C loop: about 25). Both inputs of an element pair are read
     * before their outputs are written (in place is fine). */
    if (e >= 1 && n >= 2) {
        const int32_t kk = 1 + 2 * off, p = e - 1;
        const int8_t *x = input1, *r = input2, *const end = input1 + (n & ~(size_t)1);
        int8_t *o = output;
        uint32_t a0, b0, a1, b1;
        if (lo == -128 && hi == 127) {
            __asm__ volatile(
                "1:\n\t"
                "ldrb %[a0], [%[x]], #1\n\t"
                "ldrb %[b0], [%[r]], #1\n\t"
                "ldrb %[a1], [%[x]], #1\n\t"
                "ldrb %[b1], [%[r]], #1\n\t"
                "ldr %[a0], [%[t1], %[a0], lsl #2]\n\t"
                "ldr %[b0], [%[t2], %[b0], lsl #2]\n\t"
                "ldr %[a1], [%[t1], %[a1], lsl #2]\n\t"
                "ldr %[b1], [%[t2], %[b1], lsl #2]\n\t"
                "add %[a0], %[a0], %[b0]\n\t"
                "add %[a1], %[a1], %[b1]\n\t"
                "smmulr %[a0], %[a0], %[m]\n\t"
                "smmulr %[a1], %[a1], %[m]\n\t"
                "add %[a0], %[a0], %[a0], asr #31\n\t"
                "add %[a1], %[a1], %[a1], asr #31\n\t"
                "asr %[a0], %[a0], %[p]\n\t"
                "asr %[a1], %[a1], %[p]\n\t"
                "add %[a0], %[a0], %[kk]\n\t"
                "add %[a1], %[a1], %[kk]\n\t"
                "ssat %[a0], #8, %[a0], asr #1\n\t"
                "ssat %[a1], #8, %[a1], asr #1\n\t"
                "strb %[a0], [%[o]], #1\n\t"
                "strb %[a1], [%[o]], #1\n\t"
                "cmp %[x], %[end]\n\t"
                "bne 1b\n\t"
                : [x] "+r"(x), [r] "+r"(r), [o] "+r"(o), [a0] "=&r"(a0), [b0] "=&r"(b0),
                  [a1] "=&r"(a1), [b1] "=&r"(b1)
                : [t1] "r"(t1), [t2] "r"(t2), [m] "r"(m), [p] "r"(p), [kk] "r"(kk),
                  [end] "r"(end)
                : "cc", "memory");
        } else { /* an activation inside int8: one element per pass, two more compares */
            __asm__ volatile(
                "1:\n\t"
                "ldrb %[a0], [%[x]], #1\n\t"
                "ldrb %[b0], [%[r]], #1\n\t"
                "ldr %[a0], [%[t1], %[a0], lsl #2]\n\t"
                "ldr %[b0], [%[t2], %[b0], lsl #2]\n\t"
                "add %[a0], %[a0], %[b0]\n\t"
                "smmulr %[a0], %[a0], %[m]\n\t"
                "add %[a0], %[a0], %[a0], asr #31\n\t"
                "asr %[a0], %[a0], %[p]\n\t"
                "add %[a0], %[a0], %[kk]\n\t"
                "ssat %[a0], #8, %[a0], asr #1\n\t"
                "cmp %[a0], %[lo]\n\t"
                "it lt\n\t"
                "movlt %[a0], %[lo]\n\t"
                "cmp %[a0], %[hi]\n\t"
                "it gt\n\t"
                "movgt %[a0], %[hi]\n\t"
                "strb %[a0], [%[o]], #1\n\t"
                "cmp %[x], %[end]\n\t"
                "bne 1b\n\t"
                : [x] "+r"(x), [r] "+r"(r), [o] "+r"(o), [a0] "=&r"(a0), [b0] "=&r"(b0)
                : [t1] "r"(t1), [t2] "r"(t2), [m] "r"(m), [p] "r"(p), [kk] "r"(kk),
                  [end] "r"(end), [lo] "r"(lo), [hi] "r"(hi)
                : "cc", "memory");
            (void)a1, (void)b1;
        }
        i = n & ~(size_t)1;
    }
#endif
    if (e >= 1) {
        const int p = e - 1;
        for (; i < n; i++) {
            const int32_t s2 = t1[(uint8_t)input1[i]] + t2[(uint8_t)input2[i]];
            const int32_t h = (int32_t)(((int64_t)s2 * m + (1LL << 31)) >> 32);
            const int32_t v = ((((h + (h >> 31)) >> p) + 1) >> 1) + off;
            output[i] = (int8_t)mcb_clamp_i32(v, lo, hi);
        }
        return;
    }
    for (; i < n; i++) {
        const int32_t s2 = t1[(uint8_t)input1[i]] + t2[(uint8_t)input2[i]];
        const int32_t h = (int32_t)(((int64_t)s2 * m + (1LL << 31)) >> 32);
        output[i] = (int8_t)mcb_clamp_i32(h + off, lo, hi);
    }
}

#endif
