/* The Cortex-M4 cycle model: static cost of a translated block, decoded once with Capstone.
 * Rules and sources: docs/cycle-model.md. What a block's static cost does not contain is
 * charged at run time by the simulator: the pipeline refill of a taken branch (from block
 * transitions, mcb_cm_taken_penalty), the data-dependent cost of SDIV/UDIV (narrow code hooks,
 * mcb_cm_div_cycles) and the first-execution cache misses (first_exec_cycles). */
#ifndef MCB_SIM_CYCLES_H
#define MCB_SIM_CYCLES_H

#include <stdint.h>

/* Recorded with every result: bump it whenever a rule changes what a firmware is charged
 * (docs/cycle-model.md lists the versions; `run --json` reports it as cycle_model). */
#define MCB_CYCLE_MODEL_VERSION "cm4-2"

enum { MCB_BR_NONE = 0, MCB_BR_COND = 1, MCB_BR_ALWAYS = 2 };

/* What a block does to SP, for the simulator's stack check after it (sim.c):
 *   NONE    nothing;
 *   REL     SP += sp_delta exactly (only unconditional PUSH, POP, VPUSH, VPOP and ADD/SUB SP,
 *           SP, #imm with imm a multiple of 4 write it), so a known SP need not be read;
 *   ABS     SP written otherwise: read it;
 *   ABS_FORGET, FORGET  as ABS, resp. NONE, and afterwards SP is unknown: the block ends
 *           inside an IT block (the next one starts there, and Capstone decodes its conditional
 *           PUSH/POP as unconditional), has an MSR or CPS (MSP, PSP, CONTROL: SP changes
 *           without Capstone reporting a write) or bytes that do not decode.
 * Inside a block decoded from its start, Capstone gives IT-covered instructions their
 * condition, so a conditional write of SP makes the block ABS. */
enum { MCB_SP_NONE = 0, MCB_SP_REL, MCB_SP_ABS, MCB_SP_ABS_FORGET, MCB_SP_FORGET };

/* A load or store inside a block, so a marker write (MMIO) or a memory fault can be placed on
 * its exact instruction: the registers are current at the access, so the access whose address
 * evaluates to the one seen is the one. */
typedef struct {
    uint32_t pc;
    uint16_t index;      /* instruction index in the block */
    uint16_t cyc_before; /* block cycles before this store */
    uint16_t cyc_after;  /* ... and including it */
    int8_t rt, rn, rm;   /* register numbers 0..15, rm -1 if immediate offset */
    uint8_t shift;       /* LSL of rm */
    uint8_t post;        /* post-indexed: the address is rn */
    uint8_t subtract;    /* rm is subtracted */
    uint8_t is_store;    /* STR/STRB/STRH (the only stores a marker can be) */
    uint8_t span;        /* bytes that may be touched below or above the base (LDM/STM/...) */
    int32_t imm;
} mcb_cm_store;

/* A division instruction: its cost is charged by a code hook at pc (see mcb_cm_div_cycles). */
typedef struct {
    uint32_t pc;
    uint8_t is_signed, rn, rm;
} mcb_cm_div;

typedef struct {
    uint32_t addr, size, ninsn;
    uint32_t cycles;            /* static cycles: everything but the dynamic parts above */
    uint32_t first_exec_cycles; /* instruction-cache cold misses, charged on the first run */
    uint8_t branch;             /* MCB_BR_*: how the last instruction leaves the block */
    uint8_t refill;             /* P of that branch when taken, before target alignment */
    uint8_t unaligned32;        /* first instruction is 32-bit on a halfword boundary */
    uint8_t writes_sp;          /* some instruction writes SP (stack check after it) */
    uint8_t entry_ws;           /* flash wait states paid when a branch lands here uncached */
    uint32_t sp_pc;             /* last instruction writing SP */
    uint8_t sp_kind;            /* MCB_SP_* */
    int32_t sp_delta;           /* MCB_SP_REL: the block's change of SP */
    /* the first and last instruction, for the neighbour rules across a fall-through into
     * the next block when Unicorn splits straight-line code (1 KB pages, 512 instructions) */
    uint64_t head_rd, head_addr, tail_wr;
    uint8_t head_kind, head_base, tail_kind, tail16;
    int nstores, ndivs;
    mcb_cm_store *stores; /* malloc'd, nstores */
    mcb_cm_div *divs;     /* malloc'd, ndivs */
} mcb_cm_block;

typedef struct mcb_cm mcb_cm;

/* flash_ws: wait states per flash fetch; icache: 1 if an instruction cache serves fetches
 * after the first. NULL after reporting. */
mcb_cm *mcb_cm_new(uint32_t flash_base, uint32_t flash_size, int flash_ws, int icache);
void mcb_cm_free(mcb_cm *m);

/* Decodes size bytes of Thumb code at addr into b (freeing nothing it did not allocate: call
 * mcb_cm_block_release). Instructions Capstone cannot decode cost 1 cycle per halfword.
 * Returns 0, or -1 (out of memory, reported). */
int mcb_cm_decode(mcb_cm *m, uint32_t addr, const uint8_t *code, uint32_t size, mcb_cm_block *b);
void mcb_cm_block_release(mcb_cm_block *b);

/* Cycles added when control goes from block `from` to block `to`: the refill of a branch that
 * was taken (unconditional, or conditional and `to` is not the fall-through). */
static inline uint32_t mcb_cm_taken_penalty(const mcb_cm_block *from, const mcb_cm_block *to)
{
    if (from->branch == MCB_BR_NONE ||
        (from->branch == MCB_BR_COND && to->addr == from->addr + from->size))
        return 0;
    uint32_t p = (uint32_t)from->refill + to->unaligned32;
    return (p > 3 ? 3 : p) + to->entry_ws;
}

/* Correction (negative or positive) when `to` follows `from` by falling through a split that
 * is not a branch: the neighbour rules between from's last and to's first instruction, which
 * their static costs could not see. 0 for any other transition. */
int mcb_cm_fall_adjust(const mcb_cm_block *from, const mcb_cm_block *to);

/* SDIV/UDIV cycles (2..12) for these operands; see docs/cycle-model.md for the formula. */
uint32_t mcb_cm_div_cycles(int is_signed, uint32_t n, uint32_t d);

/* An LDRD/STRD/LDM/STM (and LDMDB/STMDB, LDREXD/STREXD) whose base is not SP or PC: its address
 * must be word-aligned or a Cortex-M4 takes an UNALIGNED UsageFault whatever CCR.UNALIGN_TRP
 * says (ARMv7-M ARM, A3.2.1 "Alignment support"). Every offset these encodings add is a
 * multiple of 4, so the base register's low two bits decide. bytes: the encoding, so a hook at
 * pc can tell that the same instruction is executing. */
typedef struct {
    uint32_t pc;
    uint8_t rn, size;
    uint8_t bytes[4];
    char name[8]; /* "LDRD", "STM", ... */
} mcb_cm_multi;

/* Disassembles size bytes of Thumb code at addr from the start (resynchronising after what
 * does not decode) and appends the multi-word accesses found to *v (grown with realloc).
 * Returns 0 or -1 (out of memory, reported). */
int mcb_cm_scan_multi(mcb_cm *m, const uint8_t *code, uint32_t addr, uint32_t size,
                      mcb_cm_multi **v, int *n, int *cap);

/* 1 if the halfword pair at code is an SDIV/UDIV encoding (T1), filling div. */
int mcb_cm_is_div(const uint8_t *code, uint32_t pc, mcb_cm_div *div);

#endif
