/* mcubench info on files we wrote: exit codes, the JSON keys other tools read, and values
 * computed by hand for the int8 test graph. usage: test_info_cli MCUBENCH */
#include "../test.h"
#include "fileio.h"
#include "tflite.h"
#include "tflite_testgraph.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *squeezed(const char *path)
{
    size_t n;
    uint8_t *s = mcb_read_file(path, &n);
    if (!s)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n')
            s[k++] = s[i];
    s[k] = 0;
    return (char *)s;
}

static void expect(const char *text, const char *want)
{
    if (!text || !strstr(text, want)) {
        fprintf(stderr, "info output lacks %s\n", want);
        test_failures++;
    }
}

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    if (argc != 2)
        return TEST_END();
    const char *bin = argv[1];
    char cmd[4096];
    mcb_graph g;
    CHECK(tg_build(&g, 1) == 0);
    CHECK(mcb_tflite_save("info_int8.tflite", &g) == 0);
    mcb_graph_free(&g);

    snprintf(cmd, sizeof cmd, "'%s' info info_int8.tflite --json > info_int8.json", bin);
    CHECK_EQ_INT(run(cmd), 0);
    char *j = squeezed("info_int8.json");
    expect(j, "\"operators\":[{\"index\":0,\"op\":\"QUANTIZE\",\"code\":114,\"version\":2,"
              "\"inputs\":[0],\"outputs\":[1]");
    expect(j, "{\"index\":1,\"op\":\"CONV_2D\",\"code\":3,\"version\":3,\"inputs\":[1,2,3],"
              "\"outputs\":[4],\"options\":{\"padding\":\"VALID\",\"stride_w\":1,\"stride_h\":1,"
              "\"dilation_w\":1,\"dilation_h\":1,\"activation\":\"RELU\"},\"macs\":1296}");
    expect(j, "\"inputs\":[0],\"outputs\":[12]");
    expect(j, "\"description\":\"mcubenchtestint8\"");
    expect(j, "{\"index\":2,\"name\":\"conv/weights\",\"type\":\"int8\",\"shape\":[4,3,3,1],"
              "\"constant\":true,\"bytes\":36,\"quantization\":{\"scale\":[");
    expect(j, "\"zero_point\":[0,0,0,0],\"quantized_dimension\":0}");
    expect(j, "{\"index\":11,\"name\":\"softmax/out\",\"type\":\"int8\",\"shape\":[1,10],"
              "\"constant\":false,\"bytes\":10,\"quantization\":{\"scale\":[0.00390625],"
              "\"zero_point\":[-128]");
    /* params: conv 36+4, dense 360+10; MACs: conv 6*6*4*9, dense 10*36; activation peak at
     * QUANTIZE: float input 256 B + int8 copy 64 B */
    expect(j, "\"params\":410,\"macs\":1656,\"min_activation_bytes\":320}");
    free(j);

    snprintf(cmd, sizeof cmd, "'%s' info info_int8.tflite > info_int8.txt", bin);
    CHECK_EQ_INT(run(cmd), 0);
    char *t = squeezed("info_int8.txt");
    expect(t, "min_activation_bytes320");
    free(t);

    /* A damaged file: exit 1 and one line naming it; bad usage: exit 2. */
    FILE *f = fopen("info_bad.tflite", "wb");
    CHECK(f != NULL);
    if (f) {
        fputs("not a model", f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "'%s' info info_bad.tflite 2> info_bad.err", bin);
    CHECK_EQ_INT(run(cmd), 1);
    size_t n;
    char *e = (char *)mcb_read_file("info_bad.err", &n);
    expect(e, "info_bad.tflite: ");
    CHECK(e && strchr(e, '\n') == e + n - 1);
    free(e);
    snprintf(cmd, sizeof cmd, "'%s' info 2> /dev/null", bin);
    CHECK_EQ_INT(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "'%s' info a.tflite --bogus 2> /dev/null", bin);
    CHECK_EQ_INT(run(cmd), 2);
    return TEST_END();
}
