/* The lowering (src/lower/lower.h): its table is the host executor's int8 kernel set; every
 * operator of the code generator's test graphs lowers to the parameters its tensors give, and
 * running the lowered ops alone reproduces the executor's tensors byte for byte; the executor
 * lowers once, at prepare time (a scale changed after prepare does not change a run); a
 * refused op says why and keeps nothing. */
#include "../test.h"
#include "exec.h"
#include "exec_int8.h"
#include "graph.h"
#include "graphs.h"
#include "lower.h"

#include <stdlib.h>
#include <string.h>

static void check_table(void)
{
    int n = 0;
    const mcb_lowering *l = mcb_lowerings(&n);
    CHECK(n >= 11);
    for (int i = 0; i < n; i++) {
        CHECK(l[i].lower != NULL && l[i].run != NULL);
        CHECK(mcb_lowering_find(l[i].code, l[i].type) == &l[i]); /* one per key */
        const mcb_exec_kernel *k = mcb_exec_find(l[i].code, l[i].type);
        CHECK(k != NULL && k->prepare != NULL && k->run_prepared != NULL && k->release != NULL);
    }
    CHECK(mcb_lowering_find(MCB_OP_CONV_2D, MCB_FLOAT32) == NULL); /* float: exec's own */
    CHECK(mcb_lowering_find(MCB_OP_DEQUANTIZE, MCB_FLOAT32) == NULL);
}

/* Every op of g lowered and checked against its tensors; then run alone on buffers of our own
 * and compared with the executor's tensors after one run on the same input. */
static void check_graph(const mcb_graph *g, unsigned seed)
{
    mcb_exec *e = mcb_exec_prepare(g, "graph");
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK(mcb_exec_int8_lowered(e, -1) == NULL && mcb_exec_int8_lowered(e, g->n_ops) == NULL);
    mcb_lowered *low = calloc((size_t)g->n_ops, sizeof *low);
    void **data = calloc((size_t)g->n_tensors, sizeof *data);
    char why[256];
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        mcb_lowered *l = &low[i];
        CHECK_EQ_INT(mcb_lower_op(g, op, l, why, sizeof why), 0);
        CHECK_EQ_INT(l->code, op->code);
        CHECK_EQ_INT(l->in[0], op->in[0]);
        CHECK_EQ_INT(l->out, op->out[0]);
        CHECK_EQ_INT(l->macs, mcb_op_macs(g, op));
        /* the generators' source: the executor's own lowering of the op, the same one */
        const mcb_lowered *ex = mcb_exec_int8_lowered(e, i);
        CHECK(ex != NULL && ex != l);
        if (ex) {
            CHECK_EQ_INT(ex->code, l->code);
            CHECK_EQ_INT(ex->out, l->out);
            CHECK_EQ_INT(ex->n_mult, l->n_mult);
            CHECK(l->n_mult == 0 || (memcmp(ex->mult, l->mult, 4 * (size_t)l->n_mult) == 0 &&
                                     memcmp(ex->shift, l->shift, 4 * (size_t)l->n_mult) == 0));
            CHECK(ex->filter == l->filter && ex->bias == l->bias);
        }
        const mcb_tensor *y = &g->tensors[op->out[0]];
        if (op->code == MCB_OP_CONV_2D || op->code == MCB_OP_DEPTHWISE_CONV_2D) {
            const mcb_tensor *x = &g->tensors[op->in[0]];
            CHECK_EQ_INT(l->conv.out_c, y->shape[3]);
            CHECK_EQ_INT(l->conv.out_h, y->shape[1]);
            CHECK_EQ_INT(l->conv.in_c, x->shape[3]);
            CHECK_EQ_INT(l->conv.input_offset, -x->zero_point[0]);
            CHECK_EQ_INT(l->conv.output_offset, y->zero_point[0]);
            CHECK_EQ_INT(l->n_mult, y->shape[3]);
            CHECK(l->conv.multiplier == l->mult && l->conv.shift == l->shift);
            CHECK((const void *)l->filter == (const void *)g->tensors[op->in[1]].data);
            CHECK((const void *)l->bias == (op->n_in > 2 ? (const void *)g->tensors[op->in[2]].data : NULL));
            for (int c = 0; c < l->n_mult; c++)
                CHECK(l->mult[c] >= (1 << 30) || l->mult[c] == 0);
        } else if (op->code == MCB_OP_FULLY_CONNECTED) {
            CHECK_EQ_INT(l->fc.out_depth, g->tensors[op->in[1]].shape[0]);
            CHECK_EQ_INT(l->n_mult, l->fc.per_channel ? l->fc.out_depth : 1);
            CHECK(l->fc.multiplier == l->mult);
        } else if (op->code == MCB_OP_ADD) {
            CHECK_EQ_INT(l->n_in, 2);
            CHECK_EQ_INT(l->in[1], op->in[1]);
            CHECK_EQ_INT(l->elems, mcb_tensor_elems(y));
            CHECK_EQ_INT(l->add.left_shift, 20);
        } else if (op->code == MCB_OP_MAX_POOL_2D || op->code == MCB_OP_AVERAGE_POOL_2D) {
            CHECK_EQ_INT(l->pool.filter_h, op->filter_h);
            CHECK_EQ_INT(l->pool.out_w, y->shape[2]);
        }
    }
    /* run: the executor, then the lowered ops alone */
    const mcb_tensor *ti = &g->tensors[g->in[0]], *to = &g->tensors[g->out[0]];
    const size_t nin = (size_t)mcb_tensor_elems(ti) * (size_t)mcb_dtype_size(ti->type);
    const size_t nout = (size_t)mcb_tensor_elems(to) * (size_t)mcb_dtype_size(to->type);
    uint8_t *in = malloc(nin), *out = malloc(nout);
    srand(seed);
    for (size_t i = 0; i < nin; i++)
        in[i] = (uint8_t)(rand() >> 4);
    if (ti->type == MCB_FLOAT32)
        for (size_t i = 0; i < nin / 4; i++)
            ((float *)in)[i] = (float)(rand() % 1000) / 1000.0f;
    mcb_exec_run(e, in, out);
    for (int t = 0; t < g->n_tensors; t++) {
        const mcb_tensor *ts = &g->tensors[t];
        const size_t b = (size_t)mcb_tensor_elems(ts) * (size_t)mcb_dtype_size(ts->type);
        data[t] = ts->data ? ts->data : calloc(1, b ? b : 1);
    }
    memcpy(data[g->in[0]], in, nin);
    for (int i = 0; i < g->n_ops; i++)
        mcb_lowered_run(&low[i], data);
    for (int t = 0; t < g->n_tensors; t++) {
        const mcb_tensor *ts = &g->tensors[t];
        if (ts->data)
            continue;
        const size_t b = (size_t)mcb_tensor_elems(ts) * (size_t)mcb_dtype_size(ts->type);
        CHECK(memcmp(data[t], mcb_exec_tensor(e, t), b) == 0);
        free(data[t]);
    }
    CHECK(memcmp(out, mcb_exec_tensor(e, g->out[0]), nout) == 0);
    for (int i = 0; i < g->n_ops; i++)
        mcb_lowered_free(&low[i]);
    free(low), free(data), free(in), free(out);
    mcb_exec_free(e);
}

/* Parameters are derived at prepare time: changing an output scale of the graph afterwards
 * leaves the runs as they were; a new prepare sees it. */
static void check_once(mcb_graph *g)
{
    const mcb_tensor *ti = &g->tensors[g->in[0]], *to = &g->tensors[g->out[0]];
    const size_t nin = (size_t)mcb_tensor_elems(ti), nout = (size_t)mcb_tensor_elems(to);
    int8_t *in = malloc(nin), *a = malloc(nout), *b = malloc(nout), *c = malloc(nout);
    for (size_t i = 0; i < nin; i++)
        in[i] = (int8_t)(i * 37 + 11);
    mcb_exec *e = mcb_exec_prepare(g, "graph");
    CHECK(e != NULL);
    mcb_exec_run(e, in, a);
    int conv = -1;
    for (int i = 0; i < g->n_ops && conv < 0; i++)
        if (g->ops[i].code == MCB_OP_CONV_2D)
            conv = i;
    CHECK(conv >= 0);
    mcb_tensor *y = &g->tensors[g->ops[conv].out[0]];
    const float old = y->scale[0];
    y->scale[0] = old * 0.5f; /* the conv's requantization would double its outputs */
    mcb_exec_run(e, in, b);
    CHECK(memcmp(a, b, nout) == 0);
    mcb_exec_free(e);
    e = mcb_exec_prepare(g, "graph");
    CHECK(e != NULL);
    mcb_exec_run(e, in, c);
    CHECK(memcmp(a, c, nout) != 0);
    mcb_exec_free(e);
    y->scale[0] = old;
    free(in), free(a), free(b), free(c);
}

/* A conv whose filter has a zero point: refused with the reason, nothing kept. */
static void check_refusal(mcb_graph *g)
{
    int conv = -1;
    for (int i = 0; i < g->n_ops && conv < 0; i++)
        if (g->ops[i].code == MCB_OP_CONV_2D)
            conv = i;
    mcb_tensor *w = &g->tensors[g->ops[conv].in[1]];
    const int64_t zp = w->zero_point[0];
    w->zero_point[0] = 3;
    mcb_lowered l;
    char why[256] = "";
    CHECK_EQ_INT(mcb_lower_op(g, &g->ops[conv], &l, why, sizeof why), -1);
    CHECK(strstr(why, "filter zero point 3") != NULL);
    CHECK(l.mult == NULL && l.shift == NULL && l.how == NULL);
    mcb_lowered_free(&l); /* harmless after a failure */
    w->zero_point[0] = zp;
}

int main(void)
{
    check_table();
    mcb_graph g;
    CHECK(cgt_mixed_graph(3, &g) == 0);
    check_graph(&g, 1);
    check_once(&g);
    check_refusal(&g);
    CHECK(cgt_wrap_float_io(&g) == 0); /* QUANTIZE float -> int8, DEQUANTIZE */
    check_graph(&g, 2);
    mcb_graph_free(&g);
    CHECK(cgt_residual_graph(5, &g) == 0);
    check_graph(&g, 3);
    check_once(&g);
    mcb_graph_free(&g);
    return TEST_END();
}
