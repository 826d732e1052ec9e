/* The code generator's kernel kinds (codegen_int.h, kinds.c): every kind has its descriptor,
 * and the source file it names (under the kernels folder) defines the function it calls, so
 * a kind added to the enum without its descriptor, or pointing at the wrong file, fails here
 * rather than in a generated library. */
#include "../test.h"
#include "codegen_int.h"
#include "fileio.h"

#include <stdlib.h>
#include <string.h>

/* 1 if the file under the kernels folder defines function name (its name followed by '('
 * at the start of a line or after a return type). */
static int defines(const char *file, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", mcb_codegen_kernels_dir(), file);
    size_t n;
    char *text = (char *)mcb_read_file(path, &n);
    if (!text)
        return 0;
    char *z = realloc(text, n + 1);
    if (!z) {
        free(text);
        return 0;
    }
    z[n] = 0;
    char pat[96];
    snprintf(pat, sizeof pat, " %s(", name);
    int found = strstr(z, pat) != NULL;
    free(z);
    return found;
}

int main(void)
{
    for (int k = 0; k < CG_KINDS; k++) {
        const cg_kind_desc *d = cg_kinds[k];
        CHECK(d != NULL);
        if (!d)
            continue;
        CHECK(d->kernel != NULL && d->call != NULL && d->source != NULL);
        CHECK(!strcmp(cg_kernel_name(k), d->kernel));
        CHECK((strncmp(d->source, "aot/", 4) == 0) == (d->aot != 0));
        if (!defines(d->source, d->kernel)) {
            fprintf(stderr, "kind %d: %s does not define %s\n", k, d->source, d->kernel);
            CHECK(0);
        }
        for (int j = 0; j < k; j++)
            CHECK(strcmp(cg_kinds[j]->kernel, d->kernel) != 0);
    }
    /* the conv + ADD step's extra source */
    cg_step st;
    memset(&st, 0, sizeof st);
    st.kind = CG_AOT_CONV;
    CHECK(cg_kinds[CG_AOT_CONV]->extra_source(&st) == NULL);
    st.add_fused = 1;
    const char *extra = cg_kinds[CG_AOT_CONV]->extra_source(&st);
    CHECK(extra != NULL && defines(extra, "mcb_aot_conv_add_s8"));
    /* aot kinds come first: the library's file order (model.c's includes) relies on it */
    for (int k = 1; k < CG_KINDS; k++)
        CHECK(!(cg_kinds[k]->aot && !cg_kinds[k - 1]->aot));
    return TEST_END();
}
