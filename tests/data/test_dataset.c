/* Dataset readers on synthetic files (plain and gzipped) made here in a temp dir: pixel order,
 * and every kind of bad file failing with -1 and a message naming the file. Then, if
 * $MCUBENCH_DATA holds the real data, the label counts and channel means the README gives. */
#include "checksums.h"
#include "dataset.h"
#include "err.h"
#include "readers.h"
#include "sha256.h"
#include "../test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static char tmp[256];

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void write_file(const char *path, const void *data, size_t n, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb1");
        CHECK(f != NULL);
        if (!f)
            return;
        CHECK(n == 0 || gzwrite(f, data, (unsigned)n) == (int)n);
        CHECK(gzclose(f) == Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        if (!f)
            return;
        CHECK(fwrite(data, 1, n, f) == n);
        CHECK(fclose(f) == 0);
    }
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)len + 1);
    *n = fread(buf, 1, (size_t)len, f);
    fclose(f);
    return buf;
}

/* An IDX image file of n images h x w; pixel value a function of (image, position). */
static uint8_t *idx_images(uint32_t magic, uint32_t n, uint32_t h, uint32_t w, size_t *size)
{
    *size = 16 + (size_t)n * h * w;
    uint8_t *b = malloc(*size);
    put32(b, magic);
    put32(b + 4, n);
    put32(b + 8, h);
    put32(b + 12, w);
    for (size_t i = 0; i < (size_t)n * h * w; i++)
        b[16 + i] = (uint8_t)(i * 7 + i / 784);
    return b;
}

static uint8_t *idx_labels(uint32_t n, int bad_at, size_t *size)
{
    *size = 8 + n;
    uint8_t *b = malloc(*size);
    put32(b, 2049);
    put32(b + 4, n);
    for (uint32_t i = 0; i < n; i++)
        b[8 + i] = (uint8_t)(i % 10);
    if (bad_at >= 0)
        b[8 + bad_at] = 10;
    return b;
}

static void path_of(char *out, size_t cap, const char *rel)
{
    snprintf(out, cap, "%s/%s", tmp, rel);
}

/* Expects failure with a message that names path and contains phrase. */
static void expect_fail(int rc, const char *path, const char *phrase, int line)
{
    const char *msg = mcb_last_error();
    if (rc != -1 || !strstr(msg, path) || !strstr(msg, phrase)) {
        fprintf(stderr, "line %d: rc %d, message '%s', wanted '%s' and '%s'\n", line, rc, msg,
                path, phrase);
        test_failures++;
    }
}
#define EXPECT_FAIL(rc, path, phrase) expect_fail((rc), (path), (phrase), __LINE__)

static void test_idx_roundtrip(void)
{
    char dir[300], p[400];
    path_of(dir, sizeof dir, "ok");
    snprintf(p, sizeof p, "%s/mnist", dir);
    mkdir(dir, 0755);
    mkdir(p, 0755);
    size_t ni, nl;
    uint8_t *img = idx_images(2051, 5, 28, 28, &ni);
    uint8_t *lab = idx_labels(5, -1, &nl);
    /* test split gzipped, train split plain: both forms load */
    snprintf(p, sizeof p, "%s/mnist/t10k-images-idx3-ubyte.gz", dir);
    write_file(p, img, ni, 1);
    snprintf(p, sizeof p, "%s/mnist/t10k-labels-idx1-ubyte.gz", dir);
    write_file(p, lab, nl, 1);
    snprintf(p, sizeof p, "%s/mnist/train-images-idx3-ubyte", dir);
    write_file(p, img, ni, 0);
    snprintf(p, sizeof p, "%s/mnist/train-labels-idx1-ubyte", dir);
    write_file(p, lab, nl, 0);

    const char *splits[] = {"test", "train"};
    for (int s = 0; s < 2; s++) {
        mcb_dataset d;
        CHECK_EQ_INT(mcb_dataset_load(&d, "mnist", splits[s], dir, 0), 0);
        CHECK_EQ_INT(d.n, 5);
        CHECK_EQ_INT(d.h * d.w * d.c, 784);
        CHECK_EQ_INT(d.classes, 10);
        CHECK(!strcmp(d.name, "mnist"));
        if (d.pixels)
            CHECK(!memcmp(d.pixels, img + 16, 5 * 784));
        for (int i = 0; d.labels && i < d.n; i++)
            CHECK_EQ_INT(d.labels[i], i % 10);
        mcb_dataset_free(&d);
    }
    mcb_dataset d;
    CHECK_EQ_INT(mcb_dataset_load(&d, "mnist", "test", dir, 3), 0);
    CHECK_EQ_INT(d.n, 3);
    if (d.pixels)
        CHECK(!memcmp(d.pixels, img + 16, 3 * 784));
    mcb_dataset_free(&d);
    EXPECT_FAIL(mcb_dataset_load(&d, "mnist", "valid", dir, 0), "mnist", "unknown split");
    EXPECT_FAIL(mcb_dataset_load(&d, "svhn", "test", dir, 0), "svhn", "unknown dataset");
    free(img);
    free(lab);
}

/* A CIFAR record stream whose bytes encode (record, channel, position). */
static uint8_t *cifar_records(int n, size_t *size)
{
    *size = (size_t)n * MCB_CIFAR_RECORD;
    uint8_t *b = malloc(*size);
    for (int i = 0; i < n; i++) {
        uint8_t *r = b + (size_t)i * MCB_CIFAR_RECORD;
        r[0] = (uint8_t)((i * 3) % 10);
        for (int ch = 0; ch < 3; ch++)
            for (int p = 0; p < 1024; p++)
                r[1 + ch * 1024 + p] = (uint8_t)(i * 11 + ch * 85 + p);
    }
    return b;
}

static void check_nhwc(const uint8_t *pix, const uint8_t *lab, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        if (lab[i] != (i * 3) % 10)
            bad++;
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                for (int ch = 0; ch < 3; ch++) {
                    uint8_t v = pix[(((size_t)i * 32 + y) * 32 + x) * 3 + ch];
                    if (v != (uint8_t)(i * 11 + ch * 85 + y * 32 + x))
                        bad++;
                }
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_cifar(void)
{
    char p[400];
    size_t n;
    uint8_t *rec = cifar_records(4, &n);
    uint8_t pix[4 * 3072], lab[4];
    for (int gz = 0; gz < 2; gz++) {
        path_of(p, sizeof p, gz ? "tiny.bin.gz" : "tiny.bin");
        write_file(p, rec, n, gz);
        memset(pix, 0, sizeof pix);
        CHECK_EQ_INT(mcb_cifar_read_batch(p, 4, 4, pix, lab), 0);
        check_nhwc(pix, lab, 4);
        CHECK_EQ_INT(mcb_cifar_read_batch(p, 4, 2, pix, lab), 0); /* keep fewer */
        check_nhwc(pix, lab, 2);
        /* wrong record count expected: too large */
        EXPECT_FAIL(mcb_cifar_read_batch(p, 3, 3, pix, lab), p, "too large: expected 9219");
        EXPECT_FAIL(mcb_cifar_read_batch(p, 5, 4, pix, lab), p, "truncated");
    }
    path_of(p, sizeof p, "cut.bin");
    write_file(p, rec, n - 100, 0);
    EXPECT_FAIL(mcb_cifar_read_batch(p, 4, 4, pix, lab), p, "truncated: expected 12292 bytes");
    rec[2 * MCB_CIFAR_RECORD] = 10;
    path_of(p, sizeof p, "badlabel.bin.gz");
    write_file(p, rec, n, 1);
    EXPECT_FAIL(mcb_cifar_read_batch(p, 4, 4, pix, lab), p, "record 2 has label 10");
    free(rec);

    /* The full loader needs the real batch size (10,000 records): a synthetic test batch. */
    char dir[300];
    path_of(dir, sizeof dir, "cifarset");
    mkdir(dir, 0755);
    snprintf(p, sizeof p, "%s/cifar10", dir);
    mkdir(p, 0755);
    rec = cifar_records(10000, &n);
    snprintf(p, sizeof p, "%s/cifar10/test_batch.bin.gz", dir);
    write_file(p, rec, n, 1);
    mcb_dataset d;
    CHECK_EQ_INT(mcb_dataset_load(&d, "cifar10", "test", dir, 0), 0);
    CHECK_EQ_INT(d.n, 10000);
    CHECK_EQ_INT(d.h * 100 + d.w * 10 + d.c, 32 * 100 + 320 + 3);
    if (d.pixels)
        check_nhwc(d.pixels, d.labels, d.n);
    mcb_dataset_free(&d);
    CHECK_EQ_INT(mcb_dataset_load(&d, "cifar10", "test", dir, 7), 0);
    CHECK_EQ_INT(d.n, 7);
    if (d.pixels)
        check_nhwc(d.pixels, d.labels, d.n);
    mcb_dataset_free(&d);
    snprintf(p, sizeof p, "%s/cifar10/data_batch_1.bin", dir);
    EXPECT_FAIL(mcb_dataset_load(&d, "cifar10", "train", dir, 0), p, "missing");
    CHECK(d.pixels == NULL && d.n == 0);
    free(rec);
}

static void test_idx_errors(void)
{
    char p[400], q[400];
    size_t ni, nl;
    int n, k;
    uint8_t *pix = NULL, *lab = NULL;

    uint8_t *img = idx_images(2049, 5, 28, 28, &ni);
    path_of(p, sizeof p, "magic.idx.gz");
    write_file(p, img, ni, 1);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "magic 2049, expected 2051");
    free(img);

    img = idx_images(2051, 5, 28, 27, &ni);
    path_of(p, sizeof p, "dims.idx");
    write_file(p, img, ni, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "28x27, expected 28x28");
    free(img);

    img = idx_images(2051, 5, 28, 28, &ni);
    path_of(p, sizeof p, "trunc.idx");
    write_file(p, img, ni - 1, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p,
                "truncated: expected 3936 bytes");
    path_of(p, sizeof p, "trunc-limit.idx.gz"); /* the tail is checked even with a limit */
    write_file(p, img, ni - 1, 1);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 2, &n, &k, &pix), p, "found 3935");
    path_of(p, sizeof p, "big.idx");
    uint8_t *big = malloc(ni + 3);
    memcpy(big, img, ni);
    memset(big + ni, 0, 3);
    write_file(p, big, ni + 3, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "too large: expected 3936 bytes");
    free(big);
    path_of(p, sizeof p, "empty.idx");
    write_file(p, "", 0, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "truncated");

    /* A header that claims far more images than the file holds: truncated, no huge buffer. */
    put32(img + 4, 0x7fffffff);
    path_of(p, sizeof p, "claims.idx");
    write_file(p, img, ni, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "expected 1..");
    put32(img + 4, 9000000);
    write_file(p, img, ni, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "truncated");
    put32(img + 4, 5);

    /* A gzip stream cut short, and one with a damaged CRC. */
    path_of(q, sizeof q, "whole.idx.gz");
    write_file(q, img, ni, 1);
    size_t gn;
    uint8_t *gz = slurp(q, &gn);
    CHECK(gz != NULL && gn > 40);
    path_of(p, sizeof p, "short.idx.gz");
    write_file(p, gz, gn / 2, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "truncated gzip stream");
    path_of(p, sizeof p, "notrailer.idx.gz"); /* all data there, the 8-byte trailer cut */
    write_file(p, gz, gn - 8, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "truncated gzip stream");
    gz[gn - 6] ^= 0x55;
    path_of(p, sizeof p, "badcrc.idx.gz");
    write_file(p, gz, gn, 0);
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "corrupt gzip");
    free(gz);

    path_of(p, sizeof p, "absent.idx.gz");
    EXPECT_FAIL(mcb_idx_read_images(p, 28, 28, 0, &n, &k, &pix), p, "missing");

    lab = idx_labels(5, 3, &nl);
    path_of(p, sizeof p, "range.idx.gz");
    write_file(p, lab, nl, 1);
    EXPECT_FAIL(mcb_idx_read_labels(p, 10, 0, &n, &k, &pix), p, "label 10 at index 3 is out of range");
    free(lab);

    /* Dataset level: count mismatch, a missing label file, an absent dataset directory. */
    char dir[300];
    path_of(dir, sizeof dir, "mismatch");
    mkdir(dir, 0755);
    snprintf(p, sizeof p, "%s/mnist", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/mnist/t10k-images-idx3-ubyte.gz", dir);
    write_file(p, img, ni, 1);
    mcb_dataset d;
    snprintf(q, sizeof q, "%s/mnist/t10k-labels-idx1-ubyte", dir);
    EXPECT_FAIL(mcb_dataset_load(&d, "mnist", "test", dir, 0), q, "missing");
    lab = idx_labels(4, -1, &nl);
    write_file(q, lab, nl, 0);
    EXPECT_FAIL(mcb_dataset_load(&d, "mnist", "test", dir, 0), q, "4 labels, expected 5");
    CHECK(d.pixels == NULL && d.labels == NULL);
    free(lab);
    path_of(p, sizeof p, "nowhere/cifar10");
    path_of(q, sizeof q, "nowhere");
    EXPECT_FAIL(mcb_dataset_load(&d, "cifar10", "test", q, 0), p, "missing");
    free(img);
    (void)lab;
}

static void test_verify(void)
{
    char dir[300], p[400];
    path_of(dir, sizeof dir, "sums");
    mkdir(dir, 0755);
    const char content[] = "some dataset bytes\n";
    char hex_content[65], hex_gz[65], other[65];
    uint8_t dg[32];
    mcb_sha256_buf(content, sizeof content - 1, dg);
    mcb_sha256_hex(dg, hex_content);
    mcb_sha256_buf("x", 1, dg);
    mcb_sha256_hex(dg, other);

    snprintf(p, sizeof p, "%s/f.bin.gz", dir);
    write_file(p, content, sizeof content - 1, 1);
    size_t gn;
    uint8_t *gz = slurp(p, &gn);
    mcb_sha256_buf(gz, gn, dg);
    mcb_sha256_hex(dg, hex_gz);

    mcb_sum_verdict v;
    mcb_data_checksum c = {"x", "f.bin", hex_gz, hex_content};
    CHECK_EQ_INT(mcb_data_verify(&c, dir, &v), 0);
    CHECK_EQ_INT(v.status, MCB_SUM_OK);
    CHECK_EQ_INT(v.by_content, 0);
    mcb_data_checksum regz = {"x", "f.bin", other, hex_content}; /* re-gzipped elsewhere */
    CHECK_EQ_INT(mcb_data_verify(&regz, dir, &v), 0);
    CHECK_EQ_INT(v.status, MCB_SUM_OK);
    CHECK_EQ_INT(v.by_content, 1);
    mcb_data_checksum wrong = {"x", "f.bin", other, other};
    CHECK_EQ_INT(mcb_data_verify(&wrong, dir, &v), 0);
    CHECK_EQ_INT(v.status, MCB_SUM_MISMATCH);
    CHECK(!strcmp(v.found, hex_content));
    mcb_data_checksum absent = {"x", "g.bin", other, other};
    CHECK_EQ_INT(mcb_data_verify(&absent, dir, &v), 0);
    CHECK_EQ_INT(v.status, MCB_SUM_MISSING);

    write_file(p, gz, gn - 10, 0); /* truncated .gz: a mismatch with the reason */
    CHECK_EQ_INT(mcb_data_verify(&c, dir, &v), 0);
    CHECK_EQ_INT(v.status, MCB_SUM_MISMATCH);
    CHECK(strstr(v.detail, "truncated gzip stream") != NULL);
    unlink(p);
    snprintf(p, sizeof p, "%s/f.bin", dir); /* the user gunzipped it */
    write_file(p, content, sizeof content - 1, 0);
    CHECK_EQ_INT(mcb_data_verify(&c, dir, &v), 0);
    CHECK_EQ_INT(v.status, MCB_SUM_OK);
    free(gz);

    /* Every recorded value is 64 hex digits. */
    int nsums = 0;
    for (const mcb_data_checksum *s = mcb_data_checksums; s->dataset; s++, nsums++) {
        CHECK_EQ_INT(strlen(s->sha_content), 64);
        CHECK(!s->sha_stored || strlen(s->sha_stored) == 64);
    }
    CHECK_EQ_INT(nsums, 15);
}

static void test_data_dir(void)
{
    const char *saved = getenv("MCUBENCH_DATA");
    char *copy = saved ? strdup(saved) : NULL;
    CHECK(!strcmp(mcb_data_dir("/x"), "/x"));
    setenv("MCUBENCH_DATA", "/from/env", 1);
    CHECK(!strcmp(mcb_data_dir(NULL), "/from/env"));
    CHECK(!strcmp(mcb_data_dir("/x"), "/x"));
    unsetenv("MCUBENCH_DATA");
    CHECK(!strcmp(mcb_data_dir(NULL), "./data"));
    if (copy)
        setenv("MCUBENCH_DATA", copy, 1);
    free(copy);
}

static void counts_of(const mcb_dataset *d, int counts[10])
{
    memset(counts, 0, 10 * sizeof counts[0]);
    for (int i = 0; i < d->n; i++)
        counts[d->labels[i]]++;
}

static void test_real_data(void)
{
    const char *dir = getenv("MCUBENCH_DATA");
    char p[4096];
    snprintf(p, sizeof p, "%s/mnist", dir ? dir : "");
    struct stat st;
    if (!dir || stat(p, &st) != 0) {
        printf("real data: skipped ($MCUBENCH_DATA unset or without mnist/)\n");
        return;
    }
    mcb_dataset d;
    int c[10];
    static const int mnist_test[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    static const int mnist_train[10] = {5923, 6742, 5958, 6131, 5842,
                                        5421, 5918, 6265, 5851, 5949};
    CHECK_EQ_INT(mcb_dataset_load(&d, "mnist", "test", dir, 0), 0);
    CHECK_EQ_INT(d.n, 10000);
    counts_of(&d, c);
    for (int k = 0; k < 10; k++)
        CHECK_EQ_INT(c[k], mnist_test[k]);
    mcb_dataset_free(&d);
    CHECK_EQ_INT(mcb_dataset_load(&d, "mnist", "train", dir, 0), 0);
    CHECK_EQ_INT(d.n, 60000);
    counts_of(&d, c);
    for (int k = 0; k < 10; k++)
        CHECK_EQ_INT(c[k], mnist_train[k]);
    mcb_dataset_free(&d);

    CHECK_EQ_INT(mcb_dataset_load(&d, "cifar10", "test", dir, 0), 0);
    CHECK_EQ_INT(d.n, 10000);
    counts_of(&d, c);
    for (int k = 0; k < 10; k++)
        CHECK_EQ_INT(c[k], 1000);
    mcb_dataset_free(&d);

    /* The whole training set: timed, and its per-channel means (the widely quoted CIFAR-10
     * values) confirm the planar-to-NHWC conversion on real pixels. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ_INT(mcb_dataset_load(&d, "cifar10", "train", dir, 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("cifar10 train: %d images loaded in %.2f s\n", d.n, secs);
    CHECK_EQ_INT(d.n, 50000);
    counts_of(&d, c);
    for (int k = 0; k < 10; k++)
        CHECK_EQ_INT(c[k], 5000);
    double sum[3] = {0, 0, 0};
    for (size_t i = 0; d.pixels && i < (size_t)d.n * 1024; i++)
        for (int ch = 0; ch < 3; ch++)
            sum[ch] += d.pixels[i * 3 + ch];
    static const double mean[3] = {125.307, 122.950, 113.865};
    for (int ch = 0; ch < 3; ch++) {
        double m = sum[ch] / ((double)d.n * 1024);
        printf("cifar10 train mean channel %d: %.3f\n", ch, m);
        CHECK(fabs(m - mean[ch]) < 0.001);
    }
    mcb_dataset_free(&d);
}

int main(void)
{
    mcb_err_quiet(1); /* the messages are checked through mcb_last_error() */
    const char *base = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/mcb-data-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    test_data_dir();
    test_idx_roundtrip();
    test_cifar();
    test_idx_errors();
    test_verify();
    test_real_data();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return TEST_END();
}
