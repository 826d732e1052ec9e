/* MAX_POOL_2D and AVERAGE_POOL_2D int8: TFLM reference_integer_ops::MaxPool / AveragePool.
 * Windows are clipped to the image; padding cells are not counted in the average. */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

/* The input rows [y0, y1) and columns [x0, x1) under output (oy, ox), clipped to the image. */
static void window(const mcb_pool_params *p, int oy, int ox, int *y0, int *y1, int *x0, int *x1)
{
    const int iy = oy * p->stride_h - p->pad_h;
    const int ix = ox * p->stride_w - p->pad_w;
    *y0 = iy < 0 ? -iy : 0;
    *y1 = p->in_h - iy < p->filter_h ? p->in_h - iy : p->filter_h;
    *x0 = ix < 0 ? -ix : 0;
    *x1 = p->in_w - ix < p->filter_w ? p->in_w - ix : p->filter_w;
    *y0 += iy, *y1 += iy, *x0 += ix, *x1 += ix; /* to image coordinates */
}

void mcb_max_pool2d_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output)
{
    for (int b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * p->depth;
        for (int oy = 0; oy < p->out_h; oy++) {
            for (int ox = 0; ox < p->out_w; ox++) {
                int y0, y1, x0, x1;
                window(p, oy, ox, &y0, &y1, &x0, &x1);
                int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * p->depth;
                for (int c = 0; c < p->depth; c++) {
                    int32_t m = INT8_MIN;
                    for (int y = y0; y < y1; y++)
                        for (int x = x0; x < x1; x++) {
                            const int32_t v = in_b[((size_t)y * p->in_w + x) * p->depth + c];
                            if (v > m)
                                m = v;
                        }
                    out[c] = (int8_t)mcb_clamp_i32(m, p->act_min, p->act_max);
                }
            }
        }
    }
}

int mcb_avg_pool2d_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output)
{
    for (int b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * p->depth;
        for (int oy = 0; oy < p->out_h; oy++) {
            for (int ox = 0; ox < p->out_w; ox++) {
                int y0, y1, x0, x1;
                window(p, oy, ox, &y0, &y1, &x0, &x1);
                int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * p->depth;
                for (int c = 0; c < p->depth; c++) {
                    int32_t acc = 0, count = 0;
                    for (int y = y0; y < y1; y++)
                        for (int x = x0; x < x1; x++) {
                            acc += in_b[((size_t)y * p->in_w + x) * p->depth + c];
                            count++;
                        }
                    if (count == 0)
                        return -1;
                    /* nearest, ties away from zero (C division truncates) */
                    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    out[c] = (int8_t)mcb_clamp_i32(acc, p->act_min, p->act_max);
                }
            }
        }
    }
    return 0;
}
