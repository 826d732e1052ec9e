/* Branches: not taken, taken to aligned and unaligned targets of both widths, BL and BX LR,
 * CBZ/CBNZ, a load to PC and TBB. Offsets from main (word-aligned) are in the comments and
 * checked against objdump.
 * expect-cycles: 33
 * expect-instructions: 16
 *   +22 cmp r0,r0          1
 *   +24 bne (not taken)    1
 *   +26 b.n to +30         2   1+P, P=1: direct branch, target speculated, 16-bit target
 *   +30 adds               1
 *   +32 b.n to +38         3   P=1+1: the target is a 32-bit instruction at a halfword address
 *   +38 add.w              1
 *   +42 b.n to +48         2   32-bit target on a word boundary: P=1
 *   +48 add.w              1
 *   +52 bl func            2   P=1
 *       func: bx lr        3   register branch, not speculated: P=2 (16-bit target at +56)
 *   +56 adds               1
 *   +58 cbz (not taken)    1
 *   +60 cbnz (taken)       2   P=1
 *   +64 ldr.w pc,[r5]      5   2 for the load + P=3 (full refill after a load to PC)
 *   +68 tbb [pc,r2]        6   3 (load + add) + P=3
 *   +74 adds               1
 *   total 33 */
#include "micro.h"
    .data
    .p2align 2
where:
    .word 5f + 1
    MICRO_MAIN
    ldr r5, =where
    movs r1, #1
    movs r2, #0
    BEGIN
    cmp r0, r0
    bne.n 9f
    b.n 1f
    nop
1:  adds r0, #1
    b.n 2f
    nop
    nop
2:  add.w r0, r0, #1
    b.n 3f
    nop
    nop
3:  add.w r0, r0, #1
    bl func
    adds r0, #1
    cbz r1, 4f
    cbnz r1, 4f
    nop
4:  ldr.w pc, [r5]
5:  tbb [pc, r2]
7:  .byte (6f - 7b) / 2
    .byte 0
6:  adds r0, #1
    END
9:  b 9b
    .type func, %function
    .thumb_func
func:
    bx lr
