#include "proc.h"

#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
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

int mcb_spawn_capture(char *const argv[], const char *package, char **out, char *last_err,
                      size_t n)
{
    if (n)
        last_err[0] = 0;
    if (out)
        *out = NULL;
    int ofd = -1, efd = -1;
    const pid_t pid = mcb_spawn(argv, package, &ofd, &efd);
    if (pid < 0)
        return -1;
    char *obuf = NULL, ebuf[4096];
    size_t olen = 0, elen = 0;
    FILE *of = out ? open_memstream(&obuf, &olen) : NULL;
    int oom = out && !of;
    for (int open_fds = 2; open_fds;) {
        struct pollfd p[2] = {{ofd, POLLIN, 0}, {efd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        char buf[8192];
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const ssize_t k = read(p[i].fd, buf, sizeof buf);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                close(p[i].fd);
                *(i ? &efd : &ofd) = -1;
                open_fds--;
            } else if (i == 0) {
                if (of && fwrite(buf, 1, (size_t)k, of) != (size_t)k)
                    oom = 1;
            } else {
                /* keep the tail: the last line is what says why */
                for (ssize_t c = 0; c < k; c++) {
                    if (elen == sizeof ebuf - 1) {
                        memmove(ebuf, ebuf + sizeof ebuf / 2, elen - sizeof ebuf / 2);
                        elen -= sizeof ebuf / 2;
                    }
                    ebuf[elen++] = buf[c];
                }
            }
        }
    }
    if (ofd >= 0)
        close(ofd);
    if (efd >= 0)
        close(efd);
    if (of)
        fclose(of);
    ebuf[elen] = 0;
    while (elen && (ebuf[elen - 1] == '\n' || ebuf[elen - 1] == '\r'))
        ebuf[--elen] = 0;
    const char *last = strrchr(ebuf, '\n');
    if (n)
        snprintf(last_err, n, "%s", last ? last + 1 : ebuf);
    const int st = mcb_spawn_wait(pid, argv[0]);
    if (st < 0 || oom) {
        if (oom)
            mcb_error("%s: out of memory for its output", argv[0]);
        free(obuf);
        return -1;
    }
    if (out)
        *out = obuf;
    else
        free(obuf);
    return st;
}
