/* mcubench profile: generate the aot library for a model, build a firmware that runs N test
 * images through it, run it in the simulator, and check every output byte against the host
 * executor (docs/codegen.md). A mismatch is an error. */
#ifndef MCB_CODEGEN_PROFILE_H
#define MCB_CODEGEN_PROFILE_H

#include "codegen.h"
#include "metrics.h"
#include "sim.h"
#include "target.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *model;    /* int8 .tflite path */
    const char *target;   /* name or path; NULL = nrf52840 */
    int images;           /* test images run on the target (1..10000) */
    const char *dataset;  /* NULL: from the input shape (28x28x1 mnist, 32x32x3 cifar10) */
    const char *data_dir; /* NULL: mcb_data_dir's default */
    const char *keep;     /* NULL, or a folder that keeps the generated sources and firmware */
} mcb_profile_opts;

typedef struct {
    char op[48];
    int64_t macs;
    double cycles; /* mean over the images */
} mcb_profile_layer;

typedef struct {
    mcb_target target;
    char dataset[24];
    int images, correct;
    int outputs_match;
    int64_t macs, arena_bytes, lower_bound_bytes, weight_bytes, plain_weight_bytes;
    int64_t images_bytes;  /* flash taken by the baked-in test images (not in flash_bytes) */
    int64_t flash_bytes;   /* firmware flash without the test images */
    double cycles_mean, insns_mean;
    uint64_t cycles_max;
    double time_ms, energy_dcdc_uj, energy_ldo_uj; /* per inference (mean cycles) */
    mcb_profile_layer *layers;
    int n_layers;
    mcb_metrics m;      /* of the whole firmware run */
    mcb_sim_result r;
    char *elf_path;
    char temp_dir[4096]; /* the removed temporary folder, "" with --keep */
} mcb_profile;

/* 0 with *p filled, or -1 after reporting (p is still safe to free). */
int mcb_profile_run(const mcb_profile_opts *o, mcb_profile *p);
void mcb_profile_free(mcb_profile *p);

void mcb_profile_write_text(FILE *f, const mcb_profile *p, const char *model);
void mcb_profile_write_json(FILE *f, const mcb_profile *p, const char *model);

#endif
