/* The memory planner: valid placements, the lower bound, and the paper family reaching it. */
#include "codegen.h"
#include "err.h"
#include "family.h"
#include "graph_mem.h"
#include "graphs.h"
#include "plan.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

/* No two buffers alive at the same step share a byte; everything is inside the arena. */
static int valid(const mcb_plan_buf *b, int n, int64_t arena)
{
    for (int i = 0; i < n; i++) {
        if (b[i].offset < 0 || b[i].offset % 4 || b[i].offset + b[i].size > arena)
            return 0;
        for (int j = 0; j < i; j++)
            if (b[i].first <= b[j].last && b[j].first <= b[i].last &&
                b[i].offset < b[j].offset + b[j].size && b[j].offset < b[i].offset + b[i].size)
                return 0;
    }
    return 1;
}

static void hand_cases(void)
{
    /* a chain: each buffer lives two steps; only neighbours overlap */
    mcb_plan_buf b[4] = {{100, 0, 1, 0}, {50, 1, 2, 0}, {100, 2, 3, 0}, {10, 3, 3, 0}};
    int64_t arena, bound;
    CHECK(mcb_plan_place(b, 4, &arena, &bound) == 0);
    CHECK_EQ_INT(bound, 152); /* step 1: 100 + 52; step 2: 52 + 100 */
    CHECK_EQ_INT(arena, 152);
    CHECK(valid(b, 4, arena));
    CHECK(b[0].offset == b[2].offset); /* disjoint lifetimes share bytes */

    /* bad lifetimes are refused */
    mcb_plan_buf bad[1] = {{8, 3, 2, 0}};
    const int q = mcb_err_quiet(1);
    CHECK(mcb_plan_place(bad, 1, &arena, &bound) == -1);
    mcb_err_quiet(q);

    /* nothing to place */
    CHECK(mcb_plan_place(NULL, 0, &arena, &bound) == 0);
    CHECK_EQ_INT(arena, 0);
}

static void random_cases(void)
{
    unsigned s = 12345;
    for (int trial = 0; trial < 300; trial++) {
        mcb_plan_buf b[24];
        const int n = 1 + trial % 24;
        for (int i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            const int first = (int)(s >> 16) % 10;
            s = s * 1103515245u + 12345u;
            b[i] = (mcb_plan_buf){1 + (int64_t)((s >> 12) % 5000), first,
                                  first + (int)((s >> 8) % 4), 0};
        }
        int64_t arena, bound;
        CHECK(mcb_plan_place(b, n, &arena, &bound) == 0);
        CHECK(valid(b, n, arena));
        CHECK(arena >= bound);
    }
}

static void family(void)
{
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        const mcb_family_net *net = &mcb_family[i];
        mcb_graph g;
        CHECK(cgt_family_graph(net, 7u + (unsigned)i, &g) == 0);
        mcb_codegen *cg = mcb_codegen_analyse(&g, net->name);
        CHECK(cg != NULL);
        if (!cg) {
            mcb_graph_free(&g);
            continue;
        }
        const int64_t arena = mcb_codegen_arena_bytes(cg), bound = mcb_codegen_lower_bound(cg);
        printf("%-16s arena %7lld  lower bound %7lld\n", net->name, (long long)arena,
               (long long)bound);
        CHECK_EQ_INT(arena, bound);
        /* fused: conv + ReLU + pool is one step, the reshape is no step */
        const mcb_codegen_layer *l;
        CHECK_EQ_INT(mcb_codegen_layers(cg, &l), 4);
        CHECK(!strcmp(l[0].op, "CONV_2D+MAX_POOL_2D") && !strcmp(l[1].op, "CONV_2D+MAX_POOL_2D"));
        CHECK(!strcmp(l[0].kernel, "mcb_aot_conv_s8") && !strcmp(l[2].kernel, "mcb_aot_fc_s8"));
        /* the un-pooled conv output never exists: the arena is smaller than it */
        CHECK(arena < mcb_tensor_bytes(&g.tensors[g.ops[0].out[0]]));
        /* and smaller than the unfused graph's own minimum */
        CHECK(arena < mcb_graph_min_activation_bytes(&g));
        /* the bound is the largest step's live bytes */
        int64_t peak = 0;
        for (int s = 0; s < 4; s++)
            peak = l[s].live_bytes > peak ? l[s].live_bytes : peak;
        CHECK_EQ_INT(peak, bound);
        mcb_codegen_free(cg);
        mcb_graph_free(&g);
    }
}

int main(void)
{
    hand_cases();
    random_cases();
    family();
    return TEST_END();
}
