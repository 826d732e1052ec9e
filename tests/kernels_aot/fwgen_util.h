/* What the aot kernel tests (test_aot.c, test_aot_fused.c) and the kernel-firmware data
 * generators (aot_fwgen.c, aot_pwgen.c) share: a xorshift generator each seeds with its own
 * constant (fixed seeds: the same cases every run) and the writers of const arrays into a
 * generated C file. */
#ifndef MCB_FWGEN_UTIL_H
#define MCB_FWGEN_UTIL_H

#include <stdint.h>
#include <stdio.h>

static uint64_t rng;

static inline uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static inline int uniform(int lo, int hi)
{
    return lo + (int)(next() % (uint32_t)(hi - lo + 1));
}

static inline void emit_s8(FILE *f, const char *name, const int8_t *v, size_t n)
{
    fprintf(f, "static const int8_t %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%d,", i % 16 ? " " : "\n    ", v[i]);
    fprintf(f, "\n};\n");
}

static inline void emit_s32(FILE *f, const char *name, const int32_t *v, size_t n)
{
    fprintf(f, "static const int32_t %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%ld,", i % 8 ? " " : "\n    ", (long)v[i]);
    fprintf(f, "\n};\n");
}

#endif
