/* A bounds-checked reader for 32-bit little-endian ARM ELF executables (untrusted input).
 * Every header, table and string is checked against the file size before it is used; a bad
 * file is reported once (mcb_error) and mcb_elf_load returns NULL. Symbols (FUNC/OBJECT/
 * NOTYPE with a name) are kept sorted by address for fault reports. */
#ifndef MCB_SIM_ELF_H
#define MCB_SIM_ELF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t vaddr, paddr, filesz, memsz, offset, flags;
} mcb_elf_segment;

typedef struct {
    const char *name;
    uint32_t type, flags, addr, size, offset;
} mcb_elf_section;

typedef struct {
    const char *name;
    uint32_t value, size;
    int is_func;
} mcb_elf_symbol;

#define MCB_SHT_PROGBITS 1u
#define MCB_SHT_NOBITS 8u
#define MCB_SHF_WRITE 0x1u
#define MCB_SHF_ALLOC 0x2u
#define MCB_SHF_EXECINSTR 0x4u

typedef struct {
    char *path;
    uint8_t *data; /* the whole file */
    size_t size;
    uint32_t entry;
    mcb_elf_segment *segs;
    int nsegs;
    mcb_elf_section *secs;
    int nsecs;
    mcb_elf_symbol *syms; /* sorted by value */
    int nsyms;
} mcb_elf;

/* Reads a regular file of at most MCB_ELF_MAX_BYTES (anything else is refused at once). */
#define MCB_ELF_MAX_BYTES ((size_t)64 << 20)
mcb_elf *mcb_elf_load(const char *path);
void mcb_elf_free(mcb_elf *e);

/* The symbol containing addr (a function or object whose [value, value+size) holds it, else
 * the nearest function symbol below it), or NULL. The Thumb bit of function symbols is
 * ignored. */
const mcb_elf_symbol *mcb_elf_symbol_at(const mcb_elf *e, uint32_t addr);
/* Value of the named symbol, 0 if found, -1 if not (not reported). */
int mcb_elf_symbol_value(const mcb_elf *e, const char *name, uint32_t *value);
const mcb_elf_section *mcb_elf_section_named(const mcb_elf *e, const char *name);
/* Contents of a non-NOBITS section (size bytes, inside the file), or NULL. */
const uint8_t *mcb_elf_section_data(const mcb_elf *e, const mcb_elf_section *s);

#endif
