/* bench/train: training speed (images/s) of every network of the paper family with our trainer,
 * and, where /usr/bin/python3 has torch, of the same network, batch and optimizer in PyTorch on
 * the same machine, with the ratio ours/PyTorch. Synthetic inputs (training speed does not
 * depend on the pixel values). The last line is one JSON object with all figures.
 * On a shared machine the two are timed alternately, several rounds, and the best rate of each
 * is kept, so that other work slows both alike rather than one of them by chance.
 *
 * usage: train [--threads T] [--batch B] [--seconds S] [--rounds R] [--no-torch] [NAME...] */
#include "json.h"
#include "net.h"
#include "progress.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MCB_BENCH_DIR
#define MCB_BENCH_DIR "bench"
#endif

/* a whole number in [lo, hi], or -1 */
static long arg_int(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    return end != s && !*end && v >= lo && v <= hi ? v : -1;
}

static double load_average(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

static double ours(const mcb_family_net *fn, int batch, double seconds)
{
    mcb_rng r;
    mcb_rng_seed(&r, 1);
    mcb_net t;
    if (mcb_net_init(&t, fn, batch, &r) != 0)
        return -1;
    size_t n = (size_t)batch * t.h * t.w * t.c;
    for (size_t i = 0; i < n; i++)
        t.x[i] = mcb_rng_unit(&r);
    uint8_t labels[4096];
    for (int i = 0; i < batch; i++)
        labels[i] = (uint8_t)mcb_rng_below(&r, 10);
    /* each step overwrites activations but not t.x, so the same batch is reused */
    mcb_net_backward(&t, batch, labels, NULL);
    mcb_net_adam(&t, 1e-3f, 0.9f, 0.999f, 1e-7f);
    int steps = 0;
    double t0 = mcb_now(), dt;
    do {
        mcb_net_backward(&t, batch, labels, NULL);
        mcb_net_adam(&t, 1e-3f, 0.9f, 0.999f, 1e-7f);
        steps++;
        dt = mcb_now() - t0;
    } while (dt < seconds || steps < 3);
    mcb_net_free(&t);
    return steps * (double)batch / dt;
}

static int have_torch(void)
{
    return system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") == 0;
}

static double torch_rate(const mcb_family_net *fn, int batch, int threads, double seconds)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/train_torch.py %d %d %d %d %d %d %g 2>/dev/null",
             MCB_BENCH_DIR, fn->in_h, fn->in_w, fn->in_c, fn->kernels, batch, threads, seconds);
    FILE *p = popen(cmd, "r");
    double v = -1;
    if (!p)
        return -1;
    if (fscanf(p, "%lf", &v) != 1)
        v = -1;
    if (pclose(p) != 0)
        v = -1;
    return v;
}

int main(int argc, char **argv)
{
    int threads = 1, batch = 32, use_torch = 1, rounds = 3;
    double seconds = 2;
    const char *names[MCB_FAMILY_COUNT];
    int n_names = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-torch"))
            use_torch = 0;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc && arg_int(argv[i + 1], 1, 64) > 0)
            threads = (int)arg_int(argv[++i], 1, 64);
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc && arg_int(argv[i + 1], 1, 4096) > 0)
            batch = (int)arg_int(argv[++i], 1, 4096);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc && arg_int(argv[i + 1], 1, 600) > 0)
            seconds = (double)arg_int(argv[++i], 1, 600);
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc && arg_int(argv[i + 1], 1, 100) > 0)
            rounds = (int)arg_int(argv[++i], 1, 100);
        else if (mcb_family_find(argv[i]) && n_names < MCB_FAMILY_COUNT)
            names[n_names++] = argv[i];
        else {
            fprintf(stderr, "usage: train [--threads T] [--batch B] [--seconds S] [--rounds R] "
                            "[--no-torch] [NAME...]\n");
            return 2;
        }
    }
    if (!n_names)
        for (int i = 0; i < MCB_FAMILY_COUNT; i++)
            names[n_names++] = mcb_family[i].name;
    openblas_set_num_threads(threads);
    if (use_torch && !have_torch()) {
        printf("PyTorch: not available to /usr/bin/python3; timing ours only\n");
        use_torch = 0;
    }
    double load0 = load_average();
    printf("training speed, batch %d, %d thread(s), Adam, synthetic inputs, best of %d rounds of "
           "%.0f s; load average %.2f before the run%s\n",
           batch, threads, rounds, seconds, load0,
           load0 > 0.5 ? " (other work was running: figures under load)" : "");
    printf("%-16s %12s %12s %8s\n", "network", "ours img/s", "torch img/s", "ratio");
    double ours_v[MCB_FAMILY_COUNT], torch_v[MCB_FAMILY_COUNT];
    for (int i = 0; i < n_names; i++) {
        const mcb_family_net *fn = mcb_family_find(names[i]);
        ours_v[i] = torch_v[i] = -1;
        for (int r = 0; r < rounds; r++) {
            double a = ours(fn, batch, seconds);
            double b = use_torch ? torch_rate(fn, batch, threads, seconds) : -1;
            ours_v[i] = a > ours_v[i] ? a : ours_v[i];
            torch_v[i] = b > torch_v[i] ? b : torch_v[i];
        }
        if (torch_v[i] > 0)
            printf("%-16s %12.1f %12.1f %8.2f\n", fn->name, ours_v[i], torch_v[i],
                   ours_v[i] / torch_v[i]);
        else
            printf("%-16s %12.1f %12s %8s\n", fn->name, ours_v[i], "-", "-");
        fflush(stdout);
    }
    double load1 = load_average();
    mcb_json j;
    mcb_json_init(&j, stdout, 0);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "batch");
    mcb_json_int(&j, batch);
    mcb_json_key(&j, "threads");
    mcb_json_int(&j, threads);
    mcb_json_key(&j, "rounds");
    mcb_json_int(&j, rounds);
    mcb_json_key(&j, "load_before");
    mcb_json_num(&j, load0);
    mcb_json_key(&j, "load_after");
    mcb_json_num(&j, load1);
    mcb_json_key(&j, "under_load");
    mcb_json_bool(&j, load0 > 0.5 || load1 > 1.5);
    mcb_json_key(&j, "networks");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < n_names; i++) {
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "name");
        mcb_json_str(&j, names[i]);
        mcb_json_key(&j, "ours_images_per_s");
        mcb_json_num(&j, ours_v[i]);
        mcb_json_key(&j, "torch_images_per_s");
        if (torch_v[i] > 0)
            mcb_json_num(&j, torch_v[i]);
        else
            mcb_json_null(&j);
        mcb_json_key(&j, "ratio");
        if (torch_v[i] > 0)
            mcb_json_num(&j, ours_v[i] / torch_v[i]);
        else
            mcb_json_null(&j);
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
    return 0;
}
