/* ALU and multiply chains, IT folding.
 * expect-cycles: 19
 * expect-instructions: 20
 *   8 x adds (16-bit), each 1 cycle                    8
 *   mul, eor, lsls, add.w with shift, usat, ubfx: 1 each  6   (MUL is 1 on the M4)
 *   cmp (16-bit) 1; it eq folded onto it 0; moveq 1        2
 *   add.w (32-bit) 1; it ne after a 32-bit insn 1; movne 1 3
 *   total 19 cycles; 20 instructions (each IT is one)  */
#include "micro.h"
    MICRO_MAIN
    movs r0, #0
    BEGIN
    adds r0, r0, #1
    adds r0, r0, #1
    adds r0, r0, #1
    adds r0, r0, #1
    adds r0, r0, #1
    adds r0, r0, #1
    adds r0, r0, #1
    adds r0, r0, #1
    mul r1, r0, r0
    eor r2, r1, r0
    lsls r3, r2, #3
    add.w r4, r3, r2, lsl #2
    usat r5, #8, r4
    ubfx r9, r4, #3, #5
    cmp r0, #8
    it eq
    moveq r0, #1
    add.w r0, r0, #0
    it ne
    movne r1, #2
    END
