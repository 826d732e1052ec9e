/* A minimal FlatBuffers reader and writer, just enough for .tflite.
 *
 * Reader: every access goes through fb_buf, which knows the buffer size; each table, vtable,
 * field, vector and string is bounds-, alignment- and overflow-checked before it is read, as
 * the FlatBuffers verifier does. The first problem is kept in b->err (and -1 returned); later
 * calls keep failing, so callers may check once after a group of reads. uoffsets only point
 * forward, so no walk through the file can loop.
 *
 * Writer: lays the buffer out front to back (parents before children). A table is staged with
 * fb_tb_* calls and emitted by fb_tb_end; offset fields are placeholders patched with fb_patch
 * once the child is written (children always land after their parent, so offsets stay forward
 * as the format requires). Field order inside a table is fixed (largest first, then by id), so
 * the same calls give the same bytes. */
#ifndef MCB_FLATBUF_H
#define MCB_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

/* ---- reader ---- */
typedef struct {
    const uint8_t *buf;
    size_t size;
    char err[200];
} fb_buf;

/* A table; present == 0 stands for an absent table (every field reads as its default). */
typedef struct {
    int present;
    size_t pos, vt;
    unsigned vsize, tsize;
} fb_table;

/* Elements of a vector start at pos; n elements of elem_size bytes each. */
typedef struct {
    size_t pos, n, elem_size;
} fb_vec;

int fb_fail(fb_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

uint32_t fb_rd_u32(const fb_buf *b, size_t pos); /* caller has checked pos + 4 <= size */

/* The root table; checks the 4-byte file identifier when ident is non-NULL. */
int fb_root(fb_buf *b, const char *ident, fb_table *t);
int fb_table_at(fb_buf *b, size_t pos, fb_table *t);

/* Scalars: the default when the field (or the table) is absent. */
int fb_get_u8(fb_buf *b, const fb_table *t, int id, uint8_t def, uint8_t *out);
int fb_get_i8(fb_buf *b, const fb_table *t, int id, int8_t def, int8_t *out);
int fb_get_i32(fb_buf *b, const fb_table *t, int id, int32_t def, int32_t *out);
int fb_get_u32(fb_buf *b, const fb_table *t, int id, uint32_t def, uint32_t *out);
int fb_get_u64(fb_buf *b, const fb_table *t, int id, uint64_t def, uint64_t *out);
int fb_get_f32(fb_buf *b, const fb_table *t, int id, float def, float *out);

/* A sub-table field (out->present == 0 if absent). */
int fb_get_table(fb_buf *b, const fb_table *t, int id, fb_table *out);
/* A vector field of scalars (elem_size 1, 4 or 8) or of offsets (elem_size 4); n == 0 if absent. */
int fb_get_vec(fb_buf *b, const fb_table *t, int id, size_t elem_size, fb_vec *v);
/* Element i of a vector of tables. */
int fb_vec_table(fb_buf *b, const fb_vec *v, size_t i, fb_table *out);
int32_t fb_vec_i32(const fb_buf *b, const fb_vec *v, size_t i);
int64_t fb_vec_i64(const fb_buf *b, const fb_vec *v, size_t i);
float fb_vec_f32(const fb_buf *b, const fb_vec *v, size_t i);
/* A string field as a malloc'd, NUL-terminated copy (NULL if absent). Strings longer than
 * max_len, or holding NUL bytes, are errors. */
int fb_get_str(fb_buf *b, const fb_table *t, int id, size_t max_len, char **out);

/* ---- writer ---- */
typedef struct {
    uint8_t *d;
    size_t n, cap;
    int oom;
} fb_builder;

#define FB_MAX_FIELDS 16

typedef struct {
    int nfields;
    struct {
        int present, size, is_ref;
        uint8_t val[8];
    } f[FB_MAX_FIELDS];
    size_t ref_pos[FB_MAX_FIELDS]; /* filled by fb_tb_end: where each offset field sits */
} fb_tb;

void fb_init(fb_builder *w);
void fb_free(fb_builder *w);
/* Reserves the 8-byte header (root offset + identifier); fb_finish patches the root. */
void fb_begin(fb_builder *w, const char *ident);
void fb_finish(fb_builder *w, size_t root_table);

void fb_tb_init(fb_tb *t);
void fb_tb_u8(fb_tb *t, int id, uint8_t v);
void fb_tb_i32(fb_tb *t, int id, int32_t v);
void fb_tb_u32(fb_tb *t, int id, uint32_t v);
void fb_tb_f32(fb_tb *t, int id, float v);
void fb_tb_ref(fb_tb *t, int id); /* an offset to a child, patched later */
size_t fb_tb_end(fb_builder *w, fb_tb *t);

/* Points the offset field at field_pos to target (target > field_pos). */
void fb_patch(fb_builder *w, size_t field_pos, size_t target);
/* Starts a vector of n elements of elem_size bytes whose data is aligned to align; returns the
 * vector's position (its length word). Elements are then appended with fb_put_*. */
size_t fb_vec_begin(fb_builder *w, size_t n, size_t elem_size, size_t align);
void fb_put_bytes(fb_builder *w, const void *p, size_t n);
void fb_put_u32(fb_builder *w, uint32_t v);
void fb_put_i64(fb_builder *w, int64_t v);
void fb_put_f32(fb_builder *w, float v);
size_t fb_put_str(fb_builder *w, const char *s);
/* A vector of int32 values, written whole. */
size_t fb_put_vec_i32(fb_builder *w, const int32_t *v, size_t n);

#endif
