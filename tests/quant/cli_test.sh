#!/usr/bin/env bash
# quantize / infer / eval / info on a zoo model, end to end through the CLI.
# usage: cli_test.sh MCUBENCH SOURCE_DIR   (needs $MCUBENCH_DATA with MNIST)
set -u
mcb=$1 src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -f $src/models/mnist-conv16.tflite ]] || fail "models/mnist-conv16.tflite missing"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$mcb" quantize "$src/models/mnist-conv16.tflite" --dataset mnist --calib 200 -o "$tmp/q.tflite" \
  || fail "quantize"
"$mcb" quantize "$src/models/mnist-conv16.tflite" --dataset mnist --calib 200 -o "$tmp/q2.tflite"
cmp -s "$tmp/q.tflite" "$tmp/q2.tflite" || fail "quantize is not deterministic"

"$mcb" info "$tmp/q.tflite" --json > "$tmp/info.json" || fail "info"
/usr/bin/python3 - "$tmp/info.json" <<'PY' || fail "info json"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["tensors"]
inp, out = t[d["inputs"][0]], t[d["outputs"][0]]
assert inp["type"] == "int8" and out["type"] == "int8", (inp, out)
assert d["params"] == 6490 and d["macs"] == 380128
PY

# int8 accuracy on the first 1000 test images stays within 1 point of float
f=$("$mcb" eval "$src/models/mnist-conv16.tflite" --dataset mnist --limit 1000 --json) || fail "eval float"
q=$("$mcb" eval "$tmp/q.tflite" --dataset mnist --limit 1000 --json) || fail "eval int8"
/usr/bin/python3 -c "
import json,sys
f=json.loads('''$f''')['accuracy']; q=json.loads('''$q''')['accuracy']
print('float', f, 'int8', q)
assert q > 0.95 and abs(f-q) <= 0.01, (f, q)" || fail "int8 accuracy"

# infer: a zero-point input (all pixels 0) gives 10 output bytes; dump writes the activations
head -c 784 /dev/zero | tr '\0' '\200' > "$tmp/in.bin"
"$mcb" infer "$tmp/q.tflite" --input "$tmp/in.bin" -o "$tmp/out.bin" --dump "$tmp/dump" || fail "infer"
[[ $(stat -c %s "$tmp/out.bin") == 10 ]] || fail "output size"
[[ -f $tmp/dump/tensor-003.bin && $(stat -c %s "$tmp/dump/tensor-003.bin") == 10816 ]] || fail "dump"
cmp -s "$tmp/dump/tensor-014.bin" "$tmp/out.bin" || fail "dumped output differs from output"

# wrong input size: exit 1, one line naming both sizes, no output written
head -c 100 /dev/zero > "$tmp/short.bin"
"$mcb" infer "$tmp/q.tflite" --input "$tmp/short.bin" -o "$tmp/none.bin" 2> "$tmp/err"
[[ $? == 1 ]] || fail "wrong size exit code"
grep -q "100 bytes" "$tmp/err" && grep -q "784 bytes" "$tmp/err" || fail "wrong size message: $(cat "$tmp/err")"
[[ $(wc -l < "$tmp/err") == 1 ]] || fail "more than one line"
[[ ! -e $tmp/none.bin ]] || fail "output written on error"

# usage errors exit 2; a corrupt model exits 1 and writes nothing
"$mcb" quantize 2>/dev/null; [[ $? == 2 ]] || fail "usage exit code"
head -c 300 "$tmp/q.tflite" > "$tmp/cut.tflite"
"$mcb" quantize "$tmp/cut.tflite" --dataset mnist -o "$tmp/x.tflite" 2>/dev/null; [[ $? == 1 ]] || fail "corrupt exit"
[[ ! -e $tmp/x.tflite ]] || fail "output written for a corrupt model"
# an unwritable output is refused before calibration, with one line
"$mcb" quantize "$src/models/mnist-conv16.tflite" --dataset mnist -o /proc/none.tflite 2> "$tmp/err"
[[ $? == 1 && $(wc -l < "$tmp/err") == 1 ]] || fail "unwritable output: $(cat "$tmp/err")"
echo "quantize/infer CLI: ok"
