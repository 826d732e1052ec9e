#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static char last[1024], first[1024];
static int quiet, deferred, more;

/* One line, always: control characters (a newline in a file name) are shown as '?'. */
static void print_line(const char *msg, int n_more)
{
    char line[1024];
    size_t i = 0;
    for (; msg[i] && i + 1 < sizeof line; i++)
        line[i] = (unsigned char)msg[i] < 0x20 || msg[i] == 0x7F ? '?' : msg[i];
    line[i] = 0;
    if (n_more)
        fprintf(stderr, "mcubench: %s (and %d more problem%s)\n", line, n_more,
                n_more == 1 ? "" : "s");
    else
        fprintf(stderr, "mcubench: %s\n", line);
}

void mcb_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last, sizeof last, fmt, ap);
    va_end(ap);
    if (quiet)
        return;
    if (!deferred) {
        print_line(last, 0);
    } else if (!first[0]) {
        snprintf(first, sizeof first, "%s", last);
    } else {
        more++;
    }
}

const char *mcb_last_error(void) { return last; }

int mcb_err_quiet(int q)
{
    int was = quiet;
    quiet = q;
    return was;
}

void mcb_err_defer(int on) { deferred = on; }

int mcb_err_flush(void)
{
    if (!first[0])
        return 0;
    print_line(first, more);
    first[0] = 0;
    more = 0;
    return 1;
}
