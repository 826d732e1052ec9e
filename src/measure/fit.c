/* 'mcubench fit' (fit.h). */
#include "fit.h"

#include "elf.h"
#include "err.h"
#include "fileio.h"
#include "graph_mem.h"
#include "harness.h"
#include "mcb_port.h"
#include "measure.h"
#include "metrics.h"
#include "progress.h"
#include "tflite.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness is built for this many inputs, as a profile run of two or more images: its loop
 * stays a loop (one image would let the compiler drop it), so the firmware's code is the
 * profile firmware's; the inputs' bytes are then left out of flash, as profile does. */
#define FIT_IMAGES 2

/* The firmware is built for the target with its flash and RAM raised to at least these, so
 * that a model over the target still links and is measured (its code does not depend on the
 * memory sizes, only the linker's regions and the stack's top do); the figures are then
 * compared with the target's own sizes. The engines generate for the target with its RAM
 * raised only up to the simulator's marker page (mcb_port.h): the TFLM engines run their
 * arena probe on it. */
#define BUILD_FLASH_MIN (16u << 20)
#define BUILD_RAM_MIN (1u << 20)

static const char *arena_source(const char *engine)
{
    if (!strncmp(engine, "tflm", 4))
        return "the smallest arena TFLM's AllocateTensors accepts, found once by a probe "
               "firmware in the simulator (cached in fwcache/arena)";
    if (!strcmp(engine, "aot"))
        return "planned offline by the aot memory planner";
    return "sized by the engine's generator";
}

static void path_text(const mcb_stack_bound *st, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < st->path_len && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%s (%lld)", i ? " > " : "", st->path[i],
                               (long long)st->path_frame[i]);
}

static void free_hints(mcb_stack_hint *h, int n)
{
    for (int i = 0; i < n; i++)
        free((char *)h[i].name);
    free(h);
}

/* GCC's -fstack-usage lines of the sources compiled in work (FILE:LINE:COL:NAME<tab>BYTES<tab>
 * QUALIFIER) into *hints; the number of them, or -1 (out of memory, reported). */
static int read_su(const char *work, mcb_stack_hint **hints)
{
    *hints = NULL;
    DIR *d = opendir(work);
    if (!d)
        return 0; /* no .su files: the frames come from the code alone */
    int n = 0, cap = 0, rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && rc == 0) {
        const size_t len = strlen(de->d_name);
        if (len < 4 || strcmp(de->d_name + len - 3, ".su") != 0)
            continue;
        char path[8300];
        snprintf(path, sizeof path, "%s/%s", work, de->d_name);
        size_t size;
        char *text = (char *)mcb_read_file(path, &size);
        if (!text)
            continue;
        for (char *line = text; line && *line && rc == 0;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = 0;
            char *tab = strchr(line, '\t'), *name = NULL;
            long long bytes;
            char qual[32];
            /* the name follows the first ":LINE:COL:" */
            for (char *p = line; tab && p < tab && !name; p++) {
                int a = 0, b = 0, used = 0;
                if (*p == ':' && sscanf(p, ":%d:%d:%n", &a, &b, &used) == 2 && used)
                    name = p + used;
            }
            if (name && name < tab && sscanf(tab, "\t%lld\t%31s", &bytes, qual) == 2) {
                *tab = 0;
                if (n == cap) {
                    cap = cap ? 2 * cap : 64;
                    mcb_stack_hint *v = realloc(*hints, (size_t)cap * sizeof *v);
                    if (!v) {
                        rc = -1;
                        break;
                    }
                    *hints = v;
                }
                (*hints)[n].name = strdup(name);
                (*hints)[n].bytes = bytes;
                (*hints)[n].dynamic = !strcmp(qual, "dynamic");
                if (!(*hints)[n].name)
                    rc = -1;
                n++;
            }
            line = nl ? nl + 1 : NULL;
        }
        free(text);
    }
    closedir(d);
    if (rc < 0) {
        free_hints(*hints, n);
        *hints = NULL;
        mcb_error("%s: out of memory", work);
        return -1;
    }
    return n;
}

/* One engine into r; 0 (r->status says how it went), or -1 on a hard failure (reported). */
static int fit_one(const mcb_fit_opts *o, const mcb_graph *g, const mcb_target *t,
                   const mcb_engine *e, mcb_fit_row *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->engine, sizeof r->engine, "%s", e->name);
    e->version(r->version, sizeof r->version);
    r->arena_source = arena_source(e->name);
    if (!e->available(r->why, sizeof r->why)) {
        r->status = MCB_FIT_UNAVAILABLE;
        return 0;
    }
    const char *scheme = e->scheme ? e->scheme : "int8";
    const int q7 = g->scheme == MCB_SCHEME_Q7;
    if (q7 != !strcmp(scheme, "q7")) {
        snprintf(r->why, sizeof r->why, "engine %s takes %s models, %s is %s", e->name, scheme,
                 o->model, q7 ? "q7" : "int8");
        r->status = MCB_FIT_NA;
        return 0;
    }
    if (o->cond.weights_in_ram && !e->weights_in_ram) {
        snprintf(r->why, sizeof r->why, "engine %s cannot keep its weights in RAM", e->name);
        r->status = MCB_FIT_NA;
        return 0;
    }
    mcb_target bt = *t, gt = *t;
    if (bt.flash_size < BUILD_FLASH_MIN)
        bt.flash_size = gt.flash_size = BUILD_FLASH_MIN;
    if (bt.ram_size < BUILD_RAM_MIN)
        bt.ram_size = BUILD_RAM_MIN;
    if (gt.ram_base < MCB_MARKER_ADDR && gt.ram_size < MCB_MARKER_ADDR - gt.ram_base)
        gt.ram_size = MCB_MARKER_ADDR - gt.ram_base;

    char work[4096], gendir[4200], elfp[4200];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(work, sizeof work, "%s/mcubench-fit-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(work)) {
        mcb_error("%s: cannot create a temporary folder: %s", work, strerror(errno));
        return -1;
    }
    snprintf(gendir, sizeof gendir, "%s/engine", work);
    snprintf(elfp, sizeof elfp, "%s/fit.elf", work);
    mcb_engine_build b;
    memset(&b, 0, sizeof b);
    mcb_elf *elf = NULL;
    int8_t *images = NULL;
    mcb_metrics m;
    memset(&m, 0, sizeof m);
    mcb_stack_hint *hints = NULL;
    int nhints = 0;
    int rc = -1;
    const int q = mcb_err_quiet(1); /* the engine's failures become the row's line */
    if (mkdir(gendir, 0777) != 0) {
        mcb_err_quiet(q);
        mcb_error("%s: cannot create: %s", gendir, strerror(errno));
        goto done;
    }
    mcb_engine_ctx ctx = {.g = g, .model_path = o->model, .target = &gt, .dir = gendir,
                          .cond = o->cond};
    mcb_progress("fit: generating and building %s for engine %s", o->model, e->name);
    if (e->generate(&ctx, &b) < 0)
        goto failed;
    snprintf(r->version, sizeof r->version, "%s", b.version);
    /* GCC's frames of the C sources, checked against the code's (.su files in work; the
     * option changes no code) */
    if (mcb_strs_add(&b.cflags, "-fstack-usage") < 0) {
        mcb_error("%s: out of memory", o->model);
        goto failed;
    }
    const int64_t in_bytes = mcb_tensor_bytes(&g->tensors[b.input_tensor]);
    const int64_t out_bytes = mcb_tensor_bytes(&g->tensors[b.output_tensor]);
    if (!(images = malloc((size_t)(in_bytes * FIT_IMAGES)))) {
        mcb_error("%s: out of memory", o->model);
        goto failed;
    }
    memset(images, 1, (size_t)(in_bytes * FIT_IMAGES)); /* not zero: kept in .rodata */
    if (mcb_harness_write_main(work, "fit_main.c", FIT_IMAGES, in_bytes, out_bytes, -1) < 0 ||
        mcb_harness_write_images(work, images, FIT_IMAGES, in_bytes) < 0 ||
        mcb_measure_build_firmware(&bt, &b, &o->cond, work, "fit_main.c", elfp) < 0 ||
        !(elf = mcb_elf_load(elfp)))
        goto failed;
    mcb_sim_result none;
    memset(&none, 0, sizeof none); /* no run: stack and heap come from the analysis */
    if ((nhints = read_su(work, &hints)) < 0 || mcb_metrics_compute(elf, &bt, &none, &m) < 0 ||
        mcb_stack_analyse(elf, hints, nhints, &r->st) < 0)
        goto failed;
    r->flash = (int64_t)m.flash_bytes - in_bytes * FIT_IMAGES;
    r->weights = b.weight_bytes;
    r->data = (int64_t)m.data_bytes;
    r->bss = (int64_t)m.bss_bytes;
    r->arena = b.arena_bytes;
    r->stack = r->st.bytes;
    r->heap = r->st.heap ? -1 : 0;
    r->ram = r->data + r->bss + r->stack + (r->heap > 0 ? r->heap : 0);
    r->flash_left = (int64_t)t->flash_size - r->flash;
    r->ram_left = (int64_t)t->ram_size - r->ram;
    path_text(&r->st, r->path, sizeof r->path);
    if (r->flash_left < 0 || r->ram_left < 0)
        r->status = MCB_FIT_OVER;
    else if (!r->st.bounded || r->heap < 0)
        r->status = MCB_FIT_UNBOUNDED;
    else
        r->status = MCB_FIT_FITS;
    rc = 0;
    goto done;
failed:
    snprintf(r->why, sizeof r->why, "%s", mcb_last_error());
    r->status = MCB_FIT_FAILED;
    rc = 0;
done:
    mcb_err_quiet(q);
    mcb_metrics_free(&m);
    mcb_elf_free(elf);
    free_hints(hints, nhints > 0 ? nhints : 0);
    mcb_engine_build_free(&b);
    free(images);
    mcb_remove_tree(work);
    return rc;
}

int mcb_fit_run(const mcb_fit_opts *o, mcb_fit *f)
{
    memset(f, 0, sizeof *f);
    const mcb_engine *one = NULL;
    if (o->engine && !(one = mcb_engine_find(o->engine))) {
        char names[256];
        mcb_engine_names(names, sizeof names);
        mcb_error("no engine '%s' (engines: %s)", o->engine, names);
        return -1;
    }
    mcb_graph g;
    mcb_graph_init(&g);
    int rc = -1;
    if (mcb_target_load(o->target ? o->target : "nrf52840", &f->target) < 0 ||
        mcb_tflite_load(o->model, &g) < 0)
        goto done;
    if (g.n_in < 1 || g.n_out < 1) {
        mcb_error("%s: the model has no input or no output", o->model);
        goto done;
    }
    const mcb_engine *const *all = mcb_engines();
    int n = 0;
    while (all[n])
        n++;
    f->rows = calloc((size_t)n + 1, sizeof *f->rows);
    if (!f->rows) {
        mcb_error("%s: out of memory", o->model);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        if (one && all[i] != one)
            continue;
        if (fit_one(o, &g, &f->target, all[i], &f->rows[f->n]) < 0)
            goto done;
        f->n++;
    }
    if (one) {
        const mcb_fit_row *r = &f->rows[0];
        if (r->status == MCB_FIT_UNAVAILABLE) {
            mcb_error("engine %s is unavailable: %s", r->engine, r->why);
            goto done;
        }
        if (r->status == MCB_FIT_NA || r->status == MCB_FIT_FAILED) {
            mcb_error("%s", r->why);
            goto done;
        }
    }
    rc = 0;
done:
    mcb_progress_done();
    mcb_graph_free(&g);
    return rc;
}

void mcb_fit_free(mcb_fit *f)
{
    free(f->rows);
    memset(f, 0, sizeof *f);
}
