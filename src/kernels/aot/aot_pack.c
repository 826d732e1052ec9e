/* Packing of conv and fully connected layers for the aot kernels (host side). */
#include "mcb_aot_pack.h"

#include "err.h"
#include "mcb_fixedpoint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Requantization parameters the kernels' arithmetic reproduces exactly. */
static int check_quant(const char *what, const int32_t *multiplier, const int32_t *shift, int n)
{
    for (int i = 0; i < n; i++) {
        if (multiplier[i] < 0) {
            mcb_error("%s: channel %d: negative output multiplier %ld", what, i,
                      (long)multiplier[i]);
            return -1;
        }
        if (shift[i] < -31 || shift[i] > 31) {
            mcb_error("%s: channel %d: output shift %ld outside -31..31", what, i,
                      (long)shift[i]);
            return -1;
        }
    }
    return 0;
}

/* Word position of patch value t (docs/aot-kernels.md): natural pairs, or per group of 4
 * the SXTB16 order (a0,a2),(a1,a3). */
static void position(int perm4, int t, int *word, int *half)
{
    if (perm4) {
        *word = 2 * (t >> 2) + (t & 1);
        *half = (t >> 1) & 1;
    } else {
        *word = t >> 1;
        *half = t & 1;
    }
}

static void put16(int32_t *w, int half, int32_t v)
{
    uint32_t u = (uint32_t)*w;
    const int sh = 16 * half;
    u = (u & ~(0xFFFFu << sh)) | ((uint32_t)(uint16_t)(int16_t)v << sh);
    *w = (int32_t)u;
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

void mcb_aot_conv_free(mcb_aot_conv_packed *pk)
{
    free(pk->weights);
    free(pk->bias);
    free(pk->multiplier);
    free(pk->shift);
    memset(pk, 0, sizeof *pk);
}

/* Stores weight value v (in -128..127) at patch value t of a channel's int8 words wb
 * (one word per group of 4 values, word stride `stride`): byte t%4 of word t/4. */
static void put8(int32_t *wb, size_t stride, int t, int32_t v)
{
    uint32_t u = (uint32_t)wb[(size_t)(t >> 2) * stride];
    const int sh = 8 * (t & 3);
    u = (u & ~(0xFFu << sh)) | ((uint32_t)(uint8_t)(int8_t)v << sh);
    wb[(size_t)(t >> 2) * stride] = (int32_t)u;
}

/* Whether every weight plus the filter offset fits int8 (always so with offset 0). */
static int fits_int8(const int8_t *filter, size_t n, int32_t offset)
{
    for (size_t i = 0; offset != 0 && i < n; i++)
        if ((int32_t)filter[i] + offset < -128 || (int32_t)filter[i] + offset > 127)
            return 0;
    return 1;
}

int mcb_aot_conv_pack(const char *what, const mcb_conv_params *p, const mcb_pool_params *pool,
                      const int8_t *filter, const int32_t *bias, mcb_aot_conv_packed *out)
{
    return mcb_aot_conv_pack_w(what, p, pool, filter, bias, 0, out);
}

int mcb_aot_conv_pack_w(const char *what, const mcb_conv_params *p, const mcb_pool_params *pool,
                        const int8_t *filter, const int32_t *bias, int int8,
                        mcb_aot_conv_packed *out)
{
    memset(out, 0, sizeof *out);
    if (p->batches != 1) {
        mcb_error("%s: %d batches (the aot conv kernel takes 1)", what, p->batches);
        return -1;
    }
    if (p->dilation_h != 1 || p->dilation_w != 1) {
        mcb_error("%s: dilation %dx%d (the aot conv kernel takes 1)", what, p->dilation_h,
                  p->dilation_w);
        return -1;
    }
    if (p->in_h <= 0 || p->in_w <= 0 || p->in_c <= 0 || p->out_h <= 0 || p->out_w <= 0 ||
        p->out_c <= 0 || p->filter_h <= 0 || p->filter_w <= 0 || p->stride_h <= 0 ||
        p->stride_w <= 0) {
        mcb_error("%s: empty or invalid conv shape", what);
        return -1;
    }
    if ((int64_t)p->filter_h * p->filter_w * p->in_c > (1 << 24)) {
        mcb_error("%s: filter of %d values is too large", what,
                  p->filter_h * p->filter_w * p->in_c);
        return -1;
    }
    if (check_quant(what, p->multiplier, p->shift, p->out_c) != 0)
        return -1;
    mcb_aot_conv *k = &out->k;
    k->in_h = p->in_h, k->in_w = p->in_w, k->in_c = p->in_c;
    k->conv_h = p->out_h, k->conv_w = p->out_w, k->out_c = p->out_c;
    k->filter_h = p->filter_h, k->filter_w = p->filter_w;
    k->stride_h = p->stride_h, k->stride_w = p->stride_w;
    k->pad_h = p->pad_h, k->pad_w = p->pad_w;
    k->input_zero_point = -p->input_offset;
    k->output_offset = p->output_offset;
    k->act_min = p->act_min, k->act_max = p->act_max;
    k->out_h = p->out_h, k->out_w = p->out_w;
    if (pool) {
        if (pool->filter_h != 2 || pool->filter_w != 2 || pool->stride_h != 2 ||
            pool->stride_w != 2 || pool->pad_h != 0 || pool->pad_w != 0) {
            mcb_error("%s: fused pool must be 2x2 stride 2 VALID (got %dx%d stride %dx%d)",
                      what, pool->filter_h, pool->filter_w, pool->stride_h, pool->stride_w);
            return -1;
        }
        if (pool->batches != 1 || pool->depth != p->out_c || pool->in_h != p->out_h ||
            pool->in_w != p->out_w || pool->out_h != p->out_h / 2 ||
            pool->out_w != p->out_w / 2 || pool->out_h <= 0 || pool->out_w <= 0) {
            mcb_error("%s: pool shape %dx%dx%d -> %dx%d does not follow the conv output "
                      "%dx%dx%d", what, pool->in_h, pool->in_w, pool->depth, pool->out_h,
                      pool->out_w, p->out_h, p->out_w, p->out_c);
            return -1;
        }
        k->pool = 1;
        k->out_h = pool->out_h, k->out_w = pool->out_w;
        /* pool clamp after conv clamp = one clamp to the pool's image of the conv range */
        k->act_min = clamp(p->act_min, pool->act_min, pool->act_max);
        k->act_max = clamp(p->act_max, pool->act_min, pool->act_max);
    }
    const int run = p->filter_w * p->in_c;
    const int total = p->filter_h * run;
    k->perm4 = run % 4 == 0;
    k->int8w = int8 && fits_int8(filter, (size_t)p->out_c * total, p->filter_offset);
    k->kw = k->int8w ? (total + 3) / 4 * 2 : (total + 1) / 2;
    k->n_blocks = (p->out_c + MCB_AOT_CONV_BLOCK - 1) / MCB_AOT_CONV_BLOCK;
    const size_t nch = (size_t)k->n_blocks * MCB_AOT_CONV_BLOCK;
    /* words per channel: kw (int16 pairs) or kw/2 (4 int8) */
    const size_t wpc = k->int8w ? (size_t)k->kw / 2 : (size_t)k->kw;
    out->weights = calloc(nch * wpc, sizeof(int32_t));
    out->bias = calloc(nch, sizeof(int32_t));
    out->multiplier = calloc(nch, sizeof(int32_t));
    out->shift = calloc(nch, sizeof(int32_t));
    if (!out->weights || !out->bias || !out->multiplier || !out->shift) {
        mcb_error("%s: out of memory packing %zu weights", what, nch * k->kw * 2);
        mcb_aot_conv_free(out);
        return -1;
    }
    for (int oc = 0; oc < p->out_c; oc++) {
        const int8_t *f = filter + (size_t)oc * total;
        const int blk = oc / MCB_AOT_CONV_BLOCK, n = oc % MCB_AOT_CONV_BLOCK;
        int32_t *wb = out->weights + (size_t)blk * wpc * MCB_AOT_CONV_BLOCK;
        int64_t sum = 0;
        for (int t = 0; t < total; t++) {
            const int32_t v = (int32_t)f[t] + p->filter_offset; /* fits int16 */
            if (k->int8w) {
                put8(wb + n, MCB_AOT_CONV_BLOCK, t, v);
            } else {
                int word, half;
                position(k->perm4, t, &word, &half);
                put16(&wb[(size_t)word * MCB_AOT_CONV_BLOCK + n], half, v);
            }
            sum += v;
        }
        /* sum (w+fo)(x+io) + b = sum (w+fo) x + (b + io sum (w+fo)), modulo 2^32 like the
         * accumulator; exact for VALID taps and for padding taps, which the kernel fills
         * with the zero point. */
        const int64_t folded = (bias ? bias[oc] : 0) + (int64_t)p->input_offset * sum;
        out->bias[oc] = (int32_t)(uint32_t)(uint64_t)folded;
        out->multiplier[oc] = p->multiplier[oc];
        out->shift[oc] = p->shift[oc];
    }
    k->weights = out->weights, k->bias = out->bias;
    k->multiplier = out->multiplier, k->shift = out->shift;
    if (k->int8w && (mcb_aot_conv_c1_ok(k) || mcb_aot_conv_c1u_ok(k))) {
        /* conv_c1 and conv_c1u read each channel's 9 int8 weights once: stored dense, byte
         * 9 ch + t (mcb_aot.h), 3 bytes per channel less than the blocks */
        const int8_t *const from = (const int8_t *)out->weights;
        int8_t *dense = calloc((size_t)p->out_c * 9 + 4, 1);
        if (!dense) {
            mcb_error("%s: out of memory packing %zu weights", what, nch * k->kw * 2);
            mcb_aot_conv_free(out);
            return -1;
        }
        for (int oc = 0; oc < p->out_c; oc++) {
            const int b = oc / MCB_AOT_CONV_BLOCK, n = oc % MCB_AOT_CONV_BLOCK;
            for (int t = 0; t < 9; t++)
                dense[(size_t)oc * 9 + t] =
                    from[(size_t)b * 6 * k->kw + 4 * (3 * (t >> 2) + n) + (t & 3)];
        }
        memset(out->weights, 0, nch * wpc * sizeof(int32_t));
        memcpy(out->weights, dense, (size_t)p->out_c * 9);
        free(dense);
    }
    k->split = mcb_aot_conv_split(k) ? p->out_c % MCB_AOT_CONV_BLOCK : 0;
    if (k->split) {
        /* the last block's real channels, one after the other (mcb_aot.h): word j of channel
         * n moves from 3j + n to n * wpc + j; the moves overlap, hence the copy */
        int32_t *last = out->weights + (size_t)(k->n_blocks - 1) * wpc * MCB_AOT_CONV_BLOCK;
        int32_t *tmp = malloc(wpc * MCB_AOT_CONV_BLOCK * sizeof *tmp);
        if (!tmp) {
            mcb_error("%s: out of memory packing %zu weights", what, nch * k->kw * 2);
            mcb_aot_conv_free(out);
            return -1;
        }
        memcpy(tmp, last, wpc * MCB_AOT_CONV_BLOCK * sizeof *tmp);
        for (int n = 0; n < k->split; n++)
            for (size_t j = 0; j < wpc; j++)
                last[(size_t)n * wpc + j] = tmp[j * MCB_AOT_CONV_BLOCK + (size_t)n];
        memset(last + (size_t)k->split * wpc, 0,
               (MCB_AOT_CONV_BLOCK - (size_t)k->split) * wpc * sizeof *tmp);
        free(tmp);
    }
    return 0;
}

void mcb_aot_fc_free(mcb_aot_fc_packed *pk)
{
    free(pk->weights);
    free(pk->bias);
    free(pk->multiplier);
    free(pk->shift);
    memset(pk, 0, sizeof *pk);
}

int mcb_aot_fc_pack(const char *what, const mcb_fc_params *p, const int8_t *filter,
                    const int32_t *bias, mcb_aot_fc_packed *out)
{
    return mcb_aot_fc_pack_w(what, p, filter, bias, 0, out);
}

int mcb_aot_fc_pack_w(const char *what, const mcb_fc_params *p, const int8_t *filter,
                      const int32_t *bias, int int8, mcb_aot_fc_packed *out)
{
    memset(out, 0, sizeof *out);
    if (p->batches != 1) {
        mcb_error("%s: %d batches (the aot fully connected kernel takes 1)", what, p->batches);
        return -1;
    }
    if (p->in_depth <= 0 || p->out_depth <= 0 || p->in_depth > (1 << 24)) {
        mcb_error("%s: invalid fully connected shape %d -> %d", what, p->in_depth,
                  p->out_depth);
        return -1;
    }
    const int nq = p->per_channel ? p->out_depth : 1;
    if (check_quant(what, p->multiplier, p->shift, nq) != 0)
        return -1;
    mcb_aot_fc *k = &out->k;
    k->in_depth = p->in_depth, k->out_depth = p->out_depth;
    k->kw = (p->in_depth + 3) / 4 * 2;
    k->n_blocks = (p->out_depth + MCB_AOT_FC_BLOCK - 1) / MCB_AOT_FC_BLOCK;
    k->output_offset = p->output_offset;
    k->act_min = p->act_min, k->act_max = p->act_max;
    const size_t nch = (size_t)k->n_blocks * MCB_AOT_FC_BLOCK;
    /* TFLM's per-channel variant ignores the filter offset (mcb_kernels.h) */
    const int32_t foff = p->per_channel ? 0 : p->filter_offset;
    k->int8w = int8 && fits_int8(filter, (size_t)p->in_depth * p->out_depth, foff);
    const size_t wpc = k->int8w ? (size_t)k->kw / 2 : (size_t)k->kw;
    out->weights = calloc(nch * wpc, sizeof(int32_t));
    out->bias = calloc(nch, sizeof(int32_t));
    out->multiplier = calloc(nch, sizeof(int32_t));
    out->shift = calloc(nch, sizeof(int32_t));
    if (!out->weights || !out->bias || !out->multiplier || !out->shift) {
        mcb_error("%s: out of memory packing %zu weights", what, nch * k->kw * 2);
        mcb_aot_fc_free(out);
        return -1;
    }
    for (int oc = 0; oc < p->out_depth; oc++) {
        const int8_t *f = filter + (size_t)oc * p->in_depth;
        const int blk = oc / MCB_AOT_FC_BLOCK, n = oc % MCB_AOT_FC_BLOCK;
        int32_t *wb = out->weights + (size_t)blk * wpc * MCB_AOT_FC_BLOCK;
        /* int16: every row, int8: the rows past the last full block, one after the other,
         * unpadded (mcb_aot.h) */
        const int tail = !k->int8w || blk >= mcb_aot_fc_full_blocks(k);
        if (tail)
            wb = out->weights + (size_t)oc * wpc;
        int64_t sum = 0;
        for (int t = 0; t < p->in_depth; t++) {
            const int32_t v = (int32_t)f[t] + foff;
            if (k->int8w) {
                put8(tail ? wb : wb + n, tail ? 1 : MCB_AOT_FC_BLOCK, t, v);
            } else {
                int word, half;
                position(1, t, &word, &half);
                put16(&wb[tail ? (size_t)word : (size_t)word * MCB_AOT_FC_BLOCK + n], half, v);
            }
            sum += v;
        }
        const int64_t folded = (bias ? bias[oc] : 0) + (int64_t)p->input_offset * sum;
        out->bias[oc] = (int32_t)(uint32_t)(uint64_t)folded;
        const int q = p->per_channel ? oc : 0;
        out->multiplier[oc] = p->multiplier[q];
        out->shift[oc] = p->shift[q];
    }
    k->weights = out->weights, k->bias = out->bias;
    k->multiplier = out->multiplier, k->shift = out->shift;
    return 0;
}

static size_t arrays_bytes(size_t weight_words, size_t channels)
{
    return 4 * (weight_words + 3 * channels);
}

/* Weight words of a packed layer (per channel: kw int16 pairs, or kw/2 words of 4 int8). */
static size_t conv_weight_words(const mcb_aot_conv *k)
{
    if (k->int8w && (mcb_aot_conv_c1_ok(k) || mcb_aot_conv_c1u_ok(k)))
        return ((size_t)k->out_c * 9 + 3) / 4; /* conv_c1's / conv_c1u's dense bytes */
    const size_t wpc = k->int8w ? (size_t)k->kw / 2 : (size_t)k->kw;
    const size_t pad = k->split
                           ? (size_t)(MCB_AOT_CONV_BLOCK - k->split)
                           : 0; /* padding channels not stored */
    return ((size_t)k->n_blocks * MCB_AOT_CONV_BLOCK - pad) * wpc;
}

static size_t fc_weight_words(const mcb_aot_fc *k)
{
    /* the last partial block is not padded */
    return (size_t)k->out_depth * (k->int8w ? (size_t)k->kw / 2 : (size_t)k->kw);
}

size_t mcb_aot_conv_flash_bytes(const mcb_aot_conv *k)
{
    const size_t nch = (size_t)k->n_blocks * MCB_AOT_CONV_BLOCK;
    return arrays_bytes(conv_weight_words(k), nch);
}

size_t mcb_aot_conv_plain_bytes(const mcb_conv_params *p)
{
    return (size_t)p->out_c * p->filter_h * p->filter_w * p->in_c + 12 * (size_t)p->out_c;
}

size_t mcb_aot_fc_flash_bytes(const mcb_aot_fc *k)
{
    /* the kernel reads bias, multiplier and shift of the out_depth rows only */
    return arrays_bytes(fc_weight_words(k), (size_t)k->out_depth);
}

/* One const int32 array, 8 values per line. */
static int emit_array(FILE *f, const char *name, const char *suffix, const int32_t *v,
                      size_t n)
{
    if (fprintf(f, "static const int32_t %s_%s[%zu] = {", name, suffix, n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fprintf(f, "%s%ld,", i % 8 ? " " : "\n    ", (long)v[i]) < 0)
            return -1;
    return fprintf(f, "\n};\n") < 0 ? -1 : 0;
}

int mcb_aot_conv_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_conv *k)
{
    const size_t nch = (size_t)k->n_blocks * MCB_AOT_CONV_BLOCK;
    if (emit_array(f, name, "w", k->weights, conv_weight_words(k)) || emit_array(f, name, "b", k->bias, nch) ||
        emit_array(f, name, "m", k->multiplier, nch) || emit_array(f, name, "s", k->shift, nch))
        return -1;
    if (fprintf(f,
                "%sconst mcb_aot_conv %s = {\n"
                "    .in_h = %d, .in_w = %d, .in_c = %d,\n"
                "    .out_h = %d, .out_w = %d, .out_c = %d,\n"
                "    .conv_h = %d, .conv_w = %d,\n"
                "    .filter_h = %d, .filter_w = %d, .stride_h = %d, .stride_w = %d,\n"
                "    .pad_h = %d, .pad_w = %d, .pool = %d, .perm4 = %d, .kw = %d, .n_blocks = %d,\n"
                "    .input_zero_point = %ld, .output_offset = %ld,\n"
                "    .act_min = %ld, .act_max = %ld,\n"
                "    .weights = %s_w, .bias = %s_b, .multiplier = %s_m, .shift = %s_s,\n"
                "    .int8w = %d, .split = %d,\n"
                "};\n",
                is_static ? "static " : "", name, k->in_h, k->in_w, k->in_c, k->out_h, k->out_w,
                k->out_c, k->conv_h, k->conv_w, k->filter_h, k->filter_w, k->stride_h,
                k->stride_w, k->pad_h, k->pad_w, k->pool, k->perm4, k->kw, k->n_blocks,
                (long)k->input_zero_point, (long)k->output_offset, (long)k->act_min,
                (long)k->act_max, name, name, name, name, k->int8w, k->split) < 0)
        return -1;
    return 0;
}

int mcb_aot_fc_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_fc *k)
{
    const size_t nch = (size_t)k->out_depth; /* no padded rows (mcb_aot_fc_flash_bytes) */
    if (emit_array(f, name, "w", k->weights, fc_weight_words(k)) || emit_array(f, name, "b", k->bias, nch) ||
        emit_array(f, name, "m", k->multiplier, nch) || emit_array(f, name, "s", k->shift, nch))
        return -1;
    if (fprintf(f,
                "%sconst mcb_aot_fc %s = {\n"
                "    .in_depth = %d, .out_depth = %d, .kw = %d, .n_blocks = %d,\n"
                "    .output_offset = %ld, .act_min = %ld, .act_max = %ld,\n"
                "    .weights = %s_w, .bias = %s_b, .multiplier = %s_m, .shift = %s_s,\n"
                "    .int8w = %d,\n"
                "};\n",
                is_static ? "static " : "", name, k->in_depth, k->out_depth, k->kw, k->n_blocks,
                (long)k->output_offset, (long)k->act_min, (long)k->act_max, name, name, name,
                name, k->int8w) < 0)
        return -1;
    return 0;
}

void mcb_aot_dw_free(mcb_aot_dw_packed *pk)
{
    free(pk->weights);
    free(pk->bias);
    free(pk->multiplier);
    free(pk->shift);
    memset(pk, 0, sizeof *pk);
}

int mcb_aot_dw_pack(const char *what, const mcb_conv_params *p, const int8_t *filter,
                    const int32_t *bias, mcb_aot_dw_packed *out)
{
    memset(out, 0, sizeof *out);
    if (p->batches != 1 || p->depth_multiplier != 1 || p->in_c != p->out_c) {
        mcb_error("%s: %d batches, depth multiplier %d (the aot depthwise kernel takes 1 and 1)",
                  what, p->batches, p->depth_multiplier);
        return -1;
    }
    if (p->dilation_h != 1 || p->dilation_w != 1) {
        mcb_error("%s: dilation %dx%d (the aot depthwise kernel takes 1)", what, p->dilation_h,
                  p->dilation_w);
        return -1;
    }
    if (p->in_h <= 0 || p->in_w <= 0 || p->in_c <= 0 || p->out_h <= 0 || p->out_w <= 0 ||
        p->filter_h <= 0 || p->filter_w <= 0 || p->stride_h <= 0 || p->stride_w <= 0 ||
        (int64_t)p->filter_h * p->filter_w > (1 << 16)) {
        mcb_error("%s: empty or invalid depthwise shape", what);
        return -1;
    }
    const int C = p->in_c, taps = p->filter_h * p->filter_w;
    if (!fits_int8(filter, (size_t)taps * C, p->filter_offset)) {
        mcb_error("%s: filter offset %ld takes a weight outside int8", what,
                  (long)p->filter_offset);
        return -1;
    }
    if (check_quant(what, p->multiplier, p->shift, C) != 0)
        return -1;
    mcb_aot_dw *k = &out->k;
    k->in_h = p->in_h, k->in_w = p->in_w, k->channels = C;
    k->out_h = p->out_h, k->out_w = p->out_w;
    k->filter_h = p->filter_h, k->filter_w = p->filter_w;
    k->stride_h = p->stride_h, k->stride_w = p->stride_w;
    k->pad_h = p->pad_h, k->pad_w = p->pad_w;
    k->input_zero_point = -p->input_offset;
    k->output_offset = p->output_offset;
    k->act_min = p->act_min, k->act_max = p->act_max;
    out->weights = malloc((size_t)taps * C);
    out->bias = calloc((size_t)C, sizeof(int32_t));
    out->multiplier = malloc(sizeof(int32_t) * (size_t)C);
    out->shift = malloc(sizeof(int32_t) * (size_t)C);
    if (!out->weights || !out->bias || !out->multiplier || !out->shift) {
        mcb_error("%s: out of memory packing %d weights", what, taps * C);
        mcb_aot_dw_free(out);
        return -1;
    }
    for (int c = 0; c < C; c++) {
        int64_t sum = 0;
        const int C4 = C & ~3;
        for (int t = 0; t < taps; t++) {
            const int32_t v = (int32_t)filter[(size_t)t * C + c] + p->filter_offset;
            /* groups of 4 channels with their taps back to back, then the rest (mcb_aot.h) */
            const size_t at = c < C4 ? (size_t)(c >> 2) * taps * 4 + (size_t)t * 4 + (c & 3)
                                     : (size_t)C4 * taps + (size_t)t * (C - C4) + (c - C4);
            out->weights[at] = (int8_t)v;
            sum += v;
        }
        /* as for conv: outside taps read the zero point, so the folded bias stays exact */
        const int64_t folded = (bias ? bias[c] : 0) + (int64_t)p->input_offset * sum;
        out->bias[c] = (int32_t)(uint32_t)(uint64_t)folded;
        out->multiplier[c] = p->multiplier[c];
        out->shift[c] = p->shift[c];
    }
    k->weights = out->weights, k->bias = out->bias;
    k->multiplier = out->multiplier, k->shift = out->shift;
    return 0;
}

size_t mcb_aot_dw_flash_bytes(const mcb_aot_dw *k)
{
    return (size_t)k->filter_h * k->filter_w * k->channels + 12 * (size_t)k->channels;
}

int mcb_aot_dw_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_dw *k)
{
    const size_t nw = (size_t)k->filter_h * k->filter_w * k->channels;
    if (fprintf(f, "static const int8_t %s_w[%zu] MCB_AOT_ALIGN4 = {", name, nw) < 0)
        return -1;
    for (size_t i = 0; i < nw; i++)
        if (fprintf(f, "%s%d,", i % 16 ? " " : "\n    ", k->weights[i]) < 0)
            return -1;
    if (fprintf(f, "\n};\n") < 0 || emit_array(f, name, "b", k->bias, (size_t)k->channels) ||
        emit_array(f, name, "m", k->multiplier, (size_t)k->channels) ||
        emit_array(f, name, "s", k->shift, (size_t)k->channels))
        return -1;
    if (fprintf(f,
                "%sconst mcb_aot_dw %s = {\n"
                "    .in_h = %d, .in_w = %d, .channels = %d, .out_h = %d, .out_w = %d,\n"
                "    .filter_h = %d, .filter_w = %d, .stride_h = %d, .stride_w = %d,\n"
                "    .pad_h = %d, .pad_w = %d,\n"
                "    .input_zero_point = %ld, .output_offset = %ld,\n"
                "    .act_min = %ld, .act_max = %ld,\n"
                "    .weights = %s_w, .bias = %s_b, .multiplier = %s_m, .shift = %s_s,\n"
                "};\n",
                is_static ? "static " : "", name, k->in_h, k->in_w, k->channels, k->out_h,
                k->out_w, k->filter_h, k->filter_w, k->stride_h, k->stride_w, k->pad_h, k->pad_w,
                (long)k->input_zero_point, (long)k->output_offset, (long)k->act_min,
                (long)k->act_max, name, name, name, name) < 0)
        return -1;
    return 0;
}

void mcb_aot_add_free(mcb_aot_add_packed *pk)
{
    free(pk->table1);
    free(pk->table2);
    memset(pk, 0, sizeof *pk);
}

int mcb_aot_add_pack(const char *what, const mcb_add_params *p, mcb_aot_add_packed *out)
{
    memset(out, 0, sizeof *out);
    if (p->output_multiplier < 0 || p->output_shift > 0 || p->output_shift < -31 ||
        p->left_shift < 0 || p->left_shift > 31 || p->input1_shift > 0 ||
        p->input1_shift < -31 || p->input2_shift > 0 || p->input2_shift < -31) {
        mcb_error("%s: ADD requantization outside what the aot kernel takes", what);
        return -1;
    }
    out->table1 = malloc(256 * sizeof(int32_t));
    out->table2 = malloc(256 * sizeof(int32_t));
    if (!out->table1 || !out->table2) {
        mcb_error("%s: out of memory", what);
        mcb_aot_add_free(out);
        return -1;
    }
    /* index: the byte as uint8; value: twice the input's term (mcb_aot.h), which needs the
     * largest sum of terms below 2^30 (TFLite's left shift of 20 keeps it below 2^29) */
    int64_t big1 = 0, big2 = 0;
    for (int u = 0; u < 256; u++) {
        const int32_t x = (int32_t)(int8_t)(uint8_t)u;
        const int32_t a = mcb_mbqm_smaller_than_one_exp(
            mcb_shl_wrap(p->input1_offset + x, p->left_shift), p->input1_multiplier,
            p->input1_shift);
        const int32_t b = mcb_mbqm_smaller_than_one_exp(
            mcb_shl_wrap(p->input2_offset + x, p->left_shift), p->input2_multiplier,
            p->input2_shift);
        big1 = llabs((long long)a) > big1 ? llabs((long long)a) : big1;
        big2 = llabs((long long)b) > big2 ? llabs((long long)b) : big2;
        out->table1[u] = (int32_t)((uint32_t)a << 1);
        out->table2[u] = (int32_t)((uint32_t)b << 1);
    }
    if (big1 + big2 >= (1LL << 30)) {
        mcb_error("%s: ADD input terms too large for the aot kernel (left shift %d)", what,
                  p->left_shift);
        mcb_aot_add_free(out);
        return -1;
    }
    mcb_aot_add *k = &out->k;
    k->table1 = out->table1, k->table2 = out->table2;
    k->multiplier = p->output_multiplier;
    k->right_shift = -p->output_shift;
    k->output_offset = p->output_offset;
    k->act_min = p->act_min, k->act_max = p->act_max;
    return 0;
}

int mcb_aot_add_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_add *k)
{
    if (emit_array(f, name, "t1", k->table1, 256) || emit_array(f, name, "t2", k->table2, 256))
        return -1;
    return fprintf(f,
                   "%sconst mcb_aot_add %s = {\n"
                   "    .table1 = %s_t1, .table2 = %s_t2, .multiplier = %ld, .right_shift = %ld,\n"
                   "    .output_offset = %ld, .act_min = %ld, .act_max = %ld,\n};\n",
                   is_static ? "static " : "", name, name, name, (long)k->multiplier,
                   (long)k->right_shift, (long)k->output_offset, (long)k->act_min,
                   (long)k->act_max) < 0
               ? -1
               : 0;
}
