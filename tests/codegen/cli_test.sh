#!/usr/bin/env bash
# generate and profile through the CLI: a working generation, the refusals (too big for the
# target, corrupt model, float model) that write nothing, and profile on the committed model.
# usage: cli_test.sh MCUBENCH SOURCE_DIR CGT_FAMILY_MODEL [with-firmware]
#        (profile needs $MCUBENCH_DATA)
set -u
mcb=$1 src=$2 gen_model=$3 fw=${4:-}
model=$src/models/mnist-conv16-int8.tflite
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$mcb" generate "$model" --engine aot -o "$tmp/lib" > "$tmp/gen.txt" || fail "generate"
[[ -f $tmp/lib/model.h && -f $tmp/lib/model.c ]] || fail "model.h / model.c missing"
grep -q "arena *4544 bytes (lower bound for this schedule 4544)" "$tmp/gen.txt" \
  || fail "generate did not report arena = bound: $(cat "$tmp/gen.txt")"

# too big: a board with 8 KB of RAM
sed 's/^ram_size.*/ram_size = 0x2000/; s/^name.*/name = tiny/' "$src/targets/nrf52840.target" \
  > "$tmp/tiny.target"
"$mcb" generate "$model" --engine aot --target "$tmp/tiny.target" -o "$tmp/tiny" 2> "$tmp/err.txt"
[[ $? == 1 ]] || fail "a model too big for the target must exit 1"
[[ $(wc -l < "$tmp/err.txt") == 1 ]] && grep -q "RAM" "$tmp/err.txt" \
  || fail "expected one line about RAM: $(cat "$tmp/err.txt")"
[[ ! -e $tmp/tiny ]] || fail "a refused model must write nothing"
ls "$tmp" | grep -q "tiny.tmp" && fail "temporary folder left behind"

# corrupt: truncated model
head -c 3000 "$model" > "$tmp/bad.tflite"
"$mcb" generate "$tmp/bad.tflite" --engine aot -o "$tmp/bad" 2> "$tmp/err.txt"
[[ $? == 1 ]] || fail "a corrupt model must exit 1"
[[ ! -e $tmp/bad ]] || fail "a corrupt model must write nothing"
[[ -s $tmp/err.txt ]] || fail "no message for a corrupt model"

# float model: not int8
"$mcb" generate "$src/models/mnist-conv16.tflite" --engine aot -o "$tmp/float" 2> "$tmp/err.txt"
[[ $? == 1 ]] || fail "a float model must exit 1"
[[ ! -e $tmp/float ]] || fail "a float model must write nothing"

# usage errors
"$mcb" generate "$model" --engine interp -o "$tmp/x" 2>/dev/null; [[ $? == 2 ]] || fail "unknown engine must exit 2"
"$mcb" profile "$model" --images 0 2>/dev/null; [[ $? == 2 ]] || fail "--images 0 must exit 2"

[[ $fw == with-firmware ]] || exit 0
"$mcb" profile "$model" --images 3 --json > "$tmp/p.json" || fail "profile"
/usr/bin/python3 - "$tmp/p.json" <<'PY' || fail "profile json: $(cat "$tmp/p.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["outputs_match"] is True and d["images"] == 3 and d["engine"] == "aot", d
assert d["macs"] == 380128 and d["cycles"] > 0 and d["cycles_max"] >= d["cycles"]
assert abs(d["cycles_per_mac"] - d["cycles"] / d["macs"]) < 1e-5
assert d["arena_bytes"] == d["lower_bound_bytes"] == 4544
assert d["ram_bytes"] == d["data_bytes"] + d["bss_bytes"] + d["stack_bytes"] + d["heap_bytes"]
assert d["ram_bytes"] >= d["arena_bytes"] and d["flash_bytes"] > d["weight_bytes"] > 0
assert 0 <= d["accuracy"] <= 1
ops = [l["op"] for l in d["layers"]]
assert ops == ["CONV_2D+MAX_POOL_2D", "CONV_2D+MAX_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"], ops
assert sum(l["macs"] for l in d["layers"]) == d["macs"]
assert sum(l["cycles"] for l in d["layers"]) <= d["cycles"]
for l in d["layers"]:
    assert abs(l["time_ms"] - l["cycles"] / 64e3) < 1e-3, l
    assert abs(l["energy_uj"] / l["time_ms"] - d["energy_uj"] / d["time_ms"]) < 1e-3, l
assert sum(l["energy_uj"] for l in d["layers"]) <= d["energy_uj"]
PY
"$mcb" profile "$model" --images 3 --json > "$tmp/p2.json" || fail "profile (again)"
cmp -s "$tmp/p.json" "$tmp/p2.json" || fail "profile --json is not deterministic"
"$mcb" profile "$model" --images 2 > "$tmp/p.txt" || fail "profile (text)"

# a converter-style model (float input and output around QUANTIZE / DEQUANTIZE)
"$gen_model" mnist-conv16 3 "$tmp/wrap.tflite" wrap || fail "cgt_family_model"
"$mcb" profile "$tmp/wrap.tflite" --images 2 --json > "$tmp/w.json" || fail "profile of a wrapped model"
grep -q '"outputs_match": true' "$tmp/w.json" || fail "wrapped model: outputs differ"

# ADD fused into convs (in place and not; activations all of int8 and narrower: both assembly
# loops of the ADD), the ADD kernel and the average pool, bit-exact on the target
"$gen_model" residual 7 "$tmp/res.tflite" || fail "cgt_family_model residual"
"$mcb" profile "$tmp/res.tflite" --input random --images 2 --json > "$tmp/r.json" \
  || fail "profile of the residual graph"
grep -q '"outputs_match": true' "$tmp/r.json" || fail "residual graph: outputs differ"
[[ $(grep -o '"op": "CONV_2D+ADD"' "$tmp/r.json" | wc -l) == 3 ]] \
  || fail "residual graph: 3 convs with an ADD fused expected"

# a kernel that differs on the target: the FC kernel copied into the library is made to
# overwrite its last output; profile must fail and name the layer
cp -r "$src/src/kernels" "$tmp/kernels"
sed -i 's/^void mcb_aot_fc_s8(/static void real_fc_s8(/' "$tmp/kernels/aot/aot_fc.c"
grep -q "^static void real_fc_s8(" "$tmp/kernels/aot/aot_fc.c" || fail "could not wrap mcb_aot_fc_s8"
cat >> "$tmp/kernels/aot/aot_fc.c" <<'C'
void mcb_aot_fc_s8(const mcb_aot_fc *f, const int8_t *input, int8_t *output)
{
    real_fc_s8(f, input, output);
    output[f->out_depth - 1] = 127;
}
C
MCUBENCH_KERNELS_DIR=$tmp/kernels "$mcb" profile "$model" --images 3 > /dev/null 2> "$tmp/err.txt"
[[ $? == 1 ]] || fail "a target output that differs from the host must exit 1"
grep -q "layer 2 (FULLY_CONNECTED), byte 9" "$tmp/err.txt" \
  || fail "the mismatch must name the layer and byte: $(cat "$tmp/err.txt")"
grep -q "bit-exact" "$tmp/p.txt" && grep -q "cycles/MAC" "$tmp/p.txt" || fail "profile table"
exit 0
