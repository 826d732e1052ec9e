/* Neighbour rules across a block split that is not a branch: Unicorn ends a translated block
 * at every 1 KB page boundary (and after 512 instructions), but the core's pipeline does not
 * care. main starts on a 1 KB boundary; an LDR pair and a CMP/IT pair straddle the
 * boundaries at +1024 and +2048 (the .if checks below hold the layout).
 * expect-cycles: 1011
 * expect-instructions: 1011
 *   496 x adds (+30 .. +1020)                                   496
 *   ldr r1,[r5] at +1022                                          2
 *   ldr r2,[r5,#4] at +1024, in the next block: still pipelined   1
 *   510 x adds (+1026 .. +2044)                                 510
 *   cmp r0,#0 at +2046                                            1
 *   it ne at +2048, in the next block: still folded               0
 *   movne r0,#1                                                   1
 *   total 1011 cycles, 1011 instructions */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .data
    .p2align 2
buf:
    .word 1, 2
    .section .text.main, "ax", %progbits
    .p2align 10
    .global main
    .type main, %function
    .thumb_func
main:
    push.w {r4-r11, lr}
    movw r6, #0x0000 /* MCB_MARKER_ADDR */
    movt r6, #0x2004
    mov.w r7, #0x01000000 /* inference begin */
    mov.w r8, #0x02000000 /* inference end */
    movw r5, #:lower16:buf
    movt r5, #:upper16:buf
    str.n r7, [r6]
    .rept 496
    adds.n r0, r0, #1
    .endr
1:  ldr.n r1, [r5]
2:  ldr.n r2, [r5, #4]
    .rept 510
    adds.n r0, r0, #1
    .endr
3:  cmp.n r0, #0
4:  it ne
    movne.n r0, #1
    str.w r8, [r6]
    movs r0, #0
    pop.w {r4-r11, pc}
    .if (2b - main) != 1024 || (4b - main) != 2048
    .error "page_cross.S: the layout moved"
    .endif
