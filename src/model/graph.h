/* The in-memory model: a TFLite subgraph as plain data.
 * Codes and enums use TFLite's own numbers (schema.fbs), so reading and writing .tflite is a
 * copy, not a translation. A graph owns everything it points to; mcb_graph_free releases it.
 * Constant tensors carry their bytes (little-endian, as in the file); activations have data NULL. */
#ifndef MCB_GRAPH_H
#define MCB_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#define MCB_MAX_RANK 6
#define MCB_MAX_OP_IO 8
#define MCB_MAX_GRAPH_IO 8

/* TFLite TensorType */
enum mcb_dtype {
    MCB_FLOAT32 = 0,
    MCB_FLOAT16 = 1,
    MCB_INT32 = 2,
    MCB_UINT8 = 3,
    MCB_INT64 = 4,
    MCB_STRING = 5,
    MCB_BOOL = 6,
    MCB_INT16 = 7,
    MCB_INT8 = 9,
};

/* TFLite BuiltinOperator (the subset we name; others are kept as numbers) */
enum mcb_opcode {
    MCB_OP_ADD = 0,
    MCB_OP_AVERAGE_POOL_2D = 1,
    MCB_OP_CONV_2D = 3,
    MCB_OP_DEPTHWISE_CONV_2D = 4,
    MCB_OP_DEQUANTIZE = 6,
    MCB_OP_FULLY_CONNECTED = 9,
    MCB_OP_MAX_POOL_2D = 17,
    MCB_OP_RESHAPE = 22,
    MCB_OP_SOFTMAX = 25,
    MCB_OP_QUANTIZE = 114,
};

/* TFLite Padding and ActivationFunctionType */
enum mcb_padding { MCB_PAD_SAME = 0, MCB_PAD_VALID = 1 };
enum mcb_activation { MCB_ACT_NONE = 0, MCB_ACT_RELU = 1, MCB_ACT_RELU_N1_TO_1 = 2, MCB_ACT_RELU6 = 3 };

typedef struct {
    char *name;
    int type; /* enum mcb_dtype */
    int rank;
    int32_t shape[MCB_MAX_RANK];
    uint8_t *data; /* constant bytes, or NULL for an activation */
    size_t data_size;
    /* quantization; n_quant == 0: none. Per-channel when n_quant > 1, along quant_dim. */
    int n_quant;
    float *scale;
    int64_t *zero_point;
    int quant_dim;
} mcb_tensor;

typedef struct {
    int code;    /* enum mcb_opcode (TFLite builtin code) */
    int version; /* operator-code version as written in the file */
    int n_in, n_out;
    int in[MCB_MAX_OP_IO]; /* tensor indices; -1 for an absent optional input */
    int out[MCB_MAX_OP_IO];
    /* builtin options; only those of the op's kind are meaningful */
    int padding;    /* enum mcb_padding */
    int activation; /* enum mcb_activation */
    int stride_w, stride_h;
    int dilation_w, dilation_h;
    int filter_w, filter_h; /* pools */
    int depth_multiplier;
    float beta;        /* softmax */
    int keep_num_dims; /* fully connected */
    int weights_format;
} mcb_op;

typedef struct {
    mcb_tensor *tensors;
    int n_tensors;
    mcb_op *ops;
    int n_ops;
    int n_in, n_out;
    int in[MCB_MAX_GRAPH_IO], out[MCB_MAX_GRAPH_IO];
    char *description;
    int scheme; /* enum mcb_scheme: how the int8 values are to be computed */
} mcb_graph;

/* The arithmetic of an int8 graph. MCB_SCHEME_Q7 is CMSIS-NN's legacy q7 fixed point
 * (power-of-two scales, zero points 0, shift requantization; docs/quantization.md); in the
 * .tflite it is the metadata entry MCB_Q7_METADATA whose buffer holds the bytes "q7". */
enum mcb_scheme { MCB_SCHEME_TFLITE = 0, MCB_SCHEME_Q7 = 1 };
#define MCB_Q7_METADATA "mcubench_scheme"

void mcb_graph_init(mcb_graph *g);
void mcb_graph_free(mcb_graph *g);

/* Appends a tensor (name copied, data copied if non-NULL) and returns its index, or -1. */
int mcb_graph_add_tensor(mcb_graph *g, const char *name, int type, int rank, const int32_t *shape,
                         const void *data, size_t data_size);
/* Sets per-tensor (n == 1) or per-channel quantization; arrays are copied. */
int mcb_tensor_set_quant(mcb_tensor *t, int n, const float *scale, const int64_t *zero_point,
                         int quant_dim);
/* Appends an operator (copied) and returns its index, or -1. */
int mcb_graph_add_op(mcb_graph *g, const mcb_op *op);
/* Deep copy; 0 on success. */
int mcb_graph_clone(mcb_graph *dst, const mcb_graph *src);

int64_t mcb_tensor_elems(const mcb_tensor *t);
int mcb_dtype_size(int type); /* bytes per element, 0 if unknown */
const char *mcb_dtype_name(int type);
const char *mcb_op_name(int code); /* TFLite's name, e.g. "CONV_2D"; "UNKNOWN" otherwise */

/* Trainable parameters: elements of all constant tensors that are op weights or biases. */
int64_t mcb_graph_params(const mcb_graph *g);
/* Multiply-accumulates of one op and of the whole graph (conv, depthwise, fully connected). */
int64_t mcb_op_macs(const mcb_graph *g, const mcb_op *op);
int64_t mcb_graph_macs(const mcb_graph *g);

#endif
