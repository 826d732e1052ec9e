#include "proc.h"

#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Both ends close-on-exec: the child gets only the dup2'ed copy, so no stray writer keeps a
 * pipe open (and no other child inherits it). */
static int cloexec_pipe(int p[2])
{
    if (pipe(p) != 0)
        return -1;
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

pid_t mcb_spawn(char *const argv[], const char *package, int *out_fd, int *err_fd)
{
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        mcb_error("%s: cannot start: out of memory", argv[0]);
        return -1;
    }
    int ok = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) == 0;
    if (ok && out_fd) {
        ok = cloexec_pipe(po) == 0 && posix_spawn_file_actions_adddup2(&fa, po[1], 1) == 0;
    }
    if (ok && err_fd) {
        ok = cloexec_pipe(pe) == 0 && posix_spawn_file_actions_adddup2(&fa, pe[1], 2) == 0;
    }
    pid_t pid = -1;
    int rc = ok ? posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) : (errno ? errno : ENOMEM);
    posix_spawn_file_actions_destroy(&fa);
    /* The child has its copies of the write ends; ours must go so that EOF arrives. */
    if (po[1] >= 0)
        close(po[1]);
    if (pe[1] >= 0)
        close(pe[1]);
    if (rc != 0) {
        if (po[0] >= 0)
            close(po[0]);
        if (pe[0] >= 0)
            close(pe[0]);
        if (rc == ENOENT)
            mcb_error("%s: not found (install Debian's %s)", argv[0], package);
        else
            mcb_error("%s: cannot start: %s", argv[0], strerror(rc));
        return -1;
    }
    if (out_fd)
        *out_fd = po[0];
    if (err_fd)
        *err_fd = pe[0];
    return pid;
}

int mcb_spawn_wait(pid_t pid, const char *what)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            mcb_error("%s: wait failed: %s", what, strerror(errno));
            return -1;
        }
    }
    if (WIFSIGNALED(st)) {
        mcb_error("%s: killed by signal %d (%s)", what, WTERMSIG(st), strsignal(WTERMSIG(st)));
        return -1;
    }
    return WEXITSTATUS(st);
}
