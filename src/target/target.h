/* A target: the board a firmware runs on, read from a plain-text file (targets/<name>.target,
 * "key = value" lines, '#' comments). The simulator takes clock, memory map, flash wait states,
 * cache and supply figures from here; nothing about a board is hard-coded elsewhere. */
#ifndef MCB_TARGET_H
#define MCB_TARGET_H

#include <stdint.h>

typedef struct {
    char name[32];
    char core[32];         /* "cortex-m4" */
    char qemu_machine[32]; /* QEMU board running the same ELF ("mps2-an386"), or "" */
    uint32_t clock_hz;
    uint32_t flash_base, flash_size;
    uint32_t ram_base, ram_size;
    int flash_wait_states; /* extra cycles per flash access not served by the cache */
    int icache;            /* 1 if the instruction cache is on */
    int flash_wait_states_nocache; /* the same with the cache switched off (optional key;
                                      default flash_wait_states) */
    /* its geometry (required when icache = 1 and flash_wait_states > 0): bytes, bytes per
     * line, ways (LRU within a set); docs/cycle-model.md */
    uint32_t icache_size, icache_line, icache_ways;
    double supply_v;
    double run_current_dcdc_a; /* CPU running from flash, DC/DC regulator */
    double run_current_ldo_a;  /* same, LDO regulator */
    char cflags[256];          /* compiler flags for this core: -mcpu=... -mthumb ... */
    char runtime[32];          /* start-up folder under src/target/ ("nrf52840") */
} mcb_target;

/* name_or_path: a file path (contains '/' or ends in .target) or a built-in name, looked up
 * in $MCUBENCH_TARGETS, then the project's targets/ folder. 0, or -1 after reporting.
 * Strict: every key above is required except qemu_machine and the icache geometry; an unknown or repeated key, a bad
 * number or a missing key is reported as one line naming the file (and line). Numbers are
 * decimal or 0x hex; a value may be wrapped in double quotes. The format is in docs/targets.md. */
int mcb_target_load(const char *name_or_path, mcb_target *t);

#endif
