/* Shorter paths through Unicorn 2.0.1 for guest stores (uc_fast.c): three of the library's
 * internal functions are defined again in the executable, which the dynamic linker prefers.
 * Nothing the guest computes or the simulator counts changes; only host time does. */
#ifndef MCB_SIM_UC_FAST_H
#define MCB_SIM_UC_FAST_H

#include <stdint.h>

#define MCB_UC_FAST_REGIONS 4

/* What one simulation tells the replacements while it runs on this thread. */
typedef struct {
    void *uc;
    /* the regions the simulator mapped, [lo, lo + len): none is mapped, unmapped or
     * protected while it runs */
    uint64_t lo[MCB_UC_FAST_REGIONS], len[MCB_UC_FAST_REGIONS];
    void *mr[MCB_UC_FAST_REGIONS]; /* Unicorn's region for each, learnt on first use */
    uint8_t writable[MCB_UC_FAST_REGIONS]; /* RAM: stores may take the inline path */
    int nregions;
    void *cpu; /* Unicorn's CPU, seen when it fills its TLB */
    /* 0 while every block executed so far lies in flash, where stores cannot reach (it is
     * mapped read-only): then no store can overwrite translated code */
    int code_outside_flash;
} mcb_uc_fast;

/* Between begin and end (same thread), Unicorn's calls for f->uc take the short paths. */
/* A block outside flash is about to run (code in RAM): stores must be checked for overwritten
 * code from now on (sets f->code_outside_flash and empties Unicorn's TLB, whose RAM entries
 * let stores bypass the check until then). */
void mcb_uc_fast_code_outside_flash(mcb_uc_fast *f);
void mcb_uc_fast_begin(mcb_uc_fast *f);
void mcb_uc_fast_end(mcb_uc_fast *f);

/* 0: every replacement does what Unicorn's own function does (calls it), on this thread, for
 * the runs that start afterwards; 1 (the default): the short paths. For tests. */
void mcb_uc_fast_use(int on);

/* Which replacements the dynamic linker bound in this process: bit 0 the page-collection
 * pair, bit 1 memory_mapping, bit 2 tb_invalidate_phys_page_fast, bit 3 tlb_set_page_with_
 * attrs; 15 when all are in effect. */
int mcb_uc_fast_bound(void);

#endif
