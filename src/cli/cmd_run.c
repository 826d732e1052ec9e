#include "cli.h"
#include "elf.h"
#include "err.h"
#include "metrics.h"
#include "qemu.h"
#include "sim.h"
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_run_usage[] =
    "usage: mcubench run FIRMWARE.elf [--target NAME|FILE] [--budget N] [--json] [--qemu]\n"
    "\n"
    "Runs a Cortex-M4 firmware in the simulator (Unicorn + the Cortex-M4 cycle model) until it\n"
    "calls SYS_EXIT, and reports flash, RAM (.data + .bss + peak stack + peak heap), cycles and\n"
    "instructions between the inference markers and per layer, time at the target clock,\n"
    "modelled energy (DC/DC and LDO), the exit code and what the firmware printed.\n"
    "\n"
    "  --target T   board (default nrf52840): clock, memory, wait states, cache, supply\n"
    "  --budget N   stop after N instructions (default 4000000000)\n"
    "  --json       print one JSON object (docs/metrics.md)\n"
    "  --qemu       also run the ELF on QEMU (the target's qemu_machine) and require the same\n"
    "               output and exit code\n"
    "\n"
    "A fault (unmapped memory, invalid instruction, unexpected BKPT/SVC/UDF, stack overflow\n"
    "into .bss, budget exceeded) prints one line with the PC and its symbol; exit code 1.\n"
    "Exit codes: 0 the firmware exited (whatever its own exit code), 1 fault or bad input,\n"
    "2 bad usage.\n";

/* Up to 80 characters of s from the start of the line holding byte i, newlines as "\n" and
 * other non-printables as '?', for a one-line message ("" when s ends before that line). */
static void line_at(const char *s, size_t i, char *buf, size_t n)
{
    size_t len = strlen(s), b = i < len ? i : len, o = 0;
    while (b > 0 && s[b - 1] != '\n')
        b--;
    for (; s[b] && o + 2 < n && o < 80; b++) {
        if (s[b] == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else {
            buf[o++] = (s[b] >= 0x20 && s[b] < 0x7F) ? s[b] : '?';
        }
    }
    buf[o] = 0;
}

static int qemu_compare(const mcb_target *t, const char *path, const mcb_sim_result *r)
{
    char *out = NULL;
    int code = 0;
    if (mcb_qemu_run(t, path, 120.0, &out, &code) != 0)
        return -1;
    int rc = 0;
    if (strcmp(out, r->out) != 0) {
        size_t i = 0;
        while (out[i] && out[i] == r->out[i])
            i++;
        char q[96], m[96];
        line_at(out, i, q, sizeof q);
        line_at(r->out, i, m, sizeof m);
        mcb_error("%s: QEMU and the simulator printed different output (first difference at "
                  "byte %zu: QEMU \"%s\", simulator \"%s\")",
                  path, i, q, m);
        rc = -1;
    } else if ((code & 0xFF) != (r->exit_code & 0xFF)) {
        mcb_error("%s: QEMU exit code %d, simulator exit code %d", path, code, r->exit_code);
        rc = -1;
    }
    free(out);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    const char *path = NULL, *target_name = "nrf52840";
    int json = 0, qemu = 0;
    long budget = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--target")) {
            if (!(target_name = cli_value("run", argc, argv, &i)))
                return MCB_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--budget")) {
            const char *v = cli_value("run", argc, argv, &i);
            if (!v || cli_parse_int("run", "--budget", v, 1, 1000000000000L, &budget) < 0)
                return MCB_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--qemu")) {
            qemu = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("run", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage_error("run", "one firmware at a time ('%s' and '%s')", path, argv[i]);
        }
    }
    if (!path)
        return cli_usage_error("run", "missing FIRMWARE.elf");

    mcb_target t;
    if (mcb_target_load(target_name, &t) < 0)
        return MCB_EXIT_INPUT;
    mcb_elf *elf = mcb_elf_load(path);
    if (!elf)
        return MCB_EXIT_INPUT;
    mcb_sim_opts o = {.target = &t, .budget = (uint64_t)budget};
    mcb_sim_result r;
    int rc = MCB_EXIT_INPUT;
    mcb_metrics m = {0};
    if (mcb_sim_run(elf, &o, &r) < 0)
        goto done;
    if (r.fault[0]) {
        /* what the firmware printed so far helps to find the cause */
        if (r.out_len && !json)
            fputs(r.out, stdout);
        fflush(stdout);
        mcb_error("%s: %s", path, r.fault);
        goto done;
    }
    if (mcb_metrics_compute(elf, &t, &r, &m) < 0)
        goto done;
    if (qemu && qemu_compare(&t, path, &r) < 0)
        goto done;
    if (json) {
        mcb_metrics_write_json(stdout, &m, &r, &t, path, qemu ? t.qemu_machine : NULL);
    } else {
        fputs(r.out, stdout);
        if (r.out_len && r.out[r.out_len - 1] != '\n')
            putchar('\n');
        mcb_metrics_write_text(stdout, &m, &r, &t);
        if (qemu)
            printf("qemu         same output and exit code on %s\n", t.qemu_machine);
    }
    rc = MCB_EXIT_OK;
done:
    mcb_metrics_free(&m);
    mcb_sim_result_free(&r);
    mcb_elf_free(elf);
    return rc;
}
