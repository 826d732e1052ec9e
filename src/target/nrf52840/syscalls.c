/* newlib-nano system calls of the nrf52840 runtime: console writes go to semihosting, the heap
 * grows from the end of .bss up to __mcb_heap_limit, exit ends the run with its code; every
 * other call fails cleanly with errno set (no files, no processes). */
#include "mcb_runtime.h"

#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

extern char __bss_end__[];
extern char __mcb_heap_limit[];

/* The program break, read by the simulator (mcb_port.h). */
char *mcb_heap_brk = __bss_end__;

int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
void *_sbrk(ptrdiff_t incr);
void _exit(int code) __attribute__((noreturn));
int _kill(int pid, int sig);
int _getpid(void);

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    /* SYS_WRITE0 takes NUL-terminated text: send it in chunks, NUL bytes one by one. */
    char chunk[65];
    int n = 0;
    for (int i = 0; i < len; i++) {
        if (buf[i] == 0) {
            chunk[n] = 0;
            if (n)
                mcb_write0(chunk);
            n = 0;
            mcb_writec(0);
            continue;
        }
        chunk[n++] = buf[i];
        if (n == 64) {
            chunk[n] = 0;
            mcb_write0(chunk);
            n = 0;
        }
    }
    if (n) {
        chunk[n] = 0;
        mcb_write0(chunk);
    }
    return len;
}

/* The break never moves down (newlib-nano does not ask it to), so mcb_heap_brk is also the
 * peak of the heap. */
void *_sbrk(ptrdiff_t incr)
{
    char *old = mcb_heap_brk;
    if (incr < 0 || incr > __mcb_heap_limit - old) {
        errno = ENOMEM;
        return (void *)-1;
    }
    mcb_heap_brk = old + incr;
    return old;
}

void _exit(int code)
{
    mcb_exit(code);
}

int _read(int fd, char *buf, int len)
{
    (void)fd, (void)buf, (void)len;
    errno = ENOSYS;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    /* stdout and stderr are the console: line-buffered. */
    if (fd >= 0 && fd <= 2)
        return 1;
    errno = EBADF;
    return 0;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd, (void)off, (void)whence;
    errno = ESPIPE;
    return -1;
}

int _kill(int pid, int sig)
{
    (void)pid, (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}
