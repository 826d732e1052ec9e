/* The answer of 'mcubench fit' as text and JSON (fit.h, docs/fit.md). */
#include "fit.h"

#include "json.h"

#include <string.h>

static const char *status_word(mcb_fit_status s)
{
    switch (s) {
    case MCB_FIT_FITS: return "fits";
    case MCB_FIT_UNBOUNDED: return "fits, stack not bounded";
    case MCB_FIT_OVER: return "does not fit";
    case MCB_FIT_UNAVAILABLE: return "unavailable";
    case MCB_FIT_NA: return "not applicable";
    default: return "failed";
    }
}

static int measured(const mcb_fit_row *r)
{
    return r->status == MCB_FIT_FITS || r->status == MCB_FIT_UNBOUNDED ||
           r->status == MCB_FIT_OVER;
}

static const char *th(char *buf, size_t n, int64_t v)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", (long long)(v < 0 ? -v : v));
    const size_t len = strlen(raw);
    size_t o = 0;
    if (v < 0 && o + 2 < n)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = 0;
    return buf;
}

static double pct(int64_t left, uint32_t size)
{
    return size ? 100.0 * (double)left / size : 0;
}

/* Why the stack figure is not a bound, in one sentence (without a final period). */
static void stack_caveat(const mcb_stack_bound *s, char *buf, size_t n)
{
    size_t at = 0;
    at += (size_t)snprintf(buf + at, n - at, "no static bound:");
    const char *sep = " ";
    if (s->recursive && at < n) {
        at += (size_t)snprintf(buf + at, n - at, "%scall cycles (%d or more functions on "
                               "them)", sep, s->recursive);
        sep = ", ";
    }
    if (s->dynamic && at < n) {
        at += (size_t)snprintf(buf + at, n - at, "%s%d dynamic frame%s", sep, s->dynamic,
                               s->dynamic == 1 ? "" : "s");
        sep = ", ";
    }
    if (s->unknown && at < n) {
        at += (size_t)snprintf(buf + at, n - at, "%s%d call%s into no function", sep,
                               s->unknown, s->unknown == 1 ? "" : "s");
        sep = ", ";
    }
    if (s->indirect && at < n)
        at += (size_t)snprintf(buf + at, n - at,
                               "%s%d function%s with indirect calls (virtual calls, function "
                               "pointers) followed to %d address-taken functions",
                               sep, s->indirect, s->indirect == 1 ? "" : "s", s->address_taken);
    if (at < n)
        snprintf(buf + at, n - at, "; e.g. %s. The figure is the deepest path over the calls "
                 "followed, each cycle once: not a bound", s->example);
}

static void verdict(FILE *out, const mcb_fit *f, const mcb_fit_row *r)
{
    char a[32], b[32], c[32], d[32];
    if (r->status == MCB_FIT_OVER) {
        fprintf(out, "does not fit:");
        const char *sep = " ";
        if (r->flash_left < 0) {
            fprintf(out, "%sflash over by %s bytes (needs %s, %s has %s)", sep,
                    th(a, sizeof a, -r->flash_left), th(b, sizeof b, r->flash), f->target.name,
                    th(c, sizeof c, f->target.flash_size));
            sep = "; ";
        }
        if (r->ram_left < 0)
            fprintf(out, "%sRAM over by %s bytes (needs %s%s, %s has %s)", sep,
                    th(a, sizeof a, -r->ram_left), th(b, sizeof b, r->ram),
                    r->st.bounded && r->heap >= 0 ? "" : " or more", f->target.name,
                    th(c, sizeof c, f->target.ram_size));
        fprintf(out, "\n");
        return;
    }
    th(a, sizeof a, r->flash_left);
    th(b, sizeof b, r->ram_left);
    th(c, sizeof c, r->flash);
    th(d, sizeof d, r->ram);
    if (r->status == MCB_FIT_FITS)
        fprintf(out, "fits: %s bytes of flash (%.1f%%) and %s of RAM (%.1f%%) left\n", a,
                pct(r->flash_left, f->target.flash_size), b,
                pct(r->ram_left, f->target.ram_size));
    else
        fprintf(out, "fits with the figures above (%s bytes of RAM left), but the %s no "
                "static bound: measure the peak with 'mcubench profile'\n", b,
                r->st.bounded ? "heap has" : r->heap < 0 ? "stack and the heap have"
                                                         : "stack has");
}

static void write_one(FILE *out, const mcb_fit *f, const mcb_fit_row *r)
{
    char a[32], b[32], c[32], d[32], e[32];
    const mcb_target *t = &f->target;
    fprintf(out, "flash   %9s bytes (weights %s, code and runtime %s); %s %s (%.1f%%)\n",
            th(a, sizeof a, r->flash), th(b, sizeof b, r->weights),
            th(c, sizeof c, r->flash - r->weights),
            th(d, sizeof d, r->flash_left < 0 ? -r->flash_left : r->flash_left),
            r->flash_left < 0 ? "over" : "left", pct(r->flash_left, t->flash_size));
    char heap[32];
    if (r->heap < 0)
        snprintf(heap, sizeof heap, "unknown");
    else
        th(heap, sizeof heap, r->heap);
    fprintf(out, "RAM     %9s bytes (.data %s + .bss %s + stack %s + heap %s); %s %s (%.1f%%)\n",
            th(a, sizeof a, r->ram), th(b, sizeof b, r->data), th(c, sizeof c, r->bss),
            th(d, sizeof d, r->stack), heap,
            th(e, sizeof e, r->ram_left < 0 ? -r->ram_left : r->ram_left),
            r->ram_left < 0 ? "over" : "left", pct(r->ram_left, t->ram_size));
    fprintf(out, "arena   %9s bytes, in .bss: %s\n", th(a, sizeof a, r->arena), r->arena_source);
    if (r->st.bounded) {
        fprintf(out, "stack   %9s bytes: a static bound (the worst call path from the entry "
                "over %d reachable functions", th(a, sizeof a, r->stack), r->st.functions);
        if (r->st.indirect && r->st.address_taken)
            fprintf(out, "; %d with indirect calls, followed to the %d address-taken "
                    "functions", r->st.indirect, r->st.address_taken);
        else if (r->st.indirect)
            fprintf(out, "; %d with indirect calls, which reach nothing: the image stores no "
                    "function's address", r->st.indirect);
        fprintf(out, ")\n");
    } else {
        char cav[768];
        stack_caveat(&r->st, cav, sizeof cav);
        fprintf(out, "stack   %9s bytes: %s\n", th(a, sizeof a, r->stack), cav);
    }
    fprintf(out, "        path %s\n", r->path);
    if (r->st.hinted && !r->st.hint_differ)
        fprintf(out, "        frames of the %d reachable functions compiled here equal GCC's "
                "-fstack-usage\n", r->st.hinted);
    else if (r->st.hinted)
        fprintf(out, "        frames: %d of the %d reachable functions compiled here differ from "
                "GCC's -fstack-usage (the larger taken), e.g. %s\n", r->st.hint_differ,
                r->st.hinted, r->st.hint_example);
    if (r->heap < 0)
        fprintf(out, "heap      unknown: an allocator is reachable over the calls followed "
                "(%s); no static bound\n", r->st.heap_path);
    else
        fprintf(out, "heap    %9s bytes: no allocator is reachable\n", "0");
    verdict(out, f, r);
}

void mcb_fit_write_text(FILE *out, const mcb_fit *f, const char *model)
{
    char a[32], b[32];
    const mcb_target *t = &f->target;
    fprintf(out, "%s on %s (flash %s bytes, RAM %s bytes), not simulated", model, t->name,
            th(a, sizeof a, t->flash_size), th(b, sizeof b, t->ram_size));
    if (f->n == 1 && measured(&f->rows[0])) {
        fprintf(out, ", engine %s (%s)\n", f->rows[0].engine, f->rows[0].version);
        write_one(out, f, &f->rows[0]);
        return;
    }
    fprintf(out, "\n\n%-14s %10s %10s %7s %9s %9s %7s %9s  %s\n", "engine", "flash", "left",
            "left%", "RAM", "left", "left%", "stack", "verdict");
    for (int i = 0; i < f->n; i++) {
        const mcb_fit_row *r = &f->rows[i];
        if (!measured(r)) {
            fprintf(out, "%-14s %s: %s\n", r->engine, status_word(r->status), r->why);
            continue;
        }
        char c[32], d[32], e[32], st[40];
        snprintf(st, sizeof st, "%s%s", th(e, sizeof e, r->stack), r->st.bounded ? "" : "*");
        fprintf(out, "%-14s %10s %10s %6.1f%% %9s %9s %6.1f%% %9s  ", r->engine,
                th(a, sizeof a, r->flash), th(b, sizeof b, r->flash_left),
                pct(r->flash_left, t->flash_size), th(c, sizeof c, r->ram),
                th(d, sizeof d, r->ram_left), pct(r->ram_left, t->ram_size), st);
        if (r->status == MCB_FIT_OVER) {
            const char *sep = "";
            fprintf(out, "does not fit: ");
            if (r->flash_left < 0) {
                fprintf(out, "flash over by %s bytes", th(a, sizeof a, -r->flash_left));
                sep = ", ";
            }
            if (r->ram_left < 0)
                fprintf(out, "%sRAM over by %s bytes", sep, th(a, sizeof a, -r->ram_left));
            fprintf(out, "\n");
        } else {
            fprintf(out, "%s\n", status_word(r->status));
        }
    }
    int notes = 0;
    for (int i = 0; i < f->n; i++) {
        const mcb_fit_row *r = &f->rows[i];
        if (!measured(r) || (r->st.bounded && r->heap >= 0))
            continue;
        if (!notes++)
            fprintf(out, "\n* not a bound:\n");
        char cav[768];
        stack_caveat(&r->st, cav, sizeof cav);
        fprintf(out, "%s: stack %s\n", r->engine, cav);
        if (r->heap < 0)
            fprintf(out, "%s: heap unknown: an allocator is reachable over the calls followed "
                    "(%s)\n", r->engine, r->st.heap_path);
    }
    fprintf(out, "\nRAM = .data + .bss (arena included) + stack + heap; flash without the test "
                 "inputs; 'mcubench fit M --engine E' shows one engine in detail\n");
}

static void json_row(mcb_json *j, const mcb_fit *f, const mcb_fit_row *r)
{
    mcb_json_obj_begin(j);
    mcb_json_key(j, "engine");
    mcb_json_str(j, r->engine);
    mcb_json_key(j, "engine_version");
    mcb_json_str(j, r->version);
    mcb_json_key(j, "status");
    mcb_json_str(j, status_word(r->status));
    mcb_json_key(j, "fits");
    if (r->status == MCB_FIT_FITS)
        mcb_json_bool(j, 1);
    else if (r->status == MCB_FIT_OVER)
        mcb_json_bool(j, 0);
    else
        mcb_json_null(j);
    if (!measured(r)) {
        mcb_json_key(j, "why");
        mcb_json_str(j, r->why);
        mcb_json_obj_end(j);
        return;
    }
    const struct {
        const char *k;
        int64_t v;
    } ints[] = {{"flash_bytes", r->flash},
                {"weight_bytes", r->weights},
                {"code_bytes", r->flash - r->weights},
                {"flash_left_bytes", r->flash_left},
                {"ram_bytes", r->ram},
                {"data_bytes", r->data},
                {"bss_bytes", r->bss},
                {"arena_bytes", r->arena},
                {"stack_bytes", r->stack},
                {"ram_left_bytes", r->ram_left}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        mcb_json_key(j, ints[i].k);
        mcb_json_int(j, ints[i].v);
        if (!strcmp(ints[i].k, "flash_left_bytes")) {
            mcb_json_key(j, "flash_left_pct");
            mcb_json_num(j, pct(r->flash_left, f->target.flash_size));
        }
    }
    mcb_json_key(j, "ram_left_pct");
    mcb_json_num(j, pct(r->ram_left, f->target.ram_size));
    mcb_json_key(j, "heap_bytes");
    if (r->heap < 0)
        mcb_json_null(j);
    else
        mcb_json_int(j, r->heap);
    mcb_json_key(j, "flash_over_bytes");
    mcb_json_int(j, r->flash_left < 0 ? -r->flash_left : 0);
    mcb_json_key(j, "ram_over_bytes");
    mcb_json_int(j, r->ram_left < 0 ? -r->ram_left : 0);
    mcb_json_key(j, "arena_source");
    mcb_json_str(j, r->arena_source);
    mcb_json_key(j, "stack_bounded");
    mcb_json_bool(j, r->st.bounded);
    mcb_json_key(j, "stack_caveat");
    if (r->st.bounded) {
        mcb_json_null(j);
    } else {
        char cav[768];
        stack_caveat(&r->st, cav, sizeof cav);
        mcb_json_str(j, cav);
    }
    mcb_json_key(j, "heap_caveat");
    if (r->heap < 0)
        mcb_json_str(j, r->st.heap_path);
    else
        mcb_json_null(j);
    mcb_json_key(j, "stack_functions");
    mcb_json_int(j, r->st.functions);
    mcb_json_key(j, "stack_indirect_functions");
    mcb_json_int(j, r->st.indirect);
    mcb_json_key(j, "stack_su_functions");
    mcb_json_int(j, r->st.hinted);
    mcb_json_key(j, "stack_su_differ");
    mcb_json_int(j, r->st.hint_differ);
    mcb_json_key(j, "stack_path");
    mcb_json_arr_begin(j);
    for (int i = 0; i < r->st.path_len; i++) {
        mcb_json_obj_begin(j);
        mcb_json_key(j, "function");
        mcb_json_str(j, r->st.path[i]);
        mcb_json_key(j, "frame_bytes");
        mcb_json_int(j, r->st.path_frame[i]);
        mcb_json_obj_end(j);
    }
    mcb_json_arr_end(j);
    mcb_json_obj_end(j);
}

void mcb_fit_write_json(FILE *out, const mcb_fit *f, const char *model)
{
    mcb_json j;
    mcb_json_init(&j, out, 1);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "model");
    mcb_json_str(&j, model);
    mcb_json_key(&j, "target");
    mcb_json_str(&j, f->target.name);
    mcb_json_key(&j, "flash_size");
    mcb_json_int(&j, f->target.flash_size);
    mcb_json_key(&j, "ram_size");
    mcb_json_int(&j, f->target.ram_size);
    mcb_json_key(&j, "simulated");
    mcb_json_bool(&j, 0);
    mcb_json_key(&j, "engines");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < f->n; i++)
        json_row(&j, f, &f->rows[i]);
    mcb_json_arr_end(&j);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
}
