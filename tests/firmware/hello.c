/* Prints two lines (one through printf, one through the raw console) and exits with 0. */
#include "mcb_runtime.h"

#include <stdio.h>

int main(void)
{
    printf("hello from %s\n", "mcubench");
    mcb_write0("semihosting ok\n");
    return 0;
}
