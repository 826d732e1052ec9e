/* Framework libraries: the pinned source archives (../shared/frameworks, SOURCES.tsv) verified,
 * unpacked and compiled for the target into a cache, one static library per (framework,
 * sources, flags), so that a second request builds nothing.
 *
 * Folders: the archives in $MCUBENCH_FRAMEWORKS, else MCB_FRAMEWORKS_DEFAULT (the project's
 * ../shared/frameworks); the cache in $MCUBENCH_CACHE, else MCB_FW_CACHE_DEFAULT (BUILD/fwcache):
 *     src/<archive stem>[-p<patch hash>]/   an unpacked (and patched) archive
 *     lib/<name>-<hash>.a, .flags, .lock    a library, its exact compiler flags and sources
 *     tmp/                                  work folders, renamed into place when complete
 * Every archive is checked against its pinned sha256 before it is used; unpacking and building
 * happen in temporary folders renamed into place, so a corrupt or missing archive or an
 * interrupted run never leaves a half-built entry. A lock file per library and per unpacked
 * archive (flock) lets concurrent mcubench processes share the cache. */
#ifndef MCB_FWLIB_H
#define MCB_FWLIB_H

#include "engine.h"
#include "target.h"

#include <stddef.h>

/* One pinned archive (the facts of SOURCES.tsv). */
typedef struct {
    const char *stem;   /* "tflite-micro-90b983c2": the file is stem + ".tar.gz", and its
                           top folder is stem/ */
    const char *repo;   /* "tensorflow/tflite-micro" */
    const char *commit; /* full commit */
    const char *sha256; /* of the .tar.gz */
} mcb_fw_archive;

/* The pinned archive of that stem, or NULL. */
const mcb_fw_archive *mcb_fw_archive_find(const char *stem);
const char *mcb_fw_frameworks_dir(void);
const char *mcb_fw_cache_dir(void);

/* 1 if the archive of that stem is present (and pinned); else 0 with one line in why, naming
 * the archive and the folder it was looked for in. */
int mcb_fw_available(const char *stem, char *why, size_t n);

/* An archive a library is built from, optionally patched after unpacking. */
typedef struct {
    const char *stem;
    const char *patch; /* NULL, or "OTHERSTEM/path/x.patch": a patch file inside another
                          archive of the same spec, applied with patch -p1 in this one */
} mcb_fwlib_archive;

/* A library. Paths in sources, exclude and include_dirs start with an archive's stem
 * ("cmsis-nn-4ab83cc3/Include"): the stem stands for the folder the archive was unpacked (and
 * patched) into. Sources are glob(3) patterns, expanded in sorted
 * order; exclude are fnmatch(3) patterns on the same form. Lists are NULL-terminated (NULL:
 * empty). */
typedef struct {
    const char *name;                  /* "tflm-core": the file is lib/<name>-<hash>.a */
    const mcb_fwlib_archive *archives; /* n_archives of them */
    int n_archives;
    const char *const *sources;        /* .c, .cc/.cpp, .S */
    const char *const *exclude;
    const char *const *include_dirs;
    const char *const *flags;          /* C and C++: defines, -O levels, warnings */
    const char *const *cflags;         /* C only */
    const char *const *cxxflags;       /* C++ only */
    const mcb_target *target;          /* its cflags come first */
    const mcb_engine_conditions *cond; /* NULL, or the measurement's: its opt and -fno-builtin
                                          come last, so that they decide */
} mcb_fwlib_spec;

typedef struct {
    int cached;     /* 1: the library was there already */
    int objects;    /* sources compiled (0 when cached) */
    double seconds; /* wall time of the call, including waiting for another process's lock */
} mcb_fwlib_stats;

/* The library's path into lib (n bytes; cache/lib/<name>-<hash>.a), building it first unless
 * cached. 0, or -1 after one line (missing archive, sha256 mismatch, failed unpack or patch,
 * compiler error: its messages above). st may be NULL. */
int mcb_fwlib_build(const mcb_fwlib_spec *s, char *lib, size_t n, mcb_fwlib_stats *st);

/* "STEM/rest" of an archive of s -> the absolute path in the cache (the archive is verified
 * and unpacked if needed); other paths are copied. 0, or -1 after one line. */
int mcb_fwlib_path(const mcb_fwlib_spec *s, const char *path, char *out, size_t n);

#endif
