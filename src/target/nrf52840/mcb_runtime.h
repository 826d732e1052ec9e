/* Firmware side of the port API (C99, runs on the target): semihosting console and exit.
 * Output: mcb_write0 (a NUL-terminated string, SYS_WRITE0) and mcb_writec (one byte,
 * SYS_WRITEC); printf/puts from newlib-nano also work (their _write uses SYS_WRITE0).
 * mcb_exit(code) ends the run with SYS_EXIT_EXTENDED {ADP_Stopped_ApplicationExit, code},
 * which QEMU turns into its own exit status and the simulator reports as exit_code.
 * Markers: MCB_MARK(kind, index) from mcb_port.h. */
#ifndef MCB_RUNTIME_H
#define MCB_RUNTIME_H

#include "mcb_port.h"

/* Exit code of a firmware stopped by a CPU exception (QEMU only; the simulator catches faults
 * itself): MCB_EXIT_FAULT_BASE + the exception number (3 HardFault, 11 SVCall, ...). */
#define MCB_EXIT_FAULT_BASE 128

/* One semihosting call: op in r0, arg in r1, result in r0. */
static inline int mcb_semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static inline void mcb_write0(const char *s)
{
    mcb_semihost(MCB_SYS_WRITE0, s);
}

static inline void mcb_writec(char c)
{
    mcb_semihost(MCB_SYS_WRITEC, &c);
}

void mcb_exit(int code) __attribute__((noreturn));

/* Writes v as 0x%08x (no printf: usable from fault handlers). */
void mcb_write_hex(unsigned v);
/* Writes v in decimal. */
void mcb_write_dec(int v);

#endif
