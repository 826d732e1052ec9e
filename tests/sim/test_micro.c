/* The cycle model against hand-derived counts: each micro-benchmark (micro/NAME.S) states
 * "expect-cycles: N" and "expect-instructions: N" with the derivation next to it; the
 * simulated inference region must match both exactly.
 * usage: test_micro TARGET_FILE SOURCE.S FIRMWARE.elf [SOURCE.S FIRMWARE.elf ...] */
#include "elf.h"
#include "fileio.h"
#include "metrics.h"
#include "sim.h"
#include "target.h"
#include "../test.h"

#include <stdlib.h>
#include <string.h>

static long expected(const char *src, const char *key)
{
    size_t n;
    char *text = (char *)mcb_read_file(src, &n);
    if (!text)
        return -1;
    const char *p = strstr(text, key);
    long v = p ? strtol(p + strlen(key), NULL, 10) : -1;
    free(text);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc % 2) {
        fprintf(stderr, "usage: test_micro TARGET SOURCE.S FIRMWARE.elf ...\n");
        return 2;
    }
    mcb_target t;
    CHECK(mcb_target_load(argv[1], &t) == 0);
    CHECK_EQ_INT(t.flash_wait_states, 0);
    for (int i = 2; i + 1 < argc; i += 2) {
        long cycles = expected(argv[i], "expect-cycles:");
        long insns = expected(argv[i], "expect-instructions:");
        CHECK(cycles > 0 && insns > 0);
        mcb_elf *e = mcb_elf_load(argv[i + 1]);
        CHECK(e != NULL);
        if (!e)
            continue;
        mcb_sim_opts o = {.target = &t, .budget = 10000000};
        mcb_sim_result r;
        mcb_metrics m = {0};
        CHECK(mcb_sim_run(e, &o, &r) == 0);
        CHECK(r.exited && r.exit_code == 0 && !r.fault[0]);
        CHECK(mcb_metrics_compute(e, &t, &r, &m) == 0);
        CHECK_EQ_INT(m.nregions, 1);
        CHECK(m.from_markers);
        CHECK_EQ_INT(m.inexact, 0);
        printf("%-40s cycles %llu (expected %ld), instructions %llu (expected %ld)\n", argv[i],
               (unsigned long long)m.cycles, cycles, (unsigned long long)m.insns, insns);
        CHECK_EQ_INT(m.cycles, cycles);
        CHECK_EQ_INT(m.insns, insns);
        mcb_metrics_free(&m);
        mcb_sim_result_free(&r);
        mcb_elf_free(e);
    }
    return TEST_END();
}
