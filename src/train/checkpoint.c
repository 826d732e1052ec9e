#include "checkpoint.h"

#include "err.h"
#include "fileio.h"
#include "sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Version 3 ends with the SHA-256 of everything before it: a flipped byte or a cut file is
 * refused instead of training on. Version 2 had no checksum and is not trusted. */
static const char MAGIC[8] = {'M', 'C', 'B', 'C', 'K', 'P', 'T', '3'};
static const char MAGIC_V2[8] = {'M', 'C', 'B', 'C', 'K', 'P', 'T', '2'};
#define HEADER_SIZE (8 + 32 + 10 * 4 + 2 * 8 + 4 + 3 * 8 + 2 * 8)
#define SUM_SIZE 32

/* Fields are stored little-endian byte by byte, so files move between hosts. */
static uint8_t *put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        *p++ = (uint8_t)(v >> (8 * i));
    return p;
}

static uint64_t get(const uint8_t **p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)(*p)[i] << (8 * i);
    *p += n;
    return v;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static double dval(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float fval(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

int mcb_ckpt_save(const char *path, const mcb_ckpt_info *in, const mcb_net *net)
{
    size_t n = net->n_params, size = HEADER_SIZE + 3 * n * 4 + SUM_SIZE;
    uint8_t *buf = malloc(size), *p = buf;
    if (!buf) {
        mcb_error("%s: out of memory", path);
        return -1;
    }
    memcpy(p, MAGIC, 8), p += 8;
    memset(p, 0, 32);
    memcpy(p, in->model, strnlen(in->model, 31)), p += 32;
    int32_t ints[10] = {in->batch,      in->augment,    in->limit,      in->threads,
                        in->epochs_done, in->images,    in->lr_drop[0], in->lr_drop[1],
                        in->lr_drop[2], in->lr_drop[3]};
    for (int i = 0; i < 10; i++)
        p = put(p, (uint32_t)ints[i], 4);
    p = put(p, in->seed, 8);
    p = put(p, in->rng_state, 8);
    p = put(p, fbits(in->lr), 4);
    p = put(p, dbits(in->seconds), 8);
    p = put(p, dbits(in->loss), 8);
    p = put(p, dbits(in->accuracy), 8);
    p = put(p, (uint64_t)net->adam_t, 8);
    p = put(p, n, 8);
    const float *arrays[3] = {net->params, net->adam_m, net->adam_v};
    for (int a = 0; a < 3; a++)
        for (size_t i = 0; i < n; i++)
            p = put(p, fbits(arrays[a][i]), 4);
    mcb_sha256_buf(buf, size - SUM_SIZE, p);
    int rc = mcb_write_file_atomic(path, buf, size);
    free(buf);
    return rc;
}

int mcb_ckpt_load(const char *path, mcb_ckpt_info *out, mcb_net *net)
{
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT)
        return 0;
    size_t size;
    uint8_t *buf = mcb_read_file(path, &size);
    if (!buf)
        return -1;
    int rc = -1;
    const uint8_t *p = buf;
    if (size >= 8 && memcmp(p, MAGIC_V2, 8) == 0) {
        mcb_error("%s: checkpoint of an older mcubench, without a checksum: not used (remove it "
                  "to start over)",
                  path);
        goto done;
    }
    if (size < 8 || memcmp(p, MAGIC, 8) != 0) {
        mcb_error("%s: not an mcubench training checkpoint", path);
        goto done;
    }
    uint8_t sum[32];
    if (size >= HEADER_SIZE + SUM_SIZE)
        mcb_sha256_buf(buf, size - SUM_SIZE, sum);
    if (size < HEADER_SIZE + SUM_SIZE || memcmp(sum, buf + size - SUM_SIZE, SUM_SIZE) != 0) {
        mcb_error("%s: damaged checkpoint (%zu bytes, checksum mismatch): not used (remove it "
                  "to start over)",
                  path, size);
        goto done;
    }
    p += 8;
    memcpy(out->model, p, 32);
    out->model[31] = 0;
    p += 32;
    int32_t *ints[10] = {&out->batch,      &out->augment,    &out->limit,
                         &out->threads,    &out->epochs_done, &out->images,
                         &out->lr_drop[0], &out->lr_drop[1], &out->lr_drop[2],
                         &out->lr_drop[3]};
    for (int i = 0; i < 10; i++)
        *ints[i] = (int32_t)(uint32_t)get(&p, 4);
    out->seed = get(&p, 8);
    out->rng_state = get(&p, 8);
    out->lr = fval((uint32_t)get(&p, 4));
    out->seconds = dval(get(&p, 8));
    out->loss = dval(get(&p, 8));
    out->accuracy = dval(get(&p, 8));
    int64_t adam_t = (int64_t)get(&p, 8);
    uint64_t n = get(&p, 8);
    if (!net) {
        rc = 1;
        goto done;
    }
    if (n != net->n_params || size != HEADER_SIZE + 3 * n * 4 + SUM_SIZE || adam_t < 0) {
        mcb_error("%s: checkpoint holds %llu parameters, %s has %zu: not used", path,
                  (unsigned long long)n, net->net->name, net->n_params);
        goto done;
    }
    net->adam_t = adam_t;
    float *arrays[3] = {net->params, net->adam_m, net->adam_v};
    for (int a = 0; a < 3; a++)
        for (size_t i = 0; i < n; i++)
            arrays[a][i] = fval((uint32_t)get(&p, 4));
    rc = 1;
done:
    free(buf);
    return rc;
}
