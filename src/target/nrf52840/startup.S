/* Reset handler of the nrf52840 runtime. Written in assembly so that it touches no stack before
 * the RAM fill: every word between the end of .bss and the initial stack pointer is then
 * exactly MCB_RAM_FILL, and the host's scan finds the true peaks of stack and heap. */
#include "mcb_port.h"

    .file "startup.S" /* a fixed name in the symbol table: byte-identical builds */
    .syntax unified
    .thumb

    .section .text.Reset_Handler, "ax", %progbits
    .global Reset_Handler
    .type Reset_Handler, %function
    .thumb_func
Reset_Handler:
    /* FPU: full access for CP10 and CP11 (CPACR bits 23..20). Needed before any VFP
     * instruction: with -mfloat-abi=hard the compiler may emit them anywhere. */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb

    /* .data: copy its initial values from flash. */
    ldr r0, =__data_start__
    ldr r1, =__data_end__
    ldr r2, =__data_load__
1:  cmp r0, r1
    bhs 2f
    ldr r3, [r2], #4
    str r3, [r0], #4
    b 1b
2:
    /* .bss: zero. */
    ldr r0, =__bss_start__
    ldr r1, =__bss_end__
    movs r3, #0
3:  cmp r0, r1
    bhs 4f
    str r3, [r0], #4
    b 3b
4:
    /* Free RAM, heap and stack alike, up to the initial SP: the fill pattern. */
    ldr r0, =__bss_end__
    mov r1, sp
    ldr r3, =MCB_RAM_FILL
5:  cmp r0, r1
    bhs 6f
    str r3, [r0], #4
    b 5b
6:
    bl mcb_runtime_start
    /* mcb_runtime_start does not return; stop here if it ever does. */
7:  b 7b
    .size Reset_Handler, . - Reset_Handler
    .pool
