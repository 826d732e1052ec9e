/* Firmware: runs the aot kernels (DSP path) and the reference kernels on the same random data
 * for each layer of one family network, compares both with the host's reference output, and
 * brackets the aot kernel of layer i with layer markers i (the reference with 100 + i), so
 * the simulator gives cycles per layer. Prints one line per layer and exits 1 on a mismatch. */
#include "aot_fw.h"
#include "mcb_runtime.h"

#include <stdio.h>
#include <string.h>

static int diff(const int8_t *a, const int8_t *b, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += a[i] != b[i];
    return bad;
}

int main(void)
{
    int failed = 0;
    printf("aot kernels on %s, DSP path: %s\n", aot_fw_net,
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
           "yes"
#else
           "no"
#endif
    );
    for (int i = 0; i < aot_fw_n_layers; i++) {
        const aot_fw_layer *l = &aot_fw_layers[i];
        memcpy(aot_fw_in, l->input, (size_t)l->n_input);
        memset(aot_fw_out, 0x55, (size_t)l->n_out);
        MCB_MARK(MCB_MARK_LAYER_BEGIN, i);
        if (l->aot_dw)
            mcb_aot_dw_s8(l->aot_dw, aot_fw_in, aot_fw_out);
        else if (l->conv)
            mcb_aot_conv_s8(l->aot_conv, aot_fw_in, aot_fw_out, aot_fw_scratch);
        else
            mcb_aot_fc_s8(l->aot_fc, aot_fw_in, aot_fw_out);
        MCB_MARK(MCB_MARK_LAYER_END, i);
        MCB_MARK(MCB_MARK_LAYER_BEGIN, 100 + i);
        if (l->aot_dw) {
            mcb_depthwise_conv2d_s8(l->conv, aot_fw_in, l->filter, l->bias, aot_fw_ref);
        } else if (l->conv) {
            mcb_conv2d_s8(l->conv, aot_fw_in, l->filter, l->bias,
                          l->pool ? aot_fw_conv : aot_fw_ref);
            if (l->pool)
                mcb_max_pool2d_s8(l->pool, aot_fw_conv, aot_fw_ref);
        } else {
            mcb_fully_connected_s8(l->fc, aot_fw_in, l->filter, l->bias, aot_fw_ref);
        }
        MCB_MARK(MCB_MARK_LAYER_END, 100 + i);
        const int bad_aot = diff(aot_fw_out, aot_fw_ref, l->n_out);
        const int bad_ref = diff(aot_fw_ref, l->expect, l->n_out);
        printf("layer %d %s: %ld MACs, aot vs reference: %s (%d bad), reference vs host: %s\n",
               i, l->name, l->macs, bad_aot ? "MISMATCH" : "match", bad_aot,
               bad_ref ? "MISMATCH" : "match");
        failed |= bad_aot || bad_ref;
    }
    printf(failed ? "result: MISMATCH\n" : "result: all match\n");
    return failed;
}
