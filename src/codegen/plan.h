/* The aot engine's memory planner: places buffers with known lifetimes (over the steps of a
 * fused schedule) in one arena.
 * A buffer lives from step `first` to step `last` inclusive; two buffers may share bytes only
 * if their lifetimes are disjoint. Sizes are rounded up to 4 bytes and offsets are multiples
 * of 4 (the kernels' scratch is read as words). Placement is greedy by size: the largest
 * buffer first, each in the smallest gap left between the already placed buffers that are
 * alive at the same time (best fit), else above them.
 * The lower bound is that of any plan for the same schedule and buffers: the maximum over
 * steps of the bytes alive at that step (4-rounded, as placed). */
#ifndef MCB_CODEGEN_PLAN_H
#define MCB_CODEGEN_PLAN_H

#include <stdint.h>

typedef struct {
    int64_t size;       /* bytes; rounded up to 4 by the planner */
    int first, last;    /* steps, first <= last */
    int64_t offset;     /* out: byte offset in the arena */
} mcb_plan_buf;

/* Places n buffers; *arena gets the arena size, *bound the lower bound. 0, or -1 after
 * reporting (bad lifetime or size). Deterministic. */
int mcb_plan_place(mcb_plan_buf *b, int n, int64_t *arena, int64_t *bound);

#endif
