/* A multi-word access at a halfword-aligned address: a Cortex-M4 takes an UNALIGNED UsageFault
 * on LDRD/STRD/LDM/STM whatever CCR.UNALIGN_TRP says. CASE picks the instruction (1 LDRD,
 * 2 STRD, 3 LDM, 4 STM, 5 LDMDB, 0 none: the same accesses aligned, which must run). */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .bss.buf, "aw", %nobits
    .balign 8
buf: .space 64
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    push {r4-r7, lr}
    ldr r0, =buf + 16
#if CASE != 0
    adds r0, #2
#endif
#if CASE == 1 || CASE == 0
    ldrd r2, r3, [r0, #8]
#endif
#if CASE == 2 || CASE == 0
    strd r2, r3, [r0], #8
#endif
#if CASE == 3 || CASE == 0
    ldm r0, {r1, r2, r3}
#endif
#if CASE == 4 || CASE == 0
    stmia r0!, {r1, r2}
#endif
#if CASE == 5 || CASE == 0
    ldmdb r0, {r4, r5}
#endif
    movs r0, #0
    pop {r4-r7, pc}
    .pool
