/* CONV_2D int8 with the fused activation, per-channel requantization and (optionally) a fused
 * 2x2/2 max-pool, for the aot engine. Data flow per pooled output pixel: the four conv pixels
 * under the pool window are widened to int16 once (im2col, two pixel pairs interleaved word by
 * word), then for each block of 3 output channels a 2-pixel x 3-channel micro-kernel runs over
 * the patch on SMLAD, twice (top and bottom pair); the epilogue takes the max of the four
 * accumulators, requantizes once and stores one pooled byte per channel. The conv output
 * never exists in memory, and conv rows/columns the pool drops are never computed.
 * Bit-exact with mcb_conv2d_s8 followed by mcb_max_pool2d_s8: see docs/aot-kernels.md for why
 * the max can be taken before requantization. */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* Pixels per micro-kernel call and words of scratch per pixel pair. */
#define PAIR 2

size_t mcb_aot_conv_scratch_bytes(const mcb_aot_conv *c)
{
    const size_t pixels = c->pool ? 4 : 2;
    return pixels * (size_t)c->kw * 4;
}

/* One input value of the patch: row iy, column ix, channel ch, or the zero point outside the
 * image (padding taps then contribute nothing once the folded bias is added). */
static int32_t tap(const mcb_aot_conv *c, const int8_t *in, int iy, int ix, int ch)
{
    if (iy < 0 || iy >= c->in_h || ix < 0 || ix >= c->in_w)
        return c->input_zero_point;
    return in[((size_t)iy * c->in_w + ix) * c->in_c + ch];
}

/* Writes the widened patch of conv pixel (oy, ox) into d[0], d[2], d[4], ... (one lane of a
 * pixel pair). */
static void patch(const mcb_aot_conv *c, const int8_t *in, int oy, int ox, uint32_t *d)
{
    const int run = c->filter_w * c->in_c; /* values per filter row */
    const int iy0 = oy * c->stride_h - c->pad_h;
    const int ix0 = ox * c->stride_w - c->pad_w;
    const int cols_inside = ix0 >= 0 && ix0 + c->filter_w <= c->in_w;
    if (c->perm4) {
        for (int fy = 0; fy < c->filter_h; fy++) {
            uint32_t *dr = d + (size_t)fy * run; /* run/2 words per row, lane stride 2 */
            const int iy = iy0 + fy;
            if (cols_inside && iy >= 0 && iy < c->in_h) {
                /* The common case: a filter row is run contiguous bytes of the input. */
                const int8_t *s = in + ((size_t)iy * c->in_w + ix0) * c->in_c;
                for (int g = 0; g < run / 4; g++) {
                    const uint32_t x = aot_load32(s + 4 * g);
                    dr[4 * g] = aot_sxtb16(x);
                    dr[4 * g + 2] = aot_sxtb16_ror8(x);
                }
            } else {
                for (int g = 0; g < run / 4; g++) {
                    int32_t v[4];
                    for (int i = 0; i < 4; i++) {
                        const int r = 4 * g + i;
                        v[i] = tap(c, in, iy, ix0 + r / c->in_c, r % c->in_c);
                    }
                    dr[4 * g] = aot_pack16(v[0], v[2]);
                    dr[4 * g + 2] = aot_pack16(v[1], v[3]);
                }
            }
        }
        return;
    }
    /* Natural order, pairs of consecutive values (first layers: 1 or 3 input channels). */
    int t = 0;
    uint32_t pending = 0;
    for (int fy = 0; fy < c->filter_h; fy++) {
        const int iy = iy0 + fy;
        const int row_inside = cols_inside && iy >= 0 && iy < c->in_h;
        const int8_t *s = row_inside ? in + ((size_t)iy * c->in_w + ix0) * c->in_c : NULL;
        for (int fx = 0; fx < c->filter_w; fx++) {
            for (int ch = 0; ch < c->in_c; ch++, t++) {
                const int32_t v = s ? s[fx * c->in_c + ch] : tap(c, in, iy, ix0 + fx, ch);
                if (t & 1)
                    d[2 * (t >> 1)] = pending | aot_pack16(0, v);
                else
                    pending = aot_pack16(v, 0);
            }
        }
    }
    if (t & 1)
        d[2 * (t >> 1)] = pending;
}

/* The micro-kernel: acc[p*3 + n] = bias[n] + dot(patch of pixel p, weights of channel n) for
 * the 2 pixels interleaved in x and the 3 channels interleaved in w, over kw k-words.
 *
 * Register budget (Cortex-M4 has 14 usable registers, r0-r12 and lr): 6 accumulators, the 2
 * pixel words and 3 weight words of one k-word, and 3 pointers (x, w, end) = 14; this is why
 * the block is 2 pixels x 3 channels. One k-word ("group", 12 MACs):
 *     ldr b,[x,#4]; ldr a,[x],#8; ldr w1,[w,#4]; ldr w2,[w,#8]; ldr w0,[w],#12
 *         5 loads back to back: 2 + 1+1+1+1 = 6 cycles (the post-increments are free, and
 *         no load uses a base register written by the load just before it)
 *     6 x smlad (the first ones use the registers loaded earliest)       = 6 cycles
 *   = 12 cycles per 12 MACs. The loop body is 8 groups plus cmp + bne (1 + 1+2):
 *   96 + 4 = 100 cycles per 96 MACs = 1.04 cycles/MAC. kw % 8 is done first as 1, 2 and 4
 *   straight groups (the first layers have kw = 5 and 14).
 * GCC's own schedule of the same C interleaves loads with SMLADs (each load then costs 2
 * cycles) and spills the end pointer: 1.58 cycles/MAC measured on its output. Hence the
 * inline assembly on the DSP path; the portable path below is the same arithmetic. */
#if MCB_AOT_DSP
#define AOT_GROUP                                                                              \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "ldr %[w1], [%[w], #4]\n\t"                                                                \
    "ldr %[w2], [%[w], #8]\n\t"                                                                \
    "ldr %[w0], [%[w]], #12\n\t"                                                               \
    "smlad %[s01], %[a], %[w1], %[s01]\n\t"                                                    \
    "smlad %[s11], %[b], %[w1], %[s11]\n\t"                                                    \
    "smlad %[s02], %[a], %[w2], %[s02]\n\t"                                                    \
    "smlad %[s12], %[b], %[w2], %[s12]\n\t"                                                    \
    "smlad %[s00], %[a], %[w0], %[s00]\n\t"                                                    \
    "smlad %[s10], %[b], %[w0], %[s10]\n\t"
#define AOT_OUTS                                                                               \
    [s00] "+r"(s00), [s01] "+r"(s01), [s02] "+r"(s02), [s10] "+r"(s10), [s11] "+r"(s11),       \
        [s12] "+r"(s12), [x] "+r"(xp), [w] "+r"(wp), [a] "=&r"(a), [b] "=&r"(b),              \
        [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2)

static inline void micro_2x3(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                             int32_t acc[6])
{
    int32_t s00 = bias[0], s01 = bias[1], s02 = bias[2];
    int32_t s10 = bias[0], s11 = bias[1], s12 = bias[2];
    const uint32_t *xp = x;
    const int32_t *wp = w;
    uint32_t a, b, w0, w1, w2;
    if (kw & 1)
        __asm__ volatile(AOT_GROUP : AOT_OUTS : : "memory");
    if (kw & 2)
        __asm__ volatile(AOT_GROUP AOT_GROUP : AOT_OUTS : : "memory");
    if (kw & 4)
        __asm__ volatile(AOT_GROUP AOT_GROUP AOT_GROUP AOT_GROUP : AOT_OUTS : : "memory");
    if (kw >= 8) {
        const uint32_t *end = xp + 2 * (size_t)(kw & ~7);
        __asm__ volatile(".p2align 2\n1:\n\t" AOT_GROUP AOT_GROUP AOT_GROUP AOT_GROUP AOT_GROUP AOT_GROUP
                             AOT_GROUP AOT_GROUP "cmp %[x], %[end]\n\t"
                                                 "bne 1b\n\t"
                         : AOT_OUTS
                         : [end] "r"(end)
                         : "cc", "memory");
    }
    acc[0] = s00, acc[1] = s01, acc[2] = s02;
    acc[3] = s10, acc[4] = s11, acc[5] = s12;
}
#else
static inline void micro_2x3(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                             int32_t acc[6])
{
    int32_t s00 = bias[0], s01 = bias[1], s02 = bias[2];
    int32_t s10 = bias[0], s11 = bias[1], s12 = bias[2];
    const uint32_t *wp = (const uint32_t *)w;
    for (int j = 0; j < kw; j++, x += 2, wp += 3) {
        const uint32_t a = x[0], b = x[1];
        s00 = aot_smlad(a, wp[0], s00);
        s01 = aot_smlad(a, wp[1], s01);
        s02 = aot_smlad(a, wp[2], s02);
        s10 = aot_smlad(b, wp[0], s10);
        s11 = aot_smlad(b, wp[1], s11);
        s12 = aot_smlad(b, wp[2], s12);
    }
    acc[0] = s00, acc[1] = s01, acc[2] = s02;
    acc[3] = s10, acc[4] = s11, acc[5] = s12;
}
#endif

/* TFLM MultiplyByQuantizedMultiplier for a multiplier >= 0 (all TFLite produces): the high
 * multiply is floor((x*m + 2^30) / 2^31), which equals gemmlowp's
 * SaturatingRoundingDoublingHighMul whenever not both operands are INT32_MIN; one SMULL and
 * a few ALU ops on the target instead of a 64-bit division. */
static inline int32_t requant(int32_t acc, int32_t multiplier, int32_t shift)
{
    const int32_t x = mcb_shl_wrap(acc, shift > 0 ? (int)shift : 0);
    const int64_t ab = (int64_t)x * multiplier + (1LL << 30);
    const int32_t hi = (int32_t)(ab >> 31);
    return mcb_rdbpot(hi, shift > 0 ? 0 : (int)-shift);
}

static inline int8_t finish(const mcb_aot_conv *c, int32_t v)
{
    return (int8_t)mcb_clamp_i32(v + c->output_offset, c->act_min, c->act_max);
}

/* Conv + activation + 2x2/2 max-pool, one pooled pixel per step. */
static void conv_pool(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                      int32_t *scratch)
{
    uint32_t *top = (uint32_t *)scratch;
    uint32_t *bot = top + 2 * (size_t)c->kw;
    int32_t at[6], ab[6];
    for (int py = 0; py < c->out_h; py++) {
        for (int px = 0; px < c->out_w; px++) {
            patch(c, input, 2 * py, 2 * px, top);
            patch(c, input, 2 * py, 2 * px + 1, top + 1);
            patch(c, input, 2 * py + 1, 2 * px, bot);
            patch(c, input, 2 * py + 1, 2 * px + 1, bot + 1);
            int8_t *out = output + ((size_t)py * c->out_w + px) * c->out_c;
            for (int b = 0; b < c->n_blocks; b++) {
                const int32_t *w = c->weights + (size_t)b * c->kw * MCB_AOT_CONV_BLOCK;
                const int base = b * MCB_AOT_CONV_BLOCK;
                micro_2x3(top, w, c->kw, c->bias + base, at);
                micro_2x3(bot, w, c->kw, c->bias + base, ab);
                for (int n = 0; n < MCB_AOT_CONV_BLOCK && base + n < c->out_c; n++) {
                    const int32_t m = c->multiplier[base + n], s = c->shift[base + n];
                    int32_t v;
                    if (s <= 0) {
                        /* requantization is monotonic here: pool the accumulators */
                        int32_t a = at[n] > at[3 + n] ? at[n] : at[3 + n];
                        const int32_t d = ab[n] > ab[3 + n] ? ab[n] : ab[3 + n];
                        a = a > d ? a : d;
                        v = requant(a, m, s);
                    } else {
                        /* a left shift may wrap: requantize each, then pool */
                        v = requant(at[0 + n], m, s);
                        const int32_t v1 = requant(at[3 + n], m, s);
                        const int32_t v2 = requant(ab[0 + n], m, s);
                        const int32_t v3 = requant(ab[3 + n], m, s);
                        v = v > v1 ? v : v1;
                        v = v > v2 ? v : v2;
                        v = v > v3 ? v : v3;
                    }
                    out[base + n] = finish(c, v);
                }
            }
        }
    }
}

/* Conv + activation without pooling: conv pixels in raster order, two per step. */
static void conv_plain(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                       int32_t *scratch)
{
    uint32_t *pair = (uint32_t *)scratch;
    int32_t acc[6];
    const int npix = c->out_h * c->out_w;
    for (int t = 0; t < npix; t += 2) {
        const int t1 = t + 1 < npix ? t + 1 : t; /* an odd last pixel is computed twice */
        patch(c, input, t / c->out_w, t % c->out_w, pair);
        patch(c, input, t1 / c->out_w, t1 % c->out_w, pair + 1);
        int8_t *out0 = output + (size_t)t * c->out_c;
        int8_t *out1 = output + (size_t)t1 * c->out_c;
        for (int b = 0; b < c->n_blocks; b++) {
            const int base = b * MCB_AOT_CONV_BLOCK;
            micro_2x3(pair, c->weights + (size_t)b * c->kw * MCB_AOT_CONV_BLOCK, c->kw,
                      c->bias + base, acc);
            for (int n = 0; n < MCB_AOT_CONV_BLOCK && base + n < c->out_c; n++) {
                const int32_t m = c->multiplier[base + n], s = c->shift[base + n];
                out0[base + n] = finish(c, requant(acc[n], m, s));
                out1[base + n] = finish(c, requant(acc[3 + n], m, s));
            }
        }
    }
}

void mcb_aot_conv_s8(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                     int32_t *scratch)
{
    if (c->pool)
        conv_pool(c, input, output, scratch);
    else
        conv_plain(c, input, output, scratch);
}
