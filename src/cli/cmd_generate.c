#include "cli.h"
#include "codegen.h"
#include "engine.h"
#include "err.h"
#include "target.h"
#include "tflite.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char cmd_generate_usage[] =
    "usage: mcubench generate INT8.tflite [--engine NAME] [--target NAME|FILE]\n"
    "                         [--weights int8|int16] -o DIR\n"
    "\n"
    "Writes a self-contained C99 library for an int8 model into DIR: model.h\n"
    "(mcb_model_invoke(const int8_t *input, int8_t *output), sizes, input/output scale and zero\n"
    "point), model.c (straight-line kernel calls, one static arena planned offline, weights as\n"
    "const arrays), and copies of the kernel sources it calls. Conv + ReLU + 2x2 max-pool run\n"
    "fused; reshapes alias their input. Markers for 'mcubench run' are compiled in only with\n"
    "-DMCB_MODEL_MARKERS=1. See docs/codegen.md.\n"
    "\n"
    "  --engine NAME the engine (default aot; 'mcubench engines' lists them). Other engines\n"
    "                write their sources (the engine entry points of src/engines/engine.h)\n"
    "                into DIR, which must not exist or be empty\n"
    "  --target T    board whose flash and RAM the model must fit (default nrf52840), with\n"
    "                16 KB of flash and 4 KB of RAM kept for code, runtime and stack\n"
    "  --weights W   aot: int8 (default: one byte per weight in flash, widened in the\n"
    "                kernels' inner loops) or int16 (widened at generation: about twice the\n"
    "                flash, about 10% fewer cycles in the conv layers)\n"
    "  -o DIR        output folder: new, empty, or (aot) one generate wrote before (only the files\n"
    "                it wrote, listed in DIR/.mcubench-files, are replaced)\n"
    "\n"
    "Prints the layers, the arena next to its lower bound, and the weight bytes.\n"
    "Exit codes: 0 written, 1 unsupported or too large model (one line per problem; nothing\n"
    "written), 2 bad usage.\n";

/* Any engine but aot: its sources, as the measurement builds them, into a new folder. */
static int generate_other(const mcb_engine *e, const char *path, const char *target,
                          const char *out)
{
    char why[512];
    if (!e->available(why, sizeof why)) {
        mcb_error("engine %s is unavailable: %s", e->name, why);
        return MCB_EXIT_INPUT;
    }
    mcb_target t;
    if (mcb_target_load(target, &t) < 0)
        return MCB_EXIT_INPUT;
    if (mkdir(out, 0777) != 0) {
        DIR *d = errno == EEXIST ? opendir(out) : NULL;
        int empty = d != NULL;
        for (struct dirent *de; d && (de = readdir(d));)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                empty = 0;
        if (d)
            closedir(d);
        if (!empty) {
            mcb_error("%s: %s", out, errno == EEXIST ? "exists and is not an empty folder"
                                                     : strerror(errno));
            return MCB_EXIT_INPUT;
        }
    }
    mcb_graph g;
    if (mcb_tflite_load(path, &g) < 0)
        return MCB_EXIT_INPUT;
    mcb_engine_build b;
    memset(&b, 0, sizeof b);
    mcb_engine_ctx c = {.g = &g, .model_path = path, .target = &t, .dir = out};
    int rc = MCB_EXIT_INPUT;
    if (e->generate(&c, &b) == 0) {
        printf("%s -> %s/ (engine %s, %s, target %s)\n", path, out, e->name, b.version, t.name);
        printf("  # %-28s %12s\n", "layer", "MACs");
        for (int i = 0; i < b.n_layers; i++)
            printf("%3d %-28s %12lld\n", i, b.layers[i].op, (long long)b.layers[i].macs);
        printf("arena        %lld bytes\n", (long long)b.arena_bytes);
        printf("weights      %lld bytes in flash\n", (long long)b.weight_bytes);
        printf("sources     ");
        for (int i = 0; i < b.sources.n; i++)
            printf(" %s", b.sources.v[i]);
        printf("\nflags       ");
        for (int i = 0; i < b.cflags.n; i++)
            printf(" %s", b.cflags.v[i]);
        for (int i = 0; i < b.libs.n; i++)
            printf(" %s", b.libs.v[i]);
        printf("\n");
        rc = MCB_EXIT_OK;
    }
    mcb_engine_build_free(&b);
    mcb_graph_free(&g);
    return rc;
}

int cmd_generate(int argc, char **argv)
{
    const char *path = NULL, *out = NULL, *target = "nrf52840", *engine = "aot";
    mcb_codegen_opts opts = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--weights")) {
            const char *v = cli_value("generate", argc, argv, &i);
            if (!v)
                return MCB_EXIT_USAGE;
            if (strcmp(v, "int8") && strcmp(v, "int16"))
                return cli_usage_error("generate", "--weights takes int8 or int16, not '%s'", v);
            opts.weights_int16 = !strcmp(v, "int16");
        } else if (!strcmp(argv[i], "--engine")) {
            if (!(engine = cli_value("generate", argc, argv, &i)))
                return MCB_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--target")) {
            if (!(target = cli_value("generate", argc, argv, &i)))
                return MCB_EXIT_USAGE;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (!(out = cli_value("generate", argc, argv, &i)))
                return MCB_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("generate", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage_error("generate", "one model at a time ('%s' and '%s')", path, argv[i]);
        }
    }
    if (!path)
        return cli_usage_error("generate", "missing INT8.tflite");
    if (!out)
        return cli_usage_error("generate", "missing -o DIR");
    if (cli_check_engine("generate", engine) < 0)
        return MCB_EXIT_USAGE;
    const mcb_engine *e = mcb_engine_find(engine);
    if (strcmp(engine, "aot") != 0)
        return generate_other(e, path, target, out);

    mcb_target t;
    if (mcb_target_load(target, &t) < 0)
        return MCB_EXIT_INPUT;
    mcb_graph g;
    if (mcb_tflite_load(path, &g) < 0)
        return MCB_EXIT_INPUT;
    int rc = MCB_EXIT_INPUT;
    mcb_codegen *cg = mcb_codegen_analyse_opts(&g, path, &opts);
    if (cg && mcb_codegen_check_fit(cg, &t) == 0 && mcb_codegen_write(cg, out) == 0) {
        const mcb_codegen_layer *l;
        const int n = mcb_codegen_layers(cg, &l);
        printf("%s -> %s/ (engine aot, target %s)\n", path, out, t.name);
        printf("  # %-22s %-24s %12s %9s\n", "layer", "kernel", "MACs", "scratch");
        for (int i = 0; i < n; i++)
            printf("%3d %-22s %-24s %12lld %9lld\n", i, l[i].op, l[i].kernel, (long long)l[i].macs,
                   (long long)l[i].scratch_bytes);
        printf("arena        %lld bytes (lower bound for this schedule %lld)\n",
               (long long)mcb_codegen_arena_bytes(cg), (long long)mcb_codegen_lower_bound(cg));
        printf("weights      %lld bytes in flash (%lld as plain int8)\n",
               (long long)mcb_codegen_weight_bytes(cg), (long long)mcb_codegen_plain_weight_bytes(cg));
        printf("need         flash %lld of %lu, RAM %lld of %lu (with margins)\n",
               (long long)mcb_codegen_flash_need(cg), (unsigned long)t.flash_size,
               (long long)mcb_codegen_ram_need(cg), (unsigned long)t.ram_size);
        printf("sources     ");
        for (const char *const *s = mcb_codegen_sources(cg); *s; s++)
            printf(" %s", *s);
        printf("\n");
        rc = MCB_EXIT_OK;
    }
    mcb_codegen_free(cg);
    mcb_graph_free(&g);
    return rc;
}
