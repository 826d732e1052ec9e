/* libFuzzer target for the dataset readers: IDX images and labels, CIFAR-10 binary batches,
 * each plain or gzipped, and the gzip checks of `data check`. The first byte picks the
 * reader; the rest is the file. Any file may be refused; none may crash, leak or read out of
 * bounds, and what is accepted holds what was asked for. */
#include "err.h"
#include "fuzz_file.h"
#include "gzin.h"
#include "readers.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mcb_err_quiet(1);
    const int which = data[0] % 4;
    const char *path = fuzz_file(".gz", data + 1, size - 1);
    int n_file = 0, kept = 0;
    uint8_t *buf = NULL;
    switch (which) {
    case 0:
        if (mcb_idx_read_images(path, 4, 4, data[0] >> 2, &n_file, &kept, &buf) == 0) {
            if (kept < 1 || kept > n_file)
                abort();
            memset(buf, 0, (size_t)kept * 16); /* all of it is ours (ASan) */
            free(buf);
        }
        break;
    case 1:
        if (mcb_idx_read_labels(path, 10, data[0] >> 2, &n_file, &kept, &buf) == 0) {
            for (int i = 0; i < kept; i++)
                if (buf[i] >= 10)
                    abort();
            free(buf);
        }
        break;
    case 2: {
        static uint8_t px[2 * 32 * 32 * 3], lab[2];
        if (mcb_cifar_read_batch(path, 2, 1 + (data[0] >> 7), px, lab) == 0 && lab[0] >= 10)
            abort();
        break;
    }
    default: {
        (void)mcb_gz_trailing(path);
        mcb_gzin r;
        if (mcb_gzin_open(&r, path) == 0) {
            uint8_t tmp[4096];
            while (mcb_gzin_read(&r, tmp, sizeof tmp) > 0)
                ;
            mcb_gzin_close(&r);
        }
    }
    }
    return 0;
}
