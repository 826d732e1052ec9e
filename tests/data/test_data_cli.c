/* mcubench data check/show end to end on synthetic data directories: exit codes and the lines
 * users read. argv[1] is the mcubench binary. */
#include "../test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char tmp[256];
static const char *exe;

/* Runs "mcubench ARGS" with stderr folded into the captured output; returns the exit code. */
static int run(const char *args, char *out, size_t cap)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "env -u MCUBENCH_DATA '%s' %s 2>&1", exe, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void write_file(const char *dir, const char *name, const uint8_t *b, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fwrite(b, 1, n, f) == n);
    fclose(f);
}

/* A well-formed MNIST-shaped dataset of 3 images per split, labels 7, 7, 2. */
static void make_mnist(const char *dir)
{
    mkdir(dir, 0755);
    uint8_t img[16 + 3 * 784] = {0}, lab[8 + 3] = {0};
    put32(img, 2051);
    put32(img + 4, 3);
    put32(img + 8, 28);
    put32(img + 12, 28);
    put32(lab, 2049);
    put32(lab + 4, 3);
    lab[8] = 7;
    lab[9] = 7;
    lab[10] = 2;
    write_file(dir, "train-images-idx3-ubyte", img, sizeof img);
    write_file(dir, "train-labels-idx1-ubyte", lab, sizeof lab);
    write_file(dir, "t10k-images-idx3-ubyte", img, sizeof img);
    write_file(dir, "t10k-labels-idx1-ubyte", lab, sizeof lab);
}

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    if (argc != 2)
        return TEST_END();
    exe = argv[1];
    const char *base = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/mcb-datacli-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmp))
        return 1;
    static char out[1 << 16];
    char args[700], dir[400];

    CHECK_EQ_INT(run("data", out, sizeof out), 2);
    CHECK_EQ_INT(run("data verify", out, sizeof out), 2);
    CHECK_EQ_INT(run("data check --data", out, sizeof out), 2);
    CHECK_EQ_INT(run("data show svhn", out, sizeof out), 2);
    CHECK_EQ_INT(run("data --help", out, sizeof out), 0);
    CHECK(strstr(out, "$MCUBENCH_DATA") && strstr(out, "/usr/share/datasets/fashion-mnist"));

    /* An empty data directory: MNIST and CIFAR-10 are required. */
    snprintf(args, sizeof args, "data check --data '%s'", tmp);
    CHECK_EQ_INT(run(args, out, sizeof out), 1);
    CHECK(strstr(out, "mnist: not installed") && strstr(out, "cifar10: not installed"));

    /* Synthetic MNIST: loads (show), but its checksums are not the real ones (check). */
    snprintf(dir, sizeof dir, "%s/mnist", tmp);
    make_mnist(dir);
    snprintf(args, sizeof args, "data show --data '%s' mnist", tmp);
    CHECK_EQ_INT(run(args, out, sizeof out), 0);
    CHECK(strstr(out, "test  3 images, 28x28x1, per class: 0 0 1 0 0 0 0 2 0 0") != NULL);
    snprintf(args, sizeof args, "data show --json --data '%s' mnist", tmp);
    CHECK_EQ_INT(run(args, out, sizeof out), 0);
    CHECK(strstr(out, "\"images\": 3") && strstr(out, "\"ok\": true"));
    snprintf(args, sizeof args, "data check --data '%s' mnist", tmp);
    CHECK_EQ_INT(run(args, out, sizeof out), 1);
    CHECK(strstr(out, "MISMATCH t10k-labels-idx1-ubyte: sha256") != NULL);
    snprintf(args, sizeof args, "data check --json --data '%s' mnist", tmp);
    CHECK_EQ_INT(run(args, out, sizeof out), 1);
    CHECK(strstr(out, "\"status\": \"MISMATCH\"") && strstr(out, "\"ok\": false"));

    /* A damaged file (an image header where labels belong): one line naming it. */
    uint8_t bad[8 + 3] = {0, 0, 8, 3, 0, 0, 0, 3, 1, 2, 3};
    write_file(dir, "t10k-labels-idx1-ubyte", bad, sizeof bad);
    snprintf(args, sizeof args, "data show --data '%s' mnist", tmp);
    CHECK_EQ_INT(run(args, out, sizeof out), 1);
    CHECK(strstr(out, "mnist/t10k-labels-idx1-ubyte: not an IDX label file: magic 2051, "
                      "expected 2049") != NULL);
    CHECK(strstr(out, "train 3 images") != NULL); /* the good split still shows */

    snprintf(args, sizeof args, "rm -rf '%s'", tmp);
    if (system(args) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return TEST_END();
}
