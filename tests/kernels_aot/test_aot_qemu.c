/* Runs an aot kernel firmware (fw/aot_fw.c) on QEMU mps2-an386, a Cortex-M4 with the DSP
 * extension: the DSP path must be the one compiled, and every layer's aot output must equal
 * the reference kernels' output on the target and the host's. The firmware is a network's
 * (aot_fwgen) or the pointwise / fully connected one (aot_pwgen, aot_kernels_pw.elf); each
 * must report its own layers. */
#include "qemu.h"
#include "target.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_aot_qemu FIRMWARE.elf\n");
        return 2;
    }
    mcb_target t;
    if (mcb_target_load("nrf52840", &t) != 0)
        return 1;
    char *out = NULL;
    int code = -1;
    CHECK_EQ_INT(mcb_qemu_run(&t, argv[1], 100, &out, &code), 0);
    if (out)
        fputs(out, stdout);
    CHECK(out && strstr(out, "DSP path: yes\n") != NULL);
    CHECK(out && strstr(out, "result: all match\n") != NULL);
    CHECK(out && strstr(out, "MISMATCH") == NULL);
    if (strstr(argv[1], "aot_kernels_pw")) {
        /* the fused loops' special cases were all generated and reported */
        CHECK(out && strstr(out, "biases ~2^30") != NULL);
        CHECK(out && strstr(out, "shifts >= 0") != NULL);
        CHECK(out && strstr(out, "fully connected 100 -> 10") != NULL);
        CHECK(out && strstr(out, "conv 3x3 SAME 7x9x8 -> 11 stride 2, biases ~2^30") != NULL);
        CHECK(out && strstr(out, "layer 33 ") != NULL); /* the last of the 34 layers ran */
    } else {
        /* the network's three layers and the four extra ones reported */
        CHECK(out && strstr(out, "layer 2 dense") != NULL);
        CHECK(out && strstr(out, "layer 4 extra") != NULL);
        CHECK(out && strstr(out, "layer 6 int16 weights") != NULL); /* both weight storages */
        if (strstr(argv[1], "mnist-conv128")) /* the firmware with the depthwise layers */
            CHECK(out && strstr(out, "layer 8 depthwise") != NULL);
        /* depthwise: layers 7 (stride 1, 25x5) and 8 (stride 2, 3 channels, some shifts >= 0) on
         * the one-channel plane path, layer 9 (a 3-wide output) on the 4-channel group path; the
         * ring path (wider planes) runs on the simulator in codegen.external (person_detect);
         * layers 10 (6x6, stride 1) and 11 (20x60, stride 2: 3 bands of rows) on the tiny
         * path's one-call loop
         * (dw_tiny_loop: the activation range all of int8) */
        if (strstr(argv[1], "mnist-conv128")) {
            CHECK(out && strstr(out, "layer 9 depthwise") != NULL);
            CHECK(out && strstr(out, "layer 10 depthwise 3x3 SAME stride 1 (full range) 6x6x32") != NULL);
            CHECK(out && strstr(out, "layer 11 depthwise 3x3 SAME stride 2 (full range) 20x60x8") != NULL);
        }
    }
    CHECK_EQ_INT(code, 0);
    free(out);
    return TEST_END();
}
