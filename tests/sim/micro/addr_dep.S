/* Address dependencies: a load or store whose address register (base or index) was written by
 * the data-processing instruction just before it stalls one cycle.
 * expect-cycles: 18
 * expect-instructions: 10
 *   adds r4,r5,#0      1
 *   ldr r0,[r4]        3   2 + 1 stall (base written just before)
 *   adds r4,#4         1
 *   ldr r1,[r4]        3   2 + 1
 *   mov r3,r5          1
 *   str r0,[r3,#16]    2   1 + 1
 *   adds r2,#0         1
 *   str r1,[r5,r2]     3   2 + 1 (index written just before)
 *   adds r0,#1         1
 *   ldr r1,[r5]        2   r5 not written by the instruction before: no stall
 *   total 18 */
#include "micro.h"
    .data
    .p2align 2
buf:
    .word 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    MICRO_MAIN
    ldr r5, =buf
    movs r2, #20
    BEGIN
    adds r4, r5, #0
    ldr r0, [r4]
    adds r4, #4
    ldr r1, [r4]
    mov r3, r5
    str r0, [r3, #16]
    adds r2, #0
    str r1, [r5, r2]
    adds r0, #1
    ldr r1, [r5]
    END
