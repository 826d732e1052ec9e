#include "json.h"

#include <math.h>

void mcb_json_init(mcb_json *j, FILE *f, int pretty)
{
    j->f = f;
    j->depth = 0;
    j->need_comma[0] = 0;
    j->after_key = 0;
    j->pretty = pretty;
}

static void indent(mcb_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

static void pre_value(mcb_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->need_comma[j->depth])
        fputc(',', j->f);
    if (j->depth > 0)
        indent(j);
    j->need_comma[j->depth] = 1;
}

static void open(mcb_json *j, char c)
{
    pre_value(j);
    fputc(c, j->f);
    if (j->depth < 31)
        j->depth++;
    j->need_comma[j->depth] = 0;
}

static void close(mcb_json *j, char c)
{
    int had = j->need_comma[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had)
        indent(j);
    fputc(c, j->f);
}

void mcb_json_obj_begin(mcb_json *j) { open(j, '{'); }
void mcb_json_obj_end(mcb_json *j) { close(j, '}'); }
void mcb_json_arr_begin(mcb_json *j) { open(j, '['); }
void mcb_json_arr_end(mcb_json *j) { close(j, ']'); }

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if the bytes there are not one
 * (a stray continuation byte, an overlong form, a surrogate, above U+10FFFF, cut short). */
static int utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n <= 1)
        return n;
    uint32_t cp = c & (0x7Fu >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Valid UTF-8 is copied; every byte that is not part of valid UTF-8 (a file name in another
 * encoding, binary output) becomes U+FFFD, so the document is always valid JSON. */
static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, (size_t)n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
        p++;
    }
    fputc('"', f);
}

void mcb_json_key(mcb_json *j, const char *key)
{
    pre_value(j);
    write_string(j->f, key);
    fputs(j->pretty ? ": " : ":", j->f);
    j->after_key = 1;
}

void mcb_json_str(mcb_json *j, const char *s)
{
    pre_value(j);
    write_string(j->f, s ? s : "");
}

void mcb_json_int(mcb_json *j, int64_t v)
{
    pre_value(j);
    fprintf(j->f, "%lld", (long long)v);
}

void mcb_json_num(mcb_json *j, double v)
{
    pre_value(j);
    if (!isfinite(v))
        fputs("null", j->f);
    else
        fprintf(j->f, "%.10g", v);
}

void mcb_json_bool(mcb_json *j, int v)
{
    pre_value(j);
    fputs(v ? "true" : "false", j->f);
}

void mcb_json_null(mcb_json *j)
{
    pre_value(j);
    fputs("null", j->f);
}

void mcb_json_end(mcb_json *j) { fputc('\n', j->f); }
