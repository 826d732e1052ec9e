/* The TFLite Micro engines (tflm.h, engine.h).
 *
 * Built the way TFLM's own Makefile builds for TARGET=cortex_m_generic TARGET_ARCH=cortex-m4+fp
 * BUILD_TYPE=release_with_logs with gcc (see TFLM_FLAGS), but from our source lists (fwlib.h) instead of its Makefile, so
 * nothing is downloaded: the core (interpreter, allocator, planners, flatbuffer bridge, the
 * cortex_m_generic debug log and timer) at -Os, the kernels at -O2, CMSIS-NN at -O2, with the
 * Makefile's common, release and platform flags. A measurement's --opt replaces every level.
 * Per model the engine writes: the .tflite bytes as a 16-aligned array (tflm_model.cc), the
 * model's operators and arena size (tflm_model.h), and copies of our glue (tflm_glue.cc: a
 * MicroMutableOpResolver, the MicroInterpreter, a MicroProfiler that writes the layer
 * markers) and of our minimal C++ runtime (tflm_runtime.cc). The arena is the smallest that
 * AllocateTensors accepts: a probe firmware, run once in the simulator, bisects on the target
 * and checks that size and one byte less (the result is cached with the libraries). */
#include "tflm.h"

#include "build.h"
#include "elf.h"
#include "err.h"
#include "fileio.h"
#include "graph_mem.h"
#include "sha256.h"
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MCB_TFLM_FW_DIR
#error "MCB_TFLM_FW_DIR (src/engines/tflm/fw) must be defined by the build"
#endif

#define TFLM "tflite-micro-90b983c2"
#define CMSISNN "cmsis-nn-4ab83cc3"
#define FLATBUF "flatbuffers-25.9.23"
#define GEMMLOWP "gemmlowp-719139ce"
#define RUY "ruy-d3712831"
#define CMSIS6 "cmsis6-5782d6f8"
#define DFP "cortex-dfp-c2c70a97"
#define KDIR TFLM "/tensorflow/lite/micro/kernels/"

/* Bumped when the glue or the probe change what the arena search finds. */
#define PROBE_FORMAT "tflm-probe 1"

static const mcb_fwlib_archive tflm_archives[] = {
    {TFLM, NULL},
    /* as TFLM's flatbuffers_download.sh does */
    {FLATBUF, TFLM "/tensorflow/lite/micro/tools/make/flatbuffers.patch"},
    {GEMMLOWP, NULL},
    {RUY, NULL},
    {CMSIS6, NULL},
    {DFP, NULL},
    {CMSISNN, NULL},
};
#define N_TFLM_ARCHIVES 6 /* without CMSIS-NN */

static const char *const tflm_includes[] = {
    TFLM, FLATBUF "/include", GEMMLOWP, RUY, CMSIS6, CMSIS6 "/CMSIS/Core/Include",
    DFP "/Device/ARMCM4/Include", NULL};
static const char *const cmsis_includes[] = {
    TFLM, FLATBUF "/include", GEMMLOWP, RUY, CMSIS6, CMSIS6 "/CMSIS/Core/Include",
    DFP "/Device/ARMCM4/Include", CMSISNN, CMSISNN "/Include", NULL};

/* TFLM's Makefile: COMMON_FLAGS, BUILD_TYPE=release_with_logs, cortex_m_generic's
 * PLATFORM_FLAGS for cortex-m4+fp with gcc (the -mcpu/-mfpu/-mfloat-abi come with the
 * target's cflags). Not BUILD_TYPE=release: its -DTF_LITE_STRIP_ERROR_STRINGS also compiles
 * out the interpreter's calls to the MicroProfiler, and with them the per-layer figures;
 * release_with_logs is the build TFLM's Makefile names for benchmarks ("close to release"):
 * the same code on the inference path, plus the error strings and vsnprintf in flash. */
#define TFLM_FLAGS                                                                                 \
    "-fno-unwind-tables", "-fno-asynchronous-unwind-tables", "-fmessage-length=0",                \
        "-DTF_LITE_STATIC_MEMORY", "-DTF_LITE_DISABLE_X86_NEON", "-DNDEBUG",                       \
        "-DTF_LITE_MCU_DEBUG_LOG", "-mlittle-endian",                                             \
        "-fomit-frame-pointer", "-DCPU_M4=1", "-funsigned-char",                                   \
        "-DCMSIS_DEVICE_ARM_CORTEX_M_XX_HEADER_FILE=\"ARMCM4.h\"", "-DARMCM4"
/* what ext_libs/cmsis_nn.inc adds with OPTIMIZED_KERNEL_DIR=cmsis_nn */
#define CMSIS_FLAGS "-DCMSIS_NN", "-DARM_NN_ENABLE_F16=0", "-DARM_NN_ENABLE_F32=0"

static const char *const core_flags[] = {TFLM_FLAGS, "-Os", NULL};
static const char *const ref_kernel_flags[] = {TFLM_FLAGS, "-O2", NULL};
static const char *const cmsis_kernel_flags[] = {TFLM_FLAGS, CMSIS_FLAGS, "-O2", NULL};
static const char *const c_flags[] = {"-std=c17", NULL};
static const char *const cxx_flags[] = {"-std=c++17", "-fno-rtti", "-fno-exceptions",
                                        "-fno-threadsafe-statics", NULL};

/* sources.inc's MICROLITE_CC_BASE_SRCS, specialised for cortex_m_generic (its debug_log.cc
 * and micro_time.cc replace the generic ones). Left out: tests, and the test and tooling
 * helpers no firmware links (test_helpers, mock graph, fake context, recording allocators),
 * which only cost build time. */
static const char *const core_sources[] = {
    TFLM "/tensorflow/lite/micro/*.cc",
    TFLM "/tensorflow/lite/micro/arena_allocator/*.cc",
    TFLM "/tensorflow/lite/micro/memory_planner/*.cc",
    TFLM "/tensorflow/lite/micro/tflite_bridge/*.cc",
    TFLM "/tensorflow/lite/micro/cortex_m_generic/*.cc",
    /* TFL_CC_SRCS: the shared TFLite sources outside micro/ (array.cc is excluded there) */
    TFLM "/tensorflow/lite/kernels/kernel_util.cc",
    TFLM "/tensorflow/lite/kernels/internal/*.cc",
    TFLM "/tensorflow/lite/kernels/internal/reference/portable_tensor_utils.cc",
    TFLM "/tensorflow/lite/core/api/*.cc",
    TFLM "/tensorflow/lite/core/c/common.cc",
    TFLM "/tensorflow/compiler/mlir/lite/schema/schema_utils.cc",
    TFLM "/tensorflow/compiler/mlir/lite/core/api/error_reporter.cc",
    NULL};
static const char *const core_exclude[] = {
    "*_test.cc",
    TFLM "/tensorflow/lite/micro/debug_log.cc",
    TFLM "/tensorflow/lite/micro/micro_time.cc",
    "*/test_helpers.cc",
    "*/test_helper_custom_ops.cc",
    "*/mock_micro_graph.cc",
    "*/fake_micro_context.cc",
    "*/recording_*.cc",
    NULL};

static const char *const cmsis_nn_sources[] = {CMSISNN "/Source/*/*.c", NULL};
static const char *const cmsis_nn_exclude[] = {"*_f16.c", "*_f32.c", "*/arm_nntables_flt.c",
                                               NULL};

/* The operators the engines register, each with its MicroMutableOpResolver method and the
 * kernel sources (in kernels/, or kernels/cmsis_nn/ where that folder has one of the same
 * name, as TFLM's specialize_files.py chooses). The kernel library holds all of them; the
 * linker takes only those the model's resolver names. */
typedef struct {
    int code;
    const char *add;
    const char *kernels[2];
} tflm_op;

static const tflm_op ops[] = {
    {0, "AddAdd", {"add", "add_common"}},
    {1, "AddAveragePool2D", {"pooling", "pooling_common"}},
    {2, "AddConcatenation", {"concatenation", NULL}},
    {3, "AddConv2D", {"conv", "conv_common"}},
    {4, "AddDepthwiseConv2D", {"depthwise_conv", "depthwise_conv_common"}},
    {6, "AddDequantize", {"dequantize", "dequantize_common"}},
    {9, "AddFullyConnected", {"fully_connected", "fully_connected_common"}},
    {14, "AddLogistic", {"logistic", "logistic_common"}},
    {17, "AddMaxPool2D", {"pooling", "pooling_common"}},
    {18, "AddMul", {"mul", "mul_common"}},
    {19, "AddRelu", {"activations", "activations_common"}},
    {21, "AddRelu6", {"activations", "activations_common"}},
    {22, "AddReshape", {"reshape", "reshape_common"}},
    {25, "AddSoftmax", {"softmax", "softmax_common"}},
    {34, "AddPad", {"pad", "pad_common"}},
    {40, "AddMean", {"reduce", "reduce_common"}},
    {114, "AddQuantize", {"quantize", "quantize_common"}},
};
#define N_OPS ((int)(sizeof ops / sizeof ops[0]))

static const tflm_op *find_op(int code)
{
    for (int i = 0; i < N_OPS; i++)
        if (ops[i].code == code)
            return &ops[i];
    return NULL;
}

/* ---- availability and version ---- */

static int need(const char *const *stems, int n, char *why, size_t len)
{
    for (int i = 0; i < n; i++)
        if (!mcb_fw_available(stems[i], why, len))
            return 0;
    return 1;
}

static const char *const ref_stems[] = {TFLM, FLATBUF, GEMMLOWP, RUY, CMSIS6, DFP};
static const char *const cmsis_stems[] = {TFLM, FLATBUF, GEMMLOWP, RUY, CMSIS6, DFP, CMSISNN};

static int tflm_available(char *why, size_t n)
{
    return need(ref_stems, 6, why, n);
}

static int tflm_cmsis_available(char *why, size_t n)
{
    return need(cmsis_stems, 7, why, n);
}

static void tflm_version(char *buf, size_t n)
{
    snprintf(buf, n, "tflite-micro %.8s", mcb_fw_archive_find(TFLM)->commit);
}

static void tflm_cmsis_version(char *buf, size_t n)
{
    snprintf(buf, n, "tflite-micro %.8s + cmsis-nn %.8s", mcb_fw_archive_find(TFLM)->commit,
             mcb_fw_archive_find(CMSISNN)->commit);
}

/* ---- libraries ---- */

static int build_one(mcb_fwlib_spec *s, mcb_tflm_lib *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", s->name);
    return mcb_fwlib_build(s, out->path, sizeof out->path, &out->st);
}

int mcb_tflm_libs(const mcb_target *t, const mcb_engine_conditions *cond, int cmsis,
                  mcb_tflm_lib libs[MCB_TFLM_MAX_LIBS])
{
    if (strcmp(t->core, "cortex-m4") != 0) {
        mcb_error("target %s: the tflm engines are built for cortex-m4 (TFLM's cortex-m4+fp), "
                  "not %s", t->name, t->core);
        return -1;
    }
    /* the kernel list: every kernel of the table, kernel_util, specialised for cmsis_nn */
    mcb_strs ks = {0};
    int bad = mcb_strs_add(&ks, KDIR "kernel_util.cc");
    mcb_fwlib_spec s = {.archives = tflm_archives,
                        .n_archives = cmsis ? N_TFLM_ARCHIVES + 1 : N_TFLM_ARCHIVES,
                        .include_dirs = cmsis ? cmsis_includes : tflm_includes,
                        .cflags = c_flags,
                        .cxxflags = cxx_flags,
                        .target = t,
                        .cond = cond};
    char cdir[4096] = "";
    if (cmsis && mcb_fwlib_path(&s, KDIR "cmsis_nn", cdir, sizeof cdir) < 0) {
        mcb_strs_free(&ks);
        return -1;
    }
    for (int i = 0; i < N_OPS && !bad; i++)
        for (int k = 0; k < 2 && ops[i].kernels[k] && !bad; k++) {
            char rel[512], path[4400];
            snprintf(path, sizeof path, "%s/%s.cc", cdir, ops[i].kernels[k]);
            if (cmsis && access(path, R_OK) == 0)
                snprintf(rel, sizeof rel, KDIR "cmsis_nn/%s.cc", ops[i].kernels[k]);
            else
                snprintf(rel, sizeof rel, KDIR "%s.cc", ops[i].kernels[k]);
            int dup = 0;
            for (int j = 0; j < ks.n; j++)
                dup |= !strcmp(ks.v[j], rel);
            if (!dup)
                bad = mcb_strs_add(&ks, rel);
        }
    if (bad) {
        mcb_strs_free(&ks);
        mcb_error("tflm: out of memory");
        return -1;
    }
    int n = 0, rc = 0;
    s.name = cmsis ? "tflm-kernels-cmsis-nn" : "tflm-kernels-ref";
    s.sources = (const char *const *)ks.v;
    s.flags = cmsis ? cmsis_kernel_flags : ref_kernel_flags;
    rc = build_one(&s, &libs[n++]);
    if (rc == 0 && cmsis) {
        mcb_fwlib_spec c = s;
        c.name = "cmsis-nn";
        c.sources = cmsis_nn_sources;
        c.exclude = cmsis_nn_exclude;
        c.flags = cmsis_kernel_flags; /* THIRD_PARTY_KERNEL_OPTIMIZATION_LEVEL is -O2 */
        rc = build_one(&c, &libs[n++]);
    }
    if (rc == 0) {
        /* the core does not depend on the kernel folder: its only CMSIS_NN test picks the
         * printf format of MicroProfiler::LogCsv, which no firmware of ours calls. Both
         * engines share it */
        mcb_fwlib_spec c = s;
        c.name = "tflm-core";
        c.n_archives = N_TFLM_ARCHIVES;
        c.include_dirs = tflm_includes;
        c.sources = core_sources;
        c.exclude = core_exclude;
        c.flags = core_flags;
        rc = build_one(&c, &libs[n++]);
    }
    mcb_strs_free(&ks);
    return rc < 0 ? -1 : n;
}

/* ---- generated sources ---- */

static int write_text(const char *dir, const char *name, const char *text, size_t n)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return mcb_write_file_atomic(path, text, n);
}

static int copy_fw(const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", MCB_TFLM_FW_DIR, name);
    size_t n;
    uint8_t *d = mcb_read_file(path, &n);
    if (!d)
        return -1;
    const int rc = write_text(dir, name, (const char *)d, n);
    free(d);
    return rc;
}

static int write_model_cc(const char *dir, const uint8_t *bytes, size_t n, int in_ram)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    fprintf(f,
            "// Generated by mcubench: the .tflite file as TFLM users embed it (%s, 16-aligned\n"
            "// for the flatbuffer's reads).\n"
            "extern %sunsigned char mcb_tflm_model[%zu];\n"
            "alignas(16) %sunsigned char mcb_tflm_model[%zu] = {",
            in_ram ? "in RAM" : "in flash", in_ram ? "" : "const ", n, in_ram ? "" : "const ", n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s0x%02x,", i % 16 ? "" : "\n", bytes[i]);
    fprintf(f, "\n};\n");
    if (fclose(f) != 0) {
        free(buf);
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    const int rc = write_text(dir, "tflm_model.cc", buf, size);
    free(buf);
    return rc;
}

static int write_model_h(const char *dir, const mcb_graph *g, size_t model_bytes, int in_ram,
                         int64_t arena)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    int used[N_OPS] = {0}, k = 0;
    for (int i = 0; i < g->n_ops; i++)
        used[find_op(g->ops[i].code) - ops] = 1;
    for (int i = 0; i < N_OPS; i++)
        k += used[i];
    fprintf(f,
            "// Generated by mcubench: what tflm_glue.cc needs to know about this model.\n"
            "#ifndef MCB_TFLM_MODEL_H\n#define MCB_TFLM_MODEL_H\n\n"
            "extern %sunsigned char mcb_tflm_model[%zu];\n\n"
            "// the smallest arena AllocateTensors accepts (the probe firmware overrides it)\n"
            "#ifndef MCB_TFLM_ARENA_BYTES\n#define MCB_TFLM_ARENA_BYTES %lld\n#endif\n\n"
            "// the model's distinct operators, registered by mcb_tflm_add_ops\n"
            "#define MCB_TFLM_N_OPS %d\n\n"
            "template <typename Resolver>\nstatic bool mcb_tflm_add_ops(Resolver& r) {\n"
            "  return ",
            in_ram ? "" : "const ", model_bytes, (long long)arena, k);
    for (int i = 0, first = 1; i < N_OPS; i++)
        if (used[i]) {
            fprintf(f, "%sr.%s() == kTfLiteOk", first ? "" : " &&\n         ", ops[i].add);
            first = 0;
        }
    fprintf(f, ";\n}\n\n#endif\n");
    if (fclose(f) != 0) {
        free(buf);
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    const int rc = write_text(dir, "tflm_model.h", buf, size);
    free(buf);
    return rc;
}

/* The flags the firmware's C++ sources (glue, runtime, model) need: TFLM's, so that its
 * headers see the configuration the libraries were built with. */
static int add_firmware_flags(mcb_engine_build *b, int cmsis)
{
    static const char *const own[] = {TFLM_FLAGS, "-std=c++17", "-fno-rtti", "-fno-exceptions",
                                      "-fno-threadsafe-statics", NULL};
    int bad = 0;
    for (int i = 0; own[i] && !bad; i++)
        bad = mcb_strs_add(&b->cxxflags, own[i]);
    if (cmsis && !bad)
        bad = mcb_strs_add(&b->cxxflags, "-DCMSIS_NN");
    return bad ? -1 : 0;
}

/* The probe's answer, cached by what decides it: the model's bytes, the libraries (their
 * names carry the hash of their sources and flags), our glue and runtime, the target. */
static void probe_key(const uint8_t *model, size_t n, const mcb_engine_build *b,
                      const mcb_target *t, int in_ram, char out[65])
{
    mcb_sha256 h;
    mcb_sha256_init(&h);
    mcb_sha256_update(&h, PROBE_FORMAT, sizeof PROBE_FORMAT);
    mcb_sha256_update(&h, model, n);
    for (int i = 0; i < b->libs.n; i++) {
        const char *base = strrchr(b->libs.v[i], '/');
        base = base ? base + 1 : b->libs.v[i];
        mcb_sha256_update(&h, base, strlen(base) + 1);
    }
    static const char *const files[] = {"tflm_glue.cc", "tflm_runtime.cc"};
    for (int i = 0; i < 2; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", MCB_TFLM_FW_DIR, files[i]);
        size_t k;
        uint8_t *d = mcb_read_file(path, &k);
        if (d)
            mcb_sha256_update(&h, d, k);
        free(d);
    }
    mcb_sha256_update(&h, t->cflags, strlen(t->cflags) + 1);
    mcb_sha256_update(&h, t->runtime, strlen(t->runtime) + 1);
    mcb_sha256_update(&h, in_ram ? "ram" : "flash", 4);
    uint8_t d[32];
    mcb_sha256_final(&h, d);
    mcb_sha256_hex(d, out);
}

/* Builds and runs the probe firmware in dir/probe; *arena = the smallest accepted size.
 * 0, or -1 after one line (containing "does not fit" when even the largest arena the target
 * leaves is refused). */
static int probe_arena(const mcb_engine_ctx *c, const mcb_engine_build *b, int64_t *arena)
{
    const mcb_target *t = c->target;
    char dir[4300], elfp[4400], upper[64];
    snprintf(dir, sizeof dir, "%s/probe", c->dir);
    snprintf(elfp, sizeof elfp, "%s/probe.elf", dir);
    /* the largest arena: the RAM less the stack (16 KB), and 16 KB for everything else */
    const int64_t max = (int64_t)t->ram_size - 32 * 1024;
    snprintf(upper, sizeof upper, "-DMCB_TFLM_ARENA_BYTES=%lld", (long long)max);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        mcb_error("%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    mcb_strs srcs = {0}, xf = {0};
    int bad = mcb_strs_addf(&srcs, "%s/tflm_glue.cc", c->dir) ||
              mcb_strs_addf(&srcs, "%s/tflm_runtime.cc", c->dir) ||
              mcb_strs_addf(&srcs, "%s/tflm_model.cc", c->dir);
    for (int i = 0; i < b->cxxflags.n && !bad; i++)
        bad = mcb_strs_add(&xf, b->cxxflags.v[i]);
    bad = bad || mcb_strs_add(&xf, upper) || mcb_strs_add(&xf, "-DMCB_TFLM_PROBE=1");
    if (bad) {
        mcb_strs_free(&srcs);
        mcb_strs_free(&xf);
        mcb_error("%s: out of memory", c->model_path);
        return -1;
    }
    mcb_fw_build fb = {.target = t,
                       .sources = (const char *const *)srcs.v,
                       .n_sources = srcs.n,
                       .include_dirs = (const char *const *)b->include_dirs.v,
                       .n_include_dirs = b->include_dirs.n,
                       .output = elfp,
                       .cxx_flags = (const char *const *)xf.v,
                       .n_cxx_flags = xf.n,
                       .libs = (const char *const *)b->libs.v,
                       .n_libs = b->libs.n};
    int rc = -1;
    mcb_elf *elf = NULL;
    mcb_sim_result r;
    memset(&r, 0, sizeof r);
    if (mcb_fw_build_run(&fb, NULL) < 0 || !(elf = mcb_elf_load(elfp)))
        goto out;
    mcb_sim_opts so = {.target = t};
    if (mcb_sim_run(elf, &so, &r) < 0)
        goto out;
    long long ok = 0, refused = 0;
    int ok_flag = -1, refused_flag = -1;
    if (r.fault[0]) {
        mcb_error("%s: the tflm arena probe faulted: %s", c->model_path, r.fault);
    } else if (r.exited && r.exit_code == 4) {
        mcb_error("%s: does not fit: TFLM's AllocateTensors refuses even a %lld-byte arena "
                  "(the most %s leaves)", c->model_path, (long long)max, t->name);
    } else if (!r.exited || r.exit_code != 0 || !r.out ||
               sscanf(r.out, "arena %lld %lld %d %d", &ok, &refused, &ok_flag,
                      &refused_flag) != 4) {
        mcb_error("%s: the tflm arena probe failed (exit code %d%s)", c->model_path,
                  r.exit_code, r.exited ? "" : ", did not exit");
    } else if (ok_flag != 1 || refused_flag != 0 || ok != refused + 1) {
        mcb_error("%s: the tflm arena probe found no smallest size (%lld accepted: %d, %lld "
                  "refused: %d)", c->model_path, ok, ok_flag, refused, !refused_flag);
    } else {
        *arena = ok;
        rc = 0;
        /* the generated folder keeps only what the measured firmware is built from */
        remove(elfp);
        rmdir(dir);
    }
out:
    mcb_sim_result_free(&r);
    mcb_elf_free(elf);
    mcb_strs_free(&srcs);
    mcb_strs_free(&xf);
    return rc;
}

static int generate(const mcb_engine_ctx *c, mcb_engine_build *b, int cmsis)
{
    const mcb_graph *g = c->g;
    const char *ename = cmsis ? "tflm-cmsis-nn" : "tflm";
    for (int i = 0; i < g->n_ops; i++)
        if (!find_op(g->ops[i].code)) {
            mcb_error("%s: operator %d (%s) is not supported by engine %s", c->model_path, i,
                      mcb_op_name(g->ops[i].code), ename);
            return -1;
        }
    if (g->n_in != 1 || g->n_out != 1) {
        mcb_error("%s: engine %s takes models with one input and one output", c->model_path,
                  ename);
        return -1;
    }
    size_t model_n = 0;
    uint8_t *model = mcb_read_file(c->model_path, &model_n);
    if (!model)
        return -1;
    int rc = -1;
    mcb_tflm_lib libs[MCB_TFLM_MAX_LIBS];
    const int nlibs = mcb_tflm_libs(c->target, &c->cond, cmsis, libs);
    if (nlibs < 0)
        goto done;
    mcb_fwlib_spec paths = {.archives = tflm_archives,
                            .n_archives = cmsis ? N_TFLM_ARCHIVES + 1 : N_TFLM_ARCHIVES};
    int bad = 0;
    for (int i = 0; i < nlibs && !bad; i++)
        bad = mcb_strs_add(&b->libs, libs[i].path);
    for (const char *const *p = cmsis ? cmsis_includes : tflm_includes; *p && !bad; p++) {
        char d[4096];
        if (mcb_fwlib_path(&paths, *p, d, sizeof d) < 0)
            goto done;
        bad = mcb_strs_add(&b->include_dirs, d);
    }
    bad = bad || add_firmware_flags(b, cmsis) < 0;
    static const char *const files[] = {"tflm_glue.cc", "tflm_runtime.cc", "tflm_model.cc"};
    for (int i = 0; i < 3 && !bad; i++)
        bad = mcb_strs_addf(&b->sources, "%s/%s", c->dir, files[i]);
    /* what a TFLM user writes by hand: the interpreter set-up with its resolver and arena,
     * and the runtime stubs; the model array comes from a tool (xxd -i) */
    bad = bad || mcb_strs_addf(&b->hand_written, "%s/tflm_glue.cc", c->dir) ||
          mcb_strs_addf(&b->hand_written, "%s/tflm_runtime.cc", c->dir) ||
          mcb_strs_addf(&b->hand_written, "%s/tflm_model.h", c->dir);
    if (bad)
        goto oom;
    const int in_ram = c->cond.weights_in_ram;
    if (copy_fw(c->dir, "tflm_glue.cc") < 0 || copy_fw(c->dir, "tflm_runtime.cc") < 0 ||
        write_model_cc(c->dir, model, model_n, in_ram) < 0 ||
        write_model_h(c->dir, g, model_n, in_ram, 0) < 0)
        goto done;

    /* the arena: from the cache, else from the probe */
    char key[65], cpath[4300], cdir[4200];
    probe_key(model, model_n, b, c->target, in_ram, key);
    snprintf(cdir, sizeof cdir, "%s/arena", mcb_fw_cache_dir());
    snprintf(cpath, sizeof cpath, "%s/%s-%.16s.txt", cdir, ename, key);
    int64_t arena = 0;
    size_t cn;
    char *cached = access(cpath, R_OK) == 0 ? (char *)mcb_read_file(cpath, &cn) : NULL;
    long long v;
    if (cached && sscanf(cached, "%lld", &v) == 1 && v > 0) {
        arena = v;
    } else {
        if (probe_arena(c, b, &arena) < 0)
            goto done;
        char line[64];
        const int k = snprintf(line, sizeof line, "%lld\n", (long long)arena);
        /* a cache: failing to write it costs only the next probe */
        if (mkdir(cdir, 0777) == 0 || errno == EEXIST) {
            const int q = mcb_err_quiet(1);
            mcb_write_file_atomic(cpath, line, (size_t)k);
            mcb_err_quiet(q);
        }
    }
    free(cached);
    if (write_model_h(c->dir, g, model_n, in_ram, arena) < 0)
        goto done;

    b->layers = calloc((size_t)g->n_ops + 1, sizeof *b->layers);
    if (!b->layers)
        goto oom;
    b->n_layers = g->n_ops;
    for (int i = 0; i < g->n_ops; i++) {
        snprintf(b->layers[i].op, sizeof b->layers[i].op, "%s", mcb_op_name(g->ops[i].code));
        b->layers[i].macs = mcb_op_macs(g, &g->ops[i]);
    }
    b->input_tensor = g->in[0];
    b->output_tensor = g->out[0];
    b->arena_bytes = arena;
    /* the least any plan of the graph as TFLM runs it (operator by operator) needs */
    const int64_t lb = mcb_graph_min_activation_bytes(g);
    b->lower_bound_bytes = lb > 0 ? lb : 0;
    b->weight_bytes = (int64_t)model_n;
    int64_t plain = 0;
    for (int i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].data)
            plain += (int64_t)g->tensors[i].data_size;
    b->plain_weight_bytes = plain;
    /* the model, and about what TFLM's core and a CNN's kernels take */
    b->flash_need = (int64_t)model_n + (cmsis ? 110 : 90) * 1024;
    (cmsis ? tflm_cmsis_version : tflm_version)(b->version, sizeof b->version);
    rc = 0;
    goto done;
oom:
    mcb_error("%s: out of memory", c->model_path);
done:
    free(model);
    return rc;
}

static int tflm_generate(const mcb_engine_ctx *c, mcb_engine_build *b)
{
    return generate(c, b, 0);
}

static int tflm_cmsis_generate(const mcb_engine_ctx *c, mcb_engine_build *b)
{
    return generate(c, b, 1);
}

const mcb_engine mcb_engine_tflm = {
    .name = "tflm",
    .about = "TensorFlow Lite Micro's MicroInterpreter with its reference kernels, the .tflite "
             "in flash, the smallest arena AllocateTensors accepts",
    .available = tflm_available,
    .version = tflm_version,
    .generate = tflm_generate,
    .workflow = "TFLite converter to int8, xxd -i of the .tflite, and a main written by hand: "
                "op resolver, interpreter, an arena sized by trial, runtime stubs",
};

const mcb_engine mcb_engine_tflm_cmsis_nn = {
    .name = "tflm-cmsis-nn",
    .about = "TensorFlow Lite Micro with its cmsis_nn kernels and the CMSIS-NN it pins (how "
             "most Cortex-M deployments run)",
    .available = tflm_cmsis_available,
    .version = tflm_cmsis_version,
    .generate = tflm_cmsis_generate,
    .workflow = "TFLite converter to int8, xxd -i of the .tflite, and a main written by hand: "
                "op resolver, interpreter, an arena sized by trial, runtime stubs",
};
