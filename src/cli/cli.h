/* Subcommands of mcubench. Each takes (argc, argv) with argv[0] the command name and returns
 * the process exit code: 0 success, 1 bad input (already reported), 2 bad usage. */
#ifndef MCB_CLI_H
#define MCB_CLI_H

#define MCB_EXIT_OK 0
#define MCB_EXIT_INPUT 1
#define MCB_EXIT_USAGE 2

typedef struct {
    const char *name;
    const char *summary;
    const char *usage; /* full --help text */
    int (*run)(int argc, char **argv);
} mcb_command;

/* Usage error: "mcubench CMD: message" and a hint to --help; returns MCB_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...);
/* True if argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);
/* Parses a decimal integer in [lo, hi] for flag; returns 0, or reports a usage error and -1. */
int cli_parse_int(const char *cmd, const char *flag, const char *s, long lo, long hi, long *out);
/* Value of the option at argv[*i] ("--flag VALUE"); advances *i. NULL (after a usage error) if
 * missing. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);
/* An --opt value: one of GCC's -O levels. 0, or reports a usage error and -1. */
int cli_check_opt(const char *cmd, const char *s);
/* An engine name the registry knows. 0, or reports a usage error naming the engines and -1. */
int cli_check_engine(const char *cmd, const char *name);

/* Before long work: checks that an output FILE can be created where it is to go (by creating
 * and removing a probe beside it), so an hour of training does not end in "cannot write".
 * Returns 0, or reports "FILE: cannot write: why" and -1. */
int cli_check_output(const char *path);

extern const mcb_command mcb_commands[];
const mcb_command *cli_find(const char *name);

#endif
