/* AVERAGE_POOL_2D int8 for the aot engine (mcb_aot.h): bit-exact with mcb_avg_pool2d_s8
 * (TFLM's reference: the window clipped to the image, padding not counted, the sum divided by
 * the count rounding half away from zero, then the activation clamp).
 * Four channels at a time, one output pixel at a time: each input word (4 channels) is made
 * unsigned (x ^ 0x80808080: byte + 128) and split into two words of two 16-bit lanes (bytes
 * 0,2 and 1,3: one AND, one AND with LSR), which are summed with plain 32-bit adds: a lane
 * sums at most 256 bytes of at most 255, so it never carries into the next (the pack
 * refuses larger windows). About 7 cycles per 4 input bytes on Cortex-M4 instead of about 11
 * per byte in the reference loop. The channels beyond a multiple of 4 are summed one by one. */
#include "aot_simd.h"
#include "mcb_aot.h"
#include "mcb_fixedpoint.h"

/* sum / count rounded to nearest, ties away from zero, as the reference (C division
 * truncates toward zero), then clamped. */
static inline int8_t average(int32_t sum, int32_t count, int32_t lo, int32_t hi)
{
    const int32_t q = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    return (int8_t)mcb_clamp_i32(q, lo, hi);
}

void mcb_aot_avg_pool_s8(const mcb_aot_avg_pool *p, const int8_t *input, int8_t *output)
{
    const int depth = p->depth, groups = depth / 4;
    const size_t row = (size_t)p->in_w * depth;
    const int32_t lo = p->act_min, hi = p->act_max;
    for (int oy = 0; oy < p->out_h; oy++) {
        const int iy = oy * p->stride_h - p->pad_h;
        const int y0 = iy < 0 ? 0 : iy;
        const int y1 = iy + p->filter_h < p->in_h ? iy + p->filter_h : p->in_h;
        for (int ox = 0; ox < p->out_w; ox++, output += depth) {
            const int ix = ox * p->stride_w - p->pad_w;
            const int x0 = ix < 0 ? 0 : ix;
            const int x1 = ix + p->filter_w < p->in_w ? ix + p->filter_w : p->in_w;
            const int rows = y1 - y0, cols = x1 - x0;
            const int32_t count = rows * cols;
            const int8_t *const win = input + (size_t)y0 * row + (size_t)x0 * depth;
            for (int g = 0; g < groups; g++) {
                uint32_t even = 0, odd = 0; /* lanes: channels 4g, 4g+2 and 4g+1, 4g+3 */
                const int8_t *r = win + 4 * g;
                for (int y = 0; y < rows; y++, r += row) {
                    const int8_t *q = r;
                    for (int x = 0; x < cols; x++, q += depth) {
                        const uint32_t u = aot_load32(q) ^ 0x80808080u;
                        even += u & 0x00FF00FFu;
                        odd += (u >> 8) & 0x00FF00FFu;
                    }
                }
                const int32_t bias = 128 * count;
                int8_t *o = output + 4 * g;
                o[0] = average((int32_t)(even & 0xFFFF) - bias, count, lo, hi);
                o[1] = average((int32_t)(odd & 0xFFFF) - bias, count, lo, hi);
                o[2] = average((int32_t)(even >> 16) - bias, count, lo, hi);
                o[3] = average((int32_t)(odd >> 16) - bias, count, lo, hi);
            }
            for (int ch = 4 * groups; ch < depth; ch++) {
                int32_t sum = 0;
                const int8_t *r = win + ch;
                for (int y = 0; y < rows; y++, r += row)
                    for (int x = 0; x < cols; x++)
                        sum += r[(size_t)x * depth];
                output[ch] = average(sum, count, lo, hi);
            }
        }
    }
}
