/* The paper sweep (paper.h): jobs, a process pool, resumption, shards, merge, results. */
#include "paper.h"

#include "cycles.h"
#include "engine.h"
#include "err.h"
#include "family.h"
#include "fileio.h"
#include "measure.h"
#include "proc.h"
#include "progress.h"
#include "sha256.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MCB_MODELS_DIR
#define MCB_MODELS_DIR "models"
#endif

/* ---- the sweep's description ---------------------------------------------------------- */

static int split(const char *list, char out[][32], int max, const char *what)
{
    int n = 0;
    const char *s = list;
    while (*s) {
        const char *e = strchr(s, ',');
        const size_t len = e ? (size_t)(e - s) : strlen(s);
        if (!len || len >= 32) {
            mcb_error("%s: bad list '%s'", what, list);
            return -1;
        }
        if (n == max) {
            mcb_error("%s: at most %d entries in '%s'", what, max, list);
            return -1;
        }
        memcpy(out[n], s, len);
        out[n][len] = 0;
        for (int k = 0; k < n; k++)
            if (!strcmp(out[k], out[n])) {
                mcb_error("%s: '%s' given twice", what, out[n]);
                return -1;
            }
        n++;
        s += len + (e != NULL);
        if (e && !*s) {
            mcb_error("%s: bad list '%s'", what, list);
            return -1;
        }
    }
    if (!n)
        mcb_error("%s: empty list", what);
    return n ? n : -1;
}

int mcb_paper_sweep_parse(mcb_paper_sweep *s, const char *datasets, const char *kernels,
                          const char *engines, const char *conditions)
{
    char items[MCB_PAPER_MAX_ENGINES][32];
    int n = split(datasets, items, MCB_PAPER_MAX_DATASETS, "--datasets");
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(items[i], "mnist") && strcmp(items[i], "cifar10")) {
            mcb_error("--datasets: '%s' is not a dataset of the paper (mnist, cifar10)",
                      items[i]);
            return -1;
        }
        snprintf(s->datasets[i], sizeof s->datasets[i], "%.15s", items[i]);
    }
    s->n_datasets = n;
    if ((n = split(kernels, items, MCB_PAPER_MAX_KERNELS, "--kernels")) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "mnist-conv%.31s", items[i]);
        char *end;
        const long k = strtol(items[i], &end, 10);
        if (*end || !mcb_family_find(name)) {
            mcb_error("--kernels: %s is not a kernel count of the paper family (16, 32, 64, "
                      "96, 128)", items[i]);
            return -1;
        }
        s->kernels[i] = (int)k;
    }
    s->n_kernels = n;
    if (engines) {
        if ((n = split(engines, items, MCB_PAPER_MAX_ENGINES, "--engines")) < 0)
            return -1;
        for (int i = 0; i < n; i++) {
            if (!mcb_engine_find(items[i])) {
                char names[256];
                mcb_engine_names(names, sizeof names);
                mcb_error("--engines: no engine '%s' (engines: %s)", items[i], names);
                return -1;
            }
            snprintf(s->engines[i], sizeof s->engines[i], "%.31s", items[i]);
        }
    } else {
        n = 0;
        for (const mcb_engine *const *e = mcb_engines(); *e && n < MCB_PAPER_MAX_ENGINES; e++)
            snprintf(s->engines[n++], sizeof s->engines[0], "%s", (*e)->name);
    }
    s->n_engines = n;
    if ((n = split(conditions, items, 2, "--conditions")) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(items[i], "fair") && strcmp(items[i], "paper")) {
            mcb_error("--conditions: '%s' is neither fair nor paper", items[i]);
            return -1;
        }
        snprintf(s->conditions[i], sizeof s->conditions[i], "%.7s", items[i]);
    }
    s->n_conditions = n;
    return 0;
}

static char *sweep_text(const mcb_paper_sweep *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("datasets\t", f);
    for (int i = 0; i < s->n_datasets; i++)
        fprintf(f, "%s%s", i ? "," : "", s->datasets[i]);
    fputs("\nkernels\t", f);
    for (int i = 0; i < s->n_kernels; i++)
        fprintf(f, "%s%d", i ? "," : "", s->kernels[i]);
    fputs("\nengines\t", f);
    for (int i = 0; i < s->n_engines; i++)
        fprintf(f, "%s%s", i ? "," : "", s->engines[i]);
    fputs("\nconditions\t", f);
    for (int i = 0; i < s->n_conditions; i++)
        fprintf(f, "%s%s", i ? "," : "", s->conditions[i]);
    fprintf(f, "\nimages\t%d\nretrain\t%d\ntarget\t%s\n", s->images, s->retrain, s->target);
    fclose(f);
    return text;
}

static int sweep_load(const char *dir, mcb_paper_sweep *s, char **text_out)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.txt", dir);
    size_t n;
    char *text = (char *)mcb_read_file(path, &n);
    if (!text)
        return -1;
    char ds[128] = "", ks[128] = "", es[512] = "", cs[64] = "";
    memset(s, 0, sizeof *s);
    int got = 0;
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next = 0;
        char *tab = strchr(line, '\t');
        if (tab) {
            *tab = 0;
            const char *v = tab + 1;
            got += !strcmp(line, "datasets") && snprintf(ds, sizeof ds, "%s", v) >= 0;
            got += !strcmp(line, "kernels") && snprintf(ks, sizeof ks, "%s", v) >= 0;
            got += !strcmp(line, "engines") && snprintf(es, sizeof es, "%s", v) >= 0;
            got += !strcmp(line, "conditions") && snprintf(cs, sizeof cs, "%s", v) >= 0;
            if (!strcmp(line, "images"))
                got += (s->images = atoi(v)) > 0;
            if (!strcmp(line, "retrain"))
                got += 1 + 0 * (s->retrain = atoi(v));
            if (!strcmp(line, "target"))
                got += snprintf(s->target, sizeof s->target, "%s", v) >= 0;
            *tab = '\t';
        }
        if (next)
            *next++ = '\n';
        line = next;
    }
    int rc = got == 7 ? 0 : -1;
    if (rc < 0)
        mcb_error("%s: not a sweep description (made by 'mcubench paper')", path);
    else
        rc = mcb_paper_sweep_parse(s, ds, ks, es, cs);
    if (rc == 0 && text_out)
        *text_out = text;
    else
        free(text);
    return rc;
}

/* ---- jobs ------------------------------------------------------------------------------ */

typedef enum { JOB_PREP, JOB_ACC, JOB_CELL } job_kind;

typedef struct {
    job_kind kind;
    char network[32], dataset[16];
    int kernels;
    const mcb_engine *engine; /* JOB_CELL */
    char conditions[8];       /* JOB_CELL */
    char path[4200];          /* its file in DIR/cells (PREP: none) */
    pid_t pid;
    int done;
    int64_t macs; /* the network's, for the order of execution */
    int index;    /* canonical position */
} job;

/* Larger networks first (their uTensor cells are the longest jobs, minutes each): with
 * --jobs N the sweep then ends on short jobs instead of waiting for one long one. */
static int job_order(const void *a, const void *b)
{
    const job *x = a, *y = b;
    if (x->macs != y->macs)
        return x->macs > y->macs ? -1 : 1;
    return x->index - y->index;
}

typedef struct {
    const mcb_paper_opts *o;
    char self[4096];   /* this executable, for train / quantize / eval */
    char models[4096]; /* the zoo */
    int need_q7;
} ctx;

static const char *scheme_of(const mcb_engine *e)
{
    return e->scheme ? e->scheme : "int8";
}

/* The model file a scheme of a network is taken from: the zoo's, or DIR/models' (retrained,
 * or quantized here because the zoo has none of that scheme). */
static void model_path(const ctx *c, const char *network, const char *scheme, char *out,
                       size_t n)
{
    char suffix[16] = "";
    if (strcmp(scheme, "float") != 0)
        snprintf(suffix, sizeof suffix, "-%s", scheme);
    char zoo[8300];
    snprintf(zoo, sizeof zoo, "%s/%s%s.tflite", c->models, network, suffix);
    if (c->o->s.retrain || access(zoo, F_OK) != 0)
        snprintf(zoo, sizeof zoo, "%s/models/%s%s.tflite", c->o->out, network, suffix);
    if (strlen(zoo) >= n) /* never a silently shortened path: it would name another file */
        zoo[0] = 0;
    snprintf(out, n, "%s", zoo);
}

static int file_sha256(const char *path, char hex[65])
{
    size_t n;
    uint8_t *data = mcb_read_file(path, &n);
    if (!data)
        return -1;
    uint8_t d[32];
    mcb_sha256_buf(data, n, d);
    free(data);
    mcb_sha256_hex(d, hex);
    return 0;
}

static void conditions_of(const char *conditions, const mcb_engine *e,
                          mcb_engine_conditions *cond, const char **regulator)
{
    memset(cond, 0, sizeof *cond);
    *regulator = "dcdc";
    if (strcmp(conditions, "paper") != 0)
        return;
    /* As the paper's builds were made (../shared/paper/README.md): CMSIS-NN at -O3
     * -fno-builtin with weights in RAM, LDO and the cache off; TFLM at -Os with DC/DC and the
     * cache on. Engines the paper did not have keep the fair conditions. */
    if (!strncmp(e->name, "cmsis-nn", 8)) {
        cond->opt = "-O3";
        cond->no_builtin = 1;
        cond->weights_in_ram = e->weights_in_ram;
        cond->icache_off = 1;
        *regulator = "ldo";
    } else if (!strncmp(e->name, "tflm", 4)) {
        cond->opt = "-Os";
    }
}

/* The optimisation flag in effect: the condition's, else the last -O of the target's. */
static void effective_opt(const mcb_target *t, const mcb_engine_conditions *cond, char *out,
                          size_t n)
{
    snprintf(out, n, "%s", cond->opt ? cond->opt : "");
    if (cond->opt)
        return;
    for (const char *p = t->cflags; (p = strstr(p, "-O")); p += 2) {
        size_t k = strcspn(p, " ");
        snprintf(out, n, "%.*s", (int)k, p);
    }
}

/* What decides a cell's figures, hashed: resumption reuses a cell only if this is equal. */
static void cell_config(const ctx *c, const job *j, const char *model_sha, char out[20])
{
    char version[128];
    j->engine->version(version, sizeof version);
    char text[8192];
    snprintf(text, sizeof text, "%s|%s|%s|%s|%d|%s|%s|%s", model_sha, j->engine->name, version,
             j->conditions, c->o->s.images, c->o->s.target, mcb_tool_version(),
             MCB_CYCLE_MODEL_VERSION);
    uint8_t d[32];
    char hex[65];
    mcb_sha256_buf(text, strlen(text), d);
    mcb_sha256_hex(d, hex);
    snprintf(out, 20, "%.16s", hex);
}

static void join_layers(const mcb_measure *p, char *out, size_t n)
{
    size_t at = 0;
    out[0] = 0;
    for (int l = 0; l < p->n_layers && at < n; l++)
        at += (size_t)snprintf(out + at, n - at, "%s%s:%lld:%.0f", l ? ";" : "", p->layers[l].op,
                               (long long)p->layers[l].macs, p->layers[l].cycles);
}

/* In the child: measures one cell and stores its row. */
static int run_cell(const ctx *c, const job *j)
{
    const mcb_paper_opts *o = c->o;
    mcb_row r;
    mcb_row_init(&r);
    snprintf(r.network, sizeof r.network, "%s", j->network);
    snprintf(r.dataset, sizeof r.dataset, "%s", j->dataset);
    r.kernels = j->kernels;
    r.params = mcb_family_params(mcb_family_find(j->network));
    snprintf(r.engine, sizeof r.engine, "%s", j->engine->name);
    j->engine->version(r.engine_version, sizeof r.engine_version);
    snprintf(r.conditions, sizeof r.conditions, "%s", j->conditions);
    snprintf(r.target, sizeof r.target, "%s", o->s.target);
    snprintf(r.tool_version, sizeof r.tool_version, "%s", mcb_tool_version());
    snprintf(r.cycle_model, sizeof r.cycle_model, "%s", MCB_CYCLE_MODEL_VERSION);
    snprintf(r.quant_scheme, sizeof r.quant_scheme, "%s", scheme_of(j->engine));
    r.images = o->s.images;
    mcb_engine_conditions cond;
    const char *regulator;
    conditions_of(j->conditions, j->engine, &cond, &regulator);
    snprintf(r.regulator, sizeof r.regulator, "%s", regulator);
    r.no_builtin = cond.no_builtin;
    r.weights_in_ram = cond.weights_in_ram;
    model_path(c, j->network, scheme_of(j->engine), r.model, sizeof r.model);
    if (!r.model[0])
        mcb_error("%s: the path of the model is too long", c->models);
    char sha[65];
    mcb_measure p;
    memset(&p, 0, sizeof p);
    if (!r.model[0] || file_sha256(r.model, sha) < 0) {
        snprintf(r.status, sizeof r.status, "failed");
        snprintf(r.error, sizeof r.error, "%s", mcb_last_error());
    } else {
        snprintf(r.model_sha256, sizeof r.model_sha256, "%s", sha);
        cell_config(c, j, sha, r.config);
        mcb_measure_opts mo = {.model = r.model, .engine = j->engine->name,
                               .target = o->s.target, .images = o->s.images,
                               .dataset = j->dataset, .data_dir = o->data_dir, .cond = cond};
        if (mcb_measure_run(&mo, &p) == 0) {
            snprintf(r.status, sizeof r.status, "ok");
            r.outputs_match = p.outputs_match;
            r.correct = p.correct;
            snprintf(r.reference, sizeof r.reference, "%s", p.reference);
            r.executor_agree = p.executor_agree;
            r.macs = p.macs;
            r.cycles_mean = p.cycles_mean;
            r.cycles_min = (double)p.cycles_min;
            r.cycles_max = (double)p.cycles_max;
            r.cycles_sd = p.cycles_sd;
            r.time_ms = p.time_ms;
            r.energy_dcdc_uj = p.energy_dcdc_uj;
            r.energy_ldo_uj = p.energy_ldo_uj;
            r.energy_uj = !strcmp(regulator, "ldo") ? p.energy_ldo_uj : p.energy_dcdc_uj;
            r.ram_bytes = (int64_t)p.m.ram_bytes;
            r.data_bytes = (int64_t)p.m.data_bytes;
            r.bss_bytes = (int64_t)p.m.bss_bytes;
            r.stack_bytes = (int64_t)p.m.stack_bytes;
            r.heap_bytes = (int64_t)p.m.heap_bytes;
            r.arena_bytes = p.arena_bytes;
            r.flash_bytes = p.flash_bytes;
            r.weight_bytes = p.weight_bytes;
            r.code_bytes = p.flash_bytes - p.weight_bytes;
            r.hand_lines = p.hand_lines;
            join_layers(&p, r.layers, sizeof r.layers);
            size_t at = 0;
            for (int i = 0; i < p.images && at < sizeof r.image_cycles; i++)
                at += (size_t)snprintf(r.image_cycles + at, sizeof r.image_cycles - at, "%s%llu",
                                       i ? ";" : "", (unsigned long long)p.image_cycles[i]);
        } else {
            snprintf(r.status, sizeof r.status, "%s",
                     p.status == MCB_MEASURE_NOFIT ? "nofit" : "failed");
            snprintf(r.error, sizeof r.error, "%s", mcb_last_error());
        }
    }
    effective_opt(&p.target, &cond, r.opt, sizeof r.opt);
    if (!p.target.name[0]) { /* the measurement stopped before loading the target */
        mcb_target t;
        if (mcb_target_load(o->s.target, &t) == 0)
            effective_opt(&t, &cond, r.opt, sizeof r.opt);
    }
    r.icache = p.target.name[0] ? p.target.icache : !cond.icache_off;
    if (p.m.build_flags)
        snprintf(r.build_flags, sizeof r.build_flags, "%s", p.m.build_flags);
    /* the temporary folder's name differs from run to run */
    if (p.temp_dir[0])
        for (char *s; (s = strstr(r.build_flags, p.temp_dir));) {
            const size_t nd = strlen(p.temp_dir);
            memcpy(s, "TMP", 3);
            memmove(s + 3, s + nd, strlen(s + nd) + 1);
        }
    mcb_measure_free(&p);
    return mcb_row_save(j->path, &r);
}

/* Runs this executable with args; its stdout into out (malloc'd, may be NULL). 0 if it
 * exited 0, else -1 with its last stderr line as the error. */
static int run_self(const ctx *c, char *const args[], char **out)
{
    char *argv[24];
    int n = 0;
    argv[n++] = (char *)c->self;
    for (int i = 0; args[i] && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char why[1024], *obuf = NULL;
    const int st = mcb_spawn_capture(argv, NULL, out ? &obuf : NULL, why, sizeof why);
    if (st < 0)
        return -1;
    if (st != 0) {
        mcb_error("mcubench %s: %s", args[0], why[0] ? why : "failed");
        free(obuf);
        return -1;
    }
    if (out)
        *out = obuf;
    return 0;
}

/* A value of the network's entry in the zoo's manifest, as text ("12", "true", "9,12" for
 * an array); 0, or -1 if there is none. */
static int manifest_value(const ctx *c, const char *network, const char *key, char *out,
                          size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", c->models);
    size_t len;
    const int q = mcb_err_quiet(1);
    char *text = (char *)mcb_read_file(path, &len);
    mcb_err_quiet(q);
    if (!text)
        return -1;
    char want[96];
    snprintf(want, sizeof want, "\"name\": \"%s\"", network);
    const char *e = strstr(text, want), *end = e ? strchr(e, '}') : NULL;
    snprintf(want, sizeof want, "\"%s\": ", key);
    const char *v = e ? strstr(e, want) : NULL;
    int rc = -1;
    if (v && v < end) {
        v += strlen(want);
        size_t o = 0;
        const int array = *v == '[';
        for (v += array; *v && o + 1 < n; v++) {
            if (array ? *v == ']' : (*v == ',' || *v == '\n' || *v == '}'))
                break;
            if (*v != ' ' && *v != '\n' && *v != '"')
                out[o++] = *v;
        }
        out[o] = 0;
        rc = 0;
    }
    free(text);
    return rc;
}

/* In the child: trains and quantizes what the network's cells need into DIR/models. */
static int run_prep(const ctx *c, const job *j)
{
    char fl[4200], q8[4200], q7[4200], dir[4200];
    snprintf(dir, sizeof dir, "%s/models", c->o->out);
    model_path(c, j->network, "float", fl, sizeof fl);
    model_path(c, j->network, "int8", q8, sizeof q8);
    model_path(c, j->network, "q7", q7, sizeof q7);
    char ckpt[4300];
    snprintf(ckpt, sizeof ckpt, "%s/%s.ckpt", dir, j->network);
    if (access(fl, F_OK) != 0) {
        /* the zoo's recipe from its manifest (docs/training.md), one thread: same bytes */
        char epochs[32], batch[32], seed[32], lr[32], drop[64], augment[16];
        if (manifest_value(c, j->network, "epochs", epochs, sizeof epochs) < 0 ||
            manifest_value(c, j->network, "batch", batch, sizeof batch) < 0 ||
            manifest_value(c, j->network, "seed", seed, sizeof seed) < 0 ||
            manifest_value(c, j->network, "lr", lr, sizeof lr) < 0 ||
            manifest_value(c, j->network, "lr_drop", drop, sizeof drop) < 0 ||
            manifest_value(c, j->network, "augment", augment, sizeof augment) < 0) {
            mcb_error("%s/manifest.json: no training recipe for %s", c->models, j->network);
            return -1;
        }
        char *args[24] = {"train", "--model", (char *)j->network, "--epochs", epochs, "--batch",
                          batch, "--seed", seed, "--lr", lr, "--threads", "1", "--checkpoint",
                          ckpt, "-o", fl};
        int na = 17;
        if (drop[0]) {
            args[na++] = "--lr-drop";
            args[na++] = drop;
        }
        if (!strcmp(augment, "true"))
            args[na++] = "--augment";
        args[na] = NULL;
        if (run_self(c, args, NULL) < 0)
            return -1;
    }
    if (access(q8, F_OK) != 0) {
        char *args[] = {"quantize", fl, "--dataset", (char *)j->dataset, "-o", q8, NULL};
        if (run_self(c, args, NULL) < 0)
            return -1;
    }
    if (c->need_q7 && access(q7, F_OK) != 0) {
        char *args[] = {"quantize", fl, "--dataset", (char *)j->dataset, "--scheme", "q7",
                        "-o", q7, NULL};
        if (run_self(c, args, NULL) < 0)
            return -1;
    }
    return 0;
}

/* The manifest's accuracy of a zoo model, if the file is the one the manifest describes. */
static double manifest_accuracy(const ctx *c, const char *network, const char *scheme,
                                const char *sha)
{
    char key[32], v[80];
    snprintf(key, sizeof key, "%s_sha256", scheme);
    if (manifest_value(c, network, key, v, sizeof v) < 0 || strncmp(v, sha, 16) != 0)
        return NAN;
    snprintf(key, sizeof key, "%s_accuracy", scheme);
    if (manifest_value(c, network, key, v, sizeof v) < 0)
        return NAN;
    return strtod(v, NULL);
}

/* In the child: the accuracy of each scheme of the network on the full test set, as
 * "scheme<TAB>sha256<TAB>accuracy<TAB>source" lines. */
static int run_acc(const ctx *c, const job *j)
{
    const char *schemes[] = {"float", "int8", c->need_q7 ? "q7" : NULL};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    for (int i = 0; i < 3 && schemes[i]; i++) {
        char path[4200], sha[65];
        model_path(c, j->network, schemes[i], path, sizeof path);
        if (file_sha256(path, sha) < 0) {
            fprintf(f, "%s\t-\t\t%s\n", schemes[i], mcb_last_error());
            continue;
        }
        double acc = manifest_accuracy(c, j->network, schemes[i], sha);
        if (!isnan(acc)) {
            fprintf(f, "%s\t%s\t%.6f\tmodels/manifest.json (eval, 10000 images)\n", schemes[i],
                    sha, acc);
            continue;
        }
        char *out = NULL;
        char *args[] = {"eval", path, "--dataset", (char *)j->dataset, "--json", NULL};
        const char *a;
        if (run_self(c, args, &out) == 0 && out && (a = strstr(out, "\"accuracy\":")))
            fprintf(f, "%s\t%s\t%.6f\tmcubench eval (full test set)\n", schemes[i], sha,
                    strtod(a + 11, NULL));
        else
            fprintf(f, "%s\t%s\t\t%s\n", schemes[i], sha, mcb_last_error());
        free(out);
    }
    fclose(f);
    const int rc = mcb_write_file_atomic(j->path, text, len);
    free(text);
    return rc;
}

/* Whether a finished cell can be reused: its file holds the same configuration. */
static int cell_current(const ctx *c, const job *j)
{
    if (access(j->path, F_OK) != 0)
        return 0;
    if (j->kind == JOB_ACC)
        return 1; /* the accuracy lines carry their files' sha256, checked when read */
    char model[4200], sha[65], config[20];
    model_path(c, j->network, scheme_of(j->engine), model, sizeof model);
    const int q = mcb_err_quiet(1);
    mcb_row r;
    const int ok = file_sha256(model, sha) == 0 && mcb_row_load(j->path, &r) == 0;
    mcb_err_quiet(q);
    if (!ok)
        return 0;
    cell_config(c, j, sha, config);
    return !strcmp(config, r.config);
}


static const char *job_label(const job *j, char *buf, size_t n)
{
    if (j->kind == JOB_PREP)
        snprintf(buf, n, "%s: train/quantize", j->network);
    else if (j->kind == JOB_ACC)
        snprintf(buf, n, "%s: accuracy", j->network);
    else
        snprintf(buf, n, "%s on %s (%s)", j->network, j->engine->name, j->conditions);
    return buf;
}

/* CPU seconds (user + system) of the children waited for so far, with their own children */
static double children_cpu(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/* Runs the jobs [first, last) that are not current, at most jobs at a time. Returns the number
 * of jobs whose process failed (crashed or could not store its result). The line-based
 * progress gives each job's CPU time (a job is one process, reaped alone: the growth of the
 * children's CPU time across its wait), which a busy machine does not inflate as it does the
 * wall time. */
static int run_pool(const ctx *c, job *jobs, int first, int last, int *finished, int total,
                    double t0)
{
    const mcb_paper_opts *o = c->o;
    int running = 0, next = first, failures = 0;
    const int tty = mcb_progress_enabled();
    const char *ci = getenv("CI");
    const int lines = !tty && !(ci && *ci);
    int measured = 0;
    double measured_s = 0, cpu_seen = children_cpu(), cpu_sum = 0;
    while (next < last || running) {
        while (running < o->jobs && next < last) {
            job *j = &jobs[next++];
            if (cell_current(c, j)) {
                j->done = 1;
                (*finished)++;
                continue;
            }
            fflush(stdout);
            fflush(stderr);
            const pid_t pid = fork();
            if (pid < 0) {
                mcb_error("%s: cannot start a process: %s", o->out, strerror(errno));
                return failures + 1;
            }
            if (pid == 0) {
                mcb_err_quiet(1);
                mcb_progress_disable();
                int rc = j->kind == JOB_CELL ? run_cell(c, j)
                         : j->kind == JOB_ACC ? run_acc(c, j)
                                              : run_prep(c, j);
                if (rc < 0 && j->kind == JOB_PREP) {
                    /* tell the parent why, for the cells that will fail for want of a model */
                    char p[4300];
                    snprintf(p, sizeof p, "%s/models/%s.error", o->out, j->network);
                    mcb_write_file_atomic(p, mcb_last_error(), strlen(mcb_last_error()));
                }
                _exit(rc < 0 && j->kind != JOB_PREP ? 3 : 0);
            }
            j->pid = pid;
            j->done = 0;
            running++;
        }
        if (!running)
            break;
        int st;
        const pid_t pid = wait(&st);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = first; k < last; k++) {
            job *j = &jobs[k];
            if (j->pid != pid || j->done)
                continue;
            j->done = 1;
            running--;
            (*finished)++;
            char label[160];
            job_label(j, label, sizeof label);
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                failures++;
                if (j->kind == JOB_CELL && WIFSIGNALED(st)) {
                    /* a crash of the measurement is a failed cell, not a lost one */
                    mcb_row r;
                    mcb_row_init(&r);
                    snprintf(r.network, sizeof r.network, "%s", j->network);
                    snprintf(r.engine, sizeof r.engine, "%s", j->engine->name);
                    snprintf(r.status, sizeof r.status, "failed");
                    snprintf(r.error, sizeof r.error, "the measurement died by signal %d",
                             WTERMSIG(st));
                    mcb_row_save(j->path, &r);
                }
            }
            measured++;
            const double cpu_now = children_cpu(), cpu = cpu_now - cpu_seen;
            cpu_seen = cpu_now;
            cpu_sum += cpu;
            const double el = mcb_now() - t0;
            measured_s = el;
            const int left = total - *finished;
            const double eta = measured ? measured_s / measured * left / 1.0 : 0;
            if (tty) {
                const int width = 24, fill = total ? width * *finished / total : width;
                char bar[32];
                for (int b = 0; b < width; b++)
                    bar[b] = b < fill ? '#' : '.';
                bar[width] = 0;
                mcb_progress("paper [%s] %d/%d  %s  %d:%02d elapsed, ~%d:%02d left", bar,
                             *finished, total, label, (int)el / 60, (int)el % 60,
                             (int)eta / 60, (int)eta % 60);
            } else if (lines) {
                fprintf(stderr, "paper: %d/%d %s done (%.0f s; the job %.1f s of CPU)\n",
                        *finished, total, label, el, cpu);
            }
        }
    }
    if (lines && measured)
        fprintf(stderr, "paper: %d jobs took %.1f s of CPU\n", measured, cpu_sum);
    return failures;
}

static int find_self(char *out, size_t n)
{
    const ssize_t k = readlink("/proc/self/exe", out, n - 1);
    if (k <= 0) {
        mcb_error("cannot find this program's path (/proc/self/exe): %s", strerror(errno));
        return -1;
    }
    out[k] = 0;
    return 0;
}

/* ---- results --------------------------------------------------------------------------- */

static void read_accuracy(const char *path, const char *scheme, mcb_row *r, int quant)
{
    size_t n;
    const int q = mcb_err_quiet(1);
    char *text = (char *)mcb_read_file(path, &n);
    mcb_err_quiet(q);
    if (!text)
        return;
    char want[80];
    snprintf(want, sizeof want, "%s\t", scheme);
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (!strncmp(line, want, strlen(want))) {
            char *sha = line + strlen(want), *acc = strchr(sha, '\t');
            char *src = acc ? strchr(acc + 1, '\t') : NULL;
            if (acc && src) {
                *acc++ = 0;
                *src++ = 0;
                /* only for the very file the row was measured with */
                const int same = !quant || !r->model_sha256[0] || !strcmp(sha, r->model_sha256);
                if (*acc && same) {
                    if (quant)
                        r->quant_accuracy = strtod(acc, NULL);
                    else
                        r->float_accuracy = strtod(acc, NULL);
                }
                if (quant || !r->accuracy_source[0])
                    snprintf(r->accuracy_source, sizeof r->accuracy_source, "%s", src);
            }
        }
        line = next;
    }
    free(text);
}

/* Every row of the sweep in canonical order (datasets, kernels, engines, conditions), from the
 * cells in dir; cells not there are "unavailable" (with why) or "missing". */
static int collect_rows(const char *dir, const mcb_paper_sweep *s, mcb_row **out, int *n_out,
                        int *bad /* |1 a cell failed, |2 a cell is missing */)
{
    const int total = s->n_datasets * s->n_kernels * s->n_engines * s->n_conditions;
    mcb_row *rows = calloc((size_t)total + 1, sizeof *rows);
    if (!rows) {
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    int n = 0;
    *bad = 0;
    for (int d = 0; d < s->n_datasets; d++)
        for (int k = 0; k < s->n_kernels; k++)
            for (int e = 0; e < s->n_engines; e++)
                for (int c = 0; c < s->n_conditions; c++) {
                    mcb_row *r = &rows[n++];
                    char network[32], path[4400];
                    snprintf(network, sizeof network, "%s-conv%d", s->datasets[d], s->kernels[k]);
                    snprintf(path, sizeof path, "%s/cells/%s.%s.%s", dir, network, s->engines[e],
                             s->conditions[c]);
                    const int q = mcb_err_quiet(1);
                    const int have = access(path, F_OK) == 0 && mcb_row_load(path, r) == 0;
                    mcb_err_quiet(q);
                    if (!have) {
                        mcb_row_init(r);
                        const mcb_engine *en = mcb_engine_find(s->engines[e]);
                        char why[512];
                        snprintf(r->engine, sizeof r->engine, "%s", s->engines[e]);
                        en->version(r->engine_version, sizeof r->engine_version);
                        if (!en->available(why, sizeof why)) {
                            snprintf(r->status, sizeof r->status, "unavailable");
                            snprintf(r->error, sizeof r->error, "%s", why);
                        } else {
                            snprintf(r->status, sizeof r->status, "missing");
                            snprintf(r->error, sizeof r->error, "not measured in %s", dir);
                            *bad |= 2;
                        }
                        snprintf(r->conditions, sizeof r->conditions, "%s", s->conditions[c]);
                        snprintf(r->target, sizeof r->target, "%s", s->target);
                        r->images = s->images;
                        snprintf(r->quant_scheme, sizeof r->quant_scheme, "%s", scheme_of(en));
                    } else if (!strcmp(r->status, "failed")) {
                        *bad |= 1;
                    }
                    snprintf(r->network, sizeof r->network, "%s", network);
                    snprintf(r->dataset, sizeof r->dataset, "%s", s->datasets[d]);
                    r->kernels = s->kernels[k];
                    r->params = mcb_family_params(mcb_family_find(network));
                    snprintf(path, sizeof path, "%s/cells/%s.accuracy", dir, network);
                    read_accuracy(path, "float", r, 0);
                    read_accuracy(path, r->quant_scheme, r, 1);
                }
    *out = rows;
    *n_out = n;
    return 0;
}

static int write_results(const char *dir, const mcb_paper_sweep *s, int *bad)
{
    mcb_row *rows = NULL;
    int n = 0;
    if (collect_rows(dir, s, &rows, &n, bad) < 0)
        return -1;
    char *csv = NULL, *json = NULL;
    size_t lc = 0, lj = 0;
    FILE *fc = open_memstream(&csv, &lc), *fj = open_memstream(&json, &lj);
    int rc = -1;
    if (fc && fj) {
        mcb_row_csv_header(fc);
        for (int i = 0; i < n; i++)
            mcb_row_csv(fc, &rows[i]);
        mcb_rows_json(fj, rows, n);
    }
    if (fc)
        fclose(fc);
    if (fj)
        fclose(fj);
    char path[4200];
    if (csv && json) {
        snprintf(path, sizeof path, "%s/results.csv", dir);
        rc = mcb_write_file_atomic(path, csv, lc);
        snprintf(path, sizeof path, "%s/results.json", dir);
        rc = rc < 0 ? rc : mcb_write_file_atomic(path, json, lj);
    } else {
        mcb_error("%s: out of memory", dir);
    }
    free(csv);
    free(json);
    if (rc == 0)
        rc = mcb_paper_report(dir, s, rows, n);
    free(rows);
    return rc;
}

/* ---- the sweep ------------------------------------------------------------------------- */

int mcb_paper_run(const mcb_paper_opts *o)
{
    ctx c = {.o = o};
    if (find_self(c.self, sizeof c.self) < 0)
        return -1;
    /* train, quantize and eval run as this program's commands: they find the data here */
    if (o->data_dir && setenv("MCUBENCH_DATA", o->data_dir, 1) != 0) {
        mcb_error("%s: cannot pass the data folder on: %s", o->data_dir, strerror(errno));
        return -1;
    }
    const char *env = getenv("MCUBENCH_MODELS");
    snprintf(c.models, sizeof c.models, "%s",
             o->models_dir ? o->models_dir : env && *env ? env : MCB_MODELS_DIR);
    char path[4300];
    if (mcb_mkdir_p(o->out) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/cells", o->out);
    if (mcb_mkdir_p(path) < 0)
        return -1;
    /* the sweep a folder holds must not change under its cells */
    char *want = sweep_text(&o->s), *have = NULL;
    if (!want) {
        mcb_error("%s: out of memory", o->out);
        return -1;
    }
    snprintf(path, sizeof path, "%s/sweep.txt", o->out);
    if (access(path, F_OK) == 0) {
        mcb_paper_sweep old;
        if (sweep_load(o->out, &old, &have) < 0) {
            free(want);
            return -1;
        }
        if (strcmp(have, want) != 0) {
            mcb_error("%s holds results of another sweep (%s): use another -o folder", o->out,
                      path);
            free(want);
            free(have);
            return -1;
        }
        free(have);
    } else if (mcb_write_file_atomic(path, want, strlen(want)) < 0) {
        free(want);
        return -1;
    }
    free(want);

    const mcb_paper_sweep *s = &o->s;
    for (int e = 0; e < s->n_engines; e++)
        c.need_q7 |= !strcmp(scheme_of(mcb_engine_find(s->engines[e])), "q7");
    const int n_net = s->n_datasets * s->n_kernels;
    const int max_jobs = n_net * (2 + s->n_engines * s->n_conditions);
    job *jobs = calloc((size_t)max_jobs + 1, sizeof *jobs);
    if (!jobs) {
        mcb_error("%s: out of memory", o->out);
        return -1;
    }
    /* the accuracy and cell jobs in canonical order; a shard takes every shard_n-th */
    int nj = 0, index = 0;
    int take_net[MCB_PAPER_MAX_DATASETS * MCB_PAPER_MAX_KERNELS] = {0};
    for (int d = 0; d < s->n_datasets; d++)
        for (int k = 0; k < s->n_kernels; k++) {
            const int net = d * s->n_kernels + k;
            char network[32];
            snprintf(network, sizeof network, "%s-conv%d", s->datasets[d], s->kernels[k]);
            for (int e = -1; e < s->n_engines; e++)
                for (int cd = 0; cd < (e < 0 ? 1 : s->n_conditions); cd++) {
                    const int mine = !o->shard_n || index % o->shard_n == o->shard_i - 1;
                    index++;
                    const mcb_engine *en = e < 0 ? NULL : mcb_engine_find(s->engines[e]);
                    char why[512];
                    if (!mine || (en && !en->available(why, sizeof why)))
                        continue;
                    job *j = &jobs[nj];
                    j->index = nj++;
                    const mcb_family_net *fn = mcb_family_find(network);
                    j->macs = fn ? mcb_family_macs(fn) : 0;
                    j->kind = en ? JOB_CELL : JOB_ACC;
                    snprintf(j->network, sizeof j->network, "%s", network);
                    snprintf(j->dataset, sizeof j->dataset, "%s", s->datasets[d]);
                    j->kernels = s->kernels[k];
                    j->engine = en;
                    if (en) {
                        snprintf(j->conditions, sizeof j->conditions, "%s", s->conditions[cd]);
                        snprintf(j->path, sizeof j->path, "%s/cells/%s.%s.%s", o->out, network,
                                 en->name, j->conditions);
                    } else {
                        snprintf(j->path, sizeof j->path, "%s/cells/%s.accuracy", o->out,
                                 network);
                    }
                    take_net[net] = 1;
                }
        }
    /* models to make first: retrained ones, or schemes the zoo lacks */
    job *prep = calloc((size_t)n_net + 1, sizeof *prep);
    int np = 0;
    for (int d = 0; prep && d < s->n_datasets; d++)
        for (int k = 0; k < s->n_kernels; k++) {
            if (!take_net[d * s->n_kernels + k])
                continue;
            char network[32], p8[4200], p7[4200];
            snprintf(network, sizeof network, "%s-conv%d", s->datasets[d], s->kernels[k]);
            model_path(&c, network, "int8", p8, sizeof p8);
            model_path(&c, network, "q7", p7, sizeof p7);
            if (s->retrain || access(p8, F_OK) != 0 || (c.need_q7 && access(p7, F_OK) != 0)) {
                job *j = &prep[np++];
                j->kind = JOB_PREP;
                snprintf(j->network, sizeof j->network, "%s", network);
                snprintf(j->dataset, sizeof j->dataset, "%s", s->datasets[d]);
                j->kernels = s->kernels[k];
            }
        }
    if (!prep) {
        free(jobs);
        mcb_error("%s: out of memory", o->out);
        return -1;
    }
    snprintf(path, sizeof path, "%s/models", o->out);
    if (np && mcb_mkdir_p(path) < 0) {
        free(jobs);
        free(prep);
        return -1;
    }
    qsort(jobs, (size_t)nj, sizeof *jobs, job_order); /* results stay in canonical order */
    const double t0 = mcb_now();
    int finished = 0;
    const int total = np + nj;
    int failures = run_pool(&c, prep, 0, np, &finished, total, t0);
    failures += run_pool(&c, jobs, 0, nj, &finished, total, t0);
    mcb_progress_done();
    free(jobs);
    free(prep);
    int bad = 0;
    if (write_results(o->out, s, &bad) < 0)
        return -1;
    /* a shard leaves the other shards' cells missing */
    return (bad & 1) || failures || ((bad & 2) && !o->shard_n) ? 1 : 0;
}

int mcb_paper_merge(const char *const *dirs, int n, const char *out)
{
    mcb_paper_sweep s;
    char *first = NULL;
    for (int i = 0; i < n; i++) {
        mcb_paper_sweep si;
        char *text = NULL;
        if (sweep_load(dirs[i], &si, &text) < 0) {
            free(first);
            return -1;
        }
        if (!first) {
            first = text;
            s = si;
        } else {
            const int same = !strcmp(first, text);
            free(text);
            if (!same) {
                mcb_error("%s: a different sweep from %s (compare their sweep.txt)", dirs[i],
                          dirs[0]);
                free(first);
                return -1;
            }
        }
    }
    char path[4300];
    if (mcb_mkdir_p(out) < 0 || (snprintf(path, sizeof path, "%s/cells", out), mcb_mkdir_p(path)) < 0) {
        free(first);
        return -1;
    }
    snprintf(path, sizeof path, "%s/sweep.txt", out);
    int rc = 0;
    size_t have_n;
    const int q = mcb_err_quiet(1);
    char *have = (char *)mcb_read_file(path, &have_n);
    mcb_err_quiet(q);
    if (have && strcmp(have, first) != 0) {
        mcb_error("%s holds results of another sweep (%s)", out, path);
        rc = -1;
    } else if (!have) {
        rc = mcb_write_file_atomic(path, first, strlen(first));
    }
    free(have);
    free(first);
    /* copy every cell; the same cell in two folders must be the same bytes */
    for (int i = 0; i < n && rc == 0; i++) {
        char cells[4300];
        snprintf(cells, sizeof cells, "%s/cells", dirs[i]);
        DIR *d = opendir(cells);
        if (!d)
            continue;
        for (struct dirent *e; rc == 0 && (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            char src[4600], dst[4600];
            snprintf(src, sizeof src, "%s/%s", cells, e->d_name);
            snprintf(dst, sizeof dst, "%s/cells/%s", out, e->d_name);
            size_t ns, nd;
            uint8_t *a = mcb_read_file(src, &ns);
            if (!a) {
                rc = -1;
                break;
            }
            const int qq = mcb_err_quiet(1);
            uint8_t *b = mcb_read_file(dst, &nd);
            mcb_err_quiet(qq);
            if (b && (nd != ns || memcmp(a, b, ns) != 0)) {
                mcb_error("%s: differs from the same cell in %s", src, dst);
                rc = -1;
            } else if (!b) {
                rc = mcb_write_file_atomic(dst, a, ns);
            }
            free(a);
            free(b);
        }
        closedir(d);
    }
    if (rc < 0)
        return -1;
    int bad = 0;
    if (write_results(out, &s, &bad) < 0)
        return -1;
    return bad ? 1 : 0;
}
