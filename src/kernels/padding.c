/* Output size and padding: TFLite kernels/padding.h ComputeOutSize and
 * ComputePaddingWithOffset (total padding split with the odd cell at the bottom/right). */
#include "mcb_kernels.h"

int mcb_compute_padding(int padding, int in_size, int filter_size, int stride, int dilation,
                        int *pad)
{
    *pad = 0;
    if (stride <= 0 || dilation <= 0 || filter_size <= 0 || in_size <= 0)
        return 0;
    const int eff = (filter_size - 1) * dilation + 1;
    int out;
    if (padding == 0)
        out = (in_size + stride - 1) / stride;
    else if (padding == 1)
        out = in_size < eff ? 0 : (in_size + stride - eff) / stride;
    else
        return 0;
    if (out <= 0)
        return 0;
    int total = (out - 1) * stride + eff - in_size;
    *pad = total > 0 ? total / 2 : 0;
    return out;
}
