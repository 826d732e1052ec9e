/* Hits a breakpoint that is not the semihosting one (BKPT 0x01, not 0xAB): must stop the run. */
#include <stdio.h>

int main(void)
{
    puts("hitting BKPT 0x01");
    __asm__ volatile("bkpt 0x01");
    puts("not reached");
    return 0;
}
