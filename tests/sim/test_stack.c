/* The static stack bound (stack.h) on firmwares of known shapes (fw/stack_shapes.c): a bound
 * where there is one, at least the simulator's measured peak; no bound, and why, for recursion
 * and a variable-length array; the path from the entry.
 * usage: test_stack FIRMWARE_DIR */
#include "../test.h"
#include "elf.h"
#include "err.h"
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
    /* A damaged image (bytes flipped anywhere: code, symbols, string tables) may be refused
     * or analysed, never read out of bounds (ASan) or loop. */
    char path[4096], bad[4200];
    snprintf(path, sizeof path, "%s/sim_stack_shape2.elf", argv[1]);
    snprintf(bad, sizeof bad, "%s/stack_damaged.elf", argv[1]);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static unsigned char img[1 << 20];
    const size_t n = f ? fread(img, 1, sizeof img, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 1000 && n < sizeof img);
    uint32_t seed = 12345;
    int analysed = 0;
    for (int round = 0; round < 300 && n > 1000; round++) {
        static unsigned char copy[1 << 20];
        memcpy(copy, img, n);
        for (int k = 0; k < 1 + round % 16; k++) {
            seed = seed * 1103515245u + 12345u;
            const size_t at = 64 + (seed >> 8) % (n - 64); /* past the ELF header */
            seed = seed * 1103515245u + 12345u;
            copy[at] ^= (unsigned char)(1u + (seed >> 16) % 255u);
        }
        FILE *w = fopen(bad, "wb");
        CHECK(w != NULL);
        if (!w)
            break;
        fwrite(copy, 1, n, w);
        fclose(w);
        const int q = mcb_err_quiet(1);
        mcb_elf *e = mcb_elf_load(bad);
        if (e) {
            mcb_stack_bound s;
            analysed += mcb_stack_analyse(e, NULL, 0, &s) == 0;
            mcb_elf_free(e);
        }
        mcb_err_quiet(q);
    }
    remove(bad);
    printf("damaged images analysed: %d of 300\n", analysed);
    CHECK(analysed > 0);
    return TEST_END();
}
