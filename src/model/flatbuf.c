#include "flatbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FlatBuffers caps a buffer below 2 GiB (offsets are 32-bit, soffsets signed). */
#define FB_MAX_SIZE 0x7fffffffu

int fb_fail(fb_buf *b, const char *fmt, ...)
{
    if (b->err[0])
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, sizeof b->err, fmt, ap);
    va_end(ap);
    if (!b->err[0])
        snprintf(b->err, sizeof b->err, "malformed flatbuffer");
    return -1;
}

/* Little-endian loads, byte by byte: no alignment or endianness assumptions about the host. */
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

uint32_t fb_rd_u32(const fb_buf *b, size_t pos) { return rd32(b->buf + pos); }

/* True if [pos, pos+len) lies inside the buffer (no overflow on the way). */
static int in_range(const fb_buf *b, size_t pos, size_t len)
{
    return pos <= b->size && len <= b->size - pos;
}

int fb_table_at(fb_buf *b, size_t pos, fb_table *t)
{
    memset(t, 0, sizeof *t);
    if (b->err[0])
        return -1;
    if (pos % 4 || !in_range(b, pos, 4))
        return fb_fail(b, "table at offset %zu is out of range or misaligned", pos);
    int32_t soff = (int32_t)rd32(b->buf + pos);
    int64_t vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || vt % 2 || !in_range(b, (size_t)vt, 4))
        return fb_fail(b, "vtable of table at offset %zu is out of range", pos);
    unsigned vsize = rd16(b->buf + vt), tsize = rd16(b->buf + vt + 2);
    if (vsize < 4 || vsize % 2 || !in_range(b, (size_t)vt, vsize))
        return fb_fail(b, "vtable of table at offset %zu has a bad size %u", pos, vsize);
    if (tsize < 4 || !in_range(b, pos, tsize))
        return fb_fail(b, "table at offset %zu runs past the end (%u bytes)", pos, tsize);
    t->present = 1;
    t->pos = pos;
    t->vt = (size_t)vt;
    t->vsize = vsize;
    t->tsize = tsize;
    return 0;
}

int fb_root(fb_buf *b, const char *ident, fb_table *t)
{
    memset(t, 0, sizeof *t);
    if (b->size > FB_MAX_SIZE)
        return fb_fail(b, "file too large for a flatbuffer (%zu bytes)", b->size);
    if (b->size < 8)
        return fb_fail(b, "too short for a flatbuffer (%zu bytes)", b->size);
    if (ident && memcmp(b->buf + 4, ident, 4) != 0)
        return fb_fail(b, "not a %s flatbuffer (file identifier differs)", ident);
    return fb_table_at(b, rd32(b->buf), t);
}

/* Position of field id in the table, 0 if absent; checks it fits inside the table and is
 * aligned to its width. */
static int field(fb_buf *b, const fb_table *t, int id, size_t width, size_t *pos)
{
    *pos = 0;
    if (b->err[0])
        return -1;
    if (!t->present)
        return 0;
    size_t slot = 4 + 2 * (size_t)id;
    if (slot + 2 > t->vsize)
        return 0;
    unsigned off = rd16(b->buf + t->vt + slot);
    if (!off)
        return 0;
    if (off < 4 || off + width > t->tsize)
        return fb_fail(b, "field %d of table at offset %zu lies outside the table", id, t->pos);
    if ((t->pos + off) % width)
        return fb_fail(b, "field %d of table at offset %zu is misaligned", id, t->pos);
    *pos = t->pos + off;
    return 0;
}

static int get_raw(fb_buf *b, const fb_table *t, int id, size_t width, uint64_t *raw, int *found)
{
    size_t p;
    *found = 0;
    if (field(b, t, id, width, &p) != 0)
        return -1;
    if (!p)
        return 0;
    *found = 1;
    switch (width) {
    case 1: *raw = b->buf[p]; break;
    case 4: *raw = rd32(b->buf + p); break;
    default: *raw = rd64(b->buf + p); break;
    }
    return 0;
}

int fb_get_u8(fb_buf *b, const fb_table *t, int id, uint8_t def, uint8_t *out)
{
    uint64_t r;
    int found;
    if (get_raw(b, t, id, 1, &r, &found))
        return -1;
    *out = found ? (uint8_t)r : def;
    return 0;
}

int fb_get_i8(fb_buf *b, const fb_table *t, int id, int8_t def, int8_t *out)
{
    uint8_t u;
    if (fb_get_u8(b, t, id, (uint8_t)def, &u))
        return -1;
    *out = (int8_t)u;
    return 0;
}

int fb_get_u32(fb_buf *b, const fb_table *t, int id, uint32_t def, uint32_t *out)
{
    uint64_t r;
    int found;
    if (get_raw(b, t, id, 4, &r, &found))
        return -1;
    *out = found ? (uint32_t)r : def;
    return 0;
}

int fb_get_i32(fb_buf *b, const fb_table *t, int id, int32_t def, int32_t *out)
{
    uint32_t u;
    if (fb_get_u32(b, t, id, (uint32_t)def, &u))
        return -1;
    *out = (int32_t)u;
    return 0;
}

int fb_get_u64(fb_buf *b, const fb_table *t, int id, uint64_t def, uint64_t *out)
{
    uint64_t r;
    int found;
    if (get_raw(b, t, id, 8, &r, &found))
        return -1;
    *out = found ? r : def;
    return 0;
}

int fb_get_f32(fb_buf *b, const fb_table *t, int id, float def, float *out)
{
    uint32_t u;
    uint32_t d;
    memcpy(&d, &def, 4);
    if (fb_get_u32(b, t, id, d, &u))
        return -1;
    memcpy(out, &u, 4);
    return 0;
}

/* Follows the uoffset stored at p; 0 (with an error) if the target is outside the buffer. */
static size_t follow(fb_buf *b, size_t p)
{
    uint64_t target = (uint64_t)p + rd32(b->buf + p);
    if (target >= b->size) {
        fb_fail(b, "offset at %zu points outside the file", p);
        return 0;
    }
    return (size_t)target;
}

int fb_get_table(fb_buf *b, const fb_table *t, int id, fb_table *out)
{
    size_t p;
    memset(out, 0, sizeof *out);
    if (field(b, t, id, 4, &p))
        return -1;
    if (!p)
        return 0;
    size_t target = follow(b, p);
    return target ? fb_table_at(b, target, out) : -1;
}

static int vec_at(fb_buf *b, size_t pos, size_t elem_size, fb_vec *v)
{
    if (pos % 4 || !in_range(b, pos, 4))
        return fb_fail(b, "vector at offset %zu is out of range or misaligned", pos);
    size_t n = rd32(b->buf + pos);
    size_t data = pos + 4;
    if (n > (b->size - data) / elem_size)
        return fb_fail(b, "vector at offset %zu claims %zu elements, more than the file holds", pos,
                       n);
    if (elem_size > 1 && data % elem_size)
        return fb_fail(b, "vector at offset %zu is misaligned", pos);
    v->pos = data;
    v->n = n;
    v->elem_size = elem_size;
    return 0;
}

int fb_get_vec(fb_buf *b, const fb_table *t, int id, size_t elem_size, fb_vec *v)
{
    size_t p;
    memset(v, 0, sizeof *v);
    v->elem_size = elem_size;
    if (field(b, t, id, 4, &p))
        return -1;
    if (!p)
        return 0;
    size_t target = follow(b, p);
    return target ? vec_at(b, target, elem_size, v) : -1;
}

int fb_vec_table(fb_buf *b, const fb_vec *v, size_t i, fb_table *out)
{
    memset(out, 0, sizeof *out);
    if (b->err[0])
        return -1;
    if (i >= v->n || v->elem_size != 4)
        return fb_fail(b, "vector index %zu out of range", i);
    size_t target = follow(b, v->pos + 4 * i);
    return target ? fb_table_at(b, target, out) : -1;
}

int32_t fb_vec_i32(const fb_buf *b, const fb_vec *v, size_t i)
{
    return (int32_t)rd32(b->buf + v->pos + 4 * i);
}

int64_t fb_vec_i64(const fb_buf *b, const fb_vec *v, size_t i)
{
    return (int64_t)rd64(b->buf + v->pos + 8 * i);
}

float fb_vec_f32(const fb_buf *b, const fb_vec *v, size_t i)
{
    uint32_t u = rd32(b->buf + v->pos + 4 * i);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

int fb_get_str(fb_buf *b, const fb_table *t, int id, size_t max_len, char **out)
{
    fb_vec v;
    *out = NULL;
    if (fb_get_vec(b, t, id, 1, &v))
        return -1;
    size_t p;
    if (field(b, t, id, 4, &p) || !p)
        return b->err[0] ? -1 : 0;
    /* FlatBuffers strings carry a NUL after their bytes; the verifier insists on it. */
    if (v.n >= b->size - v.pos || b->buf[v.pos + v.n] != 0)
        return fb_fail(b, "string at offset %zu is not terminated", v.pos);
    if (v.n > max_len)
        return fb_fail(b, "string at offset %zu is too long (%zu bytes)", v.pos, v.n);
    if (memchr(b->buf + v.pos, 0, v.n))
        return fb_fail(b, "string at offset %zu holds a NUL byte", v.pos);
    char *s = malloc(v.n + 1);
    if (!s)
        return fb_fail(b, "out of memory");
    memcpy(s, b->buf + v.pos, v.n + 1);
    *out = s;
    return 0;
}

/* ---- writer ---- */

void fb_init(fb_builder *w) { memset(w, 0, sizeof *w); }

void fb_free(fb_builder *w)
{
    free(w->d);
    memset(w, 0, sizeof *w);
}

static uint8_t *grow(fb_builder *w, size_t n)
{
    if (w->oom)
        return NULL;
    if (n > FB_MAX_SIZE - w->n) {
        w->oom = 1;
        return NULL;
    }
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 1024;
        while (cap < w->n + n)
            cap *= 2;
        uint8_t *d = realloc(w->d, cap);
        if (!d) {
            w->oom = 1;
            return NULL;
        }
        w->d = d;
        w->cap = cap;
    }
    uint8_t *p = w->d + w->n;
    memset(p, 0, n);
    w->n += n;
    return p;
}

static void wr16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Pads with zeros until (n + extra) is a multiple of align. */
static void pad_for(fb_builder *w, size_t extra, size_t align)
{
    size_t r = (w->n + extra) % align;
    if (r)
        grow(w, align - r);
}

void fb_put_bytes(fb_builder *w, const void *p, size_t n)
{
    uint8_t *d = grow(w, n);
    if (d && n)
        memcpy(d, p, n);
}

void fb_put_u32(fb_builder *w, uint32_t v)
{
    uint8_t *d = grow(w, 4);
    if (d)
        wr32(d, v);
}

void fb_put_i64(fb_builder *w, int64_t v)
{
    uint8_t *d = grow(w, 8);
    if (d) {
        wr32(d, (uint32_t)(uint64_t)v);
        wr32(d + 4, (uint32_t)((uint64_t)v >> 32));
    }
}

void fb_put_f32(fb_builder *w, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    fb_put_u32(w, u);
}

void fb_begin(fb_builder *w, const char *ident)
{
    uint8_t *d = grow(w, 8);
    if (d && ident)
        memcpy(d + 4, ident, 4);
}

void fb_finish(fb_builder *w, size_t root_table)
{
    if (!w->oom && w->n >= 8)
        wr32(w->d, (uint32_t)root_table);
    pad_for(w, 0, 16);
}

void fb_patch(fb_builder *w, size_t field_pos, size_t target)
{
    if (w->oom || target <= field_pos || field_pos + 4 > w->n) {
        w->oom = 1;
        return;
    }
    wr32(w->d + field_pos, (uint32_t)(target - field_pos));
}

size_t fb_vec_begin(fb_builder *w, size_t n, size_t elem_size, size_t align)
{
    (void)elem_size;
    if (align < 4)
        align = 4;
    pad_for(w, 4, align);
    size_t pos = w->n;
    fb_put_u32(w, (uint32_t)n);
    return pos;
}

size_t fb_put_str(fb_builder *w, const char *s)
{
    size_t len = strlen(s);
    size_t pos = fb_vec_begin(w, len, 1, 4);
    fb_put_bytes(w, s, len + 1);
    return pos;
}

size_t fb_put_vec_i32(fb_builder *w, const int32_t *v, size_t n)
{
    size_t pos = fb_vec_begin(w, n, 4, 4);
    for (size_t i = 0; i < n; i++)
        fb_put_u32(w, (uint32_t)v[i]);
    return pos;
}

void fb_tb_init(fb_tb *t) { memset(t, 0, sizeof *t); }

static void tb_set(fb_tb *t, int id, int size, const void *val, int is_ref)
{
    if (id < 0 || id >= FB_MAX_FIELDS)
        return;
    t->f[id].present = 1;
    t->f[id].size = size;
    t->f[id].is_ref = is_ref;
    memset(t->f[id].val, 0, 8);
    if (val) /* little-endian host bytes are rewritten portably below */
        memcpy(t->f[id].val, val, (size_t)size);
    if (id + 1 > t->nfields)
        t->nfields = id + 1;
}

void fb_tb_u8(fb_tb *t, int id, uint8_t v) { tb_set(t, id, 1, &v, 0); }

void fb_tb_u32(fb_tb *t, int id, uint32_t v)
{
    uint8_t b[4];
    wr32(b, v);
    tb_set(t, id, 4, b, 0);
}

void fb_tb_i32(fb_tb *t, int id, int32_t v) { fb_tb_u32(t, id, (uint32_t)v); }

void fb_tb_f32(fb_tb *t, int id, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    fb_tb_u32(t, id, u);
}

void fb_tb_ref(fb_tb *t, int id) { tb_set(t, id, 4, NULL, 1); }

size_t fb_tb_end(fb_builder *w, fb_tb *t)
{
    /* Field order: widest first, then by id, so every field is naturally aligned. */
    int order[FB_MAX_FIELDS], k = 0;
    for (int size = 8; size >= 1; size /= 2)
        for (int id = 0; id < t->nfields; id++)
            if (t->f[id].present && t->f[id].size == size)
                order[k++] = id;
    unsigned off[FB_MAX_FIELDS] = {0};
    unsigned tsize = 4; /* the soffset to the vtable */
    for (int i = 0; i < k; i++) {
        unsigned s = (unsigned)t->f[order[i]].size;
        tsize = (tsize + s - 1) / s * s;
        off[order[i]] = tsize;
        tsize += s;
    }
    size_t vsize = 4 + 2 * (size_t)t->nfields;
    /* The vtable sits right before its table; the table is 8-byte aligned so that any field
     * width is aligned in absolute terms too. */
    pad_for(w, vsize, 8);
    uint8_t *vt = grow(w, vsize);
    if (!vt)
        return 0;
    size_t vt_pos = w->n - vsize;
    wr16(vt, (unsigned)vsize);
    wr16(vt + 2, tsize);
    for (int id = 0; id < t->nfields; id++)
        wr16(vt + 4 + 2 * id, off[id]);
    size_t pos = w->n;
    uint8_t *tb = grow(w, tsize);
    if (!tb)
        return 0;
    wr32(tb, (uint32_t)(pos - vt_pos));
    for (int id = 0; id < t->nfields; id++) {
        if (!t->f[id].present)
            continue;
        memcpy(tb + off[id], t->f[id].val, (size_t)t->f[id].size);
        t->ref_pos[id] = t->f[id].is_ref ? pos + off[id] : 0;
    }
    return pos;
}
