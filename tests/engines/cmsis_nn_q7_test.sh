#!/bin/bash
# The cmsis-nn-q7 engine in the simulator, every output byte checked against the host q7
# reference. usage: cmsis_nn_q7_test.sh MCUBENCH SOURCE_DIR CASE [MAKE_Q7_WIDE]
#   mnist16 | cifar16   the zoo's q7 models, 5 test images
#   relu_chunks         a convolution with 65,536 outputs: arm_relu_q7 must be called in chunks
#   weights_in_ram      mnist16 with --weights-in-ram: the weights move to .data
set -u
mcb=$1 src=$2 case=$3
work=$(mktemp -d /tmp/mcb-q7-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

profile() { # MODEL [ARGS...]: runs profile, output in $work/out
    "$mcb" profile "$@" --engine cmsis-nn-q7 --images 5 --keep "$work/keep" >"$work/out" 2>&1
    local rc=$?
    cat "$work/out"
    [ $rc -eq 0 ] || fail "profile exited $rc"
    grep -q "bit-exact with the host executor on every image" "$work/out" || fail "not bit-exact"
}

case $case in
mnist16)
    profile "$src/models/mnist-conv16-q7.tflite"
    grep -q "arm_convolve_HWC_q7_basic" "$work/out" || fail "MNIST's first layer is not _basic"
    grep -q "arm_convolve_HWC_q7_fast" "$work/out" || fail "16 -> 16 channels is not _fast"
    grep -q "static const q7_t w0" "$work/keep/engine/model_q7.c" || fail "weights not const"
    ;;
cifar16)
    profile "$src/models/cifar10-conv16-q7.tflite"
    grep -q "arm_convolve_HWC_q7_RGB" "$work/out" || fail "3 channels is not _RGB"
    grep -q "arm_fully_connected_q7_opt" "$work/out" || fail "no fully connected layer"
    ;;
relu_chunks)
    "$4" "$work/wide.tflite" || fail "cannot make the model"
    profile "$work/wide.tflite" --dataset cifar10
    n=$(grep -c "arm_relu_q7(A(" "$work/keep/engine/model_q7.c")
    [ "$n" -eq 2 ] || fail "65,536 ReLU outputs in $n calls, expected 2"
    grep -q "arm_relu_q7(A([0-9]*), 4);" "$work/keep/engine/model_q7.c" ||
        fail "the second chunk is not the last 4 elements"
    ;;
weights_in_ram)
    profile "$src/models/mnist-conv16-q7.tflite" --weights-in-ram
    grep -q "^static q7_t w0" "$work/keep/engine/model_q7.c" || fail "weights still const"
    data=$(sed -n 's/.*(.data \([0-9]*\) .*/\1/p' "$work/out")
    [ -n "$data" ] && [ "$data" -ge 6490 ] || fail ".data is '$data' bytes, the weights are 6490"
    ;;
*)
    fail "unknown case $case"
    ;;
esac
echo "PASS: $case"
