/* libFuzzer target for the ELF loader and the simulator's set-up (docs/reliability.md): any
 * file may be refused; none may crash, read out of bounds, leak or hang. A loaded ELF also
 * goes through symbol lookups and the segment checks against the nrf52840's flash and RAM;
 * one in 32 (by a hash of the bytes, so a crash reproduces) also gets a short simulated run
 * (at most 20,000 instructions): Unicorn's set-up costs ~100 ms, the loader microseconds. */
#include "elf.h"
#include "err.h"
#include "fuzz_file.h"
#include "sim.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mcb_target t;
    static int have_target;
    mcb_err_quiet(1);
    if (!have_target) {
        if (mcb_target_load("nrf52840", &t) != 0)
            abort();
        have_target = 1;
    }
    mcb_elf *e = mcb_elf_load(fuzz_file(".elf", data, size));
    if (!e)
        return 0;
    for (int i = 0; i < e->nsegs; i++)
        (void)mcb_elf_symbol_at(e, e->segs[i].vaddr);
    uint32_t v;
    (void)mcb_elf_symbol_value(e, "main", &v);
    (void)mcb_elf_section_data(e, mcb_elf_section_named(e, ".text"));
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    if (mcb_sim_check_segments(e, &t) != 0 || h % 32 != 0) {
        mcb_elf_free(e);
        return 0;
    }
    mcb_sim_opts o = {.target = &t, .budget = 20000};
    mcb_sim_result r;
    if (mcb_sim_run(e, &o, &r) == 0 && r.exited && r.fault[0])
        abort(); /* an exit and a fault at once */
    mcb_sim_result_free(&r);
    mcb_elf_free(e);
    return 0;
}
