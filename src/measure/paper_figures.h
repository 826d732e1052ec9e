/* The paper's published figures, for the report to show beside ours (paper_figures.c says
 * where they come from). Each table ends with an entry whose dataset is NULL. */
#ifndef MCB_PAPER_FIGURES_H
#define MCB_PAPER_FIGURES_H

typedef struct {
    const char *dataset;
    int kernels;
    long params;
    double accuracy; /* float, Keras */
} mcb_paper_table2;

typedef struct {
    const char *dataset;
    int kernels;
    const char *framework; /* "cmsis-nn", "utensor", "tflm" */
    long ram_bytes, flash_bytes;
    double time_ms, energy_mj; /* -1: not measured (did not fit) */
} mcb_paper_hw;

extern const mcb_paper_table2 mcb_paper_t2[];
extern const mcb_paper_hw mcb_paper_t34[];

#endif
