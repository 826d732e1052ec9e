/* A static bound of a firmware's stack, read from its ELF alone (no simulation): each
 * function's frame from its instructions (Capstone, Thumb-2), the call graph from its BL and
 * tail-branch targets, and the worst path from the entry point. docs/fit.md states the rules.
 *
 * The figure is a bound only when nothing defeats the analysis; else it is the worst path over
 * the calls that could be followed (a lower figure, not a bound) and the flags say why:
 *   - recursion: a reachable function is on a call cycle (each cycle is counted once);
 *   - indirect calls (BLX/BX/MOV/LDR to PC through a register) are followed to every function
 *     whose address the image stores (literal pools, tables, .data: "address-taken"), which
 *     holds for compiled C and C++; with no address-taken function they reach nothing. They
 *     only defeat the bound through the cycles they create;
 *   - dynamic frames: SP moved by a register (alloca, variable-length arrays);
 *   - unknown targets: a call into no function symbol.
 * Exception handlers are not roots: the firmware takes no interrupts (a fault ends it). */
#ifndef MCB_SIM_STACK_H
#define MCB_SIM_STACK_H

#include "elf.h"

#include <stdint.h>

#define MCB_STACK_PATH_MAX 24

typedef struct {
    int64_t bytes;       /* worst path from the entry: a bound when bounded = 1 */
    int bounded;         /* 1: no recursion, dynamic frame or unknown target on the way */
    int functions;       /* reachable functions */
    int indirect;        /* reachable functions with an indirect call or jump */
    int address_taken;   /* functions an indirect call may reach */
    int recursive;       /* reachable functions found on a call cycle (a lower count: one
                            per cycle closed by the walk) */
    int dynamic;         /* reachable functions with a dynamic frame */
    int unknown;         /* calls into no known function */
    int heap;            /* 1 if _sbrk, malloc or operator new is reachable */
    char heap_path[512]; /* how: "Reset_Handler > ... > malloc" (may be cut) */
    char example[160];   /* a function named in the caveat ("" if bounded) */
    int hinted;          /* reachable functions with a hint */
    int hint_differ;     /* of which the hint's frame differs from the code's */
    char hint_example[200]; /* the first that differs: "name: code N, hint M" */
    char path[MCB_STACK_PATH_MAX][160]; /* the worst path's functions (names cut at 159) */
    int64_t path_frame[MCB_STACK_PATH_MAX];
    int path_len;        /* may be cut at MCB_STACK_PATH_MAX */
} mcb_stack_bound;

/* A function's frame as the compiler states it (GCC's -fstack-usage .su lines): name as GCC
 * prints it (a clone's ".0" suffix left out), bytes, and 1 if its qualifier is "dynamic"
 * (unbounded; "dynamic,bounded" is a bound). */
typedef struct {
    const char *name;
    int64_t bytes;
    int dynamic;
} mcb_stack_hint;

/* Analyses e from its entry point; 0 with *out filled, or -1 after one line (no symbols,
 * the entry in no function, out of memory). hints (n of them, or NULL) are checked against
 * the frames read from the code: where they differ the larger is taken, a dynamic one makes
 * the frame dynamic. */
int mcb_stack_analyse(const mcb_elf *e, const mcb_stack_hint *hints, int n,
                      mcb_stack_bound *out);

/* The frame of the function named `name` (bytes, from its instructions), or -1 if there is no
 * such function. For tests that compare it with GCC's -fstack-usage. */
int64_t mcb_stack_frame_of(const mcb_elf *e, const char *name);

#endif
