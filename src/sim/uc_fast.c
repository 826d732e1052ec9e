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
 * Under another Unicorn where a name is gone, that replacement is simply never called. */
#define _GNU_SOURCE /* RTLD_NEXT, RTLD_DEFAULT */
#include "uc_fast.h"

#include <dlfcn.h>
#include <stddef.h>

struct uc_struct;
struct page_collection;

typedef struct page_collection *(*lock_fn)(struct uc_struct *uc, uint64_t start, uint64_t end);
typedef void (*unlock_fn)(struct page_collection *set);
typedef void *(*memory_mapping_fn)(struct uc_struct *uc, uint64_t address);
typedef void (*tb_invalidate_fn)(struct uc_struct *uc, struct page_collection *pages,
                                 uint64_t start, int len, uintptr_t retaddr);

/* Unicorn's own definitions, found after the executable's in the lookup order */
static lock_fn uc_lock;
static unlock_fn uc_unlock;
static memory_mapping_fn uc_memory_mapping;
static tb_invalidate_fn uc_tb_invalidate;

__attribute__((constructor)) static void find_originals(void)
{
    uc_lock = (lock_fn)dlsym(RTLD_NEXT, "page_collection_lock_arm");
    uc_unlock = (unlock_fn)dlsym(RTLD_NEXT, "page_collection_unlock_arm");
    uc_memory_mapping = (memory_mapping_fn)dlsym(RTLD_NEXT, "memory_mapping");
    uc_tb_invalidate = (tb_invalidate_fn)dlsym(RTLD_NEXT, "tb_invalidate_phys_page_fast_arm");
}

static _Thread_local mcb_uc_fast *current;
static _Thread_local int off; /* mcb_uc_fast_use(0): Unicorn's own paths throughout */

void mcb_uc_fast_use(int on) { off = !on; }

void mcb_uc_fast_begin(mcb_uc_fast *f) { current = f; }

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

static char no_collection; /* what page_collection_lock returns: never looked into */

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, uint64_t start,
                                                 uint64_t end)
{
    if (off && uc_lock)
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
    if (f && (void *)uc == f->uc && !off)
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
    if (f && (void *)uc == f->uc && !f->code_outside_flash && !off)
        return;
    if (uc_tb_invalidate)
        uc_tb_invalidate(uc, pages, start, len, retaddr);
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
            uc_tb_invalidate) << 2;
}
