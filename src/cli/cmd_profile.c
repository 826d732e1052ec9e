#include "cli.h"
#include "err.h"
#include "engine.h"
#include "measure.h"

#include <stdio.h>
#include <string.h>

const char cmd_profile_usage[] =
    "usage: mcubench profile INT8.tflite [--target NAME|FILE] [--engine NAME] [--images N]\n"
    "                        [--opt -OLEVEL] [--weights int8|int16] [--dataset NAME] [--data DIR]\n"
    "                        [--input FILE|random[:SEED]] [--keep DIR] [--json]\n"
    "\n"
    "Generates the engine's sources for the model, builds a firmware that runs N test images\n"
    "(baked into flash) through it, runs it in the simulator, and checks every output byte\n"
    "against the host executor: any difference is an error naming the image and the byte.\n"
    "Prints RAM, flash (and weight bytes), cycles per inference (mean, max), cycles/MAC, time,\n"
    "modelled energy, accuracy on the images, and per layer: op, MACs, cycles, cycles/MAC,\n"
    "time and modelled energy.\n"
    "\n"
    "  --target T      board (default nrf52840)\n"
    "  --engine NAME   the engine (default aot; 'mcubench engines' lists them)\n"
    "  --opt -OLEVEL   optimisation level of the whole firmware (default: the target's)\n"
    "  --weights W     aot: int8 (default; one byte per weight in flash) or int16 (widened\n"
    "                  at generation: about twice the flash, fewer cycles)\n"
    "  --images N      test images to run (default 10)\n"
    "  --dataset NAME  test set (default: mnist for 28x28x1 inputs, cifar10 for 32x32x3)\n"
    "  --input X       inputs not from a dataset (no accuracy): FILE of raw input tensor bytes\n"
    "                  (one or more inputs back to back), or random[:SEED], a generator\n"
    "                  (splitmix64, docs/codegen.md; SEED default 1, input i uses SEED+i)\n"
    "  --data DIR      dataset directory (default $MCUBENCH_DATA, else ./data)\n"
    "  --keep DIR      keep the engine's sources (DIR/engine), the harness and the firmware\n"
    "                  (DIR/profile.elf)\n"
    "  --weights-in-ram  weights as non-const arrays copied to RAM at start-up (the paper's\n"
    "                  CMSIS-NN build; engine cmsis-nn-q7)\n"
    "  --json          one JSON object (docs/codegen.md)\n"
    "\n"
    "Exit codes: 0 every output matched, 1 bad input, build failure, fault or mismatch,\n"
    "2 bad usage.\n";

int cmd_profile(int argc, char **argv)
{
    mcb_measure_opts o = {.images = 10};
    const char *engine = "aot";
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--target") || !strcmp(a, "--engine") || !strcmp(a, "--dataset") ||
            !strcmp(a, "--data") || !strcmp(a, "--keep") || !strcmp(a, "--images") ||
            !strcmp(a, "--opt") || !strcmp(a, "--weights") || !strcmp(a, "--input")) {
            const char *v = cli_value("profile", argc, argv, &i);
            if (!v)
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--input")) {
                o.input = v;
            } else if (!strcmp(a, "--weights")) {
                if (strcmp(v, "int8") && strcmp(v, "int16"))
                    return cli_usage_error("profile", "--weights takes int8 or int16, not '%s'",
                                           v);
                o.cond.weights_int16 = !strcmp(v, "int16");
            } else if (!strcmp(a, "--target"))
                o.target = v;
            else if (!strcmp(a, "--engine"))
                engine = v;
            else if (!strcmp(a, "--dataset"))
                o.dataset = v;
            else if (!strcmp(a, "--data"))
                o.data_dir = v;
            else if (!strcmp(a, "--keep"))
                o.keep = v;
            else if (!strcmp(a, "--opt")) {
                if (cli_check_opt("profile", v) < 0)
                    return MCB_EXIT_USAGE;
                o.cond.opt = v;
            }
            else {
                long n;
                if (cli_parse_int("profile", "--images", v, 1, 10000, &n) < 0)
                    return MCB_EXIT_USAGE;
                o.images = (int)n;
            }
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--weights-in-ram")) {
            o.cond.weights_in_ram = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("profile", "unknown option '%s'", a);
        } else if (!o.model) {
            o.model = a;
        } else {
            return cli_usage_error("profile", "one model at a time ('%s' and '%s')", o.model, a);
        }
    }
    if (!o.model)
        return cli_usage_error("profile", "missing INT8.tflite");
    if (cli_check_engine("profile", engine) < 0)
        return MCB_EXIT_USAGE;
    o.engine = engine;
    mcb_measure p;
    int rc = MCB_EXIT_INPUT;
    if (mcb_measure_run(&o, &p) == 0) {
        if (json)
            mcb_measure_write_json(stdout, &p, o.model);
        else
            mcb_measure_write_text(stdout, &p, o.model);
        rc = MCB_EXIT_OK;
    }
    mcb_measure_free(&p);
    return rc;
}
