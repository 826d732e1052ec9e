/* A stack overflow the per-block SP check cannot see: one block moves SP below the end of
 * .bss, pushes into .bss and puts SP back before the block ends, then the firmware exits
 * normally. Only the fill pattern left in RAM shows the stack reached the end of .bss. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    ldr r2, =mcb_heap_brk /* links the runtime's _sbrk, whose break bounds the heap */
    ldr r0, =__bss_end__
    adds r0, #12
    mov r1, sp
    mov sp, r0
    push {r4-r7}
    mov sp, r1
    movs r0, #0
    bx lr
    .pool
