/* The ELF reader on hostile input: every truncation and a set of corrupted headers must be
 * rejected with an error, never crash (run under ASan); a well-formed file loads.
 * usage: test_elf SCRATCH_DIR */
#include "elf.h"
#include "err.h"
#include "fileio.h"
#include "../test.h"

#include <stdio.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* header (52) + one PT_LOAD (32) + 16 bytes of code + 4 section headers (null, .text,
 * .symtab, .strtab) + symbols + strings */
static size_t make(uint8_t *f)
{
    memset(f, 0, 1024);
    memcpy(f, "\177ELF\1\1\1", 7);
    put16(f + 16, 2);
    put16(f + 18, 40);
    put32(f + 20, 1);
    put32(f + 24, 0x9);
    put32(f + 28, 52);
    put16(f + 40, 52);
    put16(f + 42, 32);
    put16(f + 44, 1);
    uint8_t *ph = f + 52;
    put32(ph, 1);
    put32(ph + 4, 84);
    put32(ph + 8, 0);
    put32(ph + 12, 0);
    put32(ph + 16, 16);
    put32(ph + 20, 16);
    put32(ph + 24, 5);
    /* code at 84..100; symbols at 100 (2 x 16), strings at 132 */
    uint8_t *sym = f + 100 + 16;
    put32(sym, 1);                    /* "main" */
    put32(sym + 4, 0x9);              /* Thumb function at 8 */
    put32(sym + 8, 8);
    sym[12] = 0x12;                   /* GLOBAL FUNC */
    put16(sym + 14, 1);
    memcpy(f + 132, "\0main\0\0.text\0.symtab\0.strtab\0", 29);
    /* shstrtab = strtab here: names at 7 (.text), 13 (.symtab), 21 (.strtab) */
    uint32_t sh = 164;
    put32(f + 32, sh);
    put16(f + 46, 40);
    put16(f + 48, 4);
    put16(f + 50, 3);
    uint8_t *s1 = f + sh + 40, *s2 = f + sh + 80, *s3 = f + sh + 120;
    put32(s1, 7), put32(s1 + 4, 1), put32(s1 + 8, 6), put32(s1 + 16, 84), put32(s1 + 20, 16);
    put32(s2, 13), put32(s2 + 4, 2), put32(s2 + 16, 100), put32(s2 + 20, 32), put32(s2 + 24, 3);
    put32(s3, 21), put32(s3 + 4, 3), put32(s3 + 16, 132), put32(s3 + 20, 29);
    return sh + 160;
}

static mcb_elf *load_bytes(const char *path, const uint8_t *d, size_t n)
{
    CHECK(mcb_write_file_atomic(path, d, n) == 0);
    return mcb_elf_load(path);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/test_elf.tmp", argv[1]);
    uint8_t f[1024], g[1024];
    size_t n = make(f);

    mcb_elf *e = load_bytes(path, f, n);
    CHECK(e != NULL);
    if (e) {
        CHECK_EQ_INT(e->nsegs, 1);
        CHECK_EQ_INT(e->nsecs, 4);
        CHECK_EQ_INT(e->nsyms, 1);
        const mcb_elf_symbol *s = mcb_elf_symbol_at(e, 0xC);
        CHECK(s && !strcmp(s->name, "main"));
        CHECK(mcb_elf_symbol_at(e, 0x4) == NULL);
        uint32_t v;
        CHECK(mcb_elf_symbol_value(e, "main", &v) == 0 && v == 8);
        CHECK(mcb_elf_section_named(e, ".text") != NULL);
        mcb_elf_free(e);
    }
    mcb_err_quiet(1);
    for (size_t cut = 0; cut < n; cut++) { /* every truncation is rejected, none crashes */
        e = load_bytes(path, f, cut);
        CHECK(e == NULL);
        mcb_elf_free(e);
    }
    struct { size_t off; uint32_t val; int width; } bad[] = {
        {18, 3, 2},          /* machine x86 */
        {4, 2, 1},           /* ELFCLASS64 */
        {28, 0xFFFFFFF0, 4}, /* program headers past the end */
        {44, 0xFFFF, 2},     /* too many program headers */
        {52 + 4, 1000, 4},   /* segment data past the end */
        {52 + 16, 0x7FFFFFFF, 4},
        {52 + 12, 0xFFFFFFF8, 4}, /* segment wraps the address space */
        {32, 0xFFFFFF00, 4},      /* section headers past the end */
        {48, 0xFFFF, 2},
        {164 + 40 + 16, 5000, 4}, /* .text past the end */
        {164 + 80 + 20, 0xFFFFFFF0, 4}, /* symbol table past the end */
        {164 + 80 + 24, 77, 4},         /* symbol table links nowhere */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(g, f, n);
        if (bad[i].width == 1)
            g[bad[i].off] = (uint8_t)bad[i].val;
        else if (bad[i].width == 2)
            put16(g + bad[i].off, (uint16_t)bad[i].val);
        else
            put32(g + bad[i].off, bad[i].val);
        e = load_bytes(path, g, n);
        if (e)
            fprintf(stderr, "corruption %zu accepted\n", i);
        CHECK(e == NULL);
        mcb_elf_free(e);
    }
    /* names and symbols pointing outside their string table are dropped, not followed */
    memcpy(g, f, n);
    put32(g + 116, 0xFFFFFF); /* symbol name offset */
    put32(g + 164 + 40, 0xFFFFFF); /* section name offset */
    e = load_bytes(path, g, n);
    CHECK(e != NULL);
    if (e) {
        CHECK_EQ_INT(e->nsyms, 0);
        CHECK(!strcmp(e->secs[1].name, ""));
    }
    mcb_elf_free(e);
    remove(path);
    return TEST_END();
}
