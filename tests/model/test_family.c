/* The family's parameter counts against the paper's Table 2 (read from the CSV, not copied),
 * and MACs against a hand computation. */
#include "../test.h"
#include "family.h"

#include <string.h>

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    FILE *f = fopen(argv[1], "r");
    CHECK(f != NULL);
    if (!f)
        return TEST_END();
    char line[256];
    int rows = 0;
    CHECK(fgets(line, sizeof line, f) != NULL); /* header */
    while (fgets(line, sizeof line, f)) {
        char ds[32];
        int k;
        long params;
        double acc;
        if (sscanf(line, "%31[^,],%d,%ld,%lf", ds, &k, &params, &acc) != 4)
            continue;
        char name[64];
        snprintf(name, sizeof name, "%s-conv%d", ds, k);
        const mcb_family_net *n = mcb_family_find(name);
        CHECK(n != NULL);
        if (!n)
            continue;
        rows++;
        CHECK_EQ_INT(n->paper_params, params);
        if (!strcmp(name, "cifar10-conv64"))
            /* Table 2 prints 61,771; the layers sum to 61,770 (see family.c). */
            CHECK_EQ_INT(mcb_family_params(n), params - 1);
        else
            CHECK_EQ_INT(mcb_family_params(n), params);
    }
    fclose(f);
    CHECK_EQ_INT(rows, 10);

    /* mnist-conv16: 26*26*16*9 + 11*11*16*144 + 400*10 */
    CHECK_EQ_INT(mcb_family_macs(mcb_family_find("mnist-conv16")), 97344 + 278784 + 4000);
    /* cifar10-conv128: 30*30*128*27 + 13*13*128*1152 + 4608*10 */
    CHECK_EQ_INT(mcb_family_macs(mcb_family_find("cifar10-conv128")),
                 3110400LL + 24920064LL + 46080LL);
    CHECK(mcb_family_find("mnist-conv17") == NULL);
    return TEST_END();
}
