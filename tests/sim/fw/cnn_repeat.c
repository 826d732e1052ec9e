/* The CNN-like workload of tests/firmware run MCB_REPEAT times inside one pair of inference
 * markers: a long enough run for bench/sim to measure simulation speed. */
#include "cnn_model.h"
#include "mcb_port.h"

#include <stdio.h>

#ifndef MCB_REPEAT
#define MCB_REPEAT 200
#endif

static void mark(unsigned kind, unsigned layer)
{
    MCB_MARK(kind, layer);
}

int main(void)
{
    static int8_t in[CNN_IN * CNN_IN];
    int8_t out[CNN_OUT];
    unsigned long sum = 0;
    cnn_input(in);
    MCB_MARK(MCB_MARK_INFER_BEGIN, 0);
    for (int i = 0; i < MCB_REPEAT; i++) {
        cnn_infer(in, out, mark);
        sum += cnn_checksum(out);
        in[i % (CNN_IN * CNN_IN)] ^= 1; /* a different input each time */
    }
    MCB_MARK(MCB_MARK_INFER_END, 0);
    printf("%d inferences, checksum sum 0x%08lx\n", MCB_REPEAT, sum);
    return 0;
}
