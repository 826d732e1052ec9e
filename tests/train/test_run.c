/* A tiny real training run (MNIST, 2,000 images, 1 epoch, one OpenBLAS thread): it beats
 * chance clearly on test images, gives the same .tflite bytes twice, and a run interrupted after
 * epoch 1 and resumed from its checkpoint gives the same bytes as an uninterrupted one.
 * Needs the datasets ($MCUBENCH_DATA); skipped (exit 77) without them. */
#include "../test.h"
#include "dataset.h"
#include "err.h"
#include "layers.h"
#include "tflite.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint8_t *train_bytes(mcb_train_opts *o, size_t *size, mcb_net *keep)
{
    mcb_net net;
    mcb_train_result r;
    uint8_t *buf = NULL;
    if (mcb_train_run(o, &net, &r) != 0)
        return NULL;
    mcb_graph g;
    if (mcb_net_to_graph(&net, &g) == 0) {
        if (mcb_tflite_serialize(&g, &buf, size) != 0)
            buf = NULL;
        mcb_graph_free(&g);
    }
    if (keep)
        *keep = net;
    else
        mcb_net_free(&net);
    return buf;
}

static double test_accuracy(mcb_net *net, int limit)
{
    mcb_dataset d;
    if (mcb_dataset_load(&d, "mnist", "test", mcb_data_dir(NULL), limit) != 0)
        return -1;
    int idx[32], ok = 0;
    mcb_rng unused;
    mcb_rng_seed(&unused, 0);
    for (int s = 0; s < d.n; s += 32) {
        int n = d.n - s < 32 ? d.n - s : 32, c;
        for (int i = 0; i < n; i++)
            idx[i] = s + i;
        mcb_train_fill(net, d.pixels, idx, n, 0, &unused);
        mcb_net_forward(net, n);
        mcb_softmax_xent(net->z, d.labels + s, n, 10, NULL, &c);
        ok += c;
    }
    double acc = (double)ok / d.n;
    mcb_dataset_free(&d);
    return acc;
}

int main(void)
{
    const char *dir = getenv("MCUBENCH_DATA");
    if (!dir || !*dir) {
        fprintf(stderr, "MCUBENCH_DATA not set: skipped\n");
        return 77;
    }
    mcb_train_opts o;
    mcb_train_defaults(&o);
    o.model = "mnist-conv16";
    o.epochs = 1;
    o.limit = 2000;
    o.threads = 1;
    o.seed = 5;
    size_t n1 = 0, n2 = 0, n3 = 0;
    mcb_net net;
    uint8_t *a = train_bytes(&o, &n1, &net);
    uint8_t *b = train_bytes(&o, &n2, NULL);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    double acc = a ? test_accuracy(&net, 1000) : -1;
    fprintf(stderr, "mnist-conv16, 2000 images, 1 epoch: test accuracy %.3f\n", acc);
    CHECK(acc > 0.6); /* chance is 0.1 */
    if (a)
        mcb_net_free(&net);

    /* another seed gives another model */
    o.seed = 6;
    uint8_t *c = train_bytes(&o, &n3, NULL);
    CHECK(c && n3 == n1 && memcmp(a, c, n1) != 0);
    free(b), free(c);

    /* resume: 2 epochs at once vs 1 epoch, then continue to 2 from the checkpoint */
    char ck[] = "/tmp/mcb-test-ckpt-XXXXXX";
    int fd = mkstemp(ck);
    CHECK(fd >= 0);
    close(fd);
    unlink(ck);
    o.seed = 5, o.epochs = 2, o.limit = 1000, o.augment = 1, o.lr_drop[0] = 2;
    free(a);
    a = train_bytes(&o, &n1, NULL);
    o.checkpoint = ck, o.epochs = 1;
    b = train_bytes(&o, &n2, NULL);
    CHECK(b && (n2 != n1 || memcmp(a, b, n1) != 0)); /* one epoch is not two */
    free(b);
    o.epochs = 2;
    b = train_bytes(&o, &n2, NULL);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    free(b);
    /* a checkpoint of another run is refused, not silently continued */
    o.seed = 9;
    mcb_err_quiet(1);
    b = train_bytes(&o, &n2, NULL);
    mcb_err_quiet(0);
    CHECK(b == NULL && strstr(mcb_last_error(), "another run") != NULL);
    free(b);
    unlink(ck);
    free(a);
    return TEST_END();
}
