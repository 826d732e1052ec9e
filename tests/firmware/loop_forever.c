/* Never exits: the simulator's instruction budget (and QEMU's timeout) must stop it. */
#include <stdio.h>

volatile unsigned counter;

int main(void)
{
    puts("looping forever");
    for (;;)
        counter++;
}
