#include "elf.h"

#include "err.h"
#include "fileio.h"

#include <stdlib.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* [off, off+len) inside a file of size n, without overflow */
static int in_file(size_t n, uint64_t off, uint64_t len) { return off <= n && len <= n - off; }

/* NUL-terminated string at strtab[idx] inside [tab_off, tab_off+tab_size) */
static const char *str_at(const mcb_elf *e, uint32_t tab_off, uint32_t tab_size, uint32_t idx)
{
    if (idx >= tab_size)
        return NULL;
    const char *s = (const char *)e->data + tab_off + idx;
    if (!memchr(s, 0, tab_size - idx))
        return NULL;
    return s;
}

static int sym_cmp(const void *a, const void *b)
{
    const mcb_elf_symbol *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    if (x->is_func != y->is_func)
        return y->is_func - x->is_func; /* functions first at equal addresses */
    return strcmp(x->name, y->name);
}

static int read_symbols(mcb_elf *e, const mcb_elf_section *symtab, uint32_t link)
{
    if (link >= (uint32_t)e->nsecs)
        return mcb_error("%s: symbol table links to a bad string table", e->path), -1;
    const mcb_elf_section *strtab = &e->secs[link];
    if (!in_file(e->size, strtab->offset, strtab->size) || symtab->size % 16)
        return mcb_error("%s: symbol table outside the file", e->path), -1;
    uint32_t n = symtab->size / 16;
    e->syms = calloc(n ? n : 1, sizeof *e->syms);
    if (!e->syms)
        return mcb_error("%s: out of memory", e->path), -1;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = e->data + symtab->offset + (size_t)i * 16;
        uint8_t type = p[12] & 0xF;
        uint16_t shndx = rd16(p + 14);
        if (type > 2 || shndx == 0 || shndx >= 0xFF00) /* NOTYPE/OBJECT/FUNC, defined */
            continue;
        const char *name = str_at(e, strtab->offset, strtab->size, rd32(p));
        if (!name || !*name || name[0] == '$') /* mapping symbols $t/$d/$a */
            continue;
        mcb_elf_symbol *s = &e->syms[e->nsyms++];
        s->name = name;
        s->value = rd32(p + 4);
        s->size = rd32(p + 8);
        s->is_func = type == 2;
        if (s->is_func)
            s->value &= ~1u;
    }
    qsort(e->syms, (size_t)e->nsyms, sizeof *e->syms, sym_cmp);
    return 0;
}

static mcb_elf *parse(mcb_elf *e)
{
    const uint8_t *d = e->data;
    size_t n = e->size;
    if (n < 52 || memcmp(d, "\177ELF", 4))
        return mcb_error("%s: not an ELF file", e->path), NULL;
    if (d[4] != 1 || d[5] != 1)
        return mcb_error("%s: not a 32-bit little-endian ELF", e->path), NULL;
    if (rd16(d + 16) != 2 || rd16(d + 18) != 40)
        return mcb_error("%s: not an ARM executable (ELF type %u, machine %u)", e->path,
                         rd16(d + 16), rd16(d + 18)),
               NULL;
    e->entry = rd32(d + 24);
    uint32_t phoff = rd32(d + 28), shoff = rd32(d + 32);
    uint16_t phentsize = rd16(d + 42), phnum = rd16(d + 44);
    uint16_t shentsize = rd16(d + 46), shnum = rd16(d + 48), shstrndx = rd16(d + 50);

    if (phnum) {
        if (phentsize < 32 || !in_file(n, phoff, (uint64_t)phentsize * phnum))
            return mcb_error("%s: program headers outside the file", e->path), NULL;
        e->segs = calloc(phnum, sizeof *e->segs);
        if (!e->segs)
            return mcb_error("%s: out of memory", e->path), NULL;
        for (int i = 0; i < phnum; i++) {
            const uint8_t *p = d + phoff + (size_t)i * phentsize;
            if (rd32(p) != 1) /* PT_LOAD */
                continue;
            mcb_elf_segment *s = &e->segs[e->nsegs++];
            s->offset = rd32(p + 4);
            s->vaddr = rd32(p + 8);
            s->paddr = rd32(p + 12);
            s->filesz = rd32(p + 16);
            s->memsz = rd32(p + 20);
            s->flags = rd32(p + 24);
            if (!in_file(n, s->offset, s->filesz) || s->filesz > s->memsz ||
                (uint64_t)s->paddr + s->memsz > 0x100000000ull ||
                (uint64_t)s->vaddr + s->memsz > 0x100000000ull)
                return mcb_error("%s: segment %d is outside the file or the address space",
                                 e->path, i),
                       NULL;
        }
    }
    if (!e->nsegs)
        return mcb_error("%s: no loadable segment", e->path), NULL;

    if (shnum) {
        if (shentsize < 40 || !in_file(n, shoff, (uint64_t)shentsize * shnum))
            return mcb_error("%s: section headers outside the file", e->path), NULL;
        e->secs = calloc(shnum, sizeof *e->secs);
        if (!e->secs)
            return mcb_error("%s: out of memory", e->path), NULL;
        e->nsecs = shnum;
        uint32_t stroff = 0, strsize = 0;
        if (shstrndx < shnum) {
            const uint8_t *p = d + shoff + (size_t)shstrndx * shentsize;
            stroff = rd32(p + 16);
            strsize = rd32(p + 20);
            if (!in_file(n, stroff, strsize))
                strsize = 0;
        }
        int symtab = -1;
        uint32_t symlink = 0;
        for (int i = 0; i < shnum; i++) {
            const uint8_t *p = d + shoff + (size_t)i * shentsize;
            mcb_elf_section *s = &e->secs[i];
            s->name = str_at(e, stroff, strsize, rd32(p));
            if (!s->name)
                s->name = "";
            s->type = rd32(p + 4);
            s->flags = rd32(p + 8);
            s->addr = rd32(p + 12);
            s->offset = rd32(p + 16);
            s->size = rd32(p + 20);
            if (s->type != MCB_SHT_NOBITS && s->type != 0 && !in_file(n, s->offset, s->size))
                return mcb_error("%s: section '%s' is outside the file", e->path, s->name), NULL;
            if ((uint64_t)s->addr + s->size > 0x100000000ull)
                return mcb_error("%s: section '%s' wraps the address space", e->path, s->name),
                       NULL;
            if (s->type == 2 && symtab < 0) { /* SHT_SYMTAB */
                symtab = i;
                symlink = rd32(p + 24);
            }
        }
        if (symtab >= 0 && read_symbols(e, &e->secs[symtab], symlink) < 0)
            return NULL;
    }
    return e;
}

mcb_elf *mcb_elf_load(const char *path)
{
    mcb_elf *e = calloc(1, sizeof *e);
    if (!e)
        return mcb_error("%s: out of memory", path), NULL;
    e->path = strdup(path);
    e->data = mcb_read_file_limited(path, &e->size, MCB_ELF_MAX_BYTES);
    if (!e->path || !e->data || !parse(e)) {
        mcb_elf_free(e);
        return NULL;
    }
    return e;
}

void mcb_elf_free(mcb_elf *e)
{
    if (!e)
        return;
    free(e->path);
    free(e->data);
    free(e->segs);
    free(e->secs);
    free(e->syms);
    free(e);
}

const mcb_elf_symbol *mcb_elf_symbol_at(const mcb_elf *e, uint32_t addr)
{
    /* last symbol with value <= addr */
    int lo = 0, hi = e->nsyms - 1, best = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (e->syms[mid].value <= addr) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    const mcb_elf_symbol *fallback = NULL;
    for (int i = best; i >= 0 && i > best - 64; i--) {
        const mcb_elf_symbol *s = &e->syms[i];
        if (addr - s->value < s->size)
            return s;
        if (!fallback && s->is_func && s->size == 0)
            fallback = s;
    }
    /* a sizeless function (assembly) only counts inside the same allocated section */
    for (int i = 0; fallback && i < e->nsecs; i++) {
        const mcb_elf_section *sec = &e->secs[i];
        if ((sec->flags & MCB_SHF_ALLOC) && addr - sec->addr < sec->size &&
            fallback->value - sec->addr < sec->size)
            return fallback;
    }
    return NULL;
}

int mcb_elf_symbol_value(const mcb_elf *e, const char *name, uint32_t *value)
{
    for (int i = 0; i < e->nsyms; i++)
        if (!strcmp(e->syms[i].name, name)) {
            *value = e->syms[i].value;
            return 0;
        }
    return -1;
}

const mcb_elf_section *mcb_elf_section_named(const mcb_elf *e, const char *name)
{
    for (int i = 0; i < e->nsecs; i++)
        if (!strcmp(e->secs[i].name, name))
            return &e->secs[i];
    return NULL;
}

const uint8_t *mcb_elf_section_data(const mcb_elf *e, const mcb_elf_section *s)
{
    if (!s || s->type == MCB_SHT_NOBITS || !in_file(e->size, s->offset, s->size))
        return NULL;
    return e->data + s->offset;
}
