/* Our writer checked by an independent decoder: flatc (FlatBuffers' own compiler) turns a file
 * we wrote into JSON using tests/model/tflite_subset.fbs, and the key values must be there.
 * flatc verifies the buffer while decoding, so a layout error fails here too.
 * usage: test_tflite_flatc FLATC SCHEMA   (exit 77 = skipped when FLATC is empty) */
#include "err.h"
#include "fileio.h"
#include "tflite.h"
#include "tflite_testgraph.h"
#include "../test.h"

#include <stdlib.h>
#include <string.h>

/* JSON text without whitespace, so that checks need not care about flatc's layout. */
static char *squeeze(const char *path)
{
    size_t n;
    uint8_t *s = mcb_read_file(path, &n);
    if (!s)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            s[k++] = s[i];
    s[k] = 0;
    return (char *)s;
}

static void expect(const char *json, const char *want)
{
    if (!strstr(json, want)) {
        fprintf(stderr, "flatc JSON lacks %s\n", want);
        test_failures++;
    }
}

static int decode(const char *flatc, const char *schema, const char *bin, const char *json)
{
    char cmd[2048];
    remove(json);
    snprintf(cmd, sizeof cmd, "'%s' --json --strict-json --raw-binary -o . '%s' -- '%s'", flatc,
             schema, bin);
    return system(cmd);
}

int main(int argc, char **argv)
{
    if (argc < 3 || !argv[1][0]) {
        printf("SKIP: flatc not found (Debian package flatbuffers-compiler)\n");
        return 77;
    }
    const char *flatc = argv[1], *schema = argv[2];
    mcb_graph g;

    CHECK(tg_build(&g, 0) == 0);
    CHECK(mcb_tflite_save("flatc_float.tflite", &g) == 0);
    mcb_graph_free(&g);
    CHECK(decode(flatc, schema, "flatc_float.tflite", "flatc_float.json") == 0);
    char *j = squeeze("flatc_float.json");
    CHECK(j != NULL);
    if (j) {
        expect(j, "\"version\":3,");
        expect(j, "{\"deprecated_builtin_code\":3,\"version\":1,\"builtin_code\":\"CONV_2D\"}");
        expect(j, "{\"deprecated_builtin_code\":17,\"version\":1,\"builtin_code\":\"MAX_POOL_2D\"}");
        expect(j, "{\"deprecated_builtin_code\":22,\"version\":1,\"builtin_code\":\"RESHAPE\"}");
        expect(j, "{\"deprecated_builtin_code\":9,\"version\":1,\"builtin_code\":\"FULLY_CONNECTED\"}");
        expect(j, "{\"deprecated_builtin_code\":25,\"version\":1,\"builtin_code\":\"SOFTMAX\"}");
        expect(j, "\"builtin_options_type\":\"Conv2DOptions\",\"builtin_options\":{\"padding\":"
                  "\"VALID\",\"stride_w\":1,\"stride_h\":1,\"fused_activation_function\":\"RELU\","
                  "\"dilation_w_factor\":1,\"dilation_h_factor\":1}");
        expect(j, "\"builtin_options_type\":\"Pool2DOptions\",\"builtin_options\":{\"padding\":"
                  "\"VALID\",\"stride_w\":2,\"stride_h\":2,\"filter_width\":2,\"filter_height\":2");
        expect(j, "\"builtin_options_type\":\"ReshapeOptions\",\"builtin_options\":{\"new_shape\":[1,36]}");
        expect(j, "\"builtin_options_type\":\"SoftmaxOptions\",\"builtin_options\":{\"beta\":1.0}");
        expect(j, "\"inputs\":[4,5],\"outputs\":[6]");   /* reshape: data + int32 shape tensor */
        expect(j, "\"shape\":[4,3,3,1],\"type\":\"FLOAT32\",\"buffer\":1,\"name\":\"conv/weights\"");
        expect(j, "\"shape\":[2],\"type\":\"INT32\",\"buffer\":3,\"name\":\"reshape/shape\"");
        expect(j, "\"buffers\":[{},{\"data\":[");
        expect(j, "\"data\":[1,0,0,0,36,0,0,0]"); /* the reshape shape, little-endian int32 */
        expect(j, "\"description\":\"mcubenchtestfloat\"");
        expect(j, "\"name\":\"main\"");
        free(j);
    }

    CHECK(tg_build(&g, 1) == 0);
    CHECK(mcb_tflite_save("flatc_int8.tflite", &g) == 0);
    mcb_graph_free(&g);
    CHECK(decode(flatc, schema, "flatc_int8.tflite", "flatc_int8.json") == 0);
    j = squeeze("flatc_int8.json");
    CHECK(j != NULL);
    if (j) {
        expect(j, "{\"deprecated_builtin_code\":114,\"version\":2,\"builtin_code\":\"QUANTIZE\"}");
        expect(j, "{\"deprecated_builtin_code\":6,\"version\":2,\"builtin_code\":\"DEQUANTIZE\"}");
        expect(j, "\"builtin_options_type\":\"QuantizeOptions\"");
        expect(j, "\"builtin_options_type\":\"DequantizeOptions\"");
        expect(j, "\"type\":\"INT8\",\"buffer\":1,\"name\":\"conv/weights\",\"quantization\":{"
                  "\"scale\":[0.01,0.02,0.03,0.04],\"zero_point\":[0,0,0,0],\"quantized_dimension\":0}");
        expect(j, "\"name\":\"input_int8\",\"quantization\":{\"scale\":[0.003922],\"zero_point\":[-128]");
        expect(j, "\"name\":\"softmax/out\",\"quantization\":{\"scale\":[0.003906],\"zero_point\":[-128]");
        free(j);
    }
    return TEST_END();
}
