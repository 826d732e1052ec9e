/* aot_fwgen NET OUT.c: writes the data of the aot kernel firmware (fw/aot_fw.h) for a network
 * of the paper family: its two conv(+ReLU)+max-pool layers and its dense layer, each with
 * random input, weights and quantization (fixed seed), the reference parameters, the packed
 * aot form (mcb_aot_*_emit_c) and the host reference output. Deterministic output. */
#include "err.h"
#include "family.h"
#include "kernel_prep.h"
#include "mcb_aot_pack.h"
#include "fwgen_util.h"
#include "mcb_kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-channel multipliers that map an accumulator of n_terms random products to a useful
 * output range (a few saturate, most do not); with wide, every third channel gets a
 * multiplier above 1 (a positive shift: the kernels' non-monotonic epilogue). */
static int quant(int n, int n_terms, int wide, int32_t *mult, int32_t *shift)
{
    for (int i = 0; i < n; i++) {
        const double spread = sqrt((double)n_terms) * 74.0 * 74.0;
        double m = 60.0 / spread * (0.6 + 0.8 * (next() % 1000) / 1000.0);
        if (wide && i % 3 == 1)
            m = 1.0 + (next() % 1000) / 1000.0;
        int sh;
        if (mcb_quantize_multiplier(m, &mult[i], &sh) != 0)
            return -1;
        shift[i] = sh;
    }
    return 0;
}

typedef struct {
    size_t in, conv, out, scratch;
} sizes;

static void grow(size_t *a, size_t b)
{
    if (b > *a)
        *a = b;
}

/* A conv layer: 3x3 VALID stride 1, ReLU, fused pool or not. */
typedef struct {
    int in_h, in_w, in_c, out_c, pool, wide;
    const char *label;
    int w8; /* int8 weights (widened in the inner loop), else int16 */
} conv_spec;

static int conv_layer(FILE *f, int idx, const conv_spec *cs, sizes *sz)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1;
    p.in_h = cs->in_h, p.in_w = cs->in_w, p.in_c = cs->in_c;
    p.out_h = cs->in_h - 2, p.out_w = cs->in_w - 2, p.out_c = cs->out_c;
    p.filter_h = p.filter_w = 3, p.stride_h = p.stride_w = 1;
    p.dilation_h = p.dilation_w = 1;
    const int32_t in_zp = uniform(-128, 20), out_zp = uniform(-128, -100);
    p.input_offset = -in_zp, p.output_offset = out_zp;
    p.act_min = out_zp, p.act_max = 127; /* ReLU */
    const int n = p.out_c, taps = 9 * p.in_c;
    int32_t *mult = malloc(4 * (size_t)n), *shift = malloc(4 * (size_t)n);
    int32_t *bias = malloc(4 * (size_t)n);
    const size_t n_in = (size_t)p.in_h * p.in_w * p.in_c, n_f = (size_t)n * taps;
    const size_t n_conv = (size_t)p.out_h * p.out_w * n;
    int8_t *in = malloc(n_in), *filt = malloc(n_f), *conv = malloc(n_conv);
    mcb_pool_params pool;
    memset(&pool, 0, sizeof pool);
    pool.batches = 1, pool.depth = n, pool.in_h = p.out_h, pool.in_w = p.out_w;
    pool.out_h = p.out_h / 2, pool.out_w = p.out_w / 2;
    pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
    pool.act_min = -128, pool.act_max = 127;
    const size_t n_out = cs->pool ? (size_t)pool.out_h * pool.out_w * n : n_conv;
    int8_t *out = malloc(n_out);
    if (quant(n, taps, cs->wide, mult, shift) != 0)
        return -1;
    p.multiplier = mult, p.shift = shift;
    for (size_t i = 0; i < n_in; i++)
        in[i] = (int8_t)uniform(-128, 127);
    for (size_t i = 0; i < n_f; i++)
        filt[i] = (int8_t)uniform(-127, 127);
    for (int i = 0; i < n; i++)
        bias[i] = uniform(-20000, 20000);
    mcb_conv2d_s8(&p, in, filt, bias, conv);
    if (cs->pool)
        mcb_max_pool2d_s8(&pool, conv, out);
    else
        memcpy(out, conv, n_conv);
    mcb_aot_conv_packed pk;
    char what[64], name[64];
    snprintf(what, sizeof what, "layer %d", idx);
    if (mcb_aot_conv_pack_w(what, &p, cs->pool ? &pool : NULL, filt, bias, cs->w8, &pk) != 0)
        return -1;
    snprintf(name, sizeof name, "l%d_aot", idx);
    mcb_aot_conv_emit_c(f, name, 1, &pk.k);
    char nm[64];
    snprintf(nm, sizeof nm, "l%d_in", idx), emit_s8(f, nm, in, n_in);
    snprintf(nm, sizeof nm, "l%d_filter", idx), emit_s8(f, nm, filt, n_f);
    snprintf(nm, sizeof nm, "l%d_bias", idx), emit_s32(f, nm, bias, (size_t)n);
    snprintf(nm, sizeof nm, "l%d_mult", idx), emit_s32(f, nm, mult, (size_t)n);
    snprintf(nm, sizeof nm, "l%d_shift", idx), emit_s32(f, nm, shift, (size_t)n);
    snprintf(nm, sizeof nm, "l%d_expect", idx), emit_s8(f, nm, out, n_out);
    fprintf(f,
            "static const mcb_conv_params l%d_conv = {\n"
            "    .batches = 1, .in_h = %d, .in_w = %d, .in_c = %d, .out_h = %d, .out_w = %d,\n"
            "    .out_c = %d, .filter_h = 3, .filter_w = 3, .stride_h = 1, .stride_w = 1,\n"
            "    .dilation_h = 1, .dilation_w = 1, .input_offset = %ld, .output_offset = %ld,\n"
            "    .act_min = %ld, .act_max = %ld, .multiplier = l%d_mult, .shift = l%d_shift,\n"
            "};\n",
            idx, p.in_h, p.in_w, p.in_c, p.out_h, p.out_w, p.out_c, (long)p.input_offset,
            (long)p.output_offset, (long)p.act_min, (long)p.act_max, idx, idx);
    if (cs->pool)
        fprintf(f,
            "static const mcb_pool_params l%d_pool = {\n"
            "    .batches = 1, .depth = %d, .in_h = %d, .in_w = %d, .out_h = %d, .out_w = %d,\n"
            "    .filter_h = 2, .filter_w = 2, .stride_h = 2, .stride_w = 2,\n"
            "    .act_min = -128, .act_max = 127,\n"
            "};\n",
            idx, n, pool.in_h, pool.in_w, pool.out_h, pool.out_w);
    fprintf(stderr, "layer %d: conv %dx%dx%d -> %dx%dx%d%s: packed %zu bytes, %s weights (plain "
            "int8 %zu)\n", idx, p.in_h, p.in_w, p.in_c, p.out_h, p.out_w, n,
            cs->pool ? " + pool" : "", mcb_aot_conv_flash_bytes(&pk.k),
            pk.k.int8w ? "int8" : "int16", mcb_aot_conv_plain_bytes(&p));
    char pool_ref[32];
    snprintf(pool_ref, sizeof pool_ref, cs->pool ? "&l%d_pool" : "0", idx);
    fprintf(f,
            "#define L%d_ENTRY {\"%s %dx%dx%d\", %lld, &l%d_conv, %s, &l%d_aot, 0, 0, l%d_in, "
            "%zu, l%d_filter, l%d_bias, l%d_expect, %zu}\n",
            idx, cs->label, p.in_h, p.in_w, p.in_c, (long long)p.out_h * p.out_w * n * taps, idx,
            pool_ref, idx, idx, n_in, idx, idx, idx, n_out);
    grow(&sz->in, n_in), grow(&sz->conv, n_conv), grow(&sz->out, n_out);
    grow(&sz->scratch, mcb_aot_conv_scratch_bytes(&pk.k));
    mcb_aot_conv_free(&pk);
    free(mult), free(shift), free(bias), free(in), free(filt), free(conv), free(out);
    return 0;
}

static int fc_layer(FILE *f, int idx, const mcb_family_layer *dl, sizes *sz)
{
    mcb_fc_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_depth = dl->in_c, p.out_depth = dl->out_c, p.per_channel = 1;
    const int32_t out_zp = uniform(-20, 20);
    p.input_offset = 128; /* a ReLU+pool output: zero point -128 */
    p.output_offset = out_zp, p.act_min = -128, p.act_max = 127;
    const int n = p.out_depth;
    int32_t mult[64], shift[64], bias[64];
    if (n > 64 || quant(n, p.in_depth, 0, mult, shift) != 0)
        return -1;
    p.multiplier = mult, p.shift = shift;
    int8_t *in = malloc((size_t)p.in_depth), *filt = malloc((size_t)p.in_depth * n);
    int8_t out[64];
    for (int i = 0; i < p.in_depth; i++)
        in[i] = (int8_t)uniform(-128, 127);
    for (int i = 0; i < p.in_depth * n; i++)
        filt[i] = (int8_t)uniform(-127, 127);
    for (int i = 0; i < n; i++)
        bias[i] = uniform(-20000, 20000);
    mcb_fully_connected_s8(&p, in, filt, bias, out);
    mcb_aot_fc_packed pk;
    if (mcb_aot_fc_pack_w("dense", &p, filt, bias, 1, &pk) != 0)
        return -1;
    char nm[64];
    snprintf(nm, sizeof nm, "l%d_aot", idx);
    mcb_aot_fc_emit_c(f, nm, 1, &pk.k);
    snprintf(nm, sizeof nm, "l%d_in", idx), emit_s8(f, nm, in, (size_t)p.in_depth);
    snprintf(nm, sizeof nm, "l%d_filter", idx), emit_s8(f, nm, filt, (size_t)p.in_depth * n);
    snprintf(nm, sizeof nm, "l%d_bias", idx), emit_s32(f, nm, bias, (size_t)n);
    snprintf(nm, sizeof nm, "l%d_mult", idx), emit_s32(f, nm, mult, (size_t)n);
    snprintf(nm, sizeof nm, "l%d_shift", idx), emit_s32(f, nm, shift, (size_t)n);
    snprintf(nm, sizeof nm, "l%d_expect", idx), emit_s8(f, nm, out, (size_t)n);
    fprintf(f,
            "static const mcb_fc_params l%d_fc = {\n"
            "    .batches = 1, .in_depth = %d, .out_depth = %d, .input_offset = %ld,\n"
            "    .output_offset = %ld, .act_min = -128, .act_max = 127, .per_channel = 1,\n"
            "    .multiplier = l%d_mult, .shift = l%d_shift,\n"
            "};\n",
            idx, p.in_depth, n, (long)p.input_offset, (long)p.output_offset, idx, idx);
    grow(&sz->in, (size_t)p.in_depth), grow(&sz->out, (size_t)n);
    mcb_aot_fc_free(&pk);
    free(in), free(filt);
    return 0;
}

/* A depthwise layer (multiplier 1): 3x3 SAME, stride 1 or 2; wide: multipliers around 1
 * (shifts 0 and 1, the general requantization of the assembly path); full: the activation
 * range all of int8 (the fast requantization without the clamp, dw_tiny_loop). */
static int dw_layer(FILE *f, int idx, int h, int w, int ch, int stride, int wide, int full,
                    sizes *sz)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_h = h, p.in_w = w, p.in_c = p.out_c = ch, p.depth_multiplier = 1;
    p.filter_h = p.filter_w = 3, p.stride_h = p.stride_w = stride;
    p.dilation_h = p.dilation_w = 1;
    p.out_h = mcb_compute_padding(0, h, 3, stride, 1, &p.pad_h);
    p.out_w = mcb_compute_padding(0, w, 3, stride, 1, &p.pad_w);
    p.input_offset = -uniform(-128, 20), p.output_offset = uniform(-128, -100);
    p.act_min = full ? -128 : p.output_offset, p.act_max = 127;
    if (!full && p.act_min == -128) /* keep a clamp to test */
        p.act_min = -127;
    int32_t *mult = malloc(4 * (size_t)ch), *shift = malloc(4 * (size_t)ch);
    int32_t *bias = malloc(4 * (size_t)ch);
    if (quant(ch, 9, wide, mult, shift) != 0)
        return -1;
    if (wide)
        for (int i = 0; i < ch; i += 3)
            mcb_quantize_multiplier(0.5 + (next() % 400) / 1000.0, &mult[i], &shift[i]);
    p.multiplier = mult, p.shift = shift;
    const size_t n_in = (size_t)h * w * ch, n_f = (size_t)9 * ch;
    const size_t n_out = (size_t)p.out_h * p.out_w * ch;
    int8_t *in = malloc(n_in), *filt = malloc(n_f), *out = malloc(n_out);
    for (size_t i = 0; i < n_in; i++)
        in[i] = (int8_t)uniform(-128, 127);
    for (size_t i = 0; i < n_f; i++)
        filt[i] = (int8_t)uniform(-127, 127);
    for (int i = 0; i < ch; i++)
        bias[i] = uniform(-20000, 20000);
    mcb_depthwise_conv2d_s8(&p, in, filt, bias, out);
    mcb_aot_dw_packed pk;
    char nm[64];
    if (mcb_aot_dw_pack("dw", &p, filt, bias, &pk) != 0)
        return -1;
    snprintf(nm, sizeof nm, "l%d_aot", idx), mcb_aot_dw_emit_c(f, nm, 1, &pk.k);
    snprintf(nm, sizeof nm, "l%d_in", idx), emit_s8(f, nm, in, n_in);
    snprintf(nm, sizeof nm, "l%d_filter", idx), emit_s8(f, nm, filt, n_f);
    snprintf(nm, sizeof nm, "l%d_bias", idx), emit_s32(f, nm, bias, (size_t)ch);
    snprintf(nm, sizeof nm, "l%d_mult", idx), emit_s32(f, nm, mult, (size_t)ch);
    snprintf(nm, sizeof nm, "l%d_shift", idx), emit_s32(f, nm, shift, (size_t)ch);
    snprintf(nm, sizeof nm, "l%d_expect", idx), emit_s8(f, nm, out, n_out);
    fprintf(f,
            "static const mcb_conv_params l%d_conv = {\n"
            "    .batches = 1, .in_h = %d, .in_w = %d, .in_c = %d, .out_h = %d, .out_w = %d,\n"
            "    .out_c = %d, .filter_h = 3, .filter_w = 3, .stride_h = %d, .stride_w = %d,\n"
            "    .dilation_h = 1, .dilation_w = 1, .pad_h = %d, .pad_w = %d,\n"
            "    .depth_multiplier = 1, .input_offset = %ld, .output_offset = %ld,\n"
            "    .act_min = %ld, .act_max = %ld, .multiplier = l%d_mult, .shift = l%d_shift,\n"
            "};\n",
            idx, h, w, ch, p.out_h, p.out_w, ch, stride, stride, p.pad_h, p.pad_w,
            (long)p.input_offset, (long)p.output_offset, (long)p.act_min, (long)p.act_max, idx,
            idx);
    fprintf(f,
            "#define L%d_ENTRY {\"depthwise 3x3 SAME stride %d%s%s %dx%dx%d\", %lld, &l%d_conv, 0, 0, "
            "0, 0, l%d_in, %zu, l%d_filter, l%d_bias, l%d_expect, %zu, &l%d_aot}\n",
            idx, stride, wide ? " (shifts >= 0)" : "", full ? " (full range)" : "", h, w, ch,
            (long long)n_out * 9, idx, idx,
            n_in, idx, idx, idx, n_out, idx);
    grow(&sz->in, n_in), grow(&sz->out, n_out);
    mcb_aot_dw_free(&pk);
    free(mult), free(shift), free(bias), free(in), free(filt), free(out);
    return 0;
}

int main(int argc, char **argv)
{
    rng = 0x2545F4914F6CDD1Dull;
    if (argc != 3) {
        fprintf(stderr, "usage: aot_fwgen NET OUT.c\n");
        return 2;
    }
    const mcb_family_net *net = mcb_family_find(argv[1]);
    if (!net) {
        fprintf(stderr, "aot_fwgen: %s: not a family network\n", argv[1]);
        return 1;
    }
    mcb_family_layer l[MCB_FAMILY_LAYERS];
    mcb_family_layers(net, l);
    FILE *f = fopen(argv[2], "w");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    fprintf(f, "/* Generated by aot_fwgen %s: do not edit. */\n#include \"aot_fw.h\"\n\n",
            net->name);
    sizes sz = {0, 0, 0, 0};
    /* the network's two conv+pool layers and dense layer with int8 weights, as generated by
     * default (markers 0, 1, 2), then layers for the kernels' other paths on the target
     * (markers 3-6): a long patch with a remainder of quads (kw = 90, int8) and positive
     * shifts under the pool; an unpooled conv with 5 input channels (natural layout, kw = 23,
     * int16) and an odd pixel count; the network's two conv layers with int16 weights */
    const conv_spec specs[6] = {
        {l[0].in_h, l[0].in_w, l[0].in_c, l[0].out_c, 1, 0, "conv3x3+relu+maxpool", 1},
        {l[2].in_h, l[2].in_w, l[2].in_c, l[2].out_c, 1, 0, "conv3x3+relu+maxpool", 1},
        {8, 10, 20, 7, 1, 1, "extra conv3x3+relu+maxpool, shifts > 0", 1},
        {7, 9, 5, 4, 0, 0, "extra conv3x3+relu, int16 weights", 0},
        {l[0].in_h, l[0].in_w, l[0].in_c, l[0].out_c, 1, 0, "int16 weights: conv3x3+relu+maxpool", 0},
        {l[2].in_h, l[2].in_w, l[2].in_c, l[2].out_c, 1, 0, "int16 weights: conv3x3+relu+maxpool", 0},
    };
    /* the depthwise layers (markers 7-9) only in mnist-conv128's firmware: cifar10-conv128's
     * test data leaves too little flash for the depthwise kernel's code */
    const int dw = strcmp(net->name, "mnist-conv128") == 0;
    if (conv_layer(f, 0, &specs[0], &sz) || conv_layer(f, 1, &specs[1], &sz) ||
        fc_layer(f, 2, &l[5], &sz) || conv_layer(f, 3, &specs[2], &sz) ||
        conv_layer(f, 4, &specs[3], &sz) || conv_layer(f, 5, &specs[4], &sz) ||
        conv_layer(f, 6, &specs[5], &sz) ||
        (dw && (dw_layer(f, 7, 25, 5, 32, 1, 0, 0, &sz) || dw_layer(f, 8, 6, 32, 3, 2, 1, 0, &sz) ||
                dw_layer(f, 9, 7, 5, 7, 2, 0, 0, &sz) || dw_layer(f, 10, 6, 6, 32, 1, 0, 1, &sz) ||
                dw_layer(f, 11, 20, 60, 8, 2, 0, 1, &sz)))) {
        fclose(f);
        remove(argv[2]);
        return 1;
    }
    fprintf(f, "const char aot_fw_net[] = \"%s\";\n", net->name);
    fprintf(f,
            "const aot_fw_layer aot_fw_layers[] = {\n    L0_ENTRY,\n    L1_ENTRY,\n"
            "    {\"dense %d->%d\", %lld, 0, 0, 0, &l2_fc, &l2_aot, l2_in, %d, l2_filter, "
            "l2_bias, l2_expect, %d},\n    L3_ENTRY,\n    L4_ENTRY,\n    L5_ENTRY,\n"
            "    L6_ENTRY,\n%s};\n",
            l[5].in_c, l[5].out_c, (long long)l[5].macs, l[5].in_c, l[5].out_c,
            dw ? "    L7_ENTRY,\n    L8_ENTRY,\n    L9_ENTRY,\n    L10_ENTRY,\n    L11_ENTRY,\n"
               : "");
    fprintf(f, "const int aot_fw_n_layers = %d;\n", dw ? 12 : 7);
    fprintf(f, "int8_t aot_fw_in[%zu];\nint8_t aot_fw_conv[%zu];\nint8_t aot_fw_ref[%zu];\n"
               "int8_t aot_fw_out[%zu];\nint32_t aot_fw_scratch[%zu];\n",
            sz.in, sz.conv, sz.out, sz.out, sz.scratch / 4);
    if (fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
