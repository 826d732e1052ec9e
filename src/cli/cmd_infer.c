/* mcubench infer: one inference on the host on raw input bytes, raw output bytes out. */
#include "cli.h"
#include "err.h"
#include "exec.h"
#include "fileio.h"
#include "input.h"
#include "tflite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char cmd_infer_usage[] =
    "usage: mcubench infer MODEL.tflite --input IN.bin|random[:SEED] -o OUT.bin [--dump DIR]\n"
    "\n"
    "Runs one inference on the host executor (the same arithmetic as TFLM's reference\n"
    "kernels). IN.bin holds the raw bytes of the model's input in its type and NHWC layout\n"
    "(e.g. 784 int8 values for an int8 MNIST model); random[:SEED] generates them (splitmix64,\n"
    "the generator of 'profile --input', docs/codegen.md; SEED default 1). OUT.bin receives the\n"
    "raw output bytes.\n"
    "\n"
    "  --dump DIR   also write every activation tensor as DIR/tensor-NNN.bin (NNN = tensor\n"
    "               index, as 'mcubench info' lists them), to debug a layer\n";

static int64_t tensor_bytes(const mcb_tensor *t) { return mcb_tensor_elems(t) * mcb_dtype_size(t->type); }

static int dump(const mcb_graph *g, const mcb_exec *e, const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        mcb_error("%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    for (int t = 0; t < g->n_tensors; t++) {
        if (g->tensors[t].data)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/tensor-%03d.bin", dir, t);
        if (mcb_write_file_atomic(path, mcb_exec_tensor(e, t), (size_t)tensor_bytes(&g->tensors[t])) != 0)
            return -1;
    }
    return 0;
}

int cmd_infer(int argc, char **argv)
{
    const char *cmd = "infer", *path = NULL, *in_path = NULL, *out_path = NULL, *dump_dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--input") || !strcmp(a, "-o") || !strcmp(a, "--dump")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--input"))
                in_path = v;
            else if (!strcmp(a, "-o"))
                out_path = v;
            else
                dump_dir = v;
        } else if (a[0] == '-') {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            return cli_usage_error(cmd, "one model at a time");
        }
    }
    if (!path || !in_path || !out_path)
        return cli_usage_error(cmd, "needs MODEL.tflite, --input IN.bin and -o OUT.bin");
    mcb_graph g;
    if (mcb_tflite_load(path, &g) != 0)
        return MCB_EXIT_INPUT;
    int rc = MCB_EXIT_INPUT;
    size_t in_size = 0;
    uint8_t *in = NULL;
    void *out = NULL;
    mcb_exec *e = NULL;
    if (g.n_in != 1 || g.n_out != 1) {
        mcb_error("%s: %d inputs and %d outputs; infer takes one of each", path, g.n_in, g.n_out);
        goto done;
    }
    if (!(e = mcb_exec_prepare(&g, path)))
        goto done;
    mcb_input_spec spec;
    int64_t want = tensor_bytes(&g.tensors[g.in[0]]);
    if (mcb_input_spec_parse(in_path, &spec) < 0)
        goto done;
    if (spec.random) {
        if (!(in = malloc((size_t)want + 1))) {
            mcb_error("%s: out of memory", path);
            goto done;
        }
        mcb_input_random(&g.tensors[g.in[0]], spec.seed, in);
        in_size = (size_t)want;
    } else if (!(in = mcb_read_file_max(in_path, &in_size, (size_t)64 << 20))) { /* KBs */
        goto done;
    }
    if ((int64_t)in_size != want) {
        mcb_error("%s: %zu bytes, but the input of %s is %lld bytes (%s)", in_path, in_size, path,
                  (long long)want, mcb_dtype_name(g.tensors[g.in[0]].type));
        goto done;
    }
    int64_t out_bytes = tensor_bytes(&g.tensors[g.out[0]]);
    if (!(out = malloc((size_t)out_bytes + 1))) {
        mcb_error("%s: out of memory", path);
        goto done;
    }
    mcb_exec_run(e, in, out);
    if (dump_dir && dump(&g, e, dump_dir) != 0)
        goto done;
    if (mcb_write_file_atomic(out_path, out, (size_t)out_bytes) != 0)
        goto done;
    rc = MCB_EXIT_OK;
done:
    free(in);
    free(out);
    mcb_exec_free(e);
    mcb_graph_free(&g);
    return rc;
}
