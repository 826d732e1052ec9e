/* mcubench quantize: post-training int8 quantization of a float .tflite, calibrated on
 * training images run through the host executor. */
#include "cli.h"
#include "dataset.h"
#include "err.h"
#include "exec.h"
#include "progress.h"
#include "quantize.h"
#include "tflite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CALIB 1000

const char cmd_quantize_usage[] =
    "usage: mcubench quantize FLOAT.tflite [--dataset D] [--scheme int8|q7] [--calib N] [--data DIR]\n"
    "                         -o INT8.tflite\n"
    "\n"
    "Post-training int8 quantization with TFLite's scheme: per-channel symmetric int8 conv\n"
    "weights (-127..127), per-tensor symmetric fully connected weights, int32 biases with\n"
    "scale = input scale x weight scale, asymmetric per-tensor int8 activations whose ranges\n"
    "are the min/max seen over N calibration images of D's training split (default 1000,\n"
    "evenly spaced through the split), max-pool and reshape sharing their input's parameters,\n"
    "softmax output with scale 1/256 and zero point -128. The model's input and output become\n"
    "int8; 'mcubench info' shows their parameters. See docs/quantization.md.\n"
    "With --scheme q7: CMSIS-NN's legacy q7 fixed point instead (every scale a power of two,\n"
    "zero points 0, int8 biases; the fractional bits from each tensor's range as Arm's q7\n"
    "quantizer chose them), for the cmsis-nn-q7 engine.\n"
    "\n"
    "  --scheme S   int8 (default) or q7\n"
    "  --dataset D  mnist, cifar10 or fashion-mnist (calibration images; default: mnist for\n"
    "               28x28x1 inputs, cifar10 for 32x32x3)\n"
    "  --calib N    calibration images (default 1000)\n"
    "  --data DIR   dataset directory (default $MCUBENCH_DATA, else ./data)\n"
    "  -o FILE      the int8 model to write\n";

/* Runs n evenly spaced images of d through the float graph and records every float tensor's
 * range. */
static int calibrate(const mcb_graph *g, const char *path, const mcb_dataset *d, int n,
                     mcb_calib *c)
{
    const mcb_tensor *in = &g->tensors[g->in[0]];
    int64_t elems = mcb_tensor_elems(in), img = (int64_t)d->h * d->w * d->c;
    if (in->type != MCB_FLOAT32 || elems != img) {
        mcb_error("%s: input is %s with %lld elements; calibration on %s needs float32 with %lld",
                  path, mcb_dtype_name(in->type), (long long)elems, d->name, (long long)img);
        return -1;
    }
    mcb_exec *e = mcb_exec_prepare(g, path);
    if (!e)
        return -1;
    const mcb_tensor *out = &g->tensors[g->out[0]];
    float *x = malloc((size_t)img * sizeof *x);
    void *y = malloc((size_t)(mcb_tensor_elems(out) * mcb_dtype_size(out->type)) + 1);
    if (!x || !y || mcb_calib_init(c, g->n_tensors) != 0) {
        mcb_error("%s: out of memory", path);
        free(x);
        free(y);
        mcb_exec_free(e);
        return -1;
    }
    double t0 = mcb_now();
    for (int i = 0; i < n; i++) {
        const uint8_t *px = d->pixels + (int64_t)((int64_t)i * d->n / n) * img;
        for (int64_t k = 0; k < img; k++)
            x[k] = mcb_pixel_unit(px[k]);
        mcb_exec_run(e, x, y);
        for (int t = 0; t < g->n_tensors; t++)
            if (g->tensors[t].type == MCB_FLOAT32 && !g->tensors[t].data)
                mcb_calib_observe(c, t, mcb_exec_tensor(e, t), (long)mcb_tensor_elems(&g->tensors[t]));
        if ((i + 1) % 50 == 0 || i + 1 == n)
            mcb_progress("calibrating %d/%d images (%.0f img/s)", i + 1, n,
                         (i + 1) / (mcb_now() - t0 + 1e-9));
    }
    mcb_progress_done();
    free(x);
    free(y);
    mcb_exec_free(e);
    return 0;
}

int cmd_quantize(int argc, char **argv)
{
    const char *cmd = "quantize", *path = NULL, *out = NULL, *dsname = NULL, *dir = NULL;
    const char *scheme = "int8";
    long calib = DEFAULT_CALIB;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--dataset") || !strcmp(a, "--data") || !strcmp(a, "--calib") ||
            !strcmp(a, "-o") || !strcmp(a, "--scheme")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--dataset"))
                dsname = v;
            else if (!strcmp(a, "--data"))
                dir = v;
            else if (!strcmp(a, "-o"))
                out = v;
            else if (!strcmp(a, "--scheme"))
                scheme = v;
            else if (cli_parse_int(cmd, a, v, 1, 1000000, &calib) != 0)
                return MCB_EXIT_USAGE;
        } else if (a[0] == '-') {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            return cli_usage_error(cmd, "one model at a time");
        }
    }
    if (!path || !out)
        return cli_usage_error(cmd, "needs FLOAT.tflite and -o FILE");
    const int q7 = !strcmp(scheme, "q7");
    if (!q7 && strcmp(scheme, "int8"))
        return cli_usage_error(cmd, "unknown scheme '%s' (int8 or q7)", scheme);
    int h, w, c, classes;
    if (dsname && mcb_dataset_shape(dsname, &h, &w, &c, &classes) != 0)
        return cli_usage_error(cmd, "unknown dataset '%s'", dsname);

    if (cli_check_output(out) < 0) /* before calibration, not after it */
        return MCB_EXIT_INPUT;
    mcb_graph g, q;
    if (mcb_tflite_load(path, &g) != 0)
        return MCB_EXIT_INPUT;
    if (g.n_in != 1 || g.n_out != 1) {
        mcb_error("%s: %d inputs and %d outputs; the quantizer takes one of each", path, g.n_in,
                  g.n_out);
        mcb_graph_free(&g);
        return MCB_EXIT_INPUT;
    }
    if (!dsname) { /* the zoo's input shapes, as profile chooses its test set */
        const mcb_tensor *x = &g.tensors[g.in[0]];
        const int four = x->rank == 4;
        dsname = four && x->shape[1] == 28 && x->shape[2] == 28 && x->shape[3] == 1   ? "mnist"
                 : four && x->shape[1] == 32 && x->shape[2] == 32 && x->shape[3] == 3 ? "cifar10"
                                                                                      : NULL;
        if (!dsname) {
            mcb_error("%s: no calibration set for this input shape: give --dataset", path);
            mcb_graph_free(&g);
            return MCB_EXIT_INPUT;
        }
    }
    mcb_dataset d;
    if (mcb_dataset_load(&d, dsname, "train", mcb_data_dir(dir), 0) != 0) {
        mcb_graph_free(&g);
        return MCB_EXIT_INPUT;
    }
    if (calib > d.n)
        calib = d.n;
    mcb_calib cal;
    int rc = MCB_EXIT_INPUT;
    if (calibrate(&g, path, &d, (int)calib, &cal) == 0) {
        if ((q7 ? mcb_quantize_graph_q7 : mcb_quantize_graph)(&g, &cal, path, &q) == 0) {
            char desc[256];
            snprintf(desc, sizeof desc, "mcubench %s (%s, %ld calibration images of %s)", scheme,
                     g.description ? g.description : "float model", calib, dsname);
            free(q.description);
            q.description = strdup(desc);
            if (mcb_tflite_save(out, &q) == 0) {
                const mcb_tensor *ti = &q.tensors[q.in[0]], *to = &q.tensors[q.out[0]];
                printf("%s: %s, calibrated on %ld %s images; input scale %.9g zero point %lld;"
                       " output scale %.9g zero point %lld\n",
                       out, scheme, calib, dsname, ti->scale[0], (long long)ti->zero_point[0],
                       to->scale[0], (long long)to->zero_point[0]);
                rc = MCB_EXIT_OK;
            }
            mcb_graph_free(&q);
        }
        mcb_calib_free(&cal);
    }
    mcb_dataset_free(&d);
    mcb_graph_free(&g);
    return rc;
}
