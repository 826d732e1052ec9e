/* The SOFTMAX kind: the reference mcb_softmax_s8 (once per inference; emit.c compiles its
 * copy for size). */
#include "codegen_int.h"

static int softmax_data(FILE *f, const cg_step *st, const char *name)
{
    fprintf(f,
            "static const mcb_softmax_params %s_p = {\n"
            "    .input_multiplier = %ld, .input_left_shift = %d, .diff_min = %d,\n};\n",
            name, (long)st->softmax.input_multiplier, st->softmax.input_left_shift,
            st->softmax.diff_min);
    return 0;
}

static void softmax_call(FILE *f, const mcb_codegen *cg, const cg_step *st, int s,
                         const char *in, const char *in2, const char *out)
{
    (void)cg, (void)in2;
    fprintf(f, "    mcb_softmax_s8(&layer%d_p, %d, %d, %s, %s);\n", s, st->outer, st->depth, in,
            out);
}

const cg_kind_desc cg_softmax = {
    .kernel = "mcb_softmax_s8", .source = "softmax.c", .data = softmax_data,
    .call = softmax_call,
};
