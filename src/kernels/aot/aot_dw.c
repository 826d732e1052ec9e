/* DEPTHWISE_CONV_2D int8, depth multiplier 1, for the aot engine (mcb_aot.h). Channels are
 * independent, so SMLAD's pairwise sum does not apply across channels; instead one word load
 * brings 4 channels of a tap (input and weight), SXTB16 / SXTB16-ROR8 widen them into the
 * channel pairs (c, c+2) and (c+1, c+3), and SMLABB / SMLATT add one product per channel. Per
 * tap and 4 channels: 2 loads, 4 SXTB16, 4 multiply-accumulates. Output pixels whose window
 * lies inside the input take no bounds checks; the others read the input zero point for
 * outside taps (the folded bias then stays exact). The requantization is TFLM's, as in
 * aot_conv.c. Bit-exact with mcb_depthwise_conv2d_s8 (multiplier 1, dilation 1).
 * 3x3 filters at stride 1 or 2 with wide enough outputs take another path, one channel at a
 * time through a ring of widened rows (dw_ring, at the end of this file). */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* Variant switches (mcubench generate defines a switch 0 when no layer of the model needs its
 * code, docs/codegen.md "Flash"):
 *   FULL   some layer's activation range is all of int8 (mcb_aot_dw_full_range): the tiny
 *          and group paths' fast requantization without the clamp (dw_3x3_rqff)
 *   CLAMP  some layer's range is narrower: the fast requantization with it (dw_3x3_rqf, the
 *          ring/plane path's dw_rq*_lo / _clamp)
 *   TINY   some layer takes the tiny path (mcb_aot_dw_tiny: dw_tiny, dw_tiny_loop)
 *   GROUPS some layer takes neither the tiny nor the ring path (mcb_aot_dw_ring): dw_groups
 *   ROWS   some layer takes the ring path's rows, not its plane way (mcb_aot_dw_rows):
 *          dw_row_s1 / dw_row_s2 and the row requantization dw_rq_* */
#ifndef MCB_AOT_DW_FULL
#define MCB_AOT_DW_FULL 1
#endif
#ifndef MCB_AOT_DW_CLAMP
#define MCB_AOT_DW_CLAMP 1
#endif
#ifndef MCB_AOT_DW_TINY
#define MCB_AOT_DW_TINY 1
#endif
#ifndef MCB_AOT_DW_GROUPS
#define MCB_AOT_DW_GROUPS 1
#endif
#ifndef MCB_AOT_DW_ROWS
#define MCB_AOT_DW_ROWS 1
#endif

/* The paths keep separate stack frames (each has its own buffer). */
#if defined(__GNUC__)
#define DW_NOINLINE __attribute__((noinline))
#else
#define DW_NOINLINE
#endif
/* the arguments of the naked functions arrive in r0-r3 (AAPCS): their bodies name none */
#define DW_ARG(x) x __attribute__((unused))

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

/* Whether the layer's fast requantization leaves out the clamp (DW_RQF_FN). */
static inline int dw_ff(const mcb_aot_dw *d)
{
    return MCB_AOT_DW_FULL && (!MCB_AOT_DW_CLAMP || mcb_aot_dw_full_range(d));
}

#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
#if MCB_AOT_DW_GROUPS || MCB_AOT_DW_TINY
/* Whether channels c..c+3 (a group, 3x3) all allow the fast requantization: shift <= -1 and
 * |2 (bias + sum)| < 2^31, from |sum| <= 128 * sum |w| (int8 inputs and zero point). */
static int dw_fast4(const mcb_aot_dw *d, int c)
{
    const int8_t *wg = d->weights + (size_t)c * 9;
    for (int n = 0; n < 4; n++) {
        uint32_t wabs = 0;
        for (int t = 0; t < 9; t++) {
            const int32_t w = wg[4 * t + n];
            wabs += (uint32_t)(w < 0 ? -w : w);
        }
        const int32_t b = d->bias[c + n], sh = d->shift[c + n];
        const uint32_t bound = 128u * wabs + (b < 0 ? 0u - (uint32_t)b : (uint32_t)b);
        if (sh > -1 || sh < -31 || bound >= (1u << 30))
            return 0;
    }
    return 1;
}
#endif

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
/* One group's 3x3 MACs (DW_ROW_ASM) and the requantization and stores of its 4 channels by
 * RQ (DW_RQ_ASM: any multiplier; DW_RQF_ASM: the fast one): dw_3x3_rq and dw_3x3_rqf. */
#define DW_3X3_REQUANT_FN(NAME, RQ)                                                            \
    static inline void NAME(const int8_t *ip, const int8_t *wp, int C, int row,                \
                            const dw_group *g, int8_t *out)                                    \
    {                                                                                          \
        int32_t a0, a1, a2, a3;                                                                \
        uint32_t x, w, t1, t2;                                                                 \
        int32_t c1 = C, c2 = 2 * C, rw = row;                                                  \
        __asm__ volatile("ldr %[a0], [%[g]]\n\t"                                                \
                         "ldr %[a1], [%[g], #4]\n\t"                                            \
                         "ldr %[a2], [%[g], #8]\n\t"                                            \
                         "ldr %[a3], [%[g], #12]\n\t" DW_ROW_ASM DW_ROW_ASM DW_ROW_ASM         \
                         "ldr %[c1], [%[g], #80]\n\t"                                           \
                         "ldr %[c2], [%[g], #84]\n\t"                                           \
                         "ldr %[row], [%[g], #88]\n\t"                                          \
                         /* the output pointer, from memory: no register left */              \
                         "ldr %[ip], %[out]\n\t"                                               \
                         RQ("a0", 0) RQ("a1", 1) RQ("a2", 2) RQ("a3", 3)                       \
                         : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),     \
                           [ip] "+r"(ip), [wp] "+r"(wp), [x] "=&r"(x), [w] "=&r"(w),           \
                           [t1] "=&r"(t1), [t2] "=&r"(t2), [c1] "+r"(c1), [c2] "+r"(c2),       \
                           [row] "+r"(rw)                                                      \
                         : [g] "r"(g), [out] "m"(out)                                          \
                         : "cc", "memory");                                                    \
    }
DW_3X3_REQUANT_FN(dw_3x3_rq, DW_RQ_ASM)

/* The fast requantization of the one-channel paths (dw_requant_rows) for a group whose 4
 * channels all allow it (shift <= -1, |2 sum| < 2^31): the sum (bias included) doubled, SMMULR,
 * the rounding shift, + k = 1 + 2 off (at the offset's place in dw_group) and SSAT with ASR #1;
 * about 13 cycles per channel instead of 22. */
#define DW_RQF_ASM(A, I)                                                                       \
    "ldr %[t1], [%[g], #(16 + 4*" #I ")]\n\t"                                                 \
    "ldr %[t2], [%[g], #(48 + 4*" #I ")]\n\t"                                                 \
    "lsl %[" A "], %[" A "], #1\n\t"                                                         \
    "smmulr %[" A "], %[" A "], %[t1]\n\t"                                                   \
    "sub %[" A "], %[" A "], %[" A "], lsr #31\n\t"                                           \
    "asr %[" A "], %[" A "], %[t2]\n\t"                                                      \
    "add %[" A "], %[" A "], %[c1]\n\t"                                                      \
    "ssat %[" A "], #8, %[" A "], asr #1\n\t"
#define DW_RQFC_ASM(A, I)                                                                      \
    DW_RQF_ASM(A, I)                                                                           \
    "cmp %[" A "], %[c2]\n\tit lt\n\tmovlt %[" A "], %[c2]\n\t"                                 \
    "cmp %[" A "], %[row]\n\tit gt\n\tmovgt %[" A "], %[row]\n\t"                               \
    "strb %[" A "], [%[ip], #" #I "]\n\t"
/* the activation range all of int8 (ReLU6 at MLPerf's scales): SSAT's clamp is the whole
 * clamp, 6 cycles per channel less */
#define DW_RQFF_ASM(A, I) DW_RQF_ASM(A, I) "strb %[" A "], [%[ip], #" #I "]\n\t"
#if MCB_AOT_DW_CLAMP
DW_3X3_REQUANT_FN(dw_3x3_rqf, DW_RQFC_ASM)
#endif
#if MCB_AOT_DW_FULL
DW_3X3_REQUANT_FN(dw_3x3_rqff, DW_RQFF_ASM)
#endif
#if MCB_AOT_DW_FULL && MCB_AOT_DW_TINY
/* A whole group of a tiny layer (dw_tiny) in one call when its 4 channels take the fast
 * requantization without the clamp: per output the 3x3 block of dw_3x3_rqff and its
 * requantization, the loop in the same assembly (a call per output, which must save and
 * restore r4-r11 around the block's 13 registers, cost about 60 cycles of 230). The windows
 * are 4 bytes apart in a row of the padded plane (C = 4). Word offsets fixed by the
 * assembly. */
typedef struct {
    int32_t b[4], m[4], p[4]; /* bias, multiplier, -shift - 1 */
    int32_t k;                /* 1 + 2 * output offset */
    int32_t C;                /* output bytes per pixel */
    int32_t sw4;              /* bytes from one window to the next in a row (4 * stride_w) */
    int32_t rowskip;          /* bytes from past a row's last window to the next row's first */
    int32_t out_w, rows, left; /* outputs per row, rows left, outputs left in the row */
    const int8_t *wg;          /* the group's weights */
    int32_t row;               /* bytes per padded row */
} dw_tloop;
/* one tap: input word at [r12, #OFF], weight word at [r1], 4 (#4 bytes on) */
#define DW_TL_TAP(OFF)                                                                         \
    "ldr r6, [r12, #" #OFF "]\n\t"                                                             \
    "ldr r7, [r1], #4\n\t"                                                                     \
    "sxtb16 r8, r6\n\t"                                                                        \
    "sxtb16 r9, r7\n\t"                                                                        \
    "sxtb16 r6, r6, ror #8\n\t"                                                                \
    "sxtb16 r7, r7, ror #8\n\t"                                                                \
    "smlabb r2, r8, r9, r2\n\t"                                                                \
    "smlatt r4, r8, r9, r4\n\t"                                                                \
    "smlabb r3, r6, r7, r3\n\t"                                                                \
    "smlatt r5, r6, r7, r5\n\t"
#define DW_TL_ROW DW_TL_TAP(0) DW_TL_TAP(4) DW_TL_TAP(8)
/* channel I's fast requantization (r12 = k) and its byte stored */
#define DW_TL_RQ(A, I)                                                                         \
    "ldr r6, [r10, #(16 + 4*" #I ")]\n\t"                                                      \
    "ldr r7, [r10, #(32 + 4*" #I ")]\n\t"                                                      \
    "lsl " A ", " A ", #1\n\t"                                                                 \
    "smmulr " A ", " A ", r6\n\t"                                                              \
    "sub " A ", " A ", " A ", lsr #31\n\t"                                                     \
    "asr " A ", " A ", r7\n\t"                                                                 \
    "add " A ", " A ", r12\n\t"                                                                \
    "ssat " A ", #8, " A ", asr #1\n\t"                                                        \
    "strb " A ", [r11, #" #I "]\n\t"
/* r0 the first window (padded plane), r1 out, r3 the dw_tloop (rows >= 1, out_w >= 1);
 * sums r2-r5, weights r1, the window r12, the padded row's bytes lr, out r11, t r10. */
__attribute__((naked, noinline)) static void dw_tiny_loop(DW_ARG(const uint32_t *pad),
                                                          DW_ARG(int8_t *out), DW_ARG(int unused),
                                                          DW_ARG(dw_tloop *t))
{
    __asm__ volatile(
        "push {r4-r11, lr}\n\t"
        "mov r10, r3\n\t"
        "mov r11, r1\n\t"
        "ldr lr, [r10, #80]\n"
        ".p2align 2\n3:\n\t"
        "ldr r6, [r10, #64]\n\t"
        "str r6, [r10, #72]\n"
        ".p2align 2\n2:\n\t"
        "ldm r10, {r2-r5}\n\t"
        "ldr r1, [r10, #76]\n\t"
        "mov r12, r0\n\t" DW_TL_ROW "add r12, r12, lr\n\t" DW_TL_ROW
        "add r12, r12, lr\n\t" DW_TL_ROW
        "ldr r12, [r10, #48]\n\t" DW_TL_RQ("r2", 0) DW_TL_RQ("r3", 1) DW_TL_RQ("r4", 2)
            DW_TL_RQ("r5", 3)
        "ldr r6, [r10, #52]\n\t"
        "ldr r7, [r10, #56]\n\t"
        "add r11, r11, r6\n\t"
        "add r0, r0, r7\n\t"
        "ldr r6, [r10, #72]\n\t"
        "subs r6, r6, #1\n\t"
        "str r6, [r10, #72]\n\t"
        "bne 2b\n\t"
        "ldr r6, [r10, #60]\n\t"
        "ldr r7, [r10, #68]\n\t"
        "add r0, r0, r6\n\t"
        "subs r7, r7, #1\n\t"
        "str r7, [r10, #68]\n\t"
        "bne 3b\n\t"
        "pop {r4-r11, pc}\n\t");
}
#define DW_HAS_TLOOP 1
#endif
/* the fast requantization's function for ff = dw_ff(d) */
#if MCB_AOT_DW_FULL && MCB_AOT_DW_CLAMP
#define DW_RQF_FN(ff) ((ff) ? dw_3x3_rqff : dw_3x3_rqf)
#elif MCB_AOT_DW_FULL
#define DW_RQF_FN(ff) dw_3x3_rqff
#else
#define DW_RQF_FN(ff) dw_3x3_rqf
#endif
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

#if MCB_AOT_DW_GROUPS || MCB_AOT_DW_TINY
/* The channels beyond a multiple of 4, one at a time. */
static void dw_rest(const mcb_aot_dw *d, const int8_t *input, int8_t *output)
{
    const int C = d->channels, C4 = C & ~3, fh = d->filter_h, fw = d->filter_w;
    const int in_h = d->in_h, in_w = d->in_w, out_h = d->out_h, out_w = d->out_w;
    const int sh = d->stride_h, sw = d->stride_w, ph = d->pad_h, pw = d->pad_w;
    for (int c = C4; c < C; c++) {
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
#endif

#if MCB_AOT_DW_GROUPS
/* Channel group by channel group (4 channels: their bias, multipliers and shifts in locals for
 * the whole plane), pixel by pixel inside. */
static DW_NOINLINE void dw_groups(const mcb_aot_dw *d, const int8_t *input, int8_t *output)
{
    const int C = d->channels, C4 = C & ~3, fh = d->filter_h, fw = d->filter_w;
    const int in_h = d->in_h, in_w = d->in_w, out_h = d->out_h, out_w = d->out_w;
    const int sh = d->stride_h, sw = d->stride_w, ph = d->pad_h, pw = d->pad_w;
    const int32_t off = d->output_offset, lo = d->act_min, hi = d->act_max;
#if defined(DW_HAS_RQ)
    const int ff = dw_ff(d);
    (void)ff; /* (one variant compiled: DW_RQF_FN ignores it) */
#endif
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
        const int f4 = rq && dw_fast4(d, c); /* (3x3 weights only) */
        if (f4)
            grp.off = 1 + 2 * off;
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
                        (f4 ? DW_RQF_FN(ff) : dw_3x3_rq)(
                            input + ((size_t)iy0 * in_w + (size_t)ix0) * C + c, wg, C, row,
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
                        (f4 ? DW_RQF_FN(ff) : dw_3x3_rq)((const int8_t *)win, wg, 4, 12, &grp, out);
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
    dw_rest(d, input, output);
}
#endif

/* ---- 3x3, stride 1 or 2: one channel at a time through a ring of 3 widened rows ----
 *
 * For channel c, the input rows it needs are widened once into a ring of 3 rows of int16
 * (row iy in slot iy mod 3, the input zero point in the padding), interleaved by word: word k
 * of slot s is ring[3k + s] and holds columns j = 2k (low half) and 2k + 1, column j being
 * input column j - pad_w. Output column ox then starts at column ox * stride, so an output
 * pair (ox even) starts on a word, and the taps of a filter row pair up for SMLAD:
 *   stride 1, words A = (x0, x1), B = (x2, x3) of a slot:
 *     out0 += SMUAD(A, (w0, w1)) + SMLABB(B, w2)
 *     out1 += SMUADX(PKHBT(B, A) = (x2, x1), (w0, w1)) + SMLATB(B, w2)
 *   stride 2, words A, B, C:  out0 += SMUAD(A, W) + B.lo * w2, out1 += SMUAD(B, W) + C.lo * w2
 * The 9 weights stay in 5 registers for the whole channel (a (w0, w1) pair per slot, the w2
 * of slots 0 and 1 in one word, that of slot 2 in another), so a pair of outputs costs 6 or
 * 9 word loads, 3 PKHBT (stride 1) and 12 multiply-accumulates. Each input value is widened
 * once per channel (the ring keeps the rows the next output row shares). The sums of a row go
 * to a row of int32, requantized in a second loop with the channel's parameters in
 * registers. */
/* the arguments of the naked functions arrive in r0-r3 (AAPCS): their bodies name none; their
 * loop heads are word-aligned (.p2align 2: a taken branch to a 32-bit instruction on a
 * halfword costs a cycle more) */
#define DW_RING_WORDS MCB_AOT_DW_RING_WORDS /* words per ring row: 1.25 KB of stack with the sums */

#define dw_ring_words mcb_aot_dw_ring_words

#define dw_ring_ok mcb_aot_dw_ring

/* How a row of `words` words is made from an input row (the same for every row of a layer):
 * word k holds input columns 2k - L and 2k + 1 - L (L = pad_w <= 2), the zero point outside:
 * a first word with padding (lead: 1 = (zp, x0), 2 = (zp, zp)), n pairs of input columns,
 * maybe a last odd column (tail: (x, zp)), then trail words of padding. */
typedef struct {
    int lead, n, tail, trail;
} dw_rowplan;

static dw_rowplan dw_plan_row(const mcb_aot_dw *d, int words)
{
    dw_rowplan r = {d->pad_w, 0, 0, 0};
    int left = d->in_w - (r.lead == 1), room = words - (r.lead != 0);
    r.n = left / 2 < room ? left / 2 : room;
    left -= 2 * r.n, room -= r.n;
    r.tail = left > 0 && room > 0;
    r.trail = room - r.tail;
    return r;
}

/* Widens input row iy of channel c (or a padding row) into q[0], q[st], ... */
static inline void dw_gather_row(const mcb_aot_dw *d, const int8_t *input, int c, int iy,
                                 uint32_t *q, size_t st, int words, const dw_rowplan *rp)
{
    const int32_t zp = d->input_zero_point;
    const uint32_t z2 = aot_pack16(zp, zp);
    if (iy < 0 || iy >= d->in_h) {
        for (int k = words; k > 0; k--, q += st)
            *q = z2;
        return;
    }
    const size_t C = (size_t)d->channels, C2 = 2 * C;
    const int8_t *src = input + ((size_t)iy * d->in_w * C + (size_t)c);
    if (rp->lead == 1)
        *q = aot_pack16(zp, src[0]), q += st, src += C;
    else if (rp->lead == 2)
        *q = z2, q += st;
    for (int k = rp->n; k > 0; k--, q += st, src += C2)
        *q = aot_pack16(src[0], src[C]);
    if (rp->tail)
        *q = aot_pack16(src[0], zp), q += st;
    for (int k = rp->trail; k > 0; k--, q += st)
        *q = z2;
}

/* The input part of a channel's padded plane (the padding words, the same for every channel,
 * are written once per layer): for each of the in_h input rows (q advancing one word), the
 * lead word (lead = 1: (zp, x0)), n pairs and the odd last column. */
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* dw_fill_plane for lead = 1 and n >= 1 (SAME padding at stride 1): r0 src, r1 q, r2 rows,
 * r3 {C, row bytes, st bytes, n, zp as int16, tail}; per pair of columns 2 LDRSB, PKHBT, STR
 * (about 10 cycles), per row about 14 more. */
typedef struct {
    int32_t C, row, st, n, zlo, tail;
} dw_fill_args;
__attribute__((naked, noinline)) static void dw_fill_lead1(DW_ARG(const int8_t *src),
                                                           DW_ARG(uint32_t *q), DW_ARG(int rows),
                                                           DW_ARG(const dw_fill_args *a))
{
    __asm__ volatile(
        "push {r4-r11, lr}\n\t"
        "ldr lr, [r3, #20]\n\t"
        "ldm r3, {r4-r8}\n"
        ".p2align 2\n2:\n\t"
        "ldrsb r11, [r0]\n\t"
        "add r9, r0, r4\n\t"
        "orr r11, r8, r11, lsl #16\n\t"
        "str r11, [r1]\n\t"
        "add r10, r1, r6\n\t"
        "mov r12, r7\n"
        ".p2align 2\n1:\n\t"
        "ldrsb r11, [r9]\n\t"
        "ldrsb r3, [r9, r4]\n\t"
        "add r9, r9, r4, lsl #1\n\t"
        "pkhbt r11, r11, r3, lsl #16\n\t"
        "str r11, [r10]\n\t"
        "add r10, r10, r6\n\t"
        "subs r12, r12, #1\n\t"
        "bne 1b\n\t"
        "cmp lr, #0\n\t"
        "beq 3f\n\t"
        "ldrsb r11, [r9]\n\t"
        "uxth r11, r11\n\t"
        "orr r11, r11, r8, lsl #16\n\t"
        "str r11, [r10]\n"
        "3:\n\t"
        "add r0, r0, r5\n\t"
        "add r1, r1, #4\n\t"
        "subs r2, r2, #1\n\t"
        "bne 2b\n\t"
        "pop {r4-r11, pc}\n\t");
}
#define DW_HAS_FILL1 1
#endif

static DW_NOINLINE void dw_fill_plane(const int8_t *src, size_t C, size_t row, int in_h, uint32_t *q,
                          size_t st, int lead, int n, int tail, int32_t zp)
{
#if defined(DW_HAS_FILL1)
    if (lead == 1 && n >= 1 && in_h >= 1) {
        const dw_fill_args a = {(int32_t)C, (int32_t)row, (int32_t)(4 * st), n,
                                (int32_t)(uint16_t)(int16_t)zp, tail};
        dw_fill_lead1(src, q, in_h, &a);
        return;
    }
#endif
    const size_t C2 = 2 * C;
    const uint32_t zhi = (uint32_t)zp << 16, zlo = (uint32_t)(uint16_t)(int16_t)zp;
    for (int y = 0; y < in_h; y++, q++, src += row) {
        const int8_t *p = src;
        uint32_t *w = q;
        if (lead == 1)
            *w = zlo | (uint32_t)p[0] << 16, w += st, p += C;
        else if (lead == 2)
            w += st;
        for (int k = n; k > 0; k--, w += st, p += C2)
            *w = aot_pack16(p[0], p[C]);
        if (tail)
            *w = (uint32_t)(uint16_t)(int16_t)p[0] | zhi;
    }
}

/* w[0..2]: the (w0, w1) pair of the filter row in slot 0, 1, 2; w[3]: (w2 of slot 0, w2 of
 * slot 1); w[4]: w2 of slot 2 (low half). sums: 2 * pairs words. */
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
#if MCB_AOT_DW_ROWS
/* r0 ring, r1 sums, r2 rows >= 1, r3 w; the weights in r4-r8, A r9, B r10, PKHBT / C r11,
 * the two sums r3 and r12, the rows left in lr, the end of a row's sums in r2 (w[5] bytes
 * per row on the stack). About 31 cycles per output pair (18 MACs). The rows are those of a
 * plane buffer (each row its words in 3 slots, back to back) or the ring (one row). */
__attribute__((naked, noinline)) static void dw_row_s1(DW_ARG(const uint32_t *ring), DW_ARG(int32_t *sums),
                                                       DW_ARG(int rows), DW_ARG(const uint32_t *w))
{
    __asm__ volatile(
        "push {r4-r11, lr}\n\t"
        "mov lr, r2\n\t"
        "ldr r2, [r3, #20]\n\t"
        "push {r2, r3}\n\t"
        "ldm r3, {r4-r8}\n"
        ".p2align 2\n2:\n\t"
        "ldr r2, [sp]\n\t"
        "add r2, r2, r1\n"
        ".p2align 2\n1:\n\t"
        "ldr r9, [r0, #0]\n\t"
        "ldr r10, [r0, #12]\n\t"
        "pkhbt r11, r10, r9\n\t"
        "smuad r3, r9, r4\n\t"
        "smuadx r12, r11, r4\n\t"
        "smlabb r3, r10, r7, r3\n\t"
        "smlatb r12, r10, r7, r12\n\t"
        "ldr r9, [r0, #4]\n\t"
        "ldr r10, [r0, #16]\n\t"
        "pkhbt r11, r10, r9\n\t"
        "smlad r3, r9, r5, r3\n\t"
        "smladx r12, r11, r5, r12\n\t"
        "smlabt r3, r10, r7, r3\n\t"
        "smlatt r12, r10, r7, r12\n\t"
        "ldr r9, [r0, #8]\n\t"
        "ldr r10, [r0, #20]\n\t"
        "pkhbt r11, r10, r9\n\t"
        "smlad r3, r9, r6, r3\n\t"
        "smladx r12, r11, r6, r12\n\t"
        "smlabb r3, r10, r8, r3\n\t"
        "smlatb r12, r10, r8, r12\n\t"
        "adds r0, r0, #12\n\t"
        "stmia r1!, {r3, r12}\n\t"
        "cmp r1, r2\n\t"
        "bne 1b\n\t"
        "adds r0, r0, #12\n\t" /* the row's last word */
        "subs lr, lr, #1\n\t"
        "bne 2b\n\t"
        "add sp, sp, #8\n\t"
        "pop {r4-r11, pc}\n\t");
}

__attribute__((naked, noinline)) static void dw_row_s2(DW_ARG(const uint32_t *ring), DW_ARG(int32_t *sums),
                                                       DW_ARG(int rows), DW_ARG(const uint32_t *w))
{
    __asm__ volatile(
        "push {r4-r11, lr}\n\t"
        "mov lr, r2\n\t"
        "ldr r2, [r3, #20]\n\t"
        "push {r2, r3}\n\t"
        "ldm r3, {r4-r8}\n"
        ".p2align 2\n2:\n\t"
        "ldr r2, [sp]\n\t"
        "add r2, r2, r1\n"
        ".p2align 2\n1:\n\t"
        "ldr r9, [r0, #0]\n\t"
        "ldr r10, [r0, #12]\n\t"
        "ldr r11, [r0, #24]\n\t"
        "smuad r3, r9, r4\n\t"
        "smuad r12, r10, r4\n\t"
        "smlabb r3, r10, r7, r3\n\t"
        "smlabb r12, r11, r7, r12\n\t"
        "ldr r9, [r0, #4]\n\t"
        "ldr r10, [r0, #16]\n\t"
        "ldr r11, [r0, #28]\n\t"
        "smlad r3, r9, r5, r3\n\t"
        "smlad r12, r10, r5, r12\n\t"
        "smlabt r3, r10, r7, r3\n\t"
        "smlabt r12, r11, r7, r12\n\t"
        "ldr r9, [r0, #8]\n\t"
        "ldr r10, [r0, #20]\n\t"
        "ldr r11, [r0, #32]\n\t"
        "smlad r3, r9, r6, r3\n\t"
        "smlad r12, r10, r6, r12\n\t"
        "smlabb r3, r10, r8, r3\n\t"
        "smlabb r12, r11, r8, r12\n\t"
        "adds r0, r0, #24\n\t"
        "stmia r1!, {r3, r12}\n\t"
        "cmp r1, r2\n\t"
        "bne 1b\n\t"
        "adds r0, r0, #12\n\t" /* the row's last word */
        "subs lr, lr, #1\n\t"
        "bne 2b\n\t"
        "add sp, sp, #8\n\t"
        "pop {r4-r11, pc}\n\t");
}
#endif
/* Down one column pair of a plane (words k at r0 and k + 1 at r0 + w[5] bytes, one word per
 * padded row): r1 sums, r2 end of sums, r3 w; the second pointer in lr. Stride 1: per output
 * row the pair of outputs (2k, 2k + 1), about 31 cycles; the next row is the next word. */
__attribute__((naked, noinline)) static void dw_col_s1(DW_ARG(const uint32_t *plane),
                                                       DW_ARG(int32_t *sums), DW_ARG(int32_t *end),
                                                       DW_ARG(const uint32_t *w))
{
    __asm__ volatile(
        "push {r4-r11, lr}\n\t"
        "ldr lr, [r3, #20]\n\t"
        "add lr, lr, r0\n\t"
        "ldm r3, {r4-r8}\n"
        ".p2align 2\n1:\n\t"
        "ldr r9, [r0, #0]\n\t"
        "ldr r10, [lr, #0]\n\t"
        "pkhbt r11, r10, r9\n\t"
        "smuad r3, r9, r4\n\t"
        "smuadx r12, r11, r4\n\t"
        "smlabb r3, r10, r7, r3\n\t"
        "smlatb r12, r10, r7, r12\n\t"
        "ldr r9, [r0, #4]\n\t"
        "ldr r10, [lr, #4]\n\t"
        "pkhbt r11, r10, r9\n\t"
        "smlad r3, r9, r5, r3\n\t"
        "smladx r12, r11, r5, r12\n\t"
        "smlabt r3, r10, r7, r3\n\t"
        "smlatt r12, r10, r7, r12\n\t"
        "ldr r9, [r0, #8]\n\t"
        "ldr r10, [lr, #8]\n\t"
        "pkhbt r11, r10, r9\n\t"
        "smlad r3, r9, r6, r3\n\t"
        "smladx r12, r11, r6, r12\n\t"
        "smlabb r3, r10, r8, r3\n\t"
        "smlatb r12, r10, r8, r12\n\t"
        "adds r0, r0, #4\n\t"
        "add lr, lr, #4\n\t"
        "stmia r1!, {r3, r12}\n\t"
        "cmp r1, r2\n\t"
        "bne 1b\n\t"
        "pop {r4-r11, pc}\n\t");
}

/* One output column (column 2k of the plane's words k, k + 1) per call, about 19 cycles per
 * output row: stride 2 (the next output row two words on), or stride 1's odd last column. */
#define DW_COL1_FN(NAME, STEP)                                                                 \
    __attribute__((naked, noinline)) static void NAME(                                         \
        DW_ARG(const uint32_t *plane), DW_ARG(int32_t *sums), DW_ARG(int32_t *end),            \
        DW_ARG(const uint32_t *w))                                                             \
    {                                                                                          \
        __asm__ volatile("push {r4-r11, lr}\n\t"                                               \
                         "ldr lr, [r3, #20]\n\t"                                              \
                         "add lr, lr, r0\n\t"                                                  \
                         "ldm r3, {r4-r8}\n"                                                   \
                         ".p2align 2\n1:\n\t"                                                              \
                         "ldr r9, [r0, #0]\n\t"                                               \
                         "ldr r10, [lr, #0]\n\t"                                              \
                         "smuad r3, r9, r4\n\t"                                                \
                         "smlabb r3, r10, r7, r3\n\t"                                          \
                         "ldr r9, [r0, #4]\n\t"                                               \
                         "ldr r10, [lr, #4]\n\t"                                              \
                         "smlad r3, r9, r5, r3\n\t"                                            \
                         "smlabt r3, r10, r7, r3\n\t"                                          \
                         "ldr r9, [r0, #8]\n\t"                                               \
                         "ldr r10, [lr, #8]\n\t"                                              \
                         "smlad r3, r9, r6, r3\n\t"                                            \
                         "smlabb r3, r10, r8, r3\n\t"                                          \
                         "adds r0, r0, #" #STEP "\n\t"                                         \
                         "add lr, lr, #" #STEP "\n\t"                                          \
                         "str r3, [r1], #4\n\t"                                                \
                         "cmp r1, r2\n\t"                                                      \
                         "bne 1b\n\t"                                                          \
                         "pop {r4-r11, pc}\n\t");                                              \
    }
DW_COL1_FN(dw_col_s2, 8)
DW_COL1_FN(dw_col1_s1, 4)
#else
static inline int32_t dw_lo(uint32_t v) { return (int16_t)(v & 0xFFFF); }
static inline int32_t dw_hi(uint32_t v) { return (int16_t)(v >> 16); }

#if MCB_AOT_DW_ROWS
static void dw_row_s1(const uint32_t *ring, int32_t *sums, int rows, const uint32_t *w)
{
    const uint32_t w2[3] = {w[3] & 0xFFFF, w[3] >> 16, w[4] & 0xFFFF};
    for (int32_t *end = sums + w[5] / 4; rows > 0; rows--, ring += 3, end += w[5] / 4)
    for (; sums != end; sums += 2, ring += 3) {
        uint32_t a0 = 0, a1 = 0;
        for (int s = 0; s < 3; s++) {
            const uint32_t A = ring[s], B = ring[3 + s];
            const int32_t w0 = dw_lo(w[s]), w1 = dw_hi(w[s]), wz = dw_lo(w2[s]);
            a0 += (uint32_t)(dw_lo(A) * w0) + (uint32_t)(dw_hi(A) * w1) + (uint32_t)(dw_lo(B) * wz);
            a1 += (uint32_t)(dw_hi(A) * w0) + (uint32_t)(dw_lo(B) * w1) + (uint32_t)(dw_hi(B) * wz);
        }
        sums[0] = (int32_t)a0, sums[1] = (int32_t)a1;
    }
}

static void dw_row_s2(const uint32_t *ring, int32_t *sums, int rows, const uint32_t *w)
{
    const uint32_t w2[3] = {w[3] & 0xFFFF, w[3] >> 16, w[4] & 0xFFFF};
    for (int32_t *end = sums + w[5] / 4; rows > 0; rows--, ring += 3, end += w[5] / 4)
    for (; sums != end; sums += 2, ring += 6) {
        uint32_t a0 = 0, a1 = 0;
        for (int s = 0; s < 3; s++) {
            const uint32_t A = ring[s], B = ring[3 + s], Cw = ring[6 + s];
            const int32_t w0 = dw_lo(w[s]), w1 = dw_hi(w[s]), wz = dw_lo(w2[s]);
            a0 += (uint32_t)(dw_lo(A) * w0) + (uint32_t)(dw_hi(A) * w1) + (uint32_t)(dw_lo(B) * wz);
            a1 += (uint32_t)(dw_lo(B) * w0) + (uint32_t)(dw_hi(B) * w1) + (uint32_t)(dw_lo(Cw) * wz);
        }
        sums[0] = (int32_t)a0, sums[1] = (int32_t)a1;
    }
}

#endif
static void dw_col_s1(const uint32_t *plane, int32_t *sums, int32_t *end, const uint32_t *w)
{
    const uint32_t w2[3] = {w[3] & 0xFFFF, w[3] >> 16, w[4] & 0xFFFF};
    const uint32_t *next = plane + w[5] / 4;
    for (; sums != end; sums += 2, plane++, next++) {
        uint32_t a0 = 0, a1 = 0;
        for (int s = 0; s < 3; s++) {
            const uint32_t A = plane[s], B = next[s];
            const int32_t w0 = dw_lo(w[s]), w1 = dw_hi(w[s]), wz = dw_lo(w2[s]);
            a0 += (uint32_t)(dw_lo(A) * w0) + (uint32_t)(dw_hi(A) * w1) + (uint32_t)(dw_lo(B) * wz);
            a1 += (uint32_t)(dw_hi(A) * w0) + (uint32_t)(dw_lo(B) * w1) + (uint32_t)(dw_hi(B) * wz);
        }
        sums[0] = (int32_t)a0, sums[1] = (int32_t)a1;
    }
}

static void dw_col1(const uint32_t *plane, int32_t *sums, int32_t *end, const uint32_t *w,
                    int step)
{
    const uint32_t w2[3] = {w[3] & 0xFFFF, w[3] >> 16, w[4] & 0xFFFF};
    const uint32_t *next = plane + w[5] / 4;
    for (; sums != end; sums++, plane += step, next += step) {
        uint32_t a0 = 0;
        for (int s = 0; s < 3; s++) {
            const uint32_t A = plane[s], B = next[s];
            a0 += (uint32_t)(dw_lo(A) * dw_lo(w[s])) + (uint32_t)(dw_hi(A) * dw_hi(w[s])) +
                  (uint32_t)(dw_lo(B) * dw_lo(w2[s]));
        }
        *sums = (int32_t)a0;
    }
}

static void dw_col_s2(const uint32_t *plane, int32_t *sums, int32_t *end, const uint32_t *w)
{
    dw_col1(plane, sums, end, w, 2);
}

static void dw_col1_s1(const uint32_t *plane, int32_t *sums, int32_t *end, const uint32_t *w)
{
    dw_col1(plane, sums, end, w, 1);
}
#endif

/* (a * b + 2^31) >> 32 (SMMULR). */
static inline int32_t dw_smmulr(int32_t a, int32_t b)
{
#if MCB_AOT_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((int64_t)a * b + (1LL << 31)) >> 32);
#endif
}

/* x clamped to [-128, 127] after an arithmetic shift right by 1 (SSAT #8 with ASR #1). */
static inline int32_t dw_ssat8_asr1(int32_t x)
{
#if MCB_AOT_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("ssat %0, #8, %1, asr #1" : "=r"(r) : "r"(x));
    return r;
#else
    return mcb_clamp_i32(x >> 1, -128, 127);
#endif
}

/* The parameters of the fast requantization of one channel, word offsets fixed by the
 * assembly below. */
typedef struct {
    int32_t b2;   /* 2 * bias */
    int32_t m;    /* multiplier */
    int32_t p;    /* -shift - 1 >= 0 */
    int32_t k;    /* 1 + 2 * output offset */
    int32_t C;    /* output stride in bytes */
    int32_t lo, hi; /* activation range */
    int32_t rows;   /* rows of n outputs */
    int32_t skip;   /* bytes of sums after each row (an odd row's unused last sum) */
    int32_t outskip; /* bytes of output after each row (beyond the n * C) */
} dw_rq;

#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* One output: sum in r3, result stored at r2, r2 += C. 9 instructions. */
#define DW_RQ1(CLAMP)                                                                          \
    "ldr r3, [r0], #4\n\t"                                                                     \
    "add r3, r4, r3, lsl #1\n\t"                                                               \
    "smmulr r3, r3, r5\n\t"                                                                    \
    "sub r3, r3, r3, lsr #31\n\t"                                                              \
    "asr r3, r3, r6\n\t"                                                                       \
    "add r3, r3, r7\n\t"                                                                       \
    "ssat r3, #8, r3, asr #1\n\t" CLAMP                                                         \
    "strb r3, [r2]\n\t"                                                                        \
    "add r2, r2, r8\n\t"
#define DW_CLAMP "cmp r3, r9\n\tit lt\n\tmovlt r3, r9\n\tcmp r3, r10\n\tit gt\n\tmovgt r3, r10\n\t"
/* r0 sums, r1 n >= 1, r2 out, r3 the dw_rq. */
#define DW_RQ_FN(NAME, CLAMP)                                                                  \
    __attribute__((naked, noinline)) static void NAME(                                         \
        DW_ARG(const int32_t *sums), DW_ARG(int n), DW_ARG(int8_t *out), DW_ARG(const dw_rq *q)) \
    {                                                                                          \
        __asm__ volatile("push {r4-r11, lr}\n\t"                                               \
                         "ldr r4, [r3, #36]\n\t"                                              \
                         "push {r4, r5}\n\t"                                                   \
                         "ldm r3, {r4-r12}\n\t"                                               \
                         "mov lr, r1\n"                                                        \
                         ".p2align 2\n2:\n\t"                                                              \
                         "mov r1, lr\n"                                                        \
                         ".p2align 2\n1:\n\t" DW_RQ1(CLAMP) "subs r1, r1, #1\n\t"                          \
                         "bne 1b\n\t"                                                          \
                         "add r0, r0, r12\n\t"                                                 \
                         "ldr r1, [sp]\n\t"                                                    \
                         "add r2, r2, r1\n\t"                                                  \
                         "subs r11, r11, #1\n\t"                                               \
                         "bne 2b\n\t"                                                          \
                         "add sp, sp, #8\n\t"                                                  \
                         "pop {r4-r11, pc}\n\t");                                              \
    }
#if MCB_AOT_DW_ROWS
DW_RQ_FN(dw_rq_full, "")
#if MCB_AOT_DW_CLAMP /* (else every layer takes the full forms: never called) */
DW_RQ_FN(dw_rq_clamp, DW_CLAMP)
DW_RQ_FN(dw_rq_lo, "cmp r3, r9\n\tit lt\n\tmovlt r3, r9\n\t")
#else
#define dw_rq_clamp dw_rq_full
#define dw_rq_lo dw_rq_full
#endif
#endif
/* Down a column: r1 rows >= 1 of BODY (one or two outputs), then the sums skip and the
 * output row skip; the parameters stay in r4-r12. */
#define DW_RQC_FN(NAME, BODY)                                                                  \
    __attribute__((naked, noinline)) static void NAME(                                         \
        DW_ARG(const int32_t *sums), DW_ARG(int rows), DW_ARG(int8_t *out), DW_ARG(const dw_rq *q)) \
    {                                                                                          \
        __asm__ volatile("push {r4-r11, lr}\n\t"                                               \
                         "ldr r11, [r3, #36]\n\t"                                             \
                         "ldr r12, [r3, #32]\n\t"                                             \
                         "ldm r3, {r4-r10}\n"                                                  \
                         ".p2align 2\n1:\n\t" BODY "add r0, r0, r12\n\t"                                  \
                         "add r2, r2, r11\n\t"                                                 \
                         "subs r1, r1, #1\n\t"                                                 \
                         "bne 1b\n\t"                                                          \
                         "pop {r4-r11, pc}\n\t");                                              \
    }
#define DW_LO "cmp r3, r9\n\tit lt\n\tmovlt r3, r9\n\t"
DW_RQC_FN(dw_rqc1_full, DW_RQ1(""))
#if MCB_AOT_DW_CLAMP
DW_RQC_FN(dw_rqc1_lo, DW_RQ1(DW_LO))
DW_RQC_FN(dw_rqc1_clamp, DW_RQ1(DW_CLAMP))
#else
#define dw_rqc1_lo dw_rqc1_full
#define dw_rqc1_clamp dw_rqc1_full
#endif
/* Two outputs per row (a column pair): both sums by one LDM, the second byte stored after
 * advancing by C, the row's rest (outskip + C) added once; no sums skip (always 0 here). */
#define DW_RQ2(R)                                                                                  \
    "add " R ", r4, " R ", lsl #1\n\t"                                                             \
    "smmulr " R ", " R ", r5\n\t"                                                                  \
    "sub " R ", " R ", " R ", lsr #31\n\t"                                                         \
    "asr " R ", " R ", r6\n\t"                                                                     \
    "add " R ", " R ", r7\n\t"                                                                     \
    "ssat " R ", #8, " R ", asr #1\n\t"
#define DW_LO_R(R) "cmp " R ", r9\n\tit lt\n\tmovlt " R ", r9\n\t"
#define DW_CLAMP_R(R) DW_LO_R(R) "cmp " R ", r10\n\tit gt\n\tmovgt " R ", r10\n\t"
#define DW_RQC2_FN(NAME, CL3, CL12)                                                                \
    __attribute__((naked, noinline)) static void NAME(                                             \
        DW_ARG(const int32_t *sums), DW_ARG(int rows), DW_ARG(int8_t *out), DW_ARG(const dw_rq *q)) \
    {                                                                                              \
        __asm__ volatile("push {r4-r11, lr}\n\t"                                                   \
                         "ldr r11, [r3, #36]\n\t"                                                  \
                         "ldm r3, {r4-r10}\n\t"                                                    \
                         "add r11, r11, r8\n\t"                                                    \
                         ".p2align 2\n1:\n\t"                                                      \
                         "ldm r0!, {r3, r12}\n\t" DW_RQ2("r3") DW_RQ2("r12") CL3 CL12              \
                         "strb r3, [r2]\n\t"                                                       \
                         "add r2, r2, r8\n\t"                                                      \
                         "strb r12, [r2]\n\t"                                                      \
                         "add r2, r2, r11\n\t"                                                     \
                         "subs r1, r1, #1\n\t"                                                     \
                         "bne 1b\n\t"                                                              \
                         "pop {r4-r11, pc}\n\t");                                                  \
    }
DW_RQC2_FN(dw_rqc2_full, "", "")
#if MCB_AOT_DW_CLAMP
DW_RQC2_FN(dw_rqc2_lo, DW_LO_R("r3"), DW_LO_R("r12"))
DW_RQC2_FN(dw_rqc2_clamp, DW_CLAMP_R("r3"), DW_CLAMP_R("r12"))
#else
#define dw_rqc2_lo dw_rqc2_full
#define dw_rqc2_clamp dw_rqc2_full
#endif
#else
static void dw_rq_any(const int32_t *sums, int n, int8_t *out, const dw_rq *q)
{
    for (int r = 0; r < q->rows; r++, sums += q->skip / 4, out += q->outskip)
    for (int i = 0; i < n; i++, out += q->C, sums++) {
        int32_t h = dw_smmulr(q->b2 + 2 * *sums, q->m);
        h = ((h - (int32_t)((uint32_t)h >> 31)) >> q->p) + q->k;
        *out = (int8_t)mcb_clamp_i32(dw_ssat8_asr1(h), q->lo, q->hi);
    }
}
#define dw_rq_full dw_rq_any
#define dw_rq_clamp dw_rq_any
#define dw_rq_lo dw_rq_any
static void dw_rqc_any(const int32_t *sums, int rows, int8_t *out, int n, const dw_rq *q)
{
    dw_rq one = *q;
    one.rows = rows;
    dw_rq_any(sums, n, out, &one);
}
#define DW_RQC_ANY(N) static void dw_rqc##N##_any(const int32_t *s, int r, int8_t *o, const dw_rq *q) { dw_rqc_any(s, r, o, N, q); }
DW_RQC_ANY(1)
DW_RQC_ANY(2)
#define dw_rqc1_full dw_rqc1_any
#define dw_rqc1_lo dw_rqc1_any
#define dw_rqc1_clamp dw_rqc1_any
#define dw_rqc2_full dw_rqc2_any
#define dw_rqc2_lo dw_rqc2_any
#define dw_rqc2_clamp dw_rqc2_any
#endif

/* Requantizes q->rows rows of n sums of channel c (q->skip bytes after each row) into out
 * (stride C bytes, the rows back to back in the output).
 * Fast form (exact when the shift is <= -1 and |2 (sum + bias)| < 2^31, which the caller
 * checked from the weights and the bias): SMMULR(2x, m) = (x m + 2^30) >> 31, TFLM's
 * rounding high multiply; then the rounding divide by 2^e as in dw_requant, with the final
 * ((y + 1) >> 1) + off computed as (y + 1 + 2 off) >> 1 by SSAT's shift, which also clamps
 * to int8. Otherwise dw_out. */
static void dw_requant_rows(const mcb_aot_dw *d, int c, int fast, const dw_rq *q,
                            const int32_t *sums, int n, int8_t *out)
{
#if MCB_AOT_DW_ROWS /* (else only dw_requant_col calls it, with fast = 0) */
    if (fast) {
        if (!MCB_AOT_DW_CLAMP || (q->lo <= -128 && q->hi >= 127))
            dw_rq_full(sums, n, out, q);
        else if (q->hi >= 127)
            dw_rq_lo(sums, n, out, q);
        else
            dw_rq_clamp(sums, n, out, q);
        return;
    }
#endif
    (void)fast;
    const int C = d->channels;
    const int32_t bias = d->bias[c];
    for (int r = 0; r < q->rows; r++, sums += q->skip / 4, out += q->outskip)
        for (int i = 0; i < n; i++, out += C, sums++)
            *out = dw_out(d, (int32_t)((uint32_t)*sums + (uint32_t)bias), c);
}

/* Requantizes a column of q->rows rows of n (1 or 2) sums into out, as dw_requant_rows with
 * q->skip and q->outskip after each row (out advances C within a row). */
static void dw_requant_col(const mcb_aot_dw *d, int c, int fast, const dw_rq *q,
                           const int32_t *sums, int n, int8_t *out)
{
    if (!fast) {
        dw_requant_rows(d, c, 0, q, sums, n, out);
        return;
    }
    const int full = !MCB_AOT_DW_CLAMP || (q->lo <= -128 && q->hi >= 127);
    const int lo_only = !full && q->hi >= 127;
    if (n == 2)
        (full ? dw_rqc2_full : lo_only ? dw_rqc2_lo : dw_rqc2_clamp)(sums, q->rows, out, q);
    else
        (full ? dw_rqc1_full : lo_only ? dw_rqc1_lo : dw_rqc1_clamp)(sums, q->rows, out, q);
}

#if MCB_AOT_DW_ROWS
static int dw_mod3(int v)
{
    const int r = v % 3;
    return r < 0 ? r + 3 : r;
}
#endif

/* Two ways through a channel, in one buffer:
 * - plane (stride_h = stride_w and the padded plane fits): the whole padded input plane of
 *   the channel widened once, column-major (word k of padded row y at plane[k * R + y]), then
 *   one call per output column pair (stride 1) or column (stride 2) walks down the plane:
 *   the next output row is the next word (two at stride 2), the 3 filter rows at +0, +4,
 *   +8 bytes, no weight rotation; each column requantized by one call;
 * - ring (wider planes): the ring of 3 rows (row iy in slot iy mod 3, the weights rotated to
 *   match), one MAC call per output row, the sums after the ring, requantized per row or,
 *   when they fit, once. */
#define DW_BUF_WORDS MCB_AOT_DW_BUF_WORDS
#define dw_plane_fits mcb_aot_dw_plane_fits
static DW_NOINLINE void dw_ring(const mcb_aot_dw *d, const int8_t *input, int8_t *output)
{
    const int C = d->channels, out_h = d->out_h, out_w = d->out_w;
    const int sh = d->stride_h, sw = d->stride_w, ph = d->pad_h;
    const int words = dw_ring_words(out_w, sw), pairs = (out_w + 1) / 2;
    const int fresh = sh < 3 ? sh : 3; /* new input rows per output row after the first */
    const int R = (out_h - 1) * sh + 3; /* padded input rows of the plane */
    const int plane = sh == sw && R * words + 2 * out_h <= DW_BUF_WORDS; /* dw_plane_fits */
    const dw_rowplan rp = dw_plan_row(d, words);
    uint32_t buf[DW_BUF_WORDS];
    uint32_t *const ring = buf;
    int32_t *const sums = plane ? (int32_t *)(buf + (size_t)R * words)
                                : (int32_t *)(buf + 3 * DW_RING_WORDS);
    const int whole = !plane && out_h * out_w + 1 <= 2 * DW_RING_WORDS;
#if MCB_AOT_DW_ROWS
    void (*const row_fn)(const uint32_t *, int32_t *, int, const uint32_t *) =
        sw == 1 ? dw_row_s1 : dw_row_s2;
#else /* every layer here takes the plane way */
    (void)ring, (void)whole, (void)fresh;
#endif
    /* the input rows the plane holds (VALID may leave the last ones unread) */
    const int in_rows = d->in_h < R - ph ? d->in_h : R - ph;
    if (plane) { /* the padding of every channel's plane */
        const uint32_t z2 = aot_pack16(d->input_zero_point, d->input_zero_point);
        for (int i = 0; i < R * words; i++)
            buf[i] = z2;
    }
    for (int c = 0; c < C; c++) {
        int32_t f[9];
        uint32_t wabs = 0;
        if (c < (C & ~3)) { /* a 4-channel group: the channel's taps 4 bytes apart */
            const int8_t *wc = d->weights + (size_t)(c >> 2) * 36 + (c & 3);
            for (int t = 0; t < 9; t++)
                f[t] = wc[4 * t];
        } else {
            for (int t = 0; t < 9; t++)
                f[t] = dw_weight(d, c, t);
        }
        for (int t = 0; t < 9; t++)
            wabs += (uint32_t)(f[t] < 0 ? -f[t] : f[t]);
        /* the 6 words of the MAC loop for each rotation r (slot s holds filter row
         * (s - r) mod 3): the (w0, w1) pairs of slots 0-2, (w2 of slot 0, w2 of slot 1),
         * w2 of slot 2, the bytes of sums per row */
        static const int8_t rot[3][3] = {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}};
        uint32_t wr[3][6];
        for (int r = 0; r < (plane ? 1 : 3); r++) {
            const int8_t *fy_of = rot[r];
            for (int s = 0; s < 3; s++)
                wr[r][s] = aot_pack16(f[3 * fy_of[s]], f[3 * fy_of[s] + 1]);
            wr[r][3] = aot_pack16(f[3 * fy_of[0] + 2], f[3 * fy_of[1] + 2]);
            wr[r][4] = aot_pack16(f[3 * fy_of[2] + 2], 0);
            wr[r][5] = 8u * (uint32_t)pairs;
        }
        /* |sum| <= 128 * sum |w| (int8 inputs, padding included); the fast requantization
         * needs the shift <= -1 and 2 |sum + bias| < 2^31 */
        const int32_t bias = d->bias[c];
        const uint32_t bound = 128u * wabs + (bias < 0 ? 0u - (uint32_t)bias : (uint32_t)bias);
        const int fast = d->shift[c] <= -1 && d->shift[c] >= -31 && bound < (1u << 30);
        /* (2 * bias wraps where the bound fails: the fast form is then not used) */
        dw_rq q = {(int32_t)((uint32_t)bias * 2u), d->multiplier[c], -d->shift[c] - 1,
                   1 + 2 * d->output_offset, C, d->act_min, d->act_max, 1, 0, 0};
        if (plane) {
            dw_fill_plane(input + c, (size_t)C, (size_t)d->in_w * C, in_rows, buf + ph,
                          (size_t)R, rp.lead, rp.n, rp.tail, d->input_zero_point);
            uint32_t *const w6 = wr[0];
            w6[5] = 4u * (uint32_t)R;
            q.rows = out_h;
            if (sw == 1) {
                for (int k = 0; k < pairs; k++) {
                    const int n = 2 * k + 1 < out_w ? 2 : 1;
                    if (n == 2)
                        dw_col_s1(buf + (size_t)k * R, sums, sums + 2 * out_h, w6);
                    else /* the odd last column alone */
                        dw_col1_s1(buf + (size_t)k * R, sums, sums + out_h, w6);
                    q.skip = 0, q.outskip = (out_w - n) * C;
                    dw_requant_col(d, c, fast, &q, sums, n, output + c + (size_t)2 * k * C);
                }
            } else {
                q.skip = 0, q.outskip = (out_w - 1) * C;
                for (int ox = 0; ox < out_w; ox++) {
                    dw_col_s2(buf + (size_t)ox * R, sums, sums + out_h, w6);
                    dw_requant_col(d, c, fast, &q, sums, 1, output + c + (size_t)ox * C);
                }
            }
            continue;
        }
#if MCB_AOT_DW_ROWS
        int8_t *out = output + c;
        int32_t *srow = sums;
        for (int oy = 0; oy < out_h; oy++, out += (size_t)out_w * C) {
            const int iy0 = oy * sh - ph, r = dw_mod3(iy0);
            for (int fy = oy ? 3 - fresh : 0; fy < 3; fy++)
                dw_gather_row(d, input, c, iy0 + fy, ring + dw_mod3(iy0 + fy), 3, words, &rp);
            row_fn(ring, srow, 1, wr[r]);
            if (whole) /* each row's odd last sum is overwritten by the next row */
                srow += out_w;
            else
                dw_requant_rows(d, c, fast, &q, sums, out_w, out);
        }
        if (whole) {
            dw_requant_rows(d, c, fast, &q, sums, out_h * out_w, output + c);
        }
#endif
    }
}

/* Tiny planes and the others mcb_aot_dw_tiny gives this path: the 4-channel groups of the
 * group path, each group's input first copied into a padded plane of words, a band of output
 * rows at a time (the zero point around, written once per layer), so that every output takes
 * the inside-the-input 3x3 block (dw_3x3_rq, or the one-call loop dw_tiny_loop) and none the
 * staged border window. */
#define DW_TINY_WORDS MCB_AOT_DW_TINY_WORDS
#if MCB_AOT_DW_TINY
static DW_NOINLINE void dw_tiny(const mcb_aot_dw *d, const int8_t *input, int8_t *output)
{
    const int C = d->channels, C4 = C & ~3, in_h = d->in_h, in_w = d->in_w;
    const int out_h = d->out_h, out_w = d->out_w, sh = d->stride_h, sw = d->stride_w;
    const int ph = d->pad_h, pw = d->pad_w;
    const int Wp = (out_w - 1) * sw + 3;
    /* output rows per band: the padded rows of a band fill at most the buffer (dw_tiny_ok:
     * at least one) */
    int band = (DW_TINY_WORDS / Wp - 3) / sh + 1;
    if (band > out_h)
        band = out_h;
    const int Hb = (band - 1) * sh + 3; /* padded rows of a full band */
    /* the input columns the padded plane holds (VALID may leave some unread) */
    const int cols = in_w < Wp - pw ? in_w : Wp - pw;
    const uint32_t zp4 = (uint32_t)(uint8_t)d->input_zero_point * 0x01010101u;
    uint32_t pad[DW_TINY_WORDS];
    for (int i = 0; i < Hb * Wp; i++)
        pad[i] = zp4;
    const int32_t off = d->output_offset, lo = d->act_min, hi = d->act_max;
#if defined(DW_HAS_RQ)
    const int ff = dw_ff(d);
    (void)ff; /* (one variant compiled: DW_RQF_FN ignores it) */
#endif
    for (int c = 0; c < C4; c += 4) {
        const int8_t *const wg = d->weights + (size_t)c * 9;
#if defined(DW_HAS_RQ)
        dw_group grp = {{d->bias[c], d->bias[c + 1], d->bias[c + 2], d->bias[c + 3]},
                        {d->multiplier[c], d->multiplier[c + 1], d->multiplier[c + 2],
                         d->multiplier[c + 3]},
                        {0}, {0}, {0}, off, lo, hi};
        for (int n = 0; n < 4; n++) {
            const int32_t shn = d->shift[c + n];
            grp.l[n] = shn > 0 ? shn : 0;
            grp.q[n] = shn < 0;
            grp.p[n] = shn < 0 ? -shn - 1 : 0;
        }
        const int f4 = dw_fast4(d, c);
        if (f4)
            grp.off = 1 + 2 * off;
#endif
        for (int oy0 = 0; oy0 < out_h; oy0 += band) {
            const int nb = out_h - oy0 < band ? out_h - oy0 : band;
            /* the band's padded rows: input rows r_lo..r_hi - 1, the others the zero point
             * (the buffer's row may hold an input row of the band before; with one band the
             * first fill stands) */
            const int nr = (nb - 1) * sh + 3, y0 = oy0 * sh - ph;
            const int r_lo = y0 < 0 ? -y0 : 0, r_hi = in_h - y0 < nr ? in_h - y0 : nr;
            if (band < out_h)
                for (int r = 0; r < nr; r++)
                    if (r < r_lo || r >= r_hi)
                        for (int x = 0; x < cols; x++)
                            pad[(size_t)r * Wp + pw + x] = zp4;
            for (int r = r_lo; r < r_hi; r++) {
                const int8_t *src = input + ((size_t)(y0 + r) * in_w) * C + c;
                uint32_t *dst = pad + (size_t)r * Wp + pw;
                for (int x = 0; x < cols; x++, src += C)
                    dst[x] = aot_load32(src);
            }
            int8_t *out = output + (size_t)oy0 * out_w * C + c;
#if defined(DW_HAS_TLOOP)
            if (f4 && ff) { /* the band in one call */
                dw_tloop t = {{grp.b[0], grp.b[1], grp.b[2], grp.b[3]},
                              {grp.m[0], grp.m[1], grp.m[2], grp.m[3]},
                              {grp.p[0], grp.p[1], grp.p[2], grp.p[3]},
                              1 + 2 * off, C, 4 * sw, 4 * (sh * Wp - out_w * sw), out_w, nb, 0,
                              wg, 4 * Wp};
                dw_tiny_loop(pad, out, 0, &t);
                continue;
            }
#endif
            for (int oy = 0; oy < nb; oy++)
                for (int ox = 0; ox < out_w; ox++, out += C) {
                    const int8_t *ip =
                        (const int8_t *)(pad + (size_t)oy * sh * Wp + (size_t)ox * sw);
#if defined(DW_HAS_RQ)
                    (f4 ? DW_RQF_FN(ff) : dw_3x3_rq)(ip, wg, 4, 4 * Wp, &grp, out);
#else
                    int32_t a[4] = {d->bias[c], d->bias[c + 1], d->bias[c + 2], d->bias[c + 3]};
                    dw_3x3_group(ip, wg, 4, 4 * Wp, a);
                    for (int n = 0; n < 4; n++)
                        out[n] = dw_q(a[n], d->multiplier[c + n], d->shift[c + n], off, lo, hi);
#endif
                }
        }
    }
    if (C4 < C) /* the channels beyond a multiple of 4: the group path's own loop */
        dw_rest(d, input, output);
}
#endif

void mcb_aot_dw_s8(const mcb_aot_dw *d, const int8_t *input, int8_t *output)
{
#if MCB_AOT_DW_TINY
    if (mcb_aot_dw_tiny(d)) {
        dw_tiny(d, input, output);
        return;
    }
#endif
#if MCB_AOT_DW_GROUPS
    if (!dw_ring_ok(d)) {
        dw_groups(d, input, output);
        return;
    }
#endif
    dw_ring(d, input, output); /* (without GROUPS every layer not tiny takes it) */
}
