/* Firmware build driver: compiles and links C/asm sources for a target with arm-none-eabi-gcc
 * (newlib-nano, our start-up, linker script and system calls from src/target/<runtime>/), in
 * one compiler run without a shell. The exact flags are returned and also stored in the ELF
 * (section MCB_FLAGS_SECTION, mcb_port.h), so every result can record them. */
#ifndef MCB_BUILD_H
#define MCB_BUILD_H

#include "target.h"

typedef struct {
    const mcb_target *target;
    const char *const *sources; /* .c, .S or .s files */
    int n_sources;
    const char *const *include_dirs;
    int n_include_dirs;
    const char *const *extra_flags; /* after the target's cflags, e.g. -O3 or -DX=1 or
                                       -Wl,--defsym=__mcb_stack_size=0x8000 */
    int n_extra_flags;
    const char *output; /* the ELF; written atomically (temporary + rename) */
    /* C++ sources (.cc, .cpp) are compiled one by one with the common flags, then
     * cxx_flags; extra_flags apply to the C and assembler sources and to the link. */
    const char *const *cxx_flags;
    int n_cxx_flags;
    const char *const *libs; /* static libraries (paths) or -lNAME, after the objects */
    int n_libs;
} mcb_fw_build;

/* 0 with *flags (malloc'd; NULL allowed) = the compiler flags used, space-separated, without
 * source files and output (C++ flags follow as "C++: ...", libraries as "libs: ..."); or -1 after one line naming the output (compiler messages above
 * it). The compiler is arm-none-eabi-gcc from PATH, or $MCUBENCH_ARM_GCC. */
int mcb_fw_build_run(const mcb_fw_build *b, char **flags);

/* Folder holding the runtimes (src/target of the project, or $MCUBENCH_RUNTIME_DIR). */
const char *mcb_runtime_dir(void);

#endif
