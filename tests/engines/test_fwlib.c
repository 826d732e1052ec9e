/* The framework library cache (src/engines/fwlib.h) on a small real library (CMSIS-NN's
 * activation functions): a missing archive and a corrupt copy give one line and leave no cache
 * entry; a good copy builds once, then is a cache hit; two processes asking at once build it
 * once; other conditions give another library. */
#include "err.h"
#include "fwlib.h"
#include "target.h"
#include "test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEM "cmsis-nn-4ab83cc3"

static const mcb_fwlib_archive arch[] = {{STEM, NULL}};
static const char *const sources[] = {STEM "/Source/ActivationFunctions/*.c", NULL};
static const char *const exclude[] = {"*_s16.c", NULL};
static const char *const incs[] = {STEM "/Include", NULL};
static const char *const flags[] = {"-O2", NULL};

static int copy_file(const char *from, const char *to, long flip)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    if (!a || !b) {
        if (a)
            fclose(a);
        if (b)
            fclose(b);
        return -1;
    }
    int c;
    long at = 0;
    while ((c = fgetc(a)) != EOF)
        fputc(at++ == flip ? c ^ 0x10 : c, b);
    fclose(a);
    return fclose(b);
}

/* Entries of dir other than . and .. whose name contains part. */
static int count(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, part);
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_fwlib FRAMEWORKS_DIR\n");
        return 2;
    }
    char frame[] = "/tmp/mcb-fwlib-fw-XXXXXX", cache[] = "/tmp/mcb-fwlib-cache-XXXXXX";
    if (!mkdtemp(frame) || !mkdtemp(cache))
        return 1;
    setenv("MCUBENCH_FRAMEWORKS", frame, 1);
    setenv("MCUBENCH_CACHE", cache, 1);
    mcb_target t;
    CHECK(mcb_target_load("nrf52840", &t) == 0);
    mcb_fwlib_spec s = {.name = "test-act", .archives = arch, .n_archives = 1, .sources = sources,
                        .exclude = exclude, .include_dirs = incs, .flags = flags, .target = &t};
    char lib[4096], why[512], path[4200], src[4200], libdir[4200], srcdir[4200];
    snprintf(src, sizeof src, "%s/%s.tar.gz", argv[1], STEM);
    snprintf(path, sizeof path, "%s/%s.tar.gz", frame, STEM);
    snprintf(libdir, sizeof libdir, "%s/lib", cache);
    snprintf(srcdir, sizeof srcdir, "%s/src", cache);
    mcb_fwlib_stats st;

    /* missing: one line naming the archive and the folder */
    CHECK(mcb_fw_available(STEM, why, sizeof why) == 0);
    CHECK(strstr(why, STEM ".tar.gz") && strstr(why, frame) && !strchr(why, '\n'));
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == -1);
    CHECK(strstr(mcb_last_error(), STEM ".tar.gz") && strstr(mcb_last_error(), frame));
    CHECK(lib[0] == 0);
    CHECK_EQ_INT(count(libdir, ".a"), 0);

    /* corrupt copy: one byte flipped; the sha256 line, nothing unpacked or built */
    CHECK(copy_file(src, path, 1000) == 0);
    CHECK(mcb_fw_available(STEM, why, sizeof why) == 1);
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == -1);
    CHECK(strstr(mcb_last_error(), "sha256") && strstr(mcb_last_error(), path));
    CHECK(!strchr(mcb_last_error(), '\n'));
    CHECK_EQ_INT(count(libdir, ".a"), 0);
    CHECK_EQ_INT(count(srcdir, STEM), 0);

    /* good copy: built once, then cached */
    CHECK(copy_file(src, path, -1) == 0);
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == 0);
    CHECK_EQ_INT(st.cached, 0);
    CHECK(st.objects >= 4);
    CHECK(access(lib, R_OK) == 0);
    CHECK(strstr(lib, "/lib/test-act-") != NULL);
    char flagsp[4200], first[4096];
    snprintf(flagsp, sizeof flagsp, "%.*s.flags", (int)strlen(lib) - 2, lib);
    FILE *f = fopen(flagsp, "r");
    CHECK(f != NULL);
    if (f) {
        char buf[16384];
        size_t k = fread(buf, 1, sizeof buf - 1, f);
        buf[k] = 0;
        fclose(f);
        CHECK(strstr(buf, "-mcpu=cortex-m4") && strstr(buf, "-O2") && strstr(buf, "sha256"));
        CHECK(strstr(buf, "arm_relu_q7.c") != NULL);
        CHECK(strstr(buf, "_s16.c") == NULL); /* excluded */
    }
    snprintf(first, sizeof first, "%s", lib);
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == 0);
    CHECK_EQ_INT(st.cached, 1);
    CHECK_EQ_INT(st.objects, 0);
    CHECK(!strcmp(lib, first));
    CHECK_EQ_INT(count(libdir, ".a"), 1);
    char inc[4200];
    CHECK(mcb_fwlib_path(&s, STEM "/Include", inc, sizeof inc) == 0);
    CHECK(strstr(inc, cache) == inc);

    /* the conditions are part of the key */
    mcb_engine_conditions c = {.opt = "-Os", .no_builtin = 1};
    s.cond = &c;
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == 0);
    CHECK_EQ_INT(st.cached, 0);
    CHECK(strcmp(lib, first) != 0);
    CHECK_EQ_INT(count(libdir, ".a"), 2);

    /* a corrupt copy elsewhere is caught even after this process verified a good one, and
     * even though the library is cached */
    char frame2[] = "/tmp/mcb-fwlib-fw2-XXXXXX", path2[4200];
    CHECK(mkdtemp(frame2) != NULL);
    snprintf(path2, sizeof path2, "%s/%s.tar.gz", frame2, STEM);
    CHECK(copy_file(src, path2, 5000) == 0);
    setenv("MCUBENCH_FRAMEWORKS", frame2, 1);
    s.cond = NULL;
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == -1);
    CHECK(strstr(mcb_last_error(), "sha256") && strstr(mcb_last_error(), path2));
    setenv("MCUBENCH_FRAMEWORKS", frame, 1);
    CHECK(mcb_fwlib_build(&s, lib, sizeof lib, &st) == 0);
    CHECK_EQ_INT(st.cached, 1);

    /* two processes at once in a fresh cache: one builds, the other waits and reuses it */
    char cache2[] = "/tmp/mcb-fwlib-cache2-XXXXXX";
    CHECK(mkdtemp(cache2) != NULL);
    setenv("MCUBENCH_CACHE", cache2, 1);
    s.cond = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        mcb_fwlib_stats cs;
        const int r = mcb_fwlib_build(&s, lib, sizeof lib, &cs);
        _exit(r == 0 ? 10 + cs.cached : 1);
    }
    const int r = mcb_fwlib_build(&s, lib, sizeof lib, &st);
    int ws = 0;
    waitpid(pid, &ws, 0);
    CHECK(r == 0);
    CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) >= 10);
    CHECK_EQ_INT(st.cached + (WEXITSTATUS(ws) - 10), 1);
    snprintf(libdir, sizeof libdir, "%s/lib", cache2);
    CHECK_EQ_INT(count(libdir, ".a"), 1);

    if (!test_failures) { /* keep the folders for a look when something failed */
        char *rm[] = {frame, cache, cache2, frame2};
        for (int i = 0; i < 4; i++) {
            char cmd[4300];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", rm[i]);
            CHECK(system(cmd) == 0);
        }
    }
    return TEST_END();
}
