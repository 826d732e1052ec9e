#include "cli.h"
#include "family.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

const char cmd_models_usage[] =
    "usage: mcubench models [--json] [NAME]\n"
    "\n"
    "Lists the ten networks of the paper family (Profentzas et al. 2021, Table 2) with their\n"
    "layer shapes, trainable parameters and multiply-accumulates per inference. With NAME, only\n"
    "that network. --json prints an array of {name, dataset, kernels, params, macs, layers}.\n";

static void print_json(const mcb_family_net **nets, int n)
{
    mcb_json j;
    mcb_json_init(&j, stdout, 1);
    mcb_json_arr_begin(&j);
    for (int i = 0; i < n; i++) {
        mcb_family_layer l[MCB_FAMILY_LAYERS];
        int nl = mcb_family_layers(nets[i], l);
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "name");
        mcb_json_str(&j, nets[i]->name);
        mcb_json_key(&j, "dataset");
        mcb_json_str(&j, nets[i]->dataset);
        mcb_json_key(&j, "kernels");
        mcb_json_int(&j, nets[i]->kernels);
        mcb_json_key(&j, "params");
        mcb_json_int(&j, mcb_family_params(nets[i]));
        mcb_json_key(&j, "paper_params");
        mcb_json_int(&j, nets[i]->paper_params);
        mcb_json_key(&j, "macs");
        mcb_json_int(&j, mcb_family_macs(nets[i]));
        mcb_json_key(&j, "layers");
        mcb_json_arr_begin(&j);
        for (int k = 0; k < nl; k++) {
            mcb_json_obj_begin(&j);
            mcb_json_key(&j, "layer");
            mcb_json_str(&j, l[k].label);
            mcb_json_key(&j, "input");
            mcb_json_arr_begin(&j);
            mcb_json_int(&j, l[k].in_h);
            mcb_json_int(&j, l[k].in_w);
            mcb_json_int(&j, l[k].in_c);
            mcb_json_arr_end(&j);
            mcb_json_key(&j, "output");
            mcb_json_arr_begin(&j);
            mcb_json_int(&j, l[k].out_h);
            mcb_json_int(&j, l[k].out_w);
            mcb_json_int(&j, l[k].out_c);
            mcb_json_arr_end(&j);
            mcb_json_key(&j, "params");
            mcb_json_int(&j, l[k].params);
            mcb_json_key(&j, "macs");
            mcb_json_int(&j, l[k].macs);
            mcb_json_obj_end(&j);
        }
        mcb_json_arr_end(&j);
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_end(&j);
}

static void print_table(const mcb_family_net **nets, int n)
{
    for (int i = 0; i < n; i++) {
        const mcb_family_net *net = nets[i];
        mcb_family_layer l[MCB_FAMILY_LAYERS];
        int nl = mcb_family_layers(net, l);
        int64_t params = mcb_family_params(net);
        printf("%s  (%s, K=%d)  params %lld", net->name, net->dataset, net->kernels,
               (long long)params);
        if (params != net->paper_params)
            printf(" (paper prints %lld)", (long long)net->paper_params);
        printf("  MACs %lld\n", (long long)mcb_family_macs(net));
        printf("  %-14s %-12s %-12s %9s %11s\n", "layer", "input", "output", "params", "MACs");
        for (int k = 0; k < nl; k++) {
            char in[32], out[32];
            snprintf(in, sizeof in, "%dx%dx%d", l[k].in_h, l[k].in_w, l[k].in_c);
            snprintf(out, sizeof out, "%dx%dx%d", l[k].out_h, l[k].out_w, l[k].out_c);
            printf("  %-14s %-12s %-12s %9lld %11lld\n", l[k].label, in, out,
                   (long long)l[k].params, (long long)l[k].macs);
        }
        if (i + 1 < n)
            printf("\n");
    }
}

int cmd_models(int argc, char **argv)
{
    int json = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (argv[i][0] == '-')
            return cli_usage_error("models", "unknown option '%s'", argv[i]);
        else if (!only)
            only = argv[i];
        else
            return cli_usage_error("models", "one NAME at most");
    }
    const mcb_family_net *nets[MCB_FAMILY_COUNT];
    int n = 0;
    for (int i = 0; i < MCB_FAMILY_COUNT; i++)
        if (!only || !strcmp(only, mcb_family[i].name))
            nets[n++] = &mcb_family[i];
    if (only && n == 0)
        return cli_usage_error("models", "unknown network '%s'", only);
    if (json)
        print_json(nets, n);
    else
        print_table(nets, n);
    return MCB_EXIT_OK;
}
