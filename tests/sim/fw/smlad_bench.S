/* A tight SIMD loop for bench/sim: two loads and four SMLADs per iteration, 10 million
 * iterations (80 million instructions) between the inference markers. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .data
    .p2align 2
buf:
    .word 0x00030002, 0x00050004
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    push {r4-r7, lr}
    ldr r6, =0x20040000 /* MCB_MARKER_ADDR */
    ldr r7, =0x01000000 /* inference begin */
    str r7, [r6]
    ldr r5, =buf
    ldr r1, =10000000
    movs r0, #0
1:  ldr r2, [r5]
    ldr r3, [r5, #4]
    smlad r0, r2, r3, r0
    smlad r0, r2, r3, r0
    smlad r0, r2, r3, r0
    smlad r0, r2, r3, r0
    subs r1, r1, #1
    bne 1b
    ldr r7, =0x02000000 /* inference end */
    str r7, [r6]
    movs r0, #0
    pop {r4-r7, pc}
    .pool
