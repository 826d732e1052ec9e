/* CONV_2D int8 with the fused activation, per-channel requantization and (optionally) a fused
 * 2x2/2 max-pool, for the aot engine. Data flow per pooled output pixel: the four conv pixels
 * under the pool window are widened to int16 once (im2col, two pixel pairs interleaved word by
 * word), then for each block of 3 output channels a 2-pixel x 3-channel micro-kernel runs over
 * the patch on SMLAD, for the top and the bottom pair; the epilogue takes the max of the four
 * accumulators, requantizes once and stores one pooled byte per channel. The conv output
 * never exists in memory, and conv rows/columns the pool drops are never computed.
 * Bit-exact with mcb_conv2d_s8 followed by mcb_max_pool2d_s8: see docs/aot-kernels.md for why
 * the max can be taken before requantization. */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* Accumulators of one channel block in scratch: [top pair: pixel A x3, pixel B x3][bottom
 * pair: the same], so the pooling epilogue reads the 4 of a channel from one pointer. */
#define AOT_ACC_STRIDE (4 * MCB_AOT_CONV_BLOCK)

/* Variant switches, for flash: the code generator puts `#define MCB_AOT_CONV_X 0` lines at
 * the top of its copy of this file for the variants no layer of the model takes, and the
 * compiler drops their code (about 1.5 KB for the paper family). Undefined means 1: the whole
 * kernel. Switching off a variant a layer takes gives wrong outputs (POOL, PLAIN, PERM4,
 * NATURAL, PADDED, WRAP) or only slower ones (KW5, KW14).
 *   POOL, PLAIN   a conv with / without the fused pool
 *   PERM4, NATURAL  patches in perm4 / natural order
 *   PADDED        some patch reaches outside the input (padding taps)
 *   WRAP          a pooled conv with some shift > 0 (requantization not monotonic)
 *   KW5, KW14     the first layers' straight block loops (kw = 5, kw = 14), int16 weights
 *   SHIFT0        a pooled conv with every shift <= 0 and some shift = 0 (the compiled C
 *                 epilogue instead of the assembly one)
 *   W16, W8       some layer has int16 / int8 weights
 *   W8KW6, W8KW14 the first layers' straight block loops with int8 weights (kw = 6, 14)
 *   W8KW6H        the same for kw = 6 when the last k-word is all padding (3x3x1: 9 values
 *                 of 12), which it skips
 *   CLAMP         a pooled conv or a conv_c3 layer whose activation range is not all of
 *                 int8 (the pooled assembly epilogue clamps with 2 compares; without, one
 *                 SSAT; conv_c3's compiled C epilogue)
 *   C1            some conv takes conv_c1 (mcb_aot_conv_c1_ok: pooled 3x3 stride 1, one input
 *                 channel)
 *   C1U           some conv takes conv_c1u (mcb_aot_conv_c1u_ok: unpooled 3x3 stride 1 or 2,
 *                 one input channel)
 *   PW8           some conv takes conv_pw8 (mcb_aot_conv_pw8_ok: pointwise, 8 input channels)
 *   C3            some conv takes conv_c3 (mcb_aot_conv_c3_ok: 3x3 stride 1, three input
 *                 channels, an even out_c)
 *   C3S2          some conv_c3 layer has stride 2 (unpooled; its default is in mcb_aot.h,
 *                 whose predicate reads it)
 *   SPLIT         some conv stores its partial last block unpadded (mcb_aot_conv_split): the
 *                 dot products of split_tail
 *   NATGEN        some natural-order conv is not served by patch4_3x3 alone (it is not a
 *                 pooled 3x3 stride-1 conv with 1 or 3 input channels, int8 weights and no
 *                 tap outside the input): patch()'s natural-order code */
#ifndef MCB_AOT_CONV_POOL
#define MCB_AOT_CONV_POOL 1
#endif
#ifndef MCB_AOT_CONV_SPLIT
#define MCB_AOT_CONV_SPLIT 1
#endif
#ifndef MCB_AOT_CONV_PLAIN
#define MCB_AOT_CONV_PLAIN 1
#endif
#ifndef MCB_AOT_CONV_PERM4
#define MCB_AOT_CONV_PERM4 1
#endif
#ifndef MCB_AOT_CONV_NATURAL
#define MCB_AOT_CONV_NATURAL 1
#endif
#ifndef MCB_AOT_CONV_PADDED
#define MCB_AOT_CONV_PADDED 1
#endif
#ifndef MCB_AOT_CONV_WRAP
#define MCB_AOT_CONV_WRAP 1
#endif
#ifndef MCB_AOT_CONV_KW5
#define MCB_AOT_CONV_KW5 1
#endif
#ifndef MCB_AOT_CONV_KW14
#define MCB_AOT_CONV_KW14 1
#endif
#ifndef MCB_AOT_CONV_SHIFT0
#define MCB_AOT_CONV_SHIFT0 1
#endif
#ifndef MCB_AOT_CONV_W16
#define MCB_AOT_CONV_W16 1
#endif
#ifndef MCB_AOT_CONV_W8
#define MCB_AOT_CONV_W8 1
#endif
#ifndef MCB_AOT_CONV_CLAMP
#define MCB_AOT_CONV_CLAMP 1
#endif
#ifndef MCB_AOT_CONV_NATGEN
#define MCB_AOT_CONV_NATGEN 1
#endif
#ifndef MCB_AOT_CONV_W8KW6H
#define MCB_AOT_CONV_W8KW6H 1
#endif
#ifndef MCB_AOT_CONV_W8KW6
#define MCB_AOT_CONV_W8KW6 1
#endif
#ifndef MCB_AOT_CONV_W8KW14
#define MCB_AOT_CONV_W8KW14 1
#endif
#ifndef MCB_AOT_CONV_C1
#define MCB_AOT_CONV_C1 1
#endif
#ifndef MCB_AOT_CONV_C3
#define MCB_AOT_CONV_C3 1
#endif
#ifndef MCB_AOT_CONV_C1U
#define MCB_AOT_CONV_C1U 1
#endif
#ifndef MCB_AOT_CONV_PW8
#define MCB_AOT_CONV_PW8 1
#endif

#if defined(__GNUC__)
#define AOT_INLINE static inline __attribute__((always_inline))
#else
#define AOT_INLINE static inline
#endif

static size_t c3_scratch_words(const mcb_aot_conv *c);
static size_t c1u_scratch_words(const mcb_aot_conv *c);
static size_t pw8_scratch_words(const mcb_aot_conv *c);

size_t mcb_aot_conv_scratch_bytes(const mcb_aot_conv *c)
{
    /* pixel-pair buffers (2 widened patches each), then 4 accumulators per padded channel */
    const size_t pairs = c->pool ? 2 : 1;
    const size_t n = pairs * 2 * (size_t)c->kw + (size_t)c->n_blocks * AOT_ACC_STRIDE;
    /* conv_c1: the maxima of one channel's pooled plane */
    const size_t plane = (size_t)c->out_h * c->out_w;
    if (MCB_AOT_CONV_C3 && mcb_aot_conv_c3_ok(c))
        return 4 * c3_scratch_words(c);
    if (MCB_AOT_CONV_C1U && mcb_aot_conv_c1u_ok(c))
        return 4 * c1u_scratch_words(c);
    if (MCB_AOT_CONV_PW8 && mcb_aot_conv_pw8_ok(c))
        return 4 * pw8_scratch_words(c);
    return 4 * (MCB_AOT_CONV_C1 && mcb_aot_conv_c1_ok(c) && plane > n ? plane : n);
}

/* One input value of the patch: row iy, column ix, channel ch, or the zero point outside the
 * image (padding taps then contribute nothing once the folded bias is added). */
static int32_t tap(const mcb_aot_conv *c, const int8_t *in, int iy, int ix, int ch)
{
    if (iy < 0 || iy >= c->in_h || ix < 0 || ix >= c->in_w)
        return c->input_zero_point;
    return in[((size_t)iy * c->in_w + ix) * c->in_c + ch];
}

/* Words of the byte buffer of the short natural patches with int8 weights (patch()): up to
 * 64 values. */
#define AOT_GATHER_WORDS 16

/* Value t of a natural-order patch: halfword t%2 of lane word t/2; with int8 weights (perm)
 * the perm4 position: halfword (t/2)%2 of lane word 2*(t/4) + t%2. */
static inline void put16(uint8_t *db, int perm, int t, int32_t v)
{
    const int16_t h = (int16_t)v;
    const size_t at = perm ? 8 * (size_t)(2 * (t >> 2) + (t & 1)) + 2 * ((t >> 1) & 1)
                           : 8 * (size_t)(t >> 1) + 2 * (t & 1);
    memcpy(db + at, &h, 2);
}

/* Writes the widened patch of conv pixel (oy, ox) into d[0], d[2], d[4], ... (one lane of a
 * pixel pair). */
static void patch(const mcb_aot_conv *c, const int8_t *in, int oy, int ox, uint32_t *d)
{
    const int run = c->filter_w * c->in_c; /* values per filter row */
    const int iy0 = oy * c->stride_h - c->pad_h;
    const int ix0 = ox * c->stride_w - c->pad_w;
    const int cols_inside = !MCB_AOT_CONV_PADDED || (ix0 >= 0 && ix0 + c->filter_w <= c->in_w);
    if (MCB_AOT_CONV_PERM4 && (!MCB_AOT_CONV_NATURAL || !MCB_AOT_CONV_NATGEN || c->perm4)) {
        for (int fy = 0; fy < c->filter_h; fy++) {
            uint32_t *dr = d + (size_t)fy * run; /* run/2 words per row, lane stride 2 */
            const int iy = iy0 + fy;
            if (!MCB_AOT_CONV_PADDED || (cols_inside && iy >= 0 && iy < c->in_h)) {
                /* The common case: a filter row is run contiguous bytes of the input. */
                const int8_t *s = in + ((size_t)iy * c->in_w + ix0) * c->in_c;
                const int8_t *const end = s + run;
                uint32_t *o = dr;
                /* two groups per step, loads first: ldr, ldr, 4 sxtb16, 4 str */
                for (; s + 8 <= end; s += 8, o += 8) {
                    const uint32_t x0 = aot_load32(s), x1 = aot_load32(s + 4);
                    o[0] = aot_sxtb16(x0);
                    o[2] = aot_sxtb16_ror8(x0);
                    o[4] = aot_sxtb16(x1);
                    o[6] = aot_sxtb16_ror8(x1);
                }
                if (s < end) {
                    const uint32_t x = aot_load32(s);
                    o[0] = aot_sxtb16(x);
                    o[2] = aot_sxtb16_ror8(x);
                }
            } else if (MCB_AOT_CONV_PATCH4 && mcb_aot_conv_patch4(c)) {
                /* A row at the border, whole groups per filter column (in_c % 4 == 0): a
                 * column inside is in_c contiguous bytes widened as above, a column (or the
                 * whole row) outside the input is the zero point; tap() per value cost about
                 * 25 cycles a value (ResNet-8: 0.3 M cycles per 3x3 layer). */
                const uint32_t z = aot_pack16(c->input_zero_point, c->input_zero_point);
                const int inside_row = iy >= 0 && iy < c->in_h;
                uint32_t *o = dr;
                for (int fx = 0; fx < c->filter_w; fx++) {
                    const int ix = ix0 + fx;
                    if (inside_row && ix >= 0 && ix < c->in_w) {
                        const int8_t *s = in + ((size_t)iy * c->in_w + ix) * c->in_c;
                        for (int g = 0; g < c->in_c; g += 4, o += 4) {
                            const uint32_t x = aot_load32(s + g);
                            o[0] = aot_sxtb16(x);
                            o[2] = aot_sxtb16_ror8(x);
                        }
                    } else {
                        for (int g = 0; g < c->in_c; g += 4, o += 4)
                            o[0] = z, o[2] = z;
                    }
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
    /* Natural order (the first layers: 1 or 3 input channels): value t is halfword t%2 of
     * lane word t/2, i.e. byte 8*(t/2) + 2*(t%2) of the pair buffer (perm4 positions with
     * int8 weights, put16). */
    uint8_t *db = (uint8_t *)d;
    const int perm = MCB_AOT_CONV_W8 && (!MCB_AOT_CONV_W16 || c->int8w);
    if (perm && c->kw <= 2 * AOT_GATHER_WORDS) {
        /* int8 weights, short patch (the first layers: 9 or 27 values): gather the patch's
         * bytes in order into a small word buffer (zero pad), then widen it 4 bytes at a time
         * as the perm4 path does: the perm4 positions of values 4g..4g+3 are what SXTB16 and
         * SXTB16 ROR 8 make of word g. About 4x fewer cycles than placing the values one by
         * one (put16). */
        uint32_t gw[AOT_GATHER_WORDS];
        int8_t *g = (int8_t *)gw;
        const int nwords = c->kw / 2;
        gw[nwords - 1] = 0; /* the pad values (their weights are zero) */
        int t = 0;
        for (int fy = 0; fy < c->filter_h; fy++, t += run) {
            const int iy = iy0 + fy;
            if (!MCB_AOT_CONV_PADDED || (cols_inside && iy >= 0 && iy < c->in_h)) {
                const int8_t *s = in + ((size_t)iy * c->in_w + ix0) * c->in_c;
                for (int r = 0; r < run; r++)
                    g[t + r] = s[r];
            } else {
                for (int r = 0; r < run; r++)
                    g[t + r] = (int8_t)tap(c, in, iy, ix0 + r / c->in_c, r % c->in_c);
            }
        }
        for (int k = 0; k < nwords; k++, d += 4) {
            const uint32_t x = gw[k];
            d[0] = aot_sxtb16(x);
            d[2] = aot_sxtb16_ror8(x);
        }
        return;
    }
    int t = 0;
    for (int fy = 0; fy < c->filter_h; fy++) {
        const int iy = iy0 + fy;
        if (!MCB_AOT_CONV_PADDED || (cols_inside && iy >= 0 && iy < c->in_h)) {
            const int8_t *s = in + ((size_t)iy * c->in_w + ix0) * c->in_c;
            for (int r = 0; r < run; r++, t++)
                put16(db, perm, t, s[r]);
        } else {
            for (int fx = 0; fx < c->filter_w; fx++)
                for (int ch = 0; ch < c->in_c; ch++, t++)
                    put16(db, perm, t, tap(c, in, iy, ix0 + fx, ch));
        }
    }
    if (perm)
        for (; t < 2 * c->kw; t++)
            put16(db, 1, t, 0); /* the pad values (their weights are zero) */
    else if (t & 1)
        put16(db, 0, t, 0);
}

/* One 3x3 patch of run = 3 (one input channel) or 9 (three) bytes per filter row, widened:
 * the bytes gathered in order with constant-size copies (inlined: no loop, no call), padded
 * with zeros, then widened 4 at a time into the perm4 positions of lane words d[0], d[2].. */
AOT_INLINE void patch_3x3(const int8_t *s, size_t row, int run, uint32_t *d)
{
    uint32_t gw[7];
    int8_t *g = (int8_t *)gw;
    const int nwords = (3 * run + 3) / 4;
    gw[nwords - 1] = 0;
    memcpy(g, s, (size_t)run);
    memcpy(g + run, s + row, (size_t)run);
    memcpy(g + 2 * run, s + 2 * row, (size_t)run);
    for (int k = 0; k < nwords; k++, d += 4) {
        d[0] = aot_sxtb16(gw[k]);
        d[2] = aot_sxtb16_ror8(gw[k]);
    }
}

/* The 4 patches of a pool window (conv pixels (oy, ox), (oy, ox+1) into top's lanes 0 and 1,
 * (oy+1, ox), (oy+1, ox+1) into bot's), 3x3 filter, stride 1, every tap inside, int8
 * weights: cin 1 (run 3: 3x3x1, kw 6) or 3 (run 9: 3x3x3, kw 14). s: the window's top-left
 * input byte, row: bytes per input row. What patch() does 4 times, without its per-call
 * set-up: about 170 cycles per window (3x3x1) instead of 1,100. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void patch4_3x3(const int8_t *s, size_t row, int cin, uint32_t *top, uint32_t *bot)
{
    /* a loop over the 4 pixels, not 4 copies: 0.25 KB less flash for ~10 cycles a window */
    for (int p = 0; p < 4; p++) {
        const int8_t *sp = s + (p >> 1) * row + (p & 1) * cin;
        uint32_t *d = (p >> 1 ? bot : top) + (p & 1);
        if (MCB_AOT_CONV_W8KW6H && cin == 1)
            patch_3x3(sp, row, 3, d);
        else
            patch_3x3(sp, row, 9, d);
    }
}

/* The micro-kernel: acc[p*3 + n] = bias[n] + dot(patch of pixel p, weights of channel n) for
 * the 2 pixels interleaved in x and the 3 channels interleaved in w, over kw k-words.
 *
 * Register budget: 6 accumulators, the 2 pixel words and 3 weight words of one k-word, and the
 * 2 stream pointers = 13 registers (r0-r12 and lr are 14; with a frame pointer 13), which is
 * why the block is 2 pixels x 3 channels. One k-word ("group", 12 MACs), Cortex-M4 timings:
 *     ldr b,[x,#4]; ldr a,[x],#8; ldr w1,[w,#4]; ldr w2,[w,#8]; ldr w0,[w],#12
 *         5 loads back to back: 2 + 1+1+1+1 = 6 cycles (the post-increments are free, and
 *         no load uses a base register written by the load just before it)
 *     6 x smlad, the first ones reading the registers loaded earliest   = 6 cycles
 *   = 12 cycles per 12 MACs. The loop body is 32 groups, then the end pointer is reloaded
 *   from the stack into a free register (ldr 2), cmp 1, bne 1+2: 384 + 6 = 390 cycles per
 *   384 MACs = 1.016 cycles/MAC. The kw % 32 remaining groups run in a one-group loop
 *   (18 cycles each); the first layers' kw = 5 and 14 have straight code (pair_all_blocks).
 * GCC's own schedule of the same C interleaves loads with SMLADs (each load then costs 2
 * cycles) and spills the end pointer: about 1.6 cycles/MAC counted on its output. Hence the
 * inline assembly on the DSP path; the portable path below is the same arithmetic.
 * The assembly needs 13 free registers, which GCC finds when optimizing (with or without a
 * frame pointer) but not at -O0; there the C loop runs on the intrinsics. */
#if MCB_AOT_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
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
#define AOT_GROUP4 AOT_GROUP AOT_GROUP AOT_GROUP AOT_GROUP
/* w1 and w2 in low registers ("l": r0-r7): with w (GCC puts it there too) their loads with an
 * immediate offset get 16-bit encodings, 40 bytes per group instead of 44, same cycles:
 * 0.2 KB less flash over the 32-group loop and the first layers' straight code. Asking for
 * more low registers leaves no allocation when r7 is the frame pointer. */
#define AOT_OUTS                                                                               \
    [s00] "+r"(s00), [s01] "+r"(s01), [s02] "+r"(s02), [s10] "+r"(s10), [s11] "+r"(s11),       \
        [s12] "+r"(s12), [x] "+r"(xp), [w] "+r"(wp), [a] "=&r"(a), [b] "=&r"(b),              \
        [w0] "=&r"(w0), [w1] "=&l"(w1), [w2] "=&l"(w2)

AOT_INLINE void micro_2x3(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                          int32_t acc[6])
{
    int32_t s00 = bias[0], s01 = bias[1], s02 = bias[2];
    int32_t s10 = bias[0], s11 = bias[1], s12 = bias[2];
    const uint32_t *xp = x;
    const int32_t *wp = w;
    uint32_t a, b, w0, w1, w2;
    if (kw >= 32) {
        /* the end pointer stays in memory: all 13 registers are in use; it is reloaded
         * into a free one after the last SMLAD that reads it */
        const uint32_t *end = xp + 2 * (size_t)(kw & ~31);
        __asm__ volatile(".p2align 2\n"
                         "1:\n\t" AOT_GROUP4 AOT_GROUP4 AOT_GROUP4 AOT_GROUP4 AOT_GROUP4
                             AOT_GROUP4 AOT_GROUP4 AOT_GROUP4
                         "ldr %[a], %[end]\n\t"
                         "cmp %[x], %[a]\n\t"
                         "bne 1b\n\t"
                         : AOT_OUTS
                         : [end] "m"(end)
                         : "cc", "memory");
    }
    if (kw & 31) {
        /* the rest one group at a time (18 cycles per group instead of 12.2) */
        const uint32_t *end = xp + 2 * (size_t)(kw & 31);
        __asm__ volatile("2:\n\t" AOT_GROUP
                         "ldr %[a], %[end]\n\t"
                         "cmp %[x], %[a]\n\t"
                         "bne 2b\n\t"
                         : AOT_OUTS
                         : [end] "m"(end)
                         : "cc", "memory");
    }
    acc[0] = s00, acc[1] = s01, acc[2] = s02;
    acc[3] = s10, acc[4] = s11, acc[5] = s12;
}
#else
AOT_INLINE void micro_2x3(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
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

/* The same micro-kernel with int8 weights: one word holds the 4 int8 weights of a channel for
 * 2 k-words ("quad", 24 MACs), widened with SXTB16 (k-word 2g: bytes 0 and 2) and SXTB16 ROR 8
 * (k-word 2g+1: bytes 1 and 3), matching the perm4 patch order. 14 registers: the 6
 * accumulators, 2 pixel words, the 3 raw weight words, one widened word and the 2 pointers
 * (r0-r12 and lr: no frame pointer). One quad, Cortex-M4 timings:
 *     ldr b; ldr a; ldr w1; ldr w2; ldr w0       5 loads back to back         6 cycles
 *     3 x (sxtb16 t, wn; smlad; smlad)           k-word 2g                     9
 *     ldr b; ldr a                               pixel words of k-word 2g+1   3
 *     3 x (sxtb16 wn, wn, ror #8; smlad; smlad)  k-word 2g+1                   9
 *   = 27 cycles per 24 MACs (1.125), against 24 with int16 weights: the price of storing one
 *   byte per weight. The loop body is 8 quads (16 k-words: 0.6 KB less flash than 16 quads
 *   for about 0.7% more cycles), then the rest one quad at a
 *   time. */
#if defined(AOT_GROUP)
#define AOT_QUAD8                                                                              \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "ldr %[w1], [%[w], #4]\n\t"                                                                \
    "ldr %[w2], [%[w], #8]\n\t"                                                                \
    "ldr %[w0], [%[w]], #12\n\t"                                                               \
    "sxtb16 %[t], %[w1]\n\t"                                                                   \
    "smlad %[s01], %[a], %[t], %[s01]\n\t"                                                     \
    "smlad %[s11], %[b], %[t], %[s11]\n\t"                                                     \
    "sxtb16 %[t], %[w2]\n\t"                                                                   \
    "smlad %[s02], %[a], %[t], %[s02]\n\t"                                                     \
    "smlad %[s12], %[b], %[t], %[s12]\n\t"                                                     \
    "sxtb16 %[t], %[w0]\n\t"                                                                   \
    "smlad %[s00], %[a], %[t], %[s00]\n\t"                                                     \
    "smlad %[s10], %[b], %[t], %[s10]\n\t"                                                     \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "sxtb16 %[w1], %[w1], ror #8\n\t"                                                          \
    "smlad %[s01], %[a], %[w1], %[s01]\n\t"                                                    \
    "smlad %[s11], %[b], %[w1], %[s11]\n\t"                                                    \
    "sxtb16 %[w2], %[w2], ror #8\n\t"                                                          \
    "smlad %[s02], %[a], %[w2], %[s02]\n\t"                                                    \
    "smlad %[s12], %[b], %[w2], %[s12]\n\t"                                                    \
    "sxtb16 %[w0], %[w0], ror #8\n\t"                                                          \
    "smlad %[s00], %[a], %[w0], %[s00]\n\t"                                                    \
    "smlad %[s10], %[b], %[w0], %[s10]\n\t"
#define AOT_QUAD8x4 AOT_QUAD8 AOT_QUAD8 AOT_QUAD8 AOT_QUAD8
/* The first half of a quad (k-word 2g only), for a last group whose k-word 2g+1 holds only
 * pad values: the pointers advance as after a whole quad. 15 cycles instead of 27. */
#define AOT_HALF8                                                                              \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #16\n\t"                                                                \
    "ldr %[w1], [%[w], #4]\n\t"                                                                \
    "ldr %[w2], [%[w], #8]\n\t"                                                                \
    "ldr %[w0], [%[w]], #12\n\t"                                                               \
    "sxtb16 %[t], %[w1]\n\t"                                                                   \
    "smlad %[s01], %[a], %[t], %[s01]\n\t"                                                     \
    "smlad %[s11], %[b], %[t], %[s11]\n\t"                                                     \
    "sxtb16 %[t], %[w2]\n\t"                                                                   \
    "smlad %[s02], %[a], %[t], %[s02]\n\t"                                                     \
    "smlad %[s12], %[b], %[t], %[s12]\n\t"                                                     \
    "sxtb16 %[t], %[w0]\n\t"                                                                   \
    "smlad %[s00], %[a], %[t], %[s00]\n\t"                                                     \
    "smlad %[s10], %[b], %[t], %[s10]\n\t"
#define AOT_OUTS8                                                                              \
    [s00] "+r"(s00), [s01] "+r"(s01), [s02] "+r"(s02), [s10] "+r"(s10), [s11] "+r"(s11),       \
        [s12] "+r"(s12), [x] "+r"(xp), [w] "+r"(wp), [a] "=&r"(a), [b] "=&r"(b),              \
        [w0] "=&r"(w0), [w1] "=&l"(w1), [w2] "=&l"(w2), [t] "=&r"(t)

AOT_INLINE void micro_2x3_w8(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                             int32_t acc[6])
{
    int32_t s00 = bias[0], s01 = bias[1], s02 = bias[2];
    int32_t s10 = bias[0], s11 = bias[1], s12 = bias[2];
    const uint32_t *xp = x;
    const int32_t *wp = w;
    uint32_t a, b, w0, w1, w2, t;
    if (kw >= 8) {
        const uint32_t *end = xp + 2 * (size_t)(kw & ~7);
        __asm__ volatile(".p2align 2\n"
                         "1:\n\t" AOT_QUAD8x4
                         "ldr %[a], %[end]\n\t"
                         "cmp %[x], %[a]\n\t"
                         "bne 1b\n\t"
                         : AOT_OUTS8
                         : [end] "m"(end)
                         : "cc", "memory");
    }
    if (kw & 7) {
        const uint32_t *end = xp + 2 * (size_t)(kw & 7);
        __asm__ volatile("2:\n\t" AOT_QUAD8
                         "ldr %[a], %[end]\n\t"
                         "cmp %[x], %[a]\n\t"
                         "bne 2b\n\t"
                         : AOT_OUTS8
                         : [end] "m"(end)
                         : "cc", "memory");
    }
    acc[0] = s00, acc[1] = s01, acc[2] = s02;
    acc[3] = s10, acc[4] = s11, acc[5] = s12;
}
#else
AOT_INLINE void micro_2x3_w8(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                             int32_t acc[6])
{
    int32_t s[2][3];
    for (int n = 0; n < 3; n++)
        s[0][n] = s[1][n] = bias[n];
    const uint32_t *wp = (const uint32_t *)w;
    for (int j = 0; j < kw; j += 2, x += 4, wp += 3)
        for (int n = 0; n < 3; n++) {
            const uint32_t lo = aot_sxtb16(wp[n]), hi = aot_sxtb16_ror8(wp[n]);
            s[0][n] = aot_smlad(x[2], hi, aot_smlad(x[0], lo, s[0][n]));
            s[1][n] = aot_smlad(x[3], hi, aot_smlad(x[1], lo, s[1][n]));
        }
    for (int n = 0; n < 3; n++)
        acc[n] = s[0][n], acc[3 + n] = s[1][n];
}
#endif

/* pair_all_blocks' int8w argument: 0 int16 weights, 1 int8, 2 int8 with a last k-word of
 * pad values only (values 2kw-3 and 2kw-1 of the patch, perm4 positions). */
static int w8_mode(const mcb_aot_conv *c)
{
    if (!c->int8w)
        return 0;
    return c->filter_h * c->filter_w * c->in_c <= 2 * c->kw - 3 ? 2 : 1;
}

/* The micro-kernel over every channel block for one pixel pair: acc[12b + p*3 + n]. Not
 * inlined, so the assembly sees the same small register context wherever it is called, and
 * the call overhead is paid once per pixel pair, not per block (it matters for the first
 * layers, where a block is only kw = 5 or 14 k-words). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void pair_all_blocks(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                            int n_blocks, int32_t *acc, int int8w)
{
    const int w8 = MCB_AOT_CONV_W8 && (!MCB_AOT_CONV_W16 || int8w);
#if defined(AOT_GROUP)
    /* The first layers' short patches (kw = 5: MNIST, 14: CIFAR-10): the whole loop over the
     * blocks in assembly, with the bias, accumulator and end pointers kept on the stack (no
     * register is left), so a block costs its groups plus about 25 cycles (bias loads, 6
     * stores, pointer updates) instead of the ~55 of the compiled C loop around the groups. */
#define AOT_SHORT_BLOCKS(GROUPS, KW, WPC, OUTS, VARS)                                          \
    {                                                                                          \
        const uint32_t *xp = x;                                                                \
        const int32_t *wp = w, *bp = bias;                                                     \
        int32_t *ap = acc;                                                                     \
        const int32_t *const wend = w + (size_t)n_blocks * (WPC)*MCB_AOT_CONV_BLOCK;           \
        int32_t s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0;                          \
        VARS                                                                                   \
        __asm__ volatile("1:\n\t"                                                              \
                         "ldr %[a], %[bp]\n\t"                                                 \
                         "ldr %[s00], [%[a]]\n\t"                                              \
                         "ldr %[s01], [%[a], #4]\n\t"                                          \
                         "ldr %[s02], [%[a], #8]\n\t"                                          \
                         "add %[a], %[a], #12\n\t"                                             \
                         "str %[a], %[bp]\n\t"                                                 \
                         "mov %[s10], %[s00]\n\t"                                              \
                         "mov %[s11], %[s01]\n\t"                                              \
                         "mov %[s12], %[s02]\n\t" GROUPS "ldr %[a], %[ap]\n\t"                 \
                         "str %[s00], [%[a]]\n\t"                                              \
                         "str %[s01], [%[a], #4]\n\t"                                          \
                         "str %[s02], [%[a], #8]\n\t"                                          \
                         "str %[s10], [%[a], #12]\n\t"                                         \
                         "str %[s11], [%[a], #16]\n\t"                                         \
                         "str %[s12], [%[a], #20]\n\t"                                         \
                         "add %[a], %[a], #48\n\t"                                             \
                         "str %[a], %[ap]\n\t"                                                 \
                         "sub %[x], %[x], #" #KW "*8\n\t"                                      \
                         "ldr %[a], %[wend]\n\t"                                               \
                         "cmp %[w], %[a]\n\t"                                                  \
                         "bne 1b\n\t"                                                          \
                         : OUTS, [bp] "+m"(bp), [ap] "+m"(ap)                                  \
                         : [wend] "m"(wend)                                                    \
                         : "cc", "memory");                                                    \
    }
#define AOT_OUTS16_VARS uint32_t a, b, w0, w1, w2;
#define AOT_OUTS8_VARS uint32_t a, b, w0, w1, w2, t;
    if (MCB_AOT_CONV_W8KW6H && int8w == 2 && kw == 6) {
        AOT_SHORT_BLOCKS(AOT_QUAD8 AOT_QUAD8 AOT_HALF8, 6, 3, AOT_OUTS8, AOT_OUTS8_VARS)
        return;
    }
    if (MCB_AOT_CONV_W8KW6 && w8 && kw == 6) {
        AOT_SHORT_BLOCKS(AOT_QUAD8 AOT_QUAD8 AOT_QUAD8, 6, 3, AOT_OUTS8, AOT_OUTS8_VARS)
        return;
    }
    if (MCB_AOT_CONV_W8KW14 && w8 && kw == 14) {
        AOT_SHORT_BLOCKS(AOT_QUAD8x4 AOT_QUAD8 AOT_QUAD8 AOT_QUAD8, 14, 7, AOT_OUTS8,
                         AOT_OUTS8_VARS)
        return;
    }
    if (MCB_AOT_CONV_KW5 && !w8 && kw == 5) {
        AOT_SHORT_BLOCKS(AOT_GROUP4 AOT_GROUP, 5, 5, AOT_OUTS, AOT_OUTS16_VARS)
        return;
    }
    if (MCB_AOT_CONV_KW14 && !w8 && kw == 14) {
        AOT_SHORT_BLOCKS(AOT_GROUP4 AOT_GROUP4 AOT_GROUP4 AOT_GROUP AOT_GROUP, 14, 14, AOT_OUTS,
                         AOT_OUTS16_VARS)
        return;
    }
#undef AOT_SHORT_BLOCKS
#endif
    if (w8) {
        for (int b = 0; b < n_blocks; b++) {
            micro_2x3_w8(x, w, kw, bias, acc);
            w += (size_t)kw / 2 * MCB_AOT_CONV_BLOCK;
            bias += MCB_AOT_CONV_BLOCK;
            acc += AOT_ACC_STRIDE;
        }
        return;
    }
    for (int b = 0; MCB_AOT_CONV_W16 && b < n_blocks; b++) {
        micro_2x3(x, w, kw, bias, acc);
        w += (size_t)kw * MCB_AOT_CONV_BLOCK;
        bias += MCB_AOT_CONV_BLOCK;
        acc += AOT_ACC_STRIDE;
    }
}

/* The last, partial block of a split layer (mcb_aot_conv_split): its rem = 1 or 2 channels as
 * plain dot products over their unpadded int8 weights (w: kw/2 words per channel, one after
 * the other), acc[p*3 + n] as pair_all_blocks; the padding slots get the bias (0), since the
 * epilogues read whole blocks. Two channels per pass sharing the pixel loads (with rem = 1 the
 * second is the first again, its sums unused): about 24 cycles per quad against the 27 of the
 * padded block. */
static void split_tail(const uint32_t *x, const int32_t *w, int kw, const int32_t *bias,
                       int rem, int32_t *acc)
{
    const uint32_t *w0 = (const uint32_t *)w, *w1 = w0 + (rem > 1 ? kw / 2 : 0);
    const uint32_t *const end = x + 2 * (size_t)kw;
    int32_t a0 = bias[0], a1 = bias[0], b0 = bias[1], b1 = bias[1];
#if defined(AOT_GROUP)
    /* GCC spills this loop (12 registers); per quad: 4 loads back to back, 2 x (2 SXTB16, 4
     * SMLAD), 2 loads, the end test */
    uint32_t a, b, u, v, t;
    __asm__ volatile("1:\n\t"
                     "ldr %[b], [%[x], #4]\n\t"
                     "ldr %[a], [%[x]], #8\n\t"
                     "ldr %[u], [%[w0]], #4\n\t"
                     "ldr %[v], [%[w1]], #4\n\t"
                     "sxtb16 %[t], %[u]\n\t"
                     "smlad %[a0], %[a], %[t], %[a0]\n\t"
                     "smlad %[a1], %[b], %[t], %[a1]\n\t"
                     "sxtb16 %[t], %[v]\n\t"
                     "smlad %[b0], %[a], %[t], %[b0]\n\t"
                     "smlad %[b1], %[b], %[t], %[b1]\n\t"
                     "ldr %[b], [%[x], #4]\n\t"
                     "ldr %[a], [%[x]], #8\n\t"
                     "sxtb16 %[t], %[u], ror #8\n\t"
                     "smlad %[a0], %[a], %[t], %[a0]\n\t"
                     "smlad %[a1], %[b], %[t], %[a1]\n\t"
                     "sxtb16 %[t], %[v], ror #8\n\t"
                     "smlad %[b0], %[a], %[t], %[b0]\n\t"
                     "smlad %[b1], %[b], %[t], %[b1]\n\t"
                     "cmp %[x], %[end]\n\t"
                     "bne 1b\n\t"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [x] "+r"(x),
                       [w0] "+r"(w0), [w1] "+r"(w1), [a] "=&r"(a), [b] "=&r"(b), [u] "=&r"(u),
                       [v] "=&r"(v), [t] "=&r"(t)
                     : [end] "r"(end)
                     : "cc", "memory");
#else
    for (; x != end; x += 4) {
        const uint32_t u = *w0++, v = *w1++;
        a0 = aot_smlad(x[0], aot_sxtb16(u), a0), a1 = aot_smlad(x[1], aot_sxtb16(u), a1);
        b0 = aot_smlad(x[0], aot_sxtb16(v), b0), b1 = aot_smlad(x[1], aot_sxtb16(v), b1);
        a0 = aot_smlad(x[2], aot_sxtb16_ror8(u), a0), a1 = aot_smlad(x[3], aot_sxtb16_ror8(u), a1);
        b0 = aot_smlad(x[2], aot_sxtb16_ror8(v), b0), b1 = aot_smlad(x[3], aot_sxtb16_ror8(v), b1);
    }
#endif
    acc[0] = a0, acc[3] = a1;
    acc[1] = rem > 1 ? b0 : bias[1], acc[4] = rem > 1 ? b1 : bias[1];
    acc[2] = acc[5] = bias[2];
}

/* pair_all_blocks over every block of c; split: c->split (channels of an unpadded last
 * block), the full blocks there
 * and the partial last one in split_tail. */
static void layer_blocks(const mcb_aot_conv *c, int split, const uint32_t *x, int32_t *acc,
                         int w8)
{
    const int nb = c->n_blocks - (MCB_AOT_CONV_SPLIT && split > 0);
    if (nb > 0) /* (the short block loops run at least once) */
        pair_all_blocks(x, c->weights, c->kw, c->bias, nb, acc, w8);
    if (MCB_AOT_CONV_SPLIT && split)
        split_tail(x, c->weights + (size_t)nb * (size_t)(c->kw / 2) * MCB_AOT_CONV_BLOCK,
                   c->kw, c->bias + (size_t)nb * MCB_AOT_CONV_BLOCK,
                   split, acc + (size_t)nb * AOT_ACC_STRIDE);
}

/* x / 2^e rounded to nearest, ties away from zero (mcb_rdbpot) with a 32-bit mask: a 64-bit
 * variable shift costs a branch on the M4. 0 <= e <= 31. */
AOT_INLINE int32_t rdbpot(int32_t x, int e)
{
    const uint32_t mask = ((uint32_t)1 << e) - 1u;
    const int32_t rem = (int32_t)((uint32_t)x & mask);
    const int32_t thr = (int32_t)(mask >> 1) + (x < 0);
    return (x >> e) + (rem > thr);
}

/* floor((x*m + 2^30) / 2^31): gemmlowp's SaturatingRoundingDoublingHighMul for a multiplier
 * m >= 0 (all TFLite produces; the two differ only for x = m = INT32_MIN). One SMLAL and two
 * ALU ops on the target instead of a 64-bit division. */
AOT_INLINE int32_t high_mul(int32_t x, int32_t m)
{
    return (int32_t)(((int64_t)x * m + (1LL << 30)) >> 31);
}

/* TFLM MultiplyByQuantizedMultiplier for m >= 0. */
AOT_INLINE int32_t requant(int32_t acc, int32_t m, int32_t shift)
{
    if (shift > 0)
        return high_mul(mcb_shl_wrap(acc, (int)shift), m);
    return rdbpot(high_mul(acc, m), (int)-shift);
}

AOT_INLINE int32_t max32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

/* The rare left-shift case (multiplier > 1): the shift may wrap, so requantization is not
 * monotonic; requantize each of the 4 accumulators (a[0], a[3], a[6], a[9]), then pool.
 * Kept out of line so the compiler does not speculate it into the common path. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int32_t pool_wrapping(const int32_t *a, int32_t m, int32_t s)
{
    return max32(max32(requant(a[0], m, s), requant(a[3], m, s)),
                 max32(requant(a[6], m, s), requant(a[9], m, s)));
}

/* The pooled outputs of one pixel from the accumulators (AOT_ACC_STRIDE words per block: the
 * 4 conv pixels of channel n of a block at n, n+3, n+6, n+9) when some shift is > 0. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void pool_epilogue(const int32_t *acc, int out_c, const int32_t *M, const int32_t *S,
                          int32_t off, int32_t lo, int32_t hi, int8_t *out)
{
    for (int ch = 0; ch < out_c; ch++) {
        const int32_t *a = acc + ch / MCB_AOT_CONV_BLOCK * AOT_ACC_STRIDE + ch % MCB_AOT_CONV_BLOCK;
        const int32_t v = S[ch] > 0 ? pool_wrapping(a, M[ch], S[ch])
                                    : rdbpot(high_mul(max32(max32(a[0], a[3]),
                                                            max32(a[6], a[9])),
                                                      M[ch]),
                                             (int)-S[ch]);
        out[ch] = (int8_t)mcb_clamp_i32(v + off, lo, hi);
    }
}

/* The same when every shift is <= 0 (the usual case): requantization is then monotonic, so
 * the max of the 4 accumulators is requantized once (docs/aot-kernels.md). On the DSP path,
 * when every shift is <= -1 (fast), whole blocks run in assembly, about 27 cycles per output:
 *   6 loads back to back (4 accumulators, multiplier, shift)               7
 *   3 x max (cmp, it, mov)                                                 6
 *   high multiply: mov, mov, smlal, lsr, orr                               5
 *   rounding shift and zero point: mvn, add, asr, add, add                 5
 *   2 x clamp (cmp, it, mov), strb (switch CLAMP off: one SSAT #8)         4 (2)
 * The rounding divide by 2^e (e = -shift >= 1) of x, to nearest with ties away from zero, is
 *   ((((x - (x < 0)) >> (e - 1)) + 1) >> 1)
 * (floor((y + 2^(e-1)) / 2^e) = floor((floor(y / 2^(e-1)) + 1) / 2) with y = x - (x < 0));
 * x - (x < 0) is one ADD with the operand x ASR 31, e - 1 one MVN of the shift, and the last
 * shift folds into the ADD of the zero point. x > INT32_MIN, so nothing wraps. Other layers
 * (a shift of 0) take the compiled C, about 50 cycles per output. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void pool_epilogue_monotonic(const int32_t *acc, int out_c, const int32_t *M,
                                    const int32_t *S, int32_t off, int32_t lo, int32_t hi,
                                    int8_t *out, int fast)
{
    (void)fast;
#if defined(AOT_GROUP)
    if (!MCB_AOT_CONV_SHIFT0 || fast) {
        /* the full blocks into out, then a partial last block through the same loop into tmp
         * (its padding channels' multipliers and shifts are stored; 0.1 KB less code than a
         * C loop for it) */
        const int full = out_c / MCB_AOT_CONV_BLOCK * MCB_AOT_CONV_BLOCK, rem = out_c - full;
        int8_t tmp[MCB_AOT_CONV_BLOCK], *const last = out + full;
        const int8_t *oend = last;
        if (full == 0)
            out = tmp, oend = tmp + MCB_AOT_CONV_BLOCK;
        for (;;) {
            uint32_t t, u, v, q, m, e;
#if MCB_AOT_CONV_CLAMP
#define AOT_RQ_CLAMP                                                                           \
    "cmp %[t], %[lo]\n\tit lt\n\tmovlt %[t], %[lo]\n\t"                                        \
    "cmp %[t], %[hi]\n\tit gt\n\tmovgt %[t], %[hi]\n\t"
#else
/* every pooled conv's range is [-128, 127] (ReLU with output zero point -128 included) */
#define AOT_RQ_CLAMP "ssat %[t], #8, %[t]\n\t"
#endif
#define AOT_RQ(O0, O1, O2, O3)                                                                 \
    "ldr %[t], [%[acc], #" #O0 "]\n\t"                                                         \
    "ldr %[u], [%[acc], #" #O1 "]\n\t"                                                         \
    "ldr %[v], [%[acc], #" #O2 "]\n\t"                                                         \
    "ldr %[q], [%[acc], #" #O3 "]\n\t"                                                         \
    "ldr %[m], [%[M]], #4\n\t"                                                                 \
    "ldr %[e], [%[S]], #4\n\t"                                                                 \
    "cmp %[t], %[u]\n\tit lt\n\tmovlt %[t], %[u]\n\t"                                          \
    "cmp %[v], %[q]\n\tit lt\n\tmovlt %[v], %[q]\n\t"                                          \
    "cmp %[t], %[v]\n\tit lt\n\tmovlt %[t], %[v]\n\t"                                          \
    "mov %[u], #0x40000000\n\t"                                                                \
    "mov %[v], #0\n\t"                                                                         \
    "smlal %[u], %[v], %[t], %[m]\n\t"                                                         \
    "lsr %[u], %[u], #31\n\t"                                                                  \
    "orr %[t], %[u], %[v], lsl #1\n\t"                                                         \
    "mvn %[e], %[e]\n\t"                                                                       \
    "add %[t], %[t], %[t], asr #31\n\t"                                                        \
    "asr %[t], %[t], %[e]\n\t"                                                                 \
    "add %[t], %[t], #1\n\t"                                                                   \
    "add %[t], %[off], %[t], asr #1\n\t"                                                       \
    AOT_RQ_CLAMP                                                                               \
    "strb %[t], [%[out]], #1\n\t"
        __asm__ volatile("3:\n\t" AOT_RQ(0, 12, 24, 36) AOT_RQ(4, 16, 28, 40)
                             AOT_RQ(8, 20, 32, 44) "add %[acc], %[acc], #48\n\t"
                                                   "ldr %[t], %[oend]\n\t"
                                                   "cmp %[out], %[t]\n\t"
                                                   "bne 3b\n\t"
                         : [acc] "+r"(acc), [M] "+r"(M), [S] "+r"(S), [out] "+r"(out),
                           [t] "=&r"(t), [u] "=&r"(u), [v] "=&r"(v), [q] "=&r"(q),
                           [m] "=&r"(m), [e] "=&r"(e)
                         : [off] "r"(off), [lo] "r"(lo), [hi] "r"(hi), [oend] "m"(oend)
                         : "cc", "memory");
#undef AOT_RQ
#undef AOT_RQ_CLAMP
            if (rem == 0 || out == tmp + MCB_AOT_CONV_BLOCK)
                break;
            out = tmp, oend = tmp + MCB_AOT_CONV_BLOCK;
        }
        for (int n = 0; n < rem; n++)
            last[n] = tmp[n];
        return;
    }
#endif
    /* the compiled C (a layer with a shift of 0, or no DSP) */
    for (int base = 0; base < out_c; base += MCB_AOT_CONV_BLOCK) {
        for (int n = 0; n < MCB_AOT_CONV_BLOCK && base + n < out_c; n++) {
            const int32_t a = max32(max32(acc[n], acc[n + 3]), max32(acc[n + 6], acc[n + 9]));
            const int32_t v = rdbpot(high_mul(a, M[n]), (int)-S[n]) + off;
            out[n] = (int8_t)mcb_clamp_i32(v, lo, hi);
        }
        acc += AOT_ACC_STRIDE, M += MCB_AOT_CONV_BLOCK, S += MCB_AOT_CONV_BLOCK;
        out += MCB_AOT_CONV_BLOCK;
    }
}

/* Conv + activation + 2x2/2 max-pool, one pooled pixel per step. The struct's fields are read
 * once into locals: stores through int8_t pointers would otherwise force reloads. */
static void conv_pool(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                      int32_t *scratch)
{
    const int kw = c->kw, out_c = c->out_c, out_h = c->out_h, out_w = c->out_w;
    const int32_t *const M = c->multiplier, *const S = c->shift;
    const int32_t off = c->output_offset, lo = c->act_min, hi = c->act_max;
    const int w8 = w8_mode(c), split = c->split;
    uint32_t *top = (uint32_t *)scratch;
    uint32_t *bot = top + 2 * (size_t)kw;
    int32_t *acc = (int32_t *)(bot + 2 * (size_t)kw);
    int monotonic = 1, fast = 1;
    for (int ch = 0; ch < out_c; ch++)
        monotonic &= S[ch] <= 0, fast &= S[ch] <= -1;
    /* 3x3 stride 1 with 1 or 3 input channels and int8 weights (the paper's first layers):
     * patch4_3x3 where the whole pool window's taps are inside the input */
    const int fast3 = MCB_AOT_CONV_NATURAL && (!MCB_AOT_CONV_PERM4 || !c->perm4) &&
                              MCB_AOT_CONV_W8 && (!MCB_AOT_CONV_W16 || w8) &&
                              c->filter_h == 3 && c->filter_w == 3 && c->stride_h == 1 &&
                              c->stride_w == 1 && (c->in_c == 1 || c->in_c == 3)
                          ? c->in_c
                          : 0;
    const size_t row = (size_t)c->in_w * c->in_c;
    for (int py = 0; py < out_h; py++) {
        const int iy0 = 2 * py - c->pad_h;
        const int rows_in = iy0 >= 0 && iy0 + 4 <= c->in_h;
        for (int px = 0; px < out_w; px++) {
            const int ix0 = 2 * px - c->pad_w;
            const int inside = rows_in && ix0 >= 0 && ix0 + 4 <= c->in_w;
            if (((MCB_AOT_CONV_W8KW6H && fast3 == 1) || (MCB_AOT_CONV_W8KW14 && fast3 == 3)) &&
                inside) {
                patch4_3x3(input + (size_t)iy0 * row + (size_t)ix0 * fast3, row, fast3, top, bot);
            } else {
                patch(c, input, 2 * py, 2 * px, top);
                patch(c, input, 2 * py, 2 * px + 1, top + 1);
                patch(c, input, 2 * py + 1, 2 * px, bot);
                patch(c, input, 2 * py + 1, 2 * px + 1, bot + 1);
            }
            layer_blocks(c, split, top, acc, w8);
            layer_blocks(c, split, bot, acc + 2 * MCB_AOT_CONV_BLOCK, w8);
            int8_t *out = output + ((size_t)py * out_w + px) * out_c;
            if (!MCB_AOT_CONV_WRAP || monotonic)
                pool_epilogue_monotonic(acc, out_c, M, S, off, lo, hi, out, fast);
            else
                pool_epilogue(acc, out_c, M, S, off, lo, hi, out);
        }
    }
}

/* requant() with the rounding divide of the pooled epilogue for shifts <= -1: (((h - (h < 0))
 * >> (e - 1)) + 1) >> 1, no mask or compare (bit-exact, docs/aot-kernels.md). */
AOT_INLINE int32_t requant_any(int32_t acc, int32_t m, int32_t s)
{
    if (s <= -1) {
        const int32_t h = high_mul(acc, m);
        return (((h + (h >> 31)) >> (-s - 1)) + 1) >> 1;
    }
    return high_mul(mcb_shl_wrap(acc, (int)s), m);
}

/* Conv + activation without pooling: conv pixels in raster order, two per step. */
static void conv_plain(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                       int32_t *scratch)
{
    uint32_t *pair = (uint32_t *)scratch;
    int32_t *acc = (int32_t *)(pair + 2 * (size_t)c->kw);
    const int npix = c->out_h * c->out_w, out_c = c->out_c;
    const int32_t *const M = c->multiplier, *const S = c->shift;
    const int32_t off = c->output_offset, lo = c->act_min, hi = c->act_max;
    const int w8 = w8_mode(c), split = c->split;
    for (int t = 0; t < npix; t += 2) {
        const int t1 = t + 1 < npix ? t + 1 : t; /* an odd last pixel is computed twice */
        patch(c, input, t / c->out_w, t % c->out_w, pair);
        patch(c, input, t1 / c->out_w, t1 % c->out_w, pair + 1);
        layer_blocks(c, split, pair, acc, w8);
        int8_t *out0 = output + (size_t)t * out_c;
        int8_t *out1 = output + (size_t)t1 * out_c;
        const int32_t *a = acc;
        for (int base = 0; base < out_c; base += MCB_AOT_CONV_BLOCK, a += AOT_ACC_STRIDE) {
            const int nn = out_c - base < MCB_AOT_CONV_BLOCK ? out_c - base : MCB_AOT_CONV_BLOCK;
            for (int n = 0; n < nn; n++) {
                const int32_t m = M[base + n], s = S[base + n];
                out0[base + n] = (int8_t)mcb_clamp_i32(requant_any(a[n], m, s) + off, lo, hi);
                out1[base + n] = (int8_t)mcb_clamp_i32(requant_any(a[n + 3], m, s) + off, lo, hi);
            }
        }
    }
}

/* ---- One input channel (the MNIST first layers): conv_c1 ----
 * A pooled 3x3 stride-1 conv of one input channel has only 9 MACs per conv pixel, so the
 * patch-based path above spends most of its time building patches and on the per-block
 * overhead. Here the filter of one output channel lives in 5 registers and the kernel sweeps
 * the pool windows of the image straight from the int8 input, down each column of windows.
 * For a window (conv pixels (0,0), (0,1), (1,0), (1,1) = A, B, C, D) input row r (r = 0..3) is
 * one word x0..x3 (unaligned LDR), widened to lo = (x0, x2) and hi = (x1, x3) with SXTB16 /
 * SXTB16 ROR 8; with filter row f = (w0, w1, w2) held as Wf = (w0, w2) and w1 in a half of
 * V01 = (w1 of row 0, w1 of row 1) or V2 = (w1 of row 2, 0), the inner loop is
 *     A += SMLAD(lo, Wf) + SMLA<B><h>(hi, V)      (x0 w0 + x2 w2, x1 w1)
 *     B += SMLAD(hi, Wf) + SMLA<T><h>(lo, V)      (x1 w0 + x3 w2, x2 w1)
 * rows 0-2 feed A and B (filter rows 0-2), rows 1-3 feed C and D (filter rows 0-2): 24
 * multiplies per window (36 MACs), the first product of each pixel a SMUAD (no bias: it is
 * added after the max). Row 3 of a window is row 1 of the next one down, so it stays widened
 * in lo/hi: 3 loads and 6 SXTB16 per window. Then the max of the 4 (3 x cmp/it/mov) is
 * stored: 45 cycles per window, 48 with the loop (two windows per step). Registers: 5
 * weights, 4 accumulators, lo, hi, the input pointer, the row stride and the output pointer
 * = 14; the end pointer stays in memory. A second loop requantizes one column of a channel:
 * 2 x (max + bias) is one ADD with a shifted operand, floor((x m + 2^30) / 2^31) =
 * SMMULR(2x, m) exactly when 2x fits int32 (the predicate's bias bound: |x| <= 2^29 + 9 x
 * 2^22), then the rounding shift of pool_epilogue_monotonic, with its last halving, the zero
 * point and the clamp in one SSAT #8 of (y + 2 off + 1) ASR 1; a byte store with the row
 * stride. About 11 cycles per output. */
#if defined(AOT_GROUP)
/* x, y hold row 1 of the window (widened); p points at its row 0 and moves 2 rows down */
#define AOT_C1_WINDOW                                                                          \
    "smuad %[A], %[x], %[W1]\n\t"                                                              \
    "smlabt %[A], %[y], %[V01], %[A]\n\t"                                                      \
    "smuad %[B], %[y], %[W1]\n\t"                                                              \
    "smlatt %[B], %[x], %[V01], %[B]\n\t"                                                      \
    "smuad %[C], %[x], %[W0]\n\t"                                                              \
    "smlabb %[C], %[y], %[V01], %[C]\n\t"                                                      \
    "smuad %[D], %[y], %[W0]\n\t"                                                              \
    "smlatb %[D], %[x], %[V01], %[D]\n\t"                                                      \
    "ldr %[x], [%[p]]\n\t"                                                                     \
    "sxtb16 %[y], %[x], ror #8\n\t"                                                            \
    "sxtb16 %[x], %[x]\n\t"                                                                    \
    "smlad %[A], %[x], %[W0], %[A]\n\t"                                                        \
    "smlabb %[A], %[y], %[V01], %[A]\n\t"                                                      \
    "smlad %[B], %[y], %[W0], %[B]\n\t"                                                        \
    "smlatb %[B], %[x], %[V01], %[B]\n\t"                                                      \
    "ldr %[x], [%[p], %[R], lsl #1]\n\t"                                                       \
    "add %[p], %[p], %[R]\n\t"                                                                 \
    "sxtb16 %[y], %[x], ror #8\n\t"                                                            \
    "sxtb16 %[x], %[x]\n\t"                                                                    \
    "smlad %[A], %[x], %[W2], %[A]\n\t"                                                        \
    "smlabb %[A], %[y], %[V2], %[A]\n\t"                                                       \
    "smlad %[B], %[y], %[W2], %[B]\n\t"                                                        \
    "smlatb %[B], %[x], %[V2], %[B]\n\t"                                                       \
    "smlad %[C], %[x], %[W1], %[C]\n\t"                                                        \
    "smlabt %[C], %[y], %[V01], %[C]\n\t"                                                      \
    "smlad %[D], %[y], %[W1], %[D]\n\t"                                                        \
    "smlatt %[D], %[x], %[V01], %[D]\n\t"                                                      \
    "ldr %[x], [%[p], %[R], lsl #1]\n\t"                                                       \
    "add %[p], %[p], %[R]\n\t"                                                                 \
    "sxtb16 %[y], %[x], ror #8\n\t"                                                            \
    "sxtb16 %[x], %[x]\n\t"                                                                    \
    "smlad %[C], %[x], %[W2], %[C]\n\t"                                                        \
    "smlabb %[C], %[y], %[V2], %[C]\n\t"                                                       \
    "smlad %[D], %[y], %[W2], %[D]\n\t"                                                        \
    "smlatb %[D], %[x], %[V2], %[D]\n\t"                                                       \
    "cmp %[A], %[B]\n\tit lt\n\tmovlt %[A], %[B]\n\t"                                          \
    "cmp %[C], %[D]\n\tit lt\n\tmovlt %[C], %[D]\n\t"                                          \
    "cmp %[A], %[C]\n\tit lt\n\tmovlt %[A], %[C]\n\t"                                          \
    "str %[A], [%[o]], #4\n\t"
#define AOT_C1_OUTS                                                                            \
    [A] "=&r"(A), [B] "=&r"(B), [C] "=&r"(C), [D] "=&r"(D), [x] "+r"(x), [y] "+r"(y),         \
        [p] "+r"(q), [o] "+r"(o)
#define AOT_C1_INS                                                                             \
    [W0] "r"(W0), [W1] "r"(W1), [W2] "r"(W2), [V01] "r"(V01), [V2] "r"(V2), [R] "r"(row)
#endif

/* The max of the 4 accumulators (no bias) of every pool window of one channel, column by
 * column: o[px*rows + py] for window (py, px), whose top-left input byte is
 * p + 2 py row + 2 px. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c1_plane(const int8_t *p, int row, int cols, int rows, const uint32_t *wr,
                     int32_t *o)
{
#if defined(AOT_GROUP)
    for (int px = 0; px < cols; px++, p += 2) {
        const uint32_t W0 = wr[0], W1 = wr[1], W2 = wr[2], V01 = wr[3], V2 = wr[4];
        const int8_t *q = p;
        int32_t A, B, C, D;
        uint32_t x = aot_load32(p + row), y = aot_sxtb16_ror8(x);
        x = aot_sxtb16(x);
        if (rows >= 2) {
            const int32_t *const end = o + (rows & ~1);
            __asm__ volatile(".p2align 2\n1:\n\t" AOT_C1_WINDOW AOT_C1_WINDOW
                             "ldr %[A], %[end]\n\t"
                             "cmp %[o], %[A]\n\t"
                             "bne 1b\n\t"
                             : AOT_C1_OUTS
                             : AOT_C1_INS, [end] "m"(end)
                             : "cc", "memory");
        }
        if (rows & 1)
            __asm__ volatile(AOT_C1_WINDOW : AOT_C1_OUTS : AOT_C1_INS : "cc", "memory");
    }
#else
    /* the same arithmetic on the portable operations */
    const uint32_t W[3] = {wr[0], wr[1], wr[2]};
    const uint32_t V01 = wr[3], V2 = wr[4];
    for (int px = 0; px < cols; px++)
        for (int py = 0; py < rows; py++) {
            const int8_t *q = p + (size_t)2 * py * row + 2 * px;
            int32_t a[4] = {0, 0, 0, 0}; /* A, B, C, D */
            for (int r = 0; r < 4; r++) {
                const uint32_t x = aot_load32(q + (size_t)r * row);
                const uint32_t lo = aot_sxtb16(x), hi = aot_sxtb16_ror8(x);
                for (int k = 0; k < 2; k++) { /* k 0: A, B with filter row r; 1: C, D, r-1 */
                    const int f = r - k;
                    if (f < 0 || f > 2)
                        continue;
                    /* w1 of filter row f in the low half of v */
                    const uint32_t v = f == 0 ? V01 : f == 1 ? V01 >> 16 : V2;
                    a[2 * k] = aot_smlabb(hi, v, aot_smlad(lo, W[f], a[2 * k]));
                    a[2 * k + 1] = aot_smlabb(lo >> 16, v, aot_smlad(hi, W[f], a[2 * k + 1]));
                }
            }
            const int32_t m0 = a[0] > a[1] ? a[0] : a[1], m1 = a[2] > a[3] ? a[2] : a[3];
            *o++ = m0 > m1 ? m0 : m1;
        }
#endif
}

/* floor((x m + 2^30) / 2^31) as SMMULR(x2 = 2x, m) = floor((x2 m + 2^31) / 2^32). */
AOT_INLINE int32_t smmulr(int32_t x2, int32_t m)
{
#if MCB_AOT_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(x2), "r"(m));
    return r;
#else
    return (int32_t)(((int64_t)x2 * m + 0x80000000LL) >> 32);
#endif
}

/* Requantizes the maxima a (column-major, rows per column) of one channel (bias b, multiplier
 * m, shift s <= -1) into the pooled output o (channel stride oc). On the DSP path with the
 * whole int8 range as activation range (the paper's ReLU layers with output zero point
 * -128), two outputs per step in assembly. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c1_requant(const int32_t *a, int rows, int cols, int32_t b, int32_t m, int32_t s,
                       int32_t off, int32_t lo, int32_t hi, int8_t *o, int oc)
{
    const int e1 = -s - 1;
    const int32_t b2 = (int32_t)((uint32_t)b << 1);
    const int stride = cols * oc; /* one pooled row down */
    for (int px = 0; px < cols; px++) {
        int8_t *op = o + (size_t)px * oc;
        int n = rows;
#if defined(AOT_GROUP)
        if (lo == -128 && hi == 127 && n >= 2) {
            const int32_t *const end = a + (n & ~1);
            const int32_t off21 = 2 * off + 1;
            uint32_t t, u;
            __asm__ volatile(".p2align 2\n1:\n\t"
                             "ldr %[t], [%[a]], #4\n\t"
                             "ldr %[u], [%[a]], #4\n\t"
                             "add %[t], %[b2], %[t], lsl #1\n\t"
                             "add %[u], %[b2], %[u], lsl #1\n\t"
                             "smmulr %[t], %[t], %[m]\n\t"
                             "smmulr %[u], %[u], %[m]\n\t"
                             "add %[t], %[t], %[t], asr #31\n\t"
                             "add %[u], %[u], %[u], asr #31\n\t"
                             "asr %[t], %[t], %[e1]\n\t"
                             "asr %[u], %[u], %[e1]\n\t"
                             "add %[t], %[t], %[off21]\n\t"
                             "add %[u], %[u], %[off21]\n\t"
                             "ssat %[t], #8, %[t], asr #1\n\t"
                             "ssat %[u], #8, %[u], asr #1\n\t"
                             "strb %[t], [%[o]]\n\t"
                             "strb %[u], [%[o], %[st]]\n\t"
                             "add %[o], %[o], %[st], lsl #1\n\t"
                             "cmp %[a], %[end]\n\t"
                             "bne 1b\n\t"
                             : [a] "+r"(a), [o] "+r"(op), [t] "=&r"(t), [u] "=&r"(u)
                             : [b2] "r"(b2), [m] "r"(m), [e1] "r"(e1), [off21] "r"(off21),
                               [st] "r"(stride), [end] "r"(end)
                             : "cc", "memory");
            n &= 1;
        }
#endif
        for (int j = 0; j < n; j++, op += stride) {
            const int32_t h = smmulr((int32_t)((uint32_t)b2 + ((uint32_t)*a++ << 1)), m);
            const int32_t v = (((h + (h >> 31)) >> e1) + 1) >> 1;
            *op = (int8_t)mcb_clamp_i32(v + off, lo, hi);
        }
    }
}

/* The 9 weights of channel ch of a conv_c1 / conv_c1u layer: int8 at byte 9 ch + t (the
 * packer's dense layout for these paths, mcb_aot.h), int16 at half t % 2 of word 3 (t / 2) + n
 * of its block of 3 kw words. */
AOT_INLINE void c1_filter(const mcb_aot_conv *c, int ch, int32_t *w)
{
    const int8_t *const w8 = (const int8_t *)c->weights;
    const int b = ch / MCB_AOT_CONV_BLOCK, n = ch % MCB_AOT_CONV_BLOCK;
    for (int t = 0; t < 9; t++) {
        if (MCB_AOT_CONV_W8 && (!MCB_AOT_CONV_W16 || c->int8w)) {
            w[t] = w8[(size_t)ch * 9 + t];
        } else {
            const uint32_t u = (uint32_t)c->weights[(size_t)b * 3 * c->kw + 3 * (t >> 1) + n];
            w[t] = (int16_t)(t & 1 ? u >> 16 : u & 0xFFFF);
        }
    }
}

static void conv_c1(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                    int32_t *scratch)
{
    const int oc = c->out_c;
    for (int ch = 0; ch < oc; ch++) {
        int32_t w[9];
        c1_filter(c, ch, w);
        const uint32_t wr[5] = {aot_pack16(w[0], w[2]), aot_pack16(w[3], w[5]),
                                aot_pack16(w[6], w[8]), aot_pack16(w[1], w[4]),
                                aot_pack16(w[7], 0)};
        c1_plane(input, c->in_w, c->out_w, c->out_h, wr, scratch);
        c1_requant(scratch, c->out_h, c->out_w, c->bias[ch], c->multiplier[ch], c->shift[ch],
                   c->output_offset, c->act_min, c->act_max, output + ch, oc);
    }
}

/* ---- One input channel, unpooled, stride 1 or 2 (person_detect's first layer): conv_c1u ----
 * A depthwise conv of one channel with multiplier M is a conv of 1 input channel to M outputs
 * (the generator lowers it so): 9 MACs per output, so the patch path spends its time on
 * patches and epilogues. Here, per output row, its 3 input rows are widened once into a band
 * that every channel reads: band word 3k + r = the int16 pair (x(r, 2k), x(r, 2k + 1)) of
 * input row r, the columns counted from the first tap of output 0 (the zero point outside the
 * input). A stride-2 output j then reads words j and the low half of j + 1 of each row; a
 * stride-1 row is two stride-2 rows, its even outputs from a band starting at column 0, its
 * odd ones from a band starting at column 1. One channel at a time, its filter in 5 registers
 * (Wf = (wf0, wf1) per filter row f, V01 = (w02, w12), V2 = (w22, 0)), the inner loop per
 * output, the 3 words of j carried from the output before (Cortex-M4 timings):
 *     ldr y0, [p, #12]; ldr y1, [p, #16]; ldr y2, [p, #20]      word j + 1      4
 *     smuad s, x0, W0; smlabb s, y0, V01, s                                      2
 *     smlad s, x1, W1, s; smlabt s, y1, V01, s                                   2
 *     smlad s, x2, W2, s; smlabb s, y2, V2, s                                    2
 *     str s, [q], #4                                                             1
 * two outputs per pass (x and y swap roles), then add, the end pointer from the stack, cmp,
 * bne: about 13 cycles per output. Registers: 5 weights, 6 words, the sum and 2 pointers = 14.
 * Then c1_requant (conv_c1's) turns the row's sums into bytes, one channel's outputs oc bytes
 * apart (2 oc for the halves of a stride-1 row), about 10 cycles per output; the band costs
 * about 2 cycles per output when 8 channels share it. */

/* Words of scratch conv_c1u uses: the 5 filter words of every channel, the band (one word
 * more per row than the outputs it serves) and one sum per output of a (half) row. */
static size_t c1u_scratch_words(const mcb_aot_conv *c)
{
    const size_t n = c->stride_w == 2 ? (size_t)c->out_w : ((size_t)c->out_w + 1) / 2;
    return 5 * (size_t)c->out_c + 3 * (n + 1) + n;
}

/* The band of input rows iy0..iy0+2 (see above): nw words per row, word k holding columns
 * ix0 + 2k and ix0 + 2k + 1. */
static void c1u_band(const mcb_aot_conv *c, const int8_t *in, int iy0, int ix0, int nw,
                     uint32_t *band)
{
    const int32_t zp = c->input_zero_point;
    const int w = c->in_w;
    for (int r = 0; r < 3; r++) {
        const int iy = iy0 + r;
        uint32_t *const d = band + r;
        int k = 0;
        if (iy < 0 || iy >= c->in_h) {
            for (; k < nw; k++)
                d[3 * k] = aot_pack16(zp, zp);
            continue;
        }
        const int8_t *const row = in + (size_t)iy * w;
        /* a word with its first column before the input (SAME padding) */
        for (; k < nw && ix0 + 2 * k < 0; k++) {
            const int ix = ix0 + 2 * k + 1;
            d[3 * k] = aot_pack16(zp, ix >= 0 && ix < w ? row[ix] : zp);
        }
        /* inside: 4 columns, 2 words, per load (PKHBT / PKHTB of the SXTB16 halves) */
        for (; k + 1 < nw && ix0 + 2 * k + 3 < w; k += 2) {
            const uint32_t x = aot_load32(row + ix0 + 2 * k);
            const uint32_t lo = aot_sxtb16(x), hi = aot_sxtb16_ror8(x);
            d[3 * k] = (lo & 0xFFFFu) | hi << 16;
            d[3 * k + 3] = lo >> 16 | (hi & 0xFFFF0000u);
        }
        /* the rest, and the columns past the input */
        for (; k < nw; k++) {
            const int ix = ix0 + 2 * k;
            d[3 * k] = aot_pack16(ix < w ? row[ix] : zp, ix + 1 < w ? row[ix + 1] : zp);
        }
    }
}

/* The sum of one output: p = its first band word, wr = the 5 filter words. */
AOT_INLINE int32_t c1u_one(const uint32_t *p, const uint32_t *wr)
{
    int32_t s = aot_smlad(p[0], wr[0], 0);
    s = aot_smlabb(p[3], wr[3], s);
    s = aot_smlad(p[1], wr[1], s);
    s = aot_smlabb(p[4], wr[3] >> 16, s);
    s = aot_smlad(p[2], wr[2], s);
    return aot_smlabb(p[5], wr[4], s);
}

/* acc[j] = the sum (no bias) of output j < n of one channel (filter words wr) over the band. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c1u_row(const uint32_t *band, int n, const uint32_t *wr, int32_t *acc)
{
#if defined(AOT_GROUP)
    if (n >= 2) {
        const uint32_t W0 = wr[0], W1 = wr[1], W2 = wr[2], V01 = wr[3], V2 = wr[4];
        const int32_t *const end = acc + (n & ~1);
        const uint32_t *p = band;
        int32_t *q = acc, s;
        uint32_t x0, x1, x2, y0, y1, y2;
        /* output from words X (carried) and Y (loaded at O0, O1, O2 from p) */
#define AOT_C1U_OUT(X0, X1, X2, Y0, Y1, Y2, O0, O1, O2)                                        \
    "ldr %[" Y0 "], [%[p], #" O0 "]\n\t"                                                       \
    "ldr %[" Y1 "], [%[p], #" O1 "]\n\t"                                                       \
    "ldr %[" Y2 "], [%[p], #" O2 "]\n\t"                                                       \
    "smuad %[s], %[" X0 "], %[W0]\n\t"                                                         \
    "smlabb %[s], %[" Y0 "], %[V01], %[s]\n\t"                                                 \
    "smlad %[s], %[" X1 "], %[W1], %[s]\n\t"                                                   \
    "smlabt %[s], %[" Y1 "], %[V01], %[s]\n\t"                                                 \
    "smlad %[s], %[" X2 "], %[W2], %[s]\n\t"                                                   \
    "smlabb %[s], %[" Y2 "], %[V2], %[s]\n\t"                                                  \
    "str %[s], [%[q]], #4\n\t"
        __asm__ volatile("ldr %[x0], [%[p]]\n\t"
                         "ldr %[x1], [%[p], #4]\n\t"
                         "ldr %[x2], [%[p], #8]\n\t"
                         ".p2align 2\n1:\n\t"
                         AOT_C1U_OUT("x0", "x1", "x2", "y0", "y1", "y2", "12", "16", "20")
                         AOT_C1U_OUT("y0", "y1", "y2", "x0", "x1", "x2", "24", "28", "32")
                         "add %[p], %[p], #24\n\t"
                         "ldr %[s], %[end]\n\t"
                         "cmp %[q], %[s]\n\t"
                         "bne 1b\n\t"
                         : [s] "=&r"(s), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
                           [y0] "=&r"(y0), [y1] "=&r"(y1), [y2] "=&r"(y2), [p] "+r"(p),
                           [q] "+r"(q)
                         : [W0] "r"(W0), [W1] "r"(W1), [W2] "r"(W2), [V01] "r"(V01),
                           [V2] "r"(V2), [end] "m"(end)
                         : "cc", "memory");
#undef AOT_C1U_OUT
    }
    if (n & 1)
        acc[n - 1] = c1u_one(band + 3 * (size_t)(n - 1), wr);
#else
    for (int j = 0; j < n; j++)
        acc[j] = c1u_one(band + 3 * (size_t)j, wr);
#endif
}

static void conv_c1u(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                     int32_t *scratch)
{
    const int oc = c->out_c, ow = c->out_w, st = c->stride_w;
    const int halves = st == 2 ? 1 : 2; /* stride 1: even outputs, then odd ones */
    const int nmax = (ow + halves - 1) / halves;
    uint32_t *const wr = (uint32_t *)scratch;
    uint32_t *const band = wr + 5 * (size_t)oc;
    int32_t *const acc = (int32_t *)(band + 3 * ((size_t)nmax + 1));
    for (int ch = 0; ch < oc; ch++) {
        int32_t w[9];
        c1_filter(c, ch, w);
        uint32_t *const r = wr + 5 * (size_t)ch;
        r[0] = aot_pack16(w[0], w[1]), r[1] = aot_pack16(w[3], w[4]);
        r[2] = aot_pack16(w[6], w[7]), r[3] = aot_pack16(w[2], w[5]);
        r[4] = aot_pack16(w[8], 0);
    }
    for (int oy = 0; oy < c->out_h; oy++)
        for (int h = 0; h < halves && h < ow; h++) {
            const int n = (ow - h + halves - 1) / halves;
            c1u_band(c, input, oy * st - c->pad_h, h - c->pad_w, n + 1, band);
            int8_t *const o = output + ((size_t)oy * ow + h) * oc;
            for (int ch = 0; ch < oc; ch++) {
                c1u_row(band, n, wr + 5 * (size_t)ch, acc);
                c1_requant(acc, n, 1, c->bias[ch], c->multiplier[ch], c->shift[ch],
                           c->output_offset, c->act_min, c->act_max, o + ch, halves * oc);
            }
        }
}

/* ---- Three input channels (the CIFAR-10 and ResNet-8 first layers): conv_c3 ----
 * A 3x3x3 patch is 27 values (28 with one zero): 14 k-words of int16 pairs in the perm4
 * positions. Here the int8 weights are widened once per call into the scratch (14 words per
 * channel, [channel pair][k-word][2]), so the inner loop has no SXTB16 on weights, and the
 * register block is 4 conv pixels x 2 channels: the pooled conv's 2x2 window, or 4 pixels in
 * raster order without pool. One k-word (16 MACs), Cortex-M4 timings:
 *     ldr w1; ldr w0; ldr b; ldr a        weights of the 2 channels, pixels 0 and 1   5
 *     4 x smlad                                                                        4
 *     ldr b; ldr a                        pixels 2 and 3                                3
 *     4 x smlad                                                                        4
 *   = 16 cycles per 16 MACs, 14 k-words straight; with the bias loads and the 8 stores
 *   about 250 cycles per 216 MACs (1.16 cycles/MAC). Registers: 8 accumulators, 2 weights,
 *   2 pixel words, 2 pointers; the bias, accumulator and end pointers stay in memory. The
 *   epilogue requantizes as conv_c1's (SMMULR, rounding shift, SSAT), after the max of the
 *   4 for a pooled conv. Channel pairs need an even out_c (the paper's and ResNet-8's). */
#define AOT_C3_KW 14

/* Words of scratch conv_c3 uses: widened weights, doubled biases, the 4 pixels' patches, 8
 * accumulators per channel pair, and without pool a band of 3 padded input rows. */
static size_t c3_scratch_words(const mcb_aot_conv *c)
{
    return (size_t)c->out_c * (AOT_C3_KW + 1) + 4 * AOT_C3_KW + 4 * (size_t)c->out_c +
           (c->pool ? 0
                    : (9 * (size_t)(MCB_AOT_CONV_C3S2 ? (c->out_w - 1) * c->stride_w + 3
                                                      : c->out_w + 2) + 3) / 4);
}

/* Widens the packed weights (either storage) into wq, doubled: channel pair q, k-word k,
 * channel n of the pair at word (q*14 + k)*2 + n; value t in the perm4 position (k-word
 * 2(t/4) + t%2, half (t/2)%2), value 27 zero; and 2 x the biases into b2. The accumulators
 * are then 2x, what SMMULR takes (|2w| <= 2 x 255 fits int16). */
static void c3_widen(const mcb_aot_conv *c, uint32_t *wq, int32_t *b2)
{
    for (int ch = 0; ch < c->out_c; ch++)
        b2[ch] = (int32_t)((uint32_t)c->bias[ch] << 1);
    const int8_t *const w8 = (const int8_t *)c->weights;
    for (int ch = 0; ch < c->out_c; ch++) {
        const int b = ch / MCB_AOT_CONV_BLOCK, n = ch % MCB_AOT_CONV_BLOCK;
        uint32_t *d = wq + (size_t)(ch >> 1) * 2 * AOT_C3_KW + (ch & 1);
        for (int g = 0; g < 7; g++) {
            int32_t v[4];
            for (int i = 0; i < 4; i++) {
                const int t = 4 * g + i;
                if (t >= 27) {
                    v[i] = 0;
                } else if (MCB_AOT_CONV_W8 && (!MCB_AOT_CONV_W16 || c->int8w)) {
                    v[i] = w8[(size_t)b * 6 * c->kw + 4 * (3 * g + n) + i];
                } else {
                    const uint32_t u =
                        (uint32_t)c->weights[((size_t)b * c->kw + (t >> 1)) * 3 + n];
                    v[i] = (int16_t)(t & 1 ? u >> 16 : u & 0xFFFF);
                }
            }
            d[2 * (2 * g)] = aot_pack16(2 * v[0], 2 * v[2]);
            d[2 * (2 * g + 1)] = aot_pack16(2 * v[1], 2 * v[3]);
        }
    }
}

/* The patch of a conv pixel whose taps are all inside into lane p of x (x = base + p;
 * x[4k] = k-word k): s its first input byte, row the bytes per input row. The 27 bytes are
 * gathered into 7 words with unaligned loads and shifts (reading nothing past the last tap),
 * then widened: about 45 cycles. */
AOT_INLINE void c3_patch_in(const int8_t *s, size_t row, uint32_t *x)
{
    const int8_t *s1 = s + row, *s2 = s1 + row;
    /* written out: GCC keeps a loop over a word array in memory, 2x the cycles */
#define AOT_C3_PUT(K, G)                                                                       \
    {                                                                                          \
        const uint32_t g = (G);                                                                \
        x[8 * (K)] = aot_sxtb16(g);                                                            \
        x[8 * (K) + 4] = aot_sxtb16_ror8(g);                                                   \
    }
    AOT_C3_PUT(0, aot_load32(s))
    AOT_C3_PUT(1, aot_load32(s + 4))
    AOT_C3_PUT(2, (uint32_t)(uint8_t)s[8] | aot_load32(s1) << 8)
    AOT_C3_PUT(3, aot_load32(s1 + 3))
    AOT_C3_PUT(4, aot_load32(s1 + 5) >> 16 | aot_load32(s2) << 16)
    AOT_C3_PUT(5, aot_load32(s2 + 2))
    AOT_C3_PUT(6, aot_load32(s2 + 5) >> 8)
#undef AOT_C3_PUT
}

/* The patches of 4 pixels into x's 4 lanes: at s, s + 3 (the next pixel), s + o2, s + o2 + 3
 * (o2: one input row below for a pool window, 2 pixels on in a row of 4). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c3_patch4(const int8_t *s, size_t row, size_t o2, uint32_t *x)
{
    /* a loop, not 4 copies: 0.45 KB less flash for a few cycles per 4 patches */
    for (int p = 0; p < 4; p++)
        c3_patch_in(s + (p >> 1) * o2 + (p & 1) * 3, row, x + p);
}

/* The patches of 4 pixels of a stride-2 row into x's 4 lanes: at s + 6 p. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c3_patch4s2(const int8_t *s, size_t row, uint32_t *x)
{
    for (int p = 0; p < 4; p++, s += 6)
        c3_patch_in(s, row, x + p);
}

/* The 3 input rows iy0.. under conv row oy = (iy0 + pad_h) / stride, padded: cols = (out_w -
 * 1) stride + 3 taps of 3 bytes per row, tap j at input column j - pad_w, the zero point
 * outside the input. Then every patch of the row is c3_patch_in's (row = 3 cols bytes). */
static void c3_band(const mcb_aot_conv *c, const int8_t *in, int iy0, int cols, int8_t *band)
{
    const int8_t zp = (int8_t)c->input_zero_point;
    const int j0 = c->pad_w, j1 = c->pad_w + c->in_w < cols ? c->pad_w + c->in_w : cols;
    for (int r = 0; r < 3; r++, band += 3 * cols) {
        const int iy = iy0 + r;
        const int inside = iy >= 0 && iy < c->in_h;
        for (int j = 0; j < cols; j++) {
            int8_t *d = band + 3 * j;
            if (inside && j >= j0 && j < j1) {
                /* the inside span, 4 bytes a step, then the rest byte by byte */
                const int8_t *src = in + ((size_t)iy * c->in_w + (j - j0)) * 3;
                const int n = 3 * (j1 - j);
                int k = 0;
                for (; k + 4 <= n; k += 4) {
                    const uint32_t v = aot_load32(src + k);
                    memcpy(d + k, &v, 4);
                }
                for (; k < n; k++)
                    d[k] = src[k];
                j = j1 - 1;
                continue;
            }
            d[0] = d[1] = d[2] = zp;
        }
    }
}

/* The patch whose first tap is input row oy - pad_h, column ox - pad_w (conv pixel (oy, ox)
 * at stride 1, (oy / stride, ox / stride) else) into lane p of x (x[4k + p] = k-word k), any
 * pixel (the pool windows at a border, a group of 4 across two rows). */
static void c3_patch(const mcb_aot_conv *c, const int8_t *in, int oy, int ox, uint32_t *x)
{
    uint32_t gw[7];
    int8_t *g = (int8_t *)gw;
    const int iy0 = oy - c->pad_h, ix0 = ox - c->pad_w;
    gw[6] = 0;
    {
        /* taps outside read the zero point; a filter row and column (3 bytes) at a time */
        const int8_t zp = (int8_t)c->input_zero_point;
        for (int fy = 0; fy < 3; fy++) {
            const int iy = iy0 + fy;
            for (int fx = 0; fx < 3; fx++) {
                const int ix = ix0 + fx;
                int8_t *d = g + 9 * fy + 3 * fx;
                if (iy < 0 || iy >= c->in_h || ix < 0 || ix >= c->in_w) {
                    d[0] = d[1] = d[2] = zp;
                } else {
                    const int8_t *s = in + ((size_t)iy * c->in_w + ix) * 3;
                    d[0] = s[0], d[1] = s[1], d[2] = s[2];
                }
            }
        }
    }
    for (int k = 0; k < 7; k++, x += 8) {
        x[0] = aot_sxtb16(gw[k]);
        x[4] = aot_sxtb16_ror8(gw[k]);
    }
}

/* acc[8q + 4n + p] = bias + dot(patch of pixel p, weights of channel 2q + n), every pair q. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c3_blocks(const uint32_t *x, const uint32_t *wq, const int32_t *bias, int pairs,
                      int32_t *acc)
{
#if defined(AOT_GROUP)
#define AOT_C3_K                                                                               \
    "ldr %[w1], [%[w], #4]\n\t"                                                                \
    "ldr %[w0], [%[w]], #8\n\t"                                                                \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "smlad %[s00], %[a], %[w0], %[s00]\n\t"                                                    \
    "smlad %[s01], %[b], %[w0], %[s01]\n\t"                                                    \
    "smlad %[s10], %[a], %[w1], %[s10]\n\t"                                                    \
    "smlad %[s11], %[b], %[w1], %[s11]\n\t"                                                    \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "smlad %[s02], %[a], %[w0], %[s02]\n\t"                                                    \
    "smlad %[s03], %[b], %[w0], %[s03]\n\t"                                                    \
    "smlad %[s12], %[a], %[w1], %[s12]\n\t"                                                    \
    "smlad %[s13], %[b], %[w1], %[s13]\n\t"
#define AOT_C3_K7 AOT_C3_K AOT_C3_K AOT_C3_K AOT_C3_K AOT_C3_K AOT_C3_K AOT_C3_K
    const uint32_t *xp = x, *wp = wq;
    const int32_t *bp = bias;
    int32_t *ap = acc;
    const uint32_t *const wend = wq + (size_t)pairs * 2 * AOT_C3_KW;
    const uint32_t *const xmid = x + 2 * AOT_C3_KW; /* after 7 k-words of 4 pixels */
    int32_t s00, s01, s02, s03, s10, s11, s12, s13;
    uint32_t a, b, w0, w1;
    __asm__ volatile(".p2align 2\n1:\n\t"
                     "ldr %[a], %[bp]\n\t"
                     "ldr %[s00], [%[a]]\n\t"
                     "ldr %[s10], [%[a], #4]\n\t"
                     "add %[a], %[a], #8\n\t"
                     "str %[a], %[bp]\n\t"
                     "mov %[s01], %[s00]\n\t"
                     "mov %[s02], %[s00]\n\t"
                     "mov %[s03], %[s00]\n\t"
                     "mov %[s11], %[s10]\n\t"
                     "mov %[s12], %[s10]\n\t"
                     "mov %[s13], %[s10]\n\t"
                     /* the 14 k-words as 7 twice (0.3 KB less code, about 5 cycles more per
                      * channel pair and pixel quad, 2%): back to 2 while x is at the middle */
                     "2:\n\t" AOT_C3_K7
                     "ldr %[a], %[xmid]\n\t"
                     "cmp %[x], %[a]\n\t"
                     "beq 2b\n\t"
                     "ldr %[a], %[ap]\n\t"
                     "str %[s00], [%[a]]\n\t"
                     "str %[s01], [%[a], #4]\n\t"
                     "str %[s02], [%[a], #8]\n\t"
                     "str %[s03], [%[a], #12]\n\t"
                     "str %[s10], [%[a], #16]\n\t"
                     "str %[s11], [%[a], #20]\n\t"
                     "str %[s12], [%[a], #24]\n\t"
                     "str %[s13], [%[a], #28]\n\t"
                     "add %[a], %[a], #32\n\t"
                     "str %[a], %[ap]\n\t"
                     "sub %[x], %[x], #224\n\t"
                     "ldr %[a], %[wend]\n\t"
                     "cmp %[w], %[a]\n\t"
                     "bne 1b\n\t"
                     : [s00] "=&r"(s00), [s01] "=&r"(s01), [s02] "=&r"(s02), [s03] "=&r"(s03),
                       [s10] "=&r"(s10), [s11] "=&r"(s11), [s12] "=&r"(s12), [s13] "=&r"(s13),
                       [x] "+r"(xp), [w] "+r"(wp), [a] "=&r"(a), [b] "=&r"(b), [w0] "=&l"(w0),
                       [w1] "=&l"(w1), [bp] "+m"(bp), [ap] "+m"(ap)
                     : [wend] "m"(wend), [xmid] "m"(xmid)
                     : "cc", "memory");
#undef AOT_C3_K7
#undef AOT_C3_K
#else
    for (int q = 0; q < pairs; q++, wq += 2 * AOT_C3_KW, acc += 8)
        for (int n = 0; n < 2; n++)
            for (int p = 0; p < 4; p++) {
                int32_t s = bias[2 * q + n];
                for (int k = 0; k < AOT_C3_KW; k++)
                    s = aot_smlad(x[4 * k + p], wq[2 * k + n], s);
                acc[4 * n + p] = s;
            }
#endif
}

/* requant of a doubled accumulator x2 = 2x (shift s <= -1, |x| < 2^30; conv_c1's
 * arithmetic without the clamp): (y + 2 off + 1) >> 1 with y the rounding shift of
 * SMMULR(x2, m) before its last halving, e1 = -s - 1 */
AOT_INLINE int32_t c3_requant(int32_t x2, int32_t m, int32_t e1, int32_t off21)
{
    const int32_t h = smmulr(x2, m);
    return (((h + (h >> 31)) >> e1) + off21) >> 1;
}

/* The pooled epilogue of conv_c3 on the DSP path with the whole int8 range as activation
 * range: per channel the 4 loads, 3 max, SMMULR, the rounding shift and one SSAT, about 20
 * cycles. acc: 8 words per channel pair ([n][p]). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c3_pool_out(const int32_t *acc, int oc, const int32_t *M, const int32_t *S,
                        int32_t off21, int8_t *out)
{
#if defined(AOT_GROUP)
    const int8_t *const oend = out + oc;
    uint32_t t, u, v, q, m, e;
    __asm__ volatile(".p2align 2\n1:\n\t"
                     "ldr %[t], [%[acc]], #4\n\t"
                     "ldr %[u], [%[acc]], #4\n\t"
                     "ldr %[v], [%[acc]], #4\n\t"
                     "ldr %[q], [%[acc]], #4\n\t"
                     "ldr %[m], [%[M]], #4\n\t"
                     "ldr %[e], [%[S]], #4\n\t"
                     "cmp %[t], %[u]\n\tit lt\n\tmovlt %[t], %[u]\n\t"
                     "cmp %[v], %[q]\n\tit lt\n\tmovlt %[v], %[q]\n\t"
                     "cmp %[t], %[v]\n\tit lt\n\tmovlt %[t], %[v]\n\t"
                     "smmulr %[t], %[t], %[m]\n\t"
                     "mvn %[e], %[e]\n\t"
                     "add %[t], %[t], %[t], asr #31\n\t"
                     "asr %[t], %[t], %[e]\n\t"
                     "add %[t], %[t], %[off21]\n\t"
                     "ssat %[t], #8, %[t], asr #1\n\t"
                     "strb %[t], [%[out]], #1\n\t"
                     "cmp %[out], %[oend]\n\t"
                     "bne 1b\n\t"
                     : [acc] "+r"(acc), [M] "+r"(M), [S] "+r"(S), [out] "+r"(out),
                       [t] "=&r"(t), [u] "=&r"(u), [v] "=&r"(v), [q] "=&r"(q), [m] "=&r"(m),
                       [e] "=&r"(e)
                     : [off21] "r"(off21), [oend] "r"(oend)
                     : "cc", "memory");
#else
    for (int ch = 0; ch < oc; ch++, acc += 4) {
        const int32_t m0 = acc[0] > acc[1] ? acc[0] : acc[1];
        const int32_t m1 = acc[2] > acc[3] ? acc[2] : acc[3];
        out[ch] = (int8_t)mcb_clamp_i32(c3_requant(m0 > m1 ? m0 : m1, M[ch], -S[ch] - 1, off21),
                                        -128, 127);
    }
#endif
}

/* The unpooled epilogue, same conditions: 4 pixels (outputs o, o + oc, o + 2 oc, o + 3 oc)
 * per channel, about 8 cycles an output. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void c3_plain_out(const int32_t *acc, int oc, const int32_t *M, const int32_t *S,
                         int32_t off21, int8_t *o)
{
#if defined(AOT_GROUP)
    const int8_t *const oend = o + oc;
    uint32_t t, u, m, e;
#define AOT_C3_RQ(STORE)                                                                       \
    "ldr %[t], [%[acc]], #4\n\t"                                                                 \
    "smmulr %[t], %[t], %[m]\n\t"                                                              \
    "add %[t], %[t], %[t], asr #31\n\t"                                                        \
    "asr %[t], %[t], %[e]\n\t"                                                                 \
    "add %[t], %[t], %[off21]\n\t"                                                             \
    "ssat %[t], #8, %[t], asr #1\n\t" STORE
    __asm__ volatile(".p2align 2\n1:\n\t"
                     "ldr %[m], [%[M]], #4\n\t"
                     "ldr %[e], [%[S]], #4\n\t"
                     "add %[u], %[o], %[st], lsl #1\n\t"
                     "mvn %[e], %[e]\n\t"
                     AOT_C3_RQ("strb %[t], [%[o]]\n\t")
                     AOT_C3_RQ("strb %[t], [%[o], %[st]]\n\t")
                     AOT_C3_RQ("strb %[t], [%[u]]\n\t")
                     AOT_C3_RQ("strb %[t], [%[u], %[st]]\n\t")
                     "add %[o], %[o], #1\n\t"
                     "cmp %[o], %[oend]\n\t"
                     "bne 1b\n\t"
                     : [acc] "+r"(acc), [M] "+r"(M), [S] "+r"(S), [o] "+r"(o), [t] "=&r"(t),
                       [u] "=&r"(u), [m] "=&r"(m), [e] "=&r"(e)
                     : [off21] "r"(off21), [oend] "r"(oend), [st] "r"(oc)
                     : "cc", "memory");
#undef AOT_C3_RQ
#else
    for (int ch = 0; ch < oc; ch++)
        for (int p = 0; p < 4; p++, acc++)
            o[(size_t)p * oc + ch] =
                (int8_t)mcb_clamp_i32(c3_requant(*acc, M[ch], -S[ch] - 1, off21), -128, 127);
#endif
}

static void conv_c3(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                    int32_t *scratch)
{
    const int oc = c->out_c, pairs = oc / 2;
    uint32_t *const wq = (uint32_t *)scratch;
    int32_t *const b2 = (int32_t *)(wq + (size_t)oc * AOT_C3_KW);
    uint32_t *const x = (uint32_t *)(b2 + oc);
    int32_t *const acc = (int32_t *)(x + 4 * AOT_C3_KW);
    const int32_t *const M = c->multiplier, *const S = c->shift;
    const int32_t off21 = 2 * c->output_offset + 1, lo = c->act_min, hi = c->act_max;
    /* the epilogues' SSAT is the clamp; without switch CLAMP no layer needs another */
    const int full = !MCB_AOT_CONV_CLAMP || (lo == -128 && hi == 127);
    c3_widen(c, wq, b2);
    if (MCB_AOT_CONV_POOL && (!MCB_AOT_CONV_PLAIN || c->pool)) {
        const size_t row = (size_t)c->in_w * 3;
        for (int py = 0; py < c->out_h; py++)
            for (int px = 0; px < c->out_w; px++) {
                const int iy0 = 2 * py - c->pad_h, ix0 = 2 * px - c->pad_w;
                if (!MCB_AOT_CONV_PADDED ||
                    (iy0 >= 0 && iy0 + 4 <= c->in_h && ix0 >= 0 && ix0 + 4 <= c->in_w)) {
                    c3_patch4(input + (size_t)iy0 * row + (size_t)ix0 * 3, row, row, x);
                } else {
                    for (int p = 0; p < 4; p++)
                        c3_patch(c, input, 2 * py + (p >> 1), 2 * px + (p & 1), x + p);
                }
                c3_blocks(x, wq, b2, pairs, acc);
                int8_t *out = output + ((size_t)py * c->out_w + px) * oc;
                if (full) {
                    c3_pool_out(acc, oc, M, S, off21, out);
                    continue;
                }
                for (int ch = 0; ch < oc; ch++) {
                    const int32_t *a = acc + 4 * ch;
                    const int32_t m0 = a[0] > a[1] ? a[0] : a[1];
                    const int32_t m1 = a[2] > a[3] ? a[2] : a[3];
                    const int32_t v = c3_requant(m0 > m1 ? m0 : m1, M[ch], -S[ch] - 1, off21);
                    out[ch] = (int8_t)mcb_clamp_i32(v, lo, hi);
                }
            }
        return;
    }
    const int npix = c->out_h * c->out_w, ow = c->out_w;
    int8_t *const band = (int8_t *)(acc + 4 * (size_t)oc);
    const int st = MCB_AOT_CONV_C3S2 ? c->stride_w : 1, bc = (ow - 1) * st + 3; /* band taps */
    const size_t bw = 3 * (size_t)bc;                    /* bytes per band row */
    int oy = 0, ox = 0, band_y = -1;        /* pixel t; the band's conv row */
    for (int t = 0; t < npix; t += 4) {
        int pix[4];
        if (ox + 4 <= ow) {
            /* 4 pixels of one row, from the padded band of its input rows */
            if (band_y != oy)
                c3_band(c, input, oy * st - c->pad_h, bc, band), band_y = oy;
            const int8_t *s = band + 3 * (size_t)ox * st;
            for (int p = 0; p < 4; p++)
                pix[p] = t + p;
            if (st == 2)
                c3_patch4s2(s, bw, x);
            else
                c3_patch4(s, bw, 6, x);
        } else {
            for (int p = 0, y = oy, xx = ox; p < 4; p++) {
                pix[p] = t + p < npix ? t + p : npix - 1; /* the last pixel again */
                if (t + p < npix)
                    c3_patch(c, input, y * st, xx * st, x + p);
                else
                    c3_patch(c, input, (c->out_h - 1) * st, (ow - 1) * st, x + p);
                if (++xx == ow)
                    xx = 0, y++;
            }
        }
        ox += 4;
        while (ox >= ow)
            ox -= ow, oy++;
        c3_blocks(x, wq, b2, pairs, acc);
        if (full && t + 4 <= npix) {
            c3_plain_out(acc, oc, M, S, off21, output + (size_t)t * oc);
            continue;
        }
        for (int ch = 0; ch < oc; ch++) {
            const int32_t *a = acc + 4 * ch;
            const int32_t m = M[ch], e1 = -S[ch] - 1;
            for (int p = 0; p < 4; p++)
                output[(size_t)pix[p] * oc + ch] =
                    (int8_t)mcb_clamp_i32(c3_requant(a[p], m, e1, off21), lo, hi);
        }
    }
}

/* ---- Pointwise (1x1) convolutions: a matrix multiply (docs/codegen.md, MLPerf Tiny) ----
 * Taken by a conv without pool, 1x1 filter, no padding (any stride), int8 weights and in_c a
 * multiple of 4 (mcb_aot_conv_pointwise): a pixel's in_c channels are contiguous bytes of the
 * input, so the "patch" of a pixel pair is the two pixels' channels widened once (one load and
 * two SXTB16 per 4 channels and pixel, no im2col addressing), then every channel block runs
 * the 2-pixel x 3-channel int8-weight micro-kernel (AOT_QUAD8: 27 cycles per 24 MACs) and,
 * on the DSP path, requantizes and stores its 6 outputs in the same assembly loop. Switch
 * MCB_AOT_CONV_PW (undefined: 1) is defined to 0 by the generator when no layer takes it. */
#ifndef MCB_AOT_CONV_PW
#define MCB_AOT_CONV_PW 1
#endif

/* Pixel p's channels (in_c bytes at s) widened into lane p of the pair buffer d (the perm4
 * positions: group g's SXTB16 at word 4g + p, its SXTB16 ROR 8 at word 4g + 2 + p). */
AOT_INLINE void pw_widen(const int8_t *sa, const int8_t *sb, int in_c, uint32_t *d)
{
    for (int g = 0; g < in_c; g += 4, d += 4) {
        const uint32_t xa = aot_load32(sa + g), xb = aot_load32(sb + g);
        d[0] = aot_sxtb16(xa);
        d[1] = aot_sxtb16(xb);
        d[2] = aot_sxtb16_ror8(xa);
        d[3] = aot_sxtb16_ror8(xb);
    }
}

/* Two runs of n bytes (n a multiple of 4; sa, sb: pixels A and B) widened into the lanes of
 * the pair buffer d as pw_widen does. On the DSP path two groups per pass in assembly: 4
 * loads, 8 SXTB16, 8 stores, about 24 cycles per 2 groups of both pixels against about 38
 * for the compiled pw_widen (its end pointer spilled, the stores' address just computed). */
AOT_INLINE void widen_pair(const int8_t *sa, const int8_t *sb, int n, uint32_t *d)
{
#if defined(AOT_GROUP)
    if (n & 4) {
        const uint32_t xa = aot_load32(sa), xb = aot_load32(sb);
        d[0] = aot_sxtb16(xa);
        d[1] = aot_sxtb16(xb);
        d[2] = aot_sxtb16_ror8(xa);
        d[3] = aot_sxtb16_ror8(xb);
        sa += 4, sb += 4, d += 4;
    }
    if (n >= 8) {
        const int8_t *const end = sa + (n & ~7);
        uint32_t xa, xb, ya, yb, t0, t1;
        __asm__ volatile(".p2align 2\n1:\n\t"
                         "ldr %[xa], [%[sa]], #4\n\t"
                         "ldr %[xb], [%[sb]], #4\n\t"
                         "ldr %[ya], [%[sa]], #4\n\t"
                         "ldr %[yb], [%[sb]], #4\n\t"
                         "sxtb16 %[t0], %[xa]\n\t"
                         "sxtb16 %[t1], %[xb]\n\t"
                         "sxtb16 %[xa], %[xa], ror #8\n\t"
                         "sxtb16 %[xb], %[xb], ror #8\n\t"
                         "str %[t0], [%[d]]\n\t"
                         "str %[t1], [%[d], #4]\n\t"
                         "str %[xa], [%[d], #8]\n\t"
                         "str %[xb], [%[d], #12]\n\t"
                         "sxtb16 %[t0], %[ya]\n\t"
                         "sxtb16 %[t1], %[yb]\n\t"
                         "sxtb16 %[ya], %[ya], ror #8\n\t"
                         "sxtb16 %[yb], %[yb], ror #8\n\t"
                         "str %[t0], [%[d], #16]\n\t"
                         "str %[t1], [%[d], #20]\n\t"
                         "str %[ya], [%[d], #24]\n\t"
                         "str %[yb], [%[d], #28]\n\t"
                         "adds %[d], %[d], #32\n\t"
                         "cmp %[sa], %[e]\n\t"
                         "bne 1b\n\t"
                         : [sa] "+r"(sa), [sb] "+r"(sb), [d] "+r"(d), [xa] "=&r"(xa),
                           [xb] "=&r"(xb), [ya] "=&r"(ya), [yb] "=&r"(yb), [t0] "=&r"(t0),
                           [t1] "=&r"(t1)
                         : [e] "r"(end)
                         : "cc", "memory");
    }
#else
    pw_widen(sa, sb, n, d);
#endif
}

#if defined(AOT_GROUP)
/* What the fused block loop keeps in memory (13 of the 14 registers hold the micro-kernel's
 * state; a local, so GCC addresses it from sp and needs no register for it). */
typedef struct {
    const uint32_t *x0, *xend4, *xend; /* pair buffer: start, end of the 4-quad part, end */
    const int32_t *b, *m, *s;          /* bias, multiplier, requantization code of the
                                          next block */
    int8_t *out0;                      /* the first pixel's next outputs */
    int32_t od;                        /* bytes from them to the second pixel's */
    const int32_t *wend;               /* weights end of the full blocks */
    int32_t off;
    int32_t delta; /* bytes from the codes to the layer's shifts */
} pw_ctx;

/* Requantization of accumulator S as requant_any for a shift <= -1 (m in w0, -shift-1 in w1,
 * output offset in w2), then SSAT to int8 (the layer's range is all of int8): 7 cycles. The
 * high multiply (S*m + 2^30) >> 31 is SMMULR of 2S and m, exact because conv_1x1 checked
 * |S| < 2^30 for every accumulator the layer can produce (|bias| + 2^14 in_c). */
#define AOT_PW_RQ(S)                                                                           \
    "lsl %[" #S "], %[" #S "], #1\n\t"                                                         \
    "smmulr %[" #S "], %[" #S "], %[w0]\n\t"                                                   \
    "add %[" #S "], %[" #S "], %[" #S "], asr #31\n\t"                                         \
    "asr %[" #S "], %[" #S "], %[w1]\n\t"                                                      \
    "add %[" #S "], %[" #S "], #1\n\t"                                                         \
    "add %[" #S "], %[w2], %[" #S "], asr #1\n\t"                                              \
    "ssat %[" #S "], #8, %[" #S "]\n\t"
/* Channel N of the block (multipliers at a, requantization codes (conv_1x1) at b, outputs at
 * t and x): both pixels' outputs, stored, 21 cycles. A negative code (a shift >= 0, or a bias
 * that could take the accumulator to 2^30: some channels of MobileNet's pointwise layers)
 * branches to AOT_PW_CH0, out of line. */
#define AOT_PW_CH(S0, S1, N)                                                                   \
    "ldr %[w0], [%[a], #" #N "*4]\n\t"                                                         \
    "ldr %[w1], [%[b], #" #N "*4]\n\t"                                                         \
    "cmp %[w1], #0\n\t"                                                                        \
    "blt 3" #N "f\n\t" AOT_PW_RQ(S0) AOT_PW_RQ(S1)                                             \
    "4" #N ":\n\t"                                                                             \
    "strb %[" #S0 "], [%[t], #" #N "]\n\t"                                                     \
    "strb %[" #S1 "], [%[x], #" #N "]\n\t"
/* One output of requant_any with any shift, for the channels whose code is -1 (out of
 * line): the layer's shift (from the code.s address + delta), a left shift when > 0,
 * the high multiply on SMLAL (exact for any accumulator), the rounding shift when < 0 (under
 * IT, from MVNS's sign), offset and SSAT. Temporaries w1, a, b (reloaded after). */
#define AOT_PW_RQG(S, N)                                                                       \
    "ldr %[w1], %[delta]\n\t"                                                                  \
    "ldr %[b], %[sp]\n\t"                                                                      \
    "add %[w1], %[w1], %[b]\n\t"                                                               \
    "ldr %[w1], [%[w1], #" #N "*4]\n\t"                                                        \
    "cmp %[w1], #0\n\t"                                                                        \
    "it gt\n\t"                                                                                \
    "lslgt %[" #S "], %[" #S "], %[w1]\n\t"                                                    \
    "mov %[a], #0x40000000\n\t"                                                                \
    "mov %[b], #0\n\t"                                                                         \
    "smlal %[a], %[b], %[" #S "], %[w0]\n\t"                                                   \
    "lsr %[a], %[a], #31\n\t"                                                                  \
    "orr %[" #S "], %[a], %[b], lsl #1\n\t"                                                    \
    "mvns %[w1], %[w1]\n\t"                                                                    \
    "itttt pl\n\t"                                                                             \
    "addpl %[" #S "], %[" #S "], %[" #S "], asr #31\n\t"                                       \
    "asrpl %[" #S "], %[" #S "], %[w1]\n\t"                                                    \
    "addpl %[" #S "], %[" #S "], #1\n\t"                                                       \
    "asrpl %[" #S "], %[" #S "], #1\n\t"                                                       \
    "add %[" #S "], %[w2], %[" #S "]\n\t"                                                      \
    "ssat %[" #S "], #8, %[" #S "]\n\t"
/* A shift <= -1 with an accumulator that may reach 2^30 (code shift - 63, turned back into
 * -shift - 1 in w1): the high multiply on SMLAL (temporaries a, b), the rest as AOT_PW_RQ. */
#define AOT_PW_RQL(S)                                                                          \
    "mov %[a], #0x40000000\n\t"                                                                \
    "mov %[b], #0\n\t"                                                                         \
    "smlal %[a], %[b], %[" #S "], %[w0]\n\t"                                                   \
    "lsr %[a], %[a], #31\n\t"                                                                  \
    "orr %[" #S "], %[a], %[b], lsl #1\n\t"                                                    \
    "add %[" #S "], %[" #S "], %[" #S "], asr #31\n\t"                                         \
    "asr %[" #S "], %[" #S "], %[w1]\n\t"                                                      \
    "add %[" #S "], %[" #S "], #1\n\t"                                                         \
    "add %[" #S "], %[w2], %[" #S "], asr #1\n\t"                                              \
    "ssat %[" #S "], #8, %[" #S "]\n\t"
#define AOT_PW_CH0(S0, S1, N)                                                                  \
    "3" #N ":\n\t"                                                                             \
    "cmn %[w1], #1\n\t"                                                                        \
    "beq 5" #N "f\n\t"                                                                         \
    "mvn %[w1], %[w1]\n\t"                                                                     \
    "sub %[w1], %[w1], #63\n\t" AOT_PW_RQL(S0) AOT_PW_RQL(S1)                                  \
    "ldr %[a], %[mp]\n\t"                                                                      \
    "ldr %[b], %[sp]\n\t"                                                                      \
    "b 4" #N "b\n\t"                                                                           \
    "5" #N ":\n\t" AOT_PW_RQG(S0, N) AOT_PW_RQG(S1, N)                                         \
    "ldr %[a], %[mp]\n\t"                                                                      \
    "ldr %[b], %[sp]\n\t"                                                                      \
    "b 4" #N "b\n\t"

/* Every full channel block of one pixel pair: bias, the quads (4 per pass, then 1 per pass),
 * requantization and stores, one assembly loop. About 100 cycles per block besides its quads
 * (the compiled C takes about 250: the accumulators go through memory and requant_any). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void pw_pair_blocks(const uint32_t *x0, int quads, const int32_t *w, const int32_t *bias,
                           const int32_t *M, const int32_t *S, const int32_t *fast, int full,
                           int8_t *out0, int8_t *out1, int32_t off)
{
    pw_ctx c;
    c.delta = (int32_t)((const char *)S - (const char *)fast);
    c.x0 = x0, c.xend4 = x0 + 16 * (size_t)(quads / 4), c.xend = x0 + 4 * (size_t)quads;
    c.b = bias, c.m = M, c.s = fast, c.out0 = out0, c.od = (int32_t)(out1 - out0), c.off = off;
    c.wend = w + (size_t)full * quads * MCB_AOT_CONV_BLOCK;
    int32_t s00, s01, s02, s10, s11, s12;
    const uint32_t *xp;
    const int32_t *wp = w;
    uint32_t a, b, w0, w1, w2, t;
    __asm__ volatile(
        ".p2align 2\n20:\n\t"
        "ldr %[a], %[bp]\n\t"
        "ldr %[s00], [%[a]]\n\t"
        "ldr %[s01], [%[a], #4]\n\t"
        "ldr %[s02], [%[a], #8]\n\t"
        "add %[a], %[a], #12\n\t"
        "str %[a], %[bp]\n\t"
        "mov %[s10], %[s00]\n\t"
        "mov %[s11], %[s01]\n\t"
        "mov %[s12], %[s02]\n\t"
        "ldr %[x], %[x0]\n\t"
        "ldr %[a], %[xend4]\n\t"
        "cmp %[x], %[a]\n\t"
        "beq 22f\n\t"
        ".p2align 2\n21:\n\t" AOT_QUAD8x4
        "ldr %[a], %[xend4]\n\t"
        "cmp %[x], %[a]\n\t"
        "bne 21b\n\t"
        "22:\n\t"
        "ldr %[a], %[xend]\n\t"
        "cmp %[x], %[a]\n\t"
        "beq 24f\n\t"
        ".p2align 2\n23:\n\t" AOT_QUAD8
        "ldr %[a], %[xend]\n\t"
        "cmp %[x], %[a]\n\t"
        "bne 23b\n\t"
        "24:\n\t"
        "ldr %[a], %[mp]\n\t"
        "ldr %[b], %[sp]\n\t"
        "ldr %[w2], %[off]\n\t"
        "ldr %[t], %[o0]\n\t"
        "ldr %[x], %[od]\n\t"
        "add %[x], %[x], %[t]\n\t"
        AOT_PW_CH(s00, s10, 0) AOT_PW_CH(s01, s11, 1) AOT_PW_CH(s02, s12, 2)
        "add %[a], %[a], #12\n\t"
        "add %[b], %[b], #12\n\t"
        "add %[t], %[t], #3\n\t"
        "str %[a], %[mp]\n\t"
        "str %[b], %[sp]\n\t"
        "str %[t], %[o0]\n\t"
        "ldr %[a], %[wend]\n\t"
        "cmp %[w], %[a]\n\t"
        "bne 20b\n\t"
        "b 29f\n\t"
        AOT_PW_CH0(s00, s10, 0) AOT_PW_CH0(s01, s11, 1) AOT_PW_CH0(s02, s12, 2)
        "29:\n\t"
        : [s00] "=&r"(s00), [s01] "=&r"(s01), [s02] "=&r"(s02), [s10] "=&r"(s10),
          [s11] "=&r"(s11), [s12] "=&r"(s12), [x] "=&r"(xp), [w] "+r"(wp), [a] "=&r"(a),
          [b] "=&r"(b), [w0] "=&r"(w0), [w1] "=&l"(w1), [w2] "=&l"(w2), [t] "=&r"(t),
          [bp] "+m"(c.b), [mp] "+m"(c.m), [sp] "+m"(c.s), [o0] "+m"(c.out0)
        : [od] "m"(c.od), [x0] "m"(c.x0), [xend4] "m"(c.xend4), [xend] "m"(c.xend), [wend] "m"(c.wend),
          [off] "m"(c.off), [delta] "m"(c.delta)
        : "cc", "memory");
}
#undef AOT_PW_CH
#undef AOT_PW_CH0
#undef AOT_PW_RQ
#undef AOT_PW_RQG
#undef AOT_PW_RQL
#endif

#if defined(AOT_GROUP)
/* The fused loop's requantization codes, one per channel of every block, into codes: the
 * fused loop requantizes when the range is all of int8 (its clamp is one SSAT); its fast
 * requantization (AOT_PW_RQ) for the channels whose shift is <= -1 and whose accumulator stays
 * below 2^30 in magnitude: |acc| <= |bias| + 2^14 taps (int8 inputs and weights; padding taps
 * read the input zero point). Code -shift - 1 (>= 0: the right shift AOT_PW_RQ applies before
 * its rounding step) for those; shift - 63 (<= -64: AOT_PW_RQL, the high multiply on SMLAL)
 * for a shift <= -1 with a larger bias (MobileNet-VWW's late layers have many biases of
 * +-2^30); -1 (the general requantization, AOT_PW_RQG) for a shift >= 0. Returns whether the
 * fused loop applies. */
static int pw_codes(const mcb_aot_conv *c, int32_t *codes)
{
    if (c->act_min != -128 || c->act_max != 127)
        return 0;
    const int32_t *const B = c->bias, *const S = c->shift;
    for (int ch = 0; ch < c->n_blocks * MCB_AOT_CONV_BLOCK; ch++) {
        const int64_t bound = (B[ch] < 0 ? -(int64_t)B[ch] : (int64_t)B[ch]) +
                              ((int64_t)2 * c->kw << 14);
        codes[ch] = S[ch] >= 0 ? -1 : bound < ((int64_t)1 << 30) ? -S[ch] - 1 : S[ch] - 63;
    }
    return 1;
}

/* One channel of a partial last block over a widened pixel pair: its weight words (one per
 * quad, MCB_AOT_CONV_BLOCK words apart) against both lanes, into *s0 and *s1 (which hold the
 * bias). 13 cycles per quad (8 MACs), 4 quads per pass, then one; the compiled C took 16
 * (LDRD pairs never pipeline, and the loop counter). ResNet-8's 16-, 32- and 64-channel convs
 * have 1 or 2 such channels. Only with switch PATCH4 (models with unpooled 3x3 convs of
 * in_c % 4 == 0, ResNet-8's kind): in MobileNet-VWW's firmware the new code layout cost more
 * instruction-cache misses (+0.23 M cycles) than the loop saved. */
#define AOT_PW_T1                                                                              \
    "ldr %[wv], [%[w]], #12\n\t"                                                               \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "sxtb16 %[t], %[wv]\n\t"                                                                   \
    "smlad %[s0], %[a], %[t], %[s0]\n\t"                                                       \
    "smlad %[s1], %[b], %[t], %[s1]\n\t"                                                       \
    "ldr %[b], [%[x], #4]\n\t"                                                                 \
    "ldr %[a], [%[x]], #8\n\t"                                                                 \
    "sxtb16 %[t], %[wv], ror #8\n\t"                                                           \
    "smlad %[s0], %[a], %[t], %[s0]\n\t"                                                       \
    "smlad %[s1], %[b], %[t], %[s1]\n\t"
AOT_INLINE void pw_tail1(const uint32_t *x, int quads, const int32_t *w, int32_t *s0p,
                         int32_t *s1p)
{
    int32_t s0 = *s0p, s1 = *s1p;
    uint32_t a, b, t, wv;
    const uint32_t *const end4 = x + 16 * (size_t)(quads / 4), *const end = x + 4 * (size_t)quads;
    if (x != end4)
        __asm__ volatile(".p2align 2\n1:\n\t" AOT_PW_T1 AOT_PW_T1 AOT_PW_T1 AOT_PW_T1
                         "cmp %[x], %[e]\n\t"
                         "bne 1b\n\t"
                         : [s0] "+r"(s0), [s1] "+r"(s1), [x] "+r"(x), [w] "+r"(w), [a] "=&r"(a),
                           [b] "=&r"(b), [t] "=&r"(t), [wv] "=&r"(wv)
                         : [e] "r"(end4)
                         : "cc", "memory");
    if (x != end)
        __asm__ volatile("2:\n\t" AOT_PW_T1
                         "cmp %[x], %[e]\n\t"
                         "bne 2b\n\t"
                         : [s0] "+r"(s0), [s1] "+r"(s1), [x] "+r"(x), [w] "+r"(w), [a] "=&r"(a),
                           [b] "=&r"(b), [t] "=&r"(t), [wv] "=&r"(wv)
                         : [e] "r"(end)
                         : "cc", "memory");
    *s0p = s0, *s1p = s1;
}
#undef AOT_PW_T1

/* Every output channel of a widened pixel pair (perm4 positions, int8 weights): the full
 * blocks in the fused loop, the 1 or 2 channels of a partial last block as plain dot products
 * over the pair (a whole block would compute 3 for the price of 1 or 2). */
AOT_INLINE void pw_pair_body(const mcb_aot_conv *c, const uint32_t *pair, const int32_t *codes,
                             int8_t *out0, int8_t *out1)
{
    const int out_c = c->out_c, quads = c->kw / 2;
    const int full = out_c / MCB_AOT_CONV_BLOCK;
    const int32_t *const W = c->weights, *const B = c->bias;
    const int32_t *const M = c->multiplier, *const S = c->shift;
    const int32_t off = c->output_offset;
    if (full > 0)
        pw_pair_blocks(pair, quads, W, B, M, S, codes, full, out0, out1, off);
    const int32_t *wl = W + (size_t)full * quads * MCB_AOT_CONV_BLOCK;
    for (int ch = full * MCB_AOT_CONV_BLOCK; ch < out_c; ch++, wl++) {
        int32_t a0 = B[ch], a1 = B[ch];
        if (MCB_AOT_CONV_PATCH4) {
            pw_tail1(pair, quads, wl, &a0, &a1);
        } else {
            const uint32_t *xp = pair, *wp = (const uint32_t *)wl;
            for (int g = 0; g < quads; g++, xp += 4, wp += MCB_AOT_CONV_BLOCK) {
                const uint32_t lo = aot_sxtb16(*wp), hi = aot_sxtb16_ror8(*wp);
                a0 = aot_smlad(xp[2], hi, aot_smlad(xp[0], lo, a0));
                a1 = aot_smlad(xp[3], hi, aot_smlad(xp[1], lo, a1));
            }
        }
        out0[ch] = (int8_t)mcb_clamp_i32(requant_any(a0, M[ch], S[ch]) + off, -128, 127);
        out1[ch] = (int8_t)mcb_clamp_i32(requant_any(a1, M[ch], S[ch]) + off, -128, 127);
    }
}

/* pw_pair_body out of line (the pointwise path; conv_plain_fused inlines it with switch
 * PATCH4, so that ResNet-8's hot code is two pieces, not three, in the instruction cache). */
static void pw_pair(const mcb_aot_conv *c, const uint32_t *pair, const int32_t *codes,
                    int8_t *out0, int8_t *out1)
{
    pw_pair_body(c, pair, codes, out0, out1);
}
#endif

/* The pointwise conv: pixel pairs in raster order (an odd last pixel computed twice). */
static void conv_1x1(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                     int32_t *scratch)
{
    const int kw = c->kw, in_c = c->in_c, out_c = c->out_c, out_w = c->out_w;
    const int npix = c->out_h * out_w, nb = c->n_blocks;
    const int32_t *const W = c->weights, *const B = c->bias;
    const int32_t *const M = c->multiplier, *const S = c->shift;
    const int32_t off = c->output_offset, lo = c->act_min, hi = c->act_max;
    uint32_t *pair = (uint32_t *)scratch;
    int32_t *acc = (int32_t *)(pair + 2 * (size_t)kw);
    const size_t row = (size_t)c->in_w * in_c * c->stride_h, col = (size_t)in_c * c->stride_w;
#if defined(AOT_GROUP)
    const int fused = pw_codes(c, acc); /* the codes in the accumulators' scratch */
#endif
    for (int t = 0; t < npix; t += 2) {
        const int t1 = t + 1 < npix ? t + 1 : t;
        pw_widen(input + (size_t)(t / out_w) * row + (size_t)(t % out_w) * col,
                 input + (size_t)(t1 / out_w) * row + (size_t)(t1 % out_w) * col, in_c, pair);
        int8_t *out0 = output + (size_t)t * out_c, *out1 = output + (size_t)t1 * out_c;
#if defined(AOT_GROUP)
        if (fused) {
            pw_pair(c, pair, acc, out0, out1);
            continue;
        }
#endif
        /* the compiled C epilogue over the accumulators of every block */
        pair_all_blocks(pair, W, kw, B, nb, acc, 1);
        const int32_t *a = acc;
        for (int base = 0; base < out_c; base += MCB_AOT_CONV_BLOCK, a += AOT_ACC_STRIDE) {
            const int nn = out_c - base < MCB_AOT_CONV_BLOCK ? out_c - base : MCB_AOT_CONV_BLOCK;
            for (int n = 0; n < nn; n++) {
                const int32_t m = M[base + n], sh = S[base + n];
                out0[base + n] = (int8_t)mcb_clamp_i32(requant_any(a[n], m, sh) + off, lo, hi);
                out1[base + n] = (int8_t)mcb_clamp_i32(requant_any(a[n + 3], m, sh) + off, lo, hi);
            }
        }
    }
}

/* The patches of conv pixels t and t1 (raster order) into the pair buffer when both windows
 * are inside the input (returns 1; 0: nothing written): each filter row of the two pixels is
 * one run of contiguous bytes, widened together into the pair's lanes (widen_pair; ResNet-8's
 * 3x3 convs, switch PATCH4). */
AOT_INLINE int patch_pair_inside(const mcb_aot_conv *c, const int8_t *input, int t, int t1,
                                 uint32_t *pair)
{
    const int oy0 = t / c->out_w, ox0 = t % c->out_w, oy1 = t1 / c->out_w, ox1 = t1 % c->out_w;
    const int iy0 = oy0 * c->stride_h - c->pad_h, ix0 = ox0 * c->stride_w - c->pad_w;
    const int iy1 = oy1 * c->stride_h - c->pad_h, ix1 = ox1 * c->stride_w - c->pad_w;
    if (iy0 < 0 || iy1 < 0 || ix0 < 0 || ix1 < 0 || iy0 + c->filter_h > c->in_h ||
        iy1 + c->filter_h > c->in_h || ix0 + c->filter_w > c->in_w ||
        ix1 + c->filter_w > c->in_w)
        return 0;
    const int run = c->filter_w * c->in_c;
    const size_t row = (size_t)c->in_w * c->in_c;
    const int8_t *sa = input + (size_t)iy0 * row + (size_t)ix0 * c->in_c;
    const int8_t *sb = input + (size_t)iy1 * row + (size_t)ix1 * c->in_c;
    for (int fy = 0; fy < c->filter_h; fy++, sa += row, sb += row)
        widen_pair(sa, sb, run, pair + (size_t)fy * run);
    return 1;
}

/* An unpooled conv with int8 weights and in_c a multiple of 4 (ResNet-8's 3x3 convs, strided
 * or not) on the DSP path, range all of int8: conv_plain's
 * patches, then pw_pair (the fused loop) instead of pair_all_blocks and the compiled C
 * epilogue. Returns 0 (nothing done) where it does not apply. */
#if MCB_AOT_CONV_PATCH4 && defined(__GNUC__)
/* Out of line with switch PATCH4, so that its loop sits next to pw_pair and pw_pair_blocks
 * instead of inside mcb_aot_conv_s8: inlined, the three hot pieces shared sets of the 2 KB
 * 2-way instruction cache (ResNet-8: 95 K misses, 0.46 M cycles more). Without the switch it
 * stays inlined as before (the other firmwares' code unchanged). */
__attribute__((noinline))
#endif
static int conv_plain_fused(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                            int32_t *scratch)
{
#if defined(AOT_GROUP)
    uint32_t *pair = (uint32_t *)scratch;
    int32_t *codes = (int32_t *)(pair + 2 * (size_t)c->kw);
    if (w8_mode(c) != 1 || !pw_codes(c, codes))
        return 0;
    const int npix = c->out_h * c->out_w, out_c = c->out_c;
    for (int t = 0; t < npix; t += 2) {
        const int t1 = t + 1 < npix ? t + 1 : t;
        if (!(MCB_AOT_CONV_PATCH4 && mcb_aot_conv_patch4(c) &&
              patch_pair_inside(c, input, t, t1, pair))) {
            patch(c, input, t / c->out_w, t % c->out_w, pair);
            patch(c, input, t1 / c->out_w, t1 % c->out_w, pair + 1);
        }
        if (MCB_AOT_CONV_PATCH4)
            pw_pair_body(c, pair, codes, output + (size_t)t * out_c,
                         output + (size_t)t1 * out_c);
        else
            pw_pair(c, pair, codes, output + (size_t)t * out_c, output + (size_t)t1 * out_c);
    }
    return 1;
#else
    (void)c, (void)input, (void)output, (void)scratch;
    return 0;
#endif
}

/* ---- Pointwise convs of 8 input channels (MobileNet's first pointwise layer): conv_pw8 ----
 * With 8 input channels the block loop above spends more on each block's set-up and
 * requantization than on its 48 MACs. Here the 8 channels of a pixel pair stay widened in 8
 * registers (pixel A: (x0,x2), (x1,x3), (x4,x6), (x5,x7), then pixel B) and a loop walks the
 * output channels over a table made once per call (8 words per channel: 2 x bias, the 4
 * weight pairs doubled in the pixel words' order, multiplier, -shift - 1, 2 x output offset
 * + 1), so that each channel's sums start from the doubled bias and need no shift before the
 * SMMULR requantization of conv_c1 (exact: |2 (bias + sum)| < 2^31 with |bias| <= 2^29 and
 * 8 products). Per channel, Cortex-M4 timings:
 *     ldr s0, [w]; ldr t, [w, #4]; smlad s1, b0, t, s0; smlad s0, a0, t, s0     5
 *     3 x (ldr t; smlad s0, a_k, t, s0; smlad s1, b_k, t, s1)                    12
 *     ldr t (m); smmulr s0; smmulr s1                                            4
 *     ldr t (e); add s, s, s, asr #31; asr s, s, t (both)                        6
 *     ldr t (off); add; add; ssat #8, asr #1 (both); strb s0, [oa], #1; strb s1, [ob], #1  8
 * = 35 cycles per 16 MACs, two channels per pass (then the end pointer from the stack, cmp,
 * bne: 7 per pass). Registers: 8 pixel words, 2 sums, the loaded word, the table and 2
 * output pointers = 14. The portable path runs the same arithmetic in C. */

static size_t pw8_scratch_words(const mcb_aot_conv *c)
{
    return 8 * (size_t)c->out_c;
}

/* The table (above) into tab, from the packed int8 weights: value t of channel ch is byte
 * t % 4 of word 3 (kw/2 b + t/4) + n of its block b (channel n of it). */
static void pw8_table(const mcb_aot_conv *c, int32_t *tab)
{
    const int8_t *const w8 = (const int8_t *)c->weights;
    const size_t q = (size_t)c->kw / 2;
    for (int ch = 0; ch < c->out_c; ch++) {
        const size_t b = (size_t)ch / MCB_AOT_CONV_BLOCK, n = (size_t)ch % MCB_AOT_CONV_BLOCK;
        int32_t w[8];
        for (int t = 0; t < 8; t++)
            w[t] = 2 * w8[4 * (MCB_AOT_CONV_BLOCK * (b * q + (size_t)(t >> 2)) + n) + (t & 3)];
        int32_t *const d = tab + 8 * (size_t)ch;
        d[0] = (int32_t)((uint32_t)c->bias[ch] << 1);
        d[1] = (int32_t)aot_pack16(w[0], w[2]), d[2] = (int32_t)aot_pack16(w[1], w[3]);
        d[3] = (int32_t)aot_pack16(w[4], w[6]), d[4] = (int32_t)aot_pack16(w[5], w[7]);
        d[5] = c->multiplier[ch], d[6] = -c->shift[ch] - 1, d[7] = 2 * c->output_offset + 1;
    }
}

/* One channel (table words d) of a pixel pair whose widened words are x[0..3], x[4..7]:
 * the two requantized outputs. */
AOT_INLINE void pw8_one(const int32_t *d, const uint32_t *x, int8_t *oa, int8_t *ob)
{
    int32_t s0 = d[0], s1 = d[0];
    for (int k = 0; k < 4; k++) {
        s0 = aot_smlad(x[k], (uint32_t)d[1 + k], s0);
        s1 = aot_smlad(x[4 + k], (uint32_t)d[1 + k], s1);
    }
    *oa = (int8_t)mcb_clamp_i32(c3_requant(s0, d[5], d[6], d[7]), -128, 127);
    *ob = (int8_t)mcb_clamp_i32(c3_requant(s1, d[5], d[6], d[7]), -128, 127);
}

/* Every channel of a pixel pair (widened words x[0..3], x[4..7]; table tab of oc channels),
 * pixel A's outputs at oa, B's at ob. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void pw8_pair(const int32_t *tab, int oc, const uint32_t *x, int8_t *oa, int8_t *ob)
{
    const int32_t *d = tab;
#if defined(AOT_GROUP)
    /* the odd last channel first: nothing but the asm's operands is live across it (14
     * registers) */
    if (oc & 1)
        pw8_one(tab + 8 * (size_t)(oc - 1), x, oa + oc - 1, ob + oc - 1);
    if (oc >= 2) {
        const int32_t *const end = tab + 8 * (size_t)(oc & ~1);
        int32_t s0, s1;
        uint32_t u;
        /* one channel from the table words at byte offsets O0..O7 of d */
#define AOT_PW8_CH(O0, O1, O2, O3, O4, O5, O6, O7)                                             \
    "ldr %[s0], [%[d], #" O0 "]\n\t"                                                           \
    "ldr %[u], [%[d], #" O1 "]\n\t"                                                            \
    "smlad %[s1], %[b0], %[u], %[s0]\n\t"                                                      \
    "smlad %[s0], %[a0], %[u], %[s0]\n\t"                                                      \
    "ldr %[u], [%[d], #" O2 "]\n\t"                                                            \
    "smlad %[s0], %[a1], %[u], %[s0]\n\t"                                                      \
    "smlad %[s1], %[b1], %[u], %[s1]\n\t"                                                      \
    "ldr %[u], [%[d], #" O3 "]\n\t"                                                            \
    "smlad %[s0], %[a2], %[u], %[s0]\n\t"                                                      \
    "smlad %[s1], %[b2], %[u], %[s1]\n\t"                                                      \
    "ldr %[u], [%[d], #" O4 "]\n\t"                                                            \
    "smlad %[s0], %[a3], %[u], %[s0]\n\t"                                                      \
    "smlad %[s1], %[b3], %[u], %[s1]\n\t"                                                      \
    "ldr %[u], [%[d], #" O5 "]\n\t"                                                            \
    "smmulr %[s0], %[s0], %[u]\n\t"                                                            \
    "smmulr %[s1], %[s1], %[u]\n\t"                                                            \
    "ldr %[u], [%[d], #" O6 "]\n\t"                                                            \
    "add %[s0], %[s0], %[s0], asr #31\n\t"                                                     \
    "add %[s1], %[s1], %[s1], asr #31\n\t"                                                     \
    "asr %[s0], %[s0], %[u]\n\t"                                                               \
    "asr %[s1], %[s1], %[u]\n\t"                                                               \
    "ldr %[u], [%[d], #" O7 "]\n\t"                                                            \
    "add %[s0], %[s0], %[u]\n\t"                                                               \
    "add %[s1], %[s1], %[u]\n\t"                                                               \
    "ssat %[s0], #8, %[s0], asr #1\n\t"                                                        \
    "ssat %[s1], #8, %[s1], asr #1\n\t"                                                        \
    "strb %[s0], [%[oa]], #1\n\t"                                                              \
    "strb %[s1], [%[ob]], #1\n\t"
        __asm__ volatile(".p2align 2\n1:\n\t"
                         AOT_PW8_CH("0", "4", "8", "12", "16", "20", "24", "28")
                         AOT_PW8_CH("32", "36", "40", "44", "48", "52", "56", "60")
                         "add %[d], %[d], #64\n\t"
                         "ldr %[u], %[end]\n\t"
                         "cmp %[d], %[u]\n\t"
                         "bne 1b\n\t"
                         : [s0] "=&r"(s0), [s1] "=&r"(s1), [u] "=&r"(u), [d] "+r"(d),
                           [oa] "+r"(oa), [ob] "+r"(ob)
                         : [a0] "r"(x[0]), [a1] "r"(x[1]), [a2] "r"(x[2]), [a3] "r"(x[3]),
                           [b0] "r"(x[4]), [b1] "r"(x[5]), [b2] "r"(x[6]), [b3] "r"(x[7]),
                           [end] "m"(end)
                         : "cc", "memory");
#undef AOT_PW8_CH
    }
#else
    for (int ch = 0; ch < oc; ch++, d += 8)
        pw8_one(d, x, oa++, ob++);
#endif
}

static void conv_pw8(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                     int32_t *scratch)
{
    const int oc = c->out_c, ow = c->out_w, npix = c->out_h * ow;
    const size_t row = (size_t)c->in_w * 8 * c->stride_h, col = (size_t)8 * c->stride_w;
    int32_t *const tab = scratch;
    pw8_table(c, tab);
    for (int t = 0; t < npix; t += 2) {
        const int t1 = t + 1 < npix ? t + 1 : t; /* an odd last pixel is computed twice */
        const int8_t *const sa = input + (size_t)(t / ow) * row + (size_t)(t % ow) * col;
        const int8_t *const sb = input + (size_t)(t1 / ow) * row + (size_t)(t1 % ow) * col;
        uint32_t x[8];
        for (int g = 0; g < 2; g++) {
            const uint32_t va = aot_load32(sa + 4 * g), vb = aot_load32(sb + 4 * g);
            x[2 * g] = aot_sxtb16(va), x[2 * g + 1] = aot_sxtb16_ror8(va);
            x[4 + 2 * g] = aot_sxtb16(vb), x[5 + 2 * g] = aot_sxtb16_ror8(vb);
        }
        pw8_pair(tab, oc, x, output + (size_t)t * oc, output + (size_t)t1 * oc);
    }
}

void mcb_aot_conv_s8(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                     int32_t *scratch)
{
    if (MCB_AOT_CONV_C3 && mcb_aot_conv_c3_ok(c)) {
        conv_c3(c, input, output, scratch);
        return;
    }
    if (MCB_AOT_CONV_C1 && mcb_aot_conv_c1_ok(c)) {
        conv_c1(c, input, output, scratch);
        return;
    }
    if (MCB_AOT_CONV_C1U && mcb_aot_conv_c1u_ok(c)) {
        conv_c1u(c, input, output, scratch);
        return;
    }
    if (MCB_AOT_CONV_PW8 && mcb_aot_conv_pw8_ok(c)) {
        conv_pw8(c, input, output, scratch);
        return;
    }
    if (MCB_AOT_CONV_PW && mcb_aot_conv_pointwise(c)) {
        conv_1x1(c, input, output, scratch);
        return;
    }
    if (MCB_AOT_CONV_PW && mcb_aot_conv_fused_plain(c) &&
        conv_plain_fused(c, input, output, scratch))
        return;
    if (MCB_AOT_CONV_POOL && (!MCB_AOT_CONV_PLAIN || c->pool))
        conv_pool(c, input, output, scratch);
    else
        conv_plain(c, input, output, scratch);
}
