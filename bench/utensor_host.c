/* bench/utensor-host: the utensor engine's arithmetic on a whole test set, through its host
 * build (the generated model code and uTensor's runtime compiled with g++, the reference the
 * measurement checks the target against), beside the host executor (`mcubench infer`'s
 * TFLite arithmetic): accuracy of both, images whose argmax agrees, images whose output bytes
 * are identical, and the largest byte difference.
 * usage: utensor-host INT8.tflite [--images N]   (default: the whole test set; data from
 * $MCUBENCH_DATA). Ends with one JSON line. */
#include "dataset.h"
#include "engine.h"
#include "err.h"
#include "exec.h"
#include "graph_mem.h"
#include "json.h"
#include "tflite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int argmax(const int8_t *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int images = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--images") && i + 1 < argc)
            images = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: utensor-host INT8.tflite [--images N]\n");
        return 2;
    }
    const mcb_engine *e = mcb_engine_find("utensor");
    mcb_graph g;
    mcb_target t;
    if (!e || mcb_target_load("nrf52840", &t) < 0 || mcb_tflite_load(path, &g) < 0)
        return 1;
    const mcb_tensor *x = &g.tensors[g.in[0]];
    const char *dsname = x->shape[3] == 1 ? "mnist" : "cifar10";
    mcb_dataset ds = {0};
    if (mcb_dataset_load(&ds, dsname, "test", mcb_data_dir(NULL), images) < 0)
        return 1;
    const int n = images > 0 && images < ds.n ? images : ds.n;
    char work[] = "/tmp/mcb-utensor-host-XXXXXX", gen[64];
    if (!mkdtemp(work))
        return 1;
    snprintf(gen, sizeof gen, "%s/engine", work);
    mcb_engine_build b;
    memset(&b, 0, sizeof b);
    mcb_engine_ctx c = {.g = &g, .model_path = path, .target = &t, .dir = gen};
    mcb_exec *ex = NULL;
    int8_t *in = NULL, *host = NULL, *ref = NULL;
    uint8_t *xin = NULL, *y = NULL;
    int rc = 1;
    if (mkdir(gen, 0777) != 0 || e->generate(&c, &b) < 0 || !(ex = mcb_exec_prepare(&g, path)))
        goto out;
    const int64_t xb = mcb_tensor_bytes(x), ib = mcb_tensor_bytes(&g.tensors[b.input_tensor]),
                  ob = mcb_tensor_bytes(&g.tensors[b.output_tensor]);
    const int64_t elems = mcb_tensor_elems(x);
    in = malloc((size_t)(ib * n));
    host = malloc((size_t)(ob * n));
    ref = malloc((size_t)(ob * n));
    xin = malloc((size_t)xb);
    y = malloc((size_t)mcb_tensor_bytes(&g.tensors[g.out[0]]));
    if (!in || !host || !ref || !xin || !y)
        goto out;
    for (int i = 0; i < n; i++) {
        mcb_input_from_pixels(x, ds.pixels + (size_t)i * (size_t)elems, (size_t)elems, xin);
        mcb_exec_run(ex, xin, y);
        memcpy(in + i * ib, mcb_exec_tensor(ex, b.input_tensor), (size_t)ib);
        memcpy(host + i * ob, mcb_exec_tensor(ex, b.output_tensor), (size_t)ob);
    }
    if (e->host_reference(&c, &b, work, in, n, ib, ref, ob) < 0)
        goto out;
    int correct_ut = 0, correct_ex = 0, agree = 0, same = 0, maxdiff = 0;
    for (int i = 0; i < n; i++) {
        const int a = argmax(ref + i * ob, (int)ob), h = argmax(host + i * ob, (int)ob);
        correct_ut += a == ds.labels[i];
        correct_ex += h == ds.labels[i];
        agree += a == h;
        same += !memcmp(ref + i * ob, host + i * ob, (size_t)ob);
        for (int64_t k = 0; k < ob; k++) {
            const int d = abs(ref[i * ob + k] - host[i * ob + k]);
            maxdiff = d > maxdiff ? d : maxdiff;
        }
    }
    printf("%s, %d %s test images\n", path, n, dsname);
    printf("accuracy     utensor host build %.4f, host executor %.4f\n", (double)correct_ut / n,
           (double)correct_ex / n);
    printf("argmax       the same on %d of %d images\n", agree, n);
    printf("outputs      byte-identical on %d of %d images, largest difference %d\n", same, n,
           maxdiff);
    mcb_json j;
    mcb_json_init(&j, stdout, 0);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "model");
    mcb_json_str(&j, path);
    mcb_json_key(&j, "images");
    mcb_json_int(&j, n);
    mcb_json_key(&j, "utensor_correct");
    mcb_json_int(&j, correct_ut);
    mcb_json_key(&j, "executor_correct");
    mcb_json_int(&j, correct_ex);
    mcb_json_key(&j, "argmax_agree");
    mcb_json_int(&j, agree);
    mcb_json_key(&j, "identical");
    mcb_json_int(&j, same);
    mcb_json_key(&j, "max_byte_diff");
    mcb_json_int(&j, maxdiff);
    mcb_json_obj_end(&j);
    printf("\n");
    rc = 0;
out:
    free(in);
    free(host);
    free(ref);
    free(xin);
    free(y);
    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
        if (system(cmd) != 0)
            rc = 1;
    }
    mcb_exec_free(ex);
    mcb_engine_build_free(&b);
    mcb_dataset_free(&ds);
    mcb_graph_free(&g);
    return rc;
}
