/* The generated library: compiles warning-free with the host compiler (C99) and for
 * Cortex-M4, and run on the host equals the host executor bit-exactly on random inputs.
 * Also: deterministic output, refusals (too big for the target, unsupported operator, a
 * folder that is not a generated library).
 * usage: test_codegen_generate SOURCE_DIR [ARM_GCC] */
#include "codegen.h"
#include "err.h"
#include "exec.h"
#include "fileio.h"
#include "graph_mem.h"
#include "graphs.h"
#include "proc.h"
#include "target.h"
#include "test.h"
#include "tflite.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_INPUTS 8

static char work[256];
static const char *arm_gcc;
static mcb_target m4;

static int run(char **argv)
{
    pid_t pid = mcb_spawn(argv, "gcc", NULL, NULL);
    return pid < 0 ? -1 : mcb_spawn_wait(pid, argv[0]);
}

static const char harness[] =
    "#include \"model.h\"\n#include <stdio.h>\n\n"
    "int main(int argc, char **argv)\n{\n"
    "    static int8_t x[MCB_MODEL_INPUT_BYTES], y[MCB_MODEL_OUTPUT_BYTES];\n"
    "    FILE *in = argc == 3 ? fopen(argv[1], \"rb\") : NULL;\n"
    "    FILE *out = argc == 3 ? fopen(argv[2], \"wb\") : NULL;\n"
    "    if (!in || !out)\n        return 2;\n"
    "    while (fread(x, 1, sizeof x, in) == sizeof x) {\n"
    "        mcb_model_invoke(x, y);\n"
    "        fwrite(y, 1, sizeof y, out);\n    }\n"
    "    return fclose(out) != 0 || fclose(in) != 0;\n}\n";

/* With MCB_MODEL_TRACE: one input, each layer's output recorded as (layer, bytes, data). */
static const char trace_harness[] =
    "#include \"model.h\"\n#include <stdio.h>\n\n"
    "static FILE *trace;\n\n"
    "void mcb_model_trace(int layer, const int8_t *output, int bytes)\n{\n"
    "    fwrite(&layer, sizeof layer, 1, trace);\n"
    "    fwrite(&bytes, sizeof bytes, 1, trace);\n"
    "    fwrite(output, 1, (size_t)bytes, trace);\n}\n\n"
    "int main(int argc, char **argv)\n{\n"
    "    static int8_t x[MCB_MODEL_INPUT_BYTES], y[MCB_MODEL_OUTPUT_BYTES];\n"
    "    FILE *in = argc == 3 ? fopen(argv[1], \"rb\") : NULL;\n"
    "    trace = argc == 3 ? fopen(argv[2], \"wb\") : NULL;\n"
    "    if (!in || !trace || fread(x, 1, sizeof x, in) != sizeof x)\n        return 2;\n"
    "    mcb_model_invoke(x, y);\n"
    "    return fclose(trace) != 0 || fclose(in) != 0;\n}\n";

/* cc -std=c99 -Wall -Wextra -Werror: the library and a harness into one program. */
static int host_build_with(const mcb_codegen *cg, const char *lib, const char *exe,
                           const char *harness_name, const char *define)
{
    char *argv[40];
    static char paths[24][512];
    int n = 0, k = 0;
    char inc[320], h[320];
    snprintf(inc, sizeof inc, "-I%s", lib);
    snprintf(h, sizeof h, "%s/%s", work, harness_name);
    char *fixed[] = {"cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1",
                     (char *)define, inc, "-o", (char *)exe, h};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[n++] = fixed[i];
    for (const char *const *s = mcb_codegen_sources(cg); *s; s++, k++) {
        snprintf(paths[k], sizeof paths[k], "%s/%s", lib, *s);
        argv[n++] = paths[k];
    }
    argv[n++] = "-lm";
    argv[n] = NULL;
    return run(argv);
}

static int host_build(const mcb_codegen *cg, const char *lib, const char *exe)
{
    return host_build_with(cg, lib, exe, "harness.c", "-DMCB_MODEL_TRACE=0");
}

/* The trace hook: after each layer, its output equals the host executor's tensor. */
static void check_trace(const mcb_codegen *cg, const mcb_graph *g, const char *lib,
                        const int8_t *input)
{
    char exe[300], in_path[300], tr_path[300];
    snprintf(exe, sizeof exe, "%s/model_trace", work);
    snprintf(in_path, sizeof in_path, "%s/in.bin", work);
    snprintf(tr_path, sizeof tr_path, "%s/trace.bin", work);
    CHECK(host_build_with(cg, lib, exe, "trace_harness.c", "-DMCB_MODEL_TRACE=1") == 0);
    char *argv[] = {exe, in_path, tr_path, NULL};
    CHECK(run(argv) == 0);
    mcb_exec *e = mcb_exec_prepare(g, "trace");
    int8_t *out = malloc((size_t)mcb_codegen_output_bytes(cg));
    size_t n = 0;
    uint8_t *tr = mcb_read_file(tr_path, &n);
    CHECK(e && out && tr);
    if (e && out && tr) {
        mcb_exec_run(e, input, out);
        const mcb_codegen_layer *l;
        const int layers = mcb_codegen_layers(cg, &l);
        size_t at = 0;
        for (int k = 0; k < layers; k++) {
            int layer = -1, bytes = -1;
            CHECK(at + 2 * sizeof(int) <= n);
            if (at + 2 * sizeof(int) > n)
                break;
            memcpy(&layer, tr + at, sizeof layer);
            memcpy(&bytes, tr + at + sizeof layer, sizeof bytes);
            at += 2 * sizeof(int);
            const int t = mcb_codegen_layer_tensor(cg, k);
            CHECK_EQ_INT(layer, k);
            CHECK_EQ_INT(bytes, mcb_tensor_bytes(&g->tensors[t]));
            CHECK(at + (size_t)bytes <= n && memcmp(tr + at, mcb_exec_tensor(e, t), (size_t)bytes) == 0);
            at += (size_t)bytes;
        }
        CHECK(at == n);
    }
    free(tr), free(out);
    mcb_exec_free(e);
}

/* Each .c for Cortex-M4 with the target's flags, -std=c99 -Wall -Wextra -Werror; model.c
 * also with the markers compiled in. */
static int m4_build(const mcb_codegen *cg, const char *lib)
{
    char cflags[256], *argv[40], inc[320], src[512], obj[320];
    int rc = 0;
    snprintf(inc, sizeof inc, "-I%s", lib);
    snprintf(obj, sizeof obj, "%s/m4.o", work);
    for (int markers = 0; markers < 2; markers++)
        for (const char *const *s = mcb_codegen_sources(cg); *s; s++) {
            if (markers && strcmp(*s, "model.c"))
                continue;
            int n = 0;
            argv[n++] = (char *)arm_gcc;
            snprintf(cflags, sizeof cflags, "%s", m4.cflags);
            for (char *t = strtok(cflags, " "); t; t = strtok(NULL, " "))
                argv[n++] = t;
            char *more[] = {"-std=c99", "-Wall", "-Wextra", "-Werror", inc, "-c", "-o", obj};
            for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
                argv[n++] = more[i];
            if (markers)
                argv[n++] = "-DMCB_MODEL_MARKERS=1";
            snprintf(src, sizeof src, "%s/%s", lib, *s);
            argv[n++] = src;
            argv[n] = NULL;
            if (run(argv) != 0) {
                fprintf(stderr, "Cortex-M4 compile of %s failed\n", src);
                rc = -1;
            }
        }
    return rc;
}

/* The generator's options for check_graph (default: int8 weights). */
static mcb_codegen_opts gen_opts;

/* Generates, compiles, runs N_INPUTS random inputs, compares with the host executor. */
static void check_graph(const mcb_graph *g, const char *name, unsigned seed)
{
    mcb_codegen *cg = mcb_codegen_analyse_opts(g, name, &gen_opts);
    CHECK(cg != NULL);
    if (!cg)
        return;
    char lib[300], exe[300], in_path[300], out_path[300];
    snprintf(lib, sizeof lib, "%s/lib", work);
    snprintf(exe, sizeof exe, "%s/model_host", work);
    snprintf(in_path, sizeof in_path, "%s/in.bin", work);
    snprintf(out_path, sizeof out_path, "%s/out.bin", work);
    CHECK(mcb_codegen_write(cg, lib) == 0);

    /* deterministic: a second generation gives the same model.c */
    size_t n1 = 0, n2 = 0;
    char path[320];
    snprintf(path, sizeof path, "%s/model.c", lib);
    uint8_t *c1 = mcb_read_file(path, &n1);
    CHECK(mcb_codegen_write(cg, lib) == 0); /* replaces the previous library */
    uint8_t *c2 = mcb_read_file(path, &n2);
    CHECK(c1 && c2 && n1 == n2 && memcmp(c1, c2, n1) == 0);
    free(c1), free(c2);

    CHECK(host_build(cg, lib, exe) == 0);
    if (arm_gcc)
        CHECK(m4_build(cg, lib) == 0);

    const int64_t nin = mcb_codegen_input_bytes(cg), nout = mcb_codegen_output_bytes(cg);
    int8_t *in = malloc((size_t)(nin * N_INPUTS)), *want = malloc((size_t)(nout * N_INPUTS));
    for (int64_t i = 0; i < nin * N_INPUTS; i++) {
        seed = seed * 1103515245u + 12345u;
        in[i] = (int8_t)(seed >> 16);
    }
    mcb_exec *e = mcb_exec_prepare(g, name);
    CHECK(e != NULL);
    for (int k = 0; e && k < N_INPUTS; k++)
        mcb_exec_run(e, in + k * nin, want + k * nout);
    mcb_exec_free(e);
    CHECK(mcb_write_file_atomic(in_path, in, (size_t)(nin * N_INPUTS)) == 0);
    char *argv[] = {exe, in_path, out_path, NULL};
    CHECK(run(argv) == 0);
    size_t got_n = 0;
    uint8_t *got = mcb_read_file(out_path, &got_n);
    CHECK(got && got_n == (size_t)(nout * N_INPUTS));
    if (got && got_n == (size_t)(nout * N_INPUTS)) {
        int diff = 0;
        for (int64_t i = 0; i < nout * N_INPUTS; i++)
            if ((int8_t)got[i] != want[i] && !diff++)
                fprintf(stderr, "%s: input %lld, output byte %lld: generated %d, executor %d\n",
                        name, (long long)(i / nout), (long long)(i % nout), (int8_t)got[i], want[i]);
        CHECK_EQ_INT(diff, 0);
        printf("%-28s %d random inputs bit-exact (%d layers, arena %lld)\n", name, N_INPUTS,
               mcb_codegen_layers(cg, &(const mcb_codegen_layer *){0}),
               (long long)mcb_codegen_arena_bytes(cg));
    }
    check_trace(cg, g, lib, in);
    free(got), free(in), free(want);
    mcb_codegen_free(cg);
}

static int lib_file_has(const char *file, const char *text);

/* ADD fused into the conv that makes one of its inputs (mcb_aot_conv_add_s8): which conv, the
 * output written over the residual where nothing later reads it (the fused layer's live bytes
 * count one buffer for both), not over the conv's own input, bit-exact. */
static void check_residual(void)
{
    mcb_graph g;
    CHECK(cgt_residual_graph(7, &g) == 0);
    mcb_codegen *cg = mcb_codegen_analyse(&g, "residual");
    const mcb_codegen_layer *l = NULL;
    const char *want[] = {"mcb_aot_conv_s8",     "mcb_aot_conv_s8", "mcb_aot_conv_add_s8",
                          "mcb_aot_conv_s8",     "mcb_aot_conv_add_s8", "mcb_aot_conv_add_s8",
                          "mcb_aot_add_s8",      "mcb_aot_avg_pool_s8", "mcb_aot_fc_s8"};
    const char *ops[] = {"CONV_2D",     "CONV_2D",         "CONV_2D+ADD",
                         "CONV_2D",     "CONV_2D+ADD",     "CONV_2D+ADD",
                         "ADD",         "AVERAGE_POOL_2D", "FULLY_CONNECTED"};
    const int n = cg ? mcb_codegen_layers(cg, &l) : 0;
    CHECK_EQ_INT(n, 9);
    for (int i = 0; l && i < n && i < 9; i++) {
        if (strcmp(l[i].kernel, want[i]) || strcmp(l[i].op, ops[i]))
            fprintf(stderr, "residual: layer %d is %s on %s, want %s on %s\n", i, l[i].op,
                    l[i].kernel, ops[i], want[i]);
        CHECK(!strcmp(l[i].kernel, want[i]) && !strcmp(l[i].op, ops[i]));
    }
    if (n == 9) {
        const int64_t act = 9 * 11 * 8; /* every activation tensor */
        /* c + ADD in place: b (input) and a (residual, then the sum) */
        CHECK_EQ_INT(l[2].live_bytes, 2 * act + l[2].scratch_bytes);
        /* f + ADD: add1 (input), e (residual, then the sum) */
        CHECK_EQ_INT(l[4].live_bytes, 2 * act + l[4].scratch_bytes);
        /* h + ADD: add2 is both h's input and the residual, the sum needs its own bytes */
        CHECK_EQ_INT(l[5].live_bytes, 2 * act + l[5].scratch_bytes);
        /* the layer's traced output is the ADD's tensor (what the executor computes) */
        CHECK_EQ_INT(mcb_codegen_layer_tensor(cg, 2), g.ops[3].out[0]);
    }
    mcb_codegen_free(cg);
    check_graph(&g, "residual", 11);
    /* its SAME 3x3 convs of 8 channels build their border rows by filter columns (PATCH4) */
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_PATCH4 0\n"));
    mcb_graph_free(&g);
}

/* 1 if the copy of kernel file `file` in the last generated library (work/lib) contains text. */
static int lib_file_has(const char *file, const char *text)
{
    char path[320];
    snprintf(path, sizeof path, "%s/lib/%s", work, file);
    size_t n = 0;
    char *data = (char *)mcb_read_file(path, &n);
    int has = data && strstr(data, text) != NULL;
    free(data);
    return has;
}

/* The variant switches the generator puts at the top of its copies of aot_conv.c and aot_fc.c
 * (flash): the family's pooled VALID convs leave out the unpooled, padded and kw = 14 (MNIST)
 * variants and keep the rest; a pooled conv with a multiplier above 1 (shift > 0) keeps the
 * wrapping epilogue, and both libraries stay bit-exact (check_graph; on Cortex-M4 the
 * profile test of codegen.cli runs the switched-off build in the simulator). */
static void check_switches(void)
{
    mcb_graph g;
    CHECK(cgt_family_graph(mcb_family_find("mnist-conv16"), 31, &g) == 0);
    check_graph(&g, "mnist-conv16 (switches)", 31);
    /* int8 weights (the default): the first conv (one input channel) takes conv_c1 (C1),
     * which needs none of the patch variants (no NATURAL, W8KW6H, NATGEN); the second conv
     * the perm4 patches and the int8 main loop */
    const char *off[] = {"PLAIN",  "PADDED", "WRAP",   "KW14",    "KW5",    "W16",   "W8KW14",
                         "SHIFT0", "W8KW6",  "NATGEN", "W8KW6H",  "NATURAL", "C1U",   "PW8",
                         "C3S2",   "PATCH4", "FPN"};
    /* SPLIT: the second conv's 16 channels end in a partial block, stored unpadded */
    const char *on[] = {"POOL", "PERM4", "W8", "C1", "SPLIT"};
    char d[64];
    for (int i = 0; i < 17; i++) {
        snprintf(d, sizeof d, "#define MCB_AOT_CONV_%s 0\n", off[i]);
        CHECK(lib_file_has("aot_conv.c", d));
    }
    for (int i = 0; i < 5; i++) {
        snprintf(d, sizeof d, "#define MCB_AOT_CONV_%s 0\n", on[i]);
        CHECK(!lib_file_has("aot_conv.c", d));
    }
    CHECK(lib_file_has("aot_fc.c", "#define MCB_AOT_FC_REST 0\n")); /* 400 inputs */
    CHECK(lib_file_has("aot_fc.c", "#define MCB_AOT_FC_W16 0\n"));
    CHECK(!lib_file_has("aot_fc.c", "#define MCB_AOT_FC_W8 0\n"));
    /* dense(10): fewer than MCB_AOT_FC_ROWWISE outputs, all rows in the row loop, so both
     * block loops are left out */
    CHECK(lib_file_has("aot_fc.c", "#define MCB_AOT_FC_FUSED 0\n"));
    CHECK(lib_file_has("aot_fc.c", "#define MCB_AOT_FC_GENERIC 0\n"));
    /* int16 weights: the other half (kw = 5) */
    gen_opts.weights_int16 = 1;
    check_graph(&g, "mnist-conv16 (int16 weights)", 33);
    const char *off16[] = {"W8", "W8KW6", "W8KW6H", "W8KW14", "KW14", "KW5", "NATGEN", "SPLIT"};
    const char *on16[] = {"W16", "POOL", "C1"};
    for (int i = 0; i < 8; i++) {
        snprintf(d, sizeof d, "#define MCB_AOT_CONV_%s 0\n", off16[i]);
        CHECK(lib_file_has("aot_conv.c", d));
    }
    for (int i = 0; i < 3; i++) {
        snprintf(d, sizeof d, "#define MCB_AOT_CONV_%s 0\n", on16[i]);
        CHECK(!lib_file_has("aot_conv.c", d));
    }
    CHECK(lib_file_has("aot_fc.c", "#define MCB_AOT_FC_W8 0\n"));
    gen_opts.weights_int16 = 0;

    /* the first conv's output (and its pool's, same quantization) made fine enough that
     * channel 0's multiplier is 4 */
    int conv_out = g.ops[0].out[0];
    CHECK(g.ops[0].code == MCB_OP_CONV_2D && g.ops[1].code == MCB_OP_MAX_POOL_2D &&
          g.ops[1].in[0] == conv_out);
    const float s = g.tensors[g.ops[0].in[0]].scale[0] * g.tensors[g.ops[0].in[1]].scale[0] / 4;
    g.tensors[conv_out].scale[0] = s;
    g.tensors[g.ops[1].out[0]].scale[0] = s;
    check_graph(&g, "mnist-conv16 (multiplier > 1)", 32);
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_WRAP 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C1 0\n")); /* shift > 0 */
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_PLAIN 0\n"));
    mcb_graph_free(&g);
}

/* A converter-style model (float input and output around QUANTIZE / DEQUANTIZE): the library
 * takes the int8 tensor inside and gives the int8 tensor inside, equal to the executor's. */
static void check_wrapped(void)
{
    mcb_graph g;
    CHECK(cgt_family_graph(mcb_family_find("mnist-conv16"), 11, &g) == 0);
    CHECK(cgt_wrap_float_io(&g) == 0);
    mcb_codegen *cg = mcb_codegen_analyse(&g, "wrapped");
    CHECK(cg != NULL);
    if (!cg) {
        mcb_graph_free(&g);
        return;
    }
    const mcb_codegen_layer *l;
    CHECK_EQ_INT(mcb_codegen_layers(cg, &l), 4); /* the wrappers are not generated */
    const int in_t = mcb_codegen_input_tensor(cg), out_t = mcb_codegen_output_tensor(cg);
    CHECK(in_t != g.in[0] && out_t != g.out[0]);
    CHECK(g.tensors[in_t].type == MCB_INT8 && g.tensors[out_t].type == MCB_INT8);
    char lib[300], exe[300], in_path[300], out_path[300];
    snprintf(lib, sizeof lib, "%s/lib", work);
    snprintf(exe, sizeof exe, "%s/model_host", work);
    snprintf(in_path, sizeof in_path, "%s/in.bin", work);
    snprintf(out_path, sizeof out_path, "%s/out.bin", work);
    CHECK(mcb_codegen_write(cg, lib) == 0);
    CHECK(host_build(cg, lib, exe) == 0);
    const int64_t nin = mcb_codegen_input_bytes(cg), nout = mcb_codegen_output_bytes(cg);
    const int64_t nx = mcb_tensor_elems(&g.tensors[g.in[0]]);
    int8_t *in = malloc((size_t)(nin * N_INPUTS)), *want = malloc((size_t)(nout * N_INPUTS));
    float *x = malloc(sizeof(float) * (size_t)nx), y[16];
    mcb_exec *e = mcb_exec_prepare(&g, "wrapped");
    CHECK(e != NULL);
    unsigned seed = 77;
    for (int k = 0; e && k < N_INPUTS; k++) {
        for (int64_t i = 0; i < nx; i++) {
            seed = seed * 1103515245u + 12345u;
            x[i] = (float)((seed >> 8) & 0xFFFF) / 65535.0f;
        }
        mcb_exec_run(e, x, y);
        memcpy(in + k * nin, mcb_exec_tensor(e, in_t), (size_t)nin);
        memcpy(want + k * nout, mcb_exec_tensor(e, out_t), (size_t)nout);
    }
    mcb_exec_free(e);
    CHECK(mcb_write_file_atomic(in_path, in, (size_t)(nin * N_INPUTS)) == 0);
    char *argv[] = {exe, in_path, out_path, NULL};
    CHECK(run(argv) == 0);
    size_t n = 0;
    uint8_t *got = mcb_read_file(out_path, &n);
    CHECK(got && n == (size_t)(nout * N_INPUTS) && memcmp(got, want, n) == 0);
    printf("%-28s %d random inputs bit-exact\n", "wrapped float I/O", N_INPUTS);
    free(got), free(in), free(want), free(x);
    mcb_codegen_free(cg);
    mcb_graph_free(&g);
}

static void refusals(const char *src_dir)
{
    char model[512];
    snprintf(model, sizeof model, "%s/models/mnist-conv16-int8.tflite", src_dir);
    mcb_graph g;
    CHECK(mcb_tflite_load(model, &g) == 0);
    mcb_codegen *cg = mcb_codegen_analyse(&g, model);
    CHECK(cg != NULL);
    if (cg) {
        mcb_target tiny = m4;
        const int q = mcb_err_quiet(1);
        CHECK(mcb_codegen_check_fit(cg, &tiny) == 0);
        tiny.ram_size = 8 * 1024; /* arena 4.5 KB + I/O + 4 KB margin do not fit */
        CHECK(mcb_codegen_check_fit(cg, &tiny) == -1);
        CHECK(strstr(mcb_last_error(), "RAM") != NULL);
        tiny = m4;
        tiny.flash_size = 16 * 1024;
        CHECK(mcb_codegen_check_fit(cg, &tiny) == -1);
        CHECK(strstr(mcb_last_error(), "flash") != NULL);
        /* a folder that is not a generated library is not replaced */
        char other[300], keep[320];
        snprintf(other, sizeof other, "%s/other", work);
        snprintf(keep, sizeof keep, "%s/keep.txt", other);
        mkdir(other, 0777);
        CHECK(mcb_write_file_atomic(keep, "x", 1) == 0);
        CHECK(mcb_codegen_write(cg, other) == -1);
        CHECK(access(keep, F_OK) == 0);
        mcb_err_quiet(q);
        mcb_codegen_free(cg);
    }
    /* an operator the engine does not generate: QUANTIZE int8 -> int8 (a requantization) of
     * the output, which the host executor runs */
    const int32_t shape[2] = {1, 10};
    const int f = mcb_graph_add_tensor(&g, "requantized", MCB_INT8, 2, shape, NULL, 0);
    const float scale = 0.01f;
    const int64_t zp = 5;
    CHECK(f >= 0 && mcb_tensor_set_quant(&g.tensors[f], 1, &scale, &zp, 0) == 0);
    mcb_op rq = {0};
    rq.code = MCB_OP_QUANTIZE;
    rq.version = 1;
    rq.n_in = rq.n_out = 1;
    rq.in[0] = g.out[0];
    rq.out[0] = f;
    CHECK(mcb_graph_add_op(&g, &rq) >= 0);
    g.out[0] = f;
    mcb_exec *e = mcb_exec_prepare(&g, "requantized");
    CHECK(e != NULL); /* a valid model */
    mcb_exec_free(e);
    const int q = mcb_err_quiet(1);
    mcb_codegen *bad = mcb_codegen_analyse(&g, "requantized");
    CHECK(bad == NULL);
    mcb_codegen_free(bad);
    CHECK(strstr(mcb_last_error(), "operator 7 (QUANTIZE): not supported") != NULL);
    mcb_err_quiet(q);
    mcb_graph_free(&g);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_codegen_generate SOURCE_DIR [ARM_GCC]\n");
        return 2;
    }
    arm_gcc = argc > 2 && argv[2][0] ? argv[2] : NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(work, sizeof work, "%s/mcb-codegen-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(work) || mcb_target_load("nrf52840", &m4) != 0)
        return 1;
    char h[300];
    snprintf(h, sizeof h, "%s/harness.c", work);
    CHECK(mcb_write_file_atomic(h, harness, strlen(harness)) == 0);
    snprintf(h, sizeof h, "%s/trace_harness.c", work);
    CHECK(mcb_write_file_atomic(h, trace_harness, strlen(trace_harness)) == 0);

    char model[512];
    snprintf(model, sizeof model, "%s/models/mnist-conv16-int8.tflite", argv[1]);
    mcb_graph g;
    CHECK(mcb_tflite_load(model, &g) == 0);
    check_graph(&g, "mnist-conv16-int8.tflite", 1);
    mcb_graph_free(&g);

    const char *nets[] = {"mnist-conv32", "cifar10-conv16"};
    for (int i = 0; i < 2; i++) {
        CHECK(cgt_family_graph(mcb_family_find(nets[i]), 100u + (unsigned)i, &g) == 0);
        check_graph(&g, nets[i], 2u + (unsigned)i);
        mcb_graph_free(&g);
    }
    CHECK(cgt_mixed_graph(5, &g) == 0);
    {
        /* the paths this graph is for: unpooled aot conv, the aot depthwise, ADD and average
         * pool kernels, the reference max pool, a reshape into the graph output (an alias) */
        mcb_codegen *cg = mcb_codegen_analyse(&g, "mixed");
        const mcb_codegen_layer *l = NULL;
        const char *want[] = {"mcb_aot_conv_s8", "mcb_aot_dw_s8", "mcb_aot_add_s8",
                              "mcb_aot_avg_pool_s8", "mcb_max_pool2d_s8", "mcb_aot_fc_s8"};
        CHECK(cg && mcb_codegen_layers(cg, &l) == 6);
        for (int i = 0; cg && l && i < 6; i++)
            CHECK(!strcmp(l[i].kernel, want[i]));
        mcb_codegen_free(cg);
    }
    check_graph(&g, "mixed (reference kernels)", 9);
    /* its SAME, unpooled aot conv (3 input channels, 8 output) takes conv_c3's unpooled
     * part, which needs none of the patch variants */
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_POOL 0\n"));
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_PLAIN 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_PADDED 0\n"));
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C3 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C1 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C3S2 0\n")); /* stride 1 */
    /* its depthwise conv (10x10x8 output, stride 1) takes the ring path's plane way: no
     * tiny, group or row code in the firmware that ran bit-exact above */
    CHECK(lib_file_has("aot_dw.c", "#define MCB_AOT_DW_TINY 0\n"));
    CHECK(lib_file_has("aot_dw.c", "#define MCB_AOT_DW_GROUPS 0\n"));
    CHECK(lib_file_has("aot_dw.c", "#define MCB_AOT_DW_ROWS 0\n"));
    mcb_graph_free(&g);

    CHECK(cgt_head_graph(21, &g) == 0);
    {
        /* the depthwise conv of one channel is a conv (conv_c1u), the 8-channel pointwise
         * conv takes conv_pw8: their switches on, the general pointwise loop's off */
        mcb_codegen *cg = mcb_codegen_analyse(&g, "head");
        const mcb_codegen_layer *l = NULL;
        CHECK(cg && mcb_codegen_layers(cg, &l) == 4);
        CHECK(cg && l && !strcmp(l[0].kernel, "mcb_aot_conv_s8") &&
              !strcmp(l[1].kernel, "mcb_aot_conv_s8"));
        mcb_codegen_free(cg);
    }
    check_graph(&g, "person_detect head", 13);
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C1U 0\n"));
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_PW8 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_PW 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C1 0\n"));
    mcb_graph_free(&g);

    CHECK(cgt_vww_head_graph(22, &g) == 0);
    check_graph(&g, "VWW head (conv_c3, stride 2)", 14);
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C3 0\n"));
    CHECK(!lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_C3S2 0\n"));
    CHECK(lib_file_has("aot_conv.c", "#define MCB_AOT_CONV_POOL 0\n"));
    mcb_graph_free(&g);

    check_residual();
    check_wrapped();
    check_switches();
    refusals(argv[1]);

    char *rm[] = {"rm", "-rf", work, NULL};
    run(rm);
    return TEST_END();
}
