#include "gzin.h"
#include "err.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

int mcb_gzin_open(mcb_gzin *r, const char *path)
{
    r->gz = NULL;
    r->path = path;
    r->pos = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            mcb_error("%s: missing", path);
        else
            mcb_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        mcb_error("%s: not a regular file", path);
        return -1;
    }
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        mcb_error("%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
        return -1;
    }
    gzbuffer(gz, 1u << 18); /* fewer, larger reads: the CIFAR batches are 28 MB each */
    r->gz = gz;
    return 0;
}

static int stream_error(mcb_gzin *r)
{
    int code = Z_OK;
    const char *msg = gzerror((gzFile)r->gz, &code);
    /* zlib's message is "PATH: problem"; our line names the path once */
    size_t plen = strlen(r->path);
    if (msg && !strncmp(msg, r->path, plen) && !strncmp(msg + plen, ": ", 2))
        msg += plen + 2;
    switch (code) {
    case Z_OK:
    case Z_STREAM_END:
        return 0;
    case Z_BUF_ERROR:
        mcb_error("%s: truncated gzip stream (ends after %llu uncompressed bytes)", r->path,
                  (unsigned long long)r->pos);
        break;
    case Z_DATA_ERROR:
        mcb_error("%s: corrupt gzip data after %llu uncompressed bytes (%s)", r->path,
                  (unsigned long long)r->pos, msg);
        break;
    case Z_ERRNO:
        mcb_error("%s: read error: %s", r->path, strerror(errno));
        break;
    case Z_MEM_ERROR:
        mcb_error("%s: out of memory while decompressing", r->path);
        break;
    default:
        mcb_error("%s: read error (%s)", r->path, msg);
        break;
    }
    return -1;
}

long long mcb_gzin_read(mcb_gzin *r, void *buf, size_t n)
{
    uint8_t *p = buf;
    size_t got = 0;
    while (got < n) {
        size_t want = n - got;
        if (want > (size_t)INT_MAX / 2 + 1)
            want = (size_t)INT_MAX / 2 + 1;
        int k = gzread((gzFile)r->gz, p + got, (unsigned)want);
        if (k < 0) {
            if (stream_error(r) == 0)
                mcb_error("%s: read error", r->path);
            return -1;
        }
        got += (size_t)k;
        r->pos += (uint64_t)k;
        if ((size_t)k < want)
            break;
    }
    /* zlib reports a stream that stops early only through gzerror, after a short read. */
    if (got < n && stream_error(r) != 0)
        return -1;
    return (long long)got;
}

int mcb_gzin_exact(mcb_gzin *r, void *buf, size_t n, uint64_t expected, const char *what)
{
    long long k = mcb_gzin_read(r, buf, n);
    if (k < 0)
        return -1;
    if ((size_t)k < n) {
        mcb_error("%s: truncated: expected %llu bytes (%s), found %llu", r->path,
                  (unsigned long long)expected, what, (unsigned long long)r->pos);
        return -1;
    }
    return 0;
}

int mcb_gzin_expect_end(mcb_gzin *r, uint64_t expected, const char *what)
{
    uint8_t scratch[1 << 14];
    uint64_t before = r->pos;
    for (;;) {
        long long k = mcb_gzin_read(r, scratch, sizeof scratch);
        if (k < 0)
            return -1;
        if (k == 0)
            break;
    }
    if (r->pos != before) {
        mcb_error("%s: too large: expected %llu bytes (%s), found %llu", r->path,
                  (unsigned long long)expected, what, (unsigned long long)r->pos);
        return -1;
    }
    return 0;
}

void mcb_gzin_close(mcb_gzin *r)
{
    if (r->gz)
        gzclose_r((gzFile)r->gz);
    r->gz = NULL;
}

int mcb_gz_trailing(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mcb_error("%s: cannot open: %s", path, strerror(errno)), -1;
    enum { IN = 1 << 16, OUT = 1 << 16 };
    static unsigned char in[IN], out[OUT];
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        fclose(f);
        return mcb_error("%s: out of memory", path), -1;
    }
    int rc = 0, ended = 0; /* ended: at a member boundary */
    unsigned long long garbage = 0;
    for (;;) {
        if (z.avail_in == 0) {
            size_t n = fread(in, 1, IN, f);
            if (n == 0)
                break;
            z.next_in = in;
            z.avail_in = (uInt)n;
        }
        if (ended) {
            /* another member must start here (gzip allows several), else it is garbage */
            if (z.next_in[0] != 0x1f) {
                garbage += z.avail_in;
                z.avail_in = 0;
                continue;
            }
            inflateReset(&z);
            ended = 0;
        }
        z.next_out = out;
        z.avail_out = OUT;
        int e = inflate(&z, Z_NO_FLUSH);
        if (e == Z_STREAM_END) {
            ended = 1;
        } else if (e != Z_OK && e != Z_BUF_ERROR) {
            rc = -1;
            mcb_error("%s: corrupt gzip data (%s)", path, z.msg ? z.msg : "inflate failed");
            break;
        }
    }
    inflateEnd(&z);
    fclose(f);
    if (rc == 0 && garbage) {
        mcb_error("%s: trailing garbage after the gzip stream (%llu bytes)", path, garbage);
        rc = -1;
    }
    return rc;
}
