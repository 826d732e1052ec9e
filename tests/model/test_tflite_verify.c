/* Our files pass FlatBuffers' C++ verifier (tflite_verify.cpp), and what it reads through the
 * generated accessors agrees with the graph we wrote; a damaged file fails it. */
#include "../test.h"
#include "tflite.h"
#include "tflite_testgraph.h"

#include <stdlib.h>
#include <string.h>

int tflite_verify(const uint8_t *buf, size_t size, char *info, size_t info_size);

int main(void)
{
    for (int int8 = 0; int8 < 2; int8++) {
        mcb_graph g;
        uint8_t *buf;
        size_t size;
        char info[256], want[256];
        CHECK(tg_build(&g, int8) == 0);
        CHECK(mcb_tflite_serialize(&g, &buf, &size) == 0);
        int n_const = 0;
        for (int i = 0; i < g.n_tensors; i++)
            n_const += g.tensors[i].data != NULL;
        /* every op of the test graphs has its own code */
        snprintf(want, sizeof want, "version 3 codes %d buffers %d tensors %d operators %d desc %s",
                 g.n_ops, n_const + 1, g.n_tensors, g.n_ops, g.description);
        CHECK(tflite_verify(buf, size, info, sizeof info) == 0);
        if (strcmp(info, want)) {
            fprintf(stderr, "verifier read '%s', wanted '%s'\n", info, want);
            test_failures++;
        }
        /* Sanity of the oracle itself: a broken root offset must fail it. */
        buf[0] ^= 0x40;
        CHECK(tflite_verify(buf, size, info, sizeof info) != 0);
        free(buf);
        mcb_graph_free(&g);
    }
    return TEST_END();
}
