#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static char last[1024];
static int quiet;

void mcb_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last, sizeof last, fmt, ap);
    va_end(ap);
    if (!quiet)
        fprintf(stderr, "mcubench: %s\n", last);
}

const char *mcb_last_error(void) { return last; }

int mcb_err_quiet(int q)
{
    int was = quiet;
    quiet = q;
    return was;
}
