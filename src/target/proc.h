/* Child processes without a shell (posix_spawnp), shared by the build driver and QEMU runner. */
#ifndef MCB_PROC_H
#define MCB_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Starts argv[0] (searched in PATH) with stdin from /dev/null. out_fd/err_fd: if not NULL,
 * receive the read end of a pipe for the child's stdout/stderr; otherwise the child inherits
 * ours. Returns the pid, or -1 after reporting ("PROGRAM: not found (install PACKAGE)"). */
pid_t mcb_spawn(char *const argv[], const char *package, int *out_fd, int *err_fd);

/* Waits for pid; returns its exit status 0..255, or -1 after reporting a death by signal. */
int mcb_spawn_wait(pid_t pid, const char *what);

/* Runs argv to its end, reading its stdout into *out (malloc'd, NUL-terminated; NULL: thrown
 * away) and keeping the last line of its stderr in last_err (n bytes; "" if none), both
 * pipes read as data comes so that neither can fill up. Returns its exit status 0..255, or -1
 * after reporting (not found, killed, out of memory). */
int mcb_spawn_capture(char *const argv[], const char *package, char **out, char *last_err,
                      size_t n);

#endif
