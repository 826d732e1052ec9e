/* Shared frame of the micro-benchmarks: main() saves registers, loads the two marker words
 * and the marker address, then BEGIN and END bracket exactly the instructions under test.
 * The region the simulator reports is everything strictly between the two marker stores,
 * so the expected cycle count in each file is the sum over the kernel alone.
 * Registers r6 (marker address), r7 (begin word) and r8 (end word) are reserved. */
/* values of mcb_port.h (its C casts do not assemble) */

    .syntax unified
    .cpu cortex-m4
    .fpu fpv4-sp-d16
    .thumb

    .macro MICRO_MAIN
    .section .text.main, "ax", %progbits
    .p2align 2
    .global main
    .type main, %function
    .thumb_func
main:
    push {r4-r11, lr}
    ldr r6, =0x20040000 /* MCB_MARKER_ADDR */
    ldr r7, =0x01000000 /* MCB_MARK_WORD(MCB_MARK_INFER_BEGIN, 0) */
    ldr r8, =0x02000000 /* MCB_MARK_WORD(MCB_MARK_INFER_END, 0) */
    .endm

    .macro BEGIN
    str r7, [r6]
    .endm

    .macro END
    str.w r8, [r6]
    movs r0, #0
    pop {r4-r11, pc}
    .pool
    .endm
