#include "family.h"

#include <string.h>

/* paper_params is Table 2 as printed. cifar10-conv64 is printed as 61,771, but the layer
 * arithmetic (1,792 + 36,928 + 23,050) gives 61,770; every other entry matches exactly. */
const mcb_family_net mcb_family[MCB_FAMILY_COUNT] = {
    {"mnist-conv16", "mnist", 16, 28, 28, 1, 10, 6490},
    {"mnist-conv32", "mnist", 32, 28, 28, 1, 10, 17578},
    {"mnist-conv64", "mnist", 64, 28, 28, 1, 10, 53578},
    {"mnist-conv96", "mnist", 96, 28, 28, 1, 10, 108010},
    {"mnist-conv128", "mnist", 128, 28, 28, 1, 10, 180874},
    {"cifar10-conv16", "cifar10", 16, 32, 32, 3, 10, 8538},
    {"cifar10-conv32", "cifar10", 32, 32, 32, 3, 10, 21674},
    {"cifar10-conv64", "cifar10", 64, 32, 32, 3, 10, 61771},
    {"cifar10-conv96", "cifar10", 96, 32, 32, 3, 10, 120298},
    {"cifar10-conv128", "cifar10", 128, 32, 32, 3, 10, 197258},
};

const mcb_family_net *mcb_family_find(const char *name)
{
    for (int i = 0; i < MCB_FAMILY_COUNT; i++)
        if (strcmp(mcb_family[i].name, name) == 0)
            return &mcb_family[i];
    return 0;
}

static void set(mcb_family_layer *l, int kind, const char *label, int h, int w, int c, int oh,
                int ow, int oc)
{
    l->kind = kind;
    l->label = label;
    l->in_h = h;
    l->in_w = w;
    l->in_c = c;
    l->out_h = oh;
    l->out_w = ow;
    l->out_c = oc;
    l->params = 0;
    l->macs = 0;
}

int mcb_family_layers(const mcb_family_net *n, mcb_family_layer out[MCB_FAMILY_LAYERS])
{
    int h = n->in_h, w = n->in_w, c = n->in_c, k = n->kernels;
    mcb_family_layer *l = out;
    for (int i = 0; i < 2; i++) {
        set(l, MCB_L_CONV3X3_RELU, "conv3x3+relu", h, w, c, h - 2, w - 2, k);
        l->params = (int64_t)k * 9 * c + k;
        l->macs = (int64_t)(h - 2) * (w - 2) * k * 9 * c;
        h -= 2;
        w -= 2;
        c = k;
        l++;
        set(l, MCB_L_MAXPOOL2, "maxpool2x2", h, w, c, h / 2, w / 2, c);
        h /= 2;
        w /= 2;
        l++;
    }
    set(l, MCB_L_FLATTEN, "flatten", h, w, c, 1, 1, h * w * c);
    int flat = h * w * c;
    l++;
    set(l, MCB_L_DENSE, "dense", 1, 1, flat, 1, 1, n->classes);
    l->params = (int64_t)flat * n->classes + n->classes;
    l->macs = (int64_t)flat * n->classes;
    l++;
    set(l, MCB_L_SOFTMAX, "softmax", 1, 1, n->classes, 1, 1, n->classes);
    return MCB_FAMILY_LAYERS;
}

int64_t mcb_family_params(const mcb_family_net *n)
{
    mcb_family_layer l[MCB_FAMILY_LAYERS];
    int64_t s = 0;
    for (int i = 0, m = mcb_family_layers(n, l); i < m; i++)
        s += l[i].params;
    return s;
}

int64_t mcb_family_macs(const mcb_family_net *n)
{
    mcb_family_layer l[MCB_FAMILY_LAYERS];
    int64_t s = 0;
    for (int i = 0, m = mcb_family_layers(n, l); i < m; i++)
        s += l[i].macs;
    return s;
}
