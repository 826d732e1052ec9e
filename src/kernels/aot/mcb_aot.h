/* The aot engine's fast int8 kernels (docs/aot-kernels.md), C99, for the host and Cortex-M.
 * With __ARM_FEATURE_DSP they run on SMLAD/SXTB16 (ACLE, <arm_acle.h>); otherwise a portable
 * path with the same data flow runs. Every output is bit-exact with the reference kernels
 * (mcb_conv2d_s8 [+ mcb_max_pool2d_s8], mcb_fully_connected_s8).
 *
 * Weights are used in a packed form made on the host by mcb_aot_conv_pack /
 * mcb_aot_fc_pack (mcb_aot_pack.h): arranged in the order the inner loop reads them, output
 * channels padded to whole register blocks, the input offset folded into the bias; stored
 * either as int8 (one byte per weight in flash, widened with SXTB16 in the inner loop: the
 * default of the code generator) or widened to int16 pairs at pack time (int8w = 0). The
 * structs below hold only plain numbers and const pointers, so generated code can define them as const data in flash. Kernels do not
 * validate: the pack functions did. */
#ifndef MCB_AOT_H
#define MCB_AOT_H

#include <stddef.h>
#include <stdint.h>

/* Word alignment for int8 arrays the kernels read as words (generated data). */
#if defined(__GNUC__)
#define MCB_AOT_ALIGN4 __attribute__((aligned(4)))
#else
#define MCB_AOT_ALIGN4
#endif

/* Output channels per register block of the conv micro-kernel (2 pixels x 3 channels). */
#define MCB_AOT_CONV_BLOCK 3
/* Output channels (rows) per block of the fully connected kernel. */
#define MCB_AOT_FC_BLOCK 4

/* CONV_2D (+ fused activation) with an optional fused MAX_POOL_2D 2x2 stride 2 VALID.
 * Input NHWC int8 [in_h][in_w][in_c]; output NHWC int8, [out_h][out_w][out_c] of the conv,
 * or of the pool when pool is set (pooled size floor(conv/2); the conv rows and columns the
 * pool drops are never computed).
 * Packed weights: for block b = 0..n_blocks-1, for k-word j = 0..kw-1, for channel
 * n = 0..MCB_AOT_CONV_BLOCK-1: one word holding two int16 weights. The patch (im2col) order
 * is filter row, filter column, input channel: value t = fy*filter_w*in_c + fx*in_c + c,
 * padded with zero weights to 2*kw values. Without perm4, value t sits in word t/2, half
 * t%2 (low first). With perm4 (filter_w*in_c % 4 == 0) each group of 4 values a0..a3 is
 * stored as the words (a0,a2),(a1,a3): what SXTB16 and SXTB16-ROR8 make of 4 input bytes,
 * so a filter row of the input is widened with one load and two SXTB16 per 4 bytes.
 * With int8w the weights are int8: for block b, group g of 4 patch values (k-words 2g and
 * 2g+1), channel n: one word holding the 4 int8 weights of values 4g..4g+3 in order (byte 0
 * first), which SXTB16 / SXTB16-ROR8 turn into the int16 pairs of k-words 2g / 2g+1; the
 * patch then always uses the perm4 positions (values padded to a multiple of 4, kw even),
 * and perm4 only says whether a filter row is a whole number of groups. */
typedef struct {
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;   /* of the whole op (pooled when pool is set) */
    int conv_h, conv_w;        /* conv output size before pooling */
    int filter_h, filter_w;
    int stride_h, stride_w;
    int pad_h, pad_w;
    int pool;                  /* 1: fused 2x2/2 max-pool */
    int perm4;                 /* 1: values permuted per group of 4 (see above) */
    int kw;                    /* 32-bit words per patch: ceil(filter_h*filter_w*in_c / 2),
                                  with int8w 2*ceil(filter_h*filter_w*in_c / 4) */
    int n_blocks;              /* ceil(out_c / MCB_AOT_CONV_BLOCK) */
    int32_t input_zero_point;  /* fills padded taps (the folded bias assumes it) */
    int32_t output_offset;
    int32_t act_min, act_max;  /* conv activation composed with the pool's clamp */
    const int32_t *weights;    /* n_blocks * kw * MCB_AOT_CONV_BLOCK words (int8w: half, less
                                  the padding channels' with mcb_aot_conv_split) */
    const int32_t *bias;       /* n_blocks * MCB_AOT_CONV_BLOCK: bias + sum(w) * input_offset */
    const int32_t *multiplier; /* n_blocks * MCB_AOT_CONV_BLOCK */
    const int32_t *shift;      /* n_blocks * MCB_AOT_CONV_BLOCK */
    int int8w;                 /* 1: int8 weights, 4 per word (see above) */
    int split;                 /* 0, or out_c % MCB_AOT_CONV_BLOCK: the partial last block's
                                  channels, stored unpadded (the packer sets it where
                                  mcb_aot_conv_split holds; see there) */
} mcb_aot_conv;

/* Whether mcb_aot_conv_s8 takes its one-input-channel path (conv_c1 in aot_conv.c: weights in
 * registers, a pool window per step straight from the int8 input) for c: a pooled 3x3 stride-1
 * conv of 1 input channel whose windows are all inside the input, every shift <= -1 (the
 * pooled requantization is then monotonic) and |bias| <= 2^29 (so 2 x the accumulator fits
 * int32 for the SMMULR requantization). The code generator asks the same (variant switch
 * C1). With int8 weights the packer then stores them dense, the 9 of channel ch at bytes
 * 9 ch .. 9 ch + 8, not in blocks. */
static inline int mcb_aot_conv_c1_ok(const mcb_aot_conv *c)
{
    if (!c->pool || c->in_c != 1 || c->filter_h != 3 || c->filter_w != 3 || c->stride_h != 1 ||
        c->stride_w != 1 || c->pad_h != 0 || c->pad_w != 0 || c->perm4 ||
        2 * c->out_h + 2 > c->in_h || 2 * c->out_w + 2 > c->in_w)
        return 0;
    for (int ch = 0; ch < c->out_c; ch++)
        if (c->shift[ch] > -1 || c->bias[ch] > (1 << 29) || c->bias[ch] < -(1 << 29))
            return 0;
    return 1;
}

/* Whether mcb_aot_conv_s8 takes its unpooled one-input-channel path (conv_c1u in aot_conv.c:
 * the 3 input rows of an output row widened once into a band that every channel reads, one
 * channel's filter in 5 registers, 6 multiplies per output): an unpooled 3x3 conv of 1 input
 * channel, stride 1 or 2 (the same in both directions), any padding, every shift <= -1 and
 * |bias| <= 2^29 (as for conv_c1; person_detect's first layer, a depthwise conv of one
 * channel with multiplier 8 lowered to a conv). The code generator asks the same (variant
 * switch C1U). With int8 weights the packer stores them dense, as for conv_c1. */
static inline int mcb_aot_conv_c1u_ok(const mcb_aot_conv *c)
{
    if (c->pool || c->in_c != 1 || c->filter_h != 3 || c->filter_w != 3 ||
        c->stride_h != c->stride_w || c->stride_w < 1 || c->stride_w > 2)
        return 0;
    for (int ch = 0; ch < c->out_c; ch++)
        if (c->shift[ch] > -1 || c->bias[ch] > (1 << 29) || c->bias[ch] < -(1 << 29))
            return 0;
    return 1;
}

/* Variant switch of aot_conv.c that a predicate below reads: the generator defines it 0 in
 * its copy of the kernel when no layer is an unpooled stride-2 conv_c3, so that firmwares
 * without one compile the stride-1 code alone (docs/codegen.md, "Flash"). Undefined: 1. */
#ifndef MCB_AOT_CONV_C3S2
#define MCB_AOT_CONV_C3S2 1
#endif

/* Whether mcb_aot_conv_s8 takes its three-input-channel path (conv_c3 in aot_conv.c: the
 * weights widened into the scratch once per call, 4 conv pixels x 2 channels per register
 * block) for c: a 3x3 conv of 3 input channels, stride 1 (pooled or not) or, with switch
 * C3S2, 2 in both directions (unpooled: MobileNet-VWW's first layer), any padding, an even
 * number of output channels, every shift <= -1 and |bias| <= 2^29 (as for conv_c1). */
static inline int mcb_aot_conv_c3_ok(const mcb_aot_conv *c)
{
    /* strides are >= 1 (the packer checks): stride + pool <= 2 is stride 1, or 2 unpooled */
    if (c->in_c != 3 || c->filter_h != 3 || c->filter_w != 3 ||
        (MCB_AOT_CONV_C3S2 ? c->stride_h != c->stride_w || c->stride_w + c->pool > 2
                           : c->stride_h != 1 || c->stride_w != 1) ||
        c->out_c % 2 != 0 || c->kw != 14)
        return 0;
    for (int ch = 0; ch < c->out_c; ch++)
        if (c->shift[ch] > -1 || c->bias[ch] > (1 << 29) || c->bias[ch] < -(1 << 29))
            return 0;
    return 1;
}

/* Whether mcb_aot_conv_s8 takes its pointwise path (a matrix multiply, no im2col): no pool,
 * 1x1 filter, no padding, int8 weights, in_c a multiple of 4. The code generator keeps the
 * path (MCB_AOT_CONV_PW) when some layer satisfies this. */
static inline int mcb_aot_conv_pointwise(const mcb_aot_conv *c)
{
    return !c->pool && c->filter_h == 1 && c->filter_w == 1 && c->pad_h == 0 &&
           c->pad_w == 0 && c->int8w && c->in_c % 4 == 0;
}

/* Whether mcb_aot_conv_s8 takes its pointwise path for 8 input channels (conv_pw8 in
 * aot_conv.c: a pixel pair's 8 channels widened in registers, a loop over the output channels
 * with each one's weights, bias and requantization from a table made per call): a pointwise
 * conv (above) of exactly 8 input channels, output range all of int8, every shift <= -1 and
 * |bias| <= 2^29 (2 x the accumulator fits int32, for the SMMULR requantization). MobileNet's
 * first pointwise layer (8 -> 16 at 48x48: person_detect and VWW). The code generator asks
 * the same (variant switch PW8). */
static inline int mcb_aot_conv_pw8_ok(const mcb_aot_conv *c)
{
    if (!mcb_aot_conv_pointwise(c) || c->in_c != 8 || c->act_min != -128 || c->act_max != 127)
        return 0;
    for (int ch = 0; ch < c->out_c; ch++)
        if (c->shift[ch] > -1 || c->bias[ch] > (1 << 29) || c->bias[ch] < -(1 << 29))
            return 0;
    return 1;
}

/* Variant switch of aot_conv.c read by the predicates below: the generator defines it 0 when
 * no layer is a natural-order fused conv (mcb_aot_conv_fused_natural), so that other
 * firmwares compile the code they compiled before. Undefined: 1. */
#ifndef MCB_AOT_CONV_FPN
#define MCB_AOT_CONV_FPN 1
#endif

/* Whether an unpooled conv whose in_c is not a multiple of 4 (natural-order patches, gathered
 * as for the first layers) takes the fused loop too: int8 weights, output range all of int8,
 * and its last group of 4 patch values not more than one pad value (filter_h * filter_w *
 * in_c % 4 is 0 or 3: the whole-quad loop, w8_mode 1). DS-CNN's first conv (10x4x1, stride
 * 2: its 64 channels' compiled epilogue was a third of the layer). Switch FPN. */
static inline int mcb_aot_conv_fused_natural(const mcb_aot_conv *c)
{
    const int v = c->filter_h * c->filter_w * c->in_c % 4;
    return MCB_AOT_CONV_FPN && !c->pool && c->int8w && c->in_c % 4 != 0 && c->act_min == -128 &&
           c->act_max == 127 && (v == 0 || v == 3);
}

/* Whether an unpooled conv that is not pointwise takes the same fused loop on the DSP path
 * (patches as before, then MACs, requantization and stores in one assembly loop): int8
 * weights, in_c a multiple of 4 (perm4 patches; first layers with 1 or 3 input channels keep
 * their own path), output range all of int8; or a natural-order one (above). The generator
 * keeps MCB_AOT_CONV_PW for it too. */
static inline int mcb_aot_conv_fused_plain(const mcb_aot_conv *c)
{
    return (!c->pool && c->int8w && c->in_c % 4 == 0 && c->act_min == -128 &&
            c->act_max == 127) ||
           mcb_aot_conv_fused_natural(c);
}

/* Variant switch of aot_conv.c read by the predicate below: the generator defines it 0 when
 * no layer satisfies the predicate (the paper family's pooled convs), so those firmwares
 * compile main's patch code. Undefined: 1. */
#ifndef MCB_AOT_CONV_PATCH4
#define MCB_AOT_CONV_PATCH4 1
#endif

/* Whether aot_conv.c's patch code for an unpooled perm4 conv with in_c a multiple of 4 takes
 * its whole-group forms: patch() builds a border row by filter columns (a column inside the
 * input is one run of whole groups, one outside is the zero point) instead of value by value,
 * and conv_plain_fused widens both patches of a pixel pair at once when both windows are
 * inside (widen_pair), with the partial block's channels in assembly (pw_tail1): ResNet-8's
 * 3x3 convs (docs/codegen.md, "ResNet-8's 3x3 convs and DS-CNN's first conv"). The code
 * generator asks the same (variant switch PATCH4). */
static inline int mcb_aot_conv_patch4(const mcb_aot_conv *c)
{
    return MCB_AOT_CONV_PATCH4 && !c->pool && c->perm4 && c->in_c % 4 == 0;
}

/* Whether the last, partial block (out_c % MCB_AOT_CONV_BLOCK = 1 or 2 channels) of an
 * int8-weight conv is stored unpadded, channel after channel (kw/2 words each, after the full
 * blocks), and run as plain dot products: every such layer that takes the general patch path
 * (conv_pool / conv_plain in aot_conv.c; not conv_c1, conv_c1u, conv_c3, the pointwise or the fused
 * unpooled loop, which read whole blocks). Saves the zero weights of the 1-2 padding channels
 * (1.2 KB of flash on a conv64 network) and is no slower: the padding channels' MACs are
 * gone. The packer asks this and records it in the layer's split field, which the kernel and
 * the code generator (switch SPLIT) read. */
static inline int mcb_aot_conv_split(const mcb_aot_conv *c)
{
    return c->int8w && c->out_c % MCB_AOT_CONV_BLOCK != 0 && !mcb_aot_conv_c1_ok(c) &&
           !mcb_aot_conv_c1u_ok(c) && !mcb_aot_conv_c3_ok(c) && !mcb_aot_conv_pointwise(c) &&
           !mcb_aot_conv_fused_plain(c);
}

/* Bytes of scratch mcb_aot_conv_s8 needs (widened patches of 4 pixels, 2 without pool, and
 * 4 accumulators per channel), a multiple of 4. */
size_t mcb_aot_conv_scratch_bytes(const mcb_aot_conv *c);
/* scratch: mcb_aot_conv_scratch_bytes(c) bytes, 4-byte aligned. */
void mcb_aot_conv_s8(const mcb_aot_conv *c, const int8_t *input, int8_t *output,
                     int32_t *scratch);

/* FULLY_CONNECTED, one batch: input int8 [in_depth], output int8 [out_depth].
 * Packed weights, int16 (int8w = 0): row after row, for k-word j = 0..kw-1 the int16 pair of
 * inputs (4i, 4i+2) or (4i+1, 4i+3) (perm4 order over groups of 4 inputs; in_depth padded
 * with zero weights to a multiple of 4). With int8w: for each full block b (b < out_depth /
 * MCB_AOT_FC_BLOCK), group g of 4 inputs, n = 0..3: one word of the 4 int8 weights of inputs
 * 4g..4g+3 of row 4b+n (byte 0 first); then the rows past the full blocks (the last
 * out_depth % 4, or all rows: mcb_aot_fc_full_blocks below) one after the other, kw/2 words
 * each (no padded rows: flash). */
typedef struct {
    int in_depth, out_depth;
    int kw;                    /* in_depth rounded up to 4, / 2 */
    int n_blocks;
    int32_t output_offset;
    int32_t act_min, act_max;
    const int32_t *weights;    /* out_depth * kw words (int8w: out_depth * kw/2) */
    const int32_t *bias;       /* out_depth (the packer allocates n_blocks * MCB_AOT_FC_BLOCK;
                                  the generated arrays stop at out_depth) */
    const int32_t *multiplier;
    const int32_t *shift;
    int int8w;                 /* 1: int8 weights, 4 per word (see above) */
} mcb_aot_fc;

void mcb_aot_fc_s8(const mcb_aot_fc *f, const int8_t *input, int8_t *output);

/* Full blocks of 4 rows of an int8-weight layer (the rows after them are stored and run one
 * after the other, in C). A layer with few outputs (fewer than MCB_AOT_FC_ROWWISE: a
 * classifier's last layer, e.g. the paper family's dense(10)) has none: all its rows take the
 * row loop, a few thousand cycles more per inference but, when no layer of a model has a
 * full block, 1.1 KB less code (the block loops are left out of the firmware, docs/codegen.md
 * "Flash overhead"). The packer, the kernel and the code generator all ask this. */
#define MCB_AOT_FC_ROWWISE 16
static inline int mcb_aot_fc_full_blocks(const mcb_aot_fc *f)
{
    return f->out_depth < MCB_AOT_FC_ROWWISE ? 0 : f->out_depth / MCB_AOT_FC_BLOCK;
}

/* Whether the DSP path runs the layer's full blocks in its fused assembly loop (MAC loop and
 * requantization in one): int8 weights, in_depth a multiple of 4, every shift <= -1, output
 * range all of int8. The code generator keeps the other path (MCB_AOT_FC_GENERIC) only for a
 * layer this refuses. */
static inline int mcb_aot_fc_fused(const mcb_aot_fc *f)
{
    if (!f->int8w || f->in_depth % 4 != 0 || f->act_min != -128 || f->act_max != 127)
        return 0;
    for (int ch = 0; ch < f->out_depth; ch++)
        if (f->shift[ch] > -1)
            return 0;
    return 1;
}

/* DEPTHWISE_CONV_2D with depth multiplier 1 (+ fused activation), any filter size, stride and
 * padding: input NHWC int8 [in_h][in_w][channels], output [out_h][out_w][channels]. Weights are
 * int8 (filter offset added), one byte each: channels in groups of 4, for group g and tap t
 * (t = fy*filter_w + fx) the word at byte 4*(g*taps + t) holds channels 4g..4g+3 (byte 0
 * first), read as one word and widened with SXTB16 in the loop; then the channels beyond a
 * multiple of 4, [tap][channel]. The input offset is folded into the bias, and taps outside
 * the input read the input zero point (so they add nothing), as in the conv kernel. */
typedef struct {
    int in_h, in_w, channels;
    int out_h, out_w;
    int filter_h, filter_w;
    int stride_h, stride_w;
    int pad_h, pad_w;
    int32_t input_zero_point;
    int32_t output_offset;
    int32_t act_min, act_max;
    const int8_t *weights;     /* filter_h * filter_w * channels (4-aligned for the words) */
    const int32_t *bias;       /* channels: bias + input_offset * sum over taps of w */
    const int32_t *multiplier; /* channels */
    const int32_t *shift;      /* channels */
} mcb_aot_dw;

void mcb_aot_dw_s8(const mcb_aot_dw *d, const int8_t *input, int8_t *output);

/* The depthwise kernel's paths (aot_dw.c), shared by its dispatch and the generator's variant
 * switches: words per ring row, the ring/plane buffer (words), the tiny path's plane buffer
 * (words: 2.5 KB, VWW's 24x24 stride-2 input padded) and its output limit for any stride. */
#define MCB_AOT_DW_RING_WORDS 64
#define MCB_AOT_DW_BUF_WORDS (5 * MCB_AOT_DW_RING_WORDS)
#define MCB_AOT_DW_TINY_WORDS 640
#define MCB_AOT_DW_TINY_OUT 64

/* Words per ring row for out_w outputs (pairs, the last one maybe half used). */
static inline int mcb_aot_dw_ring_words(int out_w, int stride)
{
    const int pairs = (out_w + 1) / 2;
    return stride == 1 ? pairs + 1 : 2 * pairs + 1;
}

/* Whether the ring path takes the plane way (stride_h = stride_w, the padded plane and a
 * column's sums in the buffer). */
static inline int mcb_aot_dw_plane_fits(const mcb_aot_dw *d)
{
    const int R = (d->out_h - 1) * d->stride_h + 3;
    return d->stride_h == d->stride_w &&
           R * mcb_aot_dw_ring_words(d->out_w, d->stride_w) + 2 * d->out_h <=
               MCB_AOT_DW_BUF_WORDS;
}

/* Whether the ring path takes d when the tiny path does not (else the channel-group path):
 * measured on MLPerf's layers, below these widths the per-row calls cost more than the group
 * path's 4-channel loads. */
static inline int mcb_aot_dw_ring(const mcb_aot_dw *d)
{
    const int wide = d->stride_w == 1 ? d->out_w >= 4 : d->out_w >= 16;
    return wide && d->filter_h == 3 && d->filter_w == 3 &&
           (d->stride_w == 1 || d->stride_w == 2) && d->pad_w >= 0 && d->pad_w <= 2 &&
           d->pad_h >= 0 && d->pad_h <= 2 &&
           mcb_aot_dw_ring_words(d->out_w, d->stride_w) <= MCB_AOT_DW_RING_WORDS;
}

/* Whether the tiny path takes d (3x3, at least 4 channels, padding <= 2, 3 padded rows in its
 * buffer): small outputs; stride 2 from wider planes (a band of rows at a time: the ring and
 * group paths cost about 7.4 cycles/MAC there, the tiny loop about 5.6); stride 1 where the
 * plane way does not fit and rows are short (measured on VWW: 24x24x32, ring 871K cycles,
 * tiny 811K; 48x48x8, ring 745K, tiny 805K). */
static inline int mcb_aot_dw_tiny(const mcb_aot_dw *d)
{
    const int Wp = (d->out_w - 1) * d->stride_w + 3;
    const int s2 = d->stride_h == 2 && d->stride_w == 2;
    const int wide = !mcb_aot_dw_plane_fits(d) && d->out_w <= 32;
    return d->filter_h == 3 && d->filter_w == 3 &&
           (d->out_h * d->out_w <= MCB_AOT_DW_TINY_OUT || s2 || wide) && d->channels >= 4 &&
           d->pad_h >= 0 && d->pad_w >= 0 && d->pad_h <= 2 && d->pad_w <= 2 &&
           3 * Wp <= MCB_AOT_DW_TINY_WORDS;
}

/* Whether d takes the ring path's rows (not the tiny path, not the plane way, not the group
 * path): aot_dw.c's switch ROWS. */
static inline int mcb_aot_dw_rows(const mcb_aot_dw *d)
{
    return !mcb_aot_dw_tiny(d) && mcb_aot_dw_ring(d) && !mcb_aot_dw_plane_fits(d);
}

/* Whether the activation range is all of int8 (ReLU6 at its usual scale, no activation): the
 * kernel's fast requantization then needs no clamp beyond SSAT's (aot_dw.c, MCB_AOT_DW_FULL;
 * the generator's switches for aot_dw.c use the same test). */
static inline int mcb_aot_dw_full_range(const mcb_aot_dw *d)
{
    return d->act_min <= -128 && d->act_max >= 127;
}

/* ADD int8 (same shapes): TFLM's arithmetic, with each input's part (offset, left shift,
 * rescale to the common scale) a function of its 256 possible values, tabulated at pack time;
 * per element two table loads, one add and the output requantization. */
typedef struct {
    const int32_t *table1, *table2; /* 256 each, indexed by the input byte as uint8: twice the
                                       input's term (|sum of terms| < 2^30, the pack checks) */
    int32_t multiplier;             /* output multiplier, >= 0 */
    int32_t right_shift;            /* -output shift, >= 0 */
    int32_t output_offset, act_min, act_max;
} mcb_aot_add;

/* output may be input1 or input2 (in place): each element is read before it is written. */
void mcb_aot_add_s8(const mcb_aot_add *k, size_t n, const int8_t *input1, const int8_t *input2,
                    int8_t *output);

/* CONV_2D without pool (c->pool == 0) followed by ADD(conv output, residual), fused: the conv's
 * output never exists in memory (aot_conv_add.c: the conv by bands of one or two output rows
 * into a buffer, then the ADD of aot_add.h into the output). add's table1 is the conv output's,
 * table2 the residual's (a graph ADD with the conv output second is packed with its tables
 * swapped: the sum is the same). residual has the conv output's size; output may be residual
 * (in place), not input. scratch: mcb_aot_conv_add_scratch_bytes(c) bytes, 4-byte aligned (the
 * conv's and one band). Needs aot_conv.c and aot_add.h. */
size_t mcb_aot_conv_add_scratch_bytes(const mcb_aot_conv *c);
void mcb_aot_conv_add_s8(const mcb_aot_conv *c, const mcb_aot_add *add, const int8_t *input,
                         const int8_t *residual, int8_t *output, int32_t *scratch);

/* AVERAGE_POOL_2D int8, batch 1 (aot_pool.c): input NHWC [in_h][in_w][depth], output
 * [out_h][out_w][depth]; each window clipped to the input (padding not counted) holds at least
 * one and at most 256 values (mcb_aot_avg_pool_pack checks). */
typedef struct {
    int in_h, in_w, depth;
    int out_h, out_w;
    int filter_h, filter_w;
    int stride_h, stride_w;
    int pad_h, pad_w;
    int32_t act_min, act_max;
} mcb_aot_avg_pool;

void mcb_aot_avg_pool_s8(const mcb_aot_avg_pool *p, const int8_t *input, int8_t *output);

#endif
