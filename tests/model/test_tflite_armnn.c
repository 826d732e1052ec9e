/* The float test graph, written by us, loaded and run by Arm NN (tflite_armnn.cpp), must give
 * what a direct computation from the graph's own weights gives: so our layout conventions
 * (OHWI conv weights, [units, inputs] dense weights, NHWC flattening through RESHAPE, options)
 * mean to a TFLite consumer what they mean to us. */
#include "../test.h"
#include "tflite.h"
#include "tflite_testgraph.h"

#include <math.h>
#include <string.h>

int armnn_run(const char *path, const float *x, size_t nx, float *y, size_t ny);

static const float *fdata(const mcb_graph *g, int t) { return (const float *)g->tensors[t].data; }

/* conv 3x3 valid ReLU -> max-pool 2x2/2 -> flatten -> dense -> softmax, in double */
static void reference(const mcb_graph *g, const float *x, double *y)
{
    const float *w = fdata(g, 1), *b = fdata(g, 2), *fw = fdata(g, 7), *fb = fdata(g, 8);
    double conv[TG_OUT][TG_OUT][TG_K], pool[TG_POOL][TG_POOL][TG_K], logits[TG_CLASSES];
    for (int r = 0; r < TG_OUT; r++)
        for (int c = 0; c < TG_OUT; c++)
            for (int o = 0; o < TG_K; o++) {
                double s = b[o];
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++)
                        s += (double)x[(r + ky) * TG_HW + c + kx] * w[(o * 3 + ky) * 3 + kx];
                conv[r][c][o] = s > 0 ? s : 0;
            }
    for (int r = 0; r < TG_POOL; r++)
        for (int c = 0; c < TG_POOL; c++)
            for (int o = 0; o < TG_K; o++) {
                double m = conv[2 * r][2 * c][o];
                for (int k = 1; k < 4; k++)
                    m = fmax(m, conv[2 * r + k / 2][2 * c + k % 2][o]);
                pool[r][c][o] = m;
            }
    const double *flat = &pool[0][0][0];
    double mx = -1e300, sum = 0;
    for (int k = 0; k < TG_CLASSES; k++) {
        double s = fb[k];
        for (int j = 0; j < TG_FLAT; j++)
            s += fw[k * TG_FLAT + j] * flat[j];
        logits[k] = s;
        mx = fmax(mx, s);
    }
    for (int k = 0; k < TG_CLASSES; k++)
        sum += y[k] = exp(logits[k] - mx);
    for (int k = 0; k < TG_CLASSES; k++)
        y[k] /= sum;
}

int main(void)
{
    mcb_graph g;
    CHECK(tg_build(&g, 0) == 0);
    CHECK(mcb_tflite_save("armnn_float.tflite", &g) == 0);
    float x[TG_HW * TG_HW], y[TG_CLASSES];
    double want[TG_CLASSES];
    for (int i = 0; i < TG_HW * TG_HW; i++)
        x[i] = (float)((i * 37) % 101) / 100.0f;
    int rc = armnn_run("armnn_float.tflite", x, TG_HW * TG_HW, y, TG_CLASSES);
    if (rc == 77) {
        printf("SKIP: Arm NN's CpuRef backend is not installed (libarmnn-cpuref-backend22)\n");
        mcb_graph_free(&g);
        return 77;
    }
    CHECK_EQ_INT(rc, 0);
    reference(&g, x, want);
    for (int k = 0; k < TG_CLASSES && rc == 0; k++) {
        if (fabs(y[k] - want[k]) > 1e-5) {
            fprintf(stderr, "class %d: Arm NN %.7f, reference %.7f\n", k, y[k], want[k]);
            test_failures++;
        }
    }
    mcb_graph_free(&g);
    return TEST_END();
}
