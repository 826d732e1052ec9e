/* Cortex-M4 timing rules; each rule is stated with its source in docs/cycle-model.md. */
#include "cycles.h"

#include "err.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mcb_cm {
    csh cs;
    uint32_t flash_base, flash_size;
    int flash_ws, icache;
};

/* Instruction classes that the rules tell apart */
enum {
    K_ALU,       /* data processing, multiply, MAC, SIMD, bitfield, moves: 1 */
    K_LOAD,      /* LDR/LDRB/LDRH/LDRSB/LDRSH/LDREX*: 2, pipelines after a load */
    K_STORE_IMM, /* STR* with an immediate offset: 1 (write buffer) */
    K_STORE_REG, /* STR* with a register offset, STREX: 2, pipelines after a load */
    K_LDRD,      /* LDRD/STRD: 1+N with N=2, never pipelined */
    K_MULTI,     /* LDM/STM/PUSH/POP: 1+N */
    K_BRANCH,    /* B, BL, BX, BLX, CBZ, CBNZ: 1 (+P when taken) */
    K_TABLE,     /* TBB/TBH */
    K_IT,
    K_DIV,       /* SDIV/UDIV: all of the cost comes from the code hook */
    K_VFP1,      /* VFP data processing with a 1-cycle issue */
    K_VFP3,      /* VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS: 3 */
    K_VFP14,     /* VDIV/VSQRT: 14 */
    K_VMEM,      /* VLDR/VSTR: 2 (single), 3 (double) */
    K_VMULTI,    /* VLDM/VSTM/VPUSH/VPOP: 1+N words */
    K_VMOV2,     /* VMOV between two core registers and two singles or a double: 2 */
    K_BARRIER,   /* DMB/DSB: 1 (B = 0 without outstanding transfers); ISB: 1+P */
};

#define BIT_SP (1ull << 13)
#define BIT_PC (1ull << 15)

/* Capstone register -> bit: r0..r15 in bits 0..15, s0..s31 in bits 16..47 */
static uint64_t reg_bits(unsigned r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return 1ull << (r - ARM_REG_R0);
    if (r == ARM_REG_SP)
        return BIT_SP;
    if (r == ARM_REG_LR)
        return 1ull << 14;
    if (r == ARM_REG_PC)
        return BIT_PC;
    if (r >= ARM_REG_S0 && r <= ARM_REG_S31)
        return 1ull << (16 + r - ARM_REG_S0);
    if (r >= ARM_REG_D0 && r <= ARM_REG_D15)
        return 3ull << (16 + 2 * (r - ARM_REG_D0));
    return 0;
}

static int reg_num(unsigned r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return (int)(r - ARM_REG_R0);
    if (r == ARM_REG_SP)
        return 13;
    if (r == ARM_REG_LR)
        return 14;
    if (r == ARM_REG_PC)
        return 15;
    return -1;
}

typedef struct {
    int kind;
    uint32_t base;     /* cycles before the neighbour rules */
    uint64_t rd, wr;   /* registers read and written */
    uint64_t addr;     /* registers forming a memory address */
    int branch;        /* MCB_BR_* if it may leave the block */
    int refill;        /* P when taken */
    const cs_arm_op *mem;
    int post;          /* post-indexed (an operand follows the memory operand) */
} insn_info;

static int is_vfp_reg_list_double(const cs_insn *in)
{
    const cs_arm *a = &in->detail->arm;
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG && a->operands[i].reg >= ARM_REG_D0 &&
            a->operands[i].reg <= ARM_REG_D31)
            return 1;
    return 0;
}

static void classify(csh cs, const cs_insn *in, insn_info *ii)
{
    const cs_arm *a = &in->detail->arm;
    memset(ii, 0, sizeof *ii);
    ii->kind = K_ALU;
    ii->base = 1;

    cs_regs rr, rw;
    uint8_t nr = 0, nw = 0;
    if (cs_regs_access(cs, in, rr, &nr, rw, &nw) == CS_ERR_OK) {
        for (int i = 0; i < nr; i++)
            ii->rd |= reg_bits(rr[i]);
        for (int i = 0; i < nw; i++)
            ii->wr |= reg_bits(rw[i]);
    }
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_MEM) {
            ii->mem = &a->operands[i];
            ii->addr = reg_bits(ii->mem->mem.base) | reg_bits(ii->mem->mem.index);
            ii->post = i + 1 < a->op_count;
            break;
        }
    int cond = a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID;
    int nregs = 0;
    for (int i = 0; i < a->op_count; i++)
        nregs += a->operands[i].type == ARM_OP_REG;

    switch (in->id) {
    case ARM_INS_LDR: case ARM_INS_LDRB: case ARM_INS_LDRH: case ARM_INS_LDRSB:
    case ARM_INS_LDRSH: case ARM_INS_LDRT: case ARM_INS_LDRBT: case ARM_INS_LDRHT:
    case ARM_INS_LDRSBT: case ARM_INS_LDRSHT: case ARM_INS_LDREX: case ARM_INS_LDREXB:
    case ARM_INS_LDREXH:
        ii->kind = K_LOAD;
        ii->base = 2;
        if (ii->wr & BIT_PC) { /* load to PC: a blocking load, then a full refill */
            ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
            ii->refill = 3;
        }
        break;
    case ARM_INS_STR: case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_STRT:
    case ARM_INS_STRBT: case ARM_INS_STRHT:
        if (ii->mem && ii->mem->mem.index != ARM_REG_INVALID && !ii->post) {
            ii->kind = K_STORE_REG;
            ii->base = 2;
        } else {
            ii->kind = K_STORE_IMM;
            ii->base = 1;
        }
        /* the stored register is data, not a read that matters to the rules below */
        break;
    case ARM_INS_STREX: case ARM_INS_STREXB: case ARM_INS_STREXH:
        ii->kind = K_STORE_REG;
        ii->base = 2;
        break;
    case ARM_INS_LDRD: case ARM_INS_STRD: case ARM_INS_LDREXD: case ARM_INS_STREXD:
        ii->kind = K_LDRD;
        ii->base = 3;
        break;
    case ARM_INS_LDM: case ARM_INS_LDMDB: case ARM_INS_STM: case ARM_INS_STMDB:
    case ARM_INS_PUSH: case ARM_INS_POP: {
        int n = nregs;
        if (in->id == ARM_INS_LDM || in->id == ARM_INS_LDMDB || in->id == ARM_INS_STM ||
            in->id == ARM_INS_STMDB) {
            n--; /* the base register */
            ii->addr = a->op_count ? reg_bits((unsigned)a->operands[0].reg) : 0;
        } else {
            ii->addr = BIT_SP;
            ii->rd |= BIT_SP;
            ii->wr |= BIT_SP;
        }
        ii->kind = K_MULTI;
        ii->base = 1 + (uint32_t)(n > 0 ? n : 1);
        if ((in->id == ARM_INS_POP || in->id == ARM_INS_LDM || in->id == ARM_INS_LDMDB) &&
            (ii->wr & BIT_PC)) {
            ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
            ii->refill = 3;
        }
        break;
    }
    case ARM_INS_B:
        ii->kind = K_BRANCH;
        ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
        ii->refill = 1; /* target known at decode: speculated */
        break;
    case ARM_INS_BL:
        ii->kind = K_BRANCH;
        ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
        ii->refill = 1;
        break;
    case ARM_INS_CBZ: case ARM_INS_CBNZ:
        ii->kind = K_BRANCH;
        ii->branch = MCB_BR_COND;
        ii->refill = 1;
        break;
    case ARM_INS_BX: case ARM_INS_BLX:
        ii->kind = K_BRANCH;
        ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
        ii->refill = (a->op_count && a->operands[0].type == ARM_OP_REG) ? 2 : 1;
        break;
    case ARM_INS_TBB: case ARM_INS_TBH:
        ii->kind = K_TABLE;
        ii->base = 3; /* two for the load, one for the add */
        ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
        ii->refill = 3;
        break;
    case ARM_INS_IT:
        ii->kind = K_IT;
        break;
    case ARM_INS_SDIV: case ARM_INS_UDIV:
        ii->kind = K_DIV;
        ii->base = 0;
        break;
    case ARM_INS_VMLA: case ARM_INS_VMLS: case ARM_INS_VNMLA: case ARM_INS_VNMLS:
    case ARM_INS_VFMA: case ARM_INS_VFMS: case ARM_INS_VFNMA: case ARM_INS_VFNMS:
        ii->kind = K_VFP3;
        ii->base = 3;
        break;
    case ARM_INS_VDIV: case ARM_INS_VSQRT:
        ii->kind = K_VFP14;
        ii->base = 14;
        break;
    case ARM_INS_VADD: case ARM_INS_VSUB: case ARM_INS_VMUL: case ARM_INS_VNMUL:
    case ARM_INS_VABS: case ARM_INS_VNEG: case ARM_INS_VCVT: case ARM_INS_VCVTR:
    case ARM_INS_VCVTA: case ARM_INS_VCVTB: case ARM_INS_VCVTT: case ARM_INS_VCVTM:
    case ARM_INS_VCVTN: case ARM_INS_VCVTP:
        ii->kind = K_VFP1;
        break;
    case ARM_INS_VLDR: case ARM_INS_VSTR:
        ii->kind = K_VMEM;
        ii->base = is_vfp_reg_list_double(in) ? 3 : 2;
        break;
    case ARM_INS_VLDMIA: case ARM_INS_VLDMDB: case ARM_INS_VSTMIA: case ARM_INS_VSTMDB:
    case ARM_INS_VPUSH: case ARM_INS_VPOP: {
        int words = 0;
        for (int i = 0; i < a->op_count; i++) {
            const cs_arm_op *o = &a->operands[i];
            if (o->type != ARM_OP_REG)
                continue;
            if (o->reg >= ARM_REG_S0 && o->reg <= ARM_REG_S31)
                words += 1;
            else if (o->reg >= ARM_REG_D0 && o->reg <= ARM_REG_D31)
                words += 2;
        }
        if (in->id == ARM_INS_VPUSH || in->id == ARM_INS_VPOP) {
            ii->addr = BIT_SP;
            ii->rd |= BIT_SP;
            ii->wr |= BIT_SP;
        } else if (a->op_count) {
            ii->addr = reg_bits((unsigned)a->operands[0].reg);
        }
        ii->kind = K_VMULTI;
        ii->base = 1 + (uint32_t)words;
        break;
    }
    case ARM_INS_VMOV:
        /* core<->VFP pair forms have four register operands, or a double and two cores */
        if (nregs >= 3)
            ii->kind = K_VMOV2, ii->base = 2;
        break;
    case ARM_INS_DMB: case ARM_INS_DSB:
        ii->kind = K_BARRIER;
        break;
    case ARM_INS_ISB:
        ii->kind = K_BARRIER;
        ii->base = 1 + 2;
        break;
    default:
        break;
    }
    /* any other write to PC (MOV PC, ADD PC, ...) is an indirect branch */
    if (!ii->branch && (ii->wr & BIT_PC) && ii->kind != K_BRANCH) {
        ii->branch = cond ? MCB_BR_COND : MCB_BR_ALWAYS;
        ii->refill = 2;
    }
}

static int is_mem(int kind)
{
    return kind == K_LOAD || kind == K_STORE_IMM || kind == K_STORE_REG || kind == K_LDRD ||
           kind == K_MULTI || kind == K_TABLE || kind == K_VMEM || kind == K_VMULTI;
}

/* Cost of ii after prev (NULL: first of a block): the rules between neighbours. */
static uint32_t neighbour_cost(const insn_info *prev, int prev16, const insn_info *ii)
{
    uint32_t c = ii->base;
    if (prev) {
        int prev_load = prev->kind == K_LOAD && !(prev->wr & BIT_PC);
        int prev_dp = !is_mem(prev->kind) && prev->kind != K_BRANCH && prev->kind != K_IT;
        if (is_mem(ii->kind) && prev_dp && (ii->addr & prev->wr & 0xFFFF))
            c += 1; /* address from the instruction just before: no forwarding path */
        else if ((ii->kind == K_LOAD || ii->kind == K_STORE_REG || ii->kind == K_STORE_IMM) &&
                 prev_load && !(ii->addr & prev->wr) && c > 1)
            c -= 1; /* pipelined behind the previous load */
        if ((prev->kind == K_VFP1 || prev->kind == K_VFP3) &&
            (ii->rd & prev->wr & 0xFFFFFFFF0000ull))
            c += 1; /* consumes the VFP result of the instruction just before */
    }
    if (ii->kind == K_IT)
        c = prev && prev16 ? 0 : 1; /* folded onto a preceding 16-bit instruction */
    return c;
}

int mcb_cm_fall_adjust(const mcb_cm_block *from, const mcb_cm_block *to)
{
    if (from->branch != MCB_BR_NONE || !from->ninsn || !to->ninsn ||
        to->addr != from->addr + from->size)
        return 0;
    insn_info prev = {0}, head = {0};
    prev.kind = from->tail_kind;
    prev.wr = from->tail_wr;
    head.kind = to->head_kind;
    head.base = to->head_base;
    head.rd = to->head_rd;
    head.addr = to->head_addr;
    /* the head's static cost was neighbour_cost(NULL, ...) */
    return (int)neighbour_cost(&prev, from->tail16, &head) - (int)neighbour_cost(NULL, 0, &head);
}

mcb_cm *mcb_cm_new(uint32_t flash_base, uint32_t flash_size, int flash_ws, int icache)
{
    mcb_cm *m = calloc(1, sizeof *m);
    if (!m)
        return mcb_error("cycle model: out of memory"), NULL;
    if (cs_open(CS_ARCH_ARM, (cs_mode)(CS_MODE_THUMB | CS_MODE_MCLASS), &m->cs) != CS_ERR_OK) {
        free(m);
        return mcb_error("cycle model: cannot open Capstone for Thumb"), NULL;
    }
    cs_option(m->cs, CS_OPT_DETAIL, CS_OPT_ON);
    m->flash_base = flash_base;
    m->flash_size = flash_size;
    m->flash_ws = flash_ws < 0 ? 0 : flash_ws;
    m->icache = icache;
    return m;
}

void mcb_cm_free(mcb_cm *m)
{
    if (!m)
        return;
    cs_close(&m->cs);
    free(m);
}

void mcb_cm_block_release(mcb_cm_block *b)
{
    free(b->stores);
    free(b->divs);
    b->stores = NULL;
    b->divs = NULL;
}

int mcb_cm_is_div(const uint8_t *code, uint32_t pc, mcb_cm_div *div)
{
    uint16_t h1 = (uint16_t)(code[0] | code[1] << 8), h2 = (uint16_t)(code[2] | code[3] << 8);
    if ((h1 & 0xFFD0) != 0xFB90 || (h2 & 0xF0F0) != 0xF0F0)
        return 0;
    div->pc = pc;
    div->is_signed = (h1 & 0x0020) == 0; /* FB9n SDIV, FBBn UDIV */
    div->rn = h1 & 0xF;
    div->rm = h2 & 0xF;
    return 1;
}

int mcb_cm_scan_multi(mcb_cm *m, const uint8_t *code, uint32_t addr, uint32_t size,
                      mcb_cm_multi **v, int *n, int *cap)
{
    cs_insn *in = cs_malloc(m->cs);
    if (!in)
        return mcb_error("cycle model: out of memory"), -1;
    const uint8_t *p = code;
    size_t left = size;
    uint64_t pc = addr;
    while (left >= 2) {
        if (!cs_disasm_iter(m->cs, &p, &left, &pc, in)) { /* data or an undefined encoding */
            p += 2, left -= 2, pc += 2;
            continue;
        }
        const char *name = NULL;
        switch (in->id) {
        case ARM_INS_LDRD: name = "LDRD"; break;
        case ARM_INS_STRD: name = "STRD"; break;
        case ARM_INS_LDREXD: name = "LDREXD"; break;
        case ARM_INS_STREXD: name = "STREXD"; break;
        case ARM_INS_LDM: name = "LDM"; break;
        case ARM_INS_LDMDB: name = "LDMDB"; break;
        case ARM_INS_STM: name = "STM"; break;
        case ARM_INS_STMDB: name = "STMDB"; break;
        default: break;
        }
        if (!name)
            continue;
        const cs_arm *a = &in->detail->arm;
        int rn = -1;
        for (int i = 0; i < a->op_count; i++)
            if (a->operands[i].type == ARM_OP_MEM)
                rn = reg_num(a->operands[i].mem.base);
        if (rn < 0 && a->op_count && a->operands[0].type == ARM_OP_REG) /* LDM/STM: the base */
            rn = reg_num((unsigned)a->operands[0].reg);
        if (rn < 0 || rn == 13 || rn == 15) /* SP is always word-aligned; PC: literal */
            continue;
        if (*n == *cap) {
            int nc = *cap ? 2 * *cap : 64;
            mcb_cm_multi *nv = realloc(*v, (size_t)nc * sizeof *nv);
            if (!nv) {
                cs_free(in, 1);
                return mcb_error("cycle model: out of memory"), -1;
            }
            *v = nv;
            *cap = nc;
        }
        mcb_cm_multi *x = &(*v)[(*n)++];
        memset(x, 0, sizeof *x);
        x->pc = (uint32_t)in->address;
        x->rn = (uint8_t)rn;
        x->size = (uint8_t)in->size;
        memcpy(x->bytes, in->bytes, in->size > 4 ? 4 : in->size);
        snprintf(x->name, sizeof x->name, "%s", name);
    }
    cs_free(in, 1);
    return 0;
}

uint32_t mcb_cm_div_cycles(int is_signed, uint32_t n, uint32_t d)
{
    if (is_signed) {
        n = (int32_t)n < 0 ? 0u - n : n;
        d = (int32_t)d < 0 ? 0u - d : d;
    }
    if (d == 0 || n < d)
        return 2;
    int qbits = __builtin_clz(d) - __builtin_clz(n) + 1; /* quotient bits to produce */
    uint32_t c = 2 + (uint32_t)(qbits + 2) / 3;
    return c > 12 ? 12 : c;
}

/* 1 and *delta if the instruction (which writes SP) adds a constant multiple of 4 to it
 * whatever the state: an unconditional PUSH, POP, VPUSH, VPOP, ADD/SUB(W) SP, SP, #imm, or a
 * load or store with SP as its base, an immediate offset and writeback (the one-register
 * PUSH/POP compilers emit: STR LR, [SP, #-8]!, LDR PC, [SP], #8) that does not also load SP.
 * 0 for any other write of SP. */
static int sp_constant_change(const cs_insn *in, int32_t *delta)
{
    const cs_arm *a = &in->detail->arm;
    if (a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID)
        return 0;
    int words = 0;
    switch (in->id) {
    case ARM_INS_PUSH: case ARM_INS_POP: case ARM_INS_VPUSH: case ARM_INS_VPOP:
        for (int i = 0; i < a->op_count; i++) {
            const cs_arm_op *o = &a->operands[i];
            if (o->type != ARM_OP_REG || o->reg == ARM_REG_SP)
                return 0;
            if (o->reg >= ARM_REG_D0 && o->reg <= ARM_REG_D31)
                words += 2;
            else
                words += 1;
        }
        if (!words)
            return 0;
        *delta = (in->id == ARM_INS_PUSH || in->id == ARM_INS_VPUSH ? -4 : 4) * words;
        return 1;
    case ARM_INS_ADD: case ARM_INS_ADDW: case ARM_INS_SUB: case ARM_INS_SUBW: {
        const cs_arm_op *o = a->operands;
        if (a->update_flags || !(a->op_count == 2 || a->op_count == 3) ||
            o[0].type != ARM_OP_REG || o[0].reg != ARM_REG_SP ||
            (a->op_count == 3 && (o[1].type != ARM_OP_REG || o[1].reg != ARM_REG_SP)) ||
            o[a->op_count - 1].type != ARM_OP_IMM)
            return 0;
        const int32_t imm = o[a->op_count - 1].imm;
        if (imm % 4 || imm < 0 || imm > 0xFFFF)
            return 0;
        *delta = in->id == ARM_INS_ADD || in->id == ARM_INS_ADDW ? imm : -imm;
        return 1;
    }
    default: {
        if (!a->writeback)
            return 0;
        int mem = -1;
        for (int i = 0; i < a->op_count; i++) {
            const cs_arm_op *o = &a->operands[i];
            if (o->type == ARM_OP_MEM) {
                if (mem >= 0 || o->mem.base != ARM_REG_SP || o->mem.index != ARM_REG_INVALID)
                    return 0;
                mem = i;
            } else if (o->type == ARM_OP_REG && o->reg == ARM_REG_SP) {
                return 0;
            }
        }
        int32_t d;
        if (mem >= 0 && mem == a->op_count - 1) /* pre-indexed: [SP, #disp]! */
            d = a->operands[mem].mem.disp;
        else if (mem >= 0 && mem == a->op_count - 2 &&
                 a->operands[mem + 1].type == ARM_OP_IMM) /* post-indexed: [SP], #imm */
            d = a->operands[mem + 1].imm;
        else
            return 0;
        if (d % 4 || d < -0xFFFF || d > 0xFFFF)
            return 0;
        *delta = d;
        return 1;
    }
    }
}

int mcb_cm_decode(mcb_cm *m, uint32_t addr, const uint8_t *code, uint32_t size, mcb_cm_block *b)
{
    memset(b, 0, sizeof *b);
    b->addr = addr;
    b->size = size;
    cs_insn *in = NULL;
    size_t n = cs_disasm(m->cs, code, size, addr, 0, &in);

    int nstores = 0, ndivs = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned id = in[i].id;
        (void)id;
        nstores++; /* every instruction may be a memory access: sized generously */
        ndivs += id == ARM_INS_SDIV || id == ARM_INS_UDIV;
    }
    if (nstores && !(b->stores = calloc((size_t)nstores, sizeof *b->stores)))
        goto oom;
    if (ndivs && !(b->divs = calloc((size_t)ndivs, sizeof *b->divs)))
        goto oom;

    uint32_t cyc = 0, decoded = 0;
    int sp_abs = 0, sp_forget = 0, it_left = 0;
    int32_t sp_delta = 0;
    insn_info prev = {0};
    int have_prev = 0, prev16 = 0;
    for (size_t i = 0; i < n; i++) {
        insn_info ii;
        classify(m->cs, &in[i], &ii);
        uint32_t c = neighbour_cost(have_prev ? &prev : NULL, prev16, &ii);
        if (i == 0) {
            b->head_rd = ii.rd;
            b->head_addr = ii.addr;
            b->head_kind = (uint8_t)ii.kind;
            b->head_base = (uint8_t)ii.base;
        }

        if (is_mem(ii.kind) && ii.kind != K_TABLE && b->nstores < nstores) {
            unsigned id = in[i].id;
            const cs_arm *a = &in[i].detail->arm;
            if (ii.mem) {
                mcb_cm_store *s = &b->stores[b->nstores++];
                s->is_store = id == ARM_INS_STR || id == ARM_INS_STRB || id == ARM_INS_STRH;
                s->pc = (uint32_t)in[i].address;
                s->index = (uint16_t)i;
                s->cyc_before = (uint16_t)cyc;
                s->cyc_after = (uint16_t)(cyc + c);
                s->rt = (int8_t)(a->operands[0].type == ARM_OP_REG ? reg_num((unsigned)a->operands[0].reg) : -1);
                s->rn = (int8_t)reg_num(ii.mem->mem.base);
                s->rm = (int8_t)(ii.mem->mem.index != ARM_REG_INVALID ? reg_num(ii.mem->mem.index) : -1);
                s->shift = (uint8_t)ii.mem->mem.lshift;
                s->imm = ii.mem->mem.disp;
                s->subtract = ii.mem->subtracted;
                s->post = (uint8_t)ii.post;
            } else if (ii.addr) { /* LDM/STM/PUSH/POP/VLDM/...: base register, N words */
                mcb_cm_store *s = &b->stores[b->nstores++];
                s->pc = (uint32_t)in[i].address;
                s->index = (uint16_t)i;
                s->cyc_before = (uint16_t)cyc;
                s->cyc_after = (uint16_t)(cyc + c);
                s->rt = -1;
                s->rm = -1;
                s->rn = (int8_t)(ii.addr == BIT_SP ? 13 : reg_num((unsigned)a->operands[0].reg));
                s->span = (uint8_t)(4 * (ii.base > 1 ? ii.base - 1 : 1));
            }
        }
        if (ii.kind == K_DIV && b->ndivs < ndivs && in[i].size == 4)
            mcb_cm_is_div(code + (in[i].address - addr), (uint32_t)in[i].address,
                          &b->divs[b->ndivs++]);
        if (ii.wr & BIT_SP) {
            int32_t d = 0;
            b->writes_sp = 1;
            b->sp_pc = (uint32_t)in[i].address;
            if (sp_constant_change(&in[i], &d))
                sp_delta += d;
            else
                sp_abs = 1;
        }
        if (ii.kind == K_IT && in[i].size == 2) /* slots: 4 - trailing zeros of the mask */
            it_left = 4 - __builtin_ctz((code[in[i].address - addr] & 0xFu) | 0x10u);
        else if (it_left)
            it_left--;
        if (in[i].id == ARM_INS_MSR || in[i].id == ARM_INS_CPS)
            sp_forget = 1;
        cyc += c;
        decoded += in[i].size;
        if (i == 0)
            b->unaligned32 = in[i].size == 4 && (addr & 2);
        if (i + 1 == n) {
            b->branch = (uint8_t)ii.branch;
            b->refill = (uint8_t)ii.refill;
        }
        prev = ii;
        prev.mem = NULL;
        have_prev = 1;
        prev16 = in[i].size == 2;
        b->tail_wr = ii.wr;
        b->tail_kind = (uint8_t)ii.kind;
        b->tail16 = (uint8_t)prev16;
    }
    b->ninsn = (uint32_t)n;
    if (decoded < size || it_left) /* or the next block starts inside an IT block */
        sp_forget = 1;
    b->sp_kind = (uint8_t)(sp_forget ? (b->writes_sp ? MCB_SP_ABS_FORGET : MCB_SP_FORGET)
                           : !b->writes_sp ? MCB_SP_NONE
                           : sp_abs        ? MCB_SP_ABS
                                           : MCB_SP_REL);
    b->sp_delta = sp_delta;
    if (decoded < size) { /* undecodable tail: 1 per halfword; the CPU will fault on it */
        cyc += (size - decoded) / 2;
        b->ninsn += (size - decoded) / 2;
        b->branch = MCB_BR_NONE;
    }
    /* flash fetches: 32-bit words, each paying the wait states unless the cache serves it */
    if (m->flash_ws && addr >= m->flash_base && addr - m->flash_base < m->flash_size) {
        uint32_t words = ((addr + size + 3) / 4) - addr / 4;
        if (m->icache) {
            b->first_exec_cycles = words * (uint32_t)m->flash_ws;
        } else {
            cyc += words * (uint32_t)m->flash_ws;
            b->entry_ws = (uint8_t)m->flash_ws;
        }
    }
    b->cycles = cyc;
    cs_free(in, n);
    return 0;
oom:
    cs_free(in, n);
    mcb_cm_block_release(b);
    mcb_error("cycle model: out of memory");
    return -1;
}
