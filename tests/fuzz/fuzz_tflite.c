/* libFuzzer target for the .tflite reader (built with -DMCB_FUZZ=ON and clang; see docs/tflite.md).
 * Any input may be rejected; none may crash, read out of bounds or leak. An accepted input must
 * also survive what `mcubench info` does with it, and writing it back must be stable: the graph
 * we read, written and read again, writes the same bytes. */
#include "err.h"
#include "graph_mem.h"
#include "tflite.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mcb_err_quiet(1);
    mcb_graph g;
    if (mcb_tflite_parse(data, size, "fuzz", &g) != 0)
        return 0;
    (void)mcb_graph_params(&g);
    (void)mcb_graph_macs(&g);
    if (mcb_graph_min_activation_bytes(&g) < 0)
        abort();
    uint8_t *a, *b;
    size_t na, nb;
    if (mcb_tflite_serialize(&g, &a, &na) == 0) { /* the writer may refuse, e.g. custom ops */
        mcb_graph h;
        if (mcb_tflite_parse(a, na, "rewritten", &h) != 0)
            abort();
        if (mcb_tflite_serialize(&h, &b, &nb) != 0 || na != nb || memcmp(a, b, na) != 0)
            abort();
        free(b);
        mcb_graph_free(&h);
        free(a);
    }
    mcb_graph_free(&g);
    return 0;
}
