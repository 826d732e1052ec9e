/* Runs a Cortex-M4 firmware ELF in Unicorn 2 under the cycle model (cycles.h).
 * Memory comes from the target (flash read/execute, RAM read/write/execute, 1 KB granules,
 * RAM pre-filled with MCB_RAM_FILL), the marker page is MMIO, semihosting arrives as BKPT 0xAB.
 * The run ends at SYS_EXIT / SYS_EXIT_EXTENDED, or at a fault: unmapped or read-only memory,
 * invalid instruction, unexpected BKPT/SVC/UDF, stack pointer below the end of .bss,
 * instruction budget exceeded. A fault is not an error of mcb_sim_run: it fills r->fault. */
#ifndef MCB_SIM_SIM_H
#define MCB_SIM_SIM_H

#include "elf.h"
#include "target.h"

#include <stddef.h>
#include <stdint.h>

#define MCB_SIM_MARKS_MAX (1 << 20) /* markers recorded per run */
#define MCB_SIM_DEFAULT_BUDGET 4000000000ull /* instructions: 10-20 s on CNN code, ~100 s in a tight loop */

typedef struct {
    const mcb_target *target;
    uint64_t budget; /* instructions; 0 = MCB_SIM_DEFAULT_BUDGET */
    int no_model;    /* 1: plain Unicorn, no block/code hooks (benchmark baseline); cycles,
                        instructions, markers' stamps, the stack check and the budget are then
                        all off: for trusted firmwares only */
    int self_check;  /* 1: where the simulator tracks SP instead of reading it, read it too
                        and fault if the two differ (tests/sim/test_identical.c) */
} mcb_sim_opts;

typedef struct {
    uint32_t word;         /* marker word: kind << 24 | index */
    uint64_t cycles, insns; /* at the marker: after a *_BEGIN store, before a *_END store */
    int exact;             /* 0 if the store could not be placed inside its block */
} mcb_sim_mark;

typedef struct {
    int exited;    /* the firmware called SYS_EXIT(_EXTENDED) */
    int exit_code; /* its status */
    char fault[512]; /* "" or one line: what happened, PC and symbol */
    uint32_t fault_pc;
    uint64_t cycles, insns;
    char *out; /* what the firmware printed (NUL-terminated), malloc'd */
    size_t out_len;
    int out_truncated;
    mcb_sim_mark *marks;
    int nmarks;
    uint64_t marks_dropped;
    uint64_t icache_lookups, icache_misses; /* line lookups and misses (bounded cache only) */ /* marker stores after the first MCB_SIM_MARKS_MAX (not recorded) */
    uint32_t initial_sp, initial_pc;
    uint32_t heap_start;  /* end of .bss */
    uint32_t stack_bytes; /* peak, from the fill pattern */
    uint32_t heap_bytes;  /* peak program break (mcb_heap_brk) or pattern scan */
    double host_seconds;  /* wall time inside uc_emu_start */
    double cpu_seconds;   /* CPU time of this thread inside uc_emu_start (steadier on a busy host) */
} mcb_sim_result;

/* Every loadable segment lies in the target's flash or RAM where it is loaded (paddr, filesz)
 * and where it runs (vaddr, memsz), and no two overlap: 0, or -1 after one line naming the
 * segment and the region. mcb_sim_run checks this first. */
int mcb_sim_check_segments(const mcb_elf *e, const mcb_target *t);

/* 0 after a run (look at r->exited and r->fault), -1 if the firmware cannot be set up
 * (reported). Free r with mcb_sim_result_free in both cases. */
int mcb_sim_run(const mcb_elf *elf, const mcb_sim_opts *o, mcb_sim_result *r);
void mcb_sim_result_free(mcb_sim_result *r);

#endif
