/* VFP (FPv4-SP) timings, including one extra cycle when the next instruction consumes the
 * result of a VFP data-processing instruction.
 * expect-cycles: 60
 * expect-instructions: 16
 *   vadd.f32 s0,s1,s2        1
 *   vmul.f32 s3,s4,s5        1
 *   vadd.f32 s6,s3,s1        2   1 + 1: reads s3, written by the VMUL just before
 *   vmla.f32 s7,s1,s2        3
 *   vmla.f32 s7,s1,s2        4   3 + 1: accumulates into s7 of the VMLA just before
 *   vdiv.f32 s8,s1,s2       14
 *   vsqrt.f32 s9,s8         14   (14-cycle operations already include their latency)
 *   vldr s10,[r5]            2
 *   vstr s10,[r5,#4]         2
 *   vmov r0,s0               1
 *   vmov s11,r0              1
 *   vmov s12,s13,r0,r1       2   two core registers to two singles
 *   vpush {s16-s19}          5   1+N
 *   vpop {s16-s19}           5   1+N
 *   vcvt.s32.f32 s14,s0      1
 *   vmov r1,s14              2   1 + 1: reads the VCVT result
 *   total 60 */
#include "micro.h"
    .data
    .p2align 2
buf:
    .float 1.5, 2.5, 3.5, 4.5
    MICRO_MAIN
    ldr r5, =buf
    vldr s1, [r5]
    vldr s2, [r5, #4]
    BEGIN
    vadd.f32 s0, s1, s2
    vmul.f32 s3, s4, s5
    vadd.f32 s6, s3, s1
    vmla.f32 s7, s1, s2
    vmla.f32 s7, s1, s2
    vdiv.f32 s8, s1, s2
    vsqrt.f32 s9, s8
    vldr s10, [r5]
    vstr s10, [r5, #4]
    vmov r0, s0
    vmov s11, r0
    vmov s12, s13, r0, r1
    vpush {s16-s19}
    vpop {s16-s19}
    vcvt.s32.f32 s14, s0
    vmov r1, s14
    END
