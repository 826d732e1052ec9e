/* Calls a supervisor service (SVC 0x05) although nothing serves it: must stop the run. */
#include <stdio.h>

int main(void)
{
    puts("calling SVC 0x05");
    __asm__ volatile("svc 0x05");
    puts("not reached");
    return 0;
}
