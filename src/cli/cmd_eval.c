/* mcubench eval: top-1 accuracy of a .tflite model on a dataset's test split, through the host
 * executor (src/exec). */
#include "cli.h"
#include "dataset.h"
#include "err.h"
#include "exec.h"
#include "json.h"
#include "progress.h"
#include "tflite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_eval_usage[] =
    "usage: mcubench eval FILE.tflite --dataset D [--data DIR] [--limit N] [--pixels R] [--json]\n"
    "\n"
    "Top-1 accuracy of the model on the test split of dataset D (mnist, cifar10,\n"
    "fashion-mnist): all 10,000 images unless --limit N. Inputs are scaled as the model\n"
    "expects: float32 inputs get pixel/255; int8/uint8 inputs get the pixel's real value\n"
    "quantized with the input tensor's scale and zero point, the real value being pixel/255\n"
    "or the pixel itself (0-255) as the input's quantization says (its largest value above 2:\n"
    "0-255, e.g. MLPerf Tiny's ResNet-8 with scale 1 and zero point -128).\n"
    "\n"
    "  --pixels R   the real range of a pixel: 0-1, 0-255, or auto (default, as above)\n"
    "  --data DIR   dataset directory (default $MCUBENCH_DATA, else ./data)\n"
    "  --limit N    the first N test images only\n"
    "  --json       print {model, dataset, images, correct, accuracy}\n";

static int argmax(const mcb_tensor *t, const void *out, int64_t n)
{
    int best = 0;
    for (int64_t i = 1; i < n; i++) {
        int better;
        if (t->type == MCB_FLOAT32)
            better = ((const float *)out)[i] > ((const float *)out)[best];
        else if (t->type == MCB_INT8)
            better = ((const int8_t *)out)[i] > ((const int8_t *)out)[best];
        else
            better = ((const uint8_t *)out)[i] > ((const uint8_t *)out)[best];
        if (better)
            best = (int)i;
    }
    return best;
}

int cmd_eval(int argc, char **argv)
{
    const char *cmd = "eval", *path = NULL, *dsname = NULL, *dir = NULL;
    long limit = 0;
    int json = 0;
    double full = 0; /* 0: from the input's quantization */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--pixels")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            if (!strcmp(v, "0-1"))
                full = 1;
            else if (!strcmp(v, "0-255"))
                full = 255;
            else if (strcmp(v, "auto"))
                return cli_usage_error(cmd, "--pixels takes 0-1, 0-255 or auto, not '%s'", v);
        }
        else if (!strcmp(a, "--dataset") || !strcmp(a, "--data") || !strcmp(a, "--limit")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--dataset"))
                dsname = v;
            else if (!strcmp(a, "--data"))
                dir = v;
            else if (cli_parse_int(cmd, a, v, 1, 100000000L, &limit) != 0)
                return MCB_EXIT_USAGE;
        } else if (a[0] == '-' && a[1])
            return cli_usage_error(cmd, "unknown option '%s'", a);
        else if (!path)
            path = a;
        else
            return cli_usage_error(cmd, "one model file only ('%s')", a);
    }
    if (!path)
        return cli_usage_error(cmd, "FILE.tflite is required");
    if (!dsname)
        return cli_usage_error(cmd, "--dataset D is required");
    int h, w, c, classes;
    if (mcb_dataset_shape(dsname, &h, &w, &c, &classes) != 0)
        return cli_usage_error(cmd, "unknown dataset '%s' (mnist, cifar10, fashion-mnist)",
                               dsname);

    mcb_graph g;
    if (mcb_tflite_load(path, &g) != 0)
        return MCB_EXIT_INPUT;
    int rc = MCB_EXIT_INPUT;
    mcb_exec *e = NULL;
    void *in = NULL, *out = NULL;
    mcb_dataset d;
    int have_data = 0;
    if (!(e = mcb_exec_prepare(&g, path)))
        goto done;
    const mcb_tensor *ti = &g.tensors[g.in[0]], *to = &g.tensors[g.out[0]];
    size_t img = (size_t)h * w * c;
    if (mcb_tensor_elems(ti) != (int64_t)img ||
        (ti->type != MCB_FLOAT32 && ti->type != MCB_INT8 && ti->type != MCB_UINT8)) {
        mcb_error("%s: input is a %s tensor of %lld elements; %s images need %zu float32, int8 "
                  "or uint8",
                  path, mcb_dtype_name(ti->type), (long long)mcb_tensor_elems(ti), dsname, img);
        goto done;
    }
    int64_t nout = mcb_tensor_elems(to);
    if (nout != classes ||
        (to->type != MCB_FLOAT32 && to->type != MCB_INT8 && to->type != MCB_UINT8)) {
        mcb_error("%s: output is a %s tensor of %lld elements; %s has %d classes", path,
                  mcb_dtype_name(to->type), (long long)nout, dsname, classes);
        goto done;
    }
    if (mcb_dataset_load(&d, dsname, "test", mcb_data_dir(dir), (int)limit) != 0)
        goto done;
    have_data = 1;
    if (limit > d.n) { /* not silently fewer than asked for */
        mcb_error("--limit %ld: the %s test set has only %d images", limit, dsname, d.n);
        goto done;
    }
    in = malloc(img * sizeof(float));
    out = malloc((size_t)nout * sizeof(float));
    if (!in || !out) {
        mcb_error("%s: out of memory", path);
        goto done;
    }
    long correct = 0;
    double t0 = mcb_now();
    if (full == 0)
        full = mcb_pixels_auto_range(ti);
    for (int i = 0; i < d.n; i++) {
        mcb_input_from_pixels_range(ti, d.pixels + (size_t)i * img, img, in, full);
        mcb_exec_run(e, in, out);
        correct += argmax(to, out, nout) == d.labels[i];
        if (mcb_progress_enabled() && (i % 200 == 199 || i == d.n - 1))
            mcb_progress("eval %s: %d/%d images, accuracy %.4f, %.0f img/s", path, i + 1, d.n,
                         (double)correct / (i + 1), (i + 1) / (mcb_now() - t0));
    }
    mcb_progress_done();
    double acc = d.n ? (double)correct / d.n : 0.0;
    if (json) {
        mcb_json j;
        mcb_json_init(&j, stdout, 0);
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "model");
        mcb_json_str(&j, path);
        mcb_json_key(&j, "dataset");
        mcb_json_str(&j, dsname);
        mcb_json_key(&j, "images");
        mcb_json_int(&j, d.n);
        mcb_json_key(&j, "correct");
        mcb_json_int(&j, correct);
        mcb_json_key(&j, "accuracy");
        mcb_json_num(&j, acc);
        mcb_json_key(&j, "pixels");
        mcb_json_str(&j, full == 255 ? "0-255" : "0-1");
        mcb_json_obj_end(&j);
        mcb_json_end(&j);
    } else {
        printf("%s: top-1 accuracy %.4f (%ld of %d %s test images, pixels %s)\n", path, acc,
               correct, d.n, dsname, full == 255 ? "0-255" : "0-1");
    }
    rc = MCB_EXIT_OK;
done:
    if (have_data)
        mcb_dataset_free(&d);
    free(in);
    free(out);
    mcb_exec_free(e);
    mcb_graph_free(&g);
    return rc;
}
