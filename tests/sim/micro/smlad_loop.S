/* SMLAD loops: a load-and-MAC loop with a 16-bit loop head, then tight SMLAD loops whose
 * head is a 32-bit instruction on a halfword boundary (taken branch 1+2) and on a word
 * boundary (1+1). Addresses (main is word-aligned): loop 1 at +22, loop 2 head at +42
 * (unaligned), loop 3 head at +52 (aligned); checked against objdump.
 * expect-cycles: 124
 * expect-instructions: 93
 *   loop 1, 10 iterations: ldr 2, ldr 1 (pipelined), smlad 1, smlad 1, subs 1, bne 1 = 7;
 *     9 taken branches to a 16-bit head: +1 each                          70 + 9  = 79
 *   loop 2: movs 1, movs 1; 5 x (smlad 1, subs 1, bne 1);
 *     4 taken branches to an unaligned 32-bit head: +2 each           2 + 15 + 8  = 25
 *   loop 3: movs 1; 5 x 3; 4 taken branches to an aligned 32-bit head: +1 each
 *                                                                      1 + 15 + 4  = 20
 *   total 124; instructions 60 + 17 + 16 = 93 */
#include "micro.h"
    .data
    .p2align 2
buf:
    .word 0x00030002, 0x00050004
    MICRO_MAIN
    ldr r5, =buf
    movs r1, #10
    movs r0, #0
    BEGIN
1:  ldr r2, [r5]
    ldr r3, [r5, #4]
    smlad r0, r2, r3, r0
    smlad r0, r2, r3, r0
    subs r1, r1, #1
    bne 1b
    movs r1, #5
    movs r4, #0
2:  smlad r0, r2, r3, r0
    subs r1, r1, #1
    bne 2b
    movs r1, #5
3:  smlad r0, r2, r3, r0
    subs r1, r1, #1
    bne 3b
    END
