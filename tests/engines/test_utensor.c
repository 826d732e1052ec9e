/* The utensor engine (src/engines/utensor).
 *   test_utensor run MODELS_DIR        mnist-conv16 through uTensor in the simulator, 2 test
 *                                      images, every output byte checked against the same
 *                                      generated code and runtime built for the host; the
 *                                      generated code has the shape of utensor-cgen's
 *   test_utensor refuse TARGET_FILE    an operator uTensor lacks and a model that does not fit
 *                                      the RAM: one line each, nothing written */
#include "engine.h"
#include "err.h"
#include "fileio.h"
#include "graphs.h"
#include "measure.h"
#include "target.h"
#include "tflite.h"
#include "test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int contains(const char *path, const char *text)
{
    size_t n;
    char *s = (char *)mcb_read_file(path, &n);
    if (!s)
        return 0;
    char *z = realloc(s, n + 1);
    if (!z) {
        free(s);
        return 0;
    }
    z[n] = 0;
    const int found = strstr(z, text) != NULL;
    free(z);
    return found;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static int run(const char *models)
{
    char model[4096], keep[] = "/tmp/mcb-utensor-XXXXXX", path[4200];
    snprintf(model, sizeof model, "%s/mnist-conv16-int8.tflite", models);
    CHECK(mkdtemp(keep) != NULL);
    mcb_measure_opts o = {.model = model, .engine = "utensor", .images = 2, .keep = keep};
    mcb_measure p;
    const int rc = mcb_measure_run(&o, &p);
    CHECK_EQ_INT(rc, 0);
    if (rc == 0) {
        CHECK_EQ_INT(p.status, MCB_MEASURE_OK);
        CHECK(p.outputs_match);
        /* checked against the host build, and the argmax is the host executor's */
        CHECK(!strcmp(p.reference, "engine host build"));
        CHECK_EQ_INT(p.executor_agree, 2);
        CHECK(p.correct >= 1);
        CHECK_EQ_INT(p.n_layers, 7);
        CHECK(!strcmp(p.layers[0].op, "CONV_2D") && !strcmp(p.layers[6].op, "SOFTMAX"));
        /* uTensor's reference-style kernels: a few hundred cycles per MAC (a trial build for
         * the M4 measured 330-345); the two convolutions take nearly all of it */
        const double cpm = p.cycles_mean / (double)p.macs;
        CHECK(cpm > 200 && cpm < 500);
        CHECK(p.layers[0].cycles + p.layers[2].cycles > 0.9 * p.cycles_mean);
        CHECK(!strncmp(p.engine_version, "utensor ", 8));
        CHECK_EQ_INT(p.hand_lines, 0); /* utensor-cgen writes all of it */
        /* RAM: the two arenas in .bss, their block headers on the heap */
        CHECK(p.m.heap_bytes > 0);
        CHECK(p.arena_bytes >= p.lower_bound_bytes);
        CHECK(p.m.ram_bytes < p.target.ram_size && p.flash_bytes < (int64_t)p.target.flash_size);
        /* the generated code: utensor-cgen's shape */
        snprintf(path, sizeof path, "%s/engine/mnist_conv16_int8.hpp", keep);
        CHECK(contains(path, "class Mnist_conv16_int8 : public ModelInterface<1, 1>"));
        CHECK(contains(path, "localCircularArenaAllocator<16520, uint16_t> ram_allocator;"));
        CHECK(contains(path, "TflmSymQuantOps::Conv2dOperator<int8_t> op_Conv2dOperator_000;"));
        CHECK(contains(path, "TflmSymQuantOps::FullyConnectedOperator<int8_t>"));
        snprintf(path, sizeof path, "%s/engine/mnist_conv16_int8.cpp", keep);
        CHECK(contains(path, "new RomTensor({16, 3, 3, 1}, i8, data_conv1_weights_1);"));
        CHECK(contains(path, "new RamTensor({1, 26, 26, 16}, i8);"));
        CHECK(contains(path, "TFLM::kTfLiteActRelu)")); /* the fused ReLU's constructor */
        CHECK(contains(path, "new RomTensor({400, 10}, i8, data_dense_weights_11);")); /* [in][out] */
        CHECK(contains(path, "SoftmaxOperator<float>"));
        snprintf(path, sizeof path, "%s/engine/engine_utensor.cc", keep);
        CHECK(contains(path, "set_ErrorHandler(&mcb_handler)"));
    }
    mcb_measure_free(&p);
    if (!test_failures) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", keep);
        CHECK(system(cmd) == 0);
    }
    return TEST_END();
}

static int refuse(const char *small_target)
{
    const mcb_engine *e = mcb_engine_find("utensor");
    CHECK(e != NULL);
    if (!e)
        return TEST_END();
    mcb_target t;
    CHECK(mcb_target_load("nrf52840", &t) == 0);
    char dir[] = "/tmp/mcb-utensor-refuse-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const int q = mcb_err_quiet(1);

    /* a depthwise convolution (second operator of the mixed graph): one line naming it */
    mcb_graph g;
    mcb_graph_init(&g);
    CHECK(cgt_mixed_graph(7, &g) == 0);
    mcb_engine_ctx c = {.g = &g, .model_path = "mixed.tflite", .target = &t, .dir = dir};
    mcb_engine_build b;
    memset(&b, 0, sizeof b);
    CHECK_EQ_INT(e->generate(&c, &b), -1);
    const char *err = mcb_last_error();
    CHECK(strstr(err, "mixed.tflite") && strstr(err, "operator 1 (DEPTHWISE_CONV_2D)") &&
          strstr(err, "not supported by the utensor engine"));
    CHECK(!strchr(err, '\n'));
    CHECK_EQ_INT(entries(dir), 0);
    mcb_engine_build_free(&b);
    mcb_graph_free(&g);

    /* a network larger than the RAM: "does not fit" with the sizes, from generate and as the
     * measurement's status (no build, no link error) */
    mcb_graph_init(&g);
    const mcb_family_net *net = mcb_family_find("cifar10-conv128");
    CHECK(net != NULL);
    if (net && cgt_family_graph(net, 3, &g) == 0) {
        mcb_target small = t;
        small.ram_size = 64 * 1024;
        c.g = &g;
        c.model_path = "cifar10-conv128.tflite";
        c.target = &small;
        CHECK_EQ_INT(e->generate(&c, &b), -1);
        err = mcb_last_error();
        CHECK(strstr(err, "does not fit the RAM of nrf52840 under engine utensor") &&
              strstr(err, "RAM arena 147000") && strstr(err, "the target has 65536"));
        CHECK(!strchr(err, '\n'));
        CHECK_EQ_INT(entries(dir), 0);
        mcb_engine_build_free(&b);
        char model[] = "/tmp/mcb-utensor-model-XXXXXX";
        const int fd = mkstemp(model);
        CHECK(fd >= 0);
        if (fd >= 0) {
            close(fd);
            CHECK(mcb_tflite_save(model, &g) == 0);
            mcb_measure_opts o = {.model = model, .engine = "utensor", .images = 1,
                                  .target = small_target};
            mcb_measure p;
            CHECK_EQ_INT(mcb_measure_run(&o, &p), -1);
            CHECK_EQ_INT(p.status, MCB_MEASURE_NOFIT);
            CHECK(strstr(mcb_last_error(), "does not fit") != NULL);
            mcb_measure_free(&p);
            unlink(model);
        }
    }
    mcb_graph_free(&g);
    mcb_err_quiet(q);
    rmdir(dir);
    return TEST_END();
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "run"))
        return run(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "refuse"))
        return refuse(argv[2]);
    fprintf(stderr, "usage: test_utensor run MODELS_DIR | refuse SMALL_TARGET_FILE\n");
    return 2;
}
