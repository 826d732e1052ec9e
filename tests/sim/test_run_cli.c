/* mcubench run as a command: JSON keys, exit codes, the one-line fault message, --qemu.
 * usage: test_run_cli MCUBENCH FIRMWARE_DIR [QEMU_AVAILABLE] */
#include "../test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char out[1 << 16];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *bin = argv[1], *dir = argv[2];
    int qemu = argc > 3 && !strcmp(argv[3], "1");

    CHECK_EQ_INT(sh("%s run %s/cnn.elf --json 2>&1", bin, dir), 0);
    const char *keys[] = {"\"cycles\": ", "\"instructions\": ", "\"flash_bytes\": ",
                          "\"ram_bytes\": ", "\"data_bytes\": ", "\"bss_bytes\": ",
                          "\"stack_bytes\": ", "\"heap_bytes\": ", "\"time_ms\": ",
                          "\"energy_uj\": ", "\"energy_dcdc_uj\": ", "\"energy_ldo_uj\": ",
                          "\"exit_code\": 0", "\"stdout\": \"output: ", "\"regions\": [",
                          "\"name\": \"inference\"", "\"name\": \"layer4\"",
                          "\"target\": \"nrf52840\"", "\"build_flags\": \"-mcpu=cortex-m4"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strstr(out, keys[i])) {
            fprintf(stderr, "missing %s\n", keys[i]);
            CHECK(0);
        }

    CHECK_EQ_INT(sh("%s run %s/cnn.elf --json | python3 -m json.tool >/dev/null 2>&1", bin, dir), 0);

    /* a target without supply figures has no energy: null, not a made-up 0 */
    CHECK_EQ_INT(sh("%s run %s/cnn.elf --target mps2-an386 --json 2>&1", bin, dir), 0);
    CHECK(strstr(out, "\"energy_uj\": null") != NULL);
    CHECK(strstr(out, "\"energy_ldo_uj\": null") != NULL);
    CHECK_EQ_INT(sh("%s run %s/cnn.elf --target mps2-an386 2>&1", bin, dir), 0);
    CHECK(strstr(out, "energy       not modelled") != NULL);

    /* a fault: exit 1 and exactly one line on stderr */
    CHECK_EQ_INT(sh("%s run %s/fault_udf.elf 2>&1 >/dev/null", bin, dir), 1);
    CHECK(strstr(out, "fault_udf.elf: unexpected UDF #0x42 at PC 0x") != NULL);
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
    CHECK_EQ_INT(sh("%s run %s/loop_forever.elf --budget 1000000 2>&1 >/dev/null", bin, dir), 1);
    CHECK(strstr(out, "instruction budget of 1000000 exceeded") != NULL);

    /* bad input and bad usage */
    CHECK_EQ_INT(sh("%s run %s/no-such.elf 2>&1", bin, dir), 1);
    CHECK_EQ_INT(sh("%s run 2>&1", bin), 2);
    CHECK_EQ_INT(sh("%s run %s/cnn.elf --budget 0 2>&1", bin, dir), 2);
    CHECK_EQ_INT(sh("%s run %s/cnn.elf --target no-such-board 2>&1", bin, dir), 1);
    CHECK_EQ_INT(sh("%s run %s/cnn.elf --frobnicate 2>&1", bin, dir), 2);

    if (qemu) {
        CHECK_EQ_INT(sh("%s run %s/cnn.elf --qemu --json 2>&1", bin, dir), 0);
        CHECK(strstr(out, "\"qemu_match\": \"mps2-an386\"") != NULL);
        CHECK_EQ_INT(sh("%s run %s/exit3.elf --qemu 2>&1", bin, dir), 0);
        /* CPUID differs between QEMU and the simulator: a clear mismatch, exit 1 */
        CHECK_EQ_INT(sh("%s run %s/sim_cpuid.elf --qemu 2>&1 >/dev/null", bin, dir), 1);
        CHECK(strstr(out, "QEMU and the simulator printed different output") != NULL);
        CHECK(strstr(out, ": QEMU \"cpuid ") != NULL && strstr(out, ", simulator \"cpuid ") != NULL);
    }
    return TEST_END();
}
