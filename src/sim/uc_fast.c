/* Shorter paths through Unicorn 2.0.1 (Debian's libunicorn2) for guest stores.
 *
 * Unicorn 2.0.1 stubs out QEMU's dirty-memory tracking so that no RAM page ever counts as
 * dirty: every guest store therefore leaves the translated code's inline fast path for the
 * store helper, which (1) looks up the mapped region of the address with memory_mapping (a
 * binary search over the regions: the one-entry cache in front of it is never updated),
 * (2) builds a "page collection", a GLib tree malloc'd and freed on every store, only to take
 * page locks that are no-ops in Unicorn, and (3) asks tb_invalidate_phys_page_fast whether
 * the store overwrites translated code. On uTensor's firmware that was more than half of the
 * host time (docs/cycle-model.md, "Speed").
 *
 * The library calls these functions through its PLT, so definitions in the executable take
 * their place (ELF symbol interposition; the linker exports them because the library refers
 * to them). Each one below does what Unicorn's does for this simulator, or calls Unicorn's:
 *   - page_collection_lock/unlock: no tree; the caller only hands the result back to unlock.
 *     (Upstream Unicorn removed the tree the same way after 2.0.1.)
 *   - memory_mapping: while a simulation runs on this thread, an address inside one of the
 *     regions the simulator mapped gets the region Unicorn returned for it the first time
 *     (nothing is mapped, unmapped or protected during a run); anything else: Unicorn's.
 *   - tb_invalidate_phys_page_fast: while every block executed in the run lies in flash,
 *     which is mapped read-only (a store there faults before this point), no written page
 *     holds translated code and there is nothing to invalidate; once a block outside flash
 *     has run (code copied to RAM), and outside a simulation, Unicorn's (self-modifying code
 *     keeps working: tests/sim/fw/ram_code.c).
 *   - tlb_set_page_with_attrs (Unicorn fills a TLB entry): while every block that ran lies in
 *     flash, an entry for the simulator's RAM is then marked dirty with Unicorn's own
 *     tlb_set_dirty, so stores to it stay on the translated code's inline path and skip the
 *     store helper altogether; when a block outside flash is about to run,
 *     mcb_uc_fast_code_outside_flash empties the TLB with Unicorn's tlb_flush, and from then
 *     on entries stay as Unicorn makes them (every store checked for overwritten code).
 * Under another Unicorn where a name is gone, that replacement is simply never called. */
#define _GNU_SOURCE /* RTLD_NEXT, RTLD_DEFAULT */
#include "uc_fast.h"

#include <dlfcn.h>
#include <unicorn/unicorn.h>
#include <stddef.h>

struct uc_struct;
struct page_collection;

typedef struct page_collection *(*lock_fn)(struct uc_struct *uc, uint64_t start, uint64_t end);
typedef void (*unlock_fn)(struct page_collection *set);
typedef void *(*memory_mapping_fn)(struct uc_struct *uc, uint64_t address);
/* QEMU's CPUState *, an ARM target_ulong (32 bits), hwaddr, MemTxAttrs (a 32-bit struct of
 * bit-fields), prot, mmu_idx, size */
typedef void (*set_page_fn)(void *cpu, uint32_t vaddr, uint64_t paddr, uint32_t attrs,
                            int prot, int mmu_idx, uint32_t size);
typedef void (*set_dirty_fn)(void *cpu, uint32_t vaddr);
typedef void (*tlb_flush_fn)(void *cpu);
typedef void (*tb_invalidate_fn)(struct uc_struct *uc, struct page_collection *pages,
                                 uint64_t start, int len, uintptr_t retaddr);

/* Unicorn's own definitions, found after the executable's in the lookup order */
static lock_fn uc_lock;
static unlock_fn uc_unlock;
static memory_mapping_fn uc_memory_mapping;
static tb_invalidate_fn uc_tb_invalidate;
static set_page_fn uc_set_page;
static set_dirty_fn uc_set_dirty;
static tlb_flush_fn uc_tlb_flush;

/* 1 when the library is not a Unicorn 2.0 (whose internal signatures the replacements
 * assume): then every replacement only passes through to Unicorn's own function */
static int other_unicorn;

__attribute__((constructor)) static void find_originals(void)
{
    unsigned major = 0, minor = 0;
    uc_version(&major, &minor);
    other_unicorn = major != 2 || minor != 0;
    uc_set_page = (set_page_fn)dlsym(RTLD_NEXT, "tlb_set_page_with_attrs_arm");
    uc_set_dirty = (set_dirty_fn)dlsym(RTLD_NEXT, "tlb_set_dirty_arm");
    uc_tlb_flush = (tlb_flush_fn)dlsym(RTLD_NEXT, "tlb_flush_arm");
    uc_lock = (lock_fn)dlsym(RTLD_NEXT, "page_collection_lock_arm");
    uc_unlock = (unlock_fn)dlsym(RTLD_NEXT, "page_collection_unlock_arm");
    uc_memory_mapping = (memory_mapping_fn)dlsym(RTLD_NEXT, "memory_mapping");
    uc_tb_invalidate = (tb_invalidate_fn)dlsym(RTLD_NEXT, "tb_invalidate_phys_page_fast_arm");
}

static _Thread_local mcb_uc_fast *current;
static _Thread_local int off; /* mcb_uc_fast_use(0): Unicorn's own paths throughout */

void mcb_uc_fast_use(int on) { off = !on; }

void mcb_uc_fast_begin(mcb_uc_fast *f) { current = f; }

/* Unicorn's own paths: asked for, or another Unicorn */
#define OFF (off || other_unicorn)


void mcb_uc_fast_code_outside_flash(mcb_uc_fast *f)
{
    if (f->code_outside_flash)
        return;
    f->code_outside_flash = 1;
    if (f->cpu && uc_tlb_flush)
        uc_tlb_flush(f->cpu);
}

void mcb_uc_fast_end(mcb_uc_fast *f)
{
    if (current == f)
        current = NULL;
}

/* Prototypes of the replacements (their names are Unicorn's) */
struct page_collection *page_collection_lock_arm(struct uc_struct *uc, uint64_t start,
                                                 uint64_t end);
void page_collection_unlock_arm(struct page_collection *set);
void *memory_mapping(struct uc_struct *uc, uint64_t address);
void tb_invalidate_phys_page_fast_arm(struct uc_struct *uc, struct page_collection *pages,
                                      uint64_t start, int len, uintptr_t retaddr);
void tlb_set_page_with_attrs_arm(void *cpu, uint32_t vaddr, uint64_t paddr, uint32_t attrs,
                                 int prot, int mmu_idx, uint32_t size);

static char no_collection; /* what page_collection_lock returns: never looked into */

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, uint64_t start,
                                                 uint64_t end)
{
    if (OFF && uc_lock)
        return uc_lock(uc, start, end);
    return (struct page_collection *)&no_collection;
}

void page_collection_unlock_arm(struct page_collection *set)
{
    if (set != (struct page_collection *)&no_collection && uc_unlock)
        uc_unlock(set);
}

void *memory_mapping(struct uc_struct *uc, uint64_t address)
{
    mcb_uc_fast *f = current;
    if (f && (void *)uc == f->uc && !OFF)
        for (int i = 0; i < f->nregions; i++)
            if (address - f->lo[i] < f->len[i]) {
                if (!f->mr[i])
                    f->mr[i] = uc_memory_mapping ? uc_memory_mapping(uc, address) : NULL;
                return f->mr[i];
            }
    return uc_memory_mapping ? uc_memory_mapping(uc, address) : NULL;
}

void tb_invalidate_phys_page_fast_arm(struct uc_struct *uc, struct page_collection *pages,
                                      uint64_t start, int len, uintptr_t retaddr)
{
    mcb_uc_fast *f = current;
    if (f && (void *)uc == f->uc && !f->code_outside_flash && !OFF)
        return;
    if (uc_tb_invalidate)
        uc_tb_invalidate(uc, pages, start, len, retaddr);
}

#define QEMU_PAGE_WRITE 2 /* prot bit */

void tlb_set_page_with_attrs_arm(void *cpu, uint32_t vaddr, uint64_t paddr, uint32_t attrs,
                                 int prot, int mmu_idx, uint32_t size)
{
    if (uc_set_page)
        uc_set_page(cpu, vaddr, paddr, attrs, prot, mmu_idx, size);
    mcb_uc_fast *f = current;
    if (!f || OFF || f->code_outside_flash || !uc_set_dirty || !(prot & QEMU_PAGE_WRITE))
        return;
    f->cpu = cpu;
    for (int i = 0; i < f->nregions; i++)
        if (f->writable[i] && vaddr - f->lo[i] < f->len[i]) {
            uc_set_dirty(cpu, vaddr); /* only an entry that is exactly "writable, clean" */
            return;
        }
}

int mcb_uc_fast_bound(void)
{
    return (dlsym(RTLD_DEFAULT, "page_collection_lock_arm") == (void *)page_collection_lock_arm &&
            dlsym(RTLD_DEFAULT, "page_collection_unlock_arm") ==
                (void *)page_collection_unlock_arm) |
           (dlsym(RTLD_DEFAULT, "memory_mapping") == (void *)memory_mapping &&
            uc_memory_mapping) << 1 |
           (dlsym(RTLD_DEFAULT, "tb_invalidate_phys_page_fast_arm") ==
                (void *)tb_invalidate_phys_page_fast_arm &&
            uc_tb_invalidate) << 2 |
           (dlsym(RTLD_DEFAULT, "tlb_set_page_with_attrs_arm") ==
                (void *)tlb_set_page_with_attrs_arm &&
            uc_set_page && uc_set_dirty && uc_tlb_flush) << 3;
}
