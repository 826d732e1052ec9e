/* Hostile .tflite files: every one is rejected with one message naming the file, or (for
 * harmless changes) parsed into a graph the rest of the tool can use; never a crash or a read
 * out of bounds (this runs under AddressSanitizer in CI). */
#include "err.h"
#include "flatbuf.h"
#include "graph_mem.h"
#include "tflite.h"
#include "tflite_testgraph.h"
#include "../test.h"

#include <stdlib.h>
#include <string.h>

static uint8_t *orig;
static size_t orig_size;

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Position of field id in table t (0 if absent), read straight from the vtable. */
static size_t field_pos(const uint8_t *buf, const fb_table *t, int id)
{
    size_t slot = t->vt + 4 + 2 * (size_t)id;
    if (slot + 2 > t->vt + t->vsize)
        return 0;
    unsigned off = buf[slot] | buf[slot + 1] << 8;
    return off ? t->pos + off : 0;
}

typedef struct {
    fb_table model, sg, tensor1, op0, op1;
    fb_vec tensors, ops, opcodes, subgraphs;
} where;

static void locate(const uint8_t *buf, size_t size, where *w)
{
    fb_buf b = {buf, size, {0}};
    CHECK(fb_root(&b, "TFL3", &w->model) == 0);
    fb_get_vec(&b, &w->model, 1, 4, &w->opcodes);
    fb_get_vec(&b, &w->model, 2, 4, &w->subgraphs);
    fb_vec_table(&b, &w->subgraphs, 0, &w->sg);
    fb_get_vec(&b, &w->sg, 0, 4, &w->tensors);
    fb_get_vec(&b, &w->sg, 3, 4, &w->ops);
    fb_vec_table(&b, &w->tensors, 1, &w->tensor1);
    fb_vec_table(&b, &w->ops, 0, &w->op0);
    fb_vec_table(&b, &w->ops, 1, &w->op1);
    CHECK(b.err[0] == 0);
}

/* Parses a copy of buf; returns 0 or -1. On success the graph is exercised as info would. */
static int try_parse(const uint8_t *buf, size_t size, const char *what)
{
    mcb_graph g;
    int rc = mcb_tflite_parse(buf, size, what, &g);
    if (rc == 0) {
        (void)mcb_graph_params(&g);
        (void)mcb_graph_macs(&g);
        CHECK(mcb_graph_min_activation_bytes(&g) >= 0);
        uint8_t *again;
        size_t n;
        if (mcb_tflite_serialize(&g, &again, &n) == 0) {
            mcb_graph h;
            CHECK(mcb_tflite_parse(again, n, "rewritten", &h) == 0);
            mcb_graph_free(&h);
            free(again);
        }
        mcb_graph_free(&g);
    } else {
        /* one line: "<what>: <problem>" */
        const char *e = mcb_last_error();
        CHECK(strncmp(e, what, strlen(what)) == 0 && e[strlen(what)] == ':' && !strchr(e, '\n'));
    }
    return rc;
}

/* Applies a change to a fresh copy and expects rejection with a message containing want. */
static void expect_reject(const char *label, void (*change)(uint8_t *, const where *), const char *want)
{
    uint8_t *buf = malloc(orig_size);
    memcpy(buf, orig, orig_size);
    where w;
    locate(buf, orig_size, &w);
    change(buf, &w);
    int rc = try_parse(buf, orig_size, label);
    if (rc != -1 || !strstr(mcb_last_error(), want)) {
        fprintf(stderr, "%s: rc %d, message '%s', wanted '%s'\n", label, rc, mcb_last_error(), want);
        test_failures++;
    }
    free(buf);
}

static void root_out_of_range(uint8_t *b, const where *w) { (void)w, put32(b, 0xfffffff0u); }
static void bad_ident(uint8_t *b, const where *w) { (void)w, b[7] = '4'; }
static void vtable_out_of_range(uint8_t *b, const where *w) { put32(b + w->model.pos, 0x80000000u); }
static void vtable_huge(uint8_t *b, const where *w) { b[w->model.vt] = 0xfe, b[w->model.vt + 1] = 0xff; }
static void field_outside_table(uint8_t *b, const where *w)
{
    b[w->model.vt + 4] = 0xf0, b[w->model.vt + 5] = 0x0f; /* version field at offset 4080 */
}
static void offset_out_of_range(uint8_t *b, const where *w)
{
    put32(b + field_pos(b, &w->model, 2), 0x7ffffff0u); /* subgraphs */
}
static void offset_to_itself(uint8_t *b, const where *w)
{
    put32(b + field_pos(b, &w->model, 2), 0); /* subgraphs "vector" at its own field: a loop */
}
static void huge_vector(uint8_t *b, const where *w) { put32(b + w->tensors.pos - 4, 0x7fffffffu); }
static void huge_vector_wrap(uint8_t *b, const where *w) { put32(b + w->ops.pos - 4, 0xffffffffu); }
static void tensor_index(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec in;
    fb_get_vec(&fb, &w->op0, 1, 4, &in);
    put32(b + in.pos, 1000);
}
static void negative_tensor_index(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec out;
    fb_get_vec(&fb, &w->op0, 2, 4, &out);
    put32(b + out.pos, (uint32_t)-1);
}
static void opcode_index(uint8_t *b, const where *w) { put32(b + field_pos(b, &w->op0, 0), 99); }
static void buffer_index(uint8_t *b, const where *w) { put32(b + field_pos(b, &w->tensor1, 2), 5000); }
static void shape_mismatch(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec shape;
    fb_get_vec(&fb, &w->tensor1, 0, 4, &shape);
    put32(b + shape.pos, 5); /* weights [4,3,3,1] -> [5,3,3,1]: data no longer fits */
}
static void negative_dim(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec shape;
    fb_get_vec(&fb, &w->tensor1, 0, 4, &shape);
    put32(b + shape.pos + 4, (uint32_t)-3);
}
static void huge_dims(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec shape;
    fb_get_vec(&fb, &w->tensor1, 0, 4, &shape);
    for (int i = 0; i < 4; i++)
        put32(b + shape.pos + 4 * (size_t)i, 0x7fffffffu);
}
/* Operator 1 (max pool) reads its own output: a cycle in the data flow. */
static void cycle_self(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec in, out;
    fb_get_vec(&fb, &w->op1, 1, 4, &in);
    fb_get_vec(&fb, &w->op1, 2, 4, &out);
    memcpy(b + in.pos, b + out.pos, 4);
}
/* Operator 0 writes what operator 1 writes: the second write closes a loop. */
static void double_write(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec o0, o1;
    fb_get_vec(&fb, &w->op0, 2, 4, &o0);
    fb_get_vec(&fb, &w->op1, 2, 4, &o1);
    memcpy(b + o1.pos, b + o0.pos, 4);
}
static void string_unterminated(uint8_t *b, const where *w)
{
    fb_buf fb = {b, orig_size, {0}};
    fb_vec name;
    fb_get_vec(&fb, &w->tensor1, 3, 1, &name);
    b[name.pos + name.n] = 'x';
}
static void wrong_version(uint8_t *b, const where *w) { put32(b + field_pos(b, &w->model, 0), 2); }
static void wrong_options(uint8_t *b, const where *w) { b[field_pos(b, &w->op0, 3)] = 9; }

static void crafted(void)
{
    struct {
        const char *label;
        void (*change)(uint8_t *, const where *);
        const char *want;
    } cases[] = {
        {"root.tflite", root_out_of_range, "out of range"},
        {"ident.tflite", bad_ident, "file identifier"},
        {"vtable.tflite", vtable_out_of_range, "vtable"},
        {"vtable-size.tflite", vtable_huge, "vtable"},
        {"field.tflite", field_outside_table, "outside the table"},
        {"offset.tflite", offset_out_of_range, "points outside the file"},
        {"loop.tflite", offset_to_itself, ""},
        {"huge-vector.tflite", huge_vector, "more than the file holds"},
        {"huge-vector2.tflite", huge_vector_wrap, "more than the file holds"},
        {"tensor-index.tflite", tensor_index, "tensor index 1000 out of range"},
        {"negative-index.tflite", negative_tensor_index, "tensor index -1 out of range"},
        {"opcode.tflite", opcode_index, "opcode index 99 out of range"},
        {"buffer.tflite", buffer_index, "buffer index 5000 out of range"},
        {"shape.tflite", shape_mismatch, "constant data is 144 bytes"},
        {"negative-dim.tflite", negative_dim, "negative dimension"},
        {"huge-dims.tflite", huge_dims, "too large"},
        {"cycle.tflite", cycle_self, "before any operator writes it"},
        {"double-write.tflite", double_write, "already written by an earlier operator"},
        {"string.tflite", string_unterminated, "not terminated"},
        {"version.tflite", wrong_version, "schema version 2"},
        {"options.tflite", wrong_options, "union type 9, expected 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_reject(cases[i].label, cases[i].change, cases[i].want);
}

/* Every proper prefix is rejected, except prefixes that only drop the writer's final padding. */
static void truncation(void)
{
    int accepted = 0;
    for (size_t n = 0; n < orig_size; n++) {
        if (try_parse(orig, n, "truncated.tflite") == 0) {
            accepted++;
            CHECK(n + 16 > orig_size);
        }
    }
    CHECK(accepted < 16);
}

/* Random byte changes from a fixed seed: anything may happen except a crash or a bad read. */
static void flips(int rounds)
{
    uint8_t *buf = malloc(orig_size);
    uint32_t s = 2024;
    int rejected = 0;
    for (int r = 0; r < rounds; r++) {
        memcpy(buf, orig, orig_size);
        int k = 1 + r % 4;
        for (int i = 0; i < k; i++) {
            s = s * 1103515245u + 12345u;
            size_t at = (s >> 8) % orig_size;
            s = s * 1103515245u + 12345u;
            buf[at] = (r & 1) ? (uint8_t)(s >> 16) : (uint8_t)(buf[at] ^ (1u << ((s >> 16) % 8)));
        }
        rejected += try_parse(buf, orig_size, "flipped.tflite") != 0;
    }
    /* Most changes land in weight bytes and are harmless; enough must hit the structure. */
    CHECK(rejected > rounds / 20);
    fprintf(stderr, "flips: %d of %d rejected\n", rejected, rounds);
    free(buf);
}

int main(void)
{
    mcb_err_quiet(1);
    for (int int8 = 0; int8 < 2; int8++) {
        mcb_graph g;
        CHECK(tg_build(&g, int8) == 0);
        CHECK(mcb_tflite_serialize(&g, &orig, &orig_size) == 0);
        mcb_graph_free(&g);
        if (!int8)
            crafted();
        truncation();
        flips(3000);
        free(orig);
    }
    return TEST_END();
}
