/* The sha256 the project records for every dataset file, and the check against them.
 * MNIST and CIFAR-10: the sha256 of each file as distributed (/work/shared/data/README.md) and
 * of its uncompressed contents, so a user who gunzipped the files still verifies.
 * Fashion-MNIST: only the uncompressed contents, because Debian re-gzipped the files. */
#ifndef MCB_CHECKSUMS_H
#define MCB_CHECKSUMS_H

typedef struct {
    const char *dataset;
    const char *file;        /* name without ".gz" */
    const char *sha_stored;  /* sha256 of the file as distributed (the .gz), or NULL */
    const char *sha_content; /* sha256 of the uncompressed contents */
} mcb_data_checksum;

/* Terminated by an entry with dataset == NULL. */
extern const mcb_data_checksum mcb_data_checksums[];

typedef enum { MCB_SUM_OK, MCB_SUM_MISMATCH, MCB_SUM_MISSING } mcb_sum_status;

typedef struct {
    mcb_sum_status status;
    char path[4096];     /* the file looked at (FILE.gz when neither form exists) */
    char found[65];      /* sha256 compared last: of the file, or of its contents; "" if unread */
    const char *expected; /* the recorded value found is compared against */
    int by_content;       /* OK/MISMATCH decided on the uncompressed contents */
    char detail[160];     /* why the contents could not be read, if they could not */
} mcb_sum_verdict;

/* Verifies one recorded file in the dataset directory dsdir. A file whose own sha256 equals
 * sha_stored or sha_content is OK; otherwise a gzip file is decompressed and its contents
 * compared with sha_content. Returns 0 with the verdict filled; -1 only for a path that does
 * not fit (reported). Unreadable files are MISMATCH with the reason in detail (also reported
 * on stderr). */
int mcb_data_verify(const mcb_data_checksum *c, const char *dsdir, mcb_sum_verdict *v);

#endif
