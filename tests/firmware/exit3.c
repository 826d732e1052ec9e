/* Prints a line and exits with code 3 through exit(): the code must reach the host. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    puts("exiting with 3");
    exit(3);
}
