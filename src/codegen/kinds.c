/* The table of kernel kinds (codegen_int.h: one descriptor per kind, in kind_*.c) and the
 * parameter structs of the reference kernels they share. */
#include "codegen_int.h"

const cg_kind_desc *const cg_kinds[CG_KINDS] = {
    [CG_AOT_CONV] = &cg_aot_conv,       [CG_AOT_FC] = &cg_aot_fc,
    [CG_AOT_DWCONV] = &cg_aot_dwconv,   [CG_AOT_ADD] = &cg_aot_add,
    [CG_AOT_AVGPOOL] = &cg_aot_avgpool, [CG_REF_CONV] = &cg_ref_conv,
    [CG_REF_DWCONV] = &cg_ref_dwconv,   [CG_REF_FC] = &cg_ref_fc,
    [CG_MAXPOOL] = &cg_maxpool,         [CG_AVGPOOL] = &cg_avgpool,
    [CG_ADD] = &cg_add,                 [CG_SOFTMAX] = &cg_softmax,
};

const char *cg_kernel_name(int kind)
{
    return kind >= 0 && kind < CG_KINDS ? cg_kinds[kind]->kernel : "?";
}

void cg_emit_conv_params(FILE *f, const char *name, const mcb_conv_params *p)
{
    fprintf(f,
            "static const mcb_conv_params %s_p = {\n"
            "    .batches = %d, .in_h = %d, .in_w = %d, .in_c = %d,\n"
            "    .out_h = %d, .out_w = %d, .out_c = %d, .filter_h = %d, .filter_w = %d,\n"
            "    .stride_h = %d, .stride_w = %d, .dilation_h = %d, .dilation_w = %d,\n"
            "    .pad_h = %d, .pad_w = %d, .depth_multiplier = %d,\n"
            "    .input_offset = %ld, .filter_offset = %ld, .output_offset = %ld,\n"
            "    .act_min = %ld, .act_max = %ld, .multiplier = %s_m, .shift = %s_s,\n};\n",
            name, p->batches, p->in_h, p->in_w, p->in_c, p->out_h, p->out_w, p->out_c,
            p->filter_h, p->filter_w, p->stride_h, p->stride_w, p->dilation_h, p->dilation_w,
            p->pad_h, p->pad_w, p->depth_multiplier, (long)p->input_offset,
            (long)p->filter_offset, (long)p->output_offset, (long)p->act_min, (long)p->act_max,
            name, name);
}

void cg_emit_pool_params(FILE *f, const char *name, const mcb_pool_params *p)
{
    fprintf(f,
            "static const mcb_pool_params %s_p = {\n"
            "    .batches = %d, .depth = %d, .in_h = %d, .in_w = %d, .out_h = %d, .out_w = %d,\n"
            "    .filter_h = %d, .filter_w = %d, .stride_h = %d, .stride_w = %d,\n"
            "    .pad_h = %d, .pad_w = %d, .act_min = %ld, .act_max = %ld,\n};\n",
            name, p->batches, p->depth, p->in_h, p->in_w, p->out_h, p->out_w, p->filter_h,
            p->filter_w, p->stride_h, p->stride_w, p->pad_h, p->pad_w, (long)p->act_min,
            (long)p->act_max);
}
