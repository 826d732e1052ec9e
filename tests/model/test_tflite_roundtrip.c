/* Round trip: hand-built graph -> bytes -> graph (every field equal) -> bytes (identical),
 * for the float and the int8 graph; plus the layout conventions TFLite relies on, and the
 * file-level load/save path. */
#include "err.h"
#include "flatbuf.h"
#include "graph_mem.h"
#include "tflite.h"
#include "tflite_testgraph.h"
#include "../test.h"

#include <stdlib.h>
#include <string.h>

/* Conventions checked with the generic flatbuffer reader: identifier, version, buffer 0 empty,
 * data 16-byte aligned, one buffer per constant. */
static void check_layout(const uint8_t *buf, size_t size, const mcb_graph *g)
{
    fb_buf b = {buf, size, {0}};
    fb_table m, b0;
    uint32_t version = 0;
    fb_vec buffers;
    CHECK(memcmp(buf + 4, "TFL3", 4) == 0);
    CHECK(fb_root(&b, "TFL3", &m) == 0);
    CHECK(fb_get_u32(&b, &m, 0, 0, &version) == 0);
    CHECK_EQ_INT(version, 3);
    CHECK(fb_get_vec(&b, &m, 4, 4, &buffers) == 0);
    int n_const = 0;
    for (int i = 0; i < g->n_tensors; i++)
        n_const += g->tensors[i].data != NULL;
    CHECK_EQ_INT(buffers.n, n_const + 1);
    CHECK(fb_vec_table(&b, &buffers, 0, &b0) == 0);
    fb_vec d0;
    CHECK(fb_get_vec(&b, &b0, 0, 1, &d0) == 0);
    CHECK_EQ_INT(d0.n, 0);
    for (size_t i = 1; i < buffers.n; i++) {
        fb_table bt;
        fb_vec d;
        CHECK(fb_vec_table(&b, &buffers, i, &bt) == 0 && fb_get_vec(&b, &bt, 0, 1, &d) == 0);
        CHECK(d.n > 0);
        CHECK_EQ_INT(d.pos % 16, 0);
    }
    CHECK_EQ_INT(size % 16, 0);
    CHECK(b.err[0] == 0);
}

static void roundtrip(int int8)
{
    mcb_graph g, h;
    CHECK(tg_build(&g, int8) == 0);
    uint8_t *buf = NULL, *buf2 = NULL;
    size_t size = 0, size2 = 0;
    CHECK(mcb_tflite_serialize(&g, &buf, &size) == 0);
    CHECK(buf != NULL && size > 100);
    check_layout(buf, size, &g);
    CHECK(mcb_tflite_parse(buf, size, "roundtrip.tflite", &h) == 0);
    CHECK_EQ_INT(tg_compare(&g, &h), 0);
    CHECK(mcb_tflite_serialize(&h, &buf2, &size2) == 0);
    CHECK(size == size2 && memcmp(buf, buf2, size) == 0);

    /* Parameters and MACs from the parsed graph match the toy network's arithmetic. */
    int64_t conv_params = TG_K * 9 + TG_K, dense_params = (int64_t)TG_CLASSES * TG_FLAT + TG_CLASSES;
    CHECK_EQ_INT(mcb_graph_params(&h), conv_params + dense_params);
    CHECK_EQ_INT(mcb_graph_macs(&h), (int64_t)TG_OUT * TG_OUT * TG_K * 9 + TG_CLASSES * TG_FLAT);

    /* Via files: save, load, same graph. */
    const char *path = int8 ? "rt_int8.tflite" : "rt_float.tflite";
    mcb_graph k;
    CHECK(mcb_tflite_save(path, &g) == 0);
    CHECK(mcb_tflite_load(path, &k) == 0);
    CHECK_EQ_INT(tg_compare(&g, &k), 0);
    mcb_graph_free(&k);
    remove(path);

    free(buf);
    free(buf2);
    mcb_graph_free(&g);
    mcb_graph_free(&h);
}

/* Lifetimes and the minimum activation memory, computed by hand for the float graph. */
static void activation_memory(void)
{
    mcb_graph g;
    CHECK(tg_build(&g, 0) == 0);
    int64_t in = TG_HW * TG_HW * 4, conv = TG_OUT * TG_OUT * TG_K * 4,
            pool = TG_POOL * TG_POOL * TG_K * 4, flat = TG_FLAT * 4, out = TG_CLASSES * 4;
    mcb_lifetime lt[32];
    CHECK(g.n_tensors <= 32);
    CHECK(mcb_graph_lifetimes(&g, lt) == 0);
    CHECK(lt[0].first == 0 && lt[0].last == 0);  /* input: read by conv only */
    CHECK(lt[1].first == -1 && lt[1].last == -1); /* weights: constant */
    /* step 0 conv: in + conv; 1 pool: conv + pool; 2 reshape: pool + flat; 3 fc: flat + out;
     * 4 softmax: out + out (the output lives to the end) */
    int64_t steps[5] = {in + conv, conv + pool, pool + flat, flat + out, out + out};
    int64_t want = 0;
    for (int s = 0; s < 5; s++) {
        CHECK_EQ_INT(mcb_graph_live_bytes(&g, lt, s), steps[s]);
        if (steps[s] > want)
            want = steps[s];
    }
    CHECK_EQ_INT(mcb_graph_min_activation_bytes(&g), want);
    mcb_graph_free(&g);
}

/* A buffer shared by two tensors: each gets its own copy. */
static void shared_buffer(void)
{
    mcb_graph g, h;
    CHECK(tg_build(&g, 0) == 0);
    /* A tensor re-pointed at a buffer of the wrong size is rejected. */
    uint8_t *buf = NULL;
    size_t size = 0;
    CHECK(mcb_tflite_serialize(&g, &buf, &size) == 0);
    fb_buf b = {buf, size, {0}};
    fb_table m, sg, t2;
    fb_vec subgraphs, tensors;
    CHECK(fb_root(&b, "TFL3", &m) == 0 && fb_get_vec(&b, &m, 2, 4, &subgraphs) == 0 &&
          fb_vec_table(&b, &subgraphs, 0, &sg) == 0 && fb_get_vec(&b, &sg, 0, 4, &tensors) == 0 &&
          fb_vec_table(&b, &tensors, 2, &t2) == 0);
    uint32_t b2;
    CHECK(fb_get_u32(&b, &t2, 2, 0, &b2) == 0 && b2 == 2); /* conv bias is buffer 2 */
    /* Point tensor 1 (conv weights, 36 floats) at buffer 2 (4 floats): a size mismatch. */
    fb_table t1;
    CHECK(fb_vec_table(&b, &tensors, 1, &t1) == 0);
    size_t slot = t1.vt + 4 + 2 * 2;
    size_t field = t1.pos + (size_t)(buf[slot] | buf[slot + 1] << 8);
    uint8_t saved[4];
    memcpy(saved, buf + field, 4);
    buf[field] = 2, buf[field + 1] = buf[field + 2] = buf[field + 3] = 0;
    mcb_err_quiet(1);
    CHECK(mcb_tflite_parse(buf, size, "shared.tflite", &h) == -1);
    CHECK(strstr(mcb_last_error(), "shared.tflite: tensor 1: constant data is 16 bytes") != NULL);
    mcb_err_quiet(0);
    memcpy(buf + field, saved, 4);
    free(buf);
    /* A genuine share: a graph whose two constants are equal in size, re-pointed at one buffer. */
    mcb_graph s;
    mcb_graph_init(&s);
    int32_t shp[1] = {3};
    float v1[3] = {1, 2, 3}, v2[3] = {4, 5, 6};
    int a = mcb_graph_add_tensor(&s, "a", MCB_FLOAT32, 1, shp, NULL, 0);
    int c1 = mcb_graph_add_tensor(&s, "c1", MCB_FLOAT32, 1, shp, v1, sizeof v1);
    int c2 = mcb_graph_add_tensor(&s, "c2", MCB_FLOAT32, 1, shp, v2, sizeof v2);
    int o = mcb_graph_add_tensor(&s, "o", MCB_FLOAT32, 1, shp, NULL, 0);
    int o2 = mcb_graph_add_tensor(&s, "o2", MCB_FLOAT32, 1, shp, NULL, 0);
    mcb_op op = tg_op(MCB_OP_ADD, 1);
    op.n_in = 2, op.in[0] = a, op.in[1] = c1, op.n_out = 1, op.out[0] = o;
    mcb_graph_add_op(&s, &op);
    op.in[0] = o, op.in[1] = c2, op.out[0] = o2;
    mcb_graph_add_op(&s, &op);
    s.n_in = 1, s.in[0] = a, s.n_out = 1, s.out[0] = o2;
    CHECK(mcb_tflite_serialize(&s, &buf, &size) == 0);
    b.buf = buf, b.size = size;
    fb_table tc2;
    CHECK(fb_root(&b, "TFL3", &m) == 0 && fb_get_vec(&b, &m, 2, 4, &subgraphs) == 0 &&
          fb_vec_table(&b, &subgraphs, 0, &sg) == 0 && fb_get_vec(&b, &sg, 0, 4, &tensors) == 0 &&
          fb_vec_table(&b, &tensors, (size_t)c2, &tc2) == 0);
    slot = tc2.vt + 4 + 2 * 2;
    field = tc2.pos + (size_t)(buf[slot] | buf[slot + 1] << 8);
    CHECK_EQ_INT(buf[field], 2); /* c2 -> buffer 2 */
    buf[field] = 1;              /* now c1 and c2 share buffer 1 */
    CHECK(mcb_tflite_parse(buf, size, "share.tflite", &h) == 0);
    if (h.n_tensors == 5) {
        CHECK(h.tensors[c1].data != h.tensors[c2].data);
        CHECK(memcmp(h.tensors[c2].data, v1, sizeof v1) == 0);
        CHECK(memcmp(h.tensors[c1].data, v1, sizeof v1) == 0);
        CHECK(h.tensors[o].data == NULL);
    }
    mcb_graph_free(&h);
    /* Pointing a constant at the empty buffer 0 makes it an activation nobody writes. */
    buf[field] = 0;
    mcb_err_quiet(1);
    CHECK(mcb_tflite_parse(buf, size, "empty.tflite", &h) == -1);
    CHECK(strstr(mcb_last_error(), "reads tensor 2 before any operator writes it") != NULL);
    mcb_err_quiet(0);
    free(buf);
    mcb_graph_free(&s);
    mcb_graph_free(&g);
}


/* An operator we do not know, with a code above 127: kept by number through write and read,
 * the byte field saturated at 127 as the converter writes it. */
static void unknown_operator(void)
{
    mcb_graph g, h;
    mcb_graph_init(&g);
    int32_t shp[2] = {1, 5};
    int a = mcb_graph_add_tensor(&g, "a", MCB_FLOAT32, 2, shp, NULL, 0);
    int o = mcb_graph_add_tensor(&g, "o", MCB_FLOAT32, 2, shp, NULL, 0);
    mcb_op op = tg_op(150, 1); /* GELU */
    op.n_in = 1, op.in[0] = a, op.n_out = 1, op.out[0] = o;
    mcb_graph_add_op(&g, &op);
    g.n_in = 1, g.in[0] = a, g.n_out = 1, g.out[0] = o;
    uint8_t *buf;
    size_t size;
    CHECK(mcb_tflite_serialize(&g, &buf, &size) == 0);
    CHECK(mcb_tflite_parse(buf, size, "gelu.tflite", &h) == 0);
    /* no description in the graph: the writer puts its default */
    CHECK(h.description && strcmp(h.description, "mcubench") == 0);
    free(h.description);
    h.description = NULL;
    CHECK_EQ_INT(tg_compare(&g, &h), 0);
    CHECK(h.n_ops == 1 && h.ops[0].code == 150 && strcmp(mcb_op_name(150), "UNKNOWN") == 0);
    fb_buf b = {buf, size, {0}};
    fb_table m, oc;
    fb_vec codes;
    int8_t dep = 0;
    int32_t code = 0;
    CHECK(fb_root(&b, "TFL3", &m) == 0 && fb_get_vec(&b, &m, 1, 4, &codes) == 0 &&
          fb_vec_table(&b, &codes, 0, &oc) == 0 && fb_get_i8(&b, &oc, 0, 0, &dep) == 0 &&
          fb_get_i32(&b, &oc, 3, 0, &code) == 0);
    CHECK(dep == 127 && code == 150);
    /* A custom operator (code 32) is read but the writer refuses it (no custom code to write). */
    g.ops[0].code = 32;
    mcb_err_quiet(1);
    uint8_t *buf2;
    size_t size2;
    CHECK(mcb_tflite_serialize(&g, &buf2, &size2) == -1);
    mcb_err_quiet(0);
    free(buf);
    mcb_graph_free(&g);
    mcb_graph_free(&h);
}

int main(void)
{
    roundtrip(0);
    roundtrip(1);
    activation_memory();
    shared_buffer();
    unknown_operator();
    return TEST_END();
}
