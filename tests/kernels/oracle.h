/* Independent oracles for the kernel tests: real-valued (double) math followed by the rounding
 * rules of docs/quantization.md, written from those rules rather than from the kernels, plus a
 * deterministic random generator. */
#ifndef MCB_TEST_ORACLE_H
#define MCB_TEST_ORACLE_H

#include <math.h>
#include <stdint.h>

/* splitmix64: deterministic, seedable */
static uint64_t rng_state = 0x6d63627265666b31ULL;
static inline uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* uniform integer in [lo, hi] */
static inline int rng_int(int lo, int hi)
{
    return lo + (int)(rng_next() % (uint64_t)(hi - lo + 1));
}
static inline double rng_unit(void) { return (double)(rng_next() >> 11) / 9007199254740992.0; }
static inline int8_t rng_s8(void) { return (int8_t)rng_int(-128, 127); }

/* Nearest integer, ties away from zero, of an exactly representable double. */
static inline double o_round_away(double t)
{
    return t >= 0 ? floor(t + 0.5) : -floor(-t + 0.5);
}

/* Wrap an integer-valued double to int32 (two's complement), as the hardware does. */
static inline int32_t o_wrap32(double v)
{
    double w = fmod(v, 4294967296.0);
    if (w >= 2147483648.0)
        w -= 4294967296.0;
    if (w < -2147483648.0)
        w += 4294967296.0;
    return (int32_t)w;
}

/* Requantization rule (docs/quantization.md): x' = wrap(x * 2^max(shift,0));
 * h = floor(x' * q / 2^31 + 1/2), saturated to int32 (only -2^31 * -2^31 reaches 2^31);
 * result = h / 2^max(-shift,0) rounded to nearest, ties away from zero.
 * The product x' * q needs 62 bits, so it is formed exactly in int64 and floor-divided. */
static inline int32_t o_requant(int64_t x, int32_t q, int shift)
{
    const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    const int32_t xl = o_wrap32((double)x * ldexp(1.0, left));
    const int64_t n = (int64_t)xl * q + (1LL << 30);
    const int64_t d = 1LL << 31;
    int64_t h = n >= 0 ? n / d : -((-n + d - 1) / d); /* floor division */
    if (h > INT32_MAX)
        h = INT32_MAX;
    return (int32_t)o_round_away(ldexp((double)h, -right));
}

static inline int32_t o_clamp(int64_t v, int32_t lo, int32_t hi)
{
    return (int32_t)(v < lo ? lo : (v > hi ? hi : v));
}

/* TFLite's output size and top/left padding, from the textbook formulas. */
static inline int o_out_size(int same, int in, int f, int stride)
{
    return same ? (int)ceil((double)in / stride) : (int)ceil((double)(in - f + 1) / stride);
}
static inline int o_pad(int in, int f, int stride, int out)
{
    int total = (out - 1) * stride + f - in;
    return total > 0 ? total / 2 : 0;
}

#endif
