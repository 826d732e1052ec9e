/* Code in RAM that is rewritten while it runs: a function copied to RAM returns 7, its
 * immediate is then patched (to 9, then to each of 0..49 in a loop) and it is called again.
 * The simulator must run the new instruction every time (Unicorn retranslates a block whose
 * bytes a store overwrote): the exit code is 0 only if every call returned what was written.
 * It also makes uc_fast.c leave its short store path once a block outside flash has run. */
#include "mcb_port.h"

#include <stdint.h>
#include <stdio.h>

static volatile uint16_t code[4] __attribute__((aligned(4)));

static int call(void)
{
    __asm__ volatile("dsb\n\tisb" ::: "memory"); /* what the architecture asks after writing code */
    int (*f)(void) = (int (*)(void))((uintptr_t)code | 1u);
    return f();
}

int main(void)
{
    code[0] = 0x2000 | 7; /* movs r0, #7 */
    code[1] = 0x4770;     /* bx lr */
    const int a = call();
    code[0] = 0x2000 | 9;
    const int b = call();
    int bad = a != 7 || b != 9;
    for (int i = 0; i < 50; i++) {
        code[0] = (uint16_t)(0x2000 | i);
        bad |= call() != i;
    }
    printf("ram code %d %d %s\n", a, b, bad ? "wrong" : "ok");
    return bad;
}
