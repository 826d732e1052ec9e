/* Simulation speed: simulated instructions per host second with the cycle model on, next to
 * plain Unicorn (no block or code hooks) in the same run, for a tight SMLAD loop and for the
 * CNN-like workload repeated 200 times. Goals (issue 4): ratio >= 0.6 on the tight loop and
 * >= 0.8 on the CNN. Each mode runs 7 times, alternating; the run with the least CPU time of
 * the simulating thread counts (steadier than wall time on a shared host). The last
 * line is one JSON object for the CNN workload (mips_model, mips_nohook, ratio), plus the
 * loop's figures under smlad_*.
 * usage: bench/sim [FIRMWARE_DIR] */
#include "elf.h"
#include "err.h"
#include "sim.h"
#include "target.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    double mips_model, mips_nohook, ratio;
    unsigned long long insns;
} speed;

static int measure(const mcb_target *t, const char *path, speed *sp)
{
    mcb_elf *e = mcb_elf_load(path);
    if (!e)
        return -1;
    double best[2] = {1e30, 1e30};
    unsigned long long insns = 0;
    for (int rep = 0; rep < 7; rep++)
        for (int mode = 0; mode < 2; mode++) {
            mcb_sim_opts o = {.target = t, .no_model = mode};
            mcb_sim_result r;
            if (mcb_sim_run(e, &o, &r) < 0 || !r.exited) {
                fprintf(stderr, "bench/sim: %s did not run to its exit: %s\n", path, r.fault);
                mcb_sim_result_free(&r);
                mcb_elf_free(e);
                return -1;
            }
            if (mode == 0)
                insns = r.insns; /* the plain run counts nothing: same program, same count */
            if (r.cpu_seconds < best[mode])
                best[mode] = r.cpu_seconds;
            mcb_sim_result_free(&r);
        }
    mcb_elf_free(e);
    sp->insns = insns;
    sp->mips_model = insns / best[0] / 1e6;
    sp->mips_nohook = insns / best[1] / 1e6;
    sp->ratio = sp->mips_model / sp->mips_nohook;
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : MCB_FIRMWARE_DIR;
    mcb_target t;
    if (mcb_target_load("nrf52840", &t) < 0)
        return 1;
    char loop[4096], cnn[4096];
    snprintf(loop, sizeof loop, "%s/sim_smlad_bench.elf", dir);
    snprintf(cnn, sizeof cnn, "%s/sim_cnn_repeat.elf", dir);
    speed a, b;
    if (measure(&t, loop, &a) < 0 || measure(&t, cnn, &b) < 0)
        return 1;
    printf("%-24s %12s %12s %12s %7s\n", "workload", "instructions", "MIPS model", "MIPS plain",
           "ratio");
    printf("%-24s %12llu %12.1f %12.1f %7.3f   (goal >= 0.6)\n", "smlad loop", a.insns,
           a.mips_model, a.mips_nohook, a.ratio);
    printf("%-24s %12llu %12.1f %12.1f %7.3f   (goal >= 0.8)\n", "cnn x200", b.insns,
           b.mips_model, b.mips_nohook, b.ratio);
    printf("{\"workload\": \"cnn x200\", \"instructions\": %llu, \"mips_model\": %.2f, "
           "\"mips_nohook\": %.2f, \"ratio\": %.4f, \"smlad_mips_model\": %.2f, "
           "\"smlad_mips_nohook\": %.2f, \"smlad_ratio\": %.4f}\n",
           b.insns, b.mips_model, b.mips_nohook, b.ratio, a.mips_model, a.mips_nohook, a.ratio);
    return 0;
}
