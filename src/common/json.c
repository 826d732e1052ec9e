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

static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
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
