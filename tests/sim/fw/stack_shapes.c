/* Call shapes for the static stack analysis (src/sim/stack.h, tests/sim/test_stack.c), one per
 * build: -DSHAPE=1 a chain of direct calls (a bound), 2 calls through a table of function
 * pointers (followed to the address-taken functions: a bound), 3 recursion (no bound), 4 a
 * variable-length array (a dynamic frame: no bound). Each touches its frames, so the
 * simulator's measured peak is the depth reached. */
#include <stdint.h>

volatile int32_t sink;

__attribute__((noinline)) static void touch(volatile int32_t *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] = i;
    sink = v[n - 1];
}

__attribute__((noinline)) void leaf_small(int n)
{
    volatile int32_t v[8];
    touch(v, n < 8 ? n : 8);
}

__attribute__((noinline)) void leaf_big(int n)
{
    volatile int32_t v[64];
    touch(v, n < 64 ? n : 64);
}

__attribute__((noinline)) void middle(int n)
{
    volatile int32_t v[16];
    touch(v, 16);
    leaf_big(n + v[3]);
    leaf_small(n);
}

#if SHAPE == 2
void (*volatile table[2])(int) = {leaf_small, leaf_big};
#endif

#if SHAPE == 3
__attribute__((noinline)) int depth(int n)
{
    volatile int32_t v[4];
    touch(v, 4);
    return n <= 0 ? v[0] : depth(n - 1) + v[1];
}
#endif

#if SHAPE == 4
__attribute__((noinline)) void vla(int n)
{
    volatile int32_t v[n];
    touch(v, n);
}
#endif

int main(void)
{
#if SHAPE == 1
    middle((int)sink + 64);
#elif SHAPE == 2
    table[sink & 1]((int)sink + 64);
    table[(sink + 1) & 1]((int)sink + 64);
#elif SHAPE == 3
    sink = depth((int)sink + 5);
#else
    vla((int)sink + 20);
#endif
    return 0;
}
