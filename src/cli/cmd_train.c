/* mcubench train: float32 training of a paper-family network, written as a float .tflite. */
#include "cli.h"
#include "err.h"
#include "json.h"
#include "tflite.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_train_usage[] =
    "usage: mcubench train --model NAME [--epochs N] [--batch B] [--seed S] [--threads T]\n"
    "                      [--lr X] [--lr-drop E[,E...]] [--augment] [--data DIR] [--limit N]\n"
    "                      [--checkpoint FILE] [--log] [--json] -o FILE.tflite\n"
    "\n"
    "Trains a network of the paper family ('mcubench models') in float32 on its dataset's\n"
    "training split: inputs pixel/255, Glorot-uniform weights and zero biases from the seed,\n"
    "softmax cross-entropy, Adam (beta1 0.9, beta2 0.999, eps 1e-7), a new shuffle every epoch.\n"
    "Writes the float model as .tflite. Same seed, options and thread count: same bytes.\n"
    "\n"
    "  --epochs N         epochs in total (default 1)\n"
    "  --batch B          images per step (default 32)\n"
    "  --seed S           seed for init, shuffling and augmentation (default 1)\n"
    "  --threads T        OpenBLAS threads (default: the number of CPUs)\n"
    "  --lr X             Adam learning rate (default 0.001)\n"
    "  --lr-drop E,...    divide the learning rate by 10 from each of these epochs on (1-based)\n"
    "  --augment          shift every training image by a random +-2 pixels; colour images\n"
    "                     are also mirrored left-right at random\n"
    "  --data DIR         dataset directory (default $MCUBENCH_DATA, else ./data)\n"
    "  --limit N          train on the first N images only (tests, quick runs)\n"
    "  --checkpoint FILE  save the state after each epoch; if FILE exists, resume from it\n"
    "  --log              one line per epoch on stderr, also when it is not a terminal\n"
    "  --json             print a JSON summary (model, epochs, loss, train_seconds, ...)\n";

int cmd_train(int argc, char **argv)
{
    const char *cmd = "train", *out = NULL;
    mcb_train_opts o;
    mcb_train_defaults(&o);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = cpus > 0 ? (int)(cpus < 64 ? cpus : 64) : 2;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        long n;
        if (!strcmp(a, "--augment"))
            o.augment = 1;
        else if (!strcmp(a, "--log"))
            o.log_epochs = 1;
        else if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--model") || !strcmp(a, "--data") || !strcmp(a, "--checkpoint") ||
                 !strcmp(a, "-o")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--model"))
                o.model = v;
            else if (!strcmp(a, "--data"))
                o.data_dir = v;
            else if (!strcmp(a, "--checkpoint"))
                o.checkpoint = v;
            else
                out = v;
        } else if (!strcmp(a, "--epochs") || !strcmp(a, "--batch") || !strcmp(a, "--seed") ||
                   !strcmp(a, "--threads") || !strcmp(a, "--limit")) {
            long hi = !strcmp(a, "--epochs")    ? 10000
                      : !strcmp(a, "--batch")   ? 4096
                      : !strcmp(a, "--threads") ? 64
                      : !strcmp(a, "--seed")    ? 2147483647L
                                                : 100000000L;
            if (!(v = cli_value(cmd, argc, argv, &i)) ||
                cli_parse_int(cmd, a, v, !strcmp(a, "--seed") ? 0 : 1, hi, &n) != 0)
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--epochs"))
                o.epochs = (int)n;
            else if (!strcmp(a, "--batch"))
                o.batch = (int)n;
            else if (!strcmp(a, "--seed"))
                o.seed = (uint64_t)n;
            else if (!strcmp(a, "--threads"))
                o.threads = (int)n;
            else
                o.limit = (int)n;
        } else if (!strcmp(a, "--lr-drop")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            int nd = 0;
            char *p = (char *)v, *end;
            memset(o.lr_drop, 0, sizeof o.lr_drop);
            for (;;) {
                long e = strtol(p, &end, 10);
                if (end == p || e < 1 || e > 10000 || nd == 4 ||
                    (nd > 0 && e <= o.lr_drop[nd - 1]) || (*end && *end != ','))
                    return cli_usage_error(cmd, "--lr-drop wants up to 4 ascending epochs like "
                                           "'20,30', got '%s'", v);
                o.lr_drop[nd++] = (int)e;
                if (!*end)
                    break;
                p = end + 1;
            }
        } else if (!strcmp(a, "--lr")) {
            if (!(v = cli_value(cmd, argc, argv, &i)))
                return MCB_EXIT_USAGE;
            char *end;
            double x = strtod(v, &end);
            if (end == v || *end || !(x > 0 && x < 1))
                return cli_usage_error(cmd, "--lr wants a number in (0, 1), got '%s'", v);
            o.lr = (float)x;
        } else
            return cli_usage_error(cmd, "unknown option '%s'", a);
    }
    if (!o.model)
        return cli_usage_error(cmd, "--model NAME is required");
    if (!out)
        return cli_usage_error(cmd, "-o FILE.tflite is required");
    if (!mcb_family_find(o.model))
        return cli_usage_error(cmd, "unknown model '%s', not in 'mcubench models'", o.model);
    if (cli_check_output(out) < 0)
        return MCB_EXIT_INPUT;

    mcb_net net;
    mcb_train_result r;
    if (mcb_train_run(&o, &net, &r) != 0)
        return MCB_EXIT_INPUT;
    mcb_graph g;
    int rc = mcb_net_to_graph(&net, &g);
    mcb_net_free(&net);
    if (rc != 0)
        return MCB_EXIT_INPUT;
    rc = mcb_tflite_save(out, &g);
    mcb_graph_free(&g);
    if (rc != 0)
        return MCB_EXIT_INPUT;
    if (json) {
        mcb_json j;
        mcb_json_init(&j, stdout, 0);
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "model");
        mcb_json_str(&j, o.model);
        mcb_json_key(&j, "epochs");
        mcb_json_int(&j, r.epochs_done);
        mcb_json_key(&j, "batch");
        mcb_json_int(&j, o.batch);
        mcb_json_key(&j, "seed");
        mcb_json_int(&j, (int64_t)o.seed);
        mcb_json_key(&j, "threads");
        mcb_json_int(&j, o.threads);
        mcb_json_key(&j, "augment");
        mcb_json_bool(&j, o.augment);
        mcb_json_key(&j, "images");
        mcb_json_int(&j, r.images);
        mcb_json_key(&j, "loss");
        mcb_json_num(&j, r.loss);
        mcb_json_key(&j, "train_accuracy");
        mcb_json_num(&j, r.accuracy);
        mcb_json_key(&j, "train_seconds");
        mcb_json_num(&j, r.seconds);
        mcb_json_key(&j, "output");
        mcb_json_str(&j, out);
        mcb_json_obj_end(&j);
        mcb_json_end(&j);
    } else {
        printf("%s: %d epochs on %d images, loss %.4f, train accuracy %.4f, %.1f s -> %s\n",
               o.model, r.epochs_done, r.images, r.loss, r.accuracy, r.seconds, out);
    }
    return MCB_EXIT_OK;
}
