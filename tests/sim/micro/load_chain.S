/* Load chains: LDR pipelining, and a load whose address comes from the load before it.
 * expect-cycles: 10
 * expect-instructions: 8
 *   ldr r0,[r5]     2   first load (after the BEGIN store: a store does not pipeline loads)
 *   ldr r1,[r5,#4]  1   pipelined behind a load that does not produce its address
 *   ldr r2,[r5,#8]  1   pipelined
 *   ldr r3,[r5,#12] 1   pipelined
 *   ldr r4,[r5]     1   pipelined (r4 = address of table)
 *   ldr r9,[r4,#4]  2   its address is the previous load's result: not pipelined
 *   ldrb r10,[r5,#1] 1  pipelined (byte loads are LDRs too)
 *   ldrh r11,[r5,#2] 1  pipelined
 *   total 10 */
#include "micro.h"
    .data
    .p2align 2
table:
    .word table, 1, 2, 3
    MICRO_MAIN
    ldr r5, =table
    BEGIN
    ldr r0, [r5]
    ldr r1, [r5, #4]
    ldr r2, [r5, #8]
    ldr r3, [r5, #12]
    ldr r4, [r5]
    ldr r9, [r4, #4]
    ldrb r10, [r5, #1]
    ldrh r11, [r5, #2]
    END
