/* Host side of the aot average pool (mcb_aot_pack.h): checks and C emission. */
#include "err.h"
#include "mcb_aot_pack.h"

#include <string.h>

int mcb_aot_avg_pool_pack(const char *what, const mcb_pool_params *p, mcb_aot_avg_pool *out)
{
    memset(out, 0, sizeof *out);
    if (p->batches != 1 || p->depth < 1 || p->out_h < 1 || p->out_w < 1 || p->filter_h < 1 ||
        p->filter_w < 1 || p->stride_h < 1 || p->stride_w < 1) {
        mcb_error("%s: AVERAGE_POOL_2D with batches %d, depth %d, output %dx%d, filter %dx%d, "
                  "stride %dx%d: not taken by the aot kernel", what, p->batches, p->depth,
                  p->out_h, p->out_w, p->filter_h, p->filter_w, p->stride_h, p->stride_w);
        return -1;
    }
    if ((long)p->filter_h * p->filter_w > 256) {
        mcb_error("%s: AVERAGE_POOL_2D window of %dx%d values: the aot kernel sums at most 256",
                  what, p->filter_h, p->filter_w);
        return -1;
    }
    /* every window holds at least one input value (the reference fails otherwise) */
    for (int o = 0; o < p->out_h + p->out_w; o++) {
        const int vertical = o < p->out_h, k = vertical ? o : o - p->out_h;
        const int at = k * (vertical ? p->stride_h : p->stride_w) - (vertical ? p->pad_h : p->pad_w);
        const int f = vertical ? p->filter_h : p->filter_w, n = vertical ? p->in_h : p->in_w;
        if (at + f <= 0 || at >= n) {
            mcb_error("%s: AVERAGE_POOL_2D output %s %d sees no input value", what,
                      vertical ? "row" : "column", k);
            return -1;
        }
    }
    out->in_h = p->in_h, out->in_w = p->in_w, out->depth = p->depth;
    out->out_h = p->out_h, out->out_w = p->out_w;
    out->filter_h = p->filter_h, out->filter_w = p->filter_w;
    out->stride_h = p->stride_h, out->stride_w = p->stride_w;
    out->pad_h = p->pad_h, out->pad_w = p->pad_w;
    out->act_min = p->act_min, out->act_max = p->act_max;
    return 0;
}

int mcb_aot_avg_pool_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_avg_pool *k)
{
    return fprintf(f,
                   "%sconst mcb_aot_avg_pool %s = {\n"
                   "    .in_h = %d, .in_w = %d, .depth = %d, .out_h = %d, .out_w = %d,\n"
                   "    .filter_h = %d, .filter_w = %d, .stride_h = %d, .stride_w = %d,\n"
                   "    .pad_h = %d, .pad_w = %d, .act_min = %ld, .act_max = %ld,\n};\n",
                   is_static ? "static " : "", name, k->in_h, k->in_w, k->depth, k->out_h,
                   k->out_w, k->filter_h, k->filter_w, k->stride_h, k->stride_w, k->pad_h,
                   k->pad_w, (long)k->act_min, (long)k->act_max) < 0
               ? -1
               : 0;
}
