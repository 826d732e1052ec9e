/* FULLY_CONNECTED int8 for the aot engine: the int8 input is widened in the loop (one load and
 * two SXTB16 per 4 inputs, reused by 2 output channels), the weights were widened at pack
 * time in the matching permuted order, the input offset is in the bias. Per 4 inputs:
 * 5 loads back to back (6 cycles) + 2 SXTB16 + 4 SMLAD = 12 cycles for 8 MACs. The layer is
 * a fraction of a percent of the family's MACs, so it stays this simple.
 * Bit-exact with mcb_fully_connected_s8. */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* Variant switches, for flash (as in aot_conv.c): the code generator defines them to 0 at the
 * top of its copy when no FC layer of the model needs them; undefined means 1.
 *   REST    in_depth % 4 != 0 (a zero-padded last group of inputs)
 *   LSHIFT  some shift > 0 (a left shift before the high multiply)
 *   W16, W8 some layer has int16 / int8 weights
 * Switching off one a layer needs gives wrong outputs. */
#ifndef MCB_AOT_FC_REST
#define MCB_AOT_FC_REST 1
#endif
#ifndef MCB_AOT_FC_LSHIFT
#define MCB_AOT_FC_LSHIFT 1
#endif
#ifndef MCB_AOT_FC_W16
#define MCB_AOT_FC_W16 1
#endif
#ifndef MCB_AOT_FC_W8
#define MCB_AOT_FC_W8 1
#endif

/* Same high multiply as aot_conv.c (multiplier >= 0), and for shifts <= -1 its rounding
 * divide without a mask: (((h - (h < 0)) >> (e - 1)) + 1) >> 1 (docs/aot-kernels.md). */
static inline int32_t requant(int32_t acc, int32_t multiplier, int32_t shift)
{
    if (shift <= -1) {
        const int32_t h = (int32_t)(((int64_t)acc * multiplier + (1LL << 30)) >> 31);
        return (((h + (h >> 31)) >> (-shift - 1)) + 1) >> 1;
    }
    const int32_t x = MCB_AOT_FC_LSHIFT ? mcb_shl_wrap(acc, (int)shift) : acc;
    return (int32_t)(((int64_t)x * multiplier + (1LL << 30)) >> 31);
}

void mcb_aot_fc_s8(const mcb_aot_fc *f, const int8_t *input, int8_t *output)
{
    const int groups = f->in_depth / 4, rest = MCB_AOT_FC_REST ? f->in_depth % 4 : 0;
    const int w8 = MCB_AOT_FC_W8 && (!MCB_AOT_FC_W16 || f->int8w);
    uint32_t last = 0; /* the partial last group, zero-padded (its weights are zero) */
    for (int i = 0; i < rest; i++)
        last |= (uint32_t)(uint8_t)input[4 * groups + i] << (8 * i);
    for (int b = 0; b < f->n_blocks; b++) {
        int32_t s0 = f->bias[2 * b], s1 = f->bias[2 * b + 1];
        const int8_t *in = input;
        if (w8) {
            /* int8 weights, one word per group of 4 inputs and channel, widened here:
             * 3 loads + 6 SXTB16 + 4 SMLAD, about 14 cycles per 8 MACs */
            const uint32_t *w = (const uint32_t *)f->weights + (size_t)b * f->kw;
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
            /* GCC's schedule of the C below takes about 23 cycles per group (the loads
             * interleaved, each paying 2); this one 14-15: the 3 loads back to back */
            if (groups >= 4) {
#define AOT_FC_GROUP                                                                           \
    "ldr %[x], [%[in]], #4\n\t"                                                                \
    "ldr %[u0], [%[w]], #4\n\t"                                                                \
    "ldr %[u1], [%[w]], #4\n\t"                                                                \
    "sxtb16 %[xl], %[x]\n\t"                                                                   \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                            \
    "sxtb16 %[t], %[u0]\n\t"                                                                   \
    "smlad %[s0], %[xl], %[t], %[s0]\n\t"                                                      \
    "sxtb16 %[u0], %[u0], ror #8\n\t"                                                          \
    "smlad %[s0], %[x], %[u0], %[s0]\n\t"                                                      \
    "sxtb16 %[t], %[u1]\n\t"                                                                   \
    "smlad %[s1], %[xl], %[t], %[s1]\n\t"                                                      \
    "sxtb16 %[u1], %[u1], ror #8\n\t"                                                          \
    "smlad %[s1], %[x], %[u1], %[s1]\n\t"
                const int8_t *const iend = in + 16 * (size_t)(groups / 4);
                uint32_t x, xl, u0, u1, t;
                __asm__ volatile("1:\n\t" AOT_FC_GROUP AOT_FC_GROUP AOT_FC_GROUP AOT_FC_GROUP
                                 "cmp %[in], %[iend]\n\t"
                                 "bne 1b\n\t"
                                 : [s0] "+r"(s0), [s1] "+r"(s1), [in] "+r"(in), [w] "+r"(w),
                                   [x] "=&r"(x), [xl] "=&r"(xl), [u0] "=&r"(u0), [u1] "=&r"(u1),
                                   [t] "=&r"(t)
                                 : [iend] "r"(iend)
                                 : "cc", "memory");
#undef AOT_FC_GROUP
            }
            for (int g = groups & ~3; g < groups; g++) { /* the last groups % 4 */
                const uint32_t x = aot_load32(in);
                const uint32_t u0 = w[0], u1 = w[1];
                const uint32_t lo = aot_sxtb16(x), hi = aot_sxtb16_ror8(x);
                s0 = aot_smlad(lo, aot_sxtb16(u0), s0);
                s1 = aot_smlad(lo, aot_sxtb16(u1), s1);
                s0 = aot_smlad(hi, aot_sxtb16_ror8(u0), s0);
                s1 = aot_smlad(hi, aot_sxtb16_ror8(u1), s1);
                in += 4;
                w += 2;
            }
#else
            for (int g = 0; g < groups; g++) {
                const uint32_t x = aot_load32(in);
                const uint32_t u0 = w[0], u1 = w[1];
                const uint32_t lo = aot_sxtb16(x), hi = aot_sxtb16_ror8(x);
                s0 = aot_smlad(lo, aot_sxtb16(u0), s0);
                s1 = aot_smlad(lo, aot_sxtb16(u1), s1);
                s0 = aot_smlad(hi, aot_sxtb16_ror8(u0), s0);
                s1 = aot_smlad(hi, aot_sxtb16_ror8(u1), s1);
                in += 4;
                w += 2;
            }
#endif
            if (rest) {
                const uint32_t lo = aot_sxtb16(last), hi = aot_sxtb16_ror8(last);
                s0 = aot_smlad(lo, aot_sxtb16(w[0]), s0);
                s1 = aot_smlad(lo, aot_sxtb16(w[1]), s1);
                s0 = aot_smlad(hi, aot_sxtb16_ror8(w[0]), s0);
                s1 = aot_smlad(hi, aot_sxtb16_ror8(w[1]), s1);
            }
        } else if (MCB_AOT_FC_W16) {
            const uint32_t *w =
                (const uint32_t *)f->weights + (size_t)b * f->kw * MCB_AOT_FC_BLOCK;
            for (int g = 0; g < groups; g++) {
                const uint32_t x = aot_load32(in);
                const uint32_t lo = aot_sxtb16(x), hi = aot_sxtb16_ror8(x);
                const uint32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
                s0 = aot_smlad(lo, w0, s0);
                s1 = aot_smlad(lo, w1, s1);
                s0 = aot_smlad(hi, w2, s0);
                s1 = aot_smlad(hi, w3, s1);
                in += 4;
                w += 4;
            }
            if (rest) {
                const uint32_t lo = aot_sxtb16(last), hi = aot_sxtb16_ror8(last);
                s0 = aot_smlad(lo, w[0], s0);
                s1 = aot_smlad(lo, w[1], s1);
                s0 = aot_smlad(hi, w[2], s0);
                s1 = aot_smlad(hi, w[3], s1);
            }
        }
        const int32_t acc[2] = {s0, s1};
        for (int n = 0; n < MCB_AOT_FC_BLOCK && 2 * b + n < f->out_depth; n++) {
            const int ch = 2 * b + n;
            const int32_t v = requant(acc[n], f->multiplier[ch], f->shift[ch]) + f->output_offset;
            output[ch] = (int8_t)mcb_clamp_i32(v, f->act_min, f->act_max);
        }
    }
}
