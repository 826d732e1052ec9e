/* A uTensor-like workload for bench/sim: a 3x3 int8 convolution whose every tensor element is
 * read and written through a table of function pointers chosen at run time (as uTensor's
 * virtual Tensor::read/write), so the simulator sees what uTensor's kernels give it: many
 * short blocks, indirect calls (BLX) and returns (BX LR, POP {PC}), pushes and pops. It
 * prints a checksum, so the run is checked to be the same program each time. */
#include "mcb_port.h"

#include <stdint.h>
#include <stdio.h>

#define H 16
#define C 4
#define K 8
#define REPEAT 12

typedef struct tensor tensor;
typedef struct {
    int32_t (*read)(const tensor *t, int i);
    void (*write)(tensor *t, int i, int32_t v);
} tensor_ops;

struct tensor {
    const tensor_ops *ops;
    int8_t *data;
    int32_t zero; /* zero point, subtracted on read */
};

__attribute__((noinline)) static int32_t ram_read(const tensor *t, int i)
{
    return t->data[i] - t->zero;
}

__attribute__((noinline)) static void ram_write(tensor *t, int i, int32_t v)
{
    v += t->zero;
    t->data[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

__attribute__((noinline)) static int32_t rom_read(const tensor *t, int i)
{
    return t->data[i];
}

__attribute__((noinline)) static void rom_write(tensor *t, int i, int32_t v)
{
    (void)t, (void)i, (void)v; /* read-only: ignored */
}

static const tensor_ops ops[2] = {{ram_read, ram_write}, {rom_read, rom_write}};
static volatile int which_ram = 0, which_rom = 1; /* keeps the calls indirect */

static int8_t in_buf[H * H * C], out_buf[H * H * K], w_buf[3 * 3 * C * K];

__attribute__((noinline)) static void conv(const tensor *in, const tensor *w, tensor *out)
{
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < H - 1; x++)
            for (int k = 0; k < K; k++) {
                int32_t acc = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        for (int c = 0; c < C; c++)
                            acc += in->ops->read(in, ((y + dy) * H + x + dx) * C + c) *
                                   w->ops->read(w, (((dy + 1) * 3 + dx + 1) * C + c) * K + k);
                out->ops->write(out, (y * H + x) * K + k, acc >> 7);
            }
}

int main(void)
{
    uint32_t seed = 12345u, sum = 0;
    for (unsigned i = 0; i < sizeof in_buf; i++)
        in_buf[i] = (int8_t)((seed = seed * 1103515245u + 12345u) >> 24);
    for (unsigned i = 0; i < sizeof w_buf; i++)
        w_buf[i] = (int8_t)((seed = seed * 1103515245u + 12345u) >> 25);
    tensor in = {&ops[which_ram], in_buf, 3}, w = {&ops[which_rom], w_buf, 0},
           out = {&ops[which_ram], out_buf, -2};
    MCB_MARK(MCB_MARK_INFER_BEGIN, 0);
    for (int r = 0; r < REPEAT; r++) {
        conv(&in, &w, &out);
        for (unsigned i = 0; i < sizeof out_buf; i++)
            sum = sum * 31u + (uint8_t)out_buf[i];
        in_buf[r] ^= 1; /* a different input each time */
    }
    MCB_MARK(MCB_MARK_INFER_END, 0);
    printf("vcall checksum 0x%08lx\n", (unsigned long)sum);
    return 0;
}
