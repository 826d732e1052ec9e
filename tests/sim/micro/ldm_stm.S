/* Load and store multiple: 1+N.
 * expect-cycles: 22
 * expect-instructions: 5
 *   stmia r5!,{r0-r3}   5   1+4
 *   ldmdb r5!,{r0-r3}   5   1+4
 *   push {r0-r3}        5   1+4
 *   pop {r0-r3}         5   1+4
 *   ldr r0,[r5]         2   not pipelined after POP (only single loads pipeline)
 *   total 22 */
#include "micro.h"
    .data
    .p2align 2
buf:
    .word 1, 2, 3, 4, 5, 6, 7, 8
    MICRO_MAIN
    ldr r5, =buf
    BEGIN
    stmia r5!, {r0-r3}
    ldmdb r5!, {r0-r3}
    push {r0-r3}
    pop {r0-r3}
    ldr r0, [r5]
    END
