/* Host side of the aot kernels: turns a layer's reference parameters and int8 weights into the
 * packed form the kernels of mcb_aot.h read (docs/aot-kernels.md), and writes it as C source
 * for generated code. Host only (malloc, stdio). Each pack function returns 0, or -1 after one
 * mcb_error line naming `what` and the unsupported parameter. */
#ifndef MCB_AOT_PACK_H
#define MCB_AOT_PACK_H

#include "mcb_aot.h"
#include "mcb_kernels.h"

#include <stdio.h>

/* The runtime struct, whose pointers point at the owned arrays. */
typedef struct {
    mcb_aot_conv k;
    int32_t *weights, *bias, *multiplier, *shift;
} mcb_aot_conv_packed;

typedef struct {
    mcb_aot_fc k;
    int32_t *weights, *bias, *multiplier, *shift;
} mcb_aot_fc_packed;

/* CONV_2D with batches 1, dilation 1 (any filter size, stride, padding), weights OHWI
 * int8, bias NULL or out_c values. pool: NULL, or a MAX_POOL_2D 2x2 stride 2 VALID over the
 * conv output, fused. */
int mcb_aot_conv_pack(const char *what, const mcb_conv_params *p, const mcb_pool_params *pool,
                      const int8_t *filter, const int32_t *bias, mcb_aot_conv_packed *out);
/* The same with the weight storage chosen: int8 = 1 stores int8 weights (widened in the inner
 * loop; mcb_aot_conv_pack stores int16). When a weight plus the filter offset does not fit
 * int8 (a per-tensor filter zero point), the layer is stored as int16 (out->k.int8w = 0). */
int mcb_aot_conv_pack_w(const char *what, const mcb_conv_params *p, const mcb_pool_params *pool,
                        const int8_t *filter, const int32_t *bias, int int8,
                        mcb_aot_conv_packed *out);
void mcb_aot_conv_free(mcb_aot_conv_packed *pk);

/* FULLY_CONNECTED with batches 1, per-tensor or per-channel. */
int mcb_aot_fc_pack(const char *what, const mcb_fc_params *p, const int8_t *filter,
                    const int32_t *bias, mcb_aot_fc_packed *out);
int mcb_aot_fc_pack_w(const char *what, const mcb_fc_params *p, const int8_t *filter,
                      const int32_t *bias, int int8, mcb_aot_fc_packed *out);
void mcb_aot_fc_free(mcb_aot_fc_packed *pk);

typedef struct {
    mcb_aot_dw k;
    int8_t *weights;
    int32_t *bias, *multiplier, *shift;
} mcb_aot_dw_packed;

/* DEPTHWISE_CONV_2D with batches 1, depth multiplier 1, dilation 1 (any filter size, stride,
 * padding), filter [1][filter_h][filter_w][channels] int8, bias NULL or channels values. Refuses
 * a filter offset that takes a weight outside int8. */
int mcb_aot_dw_pack(const char *what, const mcb_conv_params *p, const int8_t *filter,
                    const int32_t *bias, mcb_aot_dw_packed *out);
void mcb_aot_dw_free(mcb_aot_dw_packed *pk);
size_t mcb_aot_dw_flash_bytes(const mcb_aot_dw *k);
int mcb_aot_dw_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_dw *k);

typedef struct {
    mcb_aot_add k;
    int32_t *table1, *table2;
} mcb_aot_add_packed;

/* ADD (same shapes): refuses a negative output multiplier or a shift outside -31..0. */
int mcb_aot_add_pack(const char *what, const mcb_add_params *p, mcb_aot_add_packed *out);
void mcb_aot_add_free(mcb_aot_add_packed *pk);
int mcb_aot_add_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_add *k);

/* Flash bytes of the packed arrays (weights, bias, multipliers, shifts), and of the same
 * layer stored plainly (int8 weights, int32 bias, multipliers and shifts per channel). */
size_t mcb_aot_conv_flash_bytes(const mcb_aot_conv *k);
size_t mcb_aot_conv_plain_bytes(const mcb_conv_params *p);
size_t mcb_aot_fc_flash_bytes(const mcb_aot_fc *k);

/* Writes C99 definitions of the packed arrays (static const, 4-byte aligned) and of
 * `const mcb_aot_conv NAME` / `const mcb_aot_fc NAME` (with `static` when is_static).
 * NAME must be a C identifier. Returns 0, or -1 on a write error (errno set, no message). */
int mcb_aot_conv_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_conv *k);
int mcb_aot_fc_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_fc *k);

/* AVERAGE_POOL_2D with batches 1 (aot_pool_pack.c): refuses a window of more than 256 values
 * (the kernel's 16-bit lanes) or one with no value inside the input. */
int mcb_aot_avg_pool_pack(const char *what, const mcb_pool_params *p, mcb_aot_avg_pool *out);
int mcb_aot_avg_pool_emit_c(FILE *f, const char *name, int is_static, const mcb_aot_avg_pool *k);

#endif
