/* Executes a permanently undefined instruction (UDF): the run must stop with a fault. */
#include <stdio.h>

int main(void)
{
    puts("executing UDF");
    __asm__ volatile("udf #0x42");
    puts("not reached");
    return 0;
}
