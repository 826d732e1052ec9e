/* The numbers a run reports (docs/metrics.md): flash, RAM, cycles and instructions between
 * markers, time at the target clock, modelled energy, and the firmware's exit and output. */
#ifndef MCB_SIM_METRICS_H
#define MCB_SIM_METRICS_H

#include "elf.h"
#include "json.h"
#include "sim.h"
#include "target.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    char name[32]; /* "inference", "layer0", "layer1", ... */
    uint64_t cycles, insns;
} mcb_region;

typedef struct {
    uint64_t flash_bytes, data_bytes, bss_bytes, stack_bytes, heap_bytes, ram_bytes;
    uint64_t cycles, insns;             /* the first inference region, else the whole run */
    int from_markers;                   /* 1 if cycles/insns come from inference markers */
    uint64_t total_cycles, total_insns; /* the whole run */
    double time_ms, energy_dcdc_uj, energy_ldo_uj;
    mcb_region *regions; /* malloc'd, in order of their begin markers */
    int nregions;
    int unmatched; /* markers without a partner */
    int inexact;   /* markers that could not be placed on their store instruction */
    char *build_flags; /* malloc'd or NULL when the ELF does not record them */
} mcb_metrics;

/* Time at the target's clock and modelled energy (time x supply voltage x run current, DC/DC
 * and LDO) of `cycles`; the one place that formula lives. dcdc_known / ldo_known are 0 where
 * the target lacks the supply figures (the energy is then 0, and reported as null). */
typedef struct {
    double time_ms, dcdc_uj, ldo_uj;
    int dcdc_known, ldo_known;
} mcb_energy;
mcb_energy mcb_metrics_energy(const mcb_target *t, double cycles);

/* 0, or -1 (out of memory, reported). */
int mcb_metrics_compute(const mcb_elf *e, const mcb_target *t, const mcb_sim_result *r,
                        mcb_metrics *m);
void mcb_metrics_free(mcb_metrics *m);

/* The documented JSON object (one line per key), ending with a newline. qemu_machine: the
 * QEMU board whose output matched (--qemu), or NULL when QEMU was not run. */
/* The fields `run --json` and `profile --json` share, so both describe energy and RAM alike:
 * energy_uj (= DC/DC), energy_dcdc_uj, energy_ldo_uj (null where the target has no supply
 * figures), energy_model, supply_v; and ram_bytes with data/bss/stack/heap_bytes. */
void mcb_metrics_json_energy(mcb_json *j, const mcb_target *t, double dcdc_uj, double ldo_uj);
void mcb_metrics_json_ram(mcb_json *j, const mcb_metrics *m);
/* "regions": the first n regions as {name, cycles, instructions}. */
void mcb_metrics_json_regions(mcb_json *j, const mcb_metrics *m, int n);
void mcb_metrics_write_json(FILE *f, const mcb_metrics *m, const mcb_sim_result *r,
                            const mcb_target *t, const char *elf_path, const char *qemu_machine);
/* A human-readable summary. */
void mcb_metrics_write_text(FILE *f, const mcb_metrics *m, const mcb_sim_result *r,
                            const mcb_target *t);

#endif
