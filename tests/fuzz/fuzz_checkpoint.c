/* libFuzzer target for the training-checkpoint reader: any file may be refused; none may
 * crash or leak, and one that is accepted for mnist-conv16 has its parameter count. The
 * seeds are real checkpoints, so the mutations reach the checksum and what follows it. */
#include "checkpoint.h"
#include "err.h"
#include "family.h"
#include "fuzz_file.h"
#include "net.h"
#include "rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mcb_net net;
    static int have_net;
    mcb_err_quiet(1);
    if (!have_net) {
        mcb_rng rng;
        mcb_rng_seed(&rng, 1);
        if (mcb_net_init(&net, mcb_family_find("mnist-conv16"), 1, &rng) != 0)
            abort();
        have_net = 1;
    }
    const char *path = fuzz_file(".ckpt", data, size);
    mcb_ckpt_info info;
    (void)mcb_ckpt_load(path, &info, NULL);
    (void)mcb_ckpt_load(path, &info, &net);
    return 0;
}
