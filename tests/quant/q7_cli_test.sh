#!/bin/bash
# mcubench quantize --scheme q7 end to end: the dataset inferred from the input shape, the q7
# marker visible in info, eval of the q7 model, deterministic output, usage errors.
# usage: q7_cli_test.sh MCUBENCH SOURCE_DIR
set -u
mcb=$1 src=$2
tmp=$(mktemp -d /tmp/mcb-q7cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$mcb" quantize "$src/models/mnist-conv16.tflite" --scheme q7 --calib 200 -o "$tmp/a.tflite" \
    > "$tmp/out" 2>&1 || fail "quantize: $(cat "$tmp/out")"
grep -q "q7, calibrated on 200 mnist images; input scale 0.0078125 zero point 0" "$tmp/out" ||
    fail "quantize line: $(cat "$tmp/out")"
"$mcb" quantize "$src/models/mnist-conv16.tflite" --dataset mnist --scheme q7 --calib 200 \
    -o "$tmp/b.tflite" > /dev/null 2>&1 || fail "quantize with --dataset"
cmp -s "$tmp/a.tflite" "$tmp/b.tflite" || fail "not deterministic"
"$mcb" info "$tmp/a.tflite" | grep -q "^scheme: q7" || fail "info shows no q7 scheme"
"$mcb" info "$src/models/mnist-conv16-int8.tflite" | grep -q "^scheme" && fail "int8 shown as q7"
acc=$("$mcb" eval "$tmp/a.tflite" --dataset mnist --limit 1000 --json | sed -n 's/.*"accuracy":\([0-9.]*\).*/\1/p')
python3 -c "import sys; sys.exit(0 if float('$acc') > 0.97 else 1)" || fail "q7 accuracy $acc"
"$mcb" quantize "$src/models/mnist-conv16.tflite" --scheme q8 -o "$tmp/c.tflite" 2> "$tmp/err"
[[ $? == 2 ]] && grep -q "unknown scheme 'q8'" "$tmp/err" || fail "bad scheme: $(cat "$tmp/err")"
echo "PASS (q7 accuracy $acc on 1000 images)"
