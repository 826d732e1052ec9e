#include "train.h"

#include "checkpoint.h"
#include "dataset.h"
#include "err.h"
#include "progress.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mcb_train_defaults(mcb_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 1;
    o->batch = 32;
    o->seed = 1;
    o->threads = 2;
    o->lr = 1e-3f;
}

float mcb_train_lr(const mcb_train_opts *o, int e)
{
    float lr = o->lr;
    for (int i = 0; i < 4; i++)
        if (o->lr_drop[i] > 0 && e >= o->lr_drop[i])
            lr *= 0.1f;
    return lr;
}

void mcb_train_fill(mcb_net *net, const uint8_t *pixels, const int *idx, int n, int augment,
                    mcb_rng *rng)
{
    int h = net->h, w = net->w, c = net->c;
    size_t img = (size_t)h * w * c;
    for (int i = 0; i < n; i++) {
        const uint8_t *src = pixels + (size_t)idx[i] * img;
        float *dst = net->x + (size_t)i * img;
        if (!augment) {
            for (size_t j = 0; j < img; j++)
                dst[j] = mcb_pixel_unit(src[j]);
            continue;
        }
        /* one draw per image: flip bit and a shift in [-2, 2] on each axis (zero fill); only
         * colour images are flipped (a mirrored digit is another symbol) */
        uint64_t r = mcb_rng_next(rng);
        int flip = c == 3 && (r & 1), dy = (int)((r >> 8) % 5) - 2, dx = (int)((r >> 16) % 5) - 2;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int sy = y + dy, sx = flip ? (w - 1 - x) + dx : x + dx;
                float *d = dst + ((size_t)y * w + x) * c;
                if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
                    for (int ch = 0; ch < c; ch++)
                        d[ch] = 0.0f;
                } else {
                    const uint8_t *p = src + ((size_t)sy * w + sx) * c;
                    for (int ch = 0; ch < c; ch++)
                        d[ch] = mcb_pixel_unit(p[ch]);
                }
            }
    }
}

static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 0)
        s = 0;
    int t = (int)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%dh%02dm", t / 3600, t / 60 % 60);
    else
        snprintf(buf, n, "%dm%02ds", t / 60, t % 60);
}

int mcb_train_run(const mcb_train_opts *o, mcb_net *net, mcb_train_result *res)
{
    const mcb_family_net *fn = mcb_family_find(o->model);
    if (!fn) {
        mcb_error("%s: not a network of the paper family (see 'mcubench models')", o->model);
        return -1;
    }
    if (o->batch < 1 || o->batch > 4096 || o->epochs < 0 || o->threads < 1) {
        mcb_error("%s: batch must be 1..4096, epochs >= 0 and threads >= 1", o->model);
        return -1;
    }
    openblas_set_num_threads(o->threads);
    mcb_dataset d;
    if (mcb_dataset_load(&d, fn->dataset, "train", mcb_data_dir(o->data_dir), o->limit) != 0)
        return -1;
    if (d.h != fn->in_h || d.w != fn->in_w || d.c != fn->in_c || d.n < 1) {
        mcb_error("%s: dataset %s has %dx%dx%d images, %s needs %dx%dx%d", o->model, d.name, d.h,
                  d.w, d.c, fn->name, fn->in_h, fn->in_w, fn->in_c);
        mcb_dataset_free(&d);
        return -1;
    }
    mcb_rng rng;
    mcb_rng_seed(&rng, o->seed);
    int *idx = malloc((size_t)d.n * sizeof(int));
    if (!idx || mcb_net_init(net, fn, o->batch, &rng) != 0) {
        if (!idx)
            mcb_error("%s: out of memory", o->model);
        free(idx);
        mcb_dataset_free(&d);
        return -1;
    }
    mcb_ckpt_info ck;
    memset(&ck, 0, sizeof ck);
    snprintf(ck.model, sizeof ck.model, "%s", fn->name);
    ck.batch = o->batch, ck.augment = o->augment, ck.limit = o->limit, ck.threads = o->threads;
    ck.seed = o->seed, ck.lr = o->lr, ck.images = d.n;
    memcpy(ck.lr_drop, o->lr_drop, sizeof ck.lr_drop);
    if (o->checkpoint) {
        mcb_ckpt_info old;
        int got = mcb_ckpt_load(o->checkpoint, &old, NULL);
        if (got == 1 && (strcmp(old.model, ck.model) || old.batch != ck.batch ||
                         old.augment != ck.augment || old.limit != ck.limit ||
                         old.seed != ck.seed || old.lr != ck.lr || old.images != ck.images ||
                         memcmp(old.lr_drop, ck.lr_drop, sizeof ck.lr_drop))) {
            mcb_error("%s: checkpoint is for another run (%s, batch %d, seed %llu); remove it "
                      "or use the same options",
                      o->checkpoint, old.model, old.batch, (unsigned long long)old.seed);
            got = -1;
        }
        if (got == 1)
            got = mcb_ckpt_load(o->checkpoint, &old, net);
        if (got < 0) {
            free(idx);
            mcb_dataset_free(&d);
            mcb_net_free(net);
            return -1;
        }
        if (got == 1) {
            if (old.threads != o->threads)
                fprintf(stderr,
                        "mcubench: note: %s was written with %d threads, resuming with %d; the "
                        "result may differ in the last bits from an uninterrupted run\n",
                        o->checkpoint, old.threads, o->threads);
            ck.epochs_done = old.epochs_done;
            ck.seconds = old.seconds, ck.loss = old.loss, ck.accuracy = old.accuracy;
            rng.s = old.rng_state;
        }
    }
    int nb = (d.n + o->batch - 1) / o->batch;
    for (int e = ck.epochs_done; e < o->epochs; e++) {
        double t0 = mcb_now();
        for (int i = 0; i < d.n; i++)
            idx[i] = i;
        for (int i = d.n - 1; i > 0; i--) {
            int j = (int)mcb_rng_below(&rng, (uint32_t)i + 1);
            int tmp = idx[i];
            idx[i] = idx[j], idx[j] = tmp;
        }
        float lr = mcb_train_lr(o, e + 1);
        double loss_sum = 0.0;
        long correct_sum = 0;
        for (int b = 0; b < nb; b++) {
            int start = b * o->batch, n = d.n - start < o->batch ? d.n - start : o->batch;
            uint8_t labels[4096];
            for (int i = 0; i < n; i++)
                labels[i] = d.labels[idx[start + i]];
            mcb_train_fill(net, d.pixels, idx + start, n, o->augment, &rng);
            int correct;
            loss_sum += mcb_net_backward(net, n, labels, &correct) * n;
            correct_sum += correct;
            mcb_net_adam(net, lr, 0.9f, 0.999f, 1e-7f);
            if (mcb_progress_enabled() && (b % 16 == 15 || b == nb - 1)) {
                double el = mcb_now() - t0, done = start + n;
                double left = el / done * ((double)(o->epochs - e) * d.n - done);
                char tl[16];
                fmt_time(tl, sizeof tl, left);
                mcb_progress("%s epoch %d/%d  %3.0f%%  loss %.4f  acc %.4f  %.0f img/s  %s left",
                             fn->name, e + 1, o->epochs, 100.0 * done / d.n, loss_sum / done,
                             correct_sum / done, done / el, tl);
            }
        }
        double dt = mcb_now() - t0;
        mcb_progress_done();
        ck.epochs_done = e + 1;
        ck.loss = loss_sum / d.n;
        ck.accuracy = (double)correct_sum / d.n;
        ck.seconds += dt;
        ck.rng_state = rng.s;
        if (o->log_epochs)
            fprintf(stderr, "%s: epoch %d/%d loss %.4f acc %.4f %.1f s (%.0f img/s)\n", fn->name,
                    e + 1, o->epochs, ck.loss, ck.accuracy, dt, d.n / dt);
        if (o->checkpoint && mcb_ckpt_save(o->checkpoint, &ck, net) != 0) {
            free(idx);
            mcb_dataset_free(&d);
            mcb_net_free(net);
            return -1;
        }
    }
    res->epochs_done = ck.epochs_done;
    res->images = d.n;
    res->loss = ck.loss;
    res->accuracy = ck.accuracy;
    res->seconds = ck.seconds;
    free(idx);
    mcb_dataset_free(&d);
    return 0;
}
