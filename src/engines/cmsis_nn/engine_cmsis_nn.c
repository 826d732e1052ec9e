/* The cmsis-nn engine (engine.h): generated C99 that calls CMSIS-NN's s8 API directly, one
 * call per layer, with the activations in one arena planned offline and the constants in
 * flash; linked with the CMSIS-NN library built from the pinned archive with the same flags
 * (docs/engine-cmsis-nn.md). */
#include "cn_int.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cn_available(char *why, size_t n)
{
    return cn_archives_present(why, n);
}

static void cn_version(char *buf, size_t n)
{
    snprintf(buf, n, "%s", CN_VERSION);
}

/* The library is compiled with the flags the generated code gets from the harness build (the
 * target's cflags, then the conditions'), so that kernels and model are built alike. */
static int library(const mcb_engine_ctx *c, mcb_engine_build *b)
{
    char lib[4096], inc0[4096], inc1[4096];
    if (cn_library(c->target, &c->cond, lib, sizeof lib, inc0, inc1, sizeof inc0) < 0)
        return -1;
    if (mcb_strs_add(&b->libs, lib) || mcb_strs_add(&b->include_dirs, inc0) ||
        mcb_strs_add(&b->include_dirs, inc1)) {
        mcb_error("%s: out of memory", c->model_path);
        return -1;
    }
    return 0;
}

static int cn_generate(const mcb_engine_ctx *c, mcb_engine_build *b)
{
    cn_model *m = cn_analyse(c->g, c->model_path);
    if (!m)
        return -1;
    int rc = -1;
    /* the library first: a failed build leaves no sources behind */
    if (cn_check_fit(m, c->target, c->cond.weights_in_ram) < 0 || library(c, b) < 0 ||
        cn_emit(m, c->dir) < 0)
        goto done;
    b->layers = calloc((size_t)m->n_steps + 1, sizeof *b->layers);
    b->layer_tensors = calloc((size_t)m->n_steps + 1, sizeof *b->layer_tensors);
    if (!b->layers || !b->layer_tensors)
        goto oom;
    b->n_layers = m->n_steps;
    for (int l = 0; l < m->n_steps; l++) {
        snprintf(b->layers[l].op, sizeof b->layers[l].op, "%s",
                 mcb_op_name(c->g->ops[m->steps[l].op].code));
        b->layers[l].macs = m->steps[l].macs;
        b->layer_tensors[l] = m->steps[l].out;
    }
    if (mcb_strs_addf(&b->sources, "%s/model.c", c->dir) ||
        mcb_strs_addf(&b->sources, "%s/mcb_engine.c", c->dir) ||
        mcb_strs_add(&b->include_dirs, c->dir) || mcb_strs_add(&b->cflags, "-std=c99") ||
        mcb_strs_add(&b->cflags, "-Wall") || mcb_strs_add(&b->cflags, "-Wextra") ||
        mcb_strs_add(&b->cflags, "-Werror") ||
        /* what a CMSIS-NN user writes by hand: every layer call with its parameters */
        mcb_strs_addf(&b->hand_written, "%s/model.c", c->dir) ||
        mcb_strs_addf(&b->hand_written, "%s/model.h", c->dir))
        goto oom;
    /* the paper's CMSIS-NN condition: weights as initialised data, copied to RAM */
    if (c->cond.weights_in_ram && mcb_strs_add(&b->cflags, "-DMCB_MODEL_WEIGHTS_IN_RAM=1"))
        goto oom;
    b->input_tensor = m->in_t;
    b->output_tensor = m->out_t;
    b->arena_bytes = m->arena;
    b->lower_bound_bytes = m->bound;
    b->weight_bytes = m->weight_bytes;
    b->plain_weight_bytes = m->weight_bytes;
    b->flash_need = m->weight_bytes + CN_FLASH_MARGIN;
    cn_version(b->version, sizeof b->version);
    rc = 0;
    goto done;
oom:
    mcb_error("%s: out of memory", c->model_path);
done:
    cn_free(m);
    return rc;
}

const mcb_engine mcb_engine_cmsis_nn = {
    .name = "cmsis-nn",
    .about = "generated C99 calling CMSIS-NN's s8 API directly (arm_convolve_wrapper_s8, ...), "
             "one arena planned offline, weights in flash",
    .available = cn_available,
    .version = cn_version,
    .generate = cn_generate,
    .workflow = "by hand: C calling CMSIS-NN's s8 API layer by layer, with multipliers, shifts "
                "and buffers worked out from the .tflite (mcubench generate --engine cmsis-nn "
                "writes it)",
    .weights_in_ram = 1,
};
