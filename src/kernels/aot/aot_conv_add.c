/* CONV_2D followed by ADD, fused (mcb_aot_conv_add_s8, mcb_aot.h), for the aot engine: the
 * conv output never exists. A file of its own, beside aot_conv.c, so that the plain conv's
 * code (inlining, registers) is the same whether a model fuses ADDs or not. */
#include "aot_add.h"
#include "mcb_aot.h"

#include <stddef.h>
#include <stdint.h>

/* Conv + ADD (mcb_aot.h), by bands of output rows: the plain conv (mcb_aot_conv_s8, itself
 * unchanged) computes one row, two when the row's pixel count is odd (so that no pixel is
 * computed twice), into a buffer after its scratch, as a conv whose output is that band: the
 * same struct with out_h the band's rows and pad_h moved so that its output row 0 reads the
 * input rows of the band's first row (a negative pad_h is only an offset to the kernel). Then
 * the ADD loop (aot_add.h) writes the band's sums from the buffer and the residual into the
 * output, which may be the residual: its bytes for the band are read before the band's output
 * is written, and the conv never reads them. */
static int add_band_rows(const mcb_aot_conv *c)
{
    return c->out_w % 2 ? 2 : 1;
}

/* The ADD of one band, out of line: its assembly loops need 12-13 free registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void add_band(const mcb_aot_add *add, size_t n, const int8_t *x, const int8_t *r,
                     int8_t *out)
{
    aot_add_run(add, n, x, r, out);
}

size_t mcb_aot_conv_add_scratch_bytes(const mcb_aot_conv *c)
{
    const size_t band = (size_t)add_band_rows(c) * c->out_w * c->out_c;
    return mcb_aot_conv_scratch_bytes(c) + ((band + 3) & ~(size_t)3);
}

void mcb_aot_conv_add_s8(const mcb_aot_conv *c, const mcb_aot_add *add, const int8_t *input,
                         const int8_t *residual, int8_t *output, int32_t *scratch)
{
    const int rows = add_band_rows(c);
    const size_t row = (size_t)c->out_w * c->out_c;
    int8_t *const buf = (int8_t *)scratch + mcb_aot_conv_scratch_bytes(c);
    mcb_aot_conv band = *c;
    for (int y = 0; y < c->out_h; y += rows) {
        band.out_h = band.conv_h = c->out_h - y < rows ? c->out_h - y : rows;
        band.pad_h = c->pad_h - y * c->stride_h;
        mcb_aot_conv_s8(&band, input, buf, scratch);
        add_band(add, (size_t)band.out_h * row, buf, residual + (size_t)y * row,
                 output + (size_t)y * row);
    }
}
