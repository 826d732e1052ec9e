#include "build.h"

#include "err.h"
#include "mcb_port.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MCB_RUNTIME_DIR
#error "MCB_RUNTIME_DIR (the project's src/target folder) must be defined by the build"
#endif

const char *mcb_runtime_dir(void)
{
    const char *e = getenv("MCUBENCH_RUNTIME_DIR");
    return e && *e ? e : MCB_RUNTIME_DIR;
}

/* A growable argv. Every string is owned (strdup), so the list frees uniformly. */
typedef struct {
    char **v;
    int n, cap, oom;
} strlist;

static void add(strlist *l, const char *s)
{
    if (l->oom)
        return;
    if (l->n + 2 > l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) {
            l->oom = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    char *d = strdup(s);
    if (!d) {
        l->oom = 1;
        return;
    }
    l->v[l->n++] = d;
    l->v[l->n] = NULL;
}

static void addf(strlist *l, const char *fmt, const char *a, const char *b)
{
    char buf[4200];
    snprintf(buf, sizeof buf, fmt, a, b);
    add(l, buf);
}

static void free_list(strlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The runtime's own sources (*.c, *.S), sorted so that the command line is reproducible. */
static int runtime_sources(const char *dir, strlist *out)
{
    DIR *d = opendir(dir);
    if (!d) {
        mcb_error("%s: cannot open the runtime folder: %s", dir, strerror(errno));
        return -1;
    }
    strlist names = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 2 && (!strcmp(e->d_name + n - 2, ".c") || !strcmp(e->d_name + n - 2, ".S")))
            add(&names, e->d_name);
    }
    closedir(d);
    if (names.oom) {
        free_list(&names);
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    if (names.n)
        qsort(names.v, (size_t)names.n, sizeof *names.v, cmp_str);
    for (int i = 0; i < names.n; i++)
        addf(out, "%s/%s", dir, names.v[i]);
    free_list(&names);
    return 0;
}

/* Splits the target's cflags on blanks (no quoting: flags with spaces are not supported). */
static void add_split(strlist *l, const char *s)
{
    char word[256];
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        size_t n = strcspn(s, " \t");
        if (!n)
            break;
        if (n >= sizeof word)
            n = sizeof word - 1;
        memcpy(word, s, n);
        word[n] = 0;
        add(l, word);
        s += strcspn(s, " \t");
    }
}

static char *join(const strlist *l, int from, int to)
{
    size_t len = 1;
    for (int i = from; i < to; i++)
        len += strlen(l->v[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = 0;
    size_t at = 0;
    for (int i = from; i < to; i++) {
        size_t n = strlen(l->v[i]);
        if (at)
            s[at++] = ' ';
        memcpy(s + at, l->v[i], n + 1);
        at += n;
    }
    return s;
}

/* An assembler file putting the flags into the non-allocated MCB_FLAGS_SECTION. */
static int write_flags_asm(const char *path, const char *flags)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        mcb_error("%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    /* .file: a fixed name instead of the temporary's, so that builds are byte-identical. */
    fprintf(f, "\t.file \"mcb_flags.s\"\n\t.section %s,\"\",%%progbits\n\t.asciz \"",
            MCB_FLAGS_SECTION);
    for (const char *c = flags; *c; c++) {
        if (*c == '"' || *c == '\\')
            fputc('\\', f);
        if ((unsigned char)*c < 32)
            fprintf(f, "\\%03o", (unsigned char)*c);
        else
            fputc(*c, f);
    }
    fprintf(f, "\"\n");
    if (fclose(f) != 0) {
        mcb_error("%s: write failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int is_cxx(const char *path)
{
    const size_t n = strlen(path);
    return (n > 3 && !strcmp(path + n - 3, ".cc")) || (n > 4 && !strcmp(path + n - 4, ".cpp"));
}

/* Compiles one C++ source to obj with the common flags (a->v[from..to) without the link
 * flags) and the C++ flags; 0, or -1 after reporting. */
static int compile_cxx(const mcb_fw_build *b, const strlist *common, const char *gcc,
                       const char *src, const char *obj)
{
    strlist c = {0};
    add(&c, gcc);
    for (int i = 1; i < common->n; i++)
        add(&c, common->v[i]);
    for (int i = 0; i < b->n_cxx_flags; i++)
        add(&c, b->cxx_flags[i]);
    add(&c, "-c");
    add(&c, src);
    add(&c, "-o");
    add(&c, obj);
    int rc = -1;
    if (c.oom) {
        mcb_error("%s: out of memory", b->output);
    } else {
        pid_t pid = mcb_spawn(c.v, "gcc-arm-none-eabi and libstdc++-arm-none-eabi-newlib", NULL,
                              NULL);
        int st = pid < 0 ? -1 : mcb_spawn_wait(pid, gcc);
        if (st > 0)
            mcb_error("%s: firmware build failed compiling %s (%s exited with status %d; its "
                      "messages are above)", b->output, src, gcc, st);
        rc = st == 0 ? 0 : -1;
    }
    free_list(&c);
    return rc;
}

int mcb_fw_build_run(const mcb_fw_build *b, char **flags_out)
{
    if (flags_out)
        *flags_out = NULL;
    const mcb_target *t = b->target;
    if (!b->output || !*b->output || b->n_sources < 1) {
        mcb_error("firmware build: needs an output path and at least one source");
        return -1;
    }
    char rt[2048], ld[2100], num[4][32];
    if ((size_t)snprintf(rt, sizeof rt, "%s/%s", mcb_runtime_dir(), t->runtime) >= sizeof rt) {
        mcb_error("%s: runtime folder path too long", mcb_runtime_dir());
        return -1;
    }
    snprintf(ld, sizeof ld, "%s/%s.ld", rt, t->runtime);
    if (access(ld, R_OK) != 0) {
        mcb_error("%s: runtime '%s' of target %s has no linker script: %s", ld, t->runtime,
                  t->name, strerror(errno));
        return -1;
    }
    const char *gcc = getenv("MCUBENCH_ARM_GCC");
    if (!gcc || !*gcc)
        gcc = "arm-none-eabi-gcc";

    strlist a = {0};
    add(&a, gcc);
    int flags_from = a.n;
    add_split(&a, t->cflags);
    add(&a, "-g");
    add(&a, "-ffunction-sections");
    add(&a, "-fdata-sections");
    add(&a, "--specs=nano.specs");
    add(&a, "-nostartfiles");
    addf(&a, "-I%s%s", mcb_runtime_dir(), "");
    addf(&a, "-I%s%s", rt, "");
    for (int i = 0; i < b->n_include_dirs; i++)
        addf(&a, "-I%s%s", b->include_dirs[i], "");
    strlist common = {0}; /* what a C++ compile shares with the C one */
    for (int i = 0; i < a.n; i++)
        add(&common, a.v[i]);
    for (int i = 0; i < b->n_extra_flags; i++)
        add(&a, b->extra_flags[i]);
    addf(&a, "-T%s%s", ld, "");
    add(&a, "-Wl,--gc-sections");
    snprintf(num[0], sizeof num[0], "0x%08x", (unsigned)t->flash_base);
    snprintf(num[1], sizeof num[1], "0x%08x", (unsigned)t->flash_size);
    snprintf(num[2], sizeof num[2], "0x%08x", (unsigned)t->ram_base);
    snprintf(num[3], sizeof num[3], "0x%08x", (unsigned)t->ram_size);
    addf(&a, "-Wl,--defsym=__mcb_flash_base=%s%s", num[0], "");
    addf(&a, "-Wl,--defsym=__mcb_flash_size=%s%s", num[1], "");
    addf(&a, "-Wl,--defsym=__mcb_ram_base=%s%s", num[2], "");
    addf(&a, "-Wl,--defsym=__mcb_ram_size=%s%s", num[3], "");
    int flags_to = a.n;

    char *flags = join(&a, flags_from, flags_to);
    if (flags && (b->n_cxx_flags || b->n_libs)) {
        strlist more = {0};
        add(&more, flags);
        if (b->n_cxx_flags)
            add(&more, "C++:");
        for (int i = 0; i < b->n_cxx_flags; i++)
            add(&more, b->cxx_flags[i]);
        if (b->n_libs)
            add(&more, "libs:");
        for (int i = 0; i < b->n_libs; i++)
            add(&more, b->libs[i]);
        free(flags);
        flags = more.oom ? NULL : join(&more, 0, more.n);
        free_list(&more);
    }
    size_t olen = strlen(b->output);
    char *tmp = malloc(olen + 32), *fasm = malloc(olen + 32);
    strlist objs = {0};
    int rc = -1;
    if (!flags || !tmp || !fasm || a.oom || common.oom) {
        mcb_error("%s: out of memory", b->output);
        goto out;
    }
    snprintf(tmp, olen + 32, "%s.%ld.tmp", b->output, (long)getpid());
    snprintf(fasm, olen + 32, "%s.%ld.flags.s", b->output, (long)getpid());
    if (write_flags_asm(fasm, flags) != 0)
        goto out;
    if (runtime_sources(rt, &a) != 0)
        goto out_asm;
    add(&a, fasm);
    for (int i = 0; i < b->n_sources; i++) {
        if (!is_cxx(b->sources[i])) {
            add(&a, b->sources[i]);
            continue;
        }
        char obj[64 + 4096];
        snprintf(obj, sizeof obj, "%.4000s.%ld.%d.o", b->output, (long)getpid(), i);
        add(&objs, obj);
        if (compile_cxx(b, &common, gcc, b->sources[i], obj) != 0)
            goto out_asm;
        add(&a, obj);
    }
    for (int i = 0; i < b->n_libs; i++)
        add(&a, b->libs[i]);
    add(&a, "-lm");
    add(&a, "-o");
    add(&a, tmp);
    if (a.oom) {
        mcb_error("%s: out of memory", b->output);
        goto out_asm;
    }

    pid_t pid = mcb_spawn(a.v, "gcc-arm-none-eabi and libnewlib-arm-none-eabi", NULL, NULL);
    if (pid < 0)
        goto out_asm;
    int st = mcb_spawn_wait(pid, gcc);
    if (st != 0) {
        if (st > 0)
            mcb_error("%s: firmware build failed (%s exited with status %d; its messages are "
                      "above)",
                      b->output, gcc, st);
        remove(tmp);
        goto out_asm;
    }
    if (rename(tmp, b->output) != 0) {
        mcb_error("%s: cannot write: %s", b->output, strerror(errno));
        remove(tmp);
        goto out_asm;
    }
    rc = 0;
    if (flags_out) {
        *flags_out = flags;
        flags = NULL;
    }
out_asm:
    remove(fasm);
    for (int i = 0; i < objs.n; i++)
        remove(objs.v[i]);
out:
    free_list(&objs);
    free_list(&common);
    free(flags);
    free(tmp);
    free(fasm);
    free_list(&a);
    return rc;
}
