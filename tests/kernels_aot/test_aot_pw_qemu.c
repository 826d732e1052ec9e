/* Runs the pointwise / fully connected kernel firmware (aot_pwgen + fw/aot_fw.c) on QEMU
 * mps2-an386, a Cortex-M4 with the DSP extension: the DSP path must be the one compiled, and
 * every layer's aot output must equal the reference kernels' output on the target and the
 * host's. */
#include "qemu.h"
#include "target.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_aot_pw_qemu FIRMWARE.elf\n");
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
    /* the fused loops' special cases were all generated and reported */
    CHECK(out && strstr(out, "biases ~2^30") != NULL);
    CHECK(out && strstr(out, "shifts >= 0") != NULL);
    CHECK(out && strstr(out, "fully connected 100 -> 10") != NULL);
    CHECK(out && strstr(out, "conv 3x3 SAME 7x9x8 -> 11 stride 2, biases ~2^30") != NULL);
    CHECK(out && strstr(out, "layer 33 ") != NULL); /* the last of the 34 layers ran */
    CHECK_EQ_INT(code, 0);
    free(out);
    return TEST_END();
}
