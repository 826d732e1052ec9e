/* Unit checks of the cycle model on hand-assembled Thumb blocks (no firmware needed). */
#include "cycles.h"
#include "../test.h"

#include <stdint.h>
#include <string.h>

static mcb_cm_block decode(mcb_cm *m, uint32_t addr, const uint16_t *hw, int n)
{
    uint8_t code[64];
    for (int i = 0; i < n; i++) {
        code[2 * i] = (uint8_t)(hw[i] & 0xFF);
        code[2 * i + 1] = (uint8_t)(hw[i] >> 8);
    }
    mcb_cm_block b;
    memset(&b, 0, sizeof b);
    CHECK(mcb_cm_decode(m, addr, code, (uint32_t)(2 * n), &b) == 0);
    return b;
}

#define BLOCK(m, addr, ...)                                                                        \
    decode(m, addr, (const uint16_t[]){__VA_ARGS__},                                              \
           (int)(sizeof((const uint16_t[]){__VA_ARGS__}) / sizeof(uint16_t)))

int main(void)
{
    mcb_cm *m = mcb_cm_new(0, 0x100000, 0, 0);
    CHECK(m != NULL);
    if (!m)
        return TEST_END();

    /* ldr r0,[r1]; ldr r2,[r1,#4]: the second pipelines */
    mcb_cm_block b = BLOCK(m, 0x100, 0x6808, 0x684A);
    CHECK_EQ_INT(b.cycles, 3);
    CHECK_EQ_INT(b.ninsn, 2);
    CHECK_EQ_INT(b.branch, MCB_BR_NONE);
    mcb_cm_block_release(&b);
    /* ldr r0,[r1]; ldr r2,[r0]: address from the load: no pipelining */
    b = BLOCK(m, 0x100, 0x6808, 0x6802);
    CHECK_EQ_INT(b.cycles, 4);
    mcb_cm_block_release(&b);
    /* adds r1,#4; ldr r0,[r1]: address written just before: stall */
    b = BLOCK(m, 0x100, 0x3104, 0x6808);
    CHECK_EQ_INT(b.cycles, 4);
    mcb_cm_block_release(&b);
    /* cmp r0,#8; it eq; moveq r0,#1: IT folded */
    b = BLOCK(m, 0x100, 0x2808, 0xBF08, 0x2001);
    CHECK_EQ_INT(b.cycles, 2);
    CHECK_EQ_INT(b.ninsn, 3);
    mcb_cm_block_release(&b);
    /* subs r1,#1; bne: conditional, P=1 */
    b = BLOCK(m, 0x100, 0x3901, 0xD1FC);
    CHECK_EQ_INT(b.cycles, 2);
    CHECK_EQ_INT(b.branch, MCB_BR_COND);
    CHECK_EQ_INT(b.refill, 1);
    /* taken vs fall-through */
    mcb_cm_block next = BLOCK(m, 0x104, 0x2000);
    CHECK_EQ_INT(mcb_cm_taken_penalty(&b, &next), 0);
    mcb_cm_block_release(&next);
    next = BLOCK(m, 0xFC, 0x2000);
    CHECK_EQ_INT(mcb_cm_taken_penalty(&b, &next), 1);
    mcb_cm_block_release(&next);
    /* a 32-bit instruction at a halfword address as target: one more */
    next = BLOCK(m, 0xFE, 0xFB22, 0x0003); /* smlad r0,r2,r3,r0 */
    CHECK_EQ_INT(next.unaligned32, 1);
    CHECK_EQ_INT(mcb_cm_taken_penalty(&b, &next), 2);
    mcb_cm_block_release(&next);
    mcb_cm_block_release(&b);
    /* a split without a branch keeps the neighbour rules: ldr | ldr pipelines, 16-bit | it folds */
    b = BLOCK(m, 0x100, 0x6808);         /* ldr r0,[r1] */
    next = BLOCK(m, 0x102, 0x684A);      /* ldr r2,[r1,#4] */
    CHECK_EQ_INT(mcb_cm_fall_adjust(&b, &next), -1);
    mcb_cm_block_release(&next);
    next = BLOCK(m, 0x102, 0x6802);      /* ldr r2,[r0]: address from the load */
    CHECK_EQ_INT(mcb_cm_fall_adjust(&b, &next), 0);
    mcb_cm_block_release(&next);
    next = BLOCK(m, 0x104, 0x684A);      /* not the fall-through */
    CHECK_EQ_INT(mcb_cm_fall_adjust(&b, &next), 0);
    mcb_cm_block_release(&next);
    mcb_cm_block_release(&b);
    b = BLOCK(m, 0x100, 0x2808);         /* cmp r0,#8 */
    next = BLOCK(m, 0x102, 0xBF08, 0x2001); /* it eq; moveq r0,#1 */
    CHECK_EQ_INT(next.cycles, 2);
    CHECK_EQ_INT(mcb_cm_fall_adjust(&b, &next), -1);
    mcb_cm_block_release(&next);
    mcb_cm_block_release(&b);
    b = BLOCK(m, 0x100, 0x3104);         /* adds r1,#4 */
    next = BLOCK(m, 0x102, 0x6808);      /* ldr r0,[r1]: stall */
    CHECK_EQ_INT(mcb_cm_fall_adjust(&b, &next), 1);
    mcb_cm_block_release(&next);
    mcb_cm_block_release(&b);

    /* bx lr: register branch P=2, always taken */
    b = BLOCK(m, 0x100, 0x4770);
    CHECK_EQ_INT(b.branch, MCB_BR_ALWAYS);
    CHECK_EQ_INT(b.refill, 2);
    next = BLOCK(m, 0x102, 0x2000);
    CHECK_EQ_INT(mcb_cm_taken_penalty(&b, &next), 2);
    mcb_cm_block_release(&next);
    mcb_cm_block_release(&b);
    /* pop {r4,pc}: 1+N, then a full refill; writes SP */
    b = BLOCK(m, 0x100, 0xBD10);
    CHECK_EQ_INT(b.cycles, 3);
    CHECK_EQ_INT(b.refill, 3);
    CHECK_EQ_INT(b.writes_sp, 1);
    mcb_cm_block_release(&b);
    /* str r0,[r1,#0] is recorded with its operands for markers */
    b = BLOCK(m, 0x100, 0x2000, 0x6008);
    CHECK_EQ_INT(b.nstores, 1);
    CHECK(b.nstores == 1 && b.stores[0].is_store && b.stores[0].rn == 1 && b.stores[0].rt == 0 &&
          b.stores[0].cyc_before == 1 && b.stores[0].cyc_after == 2 && b.stores[0].index == 1);
    mcb_cm_block_release(&b);
    /* sdiv r0,r1,r2: no static cost, a division site */
    b = BLOCK(m, 0x100, 0xFB91, 0xF0F2);
    CHECK_EQ_INT(b.cycles, 0);
    CHECK_EQ_INT(b.ndivs, 1);
    CHECK(b.ndivs == 1 && b.divs[0].is_signed && b.divs[0].rn == 1 && b.divs[0].rm == 2);
    mcb_cm_block_release(&b);
    mcb_cm_div dv;
    CHECK(mcb_cm_is_div((const uint8_t[]){0xB1, 0xFB, 0xF2, 0xF0}, 0x200, &dv) == 1); /* udiv */
    CHECK(!dv.is_signed && dv.pc == 0x200);
    CHECK(mcb_cm_is_div((const uint8_t[]){0x08, 0x68, 0x4A, 0x68}, 0x200, &dv) == 0);

    CHECK_EQ_INT(mcb_cm_div_cycles(0, 7, 3), 3);
    CHECK_EQ_INT(mcb_cm_div_cycles(0, 0x7fffffff, 1), 12);
    CHECK_EQ_INT(mcb_cm_div_cycles(1, (uint32_t)-1000, 10), 5);
    CHECK_EQ_INT(mcb_cm_div_cycles(0, 5, 0), 2);
    CHECK_EQ_INT(mcb_cm_div_cycles(1, 3, 7), 2);
    CHECK_EQ_INT(mcb_cm_div_cycles(1, 0x80000000u, 0xFFFFFFFFu), 12);
    for (uint32_t n = 1; n < 5000; n += 37)
        for (uint32_t d = 1; d < 300; d += 7) {
            uint32_t c = mcb_cm_div_cycles(0, n * 7919u, d);
            CHECK(c >= 2 && c <= 12);
        }
    mcb_cm_free(m);

    /* flash wait states: uncached, every fetched word pays them and so does a branch target */
    m = mcb_cm_new(0, 0x100000, 2, 0);
    b = BLOCK(m, 0x100, 0x2000, 0x2001, 0x2002); /* 3 x movs: 6 bytes, 2 words */
    CHECK_EQ_INT(b.cycles, 3 + 2 * 2);
    CHECK_EQ_INT(b.entry_ws, 2);
    CHECK_EQ_INT(b.first_exec_cycles, 0);
    mcb_cm_block_release(&b);
    b = BLOCK(m, 0x20000000, 0x2000, 0x2001); /* RAM: no wait states */
    CHECK_EQ_INT(b.cycles, 2);
    mcb_cm_block_release(&b);
    mcb_cm_free(m);
    /* cached: only the first execution misses */
    m = mcb_cm_new(0, 0x100000, 3, 1);
    b = BLOCK(m, 0x100, 0x2000, 0x2001, 0x2002);
    CHECK_EQ_INT(b.cycles, 3);
    CHECK_EQ_INT(b.first_exec_cycles, 2 * 3);
    CHECK_EQ_INT(b.entry_ws, 0);
    mcb_cm_block_release(&b);
    mcb_cm_free(m);
    return TEST_END();
}
