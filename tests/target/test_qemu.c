/* Firmware build driver and QEMU second opinion, end to end: builds the example firmwares with
 * mcb_fw_build_run and runs them with mcb_qemu_run (output, exit code, checksum of the CNN
 * workload against the same C code run on the host, faults, timeout); build failures. */
#include "build.h"
#include "cnn_model.h"
#include "err.h"
#include "fileio.h"
#include "mcb_port.h"
#include "qemu.h"
#include "target.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/mcb_qemu_test_XXXXXX";
static mcb_target nrf;

/* Builds tests/firmware/<srcs> into dir/<name>.elf; returns the path (static) or NULL. */
static const char *build(const char *name, const char *const *srcs, int n, char **flags)
{
    static char out[512];
    char paths[4][512];
    const char *sp[4];
    for (int i = 0; i < n; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", MCB_FIRMWARE_SRC, srcs[i]);
        sp[i] = paths[i];
    }
    const char *inc[] = {MCB_FIRMWARE_SRC};
    snprintf(out, sizeof out, "%s/%s.elf", dir, name);
    mcb_fw_build b = {.target = &nrf, .sources = sp, .n_sources = n, .include_dirs = inc,
                      .n_include_dirs = 1, .output = out};
    return mcb_fw_build_run(&b, flags) == 0 ? out : NULL;
}

static int contains(const uint8_t *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, s, k))
            return 1;
    return 0;
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    if (mcb_target_load("nrf52840", &nrf) != 0)
        return 1;
    char *out = NULL, *flags = NULL;
    int code = -1;

    /* hello: two lines, exit 0; the flags are returned and stored in the ELF. */
    const char *hello_src[] = {"hello.c"};
    const char *elf = build("hello", hello_src, 1, &flags);
    CHECK(elf != NULL);
    if (elf) {
        CHECK(flags && strstr(flags, "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard "
                                     "-mfpu=fpv4-sp-d16 -O2") == flags);
        CHECK(flags && strstr(flags, "--specs=nano.specs") != NULL);
        CHECK(flags && strstr(flags, "hello.c") == NULL);
        size_t n;
        uint8_t *img = mcb_read_file(elf, &n);
        CHECK(img && flags && contains(img, n, MCB_FLAGS_SECTION) && contains(img, n, flags));
        free(img);
        CHECK_EQ_INT(mcb_qemu_run(&nrf, elf, 20, &out, &code), 0);
        CHECK(out && !strcmp(out, "hello from mcubench\nsemihosting ok\n"));
        CHECK_EQ_INT(code, 0);
        free(out);
    }
    free(flags);

    /* The same build twice gives the same bytes (no temporary names leak into the ELF). */
    if (elf) {
        char first[600];
        snprintf(first, sizeof first, "%s/hello-1.elf", dir);
        CHECK_EQ_INT(rename(elf, first), 0);
        CHECK(build("hello", hello_src, 1, NULL) != NULL);
        size_t n1 = 0, n2 = 0;
        uint8_t *a = mcb_read_file(first, &n1), *b = mcb_read_file(elf, &n2);
        CHECK(a && b && n1 == n2 && n1 > 0 && !memcmp(a, b, n1));
        free(a);
        free(b);
    }

    /* exit3: the exit code crosses semihosting. */
    const char *exit_src[] = {"exit3.c"};
    elf = build("exit3", exit_src, 1, NULL);
    CHECK(elf != NULL);
    if (elf) {
        CHECK_EQ_INT(mcb_qemu_run(&nrf, elf, 20, &out, &code), 0);
        CHECK(out && !strcmp(out, "exiting with 3\n"));
        CHECK_EQ_INT(code, 3);
        free(out);
    }

    /* cnn: the firmware's checksum equals the host's run of the same code. */
    int8_t in[CNN_IN * CNN_IN], res[CNN_OUT];
    cnn_input(in);
    cnn_infer(in, res, NULL);
    char want[64];
    snprintf(want, sizeof want, "checksum: 0x%08lx\n", (unsigned long)cnn_checksum(res));
    const char *cnn_src[] = {"cnn.c", "cnn_model.c"};
    elf = build("cnn", cnn_src, 2, NULL);
    CHECK(elf != NULL);
    if (elf) {
        CHECK_EQ_INT(mcb_qemu_run(&nrf, elf, 20, &out, &code), 0);
        CHECK(out && strstr(out, want) != NULL);
        CHECK_EQ_INT(code, 0);
        free(out);
    }

    /* The runtime checks itself: RAM fill pattern, heap break, heap limit. */
    const char *rt_src[] = {"runtime_check.c"};
    elf = build("runtime_check", rt_src, 1, NULL);
    CHECK(elf != NULL);
    if (elf) {
        CHECK_EQ_INT(mcb_qemu_run(&nrf, elf, 20, &out, &code), 0);
        CHECK(out && strstr(out, "ok free RAM filled with the pattern\n") != NULL);
        CHECK(out && strstr(out, "FAIL") == NULL);
        CHECK_EQ_INT(code, 0);
        if (out && strstr(out, "FAIL"))
            fputs(out, stderr);
        free(out);
    }

    /* A fault is reported by the runtime's handler: HardFault, exit 128 + 3. */
    const char *udf_src[] = {"fault_udf.c"};
    elf = build("fault_udf", udf_src, 1, NULL);
    if (elf) {
        CHECK_EQ_INT(mcb_qemu_run(&nrf, elf, 20, &out, &code), 0);
        CHECK(out && strstr(out, "mcubench fault: HardFault at pc=0x") != NULL);
        CHECK_EQ_INT(code, 131);
        free(out);
    }

    mcb_err_quiet(1);
    /* A firmware that never ends is stopped at the timeout. */
    const char *loop_src[] = {"loop_forever.c"};
    elf = build("loop", loop_src, 1, NULL);
    CHECK(elf != NULL);
    if (elf) {
        CHECK_EQ_INT(mcb_qemu_run(&nrf, elf, 0.5, &out, &code), -2);
        CHECK(out == NULL);
        CHECK(strstr(mcb_last_error(), "did not finish on QEMU") != NULL);
    }

    /* A missing QEMU, a board without QEMU, a missing ELF. */
    setenv("MCUBENCH_QEMU", "/nonexistent/qemu-system-arm", 1);
    CHECK_EQ_INT(mcb_qemu_run(&nrf, dir, 5, &out, &code), -1);
    unsetenv("MCUBENCH_QEMU");
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing.elf", dir);
    CHECK_EQ_INT(mcb_qemu_run(&nrf, missing, 5, &out, &code), -1);
    mcb_target noq = nrf;
    noq.qemu_machine[0] = 0;
    CHECK_EQ_INT(mcb_qemu_run(&noq, missing, 5, &out, &code), -1);
    CHECK(strstr(mcb_last_error(), "names no qemu_machine") != NULL);

    /* A compile error: -1, one line naming the output, no ELF and no temporaries left. */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/bad.c", dir);
    FILE *f = fopen(bad, "w");
    fputs("int main(void) { return undeclared; }\n", f);
    fclose(f);
    char bad_out[600];
    snprintf(bad_out, sizeof bad_out, "%s/bad.elf", dir);
    const char *bsrc[] = {bad};
    mcb_fw_build bb = {.target = &nrf, .sources = bsrc, .n_sources = 1, .output = bad_out};
    fprintf(stderr, "(a compiler error about 'undeclared' is expected below)\n");
    CHECK_EQ_INT(mcb_fw_build_run(&bb, NULL), -1);
    CHECK(strstr(mcb_last_error(), "firmware build failed") != NULL);
    CHECK(access(bad_out, F_OK) != 0);

    /* A missing toolchain. */
    setenv("MCUBENCH_ARM_GCC", "/nonexistent/arm-none-eabi-gcc", 1);
    CHECK_EQ_INT(mcb_fw_build_run(&bb, NULL), -1);
    CHECK(strstr(mcb_last_error(), "not found (install Debian's gcc-arm-none-eabi") != NULL);
    unsetenv("MCUBENCH_ARM_GCC");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c tmp", dir);
    FILE *p = popen(cmd, "r");
    int ntmp = -1;
    if (p && fscanf(p, "%d", &ntmp) == 1)
        CHECK_EQ_INT(ntmp, 0);
    if (p)
        pclose(p);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
    return TEST_END();
}
