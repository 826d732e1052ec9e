/* Branches to an even address: a Cortex-M4 would take an INVSTATE UsageFault. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    ldr r0, =main
    bics r0, r0, #1
    bx r0
    .pool
