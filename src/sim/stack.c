/* The static stack bound of a firmware (stack.h). */
#include "stack.h"

#include "err.h"

#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

enum { F_INDIRECT = 1, F_DYNAMIC = 2, F_UNKNOWN = 4 };

typedef struct {
    uint32_t start, end; /* the symbol's range */
    uint32_t lo;         /* the scanned range is [lo, end): lo <= start takes in a gap */
    const char *name;
    int64_t frame;
    int flags;
    int *callees;
    int ncallees, cap;
    int taken; /* its address is stored in the image */
    int64_t hint; /* the compiler's frame, -1 none */
    int cycle; /* found on a call cycle */
    /* the walk: 0 new, 1 on the path, 2 done */
    int state;
    int64_t worst;
    int next; /* the callee on the worst path, -1 none */
} fn;

typedef struct {
    uint32_t addr;
    int data; /* 1: $d (literal pool, table), 0: $t / $a */
} mapsym;

typedef struct {
    const mcb_elf *e;
    fn *f;
    int n;
    mapsym *maps;
    int nmaps;
    int *taken;
    int ntaken;
    int *path; /* the walk's current call path */
    int depth;
    csh cs;
    mcb_stack_bound *out;
} ctx;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The function whose [start, end) holds addr, or -1. */
static int fn_at(const ctx *c, uint32_t addr)
{
    int lo = 0, hi = c->n - 1;
    while (lo <= hi) {
        const int mid = (lo + hi) / 2;
        if (addr < c->f[mid].lo)
            hi = mid - 1;
        else if (addr >= c->f[mid].end)
            lo = mid + 1;
        else
            return mid;
    }
    return -1;
}

static int add_callee(fn *f, int k)
{
    for (int i = 0; i < f->ncallees; i++)
        if (f->callees[i] == k)
            return 0;
    if (f->ncallees == f->cap) {
        const int cap = f->cap ? 2 * f->cap : 8;
        int *v = realloc(f->callees, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        f->callees = v;
        f->cap = cap;
    }
    f->callees[f->ncallees++] = k;
    return 0;
}

static int map_cmp(const void *a, const void *b)
{
    const mapsym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Mapping symbols ($t code, $d data) from .symtab: the ELF reader leaves them out. */
static int read_maps(ctx *c)
{
    const mcb_elf *e = c->e;
    const mcb_elf_section *st = mcb_elf_section_named(e, ".symtab");
    const mcb_elf_section *ss = mcb_elf_section_named(e, ".strtab");
    const uint8_t *sym = st ? mcb_elf_section_data(e, st) : NULL;
    const uint8_t *str = ss ? mcb_elf_section_data(e, ss) : NULL;
    if (!sym || !str)
        return 0; /* no mapping symbols: every byte of a function is taken as code */
    const uint32_t n = st->size / 16;
    c->maps = calloc((size_t)n + 1, sizeof *c->maps);
    if (!c->maps)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = sym + (size_t)i * 16;
        const uint32_t name = rd32(p);
        if (name >= ss->size || ss->size - name < 2 || str[name] != '$')
            continue;
        const char k = (char)str[name + 1];
        if (k != 'd' && k != 't' && k != 'a')
            continue;
        c->maps[c->nmaps].addr = rd32(p + 4) & ~1u;
        c->maps[c->nmaps++].data = k == 'd';
    }
    qsort(c->maps, (size_t)c->nmaps, sizeof *c->maps, map_cmp);
    return 0;
}

/* The end of the run of bytes from addr that has the same kind (code or data), and the kind. */
static uint32_t run_end(const ctx *c, uint32_t addr, uint32_t limit, int *data)
{
    int lo = 0, hi = c->nmaps - 1, at = -1;
    while (lo <= hi) {
        const int mid = (lo + hi) / 2;
        if (c->maps[mid].addr <= addr)
            at = mid, lo = mid + 1;
        else
            hi = mid - 1;
    }
    *data = at >= 0 && c->maps[at].data;
    for (int k = at + 1; k < c->nmaps; k++)
        if (c->maps[k].addr > addr)
            return c->maps[k].addr < limit ? c->maps[k].addr : limit;
    return limit;
}

/* The bytes of [addr, addr + n) if a loaded, non-NOBITS section holds them, else NULL. */
static const uint8_t *bytes_at(const mcb_elf *e, uint32_t addr, uint32_t n)
{
    for (int i = 0; i < e->nsecs; i++) {
        const mcb_elf_section *s = &e->secs[i];
        if (!(s->flags & MCB_SHF_ALLOC) || s->type == MCB_SHT_NOBITS || addr < s->addr ||
            addr - s->addr > s->size || n > s->size - (addr - s->addr))
            continue;
        const uint8_t *d = mcb_elf_section_data(e, s);
        return d ? d + (addr - s->addr) : NULL;
    }
    return NULL;
}

static int is_sp(unsigned reg) { return reg == ARM_REG_SP; }

/* Adds a call (or tail branch) to target from function k. */
static int call(ctx *c, int k, uint32_t target)
{
    const int t = fn_at(c, target & ~1u);
    if (t < 0) {
        c->f[k].flags |= F_UNKNOWN;
        return 0;
    }
    if (t == k && (target & ~1u) != c->f[k].start)
        return 0; /* a branch inside the function */
    return add_callee(&c->f[k], t);
}

/* One function's frame (the sum of its stack allocations: push, vpush, sub sp, pre-indexed
 * stores to SP; an upper bound of the depth it reaches, equal to it for GCC's prologues) and
 * its calls. */
static int scan(ctx *c, int k, cs_insn *in)
{
    fn *f = &c->f[k];
    const mcb_elf *e = c->e;
    for (uint32_t a = f->lo; a < f->end;) {
        int data;
        const uint32_t stop = run_end(c, a, f->end, &data);
        if (data) {
            a = stop;
            continue;
        }
        const uint8_t *code = bytes_at(e, a, stop - a);
        if (!code)
            return 0; /* not in the file: nothing to read */
        size_t left = stop - a;
        uint64_t pc = a;
        while (left >= 2) {
            if (!cs_disasm_iter(c->cs, &code, &left, &pc, in)) {
                code += 2, left -= 2, pc += 2; /* an undefined encoding: skip a halfword */
                continue;
            }
            const cs_arm *d = &in->detail->arm;
            const int nops = d->op_count;
            const cs_arm_op *op = d->operands;
            switch (in->id) {
            case ARM_INS_PUSH:
                f->frame += 4 * nops;
                break;
            case ARM_INS_VPUSH:
                for (int i = 0; i < nops; i++)
                    f->frame += op[i].reg >= ARM_REG_D0 && op[i].reg <= ARM_REG_D31 ? 8 : 4;
                break;
            case ARM_INS_STMDB:
                if (nops > 1 && op[0].type == ARM_OP_REG && is_sp(op[0].reg) && d->writeback)
                    f->frame += 4 * (nops - 1);
                break;
            case ARM_INS_STR:
            case ARM_INS_STRD:
            case ARM_INS_VSTR: {
                /* str rX, [sp, #-n]! (pre-indexed: no offset operand after the memory one) */
                const cs_arm_op *m = &op[nops - 1];
                if (d->writeback && m->type == ARM_OP_MEM && is_sp(m->mem.base) &&
                    m->mem.index == ARM_REG_INVALID && m->mem.disp < 0)
                    f->frame += -m->mem.disp;
                break;
            }
            case ARM_INS_SUB:
            case ARM_INS_SUBW:
            case ARM_INS_ADD:
            case ARM_INS_ADDW:
                if (nops >= 2 && op[0].type == ARM_OP_REG && is_sp(op[0].reg)) {
                    const cs_arm_op *v = &op[nops - 1];
                    if (v->type == ARM_OP_IMM) {
                        const int sub = in->id == ARM_INS_SUB || in->id == ARM_INS_SUBW;
                        const int64_t by = sub ? v->imm : -(int64_t)v->imm;
                        if (by > 0)
                            f->frame += by;
                    } else if (v->type == ARM_OP_REG && !is_sp(v->reg)) {
                        f->flags |= F_DYNAMIC; /* sp -/+= register: alloca, a VLA */
                    }
                }
                break;
            case ARM_INS_BL:
                if (nops && op[0].type == ARM_OP_IMM && call(c, k, (uint32_t)op[0].imm) < 0)
                    return -1;
                break;
            case ARM_INS_BLX:
                if (nops && op[0].type == ARM_OP_IMM) {
                    if (call(c, k, (uint32_t)op[0].imm) < 0)
                        return -1;
                } else {
                    f->flags |= F_INDIRECT;
                }
                break;
            case ARM_INS_B:
                /* outside the function: a tail call */
                if (nops && op[0].type == ARM_OP_IMM &&
                    ((uint32_t)op[0].imm < f->lo || (uint32_t)op[0].imm >= f->end) &&
                    call(c, k, (uint32_t)op[0].imm) < 0)
                    return -1;
                break;
            case ARM_INS_BX:
                if (nops && op[0].type == ARM_OP_REG && op[0].reg != ARM_REG_LR)
                    f->flags |= F_INDIRECT;
                break;
            case ARM_INS_MOV:
                if (nops == 2 && op[0].type == ARM_OP_REG && op[0].reg == ARM_REG_PC)
                    f->flags |= F_INDIRECT;
                break;
            case ARM_INS_LDR:
                /* ldr pc, [sp], #4 is a return; through another register, an indirect jump */
                if (nops >= 2 && op[0].type == ARM_OP_REG && op[0].reg == ARM_REG_PC &&
                    !(op[1].type == ARM_OP_MEM && is_sp(op[1].mem.base)))
                    f->flags |= F_INDIRECT;
                break;
            default:
                break;
            }
        }
        a = stop;
    }
    return 0;
}

/* Functions whose address the image stores: words equal to a function's start | 1 (Thumb) in
 * data runs of code sections (literal pools, tables, vtables) and in other loaded sections
 * (.data's initial values), the vector table excepted (its handlers are not called). */
static int find_taken(ctx *c)
{
    const mcb_elf *e = c->e;
    uint32_t vec = 0, vec_end = 0, v;
    if (mcb_elf_symbol_value(e, "mcb_vectors", &v) == 0) {
        const mcb_elf_symbol *s = mcb_elf_symbol_at(e, v);
        vec = v;
        vec_end = s && s->value == v ? v + s->size : v;
    }
    for (int i = 0; i < e->nsecs; i++) {
        const mcb_elf_section *s = &e->secs[i];
        if (!(s->flags & MCB_SHF_ALLOC) || s->type == MCB_SHT_NOBITS || !s->size)
            continue;
        const uint8_t *d = mcb_elf_section_data(e, s);
        if (!d)
            continue;
        const int exec = (s->flags & MCB_SHF_EXECINSTR) != 0;
        for (uint32_t off = (4 - (s->addr & 3)) & 3; off + 4 <= s->size; off += 4) {
            const uint32_t addr = s->addr + off;
            if (addr >= vec && addr < vec_end)
                continue;
            const uint32_t w = rd32(d + off);
            if (!(w & 1))
                continue;
            if (exec && c->nmaps) {
                int data;
                run_end(c, addr, addr + 1, &data);
                if (!data)
                    continue;
            }
            const int k = fn_at(c, w & ~1u);
            if (k >= 0 && c->f[k].start == (w & ~1u) && !c->f[k].taken) {
                c->f[k].taken = 1;
                c->ntaken++;
            }
        }
    }
    c->taken = calloc((size_t)c->ntaken + 1, sizeof *c->taken);
    if (!c->taken)
        return -1;
    for (int k = 0, j = 0; k < c->n; k++)
        if (c->f[k].taken)
            c->taken[j++] = k;
    return 0;
}

static void note(ctx *c, int k, int *count, const char *why)
{
    (*count)++;
    if (!c->out->example[0])
        snprintf(c->out->example, sizeof c->out->example, "%s (%s)", c->f[k].name, why);
}

/* The worst depth below function k (its frame included), depth first; a callee already on the
 * path is a cycle, counted once. */
static int64_t walk(ctx *c, int k)
{
    fn *f = &c->f[k];
    if (f->state == 2)
        return f->worst;
    if (f->state == 1) {
        if (!f->cycle) {
            f->cycle = 1;
            note(c, k, &c->out->recursive, "on a call cycle");
        }
        return 0;
    }
    f->state = 1;
    c->path[c->depth++] = k;
    c->out->functions++;
    if (f->flags & F_INDIRECT)
        c->out->indirect++;
    if (f->flags & F_DYNAMIC)
        note(c, k, &c->out->dynamic, "stack pointer moved by a register");
    if (f->flags & F_UNKNOWN)
        note(c, k, &c->out->unknown, "calls an address in no function");
    if (f->hint >= 0) {
        c->out->hinted++;
        if (f->hint != f->frame && !c->out->hint_differ++)
            snprintf(c->out->hint_example, sizeof c->out->hint_example,
                     "%s: code %lld, -fstack-usage %lld", f->name, (long long)f->frame,
                     (long long)f->hint);
        if (f->hint > f->frame)
            f->frame = f->hint;
    }
    static const char *const heap[] = {"_sbrk", "_sbrk_r", "malloc", "_malloc_r", "_Znwj",
                                       "_Znaj", NULL};
    for (int i = 0; heap[i] && !c->out->heap; i++)
        if (!strcmp(f->name, heap[i])) {
            c->out->heap = 1;
            size_t at = 0;
            for (int d = 0; d < c->depth && at < sizeof c->out->heap_path; d++)
                at += (size_t)snprintf(c->out->heap_path + at, sizeof c->out->heap_path - at,
                                       "%s%s", d ? " > " : "", c->f[c->path[d]].name);
        }
    int64_t best = 0;
    f->next = -1;
    const int n = f->ncallees + ((f->flags & F_INDIRECT) ? c->ntaken : 0);
    for (int i = 0; i < n; i++) {
        const int t = i < f->ncallees ? f->callees[i] : c->taken[i - f->ncallees];
        const int64_t w = walk(c, t);
        if (f->next < 0 || w > best) {
            best = w;
            f->next = t;
        }
    }
    f->worst = f->frame + best;
    f->state = 2;
    c->depth--;
    return f->worst;
}

static int fn_cmp(const void *a, const void *b)
{
    const fn *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Functions from the symbols (one per start address; a size of 0 runs to the next one), each
 * scanned. 0, or -1 after reporting. */
static int prepare(ctx *c)
{
    const mcb_elf *e = c->e;
    c->f = calloc((size_t)e->nsyms + 1, sizeof *c->f);
    if (!c->f)
        return mcb_error("%s: out of memory", e->path), -1;
    for (int i = 0; i < e->nsyms; i++) {
        const mcb_elf_symbol *s = &e->syms[i];
        if (!s->is_func || (c->n && c->f[c->n - 1].start == s->value))
            continue;
        c->f[c->n].start = s->value;
        c->f[c->n].end = s->value + s->size;
        c->f[c->n++].name = s->name;
    }
    qsort(c->f, (size_t)c->n, sizeof *c->f, fn_cmp);
    for (int k = 0; k < c->n; k++) {
        const uint32_t next = k + 1 < c->n ? c->f[k + 1].start : c->f[k].start;
        if (c->f[k].end <= c->f[k].start || (k + 1 < c->n && c->f[k].end > next))
            c->f[k].end = next > c->f[k].start ? next : c->f[k].start + 2;
    }
    /* Bytes between two functions (hand-written assembly puts local code before a global
     * label: newlib's strcmp branches back there) belong to the function after them. */
    for (int k = 0; k < c->n; k++)
        c->f[k].lo = k ? c->f[k - 1].end : c->f[k].start;
    if (!c->n)
        return mcb_error("%s: no function symbols: cannot bound the stack", e->path), -1;
    if (read_maps(c) < 0)
        return mcb_error("%s: out of memory", e->path), -1;
    if (cs_open(CS_ARCH_ARM, (cs_mode)(CS_MODE_THUMB | CS_MODE_MCLASS), &c->cs) != CS_ERR_OK)
        return mcb_error("%s: cannot open Capstone for Thumb", e->path), -1;
    cs_option(c->cs, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *in = cs_malloc(c->cs);
    int rc = in ? 0 : -1;
    for (int k = 0; k < c->n && rc == 0; k++)
        rc = scan(c, k, in);
    if (in)
        cs_free(in, 1);
    if (rc == 0)
        rc = find_taken(c);
    if (rc < 0)
        mcb_error("%s: out of memory", e->path);
    return rc;
}

/* Whether a .su name is the ELF symbol's: equal, or equal up to a clone's numeric suffix
 * ("patch4_3x3.constprop" for "patch4_3x3.constprop.0"). */
static int hint_names(const char *hint, const char *sym)
{
    const size_t n = strlen(hint);
    if (strncmp(hint, sym, n) != 0)
        return 0;
    if (!sym[n])
        return 1;
    if (sym[n] != '.' || !sym[n + 1])
        return 0;
    for (const char *p = sym + n + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* Checks the frames against the hints; a name given twice (static functions of two files)
 * takes the larger. */
static void apply_hints(ctx *c, const mcb_stack_hint *h, int nh)
{
    for (int k = 0; k < c->n; k++)
        c->f[k].hint = -1;
    for (int i = 0; i < nh; i++)
        for (int k = 0; k < c->n; k++)
            if (hint_names(h[i].name, c->f[k].name)) {
                if (h[i].bytes > c->f[k].hint)
                    c->f[k].hint = h[i].bytes;
                if (h[i].dynamic)
                    c->f[k].flags |= F_DYNAMIC;
            }
}

static void release(ctx *c)
{
    for (int k = 0; k < c->n; k++)
        free(c->f[k].callees);
    free(c->f);
    free(c->maps);
    free(c->taken);
    free(c->path);
    if (c->cs)
        cs_close(&c->cs);
}

int mcb_stack_analyse(const mcb_elf *e, const mcb_stack_hint *hints, int nhints,
                      mcb_stack_bound *out)
{
    memset(out, 0, sizeof *out);
    ctx c = {.e = e, .out = out};
    int rc = -1;
    if (prepare(&c) < 0)
        goto done;
    apply_hints(&c, hints, hints ? nhints : 0);
    if (!(c.path = calloc((size_t)c.n + 1, sizeof *c.path))) {
        mcb_error("%s: out of memory", e->path);
        goto done;
    }
    const int entry = fn_at(&c, e->entry & ~1u);
    if (entry < 0) {
        mcb_error("%s: the entry point 0x%08x is in no function", e->path, (unsigned)e->entry);
        goto done;
    }
    out->bytes = walk(&c, entry);
    out->address_taken = c.ntaken;
    out->bounded = !out->recursive && !out->dynamic && !out->unknown;
    for (int k = entry, guard = 0; k >= 0 && guard < c.n; k = c.f[k].next, guard++) {
        if (out->path_len < MCB_STACK_PATH_MAX) {
            snprintf(out->path[out->path_len], sizeof out->path[0], "%s", c.f[k].name);
            out->path_frame[out->path_len++] = c.f[k].frame;
        }
    }
    rc = 0;
done:
    release(&c);
    return rc;
}

int64_t mcb_stack_frame_of(const mcb_elf *e, const char *name)
{
    mcb_stack_bound out;
    memset(&out, 0, sizeof out);
    ctx c = {.e = e, .out = &out};
    int64_t frame = -1;
    if (prepare(&c) == 0)
        for (int k = 0; k < c.n; k++)
            if (!strcmp(c.f[k].name, name))
                frame = c.f[k].frame;
    release(&c);
    return frame;
}
