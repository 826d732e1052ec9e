/* SDIV/UDIV with small and large operands: 2 + ceil(q/3) cycles for q = clz(|divisor|) -
 * clz(|dividend|) + 1 quotient bits, at most 12; 2 when |dividend| < |divisor| or the
 * divisor is 0 (docs/cycle-model.md: the M4 manual gives only the 2..12 range).
 * expect-cycles: 24
 * expect-instructions: 5
 *   udiv r0,r1,r2   7/3: q = 30-29+1 = 2          -> 2+1  = 3
 *   udiv r0,r3,r4   0x7fffffff/1: q = 31-1+1 = 31 -> 2+11 = 13, capped 12
 *   sdiv r0,r2,r1   3/7: dividend < divisor       -> 2
 *   sdiv r0,r9,r10  -1000/10: q = 28-22+1 = 7     -> 2+3  = 5
 *   udiv r0,r1,r11  7/0                           -> 2
 *   total 24 */
#include "micro.h"
    MICRO_MAIN
    movs r1, #7
    movs r2, #3
    ldr r3, =0x7fffffff
    movs r4, #1
    ldr r9, =-1000
    movs r10, #10
    movs r11, #0
    BEGIN
    udiv r0, r1, r2
    udiv r0, r3, r4
    sdiv r0, r2, r1
    sdiv r0, r9, r10
    udiv r0, r1, r11
    END
