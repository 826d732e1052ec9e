/* The paper's experiment as one sweep (docs/benchmark.md): every network of the chosen
 * datasets and kernel counts on every chosen engine and set of conditions, each cell measured
 * with outputs checked (measure.h), stored in DIR/cells/ the moment it finishes, then
 * DIR/results.csv, DIR/results.json and the report (DIR/report.md, DIR/report.html, figures).
 * Rerunning the same command resumes: a cell whose file holds the same configuration is not
 * run again. Cells are independent, so a sweep can be split into shards and merged. */
#ifndef MCB_PAPER_H
#define MCB_PAPER_H

#include "row.h"

#define MCB_PAPER_MAX_DATASETS 3
#define MCB_PAPER_MAX_KERNELS 8
#define MCB_PAPER_MAX_ENGINES 12
#define MCB_PAPER_MAX_IMAGES 100

/* What decides a sweep's rows (DIR/sweep.txt); shards of one sweep have equal ones. */
typedef struct {
    char datasets[MCB_PAPER_MAX_DATASETS][16];
    int n_datasets;
    int kernels[MCB_PAPER_MAX_KERNELS];
    int n_kernels;
    char engines[MCB_PAPER_MAX_ENGINES][32];
    int n_engines;
    char conditions[2][8]; /* "fair", "paper" */
    int n_conditions;
    int images;
    int retrain;
    char target[256];
} mcb_paper_sweep;

typedef struct {
    mcb_paper_sweep s;
    int jobs;             /* cells measured at once (processes) */
    int shard_i, shard_n; /* run only cells with index % shard_n == shard_i - 1; n = 0: all */
    const char *out;      /* DIR */
    const char *models_dir; /* the committed zoo; NULL: $MCUBENCH_MODELS, else the project's */
    const char *data_dir;
} mcb_paper_opts;

/* Parses the command-line lists into s ("mnist,cifar10", "16,32", engines NULL = all
 * registered, conditions "fair", "paper" or "fair,paper"). 0, or -1 after one line. */
int mcb_paper_sweep_parse(mcb_paper_sweep *s, const char *datasets, const char *kernels,
                          const char *engines, const char *conditions);

/* Runs (or resumes) the sweep and writes results and report. 0 when every cell is ok, does
 * not fit or has an unavailable engine; 1 when a cell failed (reported in the results);
 * -1 after one line when the sweep itself could not run. */
int mcb_paper_run(const mcb_paper_opts *o);

/* Combines shard folders (same sweep.txt) into out: cells, results and report, equal to a
 * single run's. 0, 1 (a cell failed or is missing), or -1 after one line. */
int mcb_paper_merge(const char *const *dirs, int n, const char *out);

/* The report of rows (paper_report.c): DIR/report.md, DIR/report.html, DIR/figures/. */
int mcb_paper_report(const char *dir, const mcb_paper_sweep *s, const mcb_row *rows, int n);

#endif
