/* The cmsis-nn engine under the paper's CMSIS-NN conditions (-O3 -fno-builtin, weights in RAM):
 * outputs still bit-exact, the weights in RAM (.data) instead of flash only, and the library
 * built with the same flags as the generated code (its .flags record in the cache).
 * usage: test_cmsis_nn_conditions SOURCE_DIR   ($MCUBENCH_DATA: the datasets) */
#include "fwlib.h"
#include "measure.h"
#include "test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 if a cmsis-nn library in the cache records C flags ending in `tail` */
static int library_with_flags(const char *tail)
{
    char dir[4200], path[4600], line[8192];
    snprintf(dir, sizeof dir, "%s/lib", mcb_fw_cache_dir());
    DIR *d = opendir(dir);
    int found = 0;
    for (struct dirent *e; d && !found && (e = readdir(d));) {
        const size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "cmsis-nn-", 9) || n < 6 || strcmp(e->d_name + n - 6, ".flags"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        while (f && !found && fgets(line, sizeof line, f)) {
            if (strncmp(line, "C flags: ", 9))
                continue;
            /* the flags without the include folders */
            for (char *inc; (inc = strstr(line, " -I"));) {
                char *end = strchr(inc + 1, ' ');
                memmove(inc, end ? end : inc + strlen(inc), strlen(end ? end : inc + strlen(inc)) + 1);
            }
            line[strcspn(line, "\n")] = 0;
            const size_t ln = strlen(line), lt = strlen(tail);
            found = ln >= lt && !strcmp(line + ln - lt, tail);
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_cmsis_nn_conditions SOURCE_DIR\n");
        return 2;
    }
    char model[4200];
    snprintf(model, sizeof model, "%s/models/cifar10-conv16-int8.tflite", argv[1]);
    /* the default conditions are engines.cmsis_nn.cifar10's (weights in flash: no .data) */
    mcb_measure paper;
    mcb_measure_opts o = {.model = model, .engine = "cmsis-nn", .images = 2};
    o.cond = (mcb_engine_conditions){.opt = "-O3", .no_builtin = 1, .weights_in_ram = 1};
    CHECK_EQ_INT(mcb_measure_run(&o, &paper), 0);
    CHECK(paper.outputs_match);
    /* weights, biases, multipliers, shifts: 8,928 bytes for cifar10-conv16 */
    CHECK_EQ_INT(paper.weight_bytes, 8928);
    /* in RAM: every array (8,920 bytes); the dense layer's per-tensor multiplier and shift
     * (8 bytes) sit in its const parameter struct */
    CHECK_EQ_INT(paper.m.data_bytes, 8920);
    CHECK_EQ_INT(paper.m.bss_bytes, 18000); /* the arena */
    CHECK(library_with_flags("-O3 -fno-builtin"));
    fprintf(stderr, "cifar10-conv16 under -O3 -fno-builtin, weights in RAM: %.0f cycles\n",
            paper.cycles_mean);
    mcb_measure_free(&paper);
    return TEST_END();
}
