#include "sim.h"

#include "cycles.h"
#include "err.h"
#include "mcb_port.h"
#include "progress.h"
#include "uc_fast.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

/* QEMU's AArch32 exception numbers, as Unicorn passes them to UC_HOOK_INTR */
#define EXCP_UDEF 1
#define EXCP_SWI 2
#define EXCP_BKPT 7

#define GRANULE 1024u
#define OUT_MAX (1u << 20)
#define MARKS_MAX MCB_SIM_MARKS_MAX
#define PPB_BASE 0xE0000000u /* System Control Space etc.: plain scratch memory here */
#define PPB_SIZE 0x00100000u

/* An edge of the memo: a recent successor of a block and everything the hot path needs of
 * it, so that the successor's own memory is not touched until it has run (it is prefetched
 * meanwhile). */
typedef struct {
    uint64_t key;        /* size << 32 | address of the successor; 0 = none */
    struct blk *succ;
    uint32_t cyc;        /* branch penalty of the edge + the successor's static cycles */
    uint32_t nins;       /* the successor's instructions */
    uint32_t ic_line0;   /* the successor's first cache line (address / line size) */
    uint16_t ic_nlines;  /* lines it spans; 0 = not fetched through the cache */
    uint8_t ic_way[2];   /* the way its first two lines were found or put in last time, tried
                            first (a line is in at most one way of its set) */
} edge;

/* A decoded block and a memo of its two most recent successors: on the hot path one load of
 * the current block gives the successor's key and everything to charge for the edge. What
 * the hot path reads fills the first 128 bytes (blocks are allocated 64-byte aligned). */
typedef struct blk {
    edge e[2];
    uint8_t sp_op;       /* MCB_SP_* when the stack check is on, else MCB_SP_NONE */
    int32_t sp_delta;    /* b.sp_delta */
    uint32_t ic_line0;   /* first cache line of the block (address / line size) */
    uint16_t ic_nlines;  /* lines it spans; 0 = not fetched through the cache */
    mcb_cm_block b;
} blk;
_Static_assert(sizeof(edge) == 32 && offsetof(blk, sp_op) == 64,
               "the memo fills one cache line");

typedef struct {
    uc_engine *uc;
    mcb_cm *cm;
    const mcb_elf *elf;
    const mcb_target *t;
    mcb_sim_result *r;

    /* hot state, touched by every block */
    blk *prev; /* the block executing now */
    uint64_t cycles, insns, budget;
    /* per execution of the current block, valid while *_at == insns (the count after the
     * block's instructions identifies one execution): no bookkeeping on the hot path */
    uint64_t div_extra, div_at;     /* division cycles charged inside the block */
    int store_next;                 /* next store of the block a marker may belong to */
    uint64_t store_at;
    uint32_t stack_limit;
    int check_stack;
    uint32_t sp;  /* SP after the last block that wrote it, when sp_known */
    int sp_known;
    int self_check; /* mcb_sim_opts.self_check */

    blk **table; /* open addressing on the block address */
    size_t table_cap, nblocks;
    blk entry; /* the "block" before the first one */

    mcb_cm_div *divs; /* division sites found in executable sections, sorted by pc */
    int ndivs, cap_divs;
    int cap_marks; /* allocated r->marks */
    mcb_cm_multi *multis; /* LDRD/STRD/LDM/STM sites (alignment checked), sorted by pc */
    int nmultis, cap_multis;

    /* the instruction cache of the target (docs/cycle-model.md): nsets x ways lines, LRU */
    uint32_t *ic_tag;  /* line number + 1; 0 = invalid */
    uint64_t *ic_age;  /* last use, for LRU */
    uint64_t ic_clock;
    uint32_t ic_sets_mask, ic_ways, ic_line_shift, ic_ws;

    uint8_t *flash, *ram;
    uint32_t flash_len, ram_len;
    char mem_fault[96]; /* a bad memory access, waiting for its PC */
    int mem_fault_fetch;
    uint32_t mem_fault_addr, mem_fault_pc;
    mcb_uc_fast fast; /* what the shorter store paths through Unicorn need (uc_fast.h) */
} sim;

static const int uc_regs[16] = {
    UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,  UC_ARM_REG_R4, UC_ARM_REG_R5,
    UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8,  UC_ARM_REG_R9,  UC_ARM_REG_R10,
    UC_ARM_REG_R11, UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC,
};

static uint32_t reg(sim *s, int n)
{
    uint32_t v = 0;
    uc_reg_read(s->uc, uc_regs[n & 15], &v);
    return v;
}

static void where(sim *s, uint32_t pc, char *buf, size_t n)
{
    const mcb_elf_symbol *sym = mcb_elf_symbol_at(s->elf, pc);
    if (sym)
        snprintf(buf, n, "PC 0x%08x in %s+0x%x", pc, sym->name, pc - sym->value);
    else
        snprintf(buf, n, "PC 0x%08x (no symbol)", pc);
}

static void fault(sim *s, uint32_t pc, const char *fmt, ...) MCB_PRINTF(3, 4);
static void fault(sim *s, uint32_t pc, const char *fmt, ...)
{
    if (s->r->fault[0] || s->r->exited)
        return;
    char what[256], loc[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    where(s, pc, loc, sizeof loc);
    snprintf(s->r->fault, sizeof s->r->fault, "%s at %s", what, loc);
    s->r->fault_pc = pc;
    uc_emu_stop(s->uc);
}

/* ---- block cache -------------------------------------------------------------------- */

static size_t slot(const sim *s, uint32_t addr)
{
    return (size_t)((addr >> 1) * 2654435761u) & (s->table_cap - 1);
}

static int grow(sim *s)
{
    size_t cap = s->table_cap ? s->table_cap * 2 : 4096;
    blk **old = s->table;
    size_t oldcap = s->table_cap;
    s->table = calloc(cap, sizeof *s->table);
    if (!s->table) {
        s->table = old;
        return -1;
    }
    s->table_cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i]) {
            size_t k = slot(s, old[i]->b.addr);
            while (s->table[k])
                k = (k + 1) & (cap - 1);
            s->table[k] = old[i];
        }
    free(old);
    return 0;
}

static int div_hooked(const sim *s, uint32_t pc)
{
    int lo = 0, hi = s->ndivs - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (s->divs[mid].pc == pc)
            return 1;
        if (s->divs[mid].pc < pc)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

static blk *decode(sim *s, uint32_t addr, uint32_t size)
{
    if ((s->nblocks + 1) * 2 > s->table_cap && grow(s) < 0)
        return NULL;
    uint8_t buf[4096];
    uint8_t *code = size <= sizeof buf ? buf : malloc(size);
    blk *b = aligned_alloc(64, (sizeof *b + 63) & ~(size_t)63);
    if (b)
        memset(b, 0, sizeof *b);
    if (!code || !b || uc_mem_read(s->uc, addr, code, size) != UC_ERR_OK ||
        mcb_cm_decode(s->cm, addr, code, size, &b->b) < 0) {
        if (code != buf)
            free(code);
        free(b);
        return NULL;
    }
    if (code != buf)
        free(code);
    b->sp_op = s->check_stack ? b->b.sp_kind : MCB_SP_NONE;
    b->sp_delta = b->b.sp_delta;
    if (s->ic_tag && addr - s->t->flash_base < s->t->flash_size) {
        b->ic_line0 = addr >> s->ic_line_shift;
        b->ic_nlines = (uint16_t)(((addr + size - 1) >> s->ic_line_shift) - b->ic_line0 + 1);
    }
    for (int i = 0; i < b->b.ndivs; i++)
        if (!div_hooked(s, b->b.divs[i].pc))
            b->b.cycles += 12; /* not seen by the load-time scan: charge the worst case */
    size_t k = slot(s, addr);
    while (s->table[k])
        k = (k + 1) & (s->table_cap - 1);
    s->table[k] = b;
    s->nblocks++;
    if (addr - s->t->flash_base >= s->t->flash_size) /* code outside flash (copied to RAM) */
        mcb_uc_fast_code_outside_flash(&s->fast);
    if (!s->ic_tag) /* no geometry: cold misses only, charged once */
        s->cycles += b->b.first_exec_cycles;
    return b;
}

static blk *lookup(sim *s, uint32_t addr, uint32_t size)
{
    if (s->table_cap) {
        for (size_t k = slot(s, addr); s->table[k]; k = (k + 1) & (s->table_cap - 1))
            if (s->table[k]->b.addr == addr && s->table[k]->b.size == size)
                return s->table[k];
    }
    return decode(s, addr, size);
}

/* The stack check after block p: SP below the end of .bss is a stack overflow. SP is read
 * from Unicorn (a call through its register interface, a tenth of the host time on uTensor's
 * code) only when not known: after a block that adds a constant to it (MCB_SP_REL: PUSH, POP,
 * ADD/SUB SP, #imm) the known value moves by that constant, which is what the read would
 * give. Anything that may change SP otherwise (cycles.h) makes it unknown. */
static __attribute__((noinline)) uint32_t read_sp(sim *s) { return reg(s, 13); }

static void stack_step(sim *s, const blk *p)
{
    uint32_t sp;
    switch (p->sp_op) {
    case MCB_SP_REL:
        if (s->sp_known) {
            sp = s->sp + (uint32_t)p->sp_delta;
            if (s->self_check && reg(s, 13) != sp) {
                fault(s, p->b.sp_pc, "simulator: SP tracked as 0x%08x, Unicorn has 0x%08x", sp,
                      reg(s, 13));
                return;
            }
            break;
        }
        sp = read_sp(s);
        break;
    case MCB_SP_ABS:
    case MCB_SP_ABS_FORGET:
        sp = read_sp(s);
        break;
    default: /* MCB_SP_FORGET */
        s->sp_known = 0;
        return;
    }
    s->sp = sp;
    /* an unaligned SP is not tracked: whether a write masks its low bits does not matter */
    s->sp_known = p->sp_op != MCB_SP_ABS_FORGET && !(sp & 3u);
    if (sp < s->stack_limit)
        fault(s, p->b.sp_pc, "stack overflow: SP 0x%08x is below the end of .bss 0x%08x", sp,
              s->stack_limit);
}

/* A line not in the way the hint names: the search over the ways, and the fill on a miss.
 * Returns the cycles to add. */
static __attribute__((noinline)) uint32_t icache_search(sim *s, edge *b, uint32_t k,
                                                        uint32_t line)
{
    const uint32_t ways = s->ic_ways, shift = s->ic_line_shift;
    const size_t set = (size_t)(line & s->ic_sets_mask) * ways;
    uint32_t *tag = s->ic_tag + set;
    uint64_t *age = s->ic_age + set;
    const uint32_t want = line + 1;
    uint32_t w = 0, victim = 0;
    for (; w < ways && tag[w] != want; w++)
        if (age[w] < age[victim])
            victim = w;
    if (w < ways) {
        age[w] = s->ic_clock;
        if (k < 2)
            b->ic_way[k] = (uint8_t)w;
        return 0;
    }
    tag[victim] = want;
    age[victim] = s->ic_clock;
    if (k < 2)
        b->ic_way[k] = (uint8_t)victim;
    s->r->icache_misses++;
    const uint32_t addr = (uint32_t)b->key, end = addr + (uint32_t)(b->key >> 32);
    uint32_t lo = line << shift, hi = lo + (1u << shift);
    if (lo < addr)
        lo = addr;
    if (hi > end)
        hi = end;
    return (((hi + 3) >> 2) - (lo >> 2)) * s->ic_ws;
}

/* The fetches of block b (the successor of an edge) through the instruction cache: each line
 * it spans is looked up in its set; a miss fills the line (the least recently used way) and
 * costs the flash wait states for each 32-bit fetch word of the block in that line. Returns
 * the cycles to add. The way the line was in last time is tried first: the same hit as the
 * search over the ways, which only runs when the line has moved or left. */
static uint32_t icache_fetch(sim *s, edge *b)
{
    uint32_t cost = 0, line = b->ic_line0;
    for (uint32_t k = 0; k < b->ic_nlines; k++, line++) {
        s->ic_clock++;
        const size_t slot = (size_t)(line & s->ic_sets_mask) * s->ic_ways + b->ic_way[k & 1];
        if (k < 2 && s->ic_tag[slot] == line + 1)
            s->ic_age[slot] = s->ic_clock;
        else
            cost += icache_search(s, b, k, line);
    }
    s->r->icache_lookups += b->ic_nlines;
    return cost;
}

/* The current block p was not followed by this successor last time. */
static __attribute__((noinline)) int memo_miss(sim *s, blk *p, uint64_t key)
{
    if (p->e[1].key == key) { /* swap the memo's two entries */
        const edge x = p->e[0];
        p->e[0] = p->e[1];
        p->e[1] = x;
        return 0;
    }
    blk *b = lookup(s, (uint32_t)key, (uint32_t)(key >> 32));
    if (!b) {
        fault(s, (uint32_t)key, "simulator out of memory");
        return -1;
    }
    p->e[1] = p->e[0];
    edge *e = &p->e[0];
    e->key = key;
    e->succ = b;
    e->cyc = (uint32_t)((int)(mcb_cm_taken_penalty(&p->b, &b->b) + b->b.cycles) +
                        mcb_cm_fall_adjust(&p->b, &b->b));
    e->nins = b->b.ninsn;
    e->ic_line0 = b->ic_line0;
    e->ic_nlines = b->ic_nlines;
    e->ic_way[0] = e->ic_way[1] = 0;
    return 0;
}

static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    (void)uc;
    sim *s = ud;
    blk *p = s->prev;
    uint64_t key = (uint64_t)size << 32 | (uint32_t)address;
    if (p->e[0].key != key && memo_miss(s, p, key) < 0)
        return;
    /* the new count stays in a register for the budget check */
    uint64_t insns = s->insns + p->e[0].nins;
    s->cycles += p->e[0].cyc;
    s->insns = insns;
    s->prev = p->e[0].succ;
    __builtin_prefetch(s->prev); /* its memo is read when it has run, at the next call */
    if (p->e[0].ic_nlines)
        s->cycles += icache_fetch(s, &p->e[0]);
    if (p->sp_op)
        stack_step(s, p);
    if (insns > s->budget)
        fault(s, (uint32_t)address, "instruction budget of %llu exceeded",
              (unsigned long long)s->budget);
}

static void on_div(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    (void)uc;
    (void)size;
    sim *s = ud;
    int lo = 0, hi = s->ndivs - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const mcb_cm_div *d = &s->divs[mid];
        if (d->pc == (uint32_t)address) {
            uint32_t c = mcb_cm_div_cycles(d->is_signed, reg(s, d->rn), reg(s, d->rm));
            if (s->div_at != s->insns) {
                s->div_at = s->insns;
                s->div_extra = 0;
            }
            s->cycles += c;
            s->div_extra += c;
            return;
        }
        if (d->pc < (uint32_t)address)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
}

/* An LDRD/STRD/LDM/STM site: its base must be word-aligned (mcb_cm_multi). The hook runs
 * before the instruction, with the registers current. */
static void on_multi(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    (void)uc;
    (void)size;
    sim *s = ud;
    int lo = 0, hi = s->nmultis - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const mcb_cm_multi *x = &s->multis[mid];
        if (x->pc == (uint32_t)address) {
            uint8_t now[4] = {0};
            /* the same bytes at the same address: the instruction the scan found (a hook on
             * a word the linear scan decoded out of step never matches) */
            if (uc_mem_read(s->uc, x->pc, now, x->size) != UC_ERR_OK ||
                memcmp(now, x->bytes, x->size) != 0)
                return;
            uint32_t base = reg(s, x->rn);
            if (base & 3u)
                fault(s, x->pc,
                      "unaligned %s: base r%u = 0x%08x (a Cortex-M4 takes an UNALIGNED "
                      "UsageFault)",
                      x->name, x->rn, base);
            return;
        }
        if (x->pc < (uint32_t)address)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
}

/* ---- markers ------------------------------------------------------------------------ */

static uint64_t on_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
    (void)uc, (void)off, (void)size, (void)ud;
    return 0;
}

static void on_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
    (void)uc;
    sim *s = ud;
    mcb_sim_result *r = s->r;
    if (off != 0 || size != 4)
        return;
    if (r->nmarks >= MARKS_MAX) {
        r->marks_dropped++;
        return;
    }
    if (r->nmarks == s->cap_marks) { /* geometric growth: linear in the number of markers */
        int cap = s->cap_marks ? 2 * s->cap_marks : 1024;
        mcb_sim_mark *m = realloc(r->marks, (size_t)cap * sizeof *m);
        if (!m) {
            fault(s, 0, "simulator out of memory");
            return;
        }
        r->marks = m;
        s->cap_marks = cap;
    }
    uint32_t word = (uint32_t)value, kind = word >> 24;
    int begin = kind == MCB_MARK_INFER_BEGIN || kind == MCB_MARK_LAYER_BEGIN;
    mcb_sim_mark *m = &r->marks[r->nmarks++];
    m->word = word;
    m->cycles = s->cycles;
    m->insns = s->insns;
    m->exact = 0;
    /* Which store of the current block wrote it: registers are up to date at a memory access,
     * so the store whose address evaluates to the marker page is the one. */
    const blk *b = s->prev;
    uint64_t extra = s->div_at == s->insns ? s->div_extra : 0;
    uint64_t blk_cycles = s->cycles - b->b.cycles - extra, blk_insns = s->insns - b->b.ninsn;
    if (s->store_at != s->insns) {
        s->store_at = s->insns;
        s->store_next = 0;
    }
    for (int k = s->store_next; k < b->b.nstores; k++) {
        const mcb_cm_store *st = &b->b.stores[k];
        if (st->rn < 0 || !st->is_store)
            continue;
        uint32_t a = reg(s, st->rn);
        if (!st->post) {
            if (st->rm >= 0) {
                uint32_t x = reg(s, st->rm) << st->shift;
                a = st->subtract ? a - x : a + x;
            } else {
                a += (uint32_t)st->imm;
            }
        }
        if (a != MCB_MARKER_ADDR)
            continue;
        s->store_next = k + 1;
        m->cycles = blk_cycles + extra + (begin ? st->cyc_after : st->cyc_before);
        m->insns = blk_insns + st->index + (begin ? 1u : 0u);
        m->exact = 1;
        break;
    }
}

/* ---- semihosting and exceptions ---------------------------------------------------- */

static void out_append(sim *s, const char *p, size_t n)
{
    mcb_sim_result *r = s->r;
    for (size_t i = 0; i < n; i++) {
        if (r->out_len >= OUT_MAX) {
            r->out_truncated = 1;
            break;
        }
        r->out[r->out_len++] = p[i];
    }
    r->out[r->out_len] = 0;
}

static int read_u32(sim *s, uint32_t addr, uint32_t *v)
{
    uint8_t b[4];
    if (uc_mem_read(s->uc, addr, b, 4) != UC_ERR_OK)
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

static void semihost(sim *s, uint32_t pc)
{
    uint32_t op = reg(s, 0), arg = reg(s, 1), ret = 0;
    switch (op) {
    case MCB_SYS_WRITEC: {
        char c;
        if (uc_mem_read(s->uc, arg, &c, 1) != UC_ERR_OK)
            {
            fault(s, pc, "SYS_WRITEC with a bad pointer 0x%08x", arg);
            return;
        }
        out_append(s, &c, 1);
        break;
    }
    case MCB_SYS_WRITE0:
        for (uint32_t a = arg;; a++) {
            char c;
            if (uc_mem_read(s->uc, a, &c, 1) != UC_ERR_OK)
                {
            fault(s, pc, "SYS_WRITE0 reads unmapped memory at 0x%08x", a);
            return;
        }
            if (!c)
                break;
            out_append(s, &c, 1);
            if (s->r->out_truncated)
                break;
        }
        break;
    case 0x05: { /* SYS_WRITE {handle, buffer, length}: stdout and stderr only */
        uint32_t h, buf, len;
        if (read_u32(s, arg, &h) || read_u32(s, arg + 4, &buf) || read_u32(s, arg + 8, &len))
            {
            fault(s, pc, "SYS_WRITE with a bad parameter block 0x%08x", arg);
            return;
        }
        if (h != 1 && h != 2)
            {
            fault(s, pc, "SYS_WRITE to handle %u (only 1 and 2 exist)", h);
            return;
        }
        for (uint32_t i = 0; i < len && !s->r->out_truncated; i++) {
            char c;
            if (uc_mem_read(s->uc, buf + i, &c, 1) != UC_ERR_OK)
                {
            fault(s, pc, "SYS_WRITE reads unmapped memory at 0x%08x", buf + i);
            return;
        }
            out_append(s, &c, 1);
        }
        break;
    }
    case MCB_SYS_EXIT:
        s->r->exited = 1;
        s->r->exit_code = arg == MCB_ADP_STOPPED_APPLICATION_EXIT ? 0 : 1;
            uc_emu_stop(s->uc);
        return;
    case MCB_SYS_EXIT_EXTENDED: {
        uint32_t reason, code;
        if (read_u32(s, arg, &reason) || read_u32(s, arg + 4, &code))
            {
            fault(s, pc, "SYS_EXIT_EXTENDED with a bad parameter block 0x%08x", arg);
            return;
        }
        s->r->exited = 1;
        s->r->exit_code = reason == MCB_ADP_STOPPED_APPLICATION_EXIT ? (int)code : 1;
            uc_emu_stop(s->uc);
        return;
    }
    default:
        {
            fault(s, pc, "unsupported semihosting call 0x%x", op);
            return;
        }
    }
    uint32_t next = (pc + 2) | 1;
    uc_reg_write(s->uc, UC_ARM_REG_R0, &ret);
    uc_reg_write(s->uc, UC_ARM_REG_PC, &next);
}

/* UDF is the permanently undefined encoding a program uses on purpose; anything else that
 * does not decode is an invalid instruction */
static void undefined(sim *s, uint32_t pc)
{
    uint32_t cpsr = 0;
    uc_reg_read(s->uc, UC_ARM_REG_CPSR, &cpsr);
    if (!(cpsr & (1u << 5))) { /* left Thumb state: a BX/BLX/POP to an even address */
        fault(s, pc,
              "jump to an address without the Thumb bit (a Cortex-M4 takes an INVSTATE "
              "UsageFault)");
        return;
    }
    uint8_t h[4] = {0};
    uc_mem_read(s->uc, pc, h, 4);
    uint16_t hw = (uint16_t)(h[0] | h[1] << 8), hw2 = (uint16_t)(h[2] | h[3] << 8);
    if ((hw & 0xFF00) == 0xDE00)
        fault(s, pc, "unexpected UDF #0x%02x", hw & 0xFF);
    else if ((hw & 0xFFF0) == 0xF7F0 && (hw2 & 0xF000) == 0xA000)
        fault(s, pc, "unexpected UDF.W #0x%04x", (hw & 0xF) << 12 | (hw2 & 0xFFF));
    else if ((hw & 0xE000) == 0xE000 && (hw & 0x1800))
        fault(s, pc, "invalid instruction 0x%04x%04x", hw, hw2);
    else
        fault(s, pc, "invalid instruction 0x%04x", hw);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    (void)uc;
    sim *s = ud;
    uint32_t pc = reg(s, 15);
    uint8_t h[4] = {0};
    uc_mem_read(s->uc, pc, h, 4);
    uint16_t hw = (uint16_t)(h[0] | h[1] << 8);
    switch (intno) {
    case EXCP_BKPT:
        if (hw == 0xBEAB)
            semihost(s, pc);
        else
            fault(s, pc, "unexpected BKPT #0x%02x", hw & 0xFF);
        return;
    case EXCP_SWI: {
        uint32_t at = pc - 2; /* the exception returns after the SVC */
        uint8_t x[2] = {0};
        uc_mem_read(s->uc, at, x, 2);
        fault(s, at, "unexpected SVC #0x%02x", x[0]);
        return;
    }
    case EXCP_UDEF:
        undefined(s, pc);
        return;
    default:
        fault(s, pc, "CPU exception %u (invalid state, coprocessor or similar)", intno);
    }
}

/* The access of the current block that touched addr, placed by its registers (current at a
 * memory access); the block's start if none matches. */
static uint32_t access_pc(sim *s, uint32_t addr)
{
    const blk *b = s->prev;
    for (int k = 0; k < b->b.nstores; k++) {
        const mcb_cm_store *st = &b->b.stores[k];
        if (st->rn < 0)
            continue;
        uint32_t a = reg(s, st->rn);
        if (st->span) {
            if (addr - (a - st->span) <= 2u * st->span)
                return st->pc;
            continue;
        }
        if (!st->post) {
            if (st->rm >= 0) {
                uint32_t x = reg(s, st->rm) << st->shift;
                a = st->subtract ? a - x : a + x;
            } else {
                a += (uint32_t)st->imm;
            }
        }
        if (addr - a < 8)
            return st->pc;
    }
    return b->b.addr;
}

static bool on_bad_mem(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                       int64_t value, void *ud)
{
    (void)uc, (void)size, (void)value;
    sim *s = ud;
    const char *what = "bad memory access";
    switch (type) {
    case UC_MEM_READ_UNMAPPED: what = "read of unmapped memory"; break;
    case UC_MEM_WRITE_UNMAPPED: what = "write to unmapped memory"; break;
    case UC_MEM_FETCH_UNMAPPED: what = "instruction fetch from unmapped memory"; break;
    case UC_MEM_WRITE_PROT: what = "write to read-only memory (flash)"; break;
    case UC_MEM_READ_PROT: what = "read of protected memory"; break;
    case UC_MEM_FETCH_PROT: what = "instruction fetch from non-executable memory"; break;
    default: break;
    }
    /* the PC is exact only after QEMU restores the state: placed after the run */
    if (!s->r->fault[0] && !s->r->exited && !s->mem_fault[0]) {
        snprintf(s->mem_fault, sizeof s->mem_fault, "%s 0x%08x", what, (uint32_t)address);
        s->mem_fault_fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
        s->mem_fault_addr = (uint32_t)address;
        s->mem_fault_pc = s->mem_fault_fetch ? (uint32_t)address : access_pc(s, (uint32_t)address);
    }
    return false;
}

/* ---- setup ---------------------------------------------------------------------------- */

static int collect_divs(sim *s)
{
    const mcb_elf *e = s->elf;
    for (int i = 0; i < e->nsecs; i++) {
        const mcb_elf_section *sec = &e->secs[i];
        if (!(sec->flags & MCB_SHF_EXECINSTR) || !(sec->flags & MCB_SHF_ALLOC))
            continue;
        const uint8_t *d = mcb_elf_section_data(e, sec);
        if (!d || sec->size < 4)
            continue;
        /* every halfword position: a data word mistaken for a division only costs a hook */
        for (uint32_t off = 0; off + 4 <= sec->size; off += 2) {
            mcb_cm_div dv;
            if (!mcb_cm_is_div(d + off, sec->addr + off, &dv))
                continue;
            if (s->ndivs == s->cap_divs) {
                int cap = s->cap_divs ? 2 * s->cap_divs : 16;
                mcb_cm_div *n = realloc(s->divs, (size_t)cap * sizeof *n);
                if (!n)
                    return mcb_error("%s: out of memory", e->path), -1;
                s->divs = n;
                s->cap_divs = cap;
            }
            s->divs[s->ndivs++] = dv;
        }
        if (mcb_cm_scan_multi(s->cm, d, sec->addr, sec->size, &s->multis, &s->nmultis,
                              &s->cap_multis) < 0)
            return -1;
    }
    return 0;
}

static uint32_t round_up(uint32_t v) { return (v + GRANULE - 1) & ~(GRANULE - 1); }

static int in_range(uint32_t a, uint32_t len, uint32_t base, uint32_t size)
{
    return a >= base && len <= size && a - base <= size - len;
}

/* Which of the target's regions holds [a, a+len): "flash", "RAM", or NULL. */
static const char *region_of(const mcb_target *t, uint32_t a, uint32_t len)
{
    if (in_range(a, len, t->flash_base, t->flash_size))
        return "flash";
    if (in_range(a, len, t->ram_base, t->ram_size))
        return "RAM";
    return NULL;
}

/* One line for a segment range that no region holds, naming the region its start lies in. */
static int outside(const mcb_elf *e, const mcb_target *t, int i, const char *what, uint32_t a,
                   uint32_t len)
{
    const char *start = in_range(a, 1, t->flash_base, t->flash_size) ? "flash"
                        : in_range(a, 1, t->ram_base, t->ram_size)   ? "RAM"
                                                                     : NULL;
    if (start)
        return mcb_error("%s: segment %d (%s 0x%08x, %u bytes) does not fit the %s of target %s "
                         "(0x%08x, %u bytes)",
                         e->path, i, what, a, len, start, t->name,
                         start[0] == 'f' ? t->flash_base : t->ram_base,
                         start[0] == 'f' ? t->flash_size : t->ram_size),
               -1;
    return mcb_error("%s: segment %d (%s 0x%08x, %u bytes) is outside the flash and RAM of "
                     "target %s",
                     e->path, i, what, a, len, t->name),
           -1;
}

static int overlap(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
    return n && m && a - b < m ? 1 : n && m && b - a < n;
}

/* Every loadable segment must lie in the target's flash or RAM: its image where it is loaded
 * (paddr, filesz) and where it lives when running (vaddr, memsz); no two images may overlap
 * (one would silently overwrite the other, e.g. the vector table). */
int mcb_sim_check_segments(const mcb_elf *e, const mcb_target *t)
{
    for (int i = 0; i < e->nsegs; i++) {
        const mcb_elf_segment *g = &e->segs[i];
        if (g->filesz && !region_of(t, g->paddr, g->filesz))
            return outside(e, t, i, "loaded at", g->paddr, g->filesz);
        if (g->memsz && !region_of(t, g->vaddr, g->memsz))
            return outside(e, t, i, "at", g->vaddr, g->memsz);
        for (int k = 0; k < i; k++) {
            const mcb_elf_segment *h = &e->segs[k];
            if (overlap(g->paddr, g->filesz, h->paddr, h->filesz))
                return mcb_error("%s: segments %d and %d overlap where they are loaded "
                                 "(0x%08x, %u bytes and 0x%08x, %u bytes)",
                                 e->path, k, i, h->paddr, h->filesz, g->paddr, g->filesz),
                       -1;
            if (overlap(g->vaddr, g->memsz, h->vaddr, h->memsz))
                return mcb_error("%s: segments %d and %d overlap in memory (0x%08x, %u bytes and "
                                 "0x%08x, %u bytes)",
                                 e->path, k, i, h->vaddr, h->memsz, g->vaddr, g->memsz),
                       -1;
        }
    }
    return 0;
}

static int load(sim *s)
{
    const mcb_elf *e = s->elf;
    const mcb_target *t = s->t;
    if (mcb_sim_check_segments(e, t) < 0)
        return -1;
    for (int i = 0; i < e->nsegs; i++) {
        const mcb_elf_segment *g = &e->segs[i];
        if (!g->filesz)
            continue;
        uint8_t *dst = region_of(t, g->paddr, g->filesz)[0] == 'f'
                           ? s->flash + (g->paddr - t->flash_base)
                           : s->ram + (g->paddr - t->ram_base);
        memcpy(dst, e->data + g->offset, g->filesz);
    }
    return 0;
}

/* Peak heap and stack from the fill pattern left in RAM between .bss and the initial SP.
 * Returns 1 when the stack's lowest word is the first one above the heap (or .bss): the stack
 * ran into them, possibly inside a block, where the per-block SP check cannot see it. */
static int scan_ram(sim *s)
{
    mcb_sim_result *r = s->r;
    const mcb_target *t = s->t;
    uint32_t lo = (r->heap_start + 3) & ~3u, hi = r->initial_sp & ~3u;
    if (!in_range(lo, 0, t->ram_base, t->ram_size) || hi <= lo ||
        !in_range(hi, 0, t->ram_base, t->ram_size))
        return 0;
    const uint8_t *base = s->ram - t->ram_base;
#define WORD(a) ((uint32_t)base[a] | (uint32_t)base[(a) + 1] << 8 | \
                 (uint32_t)base[(a) + 2] << 16 | (uint32_t)base[(a) + 3] << 24)
    uint32_t brk, top = lo, brk_addr;
    if (!mcb_elf_symbol_value(s->elf, "mcb_heap_brk", &brk_addr) &&
        in_range(brk_addr, 4, t->ram_base, t->ram_size)) {
        brk = WORD(brk_addr);
        if (brk > lo && brk <= hi)
            top = (brk + 3) & ~3u;
    } else {
        while (top < hi && WORD(top) != MCB_RAM_FILL)
            top += 4;
    }
    r->heap_bytes = top - r->heap_start;
    uint32_t a = top;
    while (a < hi && WORD(a) == MCB_RAM_FILL)
        a += 4;
    r->stack_bytes = r->initial_sp - a;
    return a == top && top < hi;
#undef WORD
}

static uint32_t stack_limit(const mcb_elf *e, const mcb_target *t)
{
    uint32_t v;
    if (!mcb_elf_symbol_value(e, "__bss_end__", &v) || !mcb_elf_symbol_value(e, "_ebss", &v))
        return v;
    uint32_t end = t->ram_base;
    for (int i = 0; i < e->nsecs; i++) {
        const mcb_elf_section *sec = &e->secs[i];
        if ((sec->flags & MCB_SHF_ALLOC) && in_range(sec->addr, sec->size, t->ram_base, t->ram_size) &&
            sec->addr + sec->size > end)
            end = sec->addr + sec->size;
    }
    return end;
}

static int setup(sim *s, const mcb_sim_opts *o)
{
    const mcb_target *t = s->t;
    const char *path = s->elf->path;
    if (t->flash_size == 0 || t->ram_size == 0 || (t->flash_base | t->ram_base) % GRANULE)
        return mcb_error("target %s: flash and RAM must be non-empty and 1 KB aligned", t->name), -1;
    s->flash_len = round_up(t->flash_size);
    s->ram_len = round_up(t->ram_size);
    if (in_range(MCB_MARKER_ADDR, GRANULE, t->ram_base, s->ram_len) ||
        in_range(MCB_MARKER_ADDR, GRANULE, t->flash_base, s->flash_len))
        return mcb_error("target %s: the marker page 0x%08x overlaps flash or RAM", t->name,
                         MCB_MARKER_ADDR),
               -1;
    s->flash = calloc(1, s->flash_len);
    s->ram = malloc(s->ram_len);
    if (!s->flash || !s->ram)
        return mcb_error("%s: out of memory for the target's memory", path), -1;
    for (uint32_t i = 0; i < s->ram_len; i += 4)
        memcpy(s->ram + i, &(uint32_t){MCB_RAM_FILL}, 4); /* host is little-endian like the target */
    if (load(s) < 0)
        return -1;
    if (t->icache && t->flash_wait_states > 0 && t->icache_size && t->icache_line &&
        t->icache_ways && !o->no_model) {
        uint32_t lines = t->icache_size / t->icache_line;
        s->ic_ways = t->icache_ways;
        s->ic_sets_mask = lines / t->icache_ways - 1; /* a power of two (target.c) */
        s->ic_line_shift = (uint32_t)__builtin_ctz(t->icache_line);
        s->ic_ws = (uint32_t)t->flash_wait_states;
        s->ic_tag = calloc(lines, sizeof *s->ic_tag);
        s->ic_age = calloc(lines, sizeof *s->ic_age);
        if (!s->ic_tag || !s->ic_age)
            return mcb_error("%s: out of memory", path), -1;
    }

    uc_err err = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &s->uc);
    if (err == UC_ERR_OK)
        err = uc_ctl_set_cpu_model(s->uc, UC_CPU_ARM_CORTEX_M4);
    if (err == UC_ERR_OK)
        err = uc_mem_map_ptr(s->uc, t->flash_base, s->flash_len, UC_PROT_READ | UC_PROT_EXEC, s->flash);
    if (err == UC_ERR_OK)
        err = uc_mem_map_ptr(s->uc, t->ram_base, s->ram_len, UC_PROT_ALL, s->ram);
    if (err == UC_ERR_OK)
        err = uc_mmio_map(s->uc, MCB_MARKER_ADDR, GRANULE, on_mmio_read, s, on_mmio_write, s);
    if (err == UC_ERR_OK && !in_range(PPB_BASE, PPB_SIZE, t->ram_base, s->ram_len))
        err = uc_mem_map(s->uc, PPB_BASE, PPB_SIZE, UC_PROT_READ | UC_PROT_WRITE);
    if (err != UC_ERR_OK)
        return mcb_error("%s: cannot set up Unicorn: %s", path, uc_strerror(err)), -1;

    /* the vector table at 0 (VTOR resets to 0), else at the start of flash */
    uint32_t vt = in_range(0, 8, t->flash_base, s->flash_len) ? 0 : t->flash_base;
    if (read_u32(s, vt, &s->r->initial_sp) || read_u32(s, vt + 4, &s->r->initial_pc) ||
        !(s->r->initial_pc & 1) ||
        !in_range(s->r->initial_pc & ~1u, 2, t->flash_base, s->flash_len) ||
        !in_range(s->r->initial_sp - 1, 1, t->ram_base, s->ram_len))
        return mcb_error("%s: no valid vector table at 0x%08x (initial SP 0x%08x, reset 0x%08x)",
                         path, vt, s->r->initial_sp, s->r->initial_pc),
               -1;
    s->stack_limit = stack_limit(s->elf, t);
    s->r->heap_start = s->stack_limit;
    s->check_stack = s->r->initial_sp > s->stack_limit;

    uc_hook h;
    err = uc_hook_add(s->uc, &h, UC_HOOK_INTR, (void *)on_intr, s, 1, 0);
    if (err == UC_ERR_OK)
        err = uc_hook_add(s->uc, &h, UC_HOOK_MEM_INVALID, (void *)on_bad_mem, s, 1, 0);
    if (err == UC_ERR_OK && !o->no_model) {
        err = uc_hook_add(s->uc, &h, UC_HOOK_BLOCK, (void *)on_block, s, 1, 0);
        for (int i = 0; err == UC_ERR_OK && i < s->ndivs; i++)
            err = uc_hook_add(s->uc, &h, UC_HOOK_CODE, (void *)on_div, s, s->divs[i].pc,
                              s->divs[i].pc);
    }
    /* alignment faults are checked with or without the cycle model */
    for (int i = 0; err == UC_ERR_OK && i < s->nmultis; i++)
        err = uc_hook_add(s->uc, &h, UC_HOOK_CODE, (void *)on_multi, s, s->multis[i].pc,
                          s->multis[i].pc);
    if (err != UC_ERR_OK)
        return mcb_error("%s: cannot add Unicorn hooks: %s", path, uc_strerror(err)), -1;

    /* the regions mapped above, for uc_fast.c; without the model no block is seen, so
     * stores always go through Unicorn's check for overwritten code */
    mcb_uc_fast *f = &s->fast;
    f->uc = s->uc;
    f->lo[0] = t->flash_base, f->len[0] = s->flash_len;
    f->lo[1] = t->ram_base, f->len[1] = s->ram_len, f->writable[1] = 1;
    f->lo[2] = MCB_MARKER_ADDR, f->len[2] = GRANULE;
    f->nregions = 3;
    if (!in_range(PPB_BASE, PPB_SIZE, t->ram_base, s->ram_len))
        f->lo[f->nregions] = PPB_BASE, f->writable[f->nregions] = 1,
        f->len[f->nregions++] = PPB_SIZE;
    f->code_outside_flash = o->no_model;
    return 0;
}

/* WFI or WFE (16-bit encodings) at pc */
static int is_wait(sim *s, uint32_t pc)
{
    uint8_t h[2];
    if (uc_mem_read(s->uc, pc, h, 2) != UC_ERR_OK)
        return 0;
    return h[1] == 0xBF && (h[0] == 0x30 || h[0] == 0x20);
}

static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return mcb_now();
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int div_cmp(const void *a, const void *b)
{
    uint32_t x = ((const mcb_cm_div *)a)->pc, y = ((const mcb_cm_div *)b)->pc;
    return x < y ? -1 : x > y;
}

static int multi_cmp(const void *a, const void *b)
{
    uint32_t x = ((const mcb_cm_multi *)a)->pc, y = ((const mcb_cm_multi *)b)->pc;
    return x < y ? -1 : x > y;
}

int mcb_sim_run(const mcb_elf *elf, const mcb_sim_opts *o, mcb_sim_result *r)
{
    memset(r, 0, sizeof *r);
    sim s = {0};
    s.elf = elf;
    s.t = o->target;
    s.r = r;
    s.budget = o->budget ? o->budget : MCB_SIM_DEFAULT_BUDGET;
    s.self_check = o->self_check;
    s.prev = &s.entry;
    s.div_at = s.store_at = ~0ull;
    int rc = -1;
    r->out = malloc(OUT_MAX + 1);
    if (!r->out) {
        mcb_error("%s: out of memory", elf->path);
        return -1;
    }
    r->out[0] = 0;
    s.cm = mcb_cm_new(s.t->flash_base, s.t->flash_size, s.t->flash_wait_states, s.t->icache);
    if (!s.cm || collect_divs(&s) < 0)
        goto done;
    if (s.ndivs)
        qsort(s.divs, (size_t)s.ndivs, sizeof *s.divs, div_cmp);
    if (s.nmultis)
        qsort(s.multis, (size_t)s.nmultis, sizeof *s.multis, multi_cmp);
    if (setup(&s, o) < 0)
        goto done;

    uint32_t sp = r->initial_sp;
    uc_reg_write(s.uc, UC_ARM_REG_SP, &sp);
    mcb_uc_fast_begin(&s.fast);
    double t0 = mcb_now(), c0 = cpu_now();
    /* no uc_emu_start timeout: Unicorn's timeout makes every block slower */
    uc_err err = uc_emu_start(s.uc, r->initial_pc, 0xFFFFFFFFull, 0, 0);
    r->host_seconds = mcb_now() - t0;
    r->cpu_seconds = cpu_now() - c0;
    if (s.mem_fault[0] && !r->fault[0] && !r->exited) { /* the state is restored now */
        uint32_t sp = reg(&s, 13);
        const uint32_t rb = s.t->ram_base;
        if (s.check_stack && sp < s.stack_limit)
            fault(&s, s.mem_fault_pc,
                  "stack overflow: SP 0x%08x is below the end of .bss 0x%08x (then a %s)", sp,
                  s.stack_limit, s.mem_fault);
        else if (!s.mem_fault_fetch && rb - s.mem_fault_addr - 1u < 4096u &&
                 sp - (rb - 4096u) < 8192u) /* just below RAM, SP at its bottom */
            fault(&s, s.mem_fault_pc,
                  "stack overflow: the stack ran below the start of RAM 0x%08x (SP 0x%08x, then "
                  "a %s)",
                  rb, sp, s.mem_fault);
        else
            fault(&s, s.mem_fault_pc, "%s", s.mem_fault);
    } else if (!r->fault[0] && !r->exited) {
        uint32_t pc = reg(&s, 15);
        if (err == UC_ERR_INSN_INVALID)
            undefined(&s, pc);
        else if (err != UC_ERR_OK)
            fault(&s, pc, "emulation stopped: %s", uc_strerror(err));
        else if (pc >= 2 && is_wait(&s, pc - 2))
            fault(&s, pc - 2, "WFI/WFE with no interrupt or event to wake the core");
        else
            fault(&s, pc, "the firmware stopped without SYS_EXIT");
    }
    r->cycles = s.cycles;
    r->insns = s.insns;
    if (scan_ram(&s) && !r->fault[0] && s.check_stack) {
        r->exited = 0; /* a clean exit does not undo the overflow */
        fault(&s, reg(&s, 15),
              "stack overflow: the stack reached the end of the heap/.bss at 0x%08x (found by "
              "the RAM fill pattern after the run)",
              r->initial_sp - r->stack_bytes);
    }
    rc = 0;
done:
    mcb_uc_fast_end(&s.fast);
    if (s.uc)
        uc_close(s.uc);
    for (size_t i = 0; i < s.table_cap; i++)
        if (s.table && s.table[i]) {
            mcb_cm_block_release(&s.table[i]->b);
            free(s.table[i]);
        }
    free(s.table);
    free(s.divs);
    free(s.multis);
    free(s.ic_tag);
    free(s.ic_age);
    free(s.flash);
    free(s.ram);
    mcb_cm_free(s.cm);
    return rc;
}

void mcb_sim_result_free(mcb_sim_result *r)
{
    free(r->out);
    free(r->marks);
    r->out = NULL;
    r->marks = NULL;
}
