/* Field ids and union indices of the TFLite schema (tensorflow/lite/schema/schema.fbs, version 3)
 * for the tables the reader and writer touch. A field id is its position in the table's
 * declaration; a union takes two ids (its _type byte, then the offset). One place, so the reader
 * and the writer cannot disagree. tests/model/tflite_subset.fbs restates the same tables. */
#ifndef MCB_TFLITE_SCHEMA_H
#define MCB_TFLITE_SCHEMA_H

#define TFL_IDENT "TFL3"
#define TFL_SCHEMA_VERSION 3

enum { TFL_MODEL_VERSION, TFL_MODEL_OPCODES, TFL_MODEL_SUBGRAPHS, TFL_MODEL_DESCRIPTION,
       TFL_MODEL_BUFFERS, TFL_MODEL_METADATA_BUFFER, TFL_MODEL_METADATA };
enum { TFL_META_NAME, TFL_META_BUFFER };
enum { TFL_OPCODE_DEPRECATED_CODE, TFL_OPCODE_CUSTOM, TFL_OPCODE_VERSION, TFL_OPCODE_CODE };
enum { TFL_SG_TENSORS, TFL_SG_INPUTS, TFL_SG_OUTPUTS, TFL_SG_OPERATORS, TFL_SG_NAME };
enum { TFL_T_SHAPE, TFL_T_TYPE, TFL_T_BUFFER, TFL_T_NAME, TFL_T_QUANT, TFL_T_IS_VARIABLE,
       TFL_T_SPARSITY, TFL_T_SHAPE_SIGNATURE, TFL_T_HAS_RANK };
enum { TFL_Q_MIN, TFL_Q_MAX, TFL_Q_SCALE, TFL_Q_ZERO_POINT, TFL_Q_DETAILS_TYPE, TFL_Q_DETAILS,
       TFL_Q_DIM };
enum { TFL_OP_OPCODE_INDEX, TFL_OP_INPUTS, TFL_OP_OUTPUTS, TFL_OP_OPTIONS_TYPE, TFL_OP_OPTIONS,
       TFL_OP_CUSTOM_OPTIONS };
enum { TFL_BUF_DATA, TFL_BUF_OFFSET, TFL_BUF_SIZE };

/* Options tables */
enum { TFL_CONV_PADDING, TFL_CONV_STRIDE_W, TFL_CONV_STRIDE_H, TFL_CONV_ACT, TFL_CONV_DIL_W,
       TFL_CONV_DIL_H };
enum { TFL_DW_PADDING, TFL_DW_STRIDE_W, TFL_DW_STRIDE_H, TFL_DW_MULT, TFL_DW_ACT, TFL_DW_DIL_W,
       TFL_DW_DIL_H };
enum { TFL_POOL_PADDING, TFL_POOL_STRIDE_W, TFL_POOL_STRIDE_H, TFL_POOL_FILTER_W,
       TFL_POOL_FILTER_H, TFL_POOL_ACT };
enum { TFL_FC_ACT, TFL_FC_WEIGHTS_FORMAT, TFL_FC_KEEP_NUM_DIMS };
enum { TFL_SOFTMAX_BETA };
enum { TFL_RESHAPE_NEW_SHAPE };
enum { TFL_ADD_ACT };

/* BuiltinOptions union members (NONE is 0) */
enum {
    TFL_OPT_NONE = 0,
    TFL_OPT_CONV2D = 1,
    TFL_OPT_DEPTHWISE_CONV2D = 2,
    TFL_OPT_POOL2D = 5,
    TFL_OPT_FULLY_CONNECTED = 8,
    TFL_OPT_SOFTMAX = 9,
    TFL_OPT_ADD = 11,
    TFL_OPT_RESHAPE = 17,
    TFL_OPT_DEQUANTIZE = 38,
    TFL_OPT_QUANTIZE = 89,
};

/* BuiltinOperator CUSTOM; codes >= 127 only fit the int32 builtin_code field. */
#define TFL_OP_CUSTOM 32
#define TFL_PLACEHOLDER_FOR_GREATER_OP_CODES 127

/* The options table an operator of this builtin code carries (TFL_OPT_NONE if none we know). */
static inline int tfl_options_type(int code)
{
    switch (code) {
    case 0: return TFL_OPT_ADD;
    case 1: case 17: return TFL_OPT_POOL2D; /* AVERAGE_POOL_2D, MAX_POOL_2D */
    case 3: return TFL_OPT_CONV2D;
    case 4: return TFL_OPT_DEPTHWISE_CONV2D;
    case 6: return TFL_OPT_DEQUANTIZE;
    case 9: return TFL_OPT_FULLY_CONNECTED;
    case 22: return TFL_OPT_RESHAPE;
    case 25: return TFL_OPT_SOFTMAX;
    case 114: return TFL_OPT_QUANTIZE;
    default: return TFL_OPT_NONE;
    }
}

#endif
