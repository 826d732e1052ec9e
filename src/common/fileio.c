/* realpath is XSI */
#define _XOPEN_SOURCE 700

#include "fileio.h"
#include "err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t *read_file(const char *path, size_t *size, size_t max, int regular_only)
{
    /* open first, then look at what was opened: a FIFO or device is refused before a byte is
     * read (O_NONBLOCK so opening a FIFO without a writer does not hang) */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        mcb_error("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        mcb_error("%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        mcb_error("%s: is a directory, not a file", path);
        close(fd);
        return NULL;
    }
    if (regular_only && !S_ISREG(st.st_mode)) {
        mcb_error("%s: not a regular file (a device, FIFO or socket is not read)", path);
        close(fd);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > (uint64_t)max) {
        mcb_error("%s: too large: %lld bytes, the limit is %zu", path, (long long)st.st_size,
                  max);
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    /* the file may still grow while it is read: never past max (+1 to notice) */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 1u << 16, n = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf) {
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            mcb_error("%s: read error: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > max) {
            mcb_error("%s: too large: more than %zu bytes (the limit)", path, max);
            free(buf);
            close(fd);
            return NULL;
        }
        if (n == cap) {
            size_t ncap = cap * 2;
            uint8_t *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap = ncap;
        }
    }
    close(fd);
    if (!buf) {
        mcb_error("%s: out of memory reading file", path);
        return NULL;
    }
    buf[n] = 0;
    *size = n;
    return buf;
}

uint8_t *mcb_read_file(const char *path, size_t *size)
{
    return read_file(path, size, MCB_READ_MAX, 0);
}

uint8_t *mcb_read_file_max(const char *path, size_t *size, size_t max)
{
    return read_file(path, size, max, 0);
}

uint8_t *mcb_read_file_limited(const char *path, size_t *size, size_t max)
{
    return read_file(path, size, max, 1);
}

/* The process's file-creation mask (umask can only be read by setting it). */
static mode_t current_umask(void)
{
    mode_t m = umask(022);
    umask(m);
    return m;
}

/* Writes all of data to fd; 0 or -1 with errno set. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0) {
            errno = EIO;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* An existing output that is not a regular file (a device such as /dev/stdout or /dev/null, a
 * FIFO, a socket): written in place, never replaced. */
static int write_in_place(const char *path, const void *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_NOCTTY);
    if (fd < 0) {
        mcb_error("%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    int rc = write_all(fd, data, size);
    int err = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc != 0) {
        mcb_error("%s: write failed: %s", path, strerror(err));
        return -1;
    }
    return 0;
}

int mcb_write_file_atomic(const char *path, const void *data, size_t size)
{
    struct stat st;
    int exists = stat(path, &st) == 0; /* follows a symlink: what it points to counts */
    if (exists && S_ISDIR(st.st_mode)) {
        mcb_error("%s: cannot write: Is a directory", path);
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode))
        return write_in_place(path, data, size);
    /* a symlink to a file: replace the file it points to, keep the link */
    char *real = NULL;
    struct stat lst;
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        real = realpath(path, NULL);
    const char *target = real ? real : path;
    size_t len = strlen(target);
    char *tmp = malloc(len + 16);
    if (!tmp) {
        free(real);
        mcb_error("%s: out of memory", path);
        return -1;
    }
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", target);
    int fd = mkstemp(tmp); /* a new name: never opens a file that is already there */
    if (fd < 0) {
        mcb_error("%s: cannot write: %s", path, strerror(errno));
        free(tmp);
        free(real);
        return -1;
    }
    /* the mode a plain create would give, or the replaced file's own mode */
    mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~current_umask());
    int rc = fchmod(fd, mode) == 0 ? 0 : -1;
    if (rc == 0)
        rc = write_all(fd, data, size);
    int err = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc == 0 && rename(tmp, target) != 0) {
        rc = -1;
        err = errno;
    }
    if (rc != 0) {
        mcb_error("%s: write failed: %s", path, strerror(err));
        unlink(tmp);
    }
    free(tmp);
    free(real);
    return rc;
}

int mcb_output_writable(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            mcb_error("%s: cannot write: Is a directory", path);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) { /* written in place */
            if (access(path, W_OK) != 0) {
                mcb_error("%s: cannot write: %s", path, strerror(errno));
                return -1;
            }
            return 0;
        }
    }
    char *real = realpath(path, NULL); /* NULL when it does not exist yet */
    const char *target = real ? real : path;
    size_t n = strlen(target) + 16;
    char *probe = malloc(n);
    if (!probe) {
        free(real);
        mcb_error("%s: out of memory", path);
        return -1;
    }
    /* beside the target, like the temporary of mcb_write_file_atomic */
    snprintf(probe, n, "%s.tmp-XXXXXX", target);
    int fd = mkstemp(probe);
    int err = errno;
    if (fd >= 0) {
        close(fd);
        unlink(probe);
    }
    free(probe);
    free(real);
    if (fd < 0) {
        mcb_error("%s: cannot write: %s", path, strerror(err));
        return -1;
    }
    return 0;
}

int mcb_mkdir_p(const char *dir)
{
    char p[4096];
    if ((size_t)snprintf(p, sizeof p, "%s", dir) >= sizeof p) {
        mcb_error("%.200s...: cannot create: path too long", dir);
        return -1;
    }
    for (char *c = p + 1; *c; c++) {
        if (*c != '/')
            continue;
        *c = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            mcb_error("%s: cannot create: %s", p, strerror(errno));
            return -1;
        }
        *c = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        mcb_error("%s: cannot create: %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

void mcb_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        struct stat st;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                mcb_remove_tree(path);
            else
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}
