/* Target files: the built-in boards load with the documented figures; every kind of bad file
 * is refused with one message naming the file and, where there is one, the line. */
#include "err.h"
#include "target.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mcb_target_test_XXXXXX";

static const char *good_text =
    "name = x\ncore = cortex-m4\nruntime = nrf52840\nclock_hz = 1000\nflash_base = 0\n"
    "flash_size = 0x1000\nram_base = 0x20000000\nram_size = 0x1000\nflash_wait_states = 0\n"
    "icache = 1\nsupply_v = 3\nrun_current_dcdc_a = 0.001\nrun_current_ldo_a = 0.002\n"
    "cflags = -O2\n";

static const char *write_tmp_n(const char *name, const char *text, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    return path;
}

static const char *write_tmp(const char *name, const char *text)
{
    return write_tmp_n(name, text, strlen(text));
}

/* good_text with one line replaced (or appended when `line` is not found). */
static const char *variant(const char *line_start, const char *replacement)
{
    static char text[2048];
    const char *at = strstr(good_text, line_start);
    if (!at) {
        snprintf(text, sizeof text, "%s%s", good_text, replacement);
    } else {
        const char *end = strchr(at, '\n') + 1;
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good_text), good_text, replacement,
                 end);
    }
    return write_tmp("bad.target", text);
}

static void expect_error(const char *path, const char *needle)
{
    mcb_target t;
    CHECK_EQ_INT(mcb_target_load(path, &t), -1);
    const char *e = mcb_last_error();
    if (!strstr(e, needle) || !strstr(e, path) || strchr(e, '\n')) {
        fprintf(stderr, "unexpected error message '%s' (wanted '%s')\n", e, needle);
        test_failures++;
    }
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    mcb_err_quiet(1);
    mcb_target t;

    /* Built-in boards by name. */
    unsetenv("MCUBENCH_TARGETS");
    CHECK_EQ_INT(mcb_target_load("nrf52840", &t), 0);
    CHECK(!strcmp(t.name, "nrf52840"));
    CHECK(!strcmp(t.core, "cortex-m4"));
    CHECK(!strcmp(t.qemu_machine, "mps2-an386"));
    CHECK(!strcmp(t.runtime, "nrf52840"));
    CHECK_EQ_INT(t.clock_hz, 64000000);
    CHECK_EQ_INT(t.flash_base, 0);
    CHECK_EQ_INT(t.flash_size, 1024 * 1024);
    CHECK_EQ_INT(t.ram_base, 0x20000000);
    CHECK_EQ_INT(t.ram_size, 256 * 1024);
    CHECK_EQ_INT(t.icache, 1);
    CHECK(t.supply_v == 3.0);
    CHECK(t.run_current_dcdc_a == 0.0033);
    CHECK(t.run_current_ldo_a == 0.0063);
    CHECK(!strcmp(t.cflags, "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2"));
    CHECK_EQ_INT(mcb_target_load("mps2-an386", &t), 0);
    CHECK(!strcmp(t.qemu_machine, "mps2-an386"));
    CHECK_EQ_INT(t.ram_base, 0x20000000);

    /* A file by path: quotes, hex, decimal, exponent; qemu_machine is optional. */
    CHECK_EQ_INT(mcb_target_load(MCB_TEST_DATA "/good.target", &t), 0);
    CHECK(!strcmp(t.name, "testboard"));
    CHECK(t.qemu_machine[0] == 0);
    CHECK_EQ_INT(t.flash_base, 0x08000000);
    CHECK_EQ_INT(t.flash_size, 524288);
    CHECK_EQ_INT(t.flash_wait_states, 1);
    CHECK(t.run_current_ldo_a == 4.5e-3);
    CHECK(!strcmp(t.cflags, "-mcpu=cortex-m4 -mthumb -O3"));

    /* $MCUBENCH_TARGETS comes before the project's folder. */
    write_tmp("nrf52840.target", good_text);
    setenv("MCUBENCH_TARGETS", tmpdir, 1);
    CHECK_EQ_INT(mcb_target_load("nrf52840", &t), 0);
    CHECK(!strcmp(t.name, "x"));
    CHECK_EQ_INT(mcb_target_load("mps2-an386", &t), 0); /* falls through to targets/ */
    CHECK(!strcmp(t.name, "mps2-an386"));
    unsetenv("MCUBENCH_TARGETS");

    /* Bad files. */
    expect_error(variant("icache", "icache = 1\ncolour = blue\n"), ":11: unknown key 'colour'");
    expect_error(variant("clock_hz", "clock_hz = 64MHz\n"), ":4: 'clock_hz' must be");
    expect_error(variant("clock_hz", "clock_hz = -1\n"), ":4: 'clock_hz' must be");
    expect_error(variant("ram_size", "ram_size = 0x100000000\n"), ":8: 'ram_size' must be");
    expect_error(variant("supply_v", "supply_v = nan\n"), ":11: 'supply_v' must be");
    expect_error(variant("supply_v", "supply_v = -3\n"), ":11: 'supply_v' must be");
    expect_error(variant("supply_v", "supply_v =\n"), ":11: 'supply_v' must be");
    expect_error(variant("icache", "icache = x\n"), ":10: 'icache' must be");
    expect_error(variant("ram_size", ""), "missing key 'ram_size'");
    expect_error(variant("cflags", ""), "missing key 'cflags'");
    expect_error(variant("nothere", "core = cortex-m0\n"), ":15: 'core' given twice");
    expect_error(variant("cflags", "cflags = \"-O2\n"), ":14: unterminated quoted value");
    expect_error(variant("cflags", "cflags -O2\n"), ":14: expected 'key = value'");
    expect_error(variant("flash_size", "flash_size = 0\n"), "must not be 0");
    expect_error(variant("icache", "icache = 2\n"), "icache must be 0 or 1");
    expect_error(variant("ram_base", "ram_base = 0xFFFFF800\n"), "past the 4 GB");
    expect_error(variant("name", "name = 0123456789012345678901234567890123456789\n"),
                 ":1: value of 'name' is longer");
    expect_error(write_tmp("empty.target", ""), "missing key 'name'");
    expect_error(write_tmp_n("nul.target", "name = a\0b\n", 11), "not a text file");
    expect_error("/nonexistent/dir/x.target", "cannot open");

    /* Unknown names and names that are not names. */
    CHECK_EQ_INT(mcb_target_load("no-such-board", &t), -1);
    CHECK(strstr(mcb_last_error(), "no-such-board: unknown target") != NULL);
    CHECK_EQ_INT(mcb_target_load("..", &t), -1);
    CHECK_EQ_INT(mcb_target_load("", &t), -1);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    return TEST_END();
}
