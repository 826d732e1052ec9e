/* Inputs given on the command line (input.h). */
#include "input.h"

#include "err.h"
#include "fileio.h"
#include "graph_mem.h"

#include <stdlib.h>
#include <string.h>

int mcb_input_spec_parse(const char *s, mcb_input_spec *sp)
{
    memset(sp, 0, sizeof *sp);
    if (strcmp(s, "random") == 0 || strncmp(s, "random:", 7) == 0) {
        sp->random = 1;
        sp->seed = 1;
        if (s[6] == ':') {
            char *end;
            const char *v = s + 7;
            sp->seed = strtoull(v, &end, 10);
            if (!*v || *end || *v == '-') {
                mcb_error("--input %s: the seed must be a non-negative integer", s);
                return -1;
            }
        }
        return 0;
    }
    if (!*s) {
        mcb_error("--input: empty file name");
        return -1;
    }
    sp->path = s;
    return 0;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void mcb_input_random(const mcb_tensor *x, uint64_t seed, void *out)
{
    uint64_t st = seed;
    const int64_t n = mcb_tensor_elems(x);
    for (int64_t i = 0; i < n; i++) {
        const uint64_t z = splitmix64(&st);
        switch (x->type) {
        case MCB_FLOAT32: {
            const float f = (float)(z >> 40) / 16777216.0f;
            memcpy((uint8_t *)out + 4 * i, &f, 4);
            break;
        }
        case MCB_INT16: {
            const uint16_t v = (uint16_t)(z >> 48);
            memcpy((uint8_t *)out + 2 * i, &v, 2);
            break;
        }
        case MCB_INT32: {
            const uint32_t v = (uint32_t)(z >> 32);
            memcpy((uint8_t *)out + 4 * i, &v, 4);
            break;
        }
        default: /* int8, uint8 */
            ((uint8_t *)out)[i] = (uint8_t)(z >> 56);
            break;
        }
    }
}

int mcb_input_fill(const mcb_input_spec *sp, const mcb_tensor *x, int n, uint8_t *out,
                   const char *what)
{
    const size_t bytes = (size_t)mcb_tensor_bytes(x);
    if (sp->random) {
        for (int i = 0; i < n; i++)
            mcb_input_random(x, sp->seed + (uint64_t)i, out + (size_t)i * bytes);
        return 0;
    }
    size_t size = 0;
    uint8_t *data = mcb_read_file(sp->path, &size);
    if (!data)
        return -1;
    if (size == 0 || bytes == 0 || size % bytes != 0) {
        mcb_error("%s: %zu bytes, but the input of %s is %zu bytes (%s): give a multiple",
                  sp->path, size, what, bytes, mcb_dtype_name(x->type));
        free(data);
        return -1;
    }
    const size_t have = size / bytes;
    for (int i = 0; i < n; i++)
        memcpy(out + (size_t)i * bytes, data + (size_t)i % have * bytes, bytes);
    free(data);
    return 0;
}
