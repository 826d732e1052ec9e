/* The second opinion: runs a firmware ELF on QEMU (qemu-system-arm, machine t->qemu_machine)
 * with semihosting, and returns what the firmware printed and its exit code. */
#ifndef MCB_QEMU_H
#define MCB_QEMU_H

#include "target.h"

/* Returns 0 when the firmware exited: *out (malloc'd, NUL-terminated, caller frees) holds its
 * console output, *exit_code its code (QEMU keeps the low 8 bits: exit(-1) reads 255).
 * Returns -1 after one line on error (no qemu_machine in the target, qemu-system-arm missing,
 * QEMU failing to start the ELF), -2 after one line when the run took longer than timeout_s
 * seconds wall time (QEMU is killed). *out is NULL unless 0 is returned.
 * The program is qemu-system-arm from PATH, or $MCUBENCH_QEMU. */
int mcb_qemu_run(const mcb_target *t, const char *elf, double timeout_s, char **out,
                 int *exit_code);

#endif
