#!/usr/bin/env bash
# Item 8 of issue 13: an error is one line, always: the first problem and how many more.
# usage: oneline.sh MCUBENCH SOURCE_DIR
mcb=$1 src=$2
. "$src/tests/hostile/lib.sh"
float=$src/models/mnist-conv16.tflite int8=$src/models/mnist-conv16-int8.tflite
# a float model: every operator is a problem for generate and profile
run 1 '^mcubench: .*mnist-conv16\.tflite: .*must be int8.* \(and [0-9]+ more problems\)$' \
  "$mcb" generate "$float" -o lib
[[ ! -e lib ]] || fail "a refused generate wrote lib"
run 1 '^mcubench: .*mnist-conv16\.tflite: .*must be int8.* \(and [0-9]+ more problems\)$' \
  "$mcb" profile "$float" --images 1
# a file name with a newline stays on one line
cp "$int8" $'two\nlines.tflite'
head -c 3000 "$int8" > $'cut\nshort.tflite'
run 1 '^mcubench: cut\?short\.tflite: ' "$mcb" info $'cut\nshort.tflite'
# 40 bit-flipped models through info and generate: one line whenever they fail
python3 - "$int8" <<'PY'
import random, sys
d = open(sys.argv[1], 'rb').read()
r = random.Random(7)
for i in range(40):
    b = bytearray(d)
    for _ in range(1 + i % 3):
        k = r.randrange(len(b)); b[k] ^= 1 << r.randrange(8)
    open(f'flip{i:02d}.tflite', 'wb').write(b)
PY
for f in flip*.tflite; do
  for cmd in info generate; do
    if [[ $cmd == generate ]]; then args=(-o "lib_$f"); else args=(); fi
    "$mcb" $cmd "$f" "${args[@]}" > /dev/null 2> err.txt
    rc=$?
    n=$(wc -l < err.txt)
    if [[ $rc == 0 && $n != 0 ]] || [[ $rc != 0 && $n != 1 ]]; then
      fail "$cmd $f: exit $rc with $n stderr lines: $(cat err.txt)"
    fi
    rm -rf "lib_$f"
  done
done
echo "oneline: ok"
