#include "rng.h"

void mcb_rng_seed(mcb_rng *r, uint64_t seed)
{
    /* Mix the seed so that nearby seeds give unrelated streams. */
    r->s = seed ^ 0x6a09e667f3bcc909ULL;
    (void)mcb_rng_next(r);
}

uint64_t mcb_rng_next(mcb_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

float mcb_rng_unit(mcb_rng *r)
{
    return (float)(mcb_rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

uint32_t mcb_rng_below(mcb_rng *r, uint32_t n)
{
    /* Rejection sampling on the top 32 bits keeps every value equally likely. */
    uint32_t limit = (uint32_t)(0x100000000ULL - (0x100000000ULL % n));
    for (;;) {
        uint64_t x = mcb_rng_next(r) >> 32;
        if (limit == 0 || x < limit)
            return (uint32_t)(x % n);
    }
}
