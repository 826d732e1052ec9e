/* Result rows: cell files, CSV and JSON (row.h). One field table drives all three. */
#include "row.h"

#include "err.h"
#include "fileio.h"
#include "json.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_STR, T_INT, T_NUM } ftype;

typedef struct {
    const char *name;
    ftype type;
    size_t off, size;
} field;

#define S(f) {#f, T_STR, offsetof(mcb_row, f), sizeof(((mcb_row *)0)->f)}
#define I(f) {#f, T_INT, offsetof(mcb_row, f), sizeof(int64_t)}
#define N(f) {#f, T_NUM, offsetof(mcb_row, f), sizeof(double)}

static const field fields[] = {
    S(network), S(dataset), I(kernels), I(params), S(engine), S(engine_version),
    S(conditions), S(opt), I(no_builtin), I(weights_in_ram), I(icache), S(regulator),
    S(target), S(tool_version), S(cycle_model), S(status), S(error), S(model),
    S(model_sha256), S(quant_scheme), N(float_accuracy), N(quant_accuracy),
    S(accuracy_source), I(images), I(outputs_match), I(correct), S(reference), I(executor_agree), I(macs), N(cycles_mean),
    N(cycles_min), N(cycles_max), N(cycles_sd), N(time_ms), N(energy_dcdc_uj),
    N(energy_ldo_uj), N(energy_uj), I(ram_bytes), I(data_bytes), I(bss_bytes),
    I(stack_bytes), I(heap_bytes), I(arena_bytes), I(flash_bytes), I(weight_bytes),
    I(code_bytes), I(hand_lines), S(build_flags), S(layers), S(image_cycles), S(config),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

void mcb_row_init(mcb_row *r)
{
    memset(r, 0, sizeof *r);
    r->float_accuracy = NAN;
    r->quant_accuracy = NAN;
}

/* A value as text; in cell files (exact) with enough digits to read back the same double,
 * in CSV with JSON's 10. */
static void format(const field *f, const mcb_row *r, char *buf, size_t n, int exact)
{
    const char *p = (const char *)r + f->off;
    if (f->type == T_STR)
        snprintf(buf, n, "%s", p);
    else if (f->type == T_INT)
        snprintf(buf, n, "%lld", (long long)*(const int64_t *)p);
    else if (isnan(*(const double *)p))
        buf[0] = 0;
    else
        snprintf(buf, n, exact ? "%.17g" : "%.10g", *(const double *)p);
}

int mcb_row_save(const char *path, const mcb_row *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        mcb_error("%s: out of memory", path);
        return -1;
    }
    char buf[4200];
    for (size_t i = 0; i < NFIELDS; i++) {
        format(&fields[i], r, buf, sizeof buf, 1);
        for (char *c = buf; *c; c++) /* one line per field, whatever an error said */
            if (*c == '\t' || *c == '\n' || *c == '\r')
                *c = ' ';
        fprintf(f, "%s\t%s\n", fields[i].name, buf);
    }
    fclose(f);
    const int rc = mcb_write_file_atomic(path, text, len);
    free(text);
    return rc;
}

int mcb_row_load(const char *path, mcb_row *r)
{
    mcb_row_init(r);
    size_t n;
    char *text = (char *)mcb_read_file(path, &n);
    if (!text)
        return -1;
    int rc = 0, line = 0, have_status = 0;
    for (char *s = text, *next; s && *s && rc == 0; s = next) {
        line++;
        next = strchr(s, '\n');
        if (!next) {
            mcb_error("%s:%d: truncated (no end of line)", path, line);
            rc = -1;
            break;
        }
        *next++ = 0;
        char *tab = strchr(s, '\t');
        if (!tab) {
            mcb_error("%s:%d: expected 'field<TAB>value'", path, line);
            rc = -1;
            break;
        }
        *tab = 0;
        const char *v = tab + 1;
        for (size_t i = 0; i < NFIELDS; i++) {
            if (strcmp(fields[i].name, s) != 0)
                continue;
            char *p = (char *)r + fields[i].off, *end = NULL;
            have_status |= !strcmp(s, "status");
            if (fields[i].type == T_STR) {
                snprintf(p, fields[i].size, "%s", v);
            } else if (fields[i].type == T_INT) {
                *(int64_t *)p = strtoll(v, &end, 10);
            } else {
                *(double *)p = *v ? strtod(v, &end) : NAN;
                if (!*v)
                    end = (char *)v;
            }
            if (end && (*end || (end == v && fields[i].type == T_INT))) {
                mcb_error("%s:%d: '%s' is not a number", path, line, v);
                rc = -1;
            }
        }
    }
    if (rc == 0 && !have_status) {
        mcb_error("%s: not a result cell (no status)", path);
        rc = -1;
    }
    free(text);
    return rc;
}

void mcb_row_csv_header(FILE *f)
{
    for (size_t i = 0; i < NFIELDS; i++)
        fprintf(f, "%s%s", i ? "," : "", fields[i].name);
    fputc('\n', f);
}

void mcb_row_csv(FILE *f, const mcb_row *r)
{
    char buf[4200];
    for (size_t i = 0; i < NFIELDS; i++) {
        format(&fields[i], r, buf, sizeof buf, 0);
        if (i)
            fputc(',', f);
        if (strpbrk(buf, ",\"\n")) { /* RFC 4180 quoting */
            fputc('"', f);
            for (const char *c = buf; *c; c++) {
                if (*c == '"')
                    fputc('"', f);
                fputc(*c, f);
            }
            fputc('"', f);
        } else {
            fputs(buf, f);
        }
    }
    fputc('\n', f);
}

void mcb_rows_json(FILE *f, const mcb_row *rows, int n)
{
    mcb_json j;
    mcb_json_init(&j, f, 1);
    mcb_json_arr_begin(&j);
    for (int k = 0; k < n; k++) {
        mcb_json_obj_begin(&j);
        for (size_t i = 0; i < NFIELDS; i++) {
            const char *p = (const char *)&rows[k] + fields[i].off;
            mcb_json_key(&j, fields[i].name);
            if (fields[i].type == T_STR)
                mcb_json_str(&j, p);
            else if (fields[i].type == T_INT)
                mcb_json_int(&j, *(const int64_t *)p);
            else
                mcb_json_num(&j, *(const double *)p);
        }
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_end(&j);
}
