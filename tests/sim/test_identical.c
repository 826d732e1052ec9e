/* The simulator's shortcuts change no simulated number (issue 11, item 7). Each firmware runs
 *   1. as mcubench runs it: Unicorn's short store paths (uc_fast.c) and SP tracked through
 *      PUSH/POP/ADD SP (sim.c), here with self_check, so that at every block where SP is
 *      tracked it is also read from Unicorn and a difference would be a fault;
 *   2. through Unicorn's own store paths (mcb_uc_fast_use(0)), without self_check;
 * and everything the run reports must be equal: exit, fault and its PC, cycles, instructions,
 * instruction-cache lookups and misses, every marker, output, stack and heap peaks. The
 * numbers from before the shortcuts are pinned by identical.sh.
 * usage: test_identical TARGET FIRMWARE.elf... */
#include "../test.h"
#include "elf.h"
#include "sim.h"
#include "target.h"
#include "uc_fast.h"

#include <stdio.h>
#include <string.h>

static int run(const mcb_target *t, const mcb_elf *e, int fast, mcb_sim_result *r)
{
    mcb_uc_fast_use(fast);
    mcb_sim_opts o = {.target = t, .self_check = fast};
    const int rc = mcb_sim_run(e, &o, r);
    mcb_uc_fast_use(1);
    CHECK_EQ_INT(rc, 0);
    return rc;
}

static void same(const char *path, const mcb_sim_result *a, const mcb_sim_result *b)
{
    CHECK(strstr(a->fault, "tracked") == NULL);
    if (strcmp(a->fault, b->fault))
        fprintf(stderr, "%s: fault\n  %s\n  %s\n", path, a->fault, b->fault);
    CHECK(!strcmp(a->fault, b->fault));
    CHECK_EQ_INT(a->exited, b->exited);
    CHECK_EQ_INT(a->exit_code, b->exit_code);
    CHECK_EQ_INT(a->fault_pc, b->fault_pc);
    CHECK_EQ_INT(a->cycles, b->cycles);
    CHECK_EQ_INT(a->insns, b->insns);
    CHECK_EQ_INT(a->icache_lookups, b->icache_lookups);
    CHECK_EQ_INT(a->icache_misses, b->icache_misses);
    CHECK_EQ_INT(a->stack_bytes, b->stack_bytes);
    CHECK_EQ_INT(a->heap_bytes, b->heap_bytes);
    CHECK_EQ_INT(a->out_len, b->out_len);
    CHECK(a->out_len == b->out_len && !memcmp(a->out, b->out, a->out_len));
    CHECK_EQ_INT(a->nmarks, b->nmarks);
    for (int i = 0; i < a->nmarks && i < b->nmarks; i++) {
        CHECK_EQ_INT(a->marks[i].word, b->marks[i].word);
        CHECK_EQ_INT(a->marks[i].cycles, b->marks[i].cycles);
        CHECK_EQ_INT(a->marks[i].insns, b->marks[i].insns);
        CHECK_EQ_INT(a->marks[i].exact, b->marks[i].exact);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_identical TARGET FIRMWARE.elf...\n");
        return 2;
    }
    /* the executable's replacements are the ones Unicorn calls */
    CHECK_EQ_INT(mcb_uc_fast_bound(), 15);
    mcb_target t;
    CHECK(mcb_target_load(argv[1], &t) == 0);
    for (int i = 2; i < argc; i++) {
        mcb_elf *e = mcb_elf_load(argv[i]);
        CHECK(e != NULL);
        if (!e)
            continue;
        mcb_sim_result a, b;
        if (run(&t, e, 1, &a) == 0 && run(&t, e, 0, &b) == 0) {
            same(argv[i], &a, &b);
            printf("%s: %llu cycles, %llu instructions, %llu/%llu cache misses/lookups, %d "
                   "markers%s%s\n",
                   argv[i], (unsigned long long)a.cycles, (unsigned long long)a.insns,
                   (unsigned long long)a.icache_misses, (unsigned long long)a.icache_lookups,
                   a.nmarks, a.fault[0] ? ", fault: " : "", a.fault);
        }
        mcb_sim_result_free(&a);
        mcb_sim_result_free(&b);
        mcb_elf_free(e);
    }
    return TEST_END();
}
