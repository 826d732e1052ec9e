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
    if (e >= 1) {
        const int p = e - 1;
        for (size_t i = 0; i < n; i++) {
            const int32_t s = t1[(uint8_t)input1[i]] + t2[(uint8_t)input2[i]];
            const int32_t h = (int32_t)(((int64_t)s * m + (1LL << 30)) >> 31);
            const int32_t v = ((((h + (h >> 31)) >> p) + 1) >> 1) + off;
            output[i] = (int8_t)mcb_clamp_i32(v, lo, hi);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const int32_t s = t1[(uint8_t)input1[i]] + t2[(uint8_t)input2[i]];
        const int32_t h = (int32_t)(((int64_t)s * m + (1LL << 30)) >> 31);
        output[i] = (int8_t)mcb_clamp_i32(h + off, lo, hi);
    }
}

#endif
