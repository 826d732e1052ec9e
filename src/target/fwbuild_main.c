/* mcb-fwbuild: the firmware build driver as a command, for CMake (cmake/firmware.cmake).
 * usage: mcb-fwbuild --target NAME_OR_FILE -o OUT.elf [-I DIR]... [-X FLAG]... SOURCE... */
#include "build.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(const char *msg)
{
    fprintf(stderr,
            "mcb-fwbuild: %s\nusage: mcb-fwbuild --target NAME_OR_FILE -o OUT.elf [-I DIR]... "
            "[-X FLAG]... [--print-flags] SOURCE...\n",
            msg);
    return 2;
}

int main(int argc, char **argv)
{
    const char *target = NULL, *out = NULL;
    const char **srcs = calloc((size_t)argc, sizeof *srcs);
    const char **incs = calloc((size_t)argc, sizeof *incs);
    const char **xf = calloc((size_t)argc, sizeof *xf);
    int ns = 0, ni = 0, nx = 0, print = 0, rc = 2;
    if (!srcs || !incs || !xf) {
        fprintf(stderr, "mcb-fwbuild: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--target") && has)
            target = argv[++i];
        else if (!strcmp(a, "-o") && has)
            out = argv[++i];
        else if (!strcmp(a, "-I") && has)
            incs[ni++] = argv[++i];
        else if (!strcmp(a, "-X") && has)
            xf[nx++] = argv[++i];
        else if (!strcmp(a, "--print-flags"))
            print = 1;
        else if (a[0] == '-') {
            rc = usage("unknown option or missing value");
            goto done;
        } else
            srcs[ns++] = a;
    }
    if (!target || !out || !ns) {
        rc = usage("needs --target, -o and at least one source");
        goto done;
    }
    mcb_target t;
    rc = 1;
    if (mcb_target_load(target, &t) != 0)
        goto done;
    mcb_fw_build b = {.target = &t, .sources = srcs, .n_sources = ns, .include_dirs = incs,
                      .n_include_dirs = ni, .extra_flags = xf, .n_extra_flags = nx, .output = out};
    char *flags = NULL;
    if (mcb_fw_build_run(&b, &flags) != 0)
        goto done;
    if (print)
        printf("%s\n", flags);
    free(flags);
    rc = 0;
done:
    free(srcs);
    free(incs);
    free(xf);
    return rc;
}
