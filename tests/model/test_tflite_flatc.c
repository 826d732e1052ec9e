/* Our writer checked by an independent decoder: flatc (FlatBuffers' own compiler) turns a file
 * we wrote into JSON using tests/model/tflite_subset.fbs, and the key values must be there.
 * (flatc does not verify a raw binary: test_tflite_verify runs FlatBuffers' verifier.) And the
 * other way round: a file flatc builds from JSON in the converter's style must read.
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


/* Little-endian bytes of n floats as a JSON array body. */
static void json_floats(FILE *f, const float *v, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t b[4];
        memcpy(b, &v[i], 4); /* the host is little-endian, as the format */
        fprintf(f, "%s%u,%u,%u,%u", i ? "," : "", b[0], b[1], b[2], b[3]);
    }
}

/* The other direction: flatc's own builder (back to front, defaults left out, vtables shared)
 * makes a file in the converter's style from JSON, and our reader must take it. Style points:
 * every activation has its own empty buffer, float tensors carry an empty quantization table,
 * an old-style operator code has only the byte field, RESHAPE has no options, the dense layer
 * has no bias (-1), options at their defaults are absent, the input has a dynamic batch in
 * shape_signature. */
static void converter_style(const char *flatc, const char *schema)
{
    float w[18], bias[2] = {0.5f, -0.25f}, fw[10 * 8];
    for (int i = 0; i < 18; i++)
        w[i] = (float)(i % 5) - 2.0f;
    for (int i = 0; i < 80; i++)
        fw[i] = (float)(i % 7) * 0.125f;
    FILE *f = fopen("converter_style.json", "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "{\"version\":3,\"description\":\"MLIR Converted.\",\"operator_codes\":["
               "{\"deprecated_builtin_code\":3,\"builtin_code\":\"CONV_2D\"},"
               "{\"deprecated_builtin_code\":22},"
               "{\"deprecated_builtin_code\":9,\"version\":2,\"builtin_code\":\"FULLY_CONNECTED\"},"
               "{\"deprecated_builtin_code\":25,\"builtin_code\":\"SOFTMAX\"}],"
               "\"subgraphs\":[{\"tensors\":["
               "{\"shape\":[1,4,4,1],\"shape_signature\":[-1,4,4,1],\"buffer\":1,\"name\":\"x\",\"quantization\":{}},"
               "{\"shape\":[2,3,3,1],\"buffer\":2,\"name\":\"w\",\"quantization\":{}},"
               "{\"shape\":[2],\"buffer\":3,\"name\":\"b\",\"quantization\":{}},"
               "{\"shape\":[1,2,2,2],\"buffer\":4,\"name\":\"c\",\"quantization\":{}},"
               "{\"shape\":[2],\"type\":\"INT32\",\"buffer\":5,\"name\":\"s\"},"
               "{\"shape\":[1,8],\"buffer\":6,\"name\":\"r\"},"
               "{\"shape\":[10,8],\"buffer\":7,\"name\":\"fw\"},"
               "{\"shape\":[1,10],\"buffer\":8,\"name\":\"f\"},"
               "{\"shape\":[1,10],\"buffer\":9,\"name\":\"y\"}],"
               "\"inputs\":[0],\"outputs\":[8],\"operators\":["
               "{\"inputs\":[0,1,2],\"outputs\":[3],\"builtin_options_type\":\"Conv2DOptions\","
               "\"builtin_options\":{\"padding\":\"VALID\",\"stride_w\":1,\"stride_h\":1,"
               "\"fused_activation_function\":\"RELU\"}},"
               "{\"opcode_index\":1,\"inputs\":[3,4],\"outputs\":[5]},"
               "{\"opcode_index\":2,\"inputs\":[5,6,-1],\"outputs\":[7],"
               "\"builtin_options_type\":\"FullyConnectedOptions\",\"builtin_options\":{}},"
               "{\"opcode_index\":3,\"inputs\":[7],\"outputs\":[8],"
               "\"builtin_options_type\":\"SoftmaxOptions\",\"builtin_options\":{\"beta\":1.0}}],"
               "\"name\":\"main\"}],\"buffers\":[{},{},{\"data\":[");
    json_floats(f, w, 18);
    fprintf(f, "]},{\"data\":[");
    json_floats(f, bias, 2);
    fprintf(f, "]},{},{\"data\":[1,0,0,0,8,0,0,0]},{},{\"data\":[");
    json_floats(f, fw, 80);
    fprintf(f, "]},{},{}]}\n");
    fclose(f);
    char cmd[2048];
    remove("converter_style.tflite");
    snprintf(cmd, sizeof cmd, "'%s' -b -o . '%s' converter_style.json", flatc, schema);
    CHECK(system(cmd) == 0);
    mcb_graph g;
    CHECK(mcb_tflite_load("converter_style.tflite", &g) == 0);
    if (g.n_tensors != 9 || g.n_ops != 4) {
        fprintf(stderr, "converter-style file: %d tensors, %d ops\n", g.n_tensors, g.n_ops);
        test_failures++;
        mcb_graph_free(&g);
        return;
    }
    CHECK(strcmp(g.description, "MLIR Converted.") == 0);
    CHECK(g.n_in == 1 && g.in[0] == 0 && g.n_out == 1 && g.out[0] == 8);
    CHECK_EQ_INT(g.ops[0].code, MCB_OP_CONV_2D);
    CHECK_EQ_INT(g.ops[0].version, 1);
    CHECK(g.ops[0].padding == MCB_PAD_VALID && g.ops[0].activation == MCB_ACT_RELU);
    CHECK(g.ops[0].stride_w == 1 && g.ops[0].dilation_w == 1 && g.ops[0].dilation_h == 1);
    CHECK_EQ_INT(g.ops[1].code, MCB_OP_RESHAPE);
    CHECK(g.ops[1].n_in == 2 && g.ops[1].in[1] == 4);
    CHECK_EQ_INT(g.ops[2].code, MCB_OP_FULLY_CONNECTED);
    CHECK_EQ_INT(g.ops[2].version, 2);
    CHECK(g.ops[2].n_in == 3 && g.ops[2].in[2] == -1 && g.ops[2].activation == MCB_ACT_NONE);
    CHECK(g.ops[3].code == MCB_OP_SOFTMAX && g.ops[3].beta == 1.0f);
    CHECK(g.tensors[0].data == NULL && g.tensors[3].data == NULL && g.tensors[8].data == NULL);
    CHECK(g.tensors[1].data_size == sizeof w && memcmp(g.tensors[1].data, w, sizeof w) == 0);
    CHECK(g.tensors[6].data_size == sizeof fw && memcmp(g.tensors[6].data, fw, sizeof fw) == 0);
    CHECK(g.tensors[4].type == MCB_INT32 && g.tensors[4].data_size == 8);
    CHECK(g.tensors[0].n_quant == 0 && g.tensors[0].rank == 4 && g.tensors[0].shape[0] == 1);
    CHECK_EQ_INT(mcb_graph_params(&g), 18 + 2 + 80);
    mcb_graph_free(&g);
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
    converter_style(flatc, schema);
    return TEST_END();
}
