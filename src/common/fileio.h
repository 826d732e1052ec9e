/* Whole-file reads and all-or-nothing writes (docs/reliability.md).
 * mcb_read_file: the whole file in a malloc'd buffer (one extra NUL byte, not counted), at
 * most MCB_READ_MAX bytes, so that reading /dev/zero ends with one line instead of running
 * out of memory.
 * mcb_read_file_limited: the same for inputs that must be regular files (models, firmware):
 * a device, FIFO or socket, or a file above max bytes, is refused before anything is read.
 * mcb_write_file_atomic: an existing output that is not a regular file (/dev/stdout, a FIFO,
 * /dev/null) is written in place, never replaced, and a write error there is reported; a
 * regular file (or a new one) is written to a temporary beside it that is renamed into place,
 * so a failed or interrupted write never leaves a half-written file. A symlink stays a symlink
 * (the file it points to is replaced); a replaced file keeps its mode, a new one gets
 * 0666 & ~umask. All report their errors (one line). */
#ifndef MCB_FILEIO_H
#define MCB_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#define MCB_READ_MAX ((size_t)1 << 30)

uint8_t *mcb_read_file(const char *path, size_t *size);
/* mcb_read_file with a smaller limit, any file type (e.g. an input on /dev/stdin). */
uint8_t *mcb_read_file_max(const char *path, size_t *size, size_t max);
uint8_t *mcb_read_file_limited(const char *path, size_t *size, size_t max);
int mcb_write_file_atomic(const char *path, const void *data, size_t size);
/* Before long work: whether path can be written as mcb_write_file_atomic will write it (a probe
 * temporary beside a regular or new file, write permission on a special file). 0, or -1 after
 * reporting "PATH: cannot write: why". */
int mcb_output_writable(const char *path);

/* A folder and its missing parents (mode 0777 & ~umask). 0, or -1 after "DIR: cannot create". */
int mcb_mkdir_p(const char *dir);
/* Removes a folder mcubench made, with everything in it (symlinks are removed, not followed);
 * best effort, silent. Never call it on a folder the user owns. */
void mcb_remove_tree(const char *dir);

#endif
