#include "cli.h"
#include "err.h"
#include "engine.h"
#include "fit.h"

#include <stdio.h>
#include <string.h>

const char cmd_fit_usage[] =
    "usage: mcubench fit MODEL.tflite [--target NAME|FILE] [--engine NAME] [--opt -OLEVEL]\n"
    "                    [--weights int8|int16] [--json]\n"
    "\n"
    "Does the model fit the target, without simulating it: builds the firmware 'mcubench\n"
    "profile' builds (the engine's sources and the harness) and reads from the ELF flash\n"
    "(weights, code and runtime) and RAM (.data + .bss, the arena included, + a static bound\n"
    "of the stack from the code's call graph + the heap, 0 when no allocator is reachable),\n"
    "with what is left on the target, in bytes and %. Without --engine: every engine, one\n"
    "line each (unavailable and not applicable engines listed as such). A stack that cannot be\n"
    "bounded statically (call cycles, e.g. through virtual calls) is said so, with the figure\n"
    "over the calls that could be followed. docs/fit.md.\n"
    "\n"
    "  --target T      board (default nrf52840)\n"
    "  --engine NAME   one engine ('mcubench engines' lists them)\n"
    "  --opt -OLEVEL   optimisation level of the whole firmware (default: the target's)\n"
    "  --weights W     aot: int8 (default) or int16 weights\n"
    "  --json          one JSON object (docs/fit.md)\n"
    "\n"
    "Exit codes: 0 it fits (with --engine: on that engine; without: on at least one engine),\n"
    "1 it does not fit (the line says which of flash and RAM, and by how many bytes) or bad\n"
    "input, 2 bad usage.\n";

int cmd_fit(int argc, char **argv)
{
    mcb_fit_opts o = {0};
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--target") || !strcmp(a, "--engine") || !strcmp(a, "--opt") ||
            !strcmp(a, "--weights")) {
            const char *v = cli_value("fit", argc, argv, &i);
            if (!v)
                return MCB_EXIT_USAGE;
            if (!strcmp(a, "--target")) {
                o.target = v;
            } else if (!strcmp(a, "--engine")) {
                o.engine = v;
            } else if (!strcmp(a, "--weights")) {
                if (strcmp(v, "int8") && strcmp(v, "int16"))
                    return cli_usage_error("fit", "--weights takes int8 or int16, not '%s'", v);
                o.cond.weights_int16 = !strcmp(v, "int16");
            } else {
                if (cli_check_opt("fit", v) < 0)
                    return MCB_EXIT_USAGE;
                o.cond.opt = v;
            }
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("fit", "unknown option '%s'", a);
        } else if (!o.model) {
            o.model = a;
        } else {
            return cli_usage_error("fit", "one model at a time ('%s' and '%s')", o.model, a);
        }
    }
    if (!o.model)
        return cli_usage_error("fit", "missing MODEL.tflite");
    if (o.engine && cli_check_engine("fit", o.engine) < 0)
        return MCB_EXIT_USAGE;
    mcb_fit f;
    if (mcb_fit_run(&o, &f) < 0) {
        mcb_fit_free(&f);
        return MCB_EXIT_INPUT;
    }
    if (json)
        mcb_fit_write_json(stdout, &f, o.model);
    else
        mcb_fit_write_text(stdout, &f, o.model);
    int fits = 0;
    for (int i = 0; i < f.n; i++)
        fits |= f.rows[i].status == MCB_FIT_FITS || f.rows[i].status == MCB_FIT_UNBOUNDED;
    if (!fits) {
        /* one line on stderr too, so that a script sees why the exit code is 1 */
        const mcb_fit_row *r = &f.rows[0];
        if (f.n == 1 && r->status == MCB_FIT_OVER) {
            char over[160] = "";
            if (r->flash_left < 0)
                snprintf(over, sizeof over, "flash over by %lld bytes",
                         (long long)-r->flash_left);
            if (r->ram_left < 0)
                snprintf(over + strlen(over), sizeof over - strlen(over),
                         "%sRAM over by %lld bytes", over[0] ? ", " : "",
                         (long long)-r->ram_left);
            mcb_error("%s: does not fit %s with engine %s: %s", o.model, f.target.name,
                      r->engine, over);
        } else {
            int over = 0;
            for (int i = 0; i < f.n; i++)
                over |= f.rows[i].status == MCB_FIT_OVER;
            if (over)
                mcb_error("%s: does not fit %s with any engine available here", o.model,
                          f.target.name);
            else
                mcb_error("%s: no engine available here could build it (see the table)",
                          o.model);
        }
    }
    mcb_fit_free(&f);
    return fits ? MCB_EXIT_OK : MCB_EXIT_INPUT;
}
