/* 'mcubench fit': does a model fit a target, without simulating it (docs/fit.md). Per engine:
 * the engine's sources and the profile firmware are built as 'mcubench profile' builds them
 * (measure.h), then flash and static RAM are read from the ELF's sections (the definitions of
 * docs/metrics.md), the stack is bounded from the ELF's code (stack.h) and the heap is 0 when
 * no allocator is reachable. The margins are against the target's flash and RAM. */
#ifndef MCB_FIT_H
#define MCB_FIT_H

#include "engine.h"
#include "stack.h"
#include "target.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *model;
    const char *engine; /* NULL: every engine */
    const char *target; /* name or path; NULL = nrf52840 */
    mcb_engine_conditions cond;
} mcb_fit_opts;

typedef enum {
    MCB_FIT_FITS = 0,    /* flash and RAM within the target (stack bounded) */
    MCB_FIT_UNBOUNDED,   /* within the target with the stack's known part; no static bound */
    MCB_FIT_OVER,        /* flash or RAM over the target */
    MCB_FIT_UNAVAILABLE, /* the engine's framework is missing here */
    MCB_FIT_NA,          /* the engine takes another quantization scheme */
    MCB_FIT_FAILED,      /* the engine refused the model, or the build failed */
} mcb_fit_status;

typedef struct {
    char engine[32];
    char version[96];
    mcb_fit_status status;
    char why[512]; /* UNAVAILABLE, NA, FAILED: the one line */
    int64_t flash, weights;                /* firmware without the harness's test images */
    int64_t data, bss, arena, stack, heap; /* heap -1: an allocator is reachable (unknown) */
    int64_t ram;                           /* data + bss + stack + heap (heap 0 if unknown) */
    int64_t flash_left, ram_left;          /* negative: over by that much */
    const char *arena_source;
    mcb_stack_bound st;
    char path[1024]; /* the stack's worst path, "a > b > c" */
} mcb_fit_row;

typedef struct {
    mcb_target target;
    mcb_fit_row *rows;
    int n;
} mcb_fit;

/* 0 with f filled (every engine, or the one asked for), or -1 after one line: the model or
 * target cannot be read, or the one engine asked for is unavailable or fails. */
int mcb_fit_run(const mcb_fit_opts *o, mcb_fit *f);
void mcb_fit_free(mcb_fit *f);

void mcb_fit_write_text(FILE *out, const mcb_fit *f, const char *model);
void mcb_fit_write_json(FILE *out, const mcb_fit *f, const char *model);

#endif
