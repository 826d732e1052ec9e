/* The TFLM engines' framework libraries and their firmware on QEMU.
 *   test_tflm libs                   builds the libraries of tflm and tflm-cmsis-nn (the CTest
 *                                    fixture every other engine test needs), then checks that
 *                                    a second request is a cache hit
 *   test_tflm qemu MODEL ENGINE DATA measures MODEL on ENGINE (2 images, outputs checked
 *                                    against the host executor in the simulator), then runs
 *                                    the same firmware on QEMU: it must print the same lines */
#include "err.h"
#include "measure.h"
#include "qemu.h"
#include "target.h"
#include "test.h"
#include "tflm.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int libs(void)
{
    mcb_target t;
    CHECK(mcb_target_load("nrf52840", &t) == 0);
    mcb_engine_conditions cond = {0};
    for (int cmsis = 0; cmsis < 2; cmsis++) {
        mcb_tflm_lib l[MCB_TFLM_MAX_LIBS];
        const int n = mcb_tflm_libs(&t, &cond, cmsis, l);
        CHECK_EQ_INT(n, cmsis ? 3 : 2);
        for (int i = 0; i < n; i++)
            printf("%-22s %s  %d objects, %.1f s\n", l[i].name,
                   l[i].st.cached ? "cached" : "built ", l[i].st.objects, l[i].st.seconds);
        mcb_tflm_lib again[MCB_TFLM_MAX_LIBS];
        CHECK_EQ_INT(mcb_tflm_libs(&t, &cond, cmsis, again), n);
        for (int i = 0; i < n && n > 0; i++) {
            CHECK_EQ_INT(again[i].st.cached, 1);
            CHECK(!strcmp(again[i].path, l[i].path));
            CHECK(access(l[i].path, R_OK) == 0);
        }
    }
    return TEST_END();
}

static int qemu(const char *model, const char *engine, const char *data)
{
    char keep[] = "/tmp/mcb-tflm-qemu-XXXXXX";
    CHECK(mkdtemp(keep) != NULL);
    mcb_measure_opts o = {.model = model, .engine = engine, .images = 2, .data_dir = data,
                          .keep = keep};
    mcb_measure p;
    CHECK(mcb_measure_run(&o, &p) == 0);
    CHECK(p.outputs_match);
    char *out = NULL;
    int code = -1;
    if (p.elf_path) {
        CHECK_EQ_INT(mcb_qemu_run(&p.target, p.elf_path, 100, &out, &code), 0);
        CHECK_EQ_INT(code, 0);
        CHECK(out && p.r.out && !strcmp(out, p.r.out));
        if (out && p.r.out && strcmp(out, p.r.out))
            fprintf(stderr, "QEMU printed:\n%s\nthe simulator:\n%s\n", out, p.r.out);
        else if (out)
            printf("QEMU and the simulator printed the same %zu bytes:\n%s", strlen(out), out);
    }
    free(out);
    mcb_measure_free(&p);
    if (!test_failures) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", keep);
        CHECK(system(cmd) == 0);
    }
    return TEST_END();
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "libs"))
        return libs();
    if (argc == 5 && !strcmp(argv[1], "qemu"))
        return qemu(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: test_tflm libs | qemu MODEL ENGINE DATA\n");
    return 2;
}
