/* DEV STUB: replaced by the fwlib-based build. */
#include "cn_int.h"
#include <stdio.h>
int cn_archives_present(char *why, size_t n) { if (n) why[0] = 0; return 1; }
int cn_library(const char *const *cflags, int n_cflags, char *lib, size_t n_lib, char *inc0,
               char *inc1, size_t n_inc)
{
    (void)cflags; (void)n_cflags;
    snprintf(lib, n_lib, "/tmp/cmsisnn-dev/libcmsis-nn.a");
    snprintf(inc0, n_inc, "/tmp/cmsisnn-dev/cmsis-nn-4ab83cc3/Include");
    snprintf(inc1, n_inc, "/tmp/cmsisnn-dev/cmsis6-5782d6f8/CMSIS/Core/Include");
    return 0;
}
