/* A loop whose body is 3 KB of straight-line code, run 10 times: larger than a 2 KB cache, so
 * with LRU every line misses on every pass; inside a 4 KB cache only the first pass misses. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    movs r0, #10
    movs r1, #0
    .balign 16
1:
    .rept 1536
    adds r1, #1
    .endr
    subs r0, #1
    bne 1b
    movs r0, #0
    bx lr
