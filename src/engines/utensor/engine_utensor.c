/* The utensor engine (engine.h): uTensor's re-arch runtime (pinned archive utensor-23622ee,
 * built into the framework library cache with one patch, utensor-conv2d-dims.patch) running
 * model code that utensor_gen.c writes in the shape of uTensor's own generator.
 *
 * Its softmax is computed in float (uTensor's int8 softmax is wrong on saturated logits), so
 * its outputs are not TFLite's bit for bit: the measurement checks the target against the
 * same generated code and runtime compiled for the host (host_reference below) and reports
 * the agreement with the host executor separately. docs/engine-utensor.md. */
#include "engine.h"
#include "err.h"
#include "fileio.h"
#include "fwlib.h"
#include "graph_mem.h"
#include "proc.h"
#include "sha256.h"
#include "utensor_gen.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MCB_ENGINES_DIR
#error "MCB_ENGINES_DIR (the project's src/engines folder) must be defined by the build"
#endif

#define UT_STEM "utensor-23622ee"
#define UT_HOST_CXX "g++" /* the host build's compiler */
#define UT_PATCH "utensor-conv2d-dims.patch"
/* RAM beyond the two arenas and the input/output buffers: the stack the linker script keeps
 * (16 KB), the allocators' block headers on the heap (std::vector) and the run time's own
 * data; flash beyond the weights: uTensor's runtime, the generated code, newlib. Measured on
 * mnist-conv16 (docs/engine-utensor.md) and rounded up. */
#define UT_STACK 16384
#define UT_RAM_MARGIN 4096
#define UT_FLASH_MARGIN 98304

/* The C++ dialect uTensor is written in, without the parts a bare-metal build leaves out. */
static const char *const ut_cxxflags[] = {"-std=c++11", "-fno-exceptions", "-fno-rtti",
                                          "-fno-threadsafe-statics", NULL};
/* The runtime: core, allocators, tensors, the reference and symmetric-quantization
 * operators (not the loaders, which read files, nor the FFT ops and their CMSIS-DSP). */
static const char *const ut_sources[] = {
    UT_STEM "/src/uTensor/core/*.cpp",   UT_STEM "/src/uTensor/allocators/*.cpp",
    UT_STEM "/src/uTensor/tensors/*.cpp", UT_STEM "/src/uTensor/ops/*.cpp",
    UT_STEM "/src/uTensor/ops/symmetric_quantization/*.cpp", NULL};
static const char *const ut_includes[] = {UT_STEM "/src", NULL};
/* uTensor's own warnings (an unused variable or parameter in most files, a function without
 * a return in arenaAllocator.cpp that nothing calls) are not ours to fix */
static const char *const ut_flags[] = {"-w", NULL};

/* 1 if prog is an executable file in a folder of $PATH. */
static int in_path(const char *prog)
{
    const char *p = getenv("PATH");
    while (p && *p) {
        const size_t len = strcspn(p, ":");
        char path[4200];
        snprintf(path, sizeof path, "%.*s/%s", (int)len, p, prog);
        if (len && access(path, X_OK) == 0)
            return 1;
        p += len + (p[len] == ':');
    }
    return 0;
}

static int ut_available(char *why, size_t n)
{
    if (!mcb_fw_available(UT_STEM, why, n))
        return 0;
    if (!in_path(UT_HOST_CXX)) {
        snprintf(why, n, "%s is not installed (package g++): the measurement checks the "
                         "target against the engine's host build", UT_HOST_CXX);
        return 0;
    }
    return 1;
}

static void ut_version(char *buf, size_t n)
{
    snprintf(buf, n, "utensor 23622ee");
}

/* The patch as a file named by its content in the cache (cache/patches/NAME-<sha12>.patch):
 * fwlib keys unpacked sources and libraries by the patch's path, so an edited patch gives
 * new ones. */
static int patch_path(char *out, size_t n)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/utensor/%s", MCB_ENGINES_DIR, UT_PATCH);
    size_t len;
    uint8_t *text = mcb_read_file(src, &len);
    if (!text)
        return -1;
    uint8_t d[32];
    char hex[65], dir[4200];
    mcb_sha256_buf(text, len, d);
    mcb_sha256_hex(d, hex);
    snprintf(dir, sizeof dir, "%s/patches", mcb_fw_cache_dir());
    if ((size_t)snprintf(out, n, "%s/utensor-conv2d-dims-%.12s.patch", dir, hex) >= n) {
        free(text);
        mcb_error("%s: path too long", dir);
        return -1;
    }
    int rc = 0;
    if (access(out, R_OK) != 0) {
        if ((mkdir(mcb_fw_cache_dir(), 0777) != 0 && errno != EEXIST) ||
            (mkdir(dir, 0777) != 0 && errno != EEXIST)) {
            mcb_error("%s: cannot create: %s", dir, strerror(errno));
            rc = -1;
        } else {
            rc = mcb_write_file_atomic(out, text, len);
        }
    }
    free(text);
    return rc;
}

static void ut_spec(mcb_fwlib_spec *s, mcb_fwlib_archive *arch, const char *patch,
                    const mcb_engine_ctx *c)
{
    arch->stem = UT_STEM;
    arch->patch = patch;
    memset(s, 0, sizeof *s);
    s->name = "utensor";
    s->archives = arch;
    s->n_archives = 1;
    s->sources = ut_sources;
    s->include_dirs = ut_includes;
    s->flags = ut_flags;
    s->cxxflags = ut_cxxflags;
    s->target = c->target;
    s->cond = &c->cond;
}

static int64_t ram_need(const ut_model *m)
{
    return ut_ram_pool(m) + ut_meta_pool(m) + ut_io_bytes(m) + UT_RAM_MARGIN + UT_STACK;
}

static int ut_generate(const mcb_engine_ctx *c, mcb_engine_build *b)
{
    ut_model *m = ut_analyse(c->g, c->model_path);
    if (!m)
        return -1;
    int rc = -1;
    const int64_t ram = ram_need(m), flash = ut_weight_bytes(m) + UT_FLASH_MARGIN;
    if (ram > (int64_t)c->target->ram_size) {
        mcb_error("%s: does not fit the RAM of %s under engine utensor: needs %lld bytes (RAM "
                  "arena %lld, metadata arena %lld, input and output %lld, heap and run time "
                  "%d, stack %d), the target has %lu",
                  c->model_path, c->target->name, (long long)ram, (long long)ut_ram_pool(m),
                  (long long)ut_meta_pool(m), (long long)ut_io_bytes(m), UT_RAM_MARGIN, UT_STACK,
                  (unsigned long)c->target->ram_size);
        goto done;
    }
    if (flash > (int64_t)c->target->flash_size) {
        mcb_error("%s: does not fit the flash of %s under engine utensor: needs %lld bytes "
                  "(%lld of weights and quantization parameters + %d for code), the target "
                  "has %lu",
                  c->model_path, c->target->name, (long long)flash, (long long)ut_weight_bytes(m),
                  UT_FLASH_MARGIN, (unsigned long)c->target->flash_size);
        goto done;
    }
    char patch[4400], lib[4400], inc[4400];
    mcb_fwlib_spec s;
    mcb_fwlib_archive arch;
    if (patch_path(patch, sizeof patch) < 0)
        goto done;
    ut_spec(&s, &arch, patch, c);
    if (mcb_fwlib_build(&s, lib, sizeof lib, NULL) < 0 ||
        mcb_fwlib_path(&s, UT_STEM "/src", inc, sizeof inc) < 0)
        goto done;
    if (ut_write(m, c->dir, b) < 0)
        goto done;
    /* the generated code is held to the project's warnings; uTensor's headers come in as
     * system headers, so their warnings are not */
    int bad = mcb_strs_add(&b->libs, lib) || mcb_strs_addf(&b->cxxflags, "-isystem%s", inc);
    for (int i = 0; ut_cxxflags[i] && !bad; i++)
        bad = mcb_strs_add(&b->cxxflags, ut_cxxflags[i]);
    bad = bad || mcb_strs_add(&b->cxxflags, "-Wall") || mcb_strs_add(&b->cxxflags, "-Wextra") ||
          mcb_strs_add(&b->cxxflags, "-Werror");
    if (bad) {
        mcb_error("%s: out of memory", c->model_path);
        goto done;
    }
    b->input_tensor = ut_input_tensor(m);
    b->output_tensor = ut_output_tensor(m);
    b->arena_bytes = ut_ram_pool(m) + ut_meta_pool(m);
    b->weight_bytes = ut_weight_bytes(m);
    b->plain_weight_bytes = ut_plain_weight_bytes(m);
    b->lower_bound_bytes = mcb_graph_min_activation_bytes(c->g);
    b->flash_need = flash;
    ut_version(b->version, sizeof b->version);
    rc = 0;
done:
    ut_free(m);
    return rc;
}

/* ---- the host build: the same generated code and runtime, compiled with the host's g++ ---- */

static const char *const ut_host_flags[] = {"-O2", "-std=c++11", "-fno-exceptions", "-fno-rtti",
                                            "-fno-threadsafe-statics", "-w", NULL};

/* Runs argv; 0, or -1 after one line (its messages are above). */
static int run(char **argv, const char *what)
{
    pid_t pid = mcb_spawn(argv, "g++", NULL, NULL);
    if (pid < 0)
        return -1;
    const int st = mcb_spawn_wait(pid, argv[0]);
    if (st > 0)
        mcb_error("%s: %s exited with status %d (its messages are above)", what, argv[0], st);
    return st == 0 ? 0 : -1;
}

/* The host compiler's version, into the cache key. */
static void host_version(char *out, size_t n)
{
    out[0] = 0;
    char *argv[] = {UT_HOST_CXX, "-dumpfullversion", NULL};
    char *text = NULL, why[8];
    if (mcb_spawn_capture(argv, "g++", &text, why, sizeof why) == 0 && text)
        snprintf(out, n, "%.*s", (int)strcspn(text, "\r\n"), text);
    free(text);
}

/* uTensor's runtime for the host as a static library in the cache
 * (cache/host/utensor-<hash>.a, keyed by the patched sources' path, the flags and g++'s
 * version), built in a temporary folder and renamed into place. */
static int host_runtime(const mcb_fwlib_spec *s, const char *src, char *lib, size_t n)
{
    char ver[128], hex[65], dir[4200], tmp[4400], tlib[4500] = "";
    host_version(ver, sizeof ver);
    mcb_sha256 h;
    mcb_sha256_init(&h);
    mcb_sha256_update(&h, src, strlen(src) + 1);
    mcb_sha256_update(&h, ver, strlen(ver) + 1);
    for (int i = 0; ut_host_flags[i]; i++)
        mcb_sha256_update(&h, ut_host_flags[i], strlen(ut_host_flags[i]) + 1);
    for (int i = 0; s->sources[i]; i++)
        mcb_sha256_update(&h, s->sources[i], strlen(s->sources[i]) + 1);
    uint8_t d[32];
    mcb_sha256_final(&h, d);
    mcb_sha256_hex(d, hex);
    snprintf(dir, sizeof dir, "%s/host", mcb_fw_cache_dir());
    if ((size_t)snprintf(lib, n, "%s/utensor-%.16s.a", dir, hex) >= n) {
        mcb_error("%s: path too long", dir);
        return -1;
    }
    if (access(lib, R_OK) == 0)
        return 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        mcb_error("%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s/tmp.XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        mcb_error("%s: cannot create a temporary folder: %s", tmp, strerror(errno));
        return -1;
    }
    mcb_strs objs = {0}, argv = {0};
    int rc = -1;
    pid_t running[2];
    int nrun = 0, failed = 0, k = 0;
    for (int i = 0; s->sources[i] && !failed; i++) {
        char pat[4400];
        if (mcb_fwlib_path(s, s->sources[i], pat, sizeof pat) < 0) {
            failed = 1;
            break;
        }
        glob_t gl;
        if (glob(pat, 0, NULL, &gl) != 0)
            continue;
        for (size_t j = 0; j < gl.gl_pathc && !failed; j++, k++) {
            if (nrun == 2) {
                failed |= mcb_spawn_wait(running[0], UT_HOST_CXX) != 0;
                running[0] = running[1];
                nrun--;
            }
            mcb_strs_free(&argv);
            int bad = mcb_strs_add(&argv, UT_HOST_CXX);
            for (int f = 0; ut_host_flags[f] && !bad; f++)
                bad = mcb_strs_add(&argv, ut_host_flags[f]);
            bad = bad || mcb_strs_addf(&argv, "-I%s", src) || mcb_strs_add(&argv, "-c") ||
                  mcb_strs_add(&argv, gl.gl_pathv[j]) || mcb_strs_add(&argv, "-o") ||
                  mcb_strs_addf(&argv, "%s/%03d.o", tmp, k) ||
                  mcb_strs_addf(&objs, "%s/%03d.o", tmp, k);
            pid_t pid = bad ? -1 : mcb_spawn(argv.v, "g++", NULL, NULL);
            if (bad)
                mcb_error("%s: out of memory", lib);
            if (pid < 0)
                failed = 1;
            else
                running[nrun++] = pid;
        }
        globfree(&gl);
    }
    while (nrun) {
        failed |= mcb_spawn_wait(running[0], UT_HOST_CXX) != 0;
        running[0] = running[1];
        nrun--;
    }
    if (failed) {
        mcb_error("%s: building uTensor's runtime for the host failed (messages above)", lib);
        goto out;
    }
    snprintf(tlib, sizeof tlib, "%s/lib.a", tmp);
    mcb_strs_free(&argv);
    int bad = mcb_strs_add(&argv, "ar") || mcb_strs_add(&argv, "rcs") ||
              mcb_strs_add(&argv, tlib);
    for (int i = 0; i < objs.n && !bad; i++)
        bad = mcb_strs_add(&argv, objs.v[i]);
    if (bad) {
        mcb_error("%s: out of memory", lib);
        goto out;
    }
    if (run(argv.v, lib) < 0)
        goto out;
    if (rename(tlib, lib) != 0) {
        mcb_error("%s: cannot rename into place: %s", lib, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < objs.n; i++)
        unlink(objs.v[i]);
    if (tlib[0])
        unlink(tlib);
    rmdir(tmp);
    mcb_strs_free(&objs);
    mcb_strs_free(&argv);
    return rc;
}

static const char host_main[] =
    "/* Generated by mcubench: runs the engine entry points on the host over a file of inputs\n"
    " * (usage: ref INPUTS N IN_BYTES OUT_BYTES OUTPUTS). */\n"
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
    "extern \"C\" int mcb_engine_setup(void);\nextern \"C\" void *mcb_engine_input(void);\n"
    "extern \"C\" const void *mcb_engine_output(void);\nextern \"C\" int mcb_engine_invoke(void);\n\n"
    "int main(int argc, char **argv)\n{\n"
    "  if (argc != 6) return 2;\n"
    "  const long n = atol(argv[2]), ib = atol(argv[3]), ob = atol(argv[4]);\n"
    "  FILE *in = fopen(argv[1], \"rb\"), *out = fopen(argv[5], \"wb\");\n"
    "  char *buf = (char *)malloc((size_t)ib);\n"
    "  if (!in || !out || !buf || mcb_engine_setup() != 0) return 1;\n"
    "  for (long i = 0; i < n; i++) {\n"
    "    if (fread(buf, 1, (size_t)ib, in) != (size_t)ib) return 1;\n"
    "    memcpy(mcb_engine_input(), buf, (size_t)ib);\n"
    "    if (mcb_engine_invoke() != 0) return 1;\n"
    "    if (fwrite(mcb_engine_output(), 1, (size_t)ob, out) != (size_t)ob) return 1;\n"
    "  }\n  free(buf);\n  fclose(in);\n  return fclose(out) != 0;\n}\n";

static int ut_host_reference(const mcb_engine_ctx *c, const mcb_engine_build *b,
                             const char *work, const int8_t *inputs, int n, int64_t in_bytes,
                             int8_t *out, int64_t out_bytes)
{
    char dir[4200], patch[4400], inc[4400], rt[4400], mainp[4400], exe[4400], inp[4400],
        outp[4400];
    mcb_fwlib_spec s;
    mcb_fwlib_archive arch;
    if (patch_path(patch, sizeof patch) < 0)
        return -1;
    ut_spec(&s, &arch, patch, c);
    if (mcb_fwlib_path(&s, UT_STEM "/src", inc, sizeof inc) < 0 ||
        host_runtime(&s, inc, rt, sizeof rt) < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s/host", work);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        mcb_error("%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    snprintf(mainp, sizeof mainp, "%s/host_main.cc", dir);
    snprintf(exe, sizeof exe, "%s/reference", dir);
    snprintf(inp, sizeof inp, "%s/inputs.bin", dir);
    snprintf(outp, sizeof outp, "%s/outputs.bin", dir);
    if (mcb_write_file_atomic(mainp, host_main, sizeof host_main - 1) < 0 ||
        mcb_write_file_atomic(inp, inputs, (size_t)(in_bytes * n)) < 0)
        return -1;
    /* the generated sources of this build: every .cc/.cpp the engine wrote into c->dir */
    mcb_strs argv = {0};
    int bad = mcb_strs_add(&argv, UT_HOST_CXX);
    for (int i = 0; ut_host_flags[i] && !bad; i++)
        bad = mcb_strs_add(&argv, ut_host_flags[i]);
    bad = bad || mcb_strs_add(&argv, "-DMCB_UTENSOR_HOST=1") ||
          mcb_strs_addf(&argv, "-I%s", inc) || mcb_strs_addf(&argv, "-I%s", c->dir);
    for (int i = 0; i < b->sources.n && !bad; i++)
        bad = mcb_strs_add(&argv, b->sources.v[i]);
    bad = bad || mcb_strs_add(&argv, mainp) || mcb_strs_add(&argv, rt) ||
          mcb_strs_add(&argv, "-lm") || mcb_strs_add(&argv, "-o") || mcb_strs_add(&argv, exe);
    int rc = -1;
    if (bad) {
        mcb_error("%s: out of memory", c->model_path);
        goto out;
    }
    if (run(argv.v, exe) < 0)
        goto out;
    mcb_strs_free(&argv);
    bad = mcb_strs_add(&argv, exe) || mcb_strs_add(&argv, inp) ||
          mcb_strs_addf(&argv, "%d", n) || mcb_strs_addf(&argv, "%lld", (long long)in_bytes) ||
          mcb_strs_addf(&argv, "%lld", (long long)out_bytes) || mcb_strs_add(&argv, outp);
    if (bad) {
        mcb_error("%s: out of memory", c->model_path);
        goto out;
    }
    if (run(argv.v, c->model_path) < 0)
        goto out;
    size_t len;
    uint8_t *o = mcb_read_file(outp, &len);
    if (!o)
        goto out;
    if (len != (size_t)(out_bytes * n)) {
        mcb_error("%s: the host build of engine utensor wrote %zu output bytes for %d images, "
                  "not %lld", c->model_path, len, n, (long long)(out_bytes * n));
        free(o);
        goto out;
    }
    memcpy(out, o, len);
    free(o);
    rc = 0;
out:
    mcb_strs_free(&argv);
    return rc;
}

const mcb_engine mcb_engine_utensor = {
    .name = "utensor",
    .about = "uTensor's runtime (re-arch) with model code generated as utensor-cgen writes it: "
             "RomTensor weights, RamTensor activations in two arenas, int8 symmetric conv and "
             "fully connected, float softmax",
    .available = ut_available,
    .version = ut_version,
    .generate = ut_generate,
    .workflow = "utensor-cgen convert: the model's C++ code (model class, weights, arena sizes) "
                "is generated from the trained graph; the firmware calls the model's eval()",
    .host_reference = ut_host_reference,
};
