/* The measurement protocol between a firmware and mcubench (the port API), C99.
 * Output and exit go through ARM semihosting (BKPT 0xAB); cycle stamps are 32-bit writes to the
 * marker page, which the simulator maps as MMIO. The page sits just past the nRF52840's 256 KB
 * of RAM, where the QEMU board mps2-an386 still has RAM, so the same ELF runs on both. */
#ifndef MCB_PORT_H
#define MCB_PORT_H

#define MCB_MARKER_ADDR 0x20040000u

/* Marker word: kind in bits 31..24, layer index in bits 23..0. */
#define MCB_MARK_INFER_BEGIN 0x01u
#define MCB_MARK_INFER_END 0x02u
#define MCB_MARK_LAYER_BEGIN 0x03u
#define MCB_MARK_LAYER_END 0x04u
#define MCB_MARK_WORD(kind, index) (((unsigned)(kind) << 24) | ((unsigned)(index) & 0xFFFFFFu))

#define MCB_MARK(kind, index)                                                                      \
    (*(volatile unsigned *)MCB_MARKER_ADDR = MCB_MARK_WORD(kind, index))

/* Semihosting operations (ARM semihosting specification) */
#define MCB_SYS_WRITEC 0x03
#define MCB_SYS_WRITE0 0x04
#define MCB_SYS_EXIT 0x18
#define MCB_SYS_EXIT_EXTENDED 0x20
#define MCB_ADP_STOPPED_APPLICATION_EXIT 0x20026

/* RAM accounting, agreed between the startup and the simulator: the reset handler fills every
 * word from the end of .bss (linker symbol __bss_end__) up to the initial stack pointer with
 * MCB_RAM_FILL before main; the simulator scans for it after the run (peak stack and heap).
 * Linker symbols the simulator reads when present: __bss_end__ (end of .bss = heap start; a
 * stack pointer below it is a stack overflow), and mcb_heap_brk (a 32-bit variable holding
 * the current program break of the _sbrk stub, for the peak heap). */
#define MCB_RAM_FILL 0xDEADBEEFu

/* More symbols of the nrf52840 runtime (src/target/nrf52840/nrf52840.ld):
 * __mcb_heap_limit (the break never passes it; = __mcb_stack_top - __mcb_stack_size, 16 KB by
 * default), __mcb_stack_top (end of RAM = initial SP). mcb_heap_brk only grows, so its final
 * value is the peak. The ELF's .data image sits in flash at its load address (p_paddr): load
 * segments there; the reset handler copies it to RAM. The reset handler writes CPACR
 * (0xE000ED88) to enable the FPU: the System Control Space must be writable.
 * Exit: SYS_EXIT_EXTENDED, r1 -> {MCB_ADP_STOPPED_APPLICATION_EXIT, code}. Faults seen by the
 * runtime (QEMU only) print "mcubench fault: ..." and exit with 128 + exception number. */

/* Build flags: the build driver records the exact compiler flags as one NUL-terminated string
 * in a non-allocated section of this name (costs no flash); mcubench run reports them. */
#define MCB_FLAGS_SECTION ".mcb.flags"

#endif
