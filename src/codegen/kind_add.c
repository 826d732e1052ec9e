/* The ADD kinds: mcb_aot_add_s8 and the reference mcb_add_s8 (equal shapes). An ADD after a
 * conv may instead be fused into the conv's step (mcb_aot_conv_add_s8, kind_conv.c). */
#include "codegen_int.h"

/* ---- mcb_aot_add_s8 ---- */

static int aot_add_data(FILE *f, const cg_step *st, const char *name)
{
    return mcb_aot_add_emit_c(f, name, 1, &st->aadd.k);
}

static void aot_add_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                         const char *in, const char *in2, const char *out)
{
    (void)cg;
    fprintf(f, "    mcb_aot_add_s8(&layer%d, %lld, %s, %s, %s);\n", s, (long long)st->elems, in,
            in2, out);
}

static void aot_add_weights(const cg_step *st, int64_t *stored, int64_t *plain)
{
    (void)st, (void)plain;
    *stored += 2 * 256 * 4; /* the two input tables */
}

const cg_kind_desc cg_aot_add = {
    .kernel = "mcb_aot_add_s8", .aot = 1, .source = "aot/aot_add.c", .data = aot_add_data,
    .call = aot_add_call, .weights = aot_add_weights,
};

/* ---- mcb_add_s8 ---- */

static int add_data(FILE *f, const cg_step *st, const char *name)
{
    const mcb_add_params *p = &st->add;
    fprintf(f,
            "static const mcb_add_params %s_p = {\n"
            "    .input1_offset = %ld, .input2_offset = %ld, .output_offset = %ld,\n"
            "    .left_shift = %d, .input1_multiplier = %ld, .input2_multiplier = %ld,\n"
            "    .output_multiplier = %ld, .input1_shift = %d, .input2_shift = %d,\n"
            "    .output_shift = %d, .act_min = %ld, .act_max = %ld,\n};\n",
            name, (long)p->input1_offset, (long)p->input2_offset, (long)p->output_offset,
            p->left_shift, (long)p->input1_multiplier, (long)p->input2_multiplier,
            (long)p->output_multiplier, p->input1_shift, p->input2_shift, p->output_shift,
            (long)p->act_min, (long)p->act_max);
    return 0;
}

static void add_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s, const char *in,
                     const char *in2, const char *out)
{
    (void)cg;
    fprintf(f, "    mcb_add_s8(&layer%d_p, %lld, %s, %s, %s);\n", s, (long long)st->elems, in,
            in2, out);
}

const cg_kind_desc cg_add = {
    .kernel = "mcb_add_s8", .source = "add.c", .data = add_data, .call = add_call,
};
