/* The simulator on the example firmwares (tests/firmware) and our own: output, exit codes,
 * markers and regions, RAM peaks, determinism, and one clear fault line for each fault kind.
 * usage: test_run FIRMWARE_DIR TARGET_NAME_OR_FILE */
#include "../test.h"
#include "elf.h"
#include "err.h"
#include "metrics.h"
#include "sim.h"
#include "target.h"

#include <stdio.h>
#include <string.h>

static const char *dir;
static mcb_target tgt;

static int run(const char *name, uint64_t budget, mcb_sim_result *r, mcb_elf **e)
{
    char path[4096];
    memset(r, 0, sizeof *r);
    snprintf(path, sizeof path, "%s/%s.elf", dir, name);
    *e = mcb_elf_load(path);
    CHECK(*e != NULL);
    if (!*e)
        return -1;
    mcb_sim_opts o = {.target = &tgt, .budget = budget};
    int rc = mcb_sim_run(*e, &o, r);
    CHECK(rc == 0);
    return rc;
}

static void expect_fault(const char *name, const char *what, const char *symbol)
{
    mcb_sim_result r;
    mcb_elf *e;
    if (run(name, 20000000, &r, &e) == 0) {
        printf("%-16s %s\n", name, r.fault);
        CHECK(!r.exited);
        CHECK(strstr(r.fault, what) != NULL);
        CHECK(strstr(r.fault, " at PC 0x") != NULL);
        char in[64];
        snprintf(in, sizeof in, " in %s+0x", symbol);
        CHECK(strstr(r.fault, in) != NULL);
        CHECK(!strchr(r.fault, '\n'));
    }
    mcb_sim_result_free(&r);
    mcb_elf_free(e);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    dir = argv[1];
    CHECK(mcb_target_load(argv[2], &tgt) == 0);

    mcb_sim_result r, r2;
    mcb_elf *e;
    if (run("hello", 0, &r, &e) == 0) {
        CHECK(r.exited && r.exit_code == 0 && !r.fault[0]);
        CHECK(!strcmp(r.out, "hello from mcubench\nsemihosting ok\n"));
        CHECK(r.insns > 1000 && r.cycles >= r.insns);
        CHECK(r.stack_bytes > 0 && r.stack_bytes < 16384);
    }
    mcb_sim_result_free(&r);
    mcb_elf_free(e);

    if (run("exit3", 0, &r, &e) == 0)
        CHECK(r.exited && r.exit_code == 3);
    mcb_sim_result_free(&r);
    mcb_elf_free(e);

    /* the CNN workload: inference and five layers, deterministic */
    mcb_elf *e2 = NULL;
    if (run("cnn", 0, &r, &e) == 0 && run("cnn", 0, &r2, &e2) == 0) {
        mcb_metrics m;
        CHECK(r.exited && r.exit_code == 0);
        CHECK(strstr(r.out, "checksum: 0x") != NULL);
        CHECK(mcb_metrics_compute(e, &tgt, &r, &m) == 0);
        CHECK_EQ_INT(m.nregions, 6);
        CHECK(m.from_markers && m.inexact == 0 && m.unmatched == 0);
        if (m.nregions == 6) {
            CHECK(!strcmp(m.regions[0].name, "inference"));
            CHECK(!strcmp(m.regions[5].name, "layer4"));
            uint64_t sum = 0;
            for (int i = 1; i < 6; i++)
                sum += m.regions[i].cycles;
            CHECK(sum > 0 && sum <= m.regions[0].cycles);
            CHECK(m.regions[0].cycles < r.cycles);
        }
        CHECK_EQ_INT(m.ram_bytes, m.data_bytes + m.bss_bytes + m.stack_bytes + m.heap_bytes);
        CHECK(m.flash_bytes > m.data_bytes);
        CHECK(m.energy_ldo_uj > m.energy_dcdc_uj && m.energy_dcdc_uj > 0);
        CHECK(m.time_ms > 0);
        CHECK(m.build_flags && strstr(m.build_flags, "-mcpu=cortex-m4"));
        CHECK_EQ_INT(r.cycles, r2.cycles);
        CHECK_EQ_INT(r.insns, r2.insns);
        CHECK(!strcmp(r.out, r2.out));
        mcb_metrics_free(&m);
        mcb_sim_result_free(&r2);
    }
    mcb_sim_result_free(&r);
    mcb_elf_free(e);
    mcb_elf_free(e2);

    /* the target's wait states and cache: cold misses only with the nrf52840's cache on */
    if (argc > 3) {
        mcb_target zero = tgt;
        CHECK(mcb_target_load(argv[3], &tgt) == 0);
        CHECK_EQ_INT(tgt.flash_wait_states, 0);
        uint64_t c0 = 0, c1 = 0;
        if (run("cnn", 0, &r, &e) == 0)
            c0 = r.cycles;
        mcb_sim_result_free(&r);
        mcb_elf_free(e);
        tgt = zero;
        if (run("cnn", 0, &r, &e) == 0)
            c1 = r.cycles;
        mcb_sim_result_free(&r);
        mcb_elf_free(e);
        printf("cnn: %llu cycles without wait states, %llu on %s\n", (unsigned long long)c0,
               (unsigned long long)c1, tgt.name);
        if (tgt.icache && tgt.flash_wait_states > 0)
            CHECK(c1 > c0 && c1 < c0 + c0 / 20);
    }

    /* the heap peak is the program break the runtime leaves in mcb_heap_brk */
    if (run("runtime_check", 0, &r, &e) == 0) {
        CHECK(r.exited && r.exit_code == 0);
        CHECK(r.heap_bytes >= 4096);
    }
    mcb_sim_result_free(&r);
    mcb_elf_free(e);

    expect_fault("fault_unmapped", "read of unmapped memory 0x60000000", "main");
    expect_fault("fault_udf", "unexpected UDF #0x42", "main");
    expect_fault("fault_bkpt", "unexpected BKPT #0x01", "main");
    expect_fault("fault_svc", "unexpected SVC #0x05", "main");
    expect_fault("fault_stack", "stack overflow", "dive");
    expect_fault("sim_overflow_bss", "stack overflow: SP 0x", "main");
    expect_fault("sim_overflow_leaf", "the stack reached the end of the heap/.bss", "mcb_exit");
    expect_fault("loop_forever", "instruction budget of 20000000 exceeded", "main");
    expect_fault("sim_wfi", "WFI/WFE with no interrupt", "main");
    expect_fault("sim_thumb_bit", "without the Thumb bit", "main");
    expect_fault("sim_flash_write", "write to read-only memory (flash)", "main");
    return TEST_END();
}
