/* Prints the CPUID register of the System Control Block. QEMU models it (0x410fc241 for a
 * Cortex-M4 r0p1); the simulator keeps the System Control Space as plain memory, so it reads 0
 * there: the two runs differ on purpose, for the test of `mcubench run --qemu`. */
#include <stdio.h>

int main(void)
{
    printf("cpuid %08x\n", (unsigned)*(volatile unsigned *)0xE000ED00u);
    return 0;
}
