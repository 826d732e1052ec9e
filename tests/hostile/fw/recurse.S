/* Recursion without end that touches no data: with the stack placed low in RAM (the test sets
 * the initial SP below the end of .bss, as some linker scripts do) it runs off the bottom of
 * RAM. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    push {r4-r7, lr}
    bl main
    pop {r4-r7, pc}
