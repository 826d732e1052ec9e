/* Target files: "key = value" lines, '#' comments, strict (see target.h). */
#include "target.h"

#include "err.h"
#include "fileio.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MCB_TARGETS_DIR
#error "MCB_TARGETS_DIR (the project's targets/ folder) must be defined by the build"
#endif

typedef enum { K_STR, K_U32, K_INT, K_DBL } kind;

typedef struct {
    const char *key;
    kind kind;
    size_t off, size;
    int required;
} field;

#define F(k, kd, req) {#k, kd, offsetof(mcb_target, k), sizeof(((mcb_target *)0)->k), req}

static const field fields[] = {
    F(name, K_STR, 1),
    F(core, K_STR, 1),
    F(qemu_machine, K_STR, 0),
    F(runtime, K_STR, 1),
    F(clock_hz, K_U32, 1),
    F(flash_base, K_U32, 1),
    F(flash_size, K_U32, 1),
    F(ram_base, K_U32, 1),
    F(ram_size, K_U32, 1),
    F(flash_wait_states, K_INT, 1),
    F(icache, K_INT, 1),
    F(flash_wait_states_nocache, K_INT, 0),
    F(icache_size, K_U32, 0),
    F(icache_line, K_U32, 0),
    F(icache_ways, K_U32, 0),
    F(supply_v, K_DBL, 1),
    F(run_current_dcdc_a, K_DBL, 1),
    F(run_current_ldo_a, K_DBL, 1),
    F(cflags, K_STR, 1),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Decimal or 0x hex, no sign, fits 32 bits. */
static int parse_u32(const char *s, uint32_t *out)
{
    if (!isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > 0xFFFFFFFFull)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int set_field(const field *f, mcb_target *t, const char *v, const char *path, int line)
{
    char *p = (char *)t + f->off;
    switch (f->kind) {
    case K_STR:
        if (strlen(v) >= f->size) {
            mcb_error("%s:%d: value of '%s' is longer than %zu characters", path, line, f->key,
                      f->size - 1);
            return -1;
        }
        if (!*v && f->required) {
            mcb_error("%s:%d: '%s' is empty", path, line, f->key);
            return -1;
        }
        memcpy(p, v, strlen(v) + 1);
        return 0;
    case K_U32: {
        uint32_t u;
        if (parse_u32(v, &u) != 0) {
            mcb_error("%s:%d: '%s' must be an unsigned 32-bit number (decimal or 0x hex), not "
                      "'%s'",
                      path, line, f->key, v);
            return -1;
        }
        memcpy(p, &u, sizeof u);
        return 0;
    }
    case K_INT: {
        uint32_t u;
        if (parse_u32(v, &u) != 0 || u > 1000) {
            mcb_error("%s:%d: '%s' must be a whole number from 0 to 1000, not '%s'", path, line,
                      f->key, v);
            return -1;
        }
        int i = (int)u;
        memcpy(p, &i, sizeof i);
        return 0;
    }
    case K_DBL: {
        errno = 0;
        char *end;
        double d = *v ? strtod(v, &end) : -1;
        if (!*v || errno || *end || !isfinite(d) || d < 0) {
            mcb_error("%s:%d: '%s' must be a non-negative number, not '%s'", path, line, f->key,
                      v);
            return -1;
        }
        memcpy(p, &d, sizeof d);
        return 0;
    }
    }
    return -1;
}

static int parse(const char *path, char *text, mcb_target *t)
{
    int seen[NFIELDS] = {0};
    int line = 0;
    char *next = text;
    while (next && *next) {
        char *s = next;
        next = strchr(s, '\n');
        if (next)
            *next++ = 0;
        line++;
        s = trim(s);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            mcb_error("%s:%d: expected 'key = value'", path, line);
            return -1;
        }
        *eq = 0;
        char *key = trim(s), *val = trim(eq + 1);
        size_t vn = strlen(val);
        if (vn && val[0] == '"') {
            if (vn < 2 || val[vn - 1] != '"') {
                mcb_error("%s:%d: unterminated quoted value", path, line);
                return -1;
            }
            val[vn - 1] = 0;
            val++;
        }
        size_t i = 0;
        while (i < NFIELDS && strcmp(fields[i].key, key) != 0)
            i++;
        if (i == NFIELDS) {
            mcb_error("%s:%d: unknown key '%s'", path, line, key);
            return -1;
        }
        if (seen[i]) {
            mcb_error("%s:%d: '%s' given twice", path, line, key);
            return -1;
        }
        seen[i] = line;
        if (set_field(&fields[i], t, val, path, line) != 0)
            return -1;
    }
    for (size_t i = 0; i < NFIELDS; i++)
        if (fields[i].required && !seen[i]) {
            mcb_error("%s: missing key '%s'", path, fields[i].key);
            return -1;
        }
    if (!t->clock_hz || !t->flash_size || !t->ram_size) {
        mcb_error("%s: clock_hz, flash_size and ram_size must not be 0", path);
        return -1;
    }
    if ((uint64_t)t->flash_base + t->flash_size > 0x100000000ull ||
        (uint64_t)t->ram_base + t->ram_size > 0x100000000ull) {
        mcb_error("%s: a memory region runs past the 4 GB address space", path);
        return -1;
    }
    size_t nc = 0;
    while (strcmp(fields[nc].key, "flash_wait_states_nocache") != 0)
        nc++;
    if (!seen[nc])
        t->flash_wait_states_nocache = t->flash_wait_states;
    if (t->icache > 1) {
        mcb_error("%s: icache must be 0 or 1", path);
        return -1;
    }
    if (t->icache && t->flash_wait_states > 0) { /* the cache's geometry decides the misses */
        const uint32_t sz = t->icache_size, line = t->icache_line, ways = t->icache_ways;
        if (!sz || !line || !ways) {
            mcb_error("%s: icache = 1 with flash wait states needs icache_size, icache_line and "
                      "icache_ways",
                      path);
            return -1;
        }
        if (line < 4 || line > 256 || (line & (line - 1)) || ways > 64 || sz > (1u << 20) ||
            sz % (line * ways) || ((sz / line / ways) & (sz / line / ways - 1))) {
            mcb_error("%s: icache geometry %u bytes, %u-byte lines, %u ways: lines must be a "
                      "power of two from 4 to 256, at most 64 ways and 1 MB, and the size a "
                      "power-of-two multiple of line x ways",
                      path, sz, line, ways);
            return -1;
        }
    }
    return 0;
}

static int load_file(const char *path, mcb_target *t)
{
    size_t n;
    char *text = (char *)mcb_read_file_limited(path, &n, 1u << 20); /* a few dozen lines */
    if (!text)
        return -1;
    if (memchr(text, 0, n)) {
        mcb_error("%s: not a text file (NUL byte)", path);
        free(text);
        return -1;
    }
    memset(t, 0, sizeof *t);
    int rc = parse(path, text, t);
    free(text);
    return rc;
}

static int is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 7 && !strcmp(s + n - 7, ".target"));
}

int mcb_target_load(const char *name_or_path, mcb_target *t)
{
    if (!name_or_path || !*name_or_path) {
        mcb_error("target: empty name");
        return -1;
    }
    if (is_path(name_or_path))
        return load_file(name_or_path, t);
    for (const char *c = name_or_path; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
            mcb_error("%s: not a target name (letters, digits, '-', '_')", name_or_path);
            return -1;
        }
    const char *dirs[2] = {getenv("MCUBENCH_TARGETS"), MCB_TARGETS_DIR};
    char path[4096];
    for (int i = 0; i < 2; i++) {
        if (!dirs[i] || !*dirs[i])
            continue;
        snprintf(path, sizeof path, "%s/%s.target", dirs[i], name_or_path);
        if (access(path, F_OK) == 0)
            return load_file(path, t);
    }
    mcb_error("%s: unknown target (no %s.target in %s%s)", name_or_path, name_or_path,
              getenv("MCUBENCH_TARGETS") ? "$MCUBENCH_TARGETS or " : "", MCB_TARGETS_DIR);
    return -1;
}
