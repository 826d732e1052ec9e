/* FULLY_CONNECTED int8 for the aot engine, 4 output rows per block: the int8 input is widened
 * in the loop (one load and two SXTB16 per 4 inputs, reused by the 4 rows), the int8 weights
 * were arranged at pack time in the order the loop reads them (per group of 4 inputs, one word
 * per row) and are widened with SXTB16 / SXTB16 ROR 8; the input offset is in the bias. Per 4
 * inputs (16 MACs, int8 weights, DSP path):
 *     ldr x; ldr u1..u3 [w, #4..12]; ldr u0 [w], #16   5 loads back to back   6 cycles
 *     sxtb16 xl, x; sxtb16 x, x, ror #8                                        2
 *     4 x (sxtb16 t, un; smlad; sxtb16 un, un, ror #8; smlad)                16
 *   = 24 cycles per 16 MACs (1.5 cycles/MAC; the 2-row block took 14 per 8: 1.75; a load
 * whose base the load before wrote back does not pipeline, hence one write-back per group).
 * The 4 outputs of a block are requantized together after it, in the same assembly loop
 * when the layer allows it (blocks_fused). MLPerf Tiny's autoencoder is all
 * FC layers (0.28 M MACs), so this loop is its whole inference.
 * Bit-exact with mcb_fully_connected_s8. */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* Variant switches, for flash (as in aot_conv.c): the code generator defines them to 0 at the
 * top of its copy when no FC layer of the model needs them; undefined means 1.
 *   REST    in_depth % 4 != 0 (a zero-padded last group of inputs)
 *   LSHIFT  some shift > 0 (a left shift before the high multiply)
 *   W16, W8 some layer has int16 / int8 weights
 *   GENERIC some int8 layer with a full block of 4 rows does not take the fused loop
 *           (mcb_aot_fc_fused) on the DSP path
 *   FUSED   some layer takes the fused loop (blocks_fused)
 *   G1      some layer taking the fused loop has (in_depth / 4) % 4 != 0 (its one-group
 *           remainder loop; without it such a layer takes the GENERIC path)
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
#ifndef MCB_AOT_FC_GENERIC
#define MCB_AOT_FC_GENERIC 1
#endif
#ifndef MCB_AOT_FC_FUSED
#define MCB_AOT_FC_FUSED 1
#endif
#ifndef MCB_AOT_FC_G1
#define MCB_AOT_FC_G1 1
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

#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
#define AOT_FC_GROUP                                                                           \
    "ldr %[x], [%[in]], #4\n\t"                                                                \
    "ldr %[u1], [%[w], #4]\n\t"                                                               \
    "ldr %[u2], [%[w], #8]\n\t"                                                               \
    "ldr %[u3], [%[w], #12]\n\t"                                                              \
    "ldr %[u0], [%[w]], #16\n\t"                                                              \
    "sxtb16 %[t], %[x]\n\t"                                                                    \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                            \
    "sxtb16 %[u], %[u0]\n\t"                                                                   \
    "smlad %[s0], %[t], %[u], %[s0]\n\t"                                                       \
    "sxtb16 %[u0], %[u0], ror #8\n\t"                                                          \
    "smlad %[s0], %[x], %[u0], %[s0]\n\t"                                                      \
    "sxtb16 %[u], %[u1]\n\t"                                                                   \
    "smlad %[s1], %[t], %[u], %[s1]\n\t"                                                       \
    "sxtb16 %[u1], %[u1], ror #8\n\t"                                                          \
    "smlad %[s1], %[x], %[u1], %[s1]\n\t"                                                      \
    "sxtb16 %[u], %[u2]\n\t"                                                                   \
    "smlad %[s2], %[t], %[u], %[s2]\n\t"                                                       \
    "sxtb16 %[u2], %[u2], ror #8\n\t"                                                          \
    "smlad %[s2], %[x], %[u2], %[s2]\n\t"                                                      \
    "sxtb16 %[u], %[u3]\n\t"                                                                   \
    "smlad %[s3], %[t], %[u], %[s3]\n\t"                                                       \
    "sxtb16 %[u3], %[u3], ror #8\n\t"                                                          \
    "smlad %[s3], %[x], %[u3], %[s3]\n\t"
#define AOT_FC_OUTS                                                                            \
    [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [in] "+r"(in), [w] "+r"(w),   \
        [x] "=&r"(x), [t] "=&r"(t), [u] "=&r"(u), [u0] "=&r"(u0), [u1] "=&r"(u1),             \
        [u2] "=&r"(u2), [u3] "=&r"(u3)
#endif

/* The 4 rows of a full block over the input, int8 weights (w: the block's words, 4 per group
 * of 4 inputs); s[] holds the biases on entry, the accumulators on return. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void rows4_w8(const int8_t *in, const uint32_t *w, int groups, uint32_t last,
                            int rest, int32_t s[4])
{
    int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    int g = 0;
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
    /* GCC interleaves the loads with the SMLADs (each load then costs 2 cycles) and spills;
     * this keeps the 5 loads back to back, with one base write-back at the end (a load whose
     * base the load before wrote back does not pipeline). 13 registers, the end pointer in
     * memory (reloaded into the free t after the last SMLAD that reads t). */
    uint32_t x, t, u, u0, u1, u2, u3;
    if (groups >= 4) { /* 4 groups per pass (0.4 KB of code: stays in the cache) */
        const int8_t *const iend = in + 16 * (size_t)(groups / 4);
        __asm__ volatile("1:\n\t" AOT_FC_GROUP AOT_FC_GROUP AOT_FC_GROUP AOT_FC_GROUP
                         "ldr %[t], %[iend]\n\t"
                         "cmp %[in], %[t]\n\t"
                         "bne 1b\n\t"
                         : AOT_FC_OUTS
                         : [iend] "m"(iend)
                         : "cc", "memory");
        g = groups & ~3;
    }
    if (g < groups) { /* the last groups % 4, one per pass */
        const int8_t *const iend = in + 4 * (size_t)(groups - g);
        __asm__ volatile("2:\n\t" AOT_FC_GROUP
                         "ldr %[t], %[iend]\n\t"
                         "cmp %[in], %[t]\n\t"
                         "bne 2b\n\t"
                         : AOT_FC_OUTS
                         : [iend] "m"(iend)
                         : "cc", "memory");
        g = groups;
    }
#endif
    for (; g < groups; g++, in += 4, w += 4) {
        const uint32_t x = aot_load32(in);
        const uint32_t xl = aot_sxtb16(x), xh = aot_sxtb16_ror8(x);
        s0 = aot_smlad(xh, aot_sxtb16_ror8(w[0]), aot_smlad(xl, aot_sxtb16(w[0]), s0));
        s1 = aot_smlad(xh, aot_sxtb16_ror8(w[1]), aot_smlad(xl, aot_sxtb16(w[1]), s1));
        s2 = aot_smlad(xh, aot_sxtb16_ror8(w[2]), aot_smlad(xl, aot_sxtb16(w[2]), s2));
        s3 = aot_smlad(xh, aot_sxtb16_ror8(w[3]), aot_smlad(xl, aot_sxtb16(w[3]), s3));
    }
    if (rest) {
        const uint32_t xl = aot_sxtb16(last), xh = aot_sxtb16_ror8(last);
        s0 = aot_smlad(xh, aot_sxtb16_ror8(w[0]), aot_smlad(xl, aot_sxtb16(w[0]), s0));
        s1 = aot_smlad(xh, aot_sxtb16_ror8(w[1]), aot_smlad(xl, aot_sxtb16(w[1]), s1));
        s2 = aot_smlad(xh, aot_sxtb16_ror8(w[2]), aot_smlad(xl, aot_sxtb16(w[2]), s2));
        s3 = aot_smlad(xh, aot_sxtb16_ror8(w[3]), aot_smlad(xl, aot_sxtb16(w[3]), s3));
    }
    s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
}

#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* Every full block of a layer in one assembly loop, for the common case (in_depth % 4 == 0,
 * every shift <= -1, output range all of int8): bias, the groups, and the 4 outputs'
 * requantization (requant()'s shift <= -1 case, then one SSAT) without leaving the loop; the pointers that
 * do not fit in registers live in memory (ctx). About 70 cycles per block besides the
 * groups, against about 200 for the compiled C around the group loop. */
typedef struct {
    const int32_t *b, *m, *s;
    int8_t *out;
    const int8_t *in0, *iend4, *iend;
    const uint32_t *wend;
    int32_t off;
} fc_ctx;

#define AOT_FC_RQ(S, K, O)                                                                     \
    "ldr %[x], [%[u0], #" #K "]\n\t"                                                           \
    "ldr %[t], [%[u1], #" #K "]\n\t"                                                           \
    "mov %[u], #0x40000000\n\t"                                                                \
    "mov %[in], #0\n\t"                                                                        \
    "smlal %[u], %[in], %[" #S "], %[x]\n\t"                                                   \
    "lsr %[u], %[u], #31\n\t"                                                                  \
    "orr %[" #S "], %[u], %[in], lsl #1\n\t"                                                   \
    "mvn %[t], %[t]\n\t"                                                                       \
    "add %[" #S "], %[" #S "], %[" #S "], asr #31\n\t"                                         \
    "asr %[" #S "], %[" #S "], %[t]\n\t"                                                       \
    "add %[" #S "], %[" #S "], #1\n\t"                                                         \
    "add %[" #S "], %[u3], %[" #S "], asr #1\n\t"                                              \
    "ssat %[" #S "], #8, %[" #S "]\n\t"                                                        \
    "strb %[" #S "], [%[u2], #" #O "]\n\t"

/* the last groups % 4 one per pass (only with switch G1) */
#if MCB_AOT_FC_G1
#define AOT_FC_G1_LOOP                                                                         \
    "ldr %[t], %[iend]\n\t"                                                                    \
    "cmp %[in], %[t]\n\t"                                                                      \
    "beq 14f\n\t"                                                                              \
    ".p2align 2\n13:\n\t" AOT_FC_GROUP                                                                     \
    "ldr %[t], %[iend]\n\t"                                                                    \
    "cmp %[in], %[t]\n\t"                                                                      \
    "bne 13b\n\t"
#else
#define AOT_FC_G1_LOOP ""
#endif

static void blocks_fused(fc_ctx *c, const uint32_t *w)
{
    int32_t s0, s1, s2, s3;
    const int8_t *in;
    uint32_t x, t, u, u0, u1, u2, u3;
    __asm__ volatile(
        ".p2align 2\n10:\n\t"
        "ldr %[t], %[bp]\n\t"
        "ldr %[s0], [%[t]]\n\t"
        "ldr %[s1], [%[t], #4]\n\t"
        "ldr %[s2], [%[t], #8]\n\t"
        "ldr %[s3], [%[t], #12]\n\t"
        "add %[t], %[t], #16\n\t"
        "str %[t], %[bp]\n\t"
        "ldr %[in], %[in0]\n\t"
        "ldr %[t], %[iend4]\n\t"
        "cmp %[in], %[t]\n\t"
        "beq 12f\n\t"
        ".p2align 2\n11:\n\t" AOT_FC_GROUP AOT_FC_GROUP AOT_FC_GROUP AOT_FC_GROUP
        "ldr %[t], %[iend4]\n\t"
        "cmp %[in], %[t]\n\t"
        "bne 11b\n\t"
        "12:\n\t" AOT_FC_G1_LOOP
        "14:\n\t"
        "ldr %[u0], %[mp]\n\t"
        "ldr %[u1], %[sp]\n\t"
        "ldr %[u2], %[op]\n\t"
        "ldr %[u3], %[off]\n\t"
        AOT_FC_RQ(s0, 0, 0) AOT_FC_RQ(s1, 4, 1) AOT_FC_RQ(s2, 8, 2) AOT_FC_RQ(s3, 12, 3)
        "add %[u0], %[u0], #16\n\t"
        "add %[u1], %[u1], #16\n\t"
        "add %[u2], %[u2], #4\n\t"
        "str %[u0], %[mp]\n\t"
        "str %[u1], %[sp]\n\t"
        "str %[u2], %[op]\n\t"
        "ldr %[t], %[wend]\n\t"
        "cmp %[w], %[t]\n\t"
        "bne 10b\n\t"
        : [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3), [in] "=&r"(in),
          [w] "+r"(w), [x] "=&r"(x), [t] "=&r"(t), [u] "=&r"(u), [u0] "=&r"(u0),
          [u1] "=&r"(u1), [u2] "=&r"(u2), [u3] "=&r"(u3), [bp] "+m"(c->b), [mp] "+m"(c->m), [sp] "+m"(c->s), [op] "+m"(c->out)
        : [in0] "m"(c->in0), [iend4] "m"(c->iend4), [iend] "m"(c->iend), [wend] "m"(c->wend),
          [off] "m"(c->off)
        : "cc", "memory");
}
#undef AOT_FC_RQ
#undef AOT_FC_G1_LOOP
#endif

void mcb_aot_fc_s8(const mcb_aot_fc *f, const int8_t *input, int8_t *output)
{
    const int groups = f->in_depth / 4, rest = MCB_AOT_FC_REST ? f->in_depth % 4 : 0;
    const int w8 = MCB_AOT_FC_W8 && (!MCB_AOT_FC_W16 || f->int8w);
    const int32_t off = f->output_offset, lo = f->act_min, hi = f->act_max;
    const int32_t *const M = f->multiplier, *const S = f->shift, *const B = f->bias;
    const int out_depth = f->out_depth;
    uint32_t last = 0; /* the partial last group, zero-padded (its weights are zero) */
    for (int i = 0; i < rest; i++)
        last |= (uint32_t)(uint8_t)input[4 * groups + i] << (8 * i);
    if (w8) {
        /* full blocks of 4 rows: per group of 4 inputs, one word of 4 int8 weights per row */
        const int full = mcb_aot_fc_full_blocks(f), gw = (groups + (rest != 0));
        const uint32_t *w = (const uint32_t *)f->weights;
        int b = 0;
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
        if (MCB_AOT_FC_FUSED && full > 0 && mcb_aot_fc_fused(f) &&
            (MCB_AOT_FC_G1 || groups % 4 == 0)) {
            fc_ctx c = {B, M, S, output, input, input + 16 * (size_t)(groups / 4),
                        input + 4 * (size_t)groups,
                        w + (size_t)full * gw * MCB_AOT_FC_BLOCK, off};
            blocks_fused(&c, w);
            b = full;
            w += (size_t)full * gw * MCB_AOT_FC_BLOCK;
        }
        const int generic = MCB_AOT_FC_GENERIC;
#else
        const int generic = 1;
#endif
        for (; generic && b < full; b++, w += (size_t)gw * MCB_AOT_FC_BLOCK) {
            const int c = MCB_AOT_FC_BLOCK * b;
            int32_t s[4] = {B[c], B[c + 1], B[c + 2], B[c + 3]};
            rows4_w8(input, w, groups, last, rest, s);
            for (int n = 0; n < MCB_AOT_FC_BLOCK; n++)
                output[c + n] =
                    (int8_t)mcb_clamp_i32(requant(s[n], M[c + n], S[c + n]) + off, lo, hi);
        }
        /* the rows past the full blocks (the last out_depth % 4, or all of a layer with few
         * outputs: mcb_aot_fc_full_blocks), stored row after row without padding (flash):
         * one row at a time, in C */
        for (int c = MCB_AOT_FC_BLOCK * full; c < out_depth; c++) {
            int32_t acc = B[c];
            const int8_t *in = input;
            for (int g = 0; g < groups; g++, in += 4, w++) {
                const uint32_t x = aot_load32(in), v = *w;
                acc = aot_smlad(aot_sxtb16(x), aot_sxtb16(v), acc);
                acc = aot_smlad(aot_sxtb16_ror8(x), aot_sxtb16_ror8(v), acc);
            }
            if (rest) {
                const uint32_t v = *w++;
                acc = aot_smlad(aot_sxtb16(last), aot_sxtb16(v), acc);
                acc = aot_smlad(aot_sxtb16_ror8(last), aot_sxtb16_ror8(v), acc);
            }
            output[c] = (int8_t)mcb_clamp_i32(requant(acc, M[c], S[c]) + off, lo, hi);
        }
        return;
    }
    /* int16 weights (--weights int16): row after row, kw words each (k-word 2g: inputs 4g and
     * 4g+2, 2g+1: 4g+1 and 4g+3), one row at a time: the smallest code (the flash goal of
     * the int16 layout), about 3 cycles/MAC; FC layers are a fraction of a percent of the
     * paper family's MACs */
    const uint32_t *w = (const uint32_t *)f->weights;
    for (int c = 0; MCB_AOT_FC_W16 && c < out_depth; c++) {
        int32_t acc = B[c];
        const int8_t *in = input;
        for (int g = 0; g < groups; g++, in += 4, w += 2) {
            const uint32_t x = aot_load32(in);
            acc = aot_smlad(aot_sxtb16_ror8(x), w[1], aot_smlad(aot_sxtb16(x), w[0], acc));
        }
        if (rest) {
            acc = aot_smlad(aot_sxtb16_ror8(last), w[1], aot_smlad(aot_sxtb16(last), w[0], acc));
            w += 2;
        }
        output[c] = (int8_t)mcb_clamp_i32(requant(acc, M[c], S[c]) + off, lo, hi);
    }
}
