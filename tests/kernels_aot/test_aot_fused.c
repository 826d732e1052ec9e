/* The aot kernels of issue 12 item 4 for ResNet-style graphs, against the reference kernels
 * (fixed seed, random shapes and quantization): a conv with an ADD fused into its epilogue
 * (mcb_aot_conv_add_s8: 1x1 and 3x3 filters, strides 1 and 2, SAME and VALID, odd pixel
 * counts, the conv output as either ADD input, out of place and in place over the residual)
 * must equal mcb_conv2d_s8 then mcb_add_s8; the average pool (mcb_aot_avg_pool_s8: filter
 * 1..8, stride 1..3, SAME and VALID, any depth, the 8x8 global pool of ResNet-8, windows of 256
 * values of -128 and of 127) must equal mcb_avg_pool2d_s8; the packer's refusals. */
#include "err.h"
#include "mcb_aot.h"
#include "kernel_prep.h"
#include "mcb_aot_pack.h"
#include "mcb_kernels.h"
#include "fwgen_util.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


static int32_t rand_zp(void)
{
    const int k = uniform(0, 4);
    return k == 0 ? -128 : k == 1 ? 127 : uniform(-128, 127);
}

static void rand_act(int32_t *lo, int32_t *hi, int32_t zp)
{
    switch (uniform(0, 3)) {
    case 0:
        *lo = -128, *hi = 127;
        break;
    case 1:
        *lo = zp, *hi = 127;
        break;
    default:
        *lo = uniform(-128, 0), *hi = uniform(*lo, 127);
    }
}

/* TFLM-style ADD parameters from random scales. */
static void rand_add(mcb_add_params *p)
{
    memset(p, 0, sizeof *p);
    p->input1_offset = -rand_zp(), p->input2_offset = -rand_zp(), p->output_offset = rand_zp();
    p->left_shift = 20;
    const double s1 = 0.001 + (next() % 1000) / 20000.0, s2 = 0.001 + (next() % 1000) / 20000.0;
    const double so = 0.001 + (next() % 1000) / 10000.0, twice = 2 * (s1 > s2 ? s1 : s2);
    int sh;
    mcb_quantize_multiplier_lt1(s1 / twice, &p->input1_multiplier, &sh), p->input1_shift = sh;
    mcb_quantize_multiplier_lt1(s2 / twice, &p->input2_multiplier, &sh), p->input2_shift = sh;
    mcb_quantize_multiplier_lt1(twice / ((1 << 20) * so), &p->output_multiplier, &sh);
    p->output_shift = sh;
    rand_act(&p->act_min, &p->act_max, p->output_offset);
}

/* One conv + ADD case; the number of bad bytes, -1 if a pack refused. */
static long run_conv_add(int in_h, int in_w, int in_c, int out_c, int fk, int stride, int same,
                         int conv_second, int in_place)
{
    mcb_conv_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.in_h = in_h, p.in_w = in_w, p.in_c = in_c, p.out_c = out_c;
    p.filter_h = p.filter_w = fk, p.stride_h = p.stride_w = stride;
    p.dilation_h = p.dilation_w = 1;
    p.out_h = mcb_compute_padding(same ? 0 : 1, in_h, fk, stride, 1, &p.pad_h);
    p.out_w = mcb_compute_padding(same ? 0 : 1, in_w, fk, stride, 1, &p.pad_w);
    if (p.out_h <= 0 || p.out_w <= 0)
        return 0;
    const int32_t out_zp = rand_zp();
    p.input_offset = -rand_zp(), p.output_offset = out_zp;
    rand_act(&p.act_min, &p.act_max, out_zp);
    int32_t *mult = malloc(sizeof(int32_t) * out_c), *shift = malloc(sizeof(int32_t) * out_c);
    int32_t *bias = malloc(sizeof(int32_t) * out_c);
    for (int i = 0; i < out_c; i++) {
        mult[i] = (int32_t)((1u << 30) + (next() & 0x3FFFFFFFu));
        shift[i] = uniform(-12, uniform(0, 5) == 0 ? 2 : -3);
        bias[i] = uniform(-20000, 20000);
    }
    p.multiplier = mult, p.shift = shift;
    const size_t n_in = (size_t)in_h * in_w * in_c, n_f = (size_t)out_c * fk * fk * in_c;
    const size_t n = (size_t)p.out_h * p.out_w * out_c;
    int8_t *in = malloc(n_in), *f = malloc(n_f), *conv = malloc(n), *res = malloc(n);
    int8_t *want = malloc(n), *got = malloc(n + 1);
    for (size_t i = 0; i < n_in; i++)
        in[i] = (int8_t)uniform(-128, 127);
    for (size_t i = 0; i < n_f; i++)
        f[i] = (int8_t)uniform(-127, 127);
    for (size_t i = 0; i < n; i++)
        res[i] = (int8_t)uniform(-128, 127);
    mcb_conv2d_s8(&p, in, f, bias, conv);
    mcb_add_params ap;
    rand_add(&ap);
    if (conv_second)
        mcb_add_s8(&ap, n, res, conv, want);
    else
        mcb_add_s8(&ap, n, conv, res, want);
    long bad = -1;
    mcb_aot_conv_packed pk;
    mcb_aot_add_packed apk;
    if (mcb_aot_conv_pack_w("test", &p, NULL, f, bias, uniform(0, 1), &pk) == 0) {
        if (mcb_aot_add_pack("test", &ap, &apk) == 0) {
            mcb_aot_add k = apk.k;
            if (conv_second) { /* table1 is the conv output's */
                k.table1 = apk.k.table2;
                k.table2 = apk.k.table1;
            }
            const size_t sb = mcb_aot_conv_add_scratch_bytes(&pk.k);
            int32_t *scratch = malloc(sb);
            memset(scratch, 0xA5, sb);
            int8_t *out = got;
            if (in_place) {
                memcpy(got, res, n);
                mcb_aot_conv_add_s8(&pk.k, &k, in, got, got, scratch);
            } else {
                got[n] = 0x5A;
                mcb_aot_conv_add_s8(&pk.k, &k, in, res, out, scratch);
            }
            bad = !in_place && got[n] != 0x5A;
            for (size_t i = 0; i < n; i++)
                bad += got[i] != want[i];
            if (bad)
                fprintf(stderr, "conv+add %dx%dx%d -> %d, %dx%d stride %d %s, conv %s, %s: %ld "
                        "bad\n", in_h, in_w, in_c, out_c, fk, fk, stride, same ? "SAME" : "VALID",
                        conv_second ? "second" : "first", in_place ? "in place" : "apart", bad);
            free(scratch);
            mcb_aot_add_free(&apk);
        }
        mcb_aot_conv_free(&pk);
    }
    free(in), free(f), free(conv), free(res), free(want), free(got);
    free(mult), free(shift), free(bias);
    return bad;
}

/* One average pool case (fill: 0 random, 1 all -128, 2 all 127). */
static long run_avg(int in_h, int in_w, int depth, int fh, int fw, int stride, int same, int fill)
{
    mcb_pool_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.depth = depth, p.in_h = in_h, p.in_w = in_w;
    p.filter_h = fh, p.filter_w = fw, p.stride_h = p.stride_w = stride;
    p.out_h = mcb_compute_padding(same ? 0 : 1, in_h, fh, stride, 1, &p.pad_h);
    p.out_w = mcb_compute_padding(same ? 0 : 1, in_w, fw, stride, 1, &p.pad_w);
    if (p.out_h <= 0 || p.out_w <= 0)
        return 0;
    rand_act(&p.act_min, &p.act_max, rand_zp());
    const size_t n_in = (size_t)in_h * in_w * depth, n = (size_t)p.out_h * p.out_w * depth;
    int8_t *in = malloc(n_in + 3), *want = malloc(n), *got = malloc(n + 1);
    for (size_t i = 0; i < n_in + 3; i++) /* +3: bytes past the end must not matter */
        in[i] = fill == 1 ? -128 : fill == 2 ? 127 : (int8_t)uniform(-128, 127);
    long bad = -1;
    mcb_aot_avg_pool k;
    if (mcb_avg_pool2d_s8(&p, in, want) == 0 && mcb_aot_avg_pool_pack("test", &p, &k) == 0) {
        got[n] = 0x5A;
        mcb_aot_avg_pool_s8(&k, in, got);
        bad = got[n] != 0x5A;
        for (size_t i = 0; i < n; i++)
            bad += got[i] != want[i];
        if (bad)
            fprintf(stderr, "avg pool %dx%dx%d, %dx%d stride %d %s: %ld bad\n", in_h, in_w, depth,
                    fh, fw, stride, same ? "SAME" : "VALID", bad);
    }
    free(in), free(want), free(got);
    return bad;
}

int main(void)
{
    rng = 0x2545F4914F6CDD1Dull; /* the fixed seed: the same shapes every run */
    long bad = 0;
    int cases = 0;
    /* ResNet-8's: 3x3 stride 1 SAME 16 -> 16 (conv output second), the 1x1 stride-2 shortcut */
    const int ca[][9] = {{32, 32, 16, 16, 3, 1, 1, 1, 1}, {16, 16, 16, 32, 1, 2, 1, 0, 1},
                         {8, 8, 32, 64, 1, 2, 1, 0, 0},  {7, 5, 3, 5, 3, 1, 1, 0, 1},
                         {5, 7, 4, 7, 3, 2, 0, 1, 0}};
    for (size_t i = 0; i < sizeof ca / sizeof ca[0]; i++, cases++)
        bad += run_conv_add(ca[i][0], ca[i][1], ca[i][2], ca[i][3], ca[i][4], ca[i][5], ca[i][6],
                            ca[i][7], ca[i][8]) != 0;
    for (int i = 0; i < 150; i++, cases++) {
        const int fk = uniform(0, 2) ? 3 : uniform(1, 4);
        const long r = run_conv_add(uniform(fk, 11), uniform(fk, 11),
                                    uniform(0, 2) ? uniform(1, 9) : 4 * uniform(1, 6),
                                    uniform(1, 11), fk, uniform(1, 2), uniform(0, 1),
                                    uniform(0, 1), uniform(0, 1));
        CHECK(r >= 0);
        bad += r != 0;
    }
    /* ResNet-8's global pool, full windows of extremes, and random */
    cases += 3;
    bad += run_avg(8, 8, 64, 8, 8, 8, 0, 0) != 0;
    bad += run_avg(16, 16, 5, 16, 16, 1, 0, 1) != 0;
    bad += run_avg(16, 16, 8, 16, 16, 1, 0, 2) != 0;
    for (int i = 0; i < 300; i++, cases++) {
        const int fh = uniform(1, 8), fw = uniform(0, 1) ? fh : uniform(1, 8);
        const long r = run_avg(uniform(fh, 13), uniform(fw, 13), uniform(1, 21), fh, fw,
                               uniform(1, 3), uniform(0, 1), uniform(0, 9) == 0 ? 1 : 0);
        CHECK(r >= 0);
        bad += r != 0;
    }
    CHECK_EQ_INT(bad, 0);
    printf("%d cases, %ld with a mismatch\n", cases, bad);

    /* refusals: a window of more than 256 values; a window outside the input */
    mcb_pool_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1, p.depth = 4, p.in_h = p.in_w = 17, p.out_h = p.out_w = 1;
    p.filter_h = 17, p.filter_w = 16, p.stride_h = p.stride_w = 1;
    p.act_min = -128, p.act_max = 127;
    mcb_aot_avg_pool k;
    mcb_err_quiet(1);
    CHECK_EQ_INT(mcb_aot_avg_pool_pack("big", &p, &k), -1);
    CHECK(strstr(mcb_last_error(), "256") != NULL);
    p.filter_h = p.filter_w = 16;
    CHECK_EQ_INT(mcb_aot_avg_pool_pack("ok", &p, &k), 0);
    p.filter_h = p.filter_w = 2, p.in_h = p.in_w = 4, p.out_h = p.out_w = 3, p.pad_h = 3;
    p.stride_h = p.stride_w = 1;
    CHECK_EQ_INT(mcb_aot_avg_pool_pack("outside", &p, &k), -1);
    p.batches = 2, p.pad_h = 0;
    CHECK_EQ_INT(mcb_aot_avg_pool_pack("batches", &p, &k), -1);
    mcb_err_quiet(0);
    return TEST_END();
}
