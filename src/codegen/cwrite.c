/* C text of the code generators (cwrite.h). */
#include "cwrite.h"

int mcb_cw_i8(FILE *f, const char *qual, const char *name, const char *dims, const int8_t *v,
              size_t n)
{
    if (dims)
        fprintf(f, "static %s int8_t %s[%s] MCB_MODEL_ALIGN4 = {", qual, name, dims);
    else
        fprintf(f, "static %s int8_t %s[%zu] MCB_MODEL_ALIGN4 = {", qual, name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%d,", i % 16 ? " " : "\n    ", v[i]);
    return fprintf(f, "\n};\n") < 0 ? -1 : 0;
}

int mcb_cw_i32(FILE *f, const char *qual, const char *name, const int32_t *v, size_t n)
{
    fprintf(f, "static %s int32_t %s[%zu] = {", qual, name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%ld,", i % 8 ? " " : "\n    ", v ? (long)v[i] : 0L);
    return fprintf(f, "\n};\n") < 0 ? -1 : 0;
}

void mcb_cw_comment_safe(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (; in && *in && o + 1 < n; in++)
        out[o++] = (*in == '\n' || *in == '\r' || (*in == '*' && in[1] == '/')) ? '_' : *in;
    out[o] = 0;
}
