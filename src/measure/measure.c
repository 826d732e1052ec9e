/* The measurement of one model on one engine (measure.h). */
#include "measure.h"

#include "build.h"
#include "dataset.h"
#include "elf.h"
#include "err.h"
#include "exec.h"
#include "fileio.h"
#include "graph_mem.h"
#include "harness.h"
#include "input.h"
#include "progress.h"
#include "tflite.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int argmax(const int8_t *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* Builds the harness main_c + the images + the engine's sources into elf. */
static int build_firmware(const mcb_target *t, const mcb_engine_build *b,
                          const mcb_engine_conditions *cond, const char *work,
                          const char *main_c, int trace, const char *elf)
{
    mcb_strs srcs = {0}, incs = {0}, cf = {0}, xf = {0};
    int bad = mcb_strs_addf(&srcs, "%s/%s", work, main_c) ||
              mcb_strs_addf(&srcs, "%s/profile_images.c", work);
    for (int i = 0; i < b->sources.n && !bad; i++)
        bad = mcb_strs_add(&srcs, b->sources.v[i]);
    for (int i = 0; i < b->include_dirs.n && !bad; i++)
        bad = mcb_strs_add(&incs, b->include_dirs.v[i]);
    bad = bad || mcb_strs_addf(&incs, "%s/%s", mcb_runtime_dir(), t->runtime);
    /* the conditions come after the engine's flags, so that they decide */
    for (int pass = 0; pass < 2 && !bad; pass++) {
        mcb_strs *l = pass ? &xf : &cf;
        const mcb_strs *own = pass ? &b->cxxflags : &b->cflags;
        for (int i = 0; i < own->n && !bad; i++)
            bad = mcb_strs_add(l, own->v[i]);
        if (cond->opt && !bad)
            bad = mcb_strs_add(l, cond->opt);
        if (cond->no_builtin && !bad)
            bad = mcb_strs_add(l, "-fno-builtin");
        if (!bad)
            bad = mcb_strs_add(l, trace ? "-DMCB_MODEL_TRACE=1" : "-DMCB_MODEL_MARKERS=1");
    }
    int rc = -1;
    if (bad) {
        mcb_error("%s: out of memory", elf);
    } else {
        mcb_fw_build fb = {.target = t,
                           .sources = (const char *const *)srcs.v,
                           .n_sources = srcs.n,
                           .include_dirs = (const char *const *)incs.v,
                           .n_include_dirs = incs.n,
                           .extra_flags = (const char *const *)cf.v,
                           .n_extra_flags = cf.n,
                           .output = elf,
                           .cxx_flags = (const char *const *)xf.v,
                           .n_cxx_flags = xf.n,
                           .libs = (const char *const *)b->libs.v,
                           .n_libs = b->libs.n};
        rc = mcb_fw_build_run(&fb, NULL);
    }
    mcb_strs_free(&srcs);
    mcb_strs_free(&incs);
    mcb_strs_free(&cf);
    mcb_strs_free(&xf);
    return rc;
}

/* After a mismatch on image `image` (output byte out_byte: target_v, host host_v): for an
 * engine that can trace, runs the image again with every layer's output printed and reports
 * the first layer and byte that differ from the host executor's tensor. Reports one line;
 * returns -1. */
static int locate_mismatch(const mcb_measure_opts *o, const mcb_measure *p, const mcb_graph *g,
                           const mcb_engine_build *b, mcb_exec *ex, const void *input, void *out,
                           int image, const char *work, int64_t out_byte, int target_v,
                           int host_v)
{
    char elf_path[4300];
    snprintf(elf_path, sizeof elf_path, "%s/trace.elf", work);
    mcb_elf *elf = NULL;
    mcb_sim_result r;
    memset(&r, 0, sizeof r);
    int found = 0;
    const int q = mcb_err_quiet(1); /* the diagnosis is best effort: the mismatch is the error */
    if (b->layer_tensors &&
        mcb_harness_write_main(work, "profile_trace.c", o->images,
                               mcb_tensor_bytes(&g->tensors[b->input_tensor]),
                               mcb_tensor_bytes(&g->tensors[b->output_tensor]), image) == 0 &&
        build_firmware(&p->target, b, &o->cond, work, "profile_trace.c", 1, elf_path) == 0 &&
        (elf = mcb_elf_load(elf_path)) != NULL) {
        mcb_sim_opts so = {.target = &p->target};
        if (mcb_sim_run(elf, &so, &r) == 0 && !r.fault[0] && r.out) {
            mcb_exec_run(ex, input, out);
            const char *line = r.out;
            for (int l = 0; l < b->n_layers && !found; l++) {
                const int tensor = b->layer_tensors[l];
                const int8_t *host = mcb_exec_tensor(ex, tensor);
                const int64_t bytes = mcb_tensor_bytes(&g->tensors[tensor]);
                for (int64_t k = 0; k < bytes && !found; k++) {
                    const int hi = mcb_harness_hexval(line[2 * k]),
                              lo = hi < 0 ? -1 : mcb_harness_hexval(line[2 * k + 1]);
                    if (hi < 0 || lo < 0)
                        break;
                    const int8_t v = (int8_t)(uint8_t)(hi << 4 | lo);
                    if (v != host[k]) {
                        mcb_err_quiet(q);
                        mcb_error("%s: engine %s, image %d, layer %d (%s), byte %lld: the target "
                                  "computed %d, the host executor %d (output byte %lld: %d "
                                  "against %d)",
                                  o->model, p->engine, image, l, b->layers[l].op, (long long)k, v,
                                  host[k], (long long)out_byte, target_v, host_v);
                        found = 1;
                    }
                }
                const char *nl = strchr(line, '\n');
                if (!nl)
                    break;
                line = nl + 1;
            }
        }
    }
    mcb_err_quiet(q);
    if (!found)
        mcb_error("%s: engine %s, image %d, output byte %lld: the target computed %d, the host "
                  "executor %d", o->model, p->engine, image, (long long)out_byte, target_v,
                  host_v);
    mcb_sim_result_free(&r);
    mcb_elf_free(elf);
    return -1;
}


static const char *dataset_for(const mcb_tensor *x)
{
    if (x->rank == 4 && x->shape[1] == 28 && x->shape[2] == 28 && x->shape[3] == 1)
        return "mnist";
    if (x->rank == 4 && x->shape[1] == 32 && x->shape[2] == 32 && x->shape[3] == 3)
        return "cifar10";
    return NULL;
}

/* Per-image and per-layer cycles from the regions: each "inference" region starts an image;
 * the "layerN" regions after it belong to it. */
static int collect_cycles(mcb_measure *p, const char *what)
{
    int images = 0;
    double insns = 0, cycles = 0;
    p->image_cycles = calloc((size_t)p->images + 1, sizeof *p->image_cycles);
    if (!p->image_cycles) {
        mcb_error("%s: out of memory", what);
        return -1;
    }
    for (int i = 0; i < p->m.nregions; i++) {
        const mcb_region *g = &p->m.regions[i];
        unsigned idx;
        if (!strcmp(g->name, "inference")) {
            if (images < p->images)
                p->image_cycles[images] = g->cycles;
            if (!images || g->cycles < p->cycles_min)
                p->cycles_min = g->cycles;
            images++;
            cycles += (double)g->cycles;
            insns += (double)g->insns;
            if (g->cycles > p->cycles_max)
                p->cycles_max = g->cycles;
        } else if (sscanf(g->name, "layer%u", &idx) == 1 && idx < (unsigned)p->n_layers) {
            p->layers[idx].cycles += (double)g->cycles;
        }
    }
    if (images != p->images || p->m.unmatched) {
        mcb_error("%s: engine %s: the firmware marked %d inferences for %d images (%d unmatched "
                  "markers)", what, p->engine, images, p->images, p->m.unmatched);
        return -1;
    }
    p->cycles_mean = cycles / images;
    p->insns_mean = insns / images;
    double var = 0;
    for (int i = 0; i < images; i++)
        var += ((double)p->image_cycles[i] - p->cycles_mean) *
               ((double)p->image_cycles[i] - p->cycles_mean);
    p->cycles_sd = sqrt(var / images);
    for (int l = 0; l < p->n_layers; l++)
        p->layers[l].cycles /= images;
    const mcb_energy en = mcb_metrics_energy(&p->target, p->cycles_mean);
    p->time_ms = en.time_ms;
    p->energy_dcdc_uj = en.dcdc_uj;
    p->energy_ldo_uj = en.ldo_uj;
    return 0;
}

/* The work folder: --keep's (created if missing) or a new temporary one. */
static int make_work(const mcb_measure_opts *o, mcb_measure *p, char *work, size_t n)
{
    if (o->keep) {
        if (mkdir(o->keep, 0777) != 0 && errno != EEXIST) {
            mcb_error("%s: cannot create: %s", o->keep, strerror(errno));
            return -1;
        }
        snprintf(work, n, "%s", o->keep);
        return 0;
    }
    const char *tmpdir = getenv("TMPDIR");
    snprintf(work, n, "%s/mcubench-profile-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(work)) {
        mcb_error("%s: cannot create a temporary folder: %s", work, strerror(errno));
        work[0] = 0;
        return -1;
    }
    snprintf(p->temp_dir, sizeof p->temp_dir, "%s", work);
    return 1;
}

int mcb_measure_run(const mcb_measure_opts *o, mcb_measure *p)
{
    memset(p, 0, sizeof *p);
    mcb_graph g;
    mcb_graph_init(&g);
    mcb_dataset ds = {0};
    mcb_engine_build b;
    memset(&b, 0, sizeof b);
    mcb_exec *ex = NULL;
    mcb_elf *elf = NULL;
    int8_t *inputs = NULL, *host = NULL, *target_out = NULL, *engine_ref = NULL;
    uint8_t *host_in = NULL, *host_y = NULL; /* the executor's input and output (any type) */
    char work[4096] = "", gendir[4200], fw[4200];
    int rc = -1, made_temp = 0;
    p->images = o->images;
    const char *ename = o->engine ? o->engine : "aot";
    snprintf(p->engine, sizeof p->engine, "%s", ename);
    const mcb_engine *engine = mcb_engine_find(ename);
    if (!engine) {
        char names[256];
        mcb_engine_names(names, sizeof names);
        mcb_error("%s: no engine '%s' (engines: %s)", o->model, ename, names);
        return -1;
    }
    char why[512];
    if (!engine->available(why, sizeof why)) {
        mcb_error("engine %s is unavailable: %s", ename, why);
        return -1;
    }

    if (mcb_target_load(o->target ? o->target : "nrf52840", &p->target) < 0 ||
        mcb_tflite_load(o->model, &g) < 0)
        goto done;
    if (o->cond.icache_off) {
        p->target.icache = 0;
        p->target.flash_wait_states = p->target.flash_wait_states_nocache;
    }
    if (o->cond.weights_in_ram && !engine->weights_in_ram) {
        mcb_error("%s: engine %s cannot keep its weights in RAM", o->model, ename);
        goto done;
    }
    const mcb_tensor *x = &g.tensors[g.in[0]];
    /* --input: a raw file or the generator instead of a dataset (no labels, no accuracy) */
    mcb_input_spec in_spec;
    const int given = o->input != NULL;
    if (given && mcb_input_spec_parse(o->input, &in_spec) < 0)
        goto done;
    const char *dsname = given ? (in_spec.random ? "random" : "file")
                               : o->dataset ? o->dataset : dataset_for(x);
    if (!dsname) {
        mcb_error("%s: no test set for input shape of %lld bytes: give --dataset", o->model,
                  (long long)mcb_tensor_bytes(x));
        goto done;
    }
    snprintf(p->dataset, sizeof p->dataset, "%s", dsname);
    if ((made_temp = make_work(o, p, work, sizeof work)) < 0) {
        made_temp = 0;
        goto done;
    }
    snprintf(gendir, sizeof gendir, "%s/engine", work);
    if (o->keep)
        mcb_remove_tree(gendir); /* ours from an earlier --keep run */
    if (mkdir(gendir, 0777) != 0) {
        mcb_error("%s: cannot create: %s", gendir, strerror(errno));
        goto done;
    }
    mcb_engine_ctx ctx = {.g = &g, .model_path = o->model, .target = &p->target, .dir = gendir,
                          .cond = o->cond};
    mcb_progress("profile: generating %s for engine %s", o->model, ename);
    if (engine->generate(&ctx, &b) < 0) {
        if (strstr(mcb_last_error(), "does not fit"))
            p->status = MCB_MEASURE_NOFIT;
        goto done;
    }
    snprintf(p->engine_version, sizeof p->engine_version, "%s", b.version);
    for (int i = 0; i < b.hand_written.n; i++) {
        size_t len;
        char *text = (char *)mcb_read_file(b.hand_written.v[i], &len);
        if (!text)
            goto done;
        for (char *line = text; line && *line;) {
            char *nl = strchr(line, '\n');
            const size_t n = nl ? (size_t)(nl - line) : strlen(line);
            if (strspn(line, " \t\r") < n)
                p->hand_lines++;
            line = nl ? nl + 1 : NULL;
        }
        free(text);
    }
    const int64_t in_bytes = mcb_tensor_bytes(&g.tensors[b.input_tensor]);
    const int64_t out_bytes = mcb_tensor_bytes(&g.tensors[b.output_tensor]);
    const int64_t x_elems = mcb_tensor_elems(x), x_bytes = mcb_tensor_bytes(x);
    const int64_t y_bytes = mcb_tensor_bytes(&g.tensors[g.out[0]]);
    if (!given && mcb_dataset_load(&ds, dsname, "test", mcb_data_dir(o->data_dir), o->images) < 0)
        goto done;
    if (!given && (int64_t)ds.h * ds.w * ds.c != x_elems) {
        mcb_error("%s: %s images have %d values, the model's input %lld", o->model, dsname,
                  ds.h * ds.w * ds.c, (long long)x_elems);
        goto done;
    }
    /* the images are baked into flash beside the model */
    const int64_t room = (int64_t)p->target.flash_size - b.flash_need;
    if (in_bytes * o->images > room) {
        mcb_error("%s: %d test images take %lld bytes of flash, the model leaves %lld on %s: "
                  "use --images %lld or fewer", o->model, o->images,
                  (long long)(in_bytes * o->images), (long long)room, p->target.name,
                  (long long)(room > 0 ? room / in_bytes : 0));
        goto done;
    }
    if (!given && ds.n < o->images) {
        mcb_error("%s: the %s test set has only %d images", o->model, dsname, ds.n);
        goto done;
    }
    inputs = malloc((size_t)(in_bytes * o->images));
    host = malloc((size_t)(out_bytes * o->images));
    target_out = malloc((size_t)(out_bytes * o->images));
    host_in = malloc((size_t)(x_bytes * o->images));
    host_y = malloc((size_t)y_bytes);
    if (!inputs || !host || !target_out || !host_in || !host_y) {
        mcb_error("%s: out of memory", o->model);
        goto done;
    }
    /* The executor's input: pixel/255 as float for a model with a QUANTIZE wrapper, else
     * quantized as 'mcubench eval' does. The firmware gets the bytes of the engine's input
     * tensor as the executor computed them, and is compared with its output tensor. */
    if (given && mcb_input_fill(&in_spec, x, o->images, host_in, o->model) < 0)
        goto done;
    for (int i = 0; i < o->images && !given; i++)
        mcb_input_from_pixels_range(x, ds.pixels + (size_t)i * (size_t)x_elems,
                                    (size_t)x_elems, host_in + (size_t)i * (size_t)x_bytes,
                                    mcb_pixels_auto_range(x));
    mcb_progress("profile: host reference outputs of %d images", o->images);
    if (!(ex = mcb_exec_prepare(&g, o->model)))
        goto done;
    for (int i = 0; i < o->images; i++) {
        mcb_exec_run(ex, host_in + (size_t)i * (size_t)x_bytes, host_y);
        memcpy(inputs + (size_t)i * (size_t)in_bytes, mcb_exec_tensor(ex, b.input_tensor),
               (size_t)in_bytes);
        memcpy(host + (size_t)i * (size_t)out_bytes, mcb_exec_tensor(ex, b.output_tensor),
               (size_t)out_bytes);
    }
    /* the reference the target must equal: the executor, or the engine's own host build */
    const int8_t *ref = host;
    snprintf(p->reference, sizeof p->reference, "%s",
             engine->host_reference ? "engine host build" : "host executor");
    if (engine->host_reference) {
        mcb_progress("profile: engine %s's host build on %d images", ename, o->images);
        if (!(engine_ref = malloc((size_t)(out_bytes * o->images)))) {
            mcb_error("%s: out of memory", o->model);
            goto done;
        }
        if (engine->host_reference(&ctx, &b, work, inputs, o->images, in_bytes, engine_ref,
                                   out_bytes) < 0)
            goto done;
        ref = engine_ref;
    }

    snprintf(fw, sizeof fw, "%s/profile.elf", work);
    if (mcb_harness_write_main(work, "profile_main.c", o->images, in_bytes, out_bytes, -1) < 0 ||
        mcb_harness_write_images(work, inputs, o->images, in_bytes) < 0)
        goto done;
    mcb_progress("profile: building the firmware (engine %s)", ename);
    if (build_firmware(&p->target, &b, &o->cond, work, "profile_main.c", 0, fw) < 0)
        goto done;
    if (!(p->elf_path = strdup(fw)) || !(elf = mcb_elf_load(fw)))
        goto done;
    /* The budget catches a firmware that hangs; a slow engine on a big model is not one:
     * allow 1,000 instructions per MAC and image beyond the default (uTensor takes ~200). */
    const uint64_t per_image = 1000u * (uint64_t)mcb_graph_macs(&g);
    mcb_sim_opts so = {.target = &p->target,
                       .budget = MCB_SIM_DEFAULT_BUDGET + per_image * (uint64_t)o->images};
    mcb_progress("profile: simulating %d inferences (engine %s)", o->images, ename);
    if (mcb_sim_run(elf, &so, &p->r) < 0)
        goto done;
    if (p->r.fault[0]) {
        mcb_error("%s: engine %s: the firmware faulted: %s", o->model, ename, p->r.fault);
        goto done;
    }
    if (!p->r.exited || p->r.exit_code != 0) {
        mcb_error("%s: engine %s: the firmware exited with code %d", o->model, ename,
                  p->r.exit_code);
        goto done;
    }
    if (mcb_metrics_compute(elf, &p->target, &p->r, &p->m) < 0)
        goto done;

    p->n_layers = b.n_layers;
    p->layers = calloc((size_t)p->n_layers + 1, sizeof *p->layers);
    if (!p->layers)
        goto done;
    for (int l = 0; l < p->n_layers; l++) {
        snprintf(p->layers[l].op, sizeof p->layers[l].op, "%s", b.layers[l].op);
        p->layers[l].macs = b.layers[l].macs;
    }
    if (collect_cycles(p, o->model) < 0)
        goto done;

    /* every output byte must equal the host executor's */
    if (mcb_harness_parse_outputs(o->model, p->r.out, o->images, out_bytes, target_out) < 0)
        goto done;
    for (int i = 0; i < o->images; i++)
        for (int64_t k = 0; k < out_bytes; k++) {
            const int8_t a = target_out[(int64_t)i * out_bytes + k], h = ref[(int64_t)i * out_bytes + k];
            if (a != h && engine->host_reference) {
                mcb_error("%s: engine %s, image %d, output byte %lld: the target computed %d, "
                          "the engine's host build %d", o->model, ename, i, (long long)k, a, h);
                goto done;
            }
            if (a != h) {
                locate_mismatch(o, p, &g, &b, ex, host_in + (size_t)i * (size_t)x_bytes, host_y,
                                i, work, k, a, h);
                goto done;
            }
        }
    p->outputs_match = 1;
    p->no_labels = given;
    for (int i = 0; i < o->images; i++) {
        const int t = argmax(target_out + (int64_t)i * out_bytes, (int)out_bytes);
        if (!given)
            p->correct += t == ds.labels[i];
        p->executor_agree += t == argmax(host + (int64_t)i * out_bytes, (int)out_bytes);
    }
    p->macs = mcb_graph_macs(&g);
    p->arena_bytes = b.arena_bytes;
    p->lower_bound_bytes = b.lower_bound_bytes;
    p->weight_bytes = b.weight_bytes;
    p->plain_weight_bytes = b.plain_weight_bytes;
    p->images_bytes = in_bytes * o->images;
    p->flash_bytes = (int64_t)p->m.flash_bytes - p->images_bytes;
    p->status = MCB_MEASURE_OK;
    rc = 0;
done:
    mcb_progress_done();
    if (made_temp) {
        mcb_remove_tree(work);
        free(p->elf_path); /* removed with the folder */
        p->elf_path = NULL;
    }
    mcb_engine_build_free(&b);
    mcb_elf_free(elf);
    mcb_exec_free(ex);
    mcb_dataset_free(&ds);
    mcb_graph_free(&g);
    free(inputs);
    free(host_in);
    free(host_y);
    free(host);
    free(engine_ref);
    free(target_out);
    return rc;
}

void mcb_measure_free(mcb_measure *p)
{
    mcb_metrics_free(&p->m);
    mcb_sim_result_free(&p->r);
    free(p->layers);
    free(p->image_cycles);
    free(p->elf_path);
    memset(p, 0, sizeof *p);
}

int mcb_measure_build_firmware(const mcb_target *t, const mcb_engine_build *b,
                               const mcb_engine_conditions *cond, const char *work,
                               const char *main_c, const char *elf)
{
    return build_firmware(t, b, cond, work, main_c, 0, elf);
}
