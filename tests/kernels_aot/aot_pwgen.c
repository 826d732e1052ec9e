/* aot_pwgen OUT.c: writes the data of an aot kernel firmware (fw/aot_fw.h, run by fw/aot_fw.c)
 * for the pointwise (1x1) conv and fully connected paths with random shapes: their DSP-path
 * assembly (conv_1x1's fused block loop with its three requantizations, the FC's fused block
 * loop and its unpadded last rows) only runs on the target, so this is where it is checked
 * bit-exact against the reference kernels (on the target and on the host); also 3x3 SAME
 * convs with in_c % 4 == 0, which take the same fused loop after their patches. Fixed seed:
 * deterministic output. Cases: odd and even pixel counts, stride 1 and 2, in_c a multiple of
 * 4 (the fused loop's quads: fewer than 4, a multiple of 4, a remainder) and not (the patch
 * path), out_c with a partial last block, multipliers above 1 (shifts >= 0: the general
 * requantization), biases near 2^30 (the SMLAL requantization), output ranges narrower than
 * int8 (the compiled C epilogue); FC: in_depth with and without a remainder, out_depth % 4 in
 * 0..3, shifts <= -1 (fused) and > 0 (generic); 3x3 convs of one input channel (conv_c1u);
 * pointwise convs of 8 input channels (conv_pw8); 3x3 stride-2 convs of 3 (conv_c3). */
#include "kernel_prep.h"
#include "mcb_aot_pack.h"
#include "fwgen_util.h"
#include "mcb_kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Multipliers for accumulators of n_terms products; kind 1: every fourth channel above 1
 * (shift > 0) and every fourth in [0.5, 1) (shift 0), kind 2: also some near 2^-25 (the scale of a channel whose bias is +-2^30). */
static int quant(int n, int n_terms, int kind, int32_t *mult, int32_t *shift)
{
    for (int i = 0; i < n; i++) {
        double m = 60.0 / (sqrt((double)n_terms) * 74.0 * 74.0) * (0.6 + 0.8 * (next() % 1000) / 1000.0);
        if (kind >= 1 && i % 4 == 1)
            m = 1.0 + (next() % 1000) / 1000.0;
        if (kind >= 1 && i % 4 == 3)
            m = 0.5 + (next() % 1000) / 2001.0; /* shift 0 */
        if (kind >= 2 && i % 4 == 2)
            m = ldexp(0.6 + (next() % 1000) / 2500.0, -25);
        int sh;
        if (mcb_quantize_multiplier(m, &mult[i], &sh) != 0)
            return -1;
        shift[i] = sh;
    }
    return 0;
}

static size_t max_in, max_out, max_scratch;

static void grow(size_t *a, size_t b)
{
    if (b > *a)
        *a = b;
}

/* A conv without pool, fs x fs filter (1: pointwise, VALID; else SAME, or VALID with valid):
 * in_h x in_w x in_c -> out_c, stride s; kind: see quant (2: biases near 2^30 too); narrow: an
 * output range inside int8. */
static int conv_layer_v(FILE *f, int idx, int in_h, int in_w, int in_c, int out_c, int fs,
                        int s, int kind, int narrow, int valid)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_h = in_h, p.in_w = in_w, p.in_c = in_c, p.out_c = out_c;
    p.filter_h = p.filter_w = fs, p.stride_h = p.stride_w = s, p.dilation_h = p.dilation_w = 1;
    p.out_h = mcb_compute_padding(valid, in_h, fs, s, 1, &p.pad_h); /* no padding for 1x1 */
    p.out_w = mcb_compute_padding(valid, in_w, fs, s, 1, &p.pad_w);
    const int taps = fs * fs * in_c;
    const int32_t out_zp = uniform(-128, 10);
    p.input_offset = -uniform(-128, 20), p.output_offset = out_zp;
    p.act_min = narrow ? out_zp : -128, p.act_max = narrow ? uniform(60, 126) : 127;
    int32_t *mult = malloc(4 * (size_t)out_c), *shift = malloc(4 * (size_t)out_c);
    int32_t *bias = malloc(4 * (size_t)out_c);
    if (quant(out_c, taps, kind, mult, shift) != 0)
        return -1;
    p.multiplier = mult, p.shift = shift;
    const size_t n_in = (size_t)in_h * in_w * in_c, n_f = (size_t)out_c * taps;
    const size_t n_out = (size_t)p.out_h * p.out_w * out_c;
    int8_t *in = malloc(n_in), *filt = malloc(n_f), *out = malloc(n_out);
    for (size_t i = 0; i < n_in; i++)
        in[i] = (int8_t)uniform(-128, 127);
    for (size_t i = 0; i < n_f; i++)
        filt[i] = (int8_t)uniform(-127, 127);
    for (int i = 0; i < out_c; i++)
        bias[i] = kind >= 2 && i % 4 == 2 ? (uniform(0, 1) ? 1 : -1) * (0x40000000 - uniform(0, 999))
                                          : uniform(-20000, 20000);
    mcb_conv2d_s8(&p, in, filt, bias, out);
    mcb_aot_conv_packed pk;
    char nm[64];
    if (mcb_aot_conv_pack_w("pw", &p, NULL, filt, bias, 1, &pk) != 0)
        return -1;
    snprintf(nm, sizeof nm, "l%d_aot", idx), mcb_aot_conv_emit_c(f, nm, 1, &pk.k);
    snprintf(nm, sizeof nm, "l%d_in", idx), emit_s8(f, nm, in, n_in);
    snprintf(nm, sizeof nm, "l%d_filter", idx), emit_s8(f, nm, filt, n_f);
    snprintf(nm, sizeof nm, "l%d_bias", idx), emit_s32(f, nm, bias, (size_t)out_c);
    snprintf(nm, sizeof nm, "l%d_mult", idx), emit_s32(f, nm, mult, (size_t)out_c);
    snprintf(nm, sizeof nm, "l%d_shift", idx), emit_s32(f, nm, shift, (size_t)out_c);
    snprintf(nm, sizeof nm, "l%d_expect", idx), emit_s8(f, nm, out, n_out);
    fprintf(f,
            "static const mcb_conv_params l%d_conv = {\n"
            "    .batches = 1, .in_h = %d, .in_w = %d, .in_c = %d, .out_h = %d, .out_w = %d,\n"
            "    .out_c = %d, .filter_h = %d, .filter_w = %d, .stride_h = %d, .stride_w = %d,\n"
            "    .dilation_h = 1, .dilation_w = 1, .pad_h = %d, .pad_w = %d,\n"
            "    .input_offset = %ld, .output_offset = %ld,\n"
            "    .act_min = %ld, .act_max = %ld, .multiplier = l%d_mult, .shift = l%d_shift,\n"
            "};\n",
            idx, in_h, in_w, in_c, p.out_h, p.out_w, out_c, fs, fs, s, s, p.pad_h, p.pad_w,
            (long)p.input_offset,
            (long)p.output_offset, (long)p.act_min, (long)p.act_max, idx, idx);
    fprintf(f,
            "#define L%d_ENTRY {\"%s %dx%d %s %dx%dx%d -> %d stride %d%s%s\", %lld, &l%d_conv, 0, "
            "&l%d_aot, 0, 0, l%d_in, %zu, l%d_filter, l%d_bias, l%d_expect, %zu, 0}\n",
            idx, fs == 1 ? "pointwise" : "conv", fs, fs, valid ? "VALID" : "SAME", in_h, in_w,
            in_c, out_c, s,
            kind == 2 ? ", biases ~2^30" : kind == 1 ? ", shifts >= 0" : "",
            narrow ? ", narrow range" : "", (long long)n_out * taps, idx, idx, idx, n_in, idx,
            idx, idx, n_out);
    grow(&max_in, n_in), grow(&max_out, n_out);
    grow(&max_scratch, mcb_aot_conv_scratch_bytes(&pk.k));
    mcb_aot_conv_free(&pk);
    free(mult), free(shift), free(bias), free(in), free(filt), free(out);
    return 0;
}

static int conv_layer(FILE *f, int idx, int in_h, int in_w, int in_c, int out_c, int fs, int s,
                      int kind, int narrow)
{
    return conv_layer_v(f, idx, in_h, in_w, in_c, out_c, fs, s, kind, narrow, 0);
}

/* A fully connected layer; pos: some shifts > 0 (the generic path); narrow: see conv_layer. */
static int fc_layer(FILE *f, int idx, int in_depth, int out_depth, int pos, int narrow)
{
    mcb_fc_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_depth = in_depth, p.out_depth = out_depth, p.per_channel = 1;
    const int32_t out_zp = uniform(-128, 20);
    p.input_offset = -uniform(-128, 20), p.output_offset = out_zp;
    p.act_min = narrow ? out_zp : -128, p.act_max = narrow ? uniform(60, 126) : 127;
    int32_t *mult = malloc(4 * (size_t)out_depth), *shift = malloc(4 * (size_t)out_depth);
    int32_t *bias = malloc(4 * (size_t)out_depth);
    if (quant(out_depth, in_depth, pos, mult, shift) != 0)
        return -1;
    p.multiplier = mult, p.shift = shift;
    int8_t *in = malloc((size_t)in_depth), *filt = malloc((size_t)in_depth * out_depth);
    int8_t *out = malloc((size_t)out_depth);
    for (int i = 0; i < in_depth; i++)
        in[i] = (int8_t)uniform(-128, 127);
    for (int i = 0; i < in_depth * out_depth; i++)
        filt[i] = (int8_t)uniform(-127, 127);
    for (int i = 0; i < out_depth; i++)
        bias[i] = uniform(-20000, 20000);
    mcb_fully_connected_s8(&p, in, filt, bias, out);
    mcb_aot_fc_packed pk;
    char nm[64];
    if (mcb_aot_fc_pack_w("fc", &p, filt, bias, 1, &pk) != 0)
        return -1;
    snprintf(nm, sizeof nm, "l%d_aot", idx), mcb_aot_fc_emit_c(f, nm, 1, &pk.k);
    snprintf(nm, sizeof nm, "l%d_in", idx), emit_s8(f, nm, in, (size_t)in_depth);
    snprintf(nm, sizeof nm, "l%d_filter", idx), emit_s8(f, nm, filt, (size_t)in_depth * out_depth);
    snprintf(nm, sizeof nm, "l%d_bias", idx), emit_s32(f, nm, bias, (size_t)out_depth);
    snprintf(nm, sizeof nm, "l%d_mult", idx), emit_s32(f, nm, mult, (size_t)out_depth);
    snprintf(nm, sizeof nm, "l%d_shift", idx), emit_s32(f, nm, shift, (size_t)out_depth);
    snprintf(nm, sizeof nm, "l%d_expect", idx), emit_s8(f, nm, out, (size_t)out_depth);
    fprintf(f,
            "static const mcb_fc_params l%d_fc = {\n"
            "    .batches = 1, .in_depth = %d, .out_depth = %d, .input_offset = %ld,\n"
            "    .output_offset = %ld, .act_min = %ld, .act_max = %ld, .per_channel = 1,\n"
            "    .multiplier = l%d_mult, .shift = l%d_shift,\n"
            "};\n",
            idx, in_depth, out_depth, (long)p.input_offset, (long)p.output_offset,
            (long)p.act_min, (long)p.act_max, idx, idx);
    fprintf(f,
            "#define L%d_ENTRY {\"fully connected %d -> %d%s%s\", %lld, 0, 0, 0, &l%d_fc, "
            "&l%d_aot, l%d_in, %d, l%d_filter, l%d_bias, l%d_expect, %d, 0}\n",
            idx, in_depth, out_depth, pos ? ", shifts > 0" : "", narrow ? ", narrow range" : "",
            (long long)in_depth * out_depth, idx, idx, idx, in_depth, idx, idx, idx, out_depth);
    grow(&max_in, (size_t)in_depth), grow(&max_out, (size_t)out_depth);
    mcb_aot_fc_free(&pk);
    free(mult), free(shift), free(bias), free(in), free(filt), free(out);
    return 0;
}

int main(int argc, char **argv)
{
    rng = 0x9E3779B97F4A7C15ull;
    if (argc != 2) {
        fprintf(stderr, "usage: aot_pwgen OUT.c\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "/* Generated by aot_pwgen: do not edit. */\n#include \"aot_fw.h\"\n\n");
    int n = 0, rc = 0;
    /* MLPerf-like shapes first (DS-CNN's 64 -> 64, MobileNet's 8 -> 16 and 128 -> 128 with
     * its biases of +-2^30), then random ones */
    rc |= conv_layer(f, n++, 5, 5, 64, 64, 1, 1, 0, 0);
    rc |= conv_layer(f, n++, 6, 5, 8, 16, 1, 1, 1, 0);
    rc |= conv_layer(f, n++, 3, 3, 128, 128, 1, 1, 2, 0);
    rc |= conv_layer(f, n++, 7, 5, 12, 7, 1, 2, 0, 0);
    rc |= conv_layer(f, n++, 4, 3, 20, 5, 1, 1, 0, 1);  /* narrow range: compiled epilogue */
    rc |= conv_layer(f, n++, 3, 3, 6, 9, 1, 1, 0, 0);   /* in_c % 4 != 0: the patch path */
    for (int i = 0; i < 10 && !rc; i++)
        rc |= conv_layer(f, n++, uniform(1, 7), uniform(1, 7), 4 * uniform(1, 40),
                         uniform(1, 40), 1, uniform(1, 2), uniform(0, 2), 0);
    /* 3x3 SAME, in_c % 4 == 0 (ResNet-8's convs): the same fused loop after the patches */
    rc |= conv_layer(f, n++, 8, 8, 16, 16, 3, 1, 0, 0);
    rc |= conv_layer(f, n++, 7, 9, 8, 11, 3, 2, 2, 0);
    rc |= conv_layer(f, n++, 5, 6, 4, 7, 3, 1, 1, 0);
    rc |= conv_layer(f, n++, 5, 5, 12, 6, 3, 1, 0, 1);  /* narrow range: conv_plain */
    /* in_c % 4 != 0, unpooled (the fused loop on natural patches, switch FPN: DS-CNN's first
     * conv is 10x4x1 stride 2): 4x4x1 SAME stride 2 and 1 (16 values), 3x3x3 with odd out_c
     * (27 values, not conv_c3), 2x2x6 (24), 5x5x1 (25: the one-pad-k-word form, conv_plain) */
    rc |= conv_layer(f, n++, 11, 9, 1, 64, 4, 2, 0, 0);
    rc |= conv_layer(f, n++, 7, 6, 1, 5, 4, 1, 2, 0);
    rc |= conv_layer(f, n++, 9, 8, 3, 7, 3, 2, 0, 0);
    rc |= conv_layer(f, n++, 6, 7, 6, 11, 2, 1, 1, 0);
    rc |= conv_layer(f, n++, 8, 7, 1, 4, 5, 2, 0, 0);
    /* one input channel, unpooled (conv_c1u's band and two-outputs-per-pass loop): person_detect's
     * first layer on a smaller input (SAME stride 2, the last tap row and column outside),
     * odd sizes, stride 1 and 2, SAME and VALID, odd output widths, out_c not a multiple of
     * 3, a narrow output range (the C requantization) */
    rc |= conv_layer(f, n++, 24, 24, 1, 8, 3, 2, 0, 0);
    rc |= conv_layer(f, n++, 13, 11, 1, 5, 3, 2, 0, 0);
    rc |= conv_layer(f, n++, 9, 12, 1, 7, 3, 1, 0, 0);
    rc |= conv_layer_v(f, n++, 10, 9, 1, 4, 3, 1, 0, 0, 1);
    rc |= conv_layer_v(f, n++, 11, 10, 1, 3, 3, 2, 0, 0, 1);
    rc |= conv_layer(f, n++, 7, 1, 1, 2, 3, 1, 0, 0);
    rc |= conv_layer(f, n++, 6, 9, 1, 8, 3, 2, 0, 1);
    /* 3 input channels, 3x3 stride 2 (conv_c3's unpooled part): MobileNet-VWW's first conv
     * on a smaller input (SAME, the last tap row and column outside), odd sizes, VALID */
    rc |= conv_layer(f, n++, 12, 12, 3, 8, 3, 2, 0, 0);
    rc |= conv_layer(f, n++, 13, 11, 3, 6, 3, 2, 0, 0);
    rc |= conv_layer_v(f, n++, 11, 9, 3, 4, 3, 2, 0, 0, 1);
    /* 8 input channels (conv_pw8): MobileNet's 8 -> 16, odd pixel counts, stride 2, odd
     * out_c, one output channel */
    rc |= conv_layer(f, n++, 6, 5, 8, 16, 1, 1, 0, 0);
    rc |= conv_layer(f, n++, 7, 5, 8, 9, 1, 2, 0, 0);
    rc |= conv_layer(f, n++, 3, 3, 8, 1, 1, 1, 0, 0);
    rc |= conv_layer(f, n++, 5, 4, 8, 17, 1, 1, 0, 0);
    rc |= fc_layer(f, n++, 640, 128, 0, 0);
    rc |= fc_layer(f, n++, 8, 128, 0, 0);
    rc |= fc_layer(f, n++, 100, 10, 0, 0);
    rc |= fc_layer(f, n++, 37, 19, 0, 0);          /* in_depth % 4 != 0: not fused */
    rc |= fc_layer(f, n++, 64, 17, 1, 0);          /* shifts > 0: generic */
    rc |= fc_layer(f, n++, 48, 18, 0, 1);          /* narrow range: generic */
    for (int i = 0; i < 8 && !rc; i++)
        rc |= fc_layer(f, n++, 4 * uniform(1, 200), uniform(1, 30), 0, 0);
    if (rc) {
        fclose(f);
        remove(argv[1]);
        fprintf(stderr, "aot_pwgen: packing failed\n");
        return 1;
    }
    fprintf(f, "const char aot_fw_net[] = \"pointwise and fully connected\";\n");
    fprintf(f, "const aot_fw_layer aot_fw_layers[] = {\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "    L%d_ENTRY,\n", i);
    fprintf(f, "};\nconst int aot_fw_n_layers = %d;\n", n);
    fprintf(f, "int8_t aot_fw_in[%zu];\nint8_t aot_fw_conv[4];\nint8_t aot_fw_ref[%zu];\n"
               "int8_t aot_fw_out[%zu];\nint32_t aot_fw_scratch[%zu];\n",
            max_in, max_out, max_out, max_scratch / 4 + 1);
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
