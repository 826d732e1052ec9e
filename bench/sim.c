/* Simulation speed: simulated cycles and instructions per second of host CPU time with the
 * cycle model on, next to plain Unicorn (no block or code hooks) in the same run, for
 *   - a tight SMLAD loop (goal: ratio >= 0.6, issue 4),
 *   - the CNN-like workload repeated 200 times (goal: ratio >= 0.8, issue 4),
 *   - a uTensor-like workload (tests/sim/fw/vcall_bench.c: element reads and writes through
 *     function pointers: many short blocks, indirect calls and returns), the code that sets
 *     the time of the paper sweep (issue 11, item 7),
 *   - and any firmware ELF given after the directory (e.g. a `profile --keep` firmware).
 * Each mode runs 7 times (3 for the extra ELFs), alternating; the run with the least CPU time
 * of the simulating thread counts (steadier than wall time on a shared host). The last line is
 * one JSON object for the CNN workload (mips_model, mips_nohook, ratio), plus the loop's
 * figures under smlad_* and the uTensor-like one's under vcall_* (mcycles_model: millions of
 * simulated cycles per CPU second).
 * usage: bench/sim [FIRMWARE_DIR [FIRMWARE.elf...]] */
#include "elf.h"
#include "err.h"
#include "sim.h"
#include "target.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    double mips_model, mips_nohook, ratio, mcycles_model, cpu_model;
    unsigned long long insns, cycles;
} speed;

static int measure(const mcb_target *t, const char *path, int reps, speed *sp)
{
    mcb_elf *e = mcb_elf_load(path);
    if (!e)
        return -1;
    double best[2] = {1e30, 1e30};
    unsigned long long insns = 0, cycles = 0;
    for (int rep = 0; rep < reps; rep++)
        for (int mode = 0; mode < 2; mode++) {
            mcb_sim_opts o = {.target = t, .no_model = mode, .budget = 100000000000ull};
            mcb_sim_result r;
            if (mcb_sim_run(e, &o, &r) < 0 || !r.exited) {
                fprintf(stderr, "bench/sim: %s did not run to its exit: %s\n", path, r.fault);
                mcb_sim_result_free(&r);
                mcb_elf_free(e);
                return -1;
            }
            if (mode == 0) { /* the plain run counts nothing: same program, same count */
                insns = r.insns;
                cycles = r.cycles;
            }
            if (r.cpu_seconds < best[mode])
                best[mode] = r.cpu_seconds;
            mcb_sim_result_free(&r);
        }
    mcb_elf_free(e);
    sp->insns = insns;
    sp->cycles = cycles;
    sp->cpu_model = best[0];
    sp->mips_model = insns / best[0] / 1e6;
    sp->mips_nohook = insns / best[1] / 1e6;
    sp->mcycles_model = cycles / best[0] / 1e6;
    sp->ratio = sp->mips_model / sp->mips_nohook;
    return 0;
}

static void row(const char *name, const speed *s, const char *goal)
{
    printf("%-28s %12llu %13llu %8.3f %10.1f %10.1f %10.1f %7.3f   %s\n", name, s->insns,
           s->cycles, s->cpu_model, s->mcycles_model, s->mips_model, s->mips_nohook, s->ratio,
           goal);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : MCB_FIRMWARE_DIR;
    mcb_target t;
    if (mcb_target_load("nrf52840", &t) < 0)
        return 1;
    char loop[4096], cnn[4096], vcall[4096];
    snprintf(loop, sizeof loop, "%s/sim_smlad_bench.elf", dir);
    snprintf(cnn, sizeof cnn, "%s/sim_cnn_repeat.elf", dir);
    snprintf(vcall, sizeof vcall, "%s/sim_vcall_bench.elf", dir);
    speed a, b, c;
    if (measure(&t, loop, 7, &a) < 0 || measure(&t, cnn, 7, &b) < 0 ||
        measure(&t, vcall, 7, &c) < 0)
        return 1;
    printf("%-28s %12s %13s %8s %10s %10s %10s %7s\n", "workload", "instructions", "cycles",
           "CPU s", "Mcycles/s", "MIPS model", "MIPS plain", "ratio");
    row("smlad loop", &a, "(goal ratio >= 0.6)");
    row("cnn x200", &b, "(goal ratio >= 0.8)");
    row("utensor-like (vcall)", &c, "");
    for (int i = 2; i < argc; i++) {
        speed x;
        if (measure(&t, argv[i], 3, &x) < 0)
            return 1;
        size_t n = strlen(argv[i]); /* the path's last 28 characters */
        row(n > 28 ? argv[i] + n - 28 : argv[i], &x, "");
    }
    printf("{\"workload\": \"cnn x200\", \"instructions\": %llu, \"mips_model\": %.2f, "
           "\"mips_nohook\": %.2f, \"ratio\": %.4f, \"smlad_mips_model\": %.2f, "
           "\"smlad_mips_nohook\": %.2f, \"smlad_ratio\": %.4f, \"vcall_mips_model\": %.2f, "
           "\"vcall_mcycles_model\": %.2f, \"vcall_ratio\": %.4f}\n",
           b.insns, b.mips_model, b.mips_nohook, b.ratio, a.mips_model, a.mips_nohook, a.ratio,
           c.mips_model, c.mcycles_model, c.ratio);
    return 0;
}
