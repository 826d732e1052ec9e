#include "qemu.h"

#include "err.h"
#include "proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_OUTPUT (64u << 20) /* a firmware printing more than this is stopped */
#define MAX_STDERR 4096

typedef struct {
    char *p;
    size_t n, cap, limit;
    int full;
} buf;

/* Reads what is available; 1 at EOF, 0 otherwise. Output past the limit is dropped. */
static int drain(int fd, buf *b)
{
    char chunk[8192];
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : 1;
    if (r == 0)
        return 1;
    size_t n = (size_t)r;
    if (b->n + n > b->limit) {
        n = b->limit - b->n;
        b->full = 1;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->full = 1;
            return 0;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, chunk, n);
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* First line of QEMU's stderr, for the error message. */
static const char *first_line(buf *b)
{
    if (!b->p)
        return "no message";
    b->p[strcspn(b->p, "\n")] = 0;
    return b->p;
}

int mcb_qemu_run(const mcb_target *t, const char *elf, double timeout_s, char **out,
                 int *exit_code)
{
    *out = NULL;
    *exit_code = -1;
    if (!t->qemu_machine[0]) {
        mcb_error("%s: target %s names no qemu_machine", elf, t->name);
        return -1;
    }
    if (access(elf, R_OK) != 0) {
        mcb_error("%s: cannot read: %s", elf, strerror(errno));
        return -1;
    }
    const char *qemu = getenv("MCUBENCH_QEMU");
    if (!qemu || !*qemu)
        qemu = "qemu-system-arm";
    /* Semihosting goes to a stdio chardev (QEMU 7.2 would otherwise print it on stderr, mixed
     * with its own messages); no display, monitor or serial port. */
    char *argv[] = {(char *)qemu, "-M", (char *)t->qemu_machine, "-display", "none", "-monitor",
                    "none", "-serial", "null", "-chardev", "stdio,id=mcbsh,signal=off",
                    "-semihosting-config", "enable=on,target=native,chardev=mcbsh", "-kernel",
                    (char *)elf, NULL};
    int ofd = -1, efd = -1;
    pid_t pid = mcb_spawn(argv, "qemu-system-arm", &ofd, &efd);
    if (pid < 0)
        return -1;
    buf o = {.limit = MAX_OUTPUT}, e = {.limit = MAX_STDERR};
    double deadline = now_s() + timeout_s;
    int o_eof = 0, e_eof = 0, timed_out = 0;
    while (!o_eof || !e_eof) {
        double left = deadline - now_s();
        if (left <= 0 || o.full) {
            timed_out = !o.full;
            break;
        }
        struct pollfd p[2] = {{o_eof ? -1 : ofd, POLLIN, 0}, {e_eof ? -1 : efd, POLLIN, 0}};
        int ms = left > 60 ? 60000 : (int)(left * 1000) + 1;
        int r = poll(p, 2, ms);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (!o_eof && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            o_eof = drain(ofd, &o);
        if (!e_eof && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            e_eof = drain(efd, &e);
    }
    int stopped = !o_eof || !e_eof;
    if (stopped)
        kill(pid, SIGKILL);
    close(ofd);
    close(efd);
    char what[600];
    snprintf(what, sizeof what, "%s: QEMU (%s)", elf, qemu);
    int st = mcb_spawn_wait(pid, what);
    int rc = -1;
    if (timed_out) {
        mcb_error("%s: did not finish on QEMU (%s) within %g s; stopped", elf, t->qemu_machine,
                  timeout_s);
        rc = -2;
    } else if (stopped) {
        mcb_error("%s: printed more than %u MB on QEMU; stopped", elf, MAX_OUTPUT >> 20);
    } else if (st < 0) {
        /* killed by a signal: already reported */
    } else if (st != 0 && o.n == 0 && e.n && strstr(e.p, "qemu")) {
        /* QEMU's own failure (e.g. it cannot load the ELF), not a firmware's exit code */
        mcb_error("%s: QEMU failed (%s)", elf, first_line(&e));
    } else {
        if (e.n)
            fputs(e.p, stderr); /* QEMU warnings, e.g. unsupported semihosting calls */
        *out = o.p ? o.p : strdup("");
        o.p = NULL;
        if (!*out) {
            mcb_error("%s: out of memory", elf);
        } else {
            *exit_code = st;
            rc = 0;
        }
    }
    free(o.p);
    free(e.p);
    return rc;
}
