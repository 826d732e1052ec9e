/* Reads a word from an address that is neither flash, RAM nor the marker page (the nRF52840's
 * peripheral space is not modelled): the run must stop with a memory fault. */
#include <stdio.h>

int main(void)
{
    puts("reading unmapped memory");
    volatile unsigned *p = (volatile unsigned *)0x60000000u;
    unsigned v = *p;
    printf("read 0x%08x: not reached\n", v);
    return 0;
}
