/* The conv kinds: mcb_aot_conv_s8 (a conv, pool fused or not, or an ADD fused:
 * mcb_aot_conv_add_s8; also a depthwise conv of one input channel), mcb_aot_dw_s8, and the
 * reference mcb_conv2d_s8 and mcb_depthwise_conv2d_s8. */
#include "codegen_int.h"
#include "cwrite.h"

/* Filter values of a conv or depthwise step in the plain int8 layout. */
static int64_t filter_values(const cg_step *st, int depthwise)
{
    const mcb_conv_params *c = &st->conv;
    return (int64_t)c->filter_h * c->filter_w * (depthwise ? c->out_c : c->out_c * (int64_t)c->in_c);
}

/* ---- mcb_aot_conv_s8, mcb_aot_conv_add_s8 ---- */

static const char *aot_conv_extra(const cg_step *st)
{
    return st->add_fused ? "aot/aot_conv_add.c" : NULL;
}

static int64_t aot_conv_scratch(const cg_step *st)
{
    return (int64_t)(st->add_fused ? mcb_aot_conv_add_scratch_bytes(&st->aconv.k)
                                   : mcb_aot_conv_scratch_bytes(&st->aconv.k));
}

static int aot_conv_data(FILE *f, const cg_step *st, const char *name)
{
    if (st->add_fused) {
        char arr[48];
        snprintf(arr, sizeof arr, "%s_add", name);
        if (mcb_aot_add_emit_c(f, arr, 1, &st->aadd.k))
            return -1;
    }
    return mcb_aot_conv_emit_c(f, name, 1, &st->aconv.k);
}

static void aot_conv_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                          const char *in, const char *in2, const char *out)
{
    if (st->add_fused)
        fprintf(f, "    mcb_aot_conv_add_s8(&layer%d, &layer%d_add, %s, %s, %s, arena_words + "
                "%lld);\n", s, s, in, in2, out, (long long)cg->offset[st->scratch_buf] / 4);
    else
        fprintf(f, "    mcb_aot_conv_s8(&layer%d, %s, %s, arena_words + %lld);\n", s, in, out,
                (long long)cg->offset[st->scratch_buf] / 4);
}

static void aot_conv_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    *stored += (int64_t)mcb_aot_conv_flash_bytes(&st->aconv.k);
    *plain += filter_values(st, 0) + 12 * (int64_t)st->conv.out_c;
    if (st->add_fused)
        *stored += 2 * 256 * 4; /* the ADD's two input tables */
}

const cg_kind_desc cg_aot_conv = {
    .kernel = "mcb_aot_conv_s8", .aot = 1, .source = "aot/aot_conv.c",
    .extra_source = aot_conv_extra, .scratch = aot_conv_scratch, .data = aot_conv_data,
    .call = aot_conv_call, .weights = aot_conv_weights,
};

/* ---- mcb_aot_dw_s8 ---- */

static int aot_dw_data(FILE *f, const cg_step *st, const char *name)
{
    return mcb_aot_dw_emit_c(f, name, 1, &st->adw.k);
}

static void aot_dw_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                        const char *in, const char *in2, const char *out)
{
    (void)cg, (void)st, (void)in2;
    fprintf(f, "    mcb_aot_dw_s8(&layer%d, %s, %s);\n", s, in, out);
}

static void aot_dw_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    *stored += (int64_t)mcb_aot_dw_flash_bytes(&st->adw.k);
    *plain += filter_values(st, 1) + 12 * (int64_t)st->conv.out_c;
}

const cg_kind_desc cg_aot_dwconv = {
    .kernel = "mcb_aot_dw_s8", .aot = 1, .source = "aot/aot_dw.c", .data = aot_dw_data,
    .call = aot_dw_call, .weights = aot_dw_weights,
};

/* ---- mcb_conv2d_s8, mcb_depthwise_conv2d_s8 (one source: conv.c) ---- */

static int ref_data(FILE *f, const cg_step *st, const char *name, int depthwise)
{
    const mcb_conv_params *p = &st->conv;
    char arr[48];
    snprintf(arr, sizeof arr, "%s_f", name);
    mcb_cw_i8(f, "const", arr, NULL, st->filter, (size_t)filter_values(st, depthwise));
    if (st->bias) {
        snprintf(arr, sizeof arr, "%s_b", name);
        mcb_cw_i32(f, "const", arr, st->bias, (size_t)p->out_c);
    }
    snprintf(arr, sizeof arr, "%s_m", name);
    mcb_cw_i32(f, "const", arr, st->mult, (size_t)p->out_c);
    snprintf(arr, sizeof arr, "%s_s", name);
    mcb_cw_i32(f, "const", arr, st->shift, (size_t)p->out_c);
    cg_emit_conv_params(f, name, p);
    return 0;
}

static int ref_conv_data(FILE *f, const cg_step *st, const char *name)
{
    return ref_data(f, st, name, 0);
}

static int ref_dw_data(FILE *f, const cg_step *st, const char *name)
{
    return ref_data(f, st, name, 1);
}

static void ref_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s, const char *in,
                     const char *in2, const char *out)
{
    char b[32] = "NULL";
    (void)cg, (void)in2;
    if (st->bias)
        snprintf(b, sizeof b, "layer%d_b", s);
    fprintf(f, "    %s(&layer%d_p, %s, layer%d_f, %s, %s);\n", cg_kernel_name(st->kind), s, in,
            s, b, out);
}

static void ref_conv_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    const int64_t w = filter_values(st, 0) + 12 * (int64_t)st->conv.out_c;
    *stored += w, *plain += w;
}

static void ref_dw_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    const int64_t w = filter_values(st, 1) + 12 * (int64_t)st->conv.out_c;
    *stored += w, *plain += w;
}

const cg_kind_desc cg_ref_conv = {
    .kernel = "mcb_conv2d_s8", .source = "conv.c", .data = ref_conv_data, .call = ref_call,
    .weights = ref_conv_weights,
};

const cg_kind_desc cg_ref_dwconv = {
    .kernel = "mcb_depthwise_conv2d_s8", .source = "conv.c", .data = ref_dw_data,
    .call = ref_call, .weights = ref_dw_weights,
};
