/* The measurement stage: one model on one engine and target. Generates the engine's sources,
 * builds a firmware that runs N test images (baked into flash) through them, runs it in the
 * simulator and checks every output byte against the host executor; a difference is an error
 * naming the engine, image and byte. Then the figures: cycles (mean, max, per layer), time,
 * modelled energy, RAM, flash (docs/codegen.md, docs/engines.md). */
#ifndef MCB_MEASURE_H
#define MCB_MEASURE_H

#include "engine.h"
#include "metrics.h"
#include "sim.h"
#include "target.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *model;    /* .tflite path (int8, or q7 for cmsis-nn-q7) */
    const char *engine;   /* NULL = aot */
    const char *target;   /* name or path; NULL = nrf52840 */
    int images;           /* test images run on the target (1..10000) */
    const char *dataset;  /* NULL: from the input shape (28x28x1 mnist, 32x32x3 cifar10) */
    const char *input;    /* NULL: the dataset; else "random[:SEED]" or a raw file (input.h) */
    const char *data_dir; /* NULL: mcb_data_dir's default */
    const char *keep;     /* NULL, or a folder that keeps the generated sources and firmware */
    mcb_engine_conditions cond;
} mcb_measure_opts;

typedef struct {
    char op[48];
    int64_t macs;
    double cycles; /* mean over the images */
} mcb_measure_layer;

typedef enum { MCB_MEASURE_FAILED = 0, MCB_MEASURE_OK, MCB_MEASURE_NOFIT } mcb_measure_status;

typedef struct {
    mcb_target target;
    char engine[32];
    char engine_version[96];
    char dataset[24];
    mcb_measure_status status; /* NOFIT: the model does not fit the target under the engine */
    int images, correct;
    int no_labels;         /* the inputs came from --input: no accuracy */
    int outputs_match;
    /* what the outputs were checked against: "host executor", or "engine host build" for an
     * engine with its own host reference (engine.h); executor_agree: images on which the
     * target's argmax equals the host executor's (all of them when it is the reference) */
    char reference[24];
    int executor_agree;
    int64_t macs, arena_bytes, lower_bound_bytes, weight_bytes, plain_weight_bytes;
    int64_t images_bytes;  /* flash taken by the baked-in test images (not in flash_bytes) */
    int64_t flash_bytes;   /* firmware flash without the test images */
    double cycles_mean, insns_mean, cycles_sd; /* sd: over the images (population) */
    uint64_t cycles_min, cycles_max;
    uint64_t *image_cycles; /* [images], each inference's cycles */
    double time_ms, energy_dcdc_uj, energy_ldo_uj; /* per inference (mean cycles) */
    int64_t hand_lines; /* non-blank lines of the engine's hand_written files */
    mcb_measure_layer *layers;
    int n_layers;
    mcb_metrics m;      /* of the whole firmware run */
    mcb_sim_result r;
    char *elf_path;
    char temp_dir[4096]; /* the removed temporary folder, "" with --keep */
} mcb_measure;

/* 0 with *p filled, or -1 after reporting one line (p->status tells a model that does not
 * fit from other failures; p is still safe to free). */
int mcb_measure_run(const mcb_measure_opts *o, mcb_measure *p);
void mcb_measure_free(mcb_measure *p);

/* The firmware as mcb_measure_run builds it (without simulating it): work/main_c (a harness
 * from harness.h, with work/profile_images.c) and the engine's sources b under the conditions,
 * into elf. 0, or -1 after one line. 'mcubench fit' reads its figures from this ELF. */
int mcb_measure_build_firmware(const mcb_target *t, const mcb_engine_build *b,
                               const mcb_engine_conditions *cond, const char *work,
                               const char *main_c, const char *elf);

void mcb_measure_write_text(FILE *f, const mcb_measure *p, const char *model);
void mcb_measure_write_json(FILE *f, const mcb_measure *p, const char *model);

#endif
