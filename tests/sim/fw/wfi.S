/* Waits for an interrupt that never comes: the simulated system has none. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    wfi
1:  b 1b
