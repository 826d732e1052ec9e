/* Backward passes of every training layer, the loss and the whole network against central
 * finite differences. Each layer is checked on a linear probe L = sum(out * r) with random r,
 * evaluated in double so that rounding stays far below the tolerance; inputs are kept away
 * from ReLU and max-pool kinks so the function is smooth within the step. */
#include "layers.h"
#include "net.h"
#include "rng.h"
#include "../test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mcb_rng rng;

static void fill(float *a, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        a[i] = lo + (hi - lo) * mcb_rng_unit(&rng);
}

static double dot(const float *a, const float *r, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * r[i];
    return s;
}

/* Tolerance: finite differences in float with step 1e-2 on (piecewise) linear functions are
 * exact up to rounding, about 1e-5 here; 1e-3 relative + 1e-3 absolute leaves margin without
 * hiding a wrong index (which gives errors of order 1). */
static int close_enough(double num, double ana)
{
    return fabs(num - ana) <= 1e-3 + 1e-3 * fabs(ana);
}

static int fd_fail;
static void check_fd(const char *what, int i, double num, double ana)
{
    if (!close_enough(num, ana)) {
        if (fd_fail++ < 10)
            fprintf(stderr, "%s[%d]: finite difference %.6f, backward %.6f\n", what, i, num, ana);
    }
}

/* Probe through conv (+relu); sets *crossed if any output changed sides of the ReLU kink
 * relative to yref, where the finite difference would not measure the local slope. */
static const float *yref;
static int crossed;
static double conv_probe(const float *x, int n, int h, int w, int c, const float *wt,
                         const float *b, int k, int relu, const float *r)
{
    size_t m = (size_t)n * (h - 2) * (w - 2);
    float *cols = malloc(m * 9 * c * sizeof(float)), *y = malloc(m * k * sizeof(float));
    mcb_conv3x3_fwd(x, n, h, w, c, wt, b, k, 0, cols, y);
    if (relu)
        for (size_t i = 0; i < m * k; i++) {
            if ((y[i] > 0) != (yref[i] > 0))
                crossed = 1;
            y[i] = y[i] > 0 ? y[i] : 0;
        }
    double s = dot(y, r, m * k);
    free(cols);
    free(y);
    return s;
}

static void test_conv(int relu)
{
    int n = 2, h = 5, w = 6, c = 3, k = 4;
    size_t nx = (size_t)n * h * w * c, nw = (size_t)k * 9 * c, m = (size_t)n * (h - 2) * (w - 2);
    float *x = malloc(nx * 4), *wt = malloc(nw * 4), *b = malloc(k * 4), *r = malloc(m * k * 4);
    float *cols = malloc(m * 9 * c * 4), *y = malloc(m * k * 4), *dy = malloc(m * k * 4);
    float *dw = malloc(nw * 4), *db = malloc(k * 4), *dcols = malloc(m * 9 * c * 4),
          *dx = malloc(nx * 4);
    fill(x, nx, -1, 1);
    fill(wt, nw, -0.5f, 0.5f);
    fill(b, k, -0.2f, 0.2f);
    fill(r, m * k, -1, 1);
    mcb_conv3x3_fwd(x, n, h, w, c, wt, b, k, 0, cols, y);
    float *pre = malloc(m * k * 4);
    memcpy(pre, y, m * k * 4);
    yref = pre;
    if (relu)
        for (size_t i = 0; i < m * k; i++)
            y[i] = y[i] > 0 ? y[i] : 0;
    int skipped = 0, probes = 0;
    memcpy(dy, r, m * k * 4);
    mcb_conv3x3_bwd(dy, y, n, h, w, c, wt, k, relu, cols, dw, db, dcols, dx);
    const float eps = 1e-2f;
    for (size_t i = 0; i < nx; i++) {
        float s = x[i];
        x[i] = s + eps;
        double p = conv_probe(x, n, h, w, c, wt, b, k, relu, r);
        x[i] = s - eps;
        double q = conv_probe(x, n, h, w, c, wt, b, k, relu, r);
        x[i] = s;
        probes++;
        if (crossed)
            skipped++, crossed = 0;
        else
            check_fd("conv dx", (int)i, (p - q) / (2 * eps), dx[i]);
    }
    for (size_t i = 0; i < nw; i++) {
        float s = wt[i];
        wt[i] = s + eps;
        double p = conv_probe(x, n, h, w, c, wt, b, k, relu, r);
        wt[i] = s - eps;
        double q = conv_probe(x, n, h, w, c, wt, b, k, relu, r);
        wt[i] = s;
        probes++;
        if (crossed)
            skipped++, crossed = 0;
        else
            check_fd("conv dw", (int)i, (p - q) / (2 * eps), dw[i]);
    }
    for (int i = 0; i < k; i++) {
        float s = b[i];
        b[i] = s + eps;
        double p = conv_probe(x, n, h, w, c, wt, b, k, relu, r);
        b[i] = s - eps;
        double q = conv_probe(x, n, h, w, c, wt, b, k, relu, r);
        b[i] = s;
        probes++;
        if (crossed)
            skipped++, crossed = 0;
        else
            check_fd("conv db", i, (p - q) / (2 * eps), db[i]);
    }
    /* only a few probes may straddle the kink, or the test would check little */
    CHECK(skipped * 10 < probes);
    free(pre), free(x), free(wt), free(b), free(r), free(cols), free(y), free(dy), free(dw), free(db);
    free(dcols), free(dx);
}

static void test_pool(void)
{
    int n = 2, h = 5, w = 4, c = 3;
    size_t nx = (size_t)n * h * w * c, ny = (size_t)n * (h / 2) * (w / 2) * c;
    float *x = malloc(nx * 4), *y = malloc(ny * 4), *r = malloc(ny * 4), *dx = malloc(nx * 4);
    int32_t *arg = malloc(ny * 4);
    /* distinct values at least 0.05 apart: a 1e-2 step never changes the winner */
    for (size_t i = 0; i < nx; i++)
        x[i] = 0.05f * (float)((i * 37) % nx) - 1.0f;
    fill(r, ny, -1, 1);
    mcb_maxpool2_fwd(x, n, h, w, c, y, arg);
    mcb_maxpool2_bwd(r, arg, n, h, w, c, dx);
    const float eps = 1e-2f;
    for (size_t i = 0; i < nx; i++) {
        float s = x[i];
        x[i] = s + eps;
        mcb_maxpool2_fwd(x, n, h, w, c, y, arg);
        double p = dot(y, r, ny);
        x[i] = s - eps;
        mcb_maxpool2_fwd(x, n, h, w, c, y, arg);
        double q = dot(y, r, ny);
        x[i] = s;
        check_fd("pool dx", (int)i, (p - q) / (2 * eps), dx[i]);
    }
    /* odd rows are dropped: the last input row (h=5) gets no gradient */
    for (int b = 0; b < n; b++)
        for (int j = 0; j < w * c; j++)
            CHECK(dx[(size_t)b * h * w * c + (size_t)4 * w * c + j] == 0.0f);
    /* the fused pool+ReLU backward equals the pool backward masked where the winner is 0 */
    for (size_t i = 0; i < nx; i++)
        x[i] = x[i] > 2.5f ? x[i] - 2.5f : 0.0f; /* a ReLU output: some windows win with 0 */
    mcb_maxpool2_fwd(x, n, h, w, c, y, arg);
    float *dx2 = malloc(nx * 4);
    mcb_maxpool2_bwd(r, arg, n, h, w, c, dx);
    mcb_maxpool2_relu_bwd(r, y, arg, n, h, w, c, dx2);
    int zeros = 0, same = 1;
    for (size_t i = 0; i < nx; i++) {
        float want = x[i] > 0 ? dx[i] : 0.0f;
        same &= dx2[i] == want;
    }
    for (size_t i = 0; i < ny; i++)
        zeros += y[i] == 0.0f;
    CHECK(same);
    CHECK(zeros > 0 && zeros < (int)ny);
    free(dx2);
    free(x), free(y), free(r), free(dx), free(arg);
}

static void test_dense(void)
{
    int n = 3, in = 7, o = 5;
    float x[21], wt[35], b[5], z[15], r[15], dw[35], db[5], dx[21];
    fill(x, 21, -1, 1);
    fill(wt, 35, -1, 1);
    fill(b, 5, -1, 1);
    fill(r, 15, -1, 1);
    mcb_dense_bwd(r, x, n, in, wt, o, dw, db, dx);
    const float eps = 1e-2f;
    float *sets[3] = {x, wt, b}, *grads[3] = {dx, dw, db};
    int sizes[3] = {21, 35, 5};
    const char *names[3] = {"dense dx", "dense dw", "dense db"};
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < sizes[s]; i++) {
            float v = sets[s][i];
            sets[s][i] = v + eps;
            mcb_dense_fwd(x, n, in, wt, b, o, z);
            double p = dot(z, r, 15);
            sets[s][i] = v - eps;
            mcb_dense_fwd(x, n, in, wt, b, o, z);
            double q = dot(z, r, 15);
            sets[s][i] = v;
            check_fd(names[s], i, (p - q) / (2 * eps), grads[s][i]);
        }
}

static void test_xent(void)
{
    int n = 4, o = 6;
    float z[24], dz[24];
    uint8_t labels[4] = {0, 5, 2, 2};
    fill(z, 24, -3, 3);
    int correct;
    double loss = mcb_softmax_xent(z, labels, n, o, dz, &correct);
    CHECK(loss > 0);
    /* the loss is smooth: a smaller step and a tighter tolerance */
    const float eps = 1e-3f;
    for (int i = 0; i < 24; i++) {
        float v = z[i];
        z[i] = v + eps;
        double p = mcb_softmax_xent(z, labels, n, o, NULL, NULL);
        z[i] = v - eps;
        double q = mcb_softmax_xent(z, labels, n, o, NULL, NULL);
        z[i] = v;
        check_fd("xent dz", i, (p - q) / (2 * eps), dz[i]);
    }
    /* uniform logits: loss log(o), and correct counts argmax == label */
    float u[6] = {0, 0, 0, 0, 0, 0}, v[6] = {0, 0, 0, 9, 0, 0};
    uint8_t l0 = 0, l3 = 3;
    CHECK(fabs(mcb_softmax_xent(u, &l0, 1, 6, NULL, NULL) - log(6.0)) < 1e-9);
    mcb_softmax_xent(v, &l3, 1, 6, NULL, &correct);
    CHECK_EQ_INT(correct, 1);
}

/* The whole network: gradients of the mean loss wrt a sample of every parameter tensor. */
static void test_net(void)
{
    static const mcb_family_net tiny = {"tiny", "mnist", 4, 14, 14, 2, 3, 0};
    mcb_net t;
    mcb_rng r;
    mcb_rng_seed(&r, 7);
    CHECK(mcb_net_init(&t, &tiny, 3, &r) == 0);
    CHECK_EQ_INT(t.flat, 2 * 2 * 4);
    /* larger biases keep pre-activations mostly positive and away from kinks */
    for (int i = 0; i < 4; i++)
        t.params[t.off[MCB_P_B1] + i] = 0.3f, t.params[t.off[MCB_P_B2] + i] = 0.3f;
    size_t nx = (size_t)3 * 14 * 14 * 2;
    float *x0 = malloc(nx * 4);
    fill(x0, nx, 0, 1);
    uint8_t labels[3] = {0, 2, 1};
    memcpy(t.x, x0, nx * 4);
    mcb_net_backward(&t, 3, labels, NULL);
    float *grads = malloc(t.n_params * 4);
    memcpy(grads, t.grads, t.n_params * 4);
    const float eps = 1e-3f;
    int checked = 0, bad = 0;
    for (size_t i = 0; i < t.n_params; i += 2) {
        float v = t.params[i];
        t.params[i] = v + eps;
        memcpy(t.x, x0, nx * 4);
        mcb_net_forward(&t, 3);
        double p = mcb_softmax_xent(t.z, labels, 3, 3, NULL, NULL);
        t.params[i] = v - eps;
        memcpy(t.x, x0, nx * 4);
        mcb_net_forward(&t, 3);
        double q = mcb_softmax_xent(t.z, labels, 3, 3, NULL, NULL);
        t.params[i] = v;
        double num = (p - q) / (2 * eps);
        checked++;
        /* float logits make the loss noisy at about 1e-7 / eps = 1e-4 */
        if (fabs(num - grads[i]) > 5e-4 + 1e-2 * fabs(grads[i])) {
            if (bad++ < 5)
                fprintf(stderr, "net param %zu: finite difference %.6f, backward %.6f\n", i,
                        num, grads[i]);
        }
    }
    /* a max-pool winner or ReLU may switch within the step for a few parameters at most */
    CHECK(bad <= checked / 50);
    CHECK(checked > 100);
    /* Adam's first step moves every parameter with a non-zero gradient by about lr */
    float before = t.params[0];
    mcb_net_adam(&t, 1e-3f, 0.9f, 0.999f, 1e-7f);
    if (grads[0] != 0)
        CHECK(fabs(fabs(t.params[0] - before) - 1e-3) < 1e-5);
    free(x0);
    free(grads);
    mcb_net_free(&t);
}

int main(void)
{
    mcb_rng_seed(&rng, 42);
    test_conv(0);
    test_conv(1);
    test_pool();
    test_dense();
    test_xent();
    test_net();
    CHECK_EQ_INT(fd_fail, 0);
    return TEST_END();
}
