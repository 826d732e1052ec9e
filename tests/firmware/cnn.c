/* CNN-like int8 workload: markers around the inference and each of its 5 layers; prints the
 * output and its checksum (the host test computes the same with cnn_model.c). */
#include "cnn_model.h"
#include "mcb_port.h"

#include <stdio.h>

static void mark(unsigned kind, unsigned layer)
{
    MCB_MARK(kind, layer);
}

int main(void)
{
    static int8_t in[CNN_IN * CNN_IN];
    int8_t out[CNN_OUT];
    cnn_input(in);
    MCB_MARK(MCB_MARK_INFER_BEGIN, 0);
    cnn_infer(in, out, mark);
    MCB_MARK(MCB_MARK_INFER_END, 0);
    printf("output:");
    for (int i = 0; i < CNN_OUT; i++)
        printf(" %d", out[i]);
    printf("\nchecksum: 0x%08lx\n", (unsigned long)cnn_checksum(out));
    return 0;
}
