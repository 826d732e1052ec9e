/* bench/mlperf: the networks people deploy (MLPerf Tiny's four reference models and TFLM's
 * person_detect, taken from the TFLM archive as unpacked in the framework cache), aot beside
 * tflm-cmsis-nn on the same simulated board (issue 12). Each model runs N random inputs
 * (--input random: no dataset is needed) with every output byte checked against the host
 * executor, then: cycles, RAM and flash per engine, aot's ratios, and aot at zero wait states
 * beside the best published Cortex-M4 results (MLPerf Tiny v1.1, in cycles). Goals of issue
 * 12: aot at least 1.5x fewer cycles and at most 0.8x the peak RAM of tflm-cmsis-nn on every
 * model. Ends with one JSON line.
 * usage: build/bench/mlperf [--images N] [--models DIR] */
#include "engine.h"
#include "err.h"
#include "fwlib.h"
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOAL_SPEEDUP 1.5
#define GOAL_RAM 0.8

static const char *const models[][2] = {
    {"resnet8", "pretrainedResnet_quant.tflite"},
    {"ds-cnn", "kws_ref_model.tflite"},
    {"mobilenet-vww", "vww_96_int8.tflite"},
    {"fc-autoencoder", "ad01_int8.tflite"},
    {"person_detect", "tflite-micro-90b983c2/tensorflow/lite/micro/models/person_detect.tflite"},
};
/* MLPerf Tiny v1.1's best Cortex-M4 results (120 MHz) in cycles; 0: none published */
static const double stretch[] = {20.2e6, 5.74e6, 11.9e6, 0.49e6, 0};
static const char *const engines[] = {"aot", "tflm-cmsis-nn"};

typedef struct {
    int ok;
    double cycles;
    int64_t ram, flash;
    char error[256];
} cell;

int main(int argc, char **argv)
{
    int images = 2;
    const char *target = "nrf52840", *dir = MCB_MLPERF_DIR;
    double zero_wait[8] = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--images") && i + 1 < argc)
            images = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--models") && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: mlperf [--images N] [--models DIR]\n");
            return 2;
        }
    }
    if (images < 1 || images > 100) {
        fprintf(stderr, "mlperf: --images must be 1..100\n");
        return 2;
    }
    enum { NM = sizeof models / sizeof models[0], NE = sizeof engines / sizeof engines[0] };
    cell c[NM][NE];
    memset(c, 0, sizeof c);
    mcb_err_quiet(1);
    for (int m = 0; m < NM; m++)
        for (int e = 0; e < NE; e++) {
            char path[4096];
            if (!strncmp(models[m][1], "tflite-micro-", 13)) {
                /* from the pinned TFLM archive, verified and unpacked in the framework cache
                 * ($MCUBENCH_CACHE or the build's) */
                static const mcb_fwlib_archive a[] = {{"tflite-micro-90b983c2", NULL}};
                const mcb_fwlib_spec spec = {.name = "person_detect", .archives = a,
                                             .n_archives = 1};
                if (mcb_fwlib_path(&spec, models[m][1], path, sizeof path) < 0) {
                    snprintf(c[m][e].error, sizeof c[m][e].error, "%s", mcb_last_error());
                    continue;
                }
            } else {
                snprintf(path, sizeof path, "%s/%s", dir, models[m][1]);
            }
            fprintf(stderr, "mlperf: %s on %s\n", models[m][0], engines[e]);
            mcb_measure_opts o = {.model = path, .engine = engines[e], .target = target,
                                  .images = images, .input = "random:1"};
            mcb_measure p;
            if (mcb_measure_run(&o, &p) == 0) {
                c[m][e].ok = 1;
                c[m][e].cycles = p.cycles_mean;
                c[m][e].ram = (int64_t)p.m.ram_bytes;
                c[m][e].flash = p.flash_bytes;
            } else {
                snprintf(c[m][e].error, sizeof c[m][e].error, "%s", mcb_last_error());
            }
            mcb_measure_free(&p);
            if (e == 0) { /* aot at zero wait states, for the published figures */
                mcb_measure_opts z = o;
                z.target = MCB_ZERO_WAIT_TARGET;
                if (mcb_measure_run(&z, &p) == 0)
                    zero_wait[m] = p.cycles_mean;
                mcb_measure_free(&p);
            }
        }
    printf("MLPerf Tiny and person_detect on %s, %d random inputs each, outputs checked bit-exact first\n\n", target,
           images);
    printf("%-15s %-14s %12s %9s %9s\n", "model", "engine", "cycles", "RAM", "flash");
    for (int m = 0; m < NM; m++)
        for (int e = 0; e < NE; e++) {
            if (c[m][e].ok)
                printf("%-15s %-14s %12.0f %9lld %9lld\n", models[m][0], engines[e],
                       c[m][e].cycles, (long long)c[m][e].ram, (long long)c[m][e].flash);
            else
                printf("%-15s %-14s failed: %s\n", models[m][0], engines[e], c[m][e].error);
        }
    printf("\ngoals (aot against tflm-cmsis-nn):\n");
    int all = 1;
    for (int m = 0; m < NM; m++) {
        const int ok = c[m][0].ok && c[m][1].ok;
        const double sp = ok ? c[m][1].cycles / c[m][0].cycles : 0;
        const double rr = ok ? (double)c[m][0].ram / (double)c[m][1].ram : 0;
        const int met = ok && sp >= GOAL_SPEEDUP && rr <= GOAL_RAM;
        all &= met;
        printf("%-15s cycles tflm-cmsis-nn/aot %5.2fx >= %.1f: %-7s RAM aot/tflm-cmsis-nn %.3f <= "
               "%.1f: %s\n", models[m][0], sp, GOAL_SPEEDUP,
               ok && sp >= GOAL_SPEEDUP ? "met" : "MISSED", rr, GOAL_RAM,
               ok && rr <= GOAL_RAM ? "met" : "MISSED");
    }
    printf("\nstretch (aot at zero wait states against MLPerf Tiny v1.1's best Cortex-M4, cycles):\n");
    for (int m = 0; m < NM; m++)
        if (stretch[m] > 0)
            printf("%-15s aot %12.0f   published %12.0f   %.2fx\n", models[m][0], zero_wait[m],
                   stretch[m], zero_wait[m] > 0 ? zero_wait[m] / stretch[m] : 0);
    printf("%s\n", all ? "all goals met" : "all goals NOT met");
    printf("{\"bench\":\"mlperf\",\"images\":%d,\"target\":\"%s\",\"all_goals_met\":%s,\"models\":[",
           images, target, all ? "true" : "false");
    for (int m = 0; m < NM; m++) {
        printf("%s{\"name\":\"%s\",\"aot_zero_wait_cycles\":%.0f,\"stretch_cycles\":%.0f",
               m ? "," : "", models[m][0], zero_wait[m], stretch[m]);
        for (int e = 0; e < NE; e++)
            printf(",\"%s\":{\"ok\":%s,\"cycles\":%.0f,\"ram_bytes\":%lld,\"flash_bytes\":%lld}",
                   engines[e], c[m][e].ok ? "true" : "false", c[m][e].cycles,
                   (long long)c[m][e].ram, (long long)c[m][e].flash);
        printf("}");
    }
    printf("]}\n");
    return 0;
}
