/* ADD int8 for the aot engine (mcb_aot.h): bit-exact with mcb_add_s8; the loop is in
 * aot_add.h (shared with the conv kernel's fused ADD). */
#include "aot_add.h"

void mcb_aot_add_s8(const mcb_aot_add *k, size_t n, const int8_t *input1, const int8_t *input2,
                    int8_t *output)
{
    aot_add_run(k, n, input1, input2, output);
}
