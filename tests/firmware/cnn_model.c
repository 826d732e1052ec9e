#include "cnn_model.h"
#include "cnn_weights.h"

#include "mcb_port.h"

#define C1 8   /* conv1 filters */
#define C2 16  /* conv2 filters */
#define S1 14  /* conv1 output side (16 - 2) */
#define P1 7   /* after pool 1 */
#define S2 5   /* conv2 output side (7 - 2) */
#define P2 2   /* after pool 2 (floor) */
#define FLAT (P2 * P2 * C2)

static int8_t act1[S1 * S1 * C1];
static int8_t pool1[P1 * P1 * C1];
static int8_t act2[S2 * S2 * C2];
static int8_t pool2[FLAT];

/* Shifts grow with the number of products summed, so that outputs rarely saturate. */
#define SHIFT_CONV1 8
#define SHIFT_CONV2 11
#define SHIFT_DENSE 10

static int8_t requant(int32_t acc, int shift, int relu)
{
    acc >>= shift; /* arithmetic shift on both targets (gcc) */
    if (relu && acc < 0)
        acc = 0;
    if (acc > 127)
        acc = 127;
    if (acc < -128)
        acc = -128;
    return (int8_t)acc;
}

void cnn_input(int8_t in[CNN_IN * CNN_IN])
{
    uint32_t s = 2024;
    for (int i = 0; i < CNN_IN * CNN_IN; i++) {
        s = s * 1664525u + 1013904223u;
        in[i] = (int8_t)((int)(s >> 24) - 128);
    }
}

/* HWC layout; valid padding, stride 1. */
static void conv3x3(const int8_t *in, int side, int cin, const int8_t *w, const int32_t *b,
                    int cout, int shift, int8_t *out)
{
    int os = side - 2;
    for (int y = 0; y < os; y++)
        for (int x = 0; x < os; x++)
            for (int o = 0; o < cout; o++) {
                int32_t acc = b[o];
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++)
                        for (int c = 0; c < cin; c++)
                            acc += (int32_t)in[((y + ky) * side + (x + kx)) * cin + c] *
                                   w[((o * 3 + ky) * 3 + kx) * cin + c];
                out[(y * os + x) * cout + o] = requant(acc, shift, 1);
            }
}

static void maxpool2(const int8_t *in, int side, int ch, int8_t *out)
{
    int os = side / 2;
    for (int y = 0; y < os; y++)
        for (int x = 0; x < os; x++)
            for (int c = 0; c < ch; c++) {
                int8_t m = -128;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        int8_t v = in[((2 * y + dy) * side + 2 * x + dx) * ch + c];
                        if (v > m)
                            m = v;
                    }
                out[(y * os + x) * ch + c] = m;
            }
}

static void dense(const int8_t *in, int n, const int8_t *w, const int32_t *b, int nout,
                  int8_t *out)
{
    for (int o = 0; o < nout; o++) {
        int32_t acc = b[o];
        for (int i = 0; i < n; i++)
            acc += (int32_t)in[i] * w[o * n + i];
        out[o] = requant(acc, SHIFT_DENSE, 0);
    }
}

#define MARK(kind, layer)                                                                          \
    do {                                                                                           \
        if (mark)                                                                                  \
            mark(kind, layer);                                                                     \
    } while (0)

void cnn_infer(const int8_t in[CNN_IN * CNN_IN], int8_t out[CNN_OUT],
               void (*mark)(unsigned kind, unsigned layer))
{
    MARK(MCB_MARK_LAYER_BEGIN, 0);
    conv3x3(in, CNN_IN, 1, conv1_w, conv1_b, C1, SHIFT_CONV1, act1);
    MARK(MCB_MARK_LAYER_END, 0);
    MARK(MCB_MARK_LAYER_BEGIN, 1);
    maxpool2(act1, S1, C1, pool1);
    MARK(MCB_MARK_LAYER_END, 1);
    MARK(MCB_MARK_LAYER_BEGIN, 2);
    conv3x3(pool1, P1, C1, conv2_w, conv2_b, C2, SHIFT_CONV2, act2);
    MARK(MCB_MARK_LAYER_END, 2);
    MARK(MCB_MARK_LAYER_BEGIN, 3);
    maxpool2(act2, S2, C2, pool2);
    MARK(MCB_MARK_LAYER_END, 3);
    MARK(MCB_MARK_LAYER_BEGIN, 4);
    dense(pool2, FLAT, dense_w, dense_b, CNN_OUT, out);
    MARK(MCB_MARK_LAYER_END, 4);
}

uint32_t cnn_checksum(const int8_t out[CNN_OUT])
{
    uint32_t h = 2166136261u; /* FNV-1a over the output bytes */
    for (int i = 0; i < CNN_OUT; i++) {
        h ^= (uint8_t)out[i];
        h *= 16777619u;
    }
    return h;
}
