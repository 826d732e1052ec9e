#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int enabled = -1;
static int open_line;

int mcb_progress_enabled(void)
{
    if (enabled < 0) {
        const char *ci = getenv("CI");
        enabled = isatty(2) && !(ci && *ci);
    }
    return enabled;
}

void mcb_progress(const char *fmt, ...)
{
    if (!mcb_progress_enabled())
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("\r\033[K", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
    open_line = 1;
}

void mcb_progress_disable(void)
{
    enabled = 0;
    open_line = 0;
}

void mcb_progress_done(void)
{
    if (open_line && mcb_progress_enabled())
        fputc('\n', stderr);
    open_line = 0;
}

double mcb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
