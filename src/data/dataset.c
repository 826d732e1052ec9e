#include "dataset.h"
#include "err.h"
#include "readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CIFAR_BATCH 10000

const char *const mcb_dataset_names[] = {"mnist", "cifar10", "fashion-mnist", NULL};

static const char *const idx_train[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", NULL};
static const char *const idx_test[] = {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", NULL};
static const char *const cifar_train[] = {"data_batch_1.bin", "data_batch_2.bin",
                                          "data_batch_3.bin", "data_batch_4.bin",
                                          "data_batch_5.bin", NULL};
static const char *const cifar_test[] = {"test_batch.bin", NULL};

const char *mcb_data_dir(const char *override)
{
    if (override)
        return override;
    const char *env = getenv("MCUBENCH_DATA");
    if (env && *env)
        return env;
    return "./data";
}

static int is_cifar(const char *name) { return !strcmp(name, "cifar10"); }

static int known(const char *name)
{
    for (int i = 0; mcb_dataset_names[i]; i++)
        if (!strcmp(name, mcb_dataset_names[i]))
            return 1;
    return 0;
}

int mcb_dataset_shape(const char *name, int *h, int *w, int *c, int *classes)
{
    if (!name || !known(name))
        return -1;
    int cifar = is_cifar(name);
    *h = *w = cifar ? 32 : 28;
    *c = cifar ? 3 : 1;
    *classes = 10;
    return 0;
}

const char *const *mcb_dataset_files(const char *name, const char *split)
{
    if (!name || !split || !known(name))
        return NULL;
    int train = !strcmp(split, "train");
    if (!train && strcmp(split, "test"))
        return NULL;
    if (is_cifar(name))
        return train ? cifar_train : cifar_test;
    return train ? idx_train : idx_test;
}

static int exists(const char *path, int want_dir)
{
    struct stat st;
    return stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : 1);
}

static int join(char *out, size_t cap, const char *a, const char *b, const char *suffix)
{
    int k = snprintf(out, cap, "%s/%s%s", a, b, suffix);
    if (k < 0 || (size_t)k >= cap) {
        mcb_error("%s/%s%s: path too long", a, b, suffix);
        return -1;
    }
    return 0;
}

int mcb_dataset_dir(const char *name, const char *data_dir, char *out, size_t cap)
{
    if (!name || !known(name)) {
        mcb_error("%s: unknown dataset (known: mnist, cifar10, fashion-mnist)", name ? name : "");
        return -1;
    }
    if (join(out, cap, data_dir, name, "") != 0)
        return -1;
    if (exists(out, 1))
        return 1;
    if (!strcmp(name, "fashion-mnist") && exists(MCB_FASHION_SYSTEM_DIR, 1)) {
        if (strlen(MCB_FASHION_SYSTEM_DIR) >= cap) {
            mcb_error("%s: path too long", MCB_FASHION_SYSTEM_DIR);
            return -1;
        }
        strcpy(out, MCB_FASHION_SYSTEM_DIR);
        return 1;
    }
    return 0;
}

int mcb_dataset_file(const char *dsdir, const char *file, char *out, size_t cap)
{
    if (join(out, cap, dsdir, file, "") != 0)
        return -1;
    if (exists(out, 0)) {
        /* FILE exists; FILE.gz, the distributed form, still wins if present. */
        char gz[4096];
        if (join(gz, sizeof gz, dsdir, file, ".gz") == 0 && exists(gz, 0) &&
            strlen(gz) < cap) {
            strcpy(out, gz);
        }
        return 1;
    }
    if (join(out, cap, dsdir, file, ".gz") != 0)
        return -1;
    return exists(out, 0) ? 1 : 0;
}

void mcb_dataset_free(mcb_dataset *d)
{
    free(d->pixels);
    free(d->labels);
    d->pixels = d->labels = NULL;
    d->n = 0;
}

/* Resolves a file of the dataset, reporting it as missing if neither form exists. */
static int find_file(const char *dsdir, const char *file, char *out, size_t cap)
{
    int found = mcb_dataset_file(dsdir, file, out, cap);
    if (found == 0)
        mcb_error("%s/%s[.gz]: missing", dsdir, file);
    return found == 1 ? 0 : -1;
}

static int load_idx(mcb_dataset *d, const char *dsdir, const char *const *files, int limit)
{
    char ipath[4096], lpath[4096];
    if (find_file(dsdir, files[0], ipath, sizeof ipath) != 0 ||
        find_file(dsdir, files[1], lpath, sizeof lpath) != 0)
        return -1;
    int ni, ki, nl, kl;
    uint8_t *pix = NULL, *lab = NULL;
    if (mcb_idx_read_images(ipath, d->h, d->w, limit, &ni, &ki, &pix) != 0)
        return -1;
    if (mcb_idx_read_labels(lpath, d->classes, limit, &nl, &kl, &lab) != 0) {
        free(pix);
        return -1;
    }
    if (ni != nl) {
        mcb_error("%s: %d labels, expected %d to match %s", lpath, nl, ni, ipath);
        free(pix);
        free(lab);
        return -1;
    }
    d->n = ki;
    d->pixels = pix;
    d->labels = lab;
    return 0;
}

static int load_cifar(mcb_dataset *d, const char *dsdir, const char *const *files, int limit)
{
    int nfiles = 0;
    while (files[nfiles])
        nfiles++;
    char paths[5][4096];
    for (int i = 0; i < nfiles; i++)
        if (find_file(dsdir, files[i], paths[i], sizeof paths[i]) != 0)
            return -1;
    int total = nfiles * CIFAR_BATCH;
    int n = limit > 0 && limit < total ? limit : total;
    size_t img = (size_t)d->h * d->w * d->c;
    d->pixels = malloc((size_t)n * img);
    d->labels = malloc((size_t)n);
    if (!d->pixels || !d->labels) {
        mcb_error("%s: out of memory for %d images", dsdir, n);
        mcb_dataset_free(d);
        return -1;
    }
    for (int i = 0; i < nfiles; i++) {
        int base = i * CIFAR_BATCH;
        int keep = n - base < 0 ? 0 : (n - base < CIFAR_BATCH ? n - base : CIFAR_BATCH);
        if (mcb_cifar_read_batch(paths[i], CIFAR_BATCH, keep, d->pixels + (size_t)base * img,
                                 d->labels + base) != 0) {
            mcb_dataset_free(d);
            return -1;
        }
    }
    d->n = n;
    return 0;
}

int mcb_dataset_load(mcb_dataset *d, const char *name, const char *split, const char *dir,
                     int limit)
{
    memset(d, 0, sizeof *d);
    if (mcb_dataset_shape(name, &d->h, &d->w, &d->c, &d->classes) != 0) {
        mcb_error("%s: unknown dataset (known: mnist, cifar10, fashion-mnist)", name ? name : "");
        return -1;
    }
    const char *const *files = mcb_dataset_files(name, split);
    if (!files) {
        mcb_error("%s: unknown split '%s' (expected train or test)", name, split ? split : "");
        return -1;
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    char dsdir[4096];
    int found = mcb_dataset_dir(name, dir, dsdir, sizeof dsdir);
    if (found < 0)
        return -1;
    if (found == 0) {
        if (!strcmp(name, "fashion-mnist"))
            mcb_error("%s: missing (nor is %s there: apt-get install dataset-fashion-mnist)",
                      dsdir, MCB_FASHION_SYSTEM_DIR);
        else
            mcb_error("%s: missing (dataset %s is not installed in this data directory)", dsdir,
                      name);
        return -1;
    }
    return is_cifar(name) ? load_cifar(d, dsdir, files, limit) : load_idx(d, dsdir, files, limit);
}
