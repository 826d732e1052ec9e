/* mcubench: does a small network fit a microcontroller, how fast is it, what does it cost in
 * energy, and is the on-device output right? */
#include "cli.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

static int cmd_help(int argc, char **argv);

int cmd_models(int argc, char **argv);
extern const char cmd_models_usage[];
int cmd_data(int argc, char **argv);
extern const char cmd_data_usage[];
int cmd_train(int argc, char **argv);
extern const char cmd_train_usage[];
int cmd_eval(int argc, char **argv);
extern const char cmd_eval_usage[];
int cmd_info(int argc, char **argv);
extern const char cmd_info_usage[];
int cmd_quantize(int argc, char **argv);
extern const char cmd_quantize_usage[];
int cmd_infer(int argc, char **argv);
extern const char cmd_infer_usage[];
int cmd_run(int argc, char **argv);
extern const char cmd_run_usage[];
int cmd_generate(int argc, char **argv);
extern const char cmd_generate_usage[];
int cmd_paper(int argc, char **argv);
extern const char cmd_paper_usage[];
int cmd_merge(int argc, char **argv);
extern const char cmd_merge_usage[];
int cmd_engines(int argc, char **argv);
extern const char cmd_engines_usage[];
int cmd_profile(int argc, char **argv);
extern const char cmd_profile_usage[];
int cmd_fit(int argc, char **argv); extern const char cmd_fit_usage[];

const mcb_command mcb_commands[] = {
    {"help", "show commands, or the help of one command", "usage: mcubench help [COMMAND]\n", cmd_help},
    {"models", "list the paper family: layers, parameters, MACs", cmd_models_usage, cmd_models},
    {"data", "check the datasets (sha256) and show what is found", cmd_data_usage, cmd_data},
    {"train", "train a network of the family in float32 and write .tflite", cmd_train_usage, cmd_train},
    {"eval", "top-1 accuracy of a .tflite model on a test set", cmd_eval_usage, cmd_eval},
    {"info", "show a .tflite model: graph, tensors, parameters, MACs", cmd_info_usage, cmd_info},
    {"quantize", "post-training int8 quantization (TFLite scheme) of a float model", cmd_quantize_usage, cmd_quantize},
    {"infer", "one host inference on raw input bytes (optionally dumping every tensor)", cmd_infer_usage, cmd_infer},
    {"run", "simulate a firmware: cycles, RAM, flash, energy, output", cmd_run_usage, cmd_run},
    {"generate", "generate a C library for an int8 model (aot engine, planned arena)", cmd_generate_usage, cmd_generate},
    {"paper", "the paper's benchmark: every network on every engine, results and report", cmd_paper_usage, cmd_paper},
    {"merge", "combine the folders of sharded 'paper' runs into one results set and report", cmd_merge_usage, cmd_merge},
    {"engines", "list the engines: availability, version, what each is", cmd_engines_usage, cmd_engines},
    {"profile", "generate, build, simulate and check a model: cycles, RAM, flash, energy", cmd_profile_usage, cmd_profile},
    {"fit", "does a model fit a target: flash, RAM, stack bound and margins, without simulating", cmd_fit_usage, cmd_fit},
    {0, 0, 0, 0},
};

const mcb_command *cli_find(const char *name)
{
    for (const mcb_command *c = mcb_commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static void list_commands(FILE *f)
{
    fprintf(f, "usage: mcubench COMMAND [ARGS]\n\ncommands:\n");
    for (const mcb_command *c = mcb_commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n'mcubench COMMAND --help' shows a command's options.\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        list_commands(stdout);
        return MCB_EXIT_OK;
    }
    const mcb_command *c = cli_find(argv[1]);
    if (!c)
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return MCB_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        list_commands(stderr);
        return MCB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return cmd_help(1, argv + 1);
    const mcb_command *c = cli_find(argv[1]);
    if (!c) {
        fprintf(stderr, "mcubench: unknown command '%s' (see 'mcubench help')\n", argv[1]);
        return MCB_EXIT_USAGE;
    }
    if (cli_wants_help(argc - 1, argv + 1)) {
        fputs(c->usage, stdout);
        return MCB_EXIT_OK;
    }
    mcb_err_defer(1); /* one line on stderr, whatever the command met */
    int rc = c->run(argc - 1, argv + 1);
    fflush(stdout);
    mcb_err_flush();
    if (ferror(stdout) && rc == 0) {
        fprintf(stderr, "mcubench: cannot write standard output\n");
        rc = MCB_EXIT_INPUT;
    }
    return rc;
}
