/* Framework libraries (fwlib.h): pinned archives -> verified, unpacked, compiled, cached. */
#define _DEFAULT_SOURCE /* flock */
#include "fwlib.h"

#include "err.h"
#include "fileio.h"
#include "proc.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MCB_FRAMEWORKS_DEFAULT
#error "MCB_FRAMEWORKS_DEFAULT (the project's ../shared/frameworks) must be defined by the build"
#endif
#ifndef MCB_FW_CACHE_DEFAULT
#error "MCB_FW_CACHE_DEFAULT (a folder in the build tree) must be defined by the build"
#endif

/* SOURCES.tsv of ../shared/frameworks: what each archive is, pinned. */
static const mcb_fw_archive archives[] = {
    {"tflite-micro-90b983c2", "tensorflow/tflite-micro", "90b983c2b3f1480642e040bbd2ddb37b998f3424",
     "c8206519166699b2b505e0d464f61a45c8c01874a0fa9efd92f68202c82331be"},
    {"cmsis-nn-4ab83cc3", "ARM-software/CMSIS-NN", "4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae",
     "f4951d396de191d5db4648670e95ec736336e3e81be4ce01d8c21a4736fa8b78"},
    {"cmsis-nn-legacy-cc3e92da", "ARM-software/CMSIS-NN",
     "cc3e92dabfdb57b351a9208f18ee25f099bd60f1",
     "bc479dc3f83856fefeddf12c03bf14dff442161f5134bd4cfc4bd1e8f91c11ff"},
    {"cmsis6-5782d6f8", "ARM-software/CMSIS_6", "5782d6f8057906d360f4b95ec08a2354afe5c9b9",
     "c037d39999aec452a3d7ac73a2c12181c20843e9140daa039f0946e458e8f411"},
    {"cortex-dfp-c2c70a97", "ARM-software/Cortex_DFP", "c2c70a97a20fb355815e2ead3d4a40e35a4a3cdf",
     "c6c8875b92290170188605e0bd1a62c7e8009a478c22071aed97a6fe5b85569c"},
    {"flatbuffers-25.9.23", "google/flatbuffers", "187240970746d00bbd26b0f5873ed54d2477f9f3",
     "331ebaad7f2ca42ad1bc1cc3ab33b32daa4d3a60b404da3c95fbf4e1b2b3b573"},
    {"gemmlowp-719139ce", "google/gemmlowp", "719139ce755a0f31cbf1c37f7f98adcc7fc9f425",
     "8b25a0c699103335af1b4f45fa14baef3b55985dd0763c3f80e23ff7af378aef"},
    {"ruy-d3712831", "google/ruy", "d37128311b445e758136b8602d1bbd2a755e115d",
     "429dff4f2b39910214d86fd8e53b1d017b3c8f27d91c1d9776cf0cac92791340"},
    {"kissfft-130", "mborgerding/kissfft", "918336beac80868ad3011cb283063bb224e3e5da",
     "f92236598d62cecc37faa0dc5da8d8bc07d0917b1c447d2b44d6575a668b30eb"},
    {"utensor-23622ee", "uTensor/uTensor", "23622eed6fa13025bb108d62c982134dc5308d48",
     "36eff72888899eb1c29abf2d5fc689965dec892c4938f56c4ac3c7ba23c411c9"},
    {"cmsis-nn-legacy-examples", "ARM-software/CMSIS_5 + ARM-software/ML-examples",
     "44ae6316cec432d7c35f78304271273bce985915 + d229d37863d69963f36e9da92dfd25f592925b9d",
     "a2f74bb8cca6bfbcd3ee1de01d3d33dd5b19e5059ffa838107857631b14dbd12"},
};
#define N_ARCHIVES ((int)(sizeof archives / sizeof archives[0]))

/* Bumped when the way libraries are built changes, so that old cache entries are not used. */
#define FWLIB_FORMAT "mcubench-fwlib 1"
#define FWLIB_JOBS 2 /* compilers at a time: the machines this runs on have few cores */

const mcb_fw_archive *mcb_fw_archive_find(const char *stem)
{
    for (int i = 0; i < N_ARCHIVES; i++)
        if (!strcmp(archives[i].stem, stem))
            return &archives[i];
    return NULL;
}

const char *mcb_fw_frameworks_dir(void)
{
    const char *e = getenv("MCUBENCH_FRAMEWORKS");
    return e && *e ? e : MCB_FRAMEWORKS_DEFAULT;
}

const char *mcb_fw_cache_dir(void)
{
    const char *e = getenv("MCUBENCH_CACHE");
    return e && *e ? e : MCB_FW_CACHE_DEFAULT;
}

static void archive_path(const mcb_fw_archive *a, char *out, size_t n)
{
    snprintf(out, n, "%s/%s.tar.gz", mcb_fw_frameworks_dir(), a->stem);
}

int mcb_fw_available(const char *stem, char *why, size_t n)
{
    if (n)
        why[0] = 0;
    const mcb_fw_archive *a = mcb_fw_archive_find(stem);
    if (!a) {
        snprintf(why, n, "%s: not a pinned framework archive", stem);
        return 0;
    }
    char path[4096];
    archive_path(a, path, sizeof path);
    if (access(path, R_OK) != 0) {
        snprintf(why, n, "archive %s.tar.gz not found in %s (set MCUBENCH_FRAMEWORKS)", stem,
                 mcb_fw_frameworks_dir());
        return 0;
    }
    return 1;
}

/* ---- small helpers ---- */

typedef struct {
    char **v;
    int n, cap, oom;
} list;

static void ladd(list *l, const char *s)
{
    if (l->oom)
        return;
    if (l->n + 2 > l->cap) {
        const int cap = l->cap ? 2 * l->cap : 32;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) {
            l->oom = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s))) {
        l->oom = 1;
        return;
    }
    l->v[++l->n] = NULL;
}

static void lfree(list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void lsplit(list *l, const char *s)
{
    char word[512];
    while (*s) {
        s += strspn(s, " \t");
        size_t k = strcspn(s, " \t");
        if (!k)
            break;
        snprintf(word, sizeof word, "%.*s", (int)k, s);
        ladd(l, word);
        s += k;
    }
}



/* An exclusive lock on path (created), held until unlock(fd). -1 after reporting. */
static int lock_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        mcb_error("%s: cannot create the lock file: %s", path, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            mcb_error("%s: cannot lock: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
    }
    return fd;
}

static void unlock_file(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *gcc_path(void)
{
    const char *g = getenv("MCUBENCH_ARM_GCC");
    return g && *g ? g : "arm-none-eabi-gcc";
}

/* Runs argv to completion; 0 if it exited with 0, else -1 after one line about what. */
static int run(char *const argv[], const char *package, const char *what)
{
    pid_t pid = mcb_spawn(argv, package, NULL, NULL);
    if (pid < 0)
        return -1;
    const int st = mcb_spawn_wait(pid, argv[0]);
    if (st > 0)
        mcb_error("%s: %s exited with status %d (its messages are above)", what, argv[0], st);
    return st == 0 ? 0 : -1;
}

/* ---- archives ---- */

/* The file each archive was verified at by this process (each is hashed once per run and
 * place: a test may point MCUBENCH_FRAMEWORKS elsewhere between two requests). */
static char *verified[N_ARCHIVES];

static int verify(const mcb_fw_archive *a)
{
    const int idx = (int)(a - archives);
    char path[4096], why[4200];
    archive_path(a, path, sizeof path);
    if (verified[idx] && !strcmp(verified[idx], path))
        return 0;
    if (!mcb_fw_available(a->stem, why, sizeof why)) {
        mcb_error("%s", why);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        mcb_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    mcb_sha256 s;
    mcb_sha256_init(&s);
    static unsigned char buf[1 << 16];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        mcb_sha256_update(&s, buf, k);
    const int bad = ferror(f);
    fclose(f);
    if (bad) {
        mcb_error("%s: read error", path);
        return -1;
    }
    uint8_t d[32];
    char hex[65];
    mcb_sha256_final(&s, d);
    mcb_sha256_hex(d, hex);
    if (strcmp(hex, a->sha256) != 0) {
        mcb_error("%s: sha256 %s is not the pinned %s (a corrupt or different archive; "
                  "%s at %s)", path, hex, a->sha256, a->repo, a->commit);
        return -1;
    }
    free(verified[idx]);
    verified[idx] = strdup(path); /* NULL (out of memory) only costs another check */
    return 0;
}

static const mcb_fwlib_archive *spec_archive(const mcb_fwlib_spec *s, const char *stem,
                                             size_t len)
{
    for (int i = 0; i < s->n_archives; i++)
        if (strlen(s->archives[i].stem) == len && !strncmp(s->archives[i].stem, stem, len))
            return &s->archives[i];
    return NULL;
}

/* The folder name of an unpacked archive in cache/src: its stem, plus "-p" and the first 12
 * hex digits of a hash of the patch's origin when patched (the patch lies in a pinned
 * archive, so its name and that archive's sha256 identify it). */
static void unpacked_name(const mcb_fwlib_spec *s, const mcb_fwlib_archive *x, char *out,
                          size_t n)
{
    if (!x->patch) {
        snprintf(out, n, "%s", x->stem);
        return;
    }
    const size_t len = strcspn(x->patch, "/");
    const mcb_fwlib_archive *from = spec_archive(s, x->patch, len);
    const mcb_fw_archive *pa = from ? mcb_fw_archive_find(from->stem) : NULL;
    mcb_sha256 h;
    mcb_sha256_init(&h);
    mcb_sha256_update(&h, x->patch, strlen(x->patch));
    if (pa)
        mcb_sha256_update(&h, pa->sha256, strlen(pa->sha256));
    uint8_t d[32];
    char hex[65];
    mcb_sha256_final(&h, d);
    mcb_sha256_hex(d, hex);
    snprintf(out, n, "%s-p%.12s", x->stem, hex);
}

static int unpack(const mcb_fwlib_spec *s, const mcb_fwlib_archive *x, char *dir, size_t n,
                  int depth);

/* "STEM/rest" -> cache/src/<unpacked>/rest (unpacking as needed); other paths copied. */
static int resolve(const mcb_fwlib_spec *s, const char *path, char *out, size_t n, int depth)
{
    const size_t len = strcspn(path, "/");
    const mcb_fwlib_archive *x = path[0] != '/' ? spec_archive(s, path, len) : NULL;
    if (!x) {
        if ((size_t)snprintf(out, n, "%s", path) >= n) {
            mcb_error("%s: path too long", path);
            return -1;
        }
        return 0;
    }
    char dir[4096];
    if (unpack(s, x, dir, sizeof dir, depth) < 0)
        return -1;
    if ((size_t)snprintf(out, n, "%s%s", dir, path + len) >= n) {
        mcb_error("%s: path too long", path);
        return -1;
    }
    return 0;
}

int mcb_fwlib_path(const mcb_fwlib_spec *s, const char *path, char *out, size_t n)
{
    return resolve(s, path, out, n, 0);
}

/* Verifies the archive, then unpacks (and patches) it into a temporary folder of the cache
 * and renames that into cache/src/<unpacked name>; dir receives that path. */
static int unpack(const mcb_fwlib_spec *s, const mcb_fwlib_archive *x, char *dir, size_t n,
                  int depth)
{
    const mcb_fw_archive *a = mcb_fw_archive_find(x->stem);
    if (!a) {
        mcb_error("%s: library %s names an archive that is not pinned", x->stem, s->name);
        return -1;
    }
    if (depth > 4) {
        mcb_error("%s: library %s: patches refer to each other in a loop", x->stem, s->name);
        return -1;
    }
    if (verify(a) < 0)
        return -1;
    const char *cache = mcb_fw_cache_dir();
    char name[256], src[4096], lockp[4400], tmpl[4400], patch[4096], top[4500], arch[4096];
    unpacked_name(s, x, name, sizeof name);
    snprintf(src, sizeof src, "%s/src", cache);
    if ((size_t)snprintf(dir, n, "%s/%s", src, name) >= n) {
        mcb_error("%s: path too long", src);
        return -1;
    }
    if (exists(dir))
        return 0;
    /* the patch comes from another archive: resolve (unpack) it before taking our lock */
    if (x->patch && resolve(s, x->patch, patch, sizeof patch, depth + 1) < 0)
        return -1;
    snprintf(tmpl, sizeof tmpl, "%s/tmp", cache);
    if (mcb_mkdir_p(src) < 0 || mcb_mkdir_p(tmpl) < 0)
        return -1;
    snprintf(lockp, sizeof lockp, "%s/.%s.lock", src, name);
    const int lk = lock_file(lockp);
    if (lk < 0)
        return -1;
    int rc = -1;
    if (exists(dir)) { /* another process unpacked it while we waited */
        rc = 0;
        goto out;
    }
    snprintf(tmpl, sizeof tmpl, "%s/tmp/%s.XXXXXX", cache, name);
    if (!mkdtemp(tmpl)) {
        mcb_error("%s: cannot create a temporary folder: %s", tmpl, strerror(errno));
        goto out;
    }
    archive_path(a, arch, sizeof arch);
    char *tar[] = {"tar", "-xzf", arch, "-C", tmpl, "--no-same-owner", NULL};
    if (run(tar, "tar", arch) < 0)
        goto clean;
    snprintf(top, sizeof top, "%s/%s", tmpl, a->stem);
    if (!exists(top)) {
        mcb_error("%s: the archive has no top folder %s/", arch, a->stem);
        goto clean;
    }
    if (x->patch) {
        char *pa[] = {"patch", "-p1", "-s", "--batch", "--forward", "-d", top, "-i", patch, NULL};
        if (run(pa, "patch", patch) < 0)
            goto clean;
    }
    if (rename(top, dir) != 0) {
        mcb_error("%s: cannot rename into place: %s", dir, strerror(errno));
        goto clean;
    }
    rc = 0;
clean:
    mcb_remove_tree(tmpl);
out:
    unlock_file(lk);
    return rc;
}

/* ---- libraries ---- */

/* The compiler's version ("12.2.1"), once per process; "" if it cannot be asked. */
static const char *gcc_version(void)
{
    static char v[64];
    static int asked;
    if (asked)
        return v;
    asked = 1;
    char *argv[] = {(char *)gcc_path(), "-dumpfullversion", NULL};
    char *text = NULL, why[8];
    const int q = mcb_err_quiet(1);
    if (mcb_spawn_capture(argv, "gcc-arm-none-eabi", &text, why, sizeof why) == 0 && text)
        snprintf(v, sizeof v, "%.*s", (int)strcspn(text, "\r\n"), text);
    free(text);
    mcb_err_quiet(q);
    return v;
}

static int excluded(const mcb_fwlib_spec *s, const char *rel)
{
    for (const char *const *e = s->exclude; e && *e; e++)
        if (fnmatch(*e, rel, 0) == 0)
            return 1;
    return 0;
}

/* The sources as "STEM/rest" (rel) and resolved paths (abs), in spec order, each glob sorted. */
static int expand_sources(const mcb_fwlib_spec *s, list *rel, list *abs)
{
    for (const char *const *p = s->sources; p && *p; p++) {
        char pat[4096];
        if (resolve(s, *p, pat, sizeof pat, 0) < 0)
            return -1;
        const size_t base = strlen(pat) - strlen(*p); /* resolved prefix minus "STEM" */
        const size_t stem = strcspn(*p, "/");
        glob_t g;
        const int r = glob(pat, 0, NULL, &g);
        if (r == GLOB_NOMATCH) {
            mcb_error("%s: library %s: no source matches", *p, s->name);
            return -1;
        }
        if (r != 0) {
            mcb_error("%s: library %s: cannot expand", *p, s->name);
            return -1;
        }
        for (size_t i = 0; i < g.gl_pathc; i++) {
            const char *path = g.gl_pathv[i];
            char r2[4096];
            /* back to the STEM/... form (the hash and the exclusions see this) */
            snprintf(r2, sizeof r2, "%.*s%s", (int)stem, *p, path + base + stem);
            if (!excluded(s, r2)) {
                ladd(rel, r2);
                ladd(abs, path);
            }
        }
        globfree(&g);
    }
    if (rel->oom || abs->oom) {
        mcb_error("library %s: out of memory", s->name);
        return -1;
    }
    if (!rel->n) {
        mcb_error("library %s: every source is excluded", s->name);
        return -1;
    }
    return 0;
}

static int is_cxx(const char *p)
{
    const size_t n = strlen(p);
    return (n > 3 && !strcmp(p + n - 3, ".cc")) || (n > 4 && !strcmp(p + n - 4, ".cpp"));
}

/* The compiler's flags for C (cxx 0) or C++ (cxx 1) sources, without -c/-o. */
static int compile_flags(const mcb_fwlib_spec *s, int cxx, list *f)
{
    lsplit(f, s->target->cflags);
    ladd(f, "-ffunction-sections");
    ladd(f, "-fdata-sections");
    for (const char *const *p = s->include_dirs; p && *p; p++) {
        char d[4096], fl[4200];
        if (resolve(s, *p, d, sizeof d, 0) < 0)
            return -1;
        snprintf(fl, sizeof fl, "-I%s", d);
        ladd(f, fl);
    }
    for (const char *const *p = s->flags; p && *p; p++)
        ladd(f, *p);
    for (const char *const *p = cxx ? s->cxxflags : s->cflags; p && *p; p++)
        ladd(f, *p);
    if (s->cond && s->cond->opt)
        ladd(f, s->cond->opt);
    if (s->cond && s->cond->no_builtin)
        ladd(f, "-fno-builtin");
    if (f->oom) {
        mcb_error("library %s: out of memory", s->name);
        return -1;
    }
    return 0;
}

static void hash_str(mcb_sha256 *h, const char *tag, const char *v)
{
    mcb_sha256_update(h, tag, strlen(tag) + 1);
    mcb_sha256_update(h, v ? v : "", strlen(v ? v : "") + 1);
}

static void hash_list(mcb_sha256 *h, const char *tag, const char *const *l)
{
    for (; l && *l; l++)
        hash_str(h, tag, *l);
}

/* What decides the library's bytes: the archives (by sha256) and patches, the sources (as
 * STEM/...), include dirs, every flag, the target's cflags, the conditions and the compiler.
 * The cache's own location does not count. 16 hex digits. */
static void lib_hash(const mcb_fwlib_spec *s, const list *rel, char out[17])
{
    mcb_sha256 h;
    mcb_sha256_init(&h);
    hash_str(&h, "format", FWLIB_FORMAT);
    hash_str(&h, "name", s->name);
    for (int i = 0; i < s->n_archives; i++) {
        const mcb_fw_archive *a = mcb_fw_archive_find(s->archives[i].stem);
        hash_str(&h, "archive", a ? a->sha256 : s->archives[i].stem);
        hash_str(&h, "patch", s->archives[i].patch);
    }
    for (int i = 0; i < rel->n; i++)
        hash_str(&h, "src", rel->v[i]);
    hash_list(&h, "inc", s->include_dirs);
    hash_list(&h, "flags", s->flags);
    hash_list(&h, "cflags", s->cflags);
    hash_list(&h, "cxxflags", s->cxxflags);
    hash_str(&h, "target", s->target->cflags);
    hash_str(&h, "opt", s->cond ? s->cond->opt : NULL);
    hash_str(&h, "nobuiltin", s->cond && s->cond->no_builtin ? "1" : "0");
    hash_str(&h, "gcc", gcc_path());
    hash_str(&h, "gccv", gcc_version());
    uint8_t d[32];
    char hex[65];
    mcb_sha256_final(&h, d);
    mcb_sha256_hex(d, hex);
    snprintf(out, 17, "%.16s", hex);
}

/* The archiver beside the compiler: ...gcc -> ...ar (arm-none-eabi-ar). */
static void ar_path(char *out, size_t n)
{
    const char *g = gcc_path();
    const size_t k = strlen(g);
    if (k >= 3 && !strcmp(g + k - 3, "gcc"))
        snprintf(out, n, "%.*sar", (int)(k - 3), g);
    else
        snprintf(out, n, "arm-none-eabi-ar");
}

static void write_joined(FILE *f, const char *head, const list *l)
{
    fprintf(f, "%s", head);
    for (int i = 0; i < l->n; i++)
        fprintf(f, " %s", l->v[i]);
    fprintf(f, "\n");
}

/* Compiles every source into tmp/NNNN_base.o, FWLIB_JOBS at a time; objs gets the objects. */
static int compile_all(const mcb_fwlib_spec *s, const list *abs, const list *cf, const list *xf,
                       const char *tmp, list *objs)
{
    pid_t running[FWLIB_JOBS];
    int which[FWLIB_JOBS], nrun = 0, failed = 0;
    const char *gcc = gcc_path();
    for (int i = 0; i <= abs->n; i++) {
        /* wait for the oldest when all slots are busy, and for all at the end or on failure */
        while (nrun && (nrun == FWLIB_JOBS || i == abs->n || failed)) {
            const int st = mcb_spawn_wait(running[0], gcc);
            if (st != 0 && !failed) {
                if (st > 0)
                    mcb_error("library %s: compiling %s failed (%s exited with status %d; its "
                              "messages are above)", s->name, abs->v[which[0]], gcc, st);
                failed = 1;
            }
            memmove(running, running + 1, (size_t)(nrun - 1) * sizeof *running);
            memmove(which, which + 1, (size_t)(nrun - 1) * sizeof *which);
            nrun--;
        }
        if (i == abs->n || failed)
            break;
        const char *src = abs->v[i], *base = strrchr(src, '/');
        base = base ? base + 1 : src;
        char obj[8600];
        snprintf(obj, sizeof obj, "%s/%04d_%.*s.o", tmp, i, (int)strcspn(base, "."), base);
        list argv = {0};
        ladd(&argv, gcc);
        const list *fl = is_cxx(src) ? xf : cf;
        for (int k = 0; k < fl->n; k++)
            ladd(&argv, fl->v[k]);
        ladd(&argv, "-c");
        ladd(&argv, src);
        ladd(&argv, "-o");
        ladd(&argv, obj);
        ladd(objs, obj);
        pid_t pid = -1;
        if (argv.oom || objs->oom)
            mcb_error("library %s: out of memory", s->name);
        else
            pid = mcb_spawn(argv.v, "gcc-arm-none-eabi and libstdc++-arm-none-eabi-newlib", NULL,
                            NULL);
        lfree(&argv);
        if (pid < 0) {
            failed = 1;
            i--; /* loop once more to reap the running ones */
            continue;
        }
        running[nrun] = pid;
        which[nrun++] = i;
    }
    return failed ? -1 : 0;
}

int mcb_fwlib_build(const mcb_fwlib_spec *s, char *lib, size_t n, mcb_fwlib_stats *st)
{
    const double t0 = now_s();
    mcb_fwlib_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (n)
        lib[0] = 0;
    list rel = {0}, abs = {0}, cf = {0}, xf = {0}, objs = {0};
    char hash[17], libdir[4200], base[4400], path[4500], flagsp[4500], lockp[4500], tmp[4500];
    int rc = -1, lk = -1, made_tmp = 0;
    /* every archive is verified (once per process) even when the library is cached */
    for (int i = 0; i < s->n_archives; i++) {
        char d[4096];
        if (unpack(s, &s->archives[i], d, sizeof d, 0) < 0)
            goto out;
    }
    if (expand_sources(s, &rel, &abs) < 0 || compile_flags(s, 0, &cf) < 0 ||
        compile_flags(s, 1, &xf) < 0)
        goto out;
    lib_hash(s, &rel, hash);
    snprintf(libdir, sizeof libdir, "%s/lib", mcb_fw_cache_dir());
    snprintf(base, sizeof base, "%s/%s-%s", libdir, s->name, hash);
    snprintf(path, sizeof path, "%s.a", base);
    snprintf(flagsp, sizeof flagsp, "%s.flags", base);
    snprintf(lockp, sizeof lockp, "%s.lock", base);
    if ((size_t)snprintf(lib, n, "%s", path) >= n) {
        mcb_error("%s: path too long", path);
        goto out;
    }
    if (exists(path)) {
        st->cached = 1;
        rc = 0;
        goto out;
    }
    if (mcb_mkdir_p(libdir) < 0 || (lk = lock_file(lockp)) < 0)
        goto out;
    if (exists(path)) { /* built by another process while we waited */
        st->cached = 1;
        rc = 0;
        goto out;
    }
    snprintf(tmp, sizeof tmp, "%s/tmp", mcb_fw_cache_dir());
    if (mcb_mkdir_p(tmp) < 0)
        goto out;
    snprintf(tmp, sizeof tmp, "%s/tmp/%s-%s.XXXXXX", mcb_fw_cache_dir(), s->name, hash);
    if (!mkdtemp(tmp)) {
        mcb_error("%s: cannot create a temporary folder: %s", tmp, strerror(errno));
        goto out;
    }
    made_tmp = 1;
    if (compile_all(s, &abs, &cf, &xf, tmp, &objs) < 0)
        goto out;
    st->objects = objs.n;
    char ar[4096], tlib[4600], tflags[4600];
    ar_path(ar, sizeof ar);
    snprintf(tlib, sizeof tlib, "%s/lib.a", tmp);
    snprintf(tflags, sizeof tflags, "%s/lib.flags", tmp);
    list av = {0};
    ladd(&av, ar);
    ladd(&av, "rcsD"); /* D: zero timestamps, so that the archive is reproducible */
    ladd(&av, tlib);
    for (int i = 0; i < objs.n; i++)
        ladd(&av, objs.v[i]);
    const int arc = av.oom ? -1 : run(av.v, "binutils-arm-none-eabi", tlib);
    if (av.oom)
        mcb_error("library %s: out of memory", s->name);
    lfree(&av);
    if (arc < 0)
        goto out;
    FILE *f = fopen(tflags, "w");
    if (!f) {
        mcb_error("%s: cannot write: %s", tflags, strerror(errno));
        goto out;
    }
    fprintf(f, "# %s: a framework library built by mcubench (src/engines/fwlib.h)\n", s->name);
    for (int i = 0; i < s->n_archives; i++) {
        const mcb_fw_archive *a = mcb_fw_archive_find(s->archives[i].stem);
        fprintf(f, "archive: %s.tar.gz %s %s sha256 %s%s%s\n", a->stem, a->repo, a->commit,
                a->sha256, s->archives[i].patch ? " patched with " : "",
                s->archives[i].patch ? s->archives[i].patch : "");
    }
    fprintf(f, "compiler: %s %s\n", gcc_path(), gcc_version());
    write_joined(f, "C flags:", &cf);
    write_joined(f, "C++ flags:", &xf);
    fprintf(f, "sources (%d):\n", rel.n);
    for (int i = 0; i < rel.n; i++)
        fprintf(f, "  %s\n", rel.v[i]);
    if (fclose(f) != 0) {
        mcb_error("%s: write failed", tflags);
        goto out;
    }
    /* the .flags first: the .a is what marks the entry complete */
    if (rename(tflags, flagsp) != 0 || rename(tlib, path) != 0) {
        mcb_error("%s: cannot rename into place: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (made_tmp)
        mcb_remove_tree(tmp);
    unlock_file(lk);
    lfree(&rel);
    lfree(&abs);
    lfree(&cf);
    lfree(&xf);
    lfree(&objs);
    st->seconds = now_s() - t0;
    if (rc < 0 && n)
        lib[0] = 0;
    return rc;
}
