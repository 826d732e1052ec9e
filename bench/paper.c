/* bench/paper: the speed of the tool on the paper's full default sweep (issue 11's goal: ten
 * networks, every engine, fair conditions, 10 images, from the committed zoo with framework
 * libraries cached, within 20 minutes on 2 cores with --jobs 2). Runs 'mcubench paper' into a
 * fresh folder, times it, reads its results.csv and prints the time per cell and per engine;
 * the last line is a JSON object of the figures.
 * usage: build/bench/paper [--jobs N] [--images N] [--engines L] [--kernels L] [--datasets L]
 *        (needs $MCUBENCH_DATA; build/mcubench beside bench/) */
#include "err.h"
#include "proc.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char dir[] = "/tmp/mcubench-bench-paper-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char *args[40] = {MCB_MCUBENCH, "paper", "--jobs", "2", "-o", dir};
    int n = 6;
    for (int i = 1; i < argc && n < 38; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    fprintf(stderr, "bench/paper: %s paper ... -o %s\n", MCB_MCUBENCH, dir);
    const double t0 = mcb_now();
    const pid_t pid = mcb_spawn(args, NULL, NULL, NULL);
    const int st = pid < 0 ? -1 : mcb_spawn_wait(pid, "mcubench paper");
    const double seconds = mcb_now() - t0;
    char path[256];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench/paper: no results (mcubench paper exited %d)\n", st);
        return 1;
    }
    char line[65536];
    int cells = 0, okc = 0, failed = 0, unavailable = 0, nofit = 0;
    double cycles = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 1;
    }
    /* the CSV's columns by name (docs/benchmark.md) */
    int c_status = -1, c_cycles = -1, need = 0;
    {
        int col = 0;
        for (char *t = strtok(line, ",\n"); t; t = strtok(NULL, ",\n"), col++) {
            if (!strcmp(t, "status"))
                c_status = col;
            if (!strcmp(t, "cycles_mean"))
                c_cycles = col;
        }
        need = c_status > c_cycles ? c_status : c_cycles;
    }
    if (c_status < 0 || c_cycles < 0) {
        fprintf(stderr, "bench/paper: %s has no status or cycles_mean column\n", path);
        fclose(f);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        int col = 0, q = 0;
        char *fields[64] = {line};
        for (char *c = line; *c && col < 63; c++) {
            if (*c == '"')
                q = !q;
            else if (*c == ',' && !q) {
                *c = 0;
                fields[++col] = c + 1;
            }
        }
        if (col < need)
            continue;
        cells++;
        const char *status = fields[c_status];
        okc += !strcmp(status, "ok");
        failed += !strcmp(status, "failed") || !strcmp(status, "missing");
        unavailable += !strcmp(status, "unavailable");
        nofit += !strcmp(status, "nofit");
        if (!strcmp(status, "ok"))
            cycles += atof(fields[c_cycles]);
    }
    fclose(f);
    const int measured = okc + failed + nofit;
    printf("full sweep: %d cells (%d ok, %d do not fit, %d failed, %d unavailable engine)\n",
           cells, okc, nofit, failed, unavailable);
    printf("wall time   %.1f s, %.1f s per measured cell, %.2f G simulated cycles per image "
           "summed over the cells\n", seconds, measured ? seconds / measured : 0, cycles / 1e9);
    printf("goal        full default sweep within 1200 s with --jobs 2: %s\n",
           seconds <= 1200 ? "met" : "NOT met");
    printf("results     %s\n", dir);
    printf("{\"seconds\": %.1f, \"cells\": %d, \"ok\": %d, \"nofit\": %d, \"failed\": %d, "
           "\"unavailable\": %d, \"seconds_per_cell\": %.2f, \"goal_seconds\": 1200, "
           "\"goal_met\": %s}\n", seconds, cells, okc, nofit, failed, unavailable,
           measured ? seconds / measured : 0, seconds <= 1200 ? "true" : "false");
    return st == 0 || st == 1 ? 0 : 1;
}
