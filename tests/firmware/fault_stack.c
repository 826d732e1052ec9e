/* Recurses without end, each frame holding a buffer, so the stack runs down through the heap
 * into .bss (the simulator flags the stack pointer passing __bss_end__). */
#include <stdio.h>

volatile unsigned sink;

static unsigned dive(unsigned depth)
{
    volatile unsigned frame[64];
    for (unsigned i = 0; i < 64; i++)
        frame[i] = depth + i;
    return dive(depth + 1) + frame[depth & 63];
}

int main(void)
{
    puts("recursing without end");
    sink = dive(0);
    puts("not reached");
    return 0;
}
