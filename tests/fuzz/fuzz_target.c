/* libFuzzer target for the target-file parser: any text may be refused; an accepted target
 * has what the simulator relies on (a name, non-empty flash and RAM, a clock). */
#include "err.h"
#include "fuzz_file.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mcb_err_quiet(1);
    mcb_target t;
    if (mcb_target_load(fuzz_file(".target", data, size), &t) != 0)
        return 0;
    if (!t.name[0] || !t.flash_size || !t.ram_size || !t.clock_hz)
        abort();
    return 0;
}
