#!/usr/bin/env bash
# Item 6 of issue 13: --json output is valid UTF-8 JSON whatever bytes a path holds.
# usage: json.sh MCUBENCH SOURCE_DIR FIRMWARE_DIR
mcb=$1 src=$2 fw=$3
. "$src/tests/hostile/lib.sh"
valid() { # the file is strict UTF-8 and one JSON document naming the replacement character
  python3 - "$1" <<'PY' || fail "not valid JSON in UTF-8: $(head -c 300 "$1")"
import json, sys
text = open(sys.argv[1], 'rb').read().decode('utf-8')  # strict: raises on a stray byte
d = json.loads(text)
assert '\ufffd' in json.dumps(d, ensure_ascii=False), d
PY
}
name=$'\xff\xfe-caf\xe9.tflite'
cp "$src/models/mnist-conv16-int8.tflite" "$name"
run 0 '' "$mcb" eval "$name" --dataset mnist --limit 10 --json
valid .out
run 0 '' "$mcb" info "$name" --json
valid .out
cp "$fw/hello.elf" $'\xff.elf'
run 0 '' "$mcb" run $'\xff.elf' --json
valid .out
# a valid multi-byte name is kept as it is
cp "$fw/hello.elf" "é.elf"
run 0 '' "$mcb" run "é.elf" --json
python3 -c "import json,sys; d=json.load(open('.out', encoding='utf-8')); assert d['firmware'].endswith('é.elf'), d['firmware']" ||
  fail "a UTF-8 name was changed: $(grep firmware .out)"
echo "json: ok"
