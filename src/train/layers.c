#include "layers.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

void mcb_im2col3x3(const float *x, int n, int h, int w, int c, float *cols)
{
    int oh = h - 2, ow = w - 2;
    size_t rowlen = (size_t)3 * c; /* one kernel row: 3 adjacent pixels are contiguous in NHWC */
    for (int b = 0; b < n; b++) {
        const float *xb = x + (size_t)b * h * w * c;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                float *dst = cols + (((size_t)b * oh + oy) * ow + ox) * 9 * c;
                for (int ky = 0; ky < 3; ky++) {
                    const float *src = xb + ((size_t)(oy + ky) * w + ox) * c;
                    float *d = dst + ky * rowlen;
                    /* few channels: a plain loop beats a memcpy call per 3-12 floats */
                    for (size_t j = 0; j < rowlen; j++)
                        d[j] = src[j];
                }
            }
    }
}

void mcb_col2im3x3(const float *dcols, int n, int h, int w, int c, float *dx)
{
    int oh = h - 2, ow = w - 2;
    size_t rowlen = (size_t)3 * c;
    memset(dx, 0, (size_t)n * h * w * c * sizeof(float));
    for (int b = 0; b < n; b++) {
        float *db = dx + (size_t)b * h * w * c;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                const float *src = dcols + (((size_t)b * oh + oy) * ow + ox) * 9 * c;
                for (int ky = 0; ky < 3; ky++) {
                    float *d = db + ((size_t)(oy + ky) * w + ox) * c;
                    const float *s = src + ky * rowlen;
                    for (size_t j = 0; j < rowlen; j++)
                        d[j] += s[j];
                }
            }
    }
}

void mcb_conv3x3_fwd(const float *x, int n, int h, int w, int c, const float *wt, const float *b,
                     int k, int relu, float *cols, float *y)
{
    int m = n * (h - 2) * (w - 2), kd = 9 * c;
    mcb_im2col3x3(x, n, h, w, c, cols);
    for (int r = 0; r < m; r++)
        memcpy(y + (size_t)r * k, b, (size_t)k * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, k, kd, 1.0f, cols, kd, wt, kd, 1.0f, y,
                k);
    if (relu)
        for (size_t i = 0; i < (size_t)m * k; i++)
            y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

void mcb_conv3x3_bwd(float *dy, const float *y, int n, int h, int w, int c, const float *wt,
                     int k, int relu, const float *cols, float *dwt, float *db, float *dcols,
                     float *dx)
{
    int m = n * (h - 2) * (w - 2), kd = 9 * c;
    if (relu)
        for (size_t i = 0; i < (size_t)m * k; i++)
            if (!(y[i] > 0.0f))
                dy[i] = 0.0f;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, kd, m, 1.0f, dy, k, cols, kd, 0.0f,
                dwt, kd);
    memset(db, 0, (size_t)k * sizeof(float));
    for (int r = 0; r < m; r++) {
        const float *row = dy + (size_t)r * k;
        for (int j = 0; j < k; j++)
            db[j] += row[j];
    }
    if (dx) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, kd, k, 1.0f, dy, k, wt, kd,
                    0.0f, dcols, kd);
        mcb_col2im3x3(dcols, n, h, w, c, dx);
    }
}

void mcb_maxpool2_fwd(const float *x, int n, int h, int w, int c, float *y, int32_t *arg)
{
    int oh = h / 2, ow = w / 2;
    for (int b = 0; b < n; b++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                size_t o = (((size_t)b * oh + oy) * ow + ox) * c;
                size_t base = (((size_t)b * h + 2 * oy) * w + 2 * ox) * c;
                const float *x0 = x + base, *x1 = x0 + c, *x2 = x0 + (size_t)w * c, *x3 = x2 + c;
                int32_t a0 = (int32_t)(base - (size_t)b * h * w * c);
                int32_t a1 = a0 + c, a2 = a0 + w * c, a3 = a2 + c;
                /* branch-free over channels; ties keep the first window element */
                for (int ch = 0; ch < c; ch++) {
                    float v = x0[ch];
                    int32_t a = a0 + ch;
                    a = x1[ch] > v ? a1 + ch : a, v = x1[ch] > v ? x1[ch] : v;
                    a = x2[ch] > v ? a2 + ch : a, v = x2[ch] > v ? x2[ch] : v;
                    a = x3[ch] > v ? a3 + ch : a, v = x3[ch] > v ? x3[ch] : v;
                    y[o + ch] = v;
                    arg[o + ch] = a;
                }
            }
}

void mcb_maxpool2_bwd(const float *dy, const int32_t *arg, int n, int h, int w, int c, float *dx)
{
    size_t in = (size_t)h * w * c, out = (size_t)(h / 2) * (w / 2) * c;
    memset(dx, 0, (size_t)n * in * sizeof(float));
    for (int b = 0; b < n; b++)
        for (size_t i = 0; i < out; i++)
            dx[(size_t)b * in + arg[(size_t)b * out + i]] += dy[(size_t)b * out + i];
}

void mcb_maxpool2_relu_bwd(const float *dy, const float *y, const int32_t *arg, int n, int h,
                           int w, int c, float *dx)
{
    size_t in = (size_t)h * w * c, out = (size_t)(h / 2) * (w / 2) * c;
    memset(dx, 0, (size_t)n * in * sizeof(float));
    for (int b = 0; b < n; b++) {
        float *d = dx + (size_t)b * in;
        for (size_t i = 0; i < out; i++) {
            size_t j = (size_t)b * out + i;
            if (y[j] > 0.0f)
                d[arg[j]] = dy[j];
        }
    }
}

void mcb_dense_fwd(const float *x, int n, int i, const float *wt, const float *b, int o, float *z)
{
    for (int r = 0; r < n; r++)
        memcpy(z + (size_t)r * o, b, (size_t)o * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, o, i, 1.0f, x, i, wt, i, 1.0f, z, o);
}

void mcb_dense_bwd(const float *dz, const float *x, int n, int i, const float *wt, int o,
                   float *dwt, float *db, float *dx)
{
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, o, i, n, 1.0f, dz, o, x, i, 0.0f, dwt, i);
    memset(db, 0, (size_t)o * sizeof(float));
    for (int r = 0; r < n; r++)
        for (int j = 0; j < o; j++)
            db[j] += dz[(size_t)r * o + j];
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, i, o, 1.0f, dz, o, wt, i, 0.0f,
                    dx, i);
}

double mcb_softmax_xent(const float *z, const uint8_t *labels, int n, int o, float *dz,
                        int *correct)
{
    double loss = 0.0;
    int ok = 0;
    for (int r = 0; r < n; r++) {
        const float *zr = z + (size_t)r * o;
        int best = 0;
        for (int j = 1; j < o; j++)
            if (zr[j] > zr[best])
                best = j;
        ok += best == labels[r];
        double sum = 0.0;
        for (int j = 0; j < o; j++)
            sum += exp((double)zr[j] - zr[best]);
        double logsum = log(sum) + zr[best];
        loss += logsum - zr[labels[r]];
        if (dz)
            for (int j = 0; j < o; j++) {
                double p = exp((double)zr[j] - logsum);
                dz[(size_t)r * o + j] = (float)((p - (j == labels[r])) / n);
            }
    }
    if (correct)
        *correct = ok;
    return loss / n;
}
