/* Whole-file reads and all-or-nothing writes.
 * mcb_read_file: the whole file in a malloc'd buffer (one extra NUL byte, not counted).
 * mcb_write_file_atomic: writes to a temporary beside the target and renames it into place,
 * so a failed or interrupted write never leaves a half-written file. Both report errors. */
#ifndef MCB_FILEIO_H
#define MCB_FILEIO_H

#include <stddef.h>
#include <stdint.h>

uint8_t *mcb_read_file(const char *path, size_t *size);
int mcb_write_file_atomic(const char *path, const void *data, size_t size);

#endif
