/* Greedy-by-size, best-fit arena placement (see plan.h). Quadratic in the buffer count,
 * which is a few dozen for the networks we generate. */
#include "plan.h"

#include "err.h"

#include <stdlib.h>

static int64_t round4(int64_t v)
{
    return (v + 3) & ~(int64_t)3;
}

static int overlaps(const mcb_plan_buf *a, const mcb_plan_buf *b)
{
    return a->first <= b->last && b->first <= a->last;
}

/* Order of placement: larger first; ties by earlier first step, then by index (stable). */
static const mcb_plan_buf *g_bufs;
static int by_size(const void *pa, const void *pb)
{
    const int a = *(const int *)pa, b = *(const int *)pb;
    const mcb_plan_buf *x = &g_bufs[a], *y = &g_bufs[b];
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int by_offset(const void *pa, const void *pb)
{
    const mcb_plan_buf *x = *(const mcb_plan_buf *const *)pa, *y = *(const mcb_plan_buf *const *)pb;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int mcb_plan_place(mcb_plan_buf *b, int n, int64_t *arena, int64_t *bound)
{
    int last_step = -1;
    for (int i = 0; i < n; i++) {
        if (b[i].size < 0 || b[i].first < 0 || b[i].last < b[i].first) {
            mcb_error("memory plan: buffer %d has size %lld and lifetime %d..%d", i,
                      (long long)b[i].size, b[i].first, b[i].last);
            return -1;
        }
        b[i].size = round4(b[i].size);
        b[i].offset = -1;
        if (b[i].last > last_step)
            last_step = b[i].last;
    }
    int *order = malloc(sizeof(int) * (size_t)(n ? n : 1));
    const mcb_plan_buf **live = malloc(sizeof *live * (size_t)(n ? n : 1));
    int64_t *step_bytes = calloc((size_t)last_step + 2, sizeof(int64_t));
    if (!order || !live || !step_bytes) {
        free(order), free(live), free(step_bytes);
        mcb_error("memory plan: out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        order[i] = i;
        for (int s = b[i].first; s <= b[i].last; s++)
            step_bytes[s] += b[i].size;
    }
    int64_t lb = 0;
    for (int s = 0; s <= last_step; s++)
        if (step_bytes[s] > lb)
            lb = step_bytes[s];

    g_bufs = b;
    qsort(order, (size_t)n, sizeof *order, by_size);
    int64_t top = 0;
    for (int k = 0; k < n; k++) {
        mcb_plan_buf *x = &b[order[k]];
        int nl = 0;
        for (int j = 0; j < k; j++)
            if (overlaps(x, &b[order[j]]) && b[order[j]].size > 0)
                live[nl++] = &b[order[j]];
        qsort(live, (size_t)nl, sizeof *live, by_offset);
        /* best fit among the gaps below the live buffers; else above the highest */
        int64_t best = -1, best_gap = 0, at = 0;
        for (int j = 0; j < nl; j++) {
            const int64_t gap = live[j]->offset - at;
            if (gap >= x->size && (best < 0 || gap < best_gap))
                best = at, best_gap = gap;
            const int64_t end = live[j]->offset + live[j]->size;
            if (end > at)
                at = end;
        }
        x->offset = best >= 0 ? best : at;
        if (x->offset + x->size > top)
            top = x->offset + x->size;
    }
    free(order), free(live), free(step_bytes);
    *arena = top;
    *bound = lb;
    return 0;
}
