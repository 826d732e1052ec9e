/* int8 kernels for the host executor (see exec_int8.h): every lowering of src/lower (lower.h)
 * behind exec.h's prepared form. An op is lowered once when the graph is prepared (the check
 * is the lowering's), and each run calls the reference kernel on the stored parameters. */
#include "exec_int8.h"

#include "exec.h"
#include "lower.h"

#include <stdio.h>
#include <stdlib.h>

static int prepare(const mcb_graph *g, const mcb_op *op, void **state, char *why, size_t n)
{
    mcb_lowered *l = malloc(sizeof *l);
    if (!l) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    if (mcb_lower_op(g, op, l, why, n) != 0) {
        free(l);
        return -1;
    }
    *state = l;
    return 0;
}

static void run(const void *state, void *const *data)
{
    mcb_lowered_run(state, data);
}

static void release(void *state)
{
    mcb_lowered_free(state);
    free(state);
}

void mcb_exec_register_int8(void)
{
    int n;
    const mcb_lowering *l = mcb_lowerings(&n);
    for (int i = 0; i < n; i++) {
        const mcb_exec_kernel k = {.code = l[i].code, .type = l[i].type, .prepare = prepare,
                                   .run_prepared = run, .release = release};
        mcb_exec_register(&k);
    }
}

const mcb_lowered *mcb_exec_int8_lowered(const mcb_exec *e, int i)
{
    const mcb_exec_kernel *k = mcb_exec_op_kernel(e, i);
    return k && k->prepare == prepare ? mcb_exec_op_state(e, i) : NULL;
}
