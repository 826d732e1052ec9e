#!/usr/bin/env bash
# Models from elsewhere: TFLM's person_detect.tflite, read at test time from the pinned TFLM
# archive (extracted into a temporary folder, never committed), loads, runs on the host
# executor with generated inputs ('infer --input random[:SEED]', deterministic; a raw file
# gives the same output), and with firmware: 'profile --input random' on the aot engine is
# bit-exact with the host executor; --input FILE works for profile too; --weights int16 on the
# committed MNIST model stays bit-exact.
# usage: external_test.sh MCUBENCH SOURCE_DIR [with-firmware]
set -u
mcb=$1 src=$2 fw=${3:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
archive=$(ls "$src"/../shared/frameworks/tflite-micro-*.tar.gz 2>/dev/null | head -1)
[[ -n $archive ]] || { echo "SKIP: no tflite-micro archive beside the checkout"; exit 0; }
member=$(tar -tzf "$archive" | grep '/tensorflow/lite/micro/models/person_detect.tflite$' | head -1)
[[ -n $member ]] || fail "person_detect.tflite not in $archive"
tar -xzf "$archive" -C "$tmp" "$member" || fail "cannot extract $member"
pd=$tmp/$member

"$mcb" info "$pd" > "$tmp/info.txt" || fail "person_detect does not load: $(cat "$tmp/info.txt")"
grep -q "DEPTHWISE_CONV_2D" "$tmp/info.txt" || fail "info does not list its operators"

# the generator: same seed, same bytes; another seed, other bytes; a file gives the same output
"$mcb" infer "$pd" --input random:7 -o "$tmp/a.bin" || fail "infer --input random:7"
"$mcb" infer "$pd" --input random:7 -o "$tmp/b.bin" || fail "infer --input random:7 (again)"
cmp -s "$tmp/a.bin" "$tmp/b.bin" || fail "the generator is not deterministic"
[[ $(stat -c %s "$tmp/a.bin") == 2 ]] || fail "person_detect's output is 2 int8 values"
"$mcb" infer "$pd" --input random:x -o "$tmp/c.bin" 2> "$tmp/err.txt"
[[ $? == 1 ]] && grep -q "seed" "$tmp/err.txt" || fail "a bad seed must exit 1 naming the seed"
# 96x96x1 int8: a constant image through a file
head -c 9216 /dev/zero > "$tmp/zero.bin"
"$mcb" infer "$pd" --input "$tmp/zero.bin" -o "$tmp/z.bin" || fail "infer --input FILE"

# eval maps pixels from the model's input quantization: MLPerf's ResNet-8 (scale 1, zero
# point -128) takes raw 0-255 pixels; --pixels overrides; a bad range is a usage error
resnet=$src/../shared/models/mlperf-tiny/pretrainedResnet_quant.tflite
if [[ -f $resnet && -n ${MCUBENCH_DATA:-} && -d $MCUBENCH_DATA/cifar10 ]]; then
  "$mcb" eval "$resnet" --dataset cifar10 --limit 4 > "$tmp/e.txt" || fail "eval resnet"
  grep -q "pixels 0-255" "$tmp/e.txt" || fail "auto pixels should be 0-255: $(cat "$tmp/e.txt")"
  "$mcb" eval "$resnet" --dataset cifar10 --limit 4 --pixels 0-1 > "$tmp/e.txt" || fail "eval 0-1"
  grep -q "pixels 0-1)" "$tmp/e.txt" || fail "--pixels 0-1 not taken: $(cat "$tmp/e.txt")"
  "$mcb" eval "$resnet" --dataset cifar10 --pixels 0-9 2>/dev/null; [[ $? == 2 ]] || fail "bad --pixels must exit 2"
  "$mcb" eval "$src/models/cifar10-conv16-int8.tflite" --dataset cifar10 --limit 4 > "$tmp/e.txt"
  grep -q "pixels 0-1)" "$tmp/e.txt" || fail "our models take 0-1 pixels: $(cat "$tmp/e.txt")"
fi

[[ $fw == with-firmware ]] || { echo "ok (no firmware checks)"; exit 0; }
"$mcb" profile "$pd" --input random --images 2 --json > "$tmp/p.json" 2> "$tmp/err.txt" \
  || fail "profile person_detect --input random: $(cat "$tmp/err.txt")"
grep -q '"outputs_match": *true' "$tmp/p.json" || fail "person_detect outputs not bit-exact"
grep -q '"accuracy": *null' "$tmp/p.json" || fail "no accuracy without labels"
grep -q '"dataset": *"random"' "$tmp/p.json" || fail "dataset should read random"
"$mcb" profile "$src/models/mnist-conv16-int8.tflite" --input "$tmp/zero.bin" --images 1 \
  > /dev/null 2> "$tmp/err.txt"
[[ $? == 1 ]] || fail "a file of the wrong size must exit 1"
head -c 1568 /dev/urandom > "$tmp/two.bin" # two 28x28x1 int8 inputs
"$mcb" profile "$src/models/mnist-conv16-int8.tflite" --input "$tmp/two.bin" --images 3 \
  --weights int16 --json > "$tmp/m.json" 2> "$tmp/err.txt" \
  || fail "profile --input FILE --weights int16: $(cat "$tmp/err.txt")"
grep -q '"outputs_match": *true' "$tmp/m.json" || fail "mnist-conv16 int16 outputs not bit-exact"
# ResNet-8's first conv (3x3x3 SAME, unpooled) runs conv_c3's assembly on the target
if [[ -f $resnet ]]; then
  "$mcb" profile "$resnet" --input random:3 --images 1 --json > "$tmp/r.json" 2> "$tmp/err.txt" \
    || fail "profile resnet-8: $(cat "$tmp/err.txt")"
  grep -q '"outputs_match": *true' "$tmp/r.json" || fail "resnet-8 outputs not bit-exact"
fi
echo ok
