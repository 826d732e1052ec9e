/* DEPTHWISE_CONV_2D int8, depth multiplier 1, for the aot engine (mcb_aot.h). Channels are
 * independent, so SMLAD's pairwise sum does not apply across channels; instead one word load
 * brings 4 channels of a tap (input and weight), SXTB16 / SXTB16-ROR8 widen them into the
 * channel pairs (c, c+2) and (c+1, c+3), and SMLABB / SMLATT add one product per channel. Per
 * tap and 4 channels: 2 loads, 4 SXTB16, 4 multiply-accumulates. Output pixels whose window
 * lies inside the input take no bounds checks; the others read the input zero point for
 * outside taps (the folded bias then stays exact). The requantization is TFLM's, as in
 * aot_conv.c. Bit-exact with mcb_depthwise_conv2d_s8 (multiplier 1, dilation 1). */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* TFLM MultiplyByQuantizedMultiplier for m >= 0, as in aot_conv.c / aot_fc.c. With a shift
 * <= -1 (the usual case) the rounding divide by 2^e is ((x - (x < 0)) >> (e - 1) + 1) >> 1
 * (docs/aot-kernels.md, the pooled epilogue): no mask, no compare. */
static inline int32_t dw_requant(int32_t acc, int32_t m, int32_t shift)
{
    if (shift <= -1) {
        const int32_t x = (int32_t)(((int64_t)acc * m + (1LL << 30)) >> 31);
        return (((x + (x >> 31)) >> (-shift - 1)) + 1) >> 1;
    }
    const int32_t x = mcb_shl_wrap(acc, (int)shift);
    return (int32_t)(((int64_t)x * m + (1LL << 30)) >> 31);
}

static inline int8_t dw_out(const mcb_aot_dw *d, int32_t acc, int ch)
{
    const int32_t v = dw_requant(acc, d->multiplier[ch], d->shift[ch]) + d->output_offset;
    return (int8_t)mcb_clamp_i32(v, d->act_min, d->act_max);
}

/* One tap of 4 channels: x and w each hold the 4 channels' int8 values. */
#define DW_TAP(x, w)                                                                           \
    do {                                                                                       \
        const uint32_t xl_ = aot_sxtb16(x), xh_ = aot_sxtb16_ror8(x);                          \
        const uint32_t wl_ = aot_sxtb16(w), wh_ = aot_sxtb16_ror8(w);                          \
        a0 = aot_smlabb(xl_, wl_, a0);                                                         \
        a2 = aot_smlatt(xl_, wl_, a2);                                                         \
        a1 = aot_smlabb(xh_, wh_, a1);                                                         \
        a3 = aot_smlatt(xh_, wh_, a3);                                                         \
    } while (0)

/* Weight of channel c (< channels & ~3), tap t: groups of 4 channels, each with its taps'
 * words back to back (mcb_aot.h). */
#define DW_GROUP_WORDS(d) ((size_t)(d)->filter_h * (d)->filter_w)

/* The weight of channel c at tap t (any c). */
static inline int32_t dw_weight(const mcb_aot_dw *d, int c, int t)
{
    const int C4 = d->channels & ~3, taps = d->filter_h * d->filter_w;
    if (c < C4)
        return d->weights[(size_t)(c >> 2) * taps * 4 + (size_t)t * 4 + (c & 3)];
    return d->weights[(size_t)C4 * taps + (size_t)t * (d->channels - C4) + (c - C4)];
}

#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* 3x3, window inside the input, one group of 4 channels: 9 taps of 2 loads, 4 SXTB16 and 4
 * multiply-accumulates (11 cycles), no loop: about 102 cycles per 36 MACs. */
#define DW_TAP_ASM(OFF)                                                                        \
    "ldr %[x], [%[ip]" OFF "]\n\t"                                                             \
    "ldr %[w], [%[wp]], #4\n\t"                                                                \
    "sxtb16 %[t1], %[x]\n\t"                                                                   \
    "sxtb16 %[t2], %[w]\n\t"                                                                   \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                            \
    "sxtb16 %[w], %[w], ror #8\n\t"                                                            \
    "smlabb %[a0], %[t1], %[t2], %[a0]\n\t"                                                    \
    "smlatt %[a2], %[t1], %[t2], %[a2]\n\t"                                                    \
    "smlabb %[a1], %[x], %[w], %[a1]\n\t"                                                      \
    "smlatt %[a3], %[x], %[w], %[a3]\n\t"
#define DW_ROW_ASM DW_TAP_ASM("") DW_TAP_ASM(", %[c1]") DW_TAP_ASM(", %[c2]") "add %[ip], %[ip], %[row]\n\t"
static inline void dw_3x3_group(const int8_t *ip, const int8_t *wp, int C, int row,
                                int32_t a[4])
{
    int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    uint32_t x, w, t1, t2;
    __asm__ volatile(DW_ROW_ASM DW_ROW_ASM DW_ROW_ASM
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                       [ip] "+r"(ip), [wp] "+r"(wp), [x] "=&r"(x), [w] "=&r"(w),
                       [t1] "=&r"(t1), [t2] "=&r"(t2)
                     : [c1] "r"(C), [c2] "r"(2 * C), [row] "r"(row)
                     : "memory");
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
}

/* The parameters of one channel group for dw_3x3_rq, word offsets fixed by the assembly. The
 * requantization of TFLM (left shift l = max(shift, 0), high multiply, rounding divide by
 * 2^e, e = max(-shift, 0)) as x = acc << l; h = high_mul(x, m);
 *   e >= 1 (q = 1, p = e - 1): ((h - (h < 0)) >> p) + 1) >> 1   (docs/aot-kernels.md)
 *   e = 0  (q = 0, p = 0):     h
 * i.e. ((h - ((h < 0) & q)) >> p) + q) >> q for every channel, without a branch. */
typedef struct {
    int32_t b[4], m[4], l[4], p[4], q[4];
    int32_t off, lo, hi;
} dw_group;
#define DW_HAS_RQ 1

/* 3x3 window inside (or staged), one group of 4 channels: the taps, then each channel's
 * requantization and its byte stored, in one block: about 102 + 4 x 22 cycles per 36 MACs. */
#define DW_RQ_ASM(A, I)                                                                        \
    "ldr %[t1], [%[g], #(16 + 4*" #I ")]\n\t"                                                 \
    "ldr %[t2], [%[g], #(32 + 4*" #I ")]\n\t"                                                 \
    "mov %[x], #0x40000000\n\t"                                                               \
    "lsl %[" A "], %[" A "], %[t2]\n\t"                                                       \
    "mov %[w], #0\n\t"                                                                        \
    "smlal %[x], %[w], %[" A "], %[t1]\n\t"                                                   \
    "lsr %[x], %[x], #31\n\t"                                                                 \
    "orr %[" A "], %[x], %[w], lsl #1\n\t"                                                    \
    "ldr %[t1], [%[g], #(64 + 4*" #I ")]\n\t"                                                 \
    "ldr %[t2], [%[g], #(48 + 4*" #I ")]\n\t"                                                 \
    "and %[x], %[t1], %[" A "], lsr #31\n\t"                                                  \
    "sub %[" A "], %[" A "], %[x]\n\t"                                                        \
    "asr %[" A "], %[" A "], %[t2]\n\t"                                                       \
    "add %[" A "], %[" A "], %[t1]\n\t"                                                       \
    "asr %[" A "], %[" A "], %[t1]\n\t"                                                       \
    "add %[" A "], %[" A "], %[c1]\n\t"                                                       \
    "cmp %[" A "], %[c2]\n\tit lt\n\tmovlt %[" A "], %[c2]\n\t"                                 \
    "cmp %[" A "], %[row]\n\tit gt\n\tmovgt %[" A "], %[row]\n\t"                               \
    "strb %[" A "], [%[ip], #" #I "]\n\t"
static inline void dw_3x3_rq(const int8_t *ip, const int8_t *wp, int C, int row,
                             const dw_group *g, int8_t *out)
{
    int32_t a0, a1, a2, a3;
    uint32_t x, w, t1, t2;
    int32_t c1 = C, c2 = 2 * C, rw = row;
    __asm__ volatile("ldr %[a0], [%[g]]\n\t"
                     "ldr %[a1], [%[g], #4]\n\t"
                     "ldr %[a2], [%[g], #8]\n\t"
                     "ldr %[a3], [%[g], #12]\n\t" DW_ROW_ASM DW_ROW_ASM DW_ROW_ASM
                     "ldr %[c1], [%[g], #80]\n\t"
                     "ldr %[c2], [%[g], #84]\n\t"
                     "ldr %[row], [%[g], #88]\n\t"
                     "ldr %[ip], %[out]\n\t" /* the output pointer, from memory: no register left */
                     DW_RQ_ASM("a0", 0) DW_RQ_ASM("a1", 1) DW_RQ_ASM("a2", 2) DW_RQ_ASM("a3", 3)
                     : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
                       [ip] "+r"(ip), [wp] "+r"(wp), [x] "=&r"(x), [w] "=&r"(w),
                       [t1] "=&r"(t1), [t2] "=&r"(t2), [c1] "+r"(c1), [c2] "+r"(c2),
                       [row] "+r"(rw)
                     : [g] "r"(g), [out] "m"(out)
                     : "cc", "memory");
}
#else
static inline void dw_3x3_group(const int8_t *ip, const int8_t *wp, int C, int row,
                                int32_t a[4])
{
    int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (int fy = 0; fy < 3; fy++, ip += row)
        for (int fx = 0; fx < 3; fx++, wp += 4) {
            const uint32_t x = aot_load32(ip + (size_t)fx * C), w = aot_load32(wp);
            DW_TAP(x, w);
        }
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
}
#endif

/* Requantization of one channel with its parameters in locals. */
static inline int8_t dw_q(int32_t acc, int32_t m, int32_t sh, int32_t off, int32_t lo,
                          int32_t hi)
{
    return (int8_t)mcb_clamp_i32(dw_requant(acc, m, sh) + off, lo, hi);
}

/* Channel group by channel group (4 channels: their bias, multipliers and shifts in locals for
 * the whole plane), pixel by pixel inside. */
void mcb_aot_dw_s8(const mcb_aot_dw *d, const int8_t *input, int8_t *output)
{
    const int C = d->channels, C4 = C & ~3, fh = d->filter_h, fw = d->filter_w;
    const int in_h = d->in_h, in_w = d->in_w, out_h = d->out_h, out_w = d->out_w;
    const int sh = d->stride_h, sw = d->stride_w, ph = d->pad_h, pw = d->pad_w;
    const int32_t off = d->output_offset, lo = d->act_min, hi = d->act_max;
    const int row = in_w * C, taps = fh * fw;
    const uint32_t zp4 = (uint32_t)(uint8_t)d->input_zero_point * 0x01010101u;
    for (int c = 0; c < C4; c += 4) {
        const int8_t *const wg = d->weights + (size_t)c * taps;
        const int32_t b0 = d->bias[c], b1 = d->bias[c + 1], b2 = d->bias[c + 2],
                      b3 = d->bias[c + 3];
        const int32_t m0 = d->multiplier[c], m1 = d->multiplier[c + 1],
                      m2 = d->multiplier[c + 2], m3 = d->multiplier[c + 3];
        const int32_t s0 = d->shift[c], s1 = d->shift[c + 1], s2 = d->shift[c + 2],
                      s3 = d->shift[c + 3];
        int8_t *out = output + c;
#if defined(DW_HAS_RQ)
        const int rq = fh == 3 && fw == 3;
        dw_group grp = {{b0, b1, b2, b3}, {m0, m1, m2, m3}, {0}, {0}, {0}, off, lo, hi};
        for (int n = 0; n < 4; n++) {
            const int32_t shn = d->shift[c + n];
            grp.l[n] = shn > 0 ? shn : 0;
            grp.q[n] = shn < 0;
            grp.p[n] = shn < 0 ? -shn - 1 : 0;
        }
#endif
        for (int oy = 0; oy < out_h; oy++) {
            const int iy0 = oy * sh - ph;
            const int rows_in = iy0 >= 0 && iy0 + fh <= in_h;
            for (int ox = 0; ox < out_w; ox++, out += C) {
                const int ix0 = ox * sw - pw;
                const int inside = rows_in && ix0 >= 0 && ix0 + fw <= in_w;
#if defined(DW_HAS_RQ)
                if (rq) {
                    if (inside) {
                        dw_3x3_rq(input + ((size_t)iy0 * in_w + (size_t)ix0) * C + c, wg, C, row,
                                  &grp, out);
                    } else { /* the window staged with the zero point outside the input */
                        uint32_t win[9];
                        const int c0 = ix0 >= 0 && ix0 < in_w;
                        const int c1 = ix0 + 1 >= 0 && ix0 + 1 < in_w;
                        const int c2 = ix0 + 2 >= 0 && ix0 + 2 < in_w;
                        for (int fy = 0; fy < 3; fy++) {
                            const int iy = iy0 + fy;
                            uint32_t *wr = win + 3 * fy;
                            if (iy < 0 || iy >= in_h) {
                                wr[0] = wr[1] = wr[2] = zp4;
                                continue;
                            }
                            /* an index, not a pointer: column -1 would point before the input */
                            const ptrdiff_t at = ((ptrdiff_t)iy * in_w + ix0) * C + c;
                            wr[0] = c0 ? aot_load32(input + at) : zp4;
                            wr[1] = c1 ? aot_load32(input + at + C) : zp4;
                            wr[2] = c2 ? aot_load32(input + at + 2 * C) : zp4;
                        }
                        dw_3x3_rq((const int8_t *)win, wg, 4, 12, &grp, out);
                    }
                    continue;
                }
#endif
                int32_t a[4] = {b0, b1, b2, b3};
                if (inside) {
                    const int8_t *ip = input + ((size_t)iy0 * in_w + (size_t)ix0) * C + c;
                    if (fh == 3 && fw == 3) { /* MLPerf's depthwise filters */
                        dw_3x3_group(ip, wg, C, row, a);
                    } else {
                        int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                        const int8_t *w8 = wg;
                        for (int fy = 0; fy < fh; fy++, ip += row)
                            for (int fx = 0; fx < fw; fx++, w8 += 4) {
                                const uint32_t x = aot_load32(ip + (size_t)fx * C);
                                const uint32_t w = aot_load32(w8);
                                DW_TAP(x, w);
                            }
                        a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
                    }
                } else {
                    int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                    const int8_t *w8 = wg;
                    for (int fy = 0; fy < fh; fy++) {
                        const int iy = iy0 + fy;
                        for (int fx = 0; fx < fw; fx++, w8 += 4) {
                            const int ix = ix0 + fx;
                            /* an index, not a pointer: outside taps would point before the
                             * input; they read the zero point */
                            const uint32_t x =
                                iy >= 0 && iy < in_h && ix >= 0 && ix < in_w
                                    ? aot_load32(input + ((size_t)iy * in_w + (size_t)ix) * C + c)
                                    : zp4;
                            const uint32_t w = aot_load32(w8);
                            DW_TAP(x, w);
                        }
                    }
                    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
                }
                out[0] = dw_q(a[0], m0, s0, off, lo, hi);
                out[1] = dw_q(a[1], m1, s1, off, lo, hi);
                out[2] = dw_q(a[2], m2, s2, off, lo, hi);
                out[3] = dw_q(a[3], m3, s3, off, lo, hi);
            }
        }
    }
    for (int c = C4; c < C; c++) { /* channels beyond a multiple of 4, one at a time */
        for (int oy = 0; oy < out_h; oy++)
            for (int ox = 0; ox < out_w; ox++) {
                const int iy0 = oy * sh - ph, ix0 = ox * sw - pw;
                int32_t a = d->bias[c];
                for (int fy = 0; fy < fh; fy++)
                    for (int fx = 0; fx < fw; fx++) {
                        const int iy = iy0 + fy, ix = ix0 + fx;
                        const int32_t x = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w
                                              ? input[((size_t)iy * in_w + ix) * C + c]
                                              : d->input_zero_point;
                        a = (int32_t)((uint32_t)a +
                                      (uint32_t)(x * dw_weight(d, c, fy * fw + fx)));
                    }
                output[((size_t)oy * out_w + ox) * C + c] = dw_out(d, a, c);
            }
    }
}
