/* C text both code generators write (the aot engine's emit.c and kind_*.c, the cmsis-nn
 * engine's cn_emit.c): constant arrays and names safe inside comments. */
#ifndef MCB_CODEGEN_CWRITE_H
#define MCB_CODEGEN_CWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "static QUAL int8_t NAME[DIMS] MCB_MODEL_ALIGN4 = {...};" with 16 values per line; dims
 * NULL: n. 0, or -1 on a write error. */
int mcb_cw_i8(FILE *f, const char *qual, const char *name, const char *dims, const int8_t *v,
              size_t n);
/* "static QUAL int32_t NAME[n] = {...};" with 8 values per line; v NULL: n zeros. */
int mcb_cw_i32(FILE *f, const char *qual, const char *name, const int32_t *v, size_t n);
/* Text as it may appear inside a C comment: no comment end, no line break (NULL: ""). */
void mcb_cw_comment_safe(const char *in, char *out, size_t n);

#endif
