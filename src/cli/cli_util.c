#include "cli.h"
#include "engine.h"
#include "err.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mcubench %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'mcubench %s --help')\n", cmd);
    return MCB_EXIT_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    return 0;
}

int cli_parse_int(const char *cmd, const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cli_usage_error(cmd, "%s wants an integer in %ld..%ld, got '%s'", flag, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_check_opt(const char *cmd, const char *s)
{
    static const char *const levels[] = {"-O0", "-O1", "-O2", "-O3", "-Os", "-Ofast", "-Og"};
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++)
        if (!strcmp(s, levels[k]))
            return 0;
    cli_usage_error(cmd, "--opt takes -O0, -O1, -O2, -O3, -Os, -Ofast or -Og, not '%s'", s);
    return -1;
}

int cli_check_engine(const char *cmd, const char *name)
{
    if (mcb_engine_find(name))
        return 0;
    char names[256];
    mcb_engine_names(names, sizeof names);
    cli_usage_error(cmd, "unknown engine '%s' (engines: %s)", name, names);
    return -1;
}

const char *cli_value(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int cli_check_output(const char *path) { return mcb_output_writable(path); }
