/* mcubench data: verify the dataset files against the recorded sha256 (check) and summarize
 * what the readers load from them (show). */
#include "checksums.h"
#include "cli.h"
#include "dataset.h"
#include "err.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_data_usage[] =
    "usage: mcubench data check [--data DIR] [--json] [DATASET...]\n"
    "       mcubench data show  [--data DIR] [--json] [DATASET...]\n"
    "\n"
    "check  verifies the sha256 of every file of each dataset against the values the project\n"
    "       records, one line per file: OK, MISMATCH or missing. A .gz file verifies if its own\n"
    "       sha256 matches, or if its uncompressed contents do; an uncompressed file verifies on\n"
    "       its contents. Exit 0 only if every installed dataset verifies and MNIST and CIFAR-10\n"
    "       are installed (Fashion-MNIST is optional unless named).\n"
    "show   loads every split and prints, per dataset and split: files, image count, shape and\n"
    "       images per class. Exit 1 if a split fails to load (the reason is on stderr).\n"
    "\n"
    "DATASET is mnist, cifar10 or fashion-mnist (default: all three).\n"
    "\n"
    "Where the files are looked for:\n"
    "  data directory DIR: --data DIR, else $MCUBENCH_DATA, else ./data\n"
    "  mnist          DIR/mnist/        train-images-idx3-ubyte, train-labels-idx1-ubyte,\n"
    "                                   t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte\n"
    "  cifar10        DIR/cifar10/      data_batch_1.bin .. data_batch_5.bin, test_batch.bin,\n"
    "                                   batches.meta.txt\n"
    "  fashion-mnist  DIR/fashion-mnist/, else " MCB_FASHION_SYSTEM_DIR "/\n"
    "                 (apt-get install dataset-fashion-mnist); same file names as mnist\n"
    "Each file may be gzipped (FILE.gz, preferred when both exist) or not (FILE).\n"
    "\n"
    "--json prints one JSON object instead: {data_dir, ok, datasets: [...]}.\n";

typedef struct {
    const char *data_dir;
    int json;
    const char *only[8];
    int n_only;
} options;


/* Opens one dataset's object for `check` and `show` alike, up to its list (files or splits). */
static void json_dataset_begin(mcb_json *j, const char *name, const char *dir, int installed,
                               int optional, const char *list_key)
{
    mcb_json_obj_begin(j);
    mcb_json_key(j, "name");
    mcb_json_str(j, name);
    mcb_json_key(j, "dir");
    mcb_json_str(j, dir);
    mcb_json_key(j, "installed");
    mcb_json_bool(j, installed);
    mcb_json_key(j, "optional");
    mcb_json_bool(j, optional);
    mcb_json_key(j, list_key);
    mcb_json_arr_begin(j);
}
static int wanted(const options *o, const char *name)
{
    if (o->n_only == 0)
        return 1;
    for (int i = 0; i < o->n_only; i++)
        if (!strcmp(o->only[i], name))
            return 1;
    return 0;
}

/* A dataset left out of the default set without failing the command. */
static int optional(const options *o, const char *name)
{
    return o->n_only == 0 && !strcmp(name, "fashion-mnist");
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* The start both reports share: the data directory, and with --json the open "datasets" array. */
static void begin_report(const options *o, mcb_json *j)
{
    if (o->json) {
        mcb_json_init(j, stdout, 1);
        mcb_json_obj_begin(j);
        mcb_json_key(j, "data_dir");
        mcb_json_str(j, o->data_dir);
        mcb_json_key(j, "datasets");
        mcb_json_arr_begin(j);
    } else {
        printf("data directory: %s\n", o->data_dir);
    }
}

static int run_check(const options *o)
{
    mcb_json j;
    begin_report(o, &j);
    int all_ok = 1, n_bad = 0, n_files = 0;
    char absent[96] = "";
    for (int di = 0; mcb_dataset_names[di]; di++) {
        const char *name = mcb_dataset_names[di];
        if (!wanted(o, name))
            continue;
        char dsdir[4096];
        int installed = mcb_dataset_dir(name, o->data_dir, dsdir, sizeof dsdir);
        if (installed < 0)
            return MCB_EXIT_INPUT;
        int opt = optional(o, name);
        if (!installed && !opt) {
            all_ok = 0;
            size_t len = strlen(absent);
            snprintf(absent + len, sizeof absent - len, "%s%s", len ? ", " : "", name);
        }
        if (o->json) {
            json_dataset_begin(&j, name, dsdir, installed, opt, "files");
        } else if (installed) {
            printf("%s (%s)\n", name, dsdir);
        } else if (!strcmp(name, "fashion-mnist")) {
            printf("%s: not installed (neither %s nor %s exists; apt-get install "
                   "dataset-fashion-mnist)%s\n",
                   name, dsdir, MCB_FASHION_SYSTEM_DIR, opt ? "; optional, not an error" : "");
        } else {
            printf("%s: not installed (%s does not exist)\n", name, dsdir);
        }
        int ds_ok = installed;
        for (const mcb_data_checksum *c = mcb_data_checksums; installed && c->dataset; c++) {
            if (strcmp(c->dataset, name))
                continue;
            mcb_sum_verdict v;
            if (mcb_data_verify(c, dsdir, &v) != 0)
                return MCB_EXIT_INPUT;
            n_files++;
            const char *st = v.status == MCB_SUM_OK         ? "OK"
                             : v.status == MCB_SUM_MISMATCH ? "MISMATCH"
                                                            : "missing";
            if (v.status != MCB_SUM_OK) {
                ds_ok = 0;
                n_bad++;
            }
            if (o->json) {
                mcb_json_obj_begin(&j);
                mcb_json_key(&j, "file");
                mcb_json_str(&j, c->file);
                mcb_json_key(&j, "path");
                mcb_json_str(&j, v.path);
                mcb_json_key(&j, "status");
                mcb_json_str(&j, st);
                mcb_json_key(&j, "sha256");
                if (v.found[0])
                    mcb_json_str(&j, v.found);
                else
                    mcb_json_null(&j);
                mcb_json_key(&j, "expected");
                mcb_json_str(&j, v.expected);
                mcb_json_key(&j, "compared");
                mcb_json_str(&j, v.by_content ? "contents" : "file");
                if (v.detail[0]) {
                    mcb_json_key(&j, "error");
                    mcb_json_str(&j, v.detail);
                }
                mcb_json_obj_end(&j);
            } else if (v.status == MCB_SUM_MISSING) {
                printf("  %-8s %s (nor %s)\n", st, basename_of(v.path), c->file);
            } else if (v.status == MCB_SUM_OK) {
                printf("  %-8s %s%s\n", st, basename_of(v.path),
                       v.by_content && ends_with(v.path, ".gz") ? " (uncompressed contents)"
                                                                 : "");
            } else if (v.detail[0]) {
                printf("  %-8s %s: %s\n", st, basename_of(v.path), v.detail);
            } else {
                printf("  %-8s %s: sha256%s %s, expected %s\n", st, basename_of(v.path),
                       v.by_content ? " of contents" : "", v.found, v.expected);
            }
        }
        if (!ds_ok && installed)
            all_ok = 0;
        if (o->json) {
            mcb_json_arr_end(&j);
            mcb_json_key(&j, "ok");
            mcb_json_bool(&j, ds_ok);
            mcb_json_obj_end(&j);
        }
    }
    if (o->json) {
        mcb_json_arr_end(&j);
        mcb_json_key(&j, "ok");
        mcb_json_bool(&j, all_ok);
        mcb_json_obj_end(&j);
        mcb_json_end(&j);
    } else if (all_ok) {
        printf("all %d files verified\n", n_files);
    } else {
        printf("FAILED: %d of %d files did not verify", n_bad, n_files);
        if (absent[0])
            printf("; not installed: %s", absent);
        printf("\n");
    }
    return all_ok ? MCB_EXIT_OK : MCB_EXIT_INPUT;
}

static void class_counts(const mcb_dataset *d, int counts[256])
{
    memset(counts, 0, 256 * sizeof counts[0]);
    for (int i = 0; i < d->n; i++)
        counts[d->labels[i]]++;
}

static int run_show(const options *o)
{
    static const char *const splits[] = {"train", "test"};
    mcb_json j;
    begin_report(o, &j);
    int all_ok = 1;
    for (int di = 0; mcb_dataset_names[di]; di++) {
        const char *name = mcb_dataset_names[di];
        if (!wanted(o, name))
            continue;
        char dsdir[4096];
        int installed = mcb_dataset_dir(name, o->data_dir, dsdir, sizeof dsdir);
        if (installed < 0)
            return MCB_EXIT_INPUT;
        int opt = optional(o, name);
        if (!installed && !opt)
            all_ok = 0;
        if (o->json) {
            json_dataset_begin(&j, name, dsdir, installed, opt, "splits");
        } else if (installed) {
            printf("%s (%s)\n", name, dsdir);
        } else {
            printf("%s: not installed (%s does not exist)%s\n", name, dsdir,
                   opt ? "; optional, not an error" : "");
        }
        for (int si = 0; installed && si < 2; si++) {
            const char *const *files = mcb_dataset_files(name, splits[si]);
            mcb_dataset d;
            int ok = mcb_dataset_load(&d, name, splits[si], o->data_dir, 0) == 0;
            if (!ok)
                all_ok = 0;
            int counts[256];
            if (ok)
                class_counts(&d, counts);
            if (o->json) {
                mcb_json_obj_begin(&j);
                mcb_json_key(&j, "split");
                mcb_json_str(&j, splits[si]);
                mcb_json_key(&j, "files");
                mcb_json_arr_begin(&j);
                for (int f = 0; files[f]; f++) {
                    char path[4096];
                    if (mcb_dataset_file(dsdir, files[f], path, sizeof path) == 1)
                        mcb_json_str(&j, path);
                    else
                        mcb_json_null(&j); /* missing */
                }
                mcb_json_arr_end(&j);
                if (ok) {
                    mcb_json_key(&j, "images");
                    mcb_json_int(&j, d.n);
                    mcb_json_key(&j, "shape");
                    mcb_json_arr_begin(&j);
                    mcb_json_int(&j, d.h);
                    mcb_json_int(&j, d.w);
                    mcb_json_int(&j, d.c);
                    mcb_json_arr_end(&j);
                    mcb_json_key(&j, "classes");
                    mcb_json_int(&j, d.classes);
                    mcb_json_key(&j, "class_counts");
                    mcb_json_arr_begin(&j);
                    for (int k = 0; k < d.classes; k++)
                        mcb_json_int(&j, counts[k]);
                    mcb_json_arr_end(&j);
                } else {
                    mcb_json_key(&j, "error");
                    mcb_json_str(&j, mcb_last_error());
                }
                mcb_json_obj_end(&j);
            } else {
                printf("  %-5s ", splits[si]);
                if (ok) {
                    printf("%d images, %dx%dx%d, per class:", d.n, d.h, d.w, d.c);
                    for (int k = 0; k < d.classes; k++)
                        printf(" %d", counts[k]);
                    printf("\n");
                } else {
                    printf("FAILED: %s\n", mcb_last_error());
                }
                printf("        files:");
                for (int f = 0; files[f]; f++) {
                    char path[4096];
                    if (mcb_dataset_file(dsdir, files[f], path, sizeof path) == 1)
                        printf(" %s", basename_of(path));
                    else
                        printf(" %s[.gz] (missing)", files[f]);
                }
                printf("\n");
            }
            if (ok)
                mcb_dataset_free(&d);
        }
        if (o->json) {
            mcb_json_arr_end(&j);
            mcb_json_obj_end(&j);
        }
    }
    if (o->json) {
        mcb_json_arr_end(&j);
        mcb_json_key(&j, "ok");
        mcb_json_bool(&j, all_ok);
        mcb_json_obj_end(&j);
        mcb_json_end(&j);
    } else if (!all_ok) {
        printf("FAILED: a required dataset is not installed or a split did not load\n");
    }
    return all_ok ? MCB_EXIT_OK : MCB_EXIT_INPUT;
}

int cmd_data(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("data", "needs an action: check or show");
    const char *action = argv[1];
    if (strcmp(action, "check") && strcmp(action, "show"))
        return cli_usage_error("data", "unknown action '%s' (expected check or show)", action);
    options o = {0};
    const char *dir = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            o.json = 1;
        } else if (!strcmp(argv[i], "--data")) {
            if (!(dir = cli_value("data", argc, argv, &i)))
                return MCB_EXIT_USAGE;
        } else if (argv[i][0] == '-') {
            return cli_usage_error("data", "unknown option '%s'", argv[i]);
        } else {
            int h, w, c, k;
            if (mcb_dataset_shape(argv[i], &h, &w, &c, &k) != 0)
                return cli_usage_error("data", "unknown dataset '%s' (mnist, cifar10, "
                                               "fashion-mnist)", argv[i]);
            if (!wanted(&o, argv[i]) || o.n_only == 0) {
                if (o.n_only == (int)(sizeof o.only / sizeof o.only[0]))
                    return cli_usage_error("data", "too many datasets");
                o.only[o.n_only++] = argv[i];
            }
        }
    }
    o.data_dir = mcb_data_dir(dir);
    return !strcmp(action, "check") ? run_check(&o) : run_show(&o);
}
