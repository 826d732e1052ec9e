/* The static stack bound (stack.h) on firmwares of known shapes (fw/stack_shapes.c): a bound
 * where there is one, at least the simulator's measured peak; no bound, and why, for recursion
 * and a variable-length array; the path from the entry.
 * usage: test_stack FIRMWARE_DIR */
#include "../test.h"
#include "elf.h"
#include "sim.h"
#include "stack.h"
#include "target.h"

#include <stdio.h>
#include <string.h>

static mcb_target tgt;

static int64_t measured(const mcb_elf *e)
{
    mcb_sim_result r;
    memset(&r, 0, sizeof r);
    mcb_sim_opts o = {.target = &tgt};
    CHECK(mcb_sim_run(e, &o, &r) == 0);
    CHECK(r.exited && r.exit_code == 0);
    const int64_t s = (int64_t)r.stack_bytes;
    mcb_sim_result_free(&r);
    return s;
}

static int on_path(const mcb_stack_bound *s, const char *name)
{
    for (int i = 0; i < s->path_len; i++)
        if (!strcmp(s->path[i], name))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    CHECK(mcb_target_load("nrf52840", &tgt) == 0);
    for (int shape = 1; shape <= 4; shape++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/sim_stack_shape%d.elf", argv[1], shape);
        mcb_elf *e = mcb_elf_load(path);
        CHECK(e != NULL);
        if (!e)
            continue;
        mcb_stack_bound s;
        CHECK(mcb_stack_analyse(e, NULL, 0, &s) == 0);
        const int64_t m = measured(e);
        printf("shape %d: static %lld (bounded %d, recursive %d, dynamic %d, indirect %d, "
               "address-taken %d), measured %lld; path", shape, (long long)s.bytes, s.bounded,
               s.recursive, s.dynamic, s.indirect, s.address_taken, (long long)m);
        int64_t sum = 0;
        for (int i = 0; i < s.path_len; i++) {
            printf(" %s(%lld)", s.path[i], (long long)s.path_frame[i]);
            sum += s.path_frame[i];
        }
        printf("\n");
        CHECK(s.path_len > 2 && !strcmp(s.path[0], "Reset_Handler"));
        CHECK(shape == 4 || on_path(&s, "main"));
        CHECK(!s.heap);
        if (shape <= 2) {
            CHECK(s.bounded);
            CHECK(sum == s.bytes);
            CHECK(s.bytes >= m);
            /* the deeper callee decides: leaf_big's 256-byte array */
            CHECK(on_path(&s, "leaf_big"));
            CHECK(mcb_stack_frame_of(e, "leaf_big") >= 256);
            CHECK(mcb_stack_frame_of(e, "leaf_small") >= 32);
            CHECK(mcb_stack_frame_of(e, "leaf_small") < 256);
        }
        if (shape == 1) {
            CHECK(on_path(&s, "middle"));
            CHECK(s.address_taken == 0);
            /* path-insensitive, but this chain is the one run: the bound is the peak */
            CHECK(s.bytes == m);
        }
        if (shape == 2) {
            CHECK(s.indirect >= 1);
            CHECK(s.address_taken >= 2);
        }
        if (shape == 3) {
            CHECK(!s.bounded && s.recursive >= 1);
            CHECK(strstr(s.example, "depth") != NULL);
        }
        if (shape == 4) {
            CHECK(!s.bounded && s.dynamic >= 1);
            CHECK(strstr(s.example, "vla") != NULL);
        }
        mcb_elf_free(e);
    }
    return TEST_END();
}
