/* bench/engine: the aot engine's goals (issue 5) on every network of the paper family.
 * usage: engine [--images N] [--models DIR] [--data DIR] [--seed S] [--weights int8|int16]
 *
 * Each network is profiled with `mcubench profile`'s library (mcb_measure_run: generate, build,
 * simulate, check every output byte against the host executor; a mismatch is an error for that
 * network and no figure of it is printed) on two targets: tests/sim/m4-zero-wait.target (the
 * nRF52840's memory map at 64 MHz with no flash wait states: the conditions the goals and the
 * CMSIS-NN reference figures are stated in) and targets/nrf52840.target (3 flash wait states
 * with the cache, the real part). The model is models/NAME-int8.tflite when it exists, else a
 * random-weight int8 model of the same shape (tests/codegen/graphs.c, the builder of
 * cgt_family_model): cycles and memory do not depend on the weights. The inference is
 * data-independent except for the few-cycle branches of padding and clamping, so 2 images are
 * enough for cycles (the mean and the max are both reported by profile and differ by < 1%).
 * With --weights int8 (the default: one byte per weight in flash, widened in the kernels) the
 * flash goal is flash - plain int8 weight bytes <= 6 KB and the conv128 networks' goal 1.1
 * cycles/MAC; with int16 (widened at generation) flash - stored weight bytes <= 6 KB and 1.0.
 * Ends with one JSON line holding every figure, ratio and goal verdict. */
#include "dataset.h"
#include "family.h"
#include "graphs.h"
#include "json.h"
#include "measure.h"
#include "tflite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The published reference: issue 5's table, "CMSIS-NN cycles" per inference of the same
 * networks built on CMSIS-NN's s8 kernels (arm_convolve_wrapper_s8, arm_max_pool_s8,
 * arm_fully_connected_s8, arm_softmax_s8, -O2), measured with a cycle model of the simulator
 * issue's kind (taken-branch penalty 2, no wait states). Same order as mcb_family. */
static const struct {
    const char *name;
    int64_t cycles;
    double cycles_per_mac;
} cmsis_ref[MCB_FAMILY_COUNT] = {
    {"mnist-conv16", 2307394, 6.07},    {"mnist-conv32", 5021188, 3.81},
    {"mnist-conv64", 13699013, 2.82},   {"mnist-conv96", 26741695, 2.51},
    {"mnist-conv128", 44133886, 2.37},  {"cifar10-conv16", 3745168, 4.78},
    {"cifar10-conv32", 8021487, 3.42},  {"cifar10-conv64", 21104151, 2.70},
    {"cifar10-conv96", 40269855, 2.46}, {"cifar10-conv128", 65497059, 2.33},
};

#define GOAL_SPEEDUP 2.0      /* CMSIS-NN cycles / ours, at least */
#define GOAL_RAM_RATIO 1.1    /* peak RAM / planner lower bound, at most */
#define GOAL_FLASH_OVER 6144  /* flash - weight_bytes, at most */
#define GOAL_CPM_BIG 1.0      /* whole-inference cycles/MAC of the conv128 networks, at most */
#define GOAL_CPM_BIG_INT8 1.1 /* the same with int8 weights */
#define GOAL_CPM_FIRST 2.0    /* the first conv's cycles/MAC (issue 12, item 3), at most */

typedef struct {
    const char *name;
    const char *source; /* "trained" or "random" */
    int ok;
    double cycles_zw, cycles_nrf, cpm_zw, cpm_nrf;
    uint64_t cycles_max_zw;
    int64_t macs, ref_cycles;
    double speedup;
    int64_t ram, bound;
    double ram_ratio;
    int64_t flash, weights, plain_weights, overhead, plain_flash;
    int big, goal_speed, goal_ram, goal_flash, goal_cpm;
    double cpm_first; /* the first conv's cycles/MAC (zero wait states; issue 12, item 3) */
    int goal_first;
} row;

static const char *verdict(int met)
{
    return met ? "met" : "MISSED";
}

static int profile_one(const char *model, const char *target, int images, const char *data,
                       int int16, mcb_measure *p)
{
    mcb_measure_opts o = {.model = model, .target = target, .images = images, .data_dir = data};
    o.cond.weights_int16 = int16;
    return mcb_measure_run(&o, p);
}

int main(int argc, char **argv)
{
    int images = 2, int16 = 0;
    unsigned seed = 1;
    const char *models = MCB_MODELS_DIR, *data = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--images") && i + 1 < argc)
            images = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--models") && i + 1 < argc)
            models = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--weights") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "int8") || !strcmp(argv[i + 1], "int16")))
            int16 = !strcmp(argv[++i], "int16");
        else {
            fprintf(stderr, "usage: engine [--images N] [--models DIR] [--data DIR] [--seed S] "
                            "[--weights int8|int16]\n");
            return 2;
        }
    }
    if (images < 1 || images > 100) {
        fprintf(stderr, "engine: --images must be 1..100\n");
        return 2;
    }
    /* the data: --data, else $MCUBENCH_DATA, else the shared folder beside the checkout */
    if (!data && !getenv("MCUBENCH_DATA") && access(MCB_SHARED_DATA, R_OK) == 0)
        data = MCB_SHARED_DATA;
    char tmp[] = "/tmp/mcb-engine-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("engine: mkdtemp");
        return 1;
    }

    row rows[MCB_FAMILY_COUNT];
    int failures = 0;
    const double goal_cpm = int16 ? GOAL_CPM_BIG : GOAL_CPM_BIG_INT8;
    printf("aot engine vs CMSIS-NN s8 (issue 5), %s weights, %d image(s) per network, every output\n"
           "checked bit-exact first. Goal figures on %s (no wait states, 64 MHz); nrf52840 = %s.\n\n",
           int16 ? "int16" : "int8", images, MCB_ZERO_WAIT_TARGET,
           "targets/nrf52840.target (3 wait states + cache)");
    printf("%-16s %-7s %11s %6s %11s %6s %11s %6s %7s | %6s %6s %5s | %8s %8s %6s %8s\n", "network",
           "weights", "cycles", "c/MAC", "CMSIS-NN", "c/MAC", "nrf52840", "c/MAC", "speedup",
           "RAM", "bound", "ratio", "flash", "weights", "over", "plain");
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        const mcb_family_net *n = &mcb_family[i];
        row *r = &rows[i];
        memset(r, 0, sizeof *r);
        r->name = n->name;
        r->ref_cycles = cmsis_ref[i].cycles;
        r->big = n->kernels == 128;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s-int8.tflite", models, n->name);
        r->source = "trained";
        if (access(path, R_OK) != 0) {
            r->source = "random";
            snprintf(path, sizeof path, "%s/%s-int8.tflite", tmp, n->name);
            mcb_graph g;
            int bad = cgt_family_graph(n, seed + (unsigned)i, &g) || mcb_tflite_save(path, &g);
            mcb_graph_free(&g);
            if (bad) {
                fprintf(stderr, "engine: %s: could not build the random-weight model\n", n->name);
                failures++;
                continue;
            }
        }
        mcb_measure zw, nrf; /* both freed below, also when a profile was skipped */
        memset(&zw, 0, sizeof zw);
        memset(&nrf, 0, sizeof nrf);
        int bad = profile_one(path, MCB_ZERO_WAIT_TARGET, images, data, int16, &zw) < 0;
        bad = bad || profile_one(path, "nrf52840", images, data, int16, &nrf) < 0;
        if (bad) {
            fprintf(stderr, "engine: %s: profile failed (see above); no figures for it\n",
                    n->name);
            printf("%-16s %-7s FAILED (no figures: outputs not checked bit-exact)\n", n->name,
                   r->source);
            failures++;
        } else {
            r->ok = 1;
            r->macs = zw.macs;
            r->cycles_zw = zw.cycles_mean;
            r->cycles_max_zw = zw.cycles_max;
            r->cycles_nrf = nrf.cycles_mean;
            r->cpm_zw = zw.cycles_mean / (double)zw.macs;
            r->cpm_nrf = nrf.cycles_mean / (double)nrf.macs;
            r->speedup = (double)r->ref_cycles / zw.cycles_mean;
            r->ram = (int64_t)zw.m.ram_bytes;
            r->bound = zw.lower_bound_bytes;
            r->ram_ratio = (double)r->ram / (double)r->bound;
            r->flash = zw.flash_bytes;
            r->weights = zw.weight_bytes;
            r->plain_weights = zw.plain_weight_bytes;
            /* int8: over the plain int8 layout; int16: over the stored (widened) weights */
            r->overhead = r->flash - (int16 ? r->weights : r->plain_weights);
            r->plain_flash = r->flash - r->weights + r->plain_weights;
            r->goal_speed = r->speedup >= GOAL_SPEEDUP;
            r->goal_ram = r->ram_ratio <= GOAL_RAM_RATIO;
            r->goal_flash = r->overhead <= GOAL_FLASH_OVER;
            r->goal_cpm = !r->big || r->cpm_zw <= goal_cpm;
            for (int l = 0; l < zw.n_layers && !r->cpm_first; l++)
                if (zw.layers[l].macs > 0)
                    r->cpm_first = zw.layers[l].cycles / (double)zw.layers[l].macs;
            r->goal_first = r->cpm_first <= GOAL_CPM_FIRST;
            printf("%-16s %-7s %11.0f %6.3f %11lld %6.2f %11.0f %6.3f %6.2fx | %6lld %6lld %5.3f "
                   "| %8lld %8lld %6lld %8lld\n",
                   n->name, r->source, r->cycles_zw, r->cpm_zw, (long long)r->ref_cycles,
                   cmsis_ref[i].cycles_per_mac, r->cycles_nrf, r->cpm_nrf, r->speedup,
                   (long long)r->ram, (long long)r->bound, r->ram_ratio, (long long)r->flash,
                   (long long)r->weights, (long long)r->overhead, (long long)r->plain_flash);
        }
        fflush(stdout);
        mcb_measure_free(&zw);
        mcb_measure_free(&nrf);
        if (!strcmp(r->source, "random"))
            unlink(path);
    }
    rmdir(tmp);

    printf("\ncolumns: cycles = per inference (mean), c/MAC over the whole inference; speedup = "
           "CMSIS-NN cycles / ours\n(zero wait states for both); RAM = .data + .bss + peak stack "
           "(simulator), bound = the planner's lower bound;\nflash without the test images; "
           "weights = weight_bytes as stored; over = flash - %s;\nplain = the flash with the "
           "plain int8 layout (flash - weight_bytes + plain int8 weight bytes).\n\ngoals:\n",
           int16 ? "weight_bytes (int16: about 2x the int8 bytes)" : "plain int8 weight bytes");
    int all = failures == 0;
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        const row *r = &rows[i];
        if (!r->ok)
            continue;
        printf("%-16s speedup %5.2fx >= 2: %-6s  RAM %5.3fx bound <= 1.1: %-6s  flash overhead "
               "%5lld <= 6144: %-6s",
               r->name, r->speedup, verdict(r->goal_speed), r->ram_ratio, verdict(r->goal_ram),
               (long long)r->overhead, verdict(r->goal_flash));
        if (r->big)
            printf("  cycles/MAC %.3f <= %.1f: %s", r->cpm_zw, goal_cpm, verdict(r->goal_cpm));
        printf("  first conv %.3f c/MAC <= 2.0: %s\n", r->cpm_first, verdict(r->goal_first));
        all = all && r->goal_speed && r->goal_ram && r->goal_flash && r->goal_cpm &&
              r->goal_first;
    }
    printf("all goals %s%s\n", all ? "met" : "NOT met", failures ? " (some networks failed)" : "");

    mcb_json j;
    mcb_json_init(&j, stdout, 0);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "bench");
    mcb_json_str(&j, "engine");
    mcb_json_key(&j, "images");
    mcb_json_int(&j, images);
    mcb_json_key(&j, "weights");
    mcb_json_str(&j, int16 ? "int16" : "int8");
    mcb_json_key(&j, "goal_target");
    mcb_json_str(&j, "m4-zero-wait");
    mcb_json_key(&j, "all_goals_met");
    mcb_json_bool(&j, all);
    mcb_json_key(&j, "networks");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        const row *r = &rows[i];
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "name");
        mcb_json_str(&j, r->name);
        mcb_json_key(&j, "model");
        mcb_json_str(&j, r->source);
        mcb_json_key(&j, "ok");
        mcb_json_bool(&j, r->ok);
        if (r->ok) {
            const struct {
                const char *k;
                double v;
                int is_int;
            } f[] = {
                {"macs", (double)r->macs, 1},
                {"cycles", r->cycles_zw, 0},
                {"cycles_max", (double)r->cycles_max_zw, 1},
                {"cycles_per_mac", r->cpm_zw, 0},
                {"cycles_nrf52840", r->cycles_nrf, 0},
                {"cycles_per_mac_nrf52840", r->cpm_nrf, 0},
                {"cmsis_nn_cycles", (double)r->ref_cycles, 1},
                {"speedup", r->speedup, 0},
                {"ram_bytes", (double)r->ram, 1},
                {"lower_bound_bytes", (double)r->bound, 1},
                {"ram_ratio", r->ram_ratio, 0},
                {"flash_bytes", (double)r->flash, 1},
                {"weight_bytes", (double)r->weights, 1},
                {"flash_overhead_bytes", (double)r->overhead, 1},
                {"plain_weight_bytes", (double)r->plain_weights, 1},
                {"plain_flash_bytes", (double)r->plain_flash, 1},
                {"first_conv_cycles_per_mac", r->cpm_first, 0},
            };
            for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
                mcb_json_key(&j, f[k].k);
                if (f[k].is_int)
                    mcb_json_int(&j, (int64_t)f[k].v);
                else
                    mcb_json_num(&j, f[k].v);
            }
            mcb_json_key(&j, "goal_speedup");
            mcb_json_bool(&j, r->goal_speed);
            mcb_json_key(&j, "goal_ram");
            mcb_json_bool(&j, r->goal_ram);
            mcb_json_key(&j, "goal_flash");
            mcb_json_bool(&j, r->goal_flash);
            mcb_json_key(&j, "goal_first_conv");
            mcb_json_bool(&j, r->goal_first);
            if (r->big) {
                mcb_json_key(&j, "goal_cycles_per_mac");
                mcb_json_bool(&j, r->goal_cpm);
            }
        }
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
    return failures ? 1 : 0;
}
