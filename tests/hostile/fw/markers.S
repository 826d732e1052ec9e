/* COUNT layer-begin marker stores with distinct indices and no end marker: unpaired markers,
 * which must cost the host linear time. */
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .text.main, "ax", %progbits
    .global main
    .type main, %function
    .thumb_func
main:
    ldr r0, =0x20040000   /* MCB_MARKER_ADDR */
    ldr r1, =0x03000000   /* MCB_MARK_WORD(MCB_MARK_LAYER_BEGIN, 0) */
    ldr r2, =COUNT
1:  str r1, [r0]
    adds r1, #1
    subs r2, #1
    bne 1b
    movs r0, #0
    bx lr
    .pool
