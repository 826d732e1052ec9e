/* bench/engines: every available engine on all ten networks of the paper family (issue 9).
 * usage: engines [--images N] [--target T] [--models DIR] [--data DIR] [--engines A,B,..]
 *                [--no-build-cost]
 *
 * Each network (models/NAME-int8.tflite) is measured on every available engine with `mcubench
 * profile`'s library (mcb_measure_run: generate, build, simulate, every output byte checked
 * against the host executor; a mismatch is an error for that pair and no figure of it is
 * printed). An engine taking q7 models (cmsis-nn-q7) gets models/NAME-q7.tflite. Per pair: cycles per inference (mean), cycles/MAC, RAM (total peak = .data + .bss +
 * peak stack + peak heap; the tensor arena; the stack; the heap), flash without the test
 * images (code = flash - model bytes; model = the engine's weights or .tflite bytes).
 * Goals, side by side in this run: aot takes at least 2x fewer cycles than tflm-cmsis-nn (and
 * cmsis-nn when it is registered) on every network, and aot's peak RAM is at most 0.5x
 * tflm-cmsis-nn's. Then the cost of the framework libraries: built into an empty temporary
 * cache (first build) and asked for again (cached); for framework engines other than tflm's,
 * the first measurement of mnist-conv16 with an empty cache against a second one. Ends with
 * one JSON line holding every figure and verdict. */
#include "engine.h"
#include "family.h"
#include "json.h"
#include "measure.h"
#include "tflm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENGINES 8

/* The zoo's model of a network in the quantization the engine takes. */
static void model_for(char *out, size_t n, const char *models, const char *net, const char *engine)
{
    const mcb_engine *e = mcb_engine_find(engine);
    snprintf(out, n, "%s/%s-%s.tflite", models, net, e && e->scheme ? e->scheme : "int8");
}
#define GOAL_SPEEDUP 2.0 /* framework cycles / aot cycles, at least */
#define GOAL_RAM 0.5     /* aot peak RAM / tflm-cmsis-nn peak RAM, at most */

typedef struct {
    int ok;
    double cycles, cpm;
    int64_t macs, ram, arena, stack, heap, static_ram, flash, model, code;
} cell;

typedef struct {
    char engine[32], library[32];
    double first_s, cached_s;
    int objects;
} build_cost;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int measure(const char *model, const char *engine, const char *target, int images,
                   const char *data, cell *c)
{
    mcb_measure_opts o = {.model = model, .engine = engine, .target = target, .images = images,
                          .data_dir = data};
    mcb_measure p;
    memset(c, 0, sizeof *c);
    const int rc = mcb_measure_run(&o, &p);
    if (rc == 0) {
        c->ok = 1;
        c->cycles = p.cycles_mean;
        c->macs = p.macs;
        c->cpm = p.cycles_mean / (double)p.macs;
        c->ram = (int64_t)p.m.ram_bytes;
        c->arena = p.arena_bytes;
        c->stack = (int64_t)p.m.stack_bytes;
        c->heap = (int64_t)p.m.heap_bytes;
        c->static_ram = (int64_t)(p.m.data_bytes + p.m.bss_bytes);
        c->flash = p.flash_bytes;
        c->model = p.weight_bytes;
        c->code = p.flash_bytes - p.weight_bytes;
    }
    mcb_measure_free(&p);
    return rc;
}

static int is_framework(const char *name)
{
    return strcmp(name, "aot") != 0;
}

/* The libraries' first and cached builds, in an empty temporary cache. */
static int build_costs(const char *const *engines, int n_engines, const char *target,
                       const char *models, const char *data, build_cost *bc, int max)
{
    char cache[] = "/tmp/mcb-bench-engines-cache-XXXXXX";
    if (!mkdtemp(cache)) {
        perror("engines: mkdtemp");
        return 0;
    }
    const char *old = getenv("MCUBENCH_CACHE");
    char *saved = old ? strdup(old) : NULL;
    setenv("MCUBENCH_CACHE", cache, 1);
    int n = 0;
    mcb_target t;
    const int have_target = mcb_target_load(target, &t) == 0;
    mcb_engine_conditions cond = {0};
    for (int e = 0; e < n_engines && have_target; e++) {
        const int cmsis = !strcmp(engines[e], "tflm-cmsis-nn");
        if (strcmp(engines[e], "tflm") != 0 && !cmsis)
            continue;
        mcb_tflm_lib first[MCB_TFLM_MAX_LIBS], again[MCB_TFLM_MAX_LIBS];
        const int k = mcb_tflm_libs(&t, &cond, cmsis, first);
        if (k < 0 || mcb_tflm_libs(&t, &cond, cmsis, again) != k)
            continue;
        for (int i = 0; i < k && n < max; i++, n++) {
            snprintf(bc[n].engine, sizeof bc[n].engine, "%.31s", engines[e]);
            snprintf(bc[n].library, sizeof bc[n].library, "%.31s", first[i].name);
            /* a library the other tflm engine built first is reported there */
            bc[n].first_s = first[i].st.cached ? -1 : first[i].st.seconds;
            bc[n].objects = first[i].st.objects;
            bc[n].cached_s = again[i].st.seconds;
        }
    }
    /* other framework engines: their whole first measurement against a second one */
    char model[4400];
    for (int e = 0; e < n_engines && n < max; e++) {
        if (!is_framework(engines[e]) || !strcmp(engines[e], "tflm") ||
            !strcmp(engines[e], "tflm-cmsis-nn"))
            continue;
        model_for(model, sizeof model, models, "mnist-conv16", engines[e]);
        cell c;
        const double t0 = now_s();
        const int a = measure(model, engines[e], target, 1, data, &c);
        const double t1 = now_s();
        const int b = measure(model, engines[e], target, 1, data, &c);
        const double t2 = now_s();
        if (a < 0 || b < 0)
            continue;
        snprintf(bc[n].engine, sizeof bc[n].engine, "%.31s", engines[e]);
        snprintf(bc[n].library, sizeof bc[n].library, "(whole profile)");
        bc[n].first_s = t1 - t0;
        bc[n].cached_s = t2 - t1;
        n++;
    }
    if (saved) {
        setenv("MCUBENCH_CACHE", saved, 1);
        free(saved);
    } else {
        unsetenv("MCUBENCH_CACHE");
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
    if (system(cmd) != 0)
        fprintf(stderr, "engines: could not remove %s\n", cache);
    return n;
}

static int find(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    int images = 2, build_cost_on = 1;
    const char *models = MCB_MODELS_DIR, *data = NULL, *target = "nrf52840", *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--images") && i + 1 < argc)
            images = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--models") && i + 1 < argc)
            models = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--target") && i + 1 < argc)
            target = argv[++i];
        else if (!strcmp(argv[i], "--engines") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--no-build-cost"))
            build_cost_on = 0;
        else {
            fprintf(stderr, "usage: engines [--images N] [--target T] [--models DIR] "
                            "[--data DIR] [--engines A,B,..] [--no-build-cost]\n");
            return 2;
        }
    }
    if (images < 1 || images > 100) {
        fprintf(stderr, "engines: --images must be 1..100\n");
        return 2;
    }
    if (!data && !getenv("MCUBENCH_DATA") && access(MCB_SHARED_DATA, R_OK) == 0)
        data = MCB_SHARED_DATA;

    /* the engines: available ones, --engines if given */
    const char *names[MAX_ENGINES];
    int ne = 0;
    for (const mcb_engine *const *e = mcb_engines(); *e && ne < MAX_ENGINES; e++) {
        char why[512];
        if (only) {
            char list[512];
            snprintf(list, sizeof list, ",%s,", only);
            char key[64];
            snprintf(key, sizeof key, ",%s,", (*e)->name);
            if (!strstr(list, key))
                continue;
        }
        if (!(*e)->available(why, sizeof why)) {
            printf("engine %s unavailable: %s\n", (*e)->name, why);
            continue;
        }
        names[ne++] = (*e)->name;
    }
    const int i_aot = find(names, ne, "aot"), i_tcn = find(names, ne, "tflm-cmsis-nn"),
              i_cn = find(names, ne, "cmsis-nn");

    build_cost bc[16];
    int nbc = build_cost_on ? build_costs(names, ne, target, models, data, bc, 16) : 0;

    static cell cells[MCB_FAMILY_COUNT][MAX_ENGINES];
    int failures = 0;
    printf("engines on the paper family: %d image(s) per network on %s, every output checked "
           "bit-exact with the host executor first\n\n", images, target);
    printf("%-16s %-14s %11s %7s | %7s %7s %6s %5s | %7s %7s %7s\n", "network", "engine",
           "cycles", "c/MAC", "RAM", "arena", "stack", "heap", "flash", "code", "model");
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        char path[4400];
        for (int e = 0; e < ne; e++) {
            model_for(path, sizeof path, models, mcb_family[i].name, names[e]);
            cell *c = &cells[i][e];
            if (measure(path, names[e], target, images, data, c) < 0) {
                fprintf(stderr, "engines: %s on %s failed (see above); no figures for it\n",
                        mcb_family[i].name, names[e]);
                printf("%-16s %-14s FAILED (no figures: outputs not checked bit-exact)\n",
                       mcb_family[i].name, names[e]);
                failures++;
            } else {
                printf("%-16s %-14s %11.0f %7.3f | %7lld %7lld %6lld %5lld | %7lld %7lld "
                       "%7lld\n",
                       mcb_family[i].name, names[e], c->cycles, c->cpm, (long long)c->ram,
                       (long long)c->arena, (long long)c->stack, (long long)c->heap,
                       (long long)c->flash, (long long)c->code, (long long)c->model);
            }
            fflush(stdout);
        }
    }
    printf("\ncolumns: cycles per inference (mean over the images), c/MAC over the whole "
           "inference; RAM = .data + .bss\n+ peak stack + peak heap (simulator), arena = the "
           "engine's tensor arena (in .bss); flash without the\ntest images, model = the "
           "weights as the engine stores them (tflm: the .tflite bytes), code = flash - model.\n");

    /* the goals, per network */
    int all = failures == 0 && i_aot >= 0 && i_tcn >= 0;
    double speed_tcn[MCB_FAMILY_COUNT] = {0}, speed_cn[MCB_FAMILY_COUNT] = {0},
           ram_ratio[MCB_FAMILY_COUNT] = {0};
    if (i_aot >= 0 && i_tcn >= 0) {
        printf("\ngoals (aot against the frameworks, same run, same target):\n");
        for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
            const cell *a = &cells[i][i_aot], *t = &cells[i][i_tcn];
            if (!a->ok || !t->ok) {
                all = 0;
                continue;
            }
            speed_tcn[i] = t->cycles / a->cycles;
            ram_ratio[i] = (double)a->ram / (double)t->ram;
            printf("%-16s tflm-cmsis-nn/aot cycles %5.2fx >= 2: %-6s", mcb_family[i].name,
                   speed_tcn[i], speed_tcn[i] >= GOAL_SPEEDUP ? "met" : "MISSED");
            all = all && speed_tcn[i] >= GOAL_SPEEDUP;
            if (i_cn >= 0 && cells[i][i_cn].ok) {
                speed_cn[i] = cells[i][i_cn].cycles / a->cycles;
                printf("  cmsis-nn/aot %5.2fx >= 2: %-6s", speed_cn[i],
                       speed_cn[i] >= GOAL_SPEEDUP ? "met" : "MISSED");
                all = all && speed_cn[i] >= GOAL_SPEEDUP;
            } else if (i_cn >= 0) {
                all = 0;
            }
            printf("  RAM aot/tflm-cmsis-nn %5.3f <= 0.5: %s\n", ram_ratio[i],
                   ram_ratio[i] <= GOAL_RAM ? "met" : "MISSED");
            all = all && ram_ratio[i] <= GOAL_RAM;
        }
        if (i_cn < 0)
            printf("(engine cmsis-nn is not registered or not available here: its goal is not "
                   "checked)\n");
    }
    printf("all goals %s%s\n", all ? "met" : "NOT met", failures ? " (some runs failed)" : "");

    if (nbc) {
        printf("\nframework libraries on this machine (empty cache, then asked again; wall "
               "time, 2 compilers at a time):\n");
        for (int i = 0; i < nbc; i++) {
            if (bc[i].first_s < 0)
                printf("%-14s %-22s (built for the engine above) cached %.3f s\n", bc[i].engine,
                       bc[i].library, bc[i].cached_s);
            else
                printf("%-14s %-22s first %7.1f s (%d objects)  cached %.3f s\n", bc[i].engine,
                       bc[i].library, bc[i].first_s, bc[i].objects, bc[i].cached_s);
        }
    }

    mcb_json j;
    mcb_json_init(&j, stdout, 0);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "bench");
    mcb_json_str(&j, "engines");
    mcb_json_key(&j, "images");
    mcb_json_int(&j, images);
    mcb_json_key(&j, "target");
    mcb_json_str(&j, target);
    mcb_json_key(&j, "all_goals_met");
    mcb_json_bool(&j, all);
    mcb_json_key(&j, "networks");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "name");
        mcb_json_str(&j, mcb_family[i].name);
        mcb_json_key(&j, "engines");
        mcb_json_obj_begin(&j);
        for (int e = 0; e < ne; e++) {
            const cell *c = &cells[i][e];
            mcb_json_key(&j, names[e]);
            mcb_json_obj_begin(&j);
            mcb_json_key(&j, "ok");
            mcb_json_bool(&j, c->ok);
            if (c->ok) {
                const struct {
                    const char *k;
                    int64_t v;
                } f[] = {{"macs", c->macs},     {"ram_bytes", c->ram},
                         {"arena_bytes", c->arena}, {"stack_bytes", c->stack},
                         {"heap_bytes", c->heap}, {"static_ram_bytes", c->static_ram},
                         {"flash_bytes", c->flash}, {"code_bytes", c->code},
                         {"model_bytes", c->model}};
                mcb_json_key(&j, "cycles");
                mcb_json_num(&j, c->cycles);
                mcb_json_key(&j, "cycles_per_mac");
                mcb_json_num(&j, c->cpm);
                for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
                    mcb_json_key(&j, f[k].k);
                    mcb_json_int(&j, f[k].v);
                }
            }
            mcb_json_obj_end(&j);
        }
        mcb_json_obj_end(&j);
        if (speed_tcn[i] > 0) {
            mcb_json_key(&j, "speedup_vs_tflm_cmsis_nn");
            mcb_json_num(&j, speed_tcn[i]);
            mcb_json_key(&j, "ram_ratio_vs_tflm_cmsis_nn");
            mcb_json_num(&j, ram_ratio[i]);
        }
        if (speed_cn[i] > 0) {
            mcb_json_key(&j, "speedup_vs_cmsis_nn");
            mcb_json_num(&j, speed_cn[i]);
        }
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_key(&j, "library_builds");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < nbc; i++) {
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "engine");
        mcb_json_str(&j, bc[i].engine);
        mcb_json_key(&j, "library");
        mcb_json_str(&j, bc[i].library);
        mcb_json_key(&j, "first_s");
        if (bc[i].first_s < 0)
            mcb_json_null(&j);
        else
            mcb_json_num(&j, bc[i].first_s);
        mcb_json_key(&j, "objects");
        mcb_json_int(&j, bc[i].objects);
        mcb_json_key(&j, "cached_s");
        mcb_json_num(&j, bc[i].cached_s);
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
    return failures ? 1 : 0;
}
