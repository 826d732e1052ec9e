/* The fully connected kinds: mcb_aot_fc_s8 and the reference mcb_fully_connected_s8. */
#include "codegen_int.h"
#include "cwrite.h"

/* Weights, bias, multipliers and shifts in the plain int8 layout. */
static int64_t plain_bytes(const cg_step *st)
{
    return (int64_t)st->fc.in_depth * st->fc.out_depth + 12 * (int64_t)st->fc.out_depth;
}

/* ---- mcb_aot_fc_s8 ---- */

static int aot_fc_data(FILE *f, const cg_step *st, const char *name)
{
    return mcb_aot_fc_emit_c(f, name, 1, &st->afc.k);
}

static void aot_fc_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                        const char *in, const char *in2, const char *out)
{
    (void)cg, (void)st, (void)in2;
    fprintf(f, "    mcb_aot_fc_s8(&layer%d, %s, %s);\n", s, in, out);
}

static void aot_fc_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    *stored += (int64_t)mcb_aot_fc_flash_bytes(&st->afc.k);
    *plain += plain_bytes(st);
}

const cg_kind_desc cg_aot_fc = {
    .kernel = "mcb_aot_fc_s8", .aot = 1, .source = "aot/aot_fc.c", .data = aot_fc_data,
    .call = aot_fc_call, .weights = aot_fc_weights,
};

/* ---- mcb_fully_connected_s8 ---- */

static int ref_fc_data(FILE *f, const cg_step *st, const char *name)
{
    const mcb_fc_params *p = &st->fc;
    const size_t nq = p->per_channel ? (size_t)p->out_depth : 1;
    char arr[48];
    snprintf(arr, sizeof arr, "%s_f", name);
    mcb_cw_i8(f, "const", arr, NULL, st->filter, (size_t)p->in_depth * p->out_depth);
    if (st->bias) {
        snprintf(arr, sizeof arr, "%s_b", name);
        mcb_cw_i32(f, "const", arr, st->bias, (size_t)p->out_depth);
    }
    snprintf(arr, sizeof arr, "%s_m", name);
    mcb_cw_i32(f, "const", arr, st->mult, nq);
    snprintf(arr, sizeof arr, "%s_s", name);
    mcb_cw_i32(f, "const", arr, st->shift, nq);
    fprintf(f,
            "static const mcb_fc_params %s_p = {\n"
            "    .batches = %d, .in_depth = %d, .out_depth = %d,\n"
            "    .input_offset = %ld, .filter_offset = %ld, .output_offset = %ld,\n"
            "    .act_min = %ld, .act_max = %ld, .per_channel = %d,\n"
            "    .multiplier = %s_m, .shift = %s_s,\n};\n",
            name, p->batches, p->in_depth, p->out_depth, (long)p->input_offset,
            (long)p->filter_offset, (long)p->output_offset, (long)p->act_min, (long)p->act_max,
            p->per_channel, name, name);
    return 0;
}

static void ref_fc_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                        const char *in, const char *in2, const char *out)
{
    char b[32] = "NULL";
    (void)cg, (void)in2;
    if (st->bias)
        snprintf(b, sizeof b, "layer%d_b", s);
    fprintf(f, "    mcb_fully_connected_s8(&layer%d_p, %s, layer%d_f, %s, %s);\n", s, in, s, b,
            out);
}

static void ref_fc_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    *stored += plain_bytes(st), *plain += plain_bytes(st);
}

const cg_kind_desc cg_ref_fc = {
    .kernel = "mcb_fully_connected_s8", .source = "fully_connected.c", .data = ref_fc_data,
    .call = ref_fc_call, .weights = ref_fc_weights,
};
