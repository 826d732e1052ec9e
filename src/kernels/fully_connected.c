/* FULLY_CONNECTED int8: TFLM reference_integer_ops::FullyConnected (per-tensor, with the
 * filter offset kept for backward compatibility) and FullyConnectedPerChannel (symmetric
 * weights, no filter offset). */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

void mcb_fully_connected_s8(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                            const int32_t *bias, int8_t *output)
{
    const int32_t foff = p->per_channel ? 0 : p->filter_offset;
    for (int b = 0; b < p->batches; b++) {
        const int8_t *in = input + (size_t)b * p->in_depth;
        for (int oc = 0; oc < p->out_depth; oc++) {
            const int8_t *f = filter + (size_t)oc * p->in_depth;
            int32_t acc = 0;
            for (int d = 0; d < p->in_depth; d++)
                acc += ((int32_t)f[d] + foff) * ((int32_t)in[d] + p->input_offset);
            if (bias)
                acc += bias[oc];
            const int ch = p->per_channel ? oc : 0;
            acc = mcb_mbqm(acc, p->multiplier[ch], (int)p->shift[ch]);
            acc += p->output_offset;
            output[(size_t)b * p->out_depth + oc] = (int8_t)mcb_clamp_i32(acc, p->act_min, p->act_max);
        }
    }
}
