/* The CMSIS-NN library for the cmsis-nn engine (cn_int.h), built by the framework library cache
 * (fwlib.h) from the pinned archive: every int8/int16/int4 source of Source/ (the float
 * variants are left out, as CMSIS-NN's own CMake leaves them out unless ARM_NN_ENABLE_F32/F16
 * is on), with CMSIS 6's Core headers on the include path as CMSIS-NN's CMake puts them. The
 * firmware links the static library, so only the kernels the model calls end up in flash. */
#include "cn_int.h"

#include "fwlib.h"

#include <stdio.h>
#include <string.h>

#define CN_STEM "cmsis-nn-4ab83cc3"
#define CMSIS6_STEM "cmsis6-5782d6f8"

static const mcb_fwlib_archive archives[] = {{CN_STEM, NULL}, {CMSIS6_STEM, NULL}};
static const char *const sources[] = {CN_STEM "/Source/*/*.c", NULL};
static const char *const exclude[] = {"*_f16.c", "*_f32.c", "*_flt.c", NULL};
static const char *const include_dirs[] = {CN_STEM "/Include", CMSIS6_STEM "/CMSIS/Core/Include",
                                           NULL};

int cn_archives_present(char *why, size_t n)
{
    return mcb_fw_available(CN_STEM, why, n) && mcb_fw_available(CMSIS6_STEM, why, n);
}

int cn_library(const mcb_target *t, const mcb_engine_conditions *cond, char *lib, size_t n_lib,
               char *inc0, char *inc1, size_t n_inc)
{
    const mcb_fwlib_spec s = {.name = "cmsis-nn",
                              .archives = archives,
                              .n_archives = 2,
                              .sources = sources,
                              .exclude = exclude,
                              .include_dirs = include_dirs,
                              .target = t,
                              .cond = cond};
    if (mcb_fwlib_build(&s, lib, n_lib, NULL) < 0 ||
        mcb_fwlib_path(&s, include_dirs[0], inc0, n_inc) < 0 ||
        mcb_fwlib_path(&s, include_dirs[1], inc1, n_inc) < 0)
        return -1;
    return 0;
}
