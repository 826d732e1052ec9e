/* The engine registry and the engine build description (engine.h). */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const mcb_engine mcb_engine_aot;
extern const mcb_engine mcb_engine_tflm;
extern const mcb_engine mcb_engine_tflm_cmsis_nn;
extern const mcb_engine mcb_engine_cmsis_nn;
extern const mcb_engine mcb_engine_cmsis_nn_q7;
extern const mcb_engine mcb_engine_utensor;

static const mcb_engine *const engines[] = {
    &mcb_engine_aot,
    &mcb_engine_tflm,
    &mcb_engine_tflm_cmsis_nn,
    &mcb_engine_cmsis_nn,
    &mcb_engine_cmsis_nn_q7,
    &mcb_engine_utensor,
    NULL,
};

const mcb_engine *const *mcb_engines(void)
{
    return engines;
}

const mcb_engine *mcb_engine_find(const char *name)
{
    for (int i = 0; engines[i]; i++)
        if (!strcmp(engines[i]->name, name))
            return engines[i];
    return NULL;
}

void mcb_engine_names(char *buf, size_t n)
{
    size_t at = 0;
    if (n)
        buf[0] = 0;
    for (int i = 0; engines[i] && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? ", " : "", engines[i]->name);
}

int mcb_strs_add(mcb_strs *l, const char *s)
{
    if (l->n + 2 > l->cap) {
        const int cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    char *d = strdup(s);
    if (!d)
        return -1;
    l->v[l->n++] = d;
    l->v[l->n] = NULL;
    return 0;
}

int mcb_strs_addf(mcb_strs *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(s = malloc((size_t)n + 1)))
        return -1;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    const int rc = mcb_strs_add(l, s);
    free(s);
    return rc;
}

void mcb_strs_free(mcb_strs *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void mcb_engine_build_free(mcb_engine_build *b)
{
    mcb_strs_free(&b->sources);
    mcb_strs_free(&b->include_dirs);
    mcb_strs_free(&b->cflags);
    mcb_strs_free(&b->cxxflags);
    mcb_strs_free(&b->libs);
    mcb_strs_free(&b->hand_written);
    free(b->layers);
    free(b->layer_tensors);
    memset(b, 0, sizeof *b);
}
