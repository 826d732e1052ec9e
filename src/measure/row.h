/* One result of the paper sweep: a network on an engine under one set of conditions, as plain
 * data. A row is stored as a cell file (one "field<TAB>value" line per field) the moment its
 * cell finishes, and written out as a CSV line or a JSON object; every field is in all three,
 * in the same order (docs/benchmark.md lists them). */
#ifndef MCB_ROW_H
#define MCB_ROW_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    char network[32], dataset[16];
    int64_t kernels, params;
    char engine[32], engine_version[96];
    char conditions[8];  /* "fair" or "paper" */
    char opt[8];         /* the optimisation flag the firmware was built with */
    int64_t no_builtin, weights_in_ram, icache;
    char regulator[8];   /* "dcdc" or "ldo": which energy is the row's energy_uj */
    char target[256];
    char tool_version[48], cycle_model[16];
    char status[16];     /* ok, nofit, failed, unavailable, missing */
    char error[512];     /* one line, for every status but ok */
    char model[1024], model_sha256[72];
    char quant_scheme[8]; /* int8 or q7 */
    double float_accuracy, quant_accuracy; /* full test set; NaN if unknown */
    char accuracy_source[64];
    int64_t images, outputs_match, correct;
    char reference[32];      /* what the outputs were checked against: "host executor", or
                                "engine host build" for an engine that brings its own */
    int64_t executor_agree;  /* images whose argmax equals the host executor's */
    int64_t macs;
    double cycles_mean, cycles_min, cycles_max, cycles_sd;
    double time_ms, energy_dcdc_uj, energy_ldo_uj, energy_uj;
    int64_t ram_bytes, data_bytes, bss_bytes, stack_bytes, heap_bytes, arena_bytes;
    int64_t flash_bytes, weight_bytes, code_bytes;
    int64_t hand_lines; /* lines a user of the framework writes by hand (engine.h) */
    char build_flags[2048];
    char layers[4096];       /* "OP:MACS:CYCLES;..." mean cycles per layer, in order */
    char image_cycles[1600]; /* "C;C;..." each image's cycles */
    char config[20];         /* hash of what decides the cell (resume: same hash, same cell) */
} mcb_row;

void mcb_row_init(mcb_row *r); /* zeros, accuracies NaN */

/* The cell file: 0, or -1 after one line. Reading ignores unknown fields (newer files). */
int mcb_row_save(const char *path, const mcb_row *r);
int mcb_row_load(const char *path, mcb_row *r);

void mcb_row_csv_header(FILE *f);
void mcb_row_csv(FILE *f, const mcb_row *r);
/* The rows as a JSON array of objects (numbers as numbers, NaN as null). */
void mcb_rows_json(FILE *f, const mcb_row *rows, int n);

#endif
