/* Checks the runtime from inside: the RAM between the heap and the stack holds MCB_RAM_FILL at
 * main, malloc grows mcb_heap_brk, and a request past __mcb_heap_limit fails cleanly. Prints
 * one line per check ("ok ..." or "FAIL ...") and exits with the number of failures. */
#include "mcb_runtime.h"

#include <stdio.h>
#include <stdlib.h>

extern char *mcb_heap_brk;
extern char __bss_end__[];
extern char __mcb_heap_limit[];
extern char __mcb_stack_top[];

static int failures;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    failures += !ok;
}

int main(void)
{
    char here;
    /* Everything between the break and a margin below this frame must be untouched. */
    const unsigned *p = (const unsigned *)mcb_heap_brk;
    const unsigned *end = (const unsigned *)((unsigned)&here & ~3u) - 64;
    unsigned bad = 0, words = 0;
    for (; p < end; p++, words++)
        bad += *p != MCB_RAM_FILL;
    check(mcb_heap_brk == __bss_end__, "heap empty at main");
    check(words > 1000 && bad == 0, "free RAM filled with the pattern");
    check(__mcb_stack_top - __mcb_heap_limit == 0x4000, "16 KB kept for the stack");

    char *a = malloc(1000);
    check(a != NULL && mcb_heap_brk >= a + 1000 && mcb_heap_brk <= __mcb_heap_limit,
          "malloc moves the break");
    void *huge = malloc((size_t)(__mcb_heap_limit - __bss_end__) + 4096);
    check(huge == NULL, "malloc past the heap limit fails");
    char *b = malloc(2000);
    check(b != NULL && b != a, "malloc works after a failure");
    free(a);
    free(b);
    return failures;
}
