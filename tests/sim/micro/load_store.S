/* Load-store pairs: STR with an immediate offset, STR with a register offset, LDRD/STRD.
 * expect-cycles: 19
 * expect-instructions: 10
 *   ldr r0,[r5]        2
 *   str r0,[r5,#16]    1   immediate offset: 1 (write buffer), whatever precedes it
 *   ldr r1,[r5,#4]     2   after a store: not pipelined
 *   str r1,[r5,r2]     1   register offset 2, pipelined behind the LDR: 1
 *   ldr r3,[r5,#8]     2   nothing pipelines after a register-offset STR
 *   str r3,[r5,#24]    1
 *   str r3,[r5,r2]     2   register offset, not after a load: 2
 *   ldrd r0,r1,[r5]    3   1+N with N=2, never pipelined
 *   ldr r3,[r5]        2   not pipelined after LDRD
 *   strd r0,r1,[r5,#16] 3  not pipelined after LDR
 *   total 19 */
#include "micro.h"
    .data
    .p2align 3
buf:
    .word 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    MICRO_MAIN
    ldr r5, =buf
    movs r2, #20
    BEGIN
    ldr r0, [r5]
    str r0, [r5, #16]
    ldr r1, [r5, #4]
    str r1, [r5, r2]
    ldr r3, [r5, #8]
    str r3, [r5, #24]
    str r3, [r5, r2]
    ldrd r0, r1, [r5]
    ldr r3, [r5]
    strd r0, r1, [r5, #16]
    END
