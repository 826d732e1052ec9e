/* mcubench info: what a .tflite holds (operators, tensors, quantization) and what it costs
 * (parameters, MACs, the least activation memory any plan needs). */
#include "cli.h"
#include "exec.h"
#include "graph_mem.h"
#include "json.h"
#include "tflite.h"

#include <stdio.h>
#include <string.h>

const char cmd_info_usage[] =
    "usage: mcubench info FILE.tflite [--json]\n"
    "\n"
    "Prints the model's graph: operators (index, name, input and output tensors, options),\n"
    "tensors (index, name, type, shape, quantization scale/zero point, constant or not, bytes),\n"
    "trainable parameters, multiply-accumulates per inference, and min_activation_bytes: the\n"
    "largest sum of activation bytes alive at any operator step (a tensor lives from the operator\n"
    "that writes it to the last that reads it; inputs from the start, outputs to the end).\n"
    "--json prints one object with keys description, inputs, outputs, operators (each\n"
    "{index, op, code, version, inputs, outputs, options}), tensors, params, macs,\n"
    "min_activation_bytes.\n";

static const char *padding_name(int p) { return p == 0 ? "SAME" : p == 1 ? "VALID" : "?"; }

static const char *act_name(int a)
{
    static const char *n[] = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};
    return a >= 0 && a < 6 ? n[a] : "?";
}

enum { K_CONV, K_DW, K_POOL, K_FC, K_SOFTMAX, K_ADD, K_OTHER };

static int kind(int code)
{
    switch (code) {
    case MCB_OP_CONV_2D: return K_CONV;
    case MCB_OP_DEPTHWISE_CONV_2D: return K_DW;
    case MCB_OP_MAX_POOL_2D:
    case MCB_OP_AVERAGE_POOL_2D: return K_POOL;
    case MCB_OP_FULLY_CONNECTED: return K_FC;
    case MCB_OP_SOFTMAX: return K_SOFTMAX;
    case MCB_OP_ADD: return K_ADD;
    default: return K_OTHER;
    }
}

static void options_text(const mcb_op *op, char *s, size_t n)
{
    switch (kind(op->code)) {
    case K_CONV:
    case K_DW:
        snprintf(s, n, "%s stride %dx%d dilation %dx%d act %s", padding_name(op->padding),
                 op->stride_h, op->stride_w, op->dilation_h, op->dilation_w,
                 act_name(op->activation));
        if (kind(op->code) == K_DW) {
            size_t k = strlen(s);
            snprintf(s + k, n - k, " multiplier %d", op->depth_multiplier);
        }
        break;
    case K_POOL:
        snprintf(s, n, "%s filter %dx%d stride %dx%d act %s", padding_name(op->padding),
                 op->filter_h, op->filter_w, op->stride_h, op->stride_w, act_name(op->activation));
        break;
    case K_FC:
        snprintf(s, n, "act %s%s", act_name(op->activation),
                 op->keep_num_dims ? " keep_num_dims" : "");
        break;
    case K_SOFTMAX: snprintf(s, n, "beta %g", op->beta); break;
    case K_ADD: snprintf(s, n, "act %s", act_name(op->activation)); break;
    default: s[0] = 0;
    }
}

static void op_name(const mcb_op *op, char *s, size_t n)
{
    const char *name = mcb_op_name(op->code);
    if (strcmp(name, "UNKNOWN"))
        snprintf(s, n, "%s", name);
    else
        snprintf(s, n, "%s(%d)", op->code == 32 ? "CUSTOM" : "BUILTIN", op->code);
}

static void list_text(const int *v, int n, char *s, size_t size)
{
    size_t k = 0;
    s[0] = 0;
    for (int i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(s + k, size - k, "%s%d", i ? "," : "", v[i]);
}

static void shape_text(const mcb_tensor *t, char *s, size_t size)
{
    size_t k = (size_t)snprintf(s, size, "[");
    for (int i = 0; i < t->rank && k < size; i++)
        k += (size_t)snprintf(s + k, size - k, "%s%d", i ? "," : "", (int)t->shape[i]);
    if (k < size)
        snprintf(s + k, size - k, "]");
}

static void quant_text(const mcb_tensor *t, char *s, size_t size)
{
    if (t->n_quant == 0)
        snprintf(s, size, "-");
    else if (t->n_quant == 1)
        snprintf(s, size, "scale %.6g zp %lld", t->scale[0], (long long)t->zero_point[0]);
    else /* the values are in --json */
        snprintf(s, size, "per-channel x%d (dim %d)", t->n_quant, t->quant_dim);
}

static void print_text(const char *path, const mcb_graph *g, int64_t params, int64_t macs,
                       int64_t act)
{
    char a[256], b[256], c[256];
    printf("model: %s\n", path);
    if (g->description && g->description[0])
        printf("description: %s\n", g->description);
    if (g->scheme == MCB_SCHEME_Q7)
        printf("scheme: q7 (CMSIS-NN legacy fixed point: scale 2^-fractional bits)\n");
    list_text(g->in, g->n_in, a, sizeof a);
    list_text(g->out, g->n_out, b, sizeof b);
    printf("inputs: %s  outputs: %s\n\n", a, b);
    printf("operators (%d)\n  %3s  %-18s %-14s %-8s %s\n", g->n_ops, "#", "op", "inputs", "outputs",
           "options");
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        op_name(op, c, sizeof c);
        list_text(op->in, op->n_in, a, sizeof a);
        list_text(op->out, op->n_out, b, sizeof b);
        char o[256];
        options_text(op, o, sizeof o);
        printf("  %3d  %-18s %-14s %-8s %s\n", i, c, a, b, o);
    }
    printf("\ntensors (%d)\n  %3s  %-8s %-16s %-6s %10s  %-26s %s\n", g->n_tensors, "#", "type",
           "shape", "const", "bytes", "quantization", "name");
    for (int i = 0; i < g->n_tensors; i++) {
        const mcb_tensor *t = &g->tensors[i];
        shape_text(t, a, sizeof a);
        quant_text(t, b, sizeof b);
        printf("  %3d  %-8s %-16s %-6s %10lld  %-26s %s\n", i, mcb_dtype_name(t->type), a,
               t->data ? "yes" : "no", (long long)mcb_tensor_bytes(t), b, t->name);
    }
    printf("\nparams %lld\nmacs %lld\nmin_activation_bytes %lld\n", (long long)params,
           (long long)macs, (long long)act);
}

static void json_ints(mcb_json *j, const int *v, int n)
{
    mcb_json_arr_begin(j);
    for (int i = 0; i < n; i++)
        mcb_json_int(j, v[i]);
    mcb_json_arr_end(j);
}

static void json_options(mcb_json *j, const mcb_op *op)
{
    mcb_json_obj_begin(j);
    int k = kind(op->code);
    if (k == K_CONV || k == K_DW || k == K_POOL) {
        mcb_json_key(j, "padding");
        mcb_json_str(j, padding_name(op->padding));
        mcb_json_key(j, "stride_w");
        mcb_json_int(j, op->stride_w);
        mcb_json_key(j, "stride_h");
        mcb_json_int(j, op->stride_h);
    }
    if (k == K_CONV || k == K_DW) {
        mcb_json_key(j, "dilation_w");
        mcb_json_int(j, op->dilation_w);
        mcb_json_key(j, "dilation_h");
        mcb_json_int(j, op->dilation_h);
    }
    if (k == K_DW) {
        mcb_json_key(j, "depth_multiplier");
        mcb_json_int(j, op->depth_multiplier);
    }
    if (k == K_POOL) {
        mcb_json_key(j, "filter_w");
        mcb_json_int(j, op->filter_w);
        mcb_json_key(j, "filter_h");
        mcb_json_int(j, op->filter_h);
    }
    if (k == K_FC) {
        mcb_json_key(j, "keep_num_dims");
        mcb_json_bool(j, op->keep_num_dims);
        mcb_json_key(j, "weights_format");
        mcb_json_int(j, op->weights_format);
    }
    if (k == K_SOFTMAX) {
        mcb_json_key(j, "beta");
        mcb_json_num(j, op->beta);
    }
    if (k != K_SOFTMAX && k != K_OTHER) {
        mcb_json_key(j, "activation");
        mcb_json_str(j, act_name(op->activation));
    }
    mcb_json_obj_end(j);
}

static void print_json(const char *path, const mcb_graph *g, int64_t params, int64_t macs,
                       int64_t act)
{
    mcb_json j;
    char name[64];
    mcb_json_init(&j, stdout, 1);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "model");
    mcb_json_str(&j, path);
    mcb_json_key(&j, "description");
    mcb_json_str(&j, g->description ? g->description : "");
    mcb_json_key(&j, "inputs");
    json_ints(&j, g->in, g->n_in);
    mcb_json_key(&j, "outputs");
    json_ints(&j, g->out, g->n_out);
    mcb_json_key(&j, "operators");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "index");
        mcb_json_int(&j, i);
        op_name(op, name, sizeof name);
        mcb_json_key(&j, "op");
        mcb_json_str(&j, name);
        mcb_json_key(&j, "code");
        mcb_json_int(&j, op->code);
        mcb_json_key(&j, "version");
        mcb_json_int(&j, op->version);
        mcb_json_key(&j, "inputs");
        json_ints(&j, op->in, op->n_in);
        mcb_json_key(&j, "outputs");
        json_ints(&j, op->out, op->n_out);
        mcb_json_key(&j, "options");
        json_options(&j, op);
        mcb_json_key(&j, "macs");
        mcb_json_int(&j, mcb_op_macs(g, op));
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_key(&j, "tensors");
    mcb_json_arr_begin(&j);
    for (int i = 0; i < g->n_tensors; i++) {
        const mcb_tensor *t = &g->tensors[i];
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "index");
        mcb_json_int(&j, i);
        mcb_json_key(&j, "name");
        mcb_json_str(&j, t->name);
        mcb_json_key(&j, "type");
        mcb_json_str(&j, mcb_dtype_name(t->type));
        mcb_json_key(&j, "shape");
        mcb_json_arr_begin(&j);
        for (int d = 0; d < t->rank; d++)
            mcb_json_int(&j, t->shape[d]);
        mcb_json_arr_end(&j);
        mcb_json_key(&j, "constant");
        mcb_json_bool(&j, t->data != NULL);
        mcb_json_key(&j, "bytes");
        mcb_json_int(&j, mcb_tensor_bytes(t));
        mcb_json_key(&j, "quantization");
        if (t->n_quant == 0) {
            mcb_json_null(&j);
        } else {
            mcb_json_obj_begin(&j);
            mcb_json_key(&j, "scale");
            mcb_json_arr_begin(&j);
            for (int q = 0; q < t->n_quant; q++)
                mcb_json_num(&j, t->scale[q]);
            mcb_json_arr_end(&j);
            mcb_json_key(&j, "zero_point");
            mcb_json_arr_begin(&j);
            for (int q = 0; q < t->n_quant; q++)
                mcb_json_int(&j, t->zero_point[q]);
            mcb_json_arr_end(&j);
            mcb_json_key(&j, "quantized_dimension");
            mcb_json_int(&j, t->quant_dim);
            mcb_json_obj_end(&j);
        }
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    mcb_json_key(&j, "params");
    mcb_json_int(&j, params);
    mcb_json_key(&j, "macs");
    mcb_json_int(&j, macs);
    mcb_json_key(&j, "min_activation_bytes");
    mcb_json_int(&j, act);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
}

int cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0;
    if (cli_wants_help(argc, argv)) {
        fputs(cmd_info_usage, stdout);
        return MCB_EXIT_OK;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(argv[0], "unknown option '%s'", argv[i]);
        else if (path)
            return cli_usage_error(argv[0], "one model file only ('%s' and '%s')", path, argv[i]);
        else
            path = argv[i];
    }
    if (!path)
        return cli_usage_error(argv[0], "missing FILE.tflite");
    mcb_graph g;
    if (mcb_tflite_load(path, &g))
        return MCB_EXIT_INPUT;
    int64_t act = mcb_graph_min_activation_bytes(&g);
    if (act < 0) {
        mcb_graph_free(&g);
        return MCB_EXIT_INPUT;
    }
    /* What the executor cannot run is named on stderr, one line per problem; the graph is
     * still shown, and the exit code says the model is not supported. */
    mcb_exec *e = mcb_exec_prepare(&g, path);
    int64_t params = mcb_graph_params(&g), macs = mcb_graph_macs(&g);
    if (json)
        print_json(path, &g, params, macs, act);
    else
        print_text(path, &g, params, macs, act);
    int rc = e ? MCB_EXIT_OK : MCB_EXIT_INPUT;
    mcb_exec_free(e);
    mcb_graph_free(&g);
    return rc;
}
