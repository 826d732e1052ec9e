/* The pooling kinds: mcb_aot_avg_pool_s8 and the reference mcb_max_pool2d_s8 and
 * mcb_avg_pool2d_s8 (one source: pool.c). A max pool 2x2/2 after a conv is fused into the
 * conv's step (mcb_aot_conv_s8) instead. */
#include "codegen_int.h"

/* ---- mcb_aot_avg_pool_s8 ---- */

static int aot_avg_data(FILE *f, const cg_step *st, const char *name)
{
    return mcb_aot_avg_pool_emit_c(f, name, 1, &st->aavg);
}

static void aot_avg_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                         const char *in, const char *in2, const char *out)
{
    (void)cg, (void)st, (void)in2;
    fprintf(f, "    mcb_aot_avg_pool_s8(&layer%d, %s, %s);\n", s, in, out);
}

const cg_kind_desc cg_aot_avgpool = {
    .kernel = "mcb_aot_avg_pool_s8", .aot = 1, .source = "aot/aot_pool.c",
    .data = aot_avg_data, .call = aot_avg_call,
};

/* ---- mcb_max_pool2d_s8, mcb_avg_pool2d_s8 ---- */

static int ref_data(FILE *f, const cg_step *st, const char *name)
{
    cg_emit_pool_params(f, name, &st->pool);
    return 0;
}

static void max_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s, const char *in,
                     const char *in2, const char *out)
{
    (void)cg, (void)st, (void)in2;
    fprintf(f, "    mcb_max_pool2d_s8(&layer%d_p, %s, %s);\n", s, in, out);
}

static void avg_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s, const char *in,
                     const char *in2, const char *out)
{
    (void)cg, (void)st, (void)in2;
    fprintf(f, "    (void)mcb_avg_pool2d_s8(&layer%d_p, %s, %s);\n", s, in, out);
}

const cg_kind_desc cg_maxpool = {
    .kernel = "mcb_max_pool2d_s8", .source = "pool.c", .data = ref_data, .call = max_call,
};

const cg_kind_desc cg_avgpool = {
    .kernel = "mcb_avg_pool2d_s8", .source = "pool.c", .data = ref_data, .call = avg_call,
};
