#include "checksums.h"
#include "dataset.h"
#include "err.h"
#include "gzin.h"
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const mcb_data_checksum mcb_data_checksums[] = {
    /* MNIST: the original gzipped IDX files (/work/shared/data/README.md). */
    {"mnist", "train-images-idx3-ubyte",
     "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
    {"mnist", "train-labels-idx1-ubyte",
     "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
    {"mnist", "t10k-images-idx3-ubyte",
     "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
     "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
    {"mnist", "t10k-labels-idx1-ubyte",
     "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
     "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
    /* CIFAR-10 binary batches, each gzip -9n'd (GNU gzip 1.12). */
    {"cifar10", "data_batch_1.bin",
     "6fcee3c4b6ea120cf82b263e2e9fe932e7edf7daf530e8b8ed62c178f70910c6",
     "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"},
    {"cifar10", "data_batch_2.bin",
     "fdda9af5bfc1ff90c0018a3c997cc37619077ae8e4e7f1238323a8259607add2",
     "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"},
    {"cifar10", "data_batch_3.bin",
     "6cfabbc0ca93a74e247cf16f68544c0b2162576f7e2aa8d8e5d73778cbdfe628",
     "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"},
    {"cifar10", "data_batch_4.bin",
     "361042113c9a826b76ab9f91d499ae3102fd43ece9af030844a33b4d801c2743",
     "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"},
    {"cifar10", "data_batch_5.bin",
     "4c618c86d699c20baa688bcbc1ca629a1c2e9bbe7647d66c2e6869b025174b12",
     "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"},
    {"cifar10", "test_batch.bin",
     "769dbbdb7f3fb0f1a165fdea73dde4ffa43f7218019984b6fd41eb85430846ac",
     "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"},
    {"cifar10", "batches.meta.txt", NULL,
     "558e74b5e208382e186da55784b4bac2cd52e558448e1b5800990fdb28ed8033"},
    /* Fashion-MNIST as installed by Debian's dataset-fashion-mnist (re-gzipped): sha256 of the
     * uncompressed contents, computed after their md5s were confirmed equal to the published
     * ones (f4a8712d..., 9018921c..., 8181f547..., 15d48437...). */
    {"fashion-mnist", "train-images-idx3-ubyte", NULL,
     "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"},
    {"fashion-mnist", "train-labels-idx1-ubyte", NULL,
     "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"},
    {"fashion-mnist", "t10k-images-idx3-ubyte", NULL,
     "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"},
    {"fashion-mnist", "t10k-labels-idx1-ubyte", NULL,
     "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"},
    {NULL, NULL, NULL, NULL},
};

/* sha256 of the raw bytes; also tells whether they start like a gzip stream. */
static int hash_file(const char *path, char hex[65], int *is_gzip, char *detail, size_t cap)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(detail, cap, "%s", S_ISDIR(st.st_mode) ? "is a directory, not a file"
                                                        : "not a regular file");
        mcb_error("%s: %s", path, detail);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(detail, cap, "cannot open: %s", strerror(errno));
        mcb_error("%s: %s", path, detail);
        return -1;
    }
    enum { BUF = 1 << 18 };
    uint8_t *buf = malloc(BUF);
    if (!buf) {
        fclose(f);
        snprintf(detail, cap, "out of memory");
        mcb_error("%s: %s", path, detail);
        return -1;
    }
    mcb_sha256 s;
    mcb_sha256_init(&s);
    size_t n, total = 0;
    *is_gzip = 0;
    while ((n = fread(buf, 1, BUF, f)) > 0) {
        if (total == 0 && n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
            *is_gzip = 1;
        mcb_sha256_update(&s, buf, n);
        total += n;
    }
    int bad = ferror(f);
    fclose(f);
    free(buf);
    if (bad) {
        snprintf(detail, cap, "read error: %s", strerror(errno));
        mcb_error("%s: %s", path, detail);
        return -1;
    }
    uint8_t d[32];
    mcb_sha256_final(&s, d);
    mcb_sha256_hex(d, hex);
    return 0;
}

/* sha256 of the decompressed contents. */
static int hash_contents(const char *path, char hex[65], char *detail, size_t cap)
{
    mcb_gzin r;
    if (mcb_gzin_open(&r, path) != 0) {
        const char *msg = mcb_last_error();
        size_t plen = strlen(path);
        if (!strncmp(msg, path, plen) && !strncmp(msg + plen, ": ", 2))
            msg += plen + 2;
        snprintf(detail, cap, "%s", msg);
        return -1;
    }
    enum { BUF = 1 << 18 };
    uint8_t *buf = malloc(BUF);
    int rc = -1;
    if (!buf) {
        mcb_error("%s: out of memory", path);
        snprintf(detail, cap, "out of memory");
        goto out;
    }
    mcb_sha256 s;
    mcb_sha256_init(&s);
    for (;;) {
        long long k = mcb_gzin_read(&r, buf, BUF);
        if (k < 0) {
            /* Keep only the problem: the line on stderr already names the file. */
            const char *msg = mcb_last_error();
            size_t plen = strlen(path);
            if (!strncmp(msg, path, plen) && !strncmp(msg + plen, ": ", 2))
                msg += plen + 2;
            snprintf(detail, cap, "%s", msg);
            goto out;
        }
        if (k == 0)
            break;
        mcb_sha256_update(&s, buf, (size_t)k);
    }
    if (mcb_gz_trailing(path) != 0) { /* zlib's reader ignores what follows the stream */
        const char *msg = mcb_last_error();
        size_t plen = strlen(path);
        if (!strncmp(msg, path, plen) && !strncmp(msg + plen, ": ", 2))
            msg += plen + 2;
        snprintf(detail, cap, "%s", msg);
        goto out;
    }
    uint8_t d[32];
    mcb_sha256_final(&s, d);
    mcb_sha256_hex(d, hex);
    rc = 0;
out:
    free(buf);
    mcb_gzin_close(&r);
    return rc;
}

int mcb_data_verify(const mcb_data_checksum *c, const char *dsdir, mcb_sum_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->expected = c->sha_stored ? c->sha_stored : c->sha_content;
    int found = mcb_dataset_file(dsdir, c->file, v->path, sizeof v->path);
    if (found < 0)
        return -1;
    if (found == 0) {
        v->status = MCB_SUM_MISSING;
        return 0;
    }
    int is_gzip = 0;
    v->status = MCB_SUM_MISMATCH;
    if (hash_file(v->path, v->found, &is_gzip, v->detail, sizeof v->detail) != 0)
        return 0;
    if ((c->sha_stored && !strcmp(v->found, c->sha_stored)) ||
        !strcmp(v->found, c->sha_content)) {
        v->status = MCB_SUM_OK;
        v->expected = !strcmp(v->found, c->sha_content) ? c->sha_content : c->sha_stored;
        v->by_content = !c->sha_stored || !strcmp(v->found, c->sha_content);
        return 0;
    }
    if (!is_gzip)
        return 0; /* plain file, and neither recorded value matches */
    v->by_content = 1;
    v->expected = c->sha_content;
    if (hash_contents(v->path, v->found, v->detail, sizeof v->detail) != 0) {
        v->found[0] = 0;
        return 0;
    }
    if (!strcmp(v->found, c->sha_content))
        v->status = MCB_SUM_OK;
    return 0;
}
