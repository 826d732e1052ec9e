/* ADD int8: TFLM reference_integer_ops::AddFunc. Both inputs are shifted left (20 bits for
 * int8) and rescaled to a common scale of twice the larger input scale, summed, then
 * rescaled to the output. */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

void mcb_add_s8(const mcb_add_params *p, size_t n, const int8_t *input1, const int8_t *input2,
                int8_t *output)
{
    for (size_t i = 0; i < n; i++) {
        const int32_t a = mcb_shl_wrap(p->input1_offset + input1[i], p->left_shift);
        const int32_t b = mcb_shl_wrap(p->input2_offset + input2[i], p->left_shift);
        const int32_t sa = mcb_mbqm_smaller_than_one_exp(a, p->input1_multiplier, p->input1_shift);
        const int32_t sb = mcb_mbqm_smaller_than_one_exp(b, p->input2_multiplier, p->input2_shift);
        const int32_t sum = sa + sb;
        const int32_t out =
            mcb_mbqm_smaller_than_one_exp(sum, p->output_multiplier, p->output_shift) +
            p->output_offset;
        output[i] = (int8_t)mcb_clamp_i32(out, p->act_min, p->act_max);
    }
}
