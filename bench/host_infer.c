/* bench/host-infer: host inference speed (images/s) of every zoo network, float and int8,
 * through the host executor (the reference arithmetic that `mcubench eval` uses).
 * usage: host-infer [MODELS_DIR] [--seconds S]   (default: the project's models/, 1 s each)
 * Inputs are deterministic pseudo-random bytes of the model's input type: speed does not
 * depend on the values. Ends with one JSON line {name: {float_ips, int8_ips}, ...}. */
#include "exec.h"
#include "family.h"
#include "json.h"
#include "progress.h"
#include "tflite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double measure(const char *path, double seconds, int *ok)
{
    mcb_graph g;
    *ok = 0;
    if (access(path, R_OK) != 0 || mcb_tflite_load(path, &g) != 0)
        return 0;
    mcb_exec *e = mcb_exec_prepare(&g, path);
    if (!e) {
        mcb_graph_free(&g);
        return 0;
    }
    const mcb_tensor *ti = &g.tensors[g.in[0]], *to = &g.tensors[g.out[0]];
    size_t in_bytes = (size_t)(mcb_tensor_elems(ti) * mcb_dtype_size(ti->type));
    unsigned char *in = malloc(in_bytes), *out = malloc((size_t)(mcb_tensor_elems(to) * 4) + 1);
    uint32_t s = 12345;
    for (size_t i = 0; i < in_bytes; i++) {
        s = s * 1664525u + 1013904223u;
        in[i] = (unsigned char)(s >> 24);
    }
    if (ti->type == MCB_FLOAT32)
        for (size_t i = 0; i < in_bytes / 4; i++)
            ((float *)(void *)in)[i] = (float)(i % 256) / 255.0f;
    mcb_exec_run(e, in, out); /* warm-up */
    long n = 0;
    double t0 = mcb_now(), t;
    do {
        mcb_exec_run(e, in, out);
        n++;
        t = mcb_now() - t0;
    } while (t < seconds);
    free(in);
    free(out);
    mcb_exec_free(e);
    mcb_graph_free(&g);
    *ok = 1;
    return n / t;
}

int main(int argc, char **argv)
{
    const char *dir = MCB_MODELS_DIR;
    double seconds = 1.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else
            dir = argv[i];
    }
    double fl[MCB_FAMILY_COUNT], q8[MCB_FAMILY_COUNT];
    int okf[MCB_FAMILY_COUNT], okq[MCB_FAMILY_COUNT];
    printf("host inference, one thread, %.1f s per model (models from %s)\n", seconds, dir);
    printf("%-16s %12s %12s %12s %10s\n", "network", "MACs", "float img/s", "int8 img/s", "int8/float");
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        char path[4096];
        const char *name = mcb_family[i].name;
        mcb_progress("%s", name);
        snprintf(path, sizeof path, "%s/%s.tflite", dir, name);
        fl[i] = measure(path, seconds, &okf[i]);
        snprintf(path, sizeof path, "%s/%s-int8.tflite", dir, name);
        q8[i] = measure(path, seconds, &okq[i]);
        mcb_progress_done();
        char a[32] = "missing", b[32] = "missing", r[32] = "-";
        if (okf[i])
            snprintf(a, sizeof a, "%.1f", fl[i]);
        if (okq[i])
            snprintf(b, sizeof b, "%.1f", q8[i]);
        if (okf[i] && okq[i])
            snprintf(r, sizeof r, "%.2f", q8[i] / fl[i]);
        printf("%-16s %12lld %12s %12s %10s\n", name, (long long)mcb_family_macs(&mcb_family[i]), a,
               b, r);
    }
    mcb_json j;
    mcb_json_init(&j, stdout, 0);
    mcb_json_obj_begin(&j);
    for (int i = 0; i < MCB_FAMILY_COUNT; i++) {
        mcb_json_key(&j, mcb_family[i].name);
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "float_ips");
        okf[i] ? mcb_json_num(&j, fl[i]) : mcb_json_null(&j);
        mcb_json_key(&j, "int8_ips");
        okq[i] ? mcb_json_num(&j, q8[i]) : mcb_json_null(&j);
        mcb_json_obj_end(&j);
    }
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
    return 0;
}
