/* The aot kernels against the reference kernels: random shapes and quantization parameters
 * (fixed seed), odd sizes, zero points at the range ends, saturation, positive shifts (the
 * requantize-then-pool path), SAME padding, the paper family's layer shapes; the packers'
 * refusals; the C emitter's output. Every output byte must be equal. */
#include "err.h"
#include "mcb_aot.h"
#include "mcb_aot_pack.h"
#include "kernel_prep.h"
#include "mcb_kernels.h"
#include "fwgen_util.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


static int8_t rand_s8(void)
{
    return (int8_t)uniform(-128, 127);
}

/* A zero point, often at the ends of the range. */
static int32_t rand_zp(void)
{
    switch (uniform(0, 4)) {
    case 0:
        return -128;
    case 1:
        return 127;
    default:
        return uniform(-128, 127);
    }
}

static void rand_quant(int n, int32_t *mult, int32_t *shift, int positive_shifts)
{
    for (int i = 0; i < n; i++) {
        mult[i] = (int32_t)((1u << 30) + (next() & 0x3FFFFFFFu));
        if (uniform(0, 4) == 0)
            mult[i] = 1 << 30; /* x/2 exactly: rounding ties of the high multiply */
        if (uniform(0, 19) == 0)
            mult[i] = 0;
        shift[i] = uniform(-13, positive_shifts ? 3 : -4);
        if (uniform(0, 29) == 0)
            shift[i] = positive_shifts && uniform(0, 1) ? 31 : -31;
    }
}

static void rand_act(int32_t *lo, int32_t *hi, int32_t zp)
{
    switch (uniform(0, 3)) {
    case 0:
        *lo = -128, *hi = 127;
        break;
    case 1: /* RELU */
        *lo = zp, *hi = 127;
        break;
    default:
        *lo = uniform(-128, 0), *hi = uniform(*lo, 127);
        break;
    }
}

typedef struct {
    int in_h, in_w, in_c, out_c, fh, fw, stride, same, pool, pos_shifts;
} conv_case;

/* Runs one conv case; returns the number of mismatching bytes (or -1 if packing failed). */
/* Packed convs that took the one-input-channel path (conv_c1). */
static int c1_cases;
/* ... the unpooled one-input-channel path (conv_c1u). */
static int c1u_cases;
/* ... the pointwise path for 8 input channels (conv_pw8). */
static int pw8_cases;
/* ... and the three-input-channel path (conv_c3). */
static int c3_cases;

/* conv layers packed with an unpadded partial last block (mcb_aot_conv_split), so that the
 * random shapes are known to reach split_tail */
static int split_layers;
/* ... and the layers whose border rows patch() builds by filter columns (mcb_aot_conv_patch4),
 * counted only when a border row exists (some padding) */
static int patch4_cases;

static long run_conv(const conv_case *cc)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1;
    p.in_h = cc->in_h, p.in_w = cc->in_w, p.in_c = cc->in_c, p.out_c = cc->out_c;
    p.filter_h = cc->fh, p.filter_w = cc->fw;
    p.stride_h = p.stride_w = cc->stride;
    p.dilation_h = p.dilation_w = 1;
    p.out_h = mcb_compute_padding(cc->same ? 0 : 1, p.in_h, p.filter_h, p.stride_h, 1, &p.pad_h);
    p.out_w = mcb_compute_padding(cc->same ? 0 : 1, p.in_w, p.filter_w, p.stride_w, 1, &p.pad_w);
    if (p.out_h <= 0 || p.out_w <= 0 || (cc->pool && (p.out_h < 2 || p.out_w < 2)))
        return 0;
    const int32_t in_zp = rand_zp(), out_zp = rand_zp();
    p.input_offset = -in_zp;
    p.output_offset = out_zp;
    p.filter_offset = uniform(0, 5) == 0 ? uniform(-128, 127) : 0;
    rand_act(&p.act_min, &p.act_max, out_zp);
    const int small_filter = p.filter_offset != 0 && uniform(0, 1); /* w + offset fits int8 */
    int32_t *mult = malloc(sizeof(int32_t) * p.out_c), *shift = malloc(sizeof(int32_t) * p.out_c);
    rand_quant(p.out_c, mult, shift, cc->pos_shifts);
    p.multiplier = mult, p.shift = shift;

    const size_t n_in = (size_t)p.in_h * p.in_w * p.in_c;
    const size_t n_f = (size_t)p.out_c * p.filter_h * p.filter_w * p.in_c;
    const size_t n_conv = (size_t)p.out_h * p.out_w * p.out_c;
    int8_t *in = malloc(n_in), *filter = malloc(n_f), *conv = malloc(n_conv);
    int32_t *bias = malloc(sizeof(int32_t) * p.out_c);
    /* sometimes saturated inputs and weights, to reach the accumulator's extremes */
    const int extreme = uniform(0, 7) == 0;
    for (size_t i = 0; i < n_in; i++)
        in[i] = extreme ? (int8_t)(uniform(0, 1) ? 127 : -128) : rand_s8();
    for (size_t i = 0; i < n_f; i++)
        filter[i] = extreme ? (int8_t)(uniform(0, 1) ? 127 : -127) : rand_s8();
    if (small_filter) {
        const int lo = p.filter_offset < 0 ? -128 - p.filter_offset : -128;
        const int hi = p.filter_offset > 0 ? 127 - p.filter_offset : 127;
        for (size_t i = 0; i < n_f; i++)
            filter[i] = (int8_t)(filter[i] < lo ? lo : filter[i] > hi ? hi : filter[i]);
    }
    for (int i = 0; i < p.out_c; i++)
        bias[i] = uniform(0, 3) == 0 ? (int32_t)next() / 64 : uniform(-5000, 5000);
    const int with_bias = uniform(0, 9) != 0;
    mcb_conv2d_s8(&p, in, filter, with_bias ? bias : NULL, conv);

    mcb_pool_params pool;
    memset(&pool, 0, sizeof pool);
    const int8_t *want = conv;
    int8_t *pooled = NULL;
    size_t n_out = n_conv;
    if (cc->pool) {
        pool.batches = 1, pool.depth = p.out_c;
        pool.in_h = p.out_h, pool.in_w = p.out_w;
        pool.out_h = p.out_h / 2, pool.out_w = p.out_w / 2;
        pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
        pool.act_min = -128, pool.act_max = 127;
        if (uniform(0, 3) == 0)
            rand_act(&pool.act_min, &pool.act_max, out_zp);
        n_out = (size_t)pool.out_h * pool.out_w * pool.depth;
        pooled = malloc(n_out);
        mcb_max_pool2d_s8(&pool, conv, pooled);
        want = pooled;
    }

    /* both weight storages: int16 (widened at pack time) and int8 (widened in the loop; a
     * filter offset that takes a weight outside int8 falls back to int16) */
    long bad = 0;
    for (int w8 = 0; w8 < 2 && bad >= 0; w8++) {
        mcb_aot_conv_packed pk;
        if (mcb_aot_conv_pack_w("test", &p, cc->pool ? &pool : NULL, filter,
                                with_bias ? bias : NULL, w8, &pk) != 0) {
            bad = -1;
            break;
        }
        if (w8 && p.filter_offset == 0 && !pk.k.int8w)
            bad++; /* int8 storage must be taken whenever the weights fit */
        /* the unpadded last block: exactly where mcb_aot_conv_split says, with its channels */
        if (pk.k.split != (mcb_aot_conv_split(&pk.k) ? p.out_c % MCB_AOT_CONV_BLOCK : 0))
            bad++;
        split_layers += pk.k.split != 0;
        c1_cases += mcb_aot_conv_c1_ok(&pk.k);
        c1u_cases += mcb_aot_conv_c1u_ok(&pk.k);
        pw8_cases += mcb_aot_conv_pw8_ok(&pk.k);
        c3_cases += mcb_aot_conv_c3_ok(&pk.k);
        patch4_cases += mcb_aot_conv_patch4(&pk.k) && (p.pad_h > 0 || p.pad_w > 0);
        int8_t *got = malloc(n_out + 1);
        got[n_out] = 0x5A; /* guard */
        /* scratch filled with garbage: pad values must not matter */
        const size_t sb = mcb_aot_conv_scratch_bytes(&pk.k);
        int32_t *scratch = malloc(sb);
        memset(scratch, 0xA5, sb);
        mcb_aot_conv_s8(&pk.k, in, got, scratch);
        long b1 = got[n_out] != 0x5A;
        for (size_t i = 0; i < n_out; i++)
            b1 += got[i] != want[i];
        if (b1)
            fprintf(stderr,
                    "conv %dx%dx%d -> %d, filter %dx%d stride %d %s pool %d perm4 %d int8w %d: "
                    "%ld bad\n",
                    p.in_h, p.in_w, p.in_c, p.out_c, p.filter_h, p.filter_w, p.stride_h,
                    cc->same ? "SAME" : "VALID", cc->pool, pk.k.perm4, pk.k.int8w, b1);
        bad += b1;
        free(scratch);
        free(got);
        mcb_aot_conv_free(&pk);
    }
    free(pooled);
    free(in), free(filter), free(conv), free(bias), free(mult), free(shift);
    return bad;
}

static long run_fc(int in_depth, int out_depth, int per_channel)
{
    mcb_fc_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_depth = in_depth, p.out_depth = out_depth;
    p.per_channel = per_channel;
    const int32_t out_zp = rand_zp();
    p.input_offset = -rand_zp();
    p.output_offset = out_zp;
    p.filter_offset = uniform(0, 2) == 0 ? uniform(-128, 127) : 0;
    rand_act(&p.act_min, &p.act_max, out_zp);
    int32_t mult[256], shift[256];
    rand_quant(per_channel ? out_depth : 1, mult, shift, 1);
    p.multiplier = mult, p.shift = shift;
    int8_t *in = malloc((size_t)in_depth), *f = malloc((size_t)in_depth * out_depth);
    int32_t bias[256];
    for (int i = 0; i < in_depth; i++)
        in[i] = rand_s8();
    for (int i = 0; i < in_depth * out_depth; i++)
        f[i] = rand_s8();
    for (int i = 0; i < out_depth; i++)
        bias[i] = uniform(-100000, 100000);
    int8_t want[256], got[257];
    mcb_fully_connected_s8(&p, in, f, bias, want);
    long bad = 0;
    for (int w8 = 0; w8 < 2 && bad >= 0; w8++) {
        mcb_aot_fc_packed pk;
        if (mcb_aot_fc_pack_w("test", &p, f, bias, w8, &pk) != 0) {
            bad = -1;
            break;
        }
        if (w8 && (p.per_channel || p.filter_offset == 0) && !pk.k.int8w)
            bad++;
        got[out_depth] = 0x5A;
        mcb_aot_fc_s8(&pk.k, in, got);
        long b1 = got[out_depth] != 0x5A;
        for (int i = 0; i < out_depth; i++)
            b1 += got[i] != want[i];
        if (b1)
            fprintf(stderr, "fc %d -> %d per_channel %d int8w %d: %ld bad\n", in_depth,
                    out_depth, per_channel, pk.k.int8w, b1);
        bad += b1;
        mcb_aot_fc_free(&pk);
    }
    free(in), free(f);
    return bad;
}

/* DEPTHWISE_CONV_2D (multiplier 1) against the reference: any channel count (the 4-channel
 * words and the rest), filter sizes 1..5, strides 1..2, SAME and VALID. */
static long run_dw2(int in_h, int in_w, int ch, int fh, int fw, int stride_h, int stride,
                    int same, int big);
static long run_dw(int in_h, int in_w, int ch, int fh, int fw, int stride, int same, int big)
{
    return run_dw2(in_h, in_w, ch, fh, fw, stride, stride, same, big);
}

/* stride_h may differ from stride (the width's) */
static long run_dw2(int in_h, int in_w, int ch, int fh, int fw, int stride_h, int stride,
                    int same, int big)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_h = in_h, p.in_w = in_w, p.in_c = p.out_c = ch;
    p.filter_h = fh, p.filter_w = fw, p.stride_h = stride_h, p.stride_w = stride;
    p.dilation_h = p.dilation_w = 1, p.depth_multiplier = 1;
    p.out_h = mcb_compute_padding(same ? 0 : 1, in_h, fh, stride_h, 1, &p.pad_h);
    p.out_w = mcb_compute_padding(same ? 0 : 1, in_w, fw, stride, 1, &p.pad_w);
    if (p.out_h <= 0 || p.out_w <= 0)
        return 0;
    const int32_t out_zp = rand_zp();
    p.input_offset = -rand_zp(), p.output_offset = out_zp;
    rand_act(&p.act_min, &p.act_max, out_zp);
    int32_t *mult = malloc(sizeof(int32_t) * ch), *shift = malloc(sizeof(int32_t) * ch);
    int32_t *bias = malloc(sizeof(int32_t) * ch);
    rand_quant(ch, mult, shift, uniform(0, 3) == 0);
    p.multiplier = mult, p.shift = shift;
    const size_t n_in = (size_t)in_h * in_w * ch, n_f = (size_t)fh * fw * ch;
    const size_t n_out = (size_t)p.out_h * p.out_w * ch;
    int8_t *in = malloc(n_in), *f = malloc(n_f), *want = malloc(n_out), *got = malloc(n_out + 1);
    const int extreme = uniform(0, 7) == 0;
    for (size_t i = 0; i < n_in; i++)
        in[i] = extreme ? (int8_t)(uniform(0, 1) ? 127 : -128) : rand_s8();
    for (size_t i = 0; i < n_f; i++)
        f[i] = extreme ? (int8_t)(uniform(0, 1) ? 127 : -127) : rand_s8();
    for (int i = 0; i < ch; i++) /* big: some near +-2^30, past the fast requantization */
        bias[i] = big && uniform(0, 1) ? (uniform(0, 1) ? 1 : -1) * ((1 << 30) - uniform(0, 300000))
                                       : uniform(-50000, 50000);
    const int with_bias = uniform(0, 9) != 0;
    mcb_depthwise_conv2d_s8(&p, in, f, with_bias ? bias : NULL, want);
    long bad = -1;
    mcb_aot_dw_packed pk;
    if (mcb_aot_dw_pack("test", &p, f, with_bias ? bias : NULL, &pk) == 0) {
        got[n_out] = 0x5A;
        mcb_aot_dw_s8(&pk.k, in, got);
        bad = got[n_out] != 0x5A;
        for (size_t i = 0; i < n_out; i++)
            bad += got[i] != want[i];
        if (bad)
            fprintf(stderr, "dw %dx%dx%d filter %dx%d stride %dx%d %s: %ld bad\n", in_h, in_w,
                    ch, fh, fw, stride_h, stride, same ? "SAME" : "VALID", bad);
        mcb_aot_dw_free(&pk);
    }
    free(in), free(f), free(want), free(got), free(bias), free(mult), free(shift);
    return bad;
}

/* ADD against the reference, TFLM-style parameters from random scales. */
static long run_add(int n)
{
    mcb_add_params p;
    memset(&p, 0, sizeof p);
    p.input1_offset = -rand_zp(), p.input2_offset = -rand_zp(), p.output_offset = rand_zp();
    p.left_shift = 20;
    const double s1 = 0.001 + (next() % 1000) / 20000.0, s2 = 0.001 + (next() % 1000) / 20000.0;
    const double so = 0.001 + (next() % 1000) / 10000.0, twice = 2 * (s1 > s2 ? s1 : s2);
    int sh;
    mcb_quantize_multiplier_lt1(s1 / twice, &p.input1_multiplier, &sh), p.input1_shift = sh;
    mcb_quantize_multiplier_lt1(s2 / twice, &p.input2_multiplier, &sh), p.input2_shift = sh;
    mcb_quantize_multiplier_lt1(twice / ((1 << 20) * so), &p.output_multiplier, &sh);
    p.output_shift = sh;
    rand_act(&p.act_min, &p.act_max, p.output_offset);
    int8_t *a = malloc((size_t)n), *b = malloc((size_t)n), *want = malloc((size_t)n);
    int8_t *got = malloc((size_t)n + 1);
    for (int i = 0; i < n; i++)
        a[i] = rand_s8(), b[i] = rand_s8();
    mcb_add_s8(&p, (size_t)n, a, b, want);
    long bad = -1;
    mcb_aot_add_packed pk;
    if (mcb_aot_add_pack("test", &p, &pk) == 0) {
        got[n] = 0x5A;
        mcb_aot_add_s8(&pk.k, (size_t)n, a, b, got);
        bad = got[n] != 0x5A;
        for (int i = 0; i < n; i++)
            bad += got[i] != want[i];
        if (bad)
            fprintf(stderr, "add %d: %ld bad (output shift %d)\n", n, bad, p.output_shift);
        mcb_aot_add_free(&pk);
    }
    free(a), free(b), free(want), free(got);
    return bad;
}

static void test_refusals(void)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    int32_t mult[4] = {1 << 30, 1 << 30, 1 << 30, 1 << 30}, shift[4] = {0, 0, 0, 0};
    int8_t filter[4 * 9 * 2] = {0};
    p.batches = 1, p.in_h = 6, p.in_w = 6, p.in_c = 2, p.out_h = 4, p.out_w = 4, p.out_c = 4;
    p.filter_h = p.filter_w = 3, p.stride_h = p.stride_w = 1;
    p.dilation_h = p.dilation_w = 1;
    p.act_min = -128, p.act_max = 127;
    p.multiplier = mult, p.shift = shift;
    mcb_aot_conv_packed pk;
    mcb_err_quiet(1);
    CHECK_EQ_INT(mcb_aot_conv_pack("ok", &p, NULL, filter, NULL, &pk), 0);
    mcb_aot_conv_free(&pk);
    p.dilation_w = 2;
    CHECK_EQ_INT(mcb_aot_conv_pack("dil", &p, NULL, filter, NULL, &pk), -1);
    CHECK(strstr(mcb_last_error(), "dilation") != NULL);
    p.dilation_w = 1;
    shift[2] = 40;
    CHECK_EQ_INT(mcb_aot_conv_pack("shift", &p, NULL, filter, NULL, &pk), -1);
    CHECK(strstr(mcb_last_error(), "channel 2") != NULL);
    shift[2] = 0;
    mult[1] = -5;
    CHECK_EQ_INT(mcb_aot_conv_pack("mult", &p, NULL, filter, NULL, &pk), -1);
    mult[1] = 1 << 30;
    mcb_pool_params pool;
    memset(&pool, 0, sizeof pool);
    pool.batches = 1, pool.depth = 4, pool.in_h = 4, pool.in_w = 4, pool.out_h = 2;
    pool.out_w = 2, pool.filter_h = pool.filter_w = 2, pool.stride_h = pool.stride_w = 2;
    pool.act_min = -128, pool.act_max = 127;
    CHECK_EQ_INT(mcb_aot_conv_pack("pool", &p, &pool, filter, NULL, &pk), 0);
    mcb_aot_conv_free(&pk);
    pool.filter_h = 3;
    CHECK_EQ_INT(mcb_aot_conv_pack("pool3", &p, &pool, filter, NULL, &pk), -1);
    pool.filter_h = 2, pool.out_h = 3;
    CHECK_EQ_INT(mcb_aot_conv_pack("poolshape", &p, &pool, filter, NULL, &pk), -1);
    p.batches = 2;
    CHECK_EQ_INT(mcb_aot_conv_pack("batches", &p, NULL, filter, NULL, &pk), -1);
    mcb_fc_params fp;
    memset(&fp, 0, sizeof fp);
    fp.batches = 1, fp.in_depth = 0, fp.out_depth = 3;
    fp.multiplier = mult, fp.shift = shift;
    mcb_aot_fc_packed fk;
    CHECK_EQ_INT(mcb_aot_fc_pack("fc", &fp, filter, NULL, &fk), -1);
    mcb_err_quiet(0);
}

/* The emitter writes the packed numbers and the struct fields. */
static void test_emit(void)
{
    conv_case cc = {5, 5, 4, 4, 3, 3, 1, 0, 1, 0};
    (void)cc;
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {-3, -3};
    int8_t filter[2 * 9 * 4];
    for (int i = 0; i < 2 * 9 * 4; i++)
        filter[i] = (int8_t)(i - 40);
    p.batches = 1, p.in_h = 5, p.in_w = 5, p.in_c = 4, p.out_h = 3, p.out_w = 3, p.out_c = 2;
    p.filter_h = p.filter_w = 3, p.stride_h = p.stride_w = 1;
    p.dilation_h = p.dilation_w = 1;
    p.input_offset = 7, p.act_min = -128, p.act_max = 127;
    p.multiplier = mult, p.shift = shift;
    mcb_aot_conv_packed pk;
    CHECK_EQ_INT(mcb_aot_conv_pack("emit", &p, NULL, filter, NULL, &pk), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ_INT(mcb_aot_conv_emit_c(f, "layer0", 1, &pk.k), 0);
    fclose(f);
    CHECK(strstr(buf, "static const mcb_aot_conv layer0 = {") != NULL);
    CHECK(strstr(buf, "static const int32_t layer0_w[54] = {") != NULL); /* 1 block x 18 x 3 */
    CHECK(strstr(buf, ".perm4 = 1, .kw = 18, .n_blocks = 1,") != NULL);
    char first[64];
    snprintf(first, sizeof first, "{\n    %ld,", (long)pk.k.weights[0]);
    CHECK(strstr(buf, first) != NULL);
    /* value 0 and 2 of the first group of channel 0: -40 and -38, (a0,a2) order */
    CHECK_EQ_INT(pk.k.weights[0], (int32_t)((uint32_t)(uint16_t)-40 | (uint32_t)(uint16_t)-38 << 16));
    free(buf);
    mcb_aot_conv_free(&pk);
}

int main(void)
{
    rng = 0x9E3779B97F4A7C15ull; /* the fixed seed: the same shapes every run */
    long bad = 0;
    int cases = 0;
    /* The paper family's layers (reduced channel counts keep the test fast; the 128-channel
     * layer runs in the firmware test). */
    const conv_case family[] = {
        {28, 28, 1, 16, 3, 3, 1, 0, 1, 0},  {32, 32, 3, 16, 3, 3, 1, 0, 1, 0},
        {13, 13, 16, 16, 3, 3, 1, 0, 1, 0}, {15, 15, 32, 32, 3, 3, 1, 0, 1, 0},
        {13, 13, 64, 8, 3, 3, 1, 0, 1, 0},  {28, 28, 1, 5, 3, 3, 1, 0, 1, 1},
        /* conv_c1's shapes: odd sizes (the last row / column the pool drops), 2 x 2 windows */
        {27, 29, 1, 7, 3, 3, 1, 0, 1, 0},   {9, 6, 1, 4, 3, 3, 1, 0, 1, 0},
        {4, 4, 1, 3, 3, 3, 1, 0, 1, 0},     {7, 12, 1, 2, 3, 3, 1, 0, 1, 0},
        /* conv_c3's: ResNet-8's first conv (SAME, unpooled; fewer rows), SAME pooled, odd
         * sizes and pixel counts not a multiple of 4, */
        {9, 32, 3, 16, 3, 3, 1, 1, 0, 0},   {12, 12, 3, 8, 3, 3, 1, 1, 1, 0},
        {7, 9, 3, 6, 3, 3, 1, 0, 1, 0},     {5, 6, 3, 2, 3, 3, 1, 1, 0, 0},
        {3, 3, 3, 4, 3, 3, 1, 0, 0, 0},
        /* and stride 2 unpooled: MobileNet-VWW's first conv (SAME, the last tap row and column
         * outside), odd sizes (SAME padding on both sides), VALID, rows not a multiple of 4 */
        {96, 96, 3, 8, 3, 3, 2, 1, 0, 0},   {13, 11, 3, 6, 3, 3, 2, 1, 0, 0},
        {9, 10, 3, 4, 3, 3, 2, 0, 0, 0},    {5, 7, 3, 2, 3, 3, 2, 1, 0, 0},
        {18, 17, 3, 10, 3, 3, 2, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof family / sizeof family[0]; i++, cases++)
        bad += run_conv(&family[i]) != 0;
    /* Random shapes: 3x3 stride 1 mostly, any in_c (perm4 and natural layouts), odd sizes. */
    for (int i = 0; i < 400; i++, cases++) {
        conv_case cc;
        cc.in_c = uniform(0, 3) == 0 ? 4 * uniform(1, 12) : uniform(1, 9);
        cc.out_c = uniform(1, 11);
        const int general = uniform(0, 3) == 0;
        cc.fh = general ? uniform(1, 4) : 3;
        cc.fw = general ? uniform(1, 4) : 3;
        cc.stride = general ? uniform(1, 2) : 1;
        cc.same = general && uniform(0, 1);
        cc.in_h = uniform(cc.fh, 12);
        cc.in_w = uniform(cc.fw, 12);
        cc.pool = uniform(0, 2) != 0;
        cc.pos_shifts = uniform(0, 3) == 0;
        const long r = run_conv(&cc);
        CHECK(r >= 0);
        bad += r != 0;
    }
    CHECK(split_layers > 20);
    /* conv_c1u (unpooled 3x3, one input channel, stride 1 or 2): person_detect's first layer
     * (a depthwise conv of one channel, multiplier 8, SAME stride 2: its last tap row and
     * column outside the input), SAME and VALID, odd sizes, output widths of 1 and odd ones
     * (the assembly's two outputs per pass and the last one), out_c not a multiple of the
     * block, 1x1 and 1-row inputs, then random ones */
    const conv_case c1u[] = {
        {96, 96, 1, 8, 3, 3, 2, 1, 0, 0},  {13, 17, 1, 7, 3, 3, 2, 1, 0, 0},
        {12, 11, 1, 5, 3, 3, 1, 1, 0, 0},  {9, 10, 1, 4, 3, 3, 1, 0, 0, 0},
        {10, 9, 1, 3, 3, 3, 2, 0, 0, 0},   {3, 3, 1, 2, 3, 3, 1, 0, 0, 0},
        {4, 5, 1, 1, 3, 3, 2, 1, 0, 0},    {1, 1, 1, 3, 3, 3, 1, 1, 0, 0},
        {2, 7, 1, 11, 3, 3, 2, 1, 0, 0},   {1, 8, 1, 16, 3, 3, 1, 1, 0, 0},
        {11, 4, 1, 9, 3, 3, 2, 0, 0, 0},   {5, 40, 1, 8, 3, 3, 1, 1, 0, 0},
    };
    const int c1u_before = c1u_cases;
    for (size_t i = 0; i < sizeof c1u / sizeof c1u[0]; i++, cases++)
        bad += run_conv(&c1u[i]) != 0;
    CHECK(c1u_cases - c1u_before >= 20); /* both storages of the 12 shapes (few refused) */
    for (int i = 0; i < 120; i++, cases++) {
        conv_case cc;
        memset(&cc, 0, sizeof cc);
        cc.in_c = 1, cc.out_c = uniform(1, 17), cc.fh = cc.fw = 3;
        cc.stride = uniform(1, 2), cc.same = uniform(0, 1);
        cc.in_h = uniform(cc.same ? 1 : 3, 20), cc.in_w = uniform(cc.same ? 1 : 3, 50);
        cc.pos_shifts = uniform(0, 5) == 0;
        const long r = run_conv(&cc);
        CHECK(r >= 0);
        bad += r != 0;
    }
    /* Pointwise (1x1, no pool: the matrix-multiply path for in_c % 4 == 0, the patch path
     * otherwise): MLPerf's channel counts and random ones, stride 1 and 2, odd pixel counts,
     * out_c not a multiple of the block, positive shifts sometimes. */
    const conv_case pw[] = {
        {5, 5, 64, 64, 1, 1, 1, 0, 0, 0}, {6, 6, 8, 16, 1, 1, 1, 0, 0, 0},
        {3, 3, 256, 256, 1, 1, 1, 0, 0, 0}, {7, 5, 32, 7, 1, 1, 2, 1, 0, 1},
    };
    for (size_t i = 0; i < sizeof pw / sizeof pw[0]; i++, cases++)
        bad += run_conv(&pw[i]) != 0;
    for (int i = 0; i < 150; i++, cases++) {
        conv_case cc;
        memset(&cc, 0, sizeof cc);
        cc.in_c = uniform(0, 4) ? 4 * uniform(1, 40) : uniform(1, 13);
        cc.out_c = uniform(1, 70);
        cc.fh = cc.fw = 1;
        cc.stride = uniform(0, 3) ? 1 : 2;
        cc.same = uniform(0, 1);
        cc.in_h = uniform(1, 9);
        cc.in_w = uniform(1, 9);
        cc.pos_shifts = uniform(0, 3) == 0;
        const long r = run_conv(&cc);
        CHECK(r >= 0);
        bad += r != 0;
    }
    /* unpooled SAME convs with in_c % 4 == 0 (border rows by filter columns, PATCH4):
     * ResNet-8's 3x3 shapes (fewer rows), stride 2, 5x5 filters (two columns and rows
     * outside), unequal sizes, 1-pixel-wide inputs (every column but one outside), then
     * random ones */
    const conv_case e4[] = {
        {6, 32, 16, 16, 3, 3, 1, 1, 0, 0}, {8, 8, 32, 32, 3, 3, 2, 1, 0, 0},
        {5, 5, 64, 64, 3, 3, 1, 1, 0, 1},  {7, 6, 4, 5, 5, 5, 1, 1, 0, 0},
        {1, 7, 8, 3, 3, 3, 1, 1, 0, 0},    {6, 1, 12, 7, 5, 5, 2, 1, 0, 0},
        {3, 4, 4, 2, 5, 3, 1, 1, 0, 0},
    };
    const int p4_before = patch4_cases;
    for (size_t i = 0; i < sizeof e4 / sizeof e4[0]; i++, cases++)
        bad += run_conv(&e4[i]) != 0;
    for (int i = 0; i < 120; i++, cases++) {
        conv_case cc;
        memset(&cc, 0, sizeof cc);
        cc.in_c = 4 * uniform(1, 12), cc.out_c = uniform(1, 20);
        cc.fh = uniform(1, 5), cc.fw = uniform(1, 5);
        cc.stride = uniform(1, 2), cc.same = 1;
        cc.in_h = uniform(1, 9), cc.in_w = uniform(1, 9);
        cc.pos_shifts = uniform(0, 4) == 0;
        const long r = run_conv(&cc);
        CHECK(r >= 0);
        bad += r != 0;
    }
    CHECK(patch4_cases - p4_before >= 100); /* both storages: int8 weights only take it */
    /* 8 input channels (conv_pw8 when the output range is all of int8 and the shifts <= -1):
     * MobileNet's 8 -> 16 at 48x48 (person_detect, VWW), odd pixel counts (the last pixel
     * twice), stride 2, odd out_c (the channel after the pairs), 1 output channel */
    const conv_case pw8[] = {
        {48, 48, 8, 16, 1, 1, 1, 1, 0, 0}, {7, 5, 8, 9, 1, 1, 2, 0, 0, 0},
        {3, 3, 8, 1, 1, 1, 1, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof pw8 / sizeof pw8[0]; i++, cases++)
        bad += run_conv(&pw8[i]) != 0;
    for (int i = 0; i < 200; i++, cases++) {
        conv_case cc;
        memset(&cc, 0, sizeof cc);
        cc.in_c = 8, cc.out_c = uniform(1, 40), cc.fh = cc.fw = 1;
        cc.stride = uniform(0, 3) ? 1 : 2;
        cc.same = uniform(0, 1);
        cc.in_h = uniform(1, 9), cc.in_w = uniform(1, 9);
        cc.pos_shifts = uniform(0, 5) == 0;
        const long r = run_conv(&cc);
        CHECK(r >= 0);
        bad += r != 0;
    }
    /* FC: 4-row blocks, out_depth % 4 rows stored unpadded, in_depth % 4 != 0 */
    for (int i = 0; i < 200; i++, cases++) {
        const long r = run_fc(uniform(1, 300), uniform(1, 21), uniform(0, 1));
        CHECK(r >= 0);
        bad += r != 0;
    }
    cases++;
    bad += run_fc(3200, 10, 1) != 0; /* mnist-conv128's dense layer */
    cases += 2;
    bad += run_fc(640, 128, 1) != 0; /* MLPerf's autoencoder */
    bad += run_fc(1023, 67, 0) != 0;
    /* depthwise: MLPerf's shapes (3x3 stride 1 and 2 SAME, DS-CNN's 10x4 input) and random */
    const int dwc[][7] = {{12, 12, 8, 3, 3, 1, 1}, {12, 12, 8, 3, 3, 2, 1}, {25, 5, 64, 3, 3, 1, 1},
                          {7, 7, 13, 3, 3, 2, 1},  {6, 9, 4, 5, 5, 1, 0}, {48, 48, 8, 3, 3, 1, 1},
                          {48, 48, 16, 3, 3, 2, 1}, {6, 6, 128, 3, 3, 1, 1}};
    for (size_t i = 0; i < sizeof dwc / sizeof dwc[0]; i++, cases++)
        bad += run_dw(dwc[i][0], dwc[i][1], dwc[i][2], dwc[i][3], dwc[i][4], dwc[i][5],
                      dwc[i][6], 0) != 0;
    for (int i = 0; i < 100; i++, cases++) {
        const long r = run_add(uniform(1, 3000));
        CHECK(r >= 0);
        bad += r != 0;
    }
    for (int i = 0; i < 200; i++, cases++) {
        const int fh = uniform(0, 2) ? 3 : uniform(1, 5), fw = uniform(0, 2) ? fh : uniform(1, 5);
        const long r = run_dw(uniform(fh, 11), uniform(fw, 11), uniform(1, 17), fh, fw,
                              uniform(1, 2), uniform(0, 1), 0);
        CHECK(r >= 0);
        bad += r != 0;
    }
    /* 3x3 on wider inputs: the one-channel paths (output widths from 4 at stride 1, 16 at
     * stride 2): the plane (small planes, walked by column) and the ring (larger ones, row
     * by row), channel counts not multiples of 4, odd widths, SAME (pad 1 or 0) and VALID,
     * shifts >= 0 and biases near 2^30 (the general requantization); widths past the ring
     * take the group path */
    for (int i = 0; i < 150; i++, cases++) {
        const int stride = uniform(1, 2), w = i == 0 ? 300 : uniform(3, 60);
        const long r = run_dw(uniform(3, i == 0 ? 4 : 24), w, uniform(1, 19), 3, 3, stride,
                              uniform(0, 1), uniform(0, 3) == 0);
        CHECK(r >= 0);
        bad += r != 0;
    }
    /* unequal strides (1x2, 2x1, 3x1): the ring path (the plane needs equal ones) */
    for (int i = 0; i < 30; i++, cases++) {
        const int sw = uniform(1, 2), sh = sw == 2 ? 1 : uniform(2, 3);
        const long r = run_dw2(uniform(3, 30), uniform(10, 60), uniform(1, 9), 3, 3, sh, sw,
                               uniform(0, 1), uniform(0, 3) == 0);
        CHECK(r >= 0);
        bad += r != 0;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(c1_cases >= 8); /* both weight storages of the 5 conv_c1 shapes above, at least */
    CHECK(c3_cases >= 20); /* and of the 12 conv_c3 shapes */
    CHECK(c1u_cases >= 150); /* the shapes above and most of the random ones */
    CHECK(pw8_cases >= 30); /* the output range is all of int8 in about a quarter */
    printf("%d cases, %ld with a mismatch\n", cases, bad);
    test_refusals();
    test_emit();
    return TEST_END();
}
